"""Transport benchmark: the collection's HTTP/1.1 client against http.client, in one process, no lab.

plugins/module_utils/openstack_transport.py speaks HTTP/1.1 with a small parser of its own on
``socket``; this measures whether that is worth having rather than ``http.client``. A local
HTTP/1.1 keep-alive server on 127.0.0.1, in a child process of its own (so that it does not
share the client's interpreter lock), answers GETs with JSON bodies of 1 KB and 50 KB shaped
like an OpenStack list answer. Each transport sends the same requests (the headers the
client sends: token, microversion, user agent) over one kept-alive connection; the rounds
alternate the two transports. The table gives the requests a second of each in its best
round (as timeit does: other jobs on the machine only ever slow a round down) with the
median, their ratio, and the client's own CPU time a request in its best round (the
figure a busy machine disturbs least) with that ratio. The verdict takes the smaller of the
two ratios of each row, and the smallest row. Two servers:

* ``http.server``: the standard library's ``ThreadingHTTPServer`` with
  ``protocol_version = 'HTTP/1.1'``, a server that itself parses every request;
* ``socket``: a minimal server that sends prepared answers, so that the figures are the
  clients' own cost (the upper bound of the difference).

``HttpClientTransport`` below is what openstack_transport.HttpTransport would be on
``http.client``: the same interface, keep-alive and retry, the same result.

Also measured, in fresh interpreters: what importing ``http.client`` costs after
``ansible.module_utils.basic`` (a module process), against importing the transport.

    make bench-transport                       # or: .venv/bin/python tests/bench/bench_http_transport.py
    .venv/bin/python tests/bench/bench_http_transport.py --requests 500 --rounds 3 --server socket
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS = ROOT / ".build" / "collections"
sys.path.insert(0, str(COLLECTIONS))

from ansible_collections.ooo.cloud.plugins.module_utils import openstack_transport  # noqa: E402  pylint: disable=wrong-import-position

SIZES = (("1 KB", "/v2.0/networks?size=1k", 1024), ("50 KB", "/v2.0/networks?size=50k", 50 * 1024))
# What the client sends with a Neutron/Nova GET (a Fernet token is about 180 characters).
HEADERS = {"Accept": "application/json", "User-Agent": openstack_transport.USER_AGENT,
           "X-Auth-Token": "gAAAAABn" + "x" * 176, "OpenStack-API-Version": "compute 2.79",
           "X-OpenStack-Nova-API-Version": "2.79"}
KEEP_THRESHOLD = 1.3


class HttpClientTransport:
    """openstack_transport.HttpTransport on http.client: one keep-alive connection per scheme/host/port."""

    def __init__(self, verify=True, cafile=None, cert=None, key=None, timeout=60):
        del verify, cafile, cert, key  # plain http only here
        self.timeout = timeout
        self._conns = {}

    def _send(self, parts, method, path, headers, body):
        key = (parts.scheme, parts.netloc)
        conn = self._conns.get(key)
        if conn is None:
            conn = self._conns[key] = http.client.HTTPConnection(parts.netloc, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            self._conns.pop(key, None)
            raise
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def __call__(self, method, url, headers, body=None):
        parts = urllib.parse.urlsplit(url)
        path = parts.path + ("?" + parts.query if parts.query else "")
        conn = self._conns.get((parts.scheme, parts.netloc))
        reused = conn is not None and conn.sock is not None
        try:
            return self._send(parts, method, path, headers, body)
        except (ConnectionResetError, BrokenPipeError):  # http.client.RemoteDisconnected too
            if not reused:
                raise
        return self._send(parts, method, path, headers, body)

    def close(self):
        for conn in self._conns.values():
            conn.close()
        self._conns = {}


TRANSPORTS = (("ooo.cloud parser", openstack_transport.HttpTransport), ("http.client", HttpClientTransport))


def json_body(size):
    """A Neutron network list of at least ``size`` bytes."""
    networks = []
    while True:
        i = len(networks)
        networks.append({"id": "%08x-5e1c-4bd8-9a51-%012x" % (i, i), "name": "net-%d" % i, "status": "ACTIVE",
                         "admin_state_up": True, "mtu": 1442, "shared": False, "router:external": False,
                         "subnets": ["%08x-aaaa-4bd8-9a51-000000000000" % i], "tags": [], "description": "",
                         "project_id": "4d7e2f5c9a1b4c3d8e6f0a1b2c3d4e5f", "provider:network_type": "geneve",
                         "created_at": "2026-12-01T10:00:00Z", "revision_number": 2})
        data = json.dumps({"networks": networks}).encode()
        if len(data) >= size:
            return data


def serve(kind, port_pipe):
    """Run the benchmark server (in a child process); send its port through ``port_pipe``."""
    bodies = {path: json_body(size) for _label, path, size in SIZES}
    if kind == "http.server":
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self):  # pylint: disable=invalid-name
                body = bodies[self.path]
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("X-Openstack-Request-Id", "req-7d1c4b0e-2f44-4a8e-9a35-3d8f1c2b6e90")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        port_pipe.send(server.server_address[1])
        server.serve_forever()
        return
    answers = {path.encode(): b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
               b"X-Openstack-Request-Id: req-7d1c4b0e-2f44-4a8e-9a35-3d8f1c2b6e90\r\n"
               b"Date: Tue, 01 Dec 2026 10:00:00 GMT\r\n\r\n%s" % (len(body), body) for path, body in bodies.items()}
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port_pipe.send(listener.getsockname()[1])

    def handle(conn):
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        rfile = conn.makefile("rb")
        while True:
            line = rfile.readline()
            if not line:
                break
            while rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            conn.sendall(answers[line.split()[1]])
        conn.close()

    while True:
        conn, _addr = listener.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def requests_per_second(transport_class, url, count):
    """(requests a second, the client's CPU microseconds a request)."""
    transport = transport_class(timeout=10)
    try:
        status, _headers, data = transport("GET", url, HEADERS)  # the connection is open before timing
        if status != 200 or not data:
            raise SystemExit("unexpected answer %s from %s" % (status, url))
        started, cpu = time.perf_counter(), time.process_time()
        for _request in range(count):
            transport("GET", url, HEADERS)
        return count / (time.perf_counter() - started), (time.process_time() - cpu) / count * 1e6
    finally:
        transport.close()


def bench_server(kind, count, rounds):
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(kind, child), daemon=True)
    server.start()
    try:
        port = parent.recv()
        rows = []
        for label, path, _size in SIZES:
            url = "http://127.0.0.1:%d%s" % (port, path)
            rates = {name: [] for name, _cls in TRANSPORTS}
            for index in range(rounds):
                order = TRANSPORTS if index % 2 == 0 else TRANSPORTS[::-1]
                for name, cls in order:
                    rates[name].append(requests_per_second(cls, url, count))
            rows.append((kind, label, rates))
        return rows
    finally:
        server.terminate()
        server.join(5)


def import_seconds(module, runs=7):
    """Median seconds to import ``module`` in a fresh interpreter that has imported ansible.module_utils.basic
    (and the module's package)."""
    package = module.rpartition(".")[0] or "os"
    code = ("import sys, time; sys.path.insert(0, %r); import ansible.module_utils.basic, %s; t = time.perf_counter(); "
            "import %s; print(time.perf_counter() - t)" % (str(COLLECTIONS), package, module))
    times = [float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
             for _run in range(runs)]
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests a round (default 2000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per transport and body size (default 5)")
    parser.add_argument("--server", choices=("http.server", "socket", "both"), default="both")
    args = parser.parse_args()
    kinds = ("http.server", "socket") if args.server == "both" else (args.server,)
    print("%d GETs a round over one kept-alive connection, %d rounds; best round (median); Python %s, %d CPUs"
          % (args.requests, args.rounds, sys.version.split()[0], os.cpu_count()))
    print()
    print("| server | body | ooo.cloud parser req/s | http.client req/s | ratio | client CPU a request | CPU ratio |")
    print("|---|---|---|---|---|---|---|")
    ratios = []
    for kind in kinds:
        for kind_, label, rates in bench_server(kind, args.requests, args.rounds):
            (own, own_cpu), (std, std_cpu) = ([[r[i] for r in rates[name]] for i in (0, 1)] for name, _cls in TRANSPORTS)
            ratio = max(own) / max(std)
            cpu_ratio = min(std_cpu) / min(own_cpu)
            ratios.append(min(ratio, cpu_ratio))
            print("| %s | %s | %.0f (median %.0f) | %.0f (median %.0f) | %.2fx | %.0f us / %.0f us | %.2fx |"
                  % (kind_, label, max(own), statistics.median(own), max(std), statistics.median(std), ratio,
                     min(own_cpu), min(std_cpu), cpu_ratio))
    transport_import = import_seconds("ansible_collections.ooo.cloud.plugins.module_utils.openstack_transport")
    client_import = import_seconds("http.client")
    print()
    print("import after ansible.module_utils.basic (median of 7 fresh interpreters): openstack_transport %.1f ms, "
          "http.client %.1f ms" % (transport_import * 1000, client_import * 1000))
    verdict = "keep the parser" if min(ratios) > KEEP_THRESHOLD else "use http.client"
    print("smallest ratio %.2fx (threshold %.1fx): %s" % (min(ratios), KEEP_THRESHOLD, verdict))


if __name__ == "__main__":
    main()
