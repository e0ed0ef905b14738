#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: flavor_info
short_description: List Nova flavors
description:
  - List Nova flavors (with their extra specs), all of them or one by name or id, optionally filtered.
author: ooo.cloud developers (@ooo-cloud)
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.info
  - ooo.cloud.openstack.info_options
'''

EXAMPLES = r'''
- name: All flavors
  ooo.cloud.flavor_info:
    cloud: undercloud
  register: result

- name: One flavor by name
  ooo.cloud.flavor_info:
    cloud: undercloud
    name: demo

- name: Flavors with at least 1 GiB of memory
  ooo.cloud.flavor_info:
    cloud: undercloud
    filters:
      minRam: 1024
'''

RETURN = r'''
flavors:
  description:
    - The flavors found with their extra specs, each as Nova returns it (without C(links)).
    - Each has the keys RV(ooo.cloud.flavor#module:flavor) describes, and any other the API returns.
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import InfoModule


class FlavorInfoModule(InfoModule):
    kind = 'flavor'
    plural = 'flavors'

    def view(self, obj):
        return {k: v for k, v in obj.items() if k != 'links'}


def main():
    FlavorInfoModule()()


if __name__ == '__main__':
    main()
