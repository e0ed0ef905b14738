# -*- coding: utf-8 -*-
"""openstack_transport.py: the HTTP/1.1 transport against servers on the loopback interface.

A scripted raw server (exact bytes on the wire, dropped and reset connections) and the
standard library's http.server (keep-alive as a real HTTP/1.1 server does it).
"""
from __future__ import annotations

import io
import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.ooo.cloud.plugins.module_utils import openstack_transport as transport
from ansible_collections.ooo.cloud.plugins.module_utils.openstack import OpenStackClient
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import OpenStackError


class Server:
    """Answers each request with the next scripted raw response; records connections and requests.

    A script entry is bytes (sent, the connection stays open), (bytes, 'close') to close the
    connection after sending, 'drop' to close it without an answer, or 'reset' to reset it
    (TCP RST) without an answer.
    """

    def __init__(self, script):
        self.script = list(script)
        self.requests = []
        self.connections = 0
        self.closed = 0
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.sock.settimeout(10)
        self.url = 'http://127.0.0.1:%d' % self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            while self.script:
                conn, _addr = self.sock.accept()
                self.connections += 1
                with conn:
                    conn.settimeout(10)
                    self._handle(conn.makefile('rb'), conn)
                self.closed += 1
        except OSError:
            pass

    def _handle(self, rfile, conn):
        while self.script:
            head = []
            while True:
                line = rfile.readline()
                if not line:
                    return
                if line in (b'\r\n', b'\n'):
                    break
                head.append(line.decode('latin-1').rstrip('\r\n'))
            headers = {k.strip().lower(): v.strip() for k, _s, v in (h.partition(':') for h in head[1:])}
            body = rfile.read(int(headers.get('content-length', 0)))
            self.requests.append((head[0], headers, body))
            answer = self.script.pop(0)
            if answer == 'reset':
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                return
            if answer == 'drop':
                return
            close = isinstance(answer, tuple)
            conn.sendall(answer[0] if close else answer)
            if close:
                return

    def stop(self):
        self.sock.close()
        self.thread.join(5)


@pytest.fixture
def serve():
    servers = []

    def _serve(*script):
        servers.append(Server(script))
        return servers[-1]
    yield _serve
    for s in servers:
        s.stop()


OK = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"a": true}'


def test_keep_alive_one_connection(serve):
    srv = serve(OK, OK, OK)
    t = transport.HttpTransport(timeout=5)
    for _request in range(3):
        status, headers, data = t('GET', srv.url + '/v3/projects?name=x', {'Accept': 'application/json'})
        assert (status, headers['content-type'], data) == (200, 'application/json', b'{"a": true}')
    assert srv.connections == 1
    line, headers, _body = srv.requests[0]
    assert line == 'GET /v3/projects?name=x HTTP/1.1'
    assert headers['host'] == srv.url[len('http://'):] and headers['accept'] == 'application/json'
    assert headers['accept-encoding'] == 'identity'


def test_chunked_and_read_until_close(serve):
    srv = serve(b'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nX-Subject-Token: tok\r\n\r\n'
                b'4;ext=1\r\n{"a"\r\n6\r\n: [1]}\r\n0\r\nTrailer: x\r\n\r\n',
                (b'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end', 'close'),
                OK)
    t = transport.HttpTransport(timeout=5)
    assert t('POST', srv.url + '/v3/auth/tokens', {}, b'{}') == (
        201, {'transfer-encoding': 'chunked', 'x-subject-token': 'tok'}, b'{"a": [1]}')
    assert t('GET', srv.url + '/', {})[2] == b'until the end'
    assert t('GET', srv.url + '/', {})[2] == b'{"a": true}'
    assert srv.connections == 2


def test_server_closed_kept_alive_connection_is_retried(serve):
    # the server answers, then drops the connection without saying so: the next request is sent again on a new one
    srv = serve((OK, 'close'), OK)
    t = transport.HttpTransport(timeout=5)
    assert t('GET', srv.url + '/1', {})[0] == 200
    assert t('GET', srv.url + '/2', {})[0] == 200
    assert srv.connections == 2 and [r[0] for r in srv.requests] == ['GET /1 HTTP/1.1', 'GET /2 HTTP/1.1']


def test_bodies_sent_with_their_length(serve):
    srv = serve(OK, OK, OK, b'HTTP/1.1 204 No Content\r\n\r\n', b'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', OK)
    t = transport.HttpTransport(timeout=5)
    t('POST', srv.url + '/json', {'Content-Type': 'application/json'}, b'{"x": 1}')
    big = bytes(range(256)) * 1000
    t('PUT', srv.url + '/file', {'Content-Type': 'application/octet-stream'}, io.BytesIO(big))
    t('POST', srv.url + '/empty', {})
    assert t('DELETE', srv.url + '/x', {}) == (204, {}, b'')
    assert t('HEAD', srv.url + '/x', {}) == (200, {'content-length': '5'}, b'')
    assert t('GET', srv.url + '/x', {})[2] == b'{"a": true}'
    (_l1, h1, b1), (_l2, h2, b2), (_l3, h3, b3) = srv.requests[:3]
    assert (h1['content-length'], b1) == ('8', b'{"x": 1}')
    assert (h2['content-length'], b2) == (str(len(big)), big)
    assert (h3['content-length'], b3) == ('0', b'')
    assert srv.connections == 1


def test_interim_100_continue_is_skipped(serve):
    srv = serve(b'HTTP/1.1 100 Continue\r\n\r\n' + OK)
    assert transport.HttpTransport(timeout=5)('PUT', srv.url + '/x', {}, b'data')[2] == b'{"a": true}'


def test_errors_are_os_errors(serve):
    srv = serve((b'garbage\r\n\r\n', 'close'), (b'HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort', 'close'))
    t = transport.HttpTransport(timeout=5)
    with pytest.raises(transport.ProtocolError, match='not an HTTP response'):
        t('GET', srv.url + '/', {})
    with pytest.raises(transport.ProtocolError, match='after 5 of 50 bytes'):
        t('GET', srv.url + '/', {})
    port = srv.sock.getsockname()[1]
    srv.stop()
    with pytest.raises(OSError):
        t('GET', 'http://127.0.0.1:%d/' % port, {})


def test_header_and_path_injection_refused(serve):
    t = transport.HttpTransport(timeout=5)
    with pytest.raises(ValueError):
        t('GET', 'http://127.0.0.1:9/', {'X-Auth-Token': 'a\r\nX-Evil: 1'})
    with pytest.raises(ValueError):
        t('GET', 'http://127.0.0.1:9/a b', {})


def test_client_error_message_over_http(serve, tmp_path, monkeypatch):
    body = b'{"NeutronError": {"message": "Invalid input"}}'
    srv = serve(b'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s'
                % (len(body), body), b'HTTP/1.1 409 Conflict\r\nContent-Length: 0\r\n\r\n')
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path))
    c = OpenStackClient({'auth': {'auth_url': srv.url, 'token': 't'}, 'network_endpoint_override': srv.url + '/v2.0'})
    c.token = 't'
    with pytest.raises(OpenStackError, match=r'^Neutron POST /v2.0/networks failed: HTTP 400: Invalid input$'):
        c.post('network', '/networks', {'network': {}})
    with pytest.raises(OpenStackError, match=r'^Neutron DELETE /v2.0/networks/x failed: HTTP 409: Conflict$'):
        c.delete('network', '/networks/x')


def test_reset_kept_alive_connection_is_retried_once_with_the_body_again(serve):
    # the server resets the kept-alive connection (TCP RST) instead of answering: sent again on a new one,
    # a file body from its start
    srv = serve(OK, 'reset', OK, 'drop', 'drop')
    t = transport.HttpTransport(timeout=5)
    assert t('GET', srv.url + '/1', {})[0] == 200
    body = io.BytesIO(b'0123456789')
    assert t('PUT', srv.url + '/2', {}, body)[2] == b'{"a": true}'
    assert [r[0] for r in srv.requests] == ['GET /1 HTTP/1.1', 'PUT /2 HTTP/1.1', 'PUT /2 HTTP/1.1']
    assert srv.requests[2][2] == b'0123456789' and srv.connections == 2
    # dropped again on the new connection's retry: raised, not sent a third time
    with pytest.raises(ConnectionResetError):
        t('GET', srv.url + '/3', {})
    assert len(srv.requests) == 5 and srv.connections == 3


def test_reset_of_a_new_connection_is_not_retried(serve):
    srv = serve('reset', OK)
    t = transport.HttpTransport(timeout=5)
    with pytest.raises(ConnectionResetError):
        t('GET', srv.url + '/1', {})
    assert srv.connections == 1 and len(srv.requests) == 1
    assert t('GET', srv.url + '/2', {})[0] == 200  # the next request opens a new connection


def test_http_1_0_answer_closes_the_connection(serve):
    srv = serve((b'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok', 'close'), OK)
    t = transport.HttpTransport(timeout=5)
    assert t('GET', srv.url + '/', {})[2] == b'ok'
    assert t('GET', srv.url + '/', {})[2] == b'{"a": true}'
    assert srv.connections == 2


def test_send_when_available_waits_for_the_proxy(monkeypatch):
    waits = []
    monkeypatch.setattr(transport.time, 'sleep', waits.append)
    answers = [(503, {}, b'No server is available'), (502, {}, b''), (200, {}, b'{}')]
    sent = []

    def fake(method, url, headers, body):
        sent.append(body.read())
        return answers.pop(0)
    assert transport.send_when_available(fake, 'PUT', 'http://x/', {}, io.BytesIO(b'data')) == (200, {}, b'{}')
    assert waits == [1, 2] and sent == [b'data'] * 3
    answers[:] = [(503, {}, b'')] * 5
    assert transport.send_when_available(fake, 'GET', 'http://x/', {}, io.BytesIO(b''))[0] == 503
    assert waits[2:] == [1, 2, 3, 4]


def test_post_reset_after_sending_is_not_sent_again(serve):
    # the server may have taken the POST before the connection was reset: a second one could make a second
    # resource, so it is raised, marked as sent (a PUT on a reset connection is sent again, above)
    srv = serve(OK, 'reset', OK)
    t = transport.HttpTransport(timeout=5)
    assert t('GET', srv.url + '/1', {})[0] == 200
    with pytest.raises(ConnectionResetError) as e:
        t('POST', srv.url + '/2', {}, b'{}')
    assert transport.request_sent(e.value) is True
    assert [r[0] for r in srv.requests] == ['GET /1 HTTP/1.1', 'POST /2 HTTP/1.1']
    assert t('GET', srv.url + '/3', {})[0] == 200 and srv.connections == 2


def _wait_closed(srv, count=1):
    deadline = time.monotonic() + 5
    while srv.closed < count and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)  # the FIN on its way over the loopback interface


def test_idle_connection_closed_by_the_server_is_found_before_sending(serve):
    # closed while idle: seen before the POST is sent, which then goes once on a new connection
    srv = serve((OK, 'close'), OK, (OK, 'close'), OK)
    t = transport.HttpTransport(timeout=5)
    assert t('GET', srv.url + '/1', {})[0] == 200
    _wait_closed(srv)
    assert t('POST', srv.url + '/2', {}, b'{}')[0] == 200
    assert srv.connections == 2 and [r[0] for r in srv.requests] == ['GET /1 HTTP/1.1', 'POST /2 HTTP/1.1']
    assert t('GET', srv.url + '/3', {})[0] == 200
    _wait_closed(srv, 2)
    assert t('PATCH', srv.url + '/4', {}, b'{}')[0] == 200
    assert srv.connections == 3 and len(srv.requests) == 4


def test_refused_connection_is_not_sent(serve):
    srv = serve()
    port = srv.sock.getsockname()[1]
    srv.stop()
    with pytest.raises(ConnectionRefusedError) as e:
        transport.HttpTransport(timeout=5)('POST', 'http://127.0.0.1:%d/' % port, {}, b'{}')
    assert transport.request_sent(e.value) is False


def test_request_sent_of_other_transports_errors():
    # without the transport's mark only a refused connection or an unknown host is certain
    assert transport.request_sent(ConnectionRefusedError(111, 'refused')) is False
    assert transport.request_sent(socket.gaierror(-2, 'Name or service not known')) is False
    assert transport.request_sent(ConnectionResetError(104, 'reset')) is True
    assert transport.request_sent(TimeoutError('timed out')) is True


def test_send_when_available_repeats_only_what_is_safe(monkeypatch):
    waits = []
    monkeypatch.setattr(transport.time, 'sleep', waits.append)
    answers = []
    sent = []

    def fake(method, url, headers, body):
        sent.append((method, body.read()))
        return answers.pop(0)
    # a POST answered 502 or 504 may have been taken by a server: returned as it is, not sent again
    for status in (502, 504):
        answers[:] = [(status, {}, b'Bad Gateway'), (201, {}, b'{}')]
        sent[:] = []
        assert transport.send_when_available(fake, 'POST', 'http://x/', {}, io.BytesIO(b'data'))[0] == status
        assert sent == [('POST', b'data')] and waits == []
    answers[:] = [(504, {}, b'')]
    assert transport.send_when_available(fake, 'PATCH', 'http://x/', {}, io.BytesIO(b''))[0] == 504
    # 503: no server got it, sent again, the file body from where it started
    answers[:] = [(503, {}, b'No server is available'), (201, {}, b'{}')]
    sent[:] = []
    body = io.BytesIO(b'--data')
    body.seek(2)
    assert transport.send_when_available(fake, 'POST', 'http://x/', {}, body)[0] == 201
    assert sent == [('POST', b'data')] * 2 and waits == [1]
    # a POST the caller knows to be safe to repeat (a token request) is sent again after a 502 too
    answers[:] = [(502, {}, b''), (201, {}, b'{}')]
    assert transport.send_when_available(fake, 'POST', 'http://x/', {}, io.BytesIO(b''), repeatable=True)[0] == 201
    # and an idempotent method
    answers[:] = [(504, {}, b''), (204, {}, b'')]
    assert transport.send_when_available(fake, 'DELETE', 'http://x/', {}, io.BytesIO(b''))[0] == 204
    assert waits == [1, 1, 1]


# --- against the standard library's HTTP/1.1 server ---------------------------------------

BIG = json.dumps({'networks': [{'id': '%032x' % i, 'name': 'net-%d' % i, 'status': 'ACTIVE'} for i in range(800)]})


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    disable_nagle_algorithm = True
    connections = []

    def setup(self):
        super().setup()
        self.connections.append(self.client_address)

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass

    def _answer(self, status, body, chunked=False):
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        if chunked:
            self.send_header('Transfer-Encoding', 'chunked')
            self.end_headers()
            for i in range(0, len(body), 7000):
                part = body[i:i + 7000]
                self.wfile.write(b'%x\r\n%s\r\n' % (len(part), part))
            self.wfile.write(b'0\r\n\r\n')
        else:
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def do_GET(self):  # pylint: disable=invalid-name
        path = self.path[len('/v2.0'):] if self.path.startswith('/v2.0/') else self.path
        if path == '/big':
            self._answer(200, BIG.encode())
        elif path == '/chunked':
            self._answer(200, BIG.encode(), chunked=True)
        elif path == '/fail':
            self._answer(500, b'{"error": {"message": "database unavailable"}}')
        else:
            self._answer(404, b'{"itemNotFound": {"message": "no %s"}}' % self.path.encode())

    def do_POST(self):  # pylint: disable=invalid-name
        body = self.rfile.read(int(self.headers['Content-Length']))
        self._answer(201, json.dumps({'got': len(body), 'type': self.headers['Content-Type']}).encode())


@pytest.fixture
def stdlib_server():
    Handler.connections = []
    srv = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield 'http://127.0.0.1:%d' % srv.server_address[1]
    srv.shutdown()
    srv.server_close()


def test_stdlib_server_keep_alive_big_chunked_and_errors(stdlib_server):
    t = transport.HttpTransport(timeout=5)
    for _request in range(5):
        status, headers, data = t('GET', stdlib_server + '/big', {'Accept': 'application/json'})
        assert status == 200 and int(headers['content-length']) == len(data) > 30000 and json.loads(data) == json.loads(BIG)
    status, headers, data = t('GET', stdlib_server + '/chunked', {})
    assert (status, headers['transfer-encoding'], data) == (200, 'chunked', BIG.encode())
    # an error status is an answer, not an exception; the connection stays usable
    assert t('GET', stdlib_server + '/fail', {})[:1] == (500,)
    assert t('GET', stdlib_server + '/nope', {})[2] == b'{"itemNotFound": {"message": "no /nope"}}'
    assert t('POST', stdlib_server + '/x', {'Content-Type': 'application/json'}, b'{"n": 1}')[2] == \
        b'{"got": 8, "type": "application/json"}'
    assert len(Handler.connections) == 1
    t.close()
    assert t('GET', stdlib_server + '/big', {})[0] == 200 and len(Handler.connections) == 2


def test_stdlib_server_errors_through_the_client(stdlib_server, tmp_path, monkeypatch):
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path))
    c = OpenStackClient({'auth': {'auth_url': stdlib_server, 'token': 't'}, 'network_endpoint_override': stdlib_server + '/v2.0'})
    c.token = 't'
    with pytest.raises(OpenStackError, match=r'^Neutron GET /v2.0/fail failed: HTTP 500: database unavailable$') as e:
        c.request('network', 'GET', '/fail')
    assert e.value.status == 500
    assert c.get('network', '/gone') is None
    assert c.get('network', '/big') == json.loads(BIG)
    assert len(Handler.connections) == 1
