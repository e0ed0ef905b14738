"""Block storage: Cinder volumes on Ceph RBD, attached to servers and used from inside the guests.

The deployment's contract (roles/cinder, roles/ceph): the Block Storage v3 API in the catalog
(service type block-storage or volumev3), one backend `ceph` on the RBD pool `volumes`, new
volumes of type __DEFAULT__ or ceph; the demo tenant (roles/demo_tenant) has `demo-volume`
(1 GiB) attached to `demo-server`.

One set of resources in the admin's project for the module, named (or described) e2e-block-…
and deleted at the end (and what an interrupted run left, at the start): a router to the
external network, a network, an open security group, a key pair, two servers of the guest
image with floating IPs (vm1 for most attachments, vm2 for the copy of a snapshot), and a
server booted from a volume made of the guest image. The guests are logged in to as the
image's login user, whose sudo runs what disks need as root (ooo.cloud.guest_image); a disk
is told apart by its virtio serial, the first 20 characters of the volume id (Nova gives
libvirt the volume id as the disk's serial).

The RBD and Ceph health checks run `rbd` and `ceph` on the lab's monitor node (inventory group
ceph_mon: overcloud-storage-0, whose admin keyring they use) over the lab's SSH config
(.lab/ssh/config); they skip without it.
"""

from __future__ import annotations

import json
import secrets
import shlex
from dataclasses import dataclass, field

import pytest

from ooo_testlib import (DEMO_KEY, SSH_CONFIG, Guest, MadeResources, delete_leftovers, guest_host_keys, lab_nodes,
                         on_node, restart_node, run_module, wait_for_sshd, wait_until)

PREFIX = "e2e-block"
EXTERNAL = "public"
CIDR = "10.253.0.0/24"
IMAGE = "ooo-guest"
FLAVOR = "ooo.tiny"
DEMO_SERVER = "demo-server"
DEMO_VOLUME = "demo-volume"  # roles/demo_tenant: demo_tenant_volume.name
BACKEND = "ceph"
RBD_POOL = "volumes"
VOLUME_TYPES = ("__DEFAULT__", "ceph")
# What `ceph health detail` may report besides HEALTH_OK (the ceph role accepts the same):
# Debian's manager on Python 3.13 cannot load some of its modules, and the lab's single OSD
# leaves its pools with one replica.
HEALTH_ALLOWED = {"MGR_MODULE_DEPENDENCY", "POOL_NO_REDUNDANCY"}
GIB = 1024 ** 3
# Seconds. Guests run under TCG; an attachment or a detachment waits for the guest to answer
# the PCI hot-plug.
SERVER_TIMEOUT = 300
VOLUME_TIMEOUT = 180
ATTACH_TIMEOUT = 180

# Run as root in a guest (sudo sh -c): an MBR with one partition over the disk (busybox fdisk),
# ext2 on it (busybox mke2fs; the guest's ext4 driver mounts it), a file with the token, synced
# and read back, unmounted.
WRITE_SCRIPT = """set -e
printf 'o\\nn\\np\\n1\\n\\n\\nw\\n' | fdisk /dev/%(disk)s >/dev/null 2>&1
i=0
while [ ! -b /dev/%(disk)s1 ]; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then echo "no /dev/%(disk)s1 after fdisk" >&2; exit 1; fi
    sleep 0.1
done
mke2fs -L %(label)s /dev/%(disk)s1 >/dev/null
mount -t ext2 /dev/%(disk)s1 /mnt
echo %(token)s > /mnt/token
sync
cat /mnt/token
grep '^/dev/%(disk)s1 ' /proc/mounts
umount /mnt
"""
# The token of a disk written so, its file system mounted read-only.
READ_SCRIPT = """set -e
mount -r -t ext2 /dev/%(disk)s1 /mnt
cat /mnt/token
umount /mnt
"""
# The guest's virtio disks, one line each: name, size in 512-byte sectors, serial.
LIST_DISKS = ('for d in /sys/block/vd*; do [ -e "$d/size" ] && '
              'echo "${d##*/} $(cat "$d/size") $(cat "$d/serial" 2>/dev/null)"; done; true')


def as_root(guest, script, timeout=180):
    """A shell script run as root in the guest, through the image's sudo; its output."""
    return guest.check("sudo sh -c %s" % shlex.quote(script), timeout=timeout)


def guest_disks(guest):
    """The guest's virtio disks: {serial: {"name": vdX, "bytes": size}}."""
    disks = {}
    for line in guest.check(LIST_DISKS).splitlines():
        parts = line.split()
        if len(parts) >= 2:
            disks[parts[2] if len(parts) > 2 else "(no serial: %s)" % parts[0]] = {
                "name": parts[0], "bytes": int(parts[1]) * 512}
    return disks


def serial(volume):
    """The serial of a volume's disk in a guest: its id, cut to virtio-blk's 20 bytes."""
    return volume.id[:20]


def module_fails(module, **args):
    """The message of an ooo.cloud module run that has to fail."""
    with pytest.raises(AssertionError, match=r"ooo\.cloud\.%s failed: " % module) as failed:
        run_module(module, **args)
    return str(failed.value).split(" failed: ", 1)[1]


def attached_servers(volume):
    return [a.get("server_id") for a in volume.attachments or []]


def delete_block_leftovers(admin, prefix):
    """Volumes and snapshots named prefix… that an interrupted earlier run left (after
    delete_leftovers deleted its servers, which detaches their volumes). A volume with
    snapshots cannot go, nor a snapshot with a volume made of it (an RBD clone): the volumes
    without snapshots, then the snapshots without volumes, a few rounds."""
    bs = admin.block_storage
    for _round in range(4):
        snapshots = list(bs.snapshots(all_projects=True))
        volumes = [v for v in bs.volumes(all_projects=True) if (v.name or "").startswith(prefix)]
        mine = [s for s in snapshots if (s.name or "").startswith(prefix)]
        if not volumes and not mine:
            return
        parents = {s.volume_id for s in snapshots}
        going = []
        for volume in volumes:
            if volume.id in parents and volume.status != "deleting":
                continue
            for server_id in attached_servers(volume):
                admin.compute.delete_volume_attachment(server_id, volume)
            if volume.attachments:
                bs.wait_for_status(volume, "available", failures=["error"], wait=ATTACH_TIMEOUT)
            if volume.status != "deleting":
                bs.delete_volume(volume)
            going.append(volume)
        for volume in going:
            bs.wait_for_delete(volume, wait=VOLUME_TIMEOUT)
        gone = {volume.id for volume in going}
        going = []
        for snapshot in mine:
            if [v for v in volumes if v.snapshot_id == snapshot.id and v.id not in gone]:
                continue  # its volume goes first, next round
            if snapshot.status != "deleting":
                bs.delete_snapshot(snapshot)
            going.append(snapshot)
        for snapshot in going:
            bs.wait_for_delete(snapshot, wait=VOLUME_TIMEOUT)


@dataclass
class Written:
    """A volume that vm1 partitioned, formatted and wrote a token to, and what each step showed."""
    volume: object
    token: str
    disk: str
    seen: dict = field(default_factory=dict)


class BlockStorage(MadeResources):
    """vm1 and vm2 on a network behind a router, with floating IPs, and a server that boots
    from a volume of the guest image; the volumes and snapshots the tests make."""

    def build(self):
        net, compute, bs = self.admin.network, self.admin.compute, self.admin.block_storage
        external = net.find_network(EXTERNAL)
        self.external = external
        self.router = self.keep("router", net.create_router(
            name="%s-router" % PREFIX, external_gateway_info={"network_id": external.id}))
        self.network = self.keep("network", net.create_network(name="%s-net" % PREFIX))
        subnet = net.create_subnet(network_id=self.network.id, ip_version=4, cidr=CIDR, name="%s-subnet" % PREFIX)
        net.add_interface_to_router(self.router, subnet_id=subnet.id)
        self.keep("interface", (self.router, subnet))
        self.group = self.keep("security_group", net.create_security_group(name="%s-open" % PREFIX))
        for rule in ({"protocol": "icmp"}, {"protocol": "tcp", "port_range_min": 22, "port_range_max": 22}):
            net.create_security_group_rule(security_group_id=self.group.id, direction="ingress", ethertype="IPv4",
                                           **rule)
        with open("%s.pub" % DEMO_KEY) as f:
            self.keypair = self.keep("keypair", compute.create_keypair(name="%s-key" % PREFIX,
                                                                       public_key=f.read().strip()))
        self.image = self.admin.image.find_image(IMAGE, ignore_missing=False)
        self.flavor = compute.find_flavor(FLAVOR, ignore_missing=False)

        # The root volume of the server booted from a volume: Cinder writes the image into it
        # while vm1 and vm2 boot. What goes wrong there fails the boot-from-volume test only.
        self.boot_volume = self.boot_error = None
        try:
            self.boot_volume = self.keep("volume", bs.create_volume(
                name="%s-boot" % PREFIX, size=1, image_id=self.image.id))
        except Exception as err:  # noqa: BLE001 - reported by the boot-from-volume test
            self.boot_error = "creating a volume of image %s failed: %s" % (IMAGE, err)
        self.servers = {}
        for name in ("vm1", "vm2"):
            self.servers[name] = self.keep("server", compute.create_server(
                **self.server_args(name, image_id=self.image.id)))
        for name in ("vm1", "vm2"):
            self.servers[name] = compute.wait_for_server(self.servers[name], status="ACTIVE", failures=["ERROR"],
                                                         wait=SERVER_TIMEOUT)
        if self.boot_volume is not None:
            try:
                self.boot_volume = bs.wait_for_status(self.boot_volume, "available", failures=["error"],
                                                      wait=VOLUME_TIMEOUT)
                self.servers["bfv"] = self.keep("server", compute.create_server(**self.server_args(
                    "bfv", block_device_mapping=[{"uuid": self.boot_volume.id, "source_type": "volume",
                                                  "destination_type": "volume", "boot_index": 0,
                                                  "delete_on_termination": False}])))
            except Exception as err:  # noqa: BLE001 - reported by the boot-from-volume test
                self.boot_error = "the volume of image %s, or a server booted from it: %s" % (IMAGE, err)

        self.consoles, self.guests, self.floating = {}, {}, {}
        for name in ("vm1", "vm2"):
            self.consoles[name] = wait_for_sshd(self.admin, self.servers[name])
            self.guests[name] = self.login(name)
        for name, guest in self.guests.items():
            modules = next((line for line in self.consoles[name].splitlines() if "ooo-guest: modules" in line), "")
            assert "virtio_blk" in modules.split(), (
                "%s's guest loaded no virtio_blk (%r): its image (%s) predates the disk support of "
                "ooo.cloud.guest_image; run playbooks/guest_image.yml" % (name, modules.strip(), IMAGE))
            proc = guest.run("sudo id -u")
            assert proc.returncode == 0 and proc.stdout.strip() == "0", (
                "sudo in %s's guest: exit %d, %r %r; the guest image needs guest_image_login_sudo"
                % (name, proc.returncode, proc.stdout, proc.stderr))
        return self

    def server_args(self, name, **boot):
        return dict(name="%s-%s" % (PREFIX, name), flavor_id=self.flavor.id, networks=[{"uuid": self.network.id}],
                    key_name=self.keypair.name, security_groups=[{"name": self.group.name}], **boot)

    def login(self, name):
        """A floating IP for the server and a Guest that logs in over it, once SSH answers."""
        net = self.admin.network
        port = next(net.ports(device_id=self.servers[name].id))
        self.floating[name] = self.keep("floating_ip", net.create_ip(
            floating_network_id=self.external.id, port_id=port.id, description=PREFIX))
        address = self.floating[name].floating_ip_address
        guest = Guest(address, guest_host_keys(self.consoles[name]), self.tmp_dir)
        wait_until("SSH to %s at %s" % (self.servers[name].name, address), guest.reachable, timeout=120, interval=3)
        return guest

    # -- volumes

    def new_volume(self, suffix, size, **attrs):
        """A new volume, once available."""
        bs = self.admin.block_storage
        volume = self.keep("volume", bs.create_volume(name="%s-%s" % (PREFIX, suffix), size=size, **attrs))
        bs.wait_for_status(volume, "available", failures=["error"], wait=VOLUME_TIMEOUT)
        return bs.get_volume(volume.id)

    def attach(self, name, volume):
        """The volume attached to server `name` (Nova's os-volume_attachments), once in-use."""
        server = self.servers[name]
        self.admin.compute.create_volume_attachment(server, volume=volume.id)
        self.admin.block_storage.wait_for_status(volume, "in-use", failures=["error"], wait=ATTACH_TIMEOUT)
        # A new object: the SDK's wait refreshes the one it is given, which later waits change.
        volume = self.admin.block_storage.get_volume(volume.id)
        assert attached_servers(volume) == [server.id], "%s is in-use by %s, not by %s" % (
            volume.name, attached_servers(volume), server.name)
        return volume

    def detach(self, name, volume):
        """The volume detached from server `name`, once available."""
        self.admin.compute.delete_volume_attachment(self.servers[name], volume)
        self.admin.block_storage.wait_for_status(volume, "available", failures=["error"], wait=ATTACH_TIMEOUT)
        return self.admin.block_storage.get_volume(volume.id)

    def disk(self, name, volume):
        """The guest's disk of the volume ({"name", "bytes"}), once the guest shows it."""
        return wait_until("the disk of %s (serial %s) in %s's guest" % (volume.name, serial(volume), name),
                          lambda: guest_disks(self.guests[name]).get(serial(volume)), timeout=ATTACH_TIMEOUT,
                          interval=3)

    def write_volume(self):
        """A new 1 GiB volume attached to vm1, partitioned, formatted and written there, detached."""
        seen = {}
        volume = seen["created"] = self.new_volume("data", 1)
        guest = self.guests["vm1"]
        seen["disks before"] = guest_disks(guest)
        seen["attached"] = self.attach("vm1", volume)
        seen["nova attachments"] = [a.volume_id for a in self.admin.compute.volume_attachments(self.servers["vm1"])]
        disk = self.disk("vm1", volume)["name"]
        seen["disks attached"] = guest_disks(guest)
        token = secrets.token_hex(16)
        seen["written"] = as_root(guest, WRITE_SCRIPT % {"disk": disk, "label": "e2e", "token": token})
        seen["detached"] = self.detach("vm1", volume)
        wait_until("the disk of %s to leave vm1's guest" % volume.name,
                   lambda: serial(volume) not in guest_disks(guest), timeout=ATTACH_TIMEOUT, interval=3)
        seen["disks detached"] = guest_disks(guest)
        return Written(volume, token, disk, seen)

    def delete_volume(self, volume):
        bs = self.admin.block_storage
        current = bs.find_volume(volume.id)
        if current is None:
            return
        for server_id in attached_servers(current):
            self.admin.compute.delete_volume_attachment(server_id, current)
        if current.attachments:
            bs.wait_for_status(current, "available", failures=["error"], wait=ATTACH_TIMEOUT)
        bs.delete_volume(current)
        bs.wait_for_delete(current, wait=VOLUME_TIMEOUT)

    def delete(self):
        """Volumes and snapshots here (a volume attached still is detached first), the rest by
        MadeResources, all in reverse order."""
        made, self.made = self.made, []
        for kind, resource in reversed(made):
            if kind in ("volume", "snapshot"):
                try:
                    if kind == "volume":
                        self.delete_volume(resource)
                    else:
                        self.admin.block_storage.delete_snapshot(resource, ignore_missing=True)
                        self.admin.block_storage.wait_for_delete(resource, wait=VOLUME_TIMEOUT)
                except Exception as err:  # noqa: BLE001 - cleanup goes on; the leftover is reported
                    print("cleanup of %s %s failed: %s" % (kind, getattr(resource, "name", resource), err))
            else:
                self.made = [(kind, resource)]
                super().delete()
        self.made = []


@pytest.fixture(scope="module")
def block(admin, tmp_path_factory):
    delete_leftovers(admin, PREFIX)
    delete_block_leftovers(admin, PREFIX)
    made = BlockStorage(admin, tmp_path_factory.mktemp("block"))
    try:
        yield made.build()
    finally:
        made.delete()


@pytest.fixture(scope="module")
def written(block):
    return block.write_volume()


@pytest.fixture(scope="module")
def spare(block):
    """An available 2 GiB volume that no server has."""
    return block.new_volume("spare", 2)


@pytest.fixture(scope="module")
def storage_node():
    """The lab's Ceph monitor node (inventory group ceph_mon), where `ceph` and `rbd` run with
    the admin keyring. Needs the lab (its SSH config); skips without it."""
    if not SSH_CONFIG.exists():
        pytest.skip("needs the lab's SSH config (%s) to reach the ceph_mon node" % SSH_CONFIG)
    nodes = sorted(lab_nodes("ceph_mon"))
    if not nodes:
        pytest.skip("the lab inventory has no ceph_mon node")
    probe = on_node(nodes[0], "ceph --version && rbd --version")
    assert probe.returncode == 0, "ceph and rbd on %s: %s%s" % (nodes[0], probe.stdout, probe.stderr)
    return nodes[0]


def rbd_images(node):
    """The RBD images of the volumes pool."""
    proc = on_node(node, "rbd -p %s ls --format json" % RBD_POOL)
    assert proc.returncode == 0, "rbd -p %s ls on %s: %s" % (RBD_POOL, node, proc.stderr)
    return json.loads(proc.stdout or "[]")


# --- the deployment --------------------------------------------------------------------------

def test_the_block_storage_api_is_cinder_v3_with_one_ceph_backend(admin):
    types = {service.type for service in admin.identity.services()}
    assert types & {"block-storage", "volumev3"}, "no block-storage or volumev3 service in the catalog: %s" % types
    assert "/v3" in admin.block_storage.get_endpoint()
    # One backend: a pool host@ceph#ceph for each cinder-volume (one per controller).
    pools = list(admin.block_storage.backend_pools())
    assert pools, "Cinder's scheduler knows no pool: no cinder-volume reports"
    for pool in pools:
        assert pool.name.split("@", 1)[-1].split("#")[0] == BACKEND, "a pool of another backend: %s" % pool.name
        capabilities = pool.capabilities or {}
        assert capabilities.get("volume_backend_name") == BACKEND, capabilities
        assert str(capabilities.get("storage_protocol")).lower() in ("ceph", "rbd"), capabilities
    assert {t.name for t in admin.block_storage.types()} & set(VOLUME_TYPES)


def test_the_demo_volume_is_in_use_by_the_demo_server(demo):
    server = demo.compute.find_server(DEMO_SERVER, ignore_missing=False)
    found = demo.block_storage.find_volume(DEMO_VOLUME)
    assert found is not None, "the demo project has no volume %s" % DEMO_VOLUME
    volume = demo.block_storage.get_volume(found.id)
    assert volume.size == 1
    assert volume.status == "in-use", "%s is %s" % (DEMO_VOLUME, volume.status)
    assert attached_servers(volume) == [server.id], "%s is attached to %s, not to %s (%s)" % (
        DEMO_VOLUME, attached_servers(volume), DEMO_SERVER, server.id)
    assert volume.id in [a.volume_id for a in demo.compute.volume_attachments(server)], \
        "Nova does not list %s among the volumes of %s" % (DEMO_VOLUME, DEMO_SERVER)


# --- a volume in a guest ---------------------------------------------------------------------

def test_a_new_volume_is_attached_written_in_the_guest_and_detached(block, written):
    seen, volume = written.seen, written.volume
    created = seen["created"]
    assert created.status == "available" and created.size == 1
    assert created.volume_type in VOLUME_TYPES, created.volume_type
    assert created.host and created.host.split("@", 1)[-1].split("#")[0] == BACKEND, \
        "%s is on %s, not on backend %s" % (volume.name, created.host, BACKEND)

    attached = seen["attached"]
    assert attached.status == "in-use"
    assert attached_servers(attached) == [block.servers["vm1"].id]
    assert volume.id in seen["nova attachments"], "Nova does not list %s on vm1" % volume.name
    # A new disk in the guest, of the volume's size and with its serial.
    new = {s: d for s, d in seen["disks attached"].items() if s not in seen["disks before"]}
    assert list(new) == [serial(volume)], "disks before %s, attached %s" % (seen["disks before"],
                                                                            seen["disks attached"])
    assert new[serial(volume)]["bytes"] == GIB

    lines = seen["written"].splitlines()
    assert lines[0] == written.token, seen["written"]
    assert lines[1].split()[:3] == ["/dev/%s1" % written.disk, "/mnt", "ext2"], seen["written"]

    assert seen["detached"].status == "available" and not seen["detached"].attachments
    assert seen["disks detached"] == seen["disks before"], "the guest's disks after the detach: %s" % (
        seen["disks detached"])


def test_a_volume_made_of_a_snapshot_holds_the_file_in_a_second_server(block, written):
    bs = block.admin.block_storage
    snapshot = block.keep("snapshot", bs.create_snapshot(volume_id=written.volume.id, name="%s-snap" % PREFIX))
    snapshot = bs.wait_for_status(snapshot, "available", failures=["error"], wait=VOLUME_TIMEOUT)
    assert snapshot.volume_id == written.volume.id

    copy = block.new_volume("copy", snapshot.size, snapshot_id=snapshot.id)
    assert copy.snapshot_id == snapshot.id
    block.attach("vm2", copy)
    disk = block.disk("vm2", copy)
    assert disk["bytes"] == copy.size * GIB
    out = as_root(block.guests["vm2"], READ_SCRIPT % {"disk": disk["name"]})
    assert out.strip() == written.token, "vm2 read %r from the copy, vm1 wrote %r" % (out, written.token)
    block.detach("vm2", copy)


def test_an_extended_volume_is_2_gib_in_the_api_and_in_the_guest(block, written):
    bs, volume = block.admin.block_storage, written.volume

    def extended():
        current = bs.get_volume(volume.id)
        assert current.status not in ("error", "error_extending"), "%s is %s" % (volume.name, current.status)
        return current if current.status == "available" and current.size == 2 else None

    bs.extend_volume(volume, 2)
    current = wait_until("%s to be 2 GiB" % volume.name, extended, timeout=VOLUME_TIMEOUT)
    assert current.size == 2

    block.attach("vm1", current)
    disk = block.disk("vm1", current)
    assert disk["bytes"] == 2 * GIB, "the guest sees %d bytes" % disk["bytes"]
    guest = block.guests["vm1"]
    assert int(guest.check("sudo blockdev --getsize64 /dev/%s" % disk["name"])) == 2 * GIB
    # The data is still there: the partition and the file system of 1 GiB at its start.
    assert as_root(guest, READ_SCRIPT % {"disk": disk["name"]}).strip() == written.token
    block.detach("vm1", current)


def test_a_server_booted_from_a_volume_of_the_guest_image_logs_in(block):
    if block.boot_error:
        pytest.fail(block.boot_error)
    compute, bs = block.admin.compute, block.admin.block_storage
    server = block.servers["bfv"] = compute.wait_for_server(block.servers["bfv"], status="ACTIVE",
                                                            failures=["ERROR"], wait=SERVER_TIMEOUT)
    assert not getattr(server.image, "id", None), "the server names image %s: not booted from a volume" % (
        server.image)
    volume = bs.get_volume(block.boot_volume.id)
    assert volume.is_bootable
    metadata = volume.volume_image_metadata or {}
    assert metadata.get("image_id") == block.image.id, metadata
    # Nova boots the image's kernel and ramdisk, named in the volume's image metadata.
    assert metadata.get("kernel_id") and metadata.get("ramdisk_id"), metadata
    assert volume.status == "in-use" and attached_servers(volume) == [server.id]
    assert [a.get("device") for a in volume.attachments] == ["/dev/vda"], volume.attachments

    block.consoles["bfv"] = wait_for_sshd(block.admin, server)
    guest = block.guests["bfv"] = block.login("bfv")
    out = guest.check("hostname; cat /sys/block/vda/serial")
    assert out.split() == ["%s-bfv" % PREFIX, serial(volume)], (
        "hostname and vda's serial in the guest: %r; the root volume is %s" % (out, volume.id))


# --- Ceph --------------------------------------------------------------------------------------

def test_deleting_volumes_leaves_no_rbd_image(block, demo, storage_node):
    """Needs the lab's ceph_mon node (storage_node)."""
    bs = block.admin.block_storage
    demo_volume = demo.block_storage.find_volume(DEMO_VOLUME, ignore_missing=False)
    images = rbd_images(storage_node)
    assert "volume-%s" % demo_volume.id in images, "no RBD image of %s in pool %s: %s" % (
        DEMO_VOLUME, RBD_POOL, images)

    volume = block.new_volume("rbd", 1)
    snapshot = block.keep("snapshot", bs.create_snapshot(volume_id=volume.id, name="%s-rbd-snap" % PREFIX))
    snapshot = bs.wait_for_status(snapshot, "available", failures=["error"], wait=VOLUME_TIMEOUT)
    clone = block.new_volume("rbd-clone", 1, snapshot_id=snapshot.id)
    images = rbd_images(storage_node)
    for made in (volume, clone):
        assert "volume-%s" % made.id in images, "no RBD image of %s in pool %s: %s" % (made.name, RBD_POOL, images)
    snaps = on_node(storage_node, "rbd snap ls %s/volume-%s --format json" % (RBD_POOL, volume.id))
    assert "snapshot-%s" % snapshot.id in [s["name"] for s in json.loads(snaps.stdout or "[]")], snaps.stdout

    for resource in (clone, snapshot, volume):
        if resource is snapshot:
            bs.delete_snapshot(resource)
        else:
            bs.delete_volume(resource)
        bs.wait_for_delete(resource, wait=VOLUME_TIMEOUT)
    images = rbd_images(storage_node)
    # Also what Cinder renames instead of deleting (volume-<id>.deleted, an image with clones).
    left = [i for i in images if i.startswith(("volume-%s" % volume.id, "volume-%s" % clone.id))]
    assert not left, "RBD images of deleted volumes in pool %s: %s" % (RBD_POOL, left)


def test_ceph_is_healthy_but_for_the_allowed_checks(storage_node):
    """Needs the lab's ceph_mon node (storage_node)."""
    proc = on_node(storage_node, "ceph health detail --format json")
    assert proc.returncode == 0, "ceph health detail on %s: %s" % (storage_node, proc.stderr)
    report = json.loads(proc.stdout)
    checks = report.get("checks") or {}
    unexpected = {name: (check.get("summary") or {}).get("message") for name, check in checks.items()
                  if name not in HEALTH_ALLOWED}
    assert report.get("status") == "HEALTH_OK" or not unexpected, \
        "Ceph is %s: %s" % (report.get("status"), unexpected)


# --- bad input through the modules -------------------------------------------------------------

def test_the_volume_module_refuses_size_0_naming_size(admin):
    name = "%s-zero" % PREFIX
    message = module_fails("volume", cloud="overcloud", name=name, size=0)
    assert "size" in message and name in message, message
    assert admin.block_storage.find_volume(name) is None, "a volume %s was made" % name


def test_the_volume_module_refuses_to_shrink_a_volume_and_changes_nothing(block, spare):
    before = block.admin.block_storage.get_volume(spare.id)
    message = module_fails("volume", cloud="overcloud", name=spare.name, size=1)
    assert "size" in message and "shrink" in message and "2 GiB" in message, message
    after = block.admin.block_storage.get_volume(spare.id)
    assert (after.size, after.status, after.updated_at) == (2, "available", before.updated_at)


def test_attaching_to_a_missing_server_fails_naming_it(block, spare):
    missing = "%s-no-such-server" % PREFIX
    message = module_fails("server_volume", cloud="overcloud", server=missing, volume=spare.name)
    assert "server '%s' not found" % missing in message, message
    after = block.admin.block_storage.get_volume(spare.id)
    assert after.status == "available" and not after.attachments


def test_deleting_an_attached_volume_fails_and_it_stays_in_use(demo):
    server = demo.compute.find_server(DEMO_SERVER, ignore_missing=False)
    message = module_fails("volume", cloud="overcloud-demo", name=DEMO_VOLUME, state="absent")
    assert "attached" in message and DEMO_SERVER in message, message
    volume = demo.block_storage.find_volume(DEMO_VOLUME, ignore_missing=False)
    assert volume.status == "in-use" and attached_servers(volume) == [server.id]


# --- the storage node restarts ------------------------------------------------------------------

# The guest reads the disk again, not its own cache of it.
REREAD_SCRIPT = "echo 3 > /proc/sys/vm/drop_caches\n" + READ_SCRIPT


def ceph_serves(node):
    """Every OSD up and every placement group active+clean, as `ceph status` reports."""
    proc = on_node(node, "ceph status --format json", timeout=30)
    if proc.returncode != 0:
        return False
    status = json.loads(proc.stdout)
    osds = status.get("osdmap", {})
    pgs = status.get("pgmap", {})
    clean = sum(s["count"] for s in pgs.get("pgs_by_state", []) if s["state_name"] == "active+clean")
    return osds.get("num_osds", 0) > 0 and osds.get("num_up_osds") == osds.get("num_osds") \
        and clean == pgs.get("num_pgs", -1)


def test_volumes_come_back_when_the_storage_node_restarts_with_no_deploy(block, storage_node):
    """Last of the file: the storage node (its container, as a reboot) goes down for a minute."""
    volume = block.new_volume("restart", 1)
    block.attach("vm1", volume)
    guest = block.guests["vm1"]
    disk = block.disk("vm1", volume)["name"]
    token = secrets.token_hex(16)
    as_root(guest, WRITE_SCRIPT % {"disk": disk, "label": "e2e", "token": token})

    restart_node(storage_node)
    wait_until("Ceph on %s to serve every placement group again" % storage_node,
               lambda: ceph_serves(storage_node), timeout=180, interval=5)

    # The attached volume reads back through qemu's librbd, which reconnected by itself.
    read = as_root(guest, REREAD_SCRIPT % {"disk": disk})
    assert read.strip() == token, "after %s restarted, %s reads %r, not the token written before" % (
        storage_node, volume.name, read)
    # cinder-volume reached the cluster again: a new volume is made in it.
    after = block.new_volume("after-restart", 1)
    assert after.status == "available", after.status
    test_ceph_is_healthy_but_for_the_allowed_checks(storage_node)
