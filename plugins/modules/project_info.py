#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: project_info
short_description: List Keystone projects
description:
  - List Keystone projects, all of them or one by name or id, optionally filtered.
author: ooo.cloud developers (@ooo-cloud)
options:
  domain:
    description:
      - Name or id of the domain the projects are in.
    type: str
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.info
  - ooo.cloud.openstack.info_options
'''

EXAMPLES = r'''
- name: All projects
  ooo.cloud.project_info:
    cloud: undercloud
  register: result

- name: One project by name
  ooo.cloud.project_info:
    cloud: undercloud
    name: demo

- name: Enabled projects
  ooo.cloud.project_info:
    cloud: undercloud
    filters:
      enabled: true
'''

RETURN = r'''
projects:
  description:
    - The projects found, each as Keystone returns it (without C(links)).
    - Each has the keys RV(ooo.cloud.project#module:project) describes, and any other the API returns.
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import InfoModule


class ProjectInfoModule(InfoModule):
    kind = 'project'
    plural = 'projects'
    argument_spec = dict(
        InfoModule.argument_spec,
        domain=dict(type='str'),
    )

    def extra_filters(self):
        if self.params['domain']:
            return {'domain_id': self.resolve_domain(self.params['domain'])}
        return {}

    def view(self, obj):
        return {k: v for k, v in obj.items() if k != 'links'}


def main():
    ProjectInfoModule()()


if __name__ == '__main__':
    main()
