# -*- coding: utf-8 -*-
from __future__ import annotations

from ansible_collections.ooo.cloud.plugins.modules import flavor, flavor_info, keypair, server, server_info

NOVA = 'nova'
KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAVuJqeOdit/uTL76s1PDM/mLEKQHBXyJHVS2ZxBs0rc alice@host'
KEY2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJICbgZ2hmwxptPBge6QkFKv/Fe15ZJJYUr1XfUjulo5'


def _extra_specs_routes(cloud):
    def post(match, body, query):
        fl = cloud.store[(NOVA, '/v2.1/flavors')][match.group(1)]
        fl['extra_specs'].update(body['extra_specs'])
        return 200, {'extra_specs': fl['extra_specs']}

    def delete(match, body, query):
        cloud.store[(NOVA, '/v2.1/flavors')][match.group(1)]['extra_specs'].pop(match.group(2))
        return 200, None
    cloud.route('POST', r'nova/v2.1/flavors/([^/]+)/os-extra_specs', post)
    cloud.route('DELETE', r'nova/v2.1/flavors/([^/]+)/os-extra_specs/([^/]+)', delete)


def test_flavor_lifecycle(cloud, run):
    _extra_specs_routes(cloud)
    args = {'name': 'm1.small', 'vcpus': 1, 'ram': 2048, 'disk': 20, 'extra_specs': {'hw:cpu_policy': 'dedicated', 'x': True}}
    res = run(flavor.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    res = run(flavor.main, args)
    assert res['changed'] is True
    assert res['flavor']['extra_specs'] == {'hw:cpu_policy': 'dedicated', 'x': 'true'}
    assert run(flavor.main, args)['changed'] is False
    res = run(flavor.main, dict(args, extra_specs={'hw:cpu_policy': 'shared'}))
    assert res['changed'] is True
    assert res['diff']['before']['extra_specs'] == {'hw:cpu_policy': 'dedicated', 'x': 'true'}
    assert res['diff']['after']['extra_specs'] == {'hw:cpu_policy': 'shared'}
    assert cloud.items(NOVA, '/v2.1/flavors')[0]['extra_specs'] == {'hw:cpu_policy': 'shared'}
    res = run(flavor.main, {'name': 'm1.small', 'vcpus': 1, 'ram': 4096})
    assert res['failed'] and 'ram' in res['msg'] and 'cannot be updated in place' in res['msg']
    res = run(flavor.main, {'name': 'm1.small', 'state': 'absent'})
    assert res['changed'] is True and cloud.items(NOVA, '/v2.1/flavors') == []


def test_flavor_needs_vcpus_to_create(cloud, run):
    res = run(flavor.main, {'name': 'm1.small', 'ram': 1})
    assert res['failed'] and 'vcpus' in res['msg']


def test_flavor_info(cloud, run):
    cloud.add(NOVA, '/v2.1/flavors', {'name': 'm1.tiny', 'vcpus': 1, 'ram': 512})
    cloud.add(NOVA, '/v2.1/flavors', {'name': 'm1.small', 'vcpus': 1, 'ram': 2048})
    assert len(run(flavor_info.main, {})['flavors']) == 2
    assert [f['name'] for f in run(flavor_info.main, {'name': 'm1.tiny'})['flavors']] == ['m1.tiny']


def _keypair_routes(cloud):
    store = {}

    def get(match, body, query):
        name = match.group(1)
        return (200, {'keypair': store[name]}) if name in store else (404, {'itemNotFound': {'message': 'nope'}})

    def post(match, body, query):
        kp = dict(body['keypair'], fingerprint='aa:bb', type='ssh')
        store[kp['name']] = kp
        return 200, {'keypair': kp}

    def delete(match, body, query):
        store.pop(match.group(1))
        return 202, None
    cloud.route('GET', r'nova/v2.1/os-keypairs/([^/]+)', get)
    cloud.route('DELETE', r'nova/v2.1/os-keypairs/([^/]+)', delete)
    cloud.route('POST', r'nova/v2.1/os-keypairs', post)
    return store


def test_keypair(cloud, run):
    store = _keypair_routes(cloud)
    res = run(keypair.main, {'name': 'k', 'public_key': KEY}, check=True)
    assert res['changed'] is True and not store
    assert run(keypair.main, {'name': 'k', 'public_key': KEY})['changed'] is True
    assert run(keypair.main, {'name': 'k', 'public_key': KEY.replace('alice@host', 'other comment')})['changed'] is False
    res = run(keypair.main, {'name': 'k', 'public_key': KEY2})
    assert res['failed'] and 'public_key' in res['msg'] and 'cannot be updated in place' in res['msg']
    assert run(keypair.main, {'name': 'k', 'state': 'absent'})['changed'] is True
    assert run(keypair.main, {'name': 'k', 'state': 'absent'})['changed'] is False


def _server_fixture(cloud):
    img = cloud.add('glance', '/v2/images', {'name': 'cirros', 'status': 'active'})
    fl = cloud.add(NOVA, '/v2.1/flavors', {'name': 'm1.tiny', 'vcpus': 1, 'ram': 512})
    net = cloud.add('neutron', '/v2.0/networks', {'name': 'private'})
    cloud.add('neutron', '/v2.0/security-groups', {'name': 'default', 'project_id': cloud.project_id})
    cloud.add('neutron', '/v2.0/security-groups', {'name': 'web', 'project_id': cloud.project_id})

    def create(match, body, query):
        s = body['server']
        obj = cloud.add(NOVA, '/v2.1/servers', {
            'name': s['name'], 'image': {'id': s['imageRef']}, 'status': 'ACTIVE',
            'flavor': {'original_name': 'm1.tiny'}, 'key_name': s.get('key_name'),
            'metadata': s.get('metadata', {}),
            'security_groups': [{'name': g['name']} for g in s.get('security_groups', [{'name': 'default'}])]})
        for n in s['networks']:
            cloud.add('neutron', '/v2.0/ports', {'device_id': obj['id'], 'network_id': n['uuid'],
                                                 'fixed_ips': [{'ip_address': n.get('fixed_ip', '10.0.0.5')}]})
        return 202, {'server': {'id': obj['id']}}

    def metadata(match, body, query):
        cloud.store[(NOVA, '/v2.1/servers')][match.group(1)]['metadata'] = body['metadata']
        return 200, body

    def action(match, body, query):
        srv = cloud.store[(NOVA, '/v2.1/servers')][match.group(1)]
        if 'addSecurityGroup' in body:
            srv['security_groups'].append({'name': body['addSecurityGroup']['name']})
        else:
            srv['security_groups'] = [g for g in srv['security_groups'] if g['name'] != body['removeSecurityGroup']['name']]
        return 202, None
    cloud.route('POST', r'nova/v2.1/servers', create)
    cloud.route('PUT', r'nova/v2.1/servers/([^/]+)/metadata', metadata)
    cloud.route('POST', r'nova/v2.1/servers/([^/]+)/action', action)
    return img, fl, net


def test_server_lifecycle(cloud, run):
    img, fl, net = _server_fixture(cloud)
    args = {'name': 'web1', 'image': 'cirros', 'flavor': 'm1.tiny', 'networks': [{'network': 'private'}],
            'metadata': {'role': 'web'}, 'security_groups': ['default'], 'wait': True, 'timeout': 5}
    res = run(server.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    res = run(server.main, args)
    assert res['changed'] is True and res['server']['status'] == 'ACTIVE'
    body = [c for c in cloud.calls if c[0] == 'POST' and c[1] == 'nova/v2.1/servers'][0][2]['server']
    assert body['imageRef'] == img['id'] and body['flavorRef'] == fl['id'] and body['networks'] == [{'uuid': net['id']}]
    assert run(server.main, args)['changed'] is False
    res = run(server.main, dict(args, metadata={'role': 'db'}, security_groups=['default', 'web']))
    assert res['changed'] is True
    assert res['diff']['after']['metadata'] == {'role': 'db'}
    srv = cloud.items(NOVA, '/v2.1/servers')[0]
    assert srv['metadata'] == {'role': 'db'} and {g['name'] for g in srv['security_groups']} == {'default', 'web'}
    cloud.add(NOVA, '/v2.1/flavors', {'name': 'm1.big', 'vcpus': 8, 'ram': 512})
    res = run(server.main, dict(args, flavor='m1.big'))
    assert res['failed'] and 'flavor' in res['msg'] and 'cannot be updated in place' in res['msg']
    res = run(server_info.main, {'name': 'web1'})
    assert [s['name'] for s in res['servers']] == ['web1']
    res = run(server.main, {'name': 'web1', 'state': 'absent', 'timeout': 5})
    assert res['changed'] is True and cloud.items(NOVA, '/v2.1/servers') == []


def test_server_unknown_image_close_matches(cloud, run):
    _server_fixture(cloud)
    res = run(server.main, {'name': 'web1', 'image': 'cirros-0.6', 'flavor': 'm1.tiny'})
    assert res['failed'] and "image 'cirros-0.6' not found" in res['msg'] and 'cirros' in res['msg']
    res = run(server.main, {'name': 'web1', 'image': 'cirros', 'flavor': 'm1.tin'})
    assert res['failed'] and "flavor 'm1.tin' not found" in res['msg'] and 'm1.tiny' in res['msg']
    res = run(server.main, {'name': 'web1', 'image': 'cirros', 'flavor': 'm1.tiny', 'networks': [{'network': 'privat'}]})
    assert res['failed'] and "network 'privat' not found" in res['msg'] and 'private' in res['msg']
    assert cloud.writes() == []


def test_server_error_shows_fault(cloud, run):
    _server_fixture(cloud)
    cloud.add(NOVA, '/v2.1/servers', {'name': 'bad', 'status': 'ERROR', 'fault': {'message': 'No valid host was found.'}})
    res = run(server.main, {'name': 'bad', 'image': 'cirros', 'flavor': 'm1.tiny'})
    assert res['failed'] and 'No valid host was found.' in res['msg']
