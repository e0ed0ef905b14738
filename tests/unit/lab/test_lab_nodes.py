"""Starting nodes: running ones are left alone, stopped ones started, stale ones recreated."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "lab"))
import lab  # noqa: E402  pylint: disable=wrong-import-position

ADDRESSES = {"internal_api": "10.213.1.10", "ctlplane": "10.213.0.10"}


@pytest.fixture
def podman(monkeypatch):
    """A podman whose `inspect` answers `state` (status, pid, label); records every call."""
    calls = []
    state = {"inspect": None}

    def fake(*args, check=True):
        calls.append(args)
        if args[:2] == ("container", "inspect"):
            if state["inspect"] is None:
                return subprocess.CompletedProcess(args, 125, "", "no such container")
            return subprocess.CompletedProcess(args, 0, state["inspect"] + "\n", "")
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(lab, "podman", fake)
    return calls, state


def commands(calls):
    return [args[0] for args in calls if args[0] != "container"]


def test_a_new_node_is_run_with_ctlplane_first(podman):
    calls, _state = podman
    assert lab.start_node("node-0", ADDRESSES, "img:1") is True
    run = [args for args in calls if args[0] == "run"][0]
    nets = [arg for arg in run if arg.startswith("--network=")]
    assert nets[0].startswith("--network=%s:ip=10.213.0.10" % lab.network_name("ctlplane"))


def test_every_interface_gets_a_fixed_mac_from_its_address(podman):
    # A restarted container keeps its MACs, as a rebooted server does.
    calls, _state = podman
    lab.start_node("node-0", ADDRESSES, "img:1")
    run = [args for args in calls if args[0] == "run"][0]
    nets = [arg for arg in run if arg.startswith("--network=")]
    assert ",mac=02:00:0a:d5:00:0a," in nets[0]
    macs = [arg.split("mac=")[1].split(",")[0] for arg in nets]
    assert len(set(macs)) == len(macs)


def test_an_ipv6_interface_gets_a_locally_administered_mac():
    mac = lab.interface_mac("fd00:213::10")
    assert mac.startswith("02:00:") and len(mac.split(":")) == 6
    assert mac == lab.interface_mac("fd00:213::10") != lab.interface_mac("fd00:213::11")


def test_a_running_node_is_left_alone(podman):
    calls, state = podman
    # This test process stands in for the container's init: alive, so "running" is believed.
    state["inspect"] = "running %d %s" % (os.getpid(), lab.LAB_NAME)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lab, "_runs", lambda pid, program: int(pid) == os.getpid())
        assert lab.start_node("node-0", ADDRESSES, "img:1") is False
    assert commands(calls) == []


def test_a_stopped_node_is_started(podman):
    calls, state = podman
    state["inspect"] = "exited 0 %s" % lab.LAB_NAME
    assert lab.start_node("node-0", ADDRESSES, "img:1") is True
    assert commands(calls) == ["start"]


def test_a_node_whose_processes_died_with_the_machine_is_recreated(podman):
    calls, state = podman
    # podman's records say running, but no process has that pid (or it is another program).
    state["inspect"] = "running 999999999 %s" % lab.LAB_NAME
    assert lab.container_info("node-0") == ("stale", lab.LAB_NAME)
    assert lab.start_node("node-0", ADDRESSES, "img:1") is True
    assert commands(calls) == ["rm", "run"]


def test_a_container_of_another_lab_is_refused(podman):
    _calls, state = podman
    state["inspect"] = "exited 0 someone-else"
    with pytest.raises(lab.LabError, match="node 'node-0'.*not part of lab"):
        lab.start_node("node-0", ADDRESSES, "img:1")


def test_a_pid_file_of_a_reused_pid_is_not_the_proxy(tmp_path):
    pidfile = tmp_path / "proxy.pid"
    pidfile.write_text(str(os.getpid()))  # alive, but pytest, not the proxy
    assert lab._pid_alive(pidfile) is None  # pylint: disable=protected-access
    pidfile.write_text("not a pid")
    assert lab._pid_alive(pidfile) is None  # pylint: disable=protected-access


def test_a_container_of_the_node_image_is_not_a_node_of_the_lab():
    # Containers inherit their image's labels; teardown removes what carries the lab's label.
    assert lab.IMAGE_LABEL.split("=")[0] != lab.LABEL.split("=")[0]


def test_a_node_s_data_dirs_are_bind_mounted_from_its_own_host_tree(podman, tmp_path, monkeypatch):
    # Ceph's OSD files need a real filesystem, and a new lab must not inherit them.
    monkeypatch.setattr(lab, "DATA_DIRS", tmp_path)
    calls, _state = podman
    mounts = lab.data_dirs("node-0", {"lab_data_dirs": ["/var/lib/ceph-osd-files"]})
    assert lab.start_node("node-0", ADDRESSES, "img:1", mounts) is True
    run = [args for args in calls if args[0] == "run"][0]
    host_dir = tmp_path / "node-0" / "var_lib_ceph-osd-files"
    assert "--volume=%s:/var/lib/ceph-osd-files" % host_dir in run
    assert host_dir.is_dir()
    assert run.index("--volume=%s:/var/lib/ceph-osd-files" % host_dir) < run.index("img:1")


@pytest.mark.parametrize("value", ["/var/lib/x", ["relative/path"], [1]])
def test_bad_data_dirs_are_refused_naming_the_node(value):
    with pytest.raises(lab.LabError) as err:
        lab.data_dirs("node-0", {"lab_data_dirs": value})
    assert "node 'node-0': lab_data_dirs:" in str(err.value)
