"""Fixtures for the lab suite: one testinfra host per node, over the lab's own SSH config."""

from __future__ import annotations

import functools
import json
import os
import subprocess
from pathlib import Path

import pytest
import testinfra

ROOT = Path(__file__).resolve().parents[2]
SSH_CONFIG = ROOT / ".lab" / "ssh" / "config"


@functools.lru_cache(maxsize=None)
def inventory(path="inventories/lab"):
    """The lab inventory as Ansible sees it (group_vars applied)."""
    exe = ROOT / ".venv" / "bin" / "ansible-inventory"
    out = subprocess.run([str(exe) if exe.exists() else "ansible-inventory", "-i", str(ROOT / path), "--list"],
                         check=True, capture_output=True, text=True, cwd=ROOT,
                         env=dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"))).stdout
    return json.loads(out)


def lab_nodes():
    hostvars = inventory()["_meta"]["hostvars"]
    return {name: hv["ooo_node_addresses"] for name, hv in sorted(hostvars.items())}


def lab_networks():
    hostvars = inventory()["_meta"]["hostvars"]
    return next(iter(hostvars.values()))["ooo_networks"]


@pytest.fixture(scope="session")
def nodes():
    return lab_nodes()


@pytest.fixture(scope="session")
def hostvars():
    return inventory()["_meta"]["hostvars"]


@pytest.fixture(scope="session")
def networks():
    return lab_networks()


@pytest.fixture(scope="session")
def connect():
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = testinfra.get_host("ssh://%s" % name, ssh_config=str(SSH_CONFIG))
        return cache[name]
    return get


def pytest_generate_tests(metafunc):
    if "node_name" in metafunc.fixturenames:
        metafunc.parametrize("node_name", sorted(lab_nodes()))
