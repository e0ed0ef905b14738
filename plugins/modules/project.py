#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: project
short_description: Manage a Keystone project
description:
  - Create, update or delete a Keystone (identity v3) project, idempotently.
author: ooo.cloud developers (@ooo-cloud)
options:
  description:
    description:
      - Description of the project. Not managed when omitted.
    type: str
  domain:
    description:
      - Name or id of the domain of the project.
      - The domain cannot change in place.
    type: str
    default: default
  enabled:
    description:
      - Whether the project is enabled.
    type: bool
    default: true
  name:
    description:
      - Name of the project (unique in its domain).
    type: str
    required: true
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: Create a project
  ooo.cloud.project:
    cloud: undercloud
    name: demo
    description: Demo project

- name: Delete a project
  ooo.cloud.project:
    cloud: undercloud
    name: demo
    state: absent
'''

RETURN = r'''
project:
  description: The project (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Project id.
      type: str
    name:
      description: Project name.
      type: str
    domain_id:
      description: Id of the domain.
      type: str
    description:
      description: Description.
      type: str
    enabled:
      description: Whether the project is enabled.
      type: bool
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


class ProjectModule(ResourceModule):
    kind = 'project'
    view_keys = ('id', 'name', 'domain_id', 'description', 'enabled', 'is_domain', 'parent_id', 'tags')
    argument_spec = dict(
        description=dict(type='str'),
        domain=dict(type='str', default='default'),
        enabled=dict(type='bool', default=True),
        name=dict(type='str', required=True),
    )
    fields = {'name': 'name', 'description': 'description', 'enabled': 'enabled'}
    updatable = ('description', 'enabled')

    def find(self):
        self.domain_id = self.resolve_domain(self.params['domain'])
        return self.find_one('project', self.params['name'], filters={'domain_id': self.domain_id}, required=False)

    def desired(self):
        want = super().desired()
        want['domain_id'] = self.domain_id
        return want


def main():
    ProjectModule()()


if __name__ == '__main__':
    main()
