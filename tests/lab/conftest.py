"""Fixtures for the lab suite: one testinfra host per node, over the lab's own SSH config."""

from __future__ import annotations

import pytest
import testinfra
from ooo_testlib import ROOT, inventory, lab_nodes

SSH_CONFIG = ROOT / ".lab" / "ssh" / "config"


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
