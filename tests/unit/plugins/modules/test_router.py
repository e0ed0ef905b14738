# -*- coding: utf-8 -*-
"""router: the external gateway is removed with external_gateway: false."""
from __future__ import annotations

import pytest

from ansible_collections.ooo.cloud.plugins.modules import router

NEU = 'neutron'
ROUTERS = (NEU, '/v2.0/routers')


@pytest.fixture
def lab(cloud):
    """A router with a gateway on 'public' and an interface on 's1'."""
    pub = cloud.add(NEU, '/v2.0/networks', {'name': 'public', 'router:external': True})
    priv = cloud.add(NEU, '/v2.0/networks', {'name': 'private'})
    ext_sub = cloud.add(NEU, '/v2.0/subnets', {'name': 'public-subnet', 'network_id': pub['id'],
                                               'cidr': '192.0.2.0/24'})
    s1 = cloud.add(NEU, '/v2.0/subnets', {'name': 's1', 'network_id': priv['id'], 'cidr': '10.0.1.0/24'})
    r1 = cloud.add(NEU, '/v2.0/routers', {'name': 'r1', 'external_gateway_info': {
        'network_id': pub['id'], 'enable_snat': True,
        'external_fixed_ips': [{'subnet_id': ext_sub['id'], 'ip_address': '192.0.2.10'}]}})
    cloud.add(NEU, '/v2.0/ports', {'device_id': r1['id'], 'device_owner': 'network:router_interface',
                                   'network_id': priv['id'], 'fixed_ips': [{'subnet_id': s1['id']}]})

    def update(match, body, query):
        """Like Neutron: an empty external_gateway_info removes the gateway (returned as null)."""
        obj = cloud.store[ROUTERS][match.group(1)]
        change = dict(body['router'])
        if 'external_gateway_info' in change and not change['external_gateway_info']:
            change['external_gateway_info'] = None
        obj.update(change)
        return 200, {'router': obj}
    cloud.route('PUT', r'neutron/v2.0/routers/([^/]+)', update)
    return {'pub': pub, 'priv': priv, 's1': s1, 'r1': r1}


def test_router_external_gateway_false_removes_it(cloud, run, lab):
    args = {'name': 'r1', 'external_gateway': False}
    res = run(router.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    assert res['diff']['before']['external_gateway_info']['network_id'] == lab['pub']['id']
    assert res['diff']['after']['external_gateway_info'] is None
    assert res['router']['external_gateway_info'] is None  # predicted
    assert cloud.store[ROUTERS][lab['r1']['id']]['external_gateway_info']['network_id'] == lab['pub']['id']

    res = run(router.main, args)
    assert res['changed'] is True and res['router']['external_gateway_info'] is None
    assert cloud.writes() == [('PUT', 'neutron/v2.0/routers/%s' % lab['r1']['id'])]
    assert [c[2] for c in cloud.calls if c[0] == 'PUT'] == [{'router': {'external_gateway_info': {}}}]
    assert cloud.store[ROUTERS][lab['r1']['id']]['external_gateway_info'] is None
    assert len(cloud.items(NEU, '/v2.0/ports')) == 1  # the interface stays

    calls = len(cloud.calls)
    res = run(router.main, args)
    assert res['changed'] is False and [c for c in cloud.calls[calls:] if c[0] == 'PUT'] == []
    assert res['diff']['before'] == res['diff']['after']
    assert run(router.main, args, check=True)['changed'] is False
    # interfaces given with it are still made exactly so
    assert run(router.main, dict(args, interfaces=['s1']))['changed'] is False

    # and back
    res = run(router.main, {'name': 'r1', 'network': 'public'})
    assert res['changed'] is True and res['diff']['before']['external_gateway_info'] is None
    assert cloud.store[ROUTERS][lab['r1']['id']]['external_gateway_info'] == {'network_id': lab['pub']['id']}
    assert run(router.main, {'name': 'r1', 'network': 'public', 'external_gateway': True})['changed'] is False


def test_router_created_without_a_gateway(cloud, run, lab):
    res = run(router.main, {'name': 'r2', 'external_gateway': False}, check=True)
    assert res['changed'] is True and cloud.writes() == []
    res = run(router.main, {'name': 'r2', 'external_gateway': False})
    assert res['changed'] is True
    body = [c[2] for c in cloud.calls if c[0] == 'POST' and c[1].endswith('/routers')][0]
    assert body == {'router': {'name': 'r2'}}
    assert run(router.main, {'name': 'r2', 'external_gateway': False})['changed'] is False


def test_router_without_the_option_leaves_the_gateway(cloud, run, lab):
    assert run(router.main, {'name': 'r1'})['changed'] is False
    assert run(router.main, {'name': 'r1', 'description': 'x'})['changed'] is True
    assert cloud.store[ROUTERS][lab['r1']['id']]['external_gateway_info']['network_id'] == lab['pub']['id']


@pytest.mark.parametrize('args,message', [
    ({'external_gateway': False, 'network': 'public'},
     'external_gateway=false removes the gateway; it excludes network'),
    ({'external_gateway': False, 'network': 'public', 'enable_snat': False}, 'it excludes network, enable_snat'),
    ({'external_gateway': True}, 'external_gateway is True but all of the following are missing: network'),
])
def test_router_external_gateway_bad_combinations_fail_before_any_call(cloud, run, lab, args, message):
    res = run(router.main, dict(args, name='r1'))
    assert res['failed'] and message in res['msg'], res['msg']
    assert cloud.calls == []
