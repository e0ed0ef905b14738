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
  - The server boots from its O(image) on the compute's local disk, or from a Cinder volume (O(boot_volume), or a
    O(block_device_mapping) entry with O(block_device_mapping[].boot_index=0)), which Nova attaches as RBD.
  - A server in ERROR fails with the fault message of Nova.
author: ooo.cloud developers (@ooo-cloud)
options:
  availability_zone:
    description:
      - Availability zone of the server.
    type: str
  block_device_mapping:
    description:
      - Volumes of the server, made by Nova from an image or existing ones (Nova's C(block_device_mapping_v2)).
      - An entry with O(block_device_mapping[].boot_index=0) is the root disk (the first entry when neither O(image)
        nor O(boot_volume) is given); O(image) is then not given.
      - Only used on create. Once the server exists, the volumes of the entries with
        O(block_device_mapping[].source_type=volume) must be attached to it (a difference fails naming the option);
        the volumes Nova made from an image are not compared.
      - Excludes O(boot_volume).
    type: list
    elements: dict
    suboptions:
      boot_index:
        description:
          - Boot order; V(0) is the root disk. Not bootable when omitted (except the first entry, see above).
        type: int
      delete_on_termination:
        description:
          - Whether Nova deletes the volume with the server.
          - Defaults to V(true) for O(block_device_mapping[].source_type=image) (a volume Nova makes) and V(false)
            for O(block_device_mapping[].source_type=volume).
        type: bool
      image:
        description:
          - Name or id of the image the volume is made of (O(block_device_mapping[].source_type=image)).
        type: str
      source_type:
        description:
          - V(image) makes a new volume of O(block_device_mapping[].image) of O(block_device_mapping[].volume_size)
            GiB; V(volume) attaches the existing O(block_device_mapping[].volume).
        type: str
        required: true
        choices: [image, volume]
      volume:
        description:
          - Name or id of an existing volume (O(block_device_mapping[].source_type=volume)).
        type: str
      volume_size:
        description:
          - Size in GiB of the volume made of the image (required with O(block_device_mapping[].source_type=image)).
        type: int
  boot_volume:
    description:
      - Name or id of an existing bootable volume the server boots from (instead of O(image)); it must be
        V(available). Nova keeps it when the server is deleted.
      - Once the server exists, it must be attached to it; another volume fails naming the option.
      - Excludes O(image) and O(block_device_mapping).
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
      - Name or id of the image the server boots from (on the compute's disk).
      - One of O(image), O(boot_volume) or a O(block_device_mapping) entry with boot index 0 is required to create
        the server.
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
          - Fixed address on the network, an IPv4 or IPv6 address (no prefix length); anything else fails before
            any change.
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
      - It may carry secrets, so it is not logged, nor returned (Nova's C(OS-EXT-SRV-ATTR:user_data) is left out of
        RV(server)).
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

- name: A server booted from an existing volume
  ooo.cloud.server:
    cloud: overcloud
    name: db1
    boot_volume: boot-db1
    flavor: m1.small
    networks:
      - network: private

- name: A server on a new 10 GiB volume of an image, with a data volume
  ooo.cloud.server:
    cloud: overcloud
    name: app1
    flavor: m1.small
    block_device_mapping:
      - source_type: image
        image: cirros
        volume_size: 10
        boot_index: 0
      - source_type: volume
        volume: app1-data
        delete_on_termination: false
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
    os-extended-volumes:volumes_attached:
      description: Volumes attached to the server, each with C(id) and C(delete_on_termination).
      type: list
      elements: dict
    metadata:
      description: Metadata.
      type: dict
'''

import ipaddress

from ansible_collections.ooo.cloud.plugins.module_utils.openstack import b64, wait_for
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import OpenStackError
from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


# Keys of Nova's server never returned: ours, and what may carry a secret (user data, the admin password).
HIDDEN = ('links', 'image_id', 'flavor_name', 'security_group_names', 'networks', 'adminPass', 'volume_ids',
          'boot_volume_id', 'OS-EXT-SRV-ATTR:user_data')


def fault(server):
    f = (server or {}).get('fault') or {}
    return f.get('message') or f.get('details') or 'no fault message'


class ServerModule(ResourceModule):
    noun = 'server'
    argument_spec = dict(
        availability_zone=dict(type='str'),
        block_device_mapping=dict(type='list', elements='dict', options=dict(
            boot_index=dict(type='int'), delete_on_termination=dict(type='bool'), image=dict(type='str'),
            source_type=dict(type='str', required=True, choices=['image', 'volume']), volume=dict(type='str'),
            volume_size=dict(type='int'))),
        boot_volume=dict(type='str'),
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
        user_data=dict(type='str', no_log=True),
        wait=dict(type='bool', default=True),
    )
    module_kwargs = dict(mutually_exclusive=[('image', 'boot_volume'), ('boot_volume', 'block_device_mapping')])
    fields = {'name': 'name', 'image': 'image_id', 'flavor': 'flavor_name', 'networks': 'networks',
              'key_name': 'key_name', 'availability_zone': 'availability_zone', 'metadata': 'metadata',
              'security_groups': 'security_group_names', 'boot_volume': 'boot_volume_id',
              'block_device_mapping': 'volume_ids'}
    updatable = ('metadata', 'security_group_names')
    unordered = ('security_group_names',)

    def validate(self):
        p = self.params
        for i, net in enumerate(p['networks'] or []):
            if bool(net.get('network')) == bool(net.get('port')):
                self.fail('each entry of networks needs exactly one of network and port: %s' % net)
            if net.get('fixed_ip'):
                net['fixed_ip'] = self._address(net['fixed_ip'], 'networks[%d].fixed_ip' % i)
        bdms = p['block_device_mapping'] or []
        for i, bdm in enumerate(bdms):
            where = 'block_device_mapping[%d]' % i
            other = 'volume' if bdm['source_type'] == 'image' else 'image'
            if not bdm.get(bdm['source_type']) or bdm.get(other):
                self.fail('%s: source_type %s needs %s (and no %s)' % (where, bdm['source_type'], bdm['source_type'], other))
            if bdm['source_type'] == 'image' and (bdm.get('volume_size') or 0) <= 0:
                self.fail('%s: volume_size must be a positive number of GiB with source_type image, not %s'
                          % (where, bdm.get('volume_size')))
            if bdm['source_type'] == 'volume' and bdm.get('volume_size') is not None:
                self.fail('%s: volume_size is the size of a volume made of an image; with source_type volume the '
                          'volume has its own' % where)
        if bdms and not p['image'] and all(b.get('boot_index') is None for b in bdms):
            bdms[0]['boot_index'] = 0  # the first entry is the root disk
        roots = [i for i, b in enumerate(bdms) if b.get('boot_index') == 0]
        if len(roots) > 1:
            self.fail('block_device_mapping entries %s all have boot_index 0; only one is the root disk'
                      % ', '.join(str(i) for i in roots))
        if roots and p['image']:
            self.fail('image and a block_device_mapping entry with boot_index 0 exclude each other: the server boots '
                      'from one of them (give the image in the entry, with source_type image)')

    def _address(self, value, where):
        """``value`` as an IP address in its usual form (Neutron's, compared with it), or a failure naming it."""
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            hint = " (write it without '/%s')" % value.split('/', 1)[1] if '/' in value else ''
            self.fail("server '%s': %s %r is not an IP address%s" % (self.params['name'], where, value, hint))
        return None  # not reached: fail() exits

    def _fetch(self, server_id):
        data = self.client.get('compute', '/servers/%s' % server_id)
        return data['server'] if data else None

    def find(self):
        current = self.find_one('server', self.params['name'], filters={'project_id': None}, required=False)
        if current is None or current.get('status') == 'DELETED':
            # Nova lists a deleted server for a moment before it is gone: it is absent already.
            self.current_id = None
            return None
        self.current_id = current['id']
        if current.get('status') == 'ERROR' and self.params['state'] == 'present':
            self.fail("server '%s' (%s) is in ERROR: %s" % (current['name'], current['id'], fault(current)))
        image = current.get('image')
        current['image_id'] = image.get('id') if isinstance(image, dict) else None
        current['flavor_name'] = (current.get('flavor') or {}).get('original_name')
        current['availability_zone'] = current.get('OS-EXT-AZ:availability_zone')
        current['security_group_names'] = sorted({g.get('name') for g in current.get('security_groups') or []})
        attached = sorted(v['id'] for v in current.get('os-extended-volumes:volumes_attached') or [])
        if self.params['boot_volume']:
            current['boot_volume_id'] = attached  # compared by equal(): the boot volume is one of them
        if self.params['block_device_mapping'] is not None:
            current['volume_ids'] = attached
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
        self.bdms = self._block_devices()
        if self.current_id is None and not p['image'] and not any(b.get('boot_index') == 0 for b in self.bdms):
            self.fail("server '%s' does not exist: image, boot_volume or a block_device_mapping entry with boot_index 0 "
                      "is required to create it" % p['name'])
        if p['boot_volume']:
            want['boot_volume_id'] = self.bdms[0]['uuid']
        elif p['block_device_mapping'] is not None:
            want['volume_ids'] = sorted(b['uuid'] for b in self.bdms if b['source_type'] == 'volume')
        return want

    def _block_devices(self):
        """Nova's block_device_mapping_v2 of the options, references resolved (failing before any change)."""
        p = self.params
        entries = list(p['block_device_mapping'] or [])
        if p['boot_volume']:
            entries = [{'source_type': 'volume', 'volume': p['boot_volume'], 'boot_index': 0, 'delete_on_termination': None}]
        out = []
        for bdm in entries:
            if bdm['source_type'] == 'image':
                uuid = self.find_one('image', bdm['image'])['id']
            else:
                label = 'boot volume' if p['boot_volume'] else 'volume'
                vol = self.find_one('volume', bdm['volume'], label=label)
                uuid = vol['id']
                if bdm.get('boot_index') == 0 and str(vol.get('bootable')).lower() != 'true':
                    self.fail("%s '%s' (%s) is not bootable: set bootable: true on it (ooo.cloud.volume)"
                              % (label, vol['name'], uuid))
                if vol.get('status') != 'available' and not vol.get('multiattach'):
                    attached = [a.get('server_id') for a in vol.get('attachments') or []]
                    if self.current_id not in attached:
                        self.fail("%s '%s' (%s) is %s%s: it must be available to boot a new server from it"
                                  % (label, vol['name'], uuid, vol.get('status'),
                                     ' (attached to server %s)' % ', '.join(attached) if attached else ''))
            entry = {'source_type': bdm['source_type'], 'destination_type': 'volume', 'uuid': uuid,
                     'delete_on_termination': bdm['source_type'] == 'image' if bdm.get('delete_on_termination') is None
                     else bdm['delete_on_termination']}
            if bdm.get('boot_index') is not None:
                entry['boot_index'] = bdm['boot_index']
            if bdm['source_type'] == 'image':
                entry['volume_size'] = bdm['volume_size']
            out.append(entry)
        return out

    def equal(self, field, current, wanted):
        if field == 'boot_volume_id':
            return wanted in (current or [])
        if field == 'volume_ids':
            return set(wanted) <= set(current or [])
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
        if not p['flavor']:
            self.fail("server '%s' does not exist: flavor is required to create it" % p['name'])
        body = {'name': p['name'], 'flavorRef': self.flavor['id']}
        if p['image']:
            body['imageRef'] = self.image['id']
        if self.bdms:
            body['block_device_mapping_v2'] = self.bdms
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
        return {k: v for k, v in obj.items() if k not in HIDDEN}


def main():
    ServerModule()()


if __name__ == '__main__':
    main()
