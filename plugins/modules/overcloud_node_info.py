#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: overcloud_node_info
short_description: List the overcloud nodes registered in the undercloud
description:
  - Reads the overcloud's nodes back from the undercloud's Neutron ports written by M(ooo.cloud.overcloud_node).
author: ooo.cloud developers (@ooo-cloud)
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.info
options:
  name:
    description:
      - Only this node.
    type: str
'''

EXAMPLES = r'''
- name: Addresses the undercloud has given the overcloud's nodes
  ooo.cloud.overcloud_node_info:
    cloud: undercloud
  register: registered
'''

RETURN = r'''
overcloud_nodes:
  description:
    - The registered nodes, sorted by name.
    - Each as RV(ooo.cloud.overcloud_node#module:overcloud_node) describes a node, without its C(ports).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import OpenStackModule
from ansible_collections.ooo.cloud.plugins.module_utils.overcloud import NODE_TAG, TAG, nodes_from_ports


class OvercloudNodeInfoModule(OpenStackModule):
    argument_spec = dict(name=dict(type='str'))

    def run(self):
        tags = TAG if not self.params['name'] else '%s,%s%s' % (TAG, NODE_TAG, self.params['name'])
        nodes = nodes_from_ports(self.client.list('network', '/ports', 'ports', {'tags': tags}))
        self.results['overcloud_nodes'] = [{'name': name, 'role': node['role'], 'addresses': node['addresses']}
                                           for name, node in sorted(nodes.items())]


def main():
    OvercloudNodeInfoModule()()


if __name__ == '__main__':
    main()
