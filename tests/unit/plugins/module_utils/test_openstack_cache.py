# -*- coding: utf-8 -*-
"""connect(): a valid cached token is used without reading clouds.yaml; its secrets are read only to re-authenticate."""
from __future__ import annotations

import json
import os

import pytest

from ansible_collections.ooo.cloud.plugins.module_utils import openstack as osc
from ansible_collections.ooo.cloud.plugins.module_utils import openstack_auth

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
    real = openstack_auth._load_yaml

    def counting(path):
        reads.append(os.path.basename(path))
        return real(path)
    monkeypatch.setattr(openstack_auth, '_load_yaml', counting)
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
    cached = open(c._cache_path(), encoding='utf-8').read()
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
    key = osc.config_key(PARAMS)
    assert osc.config_key(dict(PARAMS, region_name='R2')) != key
    assert osc.config_key(dict(PARAMS, interface='internal')) != key
    monkeypatch.setenv('OS_REGION_NAME', 'R3')
    assert osc.config_key(PARAMS) != key
    auth = {'auth': {'auth_url': 'http://k', 'password': 'secret-a'}}
    assert osc.config_key(auth) != osc.config_key({'auth': {'auth_url': 'http://k', 'password': 'secret-b'}})
    assert 'secret-a' not in osc.config_key(auth)


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
    data = json.load(open(c._cache_path(), encoding='utf-8'))
    data['expires'] = 0
    json.dump(data, open(c._cache_path(), 'w', encoding='utf-8'))
    del reads[:]
    osc.connect(PARAMS).authenticate()
    assert reads == ['clouds.yaml', 'secure.yaml'] and cloud.auth_count == 2


def test_unknown_cloud_still_fails_naming_it(cloud, clouds):
    with pytest.raises(osc.ConfigError, match="cloud 'ux' not found.*did you mean: uc"):
        osc.connect({'cloud': 'ux'})
