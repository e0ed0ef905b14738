# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""The connection options of every module, and the token cache found by them.

What a task reads on every run, before it knows whether it needs Keystone: the options
every module accepts (``openstack_argument_spec``), where clouds.yaml and secure.yaml would
be found, and the token cache entry for the options.

``config_key()`` is a key over the module's connection options (secrets hashed), the
``OS_*`` environment and the identity (path, inode, size, times) of clouds.yaml and
secure.yaml, computed with a few ``stat`` calls and without reading either file: a changed
option, variable or file is a new key. ``read_token_cache()`` returns the entry while its
token is valid for ``CACHE_MARGIN`` more seconds. Reading clouds.yaml and asking Keystone for
a token are in ``openstack_auth.py``, imported only when there is no valid cached token.
"""

from __future__ import annotations

import hashlib  # ansible.module_utils.basic imports it anyway
import json
import os
import time

CACHE_MARGIN = 60

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
    """Options every module of the collection accepts (documented by the ooo.cloud.openstack doc fragment)."""
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


def config_dirs(environ=None):
    """The directories clouds.yaml and secure.yaml are looked for in, in order."""
    environ = os.environ if environ is None else environ
    home = os.path.expanduser('~')
    xdg = environ.get('XDG_CONFIG_HOME') or os.path.join(home, '.config')
    return [os.getcwd(), os.path.join(xdg, 'openstack'), '/etc/openstack']


def find_file(env_var, names, environ=None):
    """The file ``env_var`` names (None when it does not exist), else the first of ``names`` in ``config_dirs``."""
    environ = os.environ if environ is None else environ
    path = environ.get(env_var)
    if path:
        return path if os.path.isfile(path) else None
    for d in config_dirs(environ):
        for name in names:
            candidate = os.path.join(d, name)
            if os.path.isfile(candidate):
                return candidate
    return None


def sha256_hex(text):
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


def secret_hash(value):
    return sha256_hex('ooo.cloud:' + str(value)) if value else ''


def hide_secrets(value):
    """``value`` with the value of every secret key (at any depth) replaced by its ``secret_hash``."""
    if isinstance(value, dict):
        return {k: secret_hash(v) if k in SECRET_AUTH_KEYS else hide_secrets(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [hide_secrets(v) for v in value]
    return value


def file_identity(path):
    """Path, device, inode, size and times of a file: what changes when it is edited or replaced."""
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
        'options': hide_secrets({k: params.get(k) for k in CONNECTION_OPTIONS}),
        'environ': {k: secret_hash(v) if k in SECRET_ENV else v for k, v in environ.items() if k.startswith('OS_')},
        'files': [file_identity(find_file('OS_CLIENT_CONFIG_FILE', CLOUDS_FILES, environ)),
                  file_identity(find_file('OS_CLIENT_SECURE_FILE', SECURE_FILES, environ))],
    }
    return 'c' + sha256_hex(json.dumps(material, sort_keys=True, default=str))


def cache_dir():
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'ooo.cloud', 'openstack')


def token_cache_path(key):
    return os.path.join(cache_dir(), 'token-%s.json' % key)


def drop_token_caches():
    """Forget every cached token: their catalogs no longer hold after an endpoint changed
    (a cached catalog would send the next task to the old URL until the token expires)."""
    directory = cache_dir()
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if name.startswith('token-') and name.endswith('.json'):
            try:
                os.unlink(os.path.join(directory, name))
            except OSError:
                pass


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
