#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: alarm
short_description: Manage an Aodh alarm
description:
  - Create, update or delete an Aodh (telemetry alarming, v2 API) alarm, found by its name in its project.
  - A threshold alarm compares an aggregate of Gnocchi measures with O(threshold), over O(evaluation_periods)
    periods of O(granularity) seconds. V(gnocchi_resources_threshold) reads the O(metric) of one resource
    (O(resource_type), O(resource_id)); V(gnocchi_aggregation_by_metrics_threshold) aggregates the O(metrics)
    given; V(gnocchi_aggregation_by_resources_threshold) aggregates the O(metric) of every resource of
    O(resource_type) that O(query) matches. An V(event) alarm fires on an event of O(event_type) that O(query)
    matches.
  - Before anything changes, also in check mode, the rule is checked against Gnocchi (catalog type C(metric)),
    which Aodh does not do (such an alarm would stay C(insufficient data) for ever). A resource that does not
    exist fails naming it and its type; a metric the resource does not have fails naming the metrics it has
    (close matches first); an aggregation method or a granularity the metric's archive policy does not have
    fails naming the policy and what it has.
  - Every field changes in place (Aodh's C(PUT) of the whole alarm, which keeps its evaluation state); only the
    options given are compared. O(alarm_actions), O(ok_actions) and O(insufficient_data_actions) are compared as
    sets, as Aodh keeps them.
author: ooo.cloud developers (@ooo-cloud)
options:
  aggregation_method:
    description:
      - How the measures of a period are aggregated (threshold types), for example V(mean), V(max), V(last) or
        V(rate:mean) (the rate of change of a cumulative metric such as C(cpu)).
      - The archive policy of the metric must have it; for the aggregation types the method without C(rate:)
        (each metric's series is read with it, then aggregated).
    type: str
    default: mean
  alarm_actions:
    description:
      - URLs notified when the alarm goes to C(alarm), for example V(http://host:8080/alarm), V(log://) or
        V(trust+https://host/hook). Not managed when omitted.
      - Aodh returns each URL rebuilt (V(log://) as V(log:)); they are compared so.
    type: list
    elements: str
  comparison_operator:
    description:
      - How the aggregate is compared with O(threshold) (threshold types).
    type: str
    default: gt
    choices: [eq, ge, gt, le, lt, ne]
  description:
    description:
      - Description. Not managed when omitted (Aodh describes an alarm by its type).
    type: str
  enabled:
    description:
      - Whether Aodh evaluates the alarm. Not managed when omitted (a new alarm is enabled).
    type: bool
  evaluation_periods:
    description:
      - How many consecutive periods must cross the threshold (threshold types).
    type: int
    default: 1
  event_type:
    description:
      - The type of event an V(event) alarm fires on, for example V(compute.instance.update); wildcards such as
        V(compute.instance.*) work. Aodh's default is V(*).
    type: str
  granularity:
    description:
      - Length of a period in seconds (threshold types); the archive policy of the metric must have it.
    type: int
    default: 60
  insufficient_data_actions:
    description:
      - URLs notified when the alarm goes to C(insufficient data). Not managed when omitted.
    type: list
    elements: str
  metric:
    description:
      - Name of the metric, for example V(cpu) or V(memory.usage). Required for the types
        V(gnocchi_resources_threshold) and V(gnocchi_aggregation_by_resources_threshold).
      - For V(gnocchi_aggregation_by_metrics_threshold), one metric (as in O(metrics)).
    type: str
  metrics:
    description:
      - The metrics a V(gnocchi_aggregation_by_metrics_threshold) alarm aggregates, as metric ids, or as names of
        the metrics of the resource O(resource_id) (of O(resource_type)), which are resolved to ids.
    type: list
    elements: str
  name:
    description:
      - Name of the alarm, unique in its project (Aodh does not enforce it; more than one alarm of the name
        fails naming their ids).
    type: str
    required: true
  ok_actions:
    description:
      - URLs notified when the alarm goes to C(ok). Not managed when omitted.
    type: list
    elements: str
  project:
    description:
      - Name or id of the project of the alarm (admin only); by default the project of the token.
    type: str
  query:
    description:
      - 'For V(gnocchi_aggregation_by_resources_threshold) (required there), the Gnocchi search filter of the
        resources, as a dict or its JSON text, for example C({"=": {"server_group": "web"}}). Aodh scopes the
        filter of an alarm of another project to that project; that scope is not taken for a difference.'
      - 'For V(event), a list of conditions on the event''s fields, each a dict with C(field), C(value), C(op)
        (V(eq) by default) and C(type) (V(string), V(integer), V(float), V(boolean), V(datetime)), for example
        C([{field: traits.instance_id, value: <server id>}]). Not managed when omitted.'
    type: raw
  repeat_actions:
    description:
      - Whether the actions are notified again on every evaluation while the state lasts. Not managed when
        omitted (a new alarm does not repeat them).
    type: bool
  resource_id:
    description:
      - Id of the Gnocchi resource whose O(metric) a V(gnocchi_resources_threshold) alarm reads (required there),
        for example a server's id. With V(gnocchi_aggregation_by_metrics_threshold), the resource whose metrics
        O(metrics) names.
    type: str
  resource_type:
    description:
      - Gnocchi resource type of O(resource_id), or of the resources O(query) matches, for example V(instance),
        V(generic) or V(volume).
    type: str
    default: instance
  severity:
    description:
      - Severity of the alarm. Not managed when omitted (a new alarm is V(low)).
    type: str
    choices: [critical, low, moderate]
  threshold:
    description:
      - The value the aggregate is compared with. Required for the threshold types (all but V(event)).
    type: float
  type:
    description:
      - Type of the alarm, which selects its rule (Aodh's C(<type>_rule)).
      - The options of the threshold types (O(aggregation_method), O(granularity), O(comparison_operator),
        O(evaluation_periods)) are not used by an V(event) alarm.
    type: str
    default: gnocchi_resources_threshold
    choices: [event, gnocchi_aggregation_by_metrics_threshold, gnocchi_aggregation_by_resources_threshold,
              gnocchi_resources_threshold]
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: An alarm when a server uses more than 80% of a vCPU (cpu is cumulative nanoseconds)
  ooo.cloud.alarm:
    cloud: overcloud-demo
    name: web1-cpu-high
    resource_id: "{{ server.server.id }}"
    metric: cpu
    aggregation_method: rate:mean
    granularity: 60
    # rate:mean is the CPU time between two samples: 80% of 60 s (ceilometer_polling_interval 60), in ns
    threshold: 48000000000
    comparison_operator: gt
    evaluation_periods: 3
    alarm_actions: [http://10.0.0.5:8080/alarm]
    ok_actions: [http://10.0.0.5:8080/ok]
    severity: moderate

- name: The mean memory use of a group of servers
  ooo.cloud.alarm:
    cloud: overcloud-demo
    name: web-memory
    type: gnocchi_aggregation_by_resources_threshold
    metric: memory.usage
    query: {"and": [{"=": {"ended_at": null}}, {"like": {"display_name": "web%"}}]}
    threshold: 400
    alarm_actions: [log://]

- name: An alarm when a server of the project is deleted
  ooo.cloud.alarm:
    cloud: overcloud-demo
    name: server-deleted
    type: event
    event_type: compute.instance.delete.end
    alarm_actions: [log://]
    repeat_actions: true

- name: Delete it
  ooo.cloud.alarm:
    cloud: overcloud-demo
    name: server-deleted
    state: absent
'''

RETURN = r'''
alarm:
  description:
    - The alarm, flat (null when O(state=absent)), Aodh's fields beside those of its rule, named as the options.
    - Only the fields of its type's rule are there; an alarm of another type (C(composite)) has C(rule) as Aodh
      has it instead.
  returned: always
  type: dict
  contains:
    id:
      description: Alarm id (Aodh's C(alarm_id)).
      type: str
    name:
      description: Name.
      type: str
    description:
      description: Description.
      type: str
    type:
      description: Type.
      type: str
    enabled:
      description: Whether Aodh evaluates it.
      type: bool
    severity:
      description: Severity.
      type: str
    state:
      description: Evaluation state, V(ok), V(alarm) or V(insufficient data) (a new alarm's).
      type: str
    state_reason:
      description: Why it is in that state, as Aodh's evaluator says.
      type: str
    state_timestamp:
      description: When the state last changed.
      type: str
    timestamp:
      description: When the alarm was last changed.
      type: str
    evaluate_timestamp:
      description: When Aodh last evaluated it.
      type: str
    project_id:
      description: Project of the alarm.
      type: str
    user_id:
      description: User who made it.
      type: str
    repeat_actions:
      description: Whether the actions repeat while the state lasts.
      type: bool
    alarm_actions:
      description: URLs notified on C(alarm).
      type: list
      elements: str
    ok_actions:
      description: URLs notified on C(ok).
      type: list
      elements: str
    insufficient_data_actions:
      description: URLs notified on C(insufficient data).
      type: list
      elements: str
    time_constraints:
      description: Aodh's time constraints (when the alarm is evaluated).
      type: list
      elements: dict
    metric:
      description: Metric name (V(gnocchi_resources_threshold), V(gnocchi_aggregation_by_resources_threshold)).
      type: str
    metrics:
      description: Metric ids (V(gnocchi_aggregation_by_metrics_threshold)).
      type: list
      elements: str
    resource_type:
      description: Gnocchi resource type.
      type: str
    resource_id:
      description: Gnocchi resource id (V(gnocchi_resources_threshold)).
      type: str
    query:
      description: The search filter (a dict, by_resources) or the event conditions (a list, V(event)).
      type: raw
    aggregation_method:
      description: Aggregation method.
      type: str
    granularity:
      description: Period in seconds.
      type: int
    threshold:
      description: Threshold.
      type: float
    comparison_operator:
      description: Comparison operator.
      type: str
    evaluation_periods:
      description: Periods evaluated.
      type: int
    event_type:
      description: Event type (V(event)).
      type: str
    rule:
      description: The rule of an alarm of a type the options do not cover, as Aodh has it.
      type: dict
'''

import json
import re

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule, _norm
from ansible_collections.ooo.cloud.plugins.module_utils.telemetry import (
    ACTIONS, AODH, ALARM_DEFAULTS, RULE_KEYS, THRESHOLD_TYPES, TYPES, GnocchiChecks, alarm_body, alarm_path,
    action_url, alarm_view, default_description, event_query, list_alarms, request, unwrap_query)

OPERATORS = ['eq', 'ge', 'gt', 'le', 'lt', 'ne']
URL_RE = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:')
# The options each type needs, and those it has no use for (given, they fail).
REQUIRED = {
    'gnocchi_resources_threshold': ('metric', 'resource_id', 'threshold'),
    'gnocchi_aggregation_by_metrics_threshold': ('metrics', 'threshold'),
    'gnocchi_aggregation_by_resources_threshold': ('metric', 'query', 'threshold'),
    'event': (),
}
FOREIGN = {
    'gnocchi_resources_threshold': ('metrics', 'query', 'event_type'),
    'gnocchi_aggregation_by_metrics_threshold': ('query', 'event_type'),
    'gnocchi_aggregation_by_resources_threshold': ('metrics', 'resource_id', 'event_type'),
    'event': ('metric', 'metrics', 'resource_id', 'threshold'),
}
RULE_FIELDS = frozenset(k for keys in RULE_KEYS.values() for k in keys)
MANAGED = ('name', 'description', 'type', 'enabled', 'severity', 'repeat_actions') + ACTIONS + tuple(sorted(RULE_FIELDS))


class AlarmModule(ResourceModule):
    noun = 'alarm'
    argument_spec = dict(
        aggregation_method=dict(type='str', default='mean'),
        alarm_actions=dict(type='list', elements='str'),
        comparison_operator=dict(type='str', default='gt', choices=OPERATORS),
        description=dict(type='str'),
        enabled=dict(type='bool'),
        evaluation_periods=dict(type='int', default=1),
        event_type=dict(type='str'),
        granularity=dict(type='int', default=60),
        insufficient_data_actions=dict(type='list', elements='str'),
        metric=dict(type='str'),
        metrics=dict(type='list', elements='str'),
        name=dict(type='str', required=True),
        ok_actions=dict(type='list', elements='str'),
        project=dict(type='str'),
        query=dict(type='raw'),
        repeat_actions=dict(type='bool'),
        resource_id=dict(type='str'),
        resource_type=dict(type='str', default='instance'),
        severity=dict(type='str', choices=['critical', 'low', 'moderate']),
        threshold=dict(type='float'),
        type=dict(type='str', default='gnocchi_resources_threshold', choices=sorted(TYPES)),
    )
    module_kwargs = dict(mutually_exclusive=[('metric', 'metrics')])
    fields = {f: f for f in MANAGED}
    updatable = MANAGED
    unordered = ACTIONS

    # -- input
    def validate(self):
        p = self.params
        label = "alarm '%s'" % p['name']
        if p['state'] == 'absent':
            return
        kind = p['type']
        if kind == 'gnocchi_aggregation_by_metrics_threshold' and p['metric']:
            p['metrics'], p['metric'] = [p['metric']], None  # one metric
        missing = [o for o in REQUIRED[kind] if p[o] in (None, [], '')]
        if missing:
            why = ' (the value the aggregate is compared with)' if missing == ['threshold'] else ''
            self.fail('%s: %s %s required for a %s alarm%s' % (label, ', '.join(missing),
                                                               'is' if len(missing) == 1 else 'are', kind, why))
        foreign = [o for o in FOREIGN[kind] if p[o] is not None]
        if foreign:
            self.fail('%s: %s %s not apply to %s %s alarm' % (label, ', '.join(foreign), 'does' if len(foreign) == 1 else 'do',
                                                              'an' if kind == 'event' else 'a', kind))
        if kind in THRESHOLD_TYPES:
            if p['granularity'] <= 0:
                self.fail('%s: granularity must be a positive number of seconds, not %s' % (label, p['granularity']))
            if p['evaluation_periods'] < 1:
                self.fail('%s: evaluation_periods must be 1 or more, not %s' % (label, p['evaluation_periods']))
        for opt in ACTIONS:
            bad = [a for a in p[opt] or [] if not URL_RE.match(a)]
            if bad:
                self.fail('%s: %s %s %s (scheme://..., for example http://host:port/path or log://)'
                          % (label, opt, ', '.join(bad), 'is not a URL' if len(bad) == 1 else 'are not URLs'))
        self.query = self.parse_query(label, kind, p['query'])

    def parse_query(self, label, kind, query):
        if query is None:
            return None
        if kind == 'gnocchi_aggregation_by_resources_threshold':
            if isinstance(query, str):
                try:
                    query = json.loads(query)
                except ValueError as e:
                    self.fail('%s: query is not valid JSON: %s' % (label, e))
            if not isinstance(query, dict) or not query:
                self.fail('%s: query must be a Gnocchi search filter, a dict such as {"=": {"server_group": "web"}}, '
                          'not %s' % (label, json.dumps(query)))
            return query
        # an event rule's conditions
        if not isinstance(query, list) or not all(isinstance(i, dict) for i in query):
            self.fail('%s: query of an event alarm must be a list of conditions ({field: ..., value: ..., op: eq}), '
                      'not %s' % (label, json.dumps(query, default=str)))
        for item in query:
            bad = sorted(set(item) - {'field', 'value', 'op', 'type'})
            if bad or 'field' not in item or 'value' not in item:
                self.fail('%s: query condition %s must have field and value, and only op and type besides%s'
                          % (label, json.dumps(item, default=str), ' (not %s)' % ', '.join(bad) if bad else ''))
            if item.get('op', 'eq') not in OPERATORS:
                self.fail('%s: query condition %s: op must be one of %s'
                          % (label, json.dumps(item, default=str), ', '.join(OPERATORS)))
        return query

    # -- reading
    def find(self):
        p = self.params
        self.project_id = self.find_id('project', p['project']) if p['project'] else None
        found = [a for a in list_alarms(self.client, name=p['name'], project_id=self.project_id)
                 if a.get('name') == p['name'] and self.project_id in (None, a.get('project_id'))]
        if len(found) > 1:
            self.fail("alarm name '%s' is ambiguous: %d alarms of the project have it (%s); delete all but one"
                      % (p['name'], len(found), ', '.join(a['alarm_id'] for a in found)))
        return alarm_view(found[0]) if found else None

    def desired(self):
        p = self.params
        want = {'name': p['name'], 'type': p['type']}
        for opt in ('description', 'enabled', 'severity', 'repeat_actions'):
            if p[opt] is not None:
                want[opt] = p[opt]
        for opt in ACTIONS:
            if p[opt] is not None:
                want[opt] = list(dict.fromkeys(action_url(a) for a in p[opt]))  # Aodh drops duplicates
        for key in RULE_KEYS[p['type']]:
            value = self.query if key == 'query' else p[key]
            if value is not None:
                want[key] = value
        if p['type'] in THRESHOLD_TYPES:
            checked = GnocchiChecks(self.client).check(dict(want, resource_id=p['resource_id'],
                                                            resource_type=p['resource_type']))
            want = {k: v for k, v in checked.items() if k in want}
        return want

    # -- comparison
    def equal(self, field, current, wanted):
        if field == 'query':
            if self.params['type'] == 'event':
                return event_query(current) == event_query(wanted)
            return _norm(unwrap_query(current)) == _norm(wanted)
        if field == 'threshold':
            return current is not None and float(current) == float(wanted)
        return super().equal(field, current, wanted)

    # -- Aodh's requests
    def predict(self, current, desired):
        if current is not None:
            return self.merged(current, desired)
        kind = desired['type']
        out = dict(ALARM_DEFAULTS, id=None, project_id=self.project_id or self.client.project_id,
                   user_id=self.client.user_id, state_timestamp=None, timestamp=None, evaluate_timestamp=None)
        out.update({k: None for k in RULE_KEYS[kind]})
        if kind == 'event':
            out.update(event_type='*', query=[])
        out.update(desired)
        out.setdefault('description', default_description(out))
        return out

    @staticmethod
    def merged(current, changes):
        """The alarm after ``changes``; a new type starts from a rule of its own."""
        out = dict(current)
        if changes.get('type', current['type']) != current['type']:
            for key in RULE_FIELDS | {'rule'}:
                out.pop(key, None)
            out.update({k: None for k in RULE_KEYS[changes['type']]})
            if out.get('description') == default_description(current):
                out.pop('description')  # Aodh's description of the old type: Aodh describes the new one
        out.update(changes)
        return out

    def create(self, desired):
        body = alarm_body(desired)
        if self.project_id and self.project_id != self.client.project_id:
            body['project_id'] = self.project_id
        return alarm_view(request(self.client, AODH, 'POST', '/v2/alarms', body=body)[2])

    def update(self, current, changes):
        body = alarm_body(self.merged(current, changes))
        return alarm_view(request(self.client, AODH, 'PUT', alarm_path(current['id']), body=body)[2])

    def delete(self, current):
        request(self.client, AODH, 'DELETE', alarm_path(current['id']), ok_404=True)

    def diff_fields(self, current, desired):
        """The managed fields; of the rule's, those of the (new) type."""
        current = current or {}
        rule = RULE_KEYS.get(desired.get('type') or current.get('type'), ())
        return set(desired) | {'name', 'type'} | {f for f in MANAGED if f in current and (f not in RULE_FIELDS or f in rule)}


def main():
    AlarmModule()()


if __name__ == '__main__':
    main()
