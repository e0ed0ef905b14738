"""The undercloud node after a deploy: services running and listening, secrets locked away."""

from __future__ import annotations

import pytest

# unit: the TCP ports it must listen on
SERVICES = {
    "mariadb": [3306],
    "rabbitmq-server": [5672],
    "memcached": [11211],
    "keystone": [5000],
    "glance-api": [9292],
    "placement-api": [8778],
    "nova-api": [8774],
    "nova-api-metadata": [8775],
    "nova-conductor": [],
    "nova-scheduler": [],
    "nova-compute": [],
    "libvirtd": [],
    "ovsdb-server": [],
    "ovs-vswitchd": [],
    "ovn-northd": [],
    "ovn-ovsdb-server-nb": [6641],
    "ovn-ovsdb-server-sb": [6642],
    "ovn-controller": [],
    "neutron-api": [9696],
    "neutron-rpc-server": [],
    "neutron-ovn-metadata-agent": [],
}

# Config files that hold passwords: owned by root, readable by the service's group only.
SECRET_FILES = {
    "/etc/keystone/keystone.conf": "keystone",
    "/etc/glance/glance-api.conf": "glance",
    "/etc/placement/placement.conf": "placement",
    "/etc/nova/nova.conf": "nova",
    "/etc/neutron/neutron.conf": "neutron",
    "/etc/neutron/neutron_ovn_metadata_agent.ini": "neutron",
}


@pytest.mark.parametrize("unit", sorted(SERVICES))
def test_service_is_running_and_enabled(host, unit):
    service = host.service(unit)
    assert service.is_running, host.run("systemctl status --no-pager -n 20 %s" % unit).stdout
    assert service.is_enabled


@pytest.mark.parametrize("unit, port", [(u, p) for u, ports in sorted(SERVICES.items()) for p in ports])
def test_service_listens_on_the_ctlplane_address_only(host, unit, port):
    listening = host.check_output("ss -Htln 'sport = :%d'" % port).split("\n")
    addresses = {line.split()[3].rsplit(":", 1)[0] for line in listening if line.strip()}
    assert addresses == {"10.213.0.10"}, "%s: port %d listens on %s" % (unit, port, addresses or "nothing")


@pytest.mark.parametrize("path, group", sorted(SECRET_FILES.items()))
def test_secrets_files_are_not_world_readable(host, path, group):
    config = host.file(path)
    assert config.exists
    assert config.user == "root"
    assert config.group == group
    assert config.mode & 0o027 == 0, "%s is mode %o; expected 0640 or tighter" % (path, config.mode)


def test_rabbitmq_has_no_guest_user(host):
    users = host.check_output("rabbitmqctl list_users --quiet --formatter json")
    assert '"guest"' not in users
