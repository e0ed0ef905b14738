# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""Every way a careful operator gets a network plan wrong is a named refusal, never a Python error.

Each case is one field of the plan (or of a node's addresses) written wrong: the wrong type,
out of range, the other IP version, not unique, or not a member of what it refers to. The
check names the network, the node and the field and says what to fix; the node checks and
the allocator, which run on the same plan, do not raise either, and the network_plan filter
fails with the same message; valid plans stay valid.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.ooo.cloud.plugins.filter.network_plan import network_plan
from ansible_collections.ooo.cloud.plugins.module_utils import network_plan as plan

ROOT = Path(__file__).resolve().parents[4]
DROP = object()

GOOD = {
    "ctlplane": {"cidr": "10.213.0.0/24", "gateway": "10.213.0.1",
                 "allocation_pools": [{"start": "10.213.0.100", "end": "10.213.0.199"}]},
    "internal_api": {"cidr": "10.213.1.0/24", "vlan": 20, "vips": {"controller": "10.213.1.5"},
                     "allocation_pools": [{"start": "10.213.1.100", "end": "10.213.1.199"}]},
    "storage6": {"cidr": "fd00:213:3::/64", "gateway": "fd00:213:3::1", "vlan": 40,
                 "allocation_pools": [{"start": "fd00:213:3::100", "end": "fd00:213:3::1ff"}]},
}
NODES = {"undercloud": {"ctlplane": "10.213.0.10"},
         "overcloud-controller-0": {"ctlplane": "10.213.0.20", "internal_api": "10.213.1.20",
                                    "storage6": "fd00:213:3::20"}}
ROLES = {"overcloud-controller-0": ["ctlplane", "internal_api", "storage6"], "overcloud-compute-0": ["ctlplane"]}
# Where every message starts: the network, the node or the argument it is about.
NAMED = re.compile(r"^(network '[^']*'|node '[^']*'|network plan|nodes|addresses|existing)[: ]")


def plan_with(network, **changes):
    """GOOD with fields of one network changed (DROP removes a field)."""
    networks = copy.deepcopy(GOOD)
    for key, value in changes.items():
        if value is DROP:
            del networks[network][key]
        else:
            networks[network][key] = value
    return networks


def pools(*ranges):
    return [{"start": start, "end": end} for start, end in ranges]


def refusals(networks):
    """The plan's errors; the node checks and the allocator must not raise on it either."""
    errors = plan.validate_networks(networks)
    plan.validate_node_addresses(NODES, networks)
    plan.allocate(networks, ROLES, existing=NODES)
    return errors


def assert_refused(errors, expected):
    assert any(expected in error for error in errors), "%r not in %r" % (expected, errors)
    assert all(NAMED.match(error) for error in errors), errors


BAD_PLANS = [
    # --- the plan and a network: types
    ("plan-is-a-list", [{"name": "ctlplane", "cidr": "10.213.0.0/24"}],
     "network plan: no networks defined (expected a dict of name: {cidr: ...}), got a list"),
    ("plan-is-a-string", "ctlplane", "network plan: no networks defined"),
    ("plan-is-null", None, "network plan: no networks defined"),
    ("plan-is-empty", {}, "network plan: no networks defined"),
    ("network-is-null", dict(GOOD, storage=None), "network 'storage': expected a dict with at least 'cidr'"),
    ("network-is-a-cidr-string", dict(GOOD, storage="10.213.3.0/24"),
     "network 'storage': expected a dict with at least 'cidr' (e.g. {cidr: 10.213.1.0/24}), got a string"),
    ("network-is-a-list", dict(GOOD, storage=[{"cidr": "10.213.3.0/24"}]), "network 'storage': expected a dict"),
    ("network-name-upper-case", dict(GOOD, Storage={"cidr": "10.213.3.0/24"}), "network 'Storage': name must be"),
    ("network-name-too-long", dict(GOOD, storage_network_a={"cidr": "10.213.3.0/24"}),
     "network 'storage_network_a': name must be lower case letters, digits and '_', at most 15 characters"),
    ("network-name-is-a-number", dict(GOOD, **{"3": {"cidr": "10.213.3.0/24"}}), "network '3': name must be"),
    ("network-name-not-a-string", {1: {"cidr": "10.213.3.0/24"}}, "network '1': name must be"),
    # --- fields the plan does not have
    ("field-neutron-gateway_ip", plan_with("ctlplane", gateway_ip="10.213.0.1"),
     "network 'ctlplane': gateway_ip: not a field of the plan (it has allocation_pools, cidr, gateway, vips, vlan); "
     "did you mean 'gateway'?"),
    ("field-allocation_pool", plan_with("ctlplane", allocation_pool=pools(("10.213.0.100", "10.213.0.110"))),
     "network 'ctlplane': allocation_pool: not a field of the plan (it has allocation_pools, cidr, gateway, vips, "
     "vlan); did you mean 'allocation_pools'?"),
    ("field-vip", plan_with("internal_api", vip="10.213.1.6"), "network 'internal_api': vip: not a field of the plan"),
    ("field-mtu", plan_with("internal_api", mtu=9000), "network 'internal_api': mtu: not a field of the plan"),
    # --- cidr
    ("cidr-missing", plan_with("ctlplane", cidr=DROP),
     "network 'ctlplane': cidr: missing; give the network's address and prefix length, e.g. 10.213.1.0/24"),
    ("cidr-null", plan_with("ctlplane", cidr=None), "network 'ctlplane': cidr: no value (null)"),
    ("cidr-a-number", plan_with("ctlplane", cidr=10),
     "network 'ctlplane': cidr: 10 is not a network address in CIDR notation: expected a string such as "
     "10.213.1.0/24, got a number (10)"),
    ("cidr-a-list", plan_with("ctlplane", cidr=["10.213.0.0/24"]),
     "network 'ctlplane': cidr: ['10.213.0.0/24'] is not"),
    ("cidr-not-an-address", plan_with("ctlplane", cidr="ctlplane"),
     "network 'ctlplane': cidr: 'ctlplane' is not a network address in CIDR notation"),
    ("cidr-prefix-too-long", plan_with("ctlplane", cidr="10.213.0.0/33"), "network 'ctlplane': cidr: '10.213.0.0/33'"),
    ("cidr-without-prefix", plan_with("ctlplane", cidr="10.213.0.0"),
     "network 'ctlplane': cidr: '10.213.0.0' has no prefix length; write the network as address/prefix length, "
     "e.g. '10.213.0.0/24'"),
    ("cidr-netmask", plan_with("ctlplane", cidr="10.213.0.0/255.255.255.0"),
     "network 'ctlplane': cidr: '10.213.0.0/255.255.255.0': write the prefix as a length, '10.213.0.0/24'"),
    ("cidr-hostmask", plan_with("ctlplane", cidr="10.213.0.0/0.0.0.255"),
     "write the prefix as a length, '10.213.0.0/24'"),
    ("cidr-prefix-space", plan_with("ctlplane", cidr="10.213.0.0/ 24"),
     "write the prefix as a length, '10.213.0.0/24'"),
    ("cidr-prefix-zero-padded", plan_with("ctlplane", cidr="10.213.0.0/024"), "write the prefix as a length"),
    ("cidr-host-bits", plan_with("ctlplane", cidr="10.213.0.5/24"),
     "network 'ctlplane': cidr: '10.213.0.5/24' is not a network address: it has host bits set; write '10.213.0.0/24'"),
    ("cidr-host-bits-ipv6", plan_with("storage6", cidr="fd00:213:3::1/64"),
     "network 'storage6': cidr: 'fd00:213:3::1/64' is not a network address: it has host bits set; "
     "write 'fd00:213:3::/64'"),
    ("cidr-single-address", plan_with("ctlplane", cidr="10.213.0.1/32"),
     "network 'ctlplane': cidr: '10.213.0.1/32' is a single address, with no room for a gateway or nodes"),
    ("cidr-single-address-ipv6", plan_with("storage6", cidr="fd00:213:3::1/128"),
     "network 'storage6': cidr: 'fd00:213:3::1/128' is a single address"),
    # --- cidr: uniqueness
    ("networks-overlap", plan_with("internal_api", cidr="10.213.0.128/25"),
     "network 'ctlplane' (10.213.0.0/24) overlaps network 'internal_api' (10.213.0.128/25); give each network its "
     "own range"),
    ("networks-same-cidr", plan_with("internal_api", cidr="10.213.0.0/24"),
     "network 'ctlplane' (10.213.0.0/24) overlaps network 'internal_api' (10.213.0.0/24)"),
    ("networks-overlap-ipv6", dict(GOOD, tenant6={"cidr": "fd00:213::/32"}),
     "network 'storage6' (fd00:213:3::/64) overlaps network 'tenant6' (fd00:213::/32)"),
    # --- gateway: types
    ("gateway-null", plan_with("ctlplane", gateway=None),
     "network 'ctlplane': gateway: null; give the gateway's address, or remove the key for a network without one"),
    ("gateway-empty", plan_with("ctlplane", gateway=""), "network 'ctlplane': gateway: empty; give an IP address"),
    ("gateway-a-number", plan_with("ctlplane", gateway=1),
     "network 'ctlplane': gateway: 1 is not an IP address: expected a string such as 10.213.0.1, got a number (1)"),
    ("gateway-a-list", plan_with("ctlplane", gateway=["10.213.0.1"]),
     "network 'ctlplane': gateway: ['10.213.0.1'] is not an IP address: expected a string such as 10.213.0.1, "
     "got a list"),
    ("gateway-a-boolean", plan_with("ctlplane", gateway=True),
     "network 'ctlplane': gateway: True is not an IP address: expected a string such as 10.213.0.1, got a boolean"),
    ("gateway-not-an-address", plan_with("ctlplane", gateway="router"),
     "network 'ctlplane': gateway: 'router' is not an IP address"),
    ("gateway-with-prefix", plan_with("ctlplane", gateway="10.213.0.1/24"),
     "network 'ctlplane': gateway: '10.213.0.1/24' is not an IP address: write it without '/24'"),
    ("gateway-with-spaces", plan_with("ctlplane", gateway=" 10.213.0.1"),
     "network 'ctlplane': gateway: ' 10.213.0.1' is not an IP address"),
    # --- gateway: range and family
    ("gateway-outside", plan_with("ctlplane", gateway="10.99.0.1"),
     "network 'ctlplane': gateway: 10.99.0.1 is not a usable address in 10.213.0.0/24: it is outside the network; "
     "use one of 10.213.0.1-10.213.0.254"),
    ("gateway-network-address", plan_with("ctlplane", gateway="10.213.0.0"),
     "network 'ctlplane': gateway: 10.213.0.0 is not a usable address in 10.213.0.0/24: it is the network address"),
    ("gateway-broadcast", plan_with("ctlplane", gateway="10.213.0.255"),
     "gateway: 10.213.0.255 is not a usable address in 10.213.0.0/24: it is the broadcast address"),
    ("gateway-ipv6-network-address", plan_with("storage6", gateway="fd00:213:3::"),
     "network 'storage6': gateway: fd00:213:3:: is not a usable address in fd00:213:3::/64: it is the network address"),
    ("gateway-ipv6-in-ipv4", plan_with("ctlplane", gateway="fd00:213:3::1"),
     "network 'ctlplane': gateway: fd00:213:3::1 is not a usable address in 10.213.0.0/24: it is IPv6 in an IPv4 "
     "network"),
    ("gateway-ipv4-in-ipv6", plan_with("storage6", gateway="10.213.0.1"),
     "network 'storage6': gateway: 10.213.0.1 is not a usable address in fd00:213:3::/64: it is IPv4 in an IPv6 "
     "network"),
    ("gateway-ipv4-mapped-in-ipv4", plan_with("ctlplane", gateway="::ffff:10.213.0.1"),
     "network 'ctlplane': gateway: ::ffff:10.213.0.1 is not a usable address in 10.213.0.0/24: it is IPv6"),
    # --- vlan
    ("vlan-a-string", plan_with("internal_api", vlan="20"),
     "network 'internal_api': vlan: '20' must be an integer from 1 to 4094 (write it without quotes)"),
    ("vlan-a-boolean", plan_with("internal_api", vlan=True), "network 'internal_api': vlan: True must be an integer"),
    ("vlan-a-float", plan_with("internal_api", vlan=20.0), "network 'internal_api': vlan: 20.0 must be an integer"),
    ("vlan-a-list", plan_with("internal_api", vlan=[20]), "network 'internal_api': vlan: [20] must be an integer"),
    ("vlan-zero", plan_with("internal_api", vlan=0),
     "network 'internal_api': vlan: 0 must be an integer from 1 to 4094"),
    ("vlan-too-big", plan_with("internal_api", vlan=4095), "network 'internal_api': vlan: 4095 must be"),
    ("vlan-negative", plan_with("internal_api", vlan=-20), "network 'internal_api': vlan: -20 must be"),
    ("vlan-twice", plan_with("storage6", vlan=20),
     "network 'storage6': vlan: 20 is also the vlan of network 'internal_api'; give each network its own VLAN id"),
    # --- allocation_pools: types
    ("pools-a-dict", plan_with("ctlplane", allocation_pools={"start": "10.213.0.100", "end": "10.213.0.199"}),
     "network 'ctlplane': allocation_pools: expected a list of {start: ..., end: ...}, got a dict: write the pool "
     "as a list item, '- {start: ..., end: ...}'"),
    ("pools-a-string", plan_with("ctlplane", allocation_pools="10.213.0.100-10.213.0.199"),
     "network 'ctlplane': allocation_pools: expected a list of {start: ..., end: ...}, got a string"),
    ("pools-a-number", plan_with("ctlplane", allocation_pools=100), "allocation_pools: expected a list"),
    ("pool-null", plan_with("ctlplane", allocation_pools=[None]),
     "network 'ctlplane': allocation_pools[0]: expected {start: ..., end: ...}, got null"),
    ("pool-a-string", plan_with("ctlplane", allocation_pools=["10.213.0.100-10.213.0.199"]),
     "network 'ctlplane': allocation_pools[0]: expected {start: ..., end: ...}, got a string"),
    ("pool-a-list", plan_with("ctlplane", allocation_pools=[["10.213.0.100", "10.213.0.199"]]),
     "network 'ctlplane': allocation_pools[0]: expected {start: ..., end: ...}, got a list"),
    ("pool-start-missing", plan_with("ctlplane", allocation_pools=[{"end": "10.213.0.199"}]),
     "network 'ctlplane': allocation_pools[0].start: missing; a pool needs both 'start' and 'end'"),
    ("pool-end-missing", plan_with("ctlplane", allocation_pools=[{"start": "10.213.0.100"}]),
     "network 'ctlplane': allocation_pools[0].end: missing"),
    ("pool-end-null", plan_with("ctlplane", allocation_pools=[{"start": "10.213.0.100", "end": None}]),
     "network 'ctlplane': allocation_pools[0].end: no value (null)"),
    ("pool-start-a-number", plan_with("ctlplane", allocation_pools=[{"start": 100, "end": "10.213.0.199"}]),
     "network 'ctlplane': allocation_pools[0].start: 100 is not an IP address: expected a string"),
    ("pool-end-not-an-address", plan_with("ctlplane", allocation_pools=pools(("10.213.0.100", "10.213.0.300"))),
     "network 'ctlplane': allocation_pools[0].end: '10.213.0.300' is not an IP address"),
    ("pool-field-stop", plan_with("ctlplane", allocation_pools=[{"start": "10.213.0.100", "stop": "10.213.0.199"}]),
     "network 'ctlplane': allocation_pools[0]: stop: not a field of a pool (a pool has only 'start' and 'end')"),
    ("pool-field-first", plan_with("ctlplane", allocation_pools=[{"first": "10.213.0.100", "end": "10.213.0.199"}]),
     "network 'ctlplane': allocation_pools[0]: first: not a field of a pool"),
    # --- allocation_pools: range, family, order, uniqueness
    ("pool-start-after-end", plan_with("ctlplane", allocation_pools=pools(("10.213.0.199", "10.213.0.100"))),
     "network 'ctlplane': allocation_pools[0]: needs 'start' <= 'end', but start 10.213.0.199 is after end "
     "10.213.0.100; swap them"),
    ("pool-end-outside", plan_with("ctlplane", allocation_pools=pools(("10.213.0.200", "10.213.1.10"))),
     "network 'ctlplane': allocation_pools[0]: 10.213.0.200-10.213.1.10 is not inside 10.213.0.0/24 (end "
     "10.213.1.10: it is outside the network); keep the pool within 10.213.0.1-10.213.0.254"),
    ("pool-start-outside", plan_with("ctlplane", allocation_pools=pools(("10.212.255.200", "10.213.0.10"))),
     "allocation_pools[0]: 10.212.255.200-10.213.0.10 is not inside 10.213.0.0/24 (start 10.212.255.200"),
    ("pool-whole-other-subnet", plan_with("ctlplane", allocation_pools=pools(("10.213.1.100", "10.213.1.199"))),
     "network 'ctlplane': allocation_pools[0]: 10.213.1.100-10.213.1.199 is not inside 10.213.0.0/24"),
    ("pool-from-network-address", plan_with("ctlplane", gateway="10.213.0.254",
                                            allocation_pools=pools(("10.213.0.0", "10.213.0.99"))),
     "allocation_pools[0]: 10.213.0.0-10.213.0.99 is not inside 10.213.0.0/24 (start 10.213.0.0: it is the network "
     "address)"),
    ("pool-to-broadcast", plan_with("ctlplane", allocation_pools=pools(("10.213.0.100", "10.213.0.255"))),
     "(end 10.213.0.255: it is the broadcast address); keep the pool within 10.213.0.1-10.213.0.254"),
    ("pool-start-ipv4-end-ipv6", plan_with("ctlplane", allocation_pools=pools(("10.213.0.100", "fd00:213:3::1ff"))),
     "network 'ctlplane': allocation_pools[0]: start 10.213.0.100 is IPv4 but end fd00:213:3::1ff is IPv6; both ends "
     "must be IPv4 addresses of 10.213.0.0/24"),
    ("pool-start-ipv6-end-ipv4", plan_with("ctlplane", allocation_pools=pools(("fd00:213:3::100", "10.213.0.199"))),
     "network 'ctlplane': allocation_pools[0]: start fd00:213:3::100 is IPv6 but end 10.213.0.199 is IPv4"),
    ("pool-ipv6-in-ipv4", plan_with("ctlplane", allocation_pools=pools(("fd00:213:3::100", "fd00:213:3::1ff"))),
     "network 'ctlplane': allocation_pools[0]: fd00:213:3::100-fd00:213:3::1ff is not inside 10.213.0.0/24 (start "
     "fd00:213:3::100: it is IPv6 in an IPv4 network)"),
    ("pool-ipv4-in-ipv6", plan_with("storage6", allocation_pools=pools(("10.213.3.100", "10.213.3.199"))),
     "network 'storage6': allocation_pools[0]: 10.213.3.100-10.213.3.199 is not inside fd00:213:3::/64 (start "
     "10.213.3.100: it is IPv4 in an IPv6 network)"),
    ("pool-covers-gateway", plan_with("ctlplane", allocation_pools=pools(("10.213.0.1", "10.213.0.9"))),
     "network 'ctlplane': allocation_pools[0]: contains the gateway 10.213.0.1; end the pool before it or start it "
     "after it"),
    ("pool-covers-ipv6-gateway", plan_with("storage6", allocation_pools=pools(("fd00:213:3::1", "fd00:213:3::ff"))),
     "network 'storage6': allocation_pools[0]: contains the gateway fd00:213:3::1"),
    ("pools-overlap", plan_with("ctlplane", allocation_pools=pools(("10.213.0.10", "10.213.0.20"),
                                                                   ("10.213.0.15", "10.213.0.30"))),
     "network 'ctlplane': allocation_pools[1]: overlaps allocation_pools[0] (10.213.0.10-10.213.0.20); pools must "
     "not share addresses"),
    ("pools-twice", plan_with("ctlplane", allocation_pools=pools(("10.213.0.100", "10.213.0.199"),
                                                                 ("10.213.0.100", "10.213.0.199"))),
     "network 'ctlplane': allocation_pools[1]: overlaps allocation_pools[0]"),
    # --- vips: types
    ("vips-a-list", plan_with("internal_api", vips=["10.213.1.5"]),
     "network 'internal_api': vips: expected a dict of name: address (e.g. {controller: 10.213.1.5}), got a list"),
    ("vips-a-string", plan_with("internal_api", vips="10.213.1.5"),
     "network 'internal_api': vips: expected a dict of name: address (e.g. {controller: 10.213.1.5}), got a string"),
    ("vip-null", plan_with("internal_api", vips={"controller": None}),
     "network 'internal_api': vips.controller: no value (null); give an IP address such as 10.213.1.5"),
    ("vip-a-number", plan_with("internal_api", vips={"controller": 5}),
     "network 'internal_api': vips.controller: 5 is not an IP address: expected a string"),
    ("vip-a-list", plan_with("internal_api", vips={"controller": ["10.213.1.5", "10.213.1.6"]}),
     "network 'internal_api': vips.controller: ['10.213.1.5', '10.213.1.6'] is not an IP address"),
    ("vip-with-prefix", plan_with("internal_api", vips={"controller": "10.213.1.5/24"}),
     "network 'internal_api': vips.controller: '10.213.1.5/24' is not an IP address: write it without '/24'"),
    ("vip-name-a-number", plan_with("internal_api", vips={1: "10.213.1.5"}),
     "network 'internal_api': vips: the name 1 is not a string; name each VIP"),
    # --- vips: range, family, uniqueness, membership
    ("vip-outside", plan_with("internal_api", vips={"controller": "10.213.9.1"}),
     "network 'internal_api': vips.controller: 10.213.9.1 is not a usable address in 10.213.1.0/24: it is outside "
     "the network"),
    ("vip-broadcast", plan_with("internal_api", vips={"controller": "10.213.1.255"}),
     "vips.controller: 10.213.1.255 is not a usable address in 10.213.1.0/24: it is the broadcast address"),
    ("vip-network-address", plan_with("internal_api", vips={"controller": "10.213.1.0"}),
     "vips.controller: 10.213.1.0 is not a usable address in 10.213.1.0/24: it is the network address"),
    ("vip-ipv6-in-ipv4", plan_with("internal_api", vips={"controller": "fd00:213:3::5"}),
     "network 'internal_api': vips.controller: fd00:213:3::5 is not a usable address in 10.213.1.0/24: it is IPv6 "
     "in an IPv4 network"),
    ("vip-ipv4-in-ipv6", plan_with("storage6", vips={"controller": "10.213.1.5"}),
     "network 'storage6': vips.controller: 10.213.1.5 is not a usable address in fd00:213:3::/64: it is IPv4"),
    ("vip-in-a-pool", plan_with("internal_api", vips={"controller": "10.213.1.150"}),
     "network 'internal_api': vips.controller: 10.213.1.150 is inside an allocation pool; VIPs must be outside the "
     "pools"),
    ("vip-is-the-gateway", plan_with("ctlplane", vips={"controller": "10.213.0.1"}),
     "network 'ctlplane': vips.controller: 10.213.0.1 is the gateway; give the VIP an address of its own"),
    ("two-vips-one-address", plan_with("internal_api", vips={"controller": "10.213.1.5", "public": "10.213.1.5"}),
     "network 'internal_api': vips.public: 10.213.1.5 is also VIP 'controller' of network 'internal_api'; give each "
     "VIP its own address"),
    ("two-ipv6-vips-one-address", plan_with("storage6", vips={"a": "fd00:213:3::5", "b": "fd00:213:3:0::5"}),
     "network 'storage6': vips.b: fd00:213:3::5 is also VIP 'a' of network 'storage6'"),
]


@pytest.mark.parametrize("networks, expected", [case[1:] for case in BAD_PLANS], ids=[case[0] for case in BAD_PLANS])
def test_a_bad_plan_is_a_named_refusal(networks, expected):
    assert_refused(refusals(networks), expected)


NODE = "overcloud-compute-0"

BAD_NODES = [
    # --- types
    ("nodes-a-list", ["undercloud"], "addresses: expected a dict of node name: {network: address}, got a list"),
    ("addresses-null", {NODE: None},
     "node 'overcloud-compute-0': addresses: expected a dict of network: address (e.g. {ctlplane: 10.213.0.10}), "
     "got null"),
    ("addresses-empty", {NODE: {}}, "node 'overcloud-compute-0': addresses: expected a dict of network: address"),
    ("addresses-a-string", {NODE: "10.213.0.30"},
     "node 'overcloud-compute-0': addresses: expected a dict of network: address (e.g. {ctlplane: 10.213.0.10}), "
     "got a string ('10.213.0.30')"),
    ("addresses-a-list", {NODE: ["10.213.0.30"]}, "node 'overcloud-compute-0': addresses: expected a dict"),
    ("address-null", {NODE: {"ctlplane": None}},
     "node 'overcloud-compute-0': addresses.ctlplane: no value (null); give an IP address such as 10.213.0.10"),
    ("address-a-number", {NODE: {"ctlplane": 30}},
     "node 'overcloud-compute-0': addresses.ctlplane: 30 is not an IP address: expected a string such as 10.213.0.10, "
     "got a number (30)"),
    ("address-a-list", {NODE: {"ctlplane": ["10.213.0.30"]}},
     "node 'overcloud-compute-0': addresses.ctlplane: ['10.213.0.30'] is not an IP address"),
    ("address-with-prefix", {NODE: {"ctlplane": "10.213.0.30/24"}},
     "node 'overcloud-compute-0': addresses.ctlplane: '10.213.0.30/24' is not an IP address: write it without '/24' "
     "(the prefix length comes from the network's cidr)"),
    ("address-a-host-name", {NODE: {"ctlplane": "overcloud-compute-0"}},
     "node 'overcloud-compute-0': addresses.ctlplane: 'overcloud-compute-0' is not an IP address"),
    ("network-key-a-number", {NODE: {"ctlplane": "10.213.0.30", 3: "10.213.3.30"}},
     "node 'overcloud-compute-0': addresses.3: unknown network '3'"),
    ("node-name-a-number", {NODE: {"ctlplane": "10.213.0.30"}, 7: {"ctlplane": "10.213.0.31"}},
     "node '7': the name is not a valid host name"),
    # --- names
    ("node-name-underscore", {"overcloud_compute_0": {"ctlplane": "10.213.0.30"}},
     "node 'overcloud_compute_0': the name is not a valid host name"),
    ("node-names-differ-in-case", {"Overcloud-Compute-0": {"ctlplane": "10.213.0.30"},
                                   NODE: {"ctlplane": "10.213.0.31"}},
     "node 'overcloud-compute-0': the name differs from node 'Overcloud-Compute-0' only in case"),
    # --- membership
    ("unknown-network", {NODE: {"ctlplane": "10.213.0.30", "storage": "10.213.3.30"}},
     "node 'overcloud-compute-0': addresses.storage: unknown network 'storage' (known: ctlplane, internal_api, "
     "storage6); add it to the plan or remove the address"),
    # --- range and family
    ("address-outside", {NODE: {"ctlplane": "10.213.5.30"}},
     "node 'overcloud-compute-0': addresses.ctlplane: 10.213.5.30 is outside network 'ctlplane' (10.213.0.0/24); "
     "use one of 10.213.0.1-10.213.0.254"),
    ("address-of-another-network", {NODE: {"internal_api": "10.213.0.30"}},
     "node 'overcloud-compute-0': addresses.internal_api: 10.213.0.30 is outside network 'internal_api'"),
    ("address-network-address", {NODE: {"ctlplane": "10.213.0.0"}},
     "node 'overcloud-compute-0': addresses.ctlplane: 10.213.0.0 is not a usable address in network 'ctlplane' "
     "(10.213.0.0/24): it is the network address"),
    ("address-broadcast", {NODE: {"ctlplane": "10.213.0.255"}},
     "addresses.ctlplane: 10.213.0.255 is not a usable address in network 'ctlplane' (10.213.0.0/24): it is the "
     "broadcast address"),
    ("address-ipv6-network-address", {NODE: {"storage6": "fd00:213:3::"}},
     "addresses.storage6: fd00:213:3:: is not a usable address in network 'storage6' (fd00:213:3::/64): it is the "
     "network address"),
    ("address-ipv6-in-ipv4", {NODE: {"ctlplane": "fd00:213:3::30"}},
     "node 'overcloud-compute-0': addresses.ctlplane: fd00:213:3::30 is not a usable address in network 'ctlplane' "
     "(10.213.0.0/24): it is IPv6 in an IPv4 network"),
    ("address-ipv4-in-ipv6", {NODE: {"storage6": "10.213.3.30"}},
     "addresses.storage6: 10.213.3.30 is not a usable address in network 'storage6' (fd00:213:3::/64): it is IPv4 "
     "in an IPv6 network"),
    # --- uniqueness
    ("two-nodes-one-address", {"overcloud-compute-0": {"ctlplane": "10.213.0.30"},
                               "overcloud-compute-1": {"ctlplane": "10.213.0.30"}},
     "node 'overcloud-compute-1': addresses.ctlplane: 10.213.0.30 is already used by node 'overcloud-compute-0' on "
     "network 'ctlplane'; give each node its own address"),
    ("two-nodes-one-ipv6-address", {"overcloud-compute-0": {"storage6": "fd00:213:3::30"},
                                    "overcloud-compute-1": {"storage6": "fd00:213:3:0:0::30"}},
     "node 'overcloud-compute-1': addresses.storage6: fd00:213:3::30 is already used by node 'overcloud-compute-0'"),
    ("node-on-the-gateway", {NODE: {"ctlplane": "10.213.0.1"}},
     "node 'overcloud-compute-0': addresses.ctlplane: 10.213.0.1 is the gateway of network 'ctlplane'; give the node "
     "another address"),
    ("node-on-a-vip", {NODE: {"internal_api": "10.213.1.5"}},
     "node 'overcloud-compute-0': addresses.internal_api: 10.213.1.5 is VIP 'controller' of network 'internal_api'"),
]


@pytest.mark.parametrize("nodes, expected", [case[1:] for case in BAD_NODES], ids=[case[0] for case in BAD_NODES])
def test_a_bad_node_address_is_a_named_refusal(nodes, expected):
    assert_refused(plan.validate_node_addresses(nodes, GOOD), expected)


def test_the_field_is_named_as_the_caller_calls_it():
    errors = plan.validate_node_addresses({NODE: {"ctlplane": "10.213.5.30"}}, GOOD, field="ooo_node_addresses")
    assert errors == ["node 'overcloud-compute-0': ooo_node_addresses.ctlplane: 10.213.5.30 is outside network "
                      "'ctlplane' (10.213.0.0/24); use one of 10.213.0.1-10.213.0.254"]


@pytest.mark.parametrize("networks", [case[1] for case in BAD_PLANS], ids=[case[0] for case in BAD_PLANS])
def test_node_checks_on_a_broken_plan_leave_the_plan_to_validate_networks(networks):
    """The lab runs both checks on the same plan: the node check neither raises nor repeats the plan's errors."""
    errors = plan.validate_node_addresses({NODE: {"ctlplane": "10.213.0.30"}}, networks)
    assert all(error.startswith("node 'overcloud-compute-0': addresses.ctlplane: ") for error in errors), errors


def test_every_problem_is_reported_at_once():
    networks = plan_with("ctlplane", gateway="10.99.0.1", vlan="20",
                         allocation_pools=pools(("10.213.0.9", "10.213.0.1")))
    networks["internal_api"]["vips"] = ["10.213.1.5"]
    errors = refusals(networks)
    assert len(errors) == 4, errors
    assert [error.split(":")[0:2] for error in errors] == [
        ["network 'ctlplane'", " vlan"], ["network 'ctlplane'", " gateway"],
        ["network 'ctlplane'", " allocation_pools[0]"], ["network 'internal_api'", " vips"]]


# --- the allocator's own input -------------------------------------------------------------

@pytest.mark.parametrize("nodes, expected", [
    (["overcloud-compute-0"], "nodes: expected a dict of node name: [network, ...], got a list"),
    ({NODE: "ctlplane"}, "node 'overcloud-compute-0': networks: expected a list of network names (e.g. [ctlplane, "
                         "internal_api]), got a string ('ctlplane')"),
    ({NODE: None}, "node 'overcloud-compute-0': networks: expected a list of network names"),
    ({NODE: {"ctlplane": "10.213.0.30"}}, "node 'overcloud-compute-0': networks: expected a list of network names"),
    ({NODE: ["ctlplane", 3]}, "node 'overcloud-compute-0': networks[1]: expected a network name, got a number (3)"),
    ({NODE: ["ctlplane", "storage"]}, "node 'overcloud-compute-0': networks: unknown network 'storage'"),
])
def test_bad_allocator_input_is_a_named_refusal(nodes, expected):
    _addresses, errors = plan.allocate(GOOD, nodes)
    assert_refused(errors, expected)


@pytest.mark.parametrize("existing", [["x"], {NODE: ["10.213.0.30"]}, {NODE: None}, {NODE: {"ctlplane": 5}}])
def test_the_allocator_takes_malformed_existing_addresses_without_raising(existing):
    addresses, errors = plan.allocate(GOOD, {NODE: ["ctlplane"]}, existing=existing)
    assert errors == [] and NODE in addresses


@pytest.mark.parametrize("cidr, first, second", [
    ("10.213.9.0/31", "10.213.9.0", "10.213.9.1"),        # RFC 3021: both addresses of a /31 are hosts
    ("fd00:213:9::/127", "fd00:213:9::", "fd00:213:9::1"),  # RFC 6164, the same for IPv6
    ("10.213.9.0/30", "10.213.9.1", "10.213.9.2"),
    ("fd00:213:9::/64", "fd00:213:9::1", "fd00:213:9::2"),  # never the subnet-router anycast address
])
def test_the_allocator_gives_only_usable_addresses_of_a_network_without_pools(cidr, first, second):
    networks = {"p2p": {"cidr": cidr}}
    assert plan.validate_networks(networks) == []
    addresses, errors = plan.allocate(networks, {"a": ["p2p"], "b": ["p2p"]})
    assert errors == []
    assert addresses == {"a": {"p2p": first}, "b": {"p2p": second}}
    assert plan.validate_node_addresses(addresses, networks) == []


def test_a_network_without_room_is_named_by_the_allocator():
    networks = {"p2p": {"cidr": "10.213.9.0/31"}}
    _addresses, errors = plan.allocate(networks, {"a": ["p2p"], "b": ["p2p"], "c": ["p2p"]})
    assert errors == ["network 'p2p': allocation_pools: 2 addresses are too few for 3 more nodes "
                      "(first without one: node 'c'); widen the pools"]


# --- what stays valid -----------------------------------------------------------------------

def inventory(name):
    """The real plan of inventories/<name> and its hosts' ooo_node_addresses."""
    with open(ROOT / "inventories" / name / "group_vars" / "all" / "networks.yml", encoding="utf-8") as f:
        networks = yaml.safe_load(f)["ooo_networks"]
    with open(ROOT / "inventories" / name / "hosts.yml", encoding="utf-8") as f:
        groups = [yaml.safe_load(f)["all"]]
    nodes = {}
    while groups:
        group = groups.pop() or {}
        nodes.update({host: (hostvars or {}).get("ooo_node_addresses") for host, hostvars
                      in (group.get("hosts") or {}).items()})
        groups.extend((group.get("children") or {}).values())
    return networks, nodes


@pytest.mark.parametrize("name", ["lab", "example"])
def test_the_real_plans_are_valid(name):
    networks, nodes = inventory(name)
    assert nodes and plan.validate_networks(networks) == []
    assert plan.validate_node_addresses(nodes, networks, field="ooo_node_addresses") == []
    roles = {node: sorted(addresses) for node, addresses in nodes.items()}
    roles["overcloud-compute-9"] = sorted(networks)
    addresses, errors = plan.allocate(networks, roles, existing=nodes)
    assert errors == []
    assert all(addresses[node] == nodes[node] for node in nodes)
    assert plan.validate_node_addresses(addresses, networks) == []


@pytest.mark.parametrize("networks", [
    GOOD,                                                                      # IPv4 and IPv6 networks side by side
    {"a": {"cidr": "10.0.0.0/24"}, "b": {"cidr": "::a00:0/120"}},             # the same numbers, not the same network
    plan_with("ctlplane", allocation_pools=[]),                               # no pools: the whole subnet
    plan_with("ctlplane", allocation_pools=None, vips=None, vlan=None),       # empty YAML values of the optional fields
    plan_with("ctlplane", gateway=DROP, allocation_pools=pools(("10.213.0.1", "10.213.0.9"))),  # no gateway
    plan_with("ctlplane", allocation_pools=pools(("10.213.0.100", "10.213.0.100"), ("10.213.0.101", "10.213.0.110"))),
    plan_with("ctlplane", vips={"controller": "10.213.0.5"}),                 # the same VIP name on two networks
    plan_with("ctlplane", vlan=1),
    plan_with("internal_api", vlan=4094),
    {"big": {"cidr": "10.214.0.0/16", "gateway": "10.214.255.254",
             "allocation_pools": pools(("10.214.2.0", "10.214.3.255"))}},   # .0 and .255 inside a /16 are hosts
    {"p2p": {"cidr": "10.213.9.0/31", "gateway": "10.213.9.0"}},
], ids=["ipv4-and-ipv6", "no-false-overlap", "pools-empty", "optional-null", "no-gateway", "pools-adjacent",
        "vip-name-reused", "vlan-1", "vlan-4094", "big-network", "point-to-point"])
def test_valid_plans_stay_valid(networks):
    assert plan.validate_networks(networks) == []


@pytest.mark.parametrize("nodes", [
    {NODE: {"ctlplane": "10.213.0.150"}},                                     # in a pool: the allocator skips it
    {NODE: {"internal_api": "10.213.1.6"}},                                   # next to a VIP
    {NODE: {"storage6": "fd00:213:3::ffff:ffff:ffff:ffff"}},                  # IPv6 has no broadcast address
    {"a.example.com": {"ctlplane": "10.213.0.30"}, "A-2": {"ctlplane": "10.213.0.31"}},
])
def test_valid_node_addresses_stay_valid(nodes):
    assert plan.validate_node_addresses(nodes, GOOD) == []


# --- the same refusals through the filter -----------------------------------------------------

@pytest.mark.parametrize("networks, expected", [case[1:] for case in BAD_PLANS], ids=[case[0] for case in BAD_PLANS])
def test_the_filter_refuses_a_bad_plan_naming_the_problem(networks, expected):
    with pytest.raises(AnsibleFilterError) as err:
        network_plan(networks, ROLES, existing=NODES)
    assert str(err.value).startswith("invalid network plan (nothing was changed):\n  - ")
    assert expected in str(err.value)


# The filter leaves out nodes without addresses (nodes the undercloud has not recorded yet).
FILTERED = [case for case in BAD_NODES if case[0] not in ("addresses-null", "addresses-empty")]


@pytest.mark.parametrize("existing, expected", [case[1:] for case in FILTERED], ids=[case[0] for case in FILTERED])
def test_the_filter_refuses_bad_existing_addresses_naming_the_problem(existing, expected):
    nodes = {node: ["ctlplane"] for node in existing} if isinstance(existing, dict) else {NODE: ["ctlplane"]}
    with pytest.raises(AnsibleFilterError) as err:
        network_plan(GOOD, nodes, existing=existing)
    expected = re.sub(r"(^|: )addresses([.:])", r"\1existing\2", expected)
    assert "nothing was changed" in str(err.value)
    assert expected in str(err.value)
