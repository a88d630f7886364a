#!/usr/bin/env bash
# Checks overlay/usr/local/lib/ansinh/rauc-systemd-boot.sh (RAUC's boot loader backend for
# systemd-boot) on a scratch ESP: the install, fallback and blessing sequence of an update,
# with the file names systemd-boot would see at each step. Run by check.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
backend="$here/overlay/usr/local/lib/ansinh/rauc-systemd-boot.sh"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export ANSINH_ESP_LINUX="$scratch/EFI/Linux"
mkdir -p "$ANSINH_ESP_LINUX"
echo "a unified kernel image" > "$scratch/new.efi"
esp() { find "$ANSINH_ESP_LINUX" -type f -printf '%f\n' | sort | paste -sd' '; }
expect() {
    local what="$1" got="$2" want="$3"
    if [[ "$got" != "$want" ]]; then
        echo "FAIL: $what: got '$got', want '$want'" >&2
        exit 1
    fi
}
run() { sh "$backend" "$@"; }

# A new box: slot A only, good.
touch "$ANSINH_ESP_LINUX/ansinh-1-a.efi"
expect "primary of a new box" "$(run get-primary)" a
expect "state of A" "$(run get-state a)" good
expect "state of the empty slot B" "$(run get-state b)" bad
# RAUC installs into B: marks it bad, writes it (the bundle's hook), makes it primary.
run set-state b bad
run install-uki b "$scratch/new.efi"
expect "after the hook" "$(esp)" "ansinh-0-b+0.efi ansinh-1-a.efi"
expect "primary before set-primary" "$(run get-primary)" a
run set-primary b
expect "after set-primary" "$(esp)" "ansinh-0-a.efi ansinh-1-b+3.efi"
expect "primary after set-primary" "$(run get-primary)" b
if ! run on-trial b || run on-trial a; then
    echo "FAIL: B (with a counter) should be on trial, A (without) not" >&2
    exit 1
fi
# systemd-boot spends B's tries (renaming as it boots); with none left A boots again.
mv "$ANSINH_ESP_LINUX/ansinh-1-b+3.efi" "$ANSINH_ESP_LINUX/ansinh-1-b+1-2.efi"
expect "primary with a try left" "$(run get-primary)" b
expect "state with a try left" "$(run get-state b)" good
mv "$ANSINH_ESP_LINUX/ansinh-1-b+1-2.efi" "$ANSINH_ESP_LINUX/ansinh-1-b+0-3.efi"
expect "primary with no tries left" "$(run get-primary)" a
expect "state with no tries left" "$(run get-state b)" bad
# The next install writes B again; this time it is blessed (as systemd-bless-boot would).
run set-state b bad
run install-uki b "$scratch/new.efi"
run set-primary b
mv "$ANSINH_ESP_LINUX/ansinh-1-b+3.efi" "$ANSINH_ESP_LINUX/ansinh-1-b+2-1.efi"
run set-state b good
expect "after marking B good" "$(esp)" "ansinh-0-a.efi ansinh-1-b.efi"
expect "primary after marking B good" "$(run get-primary)" b
# Making a good slot primary gives it no counter.
run set-primary a
expect "after making A primary" "$(esp)" "ansinh-0-b.efi ansinh-1-a.efi"
if run set-state c good 2>/dev/null; then
    echo "FAIL: an unknown slot was accepted" >&2
    exit 1
fi
echo "rauc-systemd-boot.sh: install, fallback and blessing sequence as expected"
