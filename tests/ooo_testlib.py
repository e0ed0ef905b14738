"""What the lab, undercloud and overcloud suites share: the lab inventory and waiting."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import time
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
