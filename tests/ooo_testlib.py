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
    conn.compute.reboot_server(server, "HARD")
    conn.compute.wait_for_server(server, status="ACTIVE", failures=["ERROR"], wait=120)
    return wait_until("the guest of %s to print its metadata after a hard reboot" % server.name,
                      printed_metadata, timeout=timeout / 2, interval=5)
