#!/usr/bin/env bash
# Short fuzzing smoke run for CI: each target for FUZZ_SECONDS (default 30), seeded with the
# public fixtures and the golden envelopes. Needs cargo-fuzz (installed here if missing) and a
# nightly toolchain, or the stable one with RUSTC_BOOTSTRAP for the sanitizer flags.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
seconds="${FUZZ_SECONDS:-30}"
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz@0.13.1
toolchain=()
if rustup toolchain list | grep -q '^nightly'; then
    toolchain=(+nightly)
else
    export RUSTC_BOOTSTRAP=1
fi
cd "$here/.."
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
mkdir -p "$corpus/decode_envelope" "$corpus/validate_json"
cp "$repo"/tests/golden/wire/*.bin "$corpus/decode_envelope/"
cp "$repo"/tests/fixtures/*.json "$corpus/validate_json/"
status=0
for target in decode_envelope validate_json; do
    log="$corpus/$target.log"
    if cargo "${toolchain[@]}" fuzz run "$target" "$corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
        grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" || true
        echo "fuzz $target: ${seconds}s without a crash"
    else
        grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" >&2 || tail -20 "$log" >&2
        echo "fuzz $target: CRASH (input saved under app/ansinh-enrollment/fuzz/artifacts/$target/)" >&2
        status=1
    fi
done
exit "$status"
