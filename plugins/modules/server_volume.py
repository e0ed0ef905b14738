#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: server_volume
short_description: Attach a Cinder volume to a Nova server
description:
  - Attach a volume to a server, or detach it, with Nova's C(os-volume_attachments) API (how Nova attaches
    RBD volumes), and wait until Cinder shows the volume V(in-use) by the server, or no longer attached to it.
  - A volume attached to the server already is no change, whatever its device. A volume attached to another
    server (and not multiattach), or not V(available), fails before any change naming it.
  - A server or a volume that does not exist fails before any change naming it (with close matches); with
    O(state=absent) it is no change.
author: ooo.cloud developers (@ooo-cloud)
options:
  device:
    description:
      - Device name asked for, for example V(/dev/vdb). A hint only (libvirt picks the next free device);
        not compared once the volume is attached.
    type: str
  server:
    description:
      - Name or id of the server.
    type: str
    required: true
  timeout:
    description:
      - Seconds to wait for the attach or the detach.
    type: int
    default: 300
  volume:
    description:
      - Name or id of the volume.
    type: str
    required: true
  wait:
    description:
      - Whether to wait until the volume is V(in-use) by the server after the attach, or no longer attached to it
        after the detach.
    type: bool
    default: true
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
notes:
  - O(state=present) attaches the volume, O(state=absent) detaches it.
'''

EXAMPLES = r'''
- name: Attach a volume
  ooo.cloud.server_volume:
    cloud: overcloud
    server: web1
    volume: data
  register: attached

- name: Show the device
  ansible.builtin.debug:
    msg: "data is {{ attached.attachment.device }} on web1"

- name: Detach it
  ooo.cloud.server_volume:
    cloud: overcloud
    server: web1
    volume: data
    state: absent
'''

RETURN = r'''
attachment:
  description: The attachment as Nova returns it (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Id of the attachment (the volume id).
      type: str
    device:
      description: Device of the volume in the server, for example V(/dev/vdb).
      type: str
    serverId:
      description: Id of the server.
      type: str
    volumeId:
      description: Id of the volume.
      type: str
    tag:
      description: Device tag.
      type: str
    delete_on_termination:
      description: Whether the volume is deleted with the server.
      type: bool
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


class ServerVolumeModule(ResourceModule):
    noun = 'attachment'
    argument_spec = dict(
        device=dict(type='str'),
        server=dict(type='str', required=True),
        timeout=dict(type='int', default=300),
        volume=dict(type='str', required=True),
        wait=dict(type='bool', default=True),
    )
    view_keys = ('id', 'device', 'serverId', 'volumeId', 'tag', 'delete_on_termination')

    def resource_label(self, current=None):
        return "volume '%s' on server '%s'" % (self.params['volume'], self.params['server'])

    def _path(self):
        return '/servers/%s/os-volume_attachments' % self.server['id']

    def _servers(self, attachments):
        return ', '.join("'%s' (%s)" % ((self.find_one('server', a.get('server_id'), required=False) or {}).get('name', '?'),
                                        a.get('server_id')) for a in attachments)

    def find(self):
        p = self.params
        self.server = self.find_one('server', p['server'])
        self.volume = vol = self.find_one('volume', p['volume'])
        listed = self.client.list('compute', self._path(), 'volumeAttachments')
        current = next((dict(a, server=self.server['name'], volume=vol['name'])
                        for a in listed if a.get('volumeId') == vol['id']), None)
        self.current = current
        if current is None and p['state'] == 'present':
            label = "volume '%s' (%s)" % (vol['name'], vol['id'])
            others = [a for a in vol.get('attachments') or [] if a.get('server_id') != self.server['id']]
            if others and not vol.get('multiattach'):
                self.fail('%s is attached to server %s: detach it first (state: absent); only a multiattach volume '
                          'is attached to several servers' % (label, self._servers(others)))
            if vol.get('status') not in ('available', 'in-use'):
                self.fail('%s is %s: it can be attached when it is available' % (label, vol.get('status')))
        return current

    def desired(self):
        want = {'server': self.server['name'], 'volume': self.volume['name']}
        if self.current is None and self.params['device']:
            want['device'] = self.params['device']
        return want

    def diff_fields(self, current, desired):
        return {'server', 'volume'} | ({'device'} if current or 'device' in desired else set())

    def predict(self, current, desired):
        return dict(desired, serverId=self.server['id'], volumeId=self.volume['id'], id=self.volume['id'])

    def fault(self, obj):
        if obj.get('status') == 'available again':
            return 'Nova rolled the attach back; the instance actions of the server tell why'
        return ''

    def _wait(self, attached):
        sid, vid = self.server['id'], self.volume['id']

        def state():
            data = self.client.get('block-storage', '/volumes/%s' % vid) or {}
            vol = data.get('volume') or {'status': 'deleted', 'attachments': []}
            here = any(a.get('server_id') == sid for a in vol.get('attachments') or [])
            status = vol.get('status')
            if (here and status == 'in-use') if attached else (not here and status in ('available', 'in-use', 'deleted')):
                status = 'done'
            elif attached and not here and status == 'available':
                status = 'available again'  # Nova reserves the volume before it answers: this is a roll-back
            return dict(vol, status=status)
        self.wait_status({'id': vid}, ready=('done',), failed=('available again', 'error', 'deleted'), fetch=state)

    def create(self, desired):
        body = {'volumeId': self.volume['id']}
        if desired.get('device'):
            body['device'] = desired['device']
        att = self.client.post('compute', self._path(), {'volumeAttachment': body})['volumeAttachment']
        if self.params['wait']:
            self._wait(attached=True)
            listed = self.client.list('compute', self._path(), 'volumeAttachments')
            att = next((a for a in listed if a.get('volumeId') == self.volume['id']), att)
        return att

    def delete(self, current):
        self.client.delete('compute', '%s/%s' % (self._path(), self.volume['id']))
        if self.params['wait']:
            self._wait(attached=False)


def main():
    ServerVolumeModule()()


if __name__ == '__main__':
    main()
