# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""What the alarm and alarm_info modules share: Aodh's alarms and Gnocchi's resources, metrics
and archive policies.

Aodh (v2, catalog type ``alarming``) keeps the rule of an alarm under ``<type>_rule``; the
modules show an alarm flat (``alarm_view``), the rule's fields beside the alarm's, as the
options name them. Gnocchi (v1, catalog type ``metric``) is read to refuse an alarm that could
never be evaluated before anything changes (``GnocchiChecks``): a resource or metric that does
not exist, an aggregation method or a granularity its archive policy does not have. Aodh checks
neither: such an alarm stays ``insufficient data`` forever.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlsplit

from ansible_collections.ooo.cloud.plugins.module_utils.openstack import UUID_RE
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import OpenStackError, close_matches, error_text

AODH = 'alarming'
GNOCCHI = 'metric'
NAMES = {AODH: 'Aodh', GNOCCHI: 'Gnocchi'}
# The API version of each path; an endpoint registered with it already is not given it twice.
VERSIONS = {AODH: '/v2', GNOCCHI: '/v1'}

THRESHOLD_TYPES = ('gnocchi_resources_threshold', 'gnocchi_aggregation_by_metrics_threshold',
                   'gnocchi_aggregation_by_resources_threshold')
TYPES = THRESHOLD_TYPES + ('event',)
THRESHOLD_KEYS = ('aggregation_method', 'granularity', 'threshold', 'comparison_operator', 'evaluation_periods')
# The fields of each type's rule, as Aodh names them (and the options do).
RULE_KEYS = {
    'gnocchi_resources_threshold': ('metric', 'resource_type', 'resource_id') + THRESHOLD_KEYS,
    'gnocchi_aggregation_by_metrics_threshold': ('metrics',) + THRESHOLD_KEYS,
    'gnocchi_aggregation_by_resources_threshold': ('metric', 'resource_type', 'query') + THRESHOLD_KEYS,
    'event': ('event_type', 'query'),
}
ALARM_KEYS = ('name', 'description', 'type', 'enabled', 'severity', 'repeat_actions', 'alarm_actions', 'ok_actions',
              'insufficient_data_actions', 'time_constraints')
ACTIONS = ('alarm_actions', 'ok_actions', 'insufficient_data_actions')
STATES = ('alarm', 'insufficient data', 'ok')
# What Aodh gives an alarm the request leaves out.
ALARM_DEFAULTS = {'enabled': True, 'severity': 'low', 'repeat_actions': False, 'alarm_actions': [], 'ok_actions': [],
                  'insufficient_data_actions': [], 'time_constraints': [], 'state': 'insufficient data',
                  'state_reason': 'Not evaluated yet'}
# A timedelta as Gnocchi writes a granularity: "0:01:00", "1 day, 0:00:00", "0:00:00.500000".
TIMEDELTA_RE = re.compile(r'^(?:(\d+) days?, )?(\d+):(\d\d):(\d\d(?:\.\d+)?)$')


def fault_text(body):
    """The human part of an Aodh or Gnocchi error body (error_text does not know theirs)."""
    try:
        data = json.loads(body.decode('utf-8', 'replace') if isinstance(body, bytes) else body or '')
    except ValueError:
        return error_text(body)
    if isinstance(data, dict):
        fault = data.get('error_message')  # Aodh: wsme's fault, wrapped by its ParsableErrorMiddleware
        if isinstance(fault, str):
            try:
                fault = json.loads(fault)
            except ValueError:
                return fault
        if isinstance(fault, dict) and fault.get('faultstring'):
            return str(fault['faultstring'])
        description = data.get('description')  # Gnocchi
        if isinstance(description, dict):
            return '; '.join(str(description[k]) for k in ('cause', 'reason', 'detail') if description.get(k))
    return error_text(body)


def api_path(client, service, path):
    """``path`` (which starts with the API version) on the service's endpoint."""
    version = VERSIONS[service]
    if client.endpoint(service).endswith(version) and path.startswith(version):
        return path[len(version):]
    return path


def request(client, service, method, path, **kwargs):
    """``client.request`` naming the service and telling Aodh's and Gnocchi's errors as they word them."""
    try:
        return client.request(service, method, api_path(client, service, path), **kwargs)
    except OpenStackError as e:
        msg = e.msg
        if msg.startswith(service + ' '):
            msg = NAMES[service] + msg[len(service):]
        if e.body:
            old, new = error_text(e.body), fault_text(e.body)
            if old and new and old != new:
                msg = msg.replace(old, new)
        raise type(e)(msg, status=e.status, body=e.body) from None


def get(client, service, path, params=None):
    """The JSON body of a GET, None on 404."""
    return request(client, service, 'GET', path, params=params, ok_404=True)[2]


# -- Aodh
def alarm_query(**filters):
    """Aodh's list filters (``?q.field=name&q.op=eq&q.value=...``) for the filters that are not None."""
    fields, ops, values, types = [], [], [], []
    for field, value in filters.items():
        if value is None:
            continue
        fields.append(field)
        ops.append('eq')
        values.append(str(value).lower() if isinstance(value, bool) else str(value))
        types.append('boolean' if isinstance(value, bool) else 'string')
    if not fields:
        return None
    return {'q.field': fields, 'q.op': ops, 'q.value': values, 'q.type': types}


def list_alarms(client, **filters):
    """The alarms Aodh lists for the filters (a bare JSON list; Aodh does not page it)."""
    return request(client, AODH, 'GET', '/v2/alarms', params=alarm_query(**filters))[2] or []


def alarm_path(alarm_id):
    return '/v2/alarms/%s' % quote(str(alarm_id), safe='')


def alarm_view(obj):
    """An Aodh alarm flat: its fields and its rule's (a by_resources query parsed), ``id`` for ``alarm_id``."""
    view = {'id': obj.get('alarm_id')}
    for key in ALARM_KEYS:
        view[key] = obj.get(key)
    for key in ('project_id', 'user_id', 'state', 'state_reason', 'state_timestamp', 'timestamp', 'evaluate_timestamp'):
        view[key] = obj.get(key)
    rule = obj.get('%s_rule' % obj.get('type')) or {}
    if obj.get('type') in RULE_KEYS:
        for key in RULE_KEYS[obj['type']]:
            view[key] = rule.get(key)
        if obj['type'] == 'gnocchi_aggregation_by_resources_threshold' and isinstance(view['query'], str):
            try:
                view['query'] = json.loads(view['query'])
            except ValueError:
                pass
    else:
        view['rule'] = rule  # composite, prometheus, loadbalancer_member_health: as Aodh has it
    return view


def alarm_body(alarm):
    """The Aodh request body of a flat alarm: its fields and ``<type>_rule``."""
    body = {key: alarm[key] for key in ALARM_KEYS if alarm.get(key) is not None}
    if alarm.get('state') in STATES:
        body['state'] = alarm['state']  # a PUT without it would set the state to insufficient data
    rule = {key: alarm[key] for key in RULE_KEYS[alarm['type']] if alarm.get(key) is not None}
    if alarm['type'] == 'gnocchi_aggregation_by_resources_threshold' and not isinstance(rule.get('query'), str):
        rule['query'] = json.dumps(rule['query'], sort_keys=True)
    body['%s_rule' % alarm['type']] = rule
    return body


def action_url(action):
    """An action URL as Aodh shows it (it rebuilds every URL it returns: ``log://`` is ``log:``)."""
    return urlsplit(action).geturl()


def default_description(alarm):
    """The description Aodh gives an alarm made without one."""
    if alarm.get('type') == 'event':
        return 'Alarm when %s event occurred.' % (alarm.get('event_type') or '*')
    return '%s alarm rule' % alarm.get('type')


def event_query(items):
    """An event rule's query compared as Aodh keeps it: op eq by default, values as text."""
    out = []
    for item in items or []:
        norm = {'field': item.get('field'), 'op': item.get('op') or 'eq', 'value': str(item.get('value'))}
        if item.get('type'):
            norm['type'] = item['type']
        out.append(norm)
    return sorted(out, key=lambda i: json.dumps(i, sort_keys=True))


def unwrap_query(query):
    """A by_resources query without the project filter Aodh puts around it (``{"and": [filter, query]}``).

    Aodh scopes the query of an alarm of another project than the caller's (or of a non-admin's)
    to that project; what the user gave is the second operand.
    """
    if isinstance(query, dict) and list(query) == ['and'] and isinstance(query['and'], list) and len(query['and']) == 2:
        scope = json.dumps(query['and'][0])
        if 'created_by_project_id' in scope:
            return query['and'][1]
    return query


# -- Gnocchi
def seconds(granularity):
    """A Gnocchi granularity ("0:01:00", "1 day, 0:00:00", or a number) in seconds."""
    if isinstance(granularity, (int, float)):
        return granularity
    match = TIMEDELTA_RE.match(str(granularity).strip())
    if not match:
        try:
            return float(granularity)
        except ValueError:
            return None
    days, hours, minutes, secs = match.groups()
    return int(days or 0) * 86400 + int(hours) * 3600 + int(minutes) * 60 + float(secs)


def seconds_text(value):
    return '%g' % value


def needed_method(alarm_type, method):
    """The aggregation the metric's archive policy must have for the alarm's method.

    Aodh's evaluator reads a gnocchi_resources_threshold alarm's measures with the method itself
    (a ``rate:`` method must be in the policy); the aggregation types aggregate the metrics'
    series of the method without ``rate:`` (Aodh's ``lstrip('rate:')``).
    """
    if alarm_type != 'gnocchi_resources_threshold' and method.startswith('rate:'):
        return method[len('rate:'):]
    return method


class GnocchiChecks:
    """Reads Gnocchi to refuse an alarm whose resource, metric, aggregation or granularity is not there."""

    def __init__(self, client):
        self.client = client
        self.policies = {}

    def resource_type_names(self):
        return [t.get('name') for t in get(self.client, GNOCCHI, '/v1/resource_type') or []]

    def check_resource_type(self, resource_type):
        if get(self.client, GNOCCHI, '/v1/resource_type/%s' % quote(resource_type, safe='')) is None:
            raise OpenStackError(self.missing('resource type %s does not exist in Gnocchi' % resource_type,
                                              resource_type, self.resource_type_names(), 'resource types'))

    def resource(self, resource_type, resource_id):
        """The resource (with its ``metrics``: name -> id); a missing one fails naming it."""
        found = get(self.client, GNOCCHI, '/v1/resource/%s/%s' % (quote(resource_type, safe=''),
                                                                  quote(resource_id, safe='')))
        if found is None:
            self.check_resource_type(resource_type)
            raise OpenStackError('resource %s of type %s does not exist in Gnocchi' % (resource_id, resource_type))
        return found

    def metric_of(self, resource, resource_type, name):
        """The id of the metric ``name`` of the resource; a missing one fails naming the metrics it has."""
        metrics = resource.get('metrics') or {}
        if name in metrics:
            return metrics[name]
        msg = 'resource %s of type %s has no metric %s' % (resource.get('id'), resource_type, name)
        raise OpenStackError(self.missing(msg, name, sorted(metrics), 'its metrics') if metrics
                             else msg + '; it has no metrics (yet)')

    def metric(self, metric_id):
        found = get(self.client, GNOCCHI, '/v1/metric/%s' % quote(metric_id, safe=''))
        if found is None:
            raise OpenStackError('metric %s does not exist in Gnocchi' % metric_id)
        return found

    def policy(self, metric):
        """The archive policy of a metric (Gnocchi gives it whole, or only its name)."""
        policy = metric.get('archive_policy')
        if isinstance(policy, dict) and 'definition' in policy:
            return policy
        if isinstance(policy, str):
            name = policy
        elif isinstance(policy, dict):
            name = policy.get('name')
        else:
            name = metric.get('archive_policy_name')
        if name not in self.policies:
            found = get(self.client, GNOCCHI, '/v1/archive_policy/%s' % quote(str(name), safe=''))
            if found is None:
                raise OpenStackError('archive policy %s of metric %s does not exist in Gnocchi' % (name, metric.get('id')))
            self.policies[name] = found
        return self.policies[name]

    def check_policy(self, alarm_type, metric, label, method, granularity):
        """Fail unless the metric's archive policy has the aggregation and the granularity the alarm reads."""
        policy = self.policy(metric)
        methods = sorted(policy.get('aggregation_methods') or [])
        want = needed_method(alarm_type, method)
        if want not in methods:
            how = '' if want == method else ' (the %s series of each metric, which %s aggregates)' % (want, method)
            raise OpenStackError("aggregation_method %s%s is not one of archive policy %s of %s; it has %s"
                                 % (method, how, policy.get('name'), label, ', '.join(methods) or 'none'))
        have = sorted({s for s in (seconds(d.get('granularity')) for d in policy.get('definition') or [])
                       if s is not None})
        if granularity not in have:
            raise OpenStackError('granularity %s is not one of archive policy %s of %s; it has %s (seconds)'
                                 % (granularity, policy.get('name'), label,
                                    ', '.join(seconds_text(s) for s in have) or 'none'))

    def search(self, resource_type, query, limit=20):
        """The resources of the type that a query matches (Gnocchi's search, a POST that changes nothing)."""
        return request(self.client, GNOCCHI, 'POST', '/v1/search/resource/%s' % quote(resource_type, safe=''),
                       body=query, params={'limit': limit}, changes_nothing=True)[2] or []

    @staticmethod
    def missing(msg, value, candidates, what):
        close = close_matches(value, candidates)
        if close:
            msg += '; close matches: %s' % ', '.join(close)
        if candidates:
            names = sorted({str(c) for c in candidates if c})
            msg += '; %s: %s' % (what, ', '.join(names[:30]) + (', ...' if len(names) > 30 else ''))
        return msg

    def check(self, alarm):
        """Check the rule of a flat alarm of a gnocchi type; returns it with metric names of ``metrics`` resolved."""
        alarm_type = alarm['type']
        method, granularity = alarm['aggregation_method'], alarm['granularity']
        if alarm_type == 'gnocchi_resources_threshold':
            resource = self.resource(alarm['resource_type'], alarm['resource_id'])
            metric_id = self.metric_of(resource, alarm['resource_type'], alarm['metric'])
            self.check_policy(alarm_type, self.metric(metric_id), 'metric %s of resource %s'
                              % (alarm['metric'], alarm['resource_id']), method, granularity)
        elif alarm_type == 'gnocchi_aggregation_by_metrics_threshold':
            resolved = []
            resource = None
            for name in alarm['metrics']:
                if UUID_RE.match(name):
                    metric = self.metric(name)
                    label = 'metric %s' % name
                else:
                    if not alarm.get('resource_id'):
                        raise OpenStackError('metrics item %s is not a metric id; give resource_id to name the '
                                             'metrics of one resource' % name)
                    if resource is None:
                        resource = self.resource(alarm['resource_type'], alarm['resource_id'])
                    metric = self.metric(self.metric_of(resource, alarm['resource_type'], name))
                    label = 'metric %s (%s) of resource %s' % (name, metric.get('id'), alarm['resource_id'])
                self.check_policy(alarm_type, metric, label, method, granularity)
                resolved.append(metric['id'])
            alarm = dict(alarm, metrics=resolved)
        elif alarm_type == 'gnocchi_aggregation_by_resources_threshold':
            self.check_resource_type(alarm['resource_type'])
            # Aodh accepts a metric that no resource has yet; the policy is checked on one that has it.
            for resource in self.search(alarm['resource_type'], alarm['query']):
                metric_id = (resource.get('metrics') or {}).get(alarm['metric'])
                if metric_id:
                    self.check_policy(alarm_type, self.metric(metric_id), 'metric %s of resource %s (the query matches it)'
                                      % (alarm['metric'], resource.get('id')), method, granularity)
                    break
        return alarm
