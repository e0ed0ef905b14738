# -*- coding: utf-8 -*-
"""The client (openstack.py): endpoints, requests and their errors, re-authentication, pagination, waits."""
from __future__ import annotations

import json

import pytest

from ansible_collections.ooo.cloud.plugins.module_utils import openstack as osc
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import NotFound, OpenStackError

AUTH = {'auth_url': 'http://keystone:5000', 'username': 'admin', 'password': 'secret-pw', 'project_name': 'admin',
        'user_domain_name': 'Default', 'project_domain_name': 'Default'}


def client(cloud, **auth):
    return osc.OpenStackClient(osc.resolve_config({'auth': dict(AUTH, **auth)}, environ={}))


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
    with pytest.raises(OpenStackError, match="service type 'placement'.*services: compute, identity, image, network"):
        c.endpoint('placement')


def test_http_errors_name_service_and_text(cloud):
    c = client(cloud)
    cloud.route('POST', r'neutron/v2.0/networks', lambda m, b, q: (400, {'NeutronError': {'message': 'Invalid input'}}))
    with pytest.raises(OpenStackError) as e:
        c.post('network', '/networks', {'network': {}})
    assert str(e.value) == 'Neutron POST /v2.0/networks failed: HTTP 400: Invalid input'
    with pytest.raises(NotFound, match=r'^Neutron GET /v2.0/networks/x failed: HTTP 404: network x could not be found$'):
        c.request('network', 'GET', '/networks/x')
    assert c.get('network', '/networks/x') is None


def test_check_mode_client_refuses_writes(cloud):
    c = client(cloud)
    c.read_only = True
    with pytest.raises(OpenStackError, match='check mode'):
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
    with pytest.raises(OpenStackError, match='reached status ERROR'):
        osc.wait_for(lambda: {'status': 'ERROR'}, ready=('ACTIVE',), sleep=lambda s: None)
    clock = iter(range(100))
    with pytest.raises(OpenStackError, match='timed out'):
        osc.wait_for(lambda: {'status': 'BUILD'}, ready=('ACTIVE',), timeout=3, sleep=lambda s: None,
                     clock=lambda: next(clock))
    assert osc.wait_for(lambda: None, ready=(None,), sleep=lambda s: None) is None


def test_stale_cached_catalog_is_refreshed(cloud):
    c = client(cloud)
    c.authenticate()
    data = json.load(open(c.cache_path(), encoding='utf-8'))
    data['catalog'] = [e for e in data['catalog'] if e['type'] != 'compute']
    json.dump(data, open(c.cache_path(), 'w', encoding='utf-8'))
    c2 = client(cloud)
    assert c2.endpoint('compute') == 'http://nova:8774/v2.1'
    assert cloud.auth_count == 2


def test_reads_retried_on_connection_errors(cloud, monkeypatch):
    c = client(cloud)
    c.authenticate()
    monkeypatch.setattr(osc.time, 'sleep', lambda s: None)  # the time module, also the transport's
    real = cloud.__class__.__call__
    failures = [ConnectionResetError(104, 'reset')]

    def flaky(self, method, url, headers, body=None):
        if failures:
            raise failures.pop()
        return real(self, method, url, headers, body)
    monkeypatch.setattr(cloud.__class__, '__call__', flaky)
    assert c.get('identity', '/projects') == {'projects': []}
    failures.append(ConnectionRefusedError(111, 'refused'))
    with pytest.raises(OpenStackError, match='Neutron POST .* refused'):
        c.post('network', '/networks', {})
