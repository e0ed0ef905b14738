# -*- coding: utf-8 -*-
"""openstack_auth.py: clouds.yaml, secure.yaml and OS_* into a config; the Keystone token request and the cache write."""
from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.ooo.cloud.plugins.module_utils import openstack_auth as auth
from ansible_collections.ooo.cloud.plugins.module_utils.openstack import OpenStackClient
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import ConfigError, OpenStackError

AUTH = {'auth_url': 'http://keystone:5000', 'username': 'admin', 'password': 'secret-pw', 'project_name': 'admin',
        'user_domain_name': 'Default', 'project_domain_name': 'Default'}


def client(**auth_options):
    return OpenStackClient(auth.resolve_config({'auth': dict(AUTH, **auth_options)}, environ={}))


def test_clouds_yaml_and_secure_yaml(tmp_path, monkeypatch):
    (tmp_path / 'clouds.yaml').write_text(
        'clouds:\n  uc:\n    auth:\n      auth_url: https://uc:13000\n      username: admin\n      project_name: admin\n'
        '    region_name: regionOne\n    verify: false\n')
    (tmp_path / 'secure.yaml').write_text('clouds:\n  uc:\n    auth:\n      password: pw\n')
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', str(tmp_path / 'clouds.yaml'))
    monkeypatch.setenv('OS_CLIENT_SECURE_FILE', str(tmp_path / 'secure.yaml'))
    cfg = auth.resolve_config({'cloud': 'uc', 'interface': 'public'})
    assert cfg['auth']['password'] == 'pw' and cfg['auth']['auth_url'] == 'https://uc:13000'
    assert cfg['region_name'] == 'regionOne' and cfg['verify'] is False and cfg['cloud_name'] == 'uc'
    with pytest.raises(ConfigError, match="cloud 'ux' not found.*did you mean: uc"):
        auth.resolve_config({'cloud': 'ux'})


def test_no_clouds_yaml_names_where_it_looked(tmp_path):
    with pytest.raises(ConfigError, match=r"cloud 'uc' requested but no clouds.yaml was found .*/etc/openstack"):
        auth.load_cloud('uc', environ={'OS_CLIENT_CONFIG_FILE': str(tmp_path / 'missing.yaml')})


def test_options_over_the_cloud_entry():
    cfg = auth.resolve_config({'cloud': {'auth': {'auth_url': 'http://k', 'username': 'u'}, 'region_name': 'R1'},
                               'auth': {'password': 'p', 'username': None}, 'region_name': 'R2', 'validate_certs': False,
                               'ca_cert': '/ca.pem', 'interface': 'internal'}, environ={})
    assert cfg['auth'] == {'auth_url': 'http://k', 'username': 'u', 'password': 'p'}
    assert (cfg['region_name'], cfg['verify'], cfg['cacert'], cfg['interface']) == ('R2', False, '/ca.pem', 'internal')
    assert cfg['cloud_name'] is None


def test_env_config():
    cfg = auth.resolve_config({}, environ={'OS_AUTH_URL': 'http://k:5000/v3', 'OS_USERNAME': 'u', 'OS_PASSWORD': 'p',
                                           'OS_PROJECT_NAME': 'p1', 'OS_REGION_NAME': 'R', 'OS_INSECURE': 'true'})
    assert cfg['auth']['username'] == 'u' and cfg['region_name'] == 'R' and cfg['verify'] is False
    with pytest.raises(ConfigError, match='no auth_url'):
        auth.resolve_config({}, environ={})


def test_auth_body_scopes_and_no_password_in_describe():
    c = client()
    body = auth.auth_body(c.auth, c.auth_type)['auth']
    assert body['identity']['password']['user'] == {'name': 'admin', 'domain': {'name': 'Default'}, 'password': 'secret-pw'}
    assert body['scope'] == {'project': {'name': 'admin', 'domain': {'name': 'Default'}}}
    assert 'secret-pw' not in c.describe()
    app = OpenStackClient(auth.resolve_config({'auth': {'auth_url': 'http://k', 'application_credential_id': 'i',
                                                        'application_credential_secret': 's'}}, environ={}))
    assert auth.auth_body(app.auth, app.auth_type) == {'auth': {'identity': {
        'methods': ['application_credential'], 'application_credential': {'id': 'i', 'secret': 's'}}}}
    assert auth.auth_body({'token': 't', 'system_scope': 'all'}, 'token') == {'auth': {
        'identity': {'methods': ['token'], 'token': {'id': 't'}}, 'scope': {'system': {'all': True}}}}
    with pytest.raises(ConfigError, match="auth_type 'v2password' is not supported"):
        auth.auth_body({}, 'v2password')


def test_token_cache_file_and_key(cloud):
    c = client()
    c.authenticate()
    path = c.cache_path()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    content = open(path, encoding='utf-8').read()
    assert 'secret-pw' not in content and 'secret-pw' not in path
    assert c.token_data['project_id'] == cloud.project_id and c.token_data['roles'] == ['admin']
    c2 = client()
    c2.authenticate()
    assert cloud.auth_count == 1 and c2.token == c.token and c2.from_cache
    c3 = client(password='other')
    assert c3.cache_key() != c.cache_key()
    c3.authenticate()
    assert cloud.auth_count == 2


def test_expired_cache_is_not_used(cloud):
    c = client()
    c.authenticate()
    data = json.load(open(c.cache_path(), encoding='utf-8'))
    data['expires'] = 0
    json.dump(data, open(c.cache_path(), 'w', encoding='utf-8'))
    client().authenticate()
    assert cloud.auth_count == 2


def test_refused_credentials_name_the_user_not_the_password(cloud):
    cloud.fail_auth = True
    with pytest.raises(OpenStackError, match=r'^authentication failed for \(auth_url http://keystone:5000/v3, user admin, '
                                             r'project admin\): HTTP 401: The request you have made requires') as e:
        client().authenticate()
    assert e.value.status == 401 and 'secret-pw' not in e.value.msg


def test_parse_time():
    assert auth.parse_time('1970-01-01T00:01:00.000000Z') == 60
    assert auth.parse_time('1970-01-01T01:00:00+01:00') == 0
    assert auth.parse_time('1970-01-01T00:00:02') == 2
