# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
name: overcloud
short_description: The overcloud's nodes, roles and addresses, read back from the undercloud
version_added: 0.1.0
description:
  - The undercloud is the source of truth for the overcloud's nodes (see M(ooo.cloud.overcloud_node)).
    Every node is a set of Neutron ports in the undercloud tagged with its name and role;
    this plugin reads them and makes one host per node.
  - Each node is in the group C(overcloud) and in C(overcloud_<role>) (lower case), with
    C(ansible_host) set to its address on O(ansible_host_network), C(ooo_node_addresses) (network to
    address) and C(ooo_role).
  - The configuration file name must end in C(.overcloud.yml) or C(.overcloud.yaml).
extends_documentation_fragment:
  - constructed
options:
  plugin:
    description: The name of this plugin.
    type: str
    required: true
    choices: [ooo.cloud.overcloud]
  cloud:
    description: The clouds.yaml entry of the undercloud.
    type: str
    default: undercloud
  ansible_host_network:
    description: The network whose address Ansible connects to.
    type: str
    default: ctlplane
'''

EXAMPLES = r'''
# overcloud.overcloud.yml
plugin: ooo.cloud.overcloud
cloud: undercloud
# Also group the nodes by role, as role_Controller, role_Compute
keyed_groups:
  - key: ooo_role
    prefix: role
'''

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Constructable

from ansible_collections.ooo.cloud.plugins.module_utils.openstack import OpenStackClient, resolve_config
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import OpenStackError
from ansible_collections.ooo.cloud.plugins.module_utils.overcloud import TAG, nodes_from_ports


class InventoryModule(BaseInventoryPlugin, Constructable):
    NAME = 'ooo.cloud.overcloud'

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(('.overcloud.yml', '.overcloud.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cloud = self.get_option('cloud')
        try:
            client = OpenStackClient(resolve_config({'cloud': cloud}), read_only=True)
            ports = client.list('network', '/ports', 'ports', {'tags': TAG})
        except OpenStackError as exc:
            raise AnsibleParserError("ooo.cloud.overcloud: cannot read the overcloud's nodes from cloud '%s': %s"
                                     % (cloud, exc.msg)) from exc
        self.inventory.add_group('overcloud')
        strict = self.get_option('strict')
        for name, node in sorted(nodes_from_ports(ports).items()):
            group = 'overcloud_%s' % (node['role'] or 'unassigned').lower()
            self.inventory.add_group(group)
            self.inventory.add_child('overcloud', group)
            self.inventory.add_host(name, group=group)
            hostvars = {'ooo_role': node['role'], 'ooo_node_addresses': node['addresses']}
            address = node['addresses'].get(self.get_option('ansible_host_network'))
            if address:
                hostvars['ansible_host'] = address
            for key, value in hostvars.items():
                self.inventory.set_variable(name, key, value)
            self._set_composite_vars(self.get_option('compose'), hostvars, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), hostvars, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), hostvars, name, strict=strict)
