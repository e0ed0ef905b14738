# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""HTTP for the OpenStack client: keep-alive HTTP/1.1 connections on ``socket``.

``HttpTransport`` is called as ``transport(method, url, headers, body)`` and returns
``(status, headers with lower-case names, body bytes)``. It keeps one connection per
scheme, host and port open while the server allows it, opens a new one before sending when the
server has closed a kept-alive one, sends a request once more on a new connection when the
server had closed a kept-alive one without saying so (a POST or PATCH only if it was not sent
to its end), and raises only ``OSError`` (``ProtocolError`` for an answer that is not HTTP or a
body cut short), so a caller handles every transport failure in one ``except``;
``request_sent()`` tells whether the server may have taken the request that failed.
``send_when_available`` sends a request again while a proxy answers that no server is
available yet, if sending it twice is safe.

HTTP is spoken by the small client below rather than ``http.client``. In one process, against
a local keep-alive server (``make bench-transport``, tests/bench/bench_http_transport.py), it
sends 1.5 to 3 times as many requests a second and uses a third of the CPU time per request.
Most of the difference is ``http.client``'s header parsing with the email package. It also
imports neither that package nor ssl (ssl only for https endpoints). The figures are in
docs/modules.md.

Nothing here knows OpenStack: no other module_utils file is imported.
"""

from __future__ import annotations

import re
import select
import socket
import time
import urllib.parse

USER_AGENT = 'ooo.cloud'
# What a proxy answers while it has no server for a request (HAProxy before its health checks pass).
UNAVAILABLE = (502, 503, 504)
# Of those, what HAProxy answers without passing the request on (no server up). A 502 or 504 may
# come after a server took the request (it failed answering, or took too long).
NOT_PASSED_ON = (503,)
# Methods whose effect is the same sent once or twice (RFC 9110, 9.2.2): the only ones sent again
# when the server may have taken them. A second POST can make a second resource.
IDEMPOTENT = frozenset(('GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE'))


class RemoteDisconnected(ConnectionResetError):
    """The server closed the connection before answering (a keep-alive connection it dropped)."""


class ProtocolError(ConnectionError):
    """An answer that is not HTTP/1.x, or a body cut short."""


_BAD_PATH_RE = re.compile('[\x00-\x20\x7f]')
_BAD_HEADER_RE = re.compile('[\r\n\x00]')
_MAX_LINE = 65536


class HTTPConnection:
    """One HTTP/1.1 connection, plain or TLS, kept open while the server allows it.

    All OpenStack APIs need of HTTP: a request with a bytes or file body, and a response
    with a Content-Length, chunked or read-until-close body.
    """

    def __init__(self, host, port, host_header, timeout, context=None):
        self.host = host
        self.port = port
        self.host_header = host_header
        self.timeout = timeout
        self.context = context
        self.sock = None
        self.rfile = None
        self.reused = False  # whether the last request went on a connection kept alive before it

    def connect(self):
        sock = socket.create_connection((self.host, self.port), self.timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.context is not None:
                sock = self.context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        self.sock = sock
        self.rfile = sock.makefile('rb')

    def close(self):
        rfile, sock = self.rfile, self.sock
        self.rfile = self.sock = None
        for f in (rfile, sock):
            if f is not None:
                try:
                    f.close()
                except OSError:
                    pass

    def _dropped(self):
        """Whether the idle connection has something to read: the server closed it (or sent what nobody asked)."""
        try:
            if hasattr(select, 'poll'):
                poller = select.poll()
                poller.register(self.sock, select.POLLIN)
                return bool(poller.poll(0))
            return bool(select.select([self.sock], [], [], 0)[0])
        except (OSError, ValueError):
            return True

    def request(self, method, path, headers, body=None):
        """Send one request; return (status, headers with lower-case names, body bytes).

        An ``OSError`` it raises has ``request_sent``: False when it came before the request was
        sent to its end (the server cannot have taken it), True when it came after.
        """
        if _BAD_PATH_RE.search(path):
            raise ValueError('URL path contains control characters or spaces: %r' % path)
        names = {k.lower() for k in headers}
        lines = ['%s %s HTTP/1.1' % (method, path), 'Host: %s' % self.host_header]
        if 'accept-encoding' not in names:
            lines.append('Accept-Encoding: identity')
        if 'content-length' not in names:
            if body is None:
                if method in ('POST', 'PUT', 'PATCH'):
                    lines.append('Content-Length: 0')
            elif isinstance(body, (bytes, bytearray)):
                lines.append('Content-Length: %d' % len(body))
            else:
                here = body.tell()
                lines.append('Content-Length: %d' % (body.seek(0, 2) - here))
                body.seek(here)
        for name, value in headers.items():
            value = str(value)
            if _BAD_HEADER_RE.search(name) or _BAD_HEADER_RE.search(value):
                raise ValueError('invalid HTTP header %r' % name)
            lines.append('%s: %s' % (name, value))
        head = ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')
        if self.sock is not None and self._dropped():
            self.close()  # closed by the server while idle: found before sending, so any method goes on a new one
        self.reused = self.sock is not None
        try:
            if self.sock is None:
                self.connect()
            self._write(head, body)
        except OSError as e:
            e.request_sent = False  # a send that fails leaves the request incomplete: the server cannot act on it
            raise
        try:
            return self._response(method)
        except OSError as e:
            e.request_sent = True
            raise

    def _write(self, head, body):
        if body is None:
            self.sock.sendall(head)
        elif isinstance(body, (bytes, bytearray)):
            self.sock.sendall(head + body if len(body) < 65536 else head)
            if len(body) >= 65536:
                self.sock.sendall(body)
        else:
            self.sock.sendall(head)
            while True:
                chunk = body.read(1024 * 1024)
                if not chunk:
                    break
                self.sock.sendall(chunk)

    def _line(self):
        line = self.rfile.readline(_MAX_LINE + 1)
        if len(line) > _MAX_LINE:
            raise ProtocolError('HTTP line longer than %d bytes' % _MAX_LINE)
        return line

    def _response(self, method):
        while True:
            line = self._line()
            if not line:
                raise RemoteDisconnected('Remote end closed connection without response')
            parts = line.decode('latin-1').split(None, 2)
            if len(parts) < 2 or not parts[0].startswith('HTTP/') or not parts[1].isdigit():
                raise ProtocolError('not an HTTP response: %r' % line[:100])
            version, status = parts[0], int(parts[1])
            headers = {}
            last = None
            while True:
                line = self._line()
                if line in (b'\r\n', b'\n', b''):
                    break
                text = line.decode('latin-1').rstrip('\r\n')
                if text[:1] in (' ', '\t') and last:
                    headers[last] += ' ' + text.strip()
                    continue
                name, sep, value = text.partition(':')
                if sep:
                    last = name.strip().lower()
                    headers[last] = value.strip()
            if not 100 <= status < 200:
                break
        connection = headers.get('connection', '').lower()
        close = 'close' in connection or (version == 'HTTP/1.0' and 'keep-alive' not in connection)
        if method == 'HEAD' or status in (204, 304):
            data = b''
        elif 'chunked' in headers.get('transfer-encoding', '').lower():
            data = self._chunked()
        elif headers.get('content-length', '').strip().isdigit():
            data = self._exactly(int(headers['content-length']))
        else:
            data = self.rfile.read()
            close = True
        if close:
            self.close()
        return status, headers, data

    def _exactly(self, size):
        data = self.rfile.read(size)
        if len(data) < size:
            raise ProtocolError('connection closed after %d of %d bytes' % (len(data), size))
        return data

    def _chunked(self):
        chunks = []
        while True:
            line = self._line()
            try:
                size = int(line.split(b';', 1)[0].strip(), 16)
            except ValueError:
                raise ProtocolError('bad chunk size line: %r' % line[:100])
            if size == 0:
                break
            chunks.append(self._exactly(size))
            self._exactly(2)
        while self._line() not in (b'\r\n', b'\n', b''):
            pass  # trailer fields
        return b''.join(chunks)


class HttpTransport:
    """Keep-alive HTTP(S) connections, one per scheme/host/port."""

    def __init__(self, verify=True, cafile=None, cert=None, key=None, timeout=60):
        self.timeout = timeout
        self._conns = {}
        self._ctx = None
        self._verify = verify
        self._cafile = cafile
        self._cert = cert
        self._key = key

    def _context(self):
        import ssl  # pylint: disable=import-outside-toplevel
        if self._ctx is None:
            if self._verify:
                ctx = ssl.create_default_context(cafile=self._cafile)
            else:
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            if self._cert:
                ctx.load_cert_chain(self._cert, self._key)
            self._ctx = ctx
        return self._ctx

    def _conn(self, parts):
        key = (parts.scheme, parts.netloc)
        conn = self._conns.get(key)
        if conn is None:
            https = parts.scheme == 'https'
            conn = HTTPConnection(parts.hostname, parts.port or (443 if https else 80), parts.netloc.rpartition('@')[2],
                                  self.timeout, self._context() if https else None)
            self._conns[key] = conn
        return key, conn

    def _send(self, key, conn, method, path, headers, body):
        try:
            return conn.request(method, path, headers, body)
        except OSError:
            conn.close()
            self._conns.pop(key, None)
            raise

    def __call__(self, method, url, headers, body=None):
        """Send one request; return (status, headers with lower-case names, body bytes)."""
        parts = urllib.parse.urlsplit(url)
        path = parts.path or '/'
        if parts.query:
            path += '?' + parts.query
        start = body.tell() if hasattr(body, 'seek') else None
        key, conn = self._conn(parts)
        try:
            return self._send(key, conn, method, path, headers, body)
        except (ConnectionResetError, BrokenPipeError) as e:
            # A kept-alive connection the server had closed meanwhile: once more on a new one, unless the
            # server may have taken a request it must not get twice.
            if not conn.reused or (request_sent(e) and method not in IDEMPOTENT):
                raise
        if start is not None:
            body.seek(start)
        key, conn = self._conn(parts)
        return self._send(key, conn, method, path, headers, body)

    def close(self):
        for conn in self._conns.values():
            conn.close()
        self._conns = {}


def request_sent(error):
    """Whether the server may have taken the request that failed with ``error`` (an ``OSError``).

    False only when it certainly did not: no connection was made, or the request was not sent to
    its end. ``HttpTransport`` says so on what it raises; of another transport's errors, only a
    refused connection and an unknown host are certain.
    """
    sent = getattr(error, 'request_sent', None)
    if sent is None:
        return not isinstance(error, (ConnectionRefusedError, socket.gaierror))
    return bool(sent)


def send_when_available(transport, method, url, headers, data, waits=(1, 2, 3, 4), repeatable=None):
    """One request, sent again while a proxy answers that no server is available yet.

    HAProxy answers 503 until its health checks have seen a just-started API: the request
    never reached a service, so sending it again is safe. A 502 or 504 may come after a
    server took the request: it is sent again only if it may be repeated (``repeatable``, by
    default an idempotent method); otherwise the answer is returned, for the caller to say
    that the request may have been applied.
    """
    if repeatable is None:
        repeatable = method in IDEMPOTENT
    again = UNAVAILABLE if repeatable else NOT_PASSED_ON
    start = data.tell() if hasattr(data, 'seek') else None
    for wait in waits:
        status, rheaders, rdata = transport(method, url, headers, data)
        if status not in again:
            return status, rheaders, rdata
        if start is not None:
            data.seek(start)
        time.sleep(wait)
    return transport(method, url, headers, data)
