# -*- coding: utf-8 -*-
"""security_group: rules of a group in use are added and removed one by one, exactly, in place."""
from __future__ import annotations

import pytest

from ansible_collections.ooo.cloud.plugins.modules import security_group

NEU = 'neutron'
RULES = (NEU, '/v2.0/security-group-rules')
SSH = {'protocol': 'tcp', 'port_range_min': 22, 'remote_ip_prefix': '192.0.2.0/24'}
HTTPS = {'protocol': 'tcp', 'port_range_min': 443}
ICMP = {'protocol': 'icmp'}
EGRESS = {'direction': 'egress'}
ALT = {'protocol': 'tcp', 'port_range_min': 8080, 'port_range_max': 8081}


@pytest.fixture
def lab(cloud):
    """Neutron's group and rule APIs (a new group gets the two default egress rules)."""
    def create(match, body, query):
        sg = cloud.add(NEU, '/v2.0/security-groups', body['security_group'])
        sg.setdefault('project_id', cloud.project_id)
        for eth in ('IPv4', 'IPv6'):
            _add_rule(cloud, {'security_group_id': sg['id'], 'direction': 'egress', 'ethertype': eth})
        return 201, {'security_group': _group(cloud, sg['id'])}

    def get(match, body, query):
        if match.group(1) not in cloud.store[(NEU, '/v2.0/security-groups')]:
            return 404, {'NeutronError': {'message': 'not found'}}
        return 200, {'security_group': _group(cloud, match.group(1))}

    def listing(match, body, query):
        return 200, {'security_groups': [_group(cloud, g['id']) for g in cloud.items(NEU, '/v2.0/security-groups')
                                         if all(str(g.get(k)) == v for k, v in query.items())]}

    def bulk(match, body, query):
        return 201, {'security_group_rules': [_add_rule(cloud, r) for r in body['security_group_rules']]}
    cloud.route('POST', r'neutron/v2.0/security-groups', create)
    cloud.route('GET', r'neutron/v2.0/security-groups', listing)
    cloud.route('GET', r'neutron/v2.0/security-groups/([^/]+)', get)
    cloud.route('POST', r'neutron/v2.0/security-group-rules', bulk)


def _add_rule(cloud, rule):
    rule = dict(rule)
    for k in ('protocol', 'port_range_min', 'port_range_max', 'remote_ip_prefix', 'remote_group_id'):
        rule.setdefault(k, None)
    rule.setdefault('ethertype', 'IPv4')
    return cloud.add(NEU, '/v2.0/security-group-rules', rule)


def _group(cloud, sg_id):
    sg = dict(cloud.store[(NEU, '/v2.0/security-groups')][sg_id])
    sg['security_group_rules'] = [r for r in cloud.items(*RULES) if r['security_group_id'] == sg_id]
    return sg


def _rule_ids(cloud):
    return {r['id'] for r in cloud.items(*RULES)}


def _writes_since(cloud, calls):
    return [(c[0], c[1].split('/v2.0/')[-1].split('/')[0]) for c in cloud.calls[calls:] if c[0] not in ('GET', 'HEAD')]


def test_rules_of_a_live_servers_group_change_in_place(cloud, run, lab):
    args = {'name': 'web', 'rules': [SSH, HTTPS, EGRESS]}
    sg_id = run(security_group.main, args)['security_group']['id']
    server = cloud.add('nova', '/v2.1/servers', {'name': 'web1', 'security_groups': [{'name': 'web'}]})
    cloud.add(NEU, '/v2.0/ports', {'device_id': server['id'], 'security_groups': [sg_id]})
    before_ids = _rule_ids(cloud)
    assert len(before_ids) == 3

    # add a rule: check mode predicts it, with a sorted diff of the normalised rules
    add = dict(args, rules=[SSH, HTTPS, EGRESS, ALT])
    calls = len(cloud.calls)
    res = run(security_group.main, add, check=True)
    assert res['changed'] is True and _writes_since(cloud, calls) == []
    before, after = res['diff']['before']['rules'], res['diff']['after']['rules']
    assert len(before) == 3 and len(after) == 4
    assert [r for r in after if r not in before] == [{
        'direction': 'ingress', 'ethertype': 'IPv4', 'protocol': 'tcp', 'port_range_min': 8080,
        'port_range_max': 8081, 'remote_ip_prefix': None, 'remote_group_id': None}]
    assert before == sorted(before, key=security_group.rule_key) and after == sorted(after, key=security_group.rule_key)

    calls = len(cloud.calls)
    res = run(security_group.main, add)
    assert res['changed'] is True and res['security_group']['id'] == sg_id
    assert _writes_since(cloud, calls) == [('POST', 'security-group-rules')]  # one rule created, nothing else
    post = [c[2] for c in cloud.calls[calls:] if c[0] == 'POST'][0]
    assert post == {'security_group_rules': [{'direction': 'ingress', 'ethertype': 'IPv4', 'protocol': 'tcp',
                                              'port_range_min': 8080, 'port_range_max': 8081,
                                              'security_group_id': sg_id}]}
    assert before_ids < _rule_ids(cloud) and len(_rule_ids(cloud)) == 4
    calls = len(cloud.calls)
    assert run(security_group.main, add)['changed'] is False and _writes_since(cloud, calls) == []

    # remove one: only that rule is deleted
    https_id = [r['id'] for r in cloud.items(*RULES) if r['port_range_min'] == 443][0]
    remove = dict(args, rules=[SSH, EGRESS, ALT])
    calls = len(cloud.calls)
    res = run(security_group.main, remove, check=True)
    assert res['changed'] is True and _writes_since(cloud, calls) == []
    assert len(res['diff']['before']['rules']) == 4 and len(res['diff']['after']['rules']) == 3
    res = run(security_group.main, remove)
    assert res['changed'] is True and res['security_group']['id'] == sg_id
    assert _writes_since(cloud, calls) == [('DELETE', 'security-group-rules')]
    deleted = [c[1] for c in cloud.calls[calls:] if c[0] == 'DELETE']
    assert deleted == ['neutron/v2.0/security-group-rules/%s' % https_id]
    assert https_id not in _rule_ids(cloud) and len(_rule_ids(cloud)) == 3
    calls = len(cloud.calls)
    assert run(security_group.main, remove)['changed'] is False and _writes_since(cloud, calls) == []

    # add and remove at once; then none at all
    res = run(security_group.main, dict(args, rules=[SSH, ICMP]))
    assert res['changed'] is True and len(cloud.items(*RULES)) == 2
    assert run(security_group.main, dict(args, rules=[SSH, ICMP]))['changed'] is False
    res = run(security_group.main, dict(args, rules=[]))
    assert res['changed'] is True and cloud.items(*RULES) == []
    assert run(security_group.main, dict(args, rules=[]))['changed'] is False

    # the server and its port were never written to, the group never deleted
    assert not [c for c in cloud.calls if c[0] != 'GET' and ('nova' in c[1] or '/ports' in c[1])]
    assert not [c for c in cloud.calls if c[0] == 'DELETE' and 'security-groups/' in c[1]]
    assert cloud.items('nova', '/v2.1/servers')[0]['security_groups'] == [{'name': 'web'}]


def test_rules_not_given_are_not_managed(cloud, run, lab):
    run(security_group.main, {'name': 'web', 'rules': [SSH]})
    ids = _rule_ids(cloud)
    assert run(security_group.main, {'name': 'web', 'description': 'changed'})['changed'] is True
    assert _rule_ids(cloud) == ids


def test_remote_group_by_its_own_id_is_itself(cloud, run, lab):
    sg_id = run(security_group.main, {'name': 'web', 'rules': [{'remote_group': 'web'}]})['security_group']['id']
    rule = cloud.items(*RULES)[0]
    assert rule['remote_group_id'] == sg_id
    assert run(security_group.main, {'name': 'web', 'rules': [{'remote_group': sg_id}]})['changed'] is False
    assert run(security_group.main, {'name': 'web', 'rules': [{'remote_group': 'web'}]})['changed'] is False
    assert _rule_ids(cloud) == {rule['id']}
