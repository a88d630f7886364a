#!/usr/bin/env bash
# Boots the kiosk image under QEMU (software emulation; KVM hangs on these machines) and checks it:
#   bash kiosk-image/boot-test.sh [OUT_DIR]     (after kiosk-image/build.sh [OUT_DIR])
#
# 1. Cold boot: waits for the app's ready line on the serial console, takes a screendump and
#    compares it with the app's own golden home screen; reports the boot-to-UI time.
# 2. Power cut: boots with the self-test enqueueing the fixture enrollment in a loop, and pulls
#    the plug (QEMU is killed) right after a few enqueues returned, while another is running.
# 3. Next boot: every enrollment whose enqueue returned before the cut is still queued and the
#    outbox verifies.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
out="${1:-$here/out}"
work="$out/boot-test"
image="$out/ansinh-kiosk.img"
config_offset="$(cat "$out/config-offset")"
golden="$repo/tests/golden/screens/home-1280x800.png"
# Pixels may differ by 10% in colour (scaling of the VGA framebuffer); at most 0.5% of them
# may differ by more. Same rule as the app's own screenshot tests.
fuzz=10%
max_diff_pixels=$((1280 * 800 / 200))

rm -rf "$work"
mkdir -p "$work"
cp --sparse=always "$image" "$work/disk.img"

set_selftest() {
    local mode="$1"
    if [[ -z "$mode" ]]; then
        mdel -i "$work/disk.img@@$config_offset" ::/selftest 2>/dev/null || true
    else
        printf '%s\n' "$mode" > "$work/selftest"
        mcopy -o -i "$work/disk.img@@$config_offset" "$work/selftest" ::/selftest
    fi
}

qemu_pid=""
boot() {
    local name="$1"
    cp /usr/share/OVMF/OVMF_VARS_4M.fd "$work/vars.fd"
    rm -f "$work/qmp.sock" "$work/$name.serial"
    qemu-system-x86_64 -accel tcg -m 1024 -smp 2 -no-reboot -display none \
        -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
        -drive if=pflash,format=raw,file="$work/vars.fd" \
        -drive file="$work/disk.img",if=virtio,format=raw,cache=writeback \
        -device VGA,xres=1280,yres=800 -device virtio-tablet-pci \
        -serial file:"$work/$name.serial" \
        -qmp unix:"$work/qmp.sock",server=on,wait=off &
    qemu_pid=$!
    boot_started=$(date +%s.%N)
}

wait_for() {
    local name="$1" pattern="$2" count="$3" timeout="$4"
    local deadline=$((SECONDS + timeout))
    while ((SECONDS < deadline)); do
        if [[ -f "$work/$name.serial" ]] && (( $(grep -c -a -- "$pattern" "$work/$name.serial" || true) >= count )); then
            return 0
        fi
        if ! kill -0 "$qemu_pid" 2>/dev/null; then
            echo "QEMU exited before '$pattern' appeared" >&2
            return 1
        fi
        sleep 0.2
    done
    echo "timed out after ${timeout}s waiting for '$pattern' (x$count); serial log: $work/$name.serial" >&2
    return 1
}

power_off() {
    # SIGKILL ends the machine at once: no shutdown, no sync; the guest loses its memory and
    # page cache, as when the plug is pulled. (What the guest flushed, QEMU has written through
    # to the image with cache=writeback.)
    kill -9 "$qemu_pid" 2>/dev/null || true
    wait "$qemu_pid" 2>/dev/null || true
}
trap 'kill -9 "$qemu_pid" 2>/dev/null || true' EXIT

echo "== 1. cold boot to the home screen"
set_selftest ""
boot cold
wait_for cold "ansinh-kiosk: ready" 1 300
ready=$(date +%s.%N)
boot_to_ui=$(python3 -c "print(f'{$ready - $boot_started:.1f}')")
sleep 2
python3 "$here/qmp.py" "$work/qmp.sock" screendump "$work/home.png"
power_off
echo "boot to UI: ${boot_to_ui} s (QEMU TCG, 2 vCPU, UEFI)"
echo "$boot_to_ui" > "$work/boot-to-ui-seconds"
diff_pixels=$(compare -metric AE -fuzz "$fuzz" "$work/home.png" "$golden" "$work/home-diff.png" 2>&1 >/dev/null || true)
echo "home screen vs golden: $diff_pixels pixels differ (allowed $max_diff_pixels)"
if ! [[ "$diff_pixels" =~ ^[0-9]+$ ]] || ((diff_pixels > max_diff_pixels)); then
    echo "FAIL: the home screen does not match $golden (see $work/home.png, $work/home-diff.png)" >&2
    exit 1
fi

echo "== 2. power cut during enqueues"
set_selftest enqueue-loop
boot cut
wait_for cut "ANSINH-SELFTEST enqueued" 3 300
power_off
# Lines look like "[  21.5] selftest.sh[255]: ANSINH-SELFTEST enqueued RECORD_ID RECEIPT_NO ...".
sed -n 's/.*ANSINH-SELFTEST enqueued [0-9a-f]\{32\} \([0-9][0-9]*\) .*/\1/p' "$work/cut.serial" | sort -n > "$work/committed"
echo "enqueues returned before the cut: $(wc -l < "$work/committed") (receipts $(paste -sd, "$work/committed"))"

echo "== 3. next boot: every committed enrollment is still queued"
set_selftest report
boot report
wait_for report "ANSINH-SELFTEST done" 1 300
power_off
grep -a "ANSINH-SELFTEST queue " "$work/report.serial" | sed 's/^.*ANSINH-SELFTEST queue //' > "$work/queue.json"
python3 - "$work/queue.json" "$work/committed" <<'PY'
import json, sys
queue = json.load(open(sys.argv[1]))
states = {r["receipt_no"]: r["state"] for r in queue["records"]}
committed = [int(line) for line in open(sys.argv[2]) if line.strip()]
missing = [n for n in committed if states.get(n) != "queued"]
if missing or not committed:
    sys.exit(f"FAIL: receipts {missing} are not queued after the power cut (states: {states})")
print(f"all {len(committed)} committed receipts queued; {len(states)} records in the outbox")
PY
if ! grep -a -q "ANSINH-SELFTEST verify ok" "$work/report.serial"; then
    echo "FAIL: the outbox does not verify after the power cut" >&2
    grep -a "ANSINH-SELFTEST" "$work/report.serial" >&2
    exit 1
fi
echo "boot test passed: boot to UI ${boot_to_ui} s; power cut lost nothing"
