#!/usr/bin/env python3
"""Boot to UI of a kiosk image, timed as the boot test times it (BENCHMARKS.md, "Boot time").

usage: boot-time.py [--setup secure-boot|plain] [--runs N] [--mode MODE] OUT_DIR [OUT_DIR...]

For each run and each OUT_DIR (a build.sh output: ansinh-kiosk.img and config-offset), in turn
so the images share the machine's state: a fresh copy of the image on a 2 GiB disk with fresh
firmware variables (the first boot), then the same disk and variables again (a later boot, as
a box starts every morning). Each boot is timed from QEMU's start to the kiosk's ready line on
the serial console. The machine is the boot test's: QEMU TCG, 2 vCPU, 1 GiB, UEFI; with
--setup secure-boot (the default) q35 with SMM, OVMF's Secure Boot firmware and Debian's test
key enrolled, and a virtio RNG; --setup plain is the pc machine and OVMF without Secure Boot,
which images before Secure Boot (before issue #15) were tested on.

/config/selftest is set to MODE (default boot-info: systemd-analyze's figures once the boot is
over; boot-journal adds the whole journal); "none" leaves the configuration partition alone,
for images whose self-test had no such mode. A boot ends at the self-test's "done" (or two
seconds after the ready line with "none"). Every serial line is kept with its time since
QEMU's start in WORK/NAME-RUN-first.log and -later.log (WORK: --work, default a temporary
folder that is kept). Prints one line per boot and the medians.
"""
import argparse, os, select, shutil, statistics, subprocess, sys, tempfile, time

FIRMWARE = {
    "secure-boot": ("/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", "/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd"),
    "plain": ("/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"),
}


def qemu_command(setup, disk, variables):
    # The secure-boot machine is boot-test.sh's boot() without its QMP socket and USB stick:
    # a change to one is a change to the other, or the two stop measuring the same thing.
    code, _ = FIRMWARE[setup]
    machine = []
    if setup == "secure-boot":
        machine = ["-machine", "q35,smm=on", "-global", "driver=cfi.pflash01,property=secure,value=on",
                   "-device", "virtio-rng-pci"]
    return ["qemu-system-x86_64", "-accel", "tcg", "-m", "1024", "-smp", "2", "-no-reboot",
            "-display", "none", *machine,
            "-drive", f"if=pflash,format=raw,readonly=on,file={code}",
            "-drive", f"if=pflash,format=raw,file={variables}",
            "-drive", f"file={disk},if=virtio,format=raw,cache=writeback",
            "-device", "VGA,xres=1280,yres=800", "-device", "virtio-tablet-pci",
            "-nic", "user,model=virtio-net-pci", "-serial", "stdio"]


def boot(command, log_path, mode, timeout):
    """Runs the machine until the boot is over; returns seconds to the ready line, or None."""
    started = time.monotonic()
    machine = subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    ready, pending, deadline = None, b"", started + timeout
    with open(log_path, "w") as log:
        while time.monotonic() < deadline:
            readable, _, _ = select.select([machine.stdout], [], [], 0.5)
            if not readable:
                if machine.poll() is not None:
                    break
                continue
            chunk = os.read(machine.stdout.fileno(), 65536)
            if not chunk:
                break
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                now = time.monotonic() - started
                text = line.decode("utf-8", "replace").rstrip("\r")
                log.write(f"{now:8.2f} {text}\n")
                if ready is None and "ansinh-kiosk: ready" in text:
                    ready = now
                    if mode == "none":
                        deadline = min(deadline, time.monotonic() + 2)
                if "ANSINH-SELFTEST done" in text:
                    deadline = time.monotonic()
    # The plug pulled, as the boot test does.
    machine.kill()
    machine.wait()
    return ready


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--setup", choices=sorted(FIRMWARE), default="secure-boot")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mode", default="boot-info")
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--work")
    parser.add_argument("images", nargs="+")
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="ansinh-boot-time.")
    os.makedirs(work, exist_ok=True)
    times = {(image, kind): [] for image in args.images for kind in ("first", "later")}
    for run in range(1, args.runs + 1):
        for index, image in enumerate(args.images):
            name = f"{index}-{os.path.basename(os.path.normpath(image))}"
            disk, variables = f"{work}/{name}.img", f"{work}/{name}.vars.fd"
            subprocess.run(["cp", "--sparse=always", f"{image}/ansinh-kiosk.img", disk], check=True)
            subprocess.run(["truncate", "-s", "2G", disk], check=True)
            shutil.copy(FIRMWARE[args.setup][1], variables)
            if args.mode != "none":
                offset = open(f"{image}/config-offset").read().strip()
                with open(f"{work}/selftest", "w") as f:
                    f.write(args.mode + "\n")
                subprocess.run(["mcopy", "-o", "-i", f"{disk}@@{offset}", f"{work}/selftest", "::/selftest"],
                               check=True)
            for kind in ("first", "later"):
                log = f"{work}/{name}-{run}-{kind}.log"
                ready = boot(qemu_command(args.setup, disk, variables), log, args.mode, args.timeout)
                print(f"{image} run {run}, {kind} boot: " + (f"{ready:.1f} s" if ready else f"no ready line ({log})"),
                      flush=True)
                if ready is None:
                    return 1
                times[(image, kind)].append(ready)
    for (image, kind), values in times.items():
        print(f"{image}, {kind} boot: median {statistics.median(values):.1f} s of "
              + ", ".join(f"{v:.1f}" for v in values))
    print(f"serial logs: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
