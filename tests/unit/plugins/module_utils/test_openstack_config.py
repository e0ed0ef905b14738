# -*- coding: utf-8 -*-
"""openstack_config.py: the key over the connection options, and the token cache found by it.

With connect(): a valid cached token is used without reading clouds.yaml; its secrets are read
only to re-authenticate.
"""
from __future__ import annotations

import json
import os
import time

import pytest

from ansible_collections.ooo.cloud.plugins.module_utils import openstack as osc
from ansible_collections.ooo.cloud.plugins.module_utils import openstack_auth
from ansible_collections.ooo.cloud.plugins.module_utils import openstack_config as config
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import ConfigError

CLOUDS = ('clouds:\n  uc:\n    auth:\n      auth_url: http://keystone:5000\n      username: admin\n'
          '      project_name: admin\n      user_domain_name: Default\n      project_domain_name: Default\n'
          '    region_name: RegionOne\n')
PARAMS = {'cloud': 'uc', 'interface': 'public'}


@pytest.fixture
def clouds(tmp_path, monkeypatch):
    """clouds.yaml + secure.yaml (the password) in a directory of their own; counts YAML reads."""
    (tmp_path / 'clouds.yaml').write_text(CLOUDS)
    (tmp_path / 'secure.yaml').write_text('clouds:\n  uc:\n    auth:\n      password: pw-1\n')
    for name in list(os.environ):
        if name.startswith('OS_'):
            monkeypatch.delenv(name)
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', str(tmp_path / 'clouds.yaml'))
    monkeypatch.setenv('OS_CLIENT_SECURE_FILE', str(tmp_path / 'secure.yaml'))
    reads = []
    real = openstack_auth.load_yaml

    def counting(path):
        reads.append(os.path.basename(path))
        return real(path)
    monkeypatch.setattr(openstack_auth, 'load_yaml', counting)
    return tmp_path, reads


def passwords_sent(cloud):
    return [c[2]['auth']['identity']['password']['user']['password'] for c in cloud.calls
            if c[0] == 'POST' and c[1].endswith('/auth/tokens')]


def test_cached_token_needs_no_yaml(cloud, clouds):
    _path, reads = clouds
    c = osc.connect(PARAMS)
    assert c.get('identity', '/projects') == {'projects': []}
    assert reads == ['clouds.yaml', 'secure.yaml'] and cloud.auth_count == 1
    del reads[:]
    c2 = osc.connect(PARAMS)
    assert c2.get('identity', '/projects') == {'projects': []}
    assert reads == [] and cloud.auth_count == 1 and c2.token == c.token
    assert c2.endpoint('network') == 'http://neutron:9696/v2.0' and c2.region == 'RegionOne'
    assert 'admin' in c2.describe() and "cloud 'uc'" in c2.describe()
    cached = open(c.cache_path(), encoding='utf-8').read()
    assert 'pw-1' not in cached and json.loads(cached)['config']['auth']['username'] == 'admin'


def test_edited_clouds_yaml_is_read_again(cloud, clouds):
    path, reads = clouds
    osc.connect(PARAMS).authenticate()
    (path / 'secure.yaml').write_text('clouds:\n  uc:\n    auth:\n      password: pw-2-longer\n')
    del reads[:]
    osc.connect(PARAMS).authenticate()
    assert reads == ['clouds.yaml', 'secure.yaml'] and cloud.auth_count == 2
    assert passwords_sent(cloud) == ['pw-1', 'pw-2-longer']


def test_other_options_or_environment_other_key(cloud, clouds, monkeypatch):
    key = config.config_key(PARAMS)
    assert config.config_key(dict(PARAMS, region_name='R2')) != key
    assert config.config_key(dict(PARAMS, interface='internal')) != key
    monkeypatch.setenv('OS_REGION_NAME', 'R3')
    assert config.config_key(PARAMS) != key
    auth = {'auth': {'auth_url': 'http://k', 'password': 'secret-a'}}
    assert config.config_key(auth) != config.config_key({'auth': {'auth_url': 'http://k', 'password': 'secret-b'}})
    assert 'secret-a' not in config.config_key(auth)


def test_rejected_cached_token_reads_the_secrets(cloud, clouds):
    _path, reads = clouds
    osc.connect(PARAMS).authenticate()
    del reads[:]
    c = osc.connect(PARAMS)
    c.token = 'expired'
    assert c.get('identity', '/projects') == {'projects': []}
    assert reads == ['clouds.yaml', 'secure.yaml'] and cloud.auth_count == 2
    assert passwords_sent(cloud) == ['pw-1', 'pw-1']


def test_expired_cached_token_resolves_config(cloud, clouds):
    _path, reads = clouds
    c = osc.connect(PARAMS)
    c.authenticate()
    data = json.load(open(c.cache_path(), encoding='utf-8'))
    data['expires'] = 0
    json.dump(data, open(c.cache_path(), 'w', encoding='utf-8'))
    del reads[:]
    osc.connect(PARAMS).authenticate()
    assert reads == ['clouds.yaml', 'secure.yaml'] and cloud.auth_count == 2


def test_unknown_cloud_still_fails_naming_it(cloud, clouds):
    with pytest.raises(ConfigError, match="cloud 'ux' not found.*did you mean: uc"):
        osc.connect({'cloud': 'ux'})


def test_argument_spec_hides_the_secrets():
    spec = config.openstack_argument_spec()
    assert sorted(spec) == sorted(config.CONNECTION_OPTIONS)
    secret = sorted(k for k, v in spec['auth']['options'].items() if v.get('no_log'))
    assert secret == ['application_credential_secret', 'password', 'token']
    assert set(secret) <= set(config.SECRET_AUTH_KEYS)


def test_hide_secrets_at_any_depth():
    hidden = config.hide_secrets({'auth': {'password': 'pw', 'username': 'u'}, 'list': [{'token': 't'}], 'n': 1})
    assert hidden == {'auth': {'password': config.secret_hash('pw'), 'username': 'u'},
                      'list': [{'token': config.secret_hash('t')}], 'n': 1}
    assert config.secret_hash('') == '' and 'pw' not in json.dumps(hidden)


def test_clouds_yaml_is_found_in_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    xdg = tmp_path / 'xdg'
    (xdg / 'openstack').mkdir(parents=True)
    (xdg / 'openstack' / 'clouds.yml').write_text('clouds: {}\n')
    environ = {'XDG_CONFIG_HOME': str(xdg)}
    assert config.config_dirs(environ)[:2] == [str(tmp_path), str(xdg / 'openstack')]
    assert config.find_file('OS_CLIENT_CONFIG_FILE', config.CLOUDS_FILES, environ) == str(xdg / 'openstack' / 'clouds.yml')
    (tmp_path / 'clouds.yaml').write_text('clouds: {}\n')
    assert config.find_file('OS_CLIENT_CONFIG_FILE', config.CLOUDS_FILES, environ) == str(tmp_path / 'clouds.yaml')
    environ['OS_CLIENT_CONFIG_FILE'] = str(tmp_path / 'missing.yaml')
    assert config.find_file('OS_CLIENT_CONFIG_FILE', config.CLOUDS_FILES, environ) is None


def test_token_cache_entry_valid_until_the_margin(tmp_path, monkeypatch):
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path))
    assert config.cache_dir() == str(tmp_path / 'ooo.cloud' / 'openstack')
    assert config.read_token_cache('k1') is None
    os.makedirs(config.cache_dir())
    for expires, valid in ((time.time() + config.CACHE_MARGIN + 30, True), (time.time() + config.CACHE_MARGIN - 5, False)):
        with open(config.token_cache_path('k1'), 'w', encoding='utf-8') as f:
            json.dump({'token': 't', 'expires': expires}, f)
        assert (config.read_token_cache('k1') is not None) is valid
    with open(config.token_cache_path('k1'), 'w', encoding='utf-8') as f:
        f.write('{not json')
    assert config.read_token_cache('k1') is None
