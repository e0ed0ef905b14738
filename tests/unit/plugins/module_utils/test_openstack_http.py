# -*- coding: utf-8 -*-
"""The HTTP/1.1 transport against a scripted server on the loopback interface."""
from __future__ import annotations

import io
import socket
import threading

import pytest

from ansible_collections.ooo.cloud.plugins.module_utils import openstack as osc


class Server:
    """Answers each request with the next scripted raw response; records connections and requests.

    A script entry is bytes (sent, the connection stays open), or (bytes, 'close') to close the
    connection after sending.
    """

    def __init__(self, script):
        self.script = list(script)
        self.requests = []
        self.connections = 0
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
    t = osc.HttpTransport(timeout=5)
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
    t = osc.HttpTransport(timeout=5)
    assert t('POST', srv.url + '/v3/auth/tokens', {}, b'{}') == (
        201, {'transfer-encoding': 'chunked', 'x-subject-token': 'tok'}, b'{"a": [1]}')
    assert t('GET', srv.url + '/', {})[2] == b'until the end'
    assert t('GET', srv.url + '/', {})[2] == b'{"a": true}'
    assert srv.connections == 2


def test_server_closed_kept_alive_connection_is_retried(serve):
    # the server answers, then drops the connection without saying so: the next request is sent again on a new one
    srv = serve((OK, 'close'), OK)
    t = osc.HttpTransport(timeout=5)
    assert t('GET', srv.url + '/1', {})[0] == 200
    assert t('GET', srv.url + '/2', {})[0] == 200
    assert srv.connections == 2 and [r[0] for r in srv.requests] == ['GET /1 HTTP/1.1', 'GET /2 HTTP/1.1']


def test_bodies_sent_with_their_length(serve):
    srv = serve(OK, OK, OK, b'HTTP/1.1 204 No Content\r\n\r\n', b'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', OK)
    t = osc.HttpTransport(timeout=5)
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
    assert osc.HttpTransport(timeout=5)('PUT', srv.url + '/x', {}, b'data')[2] == b'{"a": true}'


def test_errors_are_os_errors(serve):
    srv = serve((b'garbage\r\n\r\n', 'close'), (b'HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort', 'close'))
    t = osc.HttpTransport(timeout=5)
    with pytest.raises(osc.ProtocolError, match='not an HTTP response'):
        t('GET', srv.url + '/', {})
    with pytest.raises(osc.ProtocolError, match='after 5 of 50 bytes'):
        t('GET', srv.url + '/', {})
    port = srv.sock.getsockname()[1]
    srv.stop()
    with pytest.raises(OSError):
        t('GET', 'http://127.0.0.1:%d/' % port, {})


def test_header_and_path_injection_refused(serve):
    t = osc.HttpTransport(timeout=5)
    with pytest.raises(ValueError):
        t('GET', 'http://127.0.0.1:9/', {'X-Auth-Token': 'a\r\nX-Evil: 1'})
    with pytest.raises(ValueError):
        t('GET', 'http://127.0.0.1:9/a b', {})


def test_client_error_message_over_http(serve, tmp_path, monkeypatch):
    body = b'{"NeutronError": {"message": "Invalid input"}}'
    srv = serve(b'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s'
                % (len(body), body), b'HTTP/1.1 409 Conflict\r\nContent-Length: 0\r\n\r\n')
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path))
    c = osc.OpenStackClient({'auth': {'auth_url': srv.url, 'token': 't'}, 'network_endpoint_override': srv.url + '/v2.0'})
    c.token = 't'
    with pytest.raises(osc.OpenStackError, match=r'^Neutron POST /v2.0/networks failed: HTTP 400: Invalid input$'):
        c.post('network', '/networks', {'network': {}})
    with pytest.raises(osc.OpenStackError, match=r'^Neutron DELETE /v2.0/networks/x failed: HTTP 409: Conflict$'):
        c.delete('network', '/networks/x')
