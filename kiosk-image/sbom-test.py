#!/usr/bin/env python3
"""Checks the SBOM generator (sbom.py) without building the image; check.sh runs it.

1. The crate half on this workspace: valid JSON, slint and rusqlite there with licences, every
   crate's licence satisfiable with what deny.toml allows (its `allow` list, plus its
   exceptions for that crate) — the SBOM and cargo deny agree.
2. The Debian half on a made-up root file system: a DEP-5 copyright file, a free-text one, and
   a package whose doc directory was left out (read through another package of its source).
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SBOM = os.path.join(HERE, "sbom.py")
UNKNOWN = "unknown (see copyright file)"


def fail(message):
    print(f"sbom-test: {message}", file=sys.stderr)
    sys.exit(1)


def run(*args):
    out = subprocess.run([sys.executable, SBOM, *args], check=True, capture_output=True,
                         text=True).stdout
    try:
        return json.loads(out)
    except json.JSONDecodeError as e:
        fail(f"sbom.py {args[0]} wrote invalid JSON: {e}")


def satisfied(expression, allowed):
    """Whether an SPDX expression (AND, OR, WITH, parentheses) holds with the licences in
    `allowed`; `A WITH B` must be allowed as such."""
    tokens = re.findall(r"\(|\)|[^\s()]+", expression)
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def take():
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def primary():
        if peek() == "(":
            take()
            value = any_of()
            if take() != ")":
                raise ValueError(expression)
            return value
        licence = take()
        if peek() == "WITH":
            take()
            licence = f"{licence} WITH {take()}"
        return licence in allowed

    def all_of():
        value = primary()
        while peek() == "AND":
            take()
            value = primary() and value
        return value

    def any_of():
        value = all_of()
        while peek() == "OR":
            take()
            value = all_of() or value
        return value

    result = any_of()
    if pos != len(tokens):
        raise ValueError(f"cannot read licence expression {expression!r}")
    return result


def check_crates():
    with open(os.path.join(REPO, "deny.toml"), "rb") as f:
        licenses = tomllib.load(f)["licenses"]
    allow = set(licenses["allow"])
    exceptions = {re.split("[@:]", e["crate"])[0]: set(e["allow"])
                  for e in licenses.get("exceptions", [])}
    crates = run("crates", "--repo", REPO)["rust_crates"]
    by_name = {c["name"]: c for c in crates}
    for name in ("slint", "rusqlite", "ansinh-kiosk", "ansinh-cli"):
        if not by_name.get(name, {}).get("license"):
            fail(f"{name} missing from the crate list, or without a licence")
    if sorted(by_name["rusqlite"]["used_by"]) != ["ansinh", "ansinh-kiosk"]:
        fail("rusqlite should be linked into both binaries")
    bad = [f"{c['name']} {c['version']}: {c['license']}" for c in crates
           if not satisfied(c["license"], allow | exceptions.get(c["name"], set()))]
    if bad:
        fail("licences deny.toml does not allow:\n  " + "\n  ".join(bad))
    print(f"sbom crates: {len(crates)} crates in the kiosk and CLI binaries, every licence "
          f"allowed by deny.toml (slint: {by_name['slint']['license']}; "
          f"rusqlite: {by_name['rusqlite']['license']})")


STATUS = """\
Package: libfoo1
Status: install ok installed
Architecture: amd64
Source: foo (1.2-3)
Version: 1.2-3+b1
Description: a library
 with a long description.

Package: foo-common
Status: install ok installed
Architecture: all
Source: foo
Version: 1.2-3

Package: bar
Status: install ok installed
Architecture: amd64
Version: 1:0.9-1

Package: gone
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1
"""

DEP5 = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: foo

Files: *
Copyright: 2020 Someone
License: LGPL-2.1+ or GPL-2+

Files: debian/*
Copyright: 2021 Someone Else
License: Expat

License: Expat
 Permission is hereby granted...
 .
 License: not a field, a line of the text
"""


def check_debian():
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "var/lib/dpkg"))
        with open(os.path.join(root, "var/lib/dpkg/status"), "w") as f:
            f.write(STATUS)
        for package, text in (("foo-common", DEP5), ("bar", "This package was debianized by...\n")):
            os.makedirs(os.path.join(root, "usr/share/doc", package))
            with open(os.path.join(root, "usr/share/doc", package, "copyright"), "w") as f:
                f.write(text)
        packages = {p["name"]: p for p in run("debian", "--root", root)["debian_packages"]}
    expected = {
        "foo-common": (["LGPL-2.1+ or GPL-2+", "Expat"], "/usr/share/doc/foo-common/copyright"),
        "libfoo1": (["LGPL-2.1+ or GPL-2+", "Expat"], "/usr/share/doc/foo-common/copyright"),
        "bar": ([UNKNOWN], "/usr/share/doc/bar/copyright"),
    }
    if set(packages) != set(expected):
        fail(f"Debian half lists {sorted(packages)}, not {sorted(expected)}")
    for name, (licences, path) in expected.items():
        got = (packages[name]["licenses"], packages[name]["copyright_file"])
        if got != (licences, path):
            fail(f"Debian half, {name}: {got}, expected {(licences, path)}")
    if packages["bar"]["purl"] != "pkg:deb/debian/bar@1%3A0.9-1?arch=amd64&distro=bookworm":
        fail(f"Debian half, bar: purl {packages['bar']['purl']}")
    print("sbom debian: DEP-5 licences, free-text copyright files and shared doc directories "
          "read right")


if __name__ == "__main__":
    check_crates()
    check_debian()
