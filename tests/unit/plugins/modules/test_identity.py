# -*- coding: utf-8 -*-
from __future__ import annotations

import json

from ansible_collections.ooo.cloud.plugins.modules import domain, identity_role, project_info, role_assignment, user

KS = 'keystone'


def test_user_lifecycle_and_password_never_shown(cloud, run):
    cloud.add(KS, '/v3/projects', {'name': 'demo'})
    args = {'name': 'alice', 'password': 'p4ss-w0rd', 'email': 'a@example.com', 'default_project': 'demo'}
    res = run(user.main, args)
    assert res['changed'] is True
    body = [c for c in cloud.calls if c[0] == 'POST' and c[1] == 'keystone/v3/users'][0][2]
    assert body['user']['password'] == 'p4ss-w0rd'
    assert 'p4ss-w0rd' not in json.dumps(res)
    assert 'password' not in res['diff']['after']
    res = run(user.main, args)
    assert res['changed'] is False
    res = run(user.main, dict(args, email='b@example.com'), check=True)
    assert res['changed'] is True and res['diff']['after']['email'] == 'b@example.com'
    assert cloud.items(KS, '/v3/users')[0]['email'] == 'a@example.com'
    res = run(user.main, dict(args, email='b@example.com'))
    assert cloud.items(KS, '/v3/users')[0]['email'] == 'b@example.com'
    args['email'] = 'b@example.com'
    # always: Keystone is asked whether it takes the password; the same one changes nothing.
    res = run(user.main, dict(args, update_password='always'))
    assert res['changed'] is False
    res = run(user.main, dict(args, password='n3w-p4ss-w0rd', update_password='always'), check=True)
    assert res['changed'] is True and cloud.items(KS, '/v3/users')[0]['password'] == 'p4ss-w0rd'
    res = run(user.main, dict(args, password='n3w-p4ss-w0rd', update_password='always'))
    assert res['changed'] is True and cloud.items(KS, '/v3/users')[0]['password'] == 'n3w-p4ss-w0rd'
    assert 'n3w-p4ss-w0rd' not in json.dumps(res)
    res = run(user.main, dict(args, password='n3w-p4ss-w0rd', update_password='always'))
    assert res['changed'] is False
    # on_create never asks
    asked = cloud.auth_count
    res = run(user.main, dict(args, password='other-p4ss-w0rd'))
    assert res['changed'] is False and cloud.auth_count == asked
    res = run(user.main, {'name': 'alice', 'state': 'absent'})
    assert res['changed'] is True and cloud.items(KS, '/v3/users') == []


def test_user_unknown_default_project(cloud, run):
    cloud.add(KS, '/v3/projects', {'name': 'demo-project'})
    res = run(user.main, {'name': 'alice', 'default_project': 'demo-projet'})
    assert res['failed'] and 'demo-project' in res['msg']
    assert cloud.writes() == []


def _role_routes(cloud, granted):
    def head(match, body, query):
        return (204, None) if match.group(0) in granted else (404, None)

    def put(match, body, query):
        granted.add(match.group(0))
        return 204, None

    def delete(match, body, query):
        granted.discard(match.group(0))
        return 204, None
    pattern = r'keystone/v3/(projects|domains)/[^/]+/(users|groups)/[^/]+/roles/[^/]+'
    cloud.route('HEAD', pattern, head)
    cloud.route('PUT', pattern, put)
    cloud.route('DELETE', pattern, delete)


def test_role_assignment(cloud, run):
    granted = set()
    _role_routes(cloud, granted)
    p = cloud.add(KS, '/v3/projects', {'name': 'demo'})
    u = cloud.add(KS, '/v3/users', {'name': 'alice'})
    r = cloud.add(KS, '/v3/roles', {'name': 'member'})
    args = {'user': 'alice', 'project': 'demo', 'role': 'member'}
    res = run(role_assignment.main, args, check=True)
    assert res['changed'] is True and not granted and cloud.writes() == []
    res = run(role_assignment.main, args)
    assert res['changed'] is True
    assert granted == {'keystone/v3/projects/%s/users/%s/roles/%s' % (p['id'], u['id'], r['id'])}
    assert res['role_assignment'] == {'role_id': r['id'], 'user_id': u['id'], 'project_id': p['id']}
    assert run(role_assignment.main, args)['changed'] is False
    assert run(role_assignment.main, dict(args, state='absent'))['changed'] is True
    assert not granted
    assert run(role_assignment.main, dict(args, state='absent'))['changed'] is False


def test_role_assignment_unknown_role(cloud, run):
    cloud.add(KS, '/v3/projects', {'name': 'demo'})
    cloud.add(KS, '/v3/users', {'name': 'alice'})
    cloud.add(KS, '/v3/roles', {'name': 'member'})
    res = run(role_assignment.main, {'user': 'alice', 'project': 'demo', 'role': 'membr'})
    assert res['failed'] and "role 'membr' not found" in res['msg'] and 'member' in res['msg']


def test_project_info(cloud, run):
    a = cloud.add(KS, '/v3/projects', {'name': 'a'})
    cloud.add(KS, '/v3/projects', {'name': 'b', 'enabled': False})
    res = run(project_info.main, {})
    assert res['changed'] is False and len(res['projects']) == 2
    res = run(project_info.main, {'name': 'a'})
    assert [x['id'] for x in res['projects']] == [a['id']]
    res = run(project_info.main, {'name': a['id']})
    assert [x['name'] for x in res['projects']] == ['a']
    res = run(project_info.main, {'filters': {'enabled': False}})
    assert [x['name'] for x in res['projects']] == ['b']
    res = run(project_info.main, {'name': 'nope'})
    assert res['projects'] == []


def test_role_assignment_absent_when_its_user_is_gone(cloud, run):
    cloud.add('keystone', '/v3/roles', {'name': 'member'})
    cloud.add('keystone', '/v3/projects', {'name': 'demo'})
    res = run(role_assignment.main, {'user': 'gone', 'project': 'demo', 'role': 'member', 'state': 'absent'})
    assert res['changed'] is False
    assert cloud.writes() == []
    res = run(role_assignment.main, {'user': 'gone', 'project': 'demo', 'role': 'member'})
    assert res['failed'] and "user 'gone' not found" in res['msg']


def test_domain_lifecycle_disables_before_delete(cloud, run):
    args = {'name': 'heat', 'description': 'Heat stacks'}
    res = run(domain.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    res = run(domain.main, args)
    assert res['changed'] is True and res['domain']['name'] == 'heat'
    assert run(domain.main, args)['changed'] is False
    res = run(domain.main, dict(args, description='Stacks'))
    heat = [d for d in cloud.items(KS, '/v3/domains') if d['name'] == 'heat']
    assert res['changed'] is True and heat[0]['description'] == 'Stacks'
    before = len(cloud.writes())
    res = run(domain.main, {'name': 'heat', 'state': 'absent'})
    assert res['changed'] is True and [d['name'] for d in cloud.items(KS, '/v3/domains')] == ['Default']
    # Keystone deletes a disabled domain only: the PATCH comes first.
    methods = [c[0] for c in cloud.writes()[before:]]
    assert methods == ['PATCH', 'DELETE'], methods
    assert run(domain.main, {'name': 'heat', 'state': 'absent'})['changed'] is False


def test_identity_role_is_global_and_idempotent(cloud, run):
    cloud.add(KS, '/v3/roles', {'name': 'heat_stack_user', 'domain_id': 'other'})
    res = run(identity_role.main, {'name': 'heat_stack_user'})
    # The domain's own role of the same name is not the global one.
    assert res['changed'] is True and res['role'].get('domain_id') is None
    assert run(identity_role.main, {'name': 'heat_stack_user'})['changed'] is False
    res = run(identity_role.main, {'name': 'heat_stack_user', 'description': 'stack users'}, check=True)
    assert res['changed'] is True and res['diff']['after']['description'] == 'stack users'
