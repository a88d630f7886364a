#!/usr/bin/env bash
# Static checks of the image recipe, fast enough for every CI run: shellcheck on every script
# (the initramfs hook and script too), systemd-analyze verify on every unit, against a scratch
# root holding the overlay and executables at the paths the units name, the SBOM generator
# (sbom-test.py) and RAUC's boot loader backend (rauc-backend-test.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

shellcheck "$here"/*.sh "$here"/overlay/usr/local/lib/ansinh/*.sh
shellcheck -s sh "$here"/overlay/etc/initramfs-tools/hooks/* \
    "$here"/overlay/etc/initramfs-tools/scripts/local-top/*
python3 -c "import ast, sys; ast.parse(open(sys.argv[1]).read())" "$here/prune-modules.py"
bash "$here/rauc-backend-test.sh"

# The SBOM's crate half on this workspace (licences as deny.toml allows them) and its Debian
# half on a made-up root, without building the image.
python3 "$here/sbom-test.py"

cp -a "$here/overlay/." "$scratch/"
# The targets and units ours depend on, from the systemd installed here (same major version as
# the image's, Debian bookworm).
mkdir -p "$scratch/usr/lib/systemd"
cp -a /usr/lib/systemd/system "$scratch/usr/lib/systemd/"
mkdir -p "$scratch/usr/local/bin"
for exe in ansinh-kiosk ansinh; do
    # Only the path matters to systemd-analyze; the real binaries are checked by the boot test.
    printf '#!/bin/sh\n' > "$scratch/usr/local/bin/$exe"
    chmod +x "$scratch/usr/local/bin/$exe"
done
SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --root="$scratch" \
    "$scratch"/etc/systemd/system/ansinh-*.service "$scratch"/etc/systemd/system/ansinh-*.path
echo "kiosk-image checks passed"
