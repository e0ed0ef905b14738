# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
name: url_userinfo
short_description: Quote a user name or password for the user:password@ part of a URL
version_added: 0.1.0
description:
  - Percent-encodes every character but letters, digits and C(-._~), so a password with
    C(@), C(:), C(/), C(%), C(#), C(?) or C($) in it survives in a database or transport URL
    (SQLAlchemy and oslo.messaging decode it back). Jinja's C(urlencode) leaves C(/) as it
    is, which ends the host part of a C(rabbit://) URL.
options:
  _input:
    description: The user name or password.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: The database URL of a service
  ansible.builtin.set_fact:
    connection: "mysql+pymysql://nova:{{ nova_db_password | ooo.cloud.url_userinfo }}@db/nova"
"""

RETURN = r"""
_value:
  description: The quoted text.
  type: str
"""

from urllib.parse import quote


def url_userinfo(value):
    return quote(str(value), safe="")


class FilterModule:
    def filters(self):
        return {"url_userinfo": url_userinfo}
