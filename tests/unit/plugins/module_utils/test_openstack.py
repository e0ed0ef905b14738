# -*- coding: utf-8 -*-
from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.ooo.cloud.plugins.module_utils import openstack as osc

AUTH = {'auth_url': 'http://keystone:5000', 'username': 'admin', 'password': 'secret-pw', 'project_name': 'admin',
        'user_domain_name': 'Default', 'project_domain_name': 'Default'}


def client(cloud, **auth):
    return osc.OpenStackClient(osc.resolve_config({'auth': dict(AUTH, **auth)}, environ={}))


def test_clouds_yaml_and_secure_yaml(tmp_path, monkeypatch):
    (tmp_path / 'clouds.yaml').write_text(
        'clouds:\n  uc:\n    auth:\n      auth_url: https://uc:13000\n      username: admin\n      project_name: admin\n'
        '    region_name: regionOne\n    verify: false\n')
    (tmp_path / 'secure.yaml').write_text('clouds:\n  uc:\n    auth:\n      password: pw\n')
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', str(tmp_path / 'clouds.yaml'))
    monkeypatch.setenv('OS_CLIENT_SECURE_FILE', str(tmp_path / 'secure.yaml'))
    cfg = osc.resolve_config({'cloud': 'uc', 'interface': 'public'})
    assert cfg['auth']['password'] == 'pw' and cfg['auth']['auth_url'] == 'https://uc:13000'
    assert cfg['region_name'] == 'regionOne' and cfg['verify'] is False and cfg['cloud_name'] == 'uc'
    with pytest.raises(osc.ConfigError, match="cloud 'ux' not found.*did you mean: uc"):
        osc.resolve_config({'cloud': 'ux'})


def test_env_config():
    cfg = osc.resolve_config({}, environ={'OS_AUTH_URL': 'http://k:5000/v3', 'OS_USERNAME': 'u', 'OS_PASSWORD': 'p',
                                          'OS_PROJECT_NAME': 'p1', 'OS_REGION_NAME': 'R'})
    assert cfg['auth']['username'] == 'u' and cfg['region_name'] == 'R'
    with pytest.raises(osc.ConfigError, match='no auth_url'):
        osc.resolve_config({}, environ={})


def test_auth_body_scopes_and_no_password_in_describe(cloud):
    c = client(cloud)
    body = c._auth_body()['auth']
    assert body['identity']['password']['user'] == {'name': 'admin', 'domain': {'name': 'Default'}, 'password': 'secret-pw'}
    assert body['scope'] == {'project': {'name': 'admin', 'domain': {'name': 'Default'}}}
    assert 'secret-pw' not in c.describe()
    app = osc.OpenStackClient(osc.resolve_config({'auth': {'auth_url': 'http://k', 'application_credential_id': 'i',
                                                           'application_credential_secret': 's'}}, environ={}))
    assert app._auth_body() == {'auth': {'identity': {'methods': ['application_credential'],
                                                      'application_credential': {'id': 'i', 'secret': 's'}}}}


def test_token_cache_file_and_key(cloud):
    c = client(cloud)
    c.authenticate()
    path = c._cache_path()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    content = open(path, encoding='utf-8').read()
    assert 'secret-pw' not in content and 'secret-pw' not in path
    c2 = client(cloud)
    c2.authenticate()
    assert cloud.auth_count == 1 and c2.token == c.token
    c3 = client(cloud, password='other')
    assert c3.cache_key() != c.cache_key()
    c3.authenticate()
    assert cloud.auth_count == 2


def test_expired_cache_is_not_used(cloud):
    c = client(cloud)
    c.authenticate()
    data = json.load(open(c._cache_path(), encoding='utf-8'))
    data['expires'] = 0
    json.dump(data, open(c._cache_path(), 'w', encoding='utf-8'))
    client(cloud).authenticate()
    assert cloud.auth_count == 2


def test_401_reauthenticates_once(cloud):
    c = client(cloud)
    c.authenticate()
    c.token = 'expired'
    assert c.get('identity', '/projects') == {'projects': []}
    assert cloud.auth_count == 2


def test_endpoints_get_versions(cloud):
    c = client(cloud)
    assert c.endpoint('identity') == 'http://keystone:5000/v3'
    assert c.endpoint('compute') == 'http://nova:8774/v2.1'
    assert c.endpoint('network') == 'http://neutron:9696/v2.0'
    assert c.endpoint('image') == 'http://glance:9292/v2'
    with pytest.raises(osc.OpenStackError, match="service type 'placement'.*services: compute, identity, image, network"):
        c.endpoint('placement')


def test_http_errors_name_service_and_text(cloud):
    c = client(cloud)
    cloud.route('POST', r'neutron/v2.0/networks', lambda m, b, q: (400, {'NeutronError': {'message': 'Invalid input'}}))
    with pytest.raises(osc.OpenStackError) as e:
        c.post('network', '/networks', {'network': {}})
    assert str(e.value) == 'Neutron POST /v2.0/networks failed: HTTP 400: Invalid input'
    assert osc.error_text(b'{"badRequest": {"message": "bad flavor", "code": 400}}') == 'bad flavor'
    assert osc.error_text(b'{"error": {"message": "no such user", "code": 404}}') == 'no such user'
    assert osc.error_text(b'<html><h1>409 Conflict</h1> Image in use</html>') == '409 Conflict Image in use'


def test_check_mode_client_refuses_writes(cloud):
    c = client(cloud)
    c.read_only = True
    with pytest.raises(osc.OpenStackError, match='check mode'):
        c.post('network', '/networks', {})


def test_pagination_glance_and_links(cloud):
    c = client(cloud)
    pages = {'': {'images': [{'id': 1}], 'next': '/v2/images?marker=1'},
             'marker=1': {'images': [{'id': 2}]}}
    cloud.route('GET', r'glance/v2/images', lambda m, b, q: (200, pages['marker=1' if q.get('marker') else '']))
    assert [i['id'] for i in c.list('image', '/images', 'images')] == [1, 2]


def test_wait_for():
    states = iter([{'status': 'BUILD'}, {'status': 'BUILD'}, {'status': 'ACTIVE'}])
    assert osc.wait_for(lambda: next(states), ready=('ACTIVE',), sleep=lambda s: None)['status'] == 'ACTIVE'
    with pytest.raises(osc.OpenStackError, match='reached status ERROR'):
        osc.wait_for(lambda: {'status': 'ERROR'}, ready=('ACTIVE',), sleep=lambda s: None)
    clock = iter(range(100))
    with pytest.raises(osc.OpenStackError, match='timed out'):
        osc.wait_for(lambda: {'status': 'BUILD'}, ready=('ACTIVE',), timeout=3, sleep=lambda s: None,
                     clock=lambda: next(clock))
    assert osc.wait_for(lambda: None, ready=(None,), sleep=lambda s: None) is None


def test_close_matches_message():
    assert osc.not_found_message('image', 'cirros-6', ['cirros-0.6.2', 'ubuntu']) == \
        "image 'cirros-6' not found; close matches: cirros-0.6.2"
    assert 'available: a, b' in osc.not_found_message('image', 'zzz', ['a', 'b'])


def test_stale_cached_catalog_is_refreshed(cloud):
    c = client(cloud)
    c.authenticate()
    data = json.load(open(c._cache_path(), encoding='utf-8'))
    data['catalog'] = [e for e in data['catalog'] if e['type'] != 'compute']
    json.dump(data, open(c._cache_path(), 'w', encoding='utf-8'))
    c2 = client(cloud)
    assert c2.endpoint('compute') == 'http://nova:8774/v2.1'
    assert cloud.auth_count == 2


def test_reads_retried_on_connection_errors(cloud, monkeypatch):
    c = client(cloud)
    c.authenticate()
    monkeypatch.setattr(osc.time, 'sleep', lambda s: None)
    real = cloud.__class__.__call__
    failures = [ConnectionResetError(104, 'reset')]

    def flaky(self, method, url, headers, body=None):
        if failures:
            raise failures.pop()
        return real(self, method, url, headers, body)
    monkeypatch.setattr(cloud.__class__, '__call__', flaky)
    assert c.get('identity', '/projects') == {'projects': []}
    failures.append(ConnectionRefusedError(111, 'refused'))
    with pytest.raises(osc.OpenStackError, match='Neutron POST .* refused'):
        c.post('network', '/networks', {})
