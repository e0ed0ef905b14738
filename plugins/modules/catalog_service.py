#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: catalog_service
short_description: Manage a service of the Keystone catalog
description:
  - Create, update or delete a service of the Keystone (identity v3) service catalog,
    idempotently. A service is known by its name and type together.
  - Its endpoints are managed with M(ooo.cloud.endpoint). Deleting a service deletes its endpoints too.
author: ooo.cloud developers (@ooo-cloud)
options:
  description:
    description:
      - Description of the service. Not managed when omitted.
    type: str
  enabled:
    description:
      - Whether the service is enabled.
    type: bool
    default: true
  name:
    description:
      - Name of the service, for example V(glance).
    type: str
    required: true
  service_type:
    description:
      - Type of the service, for example V(image). Clients find the service by its type.
    type: str
    required: true
    aliases: [type]
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: Put Glance in the catalog
  ooo.cloud.catalog_service:
    cloud: undercloud
    name: glance
    service_type: image
    description: OpenStack Image service

- name: Take Glance out of the catalog
  ooo.cloud.catalog_service:
    cloud: undercloud
    name: glance
    service_type: image
    state: absent
'''

RETURN = r'''
service:
  description: The catalog service (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Service id.
      type: str
    name:
      description: Service name.
      type: str
    type:
      description: Service type.
      type: str
    description:
      description: Description.
      type: str
    enabled:
      description: Whether the service is enabled.
      type: bool
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule


class CatalogServiceModule(ResourceModule):
    kind = 'service'
    view_keys = ('id', 'name', 'type', 'description', 'enabled')
    argument_spec = dict(
        description=dict(type='str'),
        enabled=dict(type='bool', default=True),
        name=dict(type='str', required=True),
        service_type=dict(type='str', required=True, aliases=['type']),
    )
    fields = {'name': 'name', 'service_type': 'type', 'description': 'description', 'enabled': 'enabled'}
    updatable = ('description', 'enabled')

    def find(self):
        services = self.client.list('identity', '/services', 'services', {'type': self.params['service_type']})
        matches = [s for s in services if s.get('name') == self.params['name']]
        if len(matches) > 1:
            self.fail("catalog service '%s' of type '%s' is ambiguous: %d services (%s); delete the extra ones"
                      % (self.params['name'], self.params['service_type'], len(matches),
                         ', '.join(m['id'] for m in matches)))
        return matches[0] if matches else None


def main():
    CatalogServiceModule()()


if __name__ == '__main__':
    main()
