# -*- coding: utf-8 -*-
from __future__ import annotations

import pytest
# The fake Cinder (and Nova's os-volume_attachments) lives beside the volume tests.
from test_volume import FakeCinder  # pylint: disable=import-error

from ansible_collections.ooo.cloud.plugins.modules import server_volume


@pytest.fixture
def cinder(cloud):
    return FakeCinder(cloud)


def _attachments_path(server):
    return 'nova/v2.1/servers/%s/os-volume_attachments' % server['id']


def test_attach_detach_idempotent(cloud, cinder, run):
    web1 = cinder.add_server('web1')
    vol = cinder.add_volume(name='data')
    args = {'server': 'web1', 'volume': 'data', 'device': '/dev/vdc', 'timeout': 5}
    res = run(server_volume.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    assert res['diff'] == {'before': {}, 'after': {'server': 'web1', 'volume': 'data', 'device': '/dev/vdc'}}
    assert res['attachment'] == {'id': vol['id'], 'device': '/dev/vdc', 'serverId': web1['id'], 'volumeId': vol['id']}
    res = run(server_volume.main, args)
    assert res['changed'] is True and res['attachment']['device'] == '/dev/vdc'
    assert res['attachment']['serverId'] == web1['id'] and res['attachment']['volumeId'] == vol['id']
    assert cloud.writes() == [('POST', _attachments_path(web1))]
    body = [c[2] for c in cloud.calls if c[0] == 'POST' and c[1] == _attachments_path(web1)][0]
    assert body == {'volumeAttachment': {'volumeId': vol['id'], 'device': '/dev/vdc'}}
    assert vol['status'] == 'in-use'
    # attached already: no change, whatever the device
    for again in (args, dict(args, device='/dev/vdz'), {'server': web1['id'], 'volume': vol['id']}):
        res = run(server_volume.main, again)
        assert res['changed'] is False and res['attachment']['device'] == '/dev/vdc'
        assert res['diff']['before'] == res['diff']['after'] == {'server': 'web1', 'volume': 'data', 'device': '/dev/vdc'}
    assert len(cloud.writes()) == 1
    # detach, predicted first
    res = run(server_volume.main, dict(args, state='absent'), check=True)
    assert res['changed'] is True and res['diff']['after'] == {} and len(cloud.writes()) == 1
    res = run(server_volume.main, dict(args, state='absent'))
    assert res['changed'] is True and res['attachment'] is None
    assert cloud.writes()[-1] == ('DELETE', '%s/%s' % (_attachments_path(web1), vol['id']))
    assert vol['status'] == 'available' and vol['attachments'] == []
    assert run(server_volume.main, dict(args, state='absent'))['changed'] is False
    assert len(cloud.writes()) == 2


def test_attach_missing_server_or_volume_fails_before_any_change(cloud, cinder, run):
    cinder.add_server('web1')
    cinder.add_volume(name='data')
    for check in (True, False):
        res = run(server_volume.main, {'server': 'web2', 'volume': 'data'}, check=check)
        assert res['failed'] and "server 'web2' not found; close matches: web1" in res['msg']
        res = run(server_volume.main, {'server': 'web1', 'volume': 'date'}, check=check)
        assert res['failed'] and "volume 'date' not found; close matches: data" in res['msg']
    # nothing to detach from a server or a volume that is gone
    assert run(server_volume.main, {'server': 'web2', 'volume': 'data', 'state': 'absent'})['changed'] is False
    assert run(server_volume.main, {'server': 'web1', 'volume': 'date', 'state': 'absent'})['changed'] is False
    assert cloud.writes() == []


def test_attach_refused_when_attached_elsewhere_or_not_available(cloud, cinder, run):
    web1, web2 = cinder.add_server('web1'), cinder.add_server('web2')
    vol = cinder.add_volume(name='data')
    cinder.attach_to(vol, web1)
    res = run(server_volume.main, {'server': 'web2', 'volume': 'data'})
    assert res['failed'] and "volume 'data' (%s) is attached to server 'web1' (%s)" % (vol['id'], web1['id']) in res['msg']
    cinder.add_volume(name='broken', status='error')
    res = run(server_volume.main, {'server': 'web2', 'volume': 'broken'}, check=True)
    assert res['failed'] and 'is error: it can be attached when it is available' in res['msg']
    assert cloud.writes() == []
    # a multiattach volume attaches to a second server
    vol['multiattach'] = True
    res = run(server_volume.main, {'server': 'web2', 'volume': 'data', 'timeout': 5})
    assert res['changed'] is True and res['attachment']['serverId'] == web2['id']
    assert sorted(a['server_id'] for a in vol['attachments']) == sorted([web1['id'], web2['id']])
    res = run(server_volume.main, {'server': 'web1', 'volume': 'data', 'state': 'absent', 'timeout': 5})
    assert res['changed'] is True and vol['status'] == 'in-use' and [a['server_id'] for a in vol['attachments']] == [web2['id']]


def test_attach_rolled_back_by_nova_fails(cloud, cinder, run):
    cinder.add_server('web1')
    vol = cinder.add_volume(name='data')
    cinder.attach_fails = True
    res = run(server_volume.main, {'server': 'web1', 'volume': 'data', 'timeout': 5})
    assert res['failed'] and "volume 'data' on server 'web1' (%s) went to status available again" % vol['id'] in res['msg']
    assert 'Nova rolled the attach back' in res['msg']
