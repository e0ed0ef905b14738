"""Module benchmark: the same workload with ooo.cloud and openstack.cloud, alternating.

Needs a deployed undercloud (`make deploy`). Runs tests/bench/modules.yml: create with each
collection, then no-op re-runs alternating ooo, ooo-process, osc, ping (twice), then deletes
everything. ooo runs the modules in Ansible's worker (the default); ooo-process forces a module
process per task (ooo_cloud_in_process=false), as Ansible runs any module. The ping runs time the
same 75 loop items with ansible.builtin.ping as module processes: Ansible's own cost of a module
process at that moment, so that a figure can be read on a machine that is slower or busier.
Prints a Markdown table for the README.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = [str(ROOT / ".venv" / "bin" / "ansible-playbook"), "-i", str(ROOT / "inventories" / "lab"),
            str(ROOT / "tests" / "bench" / "modules.yml")]
TASKS = 20 + 20 + 20 + 10 + 5


def run(impl, state="present"):
    started = time.monotonic()
    extra = ["-e", "bench_impl=ooo", "-e", "ooo_cloud_in_process=false"] if impl == "ooo-process" else \
        ["-e", "bench_impl=%s" % impl]
    # A quiet callback in place of ansible.cfg's task profiler, so neither side pays for it.
    proc = subprocess.run(PLAYBOOK + extra + ["-e", "bench_state=%s" % state],
                          capture_output=True, text=True, cwd=ROOT, check=False,
                          env=dict(os.environ, ANSIBLE_CALLBACKS_ENABLED="ansible.builtin.junit", JUNIT_OUTPUT_DIR="/tmp/ooo-bench-junit"))
    elapsed = time.monotonic() - started
    recap = re.search(r"localhost\s+: ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)", proc.stdout)
    if proc.returncode != 0 or recap is None:
        raise SystemExit("%s %s failed:\n%s" % (impl, state, proc.stdout[-3000:]))
    return elapsed, int(recap.group(1))


def main():
    rows = {}
    for impl in ("ooo", "osc"):
        rows[(impl, "create")] = [run(impl)]
    for _round in range(2):
        for impl in ("ooo", "ooo-process", "osc", "ping"):
            rows.setdefault((impl, "no-op"), []).append(run(impl))
    for impl in ("ooo", "osc"):
        run(impl, "absent")

    def best(impl, kind):
        return min(seconds for seconds, _changed in rows[(impl, kind)])

    print("| run | ooo.cloud | openstack.cloud | ratio |\n|---|---|---|---|")
    for kind in ("create", "no-op"):
        ooo, osc = best("ooo", kind), best("osc", kind)
        changed = [count for impl in ("ooo", "osc") for _seconds, count in rows[(impl, kind)]]
        print("| %s (%d module calls; tasks changed %s) | %.1f s (%.3f s a call) | %.1f s (%.2f s a call) | %.1fx |"
              % (kind, TASKS, "/".join(map(str, changed)), ooo, ooo / TASKS, osc, osc / TASKS, osc / ooo))
    process, ping = best("ooo-process", "no-op"), best("ping", "no-op")
    print("| no-op, ooo.cloud as module processes (`ooo_cloud_in_process=false`) | %.1f s (%.2f s a call) | | %.1fx |"
          % (process, process / TASKS, best("osc", "no-op") / process))
    print("| the same %d loop items with ansible.builtin.ping (a module process's floor) | %.1f s (%.2f s a call) | | |"
          % (TASKS, ping, ping / TASKS))


if __name__ == "__main__":
    main()
