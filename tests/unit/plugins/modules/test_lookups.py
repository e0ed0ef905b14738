# -*- coding: utf-8 -*-
"""References by name (os_resource.find_one, shared by every module): names several resources share.

A name two resources have is refused with both ids, whatever the kind and however the API
is searched (Neutron's and Glance's name filter, Nova's flavor list without one), before
anything changes; the close matches of a name not found show each name once.
"""
from __future__ import annotations

import pytest

from ansible_collections.ooo.cloud.plugins.modules import image_info, network_info, server, subnet

NOVA = 'nova'


def _twice(cloud, host, coll, obj):
    """Two resources of one name; their ids, as the error lists them."""
    return [cloud.add(host, coll, dict(obj))['id'] for _copy in range(2)]


# kind -> (host, collection, the resource the server below refers to by name)
REFERENCED = {
    'image': ('glance', '/v2/images', {'name': 'cirros', 'status': 'active'}),
    'flavor': (NOVA, '/v2.1/flavors', {'name': 'm1.tiny', 'vcpus': 1, 'ram': 512}),
    'network': ('neutron', '/v2.0/networks', {'name': 'private'}),
}
SERVER = {'name': 'web1', 'image': 'cirros', 'flavor': 'm1.tiny', 'networks': [{'network': 'private'}], 'timeout': 5}


def _references(cloud, copies=1):
    for host, coll, obj in REFERENCED.values():
        for _copy in range(copies):
            cloud.add(host, coll, dict(obj))


@pytest.mark.parametrize('kind', sorted(REFERENCED))
def test_server_reference_shared_by_two_is_refused_with_their_ids(cloud, run, kind):
    host, coll, obj = REFERENCED[kind]
    _references(cloud)
    ids = [x['id'] for x in cloud.items(host, coll)] + [cloud.add(host, coll, dict(obj))['id']]
    for check in (True, False):
        res = run(server.main, SERVER, check=check)
        assert res['failed'] and 'exception' not in res
        assert res['msg'] == "%s name '%s' is ambiguous: 2 matches (%s, %s); use an id" % (kind, obj['name'], ids[0], ids[1])
    assert cloud.writes() == []
    # by id, either one is taken
    option, value = ('networks', [{'network': ids[1]}]) if kind == 'network' else (kind, ids[1])
    res = run(server.main, dict(SERVER, **{option: value}), check=True)
    assert res['changed'] is True and not res.get('failed'), res


def test_subnet_of_a_network_name_shared_by_two(cloud, run):
    ids = _twice(cloud, 'neutron', '/v2.0/networks', {'name': 'private'})
    args = {'name': 's', 'network': 'private', 'cidr': '192.168.10.0/24'}
    res = run(subnet.main, args)
    assert res['failed'] and res['msg'] == "network name 'private' is ambiguous: 2 matches (%s, %s); use an id" % tuple(ids)
    assert cloud.writes() == []
    assert run(subnet.main, dict(args, network=ids[0]))['changed'] is True


def test_info_modules_refuse_a_shared_name(cloud, run):
    net_ids = _twice(cloud, 'neutron', '/v2.0/networks', {'name': 'private'})
    img_ids = _twice(cloud, 'glance', '/v2/images', {'name': 'cirros', 'status': 'active'})
    res = run(network_info.main, {'name': 'private'})
    assert res['failed'] and all(i in res['msg'] for i in net_ids) and 'ambiguous' in res['msg']
    res = run(image_info.main, {'name': 'cirros'})
    assert res['failed'] and all(i in res['msg'] for i in img_ids) and 'ambiguous' in res['msg']
    assert [n['id'] for n in run(network_info.main, {'name': net_ids[1]})['networks']] == [net_ids[1]]


def test_close_matches_name_a_shared_name_once(cloud, run):
    _references(cloud, copies=3)
    res = run(server.main, dict(SERVER, image='cirros-0.6'))
    assert res['failed'] and res['msg'] == "image 'cirros-0.6' not found; close matches: cirros"
    image_id = cloud.items('glance', '/v2/images')[0]['id']
    res = run(server.main, dict(SERVER, image=image_id, flavor='m1.tin'))
    assert res['failed'] and res['msg'] == "flavor 'm1.tin' not found; close matches: m1.tiny"
    cloud.add('neutron', '/v2.0/networks', {'name': 'privat2'})
    res = run(subnet.main, {'name': 's', 'network': 'privat', 'cidr': '192.168.10.0/24'})
    assert res['failed'] and res['msg'] == "network 'privat' not found; close matches: private, privat2"
    assert cloud.writes() == []
