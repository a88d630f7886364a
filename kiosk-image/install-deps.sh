#!/usr/bin/env bash
# Installs what building and boot-testing the image needs (Debian bookworm, as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# qemu-system-x86 7.2 conflicts with a newer preinstalled qemu-utils: take the matching one.
qemu_version="$(apt-cache policy qemu-system-x86 | awk '/Candidate/ {print $2}')"
apt-get install -y -qq --allow-downgrades --no-install-recommends \
    mmdebstrap qemu-system-x86 "qemu-utils=$qemu_version" ovmf fdisk dosfstools mtools \
    e2fsprogs binutils shellcheck imagemagick python3 openssl socat \
    erofs-utils cryptsetup-bin squashfs-tools rauc sbsigntool \
    libudev-dev libinput-dev libxkbcommon-dev >/dev/null
