"""Fixtures for the overcloud suite: real API calls against the deployed overcloud."""

from __future__ import annotations

import os

import openstack
import pytest

from ooo_testlib import TLS_CA_FILE

# The overcloud's public endpoints are https, signed by the undercloud's CA: the tests' own
# requests calls verify with it as the SDK (clouds.yaml's cacert) does (replacing the system's
# bundle: the tests reach no other https server).
if TLS_CA_FILE.exists():
    os.environ["REQUESTS_CA_BUNDLE"] = str(TLS_CA_FILE)


def _connect(cloud):
    connection = openstack.connect(cloud=cloud)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def admin():
    """The overcloud's administrator (clouds.yaml entry `overcloud`)."""
    yield from _connect("overcloud")


@pytest.fixture(scope="session")
def demo():
    """The demo tenant's user (clouds.yaml entry `overcloud-demo`)."""
    yield from _connect("overcloud-demo")


@pytest.fixture(scope="session")
def undercloud():
    """The undercloud, which records the overcloud's nodes."""
    yield from _connect("undercloud")
