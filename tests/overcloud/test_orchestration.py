"""Orchestration: Heat stacks from HOT and CloudFormation templates, as the demo tenant's user.

The deployment's contract (roles/heat): the orchestration API (heat-api) and the
CloudFormation-compatible one (heat-api-cfn) in the catalog behind HAProxy, heat-engine
running, the stack domain for the users Heat makes (a guest signals its wait condition as one).

One HOT stack (templates/server_stack.yaml) makes a router, a network, a security group, a
port with a floating IP, a server of the guest image with an attached volume, and a wait
condition the guest signals from its user_data: CREATE_COMPLETE means the guest booted and
reached the public orchestration API. Its outputs give the addresses the tests log in with.
A second stack comes from a CloudFormation template (templates/cfn_stack.json); heat-api-cfn
is called as an AWS client calls it, signed with EC2 credentials (signature version 2).
Everything is named e2e-heat-… and deleted at the end (and what an interrupted run left, at the start).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote, urlsplit

import openstack
import pytest
import requests
import yaml

from ooo_testlib import Guest, guest_host_keys, wait_until

PREFIX = "e2e-heat"
TEMPLATES = Path(__file__).parent / "templates"
IMAGE = "ooo-guest"
FLAVOR = "ooo.tiny"
KEYPAIR = "demo"  # roles/demo_tenant: demo_tenant_keypair
EXTERNAL = "public"
# Seconds: the stack waits for a TCG guest to boot and signal (its template gives it 400).
STACK_TIMEOUT = 600


def load_hot(name):
    """A HOT template as a dict; its version stays the string Heat wants (PyYAML makes a date)."""
    template = yaml.safe_load((TEMPLATES / name).read_text())
    template["heat_template_version"] = str(template["heat_template_version"])
    return template


def wait_stack(conn, stack_id, ready, timeout=STACK_TIMEOUT):
    """The stack once its status is in ``ready``; a *_FAILED status fails naming the reason
    and the failed resources."""
    def status():
        stack = conn.orchestration.get_stack(stack_id)
        if stack.status.endswith("_FAILED"):
            failed = ["%s (%s): %s" % (r.name, r.resource_type, r.status_reason)
                      for r in conn.orchestration.resources(stack, nested_depth=2)
                      if r.status.endswith("_FAILED")]
            raise AssertionError("stack %s went to %s: %s; failed resources: %s"
                                 % (stack.name, stack.status, stack.status_reason, "; ".join(failed) or "none"))
        return stack if stack.status in ready else None
    return wait_until("stack %s to reach %s" % (stack_id, "/".join(ready)), status, timeout=timeout, interval=5)


def delete_stack(conn, stack):
    def gone():
        try:
            return conn.orchestration.get_stack(stack.id).status == "DELETE_COMPLETE"
        except openstack.exceptions.NotFoundException:
            return True
    conn.orchestration.delete_stack(stack)
    wait_until("stack %s to be deleted" % stack.name, gone, timeout=300, interval=5)


def outputs(stack):
    return {o["output_key"]: o["output_value"] for o in stack.outputs or []}


@pytest.fixture(scope="module", autouse=True)
def heat_deployed():
    """Heat is part of the overcloud unless playbooks/vars/overcloud.yml says otherwise: then
    these tests are skipped; else a missing Heat fails them (the catalog test names it)."""
    plan = yaml.safe_load((Path(__file__).parents[2] / "playbooks/vars/overcloud.yml").read_text())
    if not plan["ooo_heat_enabled"]:
        pytest.skip("ooo_heat_enabled is false in playbooks/vars/overcloud.yml: no Heat to test")


def delete_leftovers(conn):
    for stack in conn.orchestration.stacks():
        if stack.name.startswith(PREFIX):
            delete_stack(conn, stack)


@pytest.fixture(scope="module")
def server_stack(demo, admin):
    """The HOT stack, CREATE_COMPLETE, with its physical resources by logical name."""
    delete_leftovers(demo)
    template = load_hot("server_stack.yaml")
    started = time.monotonic()
    stack = demo.orchestration.create_stack(
        name="%s-server" % PREFIX, template=template, timeout_mins=STACK_TIMEOUT // 60,
        parameters={"image": IMAGE, "flavor": FLAVOR, "key_name": KEYPAIR, "external_network": EXTERNAL,
                    "server_name": "%s-vm" % PREFIX})
    try:
        stack = wait_stack(demo, stack.id, ("CREATE_COMPLETE",))
        stack.elapsed = time.monotonic() - started
        stack.physical = {r.name: r.physical_resource_id for r in demo.orchestration.resources(stack)}
        yield stack
    finally:
        delete_stack(demo, stack)


def test_heat_engine_runs_and_both_apis_are_in_the_catalog(admin):
    catalog = {entry["type"]: entry for entry in admin.session.auth.get_access(admin.session).service_catalog.catalog}
    for service_type in ("orchestration", "cloudformation"):
        assert service_type in catalog, "no %s service in the catalog: %s" % (service_type, sorted(catalog))
        interfaces = {e["interface"] for e in catalog[service_type]["endpoints"]}
        assert interfaces == {"public", "internal", "admin"}, (service_type, interfaces)
    engines = admin.orchestration.get("/services").json()["services"]
    assert engines and all(e["status"] == "up" for e in engines), engines


def test_a_hot_stack_completes_once_its_guest_signals_the_wait_condition(server_stack):
    out = outputs(server_stack)
    # The guest sent "booted <its hostname>" with its signal, from its user_data.
    data = json.loads(out["boot_data"])
    assert list(data.values()) == ["booted %s-vm" % PREFIX], data
    print("stack CREATE_COMPLETE %.0f s after the create (server, volume, floating IP, guest signal)"
          % server_stack.elapsed)


def test_the_stack_outputs_give_an_address_to_log_in_over_with_the_demo_key(server_stack, demo, tmp_path):
    out = outputs(server_stack)
    server = demo.compute.get_server(out["server_id"])
    addresses = [a["addr"] for net in server.addresses.values() for a in net]
    assert out["fixed_ip"] in addresses and out["floating_ip"] in addresses, (out, server.addresses)
    console = demo.compute.get_server_console_output(server)["output"]
    guest = Guest(out["floating_ip"], guest_host_keys(console), tmp_path)
    wait_until("SSH over the stack's floating IP %s" % out["floating_ip"], guest.reachable, timeout=120, interval=3)
    assert guest.check("hostname").strip() == "%s-vm" % PREFIX
    # The attached volume is a disk in the guest; its virtio serial is the volume id's first 20 characters.
    serials = guest.check("cat /sys/block/vd*/serial 2>/dev/null; echo").split()
    assert out["volume_id"][:20] in serials, (out["volume_id"], serials)
    assert demo.block_storage.get_volume(out["volume_id"]).status == "in-use"


def test_a_parameter_change_updates_the_stack_in_place(server_stack, demo):
    server_id = outputs(server_stack)["server_id"]
    # PATCH: the stack's template and other parameters stay as they are (Heat's "existing" update).
    response = demo.orchestration.patch("/stacks/%s/%s" % (server_stack.name, server_stack.id),
                                        json={"parameters": {"server_name": "%s-renamed" % PREFIX}})
    assert response.status_code == 202, (response.status_code, response.text)
    stack = wait_stack(demo, server_stack.id, ("UPDATE_COMPLETE",), timeout=300)
    # The same server, renamed: nothing was replaced.
    assert outputs(stack)["server_id"] == server_id
    assert demo.compute.get_server(server_id).name == "%s-renamed" % PREFIX
    assert {r.name: r.physical_resource_id for r in demo.orchestration.resources(stack)} == server_stack.physical


def test_deleting_the_stack_removes_every_resource(server_stack, demo):
    physical = server_stack.physical
    delete_stack(demo, server_stack)
    gone = {
        "server": demo.compute.find_server,
        "volume": demo.block_storage.find_volume,
        "network": demo.network.find_network,
        "router": demo.network.find_router,
        "port": demo.network.find_port,
        "security_group": demo.network.find_security_group,
        "floating_ip": demo.network.find_ip,
    }
    left = {name: physical[name] for name, find in gone.items() if find(physical[name]) is not None}
    assert not left, "left behind by the stack's deletion: %s" % left


# --- CloudFormation ---------------------------------------------------------------------------

class CloudFormation:
    """The CloudFormation API (heat-api-cfn) as an AWS client calls it: query parameters signed
    with an EC2 access key and secret (signature version 2, HmacSHA256)."""

    def __init__(self, url, access, secret):
        self.url, self.access, self.secret = url.rstrip("/") + "/", access, secret

    def call(self, action, **params):
        params = dict(params, Action=action, AWSAccessKeyId=self.access, SignatureMethod="HmacSHA256",
                      SignatureVersion="2", Version="2010-05-15",
                      Timestamp=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        parts = urlsplit(self.url)
        query = "&".join("%s=%s" % (quote(k, safe=""), quote(str(v), safe="-_~"))
                         for k, v in sorted(params.items()))
        signed = "\n".join(["GET", parts.netloc, parts.path, query]).encode()
        params["Signature"] = base64.b64encode(hmac.new(self.secret.encode(), signed, hashlib.sha256).digest()).decode()
        response = requests.get(self.url, params=params, timeout=60)
        return response.status_code, ET.fromstring(response.text) if response.text.strip().startswith("<") else None, \
            response.text


def xml_values(root, tag):
    return [el.text for el in root.iter() if el.tag.split("}")[-1] == tag]


@pytest.fixture(scope="module")
def cloudformation(demo):
    user_id, project_id = demo.current_user_id, demo.current_project_id
    access, secret = secrets.token_hex(16), secrets.token_hex(20)
    credential = demo.identity.create_credential(type="ec2", user_id=user_id, project_id=project_id,
                                                 blob=json.dumps({"access": access, "secret": secret}))
    try:
        url = demo.session.get_endpoint(service_type="cloudformation", interface="public")
        yield CloudFormation(url, access, secret)
    finally:
        demo.identity.delete_credential(credential)


def test_a_cloudformation_template_makes_a_stack(demo):
    """AWSTemplateFormatVersion, AWS:: resource types, Ref and CloudFormation outputs; sent
    through the orchestration API (see the next test for heat-api-cfn's own)."""
    name = "%s-cfn" % PREFIX
    stack = demo.orchestration.create_stack(name=name, template=json.loads((TEMPLATES / "cfn_stack.json").read_text()),
                                            parameters={"SshFrom": "10.213.0.0/16"}, timeout_mins=5)
    try:
        stack = wait_stack(demo, stack.id, ("CREATE_COMPLETE",), timeout=180)
        values = outputs(stack)
        group = demo.network.get_security_group(values["GroupId"])
        assert [(r["port_range_min"], r["remote_ip_prefix"]) for r in group.security_group_rules
                if r["direction"] == "ingress"] == [(22, "10.213.0.0/16")], group.security_group_rules
        # The wait condition handle is a URL to heat-api-cfn, pre-signed for the stack's user.
        cfn_url = demo.session.get_endpoint(service_type="cloudformation", interface="public")
        assert values["SignalUrl"].startswith(cfn_url.rsplit("/v1", 1)[0]), values
    finally:
        delete_stack(demo, stack)


def test_heat_api_cfn_takes_a_request_signed_with_ec2_credentials(cloudformation):
    status, root, text = cloudformation.call("DescribeStacks")
    if status == 403 and root is not None and xml_values(root, "Code") == ["AccessDenied"]:
        # Keystone's /v3/ec2tokens requires a service token since OSSA-2025-002 (Debian's
        # keystone 2:27.0.0-3+deb13u6 has the fix); heat 24.0.0-2's ec2token middleware sends
        # none (heat's fix, "Use authentication with keystone ec2token api", is not packaged
        # yet). roles/heat configures [ec2authtoken] for it, so a fixed heat passes here.
        pytest.xfail("heat-api-cfn cannot check EC2 signatures on Debian 13 yet: keystone refuses "
                     "its unauthenticated /v3/ec2tokens call")
    assert status == 200, "a correctly signed DescribeStacks answered HTTP %d: %s" % (status, text)
    assert root is not None and root.tag.split("}")[-1] == "DescribeStacksResponse", text


def test_a_request_with_a_wrong_signature_is_refused(cloudformation):
    wrong = CloudFormation(cloudformation.url, cloudformation.access, "not-the-secret")
    status, _document, text = wrong.call("DescribeStacks")
    assert status in (401, 403), "a wrongly signed DescribeStacks answered HTTP %d: %s" % (status, text)


# --- bad input --------------------------------------------------------------------------------

def test_a_template_with_a_syntax_error_fails_naming_where_and_makes_no_stack(demo):
    name = "%s-bad-syntax" % PREFIX
    broken = "heat_template_version: 2021-04-16\nresources:\n  net:\n    type: OS::Neutron::Net\n   bad: [\n"
    response = demo.orchestration.post("/stacks", json={"stack_name": name, "template": broken})
    assert response.status_code == 400, (response.status_code, response.text)
    assert "line" in response.text, response.text
    assert demo.orchestration.find_stack(name) is None


def test_a_missing_parameter_is_named_and_makes_no_stack(demo):
    name = "%s-no-param" % PREFIX
    template = load_hot("server_stack.yaml")
    response = demo.orchestration.post("/stacks", json={
        "stack_name": name, "template": template,
        "parameters": {"image": IMAGE, "flavor": FLAVOR, "key_name": KEYPAIR, "external_network": EXTERNAL}})
    assert response.status_code == 400, (response.status_code, response.text)
    assert "server_name" in response.text, response.text
    assert demo.orchestration.find_stack(name) is None
