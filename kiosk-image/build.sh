#!/usr/bin/env bash
# Builds the bootable ansinh kiosk image (x86-64, UEFI) and its signed update bundle:
#   bash kiosk-image/build.sh [OUT_DIR]          (default kiosk-image/out)
#   → OUT_DIR/ansinh-kiosk.img                    the disk image to write to a new box
#   → OUT_DIR/ansinh-VERSION.raucb                the same system as a RAUC update bundle
#
# 1. release binaries: ansinh-kiosk (Slint, linuxkms + software renderer) and the ansinh CLI;
# 2. a Debian bookworm root file system from the package registry (mmdebstrap), with the
#    overlay in kiosk-image/overlay, the app user, the units enabled and every login prompt off;
#    only the kernel modules of modules.allow; a small initramfs that opens the verified root;
# 3. the bill of materials in the root, /usr/local/share/ansinh/sbom.json (sbom.py);
# 4. the root as a slot image: EROFS (compressed, read-only) followed by its dm-verity hash
#    tree; two unified kernel images (kernel + initramfs + command line), one per slot, each
#    naming its slot's partition and the root hash;
# 5. the update bundle (RAUC, signed) and a GPT disk: ESP (systemd-boot, slot A's kernel
#    image), slot A, configuration partition. Slot B and the data partition are made by
#    systemd-repart at first boot, to fit the real disk.
#
# The version (semver) comes from ANSINH_IMAGE_VERSION, default the workspace's. The bundle is
# signed with ANSINH_RAUC_KEY and ANSINH_RAUC_CERT (PEM files, or PKCS#11 URLs) and the image
# trusts ANSINH_RAUC_KEYRING (default the certificate); without them a development key and
# certificate are made once in OUT_DIR/rauc-dev/ and reused, and the boot test's bundles are
# built too (OUT_DIR/test/: a later version, one whose kiosk never starts, and an earlier one).
# Secure Boot: systemd-boot and every unified kernel image (the disk's and the bundles') are
# signed with sbsign by ANSINH_SECUREBOOT_KEY and ANSINH_SECUREBOOT_CERT (the deployment's db key,
# enrolled in the firmware when a box is provisioned); without them by the test key Debian's
# ovmf package ships (trusted only by its OVMF_VARS_4M.snakeoil.fd): such an image must never
# ship.
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
compatible=ansinh-kiosk-x86_64
version="${ANSINH_IMAGE_VERSION:-$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -1)}"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "version '$version' is not MAJOR.MINOR.PATCH" >&2
    exit 1
fi
# Each root slot's partition. Fixed for the life of a box (slot B is made at first boot with
# the same size), so it leaves room for later, larger releases.
slot_mb="${ANSINH_SLOT_MB:-192}"

step() { printf '\n== %s (%s s)\n' "$*" "$SECONDS"; }
mkdir -p "$out"
# An interrupted mmdebstrap can leave /proc, /sys or /dev mounted inside the old root file
# system: unmount them before deleting anything, never delete through them.
{ findmnt -rn -o TARGET | grep "^$work/" || true; } | sort -r | xargs -r -n1 umount -l
rm -rf --one-file-system "$work" "$out/test"
mkdir -p "$work"

step "signing key"
if [[ -n "${ANSINH_RAUC_KEY:-}" || -n "${ANSINH_RAUC_CERT:-}" ]]; then
    key="${ANSINH_RAUC_KEY:?ANSINH_RAUC_KEY and ANSINH_RAUC_CERT go together}"
    cert="${ANSINH_RAUC_CERT:?ANSINH_RAUC_KEY and ANSINH_RAUC_CERT go together}"
    keyring="${ANSINH_RAUC_KEYRING:-$cert}"
    test_bundles=0
else
    key="$out/rauc-dev/key.pem"
    cert="$out/rauc-dev/cert.pem"
    keyring="$cert"
    if [[ ! -f "$key" || ! -f "$cert" ]]; then
        mkdir -p "$out/rauc-dev"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
            -subj "/O=ansinh development/CN=ansinh development update signing" \
            -keyout "$key" -out "$cert" 2>/dev/null
        echo "made a development signing key: $key (not for boxes in service)"
    fi
    test_bundles=1
fi

step "Secure Boot signing key"
if [[ -n "${ANSINH_SECUREBOOT_KEY:-}" || -n "${ANSINH_SECUREBOOT_CERT:-}" ]]; then
    sb_key="${ANSINH_SECUREBOOT_KEY:?ANSINH_SECUREBOOT_KEY and ANSINH_SECUREBOOT_CERT go together}"
    sb_cert="${ANSINH_SECUREBOOT_CERT:?ANSINH_SECUREBOOT_KEY and ANSINH_SECUREBOOT_CERT go together}"
else
    # Debian's public test key (its pass phrase is in /usr/share/doc/ovmf/README.Debian), made
    # usable by sbsign without a prompt. Anyone can sign with it: development images only.
    sb_cert=/usr/share/ovmf/PkKek-1-snakeoil.pem
    sb_key="$work/secureboot-test.key"
    openssl pkey -in /usr/share/ovmf/PkKek-1-snakeoil.key -passin pass:snakeoil -out "$sb_key"
    echo "signing for Secure Boot with Debian's public test key ($sb_cert): not for boxes in service"
fi
# sign_efi FILE: FILE signed in place for Secure Boot, checked against the certificate.
sign_efi() {
    # (Both warn of "gaps between PE/COFF sections" in objcopy's kernel images; the firmware
    # takes the signature, as the boot test shows.)
    sbsign --key "$sb_key" --cert "$sb_cert" --output "$1.signed" "$1" 2>/dev/null
    if ! sbverify --cert "$sb_cert" "$1.signed" >/dev/null 2>&1; then
        echo "$1 does not verify with $sb_cert after signing" >&2
        exit 1
    fi
    mv "$1.signed" "$1"
}

step "release binaries"
bash "$here/build-binaries.sh"
target="$(cargo metadata --format-version 1 --no-deps --manifest-path "$repo/Cargo.toml" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"

step "root file system (mmdebstrap, $suite)"
packages=(
    systemd-sysv udev kmod linux-image-amd64 initramfs-tools e2fsprogs
    # The root is merged-/usr already: this lets usrmerge, and with it all of perl (50 MiB), go
    # (below; init-system-helpers, installed first, takes usrmerge for its dependency).
    usr-is-merged
    # Slint needs fontconfig with at least one system font even with an embedded font.
    fonts-dejavu-core libfontconfig1 libfreetype6
    # linuxkms backend: input devices and keymaps.
    libinput10 libxkbcommon0 libudev1
    ca-certificates
    # Read aloud: espeak-ng's Vietnamese voice, played through ALSA by aplay.
    espeak-ng alsa-utils
    # The verified root (veritysetup makes the hash tree at build time), A/B boot
    # (systemd-boot's EFI binaries, systemd-bless-boot) and updates (RAUC, its D-Bus service).
    cryptsetup-bin systemd-boot rauc rauc-service dbus
)
rootfs="$work/rootfs"
# No manuals, documentation or translations, except the copyright files: they carry the
# licences of what the image ships, and the bill of materials reads them.
# The initramfs is made once, at the end (the essential hook's setting), with only the modules
# kept.
# dpkg runs under eatmydata while the packages are installed (mmdebstrap's own hook: one sync
# at the end instead of one per file; 319 and 362 s against 400 s without it, under load
# here). The hook takes it out of the root again before the hooks below run.
mmdebstrap --variant=minbase --mode=root \
    --hook-dir=/usr/share/mmdebstrap/hooks/eatmydata \
    --include="$(IFS=,; echo "${packages[*]}")" \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --essential-hook="install -D -m 0644 '$here/overlay/etc/initramfs-tools/conf.d/ansinh.conf' \"\$1/etc/initramfs-tools/conf.d/ansinh.conf\"" \
    --customize-hook="cp -a '$here/overlay/.' \"\$1/\"" \
    --customize-hook="install -D -m 0755 -s '$target/release/ansinh-kiosk' \"\$1/usr/local/bin/ansinh-kiosk\"" \
    --customize-hook="install -D -m 0755 -s '$target/release/ansinh' \"\$1/usr/local/bin/ansinh\"" \
    --customize-hook="install -D -m 0644 '$repo/tests/fixtures/enrollment.json' \"\$1/usr/local/share/ansinh/fixtures/enrollment.json\"" \
    --customize-hook="install -D -m 0644 '$repo/README.md' \"\$1/usr/local/share/doc/ansinh/README.md\"" \
    --customize-hook="install -D -m 0644 '$repo/LICENSE' \"\$1/usr/local/share/doc/ansinh/LICENSE\"" \
    --customize-hook="install -D -m 0644 '$keyring' \"\$1/etc/rauc/keyring.pem\"" \
    --customize-hook="python3 '$here/prune-modules.py' \"\$1\" '$here/modules.allow'" \
    --customize-hook="chroot \"\$1\" sh -eu -c '
        echo ansinh-kiosk > /etc/hostname
        groupadd --system --gid $app_uid ansinh
        useradd --system --uid $app_uid --gid ansinh --groups video,input,render,dialout,audio \
            --home-dir /data/ansinh --no-create-home --shell /usr/sbin/nologin ansinh
        passwd --lock root
        mkdir -p /data /config /efi /media/usb-config
        : > /etc/machine-id
        systemctl enable ansinh-kiosk.service ansinh-selftest.service systemd-networkd.service \
            ansinh-selftest-update.service ansinh-healthy.service ansinh-update.path \
            ansinh-reboot.path
        systemctl mask getty@tty1.service serial-getty@ttyS0.service console-getty.service \
            getty.target systemd-firstboot.service apt-daily.timer apt-daily-upgrade.timer
        # A slot is marked good by the health gate (boot-complete.target), never just for
        # booting; the boot loader changes only with an update, never at boot.
        systemctl mask rauc-mark-good.service systemd-boot-update.service \
            systemd-boot-system-token.service
        # Not needed on a kiosk, and each costs boot time under a slow CPU: e2scrub_reap (LVM
        # snapshots of ext4 scrubs: no LVM), network units from the kernel command line (none
        # given), and the generators for what the box does not use (System V scripts,
        # partitions discovered by type, LUKS, dm-integrity and roothash= (the initramfs opens
        # the verified root), hibernation, rc.local, offline updates, console logins).
        systemctl mask e2scrub_reap.service systemd-network-generator.service
        # Nor these, each a process or a mount competing for the two slow CPUs while the data
        # partition is being found and checked: the kernel debugging, tracing and
        # configuration file systems, huge pages, POSIX message queues, FUSE, pstore, static
        # device nodes for modules not loaded yet (udev makes the nodes of what is loaded),
        # and login records (nobody logs in).
        systemctl mask sys-kernel-debug.mount sys-kernel-tracing.mount sys-kernel-config.mount \
            sys-fs-fuse-connections.mount dev-hugepages.mount dev-mqueue.mount \
            kmod-static-nodes.service modprobe@configfs.service modprobe@fuse.service \
            modprobe@efi_pstore.service systemd-pstore.service \
            systemd-update-utmp.service systemd-update-utmp-runlevel.service
        mkdir -p /etc/systemd/system-generators
        for generator in systemd-sysv-generator systemd-gpt-auto-generator \
            systemd-cryptsetup-generator systemd-integritysetup-generator \
            systemd-veritysetup-generator systemd-hibernate-resume-generator \
            systemd-rc-local-generator systemd-system-update-generator systemd-getty-generator; do
            ln -sf /dev/null /etc/systemd/system-generators/\$generator
        done
        systemctl set-default multi-user.target
        dpkg --purge usrmerge libfile-find-rule-perl libnumber-compare-perl libtext-glob-perl \
            perl perl-modules-5.36 libperl5.36 >/dev/null
        # What tmpfiles.d would link at every boot, on a root that is read-only by then.
        ln -sf /etc/machine-id /var/lib/dbus/machine-id
        for kernel in /usr/lib/modules/*; do depmod \"\${kernel##*/}\"; done
        update-initramfs -u -k all >/dev/null
        rm -rf /var/cache/apt/archives/*.deb /var/lib/apt/lists/*
    '" \
    "$suite" "$rootfs" "$mirror"
echo "kernel modules: $(du -sm "$rootfs/usr/lib/modules" | cut -f1) MiB"

step "first boot: slot B and the data partition (systemd-repart)"
# Slot A is the image's; B, of the same size, and the data partition (the rest of the disk)
# are made when the box first starts. Definitions match existing partitions by type, in order:
# 10 is slot A (already there), 20 becomes slot B.
install -d "$rootfs/etc/repart.d"
for slot in a b; do
    n=$([[ $slot == a ]] && echo 10 || echo 20)
    cat > "$rootfs/etc/repart.d/$n-root-$slot.conf" <<EOF
[Partition]
Type=root
Label=ansinh-root-$slot
SizeMinBytes=${slot_mb}M
SizeMaxBytes=${slot_mb}M
EOF
done
cat > "$rootfs/etc/repart.d/30-data.conf" <<EOF
[Partition]
Type=linux-generic
Label=ANSINH-DATA
Format=ext4
SizeMinBytes=256M
EOF

step "software bill of materials"
# Every package installed in the root (licences from the copyright files kept above, the EFI
# stub and boot loader included) and every crate linked into the two binaries built above.
sbom="$rootfs/usr/local/share/ansinh/sbom.json"
install -d "$(dirname "$sbom")"
python3 "$here/sbom.py" image --root "$rootfs" --repo "$repo" --out "$sbom"
cp "$sbom" "$out/sbom.json"

# The kernel and initramfs go into the kernel images; the root does not need them.
kernel="$work/vmlinuz"
initrd="$work/initrd.img"
cp "$(find "$rootfs/boot" -name 'vmlinuz-*' | sort -V | tail -1)" "$kernel"
cp "$(find "$rootfs/boot" -name 'initrd.img-*' | sort -V | tail -1)" "$initrd"
rm -f "$rootfs"/boot/vmlinuz-* "$rootfs"/boot/initrd.img-* "$rootfs"/boot/System.map-* "$rootfs"/boot/config-*
efi_dir="$rootfs/usr/lib/systemd/boot/efi"
cp "$efi_dir/linuxx64.efi.stub" "$efi_dir/systemd-bootx64.efi" "$work/"
sign_efi "$work/systemd-bootx64.efi"
echo "initramfs: $(du -k "$initrd" | cut -f1) KiB; kernel: $(du -k "$kernel" | cut -f1) KiB"

# make_slot NAME VERSION: the root tree as it is now, with /etc/ansinh-release saying VERSION,
# as a slot image (EROFS, then its hash tree) in $work/NAME/root.img and the two slots' kernel
# images $work/NAME/ansinh-{a,b}.efi.
make_slot() {
    local name="$1" slot_version="$2" dir="$work/$1"
    mkdir -p "$dir"
    printf 'VERSION=%s\nCOMPATIBLE=%s\n' "$slot_version" "$compatible" > "$rootfs/etc/ansinh-release"
    # lz4hc: small, and quick to read on slow CPUs; 64 KiB compressed clusters for the ratio.
    # (Level 12 is 1 % smaller and three times slower to build.) EROFS and dm-verity both use
    # 4 KiB blocks.
    mkfs.erofs -zlz4hc,9 -C65536 --quiet "$dir/root.img" "$rootfs"
    local data_bytes
    data_bytes=$(stat -c %s "$dir/root.img")
    local blocks=$((data_bytes / 4096))
    veritysetup format "$dir/root.img" "$dir/root.img" --hash-offset="$data_bytes" \
        --data-blocks="$blocks" --root-hash-file="$dir/roothash" >/dev/null
    local roothash salt size_mb
    roothash=$(cat "$dir/roothash")
    # The initramfs opens it with dmsetup and a verity table (no veritysetup there): the salt
    # and the block count go on the command line beside the root hash.
    salt=$(veritysetup dump "$dir/root.img" --hash-offset="$data_bytes" | sed -n 's/^Salt:[[:space:]]*//p')
    if ! [[ "$salt" =~ ^[0-9a-f]{64}$ ]]; then
        echo "no salt in the hash tree's superblock of $dir/root.img" >&2
        exit 1
    fi
    size_mb=$(( ($(stat -c %s "$dir/root.img") + 1048575) / 1048576 ))
    if ((size_mb > slot_mb)); then
        echo "the root ($size_mb MiB) does not fit a slot ($slot_mb MiB): raise ANSINH_SLOT_MB" >&2
        exit 1
    fi
    # No ID or version in the kernel image's os-release: systemd-boot then orders the two
    # slots by file name, which rauc-systemd-boot.sh controls.
    printf 'PRETTY_NAME="ansinh kiosk %s"\n' "$slot_version" > "$dir/osrel"
    local slot
    for slot in a b; do
        # ro: the root never changes; the last console= is /dev/console (serial, for the boot
        # test), tty1 stays free for the kiosk screen without a cursor or boot messages.
        echo "ansinh.verity_data=PARTLABEL=ansinh-root-$slot ansinh.verity_hashoffset=$data_bytes ansinh.verity_blocks=$blocks ansinh.verity_salt=$salt ansinh.verity_roothash=$roothash root=/dev/mapper/root rootfstype=erofs ro rauc.slot=$slot console=tty1 console=ttyS0 quiet loglevel=3 systemd.show_status=false vt.global_cursor_default=0 panic=10" > "$dir/cmdline-$slot.txt"
        objcopy \
            --add-section .osrel="$dir/osrel" --change-section-vma .osrel=0x20000 \
            --add-section .cmdline="$dir/cmdline-$slot.txt" --change-section-vma .cmdline=0x30000 \
            --add-section .linux="$kernel" --change-section-vma .linux=0x2000000 \
            --add-section .initrd="$initrd" --change-section-vma .initrd=0x3000000 \
            "$work/linuxx64.efi.stub" "$dir/ansinh-$slot.efi"
        # Signed before it goes anywhere (ESP, bundles): under Secure Boot the firmware starts
        # only a signed image, and the stub then ignores any command line but its own.
        sign_efi "$dir/ansinh-$slot.efi"
    done
    echo "$name: version $slot_version, root $(du -m --apparent-size "$dir/root.img" | cut -f1) MiB (EROFS $((data_bytes / 1048576)) MiB + hash tree), root hash $roothash"
}

# make_bundle NAME VERSION OUT: the slot made by make_slot NAME as a signed RAUC bundle.
make_bundle() {
    local name="$1" bundle_version="$2" bundle_out="$3" dir="$work/$1/bundle"
    mkdir -p "$dir"
    ln -f "$work/$name/root.img" "$work/$name/ansinh-a.efi" "$work/$name/ansinh-b.efi" "$dir/"
    cat > "$dir/manifest.raucm" <<EOF
[update]
compatible=$compatible
version=$bundle_version
description=ansinh kiosk $bundle_version

[bundle]
format=verity

[hooks]
filename=hook.sh

[image.rootfs]
filename=root.img
hooks=post-install
EOF
    # After the root is written, the slot's kernel image goes on the ESP, not yet bootable:
    # RAUC then makes the slot primary (three tries) through rauc-systemd-boot.sh.
    cat > "$dir/hook.sh" <<'EOF'
#!/bin/sh
set -eu
case "$1" in
slot-post-install)
    exec /usr/local/lib/ansinh/rauc-systemd-boot.sh install-uki "$RAUC_SLOT_BOOTNAME" \
        "$RAUC_BUNDLE_MOUNT_POINT/ansinh-$RAUC_SLOT_BOOTNAME.efi"
    ;;
esac
EOF
    chmod +x "$dir/hook.sh"
    rm -f "$bundle_out"
    # The root is compressed already: squashfs only packs it.
    rauc bundle --cert="$cert" --key="$key" --keyring="$keyring" \
        --mksquashfs-args="-comp lz4 -Xhc" "$dir" "$bundle_out" >/dev/null
    echo "bundle: $bundle_out ($(du -m --apparent-size "$bundle_out" | cut -f1) MiB)"
}

step "slot image, kernel images and update bundle ($version)"
make_slot main "$version"
make_bundle main "$version" "$out/ansinh-$version.raucb"

if ((test_bundles)); then
    step "the boot test's bundles (development key only)"
    # A later version of the same root, one whose kiosk never starts (its start script passes
    # an option the app does not know: the kind of mistake a release can ship), and an older
    # one.
    IFS=. read -r major minor patch <<< "$version"
    later="$major.$minor.$((patch + 1))"
    broken="$major.$minor.$((patch + 2))"
    mkdir -p "$out/test"
    make_slot later "$later"
    make_bundle later "$later" "$out/test/ansinh-$later.raucb"
    start="$rootfs/usr/local/lib/ansinh/start-kiosk.sh"
    cp -p "$start" "$work/start-kiosk.sh"
    sed -i 's|^exec /usr/local/bin/ansinh-kiosk "\$@"|exec /usr/local/bin/ansinh-kiosk --no-such-option "$@"|' "$start"
    grep -q -- --no-such-option "$start"
    make_slot broken "$broken"
    make_bundle broken "$broken" "$out/test/ansinh-$broken.raucb"
    cp -p "$work/start-kiosk.sh" "$start"
    # The same system as an earlier version: a downgrade, which the box must refuse.
    if ((patch > 0)); then
        older="$major.$minor.$((patch - 1))"
    elif ((minor > 0)); then
        older="$major.$((minor - 1)).0"
    elif ((major > 0)); then
        older="$((major - 1)).0.0"
    else
        echo "version 0.0.0 has no earlier one for the boot test's downgrade" >&2
        exit 1
    fi
    make_bundle main "$older" "$out/test/ansinh-$older.raucb"
    printf 'LATER=%s\nBROKEN=%s\nOLDER=%s\n' "$later" "$broken" "$older" > "$out/test/versions"
fi

step "file systems"
mb() { du -m --apparent-size "$1" | cut -f1; }
# Room for both slots' kernel images (an update removes the old one of its slot first) and
# for later, larger ones.
esp_mb=$(( $(mb "$work/main/ansinh-a.efi") * 2 + 16 ))
config_mb=16
mkfs.vfat -n ESP -C "$work/esp.img" $((esp_mb * 1024)) >/dev/null
mmd -i "$work/esp.img" ::/EFI ::/EFI/BOOT ::/EFI/Linux ::/loader
mcopy -i "$work/esp.img" "$work/systemd-bootx64.efi" ::/EFI/BOOT/BOOTX64.EFI
# No menu and no editor (the command line carries the root hash); no default: the order of
# the kernel images' names decides (rauc-systemd-boot.sh).
printf 'timeout 0\neditor no\nauto-entries no\nauto-firmware no\nrandom-seed-mode off\n' > "$work/loader.conf"
mcopy -i "$work/esp.img" "$work/loader.conf" ::/loader/loader.conf
# Slot A boots; it is good from the start (no boot counter).
mcopy -i "$work/esp.img" "$work/main/ansinh-a.efi" ::/EFI/Linux/ansinh-1-a.efi
mkfs.vfat -n ANSINH-CFG -C "$work/config.img" $((config_mb * 1024)) >/dev/null
mcopy -i "$work/config.img" "$here/config/ansinh.toml" ::/ansinh.toml

step "disk image"
img="$out/ansinh-kiosk.img"
total_mb=$((1 + esp_mb + slot_mb + config_mb + 1))
rm -f "$img"
truncate -s "${total_mb}M" "$img"
# Type 4F68BCE3-…: root (x86-64), as systemd-repart's "root" for slot B.
sfdisk -q "$img" <<EOF
label: gpt
start=1MiB, size=${esp_mb}MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="ESP"
size=${slot_mb}MiB, type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, name="ansinh-root-a"
size=${config_mb}MiB, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name="ansinh-config"
EOF
dd if="$work/esp.img" of="$img" bs=1M seek=1 conv=notrunc status=none
dd if="$work/main/root.img" of="$img" bs=1M seek=$((1 + esp_mb)) conv=notrunc status=none
dd if="$work/config.img" of="$img" bs=1M seek=$((1 + esp_mb + slot_mb)) conv=notrunc status=none
# The boot test rewrites the configuration partition in place: record where it starts.
echo $(( (1 + esp_mb + slot_mb) * 1048576 )) > "$out/config-offset"
echo $(( (1 + esp_mb) * 1048576 )) > "$out/root-a-offset"
echo "$version" > "$out/version"
rm -rf "$work"
ls -l "$img"
echo "image: $img ($(du -m --apparent-size "$img" | cut -f1) MiB, $(du -m "$img" | cut -f1) MiB used); bundle $out/ansinh-$version.raucb"
echo "built in $SECONDS s"
