# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""The INI rendering every service role uses."""

from __future__ import annotations

import configparser

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.ooo.cloud.plugins.filter.ini import FilterModule, to_ini


def test_registered():
    assert FilterModule().filters()["to_ini"] is to_ini


def test_default_first_then_order_kept():
    text = to_ini({"database": {"connection": "mysql+pymysql://k:p@db/keystone"},
                   "DEFAULT": {"debug": False},
                   "token": {"provider": "fernet"}})
    assert text == ("[DEFAULT]\ndebug = false\n\n"
                    "[database]\nconnection = mysql+pymysql://k:p@db/keystone\n\n"
                    "[token]\nprovider = fernet\n")


@pytest.mark.parametrize("value, written", [
    (True, "true"), (False, "false"), (2, "2"), ("x", "x"), (["a", "b"], "a,b"), ([], ""),
    ("a=b%c", "a=b%c"),
])
def test_values(value, written):
    assert to_ini({"s": {"k": value}}) == "[s]\nk = %s\n" % written


def test_none_leaves_option_or_section_out():
    assert to_ini({"s": {"a": None, "b": 1}, "t": None}) == "[s]\nb = 1\n"


def test_empty_section_kept():
    assert to_ini({"s": {}}) == "[s]\n"


def test_parses_back():
    parser = configparser.RawConfigParser()
    parser.read_string(to_ini({"DEFAULT": {"x": 1}, "cache": {"enabled": True, "servers": ["a:1", "b:2"]}}))
    assert parser.get("cache", "servers") == "a:1,b:2"
    assert parser.getboolean("cache", "enabled") is True


@pytest.mark.parametrize("sections, message", [
    ("text", "expected a dict"),
    ({"s": "text"}, "section [s] must be a dict"),
    ({"s": {"k": {"nested": 1}}}, "[s] k is a dict"),
    ({"s": {"k": "a\nb"}}, "[s] k holds a newline"),
])
def test_bad_input(sections, message):
    with pytest.raises(AnsibleFilterError, match=message.replace("[", r"\[").replace("]", r"\]")):
        to_ini(sections)


def test_oslo_reads_a_dollar_as_written(tmp_path):
    """A password with '$' in it reaches the service unchanged (oslo.config substitutes $name)."""
    from oslo_config import cfg  # pylint: disable=import-outside-toplevel
    password = "pa$$w0rd$host_${x}$"
    path = tmp_path / "service.conf"
    path.write_text(to_ini({"keystone_authtoken": {"password": password}}, oslo=True))
    conf = cfg.ConfigOpts()
    conf.register_opts([cfg.StrOpt("password")], group="keystone_authtoken")
    conf(args=[], default_config_files=[str(path)])
    assert conf.keystone_authtoken.password == password


def test_dollar_kept_single_without_oslo():
    assert to_ini({"uwsgi": {"env": "$(HOME)"}}) == "[uwsgi]\nenv = $(HOME)\n"
