# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
name: network_plan
short_description: Validate a network plan and allocate the nodes' addresses in it
version_added: 0.1.0
description:
  - Checks a plan of networks (TripleO's network_data) and the addresses nodes already
    have, then gives every node an address on each of its networks.
  - Existing addresses are kept, so re-runs and added nodes never move one; new ones take
    the lowest free address of the network's allocation pools, nodes in name order.
  - Every problem is reported at once, naming the network, the node and the field and saying
    what to fix (a value of the wrong type, a CIDR with host bits or without a prefix length,
    overlapping networks, IPv4 and IPv6 mixed in one network, a gateway, VIP or pool outside its
    subnet, a pool covering the gateway or a VIP, two VIPs or nodes on one address, pools too
    small for the node count, invalid host names); the filter fails with that list, never with
    a Python error.
requirements:
  - netaddr
options:
  _input:
    description: The networks, a dict of name to C(cidr), C(gateway), C(allocation_pools), C(vlan), C(vips).
    type: dict
    required: true
  nodes:
    description: Node name to the list of networks the node is on.
    type: dict
    required: true
  existing:
    description: Node name to a dict of network to the address the node already has.
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Plan the overcloud's addresses
  ansible.builtin.set_fact:
    overcloud_addresses: >-
      {{ ooo_networks | ooo.cloud.network_plan(
           {'overcloud-controller-0': ['ctlplane', 'internal_api'],
            'overcloud-compute-0': ['ctlplane', 'internal_api']},
           existing={'overcloud-controller-0': {'ctlplane': '10.213.0.20'}}) }}
"""

RETURN = r"""
_value:
  description: Node name to a dict of network to address.
  type: dict
"""

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_native

try:
    from ansible_collections.ooo.cloud.plugins.module_utils import network_plan as plan
except ImportError as exc:  # pragma: no cover
    raise AnsibleFilterError("network_plan: %s" % to_native(exc)) from exc


def _plan(networks, nodes, existing):
    """``(addresses, errors)`` of one call of the filter."""
    if existing is None:
        existing = {}
    errors = []
    if not isinstance(nodes, Mapping):
        errors.append("nodes: expected a dict of node name: [network, ...], got %s" % plan.describe(nodes))
    if not isinstance(existing, Mapping):
        errors.append("existing: expected a dict of node name: {network: address}, got %s" % plan.describe(existing))
    if errors:
        return None, errors
    existing = {node: addresses for node, addresses in existing.items() if addresses}
    errors = plan.validate_networks(networks)
    if errors:
        return None, errors
    errors = plan.validate_node_addresses(existing, networks, field="existing")
    errors += ["node '%s': the name is not a valid host name" % (node,)
               for node in sorted(nodes, key=str) if node not in existing and not plan.valid_hostname(node)]
    addresses, allocation_errors = plan.allocate(networks, nodes, existing)
    return addresses, errors + allocation_errors


def network_plan(networks, nodes, existing=None):
    if not plan.HAS_NETADDR:
        raise AnsibleFilterError("network_plan needs the Python library netaddr on the deploy host "
                                 "(pip install netaddr)")
    try:
        addresses, errors = _plan(networks, nodes, existing)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError, plan.netaddr.AddrFormatError) as exc:
        # The checks are meant to name every problem; if one slips through, still say what failed.
        raise AnsibleFilterError("network_plan: the plan could not be checked (%s: %s); this is a bug in "
                                 "ooo.cloud's network plan checks, please report it with the plan"
                                 % (type(exc).__name__, to_native(exc)), orig_exc=exc) from exc
    if errors:
        raise AnsibleFilterError("invalid network plan (nothing was changed):\n  - " + "\n  - ".join(errors))
    return addresses


class FilterModule:
    def filters(self):
        return {"network_plan": network_plan}
