#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: subnet
short_description: Manage a Neutron subnet
description:
  - Create, update or delete a Neutron subnet, idempotently.
  - The addresses are validated (with netaddr) before any API call, so an invalid CIDR, a gateway outside the subnet
    or an allocation pool outside the subnet or overlapping another fails with a clear message.
  - The CIDR, IP version, network, project and IPv6 modes cannot change in place; a different value fails naming it.
author: ooo.cloud developers (@ooo-cloud)
requirements:
  - netaddr
options:
  allocation_pools:
    description:
      - Ranges of addresses given to ports, compared as a set. Not managed when omitted.
    type: list
    elements: dict
    suboptions:
      end:
        description:
          - Last address of the range.
        type: str
        required: true
      start:
        description:
          - First address of the range.
        type: str
        required: true
  cidr:
    description:
      - The subnet, for example V(192.168.10.0/24). Required to create it.
    type: str
  description:
    description:
      - Description. Not managed when omitted.
    type: str
  dns_nameservers:
    description:
      - DNS servers given by DHCP, in order. Not managed when omitted.
    type: list
    elements: str
  enable_dhcp:
    description:
      - Whether DHCP is enabled.
    type: bool
  gateway_ip:
    description:
      - Gateway address; Neutron picks the first address when omitted on create.
    type: str
  host_routes:
    description:
      - Static routes given by DHCP, compared as a set. Not managed when omitted.
    type: list
    elements: dict
    suboptions:
      destination:
        description:
          - Destination CIDR.
        type: str
        required: true
      nexthop:
        description:
          - Next hop address.
        type: str
        required: true
  ip_version:
    description:
      - IP version; must match O(cidr), from which it is derived when omitted.
    type: int
    choices: [4, 6]
  ipv6_address_mode:
    description:
      - IPv6 address mode.
    type: str
    choices: [dhcpv6-stateful, dhcpv6-stateless, slaac]
  ipv6_ra_mode:
    description:
      - IPv6 router advertisement mode.
    type: str
    choices: [dhcpv6-stateful, dhcpv6-stateless, slaac]
  name:
    description:
      - Name of the subnet.
    type: str
    required: true
  network:
    description:
      - Name or id of the network of the subnet. Required to create it; narrows the lookup by name.
    type: str
  no_gateway:
    description:
      - The subnet has no gateway. Cannot be true together with O(gateway_ip).
    type: bool
    default: false
  project:
    description:
      - Name or id of the project owning the subnet (admin only).
    type: str
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: Subnet with a pool and DNS
  ooo.cloud.subnet:
    cloud: undercloud
    name: private-subnet
    network: private
    cidr: 192.168.100.0/24
    gateway_ip: 192.168.100.1
    allocation_pools:
      - start: 192.168.100.10
        end: 192.168.100.200
    dns_nameservers: [192.0.2.53]

- name: Subnet without gateway
  ooo.cloud.subnet:
    cloud: undercloud
    name: storage-subnet
    network: storage
    cidr: 172.16.1.0/24
    no_gateway: true
    enable_dhcp: false
'''

RETURN = r'''
subnet:
  description: The subnet as Neutron returns it (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Subnet id.
      type: str
    name:
      description: Name.
      type: str
    network_id:
      description: Network id.
      type: str
    cidr:
      description: CIDR.
      type: str
    gateway_ip:
      description: Gateway address (null without gateway).
      type: str
    allocation_pools:
      description: Allocation pools.
      type: list
      elements: dict
'''

import traceback

try:
    import netaddr
    HAS_NETADDR = True
    NETADDR_ERROR = None
except ImportError:
    HAS_NETADDR = False
    NETADDR_ERROR = traceback.format_exc()

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


class SubnetModule(ResourceModule):
    kind = 'subnet'
    argument_spec = dict(
        allocation_pools=dict(type='list', elements='dict', options=dict(
            end=dict(type='str', required=True), start=dict(type='str', required=True))),
        cidr=dict(type='str'),
        description=dict(type='str'),
        dns_nameservers=dict(type='list', elements='str'),
        enable_dhcp=dict(type='bool'),
        gateway_ip=dict(type='str'),
        host_routes=dict(type='list', elements='dict', options=dict(
            destination=dict(type='str', required=True), nexthop=dict(type='str', required=True))),
        ip_version=dict(type='int', choices=[4, 6]),
        ipv6_address_mode=dict(type='str', choices=['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac']),
        ipv6_ra_mode=dict(type='str', choices=['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac']),
        name=dict(type='str', required=True),
        network=dict(type='str'),
        no_gateway=dict(type='bool', default=False),
        project=dict(type='str'),
    )
    fields = {'name': 'name', 'allocation_pools': 'allocation_pools', 'cidr': 'cidr', 'description': 'description',
              'dns_nameservers': 'dns_nameservers', 'enable_dhcp': 'enable_dhcp', 'gateway_ip': 'gateway_ip',
              'host_routes': 'host_routes', 'ip_version': 'ip_version', 'ipv6_address_mode': 'ipv6_address_mode',
              'ipv6_ra_mode': 'ipv6_ra_mode', 'network': 'network_id', 'project': 'project_id'}
    updatable = ('allocation_pools', 'description', 'dns_nameservers', 'enable_dhcp', 'gateway_ip', 'host_routes')
    unordered = ('allocation_pools', 'host_routes')

    def _bad(self, msg):
        self.fail("subnet '%s': %s" % (self.params['name'], msg))

    def _ip(self, value, what):
        try:
            return netaddr.IPAddress(value)
        except (netaddr.AddrFormatError, ValueError, TypeError):
            self._bad('%s %r is not a valid IP address' % (what, value))

    def validate(self):
        p = self.params
        if p['state'] == 'absent':
            return
        if not HAS_NETADDR:
            self.fail(missing_required_lib('netaddr'), exception=NETADDR_ERROR)
        if p['no_gateway'] and p['gateway_ip'] is not None:
            self._bad('gateway_ip and no_gateway=true exclude each other')
        self.net = None
        if p['cidr'] is not None:
            try:
                self.net = netaddr.IPNetwork(p['cidr'])
            except (netaddr.AddrFormatError, ValueError, TypeError):
                self._bad('cidr %r is not a valid CIDR' % p['cidr'])
            if '/' not in p['cidr']:
                self._bad('cidr %r has no prefix length (for example /24)' % p['cidr'])
            if p['ip_version'] and p['ip_version'] != self.net.version:
                self._bad('cidr %s is IPv%d but ip_version is %d' % (p['cidr'], self.net.version, p['ip_version']))
        net = self.net
        if p['gateway_ip'] is not None:
            gw = self._ip(p['gateway_ip'], 'gateway_ip')
            if net is not None and gw not in net:
                self._bad('gateway_ip %s is outside the subnet %s' % (gw, net.cidr))
        pools = []
        for pool in p['allocation_pools'] or []:
            start, end = self._ip(pool['start'], 'allocation pool start'), self._ip(pool['end'], 'allocation pool end')
            if start.version != end.version or start > end:
                self._bad('allocation pool %s-%s: start is after end' % (start, end))
            if net is not None and (start not in net or end not in net):
                self._bad('allocation pool %s-%s is outside the subnet %s' % (start, end, net.cidr))
            for other in pools:
                if start <= other[1] and other[0] <= end:
                    self._bad('allocation pools %s-%s and %s-%s overlap' % (start, end, other[0], other[1]))
            if p['gateway_ip'] is not None and start <= netaddr.IPAddress(p['gateway_ip']) <= end:
                self._bad('gateway_ip %s is inside the allocation pool %s-%s' % (p['gateway_ip'], start, end))
            pools.append((start, end))
        for route in p['host_routes'] or []:
            try:
                netaddr.IPNetwork(route['destination'])
            except (netaddr.AddrFormatError, ValueError, TypeError):
                self._bad('host route destination %r is not a valid CIDR' % route['destination'])
            self._ip(route['nexthop'], 'host route nexthop')
        for server in p['dns_nameservers'] or []:
            self._ip(server, 'dns_nameservers entry')

    def find(self):
        p = self.params
        self.network_id = self.find_id('network', p['network']) if p['network'] else None
        self.project_id = self.find_id('project', p['project']) if p['project'] else None
        return self.find_one('subnet', p['name'], filters={'network_id': self.network_id, 'project_id': self.project_id},
                             required=False)

    def desired(self):
        p = self.params
        want = super().desired()
        if self.network_id:
            want['network_id'] = self.network_id
        if self.project_id:
            want['project_id'] = self.project_id
        if self.net is not None:
            want['cidr'] = str(self.net.cidr)
            want['ip_version'] = self.net.version
        if p['no_gateway']:
            want['gateway_ip'] = None
        elif p['gateway_ip']:
            want['gateway_ip'] = str(netaddr.IPAddress(p['gateway_ip']))
        if p['allocation_pools'] is not None:
            want['allocation_pools'] = [{'start': str(netaddr.IPAddress(x['start'])), 'end': str(netaddr.IPAddress(x['end']))}
                                        for x in p['allocation_pools']]
        if p['host_routes'] is not None:
            want['host_routes'] = [{'destination': str(netaddr.IPNetwork(x['destination']).cidr),
                                    'nexthop': str(netaddr.IPAddress(x['nexthop']))} for x in p['host_routes']]
        if p['dns_nameservers'] is not None:
            want['dns_nameservers'] = [str(netaddr.IPAddress(x)) for x in p['dns_nameservers']]
        return want

    def create(self, desired):
        for opt in ('network', 'cidr'):
            if not self.params[opt]:
                self.fail("subnet '%s' does not exist: %s is required to create it" % (self.params['name'], opt))
        return super().create(desired)


def main():
    SubnetModule()()


if __name__ == '__main__':
    main()
