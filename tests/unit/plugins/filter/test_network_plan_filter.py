"""The network_plan filter: one call validates and allocates, or fails naming every problem."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.ooo.cloud.plugins.filter.network_plan import network_plan

NETWORKS = {"ctlplane": {"cidr": "10.213.0.0/24", "gateway": "10.213.0.1",
                         "allocation_pools": [{"start": "10.213.0.100", "end": "10.213.0.109"}]},
            "tenant": {"cidr": "10.213.2.0/24"}}


def test_allocates_around_existing_addresses():
    result = network_plan(NETWORKS, {"c0": ["ctlplane", "tenant"], "c1": ["ctlplane"]},
                          existing={"c0": {"ctlplane": "10.213.0.20"}})
    assert result == {"c0": {"ctlplane": "10.213.0.20", "tenant": "10.213.2.1"}, "c1": {"ctlplane": "10.213.0.100"}}


@pytest.mark.parametrize("networks, nodes, existing, expected", [
    (dict(NETWORKS, storage={"cidr": "10.213.2.128/25"}), {"c0": ["ctlplane"]}, {},
     "network 'storage' (10.213.2.128/25) overlaps network 'tenant'"),
    (NETWORKS, {"c0": ["ctlplane"], "c1": ["ctlplane"]}, {"c0": {"ctlplane": "10.213.0.5"},
                                                          "c1": {"ctlplane": "10.213.0.5"}},
     "node 'c1': existing.ctlplane: 10.213.0.5 is already used by node 'c0'"),
    (NETWORKS, {"bad_name": ["ctlplane"]}, {}, "node 'bad_name': the name is not a valid host name"),
    (NETWORKS, {"c%d" % i: ["ctlplane"] for i in range(11)}, {}, "network 'ctlplane': allocation_pools: 10 addresses"),
])
def test_bad_plans_fail_with_every_problem_named(networks, nodes, existing, expected):
    with pytest.raises(AnsibleFilterError) as err:
        network_plan(networks, nodes, existing=existing)
    assert expected in str(err.value)
    assert "nothing was changed" in str(err.value)
