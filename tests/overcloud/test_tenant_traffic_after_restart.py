"""A compute that restarts serves its floating IPs again with no deploy run: first the whole
node (its container, as a reboot), then its networking services alone.

Runs after the other traffic tests (pytest takes the files in name order): it takes a compute
down for a minute.
"""

from __future__ import annotations

from ooo_testlib import Guest, guest_host_keys, on_node, restart_node, wait_until

NETWORK_UNITS = ("openvswitch-switch", "ovn-controller")


def demo_login(admin, demo, tmp_path):
    """The demo server, its compute, and a probe that logs in over its floating IP."""
    server = demo.compute.get_server(demo.compute.find_server("demo-server").id)
    floating = next(a["addr"] for a in server.addresses["demo-net"] if a.get("OS-EXT-IPS:type") == "floating")
    host = admin.compute.get_server(server.id).compute_host

    def logs_in():
        # The guest makes new host keys at every boot: read them from the console each time.
        console = demo.compute.get_server_console_output(server)["output"]
        guest = Guest(floating, guest_host_keys(console), tmp_path)
        return guest.reachable() and guest.check("hostname").strip() == "demo-server"

    return host, floating, logs_in


def test_a_rebooted_compute_serves_its_floating_ip_again(admin, demo, tmp_path):
    host, floating, logs_in = demo_login(admin, demo, tmp_path)
    assert logs_in(), "SSH to demo-server at %s fails before the restart" % floating

    restart_node(host)
    wait_until("nova-compute on %s to report up" % host,
               lambda: any(s.state == "up" and s.status == "enabled"
                           for s in admin.compute.services(host=host, binary="nova-compute")),
               timeout=180, interval=5)
    # resume_guests_state_on_host_boot starts the guest again; it boots under TCG.
    wait_until("SSH to demo-server at %s after %s rebooted, with no deploy run" % (floating, host),
               logs_in, timeout=300, interval=5)


def test_a_compute_whose_network_services_restart_serves_its_floating_ip_again(admin, demo, tmp_path):
    host, floating, logs_in = demo_login(admin, demo, tmp_path)
    wait_until("SSH to demo-server at %s before the restart" % floating, logs_in, timeout=120, interval=5)

    restart = on_node(host, "systemctl restart %s" % " ".join(NETWORK_UNITS), timeout=120)
    assert restart.returncode == 0, "restarting %s on %s failed: %s" % (NETWORK_UNITS, host, restart.stderr)
    address = on_node(host, "ip -4 -o addr show dev br-tenant").stdout
    assert " inet " in address, "br-tenant on %s has no address after OVS restarted: %r" % (host, address)
    wait_until("SSH to demo-server at %s after %s restarted %s" % (floating, host, ", ".join(NETWORK_UNITS)),
               logs_in, timeout=180, interval=5)
