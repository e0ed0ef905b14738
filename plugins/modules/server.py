#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: server
short_description: Manage a Nova server
description:
  - Create a server and wait for it to be ACTIVE, update its metadata and security groups in place, or delete it.
  - Image, flavor, networks, key pair and availability zone cannot change in place; a difference fails naming the
    option instead of recreating the server.
  - A server in ERROR fails with the fault message of Nova.
author: ooo.cloud developers (@ooo-cloud)
options:
  availability_zone:
    description:
      - Availability zone of the server.
    type: str
  config_drive:
    description:
      - Whether to attach a config drive (only used on create).
    type: bool
  flavor:
    description:
      - Name or id of the flavor. Required to create the server.
    type: str
  image:
    description:
      - Name or id of the image. Required to create the server.
    type: str
  key_name:
    description:
      - Name of the key pair injected into the server.
    type: str
  metadata:
    description:
      - Metadata of the server, made exactly so (keys not listed are removed). Not managed when omitted.
    type: dict
  name:
    description:
      - Name of the server (unique in the project).
    type: str
    required: true
  networks:
    description:
      - Networks of the server, in order. Nova's automatic allocation is used when omitted.
    type: list
    elements: dict
    suboptions:
      fixed_ip:
        description:
          - Fixed address on the network.
        type: str
      network:
        description:
          - Name or id of the network.
        type: str
      port:
        description:
          - Name or id of an existing port (instead of O(networks[].network)).
        type: str
  security_groups:
    description:
      - Names or ids of the security groups of the server. Updated in place. Not managed when omitted.
    type: list
    elements: str
  timeout:
    description:
      - Seconds to wait for the server to become ACTIVE (or to be gone).
    type: int
    default: 600
  user_data:
    description:
      - User data (cloud-init) given to the server on create; not compared afterwards.
    type: str
  wait:
    description:
      - Whether to wait for the server to be ACTIVE after creation, or gone after deletion.
    type: bool
    default: true
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: A server on the private network
  ooo.cloud.server:
    cloud: undercloud
    name: web1
    image: cirros
    flavor: m1.tiny
    key_name: admin
    networks:
      - network: private
    security_groups: [default, web]
    metadata:
      role: web
'''

RETURN = r'''
server:
  description: The server as Nova returns it (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Server id.
      type: str
    name:
      description: Name.
      type: str
    status:
      description: Status.
      type: str
    addresses:
      description: Addresses by network name.
      type: dict
    metadata:
      description: Metadata.
      type: dict
'''

from ansible_collections.ooo.cloud.plugins.module_utils.openstack import b64, wait_for
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import OpenStackError
from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


def fault(server):
    f = (server or {}).get('fault') or {}
    return f.get('message') or f.get('details') or 'no fault message'


class ServerModule(ResourceModule):
    noun = 'server'
    argument_spec = dict(
        availability_zone=dict(type='str'),
        config_drive=dict(type='bool'),
        flavor=dict(type='str'),
        image=dict(type='str'),
        key_name=dict(type='str', no_log=False),
        metadata=dict(type='dict'),
        name=dict(type='str', required=True),
        networks=dict(type='list', elements='dict', options=dict(
            fixed_ip=dict(type='str'), network=dict(type='str'), port=dict(type='str'))),
        security_groups=dict(type='list', elements='str'),
        timeout=dict(type='int', default=600),
        user_data=dict(type='str'),
        wait=dict(type='bool', default=True),
    )
    fields = {'name': 'name', 'image': 'image_id', 'flavor': 'flavor_name', 'networks': 'networks',
              'key_name': 'key_name', 'availability_zone': 'availability_zone', 'metadata': 'metadata',
              'security_groups': 'security_group_names'}
    updatable = ('metadata', 'security_group_names')
    unordered = ('security_group_names',)

    def validate(self):
        for net in self.params['networks'] or []:
            if bool(net.get('network')) == bool(net.get('port')):
                self.fail('each entry of networks needs exactly one of network and port: %s' % net)

    def _fetch(self, server_id):
        data = self.client.get('compute', '/servers/%s' % server_id)
        return data['server'] if data else None

    def find(self):
        current = self.find_one('server', self.params['name'], filters={'project_id': None}, required=False)
        if current is None or current.get('status') == 'DELETED':
            # Nova lists a deleted server for a moment before it is gone: it is absent already.
            return None
        if current.get('status') == 'ERROR' and self.params['state'] == 'present':
            self.fail("server '%s' (%s) is in ERROR: %s" % (current['name'], current['id'], fault(current)))
        image = current.get('image')
        current['image_id'] = image.get('id') if isinstance(image, dict) else None
        current['flavor_name'] = (current.get('flavor') or {}).get('original_name')
        current['availability_zone'] = current.get('OS-EXT-AZ:availability_zone')
        current['security_group_names'] = sorted({g.get('name') for g in current.get('security_groups') or []})
        if self.params['networks'] is not None:
            ports = self.client.list('network', '/ports', 'ports', {'device_id': current['id']})
            self.ports = ports
            current['networks'] = [{'network_id': p['network_id'], 'port_id': p['id'],
                                    'fixed_ips': [ip['ip_address'] for ip in p.get('fixed_ips') or []]} for p in ports]
        return current

    def desired(self):
        p = self.params
        want = {'name': p['name']}
        if p['image']:
            self.image = self.find_one('image', p['image'])
            want['image_id'] = self.image['id']
        if p['flavor']:
            self.flavor = self.find_one('flavor', p['flavor'])
            want['flavor_name'] = self.flavor['name']
        for opt in ('key_name', 'availability_zone', 'metadata'):
            if p[opt] is not None:
                want[self.fields[opt]] = p[opt]
        if p['metadata'] is not None:
            want['metadata'] = {str(k): str(v) for k, v in p['metadata'].items()}
        if p['security_groups'] is not None:
            names = set()
            for group in p['security_groups']:
                names.add(self.find_one('security_group', group, filters={'project_id': self.client.project_id})['name'])
            want['security_group_names'] = sorted(names)
        if p['networks'] is not None:
            nets = []
            for net in p['networks']:
                if net.get('port'):
                    port = self.find_one('port', net['port'])
                    entry = {'network_id': port['network_id'], 'port_id': port['id']}
                else:
                    entry = {'network_id': self.find_id('network', net['network'])}
                if net.get('fixed_ip'):
                    entry['fixed_ip'] = net['fixed_ip']
                nets.append(entry)
            want['networks'] = nets
        return want

    def equal(self, field, current, wanted):
        if field == 'networks':
            have = list(current or [])
            for w in wanted:
                match = [h for h in have if h['network_id'] == w['network_id']
                         and ('port_id' not in w or h['port_id'] == w['port_id'])
                         and ('fixed_ip' not in w or w['fixed_ip'] in h['fixed_ips'])]
                if not match:
                    return False
                have.remove(match[0])
            return not have
        return super().equal(field, current, wanted)

    def create(self, desired):
        p = self.params
        for opt in ('image', 'flavor'):
            if not p[opt]:
                self.fail("server '%s' does not exist: %s is required to create it" % (p['name'], opt))
        body = {'name': p['name'], 'imageRef': self.image['id'], 'flavorRef': self.flavor['id']}
        if 'networks' in desired:
            body['networks'] = [dict({'port': n['port_id']} if 'port_id' in n else {'uuid': n['network_id']},
                                     **({'fixed_ip': n['fixed_ip']} if n.get('fixed_ip') else {}))
                                for n in desired['networks']] or 'none'
        else:
            body['networks'] = 'auto'
        for opt in ('key_name', 'availability_zone', 'metadata', 'config_drive'):
            if p[opt] is not None:
                body[opt] = desired.get(opt, p[opt])
        if p['security_groups'] is not None:
            body['security_groups'] = [{'name': n} for n in desired['security_group_names']]
        if p['user_data']:
            body['user_data'] = b64(p['user_data'])
        created = self.client.post('compute', '/servers', {'server': body})['server']
        if not p['wait']:
            return self._fetch(created['id']) or created
        return self._wait_active(created['id'])

    def _wait_active(self, server_id):
        try:
            return wait_for(lambda: self._fetch(server_id), ready=('ACTIVE',), failed=('ERROR',),
                            timeout=self.params['timeout'], what="server '%s'" % self.params['name'])
        except OpenStackError as e:
            if e.body and e.body.get('status') == 'ERROR':
                self.fail("server '%s' (%s) went to ERROR: %s" % (self.params['name'], server_id, fault(e.body)))
            raise

    def update(self, current, changes):
        sid = current['id']
        if 'metadata' in changes:
            self.client.put('compute', '/servers/%s/metadata' % sid, {'metadata': changes['metadata']})
        if 'security_group_names' in changes:
            have = set(current.get('security_group_names') or [])
            want = set(changes['security_group_names'])
            for name in sorted(want - have):
                self.client.post('compute', '/servers/%s/action' % sid, {'addSecurityGroup': {'name': name}})
            for name in sorted(have - want):
                self.client.post('compute', '/servers/%s/action' % sid, {'removeSecurityGroup': {'name': name}})
        return self._fetch(sid)

    def delete(self, current):
        self.client.delete('compute', '/servers/%s' % current['id'])
        if self.params['wait']:
            wait_for(lambda: self._fetch(current['id']), ready=(None, 'DELETED'), failed=(), timeout=self.params['timeout'],
                     what="deletion of server '%s'" % current['name'])

    def view(self, obj):
        return {k: v for k, v in obj.items() if k not in ('links', 'image_id', 'flavor_name', 'security_group_names',
                                                          'networks', 'adminPass')}


def main():
    ServerModule()()


if __name__ == '__main__':
    main()
