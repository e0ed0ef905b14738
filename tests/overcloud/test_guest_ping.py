"""ping inside the guest as its login user (not root), as tempest's scenario tests run it.

The guest image ships iputils' ping, which opens ICMP echo sockets (the guest's /init allows
them for every group, as Debian does), and gives the login user dash, which runs what PATH
finds (busybox's static shell would run its own ping applet, which needs a raw socket).
One server on a network of its own behind a router, reached over a floating IP with the host
key from its console; every resource is named (or described) e2e-ping-… and deleted at the end.
"""

from __future__ import annotations

import pytest

from ooo_testlib import (DEMO_KEY, Guest, MadeResources, delete_leftovers, guest_host_keys, inventory,
                         wait_for_sshd, wait_until)

PREFIX = "e2e-ping"
EXTERNAL = "public"
CIDR = "10.252.0.0/24"
# What tempest's RemoteClient puts before every command (validation.ssh_shell_prologue).
TEMPEST_PROLOGUE = "set -eu -o pipefail; PATH=$PATH:/sbin:/usr/sbin;"


class PingServer(MadeResources):
    """A router with the external gateway, a network, an open security group and one server."""

    def build(self):
        net, compute = self.admin.network, self.admin.compute
        external = net.find_network(EXTERNAL)
        self.router = self.keep("router", net.create_router(
            name="%s-router" % PREFIX, external_gateway_info={"network_id": external.id}))
        self.network = self.keep("network", net.create_network(name="%s-net" % PREFIX))
        self.subnet = net.create_subnet(network_id=self.network.id, ip_version=4, cidr=CIDR,
                                        name="%s-subnet" % PREFIX)
        net.add_interface_to_router(self.router, subnet_id=self.subnet.id)
        self.keep("interface", (self.router, self.subnet))
        group = self.keep("security_group", net.create_security_group(name="%s-sg" % PREFIX))
        for rule in ({"protocol": "icmp"}, {"protocol": "tcp", "port_range_min": 22, "port_range_max": 22}):
            net.create_security_group_rule(security_group_id=group.id, direction="ingress", ethertype="IPv4",
                                           **rule)
        with open("%s.pub" % DEMO_KEY) as f:
            keypair = self.keep("keypair", compute.create_keypair(name="%s-key" % PREFIX,
                                                                  public_key=f.read().strip()))
        server = self.keep("server", compute.create_server(
            name="%s-server" % PREFIX, image_id=self.admin.image.find_image("ooo-guest").id,
            flavor_id=compute.find_flavor("ooo.tiny").id, networks=[{"uuid": self.network.id}],
            key_name=keypair.name, security_groups=[{"name": group.name}]))
        self.server = compute.wait_for_server(server, status="ACTIVE", failures=["ERROR"], wait=300)
        self.console = wait_for_sshd(self.admin, self.server)
        port = next(net.ports(device_id=self.server.id))
        self.fixed_ip = port.fixed_ips[0]["ip_address"]
        self.floating = self.keep("floating_ip", net.create_ip(floating_network_id=external.id, port_id=port.id,
                                                               description=PREFIX))
        self.guest = Guest(self.floating.floating_ip_address, guest_host_keys(self.console), self.tmp_dir)
        wait_until("SSH to %s at %s" % (self.server.name, self.floating.floating_ip_address), self.guest.reachable,
                   timeout=120, interval=3)
        return self


@pytest.fixture(scope="module")
def pinger(admin, tmp_path_factory):
    delete_leftovers(admin, PREFIX)
    made = PingServer(admin, tmp_path_factory.mktemp("ping"))
    try:
        yield made.build()
    finally:
        made.delete()


def external_gateway():
    return inventory()["_meta"]["hostvars"]["overcloud-controller-0"]["ooo_networks"]["external"]["gateway"]


def test_the_login_user_is_not_root_and_its_ping_is_iputils(pinger):
    assert "ping iputils-ping " in pinger.console, "the console names no iputils-ping:\n%s" % pinger.console[-3000:]
    assert pinger.guest.check("id -u").strip() != "0"
    assert pinger.guest.check("command -v ping").strip() == "/bin/ping"
    assert "iputils" in pinger.guest.check("ping -V")
    assert pinger.guest.check("cat /proc/sys/net/ipv4/ping_group_range").split() == ["0", "2147483647"]


@pytest.mark.parametrize("target", ["router", "itself", "external gateway"])
def test_the_login_user_pings(pinger, target):
    """The addresses tempest's network_basic_ops pings from inside: the router's interface on the
    tenant network, the server's own port and the external network's gateway (through SNAT)."""
    address = {"router": pinger.subnet.gateway_ip, "itself": pinger.fixed_ip,
               "external gateway": external_gateway()}[target]
    proc = pinger.guest.run("id -u; ping -c1 -w5 %s" % address, timeout=30)
    assert proc.returncode == 0, "ping %s (%s) as the login user: exit %d\n%s%s" % (
        address, target, proc.returncode, proc.stdout, proc.stderr)
    assert proc.stdout.split()[0] != "0", proc.stdout
    assert "1 received" in proc.stdout, proc.stdout


def test_tempests_ping_command_works(pinger):
    """Tempest's exact form (prologue included): `ping -c1 -w1 -s56 ADDR`, retried as tempest does."""
    command = "%s ping -c1 -w1 -s56 %s" % (TEMPEST_PROLOGUE, pinger.subnet.gateway_ip)
    wait_until("tempest's ping from the guest", lambda: pinger.guest.run(command, timeout=30).returncode == 0,
               timeout=30, interval=2)


def test_the_login_user_pings_over_ipv6(pinger):
    """ICMPv6 echo sockets follow the same ping_group_range; the loopback needs no IPv6 network."""
    out = pinger.guest.check("ping -c1 -w5 ::1 && ping6 -c1 -w5 ::1")
    assert out.count("1 received") == 2, out
