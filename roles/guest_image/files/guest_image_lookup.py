"""Print, as JSON, the Debian packages the image is made of, with their versions.

Usage: python3 -c "<this file>" KERNEL_PACKAGE BUSYBOX_PACKAGE PACKAGE...
A kernel meta-package (linux-image-amd64) stands for the kernel in its first linux-image-*
dependency; that one is what the image is made of. The PACKAGEs are those whose binaries the
image ships (dropbear, ping); they come with the closure of their Depends and Pre-Depends (the
first alternative that has a candidate), which hold the shared libraries and the dynamic loader
their binaries need: "packages" lists the PACKAGEs in their order, "depends" the rest of the
closure sorted by name, so that the same candidates give the same lists.
"""
import json
import re
import subprocess
import sys

VARIABLES = ("guest_image_kernel_package, guest_image_busybox_package, guest_image_dropbear_package and "
             "guest_image_ping_package")


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


def closure(packages):
    """The packages, each {package, version}, and everything they depend on (sorted); one
    apt-cache call a level. Of alternatives the first with a candidate counts (a virtual package
    has none)."""
    found = {package: show(package) for package in packages}
    level = list(found)
    while level:
        groups = [(name, g) for name in level for g in depends(found[name])]
        look_up(alt for _name, group in groups for alt in group)
        level = []
        for name, group in groups:
            if any(alt in found for alt in group):
                continue
            alt = next((alt for alt in group if RECORDS[alt] is not None), None)
            if alt is None:
                sys.exit("no installable candidate for '%s' (a dependency of %s)" % (" | ".join(group), name))
            found[alt] = RECORDS[alt]
            level.append(alt)
    wanted = [described(package, found.pop(package)) for package in dict.fromkeys(packages)]
    return wanted, [described(name, found[name]) for name in sorted(found)]


def main(kernel_package, busybox_package, *packages):
    look_up([kernel_package, busybox_package, *packages])
    meta = show(kernel_package)
    kernel = re.search(r"linux-image-[^ ,(]+", field(meta, "(?:Pre-)?Depends"))
    if kernel:
        meta = show(kernel.group(0))
    wanted, wanted_depends = closure(packages)
    print(json.dumps({
        "kernel": described(kernel.group(0) if kernel else kernel_package, meta),
        "busybox": described(busybox_package, show(busybox_package)),
        "packages": wanted,
        "depends": wanted_depends,
    }))


main(*sys.argv[1:])
