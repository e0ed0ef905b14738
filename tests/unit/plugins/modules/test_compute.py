# -*- coding: utf-8 -*-
from __future__ import annotations

import json

import pytest

from ansible_collections.ooo.cloud.plugins.module_utils.openstack import b64 as osc_b64
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
    # all_projects is a parameter of the list, not a field to compare: found by id too.
    srv_id = cloud.items(NOVA, '/v2.1/servers')[0]['id']
    for lookup in ({'name': srv_id, 'all_projects': True}, {'all_projects': True}):
        assert [s['id'] for s in run(server_info.main, lookup)['servers']] == [srv_id], lookup
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


@pytest.mark.parametrize('fixed_ip,message', [
    ('10.0.0.300', "server 'web1': networks[0].fixed_ip '10.0.0.300' is not an IP address"),
    ('10.0.0.5/24', "server 'web1': networks[0].fixed_ip '10.0.0.5/24' is not an IP address (write it without '/24')"),
    ('private', "server 'web1': networks[0].fixed_ip 'private' is not an IP address"),
])
def test_server_fixed_ip_refused_before_any_call(cloud, run, fixed_ip, message):
    _server_fixture(cloud)
    for check in (True, False):
        res = run(server.main, {'name': 'web1', 'image': 'cirros', 'flavor': 'm1.tiny',
                                'networks': [{'network': 'private', 'fixed_ip': fixed_ip}]}, check=check)
        assert res['failed'] and res['msg'] == message and 'exception' not in res
    assert cloud.calls == []


def test_server_fixed_ip_sent_and_compared_in_neutron_form(cloud, run):
    net = _server_fixture(cloud)[2]
    args = {'name': 'web1', 'image': 'cirros', 'flavor': 'm1.tiny', 'timeout': 5,
            'networks': [{'network': 'private', 'fixed_ip': 'FD00:0:0::5'}]}
    assert run(server.main, args)['changed'] is True
    assert _created(cloud)[0]['networks'] == [{'uuid': net['id'], 'fixed_ip': 'fd00::5'}]
    assert run(server.main, args)['changed'] is False


def test_server_user_data_is_neither_logged_nor_returned(cloud, run):
    _server_fixture(cloud)
    secret = '#cloud-config\npassword: s3cr3t-Pa55\n'
    real_create = [r for r in cloud.routes if r[0] == 'POST' and r[1].pattern == r'nova/v2.1/servers$'][0][2]

    def create(match, body, query):
        status, out = real_create(match, body, query)
        # Nova shows the user data to an admin (microversion >= 2.3)
        cloud.store[(NOVA, '/v2.1/servers')][out['server']['id']]['OS-EXT-SRV-ATTR:user_data'] = body['server']['user_data']
        return status, out
    cloud.route('POST', r'nova/v2.1/servers', create)
    assert server.ServerModule.argument_spec['user_data']['no_log'] is True
    args = {'name': 'web1', 'image': 'cirros', 'flavor': 'm1.tiny', 'networks': [{'network': 'private'}],
            'user_data': secret, 'timeout': 5}
    results = [run(server.main, args, check=True), run(server.main, args), run(server.main, args),
               run(server_info.main, {'name': 'web1'})]
    sent = _created(cloud)[0]['user_data']
    assert osc_b64(secret) == sent
    for res in results:
        text = json.dumps(res)
        assert 's3cr3t' not in text and sent not in text and 'OS-EXT-SRV-ATTR:user_data' not in text, res
    assert results[1]['changed'] is True and results[2]['changed'] is False


def test_server_error_shows_fault(cloud, run):
    _server_fixture(cloud)
    cloud.add(NOVA, '/v2.1/servers', {'name': 'bad', 'status': 'ERROR', 'fault': {'message': 'No valid host was found.'}})
    res = run(server.main, {'name': 'bad', 'image': 'cirros', 'flavor': 'm1.tiny'})
    assert res['failed'] and 'No valid host was found.' in res['msg']


def _boot_from_volume_fixture(cloud):
    """The server fixture with Cinder, and Nova's create taking block_device_mapping_v2."""
    from test_volume import FakeCinder  # pylint: disable=import-error,import-outside-toplevel
    _server_fixture(cloud)
    cinder = FakeCinder(cloud)

    def create(match, body, query):
        s = body['server']
        attached = []
        obj = cloud.add(NOVA, '/v2.1/servers', {'name': s['name'], 'status': 'ACTIVE', 'flavor': {'original_name': 'm1.tiny'},
                                                'image': {'id': s['imageRef']} if s.get('imageRef') else ''})
        for bdm in s.get('block_device_mapping_v2') or []:
            if bdm['source_type'] == 'image':
                vol = cinder.add_volume(name='', size=bdm['volume_size'], bootable='true')
            else:
                vol = cinder.volumes[bdm['uuid']]
            cinder.attach_to(vol, obj)
            attached.append({'id': vol['id'], 'delete_on_termination': bdm['delete_on_termination']})
        obj['os-extended-volumes:volumes_attached'] = attached
        for n in s['networks']:
            cloud.add('neutron', '/v2.0/ports', {'device_id': obj['id'], 'network_id': n['uuid'],
                                                 'fixed_ips': [{'ip_address': '10.0.0.5'}]})
        return 202, {'server': {'id': obj['id']}}
    cloud.route('POST', r'nova/v2.1/servers', create)
    return cinder


def _created(cloud):
    return [c[2]['server'] for c in cloud.calls if c[0] == 'POST' and c[1] == 'nova/v2.1/servers']


def test_server_boots_from_a_volume(cloud, run):
    cinder = _boot_from_volume_fixture(cloud)
    boot = cinder.add_volume(name='boot-db1', size=1, bootable='true')
    args = {'name': 'db1', 'boot_volume': 'boot-db1', 'flavor': 'm1.tiny', 'networks': [{'network': 'private'}],
            'timeout': 5}
    res = run(server.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    assert res['diff']['after']['boot_volume_id'] == boot['id']
    res = run(server.main, args)
    assert res['changed'] is True and res['server']['status'] == 'ACTIVE'
    body = _created(cloud)[0]
    assert 'imageRef' not in body
    assert body['block_device_mapping_v2'] == [{'source_type': 'volume', 'destination_type': 'volume', 'uuid': boot['id'],
                                                'boot_index': 0, 'delete_on_termination': False}]
    assert 'boot_volume_id' not in res['server'] and 'volume_ids' not in res['server']
    assert run(server.main, args)['changed'] is False
    assert run(server.main, {'name': 'db1', 'boot_volume': boot['id']})['changed'] is False
    cinder.add_volume(name='boot-other', bootable='true')
    res = run(server.main, dict(args, boot_volume='boot-other'))
    assert res['failed'] and 'boot_volume' in res['msg'] and 'cannot be updated in place' in res['msg']
    assert len(_created(cloud)) == 1


def test_server_block_device_mapping(cloud, run):
    cinder = _boot_from_volume_fixture(cloud)
    img = cloud.items('glance', '/v2/images')[0]
    data = cinder.add_volume(name='app1-data', size=5)
    args = {'name': 'app1', 'flavor': 'm1.tiny', 'networks': [{'network': 'private'}], 'timeout': 5,
            'block_device_mapping': [{'source_type': 'image', 'image': 'cirros', 'volume_size': 10},
                                     {'source_type': 'volume', 'volume': 'app1-data', 'delete_on_termination': True}]}
    res = run(server.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    res = run(server.main, args)
    assert res['changed'] is True
    assert _created(cloud)[0]['block_device_mapping_v2'] == [
        {'source_type': 'image', 'destination_type': 'volume', 'uuid': img['id'], 'volume_size': 10, 'boot_index': 0,
         'delete_on_termination': True},
        {'source_type': 'volume', 'destination_type': 'volume', 'uuid': data['id'], 'delete_on_termination': True}]
    assert 'imageRef' not in _created(cloud)[0]
    assert run(server.main, args)['changed'] is False
    other = cinder.add_volume(name='other')
    res = run(server.main, dict(args, block_device_mapping=[{'source_type': 'volume', 'volume': 'other', 'boot_index': 1}]))
    assert res['failed'] and 'block_device_mapping' in res['msg'] and 'cannot be updated in place' in res['msg']
    assert other['id'] in res['msg']
    # an image server with a data volume: Nova boots the image, the entry is not bootable
    res = run(server.main, {'name': 'web2', 'image': 'cirros', 'flavor': 'm1.tiny', 'networks': [{'network': 'private'}],
                            'block_device_mapping': [{'source_type': 'volume', 'volume': 'other'}]})
    assert res['changed'] is True
    body = _created(cloud)[-1]
    assert body['imageRef'] == img['id']
    assert body['block_device_mapping_v2'] == [{'source_type': 'volume', 'destination_type': 'volume',
                                                'uuid': other['id'], 'delete_on_termination': False}]


@pytest.mark.parametrize('override,message', [
    ({'block_device_mapping': [{'source_type': 'image', 'image': 'cirros'}]},
     'block_device_mapping[0]: volume_size must be a positive number of GiB with source_type image, not None'),
    ({'block_device_mapping': [{'source_type': 'image', 'image': 'cirros', 'volume_size': 0}]},
     'volume_size must be a positive number of GiB'),
    ({'block_device_mapping': [{'source_type': 'volume', 'image': 'cirros'}]},
     'block_device_mapping[0]: source_type volume needs volume (and no image)'),
    ({'block_device_mapping': [{'source_type': 'volume', 'volume': 'boot', 'volume_size': 2}]},
     'block_device_mapping[0]: volume_size is the size of a volume made of an image'),
    ({'block_device_mapping': [{'source_type': 'volume', 'volume': 'boot', 'boot_index': 0},
                               {'source_type': 'image', 'image': 'cirros', 'volume_size': 1, 'boot_index': 0}]},
     'entries 0, 1 all have boot_index 0'),
    ({'image': 'cirros', 'block_device_mapping': [{'source_type': 'volume', 'volume': 'boot', 'boot_index': 0}]},
     'image and a block_device_mapping entry with boot_index 0 exclude each other'),
    ({'image': 'cirros', 'boot_volume': 'boot'}, 'mutually exclusive: image|boot_volume'),
    ({'boot_volume': 'boot', 'block_device_mapping': [{'source_type': 'volume', 'volume': 'boot'}]},
     'mutually exclusive: boot_volume|block_device_mapping'),
])
def test_server_block_devices_refused_before_any_call(cloud, run, override, message):
    res = run(server.main, dict({'name': 'db1', 'flavor': 'm1.tiny'}, **override))
    assert res['failed'] and message in res['msg']
    assert cloud.calls == []


def test_server_boot_volume_refused_before_any_change(cloud, run):
    cinder = _boot_from_volume_fixture(cloud)
    web1 = cinder.add_server('web1')
    cinder.add_volume(name='data', bootable='false')
    used = cinder.add_volume(name='used', bootable='true')
    cinder.attach_to(used, web1)
    for check in (True, False):
        res = run(server.main, {'name': 'db1', 'flavor': 'm1.tiny', 'boot_volume': 'dat'}, check=check)
        assert res['failed'] and "boot volume 'dat' not found; close matches: data" in res['msg']
        res = run(server.main, {'name': 'db1', 'flavor': 'm1.tiny', 'boot_volume': 'data'}, check=check)
        assert res['failed'] and "boot volume 'data'" in res['msg'] and 'is not bootable: set bootable: true' in res['msg']
        res = run(server.main, {'name': 'db1', 'flavor': 'm1.tiny', 'boot_volume': 'used'}, check=check)
        assert res['failed'] and 'is in-use (attached to server %s)' % web1['id'] in res['msg']
        res = run(server.main, {'name': 'db1', 'flavor': 'm1.tiny', 'networks': [{'network': 'private'}]}, check=check)
        assert res['failed'] and 'image, boot_volume or a block_device_mapping entry with boot_index 0 is required' in res['msg']
    assert cloud.writes() == []
