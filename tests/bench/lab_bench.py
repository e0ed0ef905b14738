"""Benchmark of the lab: image build (cold and cached), lab-up, lab-down, idle node memory.

Destructive: it removes the lab and its image first. Prints a Markdown table for the README.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
LAB = [PY, str(ROOT / "lab" / "lab.py")]
ENV = dict(os.environ, CONTAINERS_CONF=str(ROOT / "lab" / "containers.conf"))


def timed(cmd):
    started = time.monotonic()
    subprocess.run(cmd, check=True, env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def podman(*args):
    return subprocess.run(["podman", *args], check=True, env=ENV, capture_output=True, text=True).stdout


def node_memory():
    """Memory each node's cgroup uses (what `podman stats` reports), in MiB."""
    names = podman("ps", "--filter", "label=ooo.lab", "--format", "{{.Names}}").split()
    out = podman("stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}", *names)
    usage = {}
    for line in out.splitlines():
        name, used = line.split()[0], line.split()[1]
        number, unit = re.match(r"([\d.]+)([kMG]?B)", used).groups()
        usage[name] = float(number) * {"kB": 1 / 1024, "MB": 1, "GB": 1024, "B": 1 / 1048576}[unit]
    return usage


def main():
    sys.path.insert(0, str(ROOT / "lab"))
    import lab  # pylint: disable=import-outside-toplevel
    rows = []
    timed(LAB + ["down"])
    subprocess.run(["podman", "rmi", "-f", lab.image_tag()], env=ENV, check=False, capture_output=True)
    rows.append(("node image build, cold (debootstrap, package cache warm)", timed(LAB + ["image"])))
    rows.append(("node image build, cached", timed(LAB + ["image"])))
    rows.append(("`make lab-up`, image cached (4 nodes booted, SSH answering)", timed(LAB + ["up"])))
    rows.append(("`make lab-up` again, nothing to do", timed(LAB + ["up"])))
    time.sleep(20)
    memory = node_memory()
    rows.append(("`make lab-down`", timed(LAB + ["down"])))
    print("| what | measured |\n|---|---|")
    for what, seconds in rows:
        print("| %s | %.1f s |" % (what, seconds))
    for name, mib in sorted(memory.items()):
        print("| idle memory, node %s | %.0f MiB |" % (name, mib))


if __name__ == "__main__":
    main()
