# -*- coding: utf-8 -*-
from __future__ import annotations

import hashlib

from ansible_collections.ooo.cloud.plugins.modules import image, image_info

GL = 'glance'


def _upload_route(cloud):
    def upload(match, body, query):
        img = cloud.store[(GL, '/v2/images')][match.group(1)]
        data = body if isinstance(body, bytes) else str(body).encode()
        img.update(status='active', size=len(data), os_hash_algo='sha512', os_hash_value=hashlib.sha512(data).hexdigest(),
                   checksum=hashlib.md5(data).hexdigest())
        return 204, None
    cloud.route('PUT', r'glance/v2/images/([^/]+)/file', upload)


def test_image_upload_once_then_noop(cloud, run, tmp_path):
    _upload_route(cloud)
    f = tmp_path / 'disk.img'
    f.write_bytes(b'\x00QFI' * 1000)
    args = {'name': 'cirros', 'filename': str(f), 'disk_format': 'qcow2', 'visibility': 'public',
            'properties': {'hw_rng_model': 'virtio', 'hw_qemu_guest_agent': True}, 'timeout': 5}
    res = run(image.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    res = run(image.main, args)
    assert res['changed'] is True and res['image']['status'] == 'active'
    assert res['image']['hw_qemu_guest_agent'] == 'true'
    assert [m for m, p in cloud.writes()] == ['POST', 'PUT']
    res = run(image.main, args)
    assert res['changed'] is False
    assert [m for m, p in cloud.writes()] == ['POST', 'PUT']
    res = run(image.main, dict(args, min_ram=512, properties={'hw_rng_model': 'none'}))
    assert res['changed'] is True
    patch = [c for c in cloud.calls if c[0] == 'PATCH'][0][2]
    assert {'op': 'replace', 'path': '/hw_rng_model', 'value': 'none'} in patch
    assert {'op': 'replace', 'path': '/min_ram', 'value': 512} in patch
    assert res['diff']['before']['min_ram'] == 0 and res['diff']['after']['min_ram'] == 512
    f.write_bytes(b'\x01QFI' * 1000)
    res = run(image.main, args)
    assert res['failed'] and 'filename' in res['msg'] and 'sha512' in res['msg']
    res = run(image.main, dict(args, disk_format='raw'))
    assert res['failed']
    res = run(image_info.main, {'name': 'cirros'})
    assert len(res['images']) == 1
    assert run(image.main, {'name': 'cirros', 'state': 'absent'})['changed'] is True
    assert cloud.items(GL, '/v2/images') == []


def test_image_kernel_ramdisk_by_name(cloud, run):
    k = cloud.add(GL, '/v2/images', {'name': 'vmlinuz', 'status': 'active'})
    r = cloud.add(GL, '/v2/images', {'name': 'initrd', 'status': 'active'})
    res = run(image.main, {'name': 'full', 'properties': {'kernel_id': 'vmlinuz', 'ramdisk_id': r['id']}})
    assert res['changed'] is True
    assert res['image']['kernel_id'] == k['id'] and res['image']['ramdisk_id'] == r['id']
    res = run(image.main, {'name': 'full2', 'properties': {'kernel_id': 'vmlinux'}})
    assert res['failed'] and "kernel image 'vmlinux' not found" in res['msg'] and 'vmlinuz' in res['msg']


def test_image_missing_file(cloud, run, tmp_path):
    res = run(image.main, {'name': 'x', 'filename': str(tmp_path / 'nope.img')})
    assert res['failed'] and 'does not exist' in res['msg'] and cloud.calls == []
