#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: security_group
short_description: Manage a Neutron security group and its rules
description:
  - Create, update or delete a security group.
  - O(rules) is made exactly so; missing rules are created (in one bulk request), rules not listed are deleted
    (before the creation, so there are no conflicts). This includes the egress rules Neutron adds to a new group,
    so list egress rules when the group should allow outgoing traffic.
  - Rules are compared normalised, so V(6) and V(tcp), V(0.0.0.0/0) and no prefix, or a port range given as
    O(rules[].port_range_min) only are the same.
  - The rules change on the existing group, whose id stays the same, and rules that stay are not touched. So the
    rules of a group that running servers use change at once on their ports, without any change to the servers
    (no Nova call is made).
  - The diff shows the normalised rules, sorted.
author: ooo.cloud developers (@ooo-cloud)
options:
  description:
    description:
      - Description. Not managed when omitted.
    type: str
  name:
    description:
      - Name of the security group.
    type: str
    required: true
  project:
    description:
      - Name or id of the project of the group. The project of the token by default.
    type: str
  rules:
    description:
      - The rules of the group. Not managed when omitted; V([]) removes all rules.
    type: list
    elements: dict
    suboptions:
      direction:
        description:
          - Direction of the traffic.
        type: str
        default: ingress
        choices: [egress, ingress]
      ethertype:
        description:
          - V(IPv4) or V(IPv6); derived from O(rules[].remote_ip_prefix), else V(IPv4).
        type: str
        choices: [IPv4, IPv6]
      port_range_max:
        description:
          - Last port (ICMP code). Equal to O(rules[].port_range_min) when omitted.
        type: int
      port_range_min:
        description:
          - First port (ICMP type).
        type: int
      protocol:
        description:
          - Protocol name (V(tcp), V(udp), V(icmp), ...) or number; any protocol when omitted or V(any).
        type: str
      remote_group:
        description:
          - Name or id of the remote security group; the name or id of this group means itself.
        type: str
      remote_ip_prefix:
        description:
          - Remote CIDR.
        type: str
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: Web servers
  ooo.cloud.security_group:
    cloud: undercloud
    name: web
    description: HTTP(S) and SSH
    rules:
      - protocol: tcp
        port_range_min: 22
        remote_ip_prefix: 192.0.2.0/24
      - protocol: tcp
        port_range_min: 443
      - protocol: icmp
      - direction: egress
      - direction: egress
        ethertype: IPv6
      - remote_group: web

- name: Open port 8080 on the group of running servers, and no longer 443 (the servers are not touched)
  ooo.cloud.security_group:
    cloud: undercloud
    name: web
    rules:
      - protocol: tcp
        port_range_min: 22
        remote_ip_prefix: 192.0.2.0/24
      - protocol: tcp
        port_range_min: 8080
      - protocol: icmp
      - direction: egress
      - direction: egress
        ethertype: IPv6
      - remote_group: web
'''

RETURN = r'''
security_group:
  description: The security group, with its rules normalised under C(rules) (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Group id.
      type: str
    name:
      description: Name.
      type: str
    rules:
      description: Normalised rules (direction, ethertype, protocol, port_range_min, port_range_max, remote_ip_prefix,
        remote_group_id).
      type: list
      elements: dict
    security_group_rules:
      description: The rules as Neutron returns them.
      type: list
      elements: dict
'''

import ipaddress

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule

PROTOCOL_NUMBERS = {'1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'ipv6-icmp', '132': 'sctp', 'icmpv6': 'ipv6-icmp'}
PORT_PROTOCOLS = ('tcp', 'udp', 'sctp', 'udplite', 'dccp', 'icmp', 'ipv6-icmp')
SELF = 'self'
RULE_KEYS = ('direction', 'ethertype', 'protocol', 'port_range_min', 'port_range_max', 'remote_ip_prefix',
             'remote_group_id')


def normalize_rule(rule, own_id=None):
    """A comparable form of a rule given by the user or returned by Neutron."""
    proto = rule.get('protocol')
    proto = None if proto in (None, '', 'any', 'all') else str(proto).lower()
    proto = PROTOCOL_NUMBERS.get(proto, proto)
    prefix = rule.get('remote_ip_prefix')
    version = None
    if prefix:
        net = ipaddress.ip_network(str(prefix), strict=False)
        version = net.version
        prefix = None if net.prefixlen == 0 else str(net)
    ethertype = rule.get('ethertype') or ('IPv6' if version == 6 else 'IPv4')
    ethertype = 'IPv6' if ethertype.lower() == 'ipv6' else 'IPv4'
    if proto == 'icmp' and ethertype == 'IPv6':
        proto = 'ipv6-icmp'
    pmin, pmax = rule.get('port_range_min'), rule.get('port_range_max')
    if proto not in PORT_PROTOCOLS:
        pmin = pmax = None
    if pmin is not None and pmax is None and proto != 'icmp' and proto != 'ipv6-icmp':
        pmax = pmin
    group = rule.get('remote_group_id')
    if own_id and group == own_id:
        group = SELF
    return {
        'direction': (rule.get('direction') or 'ingress').lower(),
        'ethertype': ethertype,
        'protocol': proto,
        'port_range_min': None if pmin is None else int(pmin),
        'port_range_max': None if pmax is None else int(pmax),
        'remote_ip_prefix': prefix,
        'remote_group_id': group,
    }


def rule_key(rule):
    return tuple(str(rule.get(k)) for k in RULE_KEYS)


class SecurityGroupModule(ResourceModule):
    kind = 'security_group'
    argument_spec = dict(
        description=dict(type='str'),
        name=dict(type='str', required=True),
        project=dict(type='str'),
        rules=dict(type='list', elements='dict', options=dict(
            direction=dict(type='str', default='ingress', choices=['egress', 'ingress']),
            ethertype=dict(type='str', choices=['IPv4', 'IPv6']),
            port_range_max=dict(type='int'),
            port_range_min=dict(type='int'),
            protocol=dict(type='str'),
            remote_group=dict(type='str'),
            remote_ip_prefix=dict(type='str'),
        )),
    )
    fields = {'name': 'name', 'description': 'description', 'rules': 'rules'}
    updatable = ('description', 'rules')
    unordered = ('rules',)

    def validate(self):
        for rule in self.params['rules'] or []:
            if rule.get('remote_group') and rule.get('remote_ip_prefix'):
                self.fail('a security group rule cannot have both remote_group and remote_ip_prefix: %s' % rule)
            if rule.get('remote_ip_prefix'):
                try:
                    ipaddress.ip_network(rule['remote_ip_prefix'], strict=False)
                except ValueError:
                    self.fail('remote_ip_prefix %r of a rule is not a valid CIDR' % rule['remote_ip_prefix'])

    def find(self):
        p = self.params
        self.project_id = self.find_id('project', p['project']) if p['project'] else self.client.project_id
        current = self.find_one('security_group', p['name'], filters={'project_id': self.project_id}, required=False)
        self.group_id = current['id'] if current else None
        if current is not None:
            current['rules'] = self._rules(current)
        return current

    def _rules(self, group):
        return [normalize_rule(r, group['id']) for r in group.get('security_group_rules') or []]

    def desired(self):
        want = super().desired()
        if self.params['rules'] is not None:
            rules = []
            for rule in self.params['rules']:
                rule = dict(rule)
                group = rule.pop('remote_group', None)
                if group:
                    rule['remote_group_id'] = SELF if group == self.params['name'] else \
                        self.find_id('security_group', group, filters={'project_id': self.project_id})
                norm = normalize_rule(rule, self.group_id)  # its own id is 'self' too
                if norm not in rules:
                    rules.append(norm)
            want['rules'] = rules
        return want

    def diff_view(self, obj, fields):
        view = super().diff_view(obj, fields)
        if view.get('rules') is not None:
            view['rules'] = sorted(view['rules'], key=rule_key)
        return view

    def _sync_rules(self, group, have_raw, want):
        """Delete the rules not wanted, then create the missing ones in one request."""
        left = list(want)
        for raw in have_raw:
            norm = normalize_rule(raw, group['id'])
            if norm in left:
                left.remove(norm)
            else:
                self.client.delete('network', '/security-group-rules/%s' % raw['id'])
        if left:
            body = []
            for rule in left:
                item = {k: v for k, v in rule.items() if v is not None}
                if item.get('remote_group_id') == SELF:
                    item['remote_group_id'] = group['id']
                item['security_group_id'] = group['id']
                body.append(item)
            self.client.post('network', '/security-group-rules', {'security_group_rules': body})

    def _refresh(self, group_id):
        group = self.client.get('network', '/security-groups/%s' % group_id)['security_group']
        group['rules'] = self._rules(group)
        return group

    def create(self, desired):
        body = {k: v for k, v in desired.items() if k != 'rules'}
        if self.params['project']:
            body['project_id'] = self.project_id
        group = self.client.post('network', '/security-groups', {'security_group': body})['security_group']
        if 'rules' in desired:
            self._sync_rules(group, group.get('security_group_rules') or [], desired['rules'])
        return self._refresh(group['id'])

    def update(self, current, changes):
        body = {k: v for k, v in changes.items() if k != 'rules'}
        if body:
            self.client.put('network', '/security-groups/%s' % current['id'], {'security_group': body})
        if 'rules' in changes:
            self._sync_rules(current, current.get('security_group_rules') or [], changes['rules'])
        return self._refresh(current['id'])


def main():
    SecurityGroupModule()()


if __name__ == '__main__':
    main()
