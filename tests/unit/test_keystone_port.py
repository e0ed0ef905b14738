# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""Every service finds Keystone at `ooo_keystone_port`: a changed port reaches every URL that
names Keystone. Five roles used to write 5000 themselves, so a Keystone moved to another port
broke their token validation (and the overcloud's public endpoints) without an error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from role_templates import decide

ROOT = Path(__file__).resolve().parents[2]

KEYSTONE_URLS = {
    'keystone': ['keystone_public_url', 'keystone_internal_url', 'keystone_admin_url'],
    'glance': ['glance_keystone_auth_url', 'glance_keystone_www_authenticate_uri'],
    'placement': ['placement_keystone_auth_url', 'placement_keystone_www_authenticate_uri'],
    'nova': ['nova_keystone_public_url', 'nova_keystone_internal_url'],
    'neutron': ['neutron_keystone_public_url', 'neutron_keystone_internal_url'],
    'demo_tenant': ['demo_tenant_auth_url'],
    'horizon': ['horizon_keystone_url'],
}
GLOBALS = {'ooo_keystone_port': 5999, 'ooo_public_scheme': 'https', 'ooo_public_vip': '10.0.0.5', 'ooo_internal_vip': '10.0.0.6',
           'ooo_bind_address': '10.0.0.7', 'ooo_region_name': 'regionOne'}


def render(role, name):
    return decide(role, '{{ %s }}' % name, **GLOBALS)


@pytest.mark.parametrize('role, name', [(r, n) for r, names in KEYSTONE_URLS.items() for n in names])
def test_the_keystone_url_follows_ooo_keystone_port(role, name):
    # The public address is https (ooo_public_scheme), the internal one http.
    assert re.match(r'^(https://10\.0\.0\.5|http://10\.0\.0\.6):5999(/v3)?$', render(role, name)), render(role, name)


def test_keystone_listens_on_ooo_keystone_port():
    assert render('keystone', 'keystone_port') == 5999


def test_no_role_or_playbook_writes_keystone_s_port_itself():
    files = [p for p in (ROOT / 'roles').glob('*/*/*') if p.suffix in ('.yml', '.j2')]
    files += list((ROOT / 'playbooks').glob('*.yml'))
    offenders = [str(p.relative_to(ROOT)) for p in files if re.search(r':5000\b', p.read_text(encoding='utf-8'))]
    assert offenders == []
