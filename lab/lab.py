"""The ooo.cloud lab: Debian 13 systemd containers under rootful podman.

    lab.py validate   check inventories/lab without touching anything
    lab.py image      build the node image if its inputs changed (cached by content hash)
    lab.py up         image, networks, apt proxy and nodes; waits until every node boots
    lab.py down       remove every container, network and chain the lab made
    lab.py status     what is running

The nodes, their networks and addresses come from the inventory (read with
ansible-inventory, so group_vars apply exactly as in a playbook). Everything the
lab makes carries the label ``ooo.lab=<lab name>``; teardown removes by label.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import ipaddress
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAB_DIR = Path(__file__).resolve().parent
STATE = ROOT / ".lab"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ooo.cloud" / "lab"
LAB_NAME = os.environ.get("OOO_LAB_NAME", "ooo-lab")
LABEL = "ooo.lab=%s" % LAB_NAME
# The image's own label: a container inherits its image's labels, so with LABEL on the image
# every container made from it, also someone else's, would count as a node of the lab (and
# be removed by its teardown).
IMAGE_LABEL = "ooo.lab.image=%s" % LAB_NAME
IMAGE_REPO = "localhost/%s-node" % LAB_NAME
PROXY_PORT = 3142
# The lab (its nodes, bridges and the proxy's address) is one per machine, whichever checkout
# made it: the proxy's pid lives beside the machine-wide cache, so any checkout stops it.
PROXY_PIDFILE = CACHE / ("%s-apt-proxy.pid" % LAB_NAME)
PROXY_LOG = CACHE / ("%s-apt-proxy.log" % LAB_NAME)

# The node image: what debootstrap puts in it. Part of the image's content hash.
IMAGE_SUITE = os.environ.get("OOO_LAB_SUITE", "trixie")
IMAGE_MIRROR = os.environ.get("OOO_LAB_MIRROR", "http://deb.debian.org/debian")
IMAGE_PACKAGES = [
    "systemd", "systemd-sysv", "dbus", "openssh-server", "python3", "python3-apt", "sudo",
    "iproute2", "iputils-ping", "procps", "ca-certificates", "apt-utils", "less", "netcat-openbsd",
]
# Nodes run Neutron agents, OVS and libvirt: they need to create bridges, namespaces and taps.
NODE_RUN_FLAGS = ["--privileged", "--systemd=always", "--no-hosts", "--dns=none",
                  "--device=/dev/net/tun", "--tmpfs=/tmp", "--stop-timeout=20"]
BOOT_TIMEOUT = 60
CONTAINERS_CONF = LAB_DIR / "containers.conf"
# Where podman keeps the networks of its CNI backend: a lab made under CNI leaves them there.
CNI_CONFIG_DIR = Path("/etc/cni/net.d")
# Host directories bind-mounted into the nodes (a node's `lab_data_dirs`), one tree per node:
# data that needs a real filesystem (Ceph's BlueStore files: the overlay root is slow and
# refuses O_DIRECT) and belongs to the node, so it goes with the node at `lab down`.
DATA_DIRS = CACHE / ("%s-data" % LAB_NAME)


class LabError(Exception):
    """A problem the operator must fix; printed without a traceback."""


def log(message):
    print("lab: %s" % message, flush=True)


def run(cmd, check=True, capture=True, env=None, input_data=None):
    merged = dict(os.environ, CONTAINERS_CONF=str(LAB_DIR / "containers.conf"))
    merged.update(env or {})
    proc = subprocess.run(cmd, check=False, text=True, env=merged, input=input_data,
                          stdout=subprocess.PIPE if capture else None,
                          stderr=subprocess.PIPE if capture else None)
    if check and proc.returncode != 0:
        command = " ".join(map(str, cmd))
        raise LabError("command failed (%d): %s\n%s" % (proc.returncode, command, (proc.stderr or "").strip()))
    return proc


def podman(*args, check=True):
    return run(["podman", *args], check=check)


def _network_plan():
    spec = importlib.util.spec_from_file_location(
        "network_plan", ROOT / "plugins" / "module_utils" / "network_plan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- inventory -----------------------------------------------------------------------------

def load_inventory(inventory):
    """Nodes and networks of the lab, as Ansible sees them."""
    cmd = [str(ROOT / ".venv" / "bin" / "ansible-inventory"), "-i", str(inventory), "--list"]
    if not Path(cmd[0]).exists():
        cmd[0] = "ansible-inventory"
    proc = run(cmd, check=False, env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"})
    if proc.returncode != 0:
        raise LabError("cannot read the inventory %s:\n%s" % (inventory, proc.stderr.strip()))
    data = json.loads(proc.stdout)
    hostvars = data.get("_meta", {}).get("hostvars", {})
    if not hostvars:
        raise LabError("inventory %s lists no hosts" % inventory)
    networks = next((v["ooo_networks"] for v in hostvars.values() if "ooo_networks" in v), None)
    nodes = {name: hv.get("ooo_node_addresses") for name, hv in hostvars.items()}
    return nodes, networks, hostvars


def data_dirs(name, hostvars):
    """The node's `lab_data_dirs` as (host directory, path in the node) pairs."""
    paths = hostvars.get("lab_data_dirs") or []
    if not isinstance(paths, list) or not all(isinstance(p, str) and p.startswith("/") for p in paths):
        raise LabError("node '%s': lab_data_dirs: %r is not a list of absolute paths" % (name, paths))
    return [(DATA_DIRS / name / path.strip("/").replace("/", "_"), path) for path in paths]


def validate(inventory):
    plan = _network_plan()
    nodes, networks, hostvars = load_inventory(inventory)
    if networks is None:
        raise LabError("inventory %s: no 'ooo_networks' defined (put it in group_vars/all)" % inventory)
    errors = plan.validate_networks(networks)
    errors += plan.validate_node_addresses(nodes, networks, field="ooo_node_addresses")
    for name, hv in sorted(hostvars.items()):
        addresses = hv.get("ooo_node_addresses") or {}
        if not isinstance(addresses, dict):
            continue  # the plan's node check names it
        if "ctlplane" not in addresses:
            errors.append("node '%s': ooo_node_addresses.ctlplane: missing; Ansible reaches nodes on ctlplane"
                          % name)
        elif hv.get("ansible_host") not in (None, addresses["ctlplane"]):
            errors.append("node '%s': ansible_host: %s differs from ooo_node_addresses.ctlplane %s"
                          % (name, hv["ansible_host"], addresses["ctlplane"]))
        try:
            data_dirs(name, hv)
        except LabError as err:
            errors.append(str(err))
    if isinstance(networks, dict):
        errors += validate_lab_networks(networks, host_routes())
    if errors:
        raise LabError("invalid lab inventory %s (nothing was changed):\n  - %s"
                       % (inventory, "\n  - ".join(errors)))
    return nodes, networks, hostvars


def host_routes():
    """The host's IPv4 and IPv6 routes as `ip -json route` prints them (empty without `ip`)."""
    routes = []
    for family in ("-4", "-6"):
        try:
            proc = run(["ip", "-json", family, "route", "show", "table", "all"], check=False)
        except FileNotFoundError:
            return []
        if proc.returncode == 0 and proc.stdout.strip():
            routes += json.loads(proc.stdout)
    return routes


def validate_lab_networks(networks, routes):
    """What the lab needs of each network beyond the plan: a gateway, and a range of its own.

    The gateway is this machine's address on the network's bridge (the nodes reach the apt
    proxy and Ansible's host through it). A subnet the host already routes elsewhere (its
    uplink, another bridge, a VPN) would shadow or be shadowed by that route.
    """
    errors = []
    for name, spec in sorted(networks.items()):
        if not isinstance(spec, dict):
            continue  # the plan's own validation names it
        if not spec.get("gateway"):
            errors.append("network '%s': gateway: missing; the lab host takes that address on the network's "
                          "bridge, so every lab network needs one (e.g. the first address of its cidr)" % name)
        try:
            cidr = ipaddress.ip_network(str(spec.get("cidr")))
        except ValueError:
            continue  # the plan's own validation names it
        for route in routes:
            dst = route.get("dst")
            if not dst or dst == "default" or route.get("type", "unicast") not in ("unicast", None):
                continue
            try:
                routed = ipaddress.ip_network(dst, strict=False)
            except ValueError:
                continue
            if routed.version != cidr.version or not routed.overlaps(cidr):
                continue
            # The lab's own bridge (the lab is up): exactly this subnet, with the gateway as source.
            if routed == cidr and route.get("prefsrc") == str(spec.get("gateway")):
                continue
            via = route.get("dev") or route.get("gateway") or "?"
            errors.append("network '%s': cidr: %s overlaps %s, which this machine already routes via %s; "
                          "pick a range that exists only on the lab's bridges (or remove what owns %s)"
                          % (name, cidr, routed, via, via))
    return errors


# --- ground checks (before anything is created) ---------------------------------------------

def pinned_network_backend():
    """The network backend lab/containers.conf pins (podman must not pick one by itself)."""
    try:
        conf = tomllib.loads(CONTAINERS_CONF.read_text())
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise LabError("cannot read %s: %s" % (CONTAINERS_CONF, err)) from err
    backend = conf.get("network", {}).get("network_backend")
    if not backend:
        raise LabError("%s pins no [network] network_backend; podman would pick one by itself "
                       "(CNI where netavark is missing): set network_backend = \"netavark\"" % CONTAINERS_CONF)
    return backend


def check_network_backend():
    """podman uses the pinned backend: under CNI the lab's internal bridges get no host address."""
    pinned = pinned_network_backend()
    proc = podman("info", "--format", "{{.Host.NetworkBackend}}", check=False)
    if proc.returncode != 0:
        raise LabError("podman cannot start with the network backend '%s' that %s pins:\n%s\n"
                       "Install it with 'make deps' (apt-get install netavark aardvark-dns)"
                       % (pinned, CONTAINERS_CONF, proc.stderr.strip()))
    actual = proc.stdout.strip()
    if actual != pinned:
        raise LabError("podman uses the network backend '%s', but %s pins '%s'; install it with 'make deps' "
                       "(apt-get install netavark aardvark-dns) and check CONTAINERS_CONF is not overridden"
                       % (actual, CONTAINERS_CONF, pinned))
    return actual


def leftover_cni_networks(config_dir=CNI_CONFIG_DIR):
    """Lab networks a podman under the CNI backend made: they hold the lab's subnets and names."""
    found = []
    for path in sorted(config_dir.glob("*.conflist")) if config_dir.is_dir() else []:
        try:
            conf = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if str(conf.get("name", "")).startswith(LAB_NAME + "-"):
            bridges = [p.get("bridge") for p in conf.get("plugins", []) if p.get("type") == "bridge"]
            found.append((conf["name"], path, [b for b in bridges if b]))
    return found


def check_no_cni_leftovers(config_dir=CNI_CONFIG_DIR):
    found = leftover_cni_networks(config_dir)
    if found:
        lines = ["%s (%s%s)" % (name, path, ", bridge " + ", ".join(bridges) if bridges else "")
                 for name, path, bridges in found]
        removal = " && ".join(["rm %s" % path for _name, path, _bridges in found]
                              + ["ip link del %s" % b for _name, _path, bridges in found for b in bridges])
        raise LabError("networks of this lab made by podman's CNI backend are still on this machine:\n  - %s\n"
                       "They hold the lab's subnets, so the netavark networks cannot be made beside them. "
                       "Remove them (containers on them first: 'podman rm -f <name>'): %s"
                       % ("\n  - ".join(lines), removal))


def host_addresses():
    """Every address on this machine's interfaces: {address: interface}."""
    proc = run(["ip", "-json", "addr", "show"], check=False)
    found = {}
    for link in json.loads(proc.stdout or "[]"):
        for info in link.get("addr_info", []):
            found[info.get("local")] = link.get("ifname")
    return found


def check_gateways(networks, addresses):
    """After the bridges exist: each network's gateway is really an address of this machine.

    netavark makes a bridge when the first node is attached, so only networks with nodes count.
    """
    missing = []
    for name, spec in sorted(networks.items()):
        if str(spec["gateway"]) not in addresses:
            bridge = bridge_of(name)
            missing.append("network '%s': gateway %s is not an address of this machine (bridge %s has %s)"
                           % (name, spec["gateway"], bridge or "?",
                              ", ".join(a for a, dev in sorted(addresses.items()) if dev == bridge) or "none"))
    if missing:
        raise LabError("%s\nThe apt proxy and the nodes' route to this machine need it. Is podman's network "
                       "backend netavark ('podman info --format {{.Host.NetworkBackend}}')? Remove the lab "
                       "('make lab-down') and bring it up again." % "\n".join(missing))


def bridge_of(net):
    proc = podman("network", "inspect", "--format", "{{.NetworkInterface}}", network_name(net), check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


# --- image ---------------------------------------------------------------------------------

def image_tag():
    recipe = json.dumps({"suite": IMAGE_SUITE, "mirror": IMAGE_MIRROR, "packages": IMAGE_PACKAGES,
                         "label": IMAGE_LABEL, "finish": (LAB_DIR / "image-finish.sh").read_text()},
                        sort_keys=True)
    return "%s:%s" % (IMAGE_REPO, hashlib.sha256(recipe.encode()).hexdigest()[:12])


def build_image():
    tag = image_tag()
    if podman("image", "exists", tag, check=False).returncode == 0:
        log("node image %s is up to date" % tag)
        return tag
    started = time.monotonic()
    log("building node image %s (debootstrap %s)" % (tag, IMAGE_SUITE))
    debs = CACHE / "debootstrap" / IMAGE_SUITE
    debs.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ooo-lab-rootfs-", dir="/var/tmp") as tmp:
        rootfs = Path(tmp) / "rootfs"
        proc = run(["debootstrap", "--variant=minbase", "--cache-dir=%s" % debs,
                    "--include=%s" % ",".join(IMAGE_PACKAGES), IMAGE_SUITE, str(rootfs), IMAGE_MIRROR],
                   check=False)
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            raise LabError("debootstrap of %s from %s failed:\n%s" % (IMAGE_SUITE, IMAGE_MIRROR, tail))
        run(["sh", str(LAB_DIR / "image-finish.sh"), str(rootfs)])
        tar = subprocess.Popen(["tar", "--numeric-owner", "-C", str(rootfs), "--exclude=./proc/*",
                                "--exclude=./sys/*", "--exclude=./dev/*", "-c", "."], stdout=subprocess.PIPE)
        imp = subprocess.run(["podman", "import", "--change", 'CMD=["/sbin/init"]',
                              "--change", "STOPSIGNAL=SIGRTMIN+3", "--change", "LABEL=%s" % IMAGE_LABEL,
                              "-", tag], stdin=tar.stdout, capture_output=True, text=True,
                             env=dict(os.environ, CONTAINERS_CONF=str(LAB_DIR / "containers.conf")), check=False)
        tar.stdout.close()
        if tar.wait() != 0 or imp.returncode != 0:
            raise LabError("podman import of %s failed: %s" % (tag, imp.stderr.strip()))
    # Older builds of the same image are no longer wanted.
    for line in podman("images", "--format", "{{.Repository}}:{{.Tag}}", IMAGE_REPO).stdout.split():
        if line != tag:
            podman("rmi", line, check=False)
    log("node image %s built in %.0f s" % (tag, time.monotonic() - started))
    return tag


# --- SSH and apt proxy ---------------------------------------------------------------------

def ssh_key():
    key = STATE / "ssh" / "id_ed25519"
    if not key.exists():
        key.parent.mkdir(parents=True, exist_ok=True)
        key.parent.chmod(0o700)
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "%s@%s" % (LAB_NAME, os.uname().nodename),
             "-f", str(key)])
    return key


def _runs(pid, program):
    """Whether process `pid` is alive and runs `program`: after a restart its pid may be another's."""
    try:
        return program in Path("/proc/%d/cmdline" % int(pid)).read_text()
    except (OSError, ValueError):
        return False


def _pid_alive(pidfile):
    """The proxy's pid from `pidfile` if that process is still the proxy, else None."""
    try:
        pid = int(pidfile.read_text())
    except (OSError, ValueError):
        return None
    return pid if _runs(pid, "apt_proxy.py") else None


def _proxy_pidfiles():
    # STATE's pid file: a proxy started by a checkout from before the pid file moved.
    return (PROXY_PIDFILE, STATE / "apt-proxy.pid")


def start_proxy(address):
    if any(_pid_alive(f) for f in _proxy_pidfiles()):
        return
    cache = CACHE / "apt"
    cache.mkdir(parents=True, exist_ok=True)
    logfile = open(PROXY_LOG, "a")  # noqa: SIM115 - handed to the daemon
    proc = subprocess.Popen([sys.executable, str(LAB_DIR / "apt_proxy.py"), "--bind", address,
                             "--port", str(PROXY_PORT), "--cache", str(cache)],
                            stdout=logfile, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True, cwd="/")
    PROXY_PIDFILE.write_text(str(proc.pid))
    time.sleep(0.3)
    if proc.poll() is not None:
        raise LabError("the apt proxy did not start on %s:%d; the last lines of %s:\n%s"
                       % (address, PROXY_PORT, PROXY_LOG, log_tail(PROXY_LOG)))
    log("apt proxy on %s:%d (cache %s)" % (address, PROXY_PORT, cache))


def log_tail(path, lines=15):
    try:
        return "\n".join("    " + line for line in path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as err:
        return "    (cannot read it: %s)" % err


def stop_proxy():
    for pidfile in _proxy_pidfiles():
        pid = _pid_alive(pidfile)
        if pid:
            os.kill(pid, signal.SIGTERM)
        pidfile.unlink(missing_ok=True)


# --- networks and nodes --------------------------------------------------------------------

def network_name(net):
    return "%s-%s" % (LAB_NAME, net)


def create_networks(networks):
    for name, spec in networks.items():
        podname = network_name(name)
        if podman("network", "exists", podname, check=False).returncode == 0:
            subnet = json.loads(podman("network", "inspect", podname).stdout)[0]["subnets"][0]["subnet"]
            if subnet != spec["cidr"]:
                raise LabError("network '%s': podman network %s has subnet %s but the inventory says %s; "
                               "run 'make lab-down' first" % (name, podname, subnet, spec["cidr"]))
            continue
        # --internal: no NAT and no route out; the bridge reaches this machine and the nodes only.
        podman("network", "create", "--internal", "--disable-dns", "--label", LABEL,
               "--subnet", spec["cidr"], "--gateway", spec["gateway"], podname)


def container_info(name):
    """(status, lab label) of a container, or (None, None) if there is none.

    The status is "stale" when podman says the container runs but its init is gone: the
    machine restarted without clearing /run, so podman's records outlived the processes
    (seen here: exec then fails with "cannot exec in a stopped container").
    """
    proc = podman("container", "inspect", "--format",
                  '{{.State.Status}} {{.State.Pid}} {{index .Config.Labels "ooo.lab"}}', name, check=False)
    if proc.returncode != 0:
        return None, None
    status, pid, label = (proc.stdout.split() + ["", "", ""])[:3]
    if status in ("running", "stopping", "paused") and not _runs(pid, "/sbin/init"):
        status = "stale"
    return status, label


def interface_mac(address):
    """A fixed, locally administered MAC for the interface that has this address.

    Real servers keep their MACs across reboots; podman gives a restarted container new ones,
    and the other nodes' caches (OVS's tunnel neighbours above all) would keep the old.
    IPv4: 02:00 and the address's four bytes, so the MAC reads as the address in hex.
    """
    ip = ipaddress.ip_address(address)
    raw = ip.packed if ip.version == 4 else hashlib.sha256(ip.packed).digest()[:4]
    return ":".join("%02x" % byte for byte in b"\x02\x00" + raw)


def start_node(name, addresses, tag, mounts=()):
    status, label = container_info(name)
    if status is not None and label != LAB_NAME:
        raise LabError("node '%s': a container of that name exists and is not part of lab %s; "
                       "rename or remove it" % (name, LAB_NAME))
    if status == "running":
        return False
    if status == "stale":
        # podman can neither start nor stop it any more; only removal clears its records.
        log("node '%s': podman says it runs but its processes are gone (the machine restarted); "
            "recreating it from the image" % name)
        podman("rm", "-f", "-t", "0", name)
    elif status is not None:
        podman("start", name)
        return True
    # ctlplane first: it becomes the node's first interface.
    order = sorted(addresses, key=lambda n: (n != "ctlplane", n))
    nets = ["--network=%s:ip=%s,mac=%s,interface_name=%s"
            % (network_name(n), addresses[n], interface_mac(addresses[n]), n) for n in order]
    volumes = []
    for host_dir, path in mounts:
        host_dir.mkdir(parents=True, exist_ok=True)
        volumes.append("--volume=%s:%s" % (host_dir, path))
    podman("run", "-d", "--name", name, "--hostname", name, "--label", LABEL, *NODE_RUN_FLAGS, *nets,
           *volumes, tag, "/sbin/init")
    return True


def authorize_key(name, pubkey):
    """Let this checkout's key log in as root; a lab may be shared by several checkouts."""
    key = Path(pubkey).read_text().strip()
    script = ('grep -qxF "$1" /root/.ssh/authorized_keys 2>/dev/null || '
              '{ umask 077; echo "$1" >> /root/.ssh/authorized_keys; }')
    proc = podman("exec", name, "sh", "-c", script, "authorize", key, check=False)
    if proc.returncode != 0:
        raise LabError("node '%s': cannot add the lab's SSH key to /root/.ssh/authorized_keys: %s"
                       % (name, proc.stderr.strip()))


def wait_booted(names):
    deadline = time.monotonic() + BOOT_TIMEOUT
    pending = set(names)
    states = {}
    while pending and time.monotonic() < deadline:
        for name in sorted(pending):
            proc = podman("exec", name, "systemctl", "is-system-running", check=False)
            states[name] = proc.stdout.strip() or proc.stderr.strip()
            if states[name] in ("running", "degraded"):
                pending.discard(name)
        if pending:
            time.sleep(0.5)
    if pending:
        details = []
        for name in sorted(pending):
            journal = podman("exec", name, "journalctl", "-b", "--no-pager", "-n", "25", check=False)
            logs = journal.stdout.strip() or podman("logs", "--tail", "25", name, check=False).stdout
            details.append("node '%s' did not boot within %d s (systemd: %s). Last journal lines:\n%s"
                           % (name, BOOT_TIMEOUT, states.get(name, "unknown"), logs))
        raise LabError("\n\n".join(details))
    for name in names:
        failed = podman("exec", name, "systemctl", "--failed", "--no-legend", "--plain", check=False).stdout
        if failed.strip():
            log("node '%s' booted degraded; failed units:\n%s" % (name, failed.rstrip()))


def write_known_hosts(nodes):
    lines = []
    for name, addresses in sorted(nodes.items()):
        addr = addresses["ctlplane"]
        for _attempt in range(40):
            proc = run(["ssh-keyscan", "-T", "2", "-t", "ed25519", addr], check=False)
            if proc.stdout.strip():
                lines.extend("%s %s" % (",".join((name, addr)), line.split(None, 1)[1])
                             for line in proc.stdout.strip().splitlines())
                break
            time.sleep(0.5)
        else:
            raise LabError("node '%s': sshd does not answer on %s:22; check 'podman exec %s systemctl status ssh'"
                           % (name, addr, name))
    known = STATE / "ssh" / "known_hosts"
    known.write_text("\n".join(lines) + "\n")
    known.chmod(0o600)
    # `ssh -F .lab/ssh/config undercloud` for operators, and testinfra's ssh backend.
    config = STATE / "ssh" / "config"
    config.write_text("".join(
        "Host %s\n  HostName %s\n  User root\n  IdentityFile %s\n  IdentitiesOnly yes\n"
        "  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n  ControlMaster auto\n"
        "  ControlPath %s/cm-%%h\n  ControlPersist 60s\n\n"
        % (name, addresses["ctlplane"], STATE / "ssh" / "id_ed25519", known, STATE / "ssh")
        for name, addresses in sorted(nodes.items())))
    config.chmod(0o600)


# Machine-wide like the lab itself: the checkout that brings the lab up first records what the
# host was like, and whichever checkout takes it down restores that (not what it saw later).
HOST_STATE = CACHE / ("%s-host-state.json" % LAB_NAME)


def record_host_state():
    """Remember what the lab changes on this machine, once, so teardown can restore it."""
    if not HOST_STATE.exists() and not (STATE / "host-state.json").exists():
        HOST_STATE.parent.mkdir(parents=True, exist_ok=True)
        forward = Path("/proc/sys/net/ipv4/ip_forward").read_text().strip()
        HOST_STATE.write_text(json.dumps({"ip_forward": forward}))


def restore_host_state():
    # STATE's file: recorded by a checkout from before the record moved beside the cache.
    for saved in (HOST_STATE, STATE / "host-state.json"):
        if saved.exists():
            forward = json.loads(saved.read_text()).get("ip_forward")
            if forward in ("0", "1"):
                Path("/proc/sys/net/ipv4/ip_forward").write_text(forward)
            saved.unlink()


def remove_leftover_chains():
    """netavark leaves empty NETAVARK_* chains behind; remove the empty ones."""
    for table in ("filter", "nat"):
        proc = run(["iptables", "-t", table, "-S"], check=False)
        for line in proc.stdout.splitlines():
            if line.startswith("-N NETAVARK"):
                chain = line.split()[1]
                run(["iptables", "-t", table, "-X", chain], check=False)


# --- commands ------------------------------------------------------------------------------

def cmd_up(args):
    started = time.monotonic()
    nodes, networks, hostvars = validate(args.inventory)
    for tool in ("podman", "netavark", "debootstrap", "ssh-keygen", "ssh-keyscan", "ip", "iptables"):
        if shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/lib/podman:/usr/libexec/podman") is None:
            raise LabError("'%s' is not installed; run 'make deps' (it installs the apt packages the lab needs)"
                           % tool)
    check_network_backend()
    check_no_cni_leftovers()
    STATE.mkdir(exist_ok=True)
    tag = build_image()
    key = ssh_key()
    record_host_state()
    create_networks(networks)
    changed = [name for name, addrs in sorted(nodes.items())
               if start_node(name, addrs, tag, data_dirs(name, hostvars[name]))]
    # The bridge, and with it the address the proxy binds to, exists once a node is attached.
    cabled = {net for addrs in nodes.values() for net in addrs}
    check_gateways({name: spec for name, spec in networks.items() if name in cabled}, host_addresses())
    start_proxy(networks["ctlplane"]["gateway"])
    wait_booted(sorted(nodes))
    for name in sorted(nodes):
        authorize_key(name, "%s.pub" % key)
    write_known_hosts(nodes)
    log("%d nodes up (%s started) in %.1f s" % (len(nodes), ", ".join(changed) or "none", time.monotonic() - started))


def cmd_down(args):
    started = time.monotonic()
    names = podman("ps", "-a", "--filter", "label=%s" % LABEL, "--format", "{{.Names}}", check=False).stdout.split()
    if names:
        podman("rm", "-f", "-t", "5", *names)
    nets = podman("network", "ls", "--filter", "label=%s" % LABEL, "--format", "{{.Name}}", check=False).stdout.split()
    if nets:
        podman("network", "rm", "-f", *nets)
    stop_proxy()
    # The nodes' data goes with them: a new lab must not find an old cluster's OSD files.
    shutil.rmtree(DATA_DIRS, ignore_errors=True)
    remove_leftover_chains()
    restore_host_state()
    for stale in ("known_hosts", "config"):
        (STATE / "ssh" / stale).unlink(missing_ok=True)
    if names or nets:
        log("removed %d nodes and %d networks in %.1f s" % (len(names), len(nets), time.monotonic() - started))


def cmd_status(args):
    """Print the nodes; with --quiet, exit 0 only if every node of the inventory is running."""
    if args.quiet:
        nodes = validate(args.inventory)[0]
        return 0 if all(container_info(name)[0] == "running" for name in nodes) else 1
    print(podman("ps", "-a", "--filter", "label=%s" % LABEL,
                 "--format", "{{.Names}}\t{{.Status}}\t{{.Networks}}").stdout, end="")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("validate", "image", "up", "down", "status"))
    parser.add_argument("-i", "--inventory", default=str(ROOT / "inventories" / "lab"))
    parser.add_argument("-q", "--quiet", action="store_true", help="status: only the exit code")
    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            nodes, networks = validate(args.inventory)[:2]
            log("inventory %s is valid: %d nodes on %d networks" % (args.inventory, len(nodes), len(networks)))
        elif args.command == "image":
            build_image()
        elif args.command == "up":
            cmd_up(args)
        elif args.command == "down":
            cmd_down(args)
        else:
            return cmd_status(args)
    except LabError as err:
        print("lab: ERROR: %s" % err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
