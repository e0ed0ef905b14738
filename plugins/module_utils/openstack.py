# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""A lean OpenStack REST client built on the Python standard library.

No openstacksdk, no keystoneauth: importing them and authenticating against
Keystone on every task is what makes openstack.cloud slow. This client

* reads the connection settings from a ``cloud:`` entry of clouds.yaml
  (+ secure.yaml), an ``auth:`` dict or the ``OS_*`` environment variables;
* authenticates with Keystone v3 (password, application credential or token)
  and caches the scoped token with its service catalog under
  ``~/.cache/ooo.cloud/openstack/`` (directory 0700, files 0600) until 60 seconds
  before it expires (those two in ``openstack_auth.py``);
* finds endpoints in the catalog by service type, interface and region and
  adds the API version the endpoint lacks;
* sends JSON requests over keep-alive connections and turns HTTP errors into
  messages that name the service, method, path, status and the API's text.

A task runs in a fresh Python process that compiles every module_utils file it
imports from source, so what a no-op task imports and compiles is most of what
it costs. ``connect()`` finds the cached token by a key over the module's
connection options (secrets hashed), the ``OS_*`` environment and the identity
(path, inode, size, times) of clouds.yaml and secure.yaml: a changed option,
variable or file is a new key. While that token is valid, nothing else is read:
the cache holds the connection settings without their secrets, and clouds.yaml
is parsed (and ``openstack_auth.py`` imported) only when a new token is needed.
HTTP is spoken by the small client below rather than http.client, which imports
the email package and ssl; ssl is imported only for https endpoints.
"""

from __future__ import annotations

import hashlib  # ansible.module_utils.basic imports it anyway
import json
import os
import re
import socket
import time
import urllib.parse

# difflib, ssl, datetime and http.client (error messages only) are imported where they are
# needed, and openstack_auth.py (YAML, Keystone) only without a valid cached token: a no-op
# task should pay for as few imports, and compile as little code, as possible.

COMPUTE_MICROVERSION = '2.79'
CACHE_MARGIN = 60
USER_AGENT = 'ooo.cloud'

# Default API version path per service type, added when the catalog URL has none.
SERVICE_VERSIONS = {
    'identity': '/v3',
    'compute': '/v2.1',
    'network': '/v2.0',
    'image': '/v2',
    'placement': '',
    'block-storage': '/v3',
    'volumev3': '/v3',
}
SERVICE_NAMES = {
    'identity': 'Keystone',
    'compute': 'Nova',
    'network': 'Neutron',
    'image': 'Glance',
    'placement': 'Placement',
}
_VERSION_RE = re.compile(r'/v\d+(\.\d+)?(/[^/]*)?$')
UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$')

SECRET_AUTH_KEYS = ('password', 'application_credential_secret', 'token', 'secret')
SECRET_ENV = ('OS_PASSWORD', 'OS_TOKEN', 'OS_APPLICATION_CREDENTIAL_SECRET')
# The module options that select the cloud and how to reach it.
CONNECTION_OPTIONS = ('api_timeout', 'auth', 'auth_type', 'ca_cert', 'client_cert', 'client_key', 'cloud', 'interface',
                      'region_name', 'validate_certs')
# The settings of a resolved config the client uses, kept (without secrets) in the token cache.
CLIENT_SETTINGS = ('api_timeout', 'cacert', 'cert', 'cloud_name', 'interface', 'key', 'region_name', 'verify')
CLOUDS_FILES = ('clouds.yaml', 'clouds.yml')
SECURE_FILES = ('secure.yaml', 'secure.yml')


def openstack_argument_spec():
    """Options every module of the collection accepts."""
    return dict(
        api_timeout=dict(type='int'),
        auth=dict(type='dict', options=dict(
            application_credential_id=dict(type='str'),
            application_credential_name=dict(type='str'),
            application_credential_secret=dict(type='str', no_log=True),
            auth_url=dict(type='str'),
            domain_id=dict(type='str'),
            domain_name=dict(type='str'),
            password=dict(type='str', no_log=True),
            project_domain_id=dict(type='str'),
            project_domain_name=dict(type='str'),
            project_id=dict(type='str'),
            project_name=dict(type='str'),
            system_scope=dict(type='str'),
            token=dict(type='str', no_log=True),
            user_domain_id=dict(type='str'),
            user_domain_name=dict(type='str'),
            user_id=dict(type='str'),
            username=dict(type='str'),
        )),
        auth_type=dict(type='str'),
        ca_cert=dict(type='str', aliases=['cacert']),
        client_cert=dict(type='str', aliases=['cert']),
        client_key=dict(type='str', aliases=['key'], no_log=False),
        cloud=dict(type='raw'),
        interface=dict(type='str', default='public', choices=['admin', 'internal', 'public'], aliases=['endpoint_type']),
        region_name=dict(type='str'),
        validate_certs=dict(type='bool', aliases=['verify']),
    )


class OpenStackError(Exception):
    """An error talking to OpenStack, with the HTTP status when there is one."""

    def __init__(self, msg, status=None, body=None):
        super().__init__(msg)
        self.msg = msg
        self.status = status
        self.body = body


class NotFound(OpenStackError):
    pass


class ConfigError(OpenStackError):
    pass


# ---------------------------------------------------------------------------
# configuration

def _config_dirs(environ=None):
    environ = os.environ if environ is None else environ
    home = os.path.expanduser('~')
    xdg = environ.get('XDG_CONFIG_HOME') or os.path.join(home, '.config')
    return [os.getcwd(), os.path.join(xdg, 'openstack'), '/etc/openstack']


def _find_file(env_var, names, environ=None):
    environ = os.environ if environ is None else environ
    path = environ.get(env_var)
    if path:
        return path if os.path.isfile(path) else None
    for d in _config_dirs(environ):
        for name in names:
            candidate = os.path.join(d, name)
            if os.path.isfile(candidate):
                return candidate
    return None


def _auth():
    """The module with what a task needs only without a valid cached token (imported then)."""
    from ansible_collections.ooo.cloud.plugins.module_utils import openstack_auth  # pylint: disable=import-outside-toplevel
    return openstack_auth


def load_cloud(name, environ=None):
    """The clouds.yaml entry ``name`` merged with its secure.yaml entry."""
    return _auth().load_cloud(name, environ)


def resolve_config(params, environ=None):
    """Connection settings from module params, clouds.yaml or the environment."""
    return _auth().resolve_config(params, environ)


# ---------------------------------------------------------------------------
# helpers

def close_matches(word, candidates, n=5):
    import difflib  # pylint: disable=import-outside-toplevel
    return difflib.get_close_matches(str(word), [str(c) for c in candidates if c], n=n, cutoff=0.5)


def not_found_message(kind, value, candidates):
    close = close_matches(value, candidates)
    msg = "%s '%s' not found" % (kind, value)
    if close:
        msg += '; close matches: %s' % ', '.join(close)
    elif candidates:
        names = sorted({str(c) for c in candidates if c})
        msg += '; available: %s' % ', '.join(names[:10]) + (', ...' if len(names) > 10 else '')
    return msg


def parse_time(value):
    from datetime import datetime, timezone  # pylint: disable=import-outside-toplevel
    value = value.strip()
    if value.endswith('Z'):
        value = value[:-1] + '+00:00'
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def wait_for(fetch, ready, failed=('ERROR',), timeout=300, interval=2, status_key='status', what='resource',
             sleep=time.sleep, clock=time.monotonic):
    """Call ``fetch()`` until its status is in ``ready``.

    ``fetch`` returns the resource dict (or None when it is gone; None counts as
    ready when ``None`` is in ``ready``). A status in ``failed`` or the timeout
    raises OpenStackError; the resource is in ``err.body``.
    """
    deadline = clock() + timeout
    ready = {s.upper() if isinstance(s, str) else s for s in ready}
    failed = {s.upper() for s in failed}
    delay = min(1.0, interval)
    while True:
        obj = fetch()
        status = None if obj is None else str(obj.get(status_key) or '').upper()
        if status in ready:
            return obj
        if status in failed:
            raise OpenStackError('%s reached status %s' % (what, status), body=obj)
        if clock() >= deadline:
            raise OpenStackError('timed out after %ss waiting for %s (status %s, wanted %s)'
                                 % (timeout, what, status, '/'.join(str(s) for s in ready)), body=obj)
        sleep(delay)
        delay = min(interval, delay * 1.5)


def error_text(body):
    """The human part of an OpenStack error body."""
    if not body:
        return ''
    if isinstance(body, bytes):
        body = body.decode('utf-8', 'replace')
    try:
        data = json.loads(body)
    except ValueError:
        text = re.sub(r'<[^>]+>', ' ', body)
        return re.sub(r'\s+', ' ', text).strip()[:1000]
    if isinstance(data, dict):
        if isinstance(data.get('NeutronError'), dict):
            return data['NeutronError'].get('message') or json.dumps(data)
        if isinstance(data.get('error'), dict):
            err = data['error']
            return err.get('message') or err.get('title') or json.dumps(err)
        if isinstance(data.get('errors'), list) and data['errors']:
            err = data['errors'][0]
            return err.get('detail') or err.get('title') or json.dumps(err)
        if len(data) == 1:
            inner = list(data.values())[0]
            if isinstance(inner, dict) and 'message' in inner:
                return inner['message']
        if 'message' in data:
            return str(data['message'])
        if 'description' in data:
            return str(data['description'])
    return json.dumps(data)[:1000]


def sha256_hex(text):
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


def secret_hash(value):
    return sha256_hex('ooo.cloud:' + str(value)) if value else ''


def _hide_secrets(value):
    if isinstance(value, dict):
        return {k: secret_hash(v) if k in SECRET_AUTH_KEYS else _hide_secrets(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_hide_secrets(v) for v in value]
    return value


def _file_identity(path):
    if not path:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return [path]
    return [path, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def config_key(params, environ=None):
    """A key over everything ``resolve_config`` reads, computed without reading a file.

    The module's connection options and the ``OS_*`` environment (secrets hashed), and
    which clouds.yaml and secure.yaml would be read, with their inode, size and times:
    editing either file changes the key.
    """
    environ = os.environ if environ is None else environ
    material = {
        'options': _hide_secrets({k: params.get(k) for k in CONNECTION_OPTIONS}),
        'environ': {k: secret_hash(v) if k in SECRET_ENV else v for k, v in environ.items() if k.startswith('OS_')},
        'files': [_file_identity(_find_file('OS_CLIENT_CONFIG_FILE', CLOUDS_FILES, environ)),
                  _file_identity(_find_file('OS_CLIENT_SECURE_FILE', SECURE_FILES, environ))],
    }
    return 'c' + sha256_hex(json.dumps(material, sort_keys=True, default=str))


def cache_dir():
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'ooo.cloud', 'openstack')


def token_cache_path(key):
    return os.path.join(cache_dir(), 'token-%s.json' % key)


def read_token_cache(key):
    """The token cache entry ``key`` while its token is valid for CACHE_MARGIN more seconds, else None."""
    try:
        with open(token_cache_path(key), 'r', encoding='utf-8') as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not data.get('token') or data.get('expires', 0) - CACHE_MARGIN <= time.time():
        return None
    return data


# ---------------------------------------------------------------------------
# transport

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
    with a Content-Length, chunked or read-until-close body (``http.client`` would cost
    every task the import of the email package and ssl).
    """

    def __init__(self, host, port, host_header, timeout, context=None):
        self.host = host
        self.port = port
        self.host_header = host_header
        self.timeout = timeout
        self.context = context
        self.sock = None
        self.rfile = None

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

    def request(self, method, path, headers, body=None):
        """Send one request; return (status, headers with lower-case names, body bytes)."""
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
        if self.sock is None:
            self.connect()
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
        return self._response(method)

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

    def __call__(self, method, url, headers, body=None):
        parts = urllib.parse.urlsplit(url)
        path = parts.path or '/'
        if parts.query:
            path += '?' + parts.query
        for attempt in (1, 2):
            key, conn = self._conn(parts)
            reused = conn.sock is not None
            try:
                if hasattr(body, 'seek') and attempt == 2:
                    body.seek(0)
                return conn.request(method, path, headers, body)
            except (ConnectionResetError, BrokenPipeError):
                # a kept-alive connection the server has closed meanwhile: once more on a new one
                conn.close()
                if not reused or attempt == 2:
                    self._conns.pop(key, None)
                    raise
            except OSError:
                conn.close()
                self._conns.pop(key, None)
                raise
        raise OpenStackError('unreachable')  # pragma: no cover

    def close(self):
        for conn in self._conns.values():
            conn.close()
        self._conns = {}


# ---------------------------------------------------------------------------
# client

class OpenStackClient:
    """Authenticated JSON requests to OpenStack services."""

    transport_class = HttpTransport

    def __init__(self, config, read_only=False, use_cache=True, cache_key=None, full_config=None):
        """``config`` as ``resolve_config`` returns it. ``cache_key`` names the token cache
        entry (by default a hash of the config). ``full_config``, when given, is a callable
        returning the config with its secrets, which ``config`` lacks: it is called only if
        a new token is needed."""
        self._set_config(config)
        self._cache_key = cache_key
        self._full_config = full_config
        verify = config.get('verify', True)
        if isinstance(verify, str) and verify.lower() in ('false', 'no', '0'):
            verify = False
        self.transport = self.transport_class(verify=bool(verify), cafile=config.get('cacert'),
                                              cert=config.get('cert'), key=config.get('key'),
                                              timeout=int(config.get('api_timeout') or 60))
        self.read_only = read_only
        self.use_cache = use_cache
        self.token = None
        self.catalog = None
        self.token_data = {}
        self.from_cache = False
        self.requests = []
        self._endpoints = {}

    def _set_config(self, config):
        self.config = config
        self.auth = dict(config.get('auth') or {})
        self.auth_type = (config.get('auth_type') or self._guess_auth_type()).replace('v3', '')
        self.auth_url = self._identity_url(self.auth['auth_url'])
        self.region = config.get('region_name') or None
        self.interface = (config.get('interface') or 'public').replace('URL', '')

    def _need_secrets(self):
        if self._full_config is not None:
            full, self._full_config = self._full_config, None
            self._set_config(full())

    def _guess_auth_type(self):
        if self.auth.get('application_credential_secret'):
            return 'applicationcredential'
        if self.auth.get('token') and not self.auth.get('password'):
            return 'token'
        return 'password'

    @staticmethod
    def _identity_url(url):
        url = url.rstrip('/')
        if re.search(r'/v2\.0$', url):
            url = url[:-5]
        if not url.endswith('/v3'):
            url += '/v3'
        return url

    # -- description used in errors (never contains a secret)
    def describe(self):
        who = self.auth.get('username') or self.auth.get('user_id') or self.auth.get('application_credential_id') \
            or self.auth.get('application_credential_name') or 'token'
        where = "cloud '%s' " % self.config['cloud_name'] if self.config.get('cloud_name') else ''
        return "%s(auth_url %s, user %s, project %s)" % (
            where, self.auth_url, who, self.auth.get('project_name') or self.auth.get('project_id') or '-')

    def cache_key(self):
        if self._cache_key:
            return self._cache_key
        a = self.auth
        material = {k: a.get(k) for k in sorted(a) if k not in SECRET_AUTH_KEYS}
        material['_secret'] = secret_hash(a.get('password') or a.get('application_credential_secret') or a.get('token'))
        material['_auth_url'] = self.auth_url
        material['_auth_type'] = self.auth_type
        material['_region'] = self.region
        return sha256_hex(json.dumps(material, sort_keys=True, default=str))

    def _cache_path(self):
        return token_cache_path(self.cache_key())

    def _load_cached(self, data=None):
        if not self.use_cache:
            return False
        if data is None:
            data = read_token_cache(self.cache_key())
        if data is None:
            return False
        self.token = data['token']
        self.from_cache = True
        self.catalog = data.get('catalog') or []
        self.token_data = data.get('info') or {}
        return True

    def drop_cache(self):
        try:
            os.unlink(self._cache_path())
        except OSError:
            pass
        self.token = None
        self._endpoints = {}

    def authenticate(self, force=False):
        """Use the token at hand, else the cached one, else ask Keystone for one (and cache it)."""
        if self.token and not force:
            return
        if not force and self._load_cached():
            return
        self._need_secrets()
        _auth().request_token(self)

    def _auth_body(self):
        return _auth().auth_body(self.auth, self.auth_type)

    @property
    def project_id(self):
        self.authenticate()
        return self.token_data.get('project_id')

    @property
    def user_id(self):
        self.authenticate()
        return self.token_data.get('user_id')

    # -- endpoints
    def endpoint(self, service):
        if service in self._endpoints:
            return self._endpoints[service]
        override = self.config.get('%s_endpoint_override' % service.replace('-', '_'))
        if override:
            url = override
        elif service == 'identity' and not self.catalog:
            url = self.auth_url
        else:
            self.authenticate()
            try:
                url = self._from_catalog(service)
            except OpenStackError:
                if not self.from_cache:
                    raise
                # the cached catalog may predate the service: refresh it once
                self.drop_cache()
                self.authenticate(force=True)
                url = self._from_catalog(service)
        url = url.rstrip('/')
        version = SERVICE_VERSIONS.get(service, '')
        if service == 'identity':
            url = self._identity_url(url)
        elif version and not _VERSION_RE.search(url):
            url += version
        self._endpoints[service] = url
        return url

    def _from_catalog(self, service):
        types = [service]
        if service == 'block-storage':
            types += ['volumev3']
        found = []
        for entry in self.catalog or []:
            if entry.get('type') not in types:
                continue
            for ep in entry.get('endpoints') or []:
                if ep.get('interface') != self.interface:
                    continue
                if self.region and self.region not in (ep.get('region'), ep.get('region_id')):
                    continue
                found.append(ep['url'])
        if not found:
            available = sorted({e.get('type') for e in self.catalog or []})
            raise OpenStackError("no %s endpoint for service type '%s'%s in the catalog of %s; services: %s"
                                 % (self.interface, service, " in region '%s'" % self.region if self.region else '',
                                    self.describe(), ', '.join(available) or 'none'))
        return found[0].replace('%(tenant_id)s', self.token_data.get('project_id') or '') \
            .replace('$(tenant_id)s', self.token_data.get('project_id') or '')

    # -- requests
    def request(self, service, method, path, body=None, params=None, headers=None, raw=None, ok_404=False,
                content_type='application/json'):
        """Send a request; return (status, headers, decoded JSON or None).

        ``path`` is relative to the service endpoint (or an absolute URL).
        ``raw`` is a bytes/file body sent as-is. With ``ok_404`` a 404 returns
        (404, headers, None) instead of raising NotFound.
        """
        if self.read_only and method not in ('GET', 'HEAD'):
            raise OpenStackError('internal error: %s %s attempted in check mode' % (method, path))
        query = ''
        if params:
            query = urllib.parse.urlencode([(k, str(v).lower() if isinstance(v, bool) else v)
                                            for k, v in params.items() if v is not None], doseq=True)
        self.authenticate()
        hdrs = {'Accept': 'application/json', 'User-Agent': USER_AGENT}
        if service == 'compute':
            hdrs['OpenStack-API-Version'] = 'compute %s' % COMPUTE_MICROVERSION
            hdrs['X-OpenStack-Nova-API-Version'] = COMPUTE_MICROVERSION
        data = raw
        if body is not None:
            data = json.dumps(body).encode('utf-8')
        if data is not None:
            hdrs['Content-Type'] = content_type
        hdrs.update(headers or {})
        for attempt in (1, 2):
            if path.startswith('http://') or path.startswith('https://'):
                url = path
            else:
                url = self.endpoint(service) + path
            if query:
                url += ('&' if '?' in url else '?') + query
            hdrs['X-Auth-Token'] = self.token
            status, rheaders, rdata = self._send(service, method, url, hdrs, data)
            self.requests.append((method, url))
            if status == 401 and attempt == 1:
                self.drop_cache()
                self.authenticate(force=True)
                if hasattr(data, 'seek'):
                    data.seek(0)
                continue
            break
        if status == 404 and ok_404:
            return status, rheaders, None
        if status >= 400:
            from http.client import responses  # pylint: disable=import-outside-toplevel
            upath = urllib.parse.urlsplit(url).path
            msg = '%s %s %s failed: HTTP %s: %s' % (SERVICE_NAMES.get(service, service), method, upath, status,
                                                    error_text(rdata) or responses.get(status, ''))
            if status == 401:
                msg += ' (credentials of %s)' % self.describe()
            cls = NotFound if status == 404 else OpenStackError
            raise cls(msg, status=status, body=rdata)
        result = None
        if rdata and 'json' in (rheaders.get('content-type') or 'application/json'):
            try:
                result = json.loads(rdata.decode('utf-8'))
            except ValueError:
                result = None
        return status, rheaders, result

    def _send(self, service, method, url, headers, data):
        """One HTTP exchange; reads (GET/HEAD) are retried on connection errors (a restarting API)."""
        attempts = 3 if method in ('GET', 'HEAD') else 1
        for attempt in range(1, attempts + 1):
            try:
                return send_when_available(self.transport, method, url, headers, data)
            except OSError as e:
                if attempt == attempts:
                    raise OpenStackError('%s %s %s failed: %s' % (SERVICE_NAMES.get(service, service), method, url, e))
                time.sleep(attempt)
        raise OpenStackError('unreachable')  # pragma: no cover

    def password_works(self, user_id, password):
        """Whether Keystone accepts ``password`` for the user: an unscoped token request as them.

        Keystone never shows a password; asking for a token is the only way to compare one (one
        hash check on the server). It changes nothing, so it is allowed in check mode. A
        disabled user is refused whatever the password: ask only for enabled ones.
        """
        body = {'auth': {'identity': {'methods': ['password'],
                                      'password': {'user': {'id': user_id, 'password': password}}}}}
        url = self.endpoint('identity') + '/auth/tokens'
        headers = {'Accept': 'application/json', 'Content-Type': 'application/json', 'User-Agent': USER_AGENT}
        status, _headers, rdata = self._send('identity', 'POST', url, headers, json.dumps(body).encode('utf-8'))
        self.requests.append(('POST', url))
        if status in (200, 201):
            return True
        if status == 401:
            return False
        raise OpenStackError('Keystone POST /auth/tokens (checking the password of user %s) failed: HTTP %s: %s'
                             % (user_id, status, error_text(rdata)))

    def get(self, service, path, params=None):
        """GET returning the JSON body, or None on 404."""
        return self.request(service, 'GET', path, params=params, ok_404=True)[2]

    def post(self, service, path, body=None, **kw):
        return self.request(service, 'POST', path, body=body, **kw)[2]

    def put(self, service, path, body=None, **kw):
        return self.request(service, 'PUT', path, body=body, **kw)[2]

    def patch(self, service, path, body=None, **kw):
        return self.request(service, 'PATCH', path, body=body, **kw)[2]

    def delete(self, service, path, ok_404=True):
        status = self.request(service, 'DELETE', path, ok_404=ok_404)[0]
        return status != 404

    def list(self, service, path, key, params=None):
        """All items of a collection, following Glance/Nova/Neutron pagination."""
        items = []
        data = self.request(service, 'GET', path, params=params)[2] or {}
        seen = 0
        while True:
            items.extend(data.get(key) or [])
            nxt = None
            if data.get('next'):  # Glance: "/v2/images?marker=..."
                nxt = data['next']
                if nxt.startswith('/'):
                    base = self.endpoint(service)
                    base = _VERSION_RE.sub('', base) if nxt.startswith('/v') else base
                    nxt = base + nxt
            for link in data.get(key + '_links') or []:
                if link.get('rel') == 'next':
                    nxt = link.get('href')
            seen += 1
            if not nxt or seen > 1000:
                return items
            data = self.request(service, 'GET', nxt)[2] or {}


def b64(text):
    import base64  # pylint: disable=import-outside-toplevel
    if isinstance(text, str):
        text = text.encode('utf-8')
    return base64.b64encode(text).decode('ascii')


def connect(params, read_only=False, environ=None):
    """The client for a module's connection options (``openstack_argument_spec``).

    While the token cached under ``config_key(params)`` is valid, the client is made from the
    settings cached with it: clouds.yaml and secure.yaml are neither read nor parsed (they are
    read only if a new token is needed). Otherwise the config is resolved as usual.
    """
    environ = os.environ if environ is None else environ
    key = config_key(params, environ)
    cached = read_token_cache(key)
    if cached is not None and isinstance(cached.get('config'), dict) and cached['config'].get('auth'):
        try:
            client = OpenStackClient(cached['config'], read_only=read_only, cache_key=key,
                                     full_config=lambda: resolve_config(params, environ))
        except (KeyError, TypeError, ValueError, AttributeError):
            client = None  # an entry of another shape: resolve the config as usual
        if client is not None and client._load_cached(cached):  # pylint: disable=protected-access
            return client
    return OpenStackClient(resolve_config(params, environ), read_only=read_only, cache_key=key)


UNAVAILABLE = (502, 503, 504)


def send_when_available(transport, method, url, headers, data, waits=(1, 2, 3, 4)):
    """One request, sent again while a proxy answers that no server is available yet.

    HAProxy answers 503 until its health checks have seen a just-started API: the request
    never reached a service, so sending it again is safe.
    """
    for wait in waits:
        status, rheaders, rdata = transport(method, url, headers, data)
        if status not in UNAVAILABLE:
            return status, rheaders, rdata
        if hasattr(data, 'seek'):
            data.seek(0)
        time.sleep(wait)
    return transport(method, url, headers, data)
