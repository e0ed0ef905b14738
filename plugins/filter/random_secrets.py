# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
name: random_secrets
short_description: Generate a random secret for each name
version_added: 0.1.0
description:
  - Returns a dict mapping each name to a new random secret of letters and digits, drawn
    from the operating system's cryptographic random source.
options:
  _input:
    description: Names of the secrets.
    type: list
    elements: str
    required: true
  length:
    description: Length of each secret.
    type: int
    default: 32
"""

EXAMPLES = r"""
- name: Two new passwords
  ansible.builtin.debug:
    msg: "{{ ['db_password', 'api_password'] | ooo.cloud.random_secrets(24) | length }}"
"""

RETURN = r"""
_value:
  description: A dict of name to secret.
  type: dict
"""

import secrets
import string

from ansible.errors import AnsibleFilterError

_ALPHABET = string.ascii_letters + string.digits


def random_secrets(names, length=32):
    if not isinstance(length, int) or length < 16:
        raise AnsibleFilterError("random_secrets: length must be an integer of at least 16, got %r" % (length,))
    return {str(name): "".join(secrets.choice(_ALPHABET) for _position in range(length)) for name in names}


class FilterModule:
    def filters(self):
        return {"random_secrets": random_secrets}
