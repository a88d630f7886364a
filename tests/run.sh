#!/usr/bin/env bash
# Runs every check of the project on a fresh machine: installs what is missing, then format,
# lints, the dependency rules (cargo deny), the no_std build of the core crates, docs, and the
# whole test suite.
# This is the README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Each step says when it started (seconds into the run): a CI log then shows where time went.
step() { printf '\n== %s (%s s)\n' "$*" "$SECONDS"; }

step "system packages"
# build-essential and pkg-config build the bundled SQLite and other -sys crates; shellcheck and
# systemd check the kiosk image recipe; chromium loads the collection server's dashboard;
# libudev, libinput and xkbcommon are what the kiosk's device (linuxkms) backend links;
# postgresql is the collection server's second backend (its tests run a throwaway cluster);
# espeak-ng and alsa-utils read the kiosk's screens aloud (the speech tests synthesise and
# play them, into ALSA's null device); rauc, squashfs-tools and openssl build and check small
# signed update bundles (the update tests).
packages=(build-essential pkg-config shellcheck systemd chromium fonts-noto-core
    libudev-dev libinput-dev libxkbcommon-dev postgresql espeak-ng alsa-utils
    rauc squashfs-tools openssl)
need=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if ((${#need[@]})); then
    if [[ $(id -u) -eq 0 ]]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    else
        echo "missing packages: ${need[*]} (apt-get install ${need[*]})" >&2
        exit 1
    fi
fi

step "toolchain components"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
# A bare-metal target proves the core crates build with std unavailable.
NO_STD_TARGET=thumbv7em-none-eabihf
have_target=0
if rustup target list --installed 2>/dev/null | grep -qx "$NO_STD_TARGET" ||
    rustup target add "$NO_STD_TARGET" >/dev/null 2>&1; then
    have_target=1
fi

# The kiosk image is built at the end when this runs as root (ANSINH_SKIP_IMAGE=1 leaves it out).
build_image=0
if [[ "${ANSINH_SKIP_IMAGE:-0}" != 1 && $(id -u) -eq 0 ]]; then
    build_image=1
fi
# What is still running or started when this stops: the image's release build below, and the
# throwaway PostgreSQL cluster of the tests.
release_pid=""
pg_dir=""
stop_postgres() {
    if [[ -n "$pg_dir" ]]; then
        bash tests/postgres.sh stop "$pg_dir" >/dev/null 2>&1 || true
        rm -rf "$pg_dir"
        pg_dir=""
    fi
}
cleanup() {
    stop_postgres
    if [[ -n "$release_pid" ]]; then
        kill -- "-$release_pid" 2>/dev/null || kill "$release_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT

if ((build_image)); then
    step "kiosk image's release binaries: started in the background, at the lowest priority"
    # A cold release build of the device binary is about a sixth of a cold run when it runs
    # alone. Started now, it takes the CPU time the checks below leave idle (linking, the tests'
    # waits, cargo's serial tail), and at nice 19 the checks keep most of the rest; the image
    # step waits for it. Measured cold: the checks about 115 s slower, the image step 265 s
    # faster (BENCHMARKS.md, "Boot time, 7 Dec 2026, another machine").
    release_log=$(mktemp /tmp/ansinh-release-build.XXXXXX)
    set -m
    nice -n 19 bash kiosk-image/build-binaries.sh > "$release_log" 2>&1 &
    release_pid=$!
    set +m
    echo "log: $release_log"
fi

step "format"
cargo fmt --all -- --check

step "clippy (warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "dependencies (cargo deny)"
# deny.toml: GPL-3.0-compatible licences, one version of each crate, crates.io only. Advisories
# are left out: their database is a git repository CI cannot fetch. Installed once per machine
# as a debug build (about half the build time of a release one; the check still takes seconds).
# Warnings are errors, so a skip or clarification that no longer matches is removed rather than
# left behind.
cargo deny --version 2>/dev/null | grep -qx 'cargo-deny 0.20.2' || cargo install --locked --debug cargo-deny@0.20.2
cargo deny --locked check -D warnings licenses bans sources

step "no_std build of the core crates"
NO_STD_CRATES=(-p ansinh-policy -p ansinh-core -p ansinh-geo -p ansinh-fonts -p ansinh-enrollment
    -p ansinh-receipt)
if ((have_target)); then
    cargo build --locked "${NO_STD_CRATES[@]}" --no-default-features --target "$NO_STD_TARGET"
else
    # Without the bare-metal target, check that no std feature reaches the core crates.
    echo "target $NO_STD_TARGET unavailable: checking the feature graph instead"
    if cargo tree --locked -e features -p ansinh-core --no-default-features | grep -E 'feature "std"'; then
        echo "a std feature reaches ansinh-core" >&2
        exit 1
    fi
fi

step "kiosk device build (Slint linuxkms backend, as in the image)"
if ((build_image)); then
    # The image's release build of the same binary checks it below (a check here compiles
    # Slint's device backend once more, about 250 crates).
    echo "checked by the kiosk image's release build (last step)"
else
    cargo check --locked -p ansinh-kiosk --no-default-features --features kms
fi

step "kiosk image recipe (shellcheck, systemd-analyze verify, SBOM generator)"
bash kiosk-image/check.sh

step "docs (warnings denied)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "tests"
# A throwaway PostgreSQL cluster on a Unix socket (tests/postgres.sh): the hub's store tests run
# on it as well as on SQLite, and fail rather than skip when it is missing
# (ANSINH_REQUIRE_POSTGRES); each test makes its own database, so they run in parallel.
pg_dir=$(mktemp -d /tmp/ansinh-pg.XXXXXX)
ANSINH_TEST_POSTGRES=$(bash tests/postgres.sh start "$pg_dir")
export ANSINH_TEST_POSTGRES ANSINH_REQUIRE_POSTGRES=1
cargo test --workspace --locked

step "tests: the hub's end-to-end suites again, the hub on PostgreSQL"
# The same suites (exactly-once through the fault proxy, refusals, USB, exports, dashboard,
# renewals, the ansinh-hub command) with every hub's records in a PostgreSQL database.
# Selected by test name across the workspace rather than by package, so the features are the
# workspace's and every crate built above is reused (by package, cargo resolves the package's
# own features and rebuilds about 130 crates). two_hubs is PostgreSQL's already and ran above.
ANSINH_TEST_BACKEND=postgres cargo test --locked --workspace --test end_to_end --test e2e -- --skip two_hubs
stop_postgres

step "fuzz smoke (the protocol, the hub, the policy table, the enrollment envelope, the device, the uploader)"
# Each decoder of outside bytes for FUZZ_SECONDS (default 10) per target, one target per core:
# every app/*/fuzz project (none builds Slint), plus their instrumented builds (the device's and
# the hub's about 3.5 minutes each cold).
bash tests/fuzz-smoke.sh

step "kiosk image: build it, boot it under QEMU, cut the power (kiosk-image/README.md)"
# About 7 minutes on 2 cores here once the release binaries started at the top are built
# (mmdebstrap, the slot images and bundles in about a minute, then about 5 minutes of TCG
# boots; CI's machine emulates about twice as slowly: BENCHMARKS.md, "The kiosk image II").
# Building a root file system needs root; ANSINH_SKIP_IMAGE=1 leaves it out of a quick local run.
if ((build_image)); then
    started=$SECONDS
    if ! wait "$release_pid"; then
        release_pid=""
        cat "$release_log" >&2
        echo "the kiosk image's release build failed (log above: $release_log)" >&2
        exit 1
    fi
    release_pid=""
    echo "release binaries (built in the background since the start): waited $((SECONDS - started)) s for them"
    tail -n 1 "$release_log"
    rm -f "$release_log"
    bash kiosk-image/install-deps.sh
    bash kiosk-image/build.sh
    # The collection server the registered box talks to: the binary the tests above built.
    ANSINH_HUB_BIN="$(cargo metadata --format-version 1 --no-deps --locked |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/ansinh-hub" \
        bash kiosk-image/boot-test.sh
elif [[ "${ANSINH_SKIP_IMAGE:-0}" == 1 ]]; then
    echo "skipped: ANSINH_SKIP_IMAGE=1"
else
    echo "skipped: building the image needs root (sudo bash kiosk-image/build.sh)"
fi

echo "tests/run.sh: every check passed in $SECONDS s"
