# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""The guest_image role: documented variables, and its shell templates rendered and run with stubs."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

ROLE = Path(__file__).resolve().parents[2] / 'roles' / 'guest_image'
SHELLS = [s for s in ('dash', 'busybox') if shutil.which(s)] or ['sh']


def load(path):
    with open(ROLE / path, encoding='utf-8') as f:
        return yaml.safe_load(f)


def role_vars():
    """Role defaults with the values the build step computes."""
    values = dict(load('defaults/main.yml'))
    values.update({
        'ansible_managed': 'Ansible managed',
        '__guest_image_kernel': {'package': 'linux-image-6.12.117+deb13-amd64', 'version': '6.12.117-1'},
        '__guest_image_busybox': {'package': 'busybox-static', 'version': '1:1.37.0-6+b9'},
    })
    return values


def render(name, **extra):
    """A template of the role rendered by Ansible's templar with the role defaults."""
    values = {k: trust_as_template(v) if isinstance(v, str) else v for k, v in role_vars().items()}
    values.update(extra)
    text = (ROLE / 'templates' / name).read_text(encoding='utf-8')
    return Templar(loader=DataLoader(), variables=values).template(trust_as_template(text))


def test_every_default_is_documented():
    defaults = load('defaults/main.yml')
    options = load('meta/argument_specs.yml')['argument_specs']['main']['options']
    assert sorted(defaults) == sorted(options)
    for name, value in defaults.items():
        assert name.startswith('guest_image_')
        assert options[name].get('description'), name
        if not (isinstance(value, str) and '{{' in value):
            assert options[name].get('default') == value, name


@pytest.mark.parametrize('shell', SHELLS)
@pytest.mark.parametrize('template', ['init.j2', 'udhcpc.script.j2', 'guest-image-build.sh.j2'])
def test_templates_are_valid_shell(tmp_path, template, shell):
    script = tmp_path / 'script'
    script.write_text(render(template), encoding='utf-8')
    argv = [shell, 'sh', '-n', str(script)] if shell == 'busybox' else [shell, '-n', str(script)]
    subprocess.run(argv, check=True)


def test_build_script_pins_the_described_packages():
    text = render('guest-image-build.sh.j2')
    assert "KERNEL_PACKAGE=linux-image-6.12.117+deb13-amd64" in text
    assert "BUSYBOX_VERSION=1:1.37.0-6+b9" in text
    assert "MODULES=virtio_net" in text
    assert "CLEAR_KERNEL_PADDING=yes" in text
    assert "CLEAR_KERNEL_PADDING=no" in render('guest-image-build.sh.j2', guest_image_kernel_clear_padding=False)


@pytest.fixture
def udhcpc(tmp_path):
    """The udhcpc event script with its absolute paths moved into tmp_path and `ip` recorded."""
    bindir = tmp_path / 'bin'
    bindir.mkdir()
    ip = bindir / 'ip'
    ip.write_text('#!/bin/sh\necho "ip $*" >> "%s"\n' % (tmp_path / 'ip.log'), encoding='utf-8')
    ip.chmod(ip.stat().st_mode | stat.S_IXUSR)
    (tmp_path / 'run').mkdir()
    (tmp_path / 'etc').mkdir()
    text = render('udhcpc.script.j2')
    for path, new in (('/dev/console', tmp_path / 'console'), ('/run/ooo-guest', tmp_path / 'run'),
                      ('/etc/resolv.conf', tmp_path / 'etc' / 'resolv.conf')):
        assert path in text
        text = text.replace(path, str(new))
    script = tmp_path / 'default.script'
    script.write_text(text, encoding='utf-8')

    def run(event, **env):
        full = {'PATH': '%s:%s' % (bindir, os.environ['PATH']), 'interface': 'eth0'}
        full.update(env)
        subprocess.run([SHELLS[0], 'sh', str(script), event] if SHELLS[0] == 'busybox' else
                       [SHELLS[0], str(script), event], env=full, check=True)
        log = tmp_path / 'ip.log'
        lines = log.read_text(encoding='utf-8').splitlines() if log.exists() else []
        console = tmp_path / 'console'
        return lines, console.read_text(encoding='utf-8') if console.exists() else ''
    return run


def test_lease_with_classless_routes(udhcpc, tmp_path):
    ip_calls, console = udhcpc('bound', ip='10.0.0.5', mask='24', serverid='10.0.0.2', router='10.0.0.1',
                               staticroutes='169.254.169.254/32 10.0.0.2 0.0.0.0/0 10.0.0.1 10.0.1.0/24 0.0.0.0',
                               dns='10.0.0.3', mtu='1442')
    assert console.splitlines()[0] == 'ooo-guest: dhcp lease 10.0.0.5 from 10.0.0.2'
    assert console.splitlines()[1].startswith('ooo-guest: dhcp routes ')
    assert 'ip link set dev eth0 mtu 1442' in ip_calls
    assert 'ip addr add 10.0.0.5/24 dev eth0' in ip_calls
    assert 'ip route replace 169.254.169.254/32 via 10.0.0.2 dev eth0' in ip_calls
    assert 'ip route replace 0.0.0.0/0 via 10.0.0.1 dev eth0' in ip_calls
    assert 'ip route replace 10.0.1.0/24 dev eth0' in ip_calls
    assert not [c for c in ip_calls if c.startswith('ip route replace default')]
    assert (tmp_path / 'etc' / 'resolv.conf').read_text(encoding='utf-8') == 'nameserver 10.0.0.3\n'


def test_lease_with_router_only_is_reported_once(udhcpc):
    ip_calls, console = udhcpc('bound', ip='10.0.0.5', mask='24', serverid='10.0.0.2', router='10.0.0.1 10.0.0.9',
                               broadcast='10.0.0.255')
    assert 'ip addr add 10.0.0.5/24 broadcast 10.0.0.255 dev eth0' in ip_calls
    assert ['ip route replace default via 10.0.0.1 dev eth0'] == [c for c in ip_calls if 'route replace' in c]
    ip_calls, console = udhcpc('renew', ip='10.0.0.5', mask='24', serverid='10.0.0.2', router='10.0.0.1')
    assert console.count('dhcp lease') == 1
    assert console.count('dhcp routes') == 1


def run_file(name, *args, env=None):
    """A script of the role's files/ run as the tasks run it: python3 -c <its text> args."""
    text = (ROLE / 'files' / name).read_text(encoding='utf-8')
    return subprocess.run(['python3', '-c', text, *args], capture_output=True, text=True, env=env, check=False)


def test_probe_reads_the_last_build(tmp_path):
    (tmp_path / 'manifest.json').write_text('{"format": 1}', encoding='utf-8')
    (tmp_path / 'vmlinuz').write_bytes(b'kernel')
    found = yaml.safe_load(run_file('guest_image_probe.py', str(tmp_path), 'vmlinuz', 'disk.raw').stdout)
    assert found['manifest'] == {'format': 1}
    assert found['files'] == {'vmlinuz': hashlib.md5(b'kernel').hexdigest()}
    assert isinstance(found['indexes_age'], int)


def test_probe_of_a_node_that_never_built(tmp_path):
    found = yaml.safe_load(run_file('guest_image_probe.py', str(tmp_path / 'none'), 'vmlinuz').stdout)
    assert found['manifest'] is None and found['files'] == {}


@pytest.fixture
def apt_cache(tmp_path):
    """An apt-cache that knows linux-image-amd64 (a meta-package), its kernel and busybox-static."""
    known = {
        'linux-image-amd64': 'Package: linux-image-amd64\nVersion: 6.12.117-1\n'
                             'Depends: linux-image-6.12.117+deb13-amd64 (= 6.12.117-1)\n',
        'linux-image-6.12.117+deb13-amd64': 'Package: linux-image-6.12.117+deb13-amd64\nVersion: 6.12.117-1\n'
                                            'Depends: kmod, linux-base (>= 4.3~)\n',
        'busybox-static': 'Package: busybox-static\nVersion: 1:1.37.0-6+b9\n',
    }
    bindir = tmp_path / 'bin'
    bindir.mkdir()
    for name, text in known.items():
        (tmp_path / name).write_text(text, encoding='utf-8')
    script = bindir / 'apt-cache'
    script.write_text('#!/bin/sh\nfor last; do :; done\ncat "%s/$last" 2>/dev/null || '
                      '{ echo "E: No packages found" >&2; exit 100; }\n' % tmp_path, encoding='utf-8')
    script.chmod(0o755)
    return dict(os.environ, PATH='%s:%s' % (bindir, os.environ['PATH']))


def test_lookup_follows_the_kernel_meta_package(apt_cache):
    found = yaml.safe_load(run_file('guest_image_lookup.py', 'linux-image-amd64', 'busybox-static', env=apt_cache).stdout)
    assert found == {'kernel': {'package': 'linux-image-6.12.117+deb13-amd64', 'version': '6.12.117-1'},
                     'busybox': {'package': 'busybox-static', 'version': '1:1.37.0-6+b9'}}
    found = yaml.safe_load(run_file('guest_image_lookup.py', 'linux-image-6.12.117+deb13-amd64', 'busybox-static',
                                    env=apt_cache).stdout)
    assert found['kernel']['package'] == 'linux-image-6.12.117+deb13-amd64'


def test_lookup_of_an_unknown_package_names_it_and_the_variable(apt_cache):
    proc = run_file('guest_image_lookup.py', 'linux-image-nope', 'busybox-static', env=apt_cache)
    assert proc.returncode != 0
    assert "no package 'linux-image-nope'" in proc.stderr and 'guest_image_kernel_package' in proc.stderr
