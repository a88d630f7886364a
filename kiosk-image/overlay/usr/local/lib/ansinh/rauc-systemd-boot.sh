#!/bin/sh
# RAUC's custom boot loader backend for systemd-boot (system.conf: bootloader=custom), and the
# place the update bundle's hook puts a slot's unified kernel image.
#
# Each root slot (bootname a or b) boots from one unified kernel image on the ESP:
#     /efi/EFI/Linux/ansinh-RANK-SLOT[+LEFT[-DONE]].efi
# RANK is 1 for the primary slot and 0 for the other; +LEFT-DONE is systemd-boot's boot counter
# (tries left, tries done), absent once a boot of the slot was blessed (systemd-bless-boot after
# boot-complete.target, which ansinh-healthy.service gates). The UKIs' .osrel has no ID or
# version, so systemd-boot orders them by file name, newest first, after moving those with no
# tries left to the end: the primary slot boots while it has tries, then the other one. This
# script keeps to that order, so what it reports is what the firmware will boot.
#
#   get-primary            the slot systemd-boot boots next
#   set-primary SLOT       make SLOT boot next, with 3 fresh tries unless it is already good
#   get-state SLOT         good (bootable) or bad (no image, or no tries left)
#   set-state SLOT STATE   good: drop the counter (as systemd-bless-boot); bad: no tries left
#   get-current            the slot this system booted from (rauc.slot= on the command line)
#   on-trial SLOT          succeeds if SLOT still has a boot counter (not yet blessed)
#   install-uki SLOT FILE  (the bundle's hook) SLOT's image becomes FILE, not bootable until
#                          set-primary; the old one removed, the new one written under a
#                          temporary name, synced, then renamed into place
set -eu

esp_linux=${ANSINH_ESP_LINUX:-/efi/EFI/Linux}
tries=3

fail() {
    echo "rauc-systemd-boot: $*" >&2
    exit 1
}

check_slot() {
    case "$1" in
    a | b) ;;
    *) fail "unknown slot '$1' (a or b)" ;;
    esac
}

# The UKI of slot $1 (its file name), or nothing.
uki_of() {
    for file in "$esp_linux"/ansinh-[01]-"$1".efi "$esp_linux"/ansinh-[01]-"$1"+*.efi; do
        if [ -f "$file" ]; then
            basename "$file"
            return 0
        fi
    done
}

# Tries left in file name $1: empty when it has no counter.
tries_left() {
    case "$1" in
    *+*) left=${1#*+} && left=${left%.efi} && echo "${left%%-*}" ;;
    esac
}

rank_of() {
    rest=${1#ansinh-}
    echo "${rest%%-*}"
}

# The slots in systemd-boot's order: entries with no tries left last, then by file name
# descending (rank first, then slot).
boot_order() {
    for slot in a b; do
        name=$(uki_of "$slot")
        [ -n "$name" ] || continue
        spent=0
        [ "$(tries_left "$name")" = 0 ] && spent=1
        echo "$spent $(rank_of "$name") $slot"
    done | sort -k1,1n -k2,2nr -k3,3r | cut -d' ' -f3
}

rename_uki() {
    if [ "$1" != "$2" ]; then
        mv "$esp_linux/$1" "$esp_linux/$2"
    fi
}

# Renames slot $1's UKI to rank $2 with counter $3 ("" for none, "keep" to keep it).
set_name() {
    name=$(uki_of "$1")
    [ -n "$name" ] || fail "slot $1 has no kernel image in $esp_linux"
    counter=$3
    if [ "$counter" = keep ]; then
        counter=""
        case "$name" in
        *+*) counter="+${name#*+}" && counter=${counter%.efi} ;;
        esac
    fi
    rename_uki "$name" "ansinh-$2-$1$counter.efi"
}

other_slot() {
    if [ "$1" = a ]; then echo b; else echo a; fi
}

command=${1:-}
case "$command" in
get-primary)
    first=$(boot_order | head -n 1)
    [ -n "$first" ] || fail "no kernel image in $esp_linux"
    echo "$first"
    ;;
set-primary)
    slot=${2:-}
    check_slot "$slot"
    target=$(uki_of "$slot")
    [ -n "$target" ] || fail "slot $slot has no kernel image in $esp_linux"
    # The other slot first drops to rank 0: cut the power between the two renames and the
    # old primary still boots.
    if [ -n "$(uki_of "$(other_slot "$slot")")" ]; then
        set_name "$(other_slot "$slot")" 0 keep
    fi
    case "$target" in
    *+*) set_name "$slot" 1 "+$tries" ;;
    *) set_name "$slot" 1 "" ;;
    esac
    sync
    ;;
get-state)
    slot=${2:-}
    check_slot "$slot"
    name=$(uki_of "$slot")
    if [ -z "$name" ] || [ "$(tries_left "$name")" = 0 ]; then
        echo bad
    else
        echo good
    fi
    ;;
set-state)
    slot=${2:-}
    check_slot "$slot"
    name=$(uki_of "$slot")
    case "${3:-}" in
    good)
        [ -n "$name" ] || fail "slot $slot has no kernel image in $esp_linux"
        set_name "$slot" "$(rank_of "$name")" ""
        ;;
    bad)
        # A slot with no image is already bad (RAUC marks an empty slot bad before writing it).
        if [ -n "$name" ]; then
            set_name "$slot" "$(rank_of "$name")" "+0"
        fi
        ;;
    *) fail "state must be good or bad" ;;
    esac
    sync
    ;;
get-current)
    # shellcheck disable=SC2013 # the command line is one line of words
    for arg in $(cat /proc/cmdline); do
        case "$arg" in
        rauc.slot=*) echo "${arg#rauc.slot=}" && exit 0 ;;
        esac
    done
    fail "no rauc.slot= on the kernel command line"
    ;;
on-trial)
    slot=${2:-}
    check_slot "$slot"
    case "$(uki_of "$slot")" in
    *+*) exit 0 ;;
    *) exit 1 ;;
    esac
    ;;
install-uki)
    slot=${2:-}
    file=${3:-}
    check_slot "$slot"
    [ -f "$file" ] || fail "no kernel image at '$file'"
    mkdir -p "$esp_linux"
    # The slot's old image goes first (RAUC has marked the slot bad: nothing boots it), so the
    # ESP never needs room for more than two.
    old=$(uki_of "$slot")
    if [ -n "$old" ]; then
        rm -f "$esp_linux/$old"
    fi
    cp "$file" "$esp_linux/.ansinh-$slot.efi.new"
    sync
    mv "$esp_linux/.ansinh-$slot.efi.new" "$esp_linux/ansinh-0-$slot+0.efi"
    sync
    ;;
*)
    fail "usage: $0 get-primary | set-primary SLOT | get-state SLOT | set-state SLOT good|bad | get-current | on-trial SLOT | install-uki SLOT FILE"
    ;;
esac
