"""Print, as JSON, what the guest image's build decision needs from the node.

Usage: python3 -c "<this file>" BUILD_DIR FILE...
  manifest     the last build's manifest.json (null when there is none or it is unreadable)
  files        {file: md5} of the built FILEs that exist
  indexes_age  seconds since apt's indexes were last refreshed
Read-only, so it runs in check mode as well.
"""
import hashlib
import json
import os
import sys
import time


def md5(path):
    digest = hashlib.md5()  # what Glance records as an image's checksum
    with open(path, "rb") as data:
        for chunk in iter(lambda: data.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def main(build_dir, *files):
    found = {"manifest": None, "files": {}, "indexes_age": 10 ** 9}
    try:
        with open(os.path.join(build_dir, "manifest.json"), encoding="utf-8") as manifest:
            found["manifest"] = json.load(manifest)
    except (OSError, ValueError):
        pass
    for name in files:
        try:
            found["files"][name] = md5(os.path.join(build_dir, name))
        except OSError:
            pass
    # The stamp apt's periodic update writes, else the lists' directory (as Ansible's apt does).
    for stamp in ("/var/lib/apt/periodic/update-success-stamp", "/var/lib/apt/lists"):
        try:
            found["indexes_age"] = int(time.time() - os.stat(stamp).st_mtime)
            break
        except OSError:
            pass
    print(json.dumps(found))


main(*sys.argv[1:])
