#!/usr/bin/env python3
"""Minimal QMP client for the boot test:
    qmp.py SOCKET screendump FILE
    qmp.py SOCKET tap X Y                  (a press and release at pixel X, Y of 1280x800)
    qmp.py SOCKET drag X1 Y1 X2 Y2         (pressed at X1, Y1, moved in steps to X2, Y2, released)
    qmp.py SOCKET reset                    (the reset button: what a hardware watchdog does)

Taps and drags go through the virtio tablet as absolute pointer events, as a USB touch panel
in mouse mode sends them.

QMP is QEMU's JSON control protocol: read the greeting, enable capabilities, send one command,
read until its answer (skipping asynchronous events)."""
import json
import socket
import sys
import time


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


# The screen the boot test sets up (-device VGA,xres=1280,yres=800); the tablet's axes run
# from 0 to 32767 over it.
WIDTH, HEIGHT, AXIS_MAX = 1280, 800, 32767


def pointer(sock, x, y, button=None):
    events = [
        {"type": "abs", "data": {"axis": "x", "value": round(x * AXIS_MAX / (WIDTH - 1))}},
        {"type": "abs", "data": {"axis": "y", "value": round(y * AXIS_MAX / (HEIGHT - 1))}},
    ]
    if button is not None:
        events.append({"type": "btn", "data": {"button": "left", "down": button}})
    command(sock, "input-send-event", {"events": events})


def main():
    sock, verb = sys.argv[1], sys.argv[2]
    if verb == "screendump":
        command(sock, "screendump", {"filename": sys.argv[3], "format": "png"})
    elif verb == "tap":
        x, y = (int(v) for v in sys.argv[3:5])
        pointer(sock, x, y)
        pointer(sock, x, y, button=True)
        time.sleep(0.05)
        pointer(sock, x, y, button=False)
    elif verb == "drag":
        x1, y1, x2, y2 = (int(v) for v in sys.argv[3:7])
        steps = 12
        pointer(sock, x1, y1)
        pointer(sock, x1, y1, button=True)
        for i in range(1, steps + 1):
            time.sleep(0.05)
            pointer(sock, x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps)
        time.sleep(0.05)
        pointer(sock, x2, y2, button=False)
    elif verb == "reset":
        command(sock, "system_reset")
    else:
        raise SystemExit(f"unknown verb {verb}")


if __name__ == "__main__":
    main()
