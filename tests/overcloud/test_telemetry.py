"""Telemetry: Ceilometer's samples of a real guest in Gnocchi, a statistic over them, and an
Aodh alarm that fires while the guest burns CPU and clears after, its actions posted to a
listener on this machine's internal_api address.

The lab polls every ceilometer_polling_interval seconds (inventories/lab) into the
`ooo-telemetry` archive policy (60 s points), so measures appear within a minute or two.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import threading
import time
from datetime import datetime, timedelta

import pytest

from ooo_testlib import ROOT, Guest, ansible_playbook, guest_console, guest_host_keys, inventory, run_module, wait_until

GRANULARITY = 60
ALARM = "e2e-telemetry-cpu"


def _get(conn, path, **params):
    response = conn.session.get(conn.endpoint_for("metric").rstrip("/") + path, params=params)
    assert response.status_code == 200, "GET %s: %s %s" % (path, response.status_code, response.text[:500])
    return response.json()


@pytest.fixture(scope="module")
def demo_server(demo):
    return demo.compute.get_server(demo.compute.find_server("demo-server").id)


@pytest.fixture(scope="module")
def resource(demo, demo_server):
    """demo-server's instance resource in Gnocchi once it has measures of cpu and memory.usage."""
    def measured():
        response = demo.session.get(demo.endpoint_for("metric").rstrip("/") + "/v1/resource/instance/" + demo_server.id)
        if response.status_code != 200:
            return None
        found = response.json()
        metrics = found.get("metrics", {})
        if not {"cpu", "memory.usage"} <= set(metrics):
            return None
        ready = all(_get(demo, "/v1/metric/%s/measures" % metrics[name], granularity=GRANULARITY)
                    for name in ("cpu", "memory.usage"))
        return found if ready else None
    return wait_until("Gnocchi's measures of cpu and memory.usage of demo-server", measured, timeout=360, interval=10)


def test_gnocchi_has_the_guests_cpu_and_memory_samples(demo, demo_server, resource):
    assert resource["project_id"] == demo_server.project_id
    assert resource["original_resource_id"] == demo_server.id
    memory = _get(demo, "/v1/metric/%s/measures" % resource["metrics"]["memory.usage"], granularity=GRANULARITY)
    # [timestamp, granularity, value]: MiB the guest uses, within its flavor's RAM.
    flavor_ram = demo_server.flavor["ram"]
    assert all(0 < point[2] <= flavor_ram for point in memory), (memory, flavor_ram)
    cpu = _get(demo, "/v1/metric/%s/measures" % resource["metrics"]["cpu"], granularity=GRANULARITY)
    # Cumulative CPU time in ns (a reboot of the guest starts it again from 0).
    values = [point[2] for point in cpu]
    assert values and min(values) >= 0 and values[-1] > 0, cpu


def test_a_statistic_over_a_window_matches_the_measures_it_was_computed_from(demo, resource):
    metric = resource["metrics"]["memory.usage"]
    window = 300
    # The minute maxima, and Gnocchi's own resample of them to five minutes (the statistic).
    points = _get(demo, "/v1/metric/%s/measures" % metric, granularity=GRANULARITY, aggregation="max")
    statistic = _get(demo, "/v1/metric/%s/measures" % metric, granularity=GRANULARITY, aggregation="max",
                     resample=window)
    assert points and statistic, (points, statistic)
    by_time = [(datetime.fromisoformat(point[0]), point[2]) for point in points]
    for timestamp, granularity, value in statistic:
        assert granularity == window
        start = datetime.fromisoformat(timestamp)
        inside = [v for ts, v in by_time if start <= ts < start + timedelta(seconds=window)]
        assert inside and value == pytest.approx(max(inside)), (timestamp, value, inside)


class AlarmListener(http.server.BaseHTTPRequestHandler):
    bodies = []

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length", 0))
        self.bodies.append((self.path, json.loads(self.rfile.read(length) or b"{}")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    # This machine's address on internal_api, where the controller's aodh-notifier reaches it.
    address = inventory()["_meta"]["hostvars"]["overcloud-controller-0"]["ooo_networks"]["internal_api"]["gateway"]
    server = http.server.HTTPServer((address, 0), AlarmListener)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://%s:%d" % (address, server.server_address[1])
    server.shutdown()
    server.server_close()


def _alarm(**args):
    return run_module("alarm", cloud="overcloud-demo", name=ALARM, **args)


def test_a_cpu_alarm_fires_while_the_guest_burns_cpu_and_clears_after(
        demo, demo_server, resource, listener, tmp_path):
    floating = next(a["addr"] for a in demo_server.addresses["demo-net"] if a.get("OS-EXT-IPS:type") == "floating")
    guest = Guest(floating, guest_host_keys(guest_console(demo, demo_server)), tmp_path)
    # rate:mean of the cumulative CPU time: ns of CPU between two samples (15 s apart in the
    # lab), so a busy vCPU gives about 15e9 and the idle busybox guest about 5e7.
    threshold = 2e9
    _alarm(state="absent")
    made = _alarm(resource_type="instance", resource_id=demo_server.id, metric="cpu", aggregation_method="rate:mean",
                  granularity=GRANULARITY, threshold=threshold, comparison_operator="gt", evaluation_periods=1,
                  alarm_actions=[listener + "/alarm"], ok_actions=[listener + "/ok"])
    assert made["changed"]
    alarm_id = made["alarm"]["id"]

    def state():
        found = run_module("alarm_info", cloud="overcloud-demo", name=ALARM)["alarms"]
        return found[0]["state"] if found else None
    burn = None
    try:
        wait_until("%s to leave insufficient data or settle at ok" % ALARM, lambda: state() == "ok",
                   timeout=300, interval=10)
        # Busy until the stop file exists (at most 10 minutes): a kill of the ssh client
        # would leave the guest's loop running.
        guest.check("rm -f /tmp/e2e-stop-burn")
        burn = subprocess.Popen(guest.argv("timeout 600 sh -c 'while [ ! -e /tmp/e2e-stop-burn ]; do :; done'"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        fired = time.monotonic()
        wait_until("%s to fire while the guest burns CPU" % ALARM, lambda: state() == "alarm", timeout=300, interval=10)
        print("alarm after %.0f s of burning" % (time.monotonic() - fired))
        alarm_bodies = [body for path, body in AlarmListener.bodies if path == "/alarm"]
        wait_until("the alarm action to reach the listener", lambda: alarm_bodies or
                   [body for path, body in AlarmListener.bodies if path == "/alarm"], timeout=60, interval=2)
        body = next(body for path, body in AlarmListener.bodies if path == "/alarm")
        assert body["alarm_name"] == ALARM and body["alarm_id"] == alarm_id, body
        assert body["current"] == "alarm", body
    finally:
        if burn is not None:
            guest.run("touch /tmp/e2e-stop-burn")
            burn.wait(timeout=30)
    try:
        wait_until("%s to go back to ok after the burn" % ALARM, lambda: state() == "ok", timeout=300, interval=10)
        wait_until("the ok action to reach the listener",
                   lambda: [b for p, b in AlarmListener.bodies if p == "/ok" and b.get("previous") == "alarm"],
                   timeout=60, interval=2)
    finally:
        assert _alarm(state="absent")["changed"]


def test_a_polling_interval_of_zero_is_refused_before_any_change():
    run = ansible_playbook("-e", "ceilometer_polling_interval=0", ROOT / "playbooks" / "overcloud.yml", timeout=600)
    output = run.stdout + run.stderr
    assert run.returncode != 0, output[-3000:]
    assert "ceilometer_polling_interval must be a positive integer" in output, output[-3000:]
    assert '"0"' in output or "it is 0" in output, output[-3000:]
    recap = [line for line in output.splitlines() if " : ok=" in line]
    assert recap and all(" changed=0 " in line for line in recap), "\n".join(recap)
    # Refused by the check play, before the plan, the registration and the deploy plays.
    assert "PLAY [Plan the overcloud" not in output, output[-3000:]
