#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: domain
short_description: Manage a Keystone domain
description:
  - Create, update or delete a Keystone (identity v3) domain, idempotently.
  - Keystone deletes only a disabled domain; O(state=absent) disables it first. Deleting a
    domain deletes its projects, users and groups.
author: ooo.cloud developers (@ooo-cloud)
options:
  description:
    description:
      - Description of the domain. Not managed when omitted.
    type: str
  enabled:
    description:
      - Whether the domain is enabled.
    type: bool
    default: true
  name:
    description:
      - Name of the domain (unique in the cloud).
    type: str
    required: true
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: Create the domain of Heat's stack users
  ooo.cloud.domain:
    cloud: overcloud
    name: heat
    description: Owns the users and projects of Heat stacks

- name: Delete it (with its users and projects)
  ooo.cloud.domain:
    cloud: overcloud
    name: heat
    state: absent
'''

RETURN = r'''
domain:
  description: The domain (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Domain id.
      type: str
    name:
      description: Domain name.
      type: str
    description:
      description: Description.
      type: str
    enabled:
      description: Whether the domain is enabled.
      type: bool
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


class DomainModule(ResourceModule):
    kind = 'domain'
    view_keys = ('id', 'name', 'description', 'enabled', 'tags')
    argument_spec = dict(
        description=dict(type='str'),
        enabled=dict(type='bool', default=True),
        name=dict(type='str', required=True),
    )
    fields = {'name': 'name', 'description': 'description', 'enabled': 'enabled'}
    updatable = ('description', 'enabled')

    def find(self):
        return self.find_one('domain', self.params['name'], required=False)

    def delete(self, current):
        # Keystone answers 403 to the deletion of an enabled domain.
        if current.get('enabled'):
            self.update(current, {'enabled': False})
        super().delete(current)


def main():
    DomainModule()()


if __name__ == '__main__':
    main()
