//! The fleet: every device with its collection point, last contact, latest health report
//! (`ansinh_wire::health`) and alarms, for the fleet page (`/admin/fleet`) and `ansinh-hub
//! devices --json`.
//!
//! - A report arrives over the network (`POST /v1/health`, once per sync round, answered with
//!   the hub's signed time) or from a USB stick (`NAME.health` beside a bundle, read by
//!   `ansinh-hub import`). It is checked like a batch: the device's registered key, strictly;
//!   an unknown device is refused as a bad signature over the network, a revoked one as
//!   revoked; it counts against the device's batch quota per minute. Only a report of a higher
//!   `seq` replaces the one held.
//! - [`alarms`] is the one rule, with the thresholds of [`FleetThresholds`] (the hub's
//!   configuration: `serve` and `devices` flags). [`table_is_old`] is the one comparison of a
//!   device's policy table with the newest the hub knows.

use std::path::Path;

use ansinh_wire::health::{
    Charging, HEALTH_VERSION, HealthAck, HealthReport, PrinterState, UnverifiedHealth,
};
use serde::Serialize;

use crate::error::{Error, Result, io};
use crate::hub::{Hub, HubError, Refusal, wire_refusal};
use crate::store::{Device, HeldHealth, Timestamp, Via};

/// When a device's state raises an alarm. [`Default`] holds the defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FleetThresholds {
    /// Days without contact (no batch, bundle or health report). Default 3: a device in use
    /// syncs every few minutes when it has a network, and an agent without one carries a stick
    /// in at least twice a week.
    pub silent_days: u32,
    /// Days the oldest unsent record may wait. Default 2.
    pub unsent_days: u32,
    /// Free space on the data partition below this, MB. Default 200 (a month of records and
    /// the outbox's write-ahead log need far less; an update needs more).
    pub disk_min_mb: u64,
    /// Or below this share of the partition, percent. Default 5.
    pub disk_min_percent: u8,
    /// The device's clock off by more than this, minutes. Default 10 (the device itself stops
    /// enrolling 5 minutes behind its latest trusted time, or a day away from the hub's).
    pub clock_off_minutes: u32,
    /// Battery at or below this, percent, and not charging. Default 20.
    pub battery_low_percent: u8,
}

impl Default for FleetThresholds {
    fn default() -> Self {
        Self {
            silent_days: 3,
            unsent_days: 2,
            disk_min_mb: 200,
            disk_min_percent: 5,
            clock_off_minutes: 10,
            battery_low_percent: 20,
        }
    }
}

/// One alarm of a device, with what staff read on the fleet page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Alarm {
    /// Stable code: `silent`, `unsent_old`, `out_of_paper`, `printer_offline`,
    /// `disk_nearly_full`, `old_table`, `clock_off`, `battery_low`.
    pub code: &'static str,
    /// What it is, in Vietnamese, with the numbers.
    pub message: String,
}

/// A health report as the page and the JSON show it (states by their codes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HealthView {
    /// The report's number.
    pub seq: u64,
    /// The device's clock when it made it.
    pub made_at: Timestamp,
    /// When the hub received it.
    pub received_at: Timestamp,
    /// `network` or `usb`.
    pub via: Via,
    /// Device software version.
    pub app_version: String,
    /// Policy table version.
    pub table_version: String,
    /// Records not yet held by the hub.
    pub unsent: u32,
    /// Age of the oldest of them when reported, seconds.
    pub oldest_unsent_age_secs: Option<u64>,
    /// Quarantined records.
    pub quarantined: u32,
    /// `no_printer`, `unknown`, `ready`, `paper_low`, `out_of_paper`, `offline`.
    pub printer: &'static str,
    /// Free bytes on the data partition.
    pub disk_free_bytes: Option<u64>,
    /// Size of the data partition, bytes.
    pub disk_total_bytes: Option<u64>,
    /// The clock's offset, seconds (see [`clock_offset`]).
    pub clock_offset_secs: Option<i64>,
    /// Battery charge, percent.
    pub battery_percent: Option<u8>,
    /// `charging`, `discharging`, `full`, `not_charging`, `unknown`.
    pub battery_charging: Option<&'static str>,
    /// Seconds since the device booted.
    pub uptime_secs: Option<u64>,
    /// `unknown`, `clean`, `unclean`.
    pub last_restart: &'static str,
}

/// One device of the fleet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FleetRow {
    /// Device id.
    pub device_id: u64,
    /// Its label at registration.
    pub label: String,
    /// The collection point hub staff assigned (empty: none).
    pub collection_point: String,
    /// Revoked devices raise no alarm.
    pub revoked: bool,
    /// When registered.
    pub registered_at: Timestamp,
    /// The last batch, bundle or health report received.
    pub last_contact: Option<Timestamp>,
    /// The latest health report.
    pub health: Option<HealthView>,
    /// Its alarms, in the order of [`Alarm::code`]'s list.
    pub alarms: Vec<Alarm>,
}

/// The newest policy table the hub knows (today: its built-in table).
pub fn newest_table() -> String {
    ansinh_core::default_table().version.to_string()
}

/// Whether a device prices with a table older than `newest`: a table the hub knows and is not
/// the newest, or one it does not know whose version sorts before it (versions are
/// `VN-YYYY-MM-DD`). A version the hub does not know that sorts after is newer, not old.
pub fn table_is_old(device: &str, newest: &str) -> bool {
    device != newest
        && (device < newest
            || ansinh_core::known_table(device).is_some_and(|t| t.version != newest))
}

/// The clock's offset to judge: for a report received over the network, the device's clock
/// when it made it minus the hub's when it arrived (a request takes seconds, the alarm is in
/// minutes); for one from a stick, what the device measured against the hub's last signed time.
pub fn clock_offset(held: &HeldHealth) -> Option<i64> {
    match held.via {
        Via::Network => Some(held.report.made_at.saturating_sub(held.received_at)),
        Via::Usb => held.report.clock_offset_secs,
    }
}

fn days(secs: i64) -> i64 {
    secs.div_euclid(86_400)
}

/// The alarms of a device at `now`: the one rule (see [`FleetThresholds`]).
pub fn alarms(
    device: &Device,
    last_contact: Option<Timestamp>,
    health: Option<&HeldHealth>,
    newest: &str,
    t: &FleetThresholds,
    now: Timestamp,
) -> Vec<Alarm> {
    let mut out = vec![];
    if device.revoked_at.is_some() {
        return out;
    }
    let mut alarm = |code, message: String| out.push(Alarm { code, message });
    let since = last_contact.unwrap_or(device.registered_at);
    let silent = now.saturating_sub(since);
    if silent >= i64::from(t.silent_days) * 86_400 {
        alarm(
            "silent",
            match last_contact {
                Some(_) => format!("Không liên lạc {} ngày", days(silent)),
                None => format!("Chưa liên lạc lần nào từ khi đăng ký ({} ngày)", days(silent)),
            },
        );
    }
    let Some(h) = health else { return out };
    let r = &h.report;
    if r.unsent > 0
        && let Some(age) = r.oldest_unsent_age_secs
    {
        // Still unsent at the report; nothing newer says otherwise.
        let age = i64::try_from(age).unwrap_or(i64::MAX).saturating_add(now - h.received_at);
        if age >= i64::from(t.unsent_days) * 86_400 {
            alarm("unsent_old", format!("{} hồ sơ chưa gửi, cũ nhất {} ngày", r.unsent, days(age)));
        }
    }
    match r.printer {
        PrinterState::OutOfPaper => alarm("out_of_paper", "Máy in hết giấy".into()),
        PrinterState::Offline => alarm("printer_offline", "Máy in không hoạt động".into()),
        _ => {}
    }
    if let (Some(free), Some(total)) = (r.disk_free_bytes, r.disk_total_bytes) {
        let low_mb = free < t.disk_min_mb.saturating_mul(1_000_000);
        let low_share = u128::from(free) * 100 < u128::from(total) * u128::from(t.disk_min_percent);
        if low_mb || low_share {
            alarm("disk_nearly_full", format!("Bộ nhớ sắp đầy: còn {} MB", free / 1_000_000));
        }
    }
    if table_is_old(&r.table_version, newest) {
        alarm("old_table", format!("Bảng chính sách cũ: {} (mới nhất {newest})", r.table_version));
    }
    if let Some(offset) = clock_offset(h)
        && offset.unsigned_abs() > u64::from(t.clock_off_minutes) * 60
    {
        let way = if offset > 0 { "nhanh" } else { "chậm" };
        alarm("clock_off", format!("Đồng hồ {way} {} phút", offset.unsigned_abs() / 60));
    }
    if let Some(b) = r.battery
        && b.percent <= t.battery_low_percent
        && !matches!(b.charging, Charging::Charging | Charging::Full)
    {
        alarm("battery_low", format!("Pin yếu: {} %", b.percent));
    }
    out
}

fn view(h: &HeldHealth) -> HealthView {
    let r = &h.report;
    HealthView {
        seq: r.seq,
        made_at: r.made_at,
        received_at: h.received_at,
        via: h.via,
        app_version: r.app_version.clone(),
        table_version: r.table_version.clone(),
        unsent: r.unsent,
        oldest_unsent_age_secs: r.oldest_unsent_age_secs,
        quarantined: r.quarantined,
        printer: r.printer.code(),
        disk_free_bytes: r.disk_free_bytes,
        disk_total_bytes: r.disk_total_bytes,
        clock_offset_secs: clock_offset(h),
        battery_percent: r.battery.map(|b| b.percent),
        battery_charging: r.battery.map(|b| b.charging.code()),
        uptime_secs: r.uptime_secs,
        last_restart: r.last_restart.code(),
    }
}

/// What importing a `.health` file did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HealthImport {
    /// The device.
    pub device_id: u64,
    /// The report's number.
    pub seq: u64,
    /// Kept as the device's latest (false: the hub holds a newer one).
    pub kept: bool,
}

impl Hub {
    /// Decodes a signed report and checks its device and signature, as [`Hub`] checks a batch.
    fn verified_health(&self, bytes: &[u8], unknown: Refusal) -> Result<HealthReport, HubError> {
        let unverified = UnverifiedHealth::decode(bytes).map_err(|e| wire_refusal(&e))?;
        let device = self.store().device(unverified.body.device_id)?;
        let key = self.key_to_check(device.as_ref())?;
        let signed = unverified.verify(&key);
        let Some(device) = device else { return Err(unknown.into()) };
        let report = signed.map_err(|e| wire_refusal(&e))?;
        if device.revoked_at.is_some() {
            return Err(Refusal::DeviceRevoked.into());
        }
        Ok(report)
    }

    /// Takes a network health report (`POST /v1/health`); returns the signed answer with the
    /// hub's time. A report not newer than the one held changes nothing and is answered all
    /// the same.
    pub fn ingest_health(&self, bytes: &[u8], now: Timestamp) -> Result<Vec<u8>, HubError> {
        let report = self.verified_health(bytes, Refusal::BadSignature)?;
        // Counted once the signature holds, in the device's batch quota.
        self.take_batch(report.device_id, now)?;
        let (device_id, seq) = (report.device_id, report.seq);
        self.store().put_health(&HeldHealth { report, received_at: now, via: Via::Network })?;
        let ack = HealthAck { version: HEALTH_VERSION, device_id, seq, server_time: now };
        ansinh_wire::sign_health_ack(&ack, &self.keys().signing).map_err(|_| {
            HubError::Internal(Error::Corrupt("health answer over the size limit".into()))
        })
    }

    /// `ansinh-hub import`: a device's `.health` file from a USB stick.
    pub fn import_health_file(&self, path: &Path, now: Timestamp) -> Result<HealthImport> {
        let len = std::fs::metadata(path).map_err(io(path))?.len();
        if len > ansinh_wire::health::MAX_HEALTH_BYTES as u64 {
            return Err(Error::Bundle("the file is larger than a health report can be".into()));
        }
        let bytes = std::fs::read(path).map_err(io(path))?;
        let report = self.verified_health(&bytes, Refusal::UnknownDevice).map_err(|e| match e {
            HubError::Refused(r) => Error::Bundle(format!("{}: {}", r.code(), r.message())),
            HubError::Internal(e) => e,
        })?;
        let (device_id, seq) = (report.device_id, report.seq);
        let kept =
            self.store().put_health(&HeldHealth { report, received_at: now, via: Via::Usb })?;
        Ok(HealthImport { device_id, seq, kept })
    }

    /// When the fleet raises alarms (at start, or while serving).
    pub fn set_fleet_thresholds(&self, thresholds: FleetThresholds) {
        *self.fleet.write().unwrap_or_else(std::sync::PoisonError::into_inner) = thresholds;
    }

    /// When the fleet raises alarms.
    pub fn fleet_thresholds(&self) -> FleetThresholds {
        *self.fleet.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every device with its collection point, last contact, latest report and alarms at
    /// `now`, by id.
    pub fn fleet(&self, now: Timestamp) -> Result<Vec<FleetRow>> {
        let thresholds = self.fleet_thresholds();
        let newest = newest_table();
        let mut reports: std::collections::HashMap<u64, HeldHealth> =
            self.store().health_reports()?.into_iter().map(|h| (h.report.device_id, h)).collect();
        let mut rows = vec![];
        for d in self.store().devices()? {
            let health = reports.remove(&d.id);
            let last_contact = match (d.last_seen_at, health.as_ref().map(|h| h.received_at)) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            let alarms = alarms(&d, last_contact, health.as_ref(), &newest, &thresholds, now);
            rows.push(FleetRow {
                device_id: d.id,
                collection_point: self.store().assignment(d.id)?.collection_point,
                label: d.label,
                revoked: d.revoked_at.is_some(),
                registered_at: d.registered_at,
                last_contact,
                health: health.as_ref().map(view),
                alarms,
            });
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_wire::health::{Battery, RestartReason};

    const NOW: Timestamp = 1_800_000_000;
    const DAY: i64 = 86_400;

    fn device() -> Device {
        Device {
            id: 7,
            label: "x".into(),
            public_key: [0; 32],
            wrapped_receipt_key: None,
            registered_at: NOW - 30 * DAY,
            revoked_at: None,
            last_counter: 0,
            last_seen_at: None,
        }
    }

    fn healthy() -> HeldHealth {
        HeldHealth {
            report: HealthReport {
                version: HEALTH_VERSION,
                device_id: 7,
                seq: 1,
                made_at: NOW,
                app_version: "0.1.0".into(),
                table_version: newest_table(),
                unsent: 0,
                oldest_unsent_age_secs: None,
                quarantined: 0,
                printer: PrinterState::Ready,
                disk_free_bytes: Some(4_000_000_000),
                disk_total_bytes: Some(8_000_000_000),
                clock_offset_secs: Some(0),
                battery: Some(Battery { percent: 80, charging: Charging::Discharging }),
                uptime_secs: Some(600),
                last_restart: RestartReason::Clean,
            },
            received_at: NOW,
            via: Via::Network,
        }
    }

    fn codes(
        h: Option<&HeldHealth>,
        contact: Option<Timestamp>,
        now: Timestamp,
    ) -> Vec<&'static str> {
        alarms(&device(), contact, h, &newest_table(), &FleetThresholds::default(), now)
            .into_iter()
            .map(|a| a.code)
            .collect()
    }

    #[test]
    fn a_healthy_device_raises_none_and_each_state_its_own() {
        let t = FleetThresholds::default();
        assert!(codes(Some(&healthy()), Some(NOW), NOW).is_empty());
        assert_eq!(codes(None, None, NOW), ["silent"], "never heard of in 30 days");
        assert!(codes(None, Some(NOW - 2 * DAY), NOW).is_empty());
        assert_eq!(codes(Some(&healthy()), Some(NOW), NOW + 3 * DAY), ["silent"]);

        let with = |f: &dyn Fn(&mut HeldHealth)| {
            let mut h = healthy();
            f(&mut h);
            codes(Some(&h), Some(NOW), NOW)
        };
        assert_eq!(with(&|h| h.report.printer = PrinterState::OutOfPaper), ["out_of_paper"]);
        assert_eq!(with(&|h| h.report.printer = PrinterState::Offline), ["printer_offline"]);
        assert!(with(&|h| h.report.printer = PrinterState::PaperLow).is_empty());
        assert_eq!(
            with(&|h| {
                h.report.unsent = 4;
                h.report.oldest_unsent_age_secs = Some(2 * 86_400);
            }),
            ["unsent_old"]
        );
        assert!(
            with(&|h| {
                h.report.unsent = 4;
                h.report.oldest_unsent_age_secs = Some(86_400);
            })
            .is_empty()
        );
        assert_eq!(with(&|h| h.report.disk_free_bytes = Some(150_000_000)), ["disk_nearly_full"]);
        assert_eq!(
            with(&|h| {
                h.report.disk_total_bytes = Some(100_000_000_000);
                h.report.disk_free_bytes = Some(4_000_000_000);
            }),
            ["disk_nearly_full"],
            "4 % of the partition"
        );
        assert_eq!(with(&|h| h.report.table_version = "VN-2025-01-01".into()), ["old_table"]);
        assert!(with(&|h| h.report.table_version = "VN-2099-01-01".into()).is_empty());
        assert_eq!(with(&|h| h.report.made_at = NOW - 11 * 60), ["clock_off"]);
        assert!(with(&|h| h.report.made_at = NOW + 9 * 60).is_empty());
        assert_eq!(
            with(&|h| {
                h.via = Via::Usb;
                h.report.clock_offset_secs = Some(3600);
            }),
            ["clock_off"],
            "from a stick, the device's own measure"
        );
        let low = |charging| {
            with(&|h| h.report.battery = Some(Battery { percent: t.battery_low_percent, charging }))
        };
        assert_eq!(low(Charging::Discharging), ["battery_low"]);
        assert!(low(Charging::Charging).is_empty());
        let mut revoked = device();
        revoked.revoked_at = Some(NOW);
        let mut h = healthy();
        h.report.printer = PrinterState::OutOfPaper;
        assert!(alarms(&revoked, None, Some(&h), &newest_table(), &t, NOW + 9 * DAY).is_empty());
    }

    #[test]
    fn table_versions_are_compared_by_date() {
        let newest = newest_table();
        assert!(!table_is_old(&newest, &newest));
        assert!(table_is_old("VN-2026-01-01", &newest));
        assert!(!table_is_old("VN-2999-01-01", &newest), "a newer table the hub does not know");
    }
}
