"""Fixtures for the overcloud suite: real API calls against the deployed overcloud."""

from __future__ import annotations

import openstack
import pytest


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
