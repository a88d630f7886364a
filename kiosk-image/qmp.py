#!/usr/bin/env python3
"""Minimal QMP client for the boot test: `qmp.py SOCKET screendump FILE`.

QMP is QEMU's JSON control protocol: read the greeting, enable capabilities, send one command,
read until its answer (skipping asynchronous events)."""
import json
import socket
import sys


def command(sock_path, execute, arguments=None):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(30)
        s.connect(sock_path)
        stream = s.makefile("rw", encoding="utf-8")

        def answer():
            while True:
                line = stream.readline()
                if not line:
                    raise RuntimeError("QMP connection closed")
                msg = json.loads(line)
                if "return" in msg or "error" in msg:
                    return msg

        json.loads(stream.readline())  # greeting
        stream.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
        stream.flush()
        answer()
        request = {"execute": execute}
        if arguments:
            request["arguments"] = arguments
        stream.write(json.dumps(request) + "\n")
        stream.flush()
        msg = answer()
        if "error" in msg:
            raise RuntimeError(msg["error"])
        return msg


def main():
    sock, verb = sys.argv[1], sys.argv[2]
    if verb == "screendump":
        command(sock, "screendump", {"filename": sys.argv[3], "format": "png"})
    else:
        raise SystemExit(f"unknown verb {verb}")


if __name__ == "__main__":
    main()
