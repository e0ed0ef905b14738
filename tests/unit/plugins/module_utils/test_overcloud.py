"""Overcloud nodes are read back from tagged undercloud ports."""

from __future__ import annotations

from ansible_collections.ooo.cloud.plugins.module_utils import overcloud


def port(node, network, address, role="Compute", tags=None):
    return {"id": "%s-%s-id" % (node, network), "name": overcloud.port_name(node, network),
            "fixed_ips": [{"subnet_id": "s", "ip_address": address}],
            "tags": overcloud.node_tags(node, role) if tags is None else tags}


def test_ports_become_nodes_with_role_and_addresses():
    nodes = overcloud.nodes_from_ports([
        port("overcloud-compute-0", "ctlplane", "10.213.0.30"),
        port("overcloud-compute-0", "internal_api", "10.213.1.30"),
        port("overcloud-controller-0", "ctlplane", "10.213.0.20", role="Controller"),
    ])
    assert set(nodes) == {"overcloud-compute-0", "overcloud-controller-0"}
    assert nodes["overcloud-compute-0"]["role"] == "Compute"
    assert nodes["overcloud-compute-0"]["addresses"] == {"ctlplane": "10.213.0.30", "internal_api": "10.213.1.30"}
    assert nodes["overcloud-controller-0"]["role"] == "Controller"


def test_untagged_or_foreign_ports_are_ignored():
    foreign = port("x", "ctlplane", "10.0.0.1", tags=["something-else"])
    renamed = dict(port("overcloud-compute-0", "ctlplane", "10.213.0.30"), name="renamed")
    no_ip = dict(port("overcloud-compute-0", "tenant", "10.213.2.30"), fixed_ips=[])
    assert overcloud.nodes_from_ports([foreign, renamed, no_ip]) == {}


def test_tags_name_node_and_role():
    assert overcloud.node_tags("overcloud-compute-1", "Compute") == [
        "ooo-node-overcloud-compute-1", "ooo-overcloud", "ooo-role-Compute"]
