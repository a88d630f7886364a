#!/usr/bin/env python3
"""Start-to-first-frame and idle memory of a full-screen app under Xvfb, measured from outside.

usage: startup.py [--runs N] -- COMMAND...

Starts its own Xvfb (1280x800x24), launches COMMAND, and captures the screen with `xwd` as
fast as it can for SETTLE seconds. The first frame is the first capture equal to the last one
(the settled screen), so an app is timed to the moment its finished first screen is visible,
whatever toolkit draws it. Idle memory is the proportional set size (PSS, from
/proc/PID/smaps_rollup) of the app and all its child processes after SETTLE seconds; PSS
counts shared libraries once across the processes. Prints one JSON object per run.
Needs: Xvfb, xwd (apt-get install xvfb x11-apps).
"""
import hashlib, json, os, subprocess, sys, time

SETTLE = 8.0


def tree(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def pss_kib(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def one_run(cmd, display):
    env = dict(os.environ, DISPLAY=display)
    env.pop("WAYLAND_DISPLAY", None)
    shots = []
    t0 = time.monotonic()
    app = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while time.monotonic() - t0 < SETTLE:
        raw = subprocess.run(["xwd", "-root", "-silent", "-display", display], capture_output=True).stdout
        # xwd's header holds the window name and size only; the pixels follow.
        shots.append((time.monotonic() - t0, hashlib.sha1(raw).hexdigest()))
    pss = pss_kib(tree(app.pid))
    app.terminate()
    try:
        app.wait(10)
    except subprocess.TimeoutExpired:
        app.kill()
    final = shots[-1][1]
    first = next(t for t, h in shots if h == final)
    gaps = [b[0] - a[0] for a, b in zip(shots, shots[1:])]
    return {"first_frame_ms": round(first * 1000), "capture_interval_ms": round(1000 * sum(gaps) / len(gaps)), "idle_pss_mib": round(pss / 1024, 1)}


def main():
    args = sys.argv[1:]
    runs = 3
    if args[:1] == ["--runs"]:
        runs, args = int(args[1]), args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    display = ":97"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    try:
        for _ in range(runs):
            print(json.dumps(one_run(args, display)), flush=True)
    finally:
        xvfb.terminate()


if __name__ == "__main__":
    main()
