#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: server_info
short_description: List Nova servers
description:
  - List Nova servers (detailed), all of them or one by name or id, optionally filtered.
author: ooo.cloud developers (@ooo-cloud)
options:
  all_projects:
    description:
      - List the servers of all projects (admin only).
    type: bool
    default: false
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.info
  - ooo.cloud.openstack.info_options
'''

EXAMPLES = r'''
- name: All servers
  ooo.cloud.server_info:
    cloud: undercloud
  register: result

- name: One server by name
  ooo.cloud.server_info:
    cloud: undercloud
    name: demo

- name: Active servers
  ooo.cloud.server_info:
    cloud: undercloud
    filters:
      status: ACTIVE
'''

RETURN = r'''
servers:
  description:
    - The servers found, each as Nova returns it (without C(links), and without C(OS-EXT-SRV-ATTR:user_data), which
      may carry secrets).
    - Each has the keys RV(ooo.cloud.server#module:server) describes, and any other the API returns.
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import InfoModule


class ServerInfoModule(InfoModule):
    kind = 'server'
    plural = 'servers'
    argument_spec = dict(
        InfoModule.argument_spec,
        all_projects=dict(type='bool', default=False),
    )

    def extra_query(self):
        # A parameter of Nova's list call, not a field of a server: a lookup by id must not
        # compare it with the server it gets.
        return {'all_tenants': 1} if self.params['all_projects'] else {}

    def view(self, obj):
        # user data may carry secrets (the server module does not log it either)
        return {k: v for k, v in obj.items() if k not in ('links', 'OS-EXT-SRV-ATTR:user_data')}


def main():
    ServerInfoModule()()


if __name__ == '__main__':
    main()
