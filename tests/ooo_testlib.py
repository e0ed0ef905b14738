"""What the lab, undercloud and overcloud suites share: the lab inventory and waiting."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The clouds' CA certificate on the deploy host (ooo_tls_ca_file, clouds.yaml's cacert).
TLS_CA_FILE = Path(os.path.expanduser("~/.config/openstack/ooo-ca.crt"))


@functools.lru_cache(maxsize=None)
def inventory(path="inventories/lab"):
    """An inventory as Ansible sees it (group_vars applied, plugin values unwrapped)."""
    exe = ROOT / ".venv" / "bin" / "ansible-inventory"
    out = subprocess.run([str(exe) if exe.exists() else "ansible-inventory", "-i", str(ROOT / path), "--list"],
                         check=True, capture_output=True, text=True, cwd=ROOT,
                         env=dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"))).stdout
    return plain(json.loads(out))


def plain(value):
    """ansible-inventory marks values from an inventory plugin as unsafe: {"__ansible_unsafe": v}."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def group_hosts(listed, group):
    """Every host of a group of an ``ansible-inventory --list`` output, children included."""
    entry = listed.get(group, {})
    hosts = set(entry.get("hosts", []))
    for child in entry.get("children", []):
        hosts |= group_hosts(listed, child)
    return hosts


def lab_nodes(group="all"):
    """The lab's nodes of a group: name -> {network: address}."""
    listed = inventory()
    hostvars = listed["_meta"]["hostvars"]
    names = set(hostvars) if group == "all" else group_hosts(listed, group)
    return {name: hostvars[name]["ooo_node_addresses"] for name in sorted(names)}


# The lab's SSH config (lab.py writes it) and podman settings (netavark: without them podman
# would look for CNI networks).
SSH_CONFIG = ROOT / ".lab" / "ssh" / "config"
PODMAN_ENV = dict(os.environ, CONTAINERS_CONF=str(ROOT / "lab" / "containers.conf"))


def on_node(node, command, timeout=60):
    """A command on a lab node as root, over the lab's SSH config."""
    return subprocess.run(["ssh", "-F", str(SSH_CONFIG), node, command], capture_output=True, text=True,
                          timeout=timeout, check=False)


def restart_node(node):
    """Restart a lab node's container (as a reboot) and wait until systemd has booted it."""
    subprocess.run(["podman", "restart", "--time", "10", node], check=True, capture_output=True, timeout=120,
                   env=PODMAN_ENV)
    wait_until("%s to boot" % node,
               lambda: on_node(node, "systemctl is-system-running --wait", timeout=120).stdout.strip()
               in ("running", "degraded"), timeout=180, interval=3)


def wait_until(what, probe, timeout, interval=2.0):
    """probe()'s first true value; fails naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %ds waiting for %s" % (timeout, what))
        time.sleep(interval)


def hard_reboot(conn, server):
    """Hard-reboot a server and wait until it is ACTIVE again; ERROR fails at once."""
    conn.compute.reboot_server(server, "HARD")
    # wait_for_server would return at once: the server object it is given still says ACTIVE.
    # Until the reboot ends, the console is a 404 (libvirt's domain is being made again).

    def rebooted():
        now = conn.compute.get_server(server.id)
        if now.status == "ERROR":
            raise AssertionError("%s went to ERROR in its hard reboot: %s" % (server.name, now.fault))
        return now.status == "ACTIVE" and not now.task_state
    wait_until("%s to come back from its hard reboot" % server.name, rebooted, timeout=120, interval=3)


def guest_console(conn, server, timeout=240):
    """The console log of a test guest once it printed what the metadata service told it.

    The lab's OVS runs the userspace datapath, which can open a guest's tap while libvirt
    has not brought it up yet and then never reads from it ("error receiving data from tap…:
    Network is down" in ovs-vswitchd.log): the guest gets no DHCP lease. A guest without a
    lease halfway through is hard-rebooted once (Nova plugs its port again), and the test says
    so; a second miss fails the test.
    """
    def printed_metadata():
        log = conn.compute.get_server_console_output(server)["output"]
        return log if "ooo-guest: uuid" in log else None

    try:
        return wait_until("the guest of %s to print its metadata" % server.name, printed_metadata,
                          timeout=timeout / 2, interval=5)
    except AssertionError:
        log = conn.compute.get_server_console_output(server)["output"]
        if "ooo-guest: dhcp lease " in log:
            raise
    warnings.warn("%s got no DHCP lease in %d s; hard-rebooted it once (the lab's userspace OVS "
                  "datapath can miss a tap that comes up late)" % (server.name, timeout / 2))
    hard_reboot(conn, server)
    return wait_until("the guest of %s to print its metadata after a hard reboot" % server.name,
                      printed_metadata, timeout=timeout / 2, interval=5)


# --- guests you log in to -------------------------------------------------------------------

GUEST_USER = "ooo"
DEMO_KEY = ROOT / "inventories" / "secrets" / "lab" / "overcloud-demo_id_ed25519"


def guest_host_keys(console):
    """The host keys a guest printed on its console: ["ssh-ed25519 AAAA…", …]."""
    keys = []
    for line in console.splitlines():
        parts = line.strip().split()
        if len(parts) >= 4 and parts[:2] == ["ooo-guest:", "hostkey"]:
            keys.append("%s %s" % (parts[2], parts[3]))
    return keys


def wait_for_sshd(conn, server, timeout=240):
    """The console once the guest's sshd runs; its host keys are on it."""
    def ready():
        log = conn.compute.get_server_console_output(server)["output"]
        return log if "ooo-guest: sshd ready" in log else None
    guest_console(conn, server, timeout=timeout)
    return wait_until("the sshd of %s" % server.name, ready, timeout=timeout, interval=3)


class Guest:
    """SSH into a test guest as its login user, its host key verified against its console."""

    def __init__(self, address, host_keys, tmp_dir, key=DEMO_KEY, jump=None, user=GUEST_USER):
        self.address, self.key, self.jump, self.user = address, key, jump, user
        self.known_hosts = Path(tmp_dir) / ("known_hosts-%s" % address)
        lines = ["%s %s" % (address, k) for k in host_keys]
        if jump is not None:
            lines += Path(jump.known_hosts).read_text().splitlines()
        self.known_hosts.write_text("\n".join(lines) + "\n")

    def argv(self, command, connect_timeout=10):
        argv = ["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=%d" % connect_timeout,
                "-o", "UserKnownHostsFile=%s" % self.known_hosts, "-o", "StrictHostKeyChecking=yes",
                "-o", "IdentitiesOnly=yes", "-o", "ControlMaster=no", "-i", str(self.key)]
        if self.jump is not None:
            argv += ["-o", "ProxyCommand=ssh -W %%h:%%p -o BatchMode=yes -o UserKnownHostsFile=%s "
                     "-o StrictHostKeyChecking=yes -o IdentitiesOnly=yes -i %s %s@%s"
                     % (self.known_hosts, self.jump.key, self.jump.user, self.jump.address)]
        return argv + ["%s@%s" % (self.user, self.address), command]

    def run(self, command, timeout=60, connect_timeout=10):
        # errors="replace": a command may print binary (nc to an sshd shows its key exchange).
        return subprocess.run(self.argv(command, connect_timeout), capture_output=True, text=True,
                              errors="replace", timeout=timeout, check=False)

    def check(self, command, timeout=60):
        proc = self.run(command, timeout=timeout)
        assert proc.returncode == 0, "ssh %s@%s %r: exit %d\n%s%s" % (
            self.user, self.address, command, proc.returncode, proc.stdout, proc.stderr)
        return proc.stdout

    def reachable(self, connect_timeout=5):
        try:
            return self.run("true", timeout=connect_timeout + 10, connect_timeout=connect_timeout).returncode == 0
        except subprocess.TimeoutExpired:
            return False


def pings(address, count=1, timeout=2):
    """Whether `address` answers ICMP from this machine (the lab's own bridges only)."""
    return subprocess.run(["ping", "-n", "-q", "-c", str(count), "-W", str(timeout), address],
                          capture_output=True, check=False).returncode == 0


def ansible_playbook(*args, timeout=900):
    """ansible-playbook on the lab inventory, as `make deploy` runs it; the finished process."""
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".build" / "collections"))
    return subprocess.run([str(ROOT / ".venv" / "bin" / "ansible-playbook"), "-i", str(ROOT / "inventories" / "lab"),
                           *[str(arg) for arg in args]],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout, check=False)


def verified_certificate(host, port):
    """The certificate an https endpoint serves, once its chain and its name (host) verified
    against the clouds' CA (TLS_CA_FILE); ssl.SSLCertVerificationError when they do not."""
    import socket  # pylint: disable=import-outside-toplevel
    import ssl  # pylint: disable=import-outside-toplevel

    from cryptography import x509  # pylint: disable=import-outside-toplevel

    context = ssl.create_default_context(cafile=str(TLS_CA_FILE))
    with socket.create_connection((host, port), timeout=15) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            return x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))


def run_module(module, **args):
    """Run an ooo.cloud module on the deploy host as a playbook task would; its result."""
    exe = ROOT / ".venv" / "bin" / "ansible"
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_LOAD_CALLBACK_PLUGINS="1",
               ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json")
    proc = subprocess.run([str(exe), "localhost", "-c", "local", "-i", "localhost,",
                           "-e", "ansible_python_interpreter=%s" % (ROOT / ".venv" / "bin" / "python"),
                           "-m", "ooo.cloud.%s" % module, "-a", json.dumps(args)],
                          capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    try:
        # The JSON document; other callbacks (profile_tasks) may print around it.
        document = json.JSONDecoder().raw_decode(proc.stdout[proc.stdout.index("{"):])[0]
        result = document["plays"][0]["tasks"][0]["hosts"]["localhost"]
    except (ValueError, KeyError, IndexError) as err:
        raise AssertionError("ooo.cloud.%s gave no result (%s):\n%s\n%s" % (module, err, proc.stdout, proc.stderr))
    assert not result.get("failed"), "ooo.cloud.%s failed: %s" % (module, result.get("msg"))
    return result


# --- resources a test makes on a cloud -------------------------------------------------------

class MadeResources:
    """What a test made on a cloud, kept in order and deleted in reverse at the end.

    Subclasses build; keep() records each resource as (kind, resource). Cleanup goes on past a
    failure and prints the leftover, so one stuck resource does not hide the others.
    """

    def __init__(self, admin, tmp_dir):
        self.admin, self.tmp_dir = admin, tmp_dir
        self.made = []  # (kind, resource), deleted in reverse order

    def keep(self, kind, resource):
        self.made.append((kind, resource))
        return resource

    def delete(self):
        net, compute = self.admin.network, self.admin.compute
        for kind, resource in reversed(self.made):
            try:
                if kind == "server":
                    compute.delete_server(resource)
                    compute.wait_for_delete(resource, wait=120)
                elif kind == "floating_ip":
                    net.delete_ip(resource)
                elif kind == "interface":
                    router, subnet = resource
                    net.remove_interface_from_router(router, subnet_id=subnet.id)
                elif kind == "keypair":
                    compute.delete_keypair(resource)
                else:
                    getattr(net, "delete_%s" % kind)(resource)
            except Exception as err:  # noqa: BLE001 - cleanup goes on; the leftover is reported
                print("cleanup of %s %s failed: %s" % (kind, getattr(resource, "name", resource), err))


def delete_leftovers(admin, prefix):
    """What an interrupted earlier run left behind: servers, floating IPs (by description),
    routers, networks and security groups named prefix…, and the keypair prefix-key."""
    for server in admin.compute.servers(all_projects=True):
        if server.name.startswith(prefix):
            admin.compute.delete_server(server)
            admin.compute.wait_for_delete(server, wait=120)
    for kind in ("ips", "routers", "networks", "security_groups"):
        for resource in getattr(admin.network, kind)():
            label = resource.description if kind == "ips" else resource.name
            if (label or "").startswith(prefix):
                if kind == "routers":
                    for port in admin.network.ports(device_id=resource.id, device_owner="network:router_interface"):
                        admin.network.remove_interface_from_router(resource, port_id=port.id)
                getattr(admin.network, "delete_%s" % kind.rstrip("s"))(resource)
    if admin.compute.find_keypair("%s-key" % prefix):
        admin.compute.delete_keypair("%s-key" % prefix)
