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
  - An existing O(floating_ip_address) given with another O(server) or O(port) is moved there (re-associated in
    one update, without being released). With O(detached=true) it is disassociated and stays allocated.
    Without O(server), O(port) or O(detached) its association is left as it is.
  - O(network) must be an external network (C(router:external)); another network fails naming it before any
    change.
  - With O(state=absent) the floating IP is released (deleted).
author: ooo.cloud developers (@ooo-cloud)
options:
  description:
    description:
      - Description. Not managed when omitted.
    type: str
  detached:
    description:
      - V(true) disassociates the floating IP from its port and keeps it allocated (needs O(floating_ip_address);
        excludes O(server), O(port), O(nat_destination), O(fixed_address) and O(state=absent)).
      - V(false) leaves the association to O(server) and O(port); with neither of them it is not managed.
    type: bool
    default: false
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
      - Name or id of the external network (C(router:external)) the floating IP is allocated on. Required to
        allocate it. A network that is not external fails naming it.
    type: str
  port:
    description:
      - Name or id of the port to associate with.
    type: str
  server:
    description:
      - Name or id of the server whose port the floating IP is associated with.
    type: str
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
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

- name: Move the address of web1 to web2 (changed once; the diff shows the port and fixed address)
  ooo.cloud.floating_ip:
    cloud: undercloud
    floating_ip_address: 192.0.2.50
    server: web2

- name: Detach it, keeping the address allocated to the project
  ooo.cloud.floating_ip:
    cloud: undercloud
    floating_ip_address: 192.0.2.50
    detached: true
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
      description: Id of the associated port (null when detached).
      type: str
    fixed_ip_address:
      description: Fixed address it maps to (null when detached).
      type: str
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


class FloatingIpModule(ResourceModule):
    kind = 'floating_ip'
    argument_spec = dict(
        description=dict(type='str'),
        detached=dict(type='bool', default=False),
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
        required_if=[('detached', True, ['floating_ip_address'])],
    )
    fields = {'description': 'description', 'network': 'floating_network_id',
              'floating_ip_address': 'floating_ip_address'}
    updatable = ('port_id', 'fixed_ip_address', 'description')
    name_option = 'floating_ip_address'

    def validate(self):
        p = self.params
        if p['detached']:
            given = [o for o in ('server', 'port', 'nat_destination', 'fixed_address') if p[o] is not None]
            if p['state'] == 'absent':
                given.append('state=absent')
            if given:
                self.fail('detached=true keeps the floating IP allocated and associated with no port; it excludes %s'
                          % ', '.join(given))

    def _external_network(self, value):
        """Id of the network ``value``, which must be external."""
        net = self.find_one('network', value)
        if not net.get('router:external'):
            external = sorted(n.get('name') or n['id'] for n in self.list_all('network', {'router:external': True}))
            self.fail("network '%s' is not an external network (router:external is false): floating IPs come from "
                      "an external network (%s)" % (value, ', '.join(external) if external else 'there is none'))
        return net['id']

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
            ports = [x for x in ports
                     if any(ip.get('ip_address') == p['fixed_address'] for ip in x.get('fixed_ips') or [])]
        if not ports and not required:
            return None, None
        if not ports:
            self.fail('no port found for %s%s%s' % (
                "server '%s'" % p['server'] if p['server'] else "port '%s'" % p['port'],
                " on network '%s'" % p['nat_destination'] if p['nat_destination'] else '',
                " with fixed address %s" % p['fixed_address'] if p['fixed_address'] else ''))
        if len(ports) > 1:
            self.fail("server '%s' has %d ports; choose one with nat_destination or fixed_address"
                      % (p['server'], len(ports)))
        port = ports[0]
        fixed = p['fixed_address']
        if not fixed:
            ips = [ip['ip_address'] for ip in port.get('fixed_ips') or [] if ':' not in ip.get('ip_address', '')]
            fixed = ips[0] if ips else None
        return port['id'], fixed

    def find(self):
        p = self.params
        if p['network'] and p['state'] == 'present':
            self.network_id = self._external_network(p['network'])
        else:
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
        elif self.params['detached']:
            want['port_id'] = want['fixed_ip_address'] = None
        return want

    def diff_fields(self, current, desired):
        return set(desired) | {'floating_ip_address', 'port_id', 'fixed_ip_address'}

    def resource_label(self, current=None):
        address = (current or {}).get('floating_ip_address') or self.params['floating_ip_address']
        return "floating IP %s" % (address or '')

    def create(self, desired):
        if not self.network_id:
            self.fail('network is required to allocate a floating IP')
        return super().create({k: v for k, v in desired.items() if v is not None})

    def update(self, current, changes):
        body = dict(changes)
        if 'port_id' in body and body['port_id'] is None:
            body.pop('fixed_ip_address', None)  # detach: Neutron takes port_id null alone
        elif 'port_id' in body or 'fixed_ip_address' in body:
            # attach, move, or another fixed address of the same port: Neutron wants both
            body.setdefault('port_id', self.port_id)
            if self.fixed_ip:
                body.setdefault('fixed_ip_address', self.fixed_ip)
        return super().update(current, body)


def main():
    FloatingIpModule()()


if __name__ == '__main__':
    main()
