"""systemd_units: the state of many units from one `systemctl show`."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.ooo.cloud.plugins.filter.systemd_units import systemd_units

SHOW = """\
Id=nova-api.service
ActiveState=active
UnitFileState=enabled

Id=libvirtd.socket
ActiveState=active
UnitFileState=static

Id=nova-conductor.service
ActiveState=failed
UnitFileState=enabled

Id=mariadb.service
ActiveState=inactive
UnitFileState=disabled

Id=nope.service
ActiveState=inactive
UnitFileState=
"""


def test_units_are_keyed_by_id_without_service():
    units = systemd_units(SHOW)
    assert units["nova-api"] == {"active": True, "enabled": True, "running": True,
                                 "ActiveState": "active", "UnitFileState": "enabled"}
    assert units["libvirtd.socket"]["running"]  # static counts as enabled
    assert not units["nova-conductor"]["running"] and units["nova-conductor"]["enabled"]
    assert units["mariadb"] == {"active": False, "enabled": False, "running": False,
                                "ActiveState": "inactive", "UnitFileState": "disabled"}
    assert not units["nope"]["active"] and not units["nope"]["enabled"]


def test_names_key_the_result_so_an_alias_is_found_by_its_name():
    names = ["nova-api", "libvirtd.socket", "nova-conductor.service", "mysql", "nope"]
    units = systemd_units(SHOW, iter(names))
    assert list(units) == names  # as given, ".service" and all
    assert units["nova-conductor.service"]["ActiveState"] == "failed"
    assert units["mysql"]["UnitFileState"] == "disabled"


def test_a_count_mismatch_is_an_error():
    with pytest.raises(AnsibleFilterError, match="2 units named but systemctl show described 5"):
        systemd_units(SHOW, ["a", "b"])


def test_input_must_be_text():
    with pytest.raises(AnsibleFilterError, match="expected the text"):
        systemd_units({"Id": "x"})
    assert systemd_units("") == {}
