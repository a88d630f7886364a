#!/usr/bin/env python3
"""The kiosk image's software bill of materials: every Debian package and Rust crate in it, with
its version and licence, as one JSON file (kiosk-image/README.md, "What is in it").

    python3 kiosk-image/sbom.py crates [--repo DIR]
        the Rust half: every crate linked into the image's two binaries
    python3 kiosk-image/sbom.py debian --root DIR [--deb FILE]...
        the Debian half: every package installed in a root file system (plus .deb files
        shipped outside it, such as the EFI stub of the unified kernel image)
    python3 kiosk-image/sbom.py image --root DIR [--deb FILE]... [--repo DIR] --out FILE
        both, as written by build.sh to /usr/local/share/ansinh/sbom.json

Crate licences are the SPDX expressions of the crates' metadata (legacy "A/B" read as
"A OR B"), with the [[licenses.clarify]] entries of deny.toml applied, the same ones cargo deny
checks. Debian licences are the short names of the `License:` fields of machine-readable
(DEP-5) copyright files, as Debian writes them (not SPDX); other copyright files are free text
and give "unknown (see copyright file)".
"""

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tomllib
import urllib.parse

FORMAT = "ansinh-sbom/1"
UNKNOWN = "unknown (see copyright file)"
CRATES_IO = "registry+https://github.com/rust-lang/crates.io-index"
# The binaries build.sh puts in the image, built the same way: binary name → cargo arguments.
BINARIES = {
    "ansinh-kiosk": ["-p", "ansinh-kiosk", "--no-default-features", "--features", "kms"],
    "ansinh": ["-p", "ansinh-cli"],
}


def cargo_json(repo, *args):
    out = subprocess.run(
        ["cargo", *args, "--locked", "--manifest-path", os.path.join(repo, "Cargo.toml")],
        check=True, capture_output=True, text=True).stdout
    return out


def linked_crates(repo, cargo_args):
    """(name, version) of every crate linked into one binary: the normal dependencies of the
    host build with its features; proc macros and build dependencies run at build time and are
    left out."""
    out = cargo_json(repo, "tree", *cargo_args, "-e", "normal,no-proc-macro",
                     "--prefix", "none", "--format", "{p}")
    crates = set()
    for line in out.splitlines():
        m = re.match(r"(\S+) v(\S+)", line)
        if m:
            crates.add((m.group(1), m.group(2)))
    return crates


def spec_matches(spec, name, version):
    """A cargo-deny package spec: `name`, or `name@version` (any version starting so)."""
    if "@" in spec:
        spec_name, spec_version = spec.split("@", 1)
        return name == spec_name and (version == spec_version
                                      or version.startswith(spec_version + "."))
    if ":" in spec:
        raise ValueError(f"deny.toml: version requirements ({spec}) are not read here")
    return name == spec


def spdx(expression):
    """Cargo's legacy `A/B` is `A OR B`."""
    return " OR ".join(part.strip() for part in expression.split("/"))


def crates(repo):
    metadata = json.loads(cargo_json(repo, "metadata", "--format-version", "1", "--all-features"))
    with open(os.path.join(repo, "deny.toml"), "rb") as f:
        clarify = tomllib.load(f).get("licenses", {}).get("clarify", [])
    with open(os.path.join(repo, "Cargo.lock"), "rb") as f:
        checksums = {(p["name"], p["version"]): p.get("checksum")
                     for p in tomllib.load(f)["package"]}
    packages = {(p["name"], p["version"]): p for p in metadata["packages"]}
    used_by = {}
    for binary, args in BINARIES.items():
        for key in linked_crates(repo, args):
            used_by.setdefault(key, []).append(binary)
    result = []
    for name, version in sorted(used_by):
        package = packages[(name, version)]
        license = package["license"]
        for entry in clarify:
            if spec_matches(entry["crate"], name, version):
                license = entry["expression"]
        if license is None:
            license = f"unknown (see {package['license_file'] or 'the crate'})"
        else:
            license = spdx(license)
        source = package["source"]
        crate = {
            "name": name,
            "version": version,
            "license": license,
            "source": ("crates.io" if source == CRATES_IO
                       else "ansinh workspace" if source is None else source),
            "used_by": used_by[(name, version)],
        }
        if source == CRATES_IO:
            crate["purl"] = f"pkg:cargo/{name}@{version}"
        if checksums.get((name, version)):
            crate["sha256"] = checksums[(name, version)]
        result.append(crate)
    return result


def paragraphs(text):
    """Deb822 paragraphs as lists of (field, first line) pairs, field names lower-cased."""
    for block in re.split(r"\n\s*\n", text):
        fields = []
        for line in block.splitlines():
            m = re.match(r"([A-Za-z][A-Za-z0-9-]*):\s*(.*)$", line)
            if m and not line[0].isspace():
                fields.append((m.group(1).lower(), m.group(2).strip()))
        if fields:
            yield fields


def licenses(copyright_text):
    """The short names of every `License:` field of a DEP-5 copyright file, in order of first
    appearance; [UNKNOWN] for a free-text file or one without any."""
    blocks = list(paragraphs(copyright_text))
    header = dict(blocks[0]) if blocks else {}
    fmt = header.get("format", "")
    if "copyright-format" not in fmt and "dep5" not in fmt:
        return [UNKNOWN]
    names = []
    for block in blocks:
        for field, value in block:
            if field == "license" and value and value not in names:
                names.append(value)
    return names or [UNKNOWN]


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def debian(root, debs=(), distro="bookworm"):
    status = read(os.path.join(root, "var/lib/dpkg/status"))
    installed = []
    for block in paragraphs(status):
        fields = dict(block)
        if fields.get("status", "").split()[-1:] == ["installed"]:
            source = fields.get("source", fields["package"]).split()[0]
            installed.append((fields["package"], fields["version"],
                              fields.get("architecture", ""), source))

    def copyright_of(package, source):
        # /usr/share/doc/PACKAGE may be a symbolic link to another package of the same source
        # (libgcc-s1 → gcc-12-base): its copyright file is that one.
        others = sorted(p for p, _, _, s in installed if s == source and p not in (package, source))
        candidates = [package, source] + others
        for candidate in candidates:
            path = f"/usr/share/doc/{candidate}/copyright"
            if os.path.isfile(os.path.join(root, path.lstrip("/"))):
                return path
        return None

    def entry(package, version, arch, source, where, text, copyright_file):
        query = urllib.parse.urlencode({"arch": arch, "distro": distro})
        return {
            "name": package,
            "version": version,
            "architecture": arch,
            "source": source,
            "licenses": licenses(text) if text is not None else [UNKNOWN],
            "copyright_file": copyright_file,
            "purl": f"pkg:deb/debian/{package}@{urllib.parse.quote(version, safe='')}?{query}",
            "where": where,
        }

    result = []
    for package, version, arch, source in sorted(installed):
        path = copyright_of(package, source)
        text = read(os.path.join(root, path.lstrip("/"))) if path else None
        result.append(entry(package, version, arch, source, "root file system", text, path))
    for deb in debs:
        fields = {}
        for field in ("Package", "Version", "Architecture", "Source"):
            fields[field] = subprocess.run(["dpkg-deb", "-f", deb, field], check=True,
                                           capture_output=True, text=True).stdout.strip()
        package = fields["Package"]
        source = (fields["Source"] or package).split()[0]
        tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], check=True,
                             capture_output=True).stdout
        text = None
        with tarfile.open(fileobj=io.BytesIO(tar)) as t:
            wanted = f"usr/share/doc/{package}/copyright"
            for member in t.getmembers():
                if member.name.lstrip("./") == wanted and member.isfile():
                    text = t.extractfile(member).read().decode("utf-8", errors="replace")
        # Not installed in the root: point at the same text there when a package of the same
        # source ships it (or use that one when the .deb's doc directory is a link).
        path = copyright_of(package, source)
        if path is not None:
            installed_text = read(os.path.join(root, path.lstrip("/")))
            if text is None:
                text = installed_text
            elif installed_text != text:
                path = None
        result.append(entry(package, fields["Version"], fields["Architecture"], source,
                            f"outside the root file system ({os.path.basename(deb)})", text, path))
    return result


def image(root, debs, repo):
    with open(os.path.join(repo, "Cargo.toml"), "rb") as f:
        workspace = tomllib.load(f)["workspace"]
    commit = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or None
    return {
        "format": FORMAT,
        "ansinh": {
            "version": workspace["package"]["version"],
            "license": workspace["package"]["license"],
            "commit": commit,
        },
        "binaries": {name: "cargo build --release " + " ".join(args)
                     for name, args in BINARIES.items()},
        "debian_packages": debian(root, debs),
        "rust_crates": crates(repo),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["crates", "debian", "image"])
    parser.add_argument("--repo", default=os.path.dirname(here))
    parser.add_argument("--root")
    parser.add_argument("--deb", action="append", default=[])
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.what != "crates" and not args.root:
        parser.error(f"{args.what} needs --root")
    if args.what == "crates":
        doc = {"format": FORMAT, "rust_crates": crates(args.repo)}
    elif args.what == "debian":
        doc = {"format": FORMAT, "debian_packages": debian(args.root, args.deb)}
    else:
        doc = image(args.root, args.deb, args.repo)
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
        counts = [f"{len(doc[key])} {label}" for key, label in
                  (("debian_packages", "Debian packages"), ("rust_crates", "Rust crates"))
                  if key in doc]
        print(f"{args.out}: {', '.join(counts)}", file=sys.stderr)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
