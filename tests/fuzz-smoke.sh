#!/usr/bin/env bash
# Short fuzzing smoke run for CI: every target of every cargo-fuzz project (app/*/fuzz, or the
# project folders given as arguments) for FUZZ_SECONDS each (default 10), FUZZ_JOBS targets at a
# time (default: one per core). Each target starts
# from a corpus seeded with the files its project's seeds.txt names (golden files, fixtures),
# written to a temporary folder that is removed afterwards; a crash leaves its input under
# PROJECT/artifacts/TARGET/ and fails the run.
#
# Needs cargo-fuzz (installed here if missing) and a nightly toolchain, or the stable one with
# RUSTC_BOOTSTRAP for the sanitizer flags. Each project's Cargo.lock is committed and must be
# up to date (checked with --locked before building); after a change to the workspace's
# dependencies, refresh it from the root one, which keeps the same versions:
#   cp Cargo.lock app/NAME/fuzz/ && (cd app/NAME/fuzz && cargo metadata --format-version 1 >/dev/null)
# The projects build into one folder, FUZZ_TARGET_DIR (default target/fuzz), so the crates they
# share are compiled once. No sanitizer (`-s none`): the fuzzed code is safe Rust, whose memory
# errors AddressSanitizer would catch are ruled out by the compiler, and without it the builds
# are shorter and each second runs about twice the inputs; panics, overflow checks and debug
# assertions still stop the run. For the same reason the builds optimise at level 1
# (FUZZ_OPT_LEVEL, default 1; cargo-fuzz's release default is 3) in 16 codegen units per crate
# (cargo-fuzz otherwise forces one): a few seconds per target need no peak speed, and the
# instrumented builds were most of the smoke's time in CI.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
seconds="${FUZZ_SECONDS:-10}"
jobs="${FUZZ_JOBS:-$(nproc)}"
target_dir="${FUZZ_TARGET_DIR:-$repo/target/fuzz}"
# A debug build of the tool itself: it only drives cargo, and builds in half the time.
command -v cargo-fuzz >/dev/null || cargo install --locked --debug cargo-fuzz@0.13.1
export CARGO_PROFILE_RELEASE_OPT_LEVEL="${FUZZ_OPT_LEVEL:-1}"
toolchain=()
if rustup toolchain list | grep -q '^nightly'; then
    toolchain=(+nightly)
else
    export RUSTC_BOOTSTRAP=1
fi

if (($#)); then
    projects=("$@")
else
    projects=()
    for manifest in app/*/fuzz/Cargo.toml; do
        projects+=("$(dirname "$manifest")")
    done
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Targets that keep files (the hub's database) keep them here.
export TMPDIR="$work"

# Copies the seeds seeds.txt names for TARGET (lines "TARGET FILE..."; globs relative to the
# repository) into CORPUS, each under a name made from its path so none overwrites another.
seed() {
    local seeds="$1" target="$2" corpus="$3" name files file
    [[ -f "$seeds" ]] || return 0
    while read -r name files; do
        [[ "$name" == "$target" ]] || continue
        for file in $files; do
            [[ -f "$file" ]] || { echo "$seeds: no file $file" >&2; return 1; }
            cp "$file" "$corpus/${file//\//_}"
        done
    done < <(grep -v '^[[:space:]]*\(#\|$\)' "$seeds")
}

# Builds every project, then runs the targets FUZZ_JOBS at a time: each fuzzer is one process on
# one core, started directly rather than through `cargo fuzz run`, which would take the target
# folder's lock for every start.
declare -a runs=()
for project in "${projects[@]}"; do
    project="${project%/}"
    cargo fetch --locked --quiet --manifest-path "$project/Cargo.toml"
    started=$SECONDS
    (cd "$project/.." && cargo "${toolchain[@]}" fuzz build -s none --codegen-units 16 --target-dir "$target_dir")
    echo "fuzz $project: built in $((SECONDS - started)) s"
    for target in $(cd "$project/.." && cargo "${toolchain[@]}" fuzz list); do
        runs+=("$project $target")
    done
done
triple="$(rustc -vV | sed -n 's/^host: //p')"

# Runs one target; its one-line result goes to $work/results/N.
fuzz_one() {
    local n="$1" project="$2" target="$3" corpus log runs rss line
    corpus="$work/corpus/$project/$target"
    log="$work/$target.log"
    mkdir -p "$corpus" "$project/artifacts/$target"
    seed "$project/seeds.txt" "$target" "$corpus"
    if "$target_dir/$triple/release/$target" "$corpus" -max_total_time="$seconds" \
        -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$project/artifacts/$target/" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
        line="$project $target: ${seconds} s, ${runs:-?} runs ($(( ${runs:-0} / seconds ))/s), peak ${rss:-?} MB, no crash"
    else
        grep -a -A1 -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" >&2 || tail -20 "$log" >&2
        line="$project $target: CRASH (input saved under $project/artifacts/$target/)"
    fi
    echo "fuzz $line"
    echo "$line" >"$work/results/$n"
}

mkdir -p "$work/results"
started=$SECONDS
n=0
for run in "${runs[@]}"; do
    while (($(jobs -rp | wc -l) >= jobs)); do
        wait -n || true
    done
    read -r project target <<<"$run"
    fuzz_one "$n" "$project" "$target" &
    n=$((n + 1))
done
wait
echo "fuzz: ${#runs[@]} targets run in $((SECONDS - started)) s, $jobs at a time"

status=0
printf '\n'
for ((i = 0; i < n; i++)); do
    line="$(cat "$work/results/$i" 2>/dev/null || echo "${runs[$i]}: no result")"
    printf 'fuzz smoke: %s\n' "$line"
    [[ "$line" == *", no crash" ]] || status=1
done
exit "$status"
