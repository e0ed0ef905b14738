# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""Validation of a network plan and of the addresses nodes take in it.

A plan is a dict of networks, in the spirit of TripleO's network_data::

    ctlplane: {cidr: 10.213.0.0/24, gateway: 10.213.0.1,
               allocation_pools: [{start: 10.213.0.100, end: 10.213.0.199}]}
    internal_api: {cidr: 10.213.1.0/24, vlan: 20, vips: {controller: 10.213.1.5}}

and nodes map a name to ``{network: address}``. Every check returns a list of
messages that name the network, the node and the field, and say what to fix, so
a caller can show all of them at once and stop before anything changes; no
input, however malformed, makes a check raise. Used by the lab tooling, the
``network_plan`` filter and the overcloud roles; the ``subnet`` module refuses what
it would give Neutron by the same rules (``not_a_network()``, ``unusable()``,
``usable_hint()``, ``host_range()``).

The plan's rules, beyond "each value has the right type":

- ``cidr`` is ``address/prefix-length`` (roles use the part after ``/`` as the
  prefix length) with no host bits, and holds more than one address; no two
  networks overlap.
- ``gateway`` (optional; leave the key out for a network without one, never
  null) and every VIP are usable addresses of the network's own IP version:
  inside it, not its network address (IPv4 and IPv6) nor its broadcast address.
- ``allocation_pools`` is a list of ``{start, end}``: both ends of the
  network's IP version, ``start <= end``, inside the network, not covering the
  gateway, not overlapping each other. Nodes may hold pool addresses (the
  allocator skips them); VIPs may not.
- ``vips`` maps a name to an address; no address is two VIPs or a VIP and the
  gateway; ``vlan`` is an integer from 1 to 4094, a different one per network.
- A node's address is usable in a network the plan has, and neither the
  gateway, a VIP nor another node's address.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

try:
    import netaddr
    HAS_NETADDR = True
except ImportError:  # pragma: no cover - reported by the caller
    HAS_NETADDR = False

# RFC 1123 host name: labels of letters, digits and hyphens, not starting or ending with a hyphen.
_HOSTNAME_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)
_NETWORK_NAME = re.compile(r"^[a-z][a-z0-9_]{0,14}$")

# The fields a network of the plan may have, and those of an allocation pool. A new field
# (say an MTU) needs a line here, a check in _read_network and a test.
NETWORK_FIELDS = ("allocation_pools", "cidr", "gateway", "vips", "vlan")
POOL_FIELDS = ("start", "end")
_EXAMPLE_CIDR = "10.213.1.0/24"


def valid_hostname(name):
    """True if ``name`` is a valid RFC 1123 host name (one or more labels)."""
    if not isinstance(name, str) or not name or len(name) > 253:
        return False
    return all(_HOSTNAME_LABEL.match(label) for label in name.split("."))


def describe(value):
    """What a value of the wrong type is, for a message ("a list", "a number (5)", "null")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean (%s)" % str(value).lower()
    if isinstance(value, (int, float)):
        return "a number (%r)" % (value,)
    if isinstance(value, str):
        return "a string (%r)" % (value,)
    if isinstance(value, Mapping):
        return "a dict" if value else "an empty dict"
    if isinstance(value, (list, tuple)):
        return "a list" if value else "an empty list"
    return "a %s" % type(value).__name__


def _sorted_items(mapping):
    """A dict's items in key order, whatever the keys' types (YAML may give an int key)."""
    return sorted(mapping.items(), key=lambda item: str(item[0]))


def _closest(word, choices):
    # imported for a message only: the subnet module imports this file in every task
    import difflib  # pylint: disable=import-outside-toplevel
    match = difflib.get_close_matches(str(word), choices, n=1)
    return "; did you mean '%s'?" % match[0] if match else ""


def host_range(net):
    """The addresses hosts may take in ``net``, as an IPRange (see unusable)."""
    if net.version == 4 and net.prefixlen < 31:
        return netaddr.IPRange(net.first + 1, net.last - 1)
    if net.version == 6 and net.prefixlen < 127:
        return netaddr.IPRange(net.first + 1, net.last)
    return netaddr.IPRange(net.first, net.last)


def _example(net, offset=0):
    """An address of ``net`` to show in a message: its first host address, or the tenth."""
    rng = host_range(net)
    return str(netaddr.IPAddress(rng.first + min(offset, rng.size - 1), net.version))


def usable_hint(net):
    """The fix of an unusable address: "use one of <first>-<last>"."""
    rng = host_range(net)
    return "use one of %s-%s" % (rng[0], rng[-1])


def unusable(net, address):
    """Why a host cannot take ``address`` in ``net`` (words that follow "it is"), or None if it can."""
    if address.version != net.version:
        return "IPv%d in an IPv%d network" % (address.version, net.version)
    if address not in net:
        return "outside the network"
    if net.version == 4 and net.prefixlen < 31:
        if address == net.network:
            return "the network address"
        if address == net.broadcast:
            return "the broadcast address"
    if net.version == 6 and net.prefixlen < 127 and address == net.network:
        return "the network address (IPv6's subnet-router anycast address)"
    return None


def not_a_network(value, net):
    """Why ``value``, read as the IPNetwork ``net``, is not a network address (host bits set), or None."""
    if net.ip == net.network:
        return None
    # '10.0.0.5/24' is a host address, not a network: refuse it rather than guess.
    return "%r is not a network address: it has host bits set; write '%s'" % (value, net.cidr)


def _parse_address(value, example="10.213.1.10"):
    """``(IPAddress, None)`` for an address string, else ``(None, what is wrong with the value)``."""
    if value is None:
        return None, "no value (null); give an IP address such as %s" % example
    if not isinstance(value, str):
        return None, "%r is not an IP address: expected a string such as %s, got %s" % (value, example, describe(value))
    if not value.strip():
        return None, "empty; give an IP address such as %s" % example
    if "/" in value:
        return None, ("%r is not an IP address: write it without '/%s' (the prefix length comes from the "
                      "network's cidr)" % (value, value.split("/", 1)[1]))
    try:
        return netaddr.IPAddress(value), None
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return None, "%r is not an IP address (expected one such as %s)" % (value, example)


def _ip(value):
    return _parse_address(value)[0]


def _read_cidr(where, spec, errors):
    """The network of ``spec['cidr']``, or None after adding what is wrong with it to ``errors``."""
    value = spec.get("cidr")
    if value is None:
        errors.append("%s: cidr: %s; give the network's address and prefix length, e.g. %s"
                      % (where, "missing" if "cidr" not in spec else "no value (null)", _EXAMPLE_CIDR))
        return None
    if not isinstance(value, str):
        errors.append("%s: cidr: %r is not a network address in CIDR notation: expected a string such as %s, got %s"
                      % (where, value, _EXAMPLE_CIDR, describe(value)))
        return None
    if "/" not in value and _ip(value) is not None:
        errors.append("%s: cidr: %r has no prefix length; write the network as address/prefix length, e.g. '%s/24'"
                      % (where, value, value))
        return None
    try:
        net = netaddr.IPNetwork(value) if "/" in value else None
    except (netaddr.AddrFormatError, ValueError, TypeError):
        net = None
    if net is None:
        errors.append("%s: cidr: %r is not a network address in CIDR notation (e.g. %s)"
                      % (where, value, _EXAMPLE_CIDR))
        return None
    if value.split("/", 1)[1] != str(net.prefixlen):
        errors.append("%s: cidr: %r: write the prefix as a length, '%s/%d' (roles use the part after '/' as one)"
                      % (where, value, value.split("/", 1)[0], net.prefixlen))
        return None
    why = not_a_network(value, net)
    if why:
        errors.append("%s: cidr: %s" % (where, why))
        return None
    if net.size == 1:
        errors.append("%s: cidr: %r is a single address, with no room for a gateway or nodes; give the "
                      "network's own prefix length (e.g. /24)" % (where, value))
        return None
    return net


def _read_gateway(where, spec, net, errors):
    if "gateway" not in spec:
        return None
    value = spec["gateway"]
    if value is None:
        errors.append("%s: gateway: null; give the gateway's address, or remove the key for a network without "
                      "one (with a null gateway the undercloud picks its own)" % where)
        return None
    gateway, why = _parse_address(value, _example(net))
    if gateway is None:
        errors.append("%s: gateway: %s" % (where, why))
        return None
    why = unusable(net, gateway)
    if why:
        errors.append("%s: gateway: %s is not a usable address in %s: it is %s; %s"
                      % (where, gateway, net, why, usable_hint(net)))
        return None
    return gateway


def _read_vlan(name, where, spec, vlans, errors):
    vlan = spec.get("vlan")
    if vlan is None:
        return
    if not isinstance(vlan, int) or isinstance(vlan, bool) or not 1 <= vlan <= 4094:
        hint = " (write it without quotes)" if isinstance(vlan, str) and vlan.strip().isdigit() else ""
        errors.append("%s: vlan: %r must be an integer from 1 to 4094%s" % (where, vlan, hint))
    elif vlan in vlans:
        errors.append("%s: vlan: %d is also the vlan of network '%s'; give each network its own VLAN id"
                      % (where, vlan, vlans[vlan]))
    else:
        vlans[vlan] = name


def _read_pool(field, pool, net, errors):
    """The IPRange of one allocation pool of ``net``, or None after adding its problems to ``errors``."""
    if not isinstance(pool, Mapping):
        errors.append("%s: expected {start: ..., end: ...}, got %s" % (field, describe(pool)))
        return None
    for key in pool:
        if key not in POOL_FIELDS:
            errors.append("%s: %s: not a field of a pool (a pool has only 'start' and 'end')%s"
                          % (field, key, _closest(key, POOL_FIELDS)))
    ends = {}
    for key in POOL_FIELDS:
        if key not in pool:
            errors.append("%s.%s: missing; a pool needs both 'start' and 'end'" % (field, key))
            continue
        ends[key], why = _parse_address(pool[key], _example(net, 99))
        if ends[key] is None:
            errors.append("%s.%s: %s" % (field, key, why))
    start, end = ends.get("start"), ends.get("end")
    if start is None or end is None:
        return None
    if start.version != end.version:
        errors.append("%s: start %s is IPv%d but end %s is IPv%d; both ends must be IPv%d addresses of %s"
                      % (field, start, start.version, end, end.version, net.version, net))
        return None
    if start > end:
        errors.append("%s: needs 'start' <= 'end', but start %s is after end %s; swap them" % (field, start, end))
        return None
    rng = netaddr.IPRange(start, end)
    bad = [(key, ends[key], unusable(net, ends[key])) for key in POOL_FIELDS]
    bad = [reason for reason in bad if reason[2]]
    if bad:
        key, address, why = bad[0]
        usable = host_range(net)
        errors.append("%s: %s-%s is not inside %s (%s %s: it is %s); keep the pool within %s-%s"
                      % (field, start, end, net, key, address, why, usable[0], usable[-1]))
    if start.version != net.version:
        return None
    return rng


def _read_pools(where, spec, net, gateway, errors):
    value = spec.get("allocation_pools")
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        hint = (": write the pool as a list item, '- {start: ..., end: ...}'" if isinstance(value, Mapping)
                else ", e.g. [{start: 10.213.1.100, end: 10.213.1.199}]")
        errors.append("%s: allocation_pools: expected a list of {start: ..., end: ...}, got %s%s"
                      % (where, describe(value), hint))
        return []
    pools = []
    for index, pool in enumerate(value):
        field = "%s: allocation_pools[%d]" % (where, index)
        rng = _read_pool(field, pool, net, errors)
        if rng is None:
            continue
        if gateway is not None and gateway in rng:
            errors.append("%s: contains the gateway %s; end the pool before it or start it after it" % (field, gateway))
        for other_index, other in pools:
            if rng.first <= other.last and other.first <= rng.last:
                errors.append("%s: overlaps allocation_pools[%d] (%s-%s); pools must not share addresses"
                              % (field, other_index, other[0], other[-1]))
        pools.append((index, rng))
    return [rng for _index, rng in pools]


def _read_vips(name, where, spec, net, gateway, pools, vip_owners, errors):
    value = spec.get("vips")
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        errors.append("%s: vips: expected a dict of name: address (e.g. {controller: %s}), got %s"
                      % (where, _example(net, 4), describe(value)))
        return {}
    vips = {}
    for vip_name, vip in value.items():
        field = "%s: vips.%s" % (where, vip_name)
        if not isinstance(vip_name, str) or not vip_name.strip():
            errors.append("%s: vips: the name %r is not a string; name each VIP (e.g. controller: %s)"
                          % (where, vip_name, vip))
            continue
        addr, why = _parse_address(vip, _example(net, 4))
        if addr is None:
            errors.append("%s: %s" % (field, why))
            continue
        vips[vip_name] = addr
        why = unusable(net, addr)
        if why:
            errors.append("%s: %s is not a usable address in %s: it is %s; %s"
                          % (field, addr, net, why, usable_hint(net)))
        elif any(addr in rng for rng in pools):
            errors.append("%s: %s is inside an allocation pool; VIPs must be outside the pools" % (field, addr))
        elif gateway is not None and addr == gateway:
            errors.append("%s: %s is the gateway; give the VIP an address of its own" % (field, addr))
        elif str(addr) in vip_owners:
            errors.append("%s: %s is also %s; give each VIP its own address" % (field, addr, vip_owners[str(addr)]))
        else:
            vip_owners[str(addr)] = "VIP '%s' of network '%s'" % (vip_name, name)
    return vips


def _read_plan(networks):
    """``(errors, parsed)``: every problem of the plan, and what of it could be read.

    ``parsed`` maps each network whose cidr is valid to ``{net, gateway, pools, vips}``
    (the gateway, pools and VIPs that parse), so the node checks and the allocator can
    go on with a broken plan without raising.
    """
    errors = []
    parsed = {}
    if not isinstance(networks, Mapping):
        got = "" if networks is None else ", got %s" % describe(networks)
        return ["network plan: no networks defined (expected a dict of name: {cidr: ...})%s" % got], parsed
    if not networks:
        return ["network plan: no networks defined (expected a dict of name: {cidr: ...})"], parsed
    vlans = {}
    vip_owners = {}
    for name, spec in networks.items():
        where = "network '%s'" % (name,)
        if not isinstance(name, str) or not _NETWORK_NAME.match(name):
            errors.append("%s: name must be lower case letters, digits and '_', at most 15 characters "
                          "(it names an interface)" % where)
        if not isinstance(spec, Mapping):
            errors.append("%s: expected a dict with at least 'cidr' (e.g. {cidr: %s}), got %s"
                          % (where, _EXAMPLE_CIDR, describe(spec)))
            continue
        for key in spec:
            if key not in NETWORK_FIELDS:
                errors.append("%s: %s: not a field of the plan (it has %s)%s"
                              % (where, key, ", ".join(NETWORK_FIELDS), _closest(key, NETWORK_FIELDS)))
        _read_vlan(name, where, spec, vlans, errors)
        net = _read_cidr(where, spec, errors)
        if net is None:
            continue
        gateway = _read_gateway(where, spec, net, errors)
        pools = _read_pools(where, spec, net, gateway, errors)
        vips = _read_vips(name, where, spec, net, gateway, pools, vip_owners, errors)
        parsed[name] = {"net": net, "gateway": gateway, "pools": pools, "vips": vips}
    names = sorted(parsed, key=str)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            one, two = parsed[first]["net"], parsed[second]["net"]
            if one.version == two.version and one.first <= two.last and two.first <= one.last:
                errors.append("network '%s' (%s) overlaps network '%s' (%s); give each network its own range"
                              % (first, one, second, two))
    return errors, parsed


def validate_networks(networks):
    """Check a plan's networks on their own and against each other."""
    return _read_plan(networks)[0]


def validate_node_addresses(nodes, networks, field="addresses"):
    """Check nodes' host names and their addresses against a plan.

    ``nodes`` maps a node name to ``{network: address}``; ``field`` is the name
    of that variable in the inventory, so messages point at what to edit. Problems
    of the plan itself are left to validate_networks.
    """
    if nodes is None:
        return []
    if not isinstance(nodes, Mapping):
        return ["%s: expected a dict of node name: {network: address}, got %s" % (field, describe(nodes))]
    errors = []
    parsed = _read_plan(networks)[1]
    known = sorted(networks, key=str) if isinstance(networks, Mapping) else []
    taken = {}
    reserved = {}
    for net_name, info in parsed.items():
        if info["gateway"] is not None:
            reserved[str(info["gateway"])] = "the gateway of network '%s'" % net_name
        for vip_name, vip in info["vips"].items():
            reserved[str(vip)] = "VIP '%s' of network '%s'" % (vip_name, net_name)
    names = {}
    for node, addresses in _sorted_items(nodes):
        where = "node '%s'" % (node,)
        if not valid_hostname(node):
            errors.append("%s: the name is not a valid host name (letters, digits and '-', "
                          "not starting or ending with '-')" % where)
        elif node.lower() in names:
            errors.append("%s: the name differs from node '%s' only in case; host names are case-insensitive, "
                          "rename one of them" % (where, names[node.lower()]))
        else:
            names[node.lower()] = node
        if not isinstance(addresses, Mapping) or not addresses:
            errors.append("%s: %s: expected a dict of network: address (e.g. {ctlplane: 10.213.0.10}), got %s"
                          % (where, field, describe(addresses)))
            continue
        for net_name, value in _sorted_items(addresses):
            item = "%s: %s.%s" % (where, field, net_name)
            if net_name not in known:
                errors.append("%s: unknown network '%s' (known: %s); add it to the plan or remove the address"
                              % (item, net_name, ", ".join(str(name) for name in known) or "none"))
                continue
            info = parsed.get(net_name)
            addr, why = _parse_address(value, _example(info["net"], 9) if info else "10.213.0.10")
            if addr is None:
                errors.append("%s: %s" % (item, why))
                continue
            if info is None:
                continue  # the network's own error is reported by validate_networks
            net = info["net"]
            why = unusable(net, addr)
            if why == "outside the network":
                errors.append("%s: %s is outside network '%s' (%s); %s"
                              % (item, addr, net_name, net, usable_hint(net)))
                continue
            if why:
                errors.append("%s: %s is not a usable address in network '%s' (%s): it is %s; %s"
                              % (item, addr, net_name, net, why, usable_hint(net)))
                continue
            key = str(addr)
            if key in reserved:
                errors.append("%s: %s is %s; give the node another address" % (item, addr, reserved[key]))
            elif key in taken:
                errors.append("%s: %s is already used by %s; give each node its own address" % (item, addr, taken[key]))
            else:
                taken[key] = "node '%s' on network '%s'" % (node, net_name)
    return errors


def _node_networks(nodes):
    """``(networks, errors)``: the allocator's input read as node name to a list of network names."""
    result = {}
    errors = []
    for node, nets in _sorted_items(nodes):
        where = "node '%s'" % (node,)
        result[node] = []
        if not isinstance(nets, (list, tuple)):
            errors.append("%s: networks: expected a list of network names (e.g. [ctlplane, internal_api]), got %s"
                          % (where, describe(nets)))
            continue
        for index, net_name in enumerate(nets):
            if isinstance(net_name, str):
                result[node].append(net_name)
            else:
                errors.append("%s: networks[%d]: expected a network name, got %s" % (where, index, describe(net_name)))
    return result, errors


def allocate(networks, nodes, existing=None):
    """Give every node an address on each of its networks, deterministically.

    ``nodes`` maps a node name to the list of networks it is on; ``existing`` maps node
    names to addresses they already have (from the inventory or the undercloud's
    records). Existing addresses are kept as they are, so a re-run or an added node never
    moves one; a node that needs a new address takes the lowest free one of the network's
    allocation pools (or of the whole subnet if it has no pools), nodes in name order.

    Returns ``(addresses, errors)``; ``addresses`` is only complete when ``errors`` is empty.
    """
    if not isinstance(nodes, Mapping):
        return {}, ["nodes: expected a dict of node name: [network, ...], got %s" % describe(nodes)]
    existing = existing if isinstance(existing, Mapping) else {}
    node_networks, errors = _node_networks(nodes)
    parsed = _read_plan(networks)[1]
    known = networks if isinstance(networks, Mapping) else {}
    result = {node: dict(existing[node]) if isinstance(existing.get(node), Mapping) else {} for node in nodes}
    for net_name in sorted({n for nets in node_networks.values() for n in nets}):
        if net_name not in known:
            users = sorted((node for node, nets in node_networks.items() if net_name in nets), key=str)
            errors.append("node '%s': networks: unknown network '%s'" % (users[0], net_name))
            continue
        info = parsed.get(net_name)
        if info is None:
            continue
        net = info["net"]
        used = set()
        for addresses in existing.values():
            if isinstance(addresses, Mapping) and net_name in addresses:
                used.add(str(_ip(addresses[net_name])))
        used.update(str(vip) for vip in info["vips"].values())
        if info["gateway"] is not None:
            used.add(str(info["gateway"]))
        ranges = info["pools"] or [host_range(net)]
        candidates = (str(addr) for rng in ranges for addr in rng)
        wanting = sorted((node for node, nets in node_networks.items()
                          if net_name in nets and net_name not in result[node]), key=str)
        for node in wanting:
            address = next((c for c in candidates if c not in used), None)
            if address is None:
                size = sum(r.size for r in ranges)
                errors.append("network '%s': allocation_pools: %d addresses are too few for %d more nodes "
                              "(first without one: node '%s'); widen the pools"
                              % (net_name, size, len(wanting), node))
                break
            used.add(address)
            result[node][net_name] = address
    return result, errors
