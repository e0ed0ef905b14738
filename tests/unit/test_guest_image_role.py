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


BINARY_PACKAGES = [
    {'package': 'dropbear-bin', 'version': '2025.89-1~deb13u1'},
    {'package': 'iputils-ping', 'version': '3:20240905-3'},
    {'package': 'dash', 'version': '0.5.12-12'},
]
BINARY_DEPENDS = [
    {'package': 'libc6', 'version': '2.41-12+deb13u5'},
    {'package': 'libtomcrypt1', 'version': '1.18.2+dfsg-7+b2'},
    {'package': 'zlib1g', 'version': '1:1.3.dfsg+really1.3.1-1+deb13u1'},
]


def role_vars():
    """Role defaults and the role's fixed vars, with the values the build step computes."""
    values = dict(load('defaults/main.yml'))
    values.update({k: v for k, v in load('vars/main.yml').items() if not (isinstance(v, str) and '{{' in v)})
    values.update({
        'ansible_managed': 'Ansible managed',
        '__guest_image_kernel': {'package': 'linux-image-6.12.117+deb13-amd64', 'version': '6.12.117-1'},
        '__guest_image_busybox': {'package': 'busybox-static', 'version': '1:1.37.0-6+b9'},
        '__guest_image_binary_package_versions': BINARY_PACKAGES,
        '__guest_image_binary_depends': BINARY_DEPENDS,
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
@pytest.mark.parametrize('root_login', [False, True])
@pytest.mark.parametrize('template', ['init.j2', 'udhcpc.script.j2', 'guest-image-build.sh.j2'])
def test_templates_are_valid_shell(tmp_path, template, root_login, shell):
    script = tmp_path / 'script'
    script.write_text(render(template, guest_image_root_login=root_login), encoding='utf-8')
    argv = [shell, 'sh', '-n', str(script)] if shell == 'busybox' else [shell, '-n', str(script)]
    subprocess.run(argv, check=True)


def test_build_script_pins_the_described_packages():
    text = render('guest-image-build.sh.j2')
    assert "KERNEL_PACKAGE=linux-image-6.12.117+deb13-amd64" in text
    assert "BUSYBOX_VERSION=1:1.37.0-6+b9" in text
    assert "PACKAGES='dropbear-bin=2025.89-1~deb13u1 iputils-ping=3:20240905-3 dash=0.5.12-12'" in text
    assert ("DEPENDS='libc6=2.41-12+deb13u5 libtomcrypt1=1.18.2+dfsg-7+b2 "
            "zlib1g=1:1.3.dfsg+really1.3.1-1+deb13u1'") in text
    assert ("BINARIES='usr/sbin/dropbear usr/bin/dropbearkey usr/bin/dbclient bin/ping bin/ping4 bin/ping6 "
            "bin/dash'") in text
    # A line of /etc/ooo-guest/version (the console's "init started") for each package of binaries.
    assert "'dropbear dropbear-bin 2025.89-1~deb13u1' 'ping iputils-ping 3:20240905-3' 'dash dash 0.5.12-12'" in text
    assert "LOGIN_USER=ooo" in text
    assert "LOGIN_SHELL=/bin/dash" in text
    assert "MODULES='virtio_net virtio_balloon'" in text
    assert "CLEAR_KERNEL_PADDING=yes" in text
    assert "CLEAR_KERNEL_PADDING=no" in render('guest-image-build.sh.j2', guest_image_kernel_clear_padding=False)


def test_init_refuses_root_unless_asked():
    text = render('init.j2')
    assert 'dropbear -F -E -s -w -p 22' in text
    assert 'for home in /home/ooo; do' in text
    assert 'for type in ed25519 ecdsa; do' in text
    text = render('init.j2', guest_image_root_login=True, guest_image_login_user='tester')
    assert 'dropbear -F -E -s -p 22' in text
    assert 'for home in /home/tester /root; do' in text


def test_init_lets_every_group_open_icmp_echo_sockets():
    """iputils' ping needs no root when the login user's group is in ping_group_range (as on Debian)."""
    text = render('init.j2')
    assert "echo '0 2147483647' > /proc/sys/net/ipv4/ping_group_range" in text
    assert text.index('mount -t proc') < text.index('ping_group_range')


def test_init_keeps_the_console_lines_the_tests_read():
    text = render('init.j2')
    for line in ('say "instance-id $id"', 'say "uuid ${uuid:-missing}"', 'say "sshd ready, port 22, uptime',
                 'say "hostkey $public"', 'say "hostkey-fingerprint $bits', 'say "user_data exit',
                 'say "ready, uptime'):
        assert line in text, line
    assert text.index('say "sshd ready') < text.index('say "user_data exit') < text.index('say "ready, uptime')


def init_keys(tmp_path, json_text, ec2_key=None):
    """The authorized_keys /init writes from meta_data.json (or, without it, the EC2 key)."""
    text = render('init.j2')
    part = text[text.index('# SSH keys:'):text.index('keys=$(grep -c')]
    part = part.replace('/run/ooo-guest', str(tmp_path))
    stub = ('metadata() { [ -n "$EC2_KEY" ] && printf "%s\\n" "$EC2_KEY"; }\n'
            if ec2_key else 'metadata() { return 2; }\n')
    script = tmp_path / 'keys.sh'
    script.write_text('json=$JSON\n' + stub + part, encoding='utf-8')
    env = dict(os.environ, JSON=json_text, EC2_KEY=ec2_key or '')
    subprocess.run([SHELLS[0], 'sh', str(script)] if SHELLS[0] == 'busybox' else [SHELLS[0], str(script)],
                   env=env, check=True)
    return (tmp_path / 'authorized_keys').read_text(encoding='utf-8')


def test_init_takes_each_key_of_meta_data_once(tmp_path):
    import json
    ed = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDt+9m54QlEVa/pdoYkoqr7ei8P1c8tMy2V00TRfDZlf demo@deploy'
    ecdsa = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY='
    meta = {'uuid': 'u', 'name': 'ssh-demo key', 'public_keys': {'demo': ed + '\n', 'other': ecdsa},
            'keys': [{'name': 'demo', 'type': 'ssh', 'data': ed + '\n'}, {'name': 'other', 'type': 'ssh', 'data': ecdsa},
                     {'name': 'cert', 'type': 'x509', 'data': '-----BEGIN CERTIFICATE-----\nMIIB\n'}]}
    assert init_keys(tmp_path, json.dumps(meta)) == ed + '\n' + ecdsa + '\n'
    assert init_keys(tmp_path, json.dumps({'uuid': 'u'})) == ''


def test_init_takes_the_ec2_key_without_meta_data(tmp_path):
    ed = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDt+9m54QlEVa/pdoYkoqr7ei8P1c8tMy2V00TRfDZlf demo'
    assert init_keys(tmp_path, '', ec2_key=ed) == ed + '\n'
    assert init_keys(tmp_path, '') == ''


@pytest.mark.parametrize('user', ['root', 'Ooo', '1ooo', 'o o', ''])
def test_build_refuses_a_bad_login_user(tmp_path, user):
    script = tmp_path / 'build.sh'
    script.write_text(render('guest-image-build.sh.j2', guest_image_login_user=user,
                             guest_image_build_dir=str(tmp_path / 'build')), encoding='utf-8')
    proc = subprocess.run([SHELLS[0], 'sh', str(script)] if SHELLS[0] == 'busybox' else [SHELLS[0], str(script)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and 'guest_image_login_user' in proc.stderr
    assert not (tmp_path / 'build').exists()


def heredoc(text, after):
    """The python program of a rendered script: the <<'PY' here-document after `after`."""
    start = text.index("<<'PY'\n", text.index(after)) + len("<<'PY'\n")
    return text[start:text.index('\nPY\n', start)]


HOST_LIBC = Path('/lib/x86_64-linux-gnu/libc.so.6')
HOST_LOADER = Path('/lib64/ld-linux-x86-64.so.2')


def merged_usr_tree(tree):
    """A merged-/usr package tree with this machine's dynamic loader; libc is the test's."""
    libdir = tree / 'usr/lib/x86_64-linux-gnu'
    libdir.mkdir(parents=True)
    (tree / 'usr/bin').mkdir()
    shutil.copy(HOST_LOADER.resolve(), libdir / 'ld-linux-x86-64.so.2')
    (tree / 'usr/lib64').mkdir()
    (tree / 'usr/lib64/ld-linux-x86-64.so.2').symlink_to('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2')
    return libdir


def library_walk(tree, root, *binaries):
    """The build's DT_NEEDED walk copying binaries (and what they need) from tree into root."""
    program = heredoc(render('guest-image-build.sh.j2'), 'DT_NEEDED')
    return subprocess.run(['python3', '-', str(tree), str(root), *binaries], input=program,
                          capture_output=True, text=True, check=False)


@pytest.mark.skipif(not (HOST_LIBC.exists() and HOST_LOADER.exists()), reason='needs an x86_64 glibc system')
def test_library_walk_copies_only_what_the_binaries_need(tmp_path):
    """The DT_NEEDED walk of the build, on a merged-/usr tree made of this machine's true and libc."""
    tree, root = tmp_path / 'tree', tmp_path / 'root'
    libdir = merged_usr_tree(tree)
    shutil.copy(shutil.which('true'), tree / 'usr/bin/true')
    shutil.copy(HOST_LIBC.resolve(), libdir / 'libc.so.6.real')
    (libdir / 'libc.so.6').symlink_to('libc.so.6.real')
    (libdir / 'libunused.so.1').write_bytes(b'not needed')
    proc = library_walk(tree, root, 'usr/bin/true')
    assert proc.returncode == 0, proc.stderr
    files = sorted(str(p.relative_to(root)) for p in root.rglob('*') if p.is_file())
    assert files == ['lib64/ld-linux-x86-64.so.2', 'usr/bin/true', 'usr/lib/x86_64-linux-gnu/libc.so.6']
    assert (root / 'usr/lib/x86_64-linux-gnu/libc.so.6').read_bytes() == HOST_LIBC.read_bytes()
    assert all(stat.S_IMODE(os.stat(root / f).st_mode) == 0o755 for f in files)

    (libdir / 'libc.so.6').unlink()
    proc = library_walk(tree, tmp_path / 'root2', 'usr/bin/true')
    assert proc.returncode != 0 and 'libc.so.6 (needed by usr/bin/true) is in none of the packages' in proc.stderr


@pytest.mark.skipif(not (HOST_LIBC.exists() and HOST_LOADER.exists()), reason='needs an x86_64 glibc system')
def test_library_walk_finds_binaries_below_usr_and_keeps_their_symlinks(tmp_path):
    """bin/ping of the image is usr/bin/ping of a merged-/usr package; ping6 -> ping stays a symlink."""
    tree, root = tmp_path / 'tree', tmp_path / 'root'
    libdir = merged_usr_tree(tree)
    shutil.copy(shutil.which('true'), tree / 'usr/bin/ping')
    (tree / 'usr/bin/ping6').symlink_to('ping')
    shutil.copy(HOST_LIBC.resolve(), libdir / 'libc.so.6')
    proc = library_walk(tree, root, 'bin/ping6', 'bin/ping')
    assert proc.returncode == 0, proc.stderr
    assert (root / 'bin/ping').read_bytes() == (tree / 'usr/bin/ping').read_bytes()
    assert os.readlink(root / 'bin/ping6') == 'ping'
    assert (root / 'usr/lib/x86_64-linux-gnu/libc.so.6').exists()

    proc = library_walk(tree, tmp_path / 'root2', 'bin/nothere')
    assert proc.returncode != 0 and 'bin/nothere: in none of the packages' in proc.stderr


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
    (tmp_path / 'net' / 'eth0').mkdir(parents=True)
    (tmp_path / 'net' / 'eth0' / 'mtu').write_text('1442\n', encoding='utf-8')
    text = render('udhcpc.script.j2')
    for path, new in (('/dev/console', tmp_path / 'console'), ('/run/ooo-guest', tmp_path / 'run'),
                      ('/etc/resolv.conf', tmp_path / 'etc' / 'resolv.conf'), ('/sys/class/net', tmp_path / 'net')):
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
    assert console.splitlines()[2] == 'ooo-guest: dhcp mtu 1442 (offered 1442)'
    assert 'ip link set dev eth0 mtu 1442' in ip_calls
    assert ip_calls.index('ip link set dev eth0 mtu 1442') < ip_calls.index('ip addr add 10.0.0.5/24 dev eth0')
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
    assert not [c for c in ip_calls if ' mtu ' in c]
    assert 'ooo-guest: dhcp mtu 1442 (offered none)' in console
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
    """An apt-cache that knows linux-image-amd64 (a meta-package), its kernel, busybox-static, and
    dropbear-bin with its Depends (an alternative whose first choice is virtual, a cycle)."""
    known = {
        'linux-image-amd64': 'Package: linux-image-amd64\nVersion: 6.12.117-1\n'
                             'Depends: linux-image-6.12.117+deb13-amd64 (= 6.12.117-1)\n',
        'linux-image-6.12.117+deb13-amd64': 'Package: linux-image-6.12.117+deb13-amd64\nVersion: 6.12.117-1\n'
                                            'Depends: kmod, linux-base (>= 4.3~)\n',
        'busybox-static': 'Package: busybox-static\nVersion: 1:1.37.0-6+b9\n',
        'dropbear-bin': 'Package: dropbear-bin\nVersion: 2025.89-1~deb13u1\n'
                        'Depends: libc6 (>= 2.38), libtomcrypt1 (>= 1.18.2),\n zlib1g (>= 1:1.1.4)\n'
                        'Description: lightweight SSH2 server\n',
        'libc6': 'Package: libc6\nVersion: 2.41-12+deb13u5\nDepends: libgcc-s1\n',
        'libgcc-s1': 'Package: libgcc-s1\nVersion: 14.2.0-19\nDepends: gcc-14-base (= 14.2.0-19), libc6 (>= 2.35)\n',
        'gcc-14-base': 'Package: gcc-14-base\nVersion: 14.2.0-19\n',
        'libtomcrypt1': 'Package: libtomcrypt1\nVersion: 1.18.2+dfsg-7+b2\n'
                        'Pre-Depends: libc6 (>= 2.14)\nDepends: libgmp-virtual | libgmp10 (>= 2:6.3.0+dfsg)\n',
        'libgmp10': 'Package: libgmp10\nVersion: 2:6.3.0+dfsg-3\n',
        'zlib1g': 'Package: zlib1g\nVersion: 1:1.3.dfsg+really1.3.1-1+deb13u1\nDepends: libc6:any (>= 2.14)\n',
        'dropbear-broken': 'Package: dropbear-broken\nVersion: 1\nDepends: libnothere1 | libnothere2\n',
        'iputils-ping': 'Package: iputils-ping\nVersion: 3:20240905-3\nDepends: libc6 (>= 2.38), libcap2 (>= 1:2.10)\n',
        'libcap2': 'Package: libcap2\nVersion: 1:2.75-10+deb13u1+b3\nDepends: libc6 (>= 2.38)\n',
    }
    bindir = tmp_path / 'bin'
    bindir.mkdir()
    for name, text in known.items():
        (tmp_path / name).write_text(text, encoding='utf-8')
    script = bindir / 'apt-cache'
    # Like apt-cache: a record per known name, blank lines between; unknown names only warn.
    script.write_text('#!/bin/sh\nshift 2\nfor name; do\n'
                      '  if [ -f "%s/$name" ]; then cat "%s/$name"; echo; '
                      'else echo "N: Unable to locate package $name" >&2; fi\ndone\n'
                      'echo "$*" >> "%s/calls"\n' % (tmp_path, tmp_path, tmp_path), encoding='utf-8')
    script.chmod(0o755)
    return dict(os.environ, PATH='%s:%s' % (bindir, os.environ['PATH']))


def test_lookup_follows_the_kernel_meta_package(apt_cache):
    found = yaml.safe_load(run_file('guest_image_lookup.py', 'linux-image-amd64', 'busybox-static', 'dropbear-bin',
                                    env=apt_cache).stdout)
    assert found['kernel'] == {'package': 'linux-image-6.12.117+deb13-amd64', 'version': '6.12.117-1'}
    assert found['busybox'] == {'package': 'busybox-static', 'version': '1:1.37.0-6+b9'}
    found = yaml.safe_load(run_file('guest_image_lookup.py', 'linux-image-6.12.117+deb13-amd64', 'busybox-static',
                                    'dropbear-bin', env=apt_cache).stdout)
    assert found['kernel']['package'] == 'linux-image-6.12.117+deb13-amd64'


def test_lookup_lists_the_closure_of_dropbears_depends(apt_cache):
    found = yaml.safe_load(run_file('guest_image_lookup.py', 'linux-image-amd64', 'busybox-static', 'dropbear-bin',
                                    env=apt_cache).stdout)
    assert found['packages'] == [{'package': 'dropbear-bin', 'version': '2025.89-1~deb13u1'}]
    assert found['depends'] == [
        {'package': 'gcc-14-base', 'version': '14.2.0-19'},
        {'package': 'libc6', 'version': '2.41-12+deb13u5'},
        {'package': 'libgcc-s1', 'version': '14.2.0-19'},
        {'package': 'libgmp10', 'version': '2:6.3.0+dfsg-3'},
        {'package': 'libtomcrypt1', 'version': '1.18.2+dfsg-7+b2'},
        {'package': 'zlib1g', 'version': '1:1.3.dfsg+really1.3.1-1+deb13u1'},
    ]


def test_lookup_lists_the_packages_in_order_and_one_closure_of_their_depends(apt_cache):
    found = yaml.safe_load(run_file('guest_image_lookup.py', 'linux-image-amd64', 'busybox-static', 'iputils-ping',
                                    'dropbear-bin', env=apt_cache).stdout)
    assert [p['package'] for p in found['packages']] == ['iputils-ping', 'dropbear-bin']
    assert [p['package'] for p in found['depends']] == [
        'gcc-14-base', 'libc6', 'libcap2', 'libgcc-s1', 'libgmp10', 'libtomcrypt1', 'zlib1g']


def test_lookup_reads_a_level_of_dependencies_at_a_time(apt_cache, tmp_path):
    run_file('guest_image_lookup.py', 'linux-image-amd64', 'busybox-static', 'dropbear-bin', env=apt_cache)
    assert (tmp_path / 'calls').read_text(encoding='utf-8').splitlines() == [
        'linux-image-amd64 busybox-static dropbear-bin',
        'linux-image-6.12.117+deb13-amd64',
        'libc6 libtomcrypt1 zlib1g',
        'libgcc-s1 libgmp-virtual libgmp10',
        'gcc-14-base',
    ]


def test_lookup_of_an_unknown_package_names_it_and_the_variable(apt_cache):
    proc = run_file('guest_image_lookup.py', 'linux-image-nope', 'busybox-static', 'dropbear-bin', env=apt_cache)
    assert proc.returncode != 0
    assert "no package 'linux-image-nope'" in proc.stderr and 'guest_image_kernel_package' in proc.stderr
    proc = run_file('guest_image_lookup.py', 'linux-image-amd64', 'busybox-static', 'dropbear-nope', env=apt_cache)
    assert proc.returncode != 0 and 'guest_image_dropbear_package' in proc.stderr


def test_lookup_of_a_dependency_without_candidate_names_it(apt_cache):
    proc = run_file('guest_image_lookup.py', 'linux-image-amd64', 'busybox-static', 'dropbear-broken', env=apt_cache)
    assert proc.returncode != 0
    assert "'libnothere1 | libnothere2' (a dependency of dropbear-broken)" in proc.stderr
