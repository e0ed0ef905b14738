# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""The network_plan filter fails with an AnsibleFilterError naming the problem, whatever it is given.

The plan's own refusals are in tests/unit/plugins/module_utils/test_network_plan_refusals.py;
here: the filter's other arguments, its safety net, and what a playbook shows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.ooo.cloud.plugins.filter import network_plan as network_plan_filter
from ansible_collections.ooo.cloud.plugins.filter.network_plan import network_plan

NETWORKS = {"ctlplane": {"cidr": "10.213.0.0/24", "gateway": "10.213.0.1",
                         "allocation_pools": [{"start": "10.213.0.100", "end": "10.213.0.109"}]},
            "tenant": {"cidr": "10.213.2.0/24"}}


def refused(networks, nodes, existing=None):
    with pytest.raises(AnsibleFilterError) as err:
        network_plan(networks, nodes, existing=existing)
    return str(err.value)


@pytest.mark.parametrize("nodes, existing, expected", [
    (["c0"], None, "nodes: expected a dict of node name: [network, ...], got a list"),
    ("c0", None, "nodes: expected a dict of node name: [network, ...], got a string ('c0')"),
    (None, None, "nodes: expected a dict of node name: [network, ...], got null"),
    ({"c0": ["ctlplane"]}, ["c0"], "existing: expected a dict of node name: {network: address}, got a list"),
    ({"c0": ["ctlplane"]}, "10.213.0.20", "existing: expected a dict of node name: {network: address}, got a string"),
    ({"c0": "ctlplane"}, None, "node 'c0': networks: expected a list of network names (e.g. [ctlplane, internal_api]), "
                               "got a string ('ctlplane')"),
    ({"c0": None}, None, "node 'c0': networks: expected a list of network names"),
    ({"c0": ["ctlplane", ["tenant"]]}, None, "node 'c0': networks[1]: expected a network name, got a list"),
    ({"c0": ["storage"]}, None, "node 'c0': networks: unknown network 'storage'"),
    ({"c0": ["ctlplane"], 1: ["ctlplane"]}, None, "node '1': the name is not a valid host name"),
    ({"c0": ["ctlplane"]}, {"c0": ["10.213.0.20"]}, "node 'c0': existing: expected a dict of network: address"),
    ({"c0": ["ctlplane"]}, {"c0": {"ctlplane": "10.213.0.20/24"}},
     "node 'c0': existing.ctlplane: '10.213.0.20/24' is not an IP address: write it without '/24'"),
])
def test_bad_arguments_are_named(nodes, existing, expected):
    message = refused(NETWORKS, nodes, existing)
    assert message.startswith("invalid network plan (nothing was changed):\n  - ")
    assert expected in message


def test_every_problem_of_the_plan_is_listed_in_one_error():
    networks = {"ctlplane": {"cidr": "10.213.0.0/24", "gateway": "10.213.0.1",
                             "allocation_pools": [{"start": "10.213.0.100", "end": "fd00::1"}]},
                "tenant": {"cidr": "10.213.2.0/24", "vips": {"a": "10.213.2.5", "b": "10.213.2.5"}}}
    lines = refused(networks, {"c0": ["ctlplane"]}).splitlines()
    assert lines == ["invalid network plan (nothing was changed):",
                     "  - network 'ctlplane': allocation_pools[0]: start 10.213.0.100 is IPv4 but end fd00::1 is IPv6; "
                     "both ends must be IPv4 addresses of 10.213.0.0/24",
                     "  - network 'tenant': vips.b: 10.213.2.5 is also VIP 'a' of network 'tenant'; give each VIP its "
                     "own address"]


def test_a_valid_plan_still_allocates():
    result = network_plan(NETWORKS, {"c0": ["ctlplane", "tenant"], "c1": ["ctlplane"]},
                          existing={"c0": {"ctlplane": "10.213.0.20"}, "gone": None})
    assert result == {"c0": {"ctlplane": "10.213.0.20", "tenant": "10.213.2.1"}, "c1": {"ctlplane": "10.213.0.100"}}


def test_a_check_that_raises_still_fails_as_a_filter_error(monkeypatch):
    """The safety net: a Python error inside the checks is reported, not shown as a traceback."""
    def broken(networks):
        raise TypeError("'<' not supported between instances of 'int' and 'str'")
    monkeypatch.setattr(network_plan_filter.plan, "validate_networks", broken)
    message = refused(NETWORKS, {"c0": ["ctlplane"]})
    assert message.startswith("network_plan: the plan could not be checked (TypeError: '<' not supported")
    assert "please report it with the plan" in message


TEMPLATE = """
import json, sys
from ansible.plugins.loader import init_plugin_loader
init_plugin_loader([sys.argv[1]])
from ansible.errors import AnsibleError, AnsibleFilterError
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template
networks, nodes = json.loads(sys.argv[2])
templar = Templar(loader=DataLoader(), variables={"networks": networks, "nodes": nodes})
try:
    out = {"value": templar.template(trust_as_template("{{ networks | ooo.cloud.network_plan(nodes) }}"))}
except AnsibleError as exc:
    out = {"filter_error": isinstance(exc.__cause__, AnsibleFilterError), "message": str(exc)}
print(json.dumps(out))
"""


def render(networks, nodes):
    """The filter used in a template by Ansible itself, in a process of its own (the plugin loader is global)."""
    collections = Path(network_plan_filter.__file__).parents[5]
    proc = subprocess.run([sys.executable, "-c", TEMPLATE, str(collections), json.dumps([networks, nodes])],
                          capture_output=True, text=True, check=False, env=dict(os.environ, ANSIBLE_NOCOLOR="1"))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_a_playbook_shows_the_named_refusal():
    bad = {"ctlplane": {"cidr": "10.213.0.0/24", "allocation_pools": [{"start": "10.213.0.100", "end": "fd00::1"}]}}
    out = render(bad, {"c0": ["ctlplane"]})
    assert out["filter_error"] is True, out
    assert "invalid network plan (nothing was changed)" in out["message"]
    assert "allocation_pools[0]: start 10.213.0.100 is IPv4 but end fd00::1 is IPv6" in out["message"]
    assert render(NETWORKS, {"c0": ["ctlplane"]}) == {"value": {"c0": {"ctlplane": "10.213.0.100"}}}
