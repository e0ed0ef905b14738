# -*- coding: utf-8 -*-
from __future__ import annotations

import json
import urllib.parse
import uuid

import pytest

from ansible_collections.ooo.cloud.plugins.module_utils import openstack
from ansible_collections.ooo.cloud.plugins.module_utils.telemetry import (
    default_description, fault_text, needed_method, seconds, unwrap_query)
from ansible_collections.ooo.cloud.plugins.modules import alarm, alarm_info

SERVER = str(uuid.uuid4())
POLICY = {'name': 'ooo-telemetry', 'back_window': 0, 'aggregation_methods': ['mean', 'max', 'rate:mean'],
          'definition': [{'granularity': '0:01:00', 'points': 1440, 'timespan': '1 day, 0:00:00'},
                         {'granularity': '1:00:00', 'points': 720, 'timespan': '30 days, 0:00:00'}]}


def aodh_error(status, text):
    """Aodh's error body: wsme's fault, wrapped by its ParsableErrorMiddleware."""
    return status, {'error_message': {'faultcode': 'Client', 'faultstring': text, 'debuginfo': None}}


class FakeTelemetry:
    """Aodh v2 (alarms) and Gnocchi v1 (resources, metrics, archive policies) on the fake cloud.

    It stands between the client and the fake cloud as the transport, to see the query strings
    (Aodh's ``q.field=...&q.field=...`` repeat their keys, which the fake cloud's routes lose).
    """

    def __init__(self, cloud):
        self.cloud = cloud
        self.urls = []
        self.alarms = {}
        self.policies = {POLICY['name']: POLICY}
        self.metrics = {}
        self.resources = {}
        self.resource_types = ['generic', 'instance', 'volume']
        self.policy_by_name = False  # metrics give archive_policy_name only (Gnocchi's lazy load)
        cloud.catalog.extend([
            {'type': 'alarming', 'endpoints': [{'interface': 'public', 'region': 'RegionOne', 'url': 'http://aodh:8042'}]},
            {'type': 'metric', 'endpoints': [{'interface': 'public', 'region': 'RegionOne', 'url': 'http://gnocchi:8041/'}]},
        ])
        one = r'aodh/v2/alarms/([^/]+)'
        for method, pattern, fn in [
            ('GET', r'aodh/v2/alarms', self.list_alarms),
            ('POST', r'aodh/v2/alarms', self.create),
            ('GET', one, self.get),
            ('PUT', one, self.update),
            ('DELETE', one, self.delete),
            ('GET', r'gnocchi/v1/resource_type', lambda m, b, q: (200, [{'name': t} for t in self.resource_types])),
            ('GET', r'gnocchi/v1/resource_type/([^/]+)', self.get_resource_type),
            ('GET', r'gnocchi/v1/resource/([^/]+)/([^/]+)', self.get_resource),
            ('GET', r'gnocchi/v1/metric/([^/]+)', self.get_metric),
            ('GET', r'gnocchi/v1/archive_policy/([^/]+)', self.get_policy),
            ('POST', r'gnocchi/v1/search/resource/([^/]+)', self.search),
        ]:
            cloud.route(method, pattern, fn)

    # -- the transport
    def __call__(self, method, url, headers, body=None):
        self.urls.append((method, url))
        return self.cloud(method, url, headers, body)

    def close(self):
        self.cloud.close()

    def query(self):
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.urls[-1][1]).query)

    # -- helpers for tests
    def add_resource(self, resource_type='instance', resource_id=SERVER, metrics=('cpu', 'memory.usage'), **kw):
        res = dict({'id': resource_id, 'type': resource_type, 'project_id': self.cloud.project_id, 'ended_at': None,
                    'metrics': {}}, **kw)
        for name in metrics:
            metric_id = str(uuid.uuid4())
            self.metrics[metric_id] = {'id': metric_id, 'name': name, 'resource_id': resource_id, 'unit': None,
                                       'archive_policy': POLICY}
            res['metrics'][name] = metric_id
        self.resources[(resource_type, resource_id)] = res
        return res

    def add_alarm(self, **kw):
        """An alarm as Aodh keeps it (made by someone else)."""
        _status, obj = self.create(None, kw, {})
        return obj

    def alarm_writes(self):
        return [c for c in self.cloud.writes() if c[1].startswith('aodh/')]

    def bodies(self, method):
        return [c[2] for c in self.cloud.calls if c[0] == method and c[1].startswith('aodh/')]

    # -- Aodh
    def list_alarms(self, match, body, query):
        q = self.query()
        filters = dict(zip(q.get('q.field', []), q.get('q.value', [])))
        if filters.pop('all_projects', 'false') != 'true':
            filters.setdefault('project_id', self.cloud.project_id)
        return 200, [a for a in self.alarms.values() if all(str(a.get(k)) == v for k, v in filters.items())]

    def _store(self, obj, body):
        kind = body.get('type')
        if kind not in alarm.TYPES or body.get('%s_rule' % kind) is None:
            return aodh_error(400, '%s_rule must be set for %s type alarm' % (kind, kind))
        if 'threshold' in kind and 'threshold' not in body['%s_rule' % kind]:
            return aodh_error(400, 'Invalid input for field/attribute threshold. Value: None. Mandatory field missing.')
        for action in body.get('alarm_actions') or []:
            if urllib.parse.urlsplit(action).scheme not in ('http', 'https', 'log', 'test', 'trust+http'):
                return aodh_error(400, 'Unsupported action %s' % action)
        rule = dict(body['%s_rule' % kind])
        if kind != 'event':
            rule = dict({'aggregation_method': None, 'granularity': 60, 'evaluation_periods': 1,
                         'comparison_operator': 'eq'}, **rule)
        else:
            rule = {'event_type': rule.get('event_type') or '*',
                    'query': [dict({'op': 'eq'}, **q) for q in rule.get('query') or []]}
        if kind == 'gnocchi_aggregation_by_resources_threshold' and obj['project_id'] != self.cloud.project_id:
            scope = {'or': [{'=': {'created_by_project_id': obj['project_id']}},
                            {'and': [{'=': {'created_by_project_id': 'service'}}, {'=': {'project_id': obj['project_id']}}]}]}
            rule['query'] = json.dumps({'and': [scope, json.loads(rule['query'])]})
        for key in ('alarm_actions', 'ok_actions', 'insufficient_data_actions'):  # rebuilt as Aodh shows them
            if key in body:
                body = dict(body, **{key: [urllib.parse.urlsplit(a).geturl() for a in body[key]]})
        obj.update({key: body.get(key, default) for key, default in (
            ('name', None), ('type', kind), ('description', default_description(dict(rule, type=kind))), ('enabled', True),
            ('severity', 'low'), ('repeat_actions', False), ('alarm_actions', []), ('ok_actions', []),
            ('insufficient_data_actions', []), ('time_constraints', []))})
        for other in alarm.TYPES:
            obj['%s_rule' % other] = None
        obj['%s_rule' % kind] = rule
        state = body.get('state', 'insufficient data')
        if state != obj.get('state'):
            obj.update(state=state, state_timestamp='2026-12-03T18:00:00.000000', state_reason='Manually set via API')
        obj['timestamp'] = '2026-12-03T18:00:00.000000'
        self.alarms[obj['alarm_id']] = obj
        return 200, obj

    def create(self, match, body, query):
        obj = {'alarm_id': str(uuid.uuid4()), 'project_id': body.get('project_id', self.cloud.project_id),
               'user_id': 'u1', 'state': 'insufficient data', 'state_reason': 'Not evaluated yet',
               'state_timestamp': '2026-12-03T17:00:00.000000', 'evaluate_timestamp': None}
        status, out = self._store(obj, body)
        return (201 if status == 200 else status), out

    def get(self, match, body, query):
        found = self.alarms.get(match.group(1))
        return (200, found) if found else aodh_error(404, 'Alarm %s not found' % match.group(1))

    def update(self, match, body, query):
        current = self.alarms.get(match.group(1))
        if current is None:
            return aodh_error(404, 'Alarm %s not found' % match.group(1))
        return self._store(dict(current), body)

    def delete(self, match, body, query):
        if self.alarms.pop(match.group(1), None) is None:
            return aodh_error(404, 'Alarm %s not found' % match.group(1))
        return 204, None

    # -- Gnocchi
    def get_resource_type(self, match, body, query):
        if match.group(1) not in self.resource_types:
            return 404, {'code': 404, 'description': 'Resource type %s does not exist' % match.group(1), 'title': 'Not Found'}
        return 200, {'name': match.group(1), 'attributes': {}, 'state': 'active'}

    def get_resource(self, match, body, query):
        rtype, rid = match.group(1), urllib.parse.unquote(match.group(2))
        if rtype not in self.resource_types:
            return 404, {'code': 404, 'description': 'Resource type %s does not exist' % rtype, 'title': 'Not Found'}
        found = self.resources.get((rtype, rid))
        if found is None:
            return 404, {'code': 404, 'description': 'Resource %s does not exist' % rid, 'title': 'Not Found'}
        return 200, found

    def get_metric(self, match, body, query):
        found = self.metrics.get(match.group(1))
        if found is None:
            return 404, {'code': 404, 'description': 'Metric %s does not exist' % match.group(1), 'title': 'Not Found'}
        if self.policy_by_name:
            found = dict(found, archive_policy_name=found['archive_policy']['name'])
            del found['archive_policy']
        return 200, found

    def get_policy(self, match, body, query):
        found = self.policies.get(match.group(1))
        if found is None:
            return 404, {'code': 404, 'description': 'Archive policy %s does not exist' % match.group(1), 'title': 'Not Found'}
        return 200, found

    def search(self, match, body, query):
        # enough of Gnocchi's filter for the tests: {"=": {attribute: value}}
        (attr, value), = body['='].items()
        return 200, [r for (rtype, _rid), r in self.resources.items() if rtype == match.group(1) and r.get(attr) == value]


@pytest.fixture
def telemetry(cloud, monkeypatch):
    fake = FakeTelemetry(cloud)
    monkeypatch.setattr(openstack.OpenStackClient, 'transport_class', staticmethod(lambda **kw: fake))
    return fake


CPU = {'name': 'web1-cpu', 'resource_id': SERVER, 'metric': 'cpu', 'aggregation_method': 'rate:mean', 'threshold': 4e8,
       'alarm_actions': ['http://10.0.0.1:8080/alarm'], 'ok_actions': ['http://10.0.0.1:8080/ok'], 'severity': 'moderate'}


def test_alarm_lifecycle(cloud, telemetry, run):
    telemetry.add_resource()
    res = run(alarm.main, CPU, check=True)
    assert res['changed'] is True and telemetry.alarm_writes() == [], res
    assert res['diff']['before'] == {}
    assert res['diff']['after'] == {'name': 'web1-cpu', 'type': 'gnocchi_resources_threshold', 'resource_id': SERVER,
                                    'resource_type': 'instance', 'metric': 'cpu', 'aggregation_method': 'rate:mean',
                                    'granularity': 60, 'threshold': 4e8, 'comparison_operator': 'gt',
                                    'evaluation_periods': 1, 'alarm_actions': ['http://10.0.0.1:8080/alarm'],
                                    'ok_actions': ['http://10.0.0.1:8080/ok'], 'severity': 'moderate'}
    assert res['alarm']['state'] == 'insufficient data' and res['alarm']['id'] is None
    assert res['alarm']['enabled'] is True and res['alarm']['project_id'] == cloud.project_id

    res = run(alarm.main, CPU)
    assert res['changed'] is True, res
    assert telemetry.bodies('POST') == [{
        'name': 'web1-cpu', 'type': 'gnocchi_resources_threshold', 'severity': 'moderate',
        'alarm_actions': ['http://10.0.0.1:8080/alarm'], 'ok_actions': ['http://10.0.0.1:8080/ok'],
        'gnocchi_resources_threshold_rule': {
            'metric': 'cpu', 'resource_type': 'instance', 'resource_id': SERVER, 'aggregation_method': 'rate:mean',
            'granularity': 60, 'threshold': 4e8, 'comparison_operator': 'gt', 'evaluation_periods': 1}}]
    made = res['alarm']
    assert made['id'] in telemetry.alarms and made['state'] == 'insufficient data' and made['metric'] == 'cpu'
    assert 'gnocchi_resources_threshold_rule' not in made and 'alarm_id' not in made

    writes = len(cloud.writes())
    res = run(alarm.main, dict(CPU, ok_actions=list(reversed(CPU['ok_actions']))))
    assert res['changed'] is False and len(cloud.writes()) == writes, res
    assert res['diff']['before'] == res['diff']['after'] and res['alarm']['id'] == made['id']

    # The evaluator found the alarm firing; changing the threshold keeps that state.
    telemetry.alarms[made['id']].update(state='alarm', state_timestamp='2026-12-03T18:30:00.000000',
                                        state_reason='Transition to alarm due to 1 samples outside threshold')
    res = run(alarm.main, dict(CPU, threshold=8e8), check=True)
    assert res['changed'] is True and len(cloud.writes()) == writes
    assert res['diff']['before']['threshold'] == 4e8 and res['diff']['after']['threshold'] == 8e8
    assert res['diff']['before']['description'] == 'gnocchi_resources_threshold alarm rule'  # what Aodh has is shown
    assert res['alarm']['threshold'] == 8e8 and res['alarm']['state'] == 'alarm'
    res = run(alarm.main, dict(CPU, threshold=8e8))
    assert res['changed'] is True and res['alarm']['threshold'] == 8e8, res
    put = telemetry.bodies('PUT')[-1]
    assert put['state'] == 'alarm' and put['gnocchi_resources_threshold_rule']['threshold'] == 8e8
    assert put['severity'] == 'moderate' and put['enabled'] is True
    assert res['alarm']['state'] == 'alarm' and res['alarm']['state_timestamp'] == '2026-12-03T18:30:00.000000'
    assert run(alarm.main, dict(CPU, threshold=8e8))['changed'] is False

    # Only the options given are compared: without actions and severity nothing changes.
    res = run(alarm.main, {'name': 'web1-cpu', 'resource_id': SERVER, 'metric': 'cpu', 'aggregation_method': 'rate:mean',
                           'threshold': 8e8})
    assert res['changed'] is False and res['alarm']['ok_actions'] == ['http://10.0.0.1:8080/ok']

    found = run(alarm_info.main, {'name': 'web1-cpu'})['alarms']
    assert [(a['id'], a['state'], a['state_timestamp'], a['threshold']) for a in found] == [
        (made['id'], 'alarm', '2026-12-03T18:30:00.000000', 8e8)]
    assert set(found[0]) == set(res['alarm'])

    writes = len(cloud.writes())
    res = run(alarm.main, {'name': 'web1-cpu', 'state': 'absent'}, check=True)
    assert res['changed'] is True and len(cloud.writes()) == writes and res['alarm'] is None
    assert res['diff']['after'] == {} and res['diff']['before']['threshold'] == 8e8
    res = run(alarm.main, {'name': 'web1-cpu', 'state': 'absent'})
    assert res['changed'] is True and telemetry.alarms == {}
    assert run(alarm.main, {'name': 'web1-cpu', 'state': 'absent'})['changed'] is False
    assert run(alarm_info.main, {'name': 'web1-cpu'})['alarms'] == []


@pytest.mark.parametrize('args, message', [
    ({'resource_id': 'f00d0000-0000-4000-8000-000000000000'},
     'resource f00d0000-0000-4000-8000-000000000000 of type instance does not exist in Gnocchi'),
    ({'resource_type': 'instanse'},
     'resource type instanse does not exist in Gnocchi; close matches: instance; resource types: generic, instance, volume'),
    ({'metric': 'cpu_util'},
     'resource %s of type instance has no metric cpu_util; close matches: cpu; its metrics: cpu, memory.usage' % SERVER),
    ({'aggregation_method': 'median'},
     'aggregation_method median is not one of archive policy ooo-telemetry of metric cpu of resource %s; '
     'it has max, mean, rate:mean' % SERVER),
    ({'granularity': 300},
     'granularity 300 is not one of archive policy ooo-telemetry of metric cpu of resource %s; it has 60, 3600 (seconds)'
     % SERVER),
    ({'threshold': None},
     "alarm 'web1-cpu': threshold is required for a gnocchi_resources_threshold alarm (the value the aggregate is "
     "compared with)"),
    ({'metric': None, 'resource_id': None},
     "alarm 'web1-cpu': metric, resource_id are required for a gnocchi_resources_threshold alarm"),
    ({'type': 'event'}, "alarm 'web1-cpu': metric, resource_id, threshold do not apply to an event alarm"),
    ({'query': {'=': {'id': SERVER}}}, "alarm 'web1-cpu': query does not apply to a gnocchi_resources_threshold alarm"),
    ({'granularity': 0}, "alarm 'web1-cpu': granularity must be a positive number of seconds, not 0"),
    ({'alarm_actions': ['10.0.0.1:8080/alarm']}, "alarm 'web1-cpu': alarm_actions 10.0.0.1:8080/alarm is not a URL"),
])
@pytest.mark.parametrize('check', [False, True])
def test_bad_input_fails_before_any_change(cloud, telemetry, run, args, message, check):
    telemetry.add_resource()
    res = run(alarm.main, dict(CPU, **args), check=check)
    assert res.get('failed') and message in res['msg'], res
    assert telemetry.alarm_writes() == [] and telemetry.alarms == {}


def test_bad_input_fails_before_an_update_too(cloud, telemetry, run):
    telemetry.add_resource()
    assert run(alarm.main, CPU)['changed']
    writes = len(cloud.writes())
    res = run(alarm.main, dict(CPU, metric='memory', threshold=1))
    assert res['failed'] and 'has no metric memory; close matches: memory.usage' in res['msg'], res
    assert len(cloud.writes()) == writes


def test_the_policy_of_a_metric_given_by_name_is_read(cloud, telemetry, run):
    telemetry.add_resource()
    telemetry.policy_by_name = True
    res = run(alarm.main, dict(CPU, granularity=3600))
    assert res['changed'] and res['alarm']['granularity'] == 3600, res
    res = run(alarm.main, dict(CPU, granularity=120))
    assert 'it has 60, 3600 (seconds)' in res['msg']


def test_aodh_refusing_is_told_as_aodh_words_it(cloud, telemetry, run):
    telemetry.add_resource()
    res = run(alarm.main, dict(CPU, alarm_actions=['ftp://10.0.0.1/alarm']))
    assert res['failed'] and res['msg'] == 'Aodh POST /v2/alarms failed: HTTP 400: Unsupported action ftp://10.0.0.1/alarm'


def test_a_name_two_alarms_have_fails_naming_them(cloud, telemetry, run):
    telemetry.add_resource()
    ids = [run(alarm.main, CPU)['alarm']['id'], telemetry.add_alarm(**telemetry.bodies('POST')[0])['alarm_id']]
    res = run(alarm.main, CPU)
    assert res['failed'] and "alarm name 'web1-cpu' is ambiguous: 2 alarms" in res['msg'] and all(i in res['msg'] for i in ids)


def test_aggregation_by_metrics_resolves_names_and_checks_the_method_without_rate(cloud, telemetry, run):
    res = telemetry.add_resource()
    other = telemetry.add_resource(resource_id=str(uuid.uuid4()), metrics=('cpu',))
    args = {'name': 'cpus', 'type': 'gnocchi_aggregation_by_metrics_threshold', 'aggregation_method': 'rate:max',
            'metrics': [res['metrics']['cpu'], other['metrics']['cpu']], 'threshold': 1e9}
    made = run(alarm.main, args)
    assert made['changed'] and made['alarm']['metrics'] == args['metrics'], made
    assert telemetry.bodies('POST')[0]['gnocchi_aggregation_by_metrics_threshold_rule']['metrics'] == args['metrics']
    assert 'resource_type' not in telemetry.bodies('POST')[0]['gnocchi_aggregation_by_metrics_threshold_rule']
    assert run(alarm.main, args)['changed'] is False
    # names of one resource's metrics are its metric ids
    by_name = run(alarm.main, dict(args, metrics=['cpu', 'memory.usage'], resource_id=SERVER))
    assert by_name['changed'] and by_name['alarm']['metrics'] == [res['metrics']['cpu'], res['metrics']['memory.usage']]
    assert run(alarm.main, dict(args, metrics=['cpu', 'memory.usage'], resource_id=SERVER))['changed'] is False
    # metric: one metric
    one = {k: v for k, v in args.items() if k != 'metrics'}
    assert run(alarm.main, dict(one, metric=res['metrics']['cpu']))['alarm']['metrics'] == [res['metrics']['cpu']]
    bad = run(alarm.main, dict(args, metrics=['cpu']))
    assert bad['failed'] and 'metrics item cpu is not a metric id; give resource_id' in bad['msg']
    missing = str(uuid.uuid4())
    bad = run(alarm.main, dict(args, metrics=[missing]))
    assert bad['failed'] and 'metric %s does not exist in Gnocchi' % missing in bad['msg']
    # rate:max aggregated each metric's max series; rate:median needs median series, which the policy lacks
    bad = run(alarm.main, dict(args, aggregation_method='rate:median'))
    assert bad['failed'] and 'aggregation_method rate:median (the median series of each metric' in bad['msg']
    assert 'it has max, mean, rate:mean' in bad['msg']


def test_aggregation_by_resources_query_compared_without_aodhs_project_scope(cloud, telemetry, run):
    telemetry.add_resource(server_group='web')
    demo = cloud.add('keystone', '/v3/projects', {'name': 'demo'})
    args = {'name': 'web-memory', 'type': 'gnocchi_aggregation_by_resources_threshold', 'metric': 'memory.usage',
            'query': {'=': {'server_group': 'web'}}, 'threshold': 400, 'project': 'demo'}
    made = run(alarm.main, args)
    assert made['changed'] and made['alarm']['project_id'] == demo['id'], made
    body = telemetry.bodies('POST')[0]
    assert body['project_id'] == demo['id']
    assert json.loads(body['gnocchi_aggregation_by_resources_threshold_rule']['query']) == args['query']
    stored = telemetry.alarms[made['alarm']['id']]['gnocchi_aggregation_by_resources_threshold_rule']['query']
    assert 'created_by_project_id' in stored  # Aodh scoped it to the project
    again = run(alarm.main, dict(args, query=json.dumps(args['query'])))
    assert again['changed'] is False, again
    assert run(alarm_info.main, {'name': 'web-memory'})['alarms'] == []  # the admin's own project has none
    assert [a['id'] for a in run(alarm_info.main, {'project': 'demo'})['alarms']] == [made['alarm']['id']]
    assert [a['id'] for a in run(alarm_info.main, {'all_projects': True})['alarms']] == [made['alarm']['id']]
    bad = run(alarm.main, dict(args, name='web-median', aggregation_method='median'))
    assert bad['failed'] and 'archive policy ooo-telemetry of metric memory.usage of resource %s (the query matches it)' \
        % SERVER in bad['msg']
    bad = run(alarm.main, dict(args, name='web-bad', query='{"=": '))
    assert bad['failed'] and "alarm 'web-bad': query is not valid JSON" in bad['msg']
    assert run(alarm.main, dict(args, state='absent'))['changed'] is True


def test_event_alarm_and_a_type_change(cloud, telemetry, run):
    telemetry.add_resource()
    args = {'name': 'deleted', 'type': 'event', 'event_type': 'compute.instance.delete.end',
            'query': [{'field': 'traits.instance_id', 'value': SERVER}], 'alarm_actions': ['log://'], 'repeat_actions': True}
    made = run(alarm.main, args)
    assert made['changed'] and made['alarm']['query'] == [{'field': 'traits.instance_id', 'op': 'eq', 'value': SERVER}]
    assert made['alarm']['alarm_actions'] == ['log:']  # as Aodh shows log://
    assert 'threshold' not in made['alarm'] and made['alarm']['event_type'] == 'compute.instance.delete.end'
    assert made['alarm']['description'] == 'Alarm when compute.instance.delete.end event occurred.'
    rule = {'event_type': 'compute.instance.delete.end', 'query': [{'field': 'traits.instance_id', 'value': SERVER}]}
    assert telemetry.bodies('POST')[0]['event_rule'] == rule
    assert run(alarm.main, dict(args, query=[{'field': 'traits.instance_id', 'value': SERVER, 'op': 'eq'}]))['changed'] is False
    bad = run(alarm.main, dict(args, query=[{'field': 'traits.instance_id'}]))
    assert bad['failed'] and 'must have field and value' in bad['msg']
    # the same alarm as a threshold alarm: its rule is the new type's alone
    res = run(alarm.main, dict(CPU, name='deleted'), check=True)
    assert res['changed'] and res['diff']['before']['type'] == 'event' and 'event_type' not in res['diff']['after']
    res = run(alarm.main, dict(CPU, name='deleted'))
    assert res['changed'] and res['alarm']['type'] == 'gnocchi_resources_threshold' and res['alarm']['id'] == made['alarm']['id']
    put = telemetry.bodies('PUT')[-1]
    assert 'event_rule' not in put and put['gnocchi_resources_threshold_rule']['metric'] == 'cpu'
    assert 'description' not in put  # Aodh's description of an event alarm is not kept
    assert run(alarm.main, dict(CPU, name='deleted'))['changed'] is False


def test_alarm_info_filters(cloud, telemetry, run):
    telemetry.add_resource()
    one = run(alarm.main, CPU)['alarm']
    two = run(alarm.main, {'name': 'deleted', 'type': 'event'})['alarm']
    telemetry.alarms[one['id']]['state'] = 'ok'
    res = run(alarm_info.main, {}, check=True)
    assert not res['changed'] and sorted(a['name'] for a in res['alarms']) == ['deleted', 'web1-cpu']
    assert [a['id'] for a in run(alarm_info.main, {'alarm_state': 'ok'})['alarms']] == [one['id']]
    assert [a['id'] for a in run(alarm_info.main, {'type': 'event'})['alarms']] == [two['id']]
    assert [a['state'] for a in run(alarm_info.main, {'name': one['id']})['alarms']] == ['ok']
    assert run(alarm_info.main, {'name': 'nothing'})['alarms'] == []
    assert telemetry.query() == {'q.field': ['name'], 'q.op': ['eq'], 'q.value': ['nothing'], 'q.type': ['string']}


def test_helpers():
    assert seconds('0:01:00') == 60 and seconds('1 day, 0:00:00') == 86400 and seconds('0:00:00.500000') == 0.5
    assert seconds(300.0) == 300 and seconds('garbage') is None
    assert needed_method('gnocchi_resources_threshold', 'rate:mean') == 'rate:mean'
    assert needed_method('gnocchi_aggregation_by_metrics_threshold', 'rate:mean') == 'mean'
    assert fault_text(b'{"error_message": {"faultcode": "Client", "faultstring": "Alarm x not found"}}') == 'Alarm x not found'
    assert fault_text(b'{"code": 400, "description": {"cause": "Invalid input", "reason": "bad"}}') == 'Invalid input; bad'
    assert fault_text(b'{"code": 404, "description": "Resource x does not exist", "title": "Not Found"}') == \
        'Resource x does not exist'
    assert unwrap_query({'and': [{'=': {'created_by_project_id': 'p'}}, {'=': {'a': 1}}]}) == {'=': {'a': 1}}
    assert unwrap_query({'and': [{'=': {'b': 2}}, {'=': {'a': 1}}]}) == {'and': [{'=': {'b': 2}}, {'=': {'a': 1}}]}


def test_endpoints_registered_with_their_version(cloud, telemetry, run):
    for entry in cloud.catalog:
        if entry['type'] in ('alarming', 'metric'):
            version = '/v2' if entry['type'] == 'alarming' else '/v1'
            entry['endpoints'] = [dict(entry['endpoints'][0], url=entry['endpoints'][0]['url'].rstrip('/') + version)]
    telemetry.add_resource()
    assert run(alarm.main, CPU)['changed']
    assert {url.split('?')[0] for _method, url in telemetry.urls if 'aodh' in url or 'gnocchi' in url} >= {
        'http://aodh:8042/v2/alarms', 'http://gnocchi:8041/v1/resource/instance/%s' % SERVER}
