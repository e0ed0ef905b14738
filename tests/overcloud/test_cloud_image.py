"""The sealed Debian cloud image (roles/cloud_image): two servers booted from it under TCG run
cloud-init from the metadata service, take the demo key, answer SSH and nginx on floating IPs,
and are two machines (their own host keys and machine-ids); the build refuses a package that
does not exist, predicts its changes in check mode and leaves nothing when it is interrupted.
"""

from __future__ import annotations

import base64
import re
import time
import urllib.request
import warnings

import pytest

from ooo_testlib import ROOT, Guest, MadeResources, ansible_playbook, delete_leftovers, hard_reboot, on_node, wait_until

PREFIX = "e2e-cloudimg"
IMAGE = "ooo-debian-13"
LOGIN_USER = "debian"  # Debian's cloud-init default user, who gets the server's key
BUILD_NODE = "undercloud"
BUILD_DIR = "/var/lib/ooo-cloud-image"
FINISHED = re.compile(r"Cloud-init v\. \S+ finished at .*Datasource (\S+).*Up ([0-9.]+) seconds")
USER_DATA = """#cloud-config
write_files:
  - path: /var/www/html/index.html
    content: |
      ooo cloud image {name}
  - path: /etc/ooo-e2e-written
    content: "written by cloud-config\\n"
runcmd:
  - [sh, -c, "id -un > /var/lib/ooo-e2e-runcmd"]
"""


def console_host_keys(console):
    """The keys cloud-init printed between its BEGIN/END SSH HOST KEY KEYS lines."""
    block = console.split("-----BEGIN SSH HOST KEY KEYS-----")[-1].split("-----END SSH HOST KEY KEYS-----")[0]
    return [" ".join(line.split()[:2]) for line in block.splitlines() if line.startswith(("ssh-", "ecdsa-"))]


class CloudImageServers(MadeResources):
    """Two servers of the demo tenant booted from the cloud image, each with a floating IP."""

    def build(self, demo):
        net = demo.network
        self.group = self.keep("security_group", net.create_security_group(name="%s-web" % PREFIX))
        for rule in ({"protocol": "icmp"}, {"protocol": "tcp", "port_range_min": 22, "port_range_max": 22},
                     {"protocol": "tcp", "port_range_min": 80, "port_range_max": 80}):
            net.create_security_group_rule(security_group_id=self.group.id, direction="ingress",
                                           ethertype="IPv4", **rule)
        self.flavor = self.admin.compute.create_flavor(name="%s-flavor" % PREFIX, ram=384, vcpus=1, disk=2)
        image = demo.image.find_image(IMAGE, ignore_missing=False)
        network = net.find_network("demo-net", ignore_missing=False)
        external = net.find_network("public", ignore_missing=False)
        started = time.monotonic()
        self.servers = {}
        for index in (1, 2):
            name = "%s-%d" % (PREFIX, index)
            self.servers[name] = self.keep("server", demo.compute.create_server(
                name=name, image_id=image.id, flavor_id=self.flavor.id, networks=[{"uuid": network.id}],
                key_name="demo", security_groups=[{"name": self.group.name}],
                user_data=base64.b64encode(USER_DATA.format(name=name).encode()).decode()))
        self.active_after, self.floating = {}, {}
        for name, server in self.servers.items():
            self.servers[name] = demo.compute.wait_for_server(server, status="ACTIVE", failures=["ERROR"], wait=300)
            self.active_after[name] = time.monotonic() - started
            port = next(net.ports(device_id=server.id))
            self.floating[name] = self.keep("floating_ip", net.create_ip(
                floating_network_id=external.id, port_id=port.id, description=PREFIX)).floating_ip_address
        self.consoles = {name: self.finished_console(demo, server) for name, server in self.servers.items()}
        self.guests, self.ssh_ready_after = {}, {}
        for name in self.servers:
            guest = Guest(self.floating[name], console_host_keys(self.consoles[name]), self.tmp_dir, user=LOGIN_USER)
            wait_until("SSH to %s at %s as %s" % (name, self.floating[name], LOGIN_USER), guest.reachable,
                       timeout=180, interval=3)
            self.guests[name] = guest
            self.ssh_ready_after[name] = time.monotonic() - started
        for name in self.servers:
            uptime = FINISHED.findall(self.consoles[name])[-1][1]
            print("%s: ACTIVE after %.0f s, cloud-init finished at guest uptime %s s, SSH login (host key "
                  "verified) %.0f s after create" % (name, self.active_after[name], uptime, self.ssh_ready_after[name]))
        return self

    @staticmethod
    def finished_console(conn, server, timeout=480):
        """The console once cloud-init's final stage finished with the OpenStack datasource.

        The lab's userspace OVS can miss a tap that comes up late (see guest_console): the
        guest then gets no lease, cloud-init falls back to DataSourceNone, and the server is
        hard-rebooted once (a new datasource is a new instance to cloud-init: it runs again).
        """
        def finished(boots):
            def probe():
                log = conn.compute.get_server_console_output(server)["output"]
                # The console log keeps the lines of a boot before a hard reboot.
                return log if len(FINISHED.findall(log)) >= boots else None
            return wait_until("cloud-init of %s to finish" % server.name, probe, timeout=timeout, interval=5)
        log = finished(1)
        if not FINISHED.findall(log)[-1][0].startswith("DataSourceOpenStack"):
            warnings.warn("%s: cloud-init found %s (no metadata service: no DHCP lease?); hard-rebooted "
                          "it once" % (server.name, FINISHED.findall(log)[-1][0]))
            hard_reboot(conn, server)
            log = finished(len(FINISHED.findall(log)) + 1)
        assert FINISHED.findall(log)[-1][0].startswith("DataSourceOpenStack"), log[-4000:]
        return log

    def delete(self):
        super().delete()
        self.admin.compute.delete_flavor(self.flavor)


@pytest.fixture(scope="module")
def booted(admin, demo, tmp_path_factory):
    delete_leftovers(admin, PREFIX)
    for flavor in admin.compute.flavors():
        if flavor.name.startswith(PREFIX):
            admin.compute.delete_flavor(flavor)
    made = CloudImageServers(admin, tmp_path_factory.mktemp("cloudimg"))
    try:
        yield made.build(demo)
    finally:
        made.delete()


def test_the_image_in_glance_boots_its_kernel_and_names_its_os(admin):
    image = admin.image.find_image(IMAGE, ignore_missing=False)
    assert (image.disk_format, image.container_format, image.status) == ("qcow2", "bare", "active")
    assert image.min_disk == 1 and image.min_ram == 256, (image.min_disk, image.min_ram)
    # The SDK makes the properties it knows attributes; the others stay in `properties`.
    properties = {key: getattr(image, key, None) or image.properties.get(key)
                  for key in ("os_distro", "os_version", "os_type", "hw_disk_bus", "hw_vif_model",
                              "kernel_id", "ramdisk_id", "os_command_line")}
    assert (properties["os_distro"], properties["os_version"], properties["os_type"]) == ("debian", "13", "linux"), \
        properties
    assert properties["hw_disk_bus"] == "virtio" and properties["hw_vif_model"] == "virtio", properties
    for role, fmt in (("kernel_id", "aki"), ("ramdisk_id", "ari")):
        assert admin.image.get_image(properties[role]).disk_format == fmt, properties
    assert "root=LABEL=ooo-root" in properties["os_command_line"], properties


def test_cloud_init_finishes_and_the_metadata_key_logs_in_over_a_floating_ip(booted):
    for name, guest in booted.guests.items():
        # keys_to_console printed the host keys, which the login verified (StrictHostKeyChecking).
        assert len(console_host_keys(booted.consoles[name])) >= 2, booted.consoles[name][-3000:]
        out = guest.check("cloud-init status --wait; hostname; id -un; sudo -n id -u", timeout=120)
        lines = out.split()
        assert "done" in out.splitlines()[0], out
        assert lines[-3:] == [name, LOGIN_USER, "0"], out


def test_two_servers_from_the_image_are_two_machines(booted):
    """The image is sealed: each server made its own host keys and machine-id at first boot."""
    keys = {name: set(console_host_keys(console)) for name, console in booted.consoles.items()}
    first, second = keys.values()
    assert first and second and not first & second, keys
    machine_ids = {name: guest.check("cat /etc/machine-id").strip() for name, guest in booted.guests.items()}
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in machine_ids.values()), machine_ids
    assert len(set(machine_ids.values())) == 2, machine_ids
    # Nothing of the build host, nor a password, nor a MAC bound to a name.
    sealed = booted.guests["%s-1" % PREFIX].check(
        "sudo -n passwd -S root | cut -d' ' -f2; ls /etc/udev/rules.d/ | grep -c persistent-net || true; "
        "ls /var/lib/apt/lists | grep -vc -e '^lock$' -e '^partial$' -e '^auxfiles$' || true")
    assert sealed.split() == ["L", "0", "0"], sealed


def test_cloud_config_user_data_writes_a_file_and_runs_a_command(booted):
    for guest in booted.guests.values():
        out = guest.check("cat /etc/ooo-e2e-written /var/lib/ooo-e2e-runcmd")
        assert out.splitlines() == ["written by cloud-config", "root"], out


def test_the_baked_in_nginx_serves_the_page_cloud_config_wrote(booted):
    for name, address in booted.floating.items():
        with urllib.request.urlopen("http://%s/" % address, timeout=20) as response:
            assert response.status == 200
            assert response.read().decode().strip() == "ooo cloud image %s" % name


def _cloud_image_playbook(*extra):
    run = ansible_playbook(ROOT / "playbooks" / "cloud_image.yml", *extra, timeout=900)
    return run, run.stdout + run.stderr


@pytest.fixture
def scratch_build():
    """A build of another name in a build directory of its own (the real image is left alone)."""
    build_dir = "%s-%s" % (BUILD_DIR, PREFIX)
    name = "%s-scratch" % PREFIX
    on_node(BUILD_NODE, "rm -rf --one-file-system %s" % build_dir)
    yield build_dir, name
    on_node(BUILD_NODE, "rm -rf --one-file-system %s" % build_dir)


def test_check_mode_predicts_a_build_and_makes_nothing(scratch_build):
    build_dir, name = scratch_build
    run, output = _cloud_image_playbook("--check", "-e", "cloud_image_build_dir=%s" % build_dir,
                                        "-e", "cloud_image_name=%s" % name)
    assert run.returncode == 0, output[-3000:]
    assert re.search(r"^undercloud +: ok=\d+ +changed=[1-9]", output, re.M), output[-3000:]
    assert on_node(BUILD_NODE, "test -e %s && echo made || echo absent" % build_dir).stdout.strip() == "absent"


def test_a_package_that_does_not_exist_fails_the_build_naming_it_and_uploads_nothing(admin, scratch_build):
    build_dir, name = scratch_build
    run, output = _cloud_image_playbook("-e", "cloud_image_build_dir=%s" % build_dir,
                                        "-e", "cloud_image_name=%s" % name,
                                        "-e", '{"cloud_image_packages": ["nginx", "ooo-no-such-package"]}')
    assert run.returncode != 0, output[-3000:]
    assert "no package ooo-no-such-package" in output and "cloud_image on undercloud" in output, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert not [image.name for image in admin.image.images() if image.name.startswith(name)]
    left = on_node(BUILD_NODE, "ls -A %s; findmnt -rn -o TARGET | grep -c %s || true" % (build_dir, build_dir)).stdout
    assert left.split() == ["0"] or sorted(left.split()) == sorted([".build.lock", "build.sh", "0"]), left


def test_an_interrupted_build_leaves_the_built_image_as_it_was_and_no_half_image(admin):
    files = "%s/vmlinuz %s/initrd.img %s/disk.qcow2" % (BUILD_DIR, BUILD_DIR, BUILD_DIR)
    before = on_node(BUILD_NODE, "md5sum %s" % files).stdout
    glance_before = admin.image.find_image(IMAGE, ignore_missing=False).checksum
    # The real build script, stopped while mmdebstrap installs the packages (the tree has its
    # dpkg status file and /proc mounted in it).
    run = on_node(BUILD_NODE, "%s/build.sh & build=$!; "
                  "for i in $(seq 600); do [ -s %s/work/rootfs/var/lib/dpkg/status ] && break; sleep 0.2; done; "
                  "kill -TERM $build; wait $build; echo exit $?" % (BUILD_DIR, BUILD_DIR), timeout=300)
    assert run.stdout.strip().endswith("exit 143"), run.stdout + run.stderr
    assert "interrupted; the work directory is removed" in run.stderr, run.stderr[-2000:]
    after = on_node(BUILD_NODE, "md5sum %s; test -e %s/work && echo work-left; findmnt -rn -o TARGET | grep -F %s/ || true"
                    % (files, BUILD_DIR, BUILD_DIR)).stdout
    assert after == before, (before, after)
    assert admin.image.find_image(IMAGE, ignore_missing=False).checksum == glance_before
    assert "disk.qcow2" in before
