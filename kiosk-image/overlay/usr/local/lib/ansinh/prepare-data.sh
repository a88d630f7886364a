#!/bin/sh
# Runs as root before the app: makes sure the app's directory on the data partition exists and
# belongs to the app user (a fresh or re-formatted data partition is empty).
set -eu
mkdir -p /data/ansinh
chown ansinh:ansinh /data/ansinh
chmod 0700 /data/ansinh
