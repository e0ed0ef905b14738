#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: image_info
short_description: List Glance images
description:
  - List Glance images, all of them or one by name or id, optionally filtered.
author: ooo.cloud developers (@ooo-cloud)
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.info
  - ooo.cloud.openstack.info_options
'''

EXAMPLES = r'''
- name: All images
  ooo.cloud.image_info:
    cloud: undercloud
  register: result

- name: One image by name
  ooo.cloud.image_info:
    cloud: undercloud
    name: demo

- name: Public images
  ooo.cloud.image_info:
    cloud: undercloud
    filters:
      visibility: public
'''

RETURN = r'''
images:
  description:
    - The images found, each as Glance returns it.
    - Each has the keys RV(ooo.cloud.image#module:image) describes, and any other the API returns.
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import InfoModule


class ImageInfoModule(InfoModule):
    kind = 'image'
    plural = 'images'


def main():
    ImageInfoModule()()


if __name__ == '__main__':
    main()
