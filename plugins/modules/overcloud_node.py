#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: overcloud_node
short_description: Register an overcloud node in the undercloud
description:
  - Makes the undercloud the source of truth for an overcloud node, as TripleO does. The
    node is a set of Neutron ports in the undercloud, one on each network of the overcloud's
    plan, named C(<node>-<network>), holding the node's address on that network and tagged
    with the node's name and role.
  - Exactly the listed networks get a port; ports of the node on other networks are deleted.
  - An address that changes is updated in place on the node's port.
  - With O(state=absent) the node's ports are deleted (the node is unregistered).
  - The M(ooo.cloud.overcloud) inventory plugin reads the nodes back from these ports.
author: ooo.cloud developers (@ooo-cloud)
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
options:
  addresses:
    description:
      - Network name (a network of the undercloud) to the node's address on it.
      - Required with O(state=present).
    type: dict
  name:
    description:
      - Host name of the node.
    type: str
    required: true
  role:
    description:
      - Role of the node, for example V(Controller) or V(Compute).
      - Required with O(state=present).
    type: str
'''

EXAMPLES = r'''
- name: Register a compute node in the undercloud
  ooo.cloud.overcloud_node:
    cloud: undercloud
    name: overcloud-compute-0
    role: Compute
    addresses:
      ctlplane: 10.213.0.30
      internal_api: 10.213.1.30

- name: Remove it again
  ooo.cloud.overcloud_node:
    cloud: undercloud
    name: overcloud-compute-0
    state: absent
'''

RETURN = r'''
overcloud_node:
  description: The node as registered; null when O(state=absent).
  returned: always
  type: dict
  contains:
    name:
      description: Host name of the node.
      type: str
    role:
      description: Role of the node.
      type: str
    addresses:
      description: Network name to address.
      type: dict
    ports:
      description: Network name to the id of the node's port on it (not known in check mode for new ports).
      type: dict
'''

import ipaddress

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import OpenStackModule
from ansible_collections.ooo.cloud.plugins.module_utils.overcloud import (
    NODE_TAG,
    TAG,
    node_tags,
    nodes_from_ports,
    port_name,
)


class OvercloudNodeModule(OpenStackModule):
    argument_spec = dict(
        addresses=dict(type='dict'),
        name=dict(type='str', required=True),
        role=dict(type='str'),
        state=dict(type='str', default='present', choices=['absent', 'present']),
    )
    module_kwargs = dict(required_if=[('state', 'present', ('addresses', 'role'))])

    def current(self):
        """The node as the undercloud records it: {'role', 'addresses', 'ports'}, or None."""
        name = self.params['name']
        ports = self.client.list('network', '/ports', 'ports', {'tags': '%s,%s%s' % (TAG, NODE_TAG, name)})
        return nodes_from_ports(ports).get(name)

    def subnet_of(self, network_name, address):
        network = self.find_one('network', network_name, label='undercloud network')
        for subnet_id in network.get('subnets', []):
            subnet = self.client.get('network', '/subnets/%s' % subnet_id)['subnet']
            if self.contains(subnet['cidr'], address):
                return network, subnet
        self.fail("node '%s': address %s on network '%s' is in none of that network's subnets in the undercloud; "
                  "fix the address or the network plan" % (self.params['name'], address, network_name))

    @staticmethod
    def contains(cidr, address):
        try:
            return ipaddress.ip_address(address) in ipaddress.ip_network(cidr)
        except ValueError:
            return False

    def run(self):
        name = self.params['name']
        node = self.current() or {'role': None, 'addresses': {}, 'ports': {}}
        ports = node['ports']
        before = {'name': name, 'role': node['role'], 'addresses': node['addresses']} if ports else {}
        if self.params['state'] == 'absent':
            self.results.update(changed=bool(ports), diff={'before': before, 'after': {}}, overcloud_node=None)
            if not self.check_mode:
                for port in ports.values():
                    self.client.delete('network', '/ports/%s' % port['id'])
            return
        wanted = {net: str(addr) for net, addr in self.params['addresses'].items()}
        tags = node_tags(name, self.params['role'])
        changed = False
        for network_name, address in sorted(wanted.items()):
            port = ports.get(network_name)
            network, subnet = self.subnet_of(network_name, address)
            fixed_ips = [{'subnet_id': subnet['id'], 'ip_address': address}]
            if port is None:
                changed = True
                if not self.check_mode:
                    body = {'name': port_name(name, network_name), 'network_id': network['id'], 'fixed_ips': fixed_ips,
                            'description': 'ooo.cloud overcloud node %s (%s)' % (name, self.params['role'])}
                    ports[network_name] = self.client.post('network', '/ports', {'port': body})['port']
                    port = ports[network_name]
            elif [ip['ip_address'] for ip in port.get('fixed_ips', [])] != [address]:
                changed = True
                if not self.check_mode:
                    port = self.client.put('network', '/ports/%s' % port['id'], {'port': {'fixed_ips': fixed_ips}})['port']
            if port is not None and sorted(port.get('tags', [])) != tags:
                changed = True
                if not self.check_mode:
                    self.client.put('network', '/ports/%s/tags' % port['id'], {'tags': tags})
        for network_name in sorted(set(ports) - set(wanted)):
            changed = True
            if not self.check_mode:
                self.client.delete('network', '/ports/%s' % ports.pop(network_name)['id'])
        after = {'name': name, 'role': self.params['role'], 'addresses': wanted}
        result = dict(after, ports={net: p['id'] for net, p in ports.items() if net in wanted})
        self.results.update(changed=changed, diff={'before': before, 'after': after}, overcloud_node=result)


def main():
    OvercloudNodeModule()()


if __name__ == '__main__':
    main()
