#!/usr/bin/env bash
# Regenerates fonts/*.ttf: Noto Sans (OFL-1.1, Debian package fonts-noto-core 20201225-1) cut to
# the characters Vietnamese text and our screens need, so that the kiosk binary and the receipt
# font generator embed ~100 kB instead of ~1 MB and never depend on system fonts.
# Run from anywhere: bash app/ansinh-fonts/gen/subset.sh
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download fonts-noto-core=20201225-1 >/dev/null 2>&1
dpkg-deb -x fonts-noto-core_*.deb x
python3 -m venv venv
venv/bin/pip install -q fonttools==4.55.3
# Basic Latin, Latin-1, Latin Extended-A (Ă Đ Ĩ Ũ), Ơ Ư, combining tone marks, Vietnamese
# precomposed letters, dashes, quotes, bullet, ellipsis, đồng sign, arrows, minus.
unicodes="U+0020-007E,U+00A0-00FF,U+0100-017F,U+01A0-01B0,U+0300-0309,U+0323,U+1EA0-1EF9,U+2013-2014,U+2018-201D,U+2022,U+2026,U+20AB,U+2190-2193,U+2212"
for style in Regular Bold; do
    venv/bin/pyftsubset "x/usr/share/fonts/truetype/noto/NotoSans-$style.ttf" \
        --unicodes="$unicodes" --layout-features='*' --name-IDs='*' --notdef-outline \
        --output-file="$here/fonts/NotoSans-$style.ttf"
done
ls -l "$here/fonts"
