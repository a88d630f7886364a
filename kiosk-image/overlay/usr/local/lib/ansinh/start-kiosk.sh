#!/bin/sh
# Starts the kiosk with the configuration from a USB stick if one is plugged in, else from the
# configuration partition, else the built-in defaults.
set -eu
config=""
for candidate in /media/usb-config/ansinh.toml /config/ansinh.toml; do
    if [ -r "$candidate" ]; then
        config="$candidate"
        break
    fi
done
if [ -n "$config" ]; then
    exec /usr/local/bin/ansinh-kiosk --data-dir /data/ansinh --config "$config"
fi
exec /usr/local/bin/ansinh-kiosk --data-dir /data/ansinh
