# -*- coding: utf-8 -*-
"""The client (openstack.py): endpoints, requests and their errors, re-authentication, pagination, waits."""
from __future__ import annotations

import io
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
    # refused: the POST never reached Neutron, so it is sent again (and once more, three times in all)
    failures.append(ConnectionRefusedError(111, 'refused'))
    assert c.post('network', '/networks', {'network': {'name': 'n1'}})['network']['name'] == 'n1'
    failures.extend([ConnectionRefusedError(111, 'refused')] * 3)
    with pytest.raises(OpenStackError, match='Neutron POST .* refused$'):
        c.post('network', '/networks', {'network': {'name': 'n2'}})
    assert [n['name'] for n in cloud.items('neutron', '/v2.0/networks')] == ['n1']


def _answers(cloud, monkeypatch, *answers):
    """Make the fake answer the next requests with ``answers`` (a status, or an exception raised), then itself."""
    monkeypatch.setattr(osc.time, 'sleep', lambda s: None)  # the time module, also the transport's
    real = cloud.__class__.__call__
    todo = list(answers)

    def answer(self, method, url, headers, body=None):
        if todo and not url.endswith('/auth/tokens'):
            self.calls.append((method, url, None))
            got = todo.pop(0)
            if isinstance(got, Exception):
                if hasattr(body, 'read'):
                    body.read()  # what was sent of a file body before the connection was lost
                raise got
            return got, {'content-type': 'text/html'}, b'<html><h1>%d</h1>proxy</html>' % got
        return real(self, method, url, headers, body)
    monkeypatch.setattr(cloud.__class__, '__call__', answer)


def _posts(cloud):
    return [c for c in cloud.calls if c[0] == 'POST' and not c[1].endswith('/auth/tokens')]


@pytest.mark.parametrize('status', [502, 504])
def test_post_answered_502_504_is_not_sent_again(cloud, monkeypatch, status):
    # the proxy may have passed the POST on before it failed: a second one could make a second network
    c = client(cloud)
    c.authenticate()
    _answers(cloud, monkeypatch, status)
    with pytest.raises(OpenStackError) as e:
        c.post('network', '/networks', {'network': {'name': 'n1'}})
    assert str(e.value) == (
        'Neutron POST http://neutron:9696/v2.0/networks failed: HTTP %d: %d proxy; the request may have been '
        'applied all the same, so it was not sent again (that could make a second resource); running the task '
        'again looks the resource up first' % (status, status))
    assert e.value.status == status and len(_posts(cloud)) == 1
    assert cloud.items('neutron', '/v2.0/networks') == []
    _answers(cloud, monkeypatch, status)  # a PATCH neither
    with pytest.raises(OpenStackError, match='may have been applied'):
        c.patch('identity', '/projects/x', {'project': {}})


def test_post_answered_503_is_sent_again(cloud, monkeypatch):
    # HAProxy's 503: no server was up, none got the request
    c = client(cloud)
    c.authenticate()
    _answers(cloud, monkeypatch, 503, 503)
    assert c.post('network', '/networks', {'network': {'name': 'n1'}})['network']['name'] == 'n1'
    assert len(_posts(cloud)) == 3
    assert [n['name'] for n in cloud.items('neutron', '/v2.0/networks')] == ['n1']
    _answers(cloud, monkeypatch, *[503] * 5)  # still none after the waits: the usual error, nothing applied
    with pytest.raises(OpenStackError, match=r'^Neutron POST /v2.0/networks failed: HTTP 503: 503 proxy$'):
        c.post('network', '/networks', {'network': {'name': 'n2'}})


def test_idempotent_and_computing_requests_sent_again_after_502_504(cloud, monkeypatch):
    c = client(cloud)
    c.authenticate()
    net = cloud.add('neutron', '/v2.0/networks', {'name': 'n1'})
    _answers(cloud, monkeypatch, 502, 504)
    assert c.put('network', '/networks/%s' % net['id'], {'network': {'mtu': 1400}})['network']['mtu'] == 1400
    _answers(cloud, monkeypatch, 504)
    assert c.delete('network', '/networks/%s' % net['id']) is True
    # a POST that only computes (Heat's template validation) is as safe as a GET
    cloud.route('POST', r'neutron/v2.0/validate', lambda m, b, q: (200, {'valid': True}))
    _answers(cloud, monkeypatch, 502)
    assert c.request('network', 'POST', '/validate', {}, changes_nothing=True)[2] == {'valid': True}
    assert len([p for p in _posts(cloud) if p[1].endswith('/validate')]) == 2


def test_post_not_sent_again_after_a_connection_lost_after_sending(cloud, monkeypatch):
    c = client(cloud)
    c.authenticate()
    lost = ConnectionResetError(104, 'Connection reset by peer')
    lost.request_sent = True
    _answers(cloud, monkeypatch, lost)
    with pytest.raises(OpenStackError, match=r'^Neutron POST http://neutron:9696/v2.0/networks failed: .*reset by peer; '
                                             r'the request may have been applied all the same'):
        c.post('network', '/networks', {'network': {'name': 'n1'}})
    assert len(_posts(cloud)) == 1 and cloud.items('neutron', '/v2.0/networks') == []
    # a connection error of another transport is taken as after sending, but for a refused one
    _answers(cloud, monkeypatch, TimeoutError('timed out'))
    with pytest.raises(OpenStackError, match='timed out; the request may have been applied'):
        c.post('network', '/networks', {'network': {'name': 'n1'}})
    # lost before the end of the request: the server cannot have taken it, sent again
    unsent = BrokenPipeError(32, 'Broken pipe')
    unsent.request_sent = False
    _answers(cloud, monkeypatch, unsent)
    assert c.post('network', '/networks', {'network': {'name': 'n1'}})['network']['name'] == 'n1'
    # a PUT is sent again whenever the connection was lost, a file body from where it started
    net = cloud.items('neutron', '/v2.0/networks')[0]
    _answers(cloud, monkeypatch, ConnectionResetError(104, 'reset'))
    body = io.BytesIO(b'xx{"network": {"mtu": 1400}}')
    body.seek(2)
    assert c.request('network', 'PUT', '/networks/%s' % net['id'], raw=body)[2]['network']['mtu'] == 1400


def test_token_request_sent_again_after_502(cloud, monkeypatch):
    # a token request makes nothing that lasts
    monkeypatch.setattr(osc.time, 'sleep', lambda s: None)
    real = cloud.__class__.__call__
    todo = [502]

    def answer(self, method, url, headers, body=None):
        if todo and url.endswith('/auth/tokens'):
            return todo.pop(), {}, b''
        return real(self, method, url, headers, body)
    monkeypatch.setattr(cloud.__class__, '__call__', answer)
    c = client(cloud)
    assert c.get('identity', '/projects') == {'projects': []} and cloud.auth_count == 1 and not todo
