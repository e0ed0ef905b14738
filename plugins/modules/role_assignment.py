#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: role_assignment
short_description: Grant or revoke a Keystone role
description:
  - Grant a role to a user or a group on a project or a domain, or revoke it.
author: ooo.cloud developers (@ooo-cloud)
options:
  domain:
    description:
      - Name or id of a domain.
      - Without O(project) the role is granted on this domain.
      - With O(project) it is only used to look up O(project), O(user) and O(group) by name.
    type: str
  group:
    description:
      - Name or id of the group that gets the role. Exactly one of O(user) and O(group) is required.
    type: str
  project:
    description:
      - Name or id of the project the role is granted on. One of O(project) and O(domain) is required.
    type: str
  role:
    description:
      - Name or id of the role.
    type: str
    required: true
  user:
    description:
      - Name or id of the user that gets the role.
    type: str
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: Make demo a member of the demo project
  ooo.cloud.role_assignment:
    cloud: undercloud
    user: demo
    role: member
    project: demo
'''

RETURN = r'''
role_assignment:
  description: The assignment, with the ids of role, actor and target (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    role_id:
      description: Role id.
      type: str
    user_id:
      description: User id (when a user).
      type: str
    group_id:
      description: Group id (when a group).
      type: str
    project_id:
      description: Project id (when on a project).
      type: str
    domain_id:
      description: Domain id (when on a domain).
      type: str
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


class RoleAssignmentModule(ResourceModule):
    noun = 'role_assignment'
    argument_spec = dict(
        domain=dict(type='str'),
        group=dict(type='str'),
        project=dict(type='str'),
        role=dict(type='str', required=True),
        user=dict(type='str'),
    )
    module_kwargs = dict(
        required_one_of=[('user', 'group'), ('project', 'domain')],
        mutually_exclusive=[('user', 'group')],
    )
    fields = {}
    updatable = ()

    def find(self):
        p = self.params
        domain_id = self.resolve_domain(p['domain']) if p['domain'] else None
        scope = {'domain_id': domain_id} if domain_id else None
        self.assignment = {'role_id': self.find_id('role', p['role'])}
        if p['user']:
            self.assignment['user_id'] = self.find_id('user', p['user'], filters=scope)
            actor = 'users/%s' % self.assignment['user_id']
        else:
            self.assignment['group_id'] = self.find_id('group', p['group'], filters=scope)
            actor = 'groups/%s' % self.assignment['group_id']
        if p['project']:
            self.assignment['project_id'] = self.find_id('project', p['project'], filters=scope)
            target = 'projects/%s' % self.assignment['project_id']
        else:
            self.assignment['domain_id'] = domain_id
            target = 'domains/%s' % domain_id
        self.path = '/%s/%s/roles/%s' % (target, actor, self.assignment['role_id'])
        status = self.client.request('identity', 'HEAD', self.path, ok_404=True)[0]
        return dict(self.assignment) if status != 404 else None

    def desired(self):
        return dict(self.assignment)

    def create(self, desired):
        self.client.request('identity', 'PUT', self.path)
        return desired

    def delete(self, current):
        self.client.delete('identity', self.path)

    def diff_fields(self, current, desired):
        return set(self.assignment)

    def resource_label(self, current=None):
        return 'role assignment'


def main():
    RoleAssignmentModule()()


if __name__ == '__main__':
    main()
