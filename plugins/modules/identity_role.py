#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: identity_role
short_description: Manage a Keystone role
description:
  - Create, update or delete a global Keystone (identity v3) role, idempotently, such as
    C(heat_stack_user) that Heat gives the users of its stacks.
  - Grant it with M(ooo.cloud.role_assignment).
author: ooo.cloud developers (@ooo-cloud)
options:
  description:
    description:
      - Description of the role. Not managed when omitted.
    type: str
  name:
    description:
      - Name of the role (unique in the cloud).
    type: str
    required: true
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: Create the role of Heat's stack users
  ooo.cloud.identity_role:
    cloud: overcloud
    name: heat_stack_user
    description: Users Heat makes for its stacks (wait conditions, signals)
'''

RETURN = r'''
role:
  description: The role (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Role id.
      type: str
    name:
      description: Role name.
      type: str
    description:
      description: Description.
      type: str
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


class IdentityRoleModule(ResourceModule):
    kind = 'role'
    view_keys = ('id', 'name', 'description', 'domain_id')
    argument_spec = dict(
        description=dict(type='str'),
        name=dict(type='str', required=True),
    )
    fields = {'name': 'name', 'description': 'description'}
    updatable = ('description',)

    def find(self):
        # Global roles only: a domain's own roles of the same name are not this one.
        roles = [r for r in self.list_all('role', {'name': self.params['name']})
                 if r.get('name') == self.params['name'] and not r.get('domain_id')]
        return roles[0] if roles else None


def main():
    IdentityRoleModule()()


if __name__ == '__main__':
    main()
