"""Print, as JSON, the Debian packages the image is made of, with their versions.

Usage: python3 -c "<this file>" KERNEL_PACKAGE BUSYBOX_PACKAGE DROPBEAR_PACKAGE
A kernel meta-package (linux-image-amd64) stands for the kernel in its first linux-image-*
dependency; that one is what the image is made of. The dropbear package comes with the
closure of its Depends and Pre-Depends (the first alternative that has a candidate), which
hold the shared libraries and the dynamic loader its binaries need; they are sorted by name
so that the same candidates give the same list.
"""
import json
import re
import subprocess
import sys

VARIABLES = "guest_image_kernel_package, guest_image_busybox_package and guest_image_dropbear_package"


RECORDS = {}  # package: its candidate's apt-cache record, or None when it has no candidate


def look_up(packages):
    """Read the candidates' records of the packages not read yet: one apt-cache call for all."""
    wanted = [p for p in dict.fromkeys(packages) if p not in RECORDS]
    if not wanted:
        return
    proc = subprocess.run(["apt-cache", "show", "--no-all-versions", *wanted],
                          capture_output=True, text=True, check=False)
    for name in wanted:
        RECORDS[name] = None
    for record in proc.stdout.split("\n\n"):
        name = field(record, "Package")
        if name in wanted and RECORDS[name] is None:
            RECORDS[name] = record


def show(package):
    """The candidate's record of a package the image needs; its absence ends the lookup."""
    look_up([package])
    if RECORDS[package] is None:
        sys.exit("apt-cache knows no package '%s' (no candidate); check %s, and that apt's indexes are "
                 "current" % (package, VARIABLES))
    return RECORDS[package]


def field(text, name):
    found = re.search(r"^%s: (.*(?:\n .*)*)$" % name, text, re.MULTILINE)
    return found.group(1).replace("\n", " ") if found else ""


def described(package, text):
    return {"package": package, "version": field(text, "Version")}


def depends(text):
    """[[alternative, ...], ...] of a record's Pre-Depends and Depends, without versions."""
    groups = []
    for relation in ("Pre-Depends", "Depends"):
        for group in filter(None, (g.strip() for g in field(text, relation).split(","))):
            groups.append([re.split(r"[\s(:]", alt.strip(), maxsplit=1)[0] for alt in group.split("|")])
    return groups


def closure(package):
    """The package and everything it depends on, each {package, version}; one apt-cache call a
    level. Of alternatives the first with a candidate counts (a virtual package has none)."""
    found = {package: show(package)}
    level = [package]
    while level:
        groups = [g for name in level for g in depends(found[name])]
        look_up(alt for group in groups for alt in group)
        level = []
        for group in groups:
            if any(alt in found for alt in group):
                continue
            alt = next((alt for alt in group if RECORDS[alt] is not None), None)
            if alt is None:
                sys.exit("no installable candidate for '%s' (a dependency of %s)" % (" | ".join(group), package))
            found[alt] = RECORDS[alt]
            level.append(alt)
    return described(package, found.pop(package)), [described(name, found[name]) for name in sorted(found)]


def main(kernel_package, busybox_package, dropbear_package):
    look_up([kernel_package, busybox_package, dropbear_package])
    meta = show(kernel_package)
    kernel = re.search(r"linux-image-[^ ,(]+", field(meta, "(?:Pre-)?Depends"))
    if kernel:
        meta = show(kernel.group(0))
    dropbear, dropbear_depends = closure(dropbear_package)
    print(json.dumps({
        "kernel": described(kernel.group(0) if kernel else kernel_package, meta),
        "busybox": described(busybox_package, show(busybox_package)),
        "dropbear": dropbear,
        "dropbear_depends": dropbear_depends,
    }))


main(*sys.argv[1:])
