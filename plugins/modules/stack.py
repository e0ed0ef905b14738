#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: stack
short_description: Manage a Heat stack (HOT or CloudFormation template)
description:
  - Create, update or delete a Heat orchestration stack, idempotently, and wait until Heat is
    done with it.
  - The template (HOT YAML or CloudFormation JSON/YAML) is parsed on the deploy host first; a
    syntax error fails before any call, naming the line and column. Heat then validates it, and
    its refusal (an unknown resource type, a missing parameter) is returned as Heat words it.
  - A stack whose template, parameters, environment or tags differ is updated in place (Heat's
    C(PUT), so parameters not given return to their defaults). Before the update Heat's preview
    says which resources would be added, updated, replaced or deleted (RV(resource_changes)),
    also in check mode.
  - A stack that Heat left in a C(*_FAILED) status is updated (Heat retries what failed) unless
    O(state=absent). A failure names the failed resources, nested ones too, and Heat's reason.
  - Hidden parameters are shown by Heat as C(******), so a change of a hidden parameter alone is
    not seen.
author: ooo.cloud developers (@ooo-cloud)
options:
  environment:
    description:
      - Environment files (YAML), merged in order as C(openstack stack create -e) does
        (C(parameters), C(parameter_defaults), C(resource_registry)).
      - Not managed when omitted.
    type: list
    elements: path
  name:
    description:
      - Name of the stack (unique in the project).
    type: str
    required: true
  parameters:
    description:
      - Template parameters. Lists are sent as comma-delimited strings, dicts as JSON.
      - Only the parameters given are compared; an update sends these alone, so one given
        before and left out now returns to its default.
    type: dict
    default: {}
  rollback:
    description:
      - Whether Heat rolls a failed create or update back (deletes what it made).
      - Without it a failed stack stays, to be looked at, and is retried by the next run.
    type: bool
    default: false
  tags:
    description:
      - Tags of the stack. Not managed when omitted.
    type: list
    elements: str
  template:
    description:
      - Path of the template file on the deploy host.
      - Required with O(state=present) unless O(template_data) is given.
    type: path
  template_data:
    description:
      - The template itself, as a dict or as YAML/JSON text.
    type: raw
  timeout:
    description:
      - Seconds to wait for the stack; also the stack's own timeout (rounded up to minutes).
    type: int
    default: 1800
  wait:
    description:
      - Wait until the create, update or delete completes (a failure fails the task).
    type: bool
    default: true
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
notes:
  - C(get_file) and nested template files are not sent; templates must be self-contained.
'''

EXAMPLES = r'''
- name: A server on its own network, from a HOT template
  ooo.cloud.stack:
    cloud: overcloud-demo
    name: web
    template: "{{ playbook_dir }}/templates/server.yaml"
    parameters:
      image: ooo-guest
      flavor: m1.tiny
      key_name: demo
  register: web

- name: Its address
  ansible.builtin.debug:
    msg: "{{ web.stack.outputs.floating_ip }}"

- name: What a change would do, without doing it
  ooo.cloud.stack:
    cloud: overcloud-demo
    name: web
    template: "{{ playbook_dir }}/templates/server.yaml"
    parameters:
      image: ooo-guest
      flavor: m1.small
      key_name: demo
  check_mode: true
  register: preview   # preview.resource_changes.updated / .replaced

- name: Delete the stack and every resource of it
  ooo.cloud.stack:
    cloud: overcloud-demo
    name: web
    state: absent
'''

RETURN = r'''
stack:
  description: The stack (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Stack id.
      type: str
    name:
      description: Stack name.
      type: str
    status:
      description: Heat's status, e.g. C(CREATE_COMPLETE), C(UPDATE_COMPLETE).
      type: str
    status_reason:
      description: Heat's reason for the status.
      type: str
    parameters:
      description: The parameters as Heat has them (strings), with Heat's own C(OS::*) ones.
      type: dict
    outputs:
      description: The outputs, by key.
      type: dict
    tags:
      description: Tags.
      type: list
      elements: str
    creation_time:
      description: When the stack was created.
      type: str
    updated_time:
      description: When it was last updated.
      type: str
resource_changes:
  description:
    - The resources an update adds, updates, replaces, deletes or leaves (Heat's preview), by
      resource name; a create adds every resource of the template.
  returned: when the stack is created or updated (also in check mode)
  type: dict
  sample: {added: [], updated: [server], replaced: [], deleted: [], unchanged: [net, subnet]}
'''

import json
import math
import os
import time

from ansible_collections.ooo.cloud.plugins.module_utils.openstack import wait_for
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import OpenStackError
from ansible_collections.ooo.cloud.plugins.module_utils.orchestration import (
    CHANGE_KINDS, ENV_SECTIONS, SERVICE, load_template, merge, param_equal, param_text, stack_view)
from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


class StackModule(ResourceModule):
    noun = 'stack'
    argument_spec = dict(
        environment=dict(type='list', elements='path'),
        name=dict(type='str', required=True),
        parameters=dict(type='dict', default={}),
        rollback=dict(type='bool', default=False),
        tags=dict(type='list', elements='str'),
        template=dict(type='path'),
        template_data=dict(type='raw'),
        timeout=dict(type='int', default=1800),
        wait=dict(type='bool', default=True),
    )
    module_kwargs = dict(mutually_exclusive=[('template', 'template_data')])
    updatable = ('template', 'parameters', 'environment', 'tags')

    # -- input
    def validate(self):
        p = self.params
        if p['state'] == 'absent':
            return
        if p['template'] is None and p['template_data'] is None:
            self.fail("stack '%s': template (a file) or template_data is required with state: present" % p['name'])
        if p['template'] is not None:
            if not os.path.isfile(p['template']):
                self.fail("stack '%s': template %s does not exist or is not a file" % (p['name'], p['template']))
            with open(p['template'], encoding='utf-8') as f:
                self.template = load_template(f.read(), 'template %s' % p['template'])
        elif isinstance(p['template_data'], dict):
            self.template = p['template_data']
        else:
            self.template = load_template(str(p['template_data']), "the template_data of stack '%s'" % p['name'])
        self.environment = None
        if p['environment'] is not None:
            self.environment = {}
            for path in p['environment']:
                if not os.path.isfile(path):
                    self.fail("stack '%s': environment file %s does not exist or is not a file" % (p['name'], path))
                with open(path, encoding='utf-8') as f:
                    env = load_template(f.read(), 'environment file %s' % path)
                unknown = sorted(set(env) - set(ENV_SECTIONS) - {'event_sinks', 'encrypted_param_names'})
                if unknown:
                    self.fail("stack '%s': environment file %s has unknown sections %s; an environment has %s"
                              % (p['name'], path, ', '.join(unknown), ', '.join(ENV_SECTIONS)))
                self.environment = merge(self.environment, env)
        if p['timeout'] <= 0:
            self.fail("stack '%s': timeout must be a positive number of seconds, not %s" % (p['name'], p['timeout']))

    def desired(self):
        want = {'template': self.template, 'parameters': dict(self.params['parameters'])}
        if self.environment is not None:
            want['environment'] = self.environment
        if self.params['tags'] is not None:
            want['tags'] = list(self.params['tags'])
        return want

    # -- reading
    def stack_path(self, stack):
        return '/stacks/%s/%s' % (stack['stack_name'], stack['id'])

    def find(self):
        name = self.params['name']
        found = [s for s in self.client.list(SERVICE, '/stacks', 'stacks', {'name': name}) if s.get('stack_name') == name]
        found = [s for s in found if s.get('stack_status') != 'DELETE_COMPLETE']
        if not found:
            return None
        stack = self.settled(found[0])
        if stack is None or stack['stack_status'] == 'DELETE_COMPLETE':
            return None
        if self.params['state'] == 'present':
            stack['template'] = self.client.get(SERVICE, self.stack_path(stack) + '/template') or {}
            stack['environment'] = self.client.get(SERVICE, self.stack_path(stack) + '/environment') or {}
        return stack

    def fetch(self, current):
        data = self.client.get(SERVICE, self.stack_path(current))
        return None if data is None else data['stack']

    def settled(self, stack):
        """The stack once no action of Heat's runs on it (another run's create, say)."""
        if not stack['stack_status'].endswith('_IN_PROGRESS'):
            return self.fetch(stack)
        return self.wait(stack, ready=('COMPLETE', 'FAILED'))

    # -- comparison
    def equal(self, field, current, wanted):
        if field == 'parameters':
            current = current or {}
            return all(key in current and param_equal(current[key], value) for key, value in wanted.items())
        if field == 'environment':
            current = current or {}
            for section in ENV_SECTIONS:
                have, want = current.get(section) or {}, wanted.get(section) or {}
                if section == 'resource_registry':  # Heat adds its per-resource part
                    have = {k: v for k, v in have.items() if not (k == 'resources' and not v)}
                    want = {k: v for k, v in want.items() if not (k == 'resources' and not v)}
                if section == 'parameters':  # Heat shows environment parameters as it shows the others
                    if not all(k in have and param_equal(param_text(have[k]), v) for k, v in want.items()):
                        return False
                elif json.dumps(have, sort_keys=True) != json.dumps(want, sort_keys=True):
                    return False
            return True
        if field == 'tags':
            return sorted(current or []) == sorted(wanted)
        return json.dumps(current, sort_keys=True) == json.dumps(wanted, sort_keys=True)

    def differences(self, current, desired):
        changes = super().differences(current, desired)
        if current['stack_status'].endswith('_FAILED'):
            changes.setdefault('template', desired['template'])  # Heat retries what failed
        if changes:
            self.results['resource_changes'] = self.preview(current, desired)
        return changes

    def check_updatable(self, current, changes):
        if current['stack_status'] == 'DELETE_FAILED':
            self.fail("stack '%s' (%s) is DELETE_FAILED: %s; delete it again (state: absent)"
                      % (current['stack_name'], current['id'], self.failure(current)))

    def diff_view(self, obj, fields):
        if not obj:
            return {}
        view = {'name': obj.get('stack_name', obj.get('name', self.params['name']))}
        for field in sorted(fields - {'name'}):
            if field == 'parameters':
                have = obj.get('parameters') or {}
                view[field] = {k: None if have.get(k) is None else param_text(have[k]) for k in sorted(self.params['parameters'])}
            elif field in obj:
                view[field] = obj[field]
        return view

    def diff_fields(self, current, desired):
        return set(desired) | {'name'}

    # -- Heat's requests
    def body(self, desired):
        body = {'template': desired['template'],
                'parameters': {k: param_text(v) for k, v in desired['parameters'].items()},
                'timeout_mins': int(math.ceil(self.params['timeout'] / 60.0)),
                'disable_rollback': not self.params['rollback']}
        if 'environment' in desired:
            body['environment'] = desired['environment']
        if 'tags' in desired:
            body['tags'] = ','.join(desired['tags'])
        return body

    def preview(self, current, desired):
        data = self.client.request(SERVICE, 'PUT', self.stack_path(current) + '/preview', self.body(desired),
                                   changes_nothing=True)[2] or {}
        changes = data.get('resource_changes') or {}
        return {kind: sorted(r.get('resource_name') for r in changes.get(kind) or []) for kind in CHANGE_KINDS}

    @staticmethod
    def all_added(desired):
        """The resource changes of a create: every resource of the template (HOT or CloudFormation) added."""
        template = desired['template']
        return dict({k: [] for k in CHANGE_KINDS}, added=sorted(template.get('resources') or template.get('Resources') or {}))

    def validate_template(self, desired):
        body = self.body(desired)
        body = {k: body[k] for k in ('template', 'parameters', 'environment') if k in body}
        self.client.request(SERVICE, 'POST', '/validate', body, changes_nothing=True)

    def predict(self, current, desired):
        if current is None:
            self.validate_template(desired)
            self.results['resource_changes'] = self.all_added(desired)
        out = dict(current or {'stack_name': self.params['name'], 'stack_status': 'CREATE_COMPLETE'})
        if current is not None:
            out['stack_status'] = 'UPDATE_COMPLETE'
        out['parameters'] = dict(out.get('parameters') or {},
                                 **{k: param_text(v) for k, v in desired.get('parameters', {}).items()})
        if 'tags' in desired:
            out['tags'] = desired['tags']
        return out

    def create(self, desired):
        body = dict(self.body(desired), stack_name=self.params['name'])
        created = self.client.post(SERVICE, '/stacks', body)['stack']
        self.results['resource_changes'] = self.all_added(desired)
        stack = {'id': created['id'], 'stack_name': self.params['name'], 'stack_status': 'CREATE_IN_PROGRESS'}
        return self.wait(stack, ready=('CREATE_COMPLETE',)) if self.params['wait'] else self.fetch(stack)

    def update(self, current, changes):
        desired = self.desired()
        self.client.put(SERVICE, self.stack_path(current), self.body(desired))
        if not self.params['wait']:
            return self.fetch(current)
        # Heat marks the stack UPDATE_IN_PROGRESS before it answers (convergence); should the
        # first reads still show the stack as it was, they are not taken for the update's end.
        before = (current['stack_status'], current.get('updated_time'))
        grace = time.monotonic() + 15

        def this_update():
            stack = self.fetch(current)
            if stack and (stack['stack_status'], stack.get('updated_time')) == before and time.monotonic() < grace:
                stack = dict(stack, stack_status='UPDATE_IN_PROGRESS')
            return stack
        return self.wait(current, ready=('UPDATE_COMPLETE',), fetch=this_update)

    def delete(self, current):
        self.client.delete(SERVICE, self.stack_path(current))
        if self.params['wait']:
            self.wait(current, ready=(None, 'DELETE_COMPLETE'))

    def wait(self, stack, ready, fetch=None):
        """Wait for the stack's status; a *_FAILED one fails naming the failed resources."""
        fetch = fetch or (lambda: self.fetch(stack))
        what = "stack '%s' (%s)" % (stack['stack_name'], stack['id'])
        done = {s for s in ready if s is not None and not s.endswith('_COMPLETE')}

        def status():
            obj = fetch()
            if obj is None:
                return None
            short = obj['stack_status'].rsplit('_', 1)[-1]
            return dict(obj, status=short if short in done else obj['stack_status'])
        failed = () if 'FAILED' in done else ('CREATE_FAILED', 'UPDATE_FAILED', 'DELETE_FAILED',
                                              'ROLLBACK_COMPLETE', 'ROLLBACK_FAILED')
        try:
            obj = wait_for(status, ready=ready, failed=failed, timeout=self.params['timeout'], interval=5, what=what)
        except OpenStackError as e:
            obj = e.body if isinstance(e.body, dict) else None
            if obj is None or obj.get('status') not in failed:
                raise
            raise OpenStackError('%s went to %s: %s' % (what, obj['stack_status'], self.failure(obj))) from None
        if obj is not None:
            obj.pop('status', None)
        return obj

    def failure(self, stack):
        """The failed resources (nested ones too) and Heat's reasons, else the stack's reason."""
        try:
            resources = self.client.list(SERVICE, self.stack_path(stack) + '/resources', 'resources',
                                         {'nested_depth': 3})
        except OpenStackError:
            resources = []
        failed = ["resource '%s' (%s) %s: %s" % (r.get('resource_name'), r.get('resource_type'),
                                                 r.get('resource_status'),
                                                 r.get('resource_status_reason') or 'no reason given')
                  for r in resources if str(r.get('resource_status', '')).endswith('FAILED')]
        return '; '.join(failed) or stack.get('stack_status_reason') or 'Heat gives no reason'

    def view(self, obj):
        return stack_view(obj)


def main():
    StackModule()()


if __name__ == '__main__':
    main()
