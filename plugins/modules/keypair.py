#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: keypair
short_description: Manage a Nova key pair
description:
  - Import a public key as a Nova key pair, or delete it.
  - A key pair cannot change; a different public key for an existing name fails naming it.
author: ooo.cloud developers (@ooo-cloud)
options:
  key_type:
    description:
      - Type of the key pair.
    type: str
    choices: [ssh, x509]
  name:
    description:
      - Name of the key pair.
    type: str
    required: true
  public_key:
    description:
      - The public key (for example the content of C(~/.ssh/id_ed25519.pub)). Required to create the key pair.
      - Compared without its comment.
    type: str
  state:
    description:
      - Whether the key pair should exist.
    type: str
    default: present
    choices: [absent, present]
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.attributes
'''

EXAMPLES = r'''
- name: Import my key
  ooo.cloud.keypair:
    cloud: undercloud
    name: admin
    public_key: "{{ lookup('ansible.builtin.file', '~/.ssh/id_ed25519.pub') }}"
'''

RETURN = r'''
keypair:
  description: The key pair (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    name:
      description: Name.
      type: str
    public_key:
      description: Public key.
      type: str
    fingerprint:
      description: Fingerprint.
      type: str
    type:
      description: Key type.
      type: str
'''

from urllib.parse import quote

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


def key_body(key):
    return ' '.join((key or '').split()[:2])


class KeypairModule(ResourceModule):
    noun = 'keypair'
    argument_spec = dict(
        key_type=dict(type='str', choices=['ssh', 'x509']),
        name=dict(type='str', required=True),
        public_key=dict(type='str', no_log=False),
    )
    fields = {'name': 'name', 'public_key': 'public_key', 'key_type': 'type'}
    updatable = ()

    def find(self):
        data = self.client.get('compute', '/os-keypairs/%s' % quote(self.params['name'], safe=''))
        return data['keypair'] if data else None

    def equal(self, field, current, wanted):
        if field == 'public_key':
            return key_body(current) == key_body(wanted)
        return super().equal(field, current, wanted)

    def create(self, desired):
        if not desired.get('public_key'):
            self.fail("keypair '%s' does not exist: public_key is required to create it" % self.params['name'])
        return self.client.post('compute', '/os-keypairs', {'keypair': desired})['keypair']

    def delete(self, current):
        self.client.delete('compute', '/os-keypairs/%s' % quote(current['name'], safe=''))

    def view(self, obj):
        return {k: obj.get(k) for k in ('name', 'public_key', 'fingerprint', 'type', 'user_id', 'created_at') if k in obj}


def main():
    KeypairModule()()


if __name__ == '__main__':
    main()
