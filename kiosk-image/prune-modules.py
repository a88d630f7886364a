#!/usr/bin/env python3
"""Keeps only the allowlisted kernel modules in a root file system:
    prune-modules.py ROOT ALLOWLIST

For each kernel in ROOT/usr/lib/modules, keeps the modules matching ALLOWLIST (modules.allow:
paths under kernel/, shell wildcards, a trailing / for a whole directory) and everything they
need (modules.dep, and the softdeps of modules.softdep, by name or alias), deletes the rest and prints what is
kept. The caller runs depmod afterwards. Patterns that match nothing are an error, so the list
cannot silently go stale when Debian moves a driver (one built into the kernel is fine)."""
import fnmatch
import os
import re
import sys


def patterns(path):
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if line:
            yield line


def matches(pattern, module):
    if pattern.endswith("/"):
        return module.startswith("kernel/" + pattern)
    return fnmatch.fnmatchcase(module, "kernel/" + pattern)


def name_of(module):
    return os.path.basename(module).split(".ko", 1)[0].replace("-", "_")


def prune(kernel_dir, allow):
    deps = {}
    for line in open(os.path.join(kernel_dir, "modules.dep"), encoding="utf-8"):
        module, _, needs = line.partition(":")
        deps[module] = needs.split()
    by_name = {name_of(m): m for m in deps}
    softdeps = {}
    softdep_file = os.path.join(kernel_dir, "modules.softdep")
    if os.path.exists(softdep_file):
        for line in open(softdep_file, encoding="utf-8"):
            words = line.split()
            if len(words) > 2 and words[0] == "softdep":
                softdeps[words[1].replace("-", "_")] = [
                    w.replace("-", "_") for w in words[2:] if not w.endswith(":")
                ]
    builtin_file = os.path.join(kernel_dir, "modules.builtin")
    builtin = [line.strip() for line in open(builtin_file, encoding="utf-8")]
    # A softdep may name an alias ("crc32c"): every module providing it.
    aliases = {}
    for line in open(os.path.join(kernel_dir, "modules.alias"), encoding="utf-8"):
        words = line.split()
        if len(words) == 3 and words[0] == "alias":
            aliases.setdefault(words[1].replace("-", "_"), []).append(words[2].replace("-", "_"))
    keep = set()
    for pattern in allow:
        found = [m for m in deps if matches(pattern, m)]
        # A driver built into the kernel needs no module.
        if not found and not any(matches(pattern, m) for m in builtin):
            sys.exit(f"prune-modules: '{pattern}' matches no module in {kernel_dir}")
        keep.update(found)
    todo = list(keep)
    while todo:
        module = todo.pop()
        needed = list(deps.get(module, []))
        for soft in softdeps.get(name_of(module), []):
            needed += [by_name[n] for n in [soft] + aliases.get(soft, []) if n in by_name]
        for need in needed:
            if need not in keep:
                keep.add(need)
                todo.append(need)
    removed = 0
    for module in deps:
        if module not in keep:
            os.remove(os.path.join(kernel_dir, module))
            removed += 1
    # Directories left empty go too.
    for top, dirs, files in os.walk(os.path.join(kernel_dir, "kernel"), topdown=False):
        if not os.listdir(top):
            os.rmdir(top)
    print(f"{os.path.basename(kernel_dir)}: kept {len(keep)} modules, removed {removed}")


def main():
    root, allowlist = sys.argv[1], sys.argv[2]
    allow = list(patterns(allowlist))
    base = os.path.join(root, "usr/lib/modules")
    kernels = [k for k in os.listdir(base) if re.match(r"\d", k)]
    if not kernels:
        sys.exit("prune-modules: no kernel in the root")
    for kernel in kernels:
        prune(os.path.join(base, kernel), allow)


if __name__ == "__main__":
    main()
