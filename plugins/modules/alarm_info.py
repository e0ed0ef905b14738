#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: alarm_info
short_description: List Aodh alarms, with their evaluation state
description:
  - List the Aodh (telemetry alarming, v2 API) alarms of the project, all of them or one by name or id, optionally
    by type, evaluation state or project; each flat, as M(ooo.cloud.alarm) returns it, with its C(state)
    (V(ok), V(alarm) or V(insufficient data)) and C(state_timestamp).
author: ooo.cloud developers (@ooo-cloud)
options:
  alarm_state:
    description:
      - Only the alarms in this evaluation state.
    type: str
    choices: [alarm, insufficient data, ok]
  all_projects:
    description:
      - List the alarms of every project (admin only).
    type: bool
    default: false
  name:
    description:
      - Name or id of the alarm. The list is empty when there is none; it holds every alarm of the name (Aodh does
        not make names unique).
    type: str
    aliases: [id]
  project:
    description:
      - Name or id of the project whose alarms are listed (admin only); by default the project of the token.
    type: str
  type:
    description:
      - Only the alarms of this type, for example V(gnocchi_resources_threshold) or V(event).
    type: str
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.info
'''

EXAMPLES = r'''
- name: One alarm and its state
  ooo.cloud.alarm_info:
    cloud: overcloud-demo
    name: web1-cpu-high
  register: found

- name: Wait until it has been evaluated
  ooo.cloud.alarm_info:
    cloud: overcloud-demo
    name: web1-cpu-high
  register: found
  until: found.alarms and found.alarms[0].state != 'insufficient data'
  retries: 10
  delay: 30

- name: The alarms that fire, in every project
  ooo.cloud.alarm_info:
    cloud: overcloud
    all_projects: true
    alarm_state: alarm
'''

RETURN = r'''
alarms:
  description:
    - The alarms found, each with the keys RV(ooo.cloud.alarm#module:alarm) describes (C(state) is the evaluation
      state).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import OpenStackModule, is_id
from ansible_collections.ooo.cloud.plugins.module_utils.telemetry import AODH, STATES, alarm_path, alarm_view, get, list_alarms


class AlarmInfoModule(OpenStackModule):
    argument_spec = dict(
        alarm_state=dict(type='str', choices=list(STATES)),
        all_projects=dict(type='bool', default=False),
        name=dict(type='str', aliases=['id']),
        project=dict(type='str'),
        type=dict(type='str'),
    )

    def run(self):
        p = self.params
        project_id = self.find_id('project', p['project']) if p['project'] else None
        found = None
        if p['name'] and is_id(p['name']):
            one = get(self.client, AODH, alarm_path(p['name']))
            found = [one] if one else None  # else: an alarm named like an id
        if found is None:
            found = list_alarms(self.client, name=p['name'], type=p['type'], state=p['alarm_state'], project_id=project_id,
                                all_projects=True if p['all_projects'] and not project_id else None)
        wanted = {'type': p['type'], 'state': p['alarm_state'], 'project_id': project_id}
        alarms = [alarm_view(a) for a in found]
        self.results['alarms'] = [a for a in alarms if all(v is None or a.get(k) == v for k, v in wanted.items())]


def main():
    AlarmInfoModule()()


if __name__ == '__main__':
    main()
