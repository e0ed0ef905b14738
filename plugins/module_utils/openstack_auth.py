# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""What the OpenStack client needs only when it has no valid cached token.

Reading clouds.yaml, secure.yaml and the ``OS_*`` variables into a config, the Keystone
v3 token request (password, application credential or token) and the token cache write
(directory 0700, files 0600, no secret in it). ``openstack.py`` imports this module when it
needs it: a task whose cached token is valid neither compiles it nor imports YAML.
"""

from __future__ import annotations

import json
import os
import stat

from ansible_collections.ooo.cloud.plugins.module_utils.openstack_config import (
    CLIENT_SETTINGS,
    CLOUDS_FILES,
    SECRET_AUTH_KEYS,
    SECURE_FILES,
    cache_dir,
    config_dirs,
    find_file,
)
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import (
    ConfigError,
    OpenStackError,
    close_matches,
    error_text,
)
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_transport import USER_AGENT, send_when_available


def load_yaml(path):
    try:
        import yaml  # pylint: disable=import-outside-toplevel
    except ImportError:  # pragma: no cover - Ansible requires PyYAML
        raise ConfigError('PyYAML is required to read %s' % path)
    with open(path, 'rb') as f:
        loader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
        return yaml.load(f, Loader=loader) or {}  # nosec - safe loader


def merge(base, extra):
    """``base`` with ``extra`` merged in, dicts merged key by key."""
    out = dict(base)
    for k, v in (extra or {}).items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out


def load_cloud(name, environ=None):
    """The clouds.yaml entry ``name`` merged with its secure.yaml entry."""
    clouds_file = find_file('OS_CLIENT_CONFIG_FILE', CLOUDS_FILES, environ)
    if not clouds_file:
        raise ConfigError("cloud '%s' requested but no clouds.yaml was found (looked in $OS_CLIENT_CONFIG_FILE, %s)"
                          % (name, ', '.join(config_dirs(environ))))
    clouds = load_yaml(clouds_file).get('clouds') or {}
    secure_file = find_file('OS_CLIENT_SECURE_FILE', SECURE_FILES, environ)
    if secure_file:
        clouds = merge(clouds, load_yaml(secure_file).get('clouds') or {})
    if name not in clouds:
        close = close_matches(name, list(clouds))
        hint = ('; did you mean: %s' % ', '.join(close)) if close else ('; known clouds: %s' % ', '.join(sorted(clouds)) or 'none')
        raise ConfigError("cloud '%s' not found in %s%s" % (name, clouds_file, hint))
    return dict(clouds[name])


ENV_AUTH = {
    'OS_AUTH_URL': 'auth_url', 'OS_USERNAME': 'username', 'OS_USER_ID': 'user_id', 'OS_PASSWORD': 'password',
    'OS_PROJECT_NAME': 'project_name', 'OS_TENANT_NAME': 'project_name', 'OS_PROJECT_ID': 'project_id',
    'OS_USER_DOMAIN_NAME': 'user_domain_name', 'OS_USER_DOMAIN_ID': 'user_domain_id',
    'OS_PROJECT_DOMAIN_NAME': 'project_domain_name', 'OS_PROJECT_DOMAIN_ID': 'project_domain_id',
    'OS_DOMAIN_NAME': 'domain_name', 'OS_DOMAIN_ID': 'domain_id', 'OS_TOKEN': 'token',
    'OS_APPLICATION_CREDENTIAL_ID': 'application_credential_id',
    'OS_APPLICATION_CREDENTIAL_NAME': 'application_credential_name',
    'OS_APPLICATION_CREDENTIAL_SECRET': 'application_credential_secret',
}


def resolve_config(params, environ=None):
    """Connection settings from module params, clouds.yaml or the environment."""
    environ = os.environ if environ is None else environ
    cloud = params.get('cloud')
    config = {}
    if isinstance(cloud, dict):
        config = dict(cloud)
    elif cloud:
        config = load_cloud(str(cloud), environ)
    elif not params.get('auth') and environ.get('OS_CLOUD'):
        config = load_cloud(environ['OS_CLOUD'], environ)
        cloud = environ['OS_CLOUD']
    elif not params.get('auth'):
        auth = {v: environ[k] for k, v in ENV_AUTH.items() if environ.get(k)}
        config = {'auth': auth}
        for env, key in (('OS_REGION_NAME', 'region_name'), ('OS_INTERFACE', 'interface'), ('OS_CACERT', 'cacert'),
                         ('OS_AUTH_TYPE', 'auth_type'), ('OS_CERT', 'cert'), ('OS_KEY', 'key')):
            if environ.get(env):
                config[key] = environ[env]
        if environ.get('OS_INSECURE', '').lower() in ('1', 'true', 'yes'):
            config['verify'] = False
    given = {k: v for k, v in (params.get('auth') or {}).items() if v is not None}
    config['auth'] = merge(config.get('auth') or {}, given)
    for param, key in (('auth_type', 'auth_type'), ('region_name', 'region_name'), ('ca_cert', 'cacert'),
                       ('client_cert', 'cert'), ('client_key', 'key'), ('api_timeout', 'api_timeout')):
        if params.get(param) is not None:
            config[key] = params[param]
    if params.get('validate_certs') is not None:
        config['verify'] = params['validate_certs']
    if params.get('interface') and (params['interface'] != 'public' or 'interface' not in config):
        config['interface'] = params['interface']
    config['cloud_name'] = cloud if isinstance(cloud, str) else None
    if not config['auth'].get('auth_url'):
        raise ConfigError('no auth_url: give cloud (a clouds.yaml entry), auth.auth_url or set OS_AUTH_URL/OS_CLOUD')
    return config


def auth_body(a, auth_type):
    """The body of a Keystone v3 token request for the auth dict ``a``."""
    if auth_type == 'applicationcredential':
        cred = {'secret': a.get('application_credential_secret')}
        if a.get('application_credential_id'):
            cred['id'] = a['application_credential_id']
        else:
            cred['name'] = a.get('application_credential_name')
            cred['user'] = _user_ref(a)
        return {'auth': {'identity': {'methods': ['application_credential'], 'application_credential': cred}}}
    if auth_type == 'token':
        identity = {'methods': ['token'], 'token': {'id': a.get('token')}}
    elif auth_type == 'password':
        user = _user_ref(a)
        user['password'] = a.get('password')
        identity = {'methods': ['password'], 'password': {'user': user}}
    else:
        raise ConfigError("auth_type '%s' is not supported (use password, v3password, "
                          "v3applicationcredential or token)" % auth_type)
    body = {'auth': {'identity': identity}}
    scope = _scope(a)
    if scope:
        body['auth']['scope'] = scope
    return body


def _domain_ref(a, prefix):
    if a.get(prefix + 'domain_id'):
        return {'id': a[prefix + 'domain_id']}
    if a.get(prefix + 'domain_name'):
        return {'name': a[prefix + 'domain_name']}
    if a.get('domain_id'):
        return {'id': a['domain_id']}
    if a.get('domain_name'):
        return {'name': a['domain_name']}
    return {'id': 'default'}


def _user_ref(a):
    if a.get('user_id'):
        return {'id': a['user_id']}
    return {'name': a.get('username'), 'domain': _domain_ref(a, 'user_')}


def _scope(a):
    if a.get('system_scope'):
        return {'system': {a['system_scope']: True}}
    if a.get('project_id'):
        return {'project': {'id': a['project_id']}}
    if a.get('project_name'):
        return {'project': {'name': a['project_name'], 'domain': _domain_ref(a, 'project_')}}
    if a.get('domain_id'):
        return {'domain': {'id': a['domain_id']}}
    if a.get('domain_name'):
        return {'domain': {'name': a['domain_name']}}
    return None


def public_config(client):
    """The settings of a client without its secrets (what the token cache keeps)."""
    out = {k: v for k, v in client.config.items() if k in CLIENT_SETTINGS or k.endswith('_endpoint_override')}
    out['auth'] = {k: v for k, v in client.auth.items() if k not in SECRET_AUTH_KEYS}
    out['auth_type'] = client.auth_type
    return out


def save_cache(client, expires):
    """Write the token, its catalog and the settings without secrets to the cache (0600 in a 0700 directory)."""
    if not client.use_cache:
        return
    d = cache_dir()
    try:
        os.makedirs(d, mode=0o700, exist_ok=True)
        if stat.S_IMODE(os.stat(d).st_mode) != 0o700:
            os.chmod(d, 0o700)
        import tempfile  # pylint: disable=import-outside-toplevel
        fd, tmp = tempfile.mkstemp(dir=d, prefix='.tok')
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            os.fchmod(f.fileno(), 0o600)
            json.dump({'token': client.token, 'expires': expires, 'catalog': client.catalog, 'info': client.token_data,
                       'config': public_config(client)}, f, default=str)
        os.replace(tmp, client.cache_path())
    except OSError:
        pass  # a cache we cannot write only costs speed


def request_token(client):
    """Ask Keystone for a scoped token with the client's credentials; keep it, its catalog and
    what it says of the user and project on the client, and in the cache."""
    url = client.auth_url + '/auth/tokens'
    body = json.dumps(auth_body(client.auth, client.auth_type)).encode('utf-8')
    headers = {'Content-Type': 'application/json', 'Accept': 'application/json', 'User-Agent': USER_AGENT}
    try:
        # a token request makes nothing that lasts: sent again after a 502/504 like a GET
        status, rheaders, data = send_when_available(client.transport, 'POST', url, headers, body, repeatable=True)
    except OSError as e:
        raise OpenStackError('cannot reach Keystone for %s: %s' % (client.describe(), e))
    client.requests.append(('POST', url))
    if status >= 400:
        raise OpenStackError('authentication failed for %s: HTTP %s: %s' % (client.describe(), status, error_text(data)),
                             status=status)
    token = json.loads(data.decode('utf-8'))['token']
    project = token.get('project') or {}
    client.use_token(rheaders.get('x-subject-token'), token.get('catalog') or [], {
        'user_id': (token.get('user') or {}).get('id'),
        'project_id': project.get('id'),
        'project_name': project.get('name'),
        'domain_id': (project.get('domain') or {}).get('id'),
        'roles': [r.get('name') for r in token.get('roles') or []],
    })
    save_cache(client, parse_time(token['expires_at']))


def parse_time(value):
    """Seconds since the epoch of an ISO 8601 time (UTC when it names no zone)."""
    from datetime import datetime, timezone  # pylint: disable=import-outside-toplevel
    value = value.strip()
    if value.endswith('Z'):
        value = value[:-1] + '+00:00'
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()
