"""ceph_key and ceph_fsid: cephx keys and a UUID derived from a random secret."""

from __future__ import annotations

import base64
import shutil
import struct
import subprocess
import uuid

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.ooo.cloud.plugins.filter.ceph import FilterModule, ceph_fsid, ceph_key

SECRET = "Zq8kR2mXv5LtN0bWc3HsY7uPa9EfGd1J"


def test_key_has_cephx_layout():
    raw = base64.b64decode(ceph_key(SECRET), validate=True)
    assert len(raw) == 12 + 16
    key_type, sec, nsec, length = struct.unpack("<HIIH", raw[:12])
    assert (key_type, sec, nsec, length) == (1, 0, 0, 16)
    assert len(raw[12:]) == length


def test_key_is_40_characters_of_base64():
    key = ceph_key(SECRET)
    assert len(key) == 40
    assert key.startswith("AQAAAAAAAAAAAB")  # type 1, created 0.0, length 16


def test_key_is_deterministic_and_depends_on_the_secret():
    assert ceph_key(SECRET) == ceph_key(SECRET)
    assert ceph_key(SECRET) != ceph_key(SECRET[::-1])


def test_fsid_is_a_uuid4_and_deterministic():
    fsid = ceph_fsid(SECRET)
    assert str(uuid.UUID(fsid)) == fsid
    assert uuid.UUID(fsid).version == 4
    assert ceph_fsid(SECRET) == fsid
    assert ceph_fsid(SECRET[::-1]) != fsid


def test_key_and_fsid_bytes_differ():
    key_bytes = base64.b64decode(ceph_key(SECRET))[12:]
    assert key_bytes != uuid.UUID(ceph_fsid(SECRET)).bytes


@pytest.mark.parametrize("name, bad", [("ceph_key", "short"), ("ceph_key", None), ("ceph_fsid", "x" * 15), ("ceph_fsid", 42)])
def test_refuses_short_or_non_string_secrets(name, bad):
    with pytest.raises(AnsibleFilterError, match="at least 16 characters") as error:
        FilterModule().filters()[name](bad)
    assert "short" not in str(error.value)


@pytest.mark.skipif(shutil.which("ceph-authtool") is None, reason="ceph-authtool is not installed")
def test_ceph_authtool_accepts_the_key(tmp_path):
    keyring = tmp_path / "keyring"
    keyring.write_text("[client.probe]\n\tkey = %s\n" % ceph_key(SECRET))
    printed = subprocess.run(["ceph-authtool", str(keyring), "-n", "client.probe", "-p"],
                             check=True, capture_output=True, text=True)
    assert printed.stdout.strip() == ceph_key(SECRET)
