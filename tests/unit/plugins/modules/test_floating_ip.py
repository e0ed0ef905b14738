# -*- coding: utf-8 -*-
"""floating_ip: move to another server or port, detach, external network check."""
from __future__ import annotations

import pytest

from ansible_collections.ooo.cloud.plugins.modules import floating_ip

NEU = 'neutron'
FIPS = (NEU, '/v2.0/floatingips')
ADDR = '192.0.2.50'


@pytest.fixture
def lab(cloud):
    """An external and a private network, two servers with a port each, a floating IP on web1."""
    pub = cloud.add(NEU, '/v2.0/networks', {'name': 'public', 'router:external': True})
    priv = cloud.add(NEU, '/v2.0/networks', {'name': 'private'})
    ports = {}
    for name, ip in (('web1', '10.0.0.5'), ('web2', '10.0.0.6')):
        srv = cloud.add('nova', '/v2.1/servers', {'name': name})
        ports[name] = cloud.add(NEU, '/v2.0/ports', {'name': name + '-port', 'device_id': srv['id'],
                                                     'network_id': priv['id'],
                                                     'fixed_ips': [{'ip_address': ip, 'subnet_id': 's'}]})
    fip = cloud.add(NEU, '/v2.0/floatingips', {'floating_ip_address': ADDR, 'floating_network_id': pub['id'],
                                               'port_id': ports['web1']['id'], 'fixed_ip_address': '10.0.0.5'})

    def create(match, body, query):
        obj = dict(body['floatingip'])
        obj.setdefault('floating_ip_address', '192.0.2.77')
        return 201, {'floatingip': cloud.add(NEU, '/v2.0/floatingips', obj)}

    def update(match, body, query):
        """Like Neutron: port_id null clears the fixed address; fixed_ip_address needs a port_id."""
        obj = cloud.store[FIPS][match.group(1)]
        change = body['floatingip']
        if change.get('fixed_ip_address') and not change.get('port_id'):
            return 400, {'NeutronError': {'message': 'fixed_ip_address cannot be specified without a port_id'}}
        if 'port_id' in change and change['port_id'] is None:
            change = dict(change, fixed_ip_address=None)
        obj.update(change)
        return 200, {'floatingip': obj}
    cloud.route('POST', r'neutron/v2.0/floatingips', create)
    cloud.route('PUT', r'neutron/v2.0/floatingips/([^/]+)', update)
    return {'pub': pub, 'priv': priv, 'ports': ports, 'fip': fip}


def _puts(cloud, since=0):
    return [c[2] for c in cloud.calls[since:] if c[0] == 'PUT' and 'floatingips' in c[1]]


def test_floating_ip_moves_to_another_server(cloud, run, lab):
    args = {'floating_ip_address': ADDR, 'server': 'web2'}
    res = run(floating_ip.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    assert res['diff']['before'] == {'floating_ip_address': ADDR, 'port_id': lab['ports']['web1']['id'],
                                     'fixed_ip_address': '10.0.0.5'}
    assert res['diff']['after'] == {'floating_ip_address': ADDR, 'port_id': lab['ports']['web2']['id'],
                                    'fixed_ip_address': '10.0.0.6'}
    assert res['floating_ip']['port_id'] == lab['ports']['web2']['id']  # predicted
    assert cloud.store[FIPS][lab['fip']['id']]['port_id'] == lab['ports']['web1']['id']

    res = run(floating_ip.main, args)
    assert res['changed'] is True and res['diff']['after']['fixed_ip_address'] == '10.0.0.6'
    assert _puts(cloud) == [{'floatingip': {'port_id': lab['ports']['web2']['id'], 'fixed_ip_address': '10.0.0.6'}}]
    assert cloud.writes() == [('PUT', 'neutron/v2.0/floatingips/%s' % lab['fip']['id'])]  # not released
    assert res['floating_ip']['id'] == lab['fip']['id'] and res['floating_ip']['fixed_ip_address'] == '10.0.0.6'

    calls = len(cloud.calls)
    res = run(floating_ip.main, args)
    assert res['changed'] is False and _puts(cloud, calls) == []
    assert res['diff']['before'] == res['diff']['after']
    # and back, by port
    res = run(floating_ip.main, {'floating_ip_address': ADDR, 'port': 'web1-port'})
    assert res['changed'] is True and cloud.store[FIPS][lab['fip']['id']]['fixed_ip_address'] == '10.0.0.5'
    assert run(floating_ip.main, {'floating_ip_address': ADDR, 'port': 'web1-port'})['changed'] is False


def test_floating_ip_another_fixed_address_of_the_same_port(cloud, run, lab):
    port = lab['ports']['web1']
    port['fixed_ips'].append({'ip_address': '10.0.0.9', 'subnet_id': 's'})
    res = run(floating_ip.main, {'floating_ip_address': ADDR, 'server': 'web1', 'fixed_address': '10.0.0.9'})
    assert res['changed'] is True
    assert _puts(cloud) == [{'floatingip': {'port_id': port['id'], 'fixed_ip_address': '10.0.0.9'}}]
    assert run(floating_ip.main, {'floating_ip_address': ADDR, 'server': 'web1', 'fixed_address': '10.0.0.9'})[
        'changed'] is False


def test_floating_ip_detached_keeps_the_address(cloud, run, lab):
    args = {'floating_ip_address': ADDR, 'detached': True}
    res = run(floating_ip.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    assert res['diff']['before']['port_id'] == lab['ports']['web1']['id']
    assert res['diff']['before']['fixed_ip_address'] == '10.0.0.5'
    assert res['diff']['after'] == {'floating_ip_address': ADDR, 'port_id': None, 'fixed_ip_address': None}
    assert res['floating_ip']['port_id'] is None

    res = run(floating_ip.main, args)
    assert res['changed'] is True
    assert _puts(cloud) == [{'floatingip': {'port_id': None}}]
    fip = cloud.store[FIPS][lab['fip']['id']]  # still allocated
    assert fip['port_id'] is None and fip['fixed_ip_address'] is None and fip['floating_ip_address'] == ADDR
    assert res['floating_ip']['port_id'] is None

    calls = len(cloud.calls)
    res = run(floating_ip.main, args)
    assert res['changed'] is False and cloud.calls[calls:] and _puts(cloud, calls) == []
    assert run(floating_ip.main, args, check=True)['changed'] is False

    # without detached nor server/port the association is not managed
    assert run(floating_ip.main, {'floating_ip_address': ADDR})['changed'] is False
    res = run(floating_ip.main, {'floating_ip_address': ADDR, 'server': 'web2'})
    assert res['changed'] is True and res['diff']['before']['port_id'] is None
    assert run(floating_ip.main, {'floating_ip_address': ADDR})['changed'] is False


def test_floating_ip_detached_allocates_an_unassociated_address(cloud, run, lab):
    res = run(floating_ip.main, {'network': 'public', 'floating_ip_address': '192.0.2.60', 'detached': True})
    assert res['changed'] is True and res['floating_ip']['port_id'] is None
    body = [c[2] for c in cloud.calls if c[0] == 'POST' and 'floatingips' in c[1]][0]
    assert body == {'floatingip': {'floating_ip_address': '192.0.2.60', 'floating_network_id': lab['pub']['id']}}
    res = run(floating_ip.main, {'network': 'public', 'floating_ip_address': '192.0.2.60', 'detached': True})
    assert res['changed'] is False


@pytest.mark.parametrize('args,message', [
    ({'floating_ip_address': ADDR, 'detached': True, 'server': 'web2'}, 'detached=true keeps the floating IP'),
    ({'floating_ip_address': ADDR, 'detached': True, 'port': 'web2-port'}, 'it excludes port'),
    ({'floating_ip_address': ADDR, 'detached': True, 'fixed_address': '10.0.0.5'}, 'it excludes fixed_address'),
    ({'floating_ip_address': ADDR, 'detached': True, 'state': 'absent'}, 'it excludes state=absent'),
    ({'detached': True, 'network': 'public'}, 'floating_ip_address'),
])
def test_floating_ip_detached_bad_combinations_fail_before_any_call(cloud, run, lab, args, message):
    res = run(floating_ip.main, args)
    assert res['failed'] and message in res['msg'], res['msg']
    assert cloud.calls == []


@pytest.mark.parametrize('check', [False, True])
def test_floating_ip_from_a_network_that_is_not_external_fails_naming_it(cloud, run, lab, check):
    cloud.add(NEU, '/v2.0/networks', {'name': 'ext2', 'router:external': True})
    res = run(floating_ip.main, {'network': 'private', 'server': 'web2'}, check=check)
    assert res['failed']
    assert "network 'private' is not an external network (router:external is false)" in res['msg']
    assert '(ext2, public)' in res['msg']
    assert cloud.writes() == []
    res = run(floating_ip.main, {'network': lab['priv']['id'], 'floating_ip_address': '10.0.0.99'}, check=check)
    assert res['failed'] and "network '%s' is not an external network" % lab['priv']['id'] in res['msg']
    assert cloud.writes() == [] and len(cloud.store[FIPS]) == 1


def test_floating_ip_not_external_with_no_external_network_at_all(cloud, run):
    cloud.add(NEU, '/v2.0/networks', {'name': 'private'})
    res = run(floating_ip.main, {'network': 'private', 'floating_ip_address': '10.0.0.99'})
    assert res['failed'] and 'floating IPs come from an external network (there is none)' in res['msg']


def test_floating_ip_release_does_not_check_the_network(cloud, run, lab):
    res = run(floating_ip.main, {'network': 'private', 'floating_ip_address': '10.0.0.99', 'state': 'absent'})
    assert res['changed'] is False and cloud.writes() == []
    res = run(floating_ip.main, {'floating_ip_address': ADDR, 'state': 'absent'}, check=True)
    assert res['changed'] is True and res['diff']['after'] == {} and cloud.writes() == []
    res = run(floating_ip.main, {'floating_ip_address': ADDR, 'state': 'absent'})
    assert res['changed'] is True and cloud.store[FIPS] == {}
