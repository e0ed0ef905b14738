"""`lab up` checks its ground before it builds on it: each failure says what to do."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "lab"))
import lab  # noqa: E402  pylint: disable=wrong-import-position

NETWORKS = {"ctlplane": {"cidr": "10.213.0.0/24", "gateway": "10.213.0.1"},
            "tenant": {"cidr": "10.213.2.0/24", "gateway": "10.213.2.1"}}


def answering(stdout="", returncode=0, stderr=""):
    calls = []

    def fake(*args, check=True):
        calls.append(args)
        return subprocess.CompletedProcess(args, returncode, stdout, stderr)
    fake.calls = calls
    return fake


def test_the_lab_pins_netavark():
    assert lab.pinned_network_backend() == "netavark"


def test_podman_on_another_backend_is_refused(monkeypatch):
    monkeypatch.setattr(lab, "podman", answering("cni\n"))
    with pytest.raises(lab.LabError) as err:
        lab.check_network_backend()
    assert "podman uses the network backend 'cni'" in str(err.value)
    assert "pins 'netavark'" in str(err.value)
    assert "apt-get install netavark aardvark-dns" in str(err.value)


def test_podman_that_cannot_start_its_backend_is_explained(monkeypatch):
    monkeypatch.setattr(lab, "podman", answering(returncode=125, stderr='could not find "netavark"'))
    with pytest.raises(lab.LabError) as err:
        lab.check_network_backend()
    assert 'could not find "netavark"' in str(err.value)
    assert "make deps" in str(err.value)


def test_the_pinned_backend_passes(monkeypatch):
    monkeypatch.setattr(lab, "podman", answering("netavark\n"))
    assert lab.check_network_backend() == "netavark"


def test_a_containers_conf_without_a_pinned_backend_is_refused(monkeypatch, tmp_path):
    conf = tmp_path / "containers.conf"
    conf.write_text('[engine]\nruntime = "runc"\n')
    monkeypatch.setattr(lab, "CONTAINERS_CONF", conf)
    with pytest.raises(lab.LabError, match="pins no \\[network\\] network_backend"):
        lab.pinned_network_backend()


def test_networks_left_by_the_cni_backend_are_named_with_their_removal(tmp_path):
    (tmp_path / "ooo-lab-ctlplane.conflist").write_text(json.dumps(
        {"name": "ooo-lab-ctlplane", "plugins": [{"type": "bridge", "bridge": "cni-podman1"}]}))
    (tmp_path / "someone-else.conflist").write_text(json.dumps({"name": "web", "plugins": []}))
    with pytest.raises(lab.LabError) as err:
        lab.check_no_cni_leftovers(tmp_path)
    message = str(err.value)
    assert "ooo-lab-ctlplane (%s, bridge cni-podman1)" % (tmp_path / "ooo-lab-ctlplane.conflist") in message
    assert "rm %s" % (tmp_path / "ooo-lab-ctlplane.conflist") in message
    assert "ip link del cni-podman1" in message
    assert "web" not in message


def test_no_cni_directory_is_no_leftover(tmp_path):
    lab.check_no_cni_leftovers(tmp_path / "missing")


def test_a_gateway_missing_on_the_host_is_named_before_the_proxy_starts(monkeypatch):
    monkeypatch.setattr(lab, "podman", answering("podman2\n"))
    addresses = {"10.213.0.1": "podman1", "127.0.0.1": "lo"}
    with pytest.raises(lab.LabError) as err:
        lab.check_gateways(NETWORKS, addresses)
    message = str(err.value)
    assert "network 'tenant': gateway 10.213.2.1 is not an address of this machine (bridge podman2 has none)" \
        in message
    assert "ctlplane" not in message
    assert "netavark" in message


def test_gateways_on_the_host_pass(monkeypatch):
    monkeypatch.setattr(lab, "podman", answering("podman1\n"))
    lab.check_gateways(NETWORKS, {"10.213.0.1": "podman1", "10.213.2.1": "podman2"})


def test_a_proxy_that_dies_prints_its_log(monkeypatch, tmp_path):
    log = tmp_path / "proxy.log"
    log.write_text("Traceback (most recent call last):\nOSError: [Errno 99] Cannot assign requested address\n")
    monkeypatch.setattr(lab, "PROXY_LOG", log)
    monkeypatch.setattr(lab, "PROXY_PIDFILE", tmp_path / "proxy.pid")
    monkeypatch.setattr(lab, "CACHE", tmp_path)
    monkeypatch.setattr(lab, "_proxy_pidfiles", lambda: (tmp_path / "proxy.pid",))

    class Dead:
        pid = 1

        def poll(self):
            return 1
    monkeypatch.setattr(lab.subprocess, "Popen", lambda *a, **k: Dead())
    monkeypatch.setattr(lab.time, "sleep", lambda s: None)
    with pytest.raises(lab.LabError) as err:
        lab.start_proxy("10.213.0.1")
    assert "OSError: [Errno 99] Cannot assign requested address" in str(err.value)
