#!/bin/sh
# RAUC's pre-install handler (system.conf): no update while the running slot is still on trial
# (its kernel image has a boot counter, so the health gate has not passed yet). An install
# writes the other slot, and on a trial boot that slot is the only known-good one: the one the
# box falls back to.
set -eu
backend=/usr/local/lib/ansinh/rauc-systemd-boot.sh
current=$("$backend" get-current)
if "$backend" on-trial "$current"; then
    echo "slot $current is still on trial (not yet marked good): no update until it is" >&2
    exit 1
fi
