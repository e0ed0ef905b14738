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
  - The addresses are validated (with netaddr) before any API call, so an invalid CIDR, a CIDR with host bits set
    (V(10.0.0.5/24) for V(10.0.0.0/24)), a gateway that is not a usable address of the subnet (outside it, its
    network or IPv4 broadcast address), or an allocation pool outside the subnet, of another IP version, holding its
    network or broadcast address, overlapping another or the gateway fails with a clear message. Without O(cidr),
    the gateway and pools are checked against the CIDR of the existing subnet, before any change.
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
      - The subnet, for example V(192.168.10.0/24), written as its network address (no host bits set). Required to
        create it.
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

from ansible_collections.ooo.cloud.plugins.module_utils.network_plan import host_range, not_a_network, unusable, usable_hint
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

    def _cidr(self, value, what, prefix=True):
        try:
            net = netaddr.IPNetwork(value)
        except (netaddr.AddrFormatError, ValueError, TypeError):
            self._bad('%s %r is not a valid CIDR' % (what, value))
        if prefix and '/' not in value:
            self._bad('%s %r has no prefix length (for example /24)' % (what, value))
        why = not_a_network(value, net)
        if why:
            self._bad('%s %s' % (what, why))  # taking the network of it would hide the typo
        return net

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
            self.net = self._cidr(p['cidr'], 'cidr')
            if p['ip_version'] and p['ip_version'] != self.net.version:
                self._bad('cidr %s is IPv%d but ip_version is %d' % (p['cidr'], self.net.version, p['ip_version']))
        self.gateway = None if p['gateway_ip'] is None else self._ip(p['gateway_ip'], 'gateway_ip')
        self.pools = []
        for pool in p['allocation_pools'] or []:
            start, end = self._ip(pool['start'], 'allocation pool start'), self._ip(pool['end'], 'allocation pool end')
            if start.version != end.version:
                self._bad('allocation pool %s-%s: start is IPv%d but end is IPv%d; both ends must be of one IP version'
                          % (start, end, start.version, end.version))
            if start > end:
                self._bad('allocation pool %s-%s: start is after end; swap them' % (start, end))
            self.pools.append((start, end))
        if self.net is not None:
            self._check_in(self.net)
        elif p['ip_version']:
            given = [('gateway_ip %s' % self.gateway, self.gateway)] + [('allocation pool %s-%s' % x, x[0]) for x in self.pools]
            for what, address in given:
                if address is not None and address.version != p['ip_version']:
                    self._bad('%s is IPv%d but ip_version is %d' % (what, address.version, p['ip_version']))
        for i, (start, end) in enumerate(self.pools):
            for other in self.pools[:i]:
                if start.version == other[0].version and start <= other[1] and other[0] <= end:
                    self._bad('allocation pools %s-%s and %s-%s overlap' % (start, end, other[0], other[1]))
            if self.gateway is not None and self.gateway.version == start.version and start <= self.gateway <= end:
                self._bad('gateway_ip %s is inside the allocation pool %s-%s; end the pool before it or start it after it'
                          % (self.gateway, start, end))
        for route in p['host_routes'] or []:
            self._cidr(route['destination'], 'host route destination', prefix=False)  # a bare address is a /32
            self._ip(route['nexthop'], 'host route nexthop')
        for server in p['dns_nameservers'] or []:
            self._ip(server, 'dns_nameservers entry')

    def _check_in(self, net):
        """The gateway and the pools are usable addresses of ``net`` (the rules of the network plan)."""
        if self.gateway is not None:
            why = unusable(net, self.gateway)
            if why and self.gateway.version == net.version and self.gateway not in net:
                self._bad('gateway_ip %s is outside the subnet %s; %s' % (self.gateway, net.cidr, usable_hint(net)))
            if why:
                self._bad('gateway_ip %s is not a usable address in %s: it is %s; %s'
                          % (self.gateway, net.cidr, why, usable_hint(net)))
        usable = host_range(net)
        for start, end in self.pools:
            if start.version != net.version:
                self._bad('allocation pool %s-%s is IPv%d but the subnet %s is IPv%d'
                          % (start, end, start.version, net.cidr, net.version))
            if start not in net or end not in net:
                self._bad('allocation pool %s-%s is outside the subnet %s; keep the pool within %s-%s'
                          % (start, end, net.cidr, usable[0], usable[-1]))
            for address in (start, end):
                why = unusable(net, address)
                if why:
                    self._bad('allocation pool %s-%s includes %s, %s of %s; keep the pool within %s-%s'
                              % (start, end, address, why, net.cidr, usable[0], usable[-1]))

    def find(self):
        p = self.params
        self.network_id = self.find_id('network', p['network']) if p['network'] else None
        self.project_id = self.find_id('project', p['project']) if p['project'] else None
        current = self.find_one('subnet', p['name'], filters={'network_id': self.network_id, 'project_id': self.project_id},
                                required=False)
        if current and p['state'] == 'present' and self.net is None and current.get('cidr'):
            self._check_in(netaddr.IPNetwork(current['cidr']))  # no cidr given: the subnet's own, before any change
        return current

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
        elif self.gateway is not None:
            want['gateway_ip'] = str(self.gateway)
        if p['allocation_pools'] is not None:
            want['allocation_pools'] = [{'start': str(start), 'end': str(end)} for start, end in self.pools]
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
