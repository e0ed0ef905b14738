# -*- coding: utf-8 -*-
from __future__ import annotations

import hashlib
import json
import urllib.parse

import pytest

from ansible_collections.ooo.cloud.plugins.module_utils import openstack
from ansible_collections.ooo.cloud.plugins.modules import object as swift_object
from ansible_collections.ooo.cloud.plugins.modules import object_container


class Reply:
    """A Swift answer: headers (lower-case names, as the HTTP transport gives them) and a body."""

    def __init__(self, headers=None, data=b''):
        self.headers = {k.lower(): str(v) for k, v in (headers or {}).items()}
        self.data = data


class FakeSwift:
    """Swift on the fake cloud: containers and their objects in memory.

    The routes are the fake cloud's (its ``calls`` and ``writes()`` see every request) and the token's
    catalog gets an ``object-store`` endpoint, the account URL. Swift answers mostly with headers,
    which the cloud's routes do not return: a route here answers a ``Reply`` and the cloud's
    ``_resp`` passes it on. The request's headers are the cloud's last ones. An object's data
    reaches the routes as the cloud reads it (JSON parsed): the tests upload text that is not JSON.
    """

    def __init__(self, cloud):
        self.cloud = cloud
        self.containers = {}  # name -> {'headers': {...}, 'objects': {name: {'data': bytes, 'headers': {...}}}}
        self.page = 2         # objects a listing page holds (Swift's is 10000): the tests page
        cloud.catalog.append({'type': 'object-store',
                              'endpoints': [{'interface': 'public', 'region': 'RegionOne',
                                             'url': 'http://swift:8080/v1/AUTH_%(tenant_id)s'}]})
        plain = cloud._resp
        cloud._resp = lambda status, body: (status, body.headers, body.data) if isinstance(body, Reply) else plain(status, body)
        one = r'swift/v1/AUTH_%s/([^/]+)' % cloud.project_id
        for method, pattern, fn in [
            ('HEAD', one, self.head_container),
            ('PUT', one, self.put_container),
            ('POST', one, self.post_container),
            ('GET', one, self.list_objects),
            ('DELETE', one, self.delete_container),
            ('HEAD', one + r'/(.+)', self.head_object),
            ('PUT', one + r'/(.+)', self.put_object),
            ('POST', one + r'/(.+)', self.post_object),
            ('DELETE', one + r'/(.+)', self.delete_object),
        ]:
            cloud.route(method, pattern, fn)

    # -- helpers for tests
    def add_container(self, name, **headers):
        self.containers[name] = {'headers': dict(headers), 'objects': {}}
        return self.containers[name]

    def add_object(self, container, name, data, content_type='application/octet-stream', **headers):
        self.containers[container]['objects'][name] = {
            'data': data, 'headers': dict(headers, **{'Content-Type': content_type})}

    def request_headers(self):
        return {k.lower(): v for k, v in self.cloud.headers[-1][1].items()}

    def sent(self, method):
        """The headers of the last request of ``method`` (the cloud's calls and headers end together)."""
        for call, (_host, headers) in zip(reversed(self.cloud.calls), reversed(self.cloud.headers)):
            if call[0] == method:
                return {k.lower(): v for k, v in headers.items()}
        return None

    # -- Swift
    def _container(self, match):
        return self.containers.get(urllib.parse.unquote(match.group(1)))

    def _apply(self, stored, kind):
        """Set what the request's headers say: X-<kind>-Meta-*, the ACLs, and X-Remove-* removes."""
        for key, value in self.request_headers().items():
            if key.startswith('x-remove-%s-' % kind):
                stored.pop('x-%s-%s' % (kind, key[len('x-remove-%s-' % kind):]), None)
            elif key.startswith('x-%s-meta-' % kind) or key in ('x-container-read', 'x-container-write'):
                stored[key] = value

    @staticmethod
    def _none():
        return Reply({'content-length': 0})

    def head_container(self, match, body, query):
        c = self._container(match)
        if c is None:
            return 404, self._none()
        used = sum(len(o['data']) for o in c['objects'].values())
        return 204, Reply(dict(c['headers'], **{'X-Container-Object-Count': len(c['objects']),
                                                'X-Container-Bytes-Used': used}))

    def put_container(self, match, body, query):
        name = urllib.parse.unquote(match.group(1))
        status = 202 if name in self.containers else 201
        c = self.containers.setdefault(name, {'headers': {}, 'objects': {}})
        self._apply(c['headers'], 'container')
        return status, self._none()

    def post_container(self, match, body, query):
        c = self._container(match)
        if c is None:
            return 404, self._none()
        self._apply(c['headers'], 'container')
        return 204, self._none()

    def list_objects(self, match, body, query):
        c = self._container(match)
        if c is None:
            return 404, self._none()
        names = sorted(n for n in c['objects'] if n > query.get('marker', ''))[:self.page]
        listing = [{'name': n, 'bytes': len(c['objects'][n]['data']),
                    'hash': hashlib.md5(c['objects'][n]['data']).hexdigest()} for n in names]
        return 200, Reply({'content-type': 'application/json; charset=utf-8'}, json.dumps(listing).encode())

    def delete_container(self, match, body, query):
        c = self._container(match)
        if c is None:
            return 404, self._none()
        if c['objects']:
            return 409, Reply({'content-type': 'text/html'}, b'<html><h1>Conflict</h1><p>There was a conflict when '
                                                             b'trying to complete your request.</p></html>')
        del self.containers[urllib.parse.unquote(match.group(1))]
        return 204, self._none()

    def _object(self, match):
        c = self._container(match)
        return c, (c or {'objects': {}})['objects'].get(urllib.parse.unquote(match.group(2)))

    def head_object(self, match, body, query):
        _c, o = self._object(match)
        if o is None:
            return 404, self._none()
        return 200, Reply(dict(o['headers'], **{'Etag': hashlib.md5(o['data']).hexdigest(),
                                                'Content-Length': len(o['data'])}))

    def put_object(self, match, body, query):
        c, _o = self._object(match)
        if c is None:
            return 404, self._none()
        data = body if isinstance(body, bytes) else b''
        headers = self.request_headers()
        if headers.get('etag') and headers['etag'] != hashlib.md5(data).hexdigest():
            return 422, Reply({'content-type': 'text/html'}, b'<html><h1>Unprocessable Entity</h1></html>')
        stored = {'content-type': headers['content-type']}
        self._apply(stored, 'object')  # a PUT replaces all the metadata
        c['objects'][urllib.parse.unquote(match.group(2))] = {'data': data, 'headers': stored}
        return 201, Reply({'etag': hashlib.md5(data).hexdigest(), 'content-length': 0})

    def post_object(self, match, body, query):
        _c, o = self._object(match)
        if o is None:
            return 404, self._none()
        stored = {k: v for k, v in o['headers'].items() if k == 'content-type'}  # a POST replaces all the metadata
        stored['content-type'] = self.request_headers().get('content-type', stored['content-type'])
        self._apply(stored, 'object')
        o['headers'] = stored
        return 202, self._none()

    def delete_object(self, match, body, query):
        c, o = self._object(match)
        if o is None:
            return 404, self._none()
        del c['objects'][urllib.parse.unquote(match.group(2))]
        return 204, self._none()


@pytest.fixture
def swift(cloud):
    return FakeSwift(cloud)


def _swift_calls(cloud):
    return [(c[0], c[1]) for c in cloud.calls if c[1].startswith('swift')]


ACCOUNT = 'swift/v1/AUTH_p0000000000000000000000000000001'


# -- containers

def test_container_lifecycle(cloud, swift, run):
    args = {'name': 'artifacts', 'read_acl': '.r:*, .rlistings', 'metadata': {'Owner': 'ci', 'n': 1}}
    res = run(object_container.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == [] and not swift.containers
    assert res['diff'] == {'before': {}, 'after': {'name': 'artifacts', 'read_acl': '.r:*,.rlistings',
                                                   'metadata': {'owner': 'ci', 'n': '1'}}}
    assert res['container'] == {'name': 'artifacts', 'read_acl': '.r:*,.rlistings', 'write_acl': '',
                                'metadata': {'owner': 'ci', 'n': '1'}, 'object_count': 0, 'bytes_used': 0}
    res = run(object_container.main, args)
    assert res['changed'] is True and cloud.writes() == [('PUT', ACCOUNT + '/artifacts')]
    assert swift.containers['artifacts']['headers'] == {'x-container-read': '.r:*,.rlistings',
                                                        'x-container-meta-owner': 'ci', 'x-container-meta-n': '1'}
    assert res['container'] == {'name': 'artifacts', 'read_acl': '.r:*,.rlistings', 'write_acl': '',
                                'metadata': {'owner': 'ci', 'n': '1'}, 'object_count': 0, 'bytes_used': 0}
    # again: nothing to do, and only one HEAD to know it
    cloud.calls.clear()
    res = run(object_container.main, args)
    assert res['changed'] is False and res['diff']['before'] == res['diff']['after']
    assert _swift_calls(cloud) == [('HEAD', ACCOUNT + '/artifacts')]


def test_container_acl_and_metadata_in_place(cloud, swift, run):
    swift.add_container('web', **{'x-container-read': '.r:*', 'x-container-meta-owner': 'ci',
                                  'x-container-meta-stale': 'yes'})
    args = {'name': 'web', 'read_acl': '', 'write_acl': 'p1:u1', 'metadata': {'owner': 'ops'}}
    res = run(object_container.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    assert res['diff']['before'] == {'name': 'web', 'read_acl': '.r:*', 'write_acl': '',
                                     'metadata': {'owner': 'ci', 'stale': 'yes'}}
    assert res['diff']['after'] == {'name': 'web', 'read_acl': '', 'write_acl': 'p1:u1', 'metadata': {'owner': 'ops'}}
    assert swift.containers['web']['headers']['x-container-read'] == '.r:*'
    res = run(object_container.main, args)
    assert res['changed'] is True and cloud.writes() == [('POST', ACCOUNT + '/web')]
    sent = swift.sent('POST')
    assert sent['x-remove-container-read'] == 'x' and sent['x-remove-container-meta-stale'] == 'x'
    assert sent['x-container-write'] == 'p1:u1' and sent['x-container-meta-owner'] == 'ops'
    assert 'x-container-meta-n' not in sent
    assert swift.containers['web']['headers'] == {'x-container-write': 'p1:u1', 'x-container-meta-owner': 'ops'}
    assert res['container']['read_acl'] == '' and res['container']['metadata'] == {'owner': 'ops'}
    assert run(object_container.main, args)['changed'] is False
    # options not given are left alone; keys are compared without their case
    res = run(object_container.main, {'name': 'web', 'metadata': {'OWNER': 'ops'}})
    assert res['changed'] is False and res['container']['write_acl'] == 'p1:u1'
    # {} removes all the metadata
    res = run(object_container.main, {'name': 'web', 'metadata': {}})
    assert res['changed'] is True and swift.containers['web']['headers'] == {'x-container-write': 'p1:u1'}


def test_container_metadata_utf8_round_trip(cloud, swift, run):
    args = {'name': 'docs', 'metadata': {'title': 'Café über'}}
    res = run(object_container.main, args)
    assert res['changed'] is True and res['container']['metadata'] == {'title': 'Café über'}
    assert run(object_container.main, args)['changed'] is False


def test_container_delete_refused_when_not_empty(cloud, swift, run):
    swift.add_container('full')
    for name in ('a', 'b', 'c/d'):
        swift.add_object('full', name, b'data of ' + name.encode())
    for check in (True, False):
        res = run(object_container.main, {'name': 'full', 'state': 'absent'}, check=check)
        assert res['failed'] and "container 'full' holds 3 objects" in res['msg']
        assert 'delete_objects: true' in res['msg']
    assert cloud.writes() == [] and len(swift.containers['full']['objects']) == 3
    # predicted with delete_objects, then done: the objects (listed page by page) first
    res = run(object_container.main, {'name': 'full', 'state': 'absent', 'delete_objects': True}, check=True)
    assert res['changed'] is True and res['diff']['after'] == {} and cloud.writes() == []
    res = run(object_container.main, {'name': 'full', 'state': 'absent', 'delete_objects': True})
    assert res['changed'] is True and res['container'] is None and 'full' not in swift.containers
    assert cloud.writes() == [('DELETE', ACCOUNT + '/full/a'), ('DELETE', ACCOUNT + '/full/b'),
                              ('DELETE', ACCOUNT + '/full/c/d'), ('DELETE', ACCOUNT + '/full')]
    assert [c[1] for c in cloud.calls if c[0] == 'GET' and c[1].startswith('swift')] == [ACCOUNT + '/full'] * 3
    assert run(object_container.main, {'name': 'full', 'state': 'absent'})['changed'] is False


def test_container_delete_empty_and_conflict(cloud, swift, run):
    swift.add_container('empty')
    res = run(object_container.main, {'name': 'empty', 'state': 'absent'})
    assert res['changed'] is True and not swift.containers
    # an object Swift's count does not show yet: its 409 named
    swift.add_container('busy')
    swift.add_object('busy', 'late', b'late data')
    cloud.route('HEAD', ACCOUNT + '/busy', lambda m, b, q: (204, Reply({'X-Container-Object-Count': 0})))
    res = run(object_container.main, {'name': 'busy', 'state': 'absent'})
    assert res['failed'] and "container 'busy' holds objects" in res['msg'] and 'delete_objects: true' in res['msg']
    assert 'busy' in swift.containers


@pytest.mark.parametrize('args,message', [
    ({'name': 'a/b'}, "must not be empty nor contain '/'"),
    ({'name': 'x' * 257}, 'is 257 bytes long (UTF-8); Swift allows at most 256'),
    ({'name': 'c', 'write_acl': '.r:*'}, 'Swift allows referrers in read_acl only'),
    ({'name': 'c', 'metadata': {'my_key': 1}}, "metadata keys my_key are not letters, digits and '-'"),
    ({'name': 'c', 'metadata': {'Key': 1, 'key': 2, 'other': 3}}, 'metadata keys Key, key differ only in case'),
])
def test_container_input_refused_before_any_call(cloud, swift, run, args, message):
    res = run(object_container.main, args)
    assert res['failed'] and message in res['msg']
    assert cloud.calls == []


# -- objects

@pytest.fixture
def src(tmp_path):
    path = tmp_path / 'app.txt'
    path.write_bytes(b'version one\n')
    return path


def test_object_upload_and_idempotence(cloud, swift, run, src, monkeypatch):
    swift.add_container('artifacts')
    args = {'container': 'artifacts', 'name': 'builds/app.txt', 'src': str(src), 'metadata': {'Version': 1}}
    md5 = hashlib.md5(b'version one\n').hexdigest()
    res = run(swift_object.main, args, check=True)
    assert res['changed'] is True and res['uploaded'] is True and cloud.writes() == []
    assert not swift.containers['artifacts']['objects']
    assert res['object'] == {'container': 'artifacts', 'name': 'builds/app.txt', 'etag': md5, 'bytes': 12,
                             'content_type': 'text/plain', 'metadata': {'version': '1'}}
    bodies = []
    request = openstack.OpenStackClient.request
    monkeypatch.setattr(openstack.OpenStackClient, 'request',
                        lambda self, *a, **kw: bodies.append(kw.get('raw')) or request(self, *a, **kw))
    res = run(swift_object.main, args)
    assert res['changed'] is True and res['uploaded'] is True
    assert cloud.writes() == [('PUT', ACCOUNT + '/artifacts/builds/app.txt')]
    # streamed: the client got the open file, not its bytes; Swift checks the ETag sent
    assert [type(b).__name__ for b in bodies if b is not None] == ['BufferedReader']
    assert swift.sent('PUT')['etag'] == md5 and swift.sent('PUT')['content-type'] == 'text/plain'
    stored = swift.containers['artifacts']['objects']['builds/app.txt']
    assert stored['data'] == b'version one\n' and stored['headers']['x-object-meta-version'] == '1'
    assert res['object'] == {'container': 'artifacts', 'name': 'builds/app.txt', 'etag': md5, 'bytes': 12,
                             'content_type': 'text/plain', 'metadata': {'version': '1'}}
    # again: same checksum, nothing sent
    cloud.calls.clear()
    res = run(swift_object.main, args)
    assert res['changed'] is False and res['uploaded'] is False and res['diff']['before'] == res['diff']['after']
    assert _swift_calls(cloud) == [('HEAD', ACCOUNT + '/artifacts/builds/app.txt')]


def test_object_changed_file_uploaded_again_keeping_type_and_metadata(cloud, swift, run, src):
    swift.add_container('artifacts')
    run(swift_object.main, {'container': 'artifacts', 'name': 'app', 'src': str(src), 'content_type': 'text/x-app',
                            'metadata': {'keep': 'me'}})
    src.write_bytes(b'version two, longer\n')
    args = {'container': 'artifacts', 'name': 'app', 'src': str(src)}
    res = run(swift_object.main, args, check=True)
    assert res['changed'] is True and res['uploaded'] is True
    assert res['diff']['before']['bytes'] == 12 and res['diff']['after']['bytes'] == 20
    assert swift.containers['artifacts']['objects']['app']['data'] == b'version one\n'
    res = run(swift_object.main, args)
    assert res['changed'] is True and res['uploaded'] is True
    assert res['object']['etag'] == hashlib.md5(b'version two, longer\n').hexdigest()
    # content type and metadata not given: kept through the PUT
    assert res['object']['content_type'] == 'text/x-app' and res['object']['metadata'] == {'keep': 'me'}
    assert run(swift_object.main, args)['changed'] is False


def test_object_metadata_and_type_in_place(cloud, swift, run, src):
    swift.add_container('artifacts')
    run(swift_object.main, {'container': 'artifacts', 'name': 'app', 'src': str(src), 'metadata': {'a': '1', 'b': '2'}})
    writes = len(cloud.writes())
    args = {'container': 'artifacts', 'name': 'app', 'src': str(src), 'metadata': {'a': '1', 'c': '3'}}
    res = run(swift_object.main, args, check=True)
    assert res['changed'] is True and res['uploaded'] is False and len(cloud.writes()) == writes
    assert res['diff']['before']['metadata'] == {'a': '1', 'b': '2'} and res['diff']['after']['metadata'] == {'a': '1', 'c': '3'}
    res = run(swift_object.main, args)
    assert res['changed'] is True and res['uploaded'] is False
    assert cloud.writes()[writes:] == [('POST', ACCOUNT + '/artifacts/app')]
    # the whole set is sent: a POST replaces all the metadata of an object
    sent = swift.sent('POST')
    assert sent['x-object-meta-a'] == '1' and sent['x-object-meta-c'] == '3' and 'content-type' not in sent
    assert res['object']['metadata'] == {'a': '1', 'c': '3'}
    assert res['object']['content_type'] == 'application/octet-stream'  # guessed from the name, as Swift does
    assert run(swift_object.main, args)['changed'] is False
    # the content type alone: a POST with the metadata kept
    res = run(swift_object.main, {'container': 'artifacts', 'name': 'app', 'src': str(src), 'content_type': 'text/csv'})
    assert res['changed'] is True and res['uploaded'] is False
    assert res['object']['content_type'] == 'text/csv' and res['object']['metadata'] == {'a': '1', 'c': '3'}
    assert [w[0] for w in cloud.writes()[writes:]] == ['POST', 'POST']


def test_object_delete(cloud, swift, run, src):
    swift.add_container('artifacts')
    swift.add_object('artifacts', 'old', b'old data')
    args = {'container': 'artifacts', 'name': 'old', 'state': 'absent'}
    res = run(swift_object.main, args, check=True)
    assert res['changed'] is True and res['diff']['after'] == {} and 'old' in swift.containers['artifacts']['objects']
    res = run(swift_object.main, args)
    assert res['changed'] is True and res['object'] is None and not swift.containers['artifacts']['objects']
    assert run(swift_object.main, args)['changed'] is False
    # nor is an object of a missing container there
    assert run(swift_object.main, dict(args, container='gone'))['changed'] is False


def test_object_missing_container_fails_naming_it(cloud, swift, run, src):
    for check in (True, False):
        res = run(swift_object.main, {'container': 'nope', 'name': 'app', 'src': str(src)}, check=check)
        assert res['failed'] and "container 'nope'" in res['msg'] and 'ooo.cloud.object_container' in res['msg']
    assert cloud.writes() == []


def test_object_data_changed_during_upload(cloud, swift, run, src):
    swift.add_container('artifacts')
    put = swift.put_object

    def changed_meanwhile(match, body, query):
        return put(match, b'something else', query)
    cloud.route('PUT', r'swift/v1/AUTH_%s/([^/]+)/(.+)' % cloud.project_id, changed_meanwhile)
    res = run(swift_object.main, {'container': 'artifacts', 'name': 'app', 'src': str(src)})
    assert res['failed'] and 'whose MD5 is not %s' % hashlib.md5(b'version one\n').hexdigest() in res['msg']
    assert str(src) in res['msg'] and not swift.containers['artifacts']['objects']


def test_object_md5_in_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(swift_object, 'CHUNK', 7)
    path = tmp_path / 'f'
    path.write_bytes(b'x' * 100)
    assert swift_object.md5_of(str(path)) == hashlib.md5(b'x' * 100).hexdigest()


def test_object_input_refused_before_any_call(cloud, swift, run, tmp_path):
    missing = tmp_path / 'missing.bin'
    huge = tmp_path / 'huge.bin'
    with open(huge, 'wb') as f:
        f.truncate(5 * 1024 ** 3 + 1)  # sparse: nothing written
    for args, message in [
        ({'src': str(missing)}, 'src %s does not exist or is not a file' % missing),
        ({'src': str(tmp_path)}, 'does not exist or is not a file'),
        ({}, 'src (a file on the deploy host) is required with state: present'),
        ({'src': str(huge)}, 'has 5368709121 bytes, more than the 5 GiB (5368709120 bytes) of a single Swift object; '
                             'segmented (large) objects are not supported'),
        ({'src': str(huge), 'container': 'a/b'}, "a container name must not be empty nor contain '/'"),
        ({'src': str(huge), 'name': 'n' * 1025}, 'at most 1024 bytes'),
        ({'src': str(huge), 'metadata': {'a_b': 1}}, "metadata keys a_b are not letters, digits and '-'"),
    ]:
        for check in (True, False):
            res = run(swift_object.main, dict({'container': 'c', 'name': 'app'}, **args), check=check)
            assert res['failed'] and message in res['msg'], res['msg']
    assert cloud.calls == []
