# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""A lean OpenStack REST client built on the Python standard library.

No openstacksdk, no keystoneauth: importing them and authenticating against
Keystone on every task is what makes openstack.cloud slow. The client

* finds the cached token by the module's connection options (``connect()``,
  with ``openstack_config.py``): while it is valid, nothing else is read, and
  clouds.yaml is parsed (and ``openstack_auth.py`` imported) only when a new
  token is needed;
* finds endpoints in the catalog by service type, interface and region and
  adds the API version the endpoint lacks;
* sends JSON requests over keep-alive connections (``openstack_transport.py``)
  and turns HTTP errors into messages that name the service, method, path,
  status and the API's text (``openstack_errors.py``); a request is sent again
  after a proxy's 502/504 or a connection error only if that is safe (an idempotent
  method, or a POST that certainly did not reach the server);
* follows pagination, and waits for a resource's status (``wait_for()``).

A task runs in a fresh Python process, or in Ansible's worker (plugin_utils/in_process.py),
that imports every module_utils file it uses: what a no-op task imports and compiles is
most of what it costs, so difflib, base64, datetime and http.client (error messages only)
are imported where they are needed.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.parse

from ansible_collections.ooo.cloud.plugins.module_utils.openstack_config import (
    SECRET_AUTH_KEYS,
    config_key,
    read_token_cache,
    secret_hash,
    sha256_hex,
    token_cache_path,
)
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import (
    NotFound,
    OpenStackError,
    error_text,
)
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_transport import (
    IDEMPOTENT,
    NOT_PASSED_ON,
    UNAVAILABLE,
    USER_AGENT,
    HttpTransport,
    request_sent,
    send_when_available,
)

COMPUTE_MICROVERSION = '2.79'
# Cinder v3 microversion of every block-storage request: 3.42 extends in-use volumes, 3.3 has the
# user messages (why a volume went to error); 3.60 is Ussuri's maximum, so any Cinder since then.
VOLUME_MICROVERSION = '3.60'

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
    'block-storage': 'Cinder',
    'orchestration': 'Heat',
    'cloudformation': 'Heat CloudFormation',
    'object-store': 'Swift',
}
VERSION_RE = re.compile(r'/v\d+(\.\d+)?(/[^/]*)?$')
# Why a POST or PATCH is not sent again when the server may have taken it: the next run converges.
MAYBE_APPLIED = ('the request may have been applied all the same, so it was not sent again (that could make a '
                 'second resource); running the task again looks the resource up first')
UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$')


def _auth():
    """The module with what a task needs only without a valid cached token (imported then)."""
    from ansible_collections.ooo.cloud.plugins.module_utils import openstack_auth  # pylint: disable=import-outside-toplevel
    return openstack_auth


def resolve_config(params, environ=None):
    """Connection settings from module params, clouds.yaml or the environment."""
    return _auth().resolve_config(params, environ)


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

    def cache_path(self):
        """The token cache file of this client."""
        return token_cache_path(self.cache_key())

    def load_cached(self, data=None):
        """Use the cached token (``data``, else the cache entry of ``cache_key()``); False when there is none."""
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

    def use_token(self, token, catalog, token_data):
        """Use a token Keystone has just issued, with its service catalog and what it says of the user and project."""
        self.token = token
        self.from_cache = False
        self.catalog = catalog
        self.token_data = token_data
        self._endpoints = {}

    def drop_cache(self):
        try:
            os.unlink(self.cache_path())
        except OSError:
            pass
        self.token = None
        self._endpoints = {}

    def authenticate(self, force=False):
        """Use the token at hand, else the cached one, else ask Keystone for one (and cache it)."""
        if self.token and not force:
            return
        if not force and self.load_cached():
            return
        self._need_secrets()
        _auth().request_token(self)

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
        elif version and not VERSION_RE.search(url):
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
        url = found[0]
        for var in ('%(tenant_id)s', '$(tenant_id)s', '%(project_id)s', '$(project_id)s'):
            url = url.replace(var, self.token_data.get('project_id') or '')
        return url

    # -- requests
    def request(self, service, method, path, body=None, params=None, headers=None, raw=None, ok_404=False,
                content_type='application/json', changes_nothing=False):
        """Send a request; return (status, headers, decoded JSON or None).

        ``path`` is relative to the service endpoint (or an absolute URL).
        ``raw`` is a bytes/file body sent as-is. With ``ok_404`` a 404 returns
        (404, headers, None) instead of raising NotFound. ``changes_nothing`` marks a write
        method that only computes (Heat's template validation and update preview): it is
        allowed in check mode, and sent again like a GET when the server may have taken it.
        A POST or PATCH the server may have taken (a proxy's 502 or 504, a connection lost
        after sending) is not sent again: it fails saying it may have been applied.
        """
        if self.read_only and method not in ('GET', 'HEAD') and not changes_nothing:
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
        elif service == 'block-storage':
            hdrs['OpenStack-API-Version'] = 'volume %s' % VOLUME_MICROVERSION
        data = raw
        if body is not None:
            data = json.dumps(body).encode('utf-8')
        if data is not None:
            hdrs['Content-Type'] = content_type
        hdrs.update(headers or {})
        repeatable = method in IDEMPOTENT or changes_nothing
        for attempt in (1, 2):
            if path.startswith('http://') or path.startswith('https://'):
                url = path
            else:
                url = self.endpoint(service) + path
            if query:
                url += ('&' if '?' in url else '?') + query
            hdrs['X-Auth-Token'] = self.token
            status, rheaders, rdata = self._send(service, method, url, hdrs, data, repeatable)
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
            text = error_text(rdata) or responses.get(status, '')
            msg = '%s %s %s failed: HTTP %s: %s' % (SERVICE_NAMES.get(service, service), method, upath, status, text)
            if status in UNAVAILABLE and status not in NOT_PASSED_ON and not repeatable:
                # the whole URL: where to look for what the request may have made
                msg = '%s %s %s failed: HTTP %s: %s; %s' % (SERVICE_NAMES.get(service, service), method, url, status,
                                                            text, MAYBE_APPLIED)
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

    def _send(self, service, method, url, headers, data, repeatable=None):
        """One HTTP exchange, sent again on a connection error (a restarting API) when that is safe.

        A request that may be repeated (``repeatable``, by default an idempotent method) is sent
        again on any connection error; a POST or PATCH only when it certainly did not reach the
        server (connection refused or not made), else it fails saying it may have been applied.
        """
        if repeatable is None:
            repeatable = method in IDEMPOTENT
        name = SERVICE_NAMES.get(service, service)
        start = data.tell() if hasattr(data, 'seek') else None
        attempts = 3
        for attempt in range(1, attempts + 1):
            try:
                return send_when_available(self.transport, method, url, headers, data, repeatable=repeatable)
            except OSError as e:
                if not repeatable and request_sent(e):
                    raise OpenStackError('%s %s %s failed: %s; %s' % (name, method, url, e, MAYBE_APPLIED))
                if attempt == attempts:
                    raise OpenStackError('%s %s %s failed: %s' % (name, method, url, e))
            if start is not None:
                data.seek(start)
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
        status, _headers, rdata = self._send('identity', 'POST', url, headers, json.dumps(body).encode('utf-8'),
                                             repeatable=True)  # a token request makes nothing that lasts
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
                    base = VERSION_RE.sub('', base) if nxt.startswith('/v') else base
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
        if client is not None and client.load_cached(cached):
            return client
    return OpenStackClient(resolve_config(params, environ), read_only=read_only, cache_key=key)
