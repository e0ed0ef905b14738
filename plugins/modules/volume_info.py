#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: volume_info
short_description: List Cinder volumes
description:
  - List Cinder (block storage v3) volumes (detailed), all of them or one by name or id, optionally filtered.
author: ooo.cloud developers (@ooo-cloud)
options:
  all_projects:
    description:
      - List the volumes of all projects (admin only).
    type: bool
    default: false
  project:
    description:
      - Name or id of the project whose volumes are listed (admin only).
    type: str
  status:
    description:
      - Only the volumes in this status, for example V(available), V(in-use) or V(error).
    type: str
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.info
  - ooo.cloud.openstack.info_options
'''

EXAMPLES = r'''
- name: All volumes of the project
  ooo.cloud.volume_info:
    cloud: overcloud
  register: result

- name: One volume by name
  ooo.cloud.volume_info:
    cloud: overcloud
    name: data

- name: The volumes of project demo that are in error
  ooo.cloud.volume_info:
    cloud: overcloud
    project: demo
    status: error

- name: Bootable volumes (a Cinder list filter)
  ooo.cloud.volume_info:
    cloud: overcloud
    filters:
      bootable: true
'''

RETURN = r'''
volumes:
  description:
    - The volumes found, each as Cinder returns it (without C(links)).
    - Each has the keys RV(ooo.cloud.volume#module:volume) describes, and any other the API returns; C(bootable)
      is Cinder's string here (V("true") or V("false")).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import InfoModule


class VolumeInfoModule(InfoModule):
    kind = 'volume'
    plural = 'volumes'
    argument_spec = dict(
        InfoModule.argument_spec,
        all_projects=dict(type='bool', default=False),
        project=dict(type='str'),
        status=dict(type='str'),
    )

    def extra_filters(self):
        return {'status': self.params['status']} if self.params['status'] else {}

    def extra_query(self):
        self.project_id = self.find_id('project', self.params['project']) if self.params['project'] else None
        if self.project_id:
            return {'all_tenants': 1, 'project_id': self.project_id}
        return {'all_tenants': 1} if self.params['all_projects'] else {}

    def run(self):
        super().run()
        if self.project_id:  # a volume found by id is of any project
            self.results['volumes'] = [v for v in self.results['volumes']
                                       if v.get('os-vol-tenant-attr:tenant_id') in (None, self.project_id)]

    def view(self, obj):
        return {k: v for k, v in obj.items() if k != 'links'}


def main():
    VolumeInfoModule()()


if __name__ == '__main__':
    main()
