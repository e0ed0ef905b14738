# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""Passwords in the URLs of the database and the message bus."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest

from ansible_collections.ooo.cloud.plugins.filter.urls import FilterModule, url_userinfo


def test_registered():
    assert FilterModule().filters()["url_userinfo"] is url_userinfo


@pytest.mark.parametrize("password", ["plain", "p@ss:w/rd", "100%#?&=$x", "späß word"])
def test_transport_url_keeps_the_host_and_the_password(password):
    url = "rabbit://nova:%s@10.0.0.1:5672/nova" % url_userinfo(password)
    parts = urlsplit(url)
    assert (parts.hostname, parts.port, parts.path) == ("10.0.0.1", 5672, "/nova")
    assert unquote(parts.password) == password
    assert "$" not in url
