# -*- coding: utf-8 -*-
from __future__ import annotations

import uuid

import pytest

from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import OpenStackError
from ansible_collections.ooo.cloud.plugins.module_utils.orchestration import load_template, param_equal
from ansible_collections.ooo.cloud.plugins.modules import stack, stack_info

TEMPLATE = """\
heat_template_version: 2018-08-31
parameters:
  flavor: {type: string, default: m1.tiny}
  count: {type: number, default: 1}
resources:
  net: {type: OS::Neutron::Net}
  server:
    type: OS::Nova::Server
    properties: {flavor: {get_param: flavor}, networks: [{network: {get_resource: net}}]}
outputs:
  server_id: {value: {get_resource: server}}
"""


class FakeHeat:
    """Heat v1 on the fake cloud: stacks, their template, environment, resources, preview and validate.

    A create or update completes at once (``final`` sets the status it ends in); ``failed_resources``
    are what a failed stack lists.
    """

    def __init__(self, cloud):
        self.cloud = cloud
        self.stacks = {}
        self.final = 'COMPLETE'
        self.failed_resources = []
        self.validate_error = None
        cloud.catalog.append({'type': 'orchestration',
                              'endpoints': [{'interface': 'public', 'region': 'RegionOne',
                                             'url': 'http://heat:8004/v1/%(tenant_id)s'}]})
        v = r'heat/v1/%s' % cloud.project_id
        one = v + r'/stacks/([^/]+)/([^/]+)'
        for method, pattern, fn in [
            ('GET', v + r'/stacks', self.list_stacks),
            ('POST', v + r'/stacks', self.create),
            ('POST', v + r'/validate', self.validate),
            ('GET', one, self.get),
            ('GET', one + r'/template', lambda m, b, q: (200, self.stacks[m.group(2)]['_template'])),
            ('GET', one + r'/environment', lambda m, b, q: (200, self.stacks[m.group(2)]['_environment'])),
            ('GET', one + r'/resources', lambda m, b, q: (200, {'resources': self.failed_resources})),
            ('PUT', one, self.update),
            ('PUT', one + r'/preview', self.preview),
            ('DELETE', one, self.delete),
        ]:
            cloud.route(method, pattern, fn)

    def list_stacks(self, match, body, query):
        found = [s for s in self.stacks.values() if query.get('name') in (None, s['stack_name'])]
        return 200, {'stacks': [{k: v for k, v in s.items() if not k.startswith('_')} for s in found]}

    def _apply(self, s, body, action):
        params = {'OS::stack_name': s['stack_name'], 'OS::stack_id': s['id']}
        for key, spec in (body['template'].get('parameters') or {}).items():
            params[key] = str(body['parameters'].get(key, spec.get('default', '')))
        s.update(parameters=params, stack_status='%s_%s' % (action, self.final),
                 stack_status_reason='Stack %s completed successfully' % action,
                 tags=body['tags'].split(',') if body.get('tags') else None,
                 _template=body['template'],
                 _environment=dict({'parameters': {}, 'parameter_defaults': {}, 'resource_registry': {'resources': {}}},
                                   **body.get('environment', {})))

    def get(self, match, body, query):
        if match.group(2) not in self.stacks:
            return 404, {'explanation': 'The resource could not be found.', 'code': 404,
                         'error': {'message': 'The Stack (%s) could not be found.' % match.group(1)}}
        return 200, {'stack': self.stacks[match.group(2)]}

    def create(self, match, body, query):
        if self.validate_error:  # Heat validates before it makes anything
            return self.validate(match, body, query)
        s = {'id': str(uuid.uuid4()), 'stack_name': body['stack_name'], 'description': '', 'outputs': [],
             'creation_time': '2026-12-03T08:00:00Z', 'updated_time': None}
        self._apply(s, body, 'CREATE')
        self.stacks[s['id']] = s
        return 201, {'stack': {'id': s['id'], 'links': []}}

    def update(self, match, body, query):
        s = self.stacks[match.group(2)]
        self._apply(s, body, 'UPDATE')
        s['updated_time'] = '2026-12-03T08:%02d:00Z' % len(self.cloud.calls)
        return 202, None

    def preview(self, match, body, query):
        return 200, {'resource_changes': {'added': [], 'deleted': [], 'replaced': [], 'unchanged': [{'resource_name': 'net'}],
                                          'updated': [{'resource_name': 'server'}]}}

    def validate(self, match, body, query):
        if self.validate_error:
            return 400, {'explanation': 'The server could not comply with the request since it is either malformed '
                                        'or otherwise incorrect.', 'code': 400,
                         'error': {'message': self.validate_error, 'type': 'StackValidationFailed'}}
        return 200, {'Parameters': {}}

    def delete(self, match, body, query):
        del self.stacks[match.group(2)]
        return 204, None


@pytest.fixture
def heat(cloud):
    return FakeHeat(cloud)


def _bodies(cloud, method, suffix):
    return [c[2] for c in cloud.calls if c[0] == method and c[1].endswith(suffix)]


def test_stack_lifecycle(cloud, heat, run):
    args = {'name': 'web', 'template_data': TEMPLATE, 'parameters': {'flavor': 'm1.small'}, 'tags': ['demo']}
    res = run(stack.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == [('POST', 'heat/v1/%s/validate' % cloud.project_id)]
    assert res['resource_changes']['added'] == ['net', 'server'] and not heat.stacks
    res = run(stack.main, args)
    assert res['changed'] is True and res['stack']['status'] == 'CREATE_COMPLETE'
    assert res['stack']['parameters']['flavor'] == 'm1.small' and res['stack']['tags'] == ['demo']
    created = _bodies(cloud, 'POST', '/stacks')[0]
    # the version stays a string (PyYAML would make it a date and Heat would refuse it)
    assert created['template']['heat_template_version'] == '2018-08-31'
    assert created['parameters'] == {'flavor': 'm1.small'} and created['tags'] == 'demo' and created['disable_rollback']
    assert created['timeout_mins'] == 30
    writes = len(cloud.writes())
    res = run(stack.main, args)
    assert res['changed'] is False and len(cloud.writes()) == writes
    # a new parameter: Heat's preview says what an update does, in check mode too, and nothing changes
    res = run(stack.main, dict(args, parameters={'flavor': 'm1.large'}), check=True)
    assert res['changed'] is True and res['resource_changes']['updated'] == ['server']
    assert res['diff']['before']['parameters'] == {'flavor': 'm1.small'}
    assert res['diff']['after']['parameters'] == {'flavor': 'm1.large'}
    assert [w for w in cloud.writes()[writes:] if not w[1].endswith('/preview')] == []
    res = run(stack.main, dict(args, parameters={'flavor': 'm1.large'}))
    assert res['changed'] is True and res['stack']['status'] == 'UPDATE_COMPLETE'
    assert res['stack']['parameters']['flavor'] == 'm1.large'
    assert run(stack.main, dict(args, parameters={'flavor': 'm1.large'}))['changed'] is False
    # delete, predicted first
    assert run(stack.main, {'name': 'web', 'state': 'absent'}, check=True)['changed'] is True and heat.stacks
    res = run(stack.main, {'name': 'web', 'state': 'absent'})
    assert res['changed'] is True and res['stack'] is None and not heat.stacks
    assert run(stack.main, {'name': 'web', 'state': 'absent'})['changed'] is False


def test_stack_template_file_and_environment(cloud, heat, run, tmp_path):
    template, env = tmp_path / 'web.yaml', tmp_path / 'env.yaml'
    template.write_text(TEMPLATE)
    env.write_text('parameter_defaults:\n  count: 2\n')
    args = {'name': 'web', 'template': str(template), 'environment': [str(env)]}
    assert run(stack.main, args)['changed'] is True
    assert _bodies(cloud, 'POST', '/stacks')[0]['environment'] == {'parameter_defaults': {'count': 2}}
    assert run(stack.main, args)['changed'] is False
    env.write_text('parameter_defaults:\n  count: 3\n')
    assert run(stack.main, args)['changed'] is True
    env.write_text('parameter: {count: 3}\n')
    res = run(stack.main, args)
    assert res['failed'] and 'environment file %s has unknown sections parameter' % env in res['msg']


def test_a_failed_stack_names_its_failed_resources_and_is_retried(cloud, heat, run):
    heat.final = 'FAILED'
    heat.failed_resources = [
        {'resource_name': 'server', 'resource_type': 'OS::Nova::Server', 'resource_status': 'CREATE_FAILED',
         'resource_status_reason': 'ResourceInError: resources.server: Went to status ERROR due to "No valid host"'},
        {'resource_name': 'net', 'resource_type': 'OS::Neutron::Net', 'resource_status': 'CREATE_COMPLETE'}]
    args = {'name': 'web', 'template_data': TEMPLATE}
    res = run(stack.main, args)
    assert res['failed'] and "stack 'web'" in res['msg'] and 'went to CREATE_FAILED' in res['msg']
    assert "resource 'server' (OS::Nova::Server) CREATE_FAILED: ResourceInError" in res['msg'] and "'net'" not in res['msg']
    # the next run updates the failed stack (Heat retries what failed), even with nothing else changed
    heat.final, heat.failed_resources = 'COMPLETE', []
    res = run(stack.main, args)
    assert res['changed'] is True and res['stack']['status'] == 'UPDATE_COMPLETE'
    assert run(stack.main, args)['changed'] is False


@pytest.mark.parametrize('args,message', [
    ({}, "stack 'web': template (a file) or template_data is required with state: present"),
    ({'template': '/nonexistent/web.yaml'}, 'template /nonexistent/web.yaml does not exist or is not a file'),
    ({'template_data': 'resources:\n  a: [1\n'}, "the template_data of stack 'web' is not valid YAML or JSON at line 3"),
    ({'template_data': '- a\n- b\n'}, 'is not a template: its top level is a list, not a mapping'),
    ({'template_data': TEMPLATE, 'timeout': 0}, 'timeout must be a positive number of seconds, not 0'),
    ({'template_data': TEMPLATE, 'environment': ['/nonexistent/env.yaml']},
     'environment file /nonexistent/env.yaml does not exist or is not a file'),
])
def test_stack_input_refused_before_any_call(cloud, heat, run, args, message):
    res = run(stack.main, dict(args, name='web'))
    assert res['failed'] and message in res['msg'], res['msg']
    assert cloud.calls == []


def test_heat_refusing_a_template_is_named_before_any_change(cloud, heat, run):
    heat.validate_error = 'The Resource Type (OS::Nova::Sever) could not be found.'
    for check in (True, False):
        res = run(stack.main, {'name': 'web', 'template_data': TEMPLATE}, check=check)
        assert res['failed'] and 'OS::Nova::Sever' in res['msg'] and 'HTTP 400' in res['msg'], res['msg']
    assert not heat.stacks


def test_load_template_and_param_equal():
    assert load_template('{"AWSTemplateFormatVersion": "2010-09-09"}', 'x') == {'AWSTemplateFormatVersion': '2010-09-09'}
    with pytest.raises(OpenStackError, match=r'template t.yaml is not valid YAML or JSON at line 2, column \d+'):
        load_template('a: 1\n b: 2\n', 'template t.yaml')
    assert param_equal('******', 'anything')
    assert param_equal('true', True) and not param_equal('false', True)
    assert param_equal('a,b', ['a', 'b']) and param_equal('["a", "b"]', ['a', 'b'])
    assert param_equal('{"k": 1}', {'k': 1}) and not param_equal('not json', {'k': 1})
    assert param_equal('2', 2) and not param_equal('2', 3)


def test_stack_info(cloud, heat, run):
    run(stack.main, {'name': 'web', 'template_data': TEMPLATE})
    run(stack.main, {'name': 'db', 'template_data': TEMPLATE})
    res = run(stack_info.main, {})
    assert sorted(s['name'] for s in res['stacks']) == ['db', 'web'] and res['changed'] is False
    res = run(stack_info.main, {'name': 'web', 'resources': True})
    assert [s['name'] for s in res['stacks']] == ['web'] and res['stacks'][0]['resources'] == []
    assert res['stacks'][0]['project_id'] == cloud.project_id and res['stacks'][0]['status'] == 'CREATE_COMPLETE'
    assert run(stack_info.main, {'name': 'nothing'})['stacks'] == []
    res = run(stack_info.main, {'nested_depth': -1})
    assert res['failed'] and 'nested_depth must be 0 or more, not -1' in res['msg']
