#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
module: image
short_description: Manage a Glance image
description:
  - Create a Glance image and upload its data from a file on the target, update its metadata, or delete it.
  - The file is compared with the image by size and checksum (Glance C(os_hash_value), usually SHA-512, else the MD5
    C(checksum)), so an unchanged file is not uploaded again. The checksums of a file are cached in
    C(~/.cache/ooo.cloud/openstack/) by path, size and modification time.
  - Glance cannot replace the data of an active image; a different file fails naming O(filename).
  - O(disk_format) and O(container_format) can only change while the image has no data.
author: ooo.cloud developers (@ooo-cloud)
options:
  container_format:
    description:
      - Container format. V(bare) when the image is created without it.
    type: str
    choices: [aki, ami, ari, bare, compressed, docker, ova, ovf]
  disk_format:
    description:
      - Disk format. V(qcow2) when the image is created without it.
    type: str
    choices: [aki, ami, ari, iso, ploop, qcow2, raw, vdi, vhd, vhdx, vmdk]
  filename:
    description:
      - Path of the image file on the target. Without it, an image without data is created.
    type: path
  min_disk:
    description:
      - Minimum disk size in GiB to boot the image.
    type: int
  min_ram:
    description:
      - Minimum RAM in MiB to boot the image.
    type: int
  name:
    description:
      - Name of the image.
    type: str
    required: true
  properties:
    description:
      - Additional properties set on the image (others are left alone). Values are sent as strings.
      - The values of C(kernel_id) and C(ramdisk_id) may be image names; they are resolved to ids.
    type: dict
  protected:
    description:
      - Whether the image is protected against deletion.
    type: bool
  tags:
    description:
      - Tags of the image, compared as a set.
    type: list
    elements: str
  timeout:
    description:
      - Seconds to wait for the image to become active after the upload.
    type: int
    default: 600
  visibility:
    description:
      - Visibility of the image.
    type: str
    choices: [community, private, public, shared]
  wait:
    description:
      - Whether to wait for the image to become active after the upload.
    type: bool
    default: true
extends_documentation_fragment:
  - ooo.cloud.openstack
  - ooo.cloud.openstack.resource
'''

EXAMPLES = r'''
- name: Upload cirros
  ooo.cloud.image:
    cloud: undercloud
    name: cirros
    filename: /var/tmp/cirros-0.6.2-x86_64-disk.img
    disk_format: qcow2
    visibility: public
    properties:
      hw_rng_model: virtio

- name: Ramdisk-kernel style image
  ooo.cloud.image:
    cloud: undercloud
    name: overcloud-full
    filename: /var/tmp/overcloud-full.qcow2
    properties:
      kernel_id: overcloud-full-vmlinuz
      ramdisk_id: overcloud-full-initrd
'''

RETURN = r'''
image:
  description: The image as Glance returns it (null when O(state=absent)).
  returned: always
  type: dict
  contains:
    id:
      description: Image id.
      type: str
    name:
      description: Name.
      type: str
    status:
      description: Status (V(active) once it has data).
      type: str
    checksum:
      description: MD5 of the data.
      type: str
    os_hash_value:
      description: Secure hash of the data (algorithm in C(os_hash_algo)).
      type: str
    size:
      description: Size in bytes.
      type: int
'''

import hashlib
import json
import os

from ansible_collections.ooo.cloud.plugins.module_utils.openstack import wait_for
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_config import cache_dir
from ansible_collections.ooo.cloud.plugins.module_utils.os_resource import ResourceModule, is_id

PATCH_TYPE = 'application/openstack-images-v2.1-json-patch'
BASE_FIELDS = ('name', 'disk_format', 'container_format', 'visibility', 'min_disk', 'min_ram', 'protected', 'tags')


def prop_value(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def file_hashes(path, algo='sha512'):
    """{'size', algo, 'md5'} of a file, cached by path, size and mtime."""
    st = os.stat(path)
    real = os.path.realpath(path)
    cache_file = os.path.join(cache_dir(), 'file-hashes.json')
    try:
        with open(cache_file, 'r', encoding='utf-8') as f:
            cache = json.load(f)
    except (OSError, ValueError):
        cache = {}
    entry = cache.get(real) or {}
    if entry.get('size') == st.st_size and entry.get('mtime_ns') == st.st_mtime_ns and algo in entry:
        return entry
    h_algo = hashlib.new(algo)
    h_md5 = hashlib.md5(usedforsecurity=False)
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(4 * 1024 * 1024), b''):
            h_algo.update(chunk)
            h_md5.update(chunk)
    entry = {'size': st.st_size, 'mtime_ns': st.st_mtime_ns, algo: h_algo.hexdigest(), 'md5': h_md5.hexdigest()}
    cache[real] = entry
    try:
        os.makedirs(cache_dir(), mode=0o700, exist_ok=True)
        tmp = cache_file + '.%d' % os.getpid()
        with open(tmp, 'w', encoding='utf-8') as f:
            json.dump(cache, f)
        os.replace(tmp, cache_file)
    except OSError:
        pass
    return entry


class ImageModule(ResourceModule):
    kind = 'image'
    argument_spec = dict(
        container_format=dict(type='str', choices=['aki', 'ami', 'ari', 'bare', 'compressed', 'docker', 'ova', 'ovf']),
        disk_format=dict(type='str', choices=['aki', 'ami', 'ari', 'iso', 'ploop', 'qcow2', 'raw', 'vdi', 'vhd',
                                              'vhdx', 'vmdk']),
        filename=dict(type='path'),
        min_disk=dict(type='int'),
        min_ram=dict(type='int'),
        name=dict(type='str', required=True),
        properties=dict(type='dict'),
        protected=dict(type='bool'),
        tags=dict(type='list', elements='str'),
        timeout=dict(type='int', default=600),
        visibility=dict(type='str', choices=['community', 'private', 'public', 'shared']),
        wait=dict(type='bool', default=True),
    )
    fields = {k: k for k in BASE_FIELDS}
    fields.update({'properties': 'properties', 'filename': 'data'})
    updatable = ('visibility', 'min_disk', 'min_ram', 'protected', 'tags', 'properties')
    unordered = ('tags',)
    subset = ('properties',)

    mismatch = 'differs'

    def validate(self):
        path = self.params['filename']
        if self.params['state'] == 'present' and path and not os.path.isfile(path):
            self.fail("image '%s': filename %s does not exist or is not a file" % (self.params['name'], path))

    def find(self):
        current = self.find_one('image', self.params['name'], required=False)
        if current is not None and current.get('name') != self.params['name']:
            current = None
        if current is not None:
            current['properties'] = {k: current.get(k) for k in (self.params['properties'] or {})}
            current['data'] = {'status': current.get('status'), 'size': current.get('size'),
                               'os_hash_algo': current.get('os_hash_algo'), 'os_hash_value': current.get('os_hash_value'),
                               'checksum': current.get('checksum')}
        return current

    def desired(self):
        want = {k: self.params[k] for k in BASE_FIELDS if self.params[k] is not None}
        props = {}
        for key, value in (self.params['properties'] or {}).items():
            if key in ('kernel_id', 'ramdisk_id') and value and not is_id(value):
                value = self.find_id('image', value, label='%s image' % key.split('_')[0])
            props[str(key)] = prop_value(value)
        if self.params['properties'] is not None:
            want['properties'] = props
        if self.params['filename']:
            want['data'] = {'filename': self.params['filename']}
        return want

    def equal(self, field, current, wanted):
        if field == 'data':
            if not current or current.get('status') in ('queued', None):
                return False
            size = os.path.getsize(wanted['filename'])
            if current.get('size') is not None and current['size'] != size:
                self.mismatch = 'size %s, the file has %s bytes' % (current['size'], size)
                return False
            algo = current.get('os_hash_algo')
            if algo and current.get('os_hash_value'):
                got = file_hashes(wanted['filename'], algo)[algo]
                if got != current['os_hash_value']:
                    self.mismatch = '%s %s, the file has %s' % (algo, current['os_hash_value'][:16] + '...', got[:16] + '...')
                    return False
                return True
            if current.get('checksum'):
                got = file_hashes(wanted['filename'])['md5']
                if got != current['checksum']:
                    self.mismatch = 'md5 %s, the file has %s' % (current['checksum'], got)
                    return False
            return True
        return super().equal(field, current, wanted)

    def check_updatable(self, current, changes):
        queued = current.get('status') == 'queued'
        if 'data' in changes and not queued:
            self.fail("image '%s' (%s) has other data than filename %s (image %s); Glance cannot replace the data "
                      "of an image: delete it or use another name" % (current['name'], current['id'],
                                                                      self.params['filename'], self.mismatch))
        if queued:
            self.updatable = self.updatable + ('disk_format', 'container_format', 'data')
        super().check_updatable(current, changes)

    def diff_view(self, obj, fields):
        out = super().diff_view(obj, [f for f in fields if f != 'data'])
        if obj and 'data' in fields and obj.get('data'):
            data = obj['data']
            out['data'] = data.get('filename') or ('%s bytes, %s' % (data.get('size'), data.get('status')))
        return out

    def predict(self, current, desired):
        out = dict(current or {'status': 'queued'})
        out.update({k: v for k, v in desired.items() if k not in ('properties', 'data')})
        out.update(desired.get('properties') or {})
        if 'data' in desired:
            out['status'] = 'active'
        return out

    def _upload(self, image):
        with open(self.params['filename'], 'rb') as f:
            self.client.request('image', 'PUT', '/images/%s/file' % image['id'], raw=f,
                                content_type='application/octet-stream',
                                headers={'Content-Length': str(os.fstat(f.fileno()).st_size)})
        if not self.params['wait']:
            return self.client.get('image', '/images/%s' % image['id'])
        try:
            return wait_for(lambda: self.client.get('image', '/images/%s' % image['id']), ready=('active',),
                            failed=('killed', 'deleted', 'deactivated'), timeout=self.params['timeout'],
                            what="image '%s'" % image['name'])
        except Exception as e:  # pylint: disable=broad-except
            self.fail("upload of image '%s' failed: %s" % (image['name'], e))

    def create(self, desired):
        body = {k: v for k, v in desired.items() if k not in ('properties', 'data')}
        body.setdefault('disk_format', 'qcow2')
        body.setdefault('container_format', 'bare')
        body.update(desired.get('properties') or {})
        image = self.client.post('image', '/images', body)
        if 'data' in desired:
            image = self._upload(image)
        return image

    def update(self, current, changes):
        ops = []
        for key, value in changes.items():
            if key == 'data':
                continue
            if key == 'properties':
                for pkey, pval in value.items():
                    if current.get(pkey) != pval:
                        ops.append({'op': 'replace' if pkey in current and current[pkey] is not None else 'add',
                                    'path': '/%s' % pkey, 'value': pval})
            else:
                ops.append({'op': 'replace', 'path': '/%s' % key, 'value': value})
        image = current
        if ops:
            image = self.client.patch('image', '/images/%s' % current['id'], ops, content_type=PATCH_TYPE)
        if 'data' in changes:
            image = self._upload(image)
        return image

    def view(self, obj):
        return {k: v for k, v in obj.items() if k not in ('data', 'properties')}


def main():
    ImageModule()()


if __name__ == '__main__':
    main()
