#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: endpoint
short_description: Manage an endpoint of the Keystone catalog
description:
  - Create, update or delete an endpoint of a service of the Keystone (identity v3)
    catalog, idempotently. An endpoint is known by its service, interface and region;
    its URL changes in place.
author: ooo.cloud developers (@ooo-cloud)
options:
  enabled:
    description:
      - Whether the endpoint is enabled.
    type: bool
    default: true
  endpoint_interface:
    description:
      - Interface of the endpoint.
      - Not named C(interface), which is the catalog interface this module's own API calls use.
    type: str
    required: true
    choices: [admin, internal, public]
  region:
    description:
      - Id of the region of the endpoint.
      - When omitted, the endpoint of O(service) and O(endpoint_interface) in any region is managed, and
        several of them fail asking for a region.
    type: str
  service:
    description:
      - Name or id of the catalog service (see M(ooo.cloud.catalog_service)).
    type: str
    required: true
  url:
    description:
      - URL of the endpoint. Required when O(state=present).
    type: str
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: Publish Glance's public endpoint
  ooo.cloud.endpoint:
    cloud: undercloud
    service: glance
    endpoint_interface: public
    url: http://192.0.2.10:9292
    region: RegionOne

- name: Remove Glance's admin endpoint
  ooo.cloud.endpoint:
    cloud: undercloud
    service: glance
    endpoint_interface: admin
    region: RegionOne
    state: absent
'''

RETURN = r'''
endpoint:
  description: The endpoint (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Endpoint id.
      type: str
    service_id:
      description: Id of the catalog service.
      type: str
    interface:
      description: Interface (admin, internal or public).
      type: str
    region_id:
      description: Id of the region.
      type: str
    url:
      description: URL.
      type: str
    enabled:
      description: Whether the endpoint is enabled.
      type: bool
'''

from ansible_collections.ooo.cloud.plugins.module_utils.openstack_config import drop_token_caches
from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


class EndpointModule(ResourceModule):
    kind = 'endpoint'
    view_keys = ('id', 'service_id', 'interface', 'region_id', 'url', 'enabled')
    argument_spec = dict(
        enabled=dict(type='bool', default=True),
        endpoint_interface=dict(type='str', required=True, choices=['admin', 'internal', 'public']),
        region=dict(type='str'),
        service=dict(type='str', required=True),
        url=dict(type='str'),
    )
    module_kwargs = dict(required_if=[('state', 'present', ['url'])])
    fields = {'url': 'url', 'enabled': 'enabled', 'endpoint_interface': 'interface', 'region': 'region_id'}
    updatable = ('url', 'enabled')

    def validate(self):
        if self.params['state'] == 'present' and not self.params['url']:
            self.fail('%s needs a url to be present' % self.resource_label())

    def find(self):
        # In check mode the service may be one an earlier task only predicted: its endpoints
        # are then all to be created.
        self.service = self.find_one('service', self.params['service'], label='catalog service',
                                     required=not self.check_mode) or {'id': None}
        if self.service['id'] is None:
            return None
        filters = {'service_id': self.service['id'], 'interface': self.params['endpoint_interface']}
        if self.params['region'] is not None:
            filters['region_id'] = self.params['region']
        endpoints = [e for e in self.client.list('identity', '/endpoints', 'endpoints', filters)
                     if all(e.get(k) == v for k, v in filters.items())]
        if len(endpoints) > 1:
            self.fail('%s is ambiguous: %d endpoints (%s); give the region, or delete the extra ones'
                      % (self.resource_label(), len(endpoints),
                         ', '.join('%s in %s' % (e.get('url'), e.get('region_id')) for e in endpoints)))
        return endpoints[0] if endpoints else None

    # The catalogs cached with tokens (this and other credentials') name the old endpoints.
    def create(self, desired):
        created = super().create(desired)
        drop_token_caches()
        return created

    def update(self, current, changes):
        updated = super().update(current, changes)
        drop_token_caches()
        return updated

    def delete(self, current):
        super().delete(current)
        drop_token_caches()

    def desired(self):
        want = super().desired()
        want['service_id'] = self.service['id']
        return want

    def resource_label(self, current=None):
        return "%s endpoint of catalog service '%s'" % (self.params['endpoint_interface'], self.params['service'])

    def diff_fields(self, current, desired):
        return set(self.fields.values()) | {'service_id'}


def main():
    EndpointModule()()


if __name__ == '__main__':
    main()
