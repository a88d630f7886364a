//! What the device knows of its own health, gathered for the hub's fleet page
//! (`ansinh_wire::health::HealthReport`) and for the kiosk's low-battery band:
//!
//! - the battery, from the kernel's power supplies ([`battery`], given the folder so tests use
//!   a temporary one with fake files);
//! - free space on the data partition ([`disk_space`], `statvfs`);
//! - the clock's offset from the hub's last signed time plus the uptime since
//!   ([`clock_offset`]);
//! - how the kiosk last started ([`RunMarker`]: a marker written at start and marked clean at
//!   a clean exit; found still running at the next start, the run ended by a crash, the
//!   watchdog or a power cut);
//! - the receipt printer as the kiosk last saw it ([`note_printer`], an outbox setting, so
//!   the uploader, in the kiosk or in `ansinh sync`, reads it);
//! - [`report`] puts it all together with the outbox's counts.

use std::path::{Path, PathBuf};

use ansinh_outbox::{Outbox, TimeEvidence};
use ansinh_wire::health::{
    Battery, Charging, HEALTH_VERSION, HealthReport, MAX_HEALTH_TEXT, PrinterState, RestartReason,
};

use crate::clock::Clock;
use crate::{DataDir, Error};

/// Where Linux lists power supplies.
pub const POWER_SUPPLY_ROOT: &str = "/sys/class/power_supply";
/// The outbox setting that keeps the printer's last state ([`PrinterState::code`]).
const PRINTER_SETTING: &str = "device.printer";
/// The kiosk's run marker in the data directory.
const RUN_MARKER: &str = "kiosk-run.state";

/// The first battery among the power supplies under `root` (`/sys/class/power_supply`): its
/// `capacity` (percent) and `status`; `None` on a device without one (mains only), or when
/// the kernel gives no capacity.
pub fn battery(root: &Path) -> Option<Battery> {
    let mut supplies: Vec<PathBuf> =
        std::fs::read_dir(root).ok()?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    // The same battery every time on a device with two (BAT0 before BAT1).
    supplies.sort();
    supplies.into_iter().find_map(|dir| {
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
        if read("type")?.trim() != "Battery" || read("present").is_some_and(|p| p.trim() == "0") {
            return None;
        }
        let capacity: u64 = read("capacity")?.trim().parse().ok()?;
        let percent = u8::try_from(capacity.min(100)).ok()?;
        let charging = match read("status").as_deref().map(str::trim) {
            Some("Charging") => Charging::Charging,
            Some("Discharging") => Charging::Discharging,
            Some("Full") => Charging::Full,
            Some("Not charging") => Charging::NotCharging,
            _ => Charging::Unknown,
        };
        Some(Battery { percent, charging })
    })
}

/// Free and total bytes of the file system holding `path` (free: what an unprivileged
/// program may still write), or `None` when it cannot be read.
pub fn disk_space(path: &Path) -> Option<(u64, u64)> {
    let s = rustix::fs::statvfs(path).ok()?;
    let block = s.f_frsize.max(1);
    Some((s.f_bavail.saturating_mul(block), s.f_blocks.saturating_mul(block)))
}

/// The clock's offset, seconds: what it shows minus what it should show by the last time
/// known right (the hub's signed time or a clerk's confirmation) plus the uptime elapsed since;
/// `None` without a reference or after a restart (the uptime since is then unknown).
pub fn clock_offset(evidence: &TimeEvidence, clock: &dyn Clock) -> Option<i64> {
    let r = evidence.reference.as_ref()?;
    let up = clock.uptime()?;
    if r.boot != up.boot || up.secs < r.uptime {
        return None;
    }
    Some(clock.now().saturating_sub(r.at.saturating_add(up.secs - r.uptime)))
}

/// Keeps the printer's state as the kiosk last saw it, for the next health report.
pub fn note_printer(outbox: &mut Outbox, state: PrinterState) -> Result<(), Error> {
    Ok(outbox.set_setting(PRINTER_SETTING, state.code())?)
}

/// The printer's last noted state ([`note_printer`]); `Unknown` when none was noted.
pub fn printer(outbox: &Outbox) -> Result<PrinterState, Error> {
    Ok(outbox
        .setting(PRINTER_SETTING)?
        .as_deref()
        .and_then(PrinterState::from_code)
        .unwrap_or(PrinterState::Unknown))
}

/// The kiosk's run marker, `DIR/kiosk-run.state`: two lines, `running` or `stopped`, then how
/// the current (or last) run started (`RestartReason::code`). The kiosk marks a clean exit when
/// its window closes or systemd stops it (SIGTERM: a shutdown, a restart into an update); a
/// crash, a kill by the watchdog or a power cut reads as `Unclean` at the next start.
#[derive(Debug)]
pub struct RunMarker {
    path: PathBuf,
}

impl RunMarker {
    /// The marker of the kiosk on `dir`.
    pub fn of(dir: &DataDir) -> Self {
        Self { path: dir.root().join(RUN_MARKER) }
    }

    /// The kiosk starts: how the previous run ended (found still `running`: not cleanly), kept
    /// in the marker with the new run's `running`. The first start is `Unknown`.
    pub fn start(&self) -> Result<RestartReason, Error> {
        let reason = match std::fs::read_to_string(&self.path) {
            Ok(text) if text.lines().next() == Some("stopped") => RestartReason::Clean,
            Ok(_) => RestartReason::Unclean,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => RestartReason::Unknown,
            Err(source) => return Err(Error::Io { path: self.path.clone(), source }),
        };
        self.write("running", reason)?;
        Ok(reason)
    }

    /// The kiosk ends cleanly (after its last write): the next start is a clean one.
    pub fn clean_exit(&self) -> Result<(), Error> {
        self.write("stopped", self.last_restart())
    }

    /// How the current (or last) run of the kiosk started; `Unknown` on a device whose kiosk
    /// never ran (the `ansinh` command alone).
    pub fn last_restart(&self) -> RestartReason {
        let text = std::fs::read_to_string(&self.path).unwrap_or_default();
        match text.lines().nth(1) {
            Some("clean") => RestartReason::Clean,
            Some("unclean") => RestartReason::Unclean,
            _ => RestartReason::Unknown,
        }
    }

    fn write(&self, state: &str, reason: RestartReason) -> Result<(), Error> {
        let text = format!("{state}\n{}\n", reason.code());
        ansinh_storage::durable::write_private(&self.path, text.as_bytes())
            .map_err(|source| Error::Io { path: self.path.clone(), source })
    }
}

/// Where [`report`] reads what is not in the outbox.
#[derive(Clone, Debug)]
pub struct Sources {
    /// The power supplies' folder ([`POWER_SUPPLY_ROOT`]).
    pub power_supply: PathBuf,
}

impl Default for Sources {
    fn default() -> Self {
        Self { power_supply: PathBuf::from(POWER_SUPPLY_ROOT) }
    }
}

fn bounded(text: &str) -> String {
    let mut end = text.len().min(MAX_HEALTH_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

fn saturating_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// The device's health report number `seq` (the uploader's counter), made now.
pub fn report(
    dir: &DataDir,
    outbox: &Outbox,
    clock: &dyn Clock,
    device_id: u64,
    seq: u64,
    sources: &Sources,
) -> Result<HealthReport, Error> {
    let now = clock.now();
    let stats = outbox.stats(now)?;
    let disk = disk_space(dir.root());
    Ok(HealthReport {
        version: HEALTH_VERSION,
        device_id,
        seq,
        made_at: now,
        app_version: bounded(env!("CARGO_PKG_VERSION")),
        table_version: bounded(ansinh_core::default_table().version),
        unsent: saturating_u32(stats.unsent()),
        oldest_unsent_age_secs: stats.oldest_unsent_age.map(|a| u64::try_from(a).unwrap_or(0)),
        quarantined: saturating_u32(stats.quarantined),
        printer: printer(outbox)?,
        disk_free_bytes: disk.map(|(free, _)| free),
        disk_total_bytes: disk.map(|(_, total)| total),
        clock_offset_secs: clock_offset(&outbox.time_evidence()?, clock),
        battery: battery(&sources.power_supply),
        uptime_secs: clock.uptime().and_then(|u| u64::try_from(u.secs).ok()),
        last_restart: RunMarker::of(dir).last_restart(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FakeClock;
    use ansinh_outbox::TimeReference;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// A fake `/sys/class/power_supply` entry.
    fn supply(root: &Path, name: &str, files: &[(&str, &str)]) -> TestResult {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir)?;
        for (file, text) in files {
            std::fs::write(dir.join(file), format!("{text}\n"))?;
        }
        Ok(())
    }

    #[test]
    fn the_battery_is_read_from_the_power_supplies() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let root = tmp.path();
        assert_eq!(battery(&root.join("missing")), None, "no power supply folder");
        supply(root, "AC", &[("type", "Mains"), ("online", "1")])?;
        assert_eq!(battery(root), None, "mains only");
        supply(root, "BAT1", &[("type", "Battery"), ("capacity", "90"), ("status", "Full")])?;
        supply(
            root,
            "BAT0",
            &[("type", "Battery"), ("capacity", "18"), ("status", "Discharging")],
        )?;
        assert_eq!(
            battery(root),
            Some(Battery { percent: 18, charging: Charging::Discharging }),
            "the first battery by name"
        );
        supply(root, "BAT0", &[("status", "Charging"), ("capacity", "140")])?;
        assert_eq!(battery(root), Some(Battery { percent: 100, charging: Charging::Charging }));
        supply(root, "BAT0", &[("present", "0")])?;
        assert_eq!(battery(root), Some(Battery { percent: 90, charging: Charging::Full }));
        supply(root, "BAT1", &[("capacity", "lots"), ("status", "Not charging")])?;
        assert_eq!(battery(root), None, "no readable capacity");
        Ok(())
    }

    #[test]
    fn the_run_marker_tells_a_clean_exit_from_a_crash() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let dir = DataDir::open(tmp.path())?;
        let marker = RunMarker::of(&dir);
        assert_eq!(marker.last_restart(), RestartReason::Unknown);
        assert_eq!(marker.start()?, RestartReason::Unknown, "the first start");
        marker.clean_exit()?;
        assert_eq!(marker.start()?, RestartReason::Clean);
        assert_eq!(marker.last_restart(), RestartReason::Clean);
        // No clean exit: a crash, the watchdog or a power cut.
        assert_eq!(marker.start()?, RestartReason::Unclean);
        assert_eq!(marker.last_restart(), RestartReason::Unclean);
        marker.clean_exit()?;
        assert_eq!(marker.last_restart(), RestartReason::Unclean, "how the last run started");
        assert_eq!(marker.start()?, RestartReason::Clean);
        Ok(())
    }

    #[test]
    fn the_clock_offset_needs_a_reference_of_this_boot() {
        let clock = FakeClock::at_time(1_800_000_000);
        let mut evidence = TimeEvidence::default();
        assert_eq!(clock_offset(&evidence, &clock), None);
        evidence.reference =
            Some(TimeReference { at: 1_800_000_000, boot: "fake".into(), uptime: 0 });
        clock.advance(600);
        assert_eq!(clock_offset(&evidence, &clock), Some(0), "time passed, the clock right");
        clock.set(1_800_000_000);
        assert_eq!(clock_offset(&evidence, &clock), Some(-600), "set ten minutes back");
        evidence.reference =
            Some(TimeReference { at: 1_800_000_000, boot: "another".into(), uptime: 0 });
        assert_eq!(clock_offset(&evidence, &clock), None, "another boot");
    }

    #[test]
    fn a_report_of_a_new_device() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let dir = DataDir::open(tmp.path().join("d"))?;
        let (mut outbox, _) = dir.outbox()?;
        let clock = FakeClock::at_time(1_800_000_000);
        let none = Sources { power_supply: tmp.path().join("none") };
        let r = report(&dir, &outbox, &clock, 7, 1, &none)?;
        assert_eq!((r.device_id, r.seq, r.made_at), (7, 1, 1_800_000_000));
        assert_eq!((r.unsent, r.quarantined, r.oldest_unsent_age_secs), (0, 0, None));
        assert_eq!(r.table_version, ansinh_core::default_table().version);
        assert_eq!(r.printer, PrinterState::Unknown);
        assert_eq!(r.battery, None);
        assert_eq!(r.last_restart, RestartReason::Unknown);
        assert!(r.disk_total_bytes.unwrap_or(0) > 0 && r.disk_free_bytes.is_some());
        note_printer(&mut outbox, PrinterState::OutOfPaper)?;
        assert_eq!(report(&dir, &outbox, &clock, 7, 2, &none)?.printer, PrinterState::OutOfPaper);
        assert_eq!(bounded(&"đ".repeat(40)).len(), 32, "cut on a character boundary");
        Ok(())
    }
}
