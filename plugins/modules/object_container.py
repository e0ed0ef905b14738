#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: object_container
short_description: Manage a Swift container
description:
  - Create, update or delete an OpenStack Swift (object storage) container in the account of the project of the
    token.
  - Its read ACL, write ACL and metadata change in place; options not given are left as they are.
  - Deleting a container that holds objects fails, before any change, naming how many it holds, unless
    O(delete_objects) is set.
  - A name with C(/) or longer than 256 bytes fails before any API call.
author: ooo.cloud developers (@ooo-cloud)
options:
  delete_objects:
    description:
      - With O(state=absent), delete the objects of the container first, then the container.
      - Without it a container that holds objects is not deleted.
    type: bool
    default: false
  metadata:
    description:
      - Metadata of the container (its C(X-Container-Meta-*) headers), made exactly so (keys not listed are
        removed). Values are sent as strings. Not managed when omitted.
      - Swift does not keep the case of the keys, so they are compared and returned in lower case. Keys are
        letters, digits and C(-) (Swift turns C(_) into C(-)).
    type: dict
  name:
    description:
      - Name of the container, without C(/) and at most 256 bytes (UTF-8).
    type: str
    required: true
  read_acl:
    description:
      - Read ACL (C(X-Container-Read)), for example V(.r:*,.rlistings) to make the container public and listable,
        or V(<project_id>:<user_id>) entries separated by commas.
      - An empty string removes it. Not managed when omitted.
    type: str
  write_acl:
    description:
      - Write ACL (C(X-Container-Write)), V(<project_id>:<user_id>) entries separated by commas; referrers
        (C(.r:)) are not allowed.
      - An empty string removes it. Not managed when omitted.
    type: str
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: A public container, listable by anyone
  ooo.cloud.object_container:
    cloud: overcloud
    name: artifacts
    read_acl: .r:*,.rlistings
    metadata:
      owner: ci

- name: Private again (the ACL removed), metadata left as it is
  ooo.cloud.object_container:
    cloud: overcloud
    name: artifacts
    read_acl: ""

- name: Delete it with its objects
  ooo.cloud.object_container:
    cloud: overcloud
    name: artifacts
    state: absent
    delete_objects: true
'''

RETURN = r'''
container:
  description: The container (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    name:
      description: Name.
      type: str
    read_acl:
      description: Read ACL, as Swift keeps it (empty when there is none).
      type: str
    write_acl:
      description: Write ACL, as Swift keeps it (empty when there is none).
      type: str
    metadata:
      description: Metadata, keys in lower case.
      type: dict
    object_count:
      description: Number of objects.
      type: int
    bytes_used:
      description: Bytes the objects take.
      type: int
'''

import time
from urllib.parse import quote

from ansible_collections.ooo.cloud.plugins.module_utils.object_storage import (
    SERVICE, container_name_error, metadata_from, metadata_key_error, unwire, wire)
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import OpenStackError
from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule

META = 'x-container-meta-'
# The designators of a referrer ACL entry; Swift stores each as .r: (its acl.clean_acl).
REFERRERS = ('.r', '.ref', '.referer', '.referrer')


def clean_acl(acl):
    """The ACL as Swift stores it: entries without spaces, empty ones dropped, referrers as .r:."""
    entries = []
    for entry in acl.split(','):
        first, sep, second = (part.strip() for part in entry.partition(':'))
        if first.lower() in REFERRERS and sep:
            first = '.r'
        entry = first + sep + second
        if entry:
            entries.append(entry)
    return ','.join(entries)


def container_view(name, headers):
    return {'name': name,
            'read_acl': unwire(headers.get('x-container-read', '')),
            'write_acl': unwire(headers.get('x-container-write', '')),
            'metadata': metadata_from(headers, META),
            'object_count': int(headers.get('x-container-object-count') or 0),
            'bytes_used': int(headers.get('x-container-bytes-used') or 0)}


class ObjectContainerModule(ResourceModule):
    noun = 'container'
    argument_spec = dict(
        delete_objects=dict(type='bool', default=False),
        metadata=dict(type='dict'),
        name=dict(type='str', required=True),
        read_acl=dict(type='str'),
        write_acl=dict(type='str'),
    )
    fields = {'name': 'name', 'read_acl': 'read_acl', 'write_acl': 'write_acl', 'metadata': 'metadata'}
    updatable = ('read_acl', 'write_acl', 'metadata')

    def validate(self):
        p = self.params
        label = "container '%s'" % p['name']
        problem = container_name_error(p['name'])
        if problem:
            self.fail('%s: %s' % (label, problem))
        if p['write_acl'] and any(e.startswith('.r:') for e in clean_acl(p['write_acl']).split(',')):
            self.fail('%s: write_acl %s has a referrer (.r:) entry; Swift allows referrers in read_acl only'
                      % (label, p['write_acl']))
        problem = metadata_key_error(p['metadata'])
        if problem:
            self.fail('%s: %s' % (label, problem))

    @property
    def path(self):
        return '/' + quote(self.params['name'], safe='')

    def fetch(self, current):
        status, headers, _data = self.client.request(SERVICE, 'HEAD', self.path, ok_404=True)
        return None if status == 404 else container_view(self.params['name'], headers)

    def find(self):
        current = self.fetch(None)
        if current and self.params['state'] == 'absent' and current['object_count'] and not self.params['delete_objects']:
            self.fail(self.not_empty(current))
        return current

    def not_empty(self, current):
        count = current['object_count']
        msg = "container '%s' holds %s" % (current['name'], "objects (Swift's count lags behind)" if not count else
                                           '%d object%s (%d bytes)' % (count, '' if count == 1 else 's',
                                                                       current['bytes_used']))
        if self.params['delete_objects']:
            return msg + ' after its objects were deleted (uploaded meanwhile?)'
        return msg + '; set delete_objects: true to delete them with it'

    def desired(self):
        p = self.params
        want = {'name': p['name']}
        for opt in ('read_acl', 'write_acl'):
            if p[opt] is not None:
                want[opt] = clean_acl(p[opt])
        if p['metadata'] is not None:
            want['metadata'] = {str(k).lower(): str(v) for k, v in p['metadata'].items()}
        return want

    def predict(self, current, desired):
        out = dict(current or {'read_acl': '', 'write_acl': '', 'metadata': {}, 'object_count': 0, 'bytes_used': 0})
        out.update(desired)
        return out

    def headers(self, changes, current=None):
        """The headers that set ``changes``; a metadata key of ``current`` not in them is removed."""
        out = {}
        for field, name in (('read_acl', 'Read'), ('write_acl', 'Write')):
            if changes.get(field):
                out['X-Container-' + name] = wire(changes[field])
            elif field in changes:
                out['X-Remove-Container-' + name] = 'x'
        if 'metadata' in changes:
            have = (current or {}).get('metadata') or {}
            for key, value in changes['metadata'].items():
                if have.get(key) != value:
                    out['X-Container-Meta-' + key] = wire(value)
            for key in sorted(set(have) - set(changes['metadata'])):
                out['X-Remove-Container-Meta-' + key] = 'x'
        return out

    def create(self, desired):
        # what is empty is not set (nothing to remove from a new container)
        self.client.request(SERVICE, 'PUT', self.path, headers=self.headers({k: v for k, v in desired.items() if v}))
        return self.fetch(desired)

    def update(self, current, changes):
        self.client.request(SERVICE, 'POST', self.path, headers=self.headers(changes, current))
        return self.fetch(current)

    def object_names(self):
        """The names of the container's objects, page after page (Swift lists up to 10000 a page)."""
        names, marker = [], None
        while True:
            page = self.client.request(SERVICE, 'GET', self.path, params={'format': 'json', 'marker': marker})[2] or []
            if not page:
                return names
            names.extend(o['name'] for o in page)
            marker = page[-1]['name']

    def delete(self, current):
        for attempt in (1, 2, 3):
            if self.params['delete_objects']:
                for name in self.object_names():
                    self.client.delete(SERVICE, '%s/%s' % (self.path, quote(name, safe='/')))
            try:
                self.client.delete(SERVICE, self.path)
                return
            except OpenStackError as e:
                if e.status != 409:
                    raise
            if not self.params['delete_objects']:
                break
            time.sleep(attempt)  # Swift's listing lags behind the deletes of its objects
        self.fail(self.not_empty(self.fetch(current) or current))


def main():
    ObjectContainerModule()()


if __name__ == '__main__':
    main()
