#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: network_info
short_description: List Neutron networks
description:
  - List Neutron networks, all of them or one by name or id, optionally filtered.
author: ooo.cloud developers (@ooo-cloud)
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.info
  - ooo.cloud.openstack.info_options
'''

EXAMPLES = r'''
- name: All networks
  ooo.cloud.network_info:
    cloud: undercloud
  register: result

- name: One network by name
  ooo.cloud.network_info:
    cloud: undercloud
    name: demo

- name: External networks
  ooo.cloud.network_info:
    cloud: undercloud
    filters:
      "router:external": true
'''

RETURN = r'''
networks:
  description:
    - The networks found, each as Neutron returns it.
    - Each has the keys RV(ooo.cloud.network#module:network) describes, and any other the API returns.
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import InfoModule


class NetworkInfoModule(InfoModule):
    kind = 'network'
    plural = 'networks'


def main():
    NetworkInfoModule()()


if __name__ == '__main__':
    main()
