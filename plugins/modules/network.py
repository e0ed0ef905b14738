#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: network
short_description: Manage a Neutron network
description:
  - Create, update or delete a Neutron network, idempotently.
  - Provider attributes and the project cannot change in place; a different value fails naming the option.
author: ooo.cloud developers (@ooo-cloud)
options:
  admin_state_up:
    description:
      - Administrative state of the network.
    type: bool
  description:
    description:
      - Description. Not managed when omitted.
    type: str
  external:
    description:
      - Whether the network is external (C(router:external)), usable as a router gateway and for floating IPs.
    type: bool
  mtu:
    description:
      - MTU of the network.
    type: int
  name:
    description:
      - Name of the network.
    type: str
    required: true
  port_security_enabled:
    description:
      - Default port security of the ports of the network.
    type: bool
  project:
    description:
      - Name or id of the project owning the network (admin only). Also narrows the lookup by name.
    type: str
  provider_network_type:
    description:
      - Provider network type, for example V(flat), V(vlan), V(geneve), V(vxlan).
    type: str
  provider_physical_network:
    description:
      - Physical network (bridge mapping name) of a flat or VLAN network.
    type: str
  provider_segmentation_id:
    description:
      - VLAN id or tunnel id.
    type: int
  shared:
    description:
      - Whether the network is shared with all projects.
    type: bool
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: External flat network
  ooo.cloud.network:
    cloud: undercloud
    name: public
    external: true
    shared: false
    provider_network_type: flat
    provider_physical_network: datacentre

- name: Tenant network
  ooo.cloud.network:
    cloud: undercloud
    name: private
    mtu: 1442
'''

RETURN = r'''
network:
  description: The network as Neutron returns it (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Network id.
      type: str
    name:
      description: Network name.
      type: str
    router:external:
      description: Whether the network is external.
      type: bool
    shared:
      description: Whether the network is shared.
      type: bool
    mtu:
      description: MTU.
      type: int
    provider:network_type:
      description: Provider network type.
      type: str
    subnets:
      description: Ids of the subnets.
      type: list
      elements: str
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


class NetworkModule(ResourceModule):
    kind = 'network'
    argument_spec = dict(
        admin_state_up=dict(type='bool'),
        description=dict(type='str'),
        external=dict(type='bool'),
        mtu=dict(type='int'),
        name=dict(type='str', required=True),
        port_security_enabled=dict(type='bool'),
        project=dict(type='str'),
        provider_network_type=dict(type='str'),
        provider_physical_network=dict(type='str'),
        provider_segmentation_id=dict(type='int'),
        shared=dict(type='bool'),
    )
    fields = {'name': 'name', 'admin_state_up': 'admin_state_up', 'description': 'description',
              'external': 'router:external', 'mtu': 'mtu', 'port_security_enabled': 'port_security_enabled',
              'provider_network_type': 'provider:network_type', 'provider_physical_network': 'provider:physical_network',
              'provider_segmentation_id': 'provider:segmentation_id', 'shared': 'shared', 'project': 'project_id'}
    updatable = ('admin_state_up', 'description', 'router:external', 'mtu', 'port_security_enabled', 'shared')

    def find(self):
        self.project_id = self.find_id('project', self.params['project']) if self.params['project'] else None
        return self.find_one('network', self.params['name'], filters={'project_id': self.project_id}, required=False)

    def desired(self):
        want = super().desired()
        if self.project_id:
            want['project_id'] = self.project_id
        return want


def main():
    NetworkModule()()


if __name__ == '__main__':
    main()
