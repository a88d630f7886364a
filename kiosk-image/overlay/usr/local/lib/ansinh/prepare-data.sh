#!/bin/sh
# Runs as root before the app: makes sure the app's directory on the data partition exists and
# belongs to the app user (a fresh or re-formatted data partition is empty), with the folder
# where update bundles wait (downloads, and the install and reboot requests).
set -eu
mkdir -p /data/ansinh/updates
chown ansinh:ansinh /data/ansinh /data/ansinh/updates
chmod 0700 /data/ansinh
