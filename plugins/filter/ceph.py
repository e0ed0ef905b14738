# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
name: ceph_key
short_description: A cephx key derived from a random secret string
version_added: 0.1.0
description:
  - Returns the cephx key (as C(ceph-authtool) writes it) derived from a secret the
    C(ooo.cloud.secrets) role generated. The same secret always gives the same key, so the
    key needs no storage of its own.
  - A cephx key is the base64 of a little-endian u16 type (1, AES), u32 seconds and u32
    nanoseconds of its creation time (both 0 here), u16 length (16) and 16 key bytes; the
    bytes are the first 16 of SHA-256 of a fixed label and the secret.
  - The companion filter C(ceph_fsid) derives a UUID (a cluster fsid) the same way.
options:
  _input:
    description: The secret (at least 16 characters).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: The key of client.glance
  ansible.builtin.copy:
    dest: /etc/ceph/ceph.client.glance.keyring
    content: |
      [client.glance]
          key = {{ ceph_glance_secret | ooo.cloud.ceph_key }}
    mode: "0640"
  no_log: true

- name: The cluster's fsid
  ansible.builtin.set_fact:
    ceph_fsid: "{{ ceph_fsid_secret | ooo.cloud.ceph_fsid }}"
"""

RETURN = r"""
_value:
  description: The key (base64, 40 characters) or, from C(ceph_fsid), the UUID.
  type: str
"""

import base64
import hashlib
import struct
import uuid

from ansible.errors import AnsibleFilterError

# Ceph's CryptoKey: type (CEPH_CRYPTO_AES), created (utime_t), then the secret's length.
_CEPH_CRYPTO_AES = 1
_KEY_BYTES = 16
_HEADER = struct.Struct("<HIIH")


def _digest(secret, label, filter_name):
    if not isinstance(secret, str) or len(secret) < 16:
        # The value is never shown: it is a secret.
        raise AnsibleFilterError("%s: the input must be a secret string of at least 16 characters" % filter_name)
    return hashlib.sha256(("ooo.cloud %s\0%s" % (label, secret)).encode("utf-8")).digest()


def ceph_key(secret):
    key = _digest(secret, "ceph key", "ceph_key")[:_KEY_BYTES]
    return base64.b64encode(_HEADER.pack(_CEPH_CRYPTO_AES, 0, 0, _KEY_BYTES) + key).decode("ascii")


def ceph_fsid(secret):
    return str(uuid.UUID(bytes=_digest(secret, "ceph fsid", "ceph_fsid")[:16], version=4))


class FilterModule:
    def filters(self):
        return {"ceph_key": ceph_key, "ceph_fsid": ceph_fsid}
