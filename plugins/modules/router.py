#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: router
short_description: Manage a Neutron router, its gateway and interfaces
description:
  - Create, update or delete a Neutron router.
  - The external gateway (network, optional fixed IPs and SNAT) and the interfaces are updated in place.
  - O(external_gateway=false) removes the external gateway (the router keeps its interfaces).
  - O(interfaces) is made exactly so; interfaces on subnets not listed are removed.
  - Deleting a router first removes its interfaces.
author: ooo.cloud developers (@ooo-cloud)
options:
  admin_state_up:
    description:
      - Administrative state of the router.
    type: bool
  description:
    description:
      - Description. Not managed when omitted.
    type: str
  enable_snat:
    description:
      - Whether SNAT is enabled on the external gateway (needs O(network)).
    type: bool
  external_fixed_ips:
    description:
      - Fixed IPs of the gateway port on the external network (needs O(network)).
    type: list
    elements: dict
    suboptions:
      ip_address:
        description:
          - The address; any free address of O(external_fixed_ips[].subnet) when omitted.
        type: str
      subnet:
        description:
          - Name or id of the subnet of the external network.
        type: str
        required: true
  external_gateway:
    description:
      - V(false) removes the external gateway, if any; it excludes O(network), O(enable_snat) and
        O(external_fixed_ips).
      - V(true) needs O(network) (the same as giving O(network) alone).
      - Not managed when omitted and O(network) is not given.
    type: bool
  interfaces:
    description:
      - Names or ids of the subnets the router has an interface on; made exactly so. Not managed when omitted.
    type: list
    elements: str
  name:
    description:
      - Name of the router.
    type: str
    required: true
  network:
    description:
      - Name or id of the external network of the gateway. The gateway is not managed when omitted (see
        O(external_gateway) to remove it).
    type: str
  project:
    description:
      - Name or id of the project owning the router (admin only).
    type: str
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: Router from the private subnet to the public network
  ooo.cloud.router:
    cloud: undercloud
    name: router1
    network: public
    interfaces:
      - private-subnet

- name: Remove the router's external gateway (changed once)
  ooo.cloud.router:
    cloud: undercloud
    name: router1
    external_gateway: false
'''

RETURN = r'''
router:
  description: The router as Neutron returns it, plus the subnet ids of its interfaces (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Router id.
      type: str
    name:
      description: Name.
      type: str
    external_gateway_info:
      description: The gateway (network_id, enable_snat, external_fixed_ips); null without a gateway.
      type: dict
    interfaces:
      description: Ids of the subnets with an interface.
      type: list
      elements: str
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule

INTERFACE_OWNERS = ('network:router_interface', 'network:router_interface_distributed',
                    'network:ha_router_replicated_interface')


class RouterModule(ResourceModule):
    noun = 'router'
    argument_spec = dict(
        admin_state_up=dict(type='bool'),
        description=dict(type='str'),
        enable_snat=dict(type='bool'),
        external_fixed_ips=dict(type='list', elements='dict', options=dict(
            ip_address=dict(type='str'), subnet=dict(type='str', required=True))),
        external_gateway=dict(type='bool'),
        interfaces=dict(type='list', elements='str'),
        name=dict(type='str', required=True),
        network=dict(type='str'),
        project=dict(type='str'),
    )
    module_kwargs = dict(required_by={'enable_snat': 'network', 'external_fixed_ips': 'network'},
                         required_if=[('external_gateway', True, ['network'])])
    fields = {'name': 'name', 'admin_state_up': 'admin_state_up', 'description': 'description',
              'network': 'external_gateway_info', 'interfaces': 'interfaces', 'project': 'project_id'}
    updatable = ('admin_state_up', 'description', 'external_gateway_info', 'interfaces')
    unordered = ('interfaces',)

    def validate(self):
        p = self.params
        if p['external_gateway'] is False:
            given = [o for o in ('network', 'enable_snat', 'external_fixed_ips') if p[o] is not None]
            if given:
                self.fail('external_gateway=false removes the gateway; it excludes %s' % ', '.join(given))

    def find(self):
        p = self.params
        self.project_id = self.find_id('project', p['project']) if p['project'] else None
        current = self.find_one('router', p['name'], filters={'project_id': self.project_id}, required=False)
        if current is not None and p['interfaces'] is not None:
            current['interfaces'] = sorted({ip['subnet_id'] for port in self._interface_ports(current)
                                            for ip in port.get('fixed_ips') or []})
        return current

    def _interface_ports(self, router):
        ports = self.client.list('network', '/ports', 'ports', {'device_id': router['id']})
        return [port for port in ports if port.get('device_owner') in INTERFACE_OWNERS]

    def desired(self):
        p = self.params
        want = {k: p[k] for k in ('name', 'admin_state_up', 'description') if p[k] is not None}
        if self.project_id:
            want['project_id'] = self.project_id
        if p['network']:
            net_id = self.find_id('network', p['network'])
            gw = {'network_id': net_id}
            if p['enable_snat'] is not None:
                gw['enable_snat'] = p['enable_snat']
            if p['external_fixed_ips'] is not None:
                gw['external_fixed_ips'] = []
                for fip in p['external_fixed_ips']:
                    entry = {'subnet_id': self.find_id('subnet', fip['subnet'], filters={'network_id': net_id})}
                    if fip.get('ip_address'):
                        entry['ip_address'] = fip['ip_address']
                    gw['external_fixed_ips'].append(entry)
            want['external_gateway_info'] = gw
        elif p['external_gateway'] is False:
            want['external_gateway_info'] = None
        if p['interfaces'] is not None:
            want['interfaces'] = sorted({self.find_id('subnet', s) for s in p['interfaces']})
        return want

    def equal(self, field, current, wanted):
        if field == 'external_gateway_info':
            if wanted is None:
                return not current
            current = current or {}
            if current.get('network_id') != wanted['network_id']:
                return False
            if 'enable_snat' in wanted and current.get('enable_snat') != wanted['enable_snat']:
                return False
            if 'external_fixed_ips' in wanted:
                have = current.get('external_fixed_ips') or []
                if len(have) != len(wanted['external_fixed_ips']):
                    return False
                for w in wanted['external_fixed_ips']:
                    ips = [h.get('ip_address') for h in have if h.get('subnet_id') == w['subnet_id']]
                    if not ips or w.get('ip_address') not in [None] + ips:
                        return False
            return True
        return super().equal(field, current, wanted)

    def _set_interfaces(self, router_id, have, want):
        for subnet_id in sorted(set(have) - set(want)):
            self.client.put('network', '/routers/%s/remove_router_interface' % router_id, {'subnet_id': subnet_id})
        for subnet_id in sorted(set(want) - set(have)):
            self.client.put('network', '/routers/%s/add_router_interface' % router_id, {'subnet_id': subnet_id})

    def create(self, desired):
        body = {k: v for k, v in desired.items() if k != 'interfaces' and v is not None}
        router = self.client.post('network', '/routers', {'router': body})['router']
        if desired.get('interfaces'):
            self._set_interfaces(router['id'], [], desired['interfaces'])
        router['interfaces'] = desired.get('interfaces', [])
        return router

    def update(self, current, changes):
        body = {k: v for k, v in changes.items() if k != 'interfaces'}
        if 'external_gateway_info' in body and body['external_gateway_info'] is None:
            body['external_gateway_info'] = {}  # what removes the gateway (openstack router unset --external-gateway)
        router = dict(current)
        if body:
            router.update(self.client.put('network', '/routers/%s' % current['id'], {'router': body})['router'])
        if 'interfaces' in changes:
            self._set_interfaces(current['id'], current.get('interfaces') or [], changes['interfaces'])
            router['interfaces'] = changes['interfaces']
        return router

    def delete(self, current):
        for port in self._interface_ports(current):
            self.client.put('network', '/routers/%s/remove_router_interface' % current['id'], {'port_id': port['id']})
        self.client.delete('network', '/routers/%s' % current['id'])


def main():
    RouterModule()()


if __name__ == '__main__':
    main()
