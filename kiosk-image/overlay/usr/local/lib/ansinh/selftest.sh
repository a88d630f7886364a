#!/bin/sh
# Boot self-test driven by /config/selftest (a mode word, then its arguments). Every line it prints starts with
# ANSINH-SELFTEST so the QEMU harness can find it on the serial console.
#   enqueue-loop  commit the fixture enrollment again and again (the same person: confirmed as
#                 staff would) until the power is cut,
#                 printing each receipt number after its enqueue returned
#   report        print the outbox state and verify it
#   enroll-once   on the boot test's registered box: commit the fixture enrollment for real
#                 (sealed to the server, uploaded by the kiosk), once per data partition,
#                 retried until the registration has pinned the server's key; then the report
#   install ...   nothing here: selftest-update.sh (root) runs the report, then installs
#   boot-info     once the boot has finished (the kiosk is ready): where its time went,
#                 systemd-analyze's total, the critical chains of the kiosk and the data
#                 partition, and the slowest units
#   boot-journal  the same, then the boot's whole journal (kernel and units, monotonic time
#                 stamps): where a boot's time went, line by line
# An argument overrides the file's mode.
set -u
data=/data/ansinh
fixture=/usr/local/share/ansinh/fixtures/enrollment.json
say() { echo "ANSINH-SELFTEST $*"; }
read -r mode _ < /config/selftest || true
mode=${1:-$mode}
say "start $mode"
report() {
    /usr/local/bin/ansinh queue --data-dir "$data" --json | sed 's/^/ANSINH-SELFTEST queue /'
    if /usr/local/bin/ansinh queue verify --data-dir "$data" > /tmp/verify.txt 2>&1; then
        say "verify ok"
    else
        say "verify failed: $(tr '\n' ' ' < /tmp/verify.txt)"
    fi
}
case "$mode" in
enqueue-loop)
    while :; do
        line=$(/usr/local/bin/ansinh enqueue --demo --data-dir "$data" --collection-point "Self-test" --agent-code SELFTEST --confirm-duplicate < "$fixture") || { say "enqueue-failed"; sleep 1; continue; }
        say "enqueued $line"
    done
    ;;
enroll-once)
    marker="$data/selftest-enrolled"
    tries=0
    while [ ! -e "$marker" ] && [ "$tries" -lt 300 ]; do
        if line=$(/usr/local/bin/ansinh enqueue --data-dir "$data" --collection-point "Bưu điện văn hóa xã (boot test)" --agent-code DL-0001 < "$fixture" 2>/dev/null); then
            : > "$marker"
            say "enqueued $line"
        else
            tries=$((tries + 1))
            sleep 1
        fi
    done
    report
    ;;
report)
    report
    ;;
boot-info | boot-journal)
    # systemd-analyze answers only once every start job is done.
    tries=0
    until /usr/bin/systemd-analyze time > /tmp/analyze.txt 2>&1 || [ "$tries" -ge 120 ]; do
        sleep 1
        tries=$((tries + 1))
    done
    {
        cat /tmp/analyze.txt
        /usr/bin/systemd-analyze critical-chain --no-pager ansinh-kiosk.service data.mount
        /usr/bin/systemd-analyze blame --no-pager | head -n 15
    } 2>&1 | sed 's/^/ANSINH-SELFTEST analyze /'
    if [ "$mode" = boot-journal ]; then
        journalctl -b -o short-monotonic --no-pager 2>&1 | sed 's/^/ANSINH-SELFTEST journal /'
    fi
    ;;
install) ;;
*)
    say "unknown mode"
    ;;
esac
say "done"
