#!/usr/bin/env bash
# Boots the kiosk image under QEMU (software emulation; KVM hangs on these machines) and checks it:
#   bash kiosk-image/boot-test.sh [OUT_DIR]     (after kiosk-image/build.sh [OUT_DIR])
#
# 1. Cold boot: waits for the app's ready line on the serial console, takes a screendump and
#    compares it with the app's own golden home screen; reports the boot-to-UI time. Then walks
#    into a quote through the real input path (absolute pointer events on the virtio tablet,
#    as a touch panel in mouse mode sends them): a tap on the quote tile shows the app's golden
#    quote page, a drag scrolls it, and a tap on "←" brings the home screen back.
# 2. Power cut: boots with the self-test enqueueing the fixture enrollment in a loop, and pulls
#    the plug (QEMU is killed) right after a few enqueues returned, while another is running.
#    It boots through a loader entry of its own whose options (no verified root, a shell for
#    init) the signed kernel image ignores under Secure Boot.
# 3. Next boot: every enrollment whose enqueue returned before the cut is still queued and the
#    outbox verifies; the kiosk finds its last run ended uncleanly (its run marker). The box then installs a later release from a USB stick (a second disk
#    labelled ANSINH-USB) and the power is cut while slot B is being written.
# 4. On the same disk, in one run of the machine: A boots; a bundle signed by another key and
#    an earlier release are refused; a release whose kiosk never starts is installed, tried
#    three times, and the box falls back to A by itself; the outbox is intact on A each time.
# 5. A registered box: a fresh image whose configuration partition names a real collection
#    server on the host (ansinh-hub behind a TLS proxy, reached over QEMU's user network) and
#    carries a signed policy table. The box registers over DHCP and HTTPS, installs the
#    partition's table as soon as registration pins the policy key, takes the newer table the
#    server published at its first sync, commits an enrollment the kiosk uploads, downloads the
#    later release the server offers, installs it into slot B when idle and restarts into it
#    when idle again; B prices with the server's table, passes the health gate (marked good)
#    and holds the enrollment committed on A, and its kiosk finds that A's ended cleanly
#    (systemd stopped it with SIGTERM for the restart).
# 0 (first). A copy of the image with one byte of the kiosk binary changed inside the root
#    partition does not boot: dm-verity refuses the block and the machine restarts. A copy whose
#    kernel image is signed by another key does not start it: the firmware refuses it.
# Every machine boots with Secure Boot on (OVMF with Debian's test key enrolled, which
# build.sh signs development images with); the self-test's SecureBoot variable proves it.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
out="${1:-$here/out}"
work="$out/boot-test"
image="$out/ansinh-kiosk.img"
config_offset="$(cat "$out/config-offset")"
root_a_offset="$(cat "$out/root-a-offset")"
version="$(cat "$out/version")"
# The boot test's bundles (build.sh, development key): a later release, one whose kiosk never
# starts, and an earlier one.
LATER=$(sed -n 's/^LATER=//p' "$out/test/versions")
BROKEN=$(sed -n 's/^BROKEN=//p' "$out/test/versions")
OLDER=$(sed -n 's/^OLDER=//p' "$out/test/versions")
golden="$repo/tests/golden/screens/home-1280x800.png"
quote_golden="$repo/tests/golden/screens/quote-start-1280x800.png"
# Pixels may differ by 10% in colour (scaling of the VGA framebuffer); at most 0.5% of them
# may differ by more. Same rule as the app's own screenshot tests.
fuzz=10%
max_diff_pixels=$((1280 * 800 / 200))

rm -rf "$work"
mkdir -p "$work"
# A box's disk is larger than the image: slot B and the data partition are made at first boot
# (systemd-repart) in the rest of it.
disk="$work/disk.img"
new_disk() {
    cp --sparse=always "$image" "$1"
    truncate -s 2G "$1"
}
new_disk "$disk"
timings=()
step_started=$SECONDS
timed() {
    timings+=("$1: $((SECONDS - step_started)) s")
    step_started=$SECONDS
}

set_selftest() {
    local mode="$1"
    if [[ -z "$mode" ]]; then
        mdel -i "$disk@@$config_offset" ::/selftest 2>/dev/null || true
    else
        printf '%s\n' "$mode" > "$work/selftest"
        mcopy -o -i "$disk@@$config_offset" "$work/selftest" ::/selftest
    fi
}

# boot NAME [reboot]: starts the machine on $disk, serial console to $work/NAME.serial; with
# "reboot" a reboot of the guest starts it again (boot counting), else the machine stays off.
# A disk in $usb is plugged in as the ANSINH-USB stick.
# A reboot is never a reset inside the same QEMU process: QEMU exits (-no-reboot) and wait_for
# starts a new one on the same disk and firmware variables, as a power-cycle. A software-emulated
# machine has been seen to stall silently after a warm reset, before the firmware printed
# anything, and to stall again after every further reset of the same process (QMP
# system_reset), while a new process always booted; in CI that cost the watchdog's 240 s, twice
# in one run, and once the step's whole timeout. To the box the two are the same: boot counting
# lives in the ESP's file names, the firmware variables in their file.
qemu_pid=""
usb=""
boot_mode=""
boot() {
    local name="$1" mode="${2:-}" extra=()
    boot_mode="$mode"
    # Secure Boot firmware (it needs SMM, on q35) and variables that trust Debian's test key.
    # A hardware random number generator, as every x86 box has (RDRAND): the firmware hands
    # the kernel a seed, so nothing at boot waits for entropy (QEMU's default CPU has none).
    cp /usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd "$work/vars.fd"
    rm -f "$work/$name.serial"
    [[ -z "$usb" ]] || extra+=(-drive "file=$usb,if=virtio,format=raw")
    # The same machine as boot-time.py's secure-boot setup (the boot time in BENCHMARKS.md):
    # change both together.
    # (Commas inside QEMU's options, not between array elements.)
    # shellcheck disable=SC2054
    machine=(qemu-system-x86_64 -accel tcg -m 1024 -smp 2 -display none -no-reboot "${extra[@]}" \
        -machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on \
        -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd \
        -drive if=pflash,format=raw,file="$work/vars.fd" \
        -drive file="$disk",if=virtio,format=raw,cache=writeback \
        -device VGA,xres=1280,yres=800 -device virtio-tablet-pci \
        -device virtio-rng-pci \
        -nic user,model=virtio-net-pci \
        -chardev file,id=serial,path="$work/$name.serial",append=on -serial chardev:serial \
        -qmp unix:"$work/qmp.sock",server=on,wait=off)
    start_machine
    boot_started=$(date +%s.%N)
}

# Starts (or, after power_off, starts again) the machine boot set up: same disk, firmware
# variables and serial log, which goes on after what the machine printed before.
start_machine() {
    rm -f "$work/qmp.sock"
    "${machine[@]}" &
    qemu_pid=$!
}

qmp() { python3 "$here/qmp.py" "$work/qmp.sock" "$@"; }
# A machine that restarts by itself (boot NAME reboot) and then prints nothing for
# HANG_SECONDS is power-cycled, as the hardware watchdog of a real box would reset it (the
# stall above was seen only after warm resets, which no longer happen; this stays as the box's
# watchdog would). Each such restart is said and counted (resets), and a boot it cut short
# counts as one that failed. ANSINH_BOOT_TEST_HANG_SECONDS sets it (a few seconds: a run that
# checks this path). Reboots are counted too (restarts).
HANG_SECONDS=${ANSINH_BOOT_TEST_HANG_SECONDS:-240}
resets=0
restarts=0
wait_for() {
    local name="$1" pattern="$2" count="$3" timeout="$4"
    local deadline=$((SECONDS + timeout)) size=-1 grew=$SECONDS now_size
    while ((SECONDS < deadline)); do
        if [[ -f "$work/$name.serial" ]] && (( $(grep -c -a -- "$pattern" "$work/$name.serial" || true) >= count )); then
            return 0
        fi
        now_size=$(stat -c %s "$work/$name.serial" 2>/dev/null || echo 0)
        if ((now_size != size)); then
            size=$now_size
            grew=$SECONDS
        elif [[ "$boot_mode" == reboot ]] && ((SECONDS - grew >= HANG_SECONDS)); then
            resets=$((resets + 1))
            echo "no output from the machine for ${HANG_SECONDS} s: power-cycled, as a watchdog would reset it (reset $resets; its screen: $work/$name-hang-$resets.png)"
            qmp screendump "$work/$name-hang-$resets.png" || true
            power_off
            start_machine
            grew=$SECONDS
        fi
        if ! kill -0 "$qemu_pid" 2>/dev/null; then
            wait "$qemu_pid" 2>/dev/null || true
            if [[ "$boot_mode" != reboot ]]; then
                echo "QEMU exited before '$pattern' appeared" >&2
                return 1
            fi
            # The guest rebooted (or reset itself): power it on again.
            restarts=$((restarts + 1))
            start_machine
            grew=$SECONDS
        fi
        sleep 0.2
    done
    echo "timed out after ${timeout}s waiting for '$pattern' (x$count); serial log: $work/$name.serial" >&2
    return 1
}

# wait_exit NAME TIMEOUT: waits for the machine to stop by itself.
wait_exit() {
    local deadline=$((SECONDS + $2))
    while kill -0 "$qemu_pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            echo "timed out after $2 s waiting for the machine to stop; serial log: $work/$1.serial" >&2
            return 1
        fi
        sleep 0.5
    done
    wait "$qemu_pid" 2>/dev/null || true
}

power_off() {
    # SIGKILL ends the machine at once: no shutdown, no sync; the guest loses its memory and
    # page cache, as when the plug is pulled. (What the guest flushed, QEMU has written through
    # to the image with cache=writeback.)
    kill -9 "$qemu_pid" 2>/dev/null || true
    wait "$qemu_pid" 2>/dev/null || true
}
host_pids=()
cleanup() {
    kill -9 "$qemu_pid" 2>/dev/null || true
    for pid in "${host_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

echo "== 0. a root altered by one byte does not boot"
# One byte of the kiosk binary's first compressed cluster (its ELF header: read when it is
# started), found through the EROFS layout of slot A.
disk="$work/altered.img"
new_disk "$disk"
slot_bytes=$(sfdisk -J "$image" | python3 -c 'import json,sys; p=json.load(sys.stdin)["partitiontable"]["partitions"]; print(next(x["size"] for x in p if x.get("name")=="ansinh-root-a")*512)')
dd if="$image" of="$work/root-a.img" bs=1M iflag=skip_bytes,count_bytes skip="$root_a_offset" count="$slot_bytes" status=none
# dump.erofs -e lists the file's extents ("N: logical start..end | length : physical
# start..end | length", bytes): take the physical start of the first one.
physical=$(dump.erofs -e --path=/usr/local/bin/ansinh-kiosk "$work/root-a.img" | python3 -c '
import re, sys
extents = [int(m.group(1)) for m in (re.match(r"\s*\d+:\s*\d+\.\.\s*\d+\s*\|\s*\d+\s*:\s*(\d+)\.\.", l) for l in sys.stdin) if m]
print(extents[0] if extents else "")')
if ! [[ "$physical" =~ ^[0-9]+$ ]]; then
    echo "FAIL: no extent of the kiosk binary in slot A" >&2
    exit 1
fi
at=$((root_a_offset + physical + 100))
python3 -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(int(sys.argv[2])); b = f.read(1); f.seek(int(sys.argv[2])); f.write(bytes([b[0] ^ 1]))' "$disk" "$at"
echo "flipped the byte at $at (the kiosk binary's data in slot A, at $physical in the EROFS image)"
boot altered
# The kernel restarts the machine (QEMU exits, -no-reboot) when dm-verity finds the block.
wait_exit altered 300
if grep -a -q "ansinh-kiosk: ready" "$work/altered.serial"; then
    echo "FAIL: the kiosk started from an altered root" >&2
    exit 1
fi
if ! grep -a -q "dm-verity device corrupted" "$work/altered.serial"; then
    echo "FAIL: the altered root was not refused by dm-verity (see $work/altered.serial)" >&2
    exit 1
fi
echo "refused: $(grep -a -m1 "dm-verity device corrupted" "$work/altered.serial" | tr -d '\r')"
# The same image with its kernel image signed by a key the firmware does not trust: nothing
# of it may run (systemd-boot asks the firmware to load it, which refuses).
disk="$work/other-key.img"
new_disk "$disk"
mcopy -i "$disk@@1048576" ::/EFI/Linux/ansinh-1-a.efi "$work/uki.efi"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=not the ansinh Secure Boot key" \
    -keyout "$work/other-sb.key" -out "$work/other-sb.pem" 2>/dev/null
sbattach --remove "$work/uki.efi" >/dev/null 2>&1
sbsign --key "$work/other-sb.key" --cert "$work/other-sb.pem" --output "$work/uki-other.efi" "$work/uki.efi" 2>/dev/null
mcopy -o -i "$disk@@1048576" "$work/uki-other.efi" ::/EFI/Linux/ansinh-1-a.efi
boot other-key
# systemd-boot asks the firmware to load it; the firmware refuses ("Access Denied"), and
# systemd-boot gives up on it.
wait_for other-key "ansinh-1-a.efi: Access Denied" 1 120
power_off
if grep -a -q "ANSINH-\|ansinh-kiosk\|Linux version" "$work/other-key.serial"; then
    echo "FAIL: a kernel image signed by another key was started (see $work/other-key.serial)" >&2
    exit 1
fi
echo "refused: $(grep -a -m1 -o "Error loading [^:]*: Access Denied" "$work/other-key.serial")"
disk="$work/disk.img"
timed "0. altered root refused; a kernel image signed by another key refused"

echo "== 1. cold boot to the home screen"
# The self-test says whether Secure Boot is on and, once the boot is over, where its time went.
set_selftest boot-info
boot cold
wait_for cold "ansinh-kiosk: ready" 1 300
ready=$(date +%s.%N)
boot_to_ui=$(python3 -c "print(f'{$ready - $boot_started:.1f}')")
sleep 2
qmp screendump "$work/home.png"
# Pixels that differ between two screens (colour fuzz as above).
differing() {
    { compare -metric AE -fuzz "$fuzz" "$1" "$2" "$3" >/dev/null || true; } 2>&1
}
expect_screen() {
    local name="$1" shot="$2" expected="$3" diff_pixels
    diff_pixels=$(differing "$shot" "$expected" "${shot%.png}-diff.png")
    echo "$name vs golden: $diff_pixels pixels differ (allowed $max_diff_pixels)"
    if ! [[ "$diff_pixels" =~ ^[0-9]+$ ]] || ((diff_pixels > max_diff_pixels)); then
        echo "FAIL: $name does not match $expected (see $shot, ${shot%.png}-diff.png)" >&2
        exit 1
    fi
}
echo "boot to UI: ${boot_to_ui} s (QEMU TCG, 2 vCPU, UEFI)"
echo "$boot_to_ui" > "$work/boot-to-ui-seconds"
expect_screen "the home screen" "$work/home.png" "$golden"
# The quote tile, then a drag up the page from its lower half, then "←" in the header. (The
# quote page says the day it prices at, a line the golden has for another day: within the
# allowance.)
qmp tap 255 308
sleep 3
qmp screendump "$work/quote.png"
expect_screen "the quote page after a tap on its tile" "$work/quote.png" "$quote_golden"
qmp drag 640 650 640 250
sleep 3
qmp screendump "$work/quote-dragged.png"
moved=$(differing "$work/quote.png" "$work/quote-dragged.png" "$work/quote-dragged-diff.png")
echo "the quote page after a drag: $moved pixels changed"
if ! [[ "$moved" =~ ^[0-9]+$ ]] || ((moved < 4 * max_diff_pixels)); then
    echo "FAIL: a pointer drag did not scroll the quote page (see $work/quote-dragged.png)" >&2
    exit 1
fi
qmp tap 30 37
sleep 3
qmp screendump "$work/back.png"
expect_screen "the home screen after a tap on ←" "$work/back.png" "$golden"
wait_for cold "ANSINH-SELFTEST booted slot=" 1 120
# The firmware's own SecureBoot variable, read through efivarfs (boot counting's variables
# are read the same way), not the kernel's log of it.
if ! grep -a -q "ANSINH-SELFTEST booted slot=a version=$version secureboot=1 from=efivars" "$work/cold.serial"; then
    echo "FAIL: the first boot was not under Secure Boot, or its variable was not read: $(grep -a "ANSINH-SELFTEST booted" "$work/cold.serial")" >&2
    exit 1
fi
echo "Secure Boot on: $(grep -a -m1 -o "secureboot=.*" "$work/cold.serial" | tr -d '\r')"
wait_for cold "ANSINH-SELFTEST done" 1 120
grep -a "ANSINH-SELFTEST analyze " "$work/cold.serial" | tr -d '\r' | sed 's/.*ANSINH-SELFTEST analyze //' > "$work/analyze.txt"
echo "systemd-analyze: $(grep -m1 'Startup finished' "$work/analyze.txt") (the kiosk's critical chain and the slowest units: $work/analyze.txt)"
power_off
timed "1. first boot to the home screen, pointer walk"

echo "== 2. power cut during enqueues; a boot loader entry's own command line is ignored"
set_selftest enqueue-loop
# This boot goes through a loader entry of the boot loader's own kind (as anyone at the ESP, or
# at systemd-boot's editor were it on, could write), starting slot A's signed kernel image with
# options of its own: no verified root named, a shell for init. Under Secure Boot the image's
# stub ignores them and boots its embedded command line: the kiosk comes up as always.
mcopy -o -i "$disk@@1048576" ::/loader/loader.conf "$work/loader.conf"
printf 'title stray options\nefi /EFI/Linux/ansinh-1-a.efi\noptions ansinh.injected=1 init=/bin/sh rw\n' > "$work/injected.conf"
mmd -i "$disk@@1048576" ::/loader/entries 2>/dev/null || true
mcopy -o -i "$disk@@1048576" "$work/injected.conf" ::/loader/entries/injected.conf
{ cat "$work/loader.conf"; echo "default injected.conf"; } > "$work/loader-injected.conf"
mcopy -o -i "$disk@@1048576" "$work/loader-injected.conf" ::/loader/loader.conf
boot cut
wait_for cut "ANSINH-SELFTEST enqueued" 3 300
power_off
# The ESP as it was: the entry and the default go.
mdel -i "$disk@@1048576" ::/loader/entries/injected.conf
mcopy -o -i "$disk@@1048576" "$work/loader.conf" ::/loader/loader.conf
if ! grep -a -q "ANSINH-SELFTEST booted slot=a version=$version secureboot=1 from=efivars entry=injected.conf injected=no" "$work/cut.serial"; then
    echo "FAIL: the boot through an entry with its own options did not boot A's own command line under Secure Boot: $(grep -a "ANSINH-SELFTEST booted" "$work/cut.serial")" >&2
    exit 1
fi
echo "an entry's own options ignored: $(grep -a -m1 -o "secureboot=.*" "$work/cut.serial" | tr -d '\r')"
# Lines look like "[  21.5] selftest.sh[255]: ANSINH-SELFTEST enqueued RECORD_ID RECEIPT_NO ...".
sed -n 's/.*ANSINH-SELFTEST enqueued [0-9a-f]\{32\} \([0-9][0-9]*\) .*/\1/p' "$work/cut.serial" | sort -n > "$work/committed"
echo "enqueues returned before the cut: $(wc -l < "$work/committed") (receipts $(paste -sd, "$work/committed"))"
timed "2. power cut during enqueues"

# check_outbox FILE WHEN: the self-test's report in FILE (serial console text) lists every
# receipt whose enqueue returned before the cut as queued, and the outbox verifies.
check_outbox() {
    grep -a "ANSINH-SELFTEST queue " "$1" | tail -1 | sed 's/^.*ANSINH-SELFTEST queue //' > "$work/queue.json"
    python3 - "$work/queue.json" "$work/committed" "$2" <<'PY'
import json, sys
queue = json.load(open(sys.argv[1]))
states = {r["receipt_no"]: r["state"] for r in queue["records"]}
committed = [int(line) for line in open(sys.argv[2]) if line.strip()]
missing = [n for n in committed if states.get(n) != "queued"]
if missing or not committed:
    sys.exit(f"FAIL: receipts {missing} are not queued {sys.argv[3]} (states: {states})")
print(f"{sys.argv[3]}: all {len(committed)} committed receipts queued; {len(states)} records in the outbox")
PY
    if ! grep -a -q "ANSINH-SELFTEST verify ok" "$1"; then
        echo "FAIL: the outbox does not verify $2" >&2
        grep -a "ANSINH-SELFTEST" "$1" >&2
        exit 1
    fi
}

# The bundles on a stick labelled ANSINH-USB (mounted at /media/usb-config): the later release,
# the same signed by a key the box does not trust, an earlier release and one whose kiosk never
# starts.
keyring="$out/rauc-dev/cert.pem"
later_bundle="$out/test/ansinh-$LATER.raucb"
broken_bundle="$out/test/ansinh-$BROKEN.raucb"
older_bundle="$out/test/ansinh-$OLDER.raucb"
other_bundle="$work/ansinh-$LATER-other-key.raucb"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=not the ansinh release key" -keyout "$work/other.key" -out "$work/other.pem" 2>/dev/null
rauc resign --keyring="$keyring" --signing-keyring="$work/other.pem" \
    --cert="$work/other.pem" --key="$work/other.key" "$later_bundle" "$other_bundle" > "$work/resign.log" 2>&1
usb="$work/usb.img"
stick_mb=$(( $(du -cm --apparent-size "$later_bundle" "$broken_bundle" "$older_bundle" "$other_bundle" | tail -1 | cut -f1) + 32 ))
mkfs.vfat -n ANSINH-USB -C "$usb" $((stick_mb * 1024)) >/dev/null
mcopy -i "$usb" "$later_bundle" "$broken_bundle" "$older_bundle" "$other_bundle" ::/
stick=/media/usb-config
esp_linux() { mdir -b -i "$disk@@1048576" ::/EFI/Linux 2>/dev/null | sed 's|.*/||' | sort | paste -sd' '; }

echo "== 3. next boot: every committed enrollment is still queued; then the power is cut while an update writes slot B"
# The self-test reports the outbox, then installs the later release from the stick.
set_selftest "install $stick/ansinh-$LATER.raucb"
boot update-cut
# Cut as soon as the slot is being written (the root is about 120 MiB).
wait_for update-cut "ANSINH-SELFTEST writing slot b: " 1 600
power_off
check_outbox "$work/update-cut.serial" "after the power cut"
# The kiosk's run marker (the health report's restart reason) saw the power cut.
if ! grep -a -q "ansinh-kiosk: the last run ended uncleanly" "$work/update-cut.serial"; then
    echo "FAIL: after the power cut the kiosk did not find its last run ended uncleanly: $(grep -a "the last run ended" "$work/update-cut.serial")" >&2
    exit 1
fi
echo "the kiosk after the power cut: $(grep -a -m1 -o "the last run ended [a-z]*" "$work/update-cut.serial")"
if grep -a -q "ANSINH-SELFTEST install ansinh-$LATER.raucb ok" "$work/update-cut.serial"; then
    echo "FAIL: the install finished before the cut" >&2
    exit 1
fi
echo "cut while slot B was written: $(grep -a "ANSINH-SELFTEST writing slot b" "$work/update-cut.serial" | tail -1 | tr -d '\r' | sed 's/.*ANSINH-SELFTEST //')"
echo "ESP kernel images after the cut: $(esp_linux)"
timed "3. the outbox after the cut; power cut while writing slot B"

echo "== 4. refused: a bad signature, an earlier version; a release that never becomes healthy falls back to A"
# One run of the machine: reboots restart it, as on a real box. The self-test installs the
# first bundle no earlier boot tried and reboots into it; nothing else steers the boots.
set_selftest "install $stick/$(basename "$other_bundle") $stick/ansinh-$OLDER.raucb $stick/ansinh-$BROKEN.raucb"
boot updates reboot
wait_for updates "ANSINH-SELFTEST install $(basename "$other_bundle") refused" 1 600
wait_for updates "ANSINH-SELFTEST install ansinh-$OLDER.raucb refused" 1 600
wait_for updates "ANSINH-SELFTEST install ansinh-$BROKEN.raucb ok" 1 600
wait_for updates "ANSINH-SELFTEST booted slot=b version=$BROKEN" 1 600
wait_for updates "ANSINH-SELFTEST booted slot=a version=$version" 2 1500
wait_for updates "ANSINH-SELFTEST nothing left to install" 1 300
fallen_back="$(esp_linux)"
power_off
# The boots in order, each with what its self-test and health gate printed.
python3 - "$work/updates.serial" "$version" "$BROKEN" "$(basename "$other_bundle")" "$OLDER" "$resets" <<'PY'
import re, sys
text = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
version, broken, other, older, resets = sys.argv[2:]
parts = re.split(r"ANSINH-SELFTEST booted slot=", text)[1:]
boots = [(p.split()[0], p.split()[1].removeprefix("version=")) for p in parts]
if any(p.split()[2] != "secureboot=1" for p in parts):
    sys.exit(f"FAIL: not every boot was under Secure Boot: {[p.split()[2] for p in parts]}")
# Three tries of B, each printing that its health gate failed; a try the watchdog reset cut
# short printed nothing (the ESP's counter, checked below, says all three were spent).
tries = len(boots) - 2
if not (boots[:1] == [("a", version)] and boots[-1:] == [("a", version)]
        and boots[1:-1] == [("b", broken)] * tries and 3 - int(resets) <= tries <= 3):
    sys.exit(f"FAIL: boots {boots}, expected A {version}, B {broken} three times, A (watchdog resets: {resets})")
checks = [
    (0, f"ANSINH-SELFTEST install {other} refused"),
    (0, "signature"),
    (0, f"ANSINH-SELFTEST install ansinh-{older}.raucb refused"),
    (0, f"version {older} is not newer than {version}"),
    (0, f"ANSINH-SELFTEST install ansinh-{broken}.raucb ok"),
] + [(i, "ansinh-healthy: FAILED") for i in range(1, len(boots) - 1)]
for index, needle in checks:
    if needle not in parts[index]:
        sys.exit(f"FAIL: boot {index + 1} {boots[index]} did not print '{needle}'")
for index, name in ((0, "boot1"), (len(boots) - 1, "last")):
    with open(f"{sys.argv[1]}.{name}", "w") as f:
        f.write(parts[index])
print("boots: " + ", ".join(f"{slot} {v}" for slot, v in boots))
PY
refusal=$(grep -a -m1 "ANSINH-SELFTEST update: .*signature" "$work/updates.serial" | tr -d '\r' | sed 's/.*ANSINH-SELFTEST update: //')
echo "refused the bundle signed by another key: $refusal"
refusal=$(grep -a -m1 "ANSINH-SELFTEST update: .*not newer" "$work/updates.serial" | tr -d '\r' | sed 's/.*ANSINH-SELFTEST update: //')
echo "refused the earlier release: $refusal"
check_outbox "$work/updates.serial.boot1" "on slot A after the power cut during the install"
check_outbox "$work/updates.serial.last" "on slot A after falling back from the release that never became healthy"
echo "ESP kernel images after the fallback: $fallen_back"
# A's kernel image has no boot counter (good); B's says no try is left (+0-3: bad), so
# systemd-boot starts A from now on.
if [[ ! " $fallen_back " =~ \ ansinh-[0-9]+-a\.efi\  || ! " $fallen_back " =~ \ ansinh-[0-9]+-b\+0-3\.efi\  ]]; then
    echo "FAIL: slot A is not the good slot with B's tries spent after the fallback (ESP: $fallen_back)" >&2
    exit 1
fi
timed "4. bad signature and downgrade refused, fallback after three tries"

echo "== 5. a registered box: policy tables from the configuration partition and the server, then an update A→B from the server"
# The collection server on the host, from this checkout (a debug build: it serves one device),
# or ANSINH_HUB_BIN (tests/run.sh passes the one its tests built).
hub_bin="${ANSINH_HUB_BIN:-}"
if [[ -z "$hub_bin" ]]; then
    cargo build --locked --quiet --manifest-path "$repo/Cargo.toml" -p ansinh-hub
    hub_bin="$(cargo metadata --format-version 1 --no-deps --manifest-path "$repo/Cargo.toml" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/ansinh-hub"
fi
hub=("$hub_bin" --data-dir "$work/hub")
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
hub_port=$(free_port)
tls_port=$(free_port)
token=$("${hub[@]}" token --label "Bưu điện văn hóa xã (boot test)" 2>/dev/null)
# Two tables after the built-in one: the partition's, and a later one the server publishes.
policy_toml="$repo/app/ansinh-core/policy/policy.toml"
builtin=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$policy_toml" | head -1)
prepared="$builtin.1"
later="$builtin.2"
sed "0,/^version = .*/s//version = \"$prepared\"/" "$policy_toml" > "$work/prepared.toml"
sed "0,/^version = .*/s//version = \"$later\"/" "$policy_toml" > "$work/later.toml"
"${hub[@]}" policy sign --key "$work/hub/keys/policy-signing.key" "$work/prepared.toml" \
    -o "$work/policy.signed" >/dev/null
"${hub[@]}" policy publish "$work/later.toml" >/dev/null
# The hub speaks plain HTTP on loopback; the box reaches it through a TLS proxy, as in a
# deployment, with a certificate for the host's address on QEMU's user network (10.0.2.2) from
# an authority the configuration names.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=ansinh boot test authority" -keyout "$work/ca.key" -out "$work/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=10.0.2.2" \
    -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=IP:10.0.2.2\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$work/server.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
    -CAcreateserial -days 2 -extfile "$work/server.ext" -out "$work/server.pem" 2>/dev/null
"${hub[@]}" serve --listen "127.0.0.1:$hub_port" > "$work/hub.log" 2>&1 &
host_pids+=($!)
socat "OPENSSL-LISTEN:$tls_port,bind=127.0.0.1,reuseaddr,fork,cert=$work/server.pem,key=$work/server.key,verify=0" \
    "TCP:127.0.0.1:$hub_port" 2> "$work/tls.log" &
host_pids+=($!)

"${hub[@]}" update publish "$later_bundle" --version "$LATER" >/dev/null

disk="$work/registered.img"
new_disk "$disk"
# No stick: the update comes from the server.
usb=""
# The shortest idle time allowed (warning 15 s, the least, and the reset one second after):
# the kiosk asks for the install, then the reboot, once it is idle.
cat > "$work/ansinh.toml" <<TOML
server_url = "https://10.0.2.2:$tls_port"
provisioning_token = "$token"
ca_file = "/config/server-ca.pem"
collection_point = "Bưu điện văn hóa xã (boot test)"
agent_code = "DL-0001"
idle_seconds = 16
idle_warning_seconds = 15
TOML
cp "$work/ca.pem" "$work/server-ca.pem"
printf 'enroll-once\n' > "$work/selftest"
for file in ansinh.toml server-ca.pem policy.signed selftest; do
    mcopy -o -i "$disk@@$config_offset" "$work/$file" "::/$file"
done
# One run of the machine: the box registers, installs the tables, commits one enrollment that
# the kiosk uploads, downloads the update in the background, installs it into slot B when idle,
# restarts into it when idle again, and B passes the health gate.
boot registered reboot
wait_for registered "installed policy table $prepared from /config/policy.signed" 1 300
wait_for registered "installed policy table $later from the server" 1 300
wait_for registered "ANSINH-SELFTEST enqueued" 1 300
wait_for registered "ansinh-kiosk: update $LATER downloaded" 1 900
wait_for registered "ansinh-kiosk: asked to install" 1 300
wait_for registered "ansinh-kiosk: asked to restart into the update" 1 900
wait_for registered "ANSINH-SELFTEST booted slot=b version=$LATER" 1 300
wait_for registered "ansinh-healthy: ok" 1 300
deadline=$((SECONDS + 60))
until [[ " $(esp_linux) " == *" ansinh-1-b.efi "* ]] || ((SECONDS > deadline)); do sleep 1; done
blessed="$(esp_linux)"
power_off
python3 - "$work/registered.serial" "$version" "$LATER" "$later" <<'PY'
import json, re, sys
text = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
version, release, table = sys.argv[2:]
parts = re.split(r"ANSINH-SELFTEST booted slot=", text)[1:]
boots = [(p.split()[0], p.split()[1].removeprefix("version=")) for p in parts]
if boots != [("a", version), ("b", release)]:
    sys.exit(f"FAIL: boots {boots}, expected A {version} then B {release}")
# B's kernel image came in the server's bundle: signed, or the firmware would not start it.
if [p.split()[2] for p in parts] != ["secureboot=1"] * 2:
    sys.exit(f"FAIL: A and B did not both boot under Secure Boot: {[p.split()[2] for p in parts]}")
enqueued = re.search(r"ANSINH-SELFTEST enqueued ([0-9a-f]{32}) ", parts[0])
if not enqueued:
    sys.exit("FAIL: no enrollment committed on slot A")
after = parts[1]
# The restart into B stopped A's kiosk with SIGTERM: it ended cleanly (its run marker says so).
for needle in (f"ansinh-kiosk: pricing with policy table {table}", "ansinh-healthy: ok", "ANSINH-SELFTEST verify ok",
               "ansinh-kiosk: the last run ended cleanly"):
    if needle not in after:
        sys.exit(f"FAIL: slot B did not print '{needle}'")
queue = [l for l in after.splitlines() if "ANSINH-SELFTEST queue " in l]
records = json.loads(queue[-1].split("ANSINH-SELFTEST queue ", 1)[1])["records"] if queue else []
ids = [r.get("record_id") for r in records]
if enqueued.group(1) not in ids:
    sys.exit(f"FAIL: the enrollment {enqueued.group(1)} committed on A is not in B's outbox ({records})")
print(f"boots: a {version}, b {release}, both under Secure Boot; B prices with {table}; A's kiosk ended cleanly at the restart; the enrollment committed on A is in B's outbox: {[(r.get('receipt_no'), r.get('state')) for r in records]}")
PY
devices=$("${hub[@]}" devices --json)
python3 - "$devices" <<'PY'
import json, sys
devices = json.loads(sys.argv[1])
devices = devices.get("devices", devices) if isinstance(devices, dict) else devices
if len(devices) != 1:
    sys.exit(f"FAIL: the server should hold exactly the one box: {devices}")
PY
echo "ESP kernel images: $blessed"
if [[ " $blessed " != *" ansinh-1-b.efi "* || " $blessed " != *" ansinh-0-a.efi "* ]]; then
    echo "FAIL: slot B was not marked good and primary (ESP: $blessed)" >&2
    exit 1
fi
timed "5. a registered box, updated A→B from the server"

echo "boot test passed: Secure Boot on; boot to UI ${boot_to_ui} s (first boot); power cut lost nothing; an altered root and another key's kernel image refused; a bad signature and a downgrade refused; fallback to A after three failed tries; tables and an update A→B from the server"
echo "guest reboots, each started as a new machine: $restarts; watchdog power-cycles: $resets"
printf '%s\n' "${timings[@]}"
