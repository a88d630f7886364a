#!/usr/bin/env bash
# The kiosk next to a Chromium kiosk showing the same home screen as a static page, measured in
# one run on this machine (BENCHMARKS.md, "The kiosk app"):
#   bash app/ansinh-kiosk/bench/compare.sh
# Needs: xvfb x11-apps chromium (apt-get install xvfb x11-apps chromium).
set -euo pipefail
cd "$(dirname "$0")/../../.."
runs="${RUNS:-5}"
cargo build --release --locked -p ansinh-kiosk
cargo bench --locked -p ansinh-kiosk --bench render
data="$(mktemp -d)"
profile="$(mktemp -d)"
trap 'rm -rf "$data" "$profile"' EXIT

echo "== binary sizes (bytes)"
target="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
strip -o "$data/kiosk-stripped" "$target/release/ansinh-kiosk"
echo "ansinh-kiosk (winit) $(stat -c %s "$target/release/ansinh-kiosk"), stripped $(stat -c %s "$data/kiosk-stripped")"
echo "chromium install (/usr/lib/chromium) $(du -sb /usr/lib/chromium | cut -f1)"

echo "== ansinh-kiosk: start to first frame, idle memory"
python3 app/ansinh-kiosk/bench/startup.py --runs "$runs" -- "$target/release/ansinh-kiosk" --data-dir "$data/kiosk"

echo "== chromium --kiosk with app/ansinh-kiosk/bench/home.html"
python3 app/ansinh-kiosk/bench/startup.py --runs "$runs" -- chromium --no-sandbox --kiosk \
    --no-first-run --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --disable-features=Translate --lang=vi --password-store=basic \
    --user-data-dir="$profile" --window-position=0,0 --window-size=1280,800 \
    "file://$PWD/app/ansinh-kiosk/bench/home.html"
