"""The undercloud is a working OpenStack: its real APIs answer and do real work."""

from __future__ import annotations

import re

import pytest
from ooo_testlib import guest_console

SERVICE_TYPES = {"identity", "image", "placement", "compute", "network"}
GUEST_IMAGE = "ooo-guest"


def test_a_token_is_issued(conn):
    token = conn.auth_token
    assert token and len(token) > 20
    assert conn.identity.get_user(conn.current_user_id).name == "admin"


def test_the_catalog_lists_every_service(conn):
    types = {service.type for service in conn.identity.services()}
    assert SERVICE_TYPES <= types, "missing from the catalog: %s" % (SERVICE_TYPES - types)
    for service in conn.identity.services():
        if service.type in SERVICE_TYPES:
            interfaces = {e.interface for e in conn.identity.endpoints(service_id=service.id)}
            assert interfaces == {"public", "internal", "admin"}, (service.type, interfaces)


def test_every_compute_service_is_up(conn):
    services = {(s.binary, s.state, s.status) for s in conn.compute.services()}
    for binary in ("nova-conductor", "nova-scheduler", "nova-compute"):
        assert (binary, "up", "enabled") in services, services
    assert list(conn.compute.hypervisors()), "no hypervisor registered"
    assert list(conn.placement.resource_providers()), "no resource provider in placement"


def test_network_agents_are_alive(conn):
    agents = list(conn.network.agents())
    assert agents and all(agent.is_alive for agent in agents), [(a.agent_type, a.is_alive) for a in agents]


def test_an_image_uploads_and_goes_active(conn, unique, tmp_path):
    data = tmp_path / "disk.raw"
    data.write_bytes(b"\0" * 1024 * 1024)
    image = conn.image.create_image(name=unique, filename=str(data), disk_format="raw",
                                    container_format="bare", wait=True, timeout=120)
    try:
        image = conn.image.get_image(image.id)
        assert image.status == "active"
        assert image.size == 1024 * 1024
    finally:
        conn.image.delete_image(image.id)
    assert conn.image.find_image(unique) is None


@pytest.fixture
def tenant_network(conn, unique):
    """A network, subnet and router with its gateway on the external network."""
    external = next(iter(conn.network.networks(is_router_external=True)), None)
    assert external is not None, "the deploy made no external network"
    network = conn.network.create_network(name=unique)
    subnet = conn.network.create_subnet(name=unique, network_id=network.id, ip_version=4,
                                        cidr="192.168.77.0/24", dns_nameservers=[])
    router = conn.network.create_router(name=unique, external_gateway_info={"network_id": external.id})
    conn.network.add_interface_to_router(router, subnet_id=subnet.id)
    yield {"network": network, "subnet": subnet, "router": router, "external": external}
    for port in conn.network.ports(device_owner="compute:nova", network_id=network.id):
        conn.network.delete_port(port)
    conn.network.remove_interface_from_router(router, subnet_id=subnet.id)
    conn.network.delete_router(router)
    conn.network.delete_subnet(subnet)
    conn.network.delete_network(network)


def test_a_router_gets_an_external_gateway(conn, tenant_network):
    router = conn.network.get_router(tenant_network["router"].id)
    gateway = router.external_gateway_info
    assert gateway["network_id"] == tenant_network["external"].id
    assert gateway["external_fixed_ips"], "the router's gateway has no external address"
    ports = list(conn.network.ports(device_id=router.id))
    assert any(p.fixed_ips[0]["subnet_id"] == tenant_network["subnet"].id for p in ports)


def test_a_server_boots_gets_dhcp_and_reads_metadata(conn, unique, tenant_network):
    image = conn.image.find_image(GUEST_IMAGE)
    assert image is not None, "the deploy uploaded no %s image" % GUEST_IMAGE
    flavor = conn.compute.create_flavor(name=unique, ram=192, vcpus=1, disk=1)
    server = None
    try:
        server = conn.compute.create_server(name=unique, image_id=image.id, flavor_id=flavor.id,
                                            networks=[{"uuid": tenant_network["network"].id}])
        server = conn.compute.wait_for_server(server, status="ACTIVE", failures=["ERROR"], wait=300)
        assert server.status == "ACTIVE"
        address = server.addresses[tenant_network["network"].name][0]["addr"]

        console = guest_console(conn, server)
        lease = re.search(r"ooo-guest: dhcp lease (\S+)", console)
        assert lease and lease.group(1) == address, console[-2000:]
        assert re.search(r"ooo-guest: instance-id i-[0-9a-f]{8}", console), console[-2000:]
        assert "ooo-guest: uuid %s" % server.id in console, console[-2000:]
    finally:
        if server is not None:
            conn.compute.delete_server(server)
            conn.compute.wait_for_delete(server, wait=120)
        conn.compute.delete_flavor(flavor)
