"""Print, as JSON, the kernel and busybox packages the image is made of, with their versions.

Usage: python3 -c "<this file>" KERNEL_PACKAGE BUSYBOX_PACKAGE
A kernel meta-package (linux-image-amd64) stands for the kernel in its first linux-image-*
dependency; that one is what the image is made of.
"""
import json
import re
import subprocess
import sys


def show(package):
    proc = subprocess.run(["apt-cache", "show", "--no-all-versions", package],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not proc.stdout.strip():
        sys.exit("apt-cache knows no package '%s' (%s); check guest_image_kernel_package and "
                 "guest_image_busybox_package, and that apt's indexes are current"
                 % (package, proc.stderr.strip() or "no candidate"))
    return proc.stdout


def described(package, text):
    version = re.search(r"^Version: (\S+)$", text, re.MULTILINE)
    return {"package": package, "version": version.group(1) if version else ""}


def main(kernel_package, busybox_package):
    meta = show(kernel_package)
    depends = re.search(r"^(?:Pre-)?Depends:.*$", meta, re.MULTILINE)
    kernel = re.search(r"linux-image-[^ ,(]+", depends.group(0)) if depends else None
    if kernel:
        meta = show(kernel.group(0))
    print(json.dumps({
        "kernel": described(kernel.group(0) if kernel else kernel_package, meta),
        "busybox": described(busybox_package, show(busybox_package)),
    }))


main(*sys.argv[1:])
