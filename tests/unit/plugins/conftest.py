# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""Fixtures: an in-memory OpenStack behind the HTTP transport, and a module runner."""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.parse
import uuid
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[3]
if _ROOT.parent.name == 'ooo' and _ROOT.parent.parent.name == 'ansible_collections':
    sys.path.insert(0, str(_ROOT.parents[2]))
else:
    _BUILD = _ROOT / '.build' / 'collections'
    _LINK = _BUILD / 'ansible_collections' / 'ooo' / 'cloud'
    if not _LINK.exists():
        _LINK.parent.mkdir(parents=True, exist_ok=True)
        os.symlink('../../../..', _LINK)
    sys.path.insert(0, str(_BUILD))

from ansible.module_utils.testing import patch_module_args  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.ooo.cloud.plugins.module_utils import openstack  # noqa: E402  pylint: disable=wrong-import-position

CATALOG = [
    {'type': 'identity', 'endpoints': [{'interface': 'public', 'region': 'RegionOne', 'url': 'http://keystone:5000'}]},
    {'type': 'compute', 'endpoints': [{'interface': 'public', 'region': 'RegionOne', 'url': 'http://nova:8774/v2.1'}]},
    {'type': 'network', 'endpoints': [{'interface': 'public', 'region': 'RegionOne', 'url': 'http://neutron:9696'}]},
    {'type': 'image', 'endpoints': [{'interface': 'public', 'region': 'RegionOne', 'url': 'http://glance:9292'}]},
]

# (host, collection) -> (singular key or None, plural key, defaults)
COLLECTIONS = {
    ('keystone', '/v3/domains'): (
        'domain', 'domains', {
            'enabled': True,
        }),
    ('keystone', '/v3/projects'): (
        'project', 'projects', {
            'enabled': True,
            'description': '',
            'domain_id': 'default',
        }),
    ('keystone', '/v3/users'): (
        'user', 'users', {
            'enabled': True,
            'domain_id': 'default',
        }),
    ('keystone', '/v3/groups'): (
        'group', 'groups', {
            'domain_id': 'default',
        }),
    ('keystone', '/v3/roles'): (
        'role', 'roles', {
        }),
    ('keystone', '/v3/services'): (
        'service', 'services', {
            'enabled': True,
        }),
    ('keystone', '/v3/endpoints'): (
        'endpoint', 'endpoints', {
            'enabled': True,
            'region_id': 'RegionOne',
        }),
    ('nova', '/v2.1/flavors'): (
        'flavor', 'flavors', {
            'disk': 0,
            'OS-FLV-EXT-DATA:ephemeral': 0,
            'swap': 0,
            'os-flavor-access:is_public': True,
            'description': None,
            'extra_specs': {},
        }),
    ('nova', '/v2.1/servers'): (
        'server', 'servers', {
            'status': 'ACTIVE',
            'metadata': {},
            'security_groups': [],
            'key_name': None,
            'OS-EXT-AZ:availability_zone': 'nova',
        }),
    ('neutron', '/v2.0/networks'): (
        'network', 'networks', {
            'shared': False,
            'router:external': False,
            'mtu': 1450,
            'port_security_enabled': True,
            'admin_state_up': True,
            'status': 'ACTIVE',
            'subnets': [],
            'description': '',
            'provider:network_type': 'geneve',
            'provider:physical_network': None,
            'provider:segmentation_id': 7,
        }),
    ('neutron', '/v2.0/subnets'): (
        'subnet', 'subnets', {
            'enable_dhcp': True,
            'ip_version': 4,
            'dns_nameservers': [],
            'host_routes': [],
            'description': '',
        }),
    ('neutron', '/v2.0/routers'): (
        'router', 'routers', {
            'admin_state_up': True,
            'external_gateway_info': None,
            'status': 'ACTIVE',
            'description': '',
        }),
    ('neutron', '/v2.0/ports'): (
        'port', 'ports', {
            'fixed_ips': [],
        }),
    ('neutron', '/v2.0/security-groups'): (
        'security_group', 'security_groups', {
            'description': '',
        }),
    ('neutron', '/v2.0/security-group-rules'): (
        'security_group_rule', 'security_group_rules', {
        }),
    ('neutron', '/v2.0/floatingips'): (
        'floatingip', 'floatingips', {
            'port_id': None,
            'fixed_ip_address': None,
            'status': 'DOWN',
            'description': '',
        }),
    ('glance', '/v2/images'): (
        None, 'images', {
            'status': 'queued',
            'visibility': 'shared',
            'min_disk': 0,
            'min_ram': 0,
            'protected': False,
            'tags': [],
            'checksum': None,
            'os_hash_value': None,
            'os_hash_algo': None,
            'size': None,
        }),
}


class FakeCloud:
    """An in-memory OpenStack answering like the real APIs do (enough for the modules)."""

    project_id = 'p0000000000000000000000000000001'

    def __init__(self):
        self.calls = []
        self.store = {k: {} for k in COLLECTIONS}
        self.routes = []
        self.auth_count = 0
        self.fail_auth = False
        # The catalog of the tokens it issues: a fake of another service adds its entry.
        self.catalog = list(CATALOG)
        self.headers = []  # (host, request headers) of every request
        self.domain = self.add('keystone', '/v3/domains', {'id': 'default', 'name': 'Default'})

    # -- helpers for tests
    def add(self, host, coll, obj):
        obj = dict(obj)
        obj.setdefault('id', str(uuid.uuid4()))
        for k, v in COLLECTIONS[(host, coll)][2].items():
            obj.setdefault(k, json.loads(json.dumps(v)))
        self.store[(host, coll)][obj['id']] = obj
        return obj

    def items(self, host, coll):
        return list(self.store[(host, coll)].values())

    def writes(self):
        return [(c[0], c[1]) for c in self.calls if c[0] not in ('GET', 'HEAD') and not c[1].endswith('/auth/tokens')]

    def route(self, method, pattern, fn):
        """Custom handler: fn(match, body, query) -> (status, body)."""
        self.routes.insert(0, (method, re.compile(pattern + '$'), fn))

    # -- the transport
    def close(self):
        self.closed = True

    def __call__(self, method, url, headers, body=None):
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
        path = parts.path
        query = dict(urllib.parse.parse_qsl(parts.query))
        if hasattr(body, 'read'):
            body = body.read()
        data = None
        if body:
            try:
                data = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                data = body
        self.calls.append((method, host + path, data))
        self.headers.append((host, dict(headers)))
        if path == '/v3/auth/tokens' and method == 'POST':
            self.auth_count += 1
            if self.fail_auth or not self._password_ok(data):
                return self._resp(401, {'error': {'code': 401, 'message': 'The request you have made requires authentication.'}})
            return 201, {'x-subject-token': 'tok%d' % self.auth_count, 'content-type': 'application/json'}, json.dumps({
                'token': {'expires_at': '2099-01-01T00:00:00.000000Z', 'catalog': self.catalog,
                          'project': {'id': self.project_id, 'name': 'admin', 'domain': {'id': 'default'}},
                          'user': {'id': 'u1'}, 'roles': [{'name': 'admin'}]}}).encode()
        if headers.get('X-Auth-Token') in ('expired',):
            return self._resp(401, {'error': {'message': 'expired'}})
        for m, rx, fn in self.routes:
            match = rx.match(host + path)
            if m == method and match:
                status, out = fn(match, data, query)
                return self._resp(status, out)
        return self._generic(method, host, path, query, data)

    def _password_ok(self, data):
        """A token request naming a user by id must bring that user's password (the admin's always works)."""
        user = (((data or {}).get('auth') or {}).get('identity') or {}).get('password', {}).get('user') or {}
        if 'id' not in user:
            return True
        known = self.store[('keystone', '/v3/users')].get(user['id'])
        return bool(known) and known.get('password') == user.get('password')

    @staticmethod
    def _resp(status, body):
        if body is None:
            return status, {}, b''
        if isinstance(body, str):
            return status, {'content-type': 'text/plain'}, body.encode()
        return status, {'content-type': 'application/json'}, json.dumps(body).encode()

    def _generic(self, method, host, path, query, data):
        for (h, coll), (single, plural, _defaults) in COLLECTIONS.items():
            if h != host or not path.startswith(coll):
                continue
            rest = path[len(coll):].strip('/')
            store = self.store[(h, coll)]
            if rest in ('', 'detail') and method == 'GET':
                items = [i for i in store.values() if self._match(i, query)]
                return self._resp(200, {plural: items})
            if rest == '' and method == 'POST':
                if isinstance(data, dict) and plural in data:
                    return self._resp(201, {plural: [self.add(h, coll, o) for o in data[plural]]})
                obj = self.add(h, coll, data[single] if single else data)
                return self._resp(201, {single: obj} if single else obj)
            oid = urllib.parse.unquote(rest)
            if oid not in store:
                return self._resp(404, {'itemNotFound': {'message': '%s %s could not be found' % (single, oid)}})
            obj = store[oid]
            if method == 'GET':
                return self._resp(200, {single: obj} if single else obj)
            if method == 'DELETE':
                del store[oid]
                return self._resp(204, None)
            if method in ('PUT', 'PATCH'):
                if isinstance(data, list):  # Glance JSON patch
                    for op in data:
                        key = op['path'].lstrip('/')
                        if op['op'] == 'remove':
                            obj.pop(key, None)
                        else:
                            obj[key] = op['value']
                else:
                    obj.update(data[single])
                return self._resp(200, {single: obj} if single else obj)
        return self._resp(404, {'error': {'message': 'no route for %s %s' % (method, path)}})

    @staticmethod
    def _match(item, query):
        for k, v in query.items():
            if k in ('is_public', 'limit', 'all_tenants'):
                continue
            if k == 'name' and v.startswith('^'):
                v = v[1:-1]
            if str(item.get(k)) != v and not (isinstance(item.get(k), bool) and str(item.get(k)).lower() == v):
                return False
        return True


@pytest.fixture
def cloud(monkeypatch, tmp_path):
    fake = FakeCloud()
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    monkeypatch.setattr(openstack.OpenStackClient, 'transport_class', staticmethod(lambda **kw: fake))
    return fake


AUTH = {'auth_url': 'http://keystone:5000', 'username': 'admin', 'password': 'secret-pw', 'project_name': 'admin',
        'user_domain_name': 'Default', 'project_domain_name': 'Default'}


@pytest.fixture
def run(capsys):
    """run(main, args, check=False, diff=True) -> result dict (``failed`` set when it failed)."""
    def _run(main, args, check=False, diff=True):
        args = dict(args)
        args.setdefault('auth', AUTH)
        args['_ansible_check_mode'] = check
        args['_ansible_diff'] = diff
        capsys.readouterr()
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                main()
        out = capsys.readouterr().out
        res = json.loads(out)
        if "changed" not in res and not res.get("failed"):
            print(res)
        return res
    return _run
