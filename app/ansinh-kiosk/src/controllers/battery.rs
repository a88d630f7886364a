//! The low-battery band: on a device with a battery, staff are warned on every screen before
//! it is flat — at `warn_percent` and below while not charging ("Pin yếu (18 %) — cắm sạc"),
//! more strongly at `critical_percent` and below. The battery is read from the kernel's power
//! supplies (`ansinh_device::health::battery`) once a minute on the app's tick; the band goes
//! as soon as the charger is plugged in.

use std::path::PathBuf;

use ansinh_device::clock::Timestamp;
use ansinh_wire::health::Charging;

/// How often the battery is read.
pub const CHECK_EVERY_SECS: Timestamp = 60;
/// Warn at this charge and below, percent (the configuration's `battery_warn_percent`).
pub const WARN_PERCENT: u8 = 20;
/// Warn strongly at this charge and below (`battery_critical_percent`).
pub const CRITICAL_PERCENT: u8 = 10;

/// What the band says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Band {
    /// Charge, percent.
    pub percent: u8,
    /// At or below the critical level: plug in now, the device is about to stop.
    pub critical: bool,
}

/// Where and when to warn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatteryOptions {
    /// The power supplies' folder (`/sys/class/power_supply` on the device); `None`: no
    /// battery to watch (tests, screenshots, a desktop).
    pub power_supply: Option<PathBuf>,
    /// Warn at this charge and below.
    pub warn_percent: u8,
    /// Warn strongly at this charge and below.
    pub critical_percent: u8,
}

impl Default for BatteryOptions {
    fn default() -> Self {
        Self { power_supply: None, warn_percent: WARN_PERCENT, critical_percent: CRITICAL_PERCENT }
    }
}

/// Watches the battery for the band.
#[derive(Debug, Default)]
pub struct BatteryWatch {
    options: BatteryOptions,
    checked_at: Option<Timestamp>,
    band: Option<Band>,
}

impl BatteryWatch {
    /// A watch with `options`; nothing is read before the first [`BatteryWatch::poll`].
    pub fn new(options: BatteryOptions) -> Self {
        Self { options, checked_at: None, band: None }
    }

    /// Reads the battery if a minute has passed since the last reading (or the clock went
    /// back); `true` when the band changed.
    pub fn poll(&mut self, now: Timestamp) -> bool {
        let due = self.checked_at.is_none_or(|t| now < t || now - t >= CHECK_EVERY_SECS);
        let Some(root) = self.options.power_supply.as_ref().filter(|_| due) else { return false };
        self.checked_at = Some(now);
        let band = ansinh_device::health::battery(root).and_then(|b| {
            let charging = matches!(b.charging, Charging::Charging | Charging::Full);
            (!charging && b.percent <= self.options.warn_percent).then_some(Band {
                percent: b.percent,
                critical: b.percent <= self.options.critical_percent,
            })
        });
        std::mem::replace(&mut self.band, band) != band
    }

    /// The band to show, if any.
    pub fn band(&self) -> Option<Band> {
        self.band
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn write(root: &std::path::Path, capacity: u8, status: &str) -> TestResult {
        let bat = root.join("BAT0");
        std::fs::create_dir_all(&bat)?;
        std::fs::write(bat.join("type"), "Battery\n")?;
        std::fs::write(bat.join("capacity"), format!("{capacity}\n"))?;
        std::fs::write(bat.join("status"), format!("{status}\n"))?;
        Ok(())
    }

    #[test]
    fn the_band_comes_when_low_and_goes_when_charging() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let options =
            BatteryOptions { power_supply: Some(tmp.path().to_path_buf()), ..Default::default() };
        let mut watch = BatteryWatch::new(options);
        write(tmp.path(), 55, "Discharging")?;
        assert!(!watch.poll(1_000));
        assert_eq!(watch.band(), None);
        write(tmp.path(), 18, "Discharging")?;
        assert!(!watch.poll(1_030), "read once a minute");
        assert!(watch.poll(1_060));
        assert_eq!(watch.band(), Some(Band { percent: 18, critical: false }));
        write(tmp.path(), 9, "Discharging")?;
        assert!(watch.poll(1_120));
        assert_eq!(watch.band(), Some(Band { percent: 9, critical: true }));
        write(tmp.path(), 9, "Charging")?;
        assert!(watch.poll(1_180));
        assert_eq!(watch.band(), None, "plugged in");
        assert!(!BatteryWatch::default().poll(1_000), "nothing to watch");
        Ok(())
    }
}
