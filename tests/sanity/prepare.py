"""Lay the collection out where ansible-test wants it, and let ansible-test bootstrap pip offline.

ansible-test needs the collection at a real ``ansible_collections/ooo/cloud`` path (it
resolves symlinks) and downloads a pip bootstrap script from a host this machine cannot
reach; a stand-in that bootstraps pip from the standard library's ensurepip takes its place.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEST = ROOT / ".build" / "sanity" / "ansible_collections" / "ooo" / "cloud"
GET_PIP = Path.home() / ".ansible" / "test" / "cache" / "get_pip_24_2.py"
GET_PIP_STANDIN = '''\
"""Stand-in for get-pip.py (written by ooo.cloud's tests/sanity/prepare.py): no download."""
import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
# Options only get-pip.py knows; pip itself refuses them.
GET_PIP_ONLY = ("--no-setuptools", "--no-wheel")
args = [a for a in sys.argv[1:] if a not in GET_PIP_ONLY]
if args:
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
'''


def collection_files():
    """The files git would ship: tracked ones and untracked ones it does not ignore."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         cwd=ROOT, check=True, capture_output=True).stdout
    return [name for name in out.decode().split("\0") if name and (ROOT / name).is_file()]


def main():
    if DEST.exists():
        shutil.rmtree(DEST)
    for name in collection_files():
        target = DEST / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    # ansible-test wants a git tree to list files the way git does.
    subprocess.run(["git", "init", "-q"], cwd=DEST, check=True)
    subprocess.run(["git", "add", "-A"], cwd=DEST, check=True)
    if not GET_PIP.exists() or GET_PIP.read_text() != GET_PIP_STANDIN:
        GET_PIP.parent.mkdir(parents=True, exist_ok=True)
        GET_PIP.write_text(GET_PIP_STANDIN)


if __name__ == "__main__":
    main()
