#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: volume_snapshot
short_description: Manage a Cinder volume snapshot
description:
  - Create a snapshot of a Cinder volume and wait for it to be available, update its description and metadata in
    place, or delete it and wait for it to be gone.
  - The volume of an existing snapshot cannot change; another O(volume) fails naming it.
  - A snapshot of a volume that is attached (V(in-use)) needs O(force); without it the module fails before any
    change naming the volume and its servers.
author: ooo.cloud developers (@ooo-cloud)
options:
  description:
    description:
      - Description. Not managed when omitted.
    type: str
  force:
    description:
      - Take the snapshot also when the volume is attached to a server (V(in-use)); the snapshot is then
        crash-consistent only. Only used on create.
    type: bool
    default: false
  metadata:
    description:
      - Metadata of the snapshot, made exactly so (keys not listed are removed). Values are sent as strings.
        Not managed when omitted.
    type: dict
  name:
    description:
      - Name of the snapshot (unique in its project).
    type: str
    required: true
  timeout:
    description:
      - Seconds to wait for the snapshot to be available, or to be gone.
    type: int
    default: 600
  volume:
    description:
      - Name or id of the volume to snapshot. Required to create the snapshot.
    type: str
  wait:
    description:
      - Whether to wait for the snapshot to be available after the create, or gone after the delete.
    type: bool
    default: true
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: Snapshot a volume
  ooo.cloud.volume_snapshot:
    cloud: overcloud
    name: data-nightly
    volume: data
    metadata:
      schedule: nightly

- name: Snapshot a volume that is attached to a server
  ooo.cloud.volume_snapshot:
    cloud: overcloud
    name: db-before-upgrade
    volume: db
    force: true

- name: Delete the snapshot
  ooo.cloud.volume_snapshot:
    cloud: overcloud
    name: data-nightly
    state: absent
'''

RETURN = r'''
volume_snapshot:
  description: The snapshot as Cinder returns it (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Snapshot id.
      type: str
    name:
      description: Name.
      type: str
    status:
      description: Status (V(available) once it is taken).
      type: str
    size:
      description: Size in GiB (the size of the volume).
      type: int
    volume_id:
      description: Id of the volume.
      type: str
    metadata:
      description: Metadata.
      type: dict
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


class VolumeSnapshotModule(ResourceModule):
    kind = 'volume_snapshot'
    argument_spec = dict(
        description=dict(type='str'),
        force=dict(type='bool', default=False),
        metadata=dict(type='dict'),
        name=dict(type='str', required=True),
        timeout=dict(type='int', default=600),
        volume=dict(type='str'),
        wait=dict(type='bool', default=True),
    )
    fields = {'name': 'name', 'description': 'description', 'metadata': 'metadata', 'volume': 'volume_id'}
    updatable = ('description', 'metadata')

    def find(self):
        current = self.find_one('volume_snapshot', self.params['name'], required=False, label='snapshot')
        if current is not None and current.get('status') == 'deleting':
            current = None
        self.current = current
        if current is None:
            return None
        if self.params['state'] == 'present' and current.get('status') == 'error':
            self.fail("snapshot '%s' (%s) of volume %s is in status error; delete it (state: absent) and take it again"
                      % (current['name'], current['id'], current.get('volume_id')))
        return current

    def desired(self):
        p = self.params
        want = {'name': p['name']}
        if p['description'] is not None:
            want['description'] = p['description']
        if p['metadata'] is not None:
            want['metadata'] = {str(k): str(v) for k, v in p['metadata'].items()}
        vol = self.volume = self.find_one('volume', p['volume'])
        if vol is not None:
            want['volume_id'] = vol['id']
        if self.current is None:
            if vol is None:
                self.fail("snapshot '%s' does not exist: volume is required to take it" % p['name'])
            if vol.get('status') == 'in-use' and not p['force']:
                servers = ["'%s' (%s)" % ((self.find_one('server', a.get('server_id'), required=False) or {}).get('name', '?'),
                                          a.get('server_id')) for a in vol.get('attachments') or []]
                self.fail("volume '%s' (%s) is in-use (attached to server %s): set force: true to snapshot it while "
                          "it is attached" % (vol['name'], vol['id'], ', '.join(servers) or '?'))
        return want

    def predict(self, current, desired):
        out = super().predict(current, desired)
        out.setdefault('status', 'available')
        out.setdefault('size', (self.volume or {}).get('size'))
        return out

    def create(self, desired):
        body = dict(desired, force=self.params['force'])
        snap = self.client.post('block-storage', '/snapshots', {'snapshot': body})['snapshot']
        if self.params['wait']:
            snap = self.wait_status(snap, ready=('available',), failed=('error',))
        return snap

    def update(self, current, changes):
        if 'description' in changes:
            self.client.put('block-storage', self.item_path(current), {'snapshot': {'description': changes['description']}})
        if 'metadata' in changes:
            self.client.put('block-storage', self.item_path(current) + '/metadata', {'metadata': changes['metadata']})
        return self.fetch(current)

    def delete(self, current):
        self.client.delete('block-storage', self.item_path(current))
        if self.params['wait']:
            self.wait_status(current, ready=(None,), failed=('error_deleting',))

    def view(self, obj):
        return {k: v for k, v in obj.items() if k != 'links'}


def main():
    VolumeSnapshotModule()()


if __name__ == '__main__':
    main()
