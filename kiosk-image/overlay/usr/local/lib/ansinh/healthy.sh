#!/bin/sh
# The health gate (ansinh-healthy.service, as user ansinh): succeeds once the kiosk unit is
# active (Type=notify: it sent READY=1), systemd has seen one of its watchdog pings and the
# outbox verifies; fails if the kiosk failed three times without getting there, or after
# four minutes.
set -u
say() { echo "ansinh-healthy: $*"; }
unit=ansinh-kiosk.service
deadline=$(($(cut -d. -f1 /proc/uptime) + 240))
while :; do
    active=$(systemctl show -p ActiveState --value "$unit")
    ping=$(systemctl show -p WatchdogTimestampMonotonic --value "$unit")
    restarts=$(systemctl show -p NRestarts --value "$unit")
    if [ "$active" = active ] && [ "${ping:-0}" != 0 ]; then
        break
    fi
    if [ "${restarts:-0}" -ge 3 ]; then
        say "FAILED: the kiosk failed $restarts times without becoming ready"
        exit 1
    fi
    if [ "$(cut -d. -f1 /proc/uptime)" -ge "$deadline" ]; then
        say "FAILED: the kiosk was not ready with a watchdog ping in time"
        exit 1
    fi
    sleep 1
done
if ! out=$(/usr/local/bin/ansinh queue verify --data-dir /data/ansinh 2>&1); then
    say "FAILED: the outbox does not verify: $(echo "$out" | tr '\n' ' ')"
    exit 1
fi
say "ok: kiosk ready, watchdog ping seen, outbox verified"
