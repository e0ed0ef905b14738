"""The overcloud is a working multi-node OpenStack, deployed through the undercloud."""

from __future__ import annotations

import re

from ooo_testlib import guest_console, inventory, lab_nodes

CONTROLLER = "overcloud-controller-0"
COMPUTES = {"overcloud-compute-0", "overcloud-compute-1"}
STORAGE = {"overcloud-storage-0"}
DEMO_SERVER = "demo-server"
DEMO_NETWORK = "demo-net"


def test_both_computes_are_hypervisors(admin):
    hypervisors = {h.name: h for h in admin.compute.hypervisors(details=True)}
    assert COMPUTES <= set(hypervisors), "hypervisors: %s" % sorted(hypervisors)
    assert CONTROLLER not in hypervisors, "the controller must not be a hypervisor"
    for name in COMPUTES:
        assert hypervisors[name].state == "up" and hypervisors[name].status == "enabled", hypervisors[name]
    providers = {p.name for p in admin.placement.resource_providers()}
    assert COMPUTES <= providers, "resource providers in placement: %s" % sorted(providers)


def test_the_control_plane_runs_on_the_controller(admin):
    services = {(s.binary, s.host): s for s in admin.compute.services()}
    for binary in ("nova-conductor", "nova-scheduler"):
        assert services[(binary, CONTROLLER)].state == "up", services[(binary, CONTROLLER)]
    for compute in COMPUTES:
        assert services[("nova-compute", compute)].state == "up"
    assert ("nova-compute", CONTROLLER) not in services


def test_every_node_is_an_alive_ovn_chassis(admin):
    agents = list(admin.network.agents())
    chassis = {a.host for a in agents if a.agent_type in ("OVN Controller agent", "OVN Controller Gateway agent")}
    assert COMPUTES | {CONTROLLER} <= chassis, chassis
    dead = [(a.agent_type, a.host) for a in agents if not a.is_alive]
    assert not dead, "agents not alive: %s" % dead


def test_the_demo_server_is_active_on_a_compute_and_got_dhcp(admin, demo):
    server = demo.compute.find_server(DEMO_SERVER)
    assert server is not None, "the deploy made no %s in the demo project" % DEMO_SERVER
    server = demo.compute.get_server(server.id)
    assert server.status == "ACTIVE", server.status
    host = admin.compute.get_server(server.id).compute_host
    assert host in COMPUTES, "%s runs on %s" % (DEMO_SERVER, host)
    address = server.addresses[DEMO_NETWORK][0]["addr"]

    # The guest prints its DHCP lease, then what the metadata service told it.
    console = guest_console(demo, server)
    lease = re.search(r"ooo-guest: dhcp lease (\S+)", console)
    assert lease and lease.group(1) == address, console[-2000:]
    assert "ooo-guest: uuid %s" % server.id in console, console[-2000:]


def test_the_inventory_plugin_matches_the_undercloud(undercloud):
    listed = inventory("inventories/overcloud")
    hostvars = listed["_meta"]["hostvars"]

    # What the undercloud recorded, read with the SDK, independently of the plugin.
    networks = {n.id: n.name for n in undercloud.network.networks()}
    recorded = {}
    for port in undercloud.network.ports(tags="ooo-overcloud"):
        node = next(t[len("ooo-node-"):] for t in port.tags if t.startswith("ooo-node-"))
        recorded.setdefault(node, {})[networks[port.network_id]] = port.fixed_ips[0]["ip_address"]

    assert recorded == lab_nodes("overcloud")
    assert {name: vars_["ooo_node_addresses"] for name, vars_ in hostvars.items()} == recorded
    for name, addresses in recorded.items():
        assert hostvars[name]["ansible_host"] == addresses["ctlplane"]
    assert set(listed["overcloud_controller"]["hosts"]) == {CONTROLLER}
    assert set(listed["overcloud_compute"]["hosts"]) == COMPUTES
    assert set(listed["overcloud_storage"]["hosts"]) == STORAGE


def test_glance_offers_the_metadata_definitions(demo):
    """The metadata definitions Debian ships are loaded: the dashboard's "Update Metadata" offers them."""
    image_url = demo.endpoint_for("image").rstrip("/")
    types = demo.session.get(image_url + "/v2/metadefs/resource_types").json()["resource_types"]
    assert {"OS::Glance::Image", "OS::Nova::Flavor", "OS::Cinder::Volume"} <= {t["name"] for t in types}, types
    namespaces = demo.session.get(image_url + "/v2/metadefs/namespaces", params={"limit": 100}).json()["namespaces"]
    assert "OS::Compute::Hypervisor" in {n["namespace"] for n in namespaces}, namespaces
