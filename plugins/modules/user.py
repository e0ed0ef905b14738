#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: user
short_description: Manage a Keystone user
description:
  - Create, update or delete a Keystone (identity v3) user, idempotently.
  - The password cannot be read back; with O(update_password=on_create) it is only set when the user is created.
author: ooo.cloud developers (@ooo-cloud)
options:
  default_project:
    description:
      - Name or id of the default project of the user.
    type: str
  description:
    description:
      - Description of the user. Not managed when omitted.
    type: str
  domain:
    description:
      - Name or id of the domain of the user. It cannot change in place.
    type: str
    default: default
  email:
    description:
      - Email address of the user. Not managed when omitted.
    type: str
  enabled:
    description:
      - Whether the user is enabled.
    type: bool
    default: true
  name:
    description:
      - Name of the user (unique in its domain).
    type: str
    required: true
  password:
    description:
      - Password of the user.
    type: str
  update_password:
    description:
      - V(on_create) sets the password only when the user is created.
      - V(always) makes it the user's password on every run. Keystone cannot show a password, so the
        module asks Keystone for a token as the user (one request) and changes the password only when
        Keystone refuses it; a password unchanged since the last run reports no change. For a disabled
        user, whom Keystone refuses whatever the password, the password is left as it is.
    type: str
    default: on_create
    choices: [always, on_create]
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: Create a user
  ooo.cloud.user:
    cloud: undercloud
    name: demo
    password: "{{ demo_password }}"
    email: demo@example.com
    default_project: demo
'''

RETURN = r'''
user:
  description: The user (null when O(state=absent)); never contains the password.
  returned: always
  type: dict
  contains:
    id:
      description: User id.
      type: str
    name:
      description: User name.
      type: str
    domain_id:
      description: Id of the domain.
      type: str
    default_project_id:
      description: Id of the default project.
      type: str
    email:
      description: Email address.
      type: str
    enabled:
      description: Whether the user is enabled.
      type: bool
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


class UserModule(ResourceModule):
    kind = 'user'
    argument_spec = dict(
        default_project=dict(type='str'),
        description=dict(type='str'),
        domain=dict(type='str', default='default'),
        email=dict(type='str'),
        enabled=dict(type='bool', default=True),
        name=dict(type='str', required=True),
        password=dict(type='str', no_log=True),
        update_password=dict(type='str', default='on_create', choices=['always', 'on_create'], no_log=False),
    )
    fields = {'name': 'name', 'description': 'description', 'email': 'email', 'enabled': 'enabled',
              'default_project': 'default_project_id'}
    updatable = ('description', 'email', 'enabled', 'default_project_id', 'password')

    def find(self):
        self.domain_id = self.resolve_domain(self.params['domain'])
        return self.find_one('user', self.params['name'], filters={'domain_id': self.domain_id}, required=False)

    def desired(self):
        want = super().desired()
        want['domain_id'] = self.domain_id
        if self.params['default_project']:
            want['default_project_id'] = self.find_id('project', self.params['default_project'])
        return want

    def differences(self, current, desired):
        changes = super().differences(current, desired)
        if (self.params['password'] is not None and self.params['update_password'] == 'always'
                and current.get('enabled', True) and desired.get('enabled', True)
                and not self.client.password_works(current['id'], self.params['password'])):
            changes['password'] = self.params['password']
        return changes

    def create(self, desired):
        body = dict(desired)
        if self.params['password'] is not None:
            body['password'] = self.params['password']
        return super().create(body)

    def diff_view(self, obj, fields):
        return super().diff_view(obj, [f for f in fields if f != 'password'])

    def view(self, obj):
        return {k: v for k, v in obj.items() if k not in ('password', 'links')}


def main():
    UserModule()()


if __name__ == '__main__':
    main()
