"""Tenant traffic across nodes: floating IPs, routers, GENEVE between computes, SNAT, security
groups, and SSH logins with the key from the metadata service.

Every packet stays on the lab's own bridges: this machine reaches floating IPs over the
external bridge (its address there is the external network's gateway).
"""

from __future__ import annotations

import http.server
import threading
import time

import pytest

from ooo_testlib import (DEMO_KEY, Guest, MadeResources, delete_leftovers, guest_console, guest_host_keys, inventory,
                         pings, run_module, wait_for_sshd, wait_until)

COMPUTES = ("overcloud-compute-0", "overcloud-compute-1")
PREFIX = "e2e-traffic"
EXTERNAL = "public"


def external_gateway():
    return inventory()["_meta"]["hostvars"]["overcloud-controller-0"]["ooo_networks"]["external"]["gateway"]


def fixed_address(server, network):
    return next(a["addr"] for a in server.addresses[network] if a.get("OS-EXT-IPS:type", "fixed") == "fixed")


class Topology(MadeResources):
    """Two networks on one router; a1 and a2 on net-a on different computes, b1 on net-b."""

    def build(self):
        net = self.admin.network
        external = net.find_network(EXTERNAL)
        self.router = self.keep("router", net.create_router(
            name="%s-router" % PREFIX, external_gateway_info={"network_id": external.id}))
        self.networks = {}
        for suffix, cidr in (("a", "10.251.0.0/24"), ("b", "10.251.1.0/24")):
            network = self.keep("network", net.create_network(name="%s-net-%s" % (PREFIX, suffix)))
            subnet = net.create_subnet(network_id=network.id, ip_version=4, cidr=cidr,
                                       name="%s-subnet-%s" % (PREFIX, suffix))
            net.add_interface_to_router(self.router, subnet_id=subnet.id)
            self.keep("interface", (self.router, subnet))
            self.networks[suffix] = network
        # Open: ICMP and SSH in. Closed: nothing in (the enforcement test opens and closes it).
        self.open_group = self.keep("security_group", net.create_security_group(name="%s-open" % PREFIX))
        for rule in ({"protocol": "icmp"}, {"protocol": "tcp", "port_range_min": 22, "port_range_max": 22}):
            net.create_security_group_rule(security_group_id=self.open_group.id, direction="ingress",
                                           ethertype="IPv4", **rule)
        self.closed_group = self.keep("security_group", net.create_security_group(name="%s-closed" % PREFIX))
        with open("%s.pub" % DEMO_KEY) as f:
            self.keypair = self.keep("keypair", self.admin.compute.create_keypair(
                name="%s-key" % PREFIX, public_key=f.read().strip()))

        image = self.admin.image.find_image("ooo-guest")
        flavor = self.admin.compute.find_flavor("ooo.tiny")
        plan = {"a1": ("a", COMPUTES[0], self.open_group), "a2": ("a", COMPUTES[1], self.open_group),
                "b1": ("b", COMPUTES[0], self.closed_group)}
        self.servers = {}
        for name, (suffix, host, group) in plan.items():
            self.servers[name] = self.keep("server", self.admin.compute.create_server(
                name="%s-%s" % (PREFIX, name), image_id=image.id, flavor_id=flavor.id,
                networks=[{"uuid": self.networks[suffix].id}], key_name=self.keypair.name,
                security_groups=[{"name": group.name}], availability_zone="nova:%s" % host))
        for name, server in self.servers.items():
            self.servers[name] = self.admin.compute.wait_for_server(server, status="ACTIVE", failures=["ERROR"],
                                                                    wait=300)
        self.consoles = {name: wait_for_sshd(self.admin, server) for name, server in self.servers.items()}
        self.floating = {}
        for name in ("a1", "b1"):
            port = next(net.ports(device_id=self.servers[name].id))
            self.floating[name] = self.keep("floating_ip", net.create_ip(floating_network_id=external.id,
                                                                         port_id=port.id, description=PREFIX))
        return self

    def guest(self, name, via=None):
        """SSH to a server: over its floating IP, or over `via`'s as a jump host."""
        keys = guest_host_keys(self.consoles[name])
        if via is None:
            return Guest(self.floating[name].floating_ip_address, keys, self.tmp_dir)
        address = fixed_address(self.servers[name], self.networks[name[0]].name)
        return Guest(address, keys, self.tmp_dir, jump=self.guest(via))


@pytest.fixture(scope="module")
def topology(admin, tmp_path_factory):
    delete_leftovers(admin, PREFIX)
    topo = Topology(admin, tmp_path_factory.mktemp("traffic"))
    try:
        yield topo.build()
    finally:
        topo.delete()


def test_the_demo_server_logs_in_over_its_floating_ip_with_the_verified_host_key(demo, tmp_path):
    server = demo.compute.get_server(demo.compute.find_server("demo-server").id)
    floating = [a["addr"] for a in server.addresses["demo-net"] if a.get("OS-EXT-IPS:type") == "floating"]
    assert floating, "demo-server has no floating IP: %s" % server.addresses
    console = guest_console(demo, server)
    keys = guest_host_keys(console)
    assert keys, "the guest printed no host key on its console:\n%s" % console[-2000:]
    guest = Guest(floating[0], keys, tmp_path)
    wait_until("SSH to demo-server at %s" % floating[0], guest.reachable, timeout=120, interval=3)

    port = next(demo.network.ports(device_id=server.id))
    inside = guest.check("ip -4 -o addr show dev eth0; hostname; cat /run/ooo-demo-user-data")
    assert "inet %s/" % port.fixed_ips[0]["ip_address"] in inside, inside
    assert "demo-server" in inside.splitlines()[-2], inside
    assert "user_data of demo-server ran" in inside, inside


def test_a_wrong_host_key_is_refused(demo, tmp_path):
    """The console's key is what the client checks: another key makes ssh refuse."""
    server = demo.compute.get_server(demo.compute.find_server("demo-server").id)
    floating = next(a["addr"] for a in server.addresses["demo-net"] if a.get("OS-EXT-IPS:type") == "floating")
    with open("%s.pub" % DEMO_KEY) as f:
        other = [" ".join(f.read().split()[:2])]  # an ed25519 key, not the guest's
    proc = Guest(floating, other, tmp_path).run("true", timeout=30)
    assert proc.returncode != 0 and "host key" in proc.stderr.lower(), proc.stderr


def test_servers_on_two_computes_reach_each_other_over_geneve(topology):
    a1, a2 = topology.servers["a1"], topology.servers["a2"]
    hosts = {topology.admin.compute.get_server(s.id).compute_host for s in (a1, a2)}
    assert hosts == set(COMPUTES), "a1 and a2 must run on different computes: %s" % hosts
    a2_address = fixed_address(a2, topology.networks["a"].name)
    # ICMP as the login user (iputils' ping, ping_group_range) and TCP to a2's sshd.
    a1 = topology.guest("a1")
    # Exit 0 means both echoes came back within 10 s; the first may be lost while the path is
    # learnt (measured: 3 sent, 2 received).
    a1.check("ping -c 2 -w 10 %s" % a2_address)
    out = a1.check("nc -w 5 %s 22 </dev/null" % a2_address)
    assert out.startswith("SSH-2.0-"), out
    # Large packets pass: the network's MTU leaves room for the GENEVE headers, and 1 MB of
    # full-sized TCP segments come from a2 through a1 (SSH as a jump host) across the tunnel.
    mtu = topology.networks["a"].mtu
    assert mtu and mtu <= 1500 - 38, "tenant network MTU %s leaves no room for GENEVE" % mtu
    jumped = topology.guest("a2", via="a1")
    assert jumped.check("cat /sys/class/net/eth0/mtu").strip() == str(mtu), "the guest's MTU is not the network's"
    assert len(jumped.check("head -c 1000000 /dev/zero", timeout=120)) == 1000000


def test_a_server_on_a_second_network_of_the_router_is_reached(topology):
    b1_address = fixed_address(topology.servers["b1"], topology.networks["b"].name)
    # b1's group lets nothing in: open SSH from net-a for this check only.
    rule = topology.admin.network.create_security_group_rule(
        security_group_id=topology.closed_group.id, direction="ingress", ethertype="IPv4", protocol="tcp",
        port_range_min=22, port_range_max=22, remote_ip_prefix="10.251.0.0/24")
    try:
        out = wait_until("b1's sshd from a1 across the router", lambda: topology.guest("a1").check(
            "nc -w 5 %s 22 </dev/null || true" % b1_address), timeout=30, interval=2)
    finally:
        topology.admin.network.delete_security_group_rule(rule)
    assert out.startswith("SSH-2.0-"), out


class Recorder(http.server.BaseHTTPRequestHandler):
    peers = []

    def do_GET(self):  # noqa: N802 - http.server's name
        self.peers.append(self.client_address[0])
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ooo-e2e-snat\n")

    def log_message(self, *args):
        pass


def test_a_server_without_floating_ip_reaches_the_external_network_through_snat(topology):
    gateway = external_gateway()
    server = http.server.HTTPServer((gateway, 0), Recorder)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        out = topology.guest("a2", via="a1").check("wget -q -T 10 -O - http://%s:%d/" % (gateway, port))
    finally:
        server.shutdown()
        server.server_close()
    assert "ooo-e2e-snat" in out, out
    router = topology.admin.network.get_router(topology.router.id)
    snat = router.external_gateway_info["external_fixed_ips"][0]["ip_address"]
    assert Recorder.peers[-1] == snat, "the request came from %s, not the router's SNAT address %s" % (
        Recorder.peers[-1], snat)


def test_security_group_rules_open_and_close_a_live_server(topology):
    b1 = topology.servers["b1"]
    address = topology.floating["b1"].floating_ip_address
    guest = topology.guest("b1")
    group = topology.closed_group.name
    assert not guest.reachable(), "SSH to b1 works although its security group lets nothing in"
    assert not pings(address), "b1 answers ICMP although its security group lets nothing in"

    started = time.monotonic()
    egress = [{"direction": "egress"}, {"direction": "egress", "ethertype": "IPv6"}]
    ssh_rule = {"protocol": "tcp", "port_range_min": 22, "port_range_max": 22}
    opened = run_module("security_group", cloud="overcloud", name=group,
                        rules=[ssh_rule, {"protocol": "icmp"}] + egress)
    assert opened["changed"]
    wait_until("SSH to b1 after the rule was added", guest.reachable, timeout=60, interval=2)
    assert wait_until("b1 to answer ICMP after the rule was added", lambda: pings(address), timeout=30)
    # The same server and the same guest: it was neither recreated nor rebooted.
    assert topology.admin.compute.get_server(b1.id).created_at == b1.created_at
    uptime = float(guest.check("cut -d ' ' -f 1 /proc/uptime"))
    assert uptime > time.monotonic() - started, "b1's guest rebooted (up %.0f s)" % uptime

    closed = run_module("security_group", cloud="overcloud", name=group, rules=egress)
    assert closed["changed"]
    wait_until("SSH to b1 to be refused after the rule was removed", lambda: not guest.reachable(),
               timeout=60, interval=2)
    assert not pings(address), "b1 still answers ICMP after the rule was removed"


def test_a_floating_ip_moved_to_another_server_answers_from_it(topology):
    address = topology.floating["b1"].floating_ip_address
    moved = run_module("floating_ip", cloud="overcloud", network=EXTERNAL, floating_ip_address=address,
                       server=topology.servers["a2"].id)
    assert moved["changed"]
    again = run_module("floating_ip", cloud="overcloud", network=EXTERNAL, floating_ip_address=address,
                       server=topology.servers["a2"].id)
    assert not again["changed"], "moving the floating IP a second time changed it again"
    guest = Guest(address, guest_host_keys(topology.consoles["a2"]), topology.tmp_dir)
    wait_until("SSH to a2 over the moved floating IP", guest.reachable, timeout=60, interval=2)
    assert guest.check("hostname").strip() == "%s-a2" % PREFIX
