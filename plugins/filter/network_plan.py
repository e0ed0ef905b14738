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
  - Every problem is reported at once, naming the network, the node and the field
    (overlapping networks, pools too small for the node count, a gateway or VIP outside its
    subnet or inside a pool, duplicate addresses, invalid host names).
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

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_native

try:
    from ansible_collections.ooo.cloud.plugins.module_utils import network_plan as plan
except ImportError as exc:  # pragma: no cover
    raise AnsibleFilterError("network_plan: %s" % to_native(exc)) from exc


def network_plan(networks, nodes, existing=None):
    if not plan.HAS_NETADDR:
        raise AnsibleFilterError("network_plan needs the Python library netaddr on the deploy host "
                                 "(pip install netaddr)")
    existing = {node: addresses for node, addresses in (existing or {}).items() if addresses}
    errors = plan.validate_networks(networks)
    if not errors:
        errors = plan.validate_node_addresses(existing, networks, field="existing")
        errors += ["node '%s': the name is not a valid host name" % node
                   for node in sorted(nodes) if node not in existing and not plan.valid_hostname(node)]
        addresses, allocation_errors = plan.allocate(networks, nodes, existing)
        errors += allocation_errors
    if errors:
        raise AnsibleFilterError("invalid network plan (nothing was changed):\n  - " + "\n  - ".join(errors))
    return addresses


class FilterModule:
    def filters(self):
        return {"network_plan": network_plan}
