#!/bin/sh
# Starts the kiosk with the configuration partition's file (the device's own, trusted) and, if
# a USB stick labelled ANSINH-USB is plugged in, its file on top: the kiosk accepts the stick's
# only with the collection server's signature (ansinh.toml.sig), and never a PIN, keys or a
# server address in it; before registration, only where to register.
# A signed policy table on either (policy.signed, from `ansinh-hub policy sign`) is installed
# when it verifies with the key pinned at registration and is newer than the one in use.
set -eu
set -- --data-dir /data/ansinh
if [ -r /config/ansinh.toml ]; then
    set -- "$@" --config /config/ansinh.toml
fi
if [ -r /config/policy.signed ]; then
    set -- "$@" --policy /config/policy.signed
fi
if [ -r /media/usb-config/ansinh.toml ]; then
    set -- "$@" --usb-config /media/usb-config/ansinh.toml
fi
if [ -r /media/usb-config/policy.signed ]; then
    set -- "$@" --usb-policy /media/usb-config/policy.signed
fi
set -- "$@" --usb-update-dir /media/usb-config
exec /usr/local/bin/ansinh-kiosk "$@"
