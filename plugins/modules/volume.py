#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: volume
short_description: Manage a Cinder volume
description:
  - Create a Cinder (block storage v3) volume and wait for it to be available, update it in place, grow it, or
    delete it.
  - O(size) grows an existing volume (the C(os-extend) action, also while it is attached); Cinder cannot shrink a
    volume, so a smaller O(size) fails naming the current size.
  - The volume type, the availability zone and the source (O(image), O(snapshot), O(source_volume)) cannot change
    in place; a difference fails naming the option.
  - A volume that goes to C(error) or C(error_extending) fails naming it, its status and the reason Cinder gives
    (its user messages).
  - Deleting a volume that is attached to a server, or that has snapshots, fails before any change naming them.
author: ooo.cloud developers (@ooo-cloud)
options:
  availability_zone:
    description:
      - Availability zone of the volume (only used on create).
    type: str
  bootable:
    description:
      - Whether the volume is bootable (the C(os-set_bootable) action). Cinder makes a volume of an image bootable.
    type: bool
  description:
    description:
      - Description. Not managed when omitted.
    type: str
  image:
    description:
      - Name or id of the Glance image the volume is created from.
      - Excludes O(snapshot) and O(source_volume).
    type: str
  metadata:
    description:
      - Metadata of the volume, made exactly so (keys not listed are removed). Values are sent as strings.
        Not managed when omitted.
    type: dict
  name:
    description:
      - Name of the volume (unique in its project).
    type: str
    required: true
  project:
    description:
      - Name or id of the project the volume is looked up in (admin only).
      - Cinder creates a volume in the project of the token; to create one in another project, scope the
        credentials to it (O(auth.project_name)). A missing volume in another project fails naming the project.
    type: str
  size:
    description:
      - Size in GiB. Required to create a volume, except from O(snapshot) or O(source_volume) (their size by default).
      - A larger size grows an existing volume; a smaller one fails.
    type: int
  snapshot:
    description:
      - Name or id of the volume snapshot the volume is created from.
      - Excludes O(image) and O(source_volume).
    type: str
  source_volume:
    description:
      - Name or id of the volume the volume is cloned from.
      - Excludes O(image) and O(snapshot).
    type: str
  timeout:
    description:
      - Seconds to wait for the volume to be available (or in-use) after a create or a grow, or to be gone.
    type: int
    default: 600
  volume_type:
    description:
      - Name or id of the volume type. The default type of Cinder when omitted.
    type: str
  wait:
    description:
      - Whether to wait for the volume after a create, a grow or a delete.
      - A create with O(bootable) always waits (Cinder sets the flag of a volume of an image when it is done).
    type: bool
    default: true
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: An empty 10 GiB volume
  ooo.cloud.volume:
    cloud: overcloud
    name: data
    size: 10
    volume_type: ceph
    metadata:
      role: db

- name: A bootable volume of an image
  ooo.cloud.volume:
    cloud: overcloud
    name: boot-web1
    image: cirros
    size: 1

- name: Grow it (never shrinks)
  ooo.cloud.volume:
    cloud: overcloud
    name: data
    size: 20

- name: A volume of a snapshot
  ooo.cloud.volume:
    cloud: overcloud
    name: data-restored
    snapshot: data-nightly

- name: Delete it
  ooo.cloud.volume:
    cloud: overcloud
    name: data-restored
    state: absent
'''

RETURN = r'''
volume:
  description: The volume as Cinder returns it (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Volume id.
      type: str
    name:
      description: Name.
      type: str
    status:
      description: Status (V(available), V(in-use) when attached).
      type: str
    size:
      description: Size in GiB.
      type: int
    volume_type:
      description: Name of the volume type.
      type: str
    bootable:
      description: Whether the volume is bootable (Cinder's C("true")/C("false") as a boolean).
      type: bool
    availability_zone:
      description: Availability zone.
      type: str
    metadata:
      description: Metadata.
      type: dict
    attachments:
      description: Attachments, each with C(server_id), C(attachment_id) and C(device).
      type: list
      elements: dict
    snapshot_id:
      description: Id of the snapshot the volume was created from.
      type: str
    source_volid:
      description: Id of the volume the volume was cloned from.
      type: str
    volume_image_metadata:
      description: Properties of the image the volume was created from (C(image_id), ...).
      type: dict
'''

from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import OpenStackError
from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule

GIB = 1024 ** 3
ERROR = ('error', 'error_extending')


def gib(size_bytes):
    return -(-int(size_bytes or 0) // GIB)


class VolumeModule(ResourceModule):
    kind = 'volume'
    argument_spec = dict(
        availability_zone=dict(type='str'),
        bootable=dict(type='bool'),
        description=dict(type='str'),
        image=dict(type='str'),
        metadata=dict(type='dict'),
        name=dict(type='str', required=True),
        project=dict(type='str'),
        size=dict(type='int'),
        snapshot=dict(type='str'),
        source_volume=dict(type='str'),
        timeout=dict(type='int', default=600),
        volume_type=dict(type='str'),
        wait=dict(type='bool', default=True),
    )
    module_kwargs = dict(mutually_exclusive=[('image', 'snapshot', 'source_volume')])
    fields = {'name': 'name', 'availability_zone': 'availability_zone', 'bootable': 'bootable',
              'description': 'description', 'image': 'image_id', 'metadata': 'metadata', 'size': 'size',
              'snapshot': 'snapshot_id', 'source_volume': 'source_volid', 'volume_type': 'volume_type'}
    updatable = ('bootable', 'description', 'metadata', 'size')

    def validate(self):
        if self.params['size'] is not None and self.params['size'] <= 0:
            self.fail("volume '%s': size must be a positive number of GiB, not %s" % (self.params['name'], self.params['size']))

    @staticmethod
    def normalize(vol):
        vol['bootable'] = str(vol.get('bootable')).lower() == 'true'
        vol['image_id'] = (vol.get('volume_image_metadata') or {}).get('image_id')
        return vol

    def find(self):
        p = self.params
        query = self.project_id = None
        if p['project']:
            self.project_id = self.find_id('project', p['project'])
            if self.project_id != self.client.project_id:
                query = {'all_tenants': 1, 'project_id': self.project_id}
        current = self.find_one('volume', p['name'], query=query, required=False)
        owner = (current or {}).get('os-vol-tenant-attr:tenant_id')
        if current is None or current.get('status') == 'deleting' or (self.project_id and owner not in (None, self.project_id)):
            self.current = None
            return None
        self.current = current = self.normalize(current)
        label = "volume '%s' (%s)" % (current['name'], current['id'])
        if p['state'] == 'present' and current.get('status') in ERROR:
            self.fail('%s is in status %s: %s; delete it (state: absent) and create it again'
                      % (label, current['status'], self.fault(current) or 'Cinder gives no reason'))
        if p['state'] == 'absent':
            self.refuse_delete(current, label)
        return current

    def refuse_delete(self, current, label):
        """Fail before any change when Cinder would refuse the delete: attached, or with snapshots."""
        attached = []
        for att in current.get('attachments') or []:
            server = self.find_one('server', att.get('server_id'), required=False) or {}
            attached.append("'%s' (%s)%s" % (server.get('name', '?'), att.get('server_id'),
                                             ' as %s' % att['device'] if att.get('device') else ''))
        if attached:
            self.fail('%s is attached to server%s %s: detach it first (ooo.cloud.server_volume with state: absent)'
                      % (label, 's' if len(attached) > 1 else '', ', '.join(attached)))
        query = {'all_tenants': 1} if self.project_id and self.project_id != self.client.project_id else {}
        snaps = self.list_all('volume_snapshot', dict(query, volume_id=current['id']))
        snaps = [s for s in snaps if s.get('volume_id') == current['id']]
        if snaps:
            self.fail('%s has snapshots: %s; delete them first (ooo.cloud.volume_snapshot with state: absent)'
                      % (label, ', '.join("'%s' (%s)" % (s.get('name'), s['id']) for s in snaps)))

    def desired(self):
        p = self.params
        want = {self.fields[o]: p[o] for o in ('name', 'availability_zone', 'bootable', 'description', 'size')
                if p[o] is not None}
        if p['metadata'] is not None:
            want['metadata'] = {str(k): str(v) for k, v in p['metadata'].items()}
        if p['volume_type']:
            want['volume_type'] = self.find_one('volume_type', p['volume_type'])['name']
        self.source = None
        if p['image']:
            self.source = self.find_one('image', p['image'])
            want['image_id'] = self.source['id']
            source_size = max(int(self.source.get('min_disk') or 0), gib(self.source.get('virtual_size')),
                              gib(self.source.get('size')))
        elif p['snapshot'] or p['source_volume']:
            opt = 'snapshot' if p['snapshot'] else 'source_volume'
            self.source = self.find_one('volume_snapshot' if p['snapshot'] else 'volume', p[opt], label=opt.replace('_', ' '))
            want[self.fields[opt]] = self.source['id']
            source_size = int(self.source.get('size') or 0)
        if self.current is None:
            what = "volume '%s'" % p['name']
            if self.project_id and self.project_id != self.client.project_id:
                self.fail("%s not found in project '%s'; Cinder creates a volume in the project of the token only: "
                          "scope the credentials to that project (auth.project_name) to create it" % (what, p['project']))
            if p['size'] is None and not (p['snapshot'] or p['source_volume']):
                self.fail('size is required to create %s (without it, only from a snapshot or a source_volume)' % what)
            if self.source is not None and p['size'] is not None and p['size'] < source_size:
                opt = 'image' if p['image'] else 'snapshot' if p['snapshot'] else 'source_volume'
                self.fail("size %s GiB of %s is smaller than its %s '%s' (%s GiB)"
                          % (p['size'], what, opt.replace('_', ' '), p[opt], source_size))
        return want

    def check_updatable(self, current, changes):
        if 'size' in changes and changes['size'] < (current.get('size') or 0):
            self.fail("volume '%s' (%s) has size %s GiB: size %s would shrink it, and Cinder cannot shrink a volume; "
                      "give size %s or more, or delete and recreate it"
                      % (current['name'], current['id'], current['size'], changes['size'], current['size']))
        super().check_updatable(current, changes)

    def fault(self, obj):
        """The latest user message Cinder has about the volume."""
        try:
            msgs = self.client.list('block-storage', '/messages', 'messages', {'resource_uuid': obj['id']})
        except OpenStackError:
            return ''
        msgs = sorted(msgs, key=lambda m: str(m.get('created_at')))
        return msgs[-1].get('user_message') or '' if msgs else ''

    def predict(self, current, desired):
        out = super().predict(current, desired)
        out.setdefault('status', 'available')
        out.setdefault('attachments', [])
        if 'size' not in out and self.source is not None:
            out['size'] = self.source.get('size')
        if current is None and 'bootable' not in desired:
            out['bootable'] = bool(desired.get('image_id'))
        return out

    def create(self, desired):
        body = {k: v for k, v in desired.items() if k not in ('bootable', 'image_id')}
        if 'image_id' in desired:
            body['imageRef'] = desired['image_id']
        vol = self.client.post('block-storage', '/volumes', {'volume': body})['volume']
        if self.params['wait'] or 'bootable' in desired:
            vol = self.wait_status(vol, ready=('available',), failed=ERROR)
            if 'bootable' in desired and self.normalize(vol)['bootable'] != desired['bootable']:
                self.action(vol, {'os-set_bootable': {'bootable': desired['bootable']}})
                vol = self.fetch(vol)
        return self.normalize(vol)

    def update(self, current, changes):
        body = {k: changes[k] for k in ('description', 'metadata') if k in changes}
        if body:
            self.client.put('block-storage', self.item_path(current), {'volume': body})
        if 'bootable' in changes:
            self.action(current, {'os-set_bootable': {'bootable': changes['bootable']}})
        if 'size' in changes:
            size = changes['size']
            self.action(current, {'os-extend': {'new_size': size}})
            if self.params['wait']:
                def grown():
                    vol = self.fetch(current)
                    if vol and vol.get('status') in ('available', 'in-use') and (vol.get('size') or 0) < size:
                        vol = dict(vol, status='extending')  # the extend has not started yet
                    return vol
                self.wait_status(current, ready=('available', 'in-use'), failed=ERROR, fetch=grown)
        return self.normalize(self.fetch(current))

    def delete(self, current):
        self.client.delete('block-storage', self.item_path(current))
        if self.params['wait']:
            self.wait_status(current, ready=(None,), failed=('error_deleting',))

    def view(self, obj):
        return {k: v for k, v in obj.items() if k not in ('links', 'image_id')}


def main():
    VolumeModule()()


if __name__ == '__main__':
    main()
