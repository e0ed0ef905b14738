#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: floating_ip
short_description: Manage a Neutron floating IP and its association
description:
  - Allocate a floating IP on an external network, optionally with a fixed address, and associate it with the port
    of a server (or a given port); or release it.
  - The floating IP is identified by O(floating_ip_address), else by the port it is associated with
    (from O(server) or O(port)). One of them is required.
  - With O(state=absent) the floating IP is released (deleted).
author: ooo.cloud developers (@ooo-cloud)
options:
  description:
    description:
      - Description. Not managed when omitted.
    type: str
  fixed_address:
    description:
      - Fixed address of the port the floating IP maps to, when the port (or server) has several.
    type: str
  floating_ip_address:
    description:
      - The floating address; any free address of O(network) when omitted.
    type: str
  nat_destination:
    description:
      - Name or id of the network of the server port to associate with, when the server has several ports.
    type: str
  network:
    description:
      - Name or id of the external network the floating IP is allocated on. Required to allocate it.
    type: str
  port:
    description:
      - Name or id of the port to associate with.
    type: str
  server:
    description:
      - Name or id of the server whose port the floating IP is associated with.
    type: str
  state:
    description:
      - Whether the floating IP should exist.
    type: str
    default: present
    choices: [absent, present]
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.attributes
'''

EXAMPLES = r'''
- name: Give web1 a floating IP
  ooo.cloud.floating_ip:
    cloud: undercloud
    network: public
    server: web1

- name: A fixed floating address on a port
  ooo.cloud.floating_ip:
    cloud: undercloud
    network: public
    floating_ip_address: 192.0.2.50
    port: vip-port
'''

RETURN = r'''
floating_ip:
  description: The floating IP as Neutron returns it (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Floating IP id.
      type: str
    floating_ip_address:
      description: The floating address.
      type: str
    floating_network_id:
      description: Id of the external network.
      type: str
    port_id:
      description: Id of the associated port.
      type: str
    fixed_ip_address:
      description: Fixed address it maps to.
      type: str
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


class FloatingIpModule(ResourceModule):
    kind = 'floating_ip'
    argument_spec = dict(
        description=dict(type='str'),
        fixed_address=dict(type='str'),
        floating_ip_address=dict(type='str'),
        nat_destination=dict(type='str'),
        network=dict(type='str'),
        port=dict(type='str'),
        server=dict(type='str'),
    )
    module_kwargs = dict(
        required_one_of=[('floating_ip_address', 'server', 'port')],
        mutually_exclusive=[('server', 'port')],
    )
    fields = {'description': 'description', 'network': 'floating_network_id',
              'floating_ip_address': 'floating_ip_address'}
    updatable = ('port_id', 'fixed_ip_address', 'description')
    name_option = 'floating_ip_address'

    def _target_port(self):
        p = self.params
        required = p['state'] == 'present'
        if p['port']:
            ports = [x for x in [self.find_one('port', p['port'], required=required)] if x]
        elif p['server']:
            server = self.find_one('server', p['server'], required=required)
            if server is None:
                return None, None
            params = {'device_id': server['id']}
            if p['nat_destination']:
                params['network_id'] = self.find_id('network', p['nat_destination'])
            ports = self.client.list('network', '/ports', 'ports', params)
        else:
            return None, None
        if p['fixed_address']:
            ports = [x for x in ports if any(ip.get('ip_address') == p['fixed_address'] for ip in x.get('fixed_ips') or [])]
        if not ports and not required:
            return None, None
        if not ports:
            self.fail('no port found for %s%s%s' % (
                "server '%s'" % p['server'] if p['server'] else "port '%s'" % p['port'],
                " on network '%s'" % p['nat_destination'] if p['nat_destination'] else '',
                " with fixed address %s" % p['fixed_address'] if p['fixed_address'] else ''))
        if len(ports) > 1:
            self.fail("server '%s' has %d ports; choose one with nat_destination or fixed_address" % (p['server'], len(ports)))
        port = ports[0]
        fixed = p['fixed_address']
        if not fixed:
            ips = [ip['ip_address'] for ip in port.get('fixed_ips') or [] if ':' not in ip.get('ip_address', '')]
            fixed = ips[0] if ips else None
        return port['id'], fixed

    def find(self):
        p = self.params
        self.network_id = self.find_id('network', p['network']) if p['network'] else None
        self.port_id, self.fixed_ip = self._target_port()
        params = {'floating_network_id': self.network_id}
        if p['floating_ip_address']:
            params['floating_ip_address'] = p['floating_ip_address']
        elif self.port_id:
            params['port_id'] = self.port_id
        else:
            return None
        found = self.client.list('network', '/floatingips', 'floatingips', params)
        return found[0] if found else None

    def desired(self):
        want = super().desired()
        if self.network_id:
            want['floating_network_id'] = self.network_id
        if self.port_id:
            want['port_id'] = self.port_id
            if self.fixed_ip:
                want['fixed_ip_address'] = self.fixed_ip
        return want

    def diff_fields(self, current, desired):
        return set(desired) | {'floating_ip_address', 'port_id', 'fixed_ip_address'}

    def resource_label(self, current=None):
        return "floating IP %s" % ((current or {}).get('floating_ip_address') or self.params['floating_ip_address'] or '')

    def create(self, desired):
        if not self.network_id:
            self.fail('network is required to allocate a floating IP')
        return super().create(desired)

    def update(self, current, changes):
        body = dict(changes)
        if 'port_id' in body and 'fixed_ip_address' not in body and self.fixed_ip:
            body['fixed_ip_address'] = self.fixed_ip
        return super().update(current, body)


def main():
    FloatingIpModule()()


if __name__ == '__main__':
    main()
