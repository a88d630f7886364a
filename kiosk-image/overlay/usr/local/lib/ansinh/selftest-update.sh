#!/bin/sh
# Boot self-test, root half (ansinh-selftest-update.service), driven by /config/selftest like
# selftest.sh. At every boot with a self-test it prints which slot and version booted; for
#   install BUNDLE...   reports the outbox (selftest.sh report), installs the first bundle no earlier boot tried (a marker on the data
#                       partition once RAUC has finished with it), printing RAUC's progress as
#                       it goes; reboots into it when installed, tries the next when refused.
# Every line starts with ANSINH-SELFTEST so the QEMU harness can find it on the serial console.
set -u
say() { echo "ANSINH-SELFTEST $*"; }
slot=$(sed -n 's/.*rauc\.slot=\([a-z]*\).*/\1/p' /proc/cmdline)
say "booted slot=$slot version=$(sed -n 's/^VERSION=//p' /etc/ansinh-release)"
read -r mode args < /config/selftest || true
[ "$mode" = install ] || exit 0
# The outbox as this slot sees it, before anything is installed.
runuser -u ansinh -- /usr/local/lib/ansinh/selftest.sh report
# A slot on trial installs nothing (RAUC's pre-install handler would refuse): the self-test
# goes on from the next good slot.
if /usr/local/lib/ansinh/rauc-systemd-boot.sh on-trial "$slot"; then
    say "slot $slot on trial: no install"
    exit 0
fi
done_dir=/data/selftest
mkdir -p "$done_dir"
for bundle in $args; do
    name=$(basename "$bundle")
    [ -e "$done_dir/$name.done" ] && continue
    # A stick is mounted when udev has seen it, which can be after this starts.
    tries=0
    while [ ! -e "$bundle" ] && [ "$tries" -lt 60 ]; do
        sleep 1
        tries=$((tries + 1))
    done
    say "install $name start"
    # >>> The update install. After merging the updates branch this becomes
    #     ansinh update install --data-dir /data/ansinh --usb-dir /media/usb-config --bundle "$bundle"
    #     (the same checks through RAUC, and no downgrade).
    { rauc install "$bundle" 2>&1; echo "$?" > /run/selftest-rauc-exit; } | sed -u 's/^/ANSINH-SELFTEST rauc: /'
    # <<<
    : > "$done_dir/$name.done"
    sync
    if [ "$(cat /run/selftest-rauc-exit)" = 0 ]; then
        say "install $name ok, rebooting"
        systemctl reboot --no-block
        exit 0
    fi
    say "install $name refused"
done
