"""Fixtures for the undercloud suite: real API calls against the deployed undercloud."""

from __future__ import annotations

import os
import uuid

import openstack
import pytest

CLOUD = os.environ.get("OOO_TEST_CLOUD", "undercloud")


@pytest.fixture(scope="session")
def conn():
    """An authenticated connection, from the clouds.yaml entry the deploy wrote."""
    connection = openstack.connect(cloud=CLOUD)
    yield connection
    connection.close()


@pytest.fixture
def unique():
    """A resource name prefix that no other test run uses."""
    return "ooo-test-%s" % uuid.uuid4().hex[:8]
