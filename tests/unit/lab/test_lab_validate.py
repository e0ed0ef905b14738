"""A bad lab inventory fails before anything is created, naming the node and the field."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "lab"))
import lab  # noqa: E402  pylint: disable=wrong-import-position

NETWORKS = """\
ooo_networks:
  ctlplane: {cidr: 10.213.0.0/24, gateway: 10.213.0.1}
  internal_api: {cidr: 10.213.1.0/24, gateway: 10.213.1.1}
"""


def write_inventory(tmp_path, hosts, networks=NETWORKS):
    (tmp_path / "group_vars" / "all").mkdir(parents=True)
    (tmp_path / "group_vars" / "all" / "networks.yml").write_text(networks)
    (tmp_path / "hosts.yml").write_text(textwrap.dedent(hosts))
    return tmp_path


def host(name, **addresses):
    lines = ["        %s:" % name, "          ooo_node_addresses:"]
    lines += ["            %s: %s" % item for item in addresses.items()]
    return "\n".join(lines) + "\n"


def inventory_of(*hosts):
    return "all:\n  children:\n    lab:\n      hosts:\n" + "".join(hosts)


@pytest.fixture(autouse=True)
def no_podman(monkeypatch):
    """Validation must not run a single podman command."""
    def refuse(*args, **kwargs):
        raise AssertionError("podman called during validation: %r" % (args,))
    monkeypatch.setattr(lab, "podman", refuse)


@pytest.fixture(autouse=True)
def routes(monkeypatch):
    """The host's routes as validation sees them: none unless a test sets some."""
    table = []
    monkeypatch.setattr(lab, "host_routes", lambda: table)
    return table


def test_the_lab_inventory_is_valid():
    nodes, networks = lab.validate(ROOT / "inventories" / "lab")[:2]
    assert {"undercloud", "overcloud-controller-0", "overcloud-compute-0", "overcloud-compute-1"} <= set(nodes)
    assert "ctlplane" in networks


@pytest.mark.parametrize("hosts, networks, expected", [
    (inventory_of(host("a", ctlplane="10.213.0.10"), host("b", ctlplane="10.213.0.10")), NETWORKS,
     "node 'b': ooo_node_addresses.ctlplane: 10.213.0.10 is already used by node 'a'"),
    (inventory_of(host("a", ctlplane="10.213.7.10")), NETWORKS,
     "node 'a': ooo_node_addresses.ctlplane: 10.213.7.10 is outside network 'ctlplane'"),
    (inventory_of(host("node_1", ctlplane="10.213.0.10")), NETWORKS,
     "node 'node_1': the name is not a valid host name"),
    (inventory_of(host("a", internal_api="10.213.1.10")), NETWORKS,
     "node 'a': ooo_node_addresses.ctlplane: missing"),
    (inventory_of(host("a", ctlplane="10.213.0.10")),
     NETWORKS.replace("10.213.1.0/24, gateway: 10.213.1.1", "10.213.0.0/23, gateway: 10.213.1.1"),
     "network 'ctlplane' (10.213.0.0/24) overlaps network 'internal_api' (10.213.0.0/23)"),
])
def test_bad_inventories_fail_naming_node_and_field(tmp_path, hosts, networks, expected):
    with pytest.raises(lab.LabError) as err:
        lab.validate(write_inventory(tmp_path, hosts, networks))
    assert expected in str(err.value)
    assert "nothing was changed" in str(err.value)


def test_a_network_without_gateway_is_refused_before_anything_is_made(tmp_path):
    networks = NETWORKS.replace("{cidr: 10.213.1.0/24, gateway: 10.213.1.1}", "{cidr: 10.213.1.0/24}")
    with pytest.raises(lab.LabError) as err:
        lab.validate(write_inventory(tmp_path, inventory_of(host("a", ctlplane="10.213.0.10")), networks))
    assert "network 'internal_api': gateway: missing" in str(err.value)
    assert "nothing was changed" in str(err.value)


def test_a_subnet_the_host_already_routes_is_refused(tmp_path, routes):
    routes.append({"dst": "10.213.0.0/16", "dev": "eth0", "protocol": "kernel", "prefsrc": "10.213.9.9"})
    with pytest.raises(lab.LabError) as err:
        lab.validate(write_inventory(tmp_path, inventory_of(host("a", ctlplane="10.213.0.10"))))
    message = str(err.value)
    assert "network 'ctlplane': cidr: 10.213.0.0/24 overlaps 10.213.0.0/16, which this machine already " \
           "routes via eth0" in message
    assert "network 'internal_api': cidr: 10.213.1.0/24 overlaps 10.213.0.0/16" in message


def test_the_lab_s_own_bridge_and_unrelated_routes_are_accepted(tmp_path, routes):
    routes += [
        {"dst": "10.213.0.0/24", "dev": "podman1", "protocol": "kernel", "prefsrc": "10.213.0.1"},
        {"dst": "default", "gateway": "192.0.2.1", "dev": "eth0"},
        {"dst": "192.0.2.0/24", "dev": "eth0", "prefsrc": "192.0.2.10"},
        {"type": "local", "dst": "10.213.0.1", "dev": "podman1", "table": "local"},
    ]
    nodes, networks = lab.validate(write_inventory(tmp_path, inventory_of(host("a", ctlplane="10.213.0.10"))))[:2]
    assert set(networks) == {"ctlplane", "internal_api"}


def test_the_command_line_reports_the_error(tmp_path):
    inv = write_inventory(tmp_path, inventory_of(host("a", ctlplane="10.213.0.10"), host("b", ctlplane="10.213.0.10")))
    proc = subprocess.run([sys.executable, str(ROOT / "lab" / "lab.py"), "validate", "-i", str(inv)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "node 'b': ooo_node_addresses.ctlplane: 10.213.0.10 is already used" in proc.stderr


def test_image_tag_changes_with_its_inputs(monkeypatch):
    tag = lab.image_tag()
    monkeypatch.setattr(lab, "IMAGE_PACKAGES", lab.IMAGE_PACKAGES + ["vim"])
    assert lab.image_tag() != tag
    assert tag.startswith(lab.IMAGE_REPO + ":")
