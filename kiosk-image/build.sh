#!/usr/bin/env bash
# Builds the bootable ansinh kiosk image (x86-64, UEFI):
#   bash kiosk-image/build.sh [OUT_DIR]          → OUT_DIR/ansinh-kiosk.img (default kiosk-image/out)
#
# 1. release binaries: ansinh-kiosk (Slint, linuxkms + software renderer) and the ansinh CLI;
# 2. a Debian bookworm root file system from the package registry (mmdebstrap), with the
#    overlay in kiosk-image/overlay, the app user, the units enabled and every login prompt off;
# 3. a unified kernel image (kernel + initramfs + command line in one EFI binary);
# 4. the bill of materials in the root, /usr/local/share/ansinh/sbom.json (sbom.py): every Debian
#    package and Rust crate in the image with its version and licence;
# 5. a GPT disk: ESP, read-only root, data partition (outbox and keys), configuration partition.
# Needs root (mmdebstrap into a directory, file ownership) and the packages installed by
# kiosk-image/install-deps.sh.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
out="${1:-$here/out}"
work="$out/work"
suite=bookworm
mirror=http://deb.debian.org/debian
app_uid=900

step() { printf '\n== %s\n' "$*"; }
mkdir -p "$out"
# An interrupted mmdebstrap can leave /proc, /sys or /dev mounted inside the old root file
# system: unmount them before deleting anything, never delete through them.
{ findmnt -rn -o TARGET | grep "^$work/" || true; } | sort -r | xargs -r -n1 umount -l
rm -rf --one-file-system "$work"
mkdir -p "$work"

step "release binaries"
# One invocation: the crates both use are built once, and the two binaries link side by side.
cargo build --release --locked --manifest-path "$repo/Cargo.toml" -p ansinh-cli -p ansinh-kiosk \
    --no-default-features --features ansinh-kiosk/kms
target="$(cargo metadata --format-version 1 --no-deps --manifest-path "$repo/Cargo.toml" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"

step "root file system (mmdebstrap, $suite)"
packages=(
    systemd-sysv udev kmod linux-image-amd64 initramfs-tools e2fsprogs
    # Slint needs fontconfig with at least one system font even with an embedded font.
    fonts-dejavu-core libfontconfig1 libfreetype6
    # linuxkms backend: input devices and keymaps.
    libinput10 libxkbcommon0 libudev1
    ca-certificates
    # Read aloud: espeak-ng's Vietnamese voice, played through ALSA by aplay.
    espeak-ng alsa-utils
)
rootfs="$work/rootfs"
# No manuals, documentation or translations, except the copyright files: they carry the
# licences of what the image ships, and the bill of materials reads them.
mmdebstrap --variant=minbase --mode=root \
    --include="$(IFS=,; echo "${packages[*]}")" \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --customize-hook="cp -a '$here/overlay/.' \"\$1/\"" \
    --customize-hook="install -D -m 0755 '$target/release/ansinh-kiosk' \"\$1/usr/local/bin/ansinh-kiosk\"" \
    --customize-hook="install -D -m 0755 '$target/release/ansinh' \"\$1/usr/local/bin/ansinh\"" \
    --customize-hook="install -D -m 0644 '$repo/tests/fixtures/enrollment.json' \"\$1/usr/local/share/ansinh/fixtures/enrollment.json\"" \
    --customize-hook="install -D -m 0644 '$repo/README.md' \"\$1/usr/local/share/doc/ansinh/README.md\"" \
    --customize-hook="install -D -m 0644 '$repo/LICENSE' \"\$1/usr/local/share/doc/ansinh/LICENSE\"" \
    --customize-hook="chroot \"\$1\" sh -eu -c '
        echo ansinh-kiosk > /etc/hostname
        groupadd --system --gid $app_uid ansinh
        useradd --system --uid $app_uid --gid ansinh --groups video,input,render,dialout,audio \
            --home-dir /data/ansinh --no-create-home --shell /usr/sbin/nologin ansinh
        passwd --lock root
        mkdir -p /data /config /media/usb-config
        : > /etc/machine-id
        systemctl enable ansinh-kiosk.service ansinh-selftest.service systemd-networkd.service
        systemctl mask getty@tty1.service serial-getty@ttyS0.service console-getty.service \
            getty.target systemd-firstboot.service apt-daily.timer apt-daily-upgrade.timer
        systemctl set-default multi-user.target
        rm -rf /var/cache/apt/archives/*.deb /var/lib/apt/lists/*
    '" \
    "$suite" "$rootfs" "$mirror"

step "unified kernel image"
kernel="$(find "$rootfs/boot" -name 'vmlinuz-*' | sort -V | tail -1)"
initrd="$(find "$rootfs/boot" -name 'initrd.img-*' | sort -V | tail -1)"
(cd "$work" && apt-get download systemd-boot-efi >/dev/null 2>&1 && dpkg-deb -x systemd-boot-efi_*.deb sdboot)
stub="$work/sdboot/usr/lib/systemd/boot/efi/linuxx64.efi.stub"
# ro: the root never changes; the last console= is /dev/console (serial, for the boot test),
# tty1 stays free for the kiosk screen without a cursor or boot messages.
echo "root=LABEL=ansinh-root ro console=tty1 console=ttyS0 quiet loglevel=3 systemd.show_status=false vt.global_cursor_default=0 panic=10" > "$work/cmdline.txt"
objcopy \
    --add-section .osrel="$rootfs/etc/os-release" --change-section-vma .osrel=0x20000 \
    --add-section .cmdline="$work/cmdline.txt" --change-section-vma .cmdline=0x30000 \
    --add-section .linux="$kernel" --change-section-vma .linux=0x2000000 \
    --add-section .initrd="$initrd" --change-section-vma .initrd=0x3000000 \
    "$stub" "$work/ansinh.efi"
# The kernel and initramfs live in the UKI; the root file system does not need them.
rm -f "$rootfs"/boot/vmlinuz-* "$rootfs"/boot/initrd.img-*

step "software bill of materials"
# Every package installed in the root (licences from the copyright files kept above), the EFI
# stub's package, and every crate linked into the two binaries built above.
sbom="$rootfs/usr/local/share/ansinh/sbom.json"
install -d "$(dirname "$sbom")"
python3 "$here/sbom.py" image --root "$rootfs" --deb "$work"/systemd-boot-efi_*.deb \
    --repo "$repo" --out "$sbom"
cp "$sbom" "$out/sbom.json"

step "file systems"
mb() { du -sm "$1" | cut -f1; }
esp_mb=$(( $(mb "$work/ansinh.efi") + 16 ))
root_mb=$(( $(mb "$rootfs") * 115 / 100 + 32 ))
data_mb=256
config_mb=16
mkfs.vfat -n ESP -C "$work/esp.img" $((esp_mb * 1024)) >/dev/null
mmd -i "$work/esp.img" ::/EFI ::/EFI/BOOT
mcopy -i "$work/esp.img" "$work/ansinh.efi" ::/EFI/BOOT/BOOTX64.EFI
mkfs.ext4 -q -F -L ansinh-root -d "$rootfs" "$work/root.img" "${root_mb}M"
mkdir -p "$work/data/ansinh"
chown "$app_uid:$app_uid" "$work/data/ansinh"
chmod 0700 "$work/data/ansinh"
mkfs.ext4 -q -F -L ANSINH-DATA -d "$work/data" "$work/data.img" "${data_mb}M"
mkfs.vfat -n ANSINH-CFG -C "$work/config.img" $((config_mb * 1024)) >/dev/null
mcopy -i "$work/config.img" "$here/config/ansinh.toml" ::/ansinh.toml

step "disk image"
img="$out/ansinh-kiosk.img"
total_mb=$((1 + esp_mb + root_mb + data_mb + config_mb + 1))
rm -f "$img"
truncate -s "${total_mb}M" "$img"
sfdisk -q "$img" <<EOF
label: gpt
start=1MiB, size=${esp_mb}MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="ESP"
size=${root_mb}MiB, type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, name="ansinh-root"
size=${data_mb}MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="ansinh-data"
size=${config_mb}MiB, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name="ansinh-config"
EOF
offset=1
for part in esp root data config; do
    dd if="$work/$part.img" of="$img" bs=1M seek="$offset" conv=notrunc,sparse status=none
    size=$(( $(stat -c %s "$work/$part.img") / 1048576 ))
    offset=$((offset + size))
done
# The boot test rewrites the configuration partition in place: record where it starts.
echo $(( (1 + esp_mb + root_mb + data_mb) * 1048576 )) > "$out/config-offset"
rm -rf "$rootfs"
ls -l "$img"
echo "image: $img ($(du -m --apparent-size "$img" | cut -f1) MiB, $(du -m "$img" | cut -f1) MiB used)"
