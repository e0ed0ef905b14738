#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: object
short_description: Manage an object in a Swift container
description:
  - Upload a local file as an OpenStack Swift (object storage) object, change its content type or metadata, or
    delete it.
  - Idempotent by checksum, the MD5 of O(src) compared with the object's ETag; the file is uploaded only when the
    object is missing or its data differs, and streamed (never read into memory as a whole). Swift checks the
    MD5 it receives against the one sent.
  - A difference of O(content_type) or O(metadata) alone changes the object in place, without an upload.
  - A missing O(src) fails before any API call, naming the path; so does a file larger than 5 GiB, the limit of a
    single Swift object (segmented objects are not supported).
  - A missing container fails naming it; create it with M(ooo.cloud.object_container).
author: ooo.cloud developers (@ooo-cloud)
options:
  container:
    description:
      - Name of the container of the object.
    type: str
    required: true
  content_type:
    description:
      - Content type of the object.
      - Not managed when omitted; a new object then gets the type Swift guesses from its name, an uploaded
        new version keeps the type of the object it replaces.
    type: str
  metadata:
    description:
      - Metadata of the object (its C(X-Object-Meta-*) headers), made exactly so (keys not listed are removed).
        Values are sent as strings. Not managed when omitted (an upload keeps the metadata the object had).
      - Swift does not keep the case of the keys, so they are compared and returned in lower case. Keys are
        letters, digits and C(-) (Swift turns C(_) into C(-)).
    type: dict
  name:
    description:
      - Name of the object (at most 1024 bytes, UTF-8); it may contain C(/).
    type: str
    required: true
  src:
    description:
      - Path of the file on the deploy host whose content the object holds.
      - Required with O(state=present).
    type: path
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
notes:
  - The file is read twice when it is uploaded, once for its MD5 and once to send it.
'''

EXAMPLES = r'''
- name: A container for the artifacts
  ooo.cloud.object_container:
    cloud: overcloud
    name: artifacts

- name: A file in it (uploaded again only when it changed)
  ooo.cloud.object:
    cloud: overcloud
    container: artifacts
    name: builds/app-1.2.tar.gz
    src: "{{ playbook_dir }}/files/app-1.2.tar.gz"
    content_type: application/gzip
    metadata:
      version: "1.2"
  register: artifact

- name: Delete it
  ooo.cloud.object:
    cloud: overcloud
    container: artifacts
    name: builds/app-1.2.tar.gz
    state: absent
'''

RETURN = r'''
object:
  description: The object (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    container:
      description: Name of its container.
      type: str
    name:
      description: Name.
      type: str
    etag:
      description: Swift's ETag, the MD5 of the data.
      type: str
    bytes:
      description: Size of the data.
      type: int
    content_type:
      description: Content type.
      type: str
    metadata:
      description: Metadata, keys in lower case.
      type: dict
uploaded:
  description: Whether the file was uploaded (in check mode, whether it would be).
  returned: always
  type: bool
'''

import hashlib
import os
from urllib.parse import quote

from ansible_collections.ooo.cloud.plugins.module_utils.object_storage import (
    SERVICE, container_name_error, metadata_from, metadata_key_error, wire)
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import OpenStackError
from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule

META = 'x-object-meta-'
MAX_OBJECT = 5 * 1024 ** 3  # Swift's default max_file_size: larger needs segments
CHUNK = 1024 * 1024


def md5_of(path):
    """The MD5 of a file, read a chunk at a time: Swift's ETag of an object with its content."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(CHUNK), b''):
            digest.update(chunk)
    return digest.hexdigest()


def guess_type(name):
    """The content type Swift gives an object uploaded without one: guessed from its name."""
    import mimetypes  # pylint: disable=import-outside-toplevel
    return mimetypes.guess_type(name)[0] or 'application/octet-stream'


class ObjectModule(ResourceModule):
    noun = 'object'
    argument_spec = dict(
        container=dict(type='str', required=True),
        content_type=dict(type='str'),
        metadata=dict(type='dict'),
        name=dict(type='str', required=True),
        src=dict(type='path'),
    )
    fields = {'container': 'container', 'name': 'name', 'content_type': 'content_type', 'metadata': 'metadata'}
    updatable = ('etag', 'bytes', 'content_type', 'metadata')

    def __init__(self):
        super().__init__()
        self.results['uploaded'] = False
        self.local = {}

    def validate(self):
        p = self.params
        label = "object '%s' in container '%s'" % (p['name'], p['container'])
        problem = container_name_error(p['container'])
        if problem:
            self.fail('%s: %s' % (label, problem))
        if not p['name'] or len(p['name'].encode('utf-8')) > 1024:
            self.fail('%s: an object name must not be empty, and has at most 1024 bytes (UTF-8)' % label)
        problem = metadata_key_error(p['metadata'])
        if problem:
            self.fail('%s: %s' % (label, problem))
        if p['state'] == 'absent':
            return
        if p['src'] is None:
            self.fail('%s: src (a file on the deploy host) is required with state: present' % label)
        if not os.path.isfile(p['src']):
            self.fail('%s: src %s does not exist or is not a file' % (label, p['src']))
        size = os.path.getsize(p['src'])
        if size > MAX_OBJECT:
            self.fail('%s: src %s has %d bytes, more than the 5 GiB (%d bytes) of a single Swift object; '
                      'segmented (large) objects are not supported' % (label, p['src'], size, MAX_OBJECT))
        self.local = {'etag': md5_of(p['src']), 'bytes': size}

    @property
    def container_path(self):
        return '/' + quote(self.params['container'], safe='')

    @property
    def path(self):
        return '%s/%s' % (self.container_path, quote(self.params['name'], safe='/'))

    def fetch(self, current):
        status, headers, _data = self.client.request(SERVICE, 'HEAD', self.path, ok_404=True)
        if status == 404:
            return None
        return {'container': self.params['container'], 'name': self.params['name'],
                'etag': headers.get('etag', '').strip('"'), 'bytes': int(headers.get('content-length') or 0),
                'content_type': headers.get('content-type'),
                'metadata': metadata_from(headers, META)}

    def find(self):
        current = self.fetch(None)
        if current is None and self.params['state'] == 'present' and \
                self.client.request(SERVICE, 'HEAD', self.container_path, ok_404=True)[0] == 404:
            self.fail("container '%s' of object '%s' not found; create it first with ooo.cloud.object_container"
                      % (self.params['container'], self.params['name']))
        return current

    def desired(self):
        p = self.params
        want = dict(self.local, container=p['container'], name=p['name'])
        if p['content_type'] is not None:
            want['content_type'] = p['content_type']
        if p['metadata'] is not None:
            want['metadata'] = {str(k).lower(): str(v) for k, v in p['metadata'].items()}
        return want

    def predict(self, current, desired):
        self.results['uploaded'] = current is None or 'etag' in desired or 'bytes' in desired
        out = dict(current or {'content_type': guess_type(self.params['name']), 'metadata': {}})
        out.update(desired)
        return out

    @staticmethod
    def meta_headers(metadata):
        return {'X-Object-Meta-' + k: wire(v) for k, v in metadata.items()}

    def upload(self, want):
        """PUT the file, streamed, with the ETag Swift checks what it received against."""
        headers = dict(self.meta_headers(want.get('metadata') or {}), ETag=want['etag'])
        content_type = want.get('content_type') or guess_type(self.params['name'])
        with open(self.params['src'], 'rb') as f:
            try:
                self.client.request(SERVICE, 'PUT', self.path, raw=f, content_type=content_type, headers=headers)
            except OpenStackError as e:
                if e.status != 422:
                    raise
                self.fail("object '%s' in container '%s': Swift received data whose MD5 is not %s, that of src %s "
                          "(did the file change while it was uploaded?)"
                          % (self.params['name'], self.params['container'], want['etag'], self.params['src']))
        self.results['uploaded'] = True
        return self.fetch(want)

    def create(self, desired):
        return self.upload(desired)

    def update(self, current, changes):
        want = dict(current, **changes)
        if 'etag' in changes or 'bytes' in changes:
            return self.upload(want)  # a PUT replaces the metadata too: it sends what is kept
        # a POST replaces all the metadata of an object: the whole set is sent
        headers = self.meta_headers(want['metadata'])
        if 'content_type' in changes:
            headers['Content-Type'] = want['content_type']
        self.client.request(SERVICE, 'POST', self.path, headers=headers)
        return self.fetch(current)

    def delete(self, current):
        self.client.delete(SERVICE, self.path)


def main():
    ObjectModule()()


if __name__ == '__main__':
    main()
