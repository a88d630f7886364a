#!/usr/bin/env bash
# The image's two release binaries: ansinh-kiosk (Slint's linuxkms backend and software
# renderer, as on the device) and the ansinh command line, in one cargo invocation so the crates
# both use are built once. kiosk-image/build.sh runs it first; tests/run.sh starts it at its
# own start, in the background at the lowest priority, so the build takes the CPU time the
# checks before the image leave idle (a release build uses target/release, whose lock is not
# the one the checks' builds take), and build.sh then finds the binaries up to date.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cargo build --release --locked --manifest-path "$repo/Cargo.toml" -p ansinh-cli -p ansinh-kiosk \
    --no-default-features --features ansinh-kiosk/kms
