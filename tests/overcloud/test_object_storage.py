"""Object storage: Swift's proxy behind HAProxy on the public address, its account, container
and object servers on the storage node, as the demo tenant's user calls them.

The deployment's contract (roles/swift): the object-store service in the catalog, the proxy
checking Keystone tokens (keystoneauth: the member role owns its project's account), the
rings handed out to every node. Everything is named e2e-swift-… and deleted at the end (and
what an interrupted run left, at the start).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest
import requests
import yaml

from ooo_testlib import wait_until

PREFIX = "e2e-swift"
STORAGE_NODE = "overcloud-storage-0"
SERVERS = ("swift-account", "swift-container", "swift-object")
SSH = ["ssh", "-F", ".lab/ssh/config"]


@pytest.fixture(scope="module", autouse=True)
def swift_deployed():
    """Swift is part of the overcloud unless playbooks/vars/overcloud.yml says otherwise."""
    plan = yaml.safe_load((Path(__file__).parents[2] / "playbooks/vars/overcloud.yml").read_text())
    if not plan["ooo_swift_enabled"]:
        pytest.skip("ooo_swift_enabled is false in playbooks/vars/overcloud.yml: no Swift to test")


class Account:
    """A project's Swift account at the catalog's public endpoint, with the user's token."""

    def __init__(self, conn):
        self.url = conn.session.get_endpoint(service_type="object-store", interface="public").rstrip("/")
        self.token = conn.session.get_token()

    def __call__(self, method, path="", token=True, **kwargs):
        headers = dict(kwargs.pop("headers", {}), **({"X-Auth-Token": self.token} if token else {}))
        return requests.request(method, self.url + path, headers=headers, timeout=120, **kwargs)

    def delete_container(self, name):
        listing = self("GET", "/" + name, params={"format": "json"})
        for obj in listing.json() if listing.status_code == 200 else []:
            self("DELETE", "/%s/%s" % (name, obj["name"]))
        self("DELETE", "/" + name)


@pytest.fixture(scope="module")
def account(demo):
    account = Account(demo)
    listing = account("GET", params={"format": "json"})
    assert listing.status_code in (200, 204), (listing.status_code, listing.text)
    for container in listing.json() if listing.status_code == 200 else []:
        if container["name"].startswith(PREFIX):
            account.delete_container(container["name"])
    yield account
    for name in ("private", "public"):
        account.delete_container("%s-%s" % (PREFIX, name))


@pytest.fixture(scope="module")
def big_object(account, tmp_path_factory):
    """10 MiB of random bytes in the private container; its MD5."""
    path = tmp_path_factory.mktemp("swift") / "ten-mib.bin"
    path.write_bytes(os.urandom(10 * 1024 * 1024))
    md5 = hashlib.md5(path.read_bytes()).hexdigest()
    container = "/%s-private" % PREFIX
    assert account("PUT", container).status_code in (201, 202)
    with path.open("rb") as body:
        response = account("PUT", container + "/ten-mib.bin", data=body, headers={"ETag": md5})
    assert response.status_code == 201, (response.status_code, response.text)
    return container + "/ten-mib.bin", md5


def test_object_store_is_in_the_catalog_behind_haproxy(admin):
    catalog = {entry["type"]: entry for entry in admin.session.auth.get_access(admin.session).service_catalog.catalog}
    assert "object-store" in catalog, "no object-store in the catalog: %s" % sorted(catalog)
    public = [e["url"] for e in catalog["object-store"]["endpoints"] if e["interface"] == "public"]
    health = requests.get(public[0].split("/v1/")[0] + "/healthcheck", timeout=30)
    assert health.status_code == 200 and health.text == "OK", (public, health.status_code, health.text)


def test_a_10_mib_object_comes_back_with_the_same_checksum(account, big_object):
    path, md5 = big_object
    response = account("GET", path)
    assert response.status_code == 200, (response.status_code, response.text[:200])
    assert len(response.content) == 10 * 1024 * 1024
    assert hashlib.md5(response.content).hexdigest() == md5 == response.headers["ETag"]


def test_a_public_container_serves_without_a_token_and_another_project_gets_403(account, big_object, admin):
    container = "/%s-public" % PREFIX
    assert account("PUT", container, headers={"X-Container-Read": ".r:*"}).status_code in (201, 202)
    assert account("PUT", container + "/hello.txt", data=b"hello from swift\n").status_code == 201
    anonymous = account("GET", container + "/hello.txt", token=False)
    assert anonymous.status_code == 200 and anonymous.content == b"hello from swift\n", anonymous.status_code
    # The private container: no token is 401, the admin project's token (no role on the demo
    # project, and not a reseller admin) is 403.
    private, _md5 = big_object
    assert account("GET", private, token=False).status_code == 401
    stranger = requests.get(account.url + private, headers={"X-Auth-Token": admin.session.get_token()}, timeout=60)
    assert stranger.status_code == 403, (stranger.status_code, stranger.text[:200])


def test_objects_survive_a_restart_of_the_storage_node_servers(account, big_object):
    path, md5 = big_object
    subprocess.run(SSH + [STORAGE_NODE, "systemctl", "restart", *SERVERS], check=True, timeout=120)

    # A unit may still be "activating" when the restart returns; one that failed stays failed.
    def all_active():
        states = subprocess.run(SSH + [STORAGE_NODE, "systemctl", "is-active", *SERVERS], check=False,
                                capture_output=True, text=True, timeout=60).stdout.split()
        assert "failed" not in states, dict(zip(SERVERS, states))
        return states == ["active"] * len(SERVERS)
    wait_until("%s to be active after the restart" % ", ".join(SERVERS), all_active, timeout=60, interval=2)

    def served():
        response = account("GET", path)
        return response if response.status_code == 200 else None
    response = wait_until("the object after the restart", served, timeout=60, interval=2)
    assert hashlib.md5(response.content).hexdigest() == md5
