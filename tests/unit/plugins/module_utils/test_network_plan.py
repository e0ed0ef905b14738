"""Every bad network plan is refused with a message naming the network, node and field."""

from __future__ import annotations

import pytest

from ansible_collections.ooo.cloud.plugins.module_utils import network_plan as plan

GOOD = {
    "ctlplane": {"cidr": "10.213.0.0/24", "gateway": "10.213.0.1",
                 "allocation_pools": [{"start": "10.213.0.100", "end": "10.213.0.199"}]},
    "internal_api": {"cidr": "10.213.1.0/24", "vlan": 20, "vips": {"controller": "10.213.1.5"},
                     "allocation_pools": [{"start": "10.213.1.100", "end": "10.213.1.199"}]},
}
NODES = {"undercloud": {"ctlplane": "10.213.0.10"},
         "overcloud-controller-0": {"ctlplane": "10.213.0.20", "internal_api": "10.213.1.20"}}


def with_network(name, **changes):
    networks = {key: dict(value) for key, value in GOOD.items()}
    networks[name].update(changes)
    return networks


def test_a_good_plan_has_no_errors():
    assert plan.validate_networks(GOOD) == []
    assert plan.validate_node_addresses(NODES, GOOD) == []


@pytest.mark.parametrize("networks, expected", [
    ({}, "no networks defined"),
    (with_network("ctlplane", cidr="10.213.0.0/33"), "network 'ctlplane': cidr: '10.213.0.0/33'"),
    (with_network("ctlplane", cidr="10.213.0.5/24"), "network 'ctlplane': cidr: '10.213.0.5/24' is not a network"),
    (with_network("ctlplane", cidr="banana"), "network 'ctlplane': cidr"),
    (with_network("ctlplane", gateway="10.99.0.1"), "network 'ctlplane': gateway: 10.99.0.1 is not a usable"),
    (with_network("ctlplane", gateway="10.213.0.255"), "gateway: 10.213.0.255 is not a usable"),
    (with_network("internal_api", vlan=5000), "network 'internal_api': vlan: 5000"),
    (with_network("internal_api", cidr="10.213.0.128/25"), "network 'ctlplane' (10.213.0.0/24) overlaps network "
                                                           "'internal_api' (10.213.0.128/25)"),
    (with_network("ctlplane", allocation_pools=[{"start": "10.213.0.200", "end": "10.213.0.100"}]),
     "allocation_pools[0]: needs 'start' <= 'end'"),
    (with_network("ctlplane", allocation_pools=[{"start": "10.213.0.200", "end": "10.213.1.10"}]),
     "allocation_pools[0]: 10.213.0.200-10.213.1.10 is not inside 10.213.0.0/24"),
    (with_network("ctlplane", allocation_pools=[{"start": "10.213.0.1", "end": "10.213.0.9"}]),
     "allocation_pools[0]: contains the gateway 10.213.0.1"),
    (with_network("ctlplane", allocation_pools=[{"start": "10.213.0.10", "end": "10.213.0.20"},
                                                {"start": "10.213.0.15", "end": "10.213.0.30"}]),
     "allocation_pools[1]: overlaps allocation_pools[0]"),
    (with_network("internal_api", vips={"controller": "10.213.1.150"}), "vips.controller: 10.213.1.150 is inside"),
    (with_network("internal_api", vips={"controller": "10.213.9.1"}), "vips.controller: 10.213.9.1 is not a usable"),
    ({"Internal-API": {"cidr": "10.1.0.0/24"}}, "network 'Internal-API': name must be"),
])
def test_bad_networks_are_named(networks, expected):
    errors = plan.validate_networks(networks)
    assert any(expected in error for error in errors), errors


@pytest.mark.parametrize("nodes, expected", [
    ({"bad_name": {"ctlplane": "10.213.0.10"}}, "node 'bad_name': the name is not a valid host name"),
    ({"-x": {"ctlplane": "10.213.0.10"}}, "node '-x': the name is not a valid host name"),
    ({"a": {"ctlplane": "10.213.0.10"}, "b": {"ctlplane": "10.213.0.10"}},
     "node 'b': addresses.ctlplane: 10.213.0.10 is already used by node 'a' on network 'ctlplane'"),
    ({"a": {"ctlplane": "10.213.5.10"}}, "node 'a': addresses.ctlplane: 10.213.5.10 is outside network 'ctlplane'"),
    ({"a": {"ctlplane": "10.213.0.1"}}, "node 'a': addresses.ctlplane: 10.213.0.1 is the gateway of network"),
    ({"a": {"internal_api": "10.213.1.5"}}, "is VIP 'controller' of network 'internal_api'"),
    ({"a": {"storage": "10.213.3.5"}}, "node 'a': addresses.storage: unknown network 'storage'"),
    ({"a": {"ctlplane": "not-an-ip"}}, "node 'a': addresses.ctlplane: 'not-an-ip' is not an IP address"),
    ({"a": None}, "node 'a': addresses: expected a dict"),
])
def test_bad_node_addresses_are_named(nodes, expected):
    errors = plan.validate_node_addresses(nodes, GOOD)
    assert any(expected in error for error in errors), errors


@pytest.mark.parametrize("name, valid", [
    ("undercloud", True), ("overcloud-compute-0", True), ("a.b-c.d", True), ("x" * 63, True),
    ("x" * 64, False), ("", False), ("under_cloud", False), ("-a", False), ("a-", False), ("a..b", False),
])
def test_hostnames(name, valid):
    assert plan.valid_hostname(name) is valid


ROLES = {"overcloud-controller-0": ["ctlplane", "internal_api"],
         "overcloud-compute-0": ["ctlplane", "internal_api"],
         "overcloud-compute-1": ["ctlplane"]}


def test_allocation_is_deterministic_and_takes_the_lowest_free_pool_addresses():
    first, errors = plan.allocate(GOOD, ROLES)
    assert errors == []
    assert first == plan.allocate(GOOD, dict(reversed(list(ROLES.items()))))[0]
    assert first["overcloud-compute-0"] == {"ctlplane": "10.213.0.100", "internal_api": "10.213.1.100"}
    assert first["overcloud-compute-1"] == {"ctlplane": "10.213.0.101"}
    assert first["overcloud-controller-0"] == {"ctlplane": "10.213.0.102", "internal_api": "10.213.1.101"}
    assert plan.validate_node_addresses(first, GOOD) == []


def test_an_added_node_never_moves_an_existing_address():
    before = plan.allocate(GOOD, ROLES)[0]
    grown = dict(ROLES, **{"overcloud-compute-00": ["ctlplane", "internal_api"]})  # sorts before the others
    after, errors = plan.allocate(GOOD, grown, existing=before)
    assert errors == []
    for node, addresses in before.items():
        assert after[node] == addresses
    assert after["overcloud-compute-00"] == {"ctlplane": "10.213.0.103", "internal_api": "10.213.1.102"}


def test_explicit_addresses_are_kept_and_skipped_by_the_allocator():
    after, errors = plan.allocate(GOOD, ROLES, existing={"overcloud-compute-1": {"ctlplane": "10.213.0.100"}})
    assert errors == []
    assert after["overcloud-compute-1"] == {"ctlplane": "10.213.0.100"}
    assert after["overcloud-compute-0"]["ctlplane"] == "10.213.0.101"


def test_a_pool_too_small_for_the_nodes_is_named():
    small = with_network("ctlplane", allocation_pools=[{"start": "10.213.0.100", "end": "10.213.0.101"}])
    _addresses, errors = plan.allocate(small, ROLES)
    assert errors == ["network 'ctlplane': allocation_pools: 2 addresses are too few for 3 more nodes "
                      "(first without one: node 'overcloud-controller-0'); widen the pools"]


def test_an_unknown_network_is_named():
    _addresses, errors = plan.allocate(GOOD, {"overcloud-compute-0": ["storage"]})
    assert errors == ["node 'overcloud-compute-0': networks: unknown network 'storage'"]
