#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: flavor
short_description: Manage a Nova flavor and its extra specs
description:
  - Create or delete a Nova flavor, and keep its description and extra specs as given.
  - Nova cannot change vcpus, ram, disk, ephemeral, swap, is_public or the id of a flavor; a different value fails
    naming the option instead of silently recreating the flavor.
author: ooo.cloud developers (@ooo-cloud)
options:
  description:
    description:
      - Description of the flavor. Not managed when omitted.
    type: str
  disk:
    description:
      - Size of the root disk in GiB. V(0) when the flavor is created without it.
    type: int
  ephemeral:
    description:
      - Size of the ephemeral disk in GiB. V(0) when the flavor is created without it.
    type: int
  extra_specs:
    description:
      - Extra specs of the flavor, made exactly so (keys not listed are removed). Values are sent as strings.
      - Not managed when omitted.
    type: dict
  flavor_id:
    description:
      - Id of the flavor when it is created; Nova generates a UUID when omitted.
    type: str
  is_public:
    description:
      - Whether the flavor is public. V(true) when the flavor is created without it.
    type: bool
  name:
    description:
      - Name of the flavor.
    type: str
    required: true
  ram:
    description:
      - Memory in MiB. Required to create the flavor.
    type: int
  swap:
    description:
      - Swap in MiB. V(0) when the flavor is created without it.
    type: int
  vcpus:
    description:
      - Number of virtual CPUs. Required to create the flavor.
    type: int
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: A small flavor pinned to dedicated CPUs
  ooo.cloud.flavor:
    cloud: undercloud
    name: m1.small
    vcpus: 1
    ram: 2048
    disk: 20
    extra_specs:
      hw:cpu_policy: dedicated
'''

RETURN = r'''
flavor:
  description: The flavor (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Flavor id.
      type: str
    name:
      description: Flavor name.
      type: str
    vcpus:
      description: Virtual CPUs.
      type: int
    ram:
      description: Memory in MiB.
      type: int
    disk:
      description: Root disk in GiB.
      type: int
    extra_specs:
      description: Extra specs.
      type: dict
'''

from urllib.parse import quote

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


def spec_value(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


class FlavorModule(ResourceModule):
    noun = 'flavor'
    argument_spec = dict(
        description=dict(type='str'),
        disk=dict(type='int'),
        ephemeral=dict(type='int'),
        extra_specs=dict(type='dict'),
        flavor_id=dict(type='str'),
        is_public=dict(type='bool'),
        name=dict(type='str', required=True),
        ram=dict(type='int'),
        swap=dict(type='int'),
        vcpus=dict(type='int'),
    )
    fields = {'name': 'name', 'vcpus': 'vcpus', 'ram': 'ram', 'disk': 'disk', 'ephemeral': 'OS-FLV-EXT-DATA:ephemeral',
              'swap': 'swap', 'is_public': 'os-flavor-access:is_public', 'description': 'description',
              'extra_specs': 'extra_specs', 'flavor_id': 'id'}
    updatable = ('description', 'extra_specs')

    def find(self):
        current = self.find_one('flavor', self.params['name'], required=False)
        if current is not None and current.get('name') != self.params['name']:
            current = None  # matched an id, not the name
        if current is not None and 'extra_specs' not in current and self.params['extra_specs'] is not None:
            data = self.client.get('compute', '/flavors/%s/os-extra_specs' % quote(current['id'], safe=''))
            current['extra_specs'] = (data or {}).get('extra_specs') or {}
        if current is not None and current.get('swap') == '':
            current['swap'] = 0
        return current

    def desired(self):
        want = super().desired()
        if 'extra_specs' in want:
            want['extra_specs'] = {str(k): spec_value(v) for k, v in want['extra_specs'].items()}
        return want

    def predict(self, current, desired):
        out = dict(current or {'disk': 0, 'OS-FLV-EXT-DATA:ephemeral': 0, 'swap': 0, 'os-flavor-access:is_public': True})
        out.update(desired)
        return out

    def create(self, desired):
        for opt in ('vcpus', 'ram'):
            if self.params[opt] is None:
                self.fail("flavor '%s' does not exist: %s is required to create it" % (self.params['name'], opt))
        body = {k: v for k, v in desired.items() if k != 'extra_specs'}
        body.setdefault('disk', 0)  # required by the Nova API
        flavor = self.client.post('compute', '/flavors', {'flavor': body})['flavor']
        specs = desired.get('extra_specs')
        if specs:
            flavor['extra_specs'] = self.client.post('compute', '/flavors/%s/os-extra_specs' % quote(flavor['id'], safe=''),
                                                     {'extra_specs': specs})['extra_specs']
        return flavor

    def update(self, current, changes):
        fid = quote(current['id'], safe='')
        out = dict(current)
        if 'description' in changes:
            out.update(self.client.put('compute', '/flavors/%s' % fid, {'flavor': {'description': changes['description']}})['flavor'])
        if 'extra_specs' in changes:
            have = current.get('extra_specs') or {}
            want = changes['extra_specs']
            for key in sorted(set(have) - set(want)):
                self.client.delete('compute', '/flavors/%s/os-extra_specs/%s' % (fid, quote(key, safe='')))
            setting = {k: v for k, v in want.items() if have.get(k) != v}
            if setting:
                self.client.post('compute', '/flavors/%s/os-extra_specs' % fid, {'extra_specs': setting})
            out['extra_specs'] = want
        return out

    def delete(self, current):
        self.client.delete('compute', '/flavors/%s' % quote(current['id'], safe=''))

    def view(self, obj):
        return {k: v for k, v in obj.items() if k != 'links'}


def main():
    FlavorModule()()


if __name__ == '__main__':
    main()
