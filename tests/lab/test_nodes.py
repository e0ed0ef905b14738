"""The lab's nodes are real systemd hosts on private bridges, reachable as the inventory says."""

from __future__ import annotations

import shlex


def test_systemd_is_running(connect, node_name):
    state = connect(node_name).run("systemctl is-system-running").stdout.strip()
    failed = connect(node_name).run("systemctl --failed --no-legend --plain").stdout
    assert state == "running", "%s: systemd is %s; failed units:\n%s" % (node_name, state, failed)


def test_sshd_listens(connect, node_name):
    host = connect(node_name)
    assert host.service("ssh").is_running
    assert host.socket("tcp://0.0.0.0:22").is_listening


def test_hostname_matches_inventory(connect, node_name):
    assert connect(node_name).check_output("hostname") == node_name


def test_runs_debian_13(connect, node_name):
    info = connect(node_name).system_info
    assert (info.distribution, info.release.split(".")[0]) == ("debian", "13")


def test_interfaces_carry_the_inventory_addresses(connect, node_name, nodes, networks):
    host = connect(node_name)
    for network, address in nodes[node_name].items():
        assert address in host.interface(network).addresses, "%s: %s lacks %s" % (node_name, network, address)
    # A node is cabled to exactly the networks the inventory lists.
    links = set(host.check_output("ls /sys/class/net").split()) - {"lo"}
    assert set(nodes[node_name]) <= links


def test_reaches_every_peer_on_every_shared_network(connect, node_name, nodes):
    targets = ["%s@%s" % (peer, addr)
               for peer, addresses in nodes.items() if peer != node_name
               for network, addr in addresses.items() if network in nodes[node_name]]
    assert targets, "%s shares no network with any other node" % node_name
    script = "fail=; for t in %s; do ping -c1 -W2 ${t#*@} >/dev/null 2>&1 || fail=\"$fail $t\"; done; echo $fail" \
        % " ".join(shlex.quote(t) for t in targets)
    unreachable = connect(node_name).check_output(script).split()
    assert not unreachable, "%s cannot reach %s" % (node_name, ", ".join(unreachable))


def test_nothing_reaches_outside_the_bridges(connect, node_name):
    host = connect(node_name)
    # No default route: every destination off the lab's bridges is unreachable without
    # a single packet being sent.
    assert host.check_output("ip -4 route show default") == ""
    for outside in ("192.0.2.2", "10.0.0.1", "8.8.8.8"):
        probe = host.run("ip -4 route get %s" % outside)
        assert probe.rc != 0 and "unreachable" in probe.stderr.lower(), "%s routes to %s" % (node_name, outside)


def test_apt_reaches_the_mirror_only_through_the_lab_proxy(connect, node_name, networks):
    host = connect(node_name)
    proxy = "http://%s:3142" % networks["ctlplane"]["gateway"]

    def status(url):
        return host.check_output("curl -s -o /dev/null -w '%%{http_code}' -x %s %s" % (proxy, url))
    assert status("http://deb.debian.org/debian/dists/trixie/Release") == "200"
    # The proxy refuses any other destination instead of forwarding it.
    assert status("http://example.com/") == "403"


def test_node_prepare_configured_every_isolated_network(connect, node_name, nodes, networks):
    """node_prepare gives every network but ctlplane its planned address with systemd-networkd."""
    host = connect(node_name)
    for network, address in nodes[node_name].items():
        unit = host.file("/etc/systemd/network/60-ooo-%s.network" % network)
        if network == "ctlplane":
            assert not unit.exists, "%s: ctlplane must be left alone" % node_name
            continue
        prefix = networks[network]["cidr"].split("/")[1]
        assert unit.contains("^Address=%s/%s$" % (address, prefix)), "%s: %s" % (node_name, network)
    assert host.service("systemd-networkd").is_running


def test_every_node_name_resolves_on_the_planned_network(connect, node_name, nodes, hostvars):
    """/etc/hosts: each name resolves to its address on the network node_prepare_hosts_network names."""
    network = hostvars[node_name].get("node_prepare_hosts_network", "ctlplane")
    host = connect(node_name)
    for peer, addresses in nodes.items():
        expected = addresses.get(network, addresses["ctlplane"])
        resolved = host.check_output("getent ahostsv4 %s | awk 'NR==1 {print $1}'" % peer)
        assert resolved == expected, "%s resolves %s to %s, not %s" % (node_name, peer, resolved, expected)
