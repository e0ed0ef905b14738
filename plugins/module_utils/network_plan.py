# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""Validation of a network plan and of the addresses nodes take in it.

A plan is a dict of networks, in the spirit of TripleO's network_data::

    ctlplane: {cidr: 10.213.0.0/24, gateway: 10.213.0.1,
               allocation_pools: [{start: 10.213.0.100, end: 10.213.0.199}]}
    internal_api: {cidr: 10.213.1.0/24, vlan: 20, vips: {controller: 10.213.1.5}}

and nodes map a name to ``{network: address}``. Every check returns a list of
messages that name the network, the node and the field, so a caller can show
all of them at once and stop before anything changes. Used by the lab tooling,
the ``network_plan`` filter and the overcloud roles.
"""

from __future__ import annotations

import re

try:
    import netaddr
    HAS_NETADDR = True
except ImportError:  # pragma: no cover - reported by the caller
    HAS_NETADDR = False

# RFC 1123 host name: labels of letters, digits and hyphens, not starting or ending with a hyphen.
_HOSTNAME_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)
_NETWORK_NAME = re.compile(r"^[a-z][a-z0-9_]{0,14}$")


def valid_hostname(name):
    """True if ``name`` is a valid RFC 1123 host name (one or more labels)."""
    if not isinstance(name, str) or not name or len(name) > 253:
        return False
    return all(_HOSTNAME_LABEL.match(label) for label in name.split("."))


def _ip(value):
    try:
        return netaddr.IPAddress(str(value))
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return None


def _net(value):
    try:
        net = netaddr.IPNetwork(str(value))
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return None
    # '10.0.0.5/24' is a host address, not a network: refuse it rather than guess.
    return net if net.ip == net.network else None


def _pool_range(pool):
    start, end = _ip(pool.get("start")), _ip(pool.get("end"))
    if start is None or end is None or start > end:
        return None
    return netaddr.IPRange(start, end)


def _usable(net, address):
    """An address a host may take: inside the network, not its network or broadcast address."""
    if address not in net:
        return False
    if net.version == 4 and net.prefixlen < 31:
        return address not in (net.network, net.broadcast)
    return True


def validate_networks(networks):
    """Check a plan's networks on their own and against each other."""
    errors = []
    if not isinstance(networks, dict) or not networks:
        return ["network plan: no networks defined (expected a dict of name: {cidr: ...})"]
    parsed = {}
    for name, spec in networks.items():
        where = "network '%s'" % name
        if not _NETWORK_NAME.match(str(name)):
            errors.append("%s: name must be lower case letters, digits and '_', at most 15 characters "
                          "(it names an interface)" % where)
        if not isinstance(spec, dict):
            errors.append("%s: expected a dict with at least 'cidr'" % where)
            continue
        net = _net(spec.get("cidr"))
        if net is None:
            errors.append("%s: cidr: %r is not a network address in CIDR notation (e.g. 10.213.1.0/24)"
                          % (where, spec.get("cidr")))
            continue
        parsed[name] = net
        gateway = spec.get("gateway")
        if gateway is not None:
            gw = _ip(gateway)
            if gw is None or not _usable(net, gw):
                errors.append("%s: gateway: %s is not a usable address in %s" % (where, gateway, net))
        vlan = spec.get("vlan")
        if vlan is not None and (not isinstance(vlan, int) or isinstance(vlan, bool) or not 1 <= vlan <= 4094):
            errors.append("%s: vlan: %r must be an integer from 1 to 4094" % (where, vlan))
        pools = []
        for index, pool in enumerate(spec.get("allocation_pools") or []):
            field = "%s: allocation_pools[%d]" % (where, index)
            rng = _pool_range(pool) if isinstance(pool, dict) else None
            if rng is None:
                errors.append("%s: needs 'start' <= 'end', both IP addresses (got %r)" % (field, pool))
                continue
            if not (_usable(net, rng[0]) and _usable(net, rng[-1])):
                errors.append("%s: %s-%s is not inside %s" % (field, rng[0], rng[-1], net))
            if gateway is not None and _ip(gateway) in rng:
                errors.append("%s: contains the gateway %s" % (field, gateway))
            for other_index, other in pools:
                if rng.first <= other.last and other.first <= rng.last:
                    errors.append("%s: overlaps allocation_pools[%d]" % (field, other_index))
            pools.append((index, rng))
        for vip_name, vip in (spec.get("vips") or {}).items():
            addr = _ip(vip)
            field = "%s: vips.%s" % (where, vip_name)
            if addr is None or not _usable(net, addr):
                errors.append("%s: %s is not a usable address in %s" % (field, vip, net))
            elif any(addr in rng for _index, rng in pools):
                errors.append("%s: %s is inside an allocation pool; VIPs must be outside the pools" % (field, vip))
            elif gateway is not None and addr == _ip(gateway):
                errors.append("%s: %s is the gateway" % (field, vip))
    names = sorted(parsed)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            if parsed[first].first <= parsed[second].last and parsed[second].first <= parsed[first].last:
                errors.append("network '%s' (%s) overlaps network '%s' (%s)"
                              % (first, parsed[first], second, parsed[second]))
    return errors


def validate_node_addresses(nodes, networks, field="addresses"):
    """Check nodes' host names and their addresses against a (valid) plan.

    ``nodes`` maps a node name to ``{network: address}``; ``field`` is the name
    of that variable in the inventory, so messages point at what to edit.
    """
    errors = []
    taken = {}
    reserved = {}
    for net_name, spec in (networks or {}).items():
        if spec.get("gateway") is not None:
            reserved[str(_ip(spec["gateway"]))] = "the gateway of network '%s'" % net_name
        for vip_name, vip in (spec.get("vips") or {}).items():
            reserved[str(_ip(vip))] = "VIP '%s' of network '%s'" % (vip_name, net_name)
    for node, addresses in sorted((nodes or {}).items()):
        where = "node '%s'" % node
        if not valid_hostname(node):
            errors.append("%s: the name is not a valid host name (letters, digits and '-', "
                          "not starting or ending with '-')" % where)
        if not isinstance(addresses, dict) or not addresses:
            errors.append("%s: %s: expected a dict of network: address" % (where, field))
            continue
        for net_name, value in sorted(addresses.items()):
            item = "%s: %s.%s" % (where, field, net_name)
            if net_name not in (networks or {}):
                errors.append("%s: unknown network '%s' (known: %s)"
                              % (item, net_name, ", ".join(sorted(networks or {}))))
                continue
            net = _net(networks[net_name].get("cidr"))
            addr = _ip(value)
            if addr is None:
                errors.append("%s: %r is not an IP address" % (item, value))
                continue
            if net is None:
                continue  # the network's own error is reported by validate_networks
            if not _usable(net, addr):
                errors.append("%s: %s is outside network '%s' (%s) or is its network/broadcast address"
                              % (item, addr, net_name, net))
                continue
            key = str(addr)
            if key in reserved:
                errors.append("%s: %s is %s" % (item, addr, reserved[key]))
            elif key in taken:
                errors.append("%s: %s is already used by %s" % (item, addr, taken[key]))
            else:
                taken[key] = "node '%s' on network '%s'" % (node, net_name)
    return errors


def allocate(networks, nodes, existing=None):
    """Give every node an address on each of its networks, deterministically.

    ``nodes`` maps a node name to the list of networks it is on; ``existing`` maps node
    names to addresses they already have (from the inventory or the undercloud's
    records). Existing addresses are kept as they are, so a re-run or an added node never
    moves one; a node that needs a new address takes the lowest free one of the network's
    allocation pools (or of the whole subnet if it has no pools), nodes in name order.

    Returns ``(addresses, errors)``; ``addresses`` is only complete when ``errors`` is empty.
    """
    existing = existing or {}
    errors = []
    result = {node: dict(existing.get(node) or {}) for node in nodes}
    for net_name in sorted({n for nets in nodes.values() for n in nets}):
        spec = (networks or {}).get(net_name)
        if spec is None:
            users = sorted(node for node, nets in nodes.items() if net_name in nets)
            errors.append("node '%s': networks: unknown network '%s'" % (users[0], net_name))
            continue
        net = _net(spec.get("cidr"))
        if net is None:
            continue
        used = {str(_ip(addr)) for addrs in existing.values() for n, addr in (addrs or {}).items() if n == net_name}
        used.update(str(_ip(v)) for v in (spec.get("vips") or {}).values())
        if spec.get("gateway"):
            used.add(str(_ip(spec["gateway"])))
        pools = [_pool_range(p) for p in spec.get("allocation_pools") or []]
        ranges = [r for r in pools if r is not None] or [netaddr.IPRange(net.first + 1, net.last - 1)]
        candidates = (str(addr) for rng in ranges for addr in rng)
        wanting = sorted(node for node, nets in nodes.items() if net_name in nets and net_name not in result[node])
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
