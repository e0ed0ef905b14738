"""A small caching HTTP proxy for apt, run by the lab on the ctlplane bridge address.

The lab's nodes have no route out of their bridges; they fetch Debian packages
through this proxy only. It forwards plain-HTTP GET/HEAD requests to the Debian
mirrors it allows and keeps the immutable files (``/pool/`` packages and
``/by-hash/`` indexes) on disk, so a rebuilt lab installs from the cache.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import shutil
import sys
import tempfile
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ALLOWED_HOSTS = {"deb.debian.org", "security.debian.org"}
IMMUTABLE = ("/pool/", "/by-hash/")
PASS_HEADERS = ("Content-Type", "Last-Modified", "ETag")


class AptProxy(BaseHTTPRequestHandler):
    server_version = "ooo-lab-apt-proxy/1"
    protocol_version = "HTTP/1.1"
    cache_dir = Path(".")

    def log_message(self, fmt, *args):  # one line per request, to the daemon's log
        sys.stdout.write("%s %s\n" % (self.address_string(), fmt % args))
        sys.stdout.flush()

    def do_HEAD(self):
        self.do_GET(head=True)

    def do_GET(self, head=False):
        url = urllib.parse.urlsplit(self.path)
        if url.scheme != "http" or url.hostname not in ALLOWED_HOSTS:
            self.send_error(403, "only http://%s are proxied" % ", ".join(sorted(ALLOWED_HOSTS)))
            return
        path = url.path + ("?" + url.query if url.query else "")
        cached = None
        if any(part in url.path for part in IMMUTABLE) and ".." not in url.path:
            cached = self.cache_dir / url.hostname / url.path.lstrip("/")
            if cached.is_file():
                self._send_file(cached, head)
                return
        try:
            upstream = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=60)
            upstream.request("HEAD" if head else "GET", path, headers={"User-Agent": "ooo-lab-apt-proxy"})
            response = upstream.getresponse()
        except OSError as err:
            self.send_error(502, "upstream %s: %s" % (url.hostname, err))
            return
        self.send_response(response.status)
        for name in PASS_HEADERS:
            if response.getheader(name):
                self.send_header(name, response.getheader(name))
        length = response.getheader("Content-Length")
        if length is not None:
            self.send_header("Content-Length", length)
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if head:
            upstream.close()
            return
        keep = cached is not None and response.status == 200
        tmp = None
        if keep:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = tempfile.NamedTemporaryFile(dir=cached.parent, delete=False)  # noqa: SIM115
        try:
            while True:
                chunk = response.read(1 << 16)
                if not chunk:
                    break
                self.wfile.write(chunk)
                if tmp:
                    tmp.write(chunk)
            if tmp:
                tmp.close()
                if length is None or os.path.getsize(tmp.name) == int(length):
                    os.replace(tmp.name, cached)
        except OSError:
            self.close_connection = True
        finally:
            upstream.close()
            if tmp and os.path.exists(tmp.name):
                tmp.close()
                os.unlink(tmp.name)

    def _send_file(self, path, head):
        self.send_response(200)
        self.send_header("Content-Length", str(path.stat().st_size))
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("ETag", '"%s"' % hashlib.sha1(str(path.stat().st_mtime_ns).encode()).hexdigest())
        self.end_headers()
        if not head:
            with path.open("rb") as handle:
                shutil.copyfileobj(handle, self.wfile, 1 << 16)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bind", required=True)
    parser.add_argument("--port", type=int, default=3142)
    parser.add_argument("--cache", required=True)
    args = parser.parse_args()
    AptProxy.cache_dir = Path(args.cache)
    server = ThreadingHTTPServer((args.bind, args.port), AptProxy)
    server.daemon_threads = True
    print("listening on %s:%d, cache %s" % (args.bind, args.port, args.cache), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
