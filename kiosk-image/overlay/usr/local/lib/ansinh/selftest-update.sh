#!/bin/sh
# Boot self-test, root half (ansinh-selftest-update.service), driven by /config/selftest like
# selftest.sh. At every boot with a self-test it prints which slot and version booted; for
#   install BUNDLE...   reports the outbox (selftest.sh report), installs the first bundle no
#                       earlier boot tried (a marker on the data partition once the install
#                       has finished with it) through `ansinh update install --bundle`, saying
#                       how much of the other slot is written as it goes; reboots into it when
#                       installed, tries the next when refused.
# The boot line also says whether the firmware booted with Secure Boot on: the last byte of its
# SecureBoot variable (after the variable's 4 attribute bytes), 1 when on, or else what the
# kernel logged of it at boot; "none" without either.
# Every line starts with ANSINH-SELFTEST so the QEMU harness can find it on the serial console.
set -u
say() { echo "ANSINH-SELFTEST $*"; }
slot=$(sed -n 's/.*rauc\.slot=\([a-z]*\).*/\1/p' /proc/cmdline)
secure_boot=none
variable=/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c
if [ -r "$variable" ]; then
    secure_boot="$(od -An -tu1 "$variable" | awk '{ last = $NF } END { print last }') from=efivars"
elif dmesg | grep -q "secureboot: Secure boot enabled"; then
    # No efivarfs (a kernel without it): the same variable as the kernel's EFI stub read it
    # at boot.
    secure_boot="1 from=kernel"
elif dmesg | grep -q "secureboot: Secure boot disabled"; then
    secure_boot="0 from=kernel"
fi
# The boot loader entry systemd-boot started (its LoaderEntrySelected variable: UTF-16 after 4
# attribute bytes), and whether the kernel's command line holds the boot test's stray option
# (ansinh.injected: an entry's own options, which the signed kernel image must ignore).
# (Read through dd: an efivarfs file gives nothing to a reader that seeks, as tail does.)
entry=$(dd if=/sys/firmware/efi/efivars/LoaderEntrySelected-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f bs=4096 status=none 2>/dev/null | tail -c +5 | tr -d '\000')
injected=no
grep -q 'ansinh\.injected' /proc/cmdline && injected=yes
say "booted slot=$slot version=$(sed -n 's/^VERSION=//p' /etc/ansinh-release) secureboot=$secure_boot entry=${entry:-none} injected=$injected"
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
# watch_writes: prints the MiB written to the other slot's partition whenever it grows.
other=b
[ "$slot" = b ] && other=a
watch_writes() {
    dev=$(basename "$(readlink -f "/dev/disk/by-partlabel/ansinh-root-$other")")
    last=0
    while sleep 0.5; do
        # Field 7 of the block device's stat: sectors written.
        mib=$(($(awk '{print $7}' "/sys/class/block/$dev/stat") / 2048))
        if [ "$mib" -gt "$last" ]; then
            say "writing slot $other: $mib MiB"
            last=$mib
        fi
    done
}
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
    # How far RAUC has written the other slot (its partition's sectors written since boot),
    # every half second while the install runs: the harness cuts the power on it.
    watch_writes &
    watcher=$!
    # The device's own install: the checks of the contract (signature, compatible, a newer
    # version) through RAUC, then `rauc install` into the inactive slot.
    /usr/local/bin/ansinh update install --data-dir /data/ansinh --usb-dir /media/usb-config \
        --bundle "$bundle" > /run/selftest-update.out 2>&1
    status=$?
    kill "$watcher" 2>/dev/null
    sed 's/^/ANSINH-SELFTEST update: /' /run/selftest-update.out
    : > "$done_dir/$name.done"
    sync
    if [ "$status" = 0 ]; then
        say "install $name ok, rebooting"
        systemctl reboot --no-block
        exit 0
    fi
    say "install $name refused"
done
say "nothing left to install"
