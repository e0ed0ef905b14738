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
  - An SSH O(public_key) is checked before any API call. It must be C(<type> <base64> [comment]) with a key type
    OpenSSH knows (V(ssh-ed25519), V(ssh-rsa), V(ecdsa-sha2-nistp256) ...), valid base64, and a decoded key that
    starts with the same type name and holds the fields of that type (a truncated key fails).
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
      - Unless O(key_type=x509), one OpenSSH public key line C(<type> <base64> [comment]); anything else (a private
        key, a key without its type, bad base64, a type that does not match the key's own) fails naming
        O(public_key) before any API call.
    type: str
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: Import my key
  ooo.cloud.keypair:
    cloud: undercloud
    name: admin
    public_key: "{{ lookup('ansible.builtin.file', '~/.ssh/id_ed25519.pub') }}"

- name: Import a key given inline (checked before any API call; a truncated key fails naming public_key)
  ooo.cloud.keypair:
    cloud: undercloud
    name: deploy
    public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAVuJqeOdit/uTL76s1PDM/mLEKQHBXyJHVS2ZxBs0rc deploy@example
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

import base64
import binascii
import struct
from urllib.parse import quote

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule

# OpenSSH public key types -> the number of SSH strings (or mpints: the same encoding) after the
# type name in the decoded key.
KEY_TYPES = {
    'ssh-ed25519': 1,
    'ssh-rsa': 2,
    'ssh-dss': 4,
    'ecdsa-sha2-nistp256': 2,
    'ecdsa-sha2-nistp384': 2,
    'ecdsa-sha2-nistp521': 2,
    'sk-ssh-ed25519@openssh.com': 2,
    'sk-ecdsa-sha2-nistp256@openssh.com': 3,
}


def key_body(key):
    return ' '.join((key or '').split()[:2])


def _ssh_strings(blob, count):
    """The first ``count`` SSH strings (uint32 length + bytes) of ``blob`` and the bytes left."""
    out = []
    for _i in range(count):
        if len(blob) < 4:
            raise ValueError('it ends after %d field(s)' % len(out))
        size = struct.unpack('>I', blob[:4])[0]
        if size > len(blob) - 4:
            raise ValueError('field %d is cut off (%d of %d bytes)' % (len(out) + 1, len(blob) - 4, size))
        out.append(blob[4:4 + size])
        blob = blob[4 + size:]
    return out, blob


def check_public_key(key):
    """Why ``key`` is not an OpenSSH public key line (None when it is one)."""
    fields = key.split()
    if not fields:
        return 'it is empty'
    if fields[0].startswith('-----BEGIN'):
        kind = 'a private key' if 'PRIVATE' in key else 'PEM data'
        return 'it is %s, not an OpenSSH public key line (give the content of the .pub file)' % kind
    ktype = fields[0]
    if ktype not in KEY_TYPES:
        known = ', '.join(sorted(KEY_TYPES))
        if len(ktype) > 40:
            return 'it does not start with a key type (%s)' % known
        return "the key type '%s' is not one of %s" % (ktype, known)
    if len(fields) < 2:
        return 'the key data (base64) after %s is missing' % ktype
    try:
        blob = base64.b64decode(fields[1], validate=True)
    except (binascii.Error, ValueError) as e:
        return 'the key data after %s is not valid base64 (%s)' % (ktype, e)
    try:
        (name,), rest = _ssh_strings(blob, 1)
    except ValueError:
        name, rest = None, b''
    if name != ktype.encode():
        shown = name.decode('ascii', 'replace') if name and len(name) <= 40 else ''
        if not (shown.isascii() and shown.isprintable()):
            shown = ''
        if shown:
            return "the key data is an %s key, not %s" % (shown, ktype)
        return 'the key data does not start with the key type %s (as an SSH string): not an OpenSSH key' % ktype
    try:
        parts, rest = _ssh_strings(rest, KEY_TYPES[ktype])
    except ValueError as e:
        return 'the %s key data is incomplete: %s (a truncated key?)' % (ktype, e)
    if rest:
        return 'the %s key data has %d bytes too many' % (ktype, len(rest))
    if ktype in ('ssh-ed25519', 'sk-ssh-ed25519@openssh.com') and len(parts[0]) != 32:
        return 'the %s key is %d bytes long, not 32' % (ktype, len(parts[0]))
    curve = ktype.split('@')[0].rsplit('-', 1)[1]
    if 'ecdsa-' in ktype and parts[0] != curve.encode():
        return "the %s key is not on the curve %s" % (ktype, curve)
    return None


class KeypairModule(ResourceModule):
    noun = 'keypair'
    argument_spec = dict(
        key_type=dict(type='str', choices=['ssh', 'x509']),
        name=dict(type='str', required=True),
        public_key=dict(type='str', no_log=False),
    )
    fields = {'name': 'name', 'public_key': 'public_key', 'key_type': 'type'}
    updatable = ()

    def validate(self):
        key = self.params['public_key']
        if key is None or self.params['key_type'] == 'x509':
            return
        problem = check_public_key(key)
        if problem:
            self.fail("keypair '%s': public_key is not a valid OpenSSH public key: %s" % (self.params['name'], problem))

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
        keys = ('name', 'public_key', 'fingerprint', 'type', 'user_id', 'created_at')
        return {k: obj.get(k) for k in keys if k in obj}


def main():
    KeypairModule()()


if __name__ == '__main__':
    main()
