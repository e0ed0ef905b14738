# -*- coding: utf-8 -*-
from __future__ import annotations

import uuid

import pytest

from ansible_collections.ooo.cloud.plugins.module_utils import openstack
from ansible_collections.ooo.cloud.plugins.modules import volume, volume_info, volume_snapshot

NOVA = 'nova'
GIB = 1024 ** 3


class FakeCinder:
    """Cinder v3 (volumes, snapshots, types, messages) and Nova's os-volume_attachments on the fake cloud.

    The routes are the fake cloud's (its ``calls`` and ``writes()`` see every request); the token's
    catalog gets a ``volumev3`` endpoint with ``%(tenant_id)s`` in it, as Cinder's are registered.
    """

    def __init__(self, cloud, url='http://cinder:8776/v3/%(tenant_id)s'):
        self.cloud = cloud
        self.volumes, self.snapshots, self.messages = {}, {}, []
        self.types = {t['id']: t for t in ({'id': str(uuid.uuid4()), 'name': '__DEFAULT__'},
                                           {'id': str(uuid.uuid4()), 'name': 'ceph'})}
        self.slow = False          # a new volume is 'creating' until it is read once
        self.create_status = 'available'
        self.extend_status = None  # e.g. 'error_extending'
        self.attach_fails = False  # Nova rolls the attach back
        cloud.catalog.append({'type': 'volumev3',
                              'endpoints': [{'interface': 'public', 'region': 'RegionOne', 'url': url}]})
        v = r'cinder/v3/%s' % cloud.project_id
        routes = [
            ('GET', v + r'/volumes/detail', self.list_volumes),
            ('GET', v + r'/volumes/(?!detail$)([^/]+)', self.get_volume),
            ('POST', v + r'/volumes', self.create_volume),
            ('PUT', v + r'/volumes/([^/]+)', self.update_volume),
            ('POST', v + r'/volumes/([^/]+)/action', self.volume_action),
            ('DELETE', v + r'/volumes/([^/]+)', self.delete_volume),
            ('GET', v + r'/snapshots/detail', self.list_snapshots),
            ('GET', v + r'/snapshots/(?!detail$)([^/]+)', self.get_snapshot),
            ('POST', v + r'/snapshots', self.create_snapshot),
            ('PUT', v + r'/snapshots/([^/]+)', self.update_snapshot),
            ('PUT', v + r'/snapshots/([^/]+)/metadata', self.snapshot_metadata),
            ('DELETE', v + r'/snapshots/([^/]+)', self.delete_snapshot),
            ('GET', v + r'/types', lambda m, b, q: (200, {'volume_types': list(self.types.values())})),
            ('GET', v + r'/types/([^/]+)', self.get_type),
            ('GET', v + r'/messages', lambda m, b, q: (200, {'messages': [x for x in self.messages
                                                                          if x['resource_uuid'] == q.get('resource_uuid')]})),
            ('GET', r'nova/v2.1/servers/([^/]+)/os-volume_attachments', self.list_attachments),
            ('POST', r'nova/v2.1/servers/([^/]+)/os-volume_attachments', self.attach),
            ('DELETE', r'nova/v2.1/servers/([^/]+)/os-volume_attachments/([^/]+)', self.detach),
        ]
        for method, pattern, fn in routes:
            cloud.route(method, pattern, fn)

    @property
    def headers(self):
        """The headers of the requests to Cinder."""
        return [headers for host, headers in self.cloud.headers if host == 'cinder']

    # -- helpers for tests
    def add_volume(self, **kw):
        vol = dict({'id': str(uuid.uuid4()), 'status': 'available', 'size': 1, 'volume_type': '__DEFAULT__',
                    'bootable': 'false', 'availability_zone': 'nova', 'description': None, 'metadata': {},
                    'attachments': [], 'snapshot_id': None, 'source_volid': None, 'multiattach': False,
                    'os-vol-tenant-attr:tenant_id': self.cloud.project_id, 'links': []}, **kw)
        self.volumes[vol['id']] = vol
        return vol

    def add_snapshot(self, **kw):
        snap = dict({'id': str(uuid.uuid4()), 'status': 'available', 'description': None, 'metadata': {}}, **kw)
        snap.setdefault('size', self.volumes[snap['volume_id']]['size'] if snap.get('volume_id') in self.volumes else 1)
        self.snapshots[snap['id']] = snap
        return snap

    def add_server(self, name):
        return self.cloud.add(NOVA, '/v2.1/servers', {'name': name})

    def attach_to(self, vol, server, device='/dev/vdb'):
        vol['attachments'].append({'server_id': server['id'], 'attachment_id': str(uuid.uuid4()), 'device': device,
                                   'volume_id': vol['id'], 'id': vol['id'], 'host_name': 'compute-0'})
        vol['status'] = 'in-use'

    def volume_by_name(self, name):
        return [v for v in self.volumes.values() if v['name'] == name]

    # -- Cinder
    @staticmethod
    def _matches(obj, query):
        for key, value in query.items():
            if key in ('all_tenants', 'is_public'):
                continue
            field = 'os-vol-tenant-attr:tenant_id' if key == 'project_id' else key
            if str(obj.get(field)).lower() != str(value).lower():
                return False
        return True

    def list_volumes(self, match, body, query):
        project = query.get('project_id') if query.get('all_tenants') else self.cloud.project_id
        return 200, {'volumes': [v for v in self.volumes.values() if self._matches(v, dict(query, project_id=project))]}

    def get_volume(self, match, body, query):
        vol = self.volumes.get(match.group(1))
        if vol is None:
            return 404, {'itemNotFound': {'message': 'Volume %s could not be found.' % match.group(1)}}
        if vol['status'] == 'creating':
            vol['status'] = 'available'  # ready once it was seen creating
            return 200, {'volume': dict(vol, status='creating')}
        return 200, {'volume': vol}

    def create_volume(self, match, body, query):
        v = body['volume']
        size = v.get('size')
        extra = {}
        if v.get('snapshot_id'):
            size = size or self.snapshots[v['snapshot_id']]['size']
        if v.get('source_volid'):
            size = size or self.volumes[v['source_volid']]['size']
        if v.get('imageRef'):
            extra = {'bootable': 'true', 'volume_image_metadata': {'image_id': v['imageRef']}}
        vol = self.add_volume(name=v['name'], size=size, status='creating' if self.slow else self.create_status,
                              description=v.get('description'), metadata=v.get('metadata', {}),
                              volume_type=v.get('volume_type', '__DEFAULT__'),
                              availability_zone=v.get('availability_zone', 'nova'),
                              snapshot_id=v.get('snapshot_id'), source_volid=v.get('source_volid'), **extra)
        if vol['status'] == 'error':
            self.messages.append({'resource_uuid': vol['id'], 'created_at': '2026-12-01T10:00:00',
                                  'user_message': 'schedule allocate volume: Could not find any available weighted backend.'})
        return 202, {'volume': dict(vol, status='creating')}

    def update_volume(self, match, body, query):
        self.volumes[match.group(1)].update(body['volume'])
        return 200, {'volume': self.volumes[match.group(1)]}

    def volume_action(self, match, body, query):
        vol = self.volumes[match.group(1)]
        if 'os-extend' in body:
            if body['os-extend']['new_size'] <= vol['size']:
                return 400, {'badRequest': {'message': 'New size for extend must be greater than current size.'}}
            if self.extend_status:
                vol['status'] = self.extend_status
            else:
                vol['size'] = body['os-extend']['new_size']
        elif 'os-set_bootable' in body:
            vol['bootable'] = 'true' if body['os-set_bootable']['bootable'] else 'false'
        else:
            return 400, {'badRequest': {'message': 'unknown action %s' % list(body)}}
        return 202, None

    def delete_volume(self, match, body, query):
        vol = self.volumes[match.group(1)]
        if vol['attachments'] or any(s['volume_id'] == vol['id'] for s in self.snapshots.values()):
            return 400, {'badRequest': {'message': 'Invalid volume: Volume status must be available or error'}}
        del self.volumes[vol['id']]
        return 202, None

    def list_snapshots(self, match, body, query):
        return 200, {'snapshots': [s for s in self.snapshots.values() if self._matches(s, query)]}

    def get_snapshot(self, match, body, query):
        snap = self.snapshots.get(match.group(1))
        if snap is None:
            return 404, {'itemNotFound': {'message': 'Snapshot %s could not be found.' % match.group(1)}}
        return 200, {'snapshot': snap}

    def create_snapshot(self, match, body, query):
        s = body['snapshot']
        vol = self.volumes[s['volume_id']]
        if vol['status'] == 'in-use' and not s.get('force'):
            return 400, {'badRequest': {'message': 'Invalid volume: Volume %s status must be available' % vol['id']}}
        snap = self.add_snapshot(name=s['name'], volume_id=vol['id'], description=s.get('description'),
                                 metadata=s.get('metadata', {}))
        return 202, {'snapshot': snap}

    def update_snapshot(self, match, body, query):
        self.snapshots[match.group(1)].update(body['snapshot'])
        return 200, {'snapshot': self.snapshots[match.group(1)]}

    def snapshot_metadata(self, match, body, query):
        self.snapshots[match.group(1)]['metadata'] = body['metadata']
        return 200, body

    def delete_snapshot(self, match, body, query):
        del self.snapshots[match.group(1)]
        return 202, None

    def get_type(self, match, body, query):
        found = self.types.get(match.group(1))
        return (200, {'volume_type': found}) if found else (404, {'itemNotFound': {'message': 'Volume type not found'}})

    # -- Nova
    def _attachments(self, sid):
        return [{'id': v['id'], 'volumeId': v['id'], 'serverId': sid, 'device': a['device'], 'tag': None,
                 'delete_on_termination': False}
                for v in self.volumes.values() for a in v['attachments'] if a['server_id'] == sid]

    def list_attachments(self, match, body, query):
        return 200, {'volumeAttachments': self._attachments(match.group(1))}

    def attach(self, match, body, query):
        sid, req = match.group(1), body['volumeAttachment']
        vol = self.volumes.get(req['volumeId'])
        if vol is None or (vol['status'] != 'available' and not vol['multiattach']):
            return 400, {'badRequest': {'message': 'Invalid volume: volume %s is not available' % req['volumeId']}}
        if not self.attach_fails:
            self.attach_to(vol, {'id': sid}, req.get('device') or '/dev/vd' + 'bcdefgh'[len(self._attachments(sid))])
        return 200, {'volumeAttachment': [a for a in self._attachments(sid) if a['volumeId'] == vol['id']][0]
                     if not self.attach_fails else {'id': vol['id'], 'volumeId': vol['id'], 'serverId': sid}}

    def detach(self, match, body, query):
        sid, vid = match.groups()
        vol = self.volumes[vid]
        vol['attachments'] = [a for a in vol['attachments'] if a['server_id'] != sid]
        if not vol['attachments']:
            vol['status'] = 'available'
        return 202, None


@pytest.fixture
def cinder(cloud):
    return FakeCinder(cloud)


def _body(cloud, method, suffix):
    return [c[2] for c in cloud.calls if c[0] == method and c[1].endswith(suffix)]


def test_volume_lifecycle(cloud, cinder, run):
    args = {'name': 'data', 'size': 1, 'volume_type': 'ceph', 'description': 'db', 'metadata': {'role': 'db', 'n': 1}}
    res = run(volume.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    assert res['diff'] == {'before': {}, 'after': {'name': 'data', 'size': 1, 'volume_type': 'ceph', 'description': 'db',
                                                   'metadata': {'role': 'db', 'n': '1'}}}
    assert res['volume']['status'] == 'available' and res['volume']['size'] == 1
    res = run(volume.main, args)
    assert res['changed'] is True and res['volume']['status'] == 'available' and res['volume']['bootable'] is False
    assert _body(cloud, 'POST', '/volumes') == [{'volume': {'name': 'data', 'size': 1, 'volume_type': 'ceph',
                                                            'description': 'db', 'metadata': {'role': 'db', 'n': '1'}}}]
    assert 'image_id' not in res['volume'] and 'links' not in res['volume']
    writes = len(cloud.writes())
    res = run(volume.main, args)
    assert res['changed'] is False and len(cloud.writes()) == writes
    assert res['diff']['before'] == res['diff']['after']
    # grow, predicted in check mode first
    res = run(volume.main, dict(args, size=3), check=True)
    assert res['changed'] is True and len(cloud.writes()) == writes
    assert res['diff']['before']['size'] == 1 and res['diff']['after']['size'] == 3 and res['volume']['size'] == 3
    res = run(volume.main, dict(args, size=3))
    assert res['changed'] is True and res['volume']['size'] == 3
    assert _body(cloud, 'POST', '/action') == [{'os-extend': {'new_size': 3}}]
    # a shrink is refused before any change, naming the current size
    writes = len(cloud.writes())
    res = run(volume.main, dict(args, size=2))
    assert res['failed'] and 'size 3 GiB' in res['msg'] and 'cannot shrink' in res['msg'] and 'size 2' in res['msg']
    res = run(volume.main, dict(args, size=2), check=True)
    assert res['failed'] and 'cannot shrink' in res['msg']
    assert len(cloud.writes()) == writes
    # in place: description, metadata (exactly), bootable; the type cannot change
    res = run(volume.main, {'name': 'data', 'description': 'database', 'metadata': {'role': 'db'}, 'bootable': True})
    assert res['changed'] is True and res['volume']['bootable'] is True
    assert res['diff']['before']['metadata'] == {'role': 'db', 'n': '1'} and res['diff']['after']['metadata'] == {'role': 'db'}
    assert _body(cloud, 'PUT', res['volume']['id']) == [{'volume': {'description': 'database', 'metadata': {'role': 'db'}}}]
    assert cinder.volume_by_name('data')[0]['bootable'] == 'true'
    res = run(volume.main, {'name': 'data', 'volume_type': '__DEFAULT__'})
    assert res['failed'] and 'volume_type' in res['msg'] and 'cannot be updated in place' in res['msg']
    # delete, predicted first
    res = run(volume.main, {'name': 'data', 'state': 'absent'}, check=True)
    assert res['changed'] is True and res['diff']['before']['size'] == 3 and res['diff']['after'] == {}
    assert cinder.volume_by_name('data')
    res = run(volume.main, {'name': 'data', 'state': 'absent'})
    assert res['changed'] is True and res['volume'] is None and not cinder.volumes
    assert run(volume.main, {'name': 'data', 'state': 'absent'})['changed'] is False


@pytest.mark.parametrize('url', ['http://cinder:8776/v3/%(tenant_id)s', 'http://cinder:8776/v3/$(project_id)s',
                                 'http://cinder:8776/v3/%(project_id)s'])
def test_cinder_endpoint_and_microversion(cloud, run, url):
    cinder = FakeCinder(cloud, url)
    run(volume_info.main, {})
    assert [c[1] for c in cloud.calls if c[1].startswith('cinder')] == ['cinder/v3/%s/volumes/detail' % cloud.project_id]
    assert cinder.headers[0]['OpenStack-API-Version'] == 'volume %s' % openstack.VOLUME_MICROVERSION
    cloud.route('GET', r'cinder/v3/%s/volumes/detail' % cloud.project_id, lambda m, b, q: (500, {'computeFault': {
        'message': 'The server has either erred or is incapable of performing the requested operation.'}}))
    res = run(volume_info.main, {})
    assert res['failed'] and res['msg'].startswith('Cinder GET /v3/%s/volumes/detail failed: HTTP 500' % cloud.project_id)


@pytest.mark.parametrize('args,message', [
    ({'size': 0}, 'size must be a positive number of GiB, not 0'),
    ({'size': -2}, 'size must be a positive number of GiB, not -2'),
    ({'size': 1, 'image': 'cirros', 'snapshot': 'snap'}, 'mutually exclusive: image|snapshot|source_volume'),
    ({'size': 1, 'snapshot': 'snap', 'source_volume': 'vol'}, 'mutually exclusive: image|snapshot|source_volume'),
])
def test_volume_input_refused_before_any_call(cloud, cinder, run, args, message):
    res = run(volume.main, dict(args, name='data'))
    assert res['failed'] and message in res['msg']
    assert cloud.calls == []


def test_volume_references_refused_before_any_change(cloud, cinder, run):
    cloud.add('glance', '/v2/images', {'name': 'cirros', 'status': 'active', 'size': 3 * GIB, 'min_disk': 0})
    src = cinder.add_volume(name='src', size=4)
    cinder.add_snapshot(name='snap', volume_id=src['id'])
    cases = [
        ({'size': 1, 'volume_type': 'cep'}, "volume type 'cep' not found; close matches: ceph"),
        ({'size': 1, 'image': 'cirro'}, "image 'cirro' not found; close matches: cirros"),
        ({'size': 1, 'snapshot': 'snp'}, "snapshot 'snp' not found; close matches: snap"),
        ({'size': 1, 'source_volume': 'srcc'}, "source volume 'srcc' not found; close matches: src"),
        ({}, 'size is required to create volume'),
        ({'image': 'cirros'}, 'size is required to create volume'),
        ({'size': 2, 'image': 'cirros'}, "size 2 GiB of volume 'data' is smaller than its image 'cirros' (3 GiB)"),
        ({'size': 2, 'snapshot': 'snap'}, "size 2 GiB of volume 'data' is smaller than its snapshot 'snap' (4 GiB)"),
        ({'size': 3, 'source_volume': 'src'}, "smaller than its source volume 'src' (4 GiB)"),
    ]
    for args, message in cases:
        for check in (True, False):
            res = run(volume.main, dict(args, name='data'), check=check)
            assert res['failed'] and message in res['msg'], (args, res['msg'])
    assert cloud.writes() == []


def test_volume_from_snapshot_image_and_volume(cloud, cinder, run):
    img = cloud.add('glance', '/v2/images', {'name': 'cirros', 'status': 'active', 'size': 20 * 1024 ** 2})
    src = cinder.add_volume(name='src', size=4)
    snap = cinder.add_snapshot(name='snap', volume_id=src['id'])
    res = run(volume.main, {'name': 'restored', 'snapshot': 'snap'}, check=True)
    assert res['changed'] and res['volume']['size'] == 4 and cloud.writes() == []
    res = run(volume.main, {'name': 'restored', 'snapshot': 'snap'})
    assert res['changed'] and res['volume']['size'] == 4 and res['volume']['snapshot_id'] == snap['id']
    assert _body(cloud, 'POST', '/volumes')[-1] == {'volume': {'name': 'restored', 'snapshot_id': snap['id']}}
    assert run(volume.main, {'name': 'restored', 'snapshot': snap['id']})['changed'] is False
    res = run(volume.main, {'name': 'restored', 'source_volume': 'src'})
    assert res['failed'] and 'source_volume' in res['msg'] and 'cannot be updated in place' in res['msg']
    res = run(volume.main, {'name': 'boot', 'image': 'cirros', 'size': 1})
    assert res['changed'] and res['volume']['bootable'] is True
    assert _body(cloud, 'POST', '/volumes')[-1] == {'volume': {'name': 'boot', 'size': 1, 'imageRef': img['id']}}
    assert run(volume.main, {'name': 'boot', 'image': 'cirros', 'size': 1})['changed'] is False
    res = run(volume.main, {'name': 'clone', 'source_volume': 'src', 'size': 5, 'bootable': True, 'wait': False})
    assert res['changed'] and res['volume']['bootable'] is True and res['volume']['source_volid'] == src['id']
    assert _body(cloud, 'POST', '/action') == [{'os-set_bootable': {'bootable': True}}]


def test_volume_attached_delete_refused(cloud, cinder, run):
    web1, web2 = cinder.add_server('web1'), cinder.add_server('web2')
    vol = cinder.add_volume(name='shared', multiattach=True)
    cinder.attach_to(vol, web1, '/dev/vdb')
    cinder.attach_to(vol, web2, '/dev/vdc')
    for check in (True, False):
        res = run(volume.main, {'name': 'shared', 'state': 'absent'}, check=check)
        assert res['failed'] and "volume 'shared' (%s) is attached to servers" % vol['id'] in res['msg']
        assert "'web1' (%s) as /dev/vdb" % web1['id'] in res['msg'] and "'web2' (%s) as /dev/vdc" % web2['id'] in res['msg']
        assert 'server_volume' in res['msg']
    # still grows while attached: it waits for in-use again
    res = run(volume.main, {'name': 'shared', 'size': 2})
    assert res['changed'] and res['volume']['status'] == 'in-use' and res['volume']['size'] == 2
    assert cloud.writes() == [('POST', 'cinder/v3/%s/volumes/%s/action' % (cloud.project_id, vol['id']))]


def test_volume_with_snapshots_delete_refused(cloud, cinder, run):
    vol = cinder.add_volume(name='data')
    snap = cinder.add_snapshot(name='nightly', volume_id=vol['id'])
    res = run(volume.main, {'name': 'data', 'state': 'absent'})
    assert res['failed'] and "has snapshots: 'nightly' (%s)" % snap['id'] in res['msg'] and cloud.writes() == []


def test_volume_error_names_status_and_reason(cloud, cinder, run):
    cinder.create_status = 'error'
    res = run(volume.main, {'name': 'data', 'size': 1})
    vol = cinder.volume_by_name('data')[0]
    assert res['failed'] and res['msg'] == ("volume 'data' (%s) went to status error: schedule allocate volume: "
                                            "Could not find any available weighted backend." % vol['id'])
    res = run(volume.main, {'name': 'data', 'size': 1})
    assert res['failed'] and "volume 'data' (%s) is in status error: schedule allocate" % vol['id'] in res['msg']
    assert run(volume.main, {'name': 'data', 'state': 'absent'})['changed'] is True


def test_volume_grow_error_extending(cloud, cinder, run):
    cinder.add_volume(name='data', size=1)
    cinder.extend_status = 'error_extending'
    res = run(volume.main, {'name': 'data', 'size': 2})
    assert res['failed'] and "volume 'data'" in res['msg'] and 'went to status error_extending' in res['msg']


def test_volume_waits_until_available(cloud, cinder, run):
    cinder.slow = True
    res = run(volume.main, {'name': 'data', 'size': 1, 'timeout': 10})
    assert res['changed'] and res['volume']['status'] == 'available'
    vid = res['volume']['id']
    assert len([c for c in cloud.calls if c[0] == 'GET' and c[1].endswith('/volumes/' + vid)]) == 2


def test_volume_in_another_project(cloud, cinder, run):
    demo = cloud.add('keystone', '/v3/projects', {'name': 'demo'})
    cinder.add_volume(name='data', **{'os-vol-tenant-attr:tenant_id': demo['id']})
    res = run(volume.main, {'name': 'data', 'size': 1})
    assert res['changed'] is True  # the token's project has none: created there
    res = run(volume.main, {'name': 'data', 'project': 'demo', 'size': 1})
    assert res['changed'] is False
    assert res['volume']['os-vol-tenant-attr:tenant_id'] == demo['id']
    res = run(volume.main, {'name': 'other', 'project': 'demo', 'size': 1})
    assert res['failed'] and "not found in project 'demo'" in res['msg'] and 'auth.project_name' in res['msg']
    res = run(volume_info.main, {'project': 'demo'})
    assert [v['os-vol-tenant-attr:tenant_id'] for v in res['volumes']] == [demo['id']]
    assert res['volumes'][0]['bootable'] == 'false'
    assert run(volume.main, {'name': 'data', 'project': 'demo', 'state': 'absent'})['changed'] is True
    assert [v['os-vol-tenant-attr:tenant_id'] for v in cinder.volumes.values()] == [cloud.project_id]


def test_volume_info(cloud, cinder, run):
    a = cinder.add_volume(name='a')
    cinder.add_volume(name='b', status='error')
    assert sorted(v['name'] for v in run(volume_info.main, {})['volumes']) == ['a', 'b']
    assert [v['name'] for v in run(volume_info.main, {'name': 'a'})['volumes']] == ['a']
    assert [v['name'] for v in run(volume_info.main, {'name': a['id']})['volumes']] == ['a']
    assert [v['name'] for v in run(volume_info.main, {'status': 'error'})['volumes']] == ['b']
    assert run(volume_info.main, {'name': 'a', 'status': 'error'})['volumes'] == []
    assert run(volume_info.main, {'name': 'nope'})['volumes'] == []
    assert 'links' not in run(volume_info.main, {'name': 'a'})['volumes'][0]


def test_volume_snapshot_lifecycle(cloud, cinder, run):
    web1 = cinder.add_server('web1')
    vol = cinder.add_volume(name='data', size=2)
    args = {'name': 'nightly', 'volume': 'data', 'description': 'nightly', 'metadata': {'keep': 7}}
    res = run(volume_snapshot.main, args, check=True)
    assert res['changed'] and cloud.writes() == [] and res['volume_snapshot']['size'] == 2
    assert res['diff']['after'] == {'name': 'nightly', 'volume_id': vol['id'], 'description': 'nightly',
                                    'metadata': {'keep': '7'}}
    res = run(volume_snapshot.main, args)
    assert res['changed'] and res['volume_snapshot']['status'] == 'available'
    assert _body(cloud, 'POST', '/snapshots') == [{'snapshot': {'name': 'nightly', 'volume_id': vol['id'],
                                                                'description': 'nightly', 'metadata': {'keep': '7'},
                                                                'force': False}}]
    assert run(volume_snapshot.main, args)['changed'] is False
    assert run(volume_snapshot.main, {'name': 'nightly'})['changed'] is False
    res = run(volume_snapshot.main, dict(args, metadata={'keep': 14}, description='two weeks'))
    assert res['changed'] and res['volume_snapshot']['metadata'] == {'keep': '14'}
    assert res['diff']['before']['metadata'] == {'keep': '7'} and res['diff']['after']['metadata'] == {'keep': '14'}
    other = cinder.add_volume(name='other')
    res = run(volume_snapshot.main, dict(args, volume='other'))
    assert res['failed'] and 'volume' in res['msg'] and 'cannot be updated in place' in res['msg'] and other['id'] in res['msg']
    # an attached volume needs force
    cinder.attach_to(vol, web1)
    writes = len(cloud.writes())
    for check in (True, False):
        res = run(volume_snapshot.main, {'name': 'hot', 'volume': 'data'}, check=check)
        assert res['failed'] and "is in-use (attached to server 'web1'" in res['msg'] and 'force: true' in res['msg']
    assert len(cloud.writes()) == writes
    res = run(volume_snapshot.main, {'name': 'hot', 'volume': 'data', 'force': True})
    assert res['changed'] and _body(cloud, 'POST', '/snapshots')[-1]['snapshot']['force'] is True
    res = run(volume_snapshot.main, {'name': 'missing'})
    assert res['failed'] and 'volume is required' in res['msg']
    res = run(volume_snapshot.main, {'name': 'new', 'volume': 'dat'})
    assert res['failed'] and "volume 'dat' not found; close matches: data" in res['msg']
    res = run(volume_snapshot.main, {'name': 'nightly', 'state': 'absent'})
    assert res['changed'] and res['volume_snapshot'] is None
    assert run(volume_snapshot.main, {'name': 'nightly', 'state': 'absent'})['changed'] is False
    assert [s['name'] for s in cinder.snapshots.values()] == ['hot']
