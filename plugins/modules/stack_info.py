#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: stack_info
short_description: List Heat stacks, with their outputs and optionally their resources
description:
  - List the Heat orchestration stacks of the project, all of them or one by name or id,
    optionally filtered; each with its parameters and outputs (one read of each stack).
  - With O(resources=true) each stack also lists its resources, nested ones to
    O(nested_depth).
author: ooo.cloud developers (@ooo-cloud)
options:
  all_projects:
    description:
      - List the stacks of every project (admin only).
    type: bool
    default: false
  name:
    description:
      - Name or id of the stack. None found gives an empty list.
    type: str
    aliases: [id]
  filters:
    description:
      - Heat's list filters, for example C(status), C(tags) (comma-separated, all of them) or
        C(tags_any).
    type: dict
  nested_depth:
    description:
      - How deep the resources of nested stacks are listed with O(resources=true).
    type: int
    default: 0
  resources:
    description:
      - List the resources of each stack.
    type: bool
    default: false
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.info
'''

EXAMPLES = r'''
- name: One stack, its outputs and its resources
  ooo.cloud.stack_info:
    cloud: overcloud-demo
    name: web
    resources: true
  register: web

- name: Its floating IP
  ansible.builtin.debug:
    msg: "{{ web.stacks[0].outputs.floating_ip }}"

- name: The failed stacks of every project
  ooo.cloud.stack_info:
    cloud: overcloud
    all_projects: true
    filters:
      status: FAILED
'''

RETURN = r'''
stacks:
  description:
    - The stacks found, each with the keys RV(ooo.cloud.stack#module:stack) describes.
  returned: always
  type: list
  elements: dict
  contains:
    project_id:
      description: Project of the stack.
      type: str
    resources:
      description: The stack's resources (with O(resources=true)).
      type: list
      elements: dict
      contains:
        name:
          description: Resource name in the template.
          type: str
        type:
          description: Resource type, e.g. C(OS::Nova::Server).
          type: str
        status:
          description: Resource status, e.g. C(CREATE_COMPLETE).
          type: str
        status_reason:
          description: Heat's reason for the status.
          type: str
        physical_resource_id:
          description: Id of the resource in its own service (the server's, the volume's).
          type: str
        stack_name:
          description: The (nested) stack the resource is in.
          type: str
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import OpenStackModule, is_id
from ansible_collections.ooo.cloud.plugins.module_utils.orchestration import SERVICE, stack_view


class StackInfoModule(OpenStackModule):
    argument_spec = dict(
        all_projects=dict(type='bool', default=False),
        filters=dict(type='dict'),
        name=dict(type='str', aliases=['id']),
        nested_depth=dict(type='int', default=0),
        resources=dict(type='bool', default=False),
    )

    def run(self):
        if self.params['nested_depth'] < 0:
            self.fail('nested_depth must be 0 or more, not %d' % self.params['nested_depth'])
        query = dict(self.params['filters'] or {})
        if self.params['all_projects']:
            query['global_tenant'] = True
        name = self.params['name']
        if name:
            query['id' if is_id(name) else 'name'] = name
        found = self.client.list(SERVICE, '/stacks', 'stacks', query)
        if name:
            found = [s for s in found if name in (s.get('id'), s.get('stack_name'))]
        stacks = []
        for summary in found:
            path = '/stacks/%s/%s' % (summary['stack_name'], summary['id'])
            data = self.client.get(SERVICE, path)
            if data is None:  # deleted since it was listed
                continue
            # Heat names the project in a list across projects alone; otherwise it is the caller's.
            project = summary.get('project') or data['stack'].get('project') or self.client.project_id
            stack = dict(stack_view(data['stack']), project_id=project)
            if self.params['resources']:
                params = {'nested_depth': self.params['nested_depth']} if self.params['nested_depth'] else None
                stack['resources'] = [{
                    'name': r.get('resource_name'),
                    'type': r.get('resource_type'),
                    'status': r.get('resource_status'),
                    'status_reason': r.get('resource_status_reason'),
                    'physical_resource_id': r.get('physical_resource_id'),
                    'stack_name': r.get('stack_name', summary['stack_name']),
                } for r in self.client.list(SERVICE, path + '/resources', 'resources', params)]
            stacks.append(stack)
        self.results['stacks'] = stacks


def main():
    StackInfoModule()()


if __name__ == '__main__':
    main()
