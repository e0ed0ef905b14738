# -*- coding: utf-8 -*-
from __future__ import annotations

from ansible_collections.ooo.cloud.plugins.modules import project


def test_create_noop_update_delete(cloud, run):
    res = run(project.main, {'name': 'demo', 'description': 'd1'})
    assert res['changed'] is True
    assert res['project']['name'] == 'demo'
    assert res['diff']['before'] == {}
    assert res['diff']['after']['description'] == 'd1'
    assert len(cloud.items('keystone', '/v3/projects')) == 1

    res = run(project.main, {'name': 'demo', 'description': 'd1'})
    assert res['changed'] is False
    assert cloud.writes() == [('POST', 'keystone/v3/projects')]

    res = run(project.main, {'name': 'demo', 'description': 'd2'})
    assert res['changed'] is True
    assert res['diff']['before']['description'] == 'd1'
    assert res['diff']['after']['description'] == 'd2'
    assert cloud.items('keystone', '/v3/projects')[0]['description'] == 'd2'

    res = run(project.main, {'name': 'demo', 'state': 'absent'})
    assert res['changed'] is True and res['project'] is None
    assert cloud.items('keystone', '/v3/projects') == []
    res = run(project.main, {'name': 'demo', 'state': 'absent'})
    assert res['changed'] is False


def test_check_mode_makes_no_write(cloud, run):
    res = run(project.main, {'name': 'demo', 'description': 'x'}, check=True)
    assert res['changed'] is True
    assert res['project']['name'] == 'demo'
    assert cloud.writes() == []
    cloud.add('keystone', '/v3/projects', {'name': 'demo', 'description': 'x'})
    res = run(project.main, {'name': 'demo', 'enabled': False}, check=True)
    assert res['changed'] is True and res['diff']['after']['enabled'] is False
    res = run(project.main, {'name': 'demo', 'state': 'absent'}, check=True)
    assert res['changed'] is True
    assert cloud.writes() == []


def test_unknown_domain_close_matches(cloud, run):
    cloud.add('keystone', '/v3/domains', {'name': 'production'})
    res = run(project.main, {'name': 'demo', 'domain': 'prodution'})
    assert res['failed']
    assert "domain 'prodution' not found" in res['msg'] and 'production' in res['msg']


def test_token_cached_between_runs(cloud, run):
    run(project.main, {'name': 'demo'})
    run(project.main, {'name': 'demo'})
    assert cloud.auth_count == 1


def test_auth_failure_names_cloud_not_password(cloud, run):
    cloud.fail_auth = True
    res = run(project.main, {'name': 'demo'})
    assert res['failed']
    assert 'http://keystone:5000/v3' in res['msg'] and 'admin' in res['msg']
    assert 'secret-pw' not in json_dump(res)


def json_dump(obj):
    import json
    return json.dumps(obj)


def test_a_proxy_without_a_server_yet_is_waited_for(cloud, run, monkeypatch):
    """HAProxy answers 503 until its health check sees a just-started Keystone."""
    from ansible_collections.ooo.cloud.plugins.module_utils import openstack_transport
    monkeypatch.setattr(openstack_transport.time, 'sleep', lambda seconds: None)
    unavailable = {'left': 2}
    real = cloud.__class__.__call__

    def flaky(self, method, url, headers, body=None):
        if unavailable['left']:
            unavailable['left'] -= 1
            return 503, {'content-type': 'text/html'}, b'No server is available to handle this request.'
        return real(self, method, url, headers, body)
    monkeypatch.setattr(cloud.__class__, '__call__', flaky)
    res = run(project.main, {'name': 'demo'})
    assert res['changed'] is True and unavailable['left'] == 0
