//! A device's health report: what the hub's fleet page shows of each device (software and
//! table versions, what waits to be sent, printer, disk, clock, battery, uptime, how it last
//! restarted), and the hub's signed answer carrying its time.
//!
//! - The report is its own message, with its own format version ([`HEALTH_VERSION`]) and
//!   domain tag, signed by the device key: it travels once per sync round over the network
//!   (`POST /v1/health`), even when nothing is unsent (that is how the hub knows the device is
//!   alive), and beside each USB export as a `.health` file of the same bytes.
//! - `seq` increases strictly per device, so a report replayed or carried late on a stick
//!   never replaces a newer one.
//! - Every field is bounded: texts at most [`MAX_HEALTH_TEXT`] bytes, counts saturate at
//!   `u32::MAX` on the device, a battery level is 0–100, the whole message at most
//!   [`MAX_HEALTH_BYTES`]. The decoders refuse anything else with an error, never a panic.

use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::{Error, Signed, sign, split, verify};

/// Format version of [`HealthReport`] and [`HealthAck`], first in each body.
pub const HEALTH_VERSION: u16 = 1;
/// Longest text of a report (the app and table versions), bytes.
pub const MAX_HEALTH_TEXT: usize = 32;
/// Largest signed report or answer accepted (a report is about 130 bytes).
pub const MAX_HEALTH_BYTES: usize = 1024;

/// Domain tag of device-signed health reports.
const HEALTH_DOMAIN: &[u8] = b"ansinh/health/v1\0";
/// Domain tag of the server's answer to a health report.
const HEALTH_ACK_DOMAIN: &[u8] = b"ansinh/health-ack/v1\0";

/// The receipt printer as the device last saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrinterState {
    /// The device has no printer configured.
    NoPrinter,
    /// A printer is configured but nothing was printed since the device started.
    Unknown,
    /// The last print went through.
    Ready,
    /// The last print went through and the printer said its roll is nearly finished.
    PaperLow,
    /// The last print failed: out of paper.
    OutOfPaper,
    /// The last print failed: the printer did not answer, its cover is open or it is in error.
    Offline,
}

impl PrinterState {
    /// Stable name (`no_printer`, `unknown`, `ready`, `paper_low`, `out_of_paper`, `offline`).
    pub const fn code(self) -> &'static str {
        match self {
            PrinterState::NoPrinter => "no_printer",
            PrinterState::Unknown => "unknown",
            PrinterState::Ready => "ready",
            PrinterState::PaperLow => "paper_low",
            PrinterState::OutOfPaper => "out_of_paper",
            PrinterState::Offline => "offline",
        }
    }

    /// The state of a stable name ([`PrinterState::code`]).
    pub fn from_code(code: &str) -> Option<Self> {
        [
            PrinterState::NoPrinter,
            PrinterState::Unknown,
            PrinterState::Ready,
            PrinterState::PaperLow,
            PrinterState::OutOfPaper,
            PrinterState::Offline,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// Whether a battery is charging (the kernel's `status` of a power supply).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Charging {
    /// On mains, charging.
    Charging,
    /// On battery.
    Discharging,
    /// On mains, full.
    Full,
    /// On mains, not charging.
    NotCharging,
    /// The kernel does not say.
    Unknown,
}

impl Charging {
    /// Stable name (`charging`, `discharging`, `full`, `not_charging`, `unknown`).
    pub const fn code(self) -> &'static str {
        match self {
            Charging::Charging => "charging",
            Charging::Discharging => "discharging",
            Charging::Full => "full",
            Charging::NotCharging => "not_charging",
            Charging::Unknown => "unknown",
        }
    }
}

/// The battery, where the device has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Battery {
    /// Charge, percent (0–100).
    pub percent: u8,
    /// Charging or not.
    pub charging: Charging,
}

/// How the device's software last started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RestartReason {
    /// Not known (the first start, or a program that does not keep track, like `ansinh`).
    Unknown,
    /// The previous run ended cleanly.
    Clean,
    /// The previous run did not end cleanly: a crash, the watchdog or a power cut.
    Unclean,
}

impl RestartReason {
    /// Stable name (`unknown`, `clean`, `unclean`).
    pub const fn code(self) -> &'static str {
        match self {
            RestartReason::Unknown => "unknown",
            RestartReason::Clean => "clean",
            RestartReason::Unclean => "unclean",
        }
    }
}

/// What a device reports of itself. No personal data: counts, versions, states.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthReport {
    /// [`HEALTH_VERSION`].
    pub version: u16,
    /// The reporting device.
    pub device_id: u64,
    /// Strictly increasing per device: the hub keeps the report of the highest.
    pub seq: u64,
    /// The device's clock when it made the report, Unix seconds.
    pub made_at: i64,
    /// The device software's version (at most [`MAX_HEALTH_TEXT`] bytes).
    pub app_version: String,
    /// The version of the policy table the device prices with (at most [`MAX_HEALTH_TEXT`]).
    pub table_version: String,
    /// Records the server does not hold yet (queued, being sent, quarantined).
    pub unsent: u32,
    /// Age in seconds of the oldest of them.
    pub oldest_unsent_age_secs: Option<u64>,
    /// Of the unsent, quarantined for staff.
    pub quarantined: u32,
    /// The receipt printer.
    pub printer: PrinterState,
    /// Free bytes on the data partition (for the device software), if known.
    pub disk_free_bytes: Option<u64>,
    /// Size of the data partition, bytes, if known.
    pub disk_total_bytes: Option<u64>,
    /// The device's clock minus the time it should show by the hub's last signed time and the
    /// uptime since (same boot only), seconds; `None` when it cannot say.
    pub clock_offset_secs: Option<i64>,
    /// The battery, on a device that has one.
    pub battery: Option<Battery>,
    /// Seconds since the device booted.
    pub uptime_secs: Option<u64>,
    /// How the device software last started.
    pub last_restart: RestartReason,
}

/// The server's answer to a network report: its time, signed, and the report it answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthAck {
    /// [`HEALTH_VERSION`].
    pub version: u16,
    /// The reporting device.
    pub device_id: u64,
    /// The report's `seq`.
    pub seq: u64,
    /// The server's clock when it answered, Unix seconds.
    pub server_time: i64,
}

fn check_report(report: &HealthReport) -> Result<(), Error> {
    if report.app_version.len() > MAX_HEALTH_TEXT || report.table_version.len() > MAX_HEALTH_TEXT {
        return Err(Error::TooLarge("health report text"));
    }
    if report.battery.is_some_and(|b| b.percent > 100) {
        return Err(Error::Malformed);
    }
    Ok(())
}

/// Decodes a body of this format's version: the version alone first, so a newer layout is
/// reported as a version, not as garbage.
fn decode_health<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, Error> {
    let (version, _): (u16, _) = postcard::take_from_bytes(body).map_err(|_| Error::Malformed)?;
    if version != HEALTH_VERSION {
        return Err(Error::UnsupportedVersion(version));
    }
    let (value, rest) = postcard::take_from_bytes(body).map_err(|_| Error::Malformed)?;
    if !rest.is_empty() {
        return Err(Error::Malformed);
    }
    Ok(value)
}

fn split_small(bytes: &[u8]) -> Result<Signed, Error> {
    if bytes.len() > MAX_HEALTH_BYTES {
        return Err(Error::TooLarge("health message"));
    }
    split(bytes)
}

/// Encodes and signs a report with the device key.
pub fn sign_health(report: &HealthReport, device_key: &SigningKey) -> Result<Vec<u8>, Error> {
    check_report(report)?;
    let bytes = sign(
        HEALTH_DOMAIN,
        postcard::to_stdvec(report).map_err(|_| Error::Malformed)?,
        device_key,
    )?;
    if bytes.len() > MAX_HEALTH_BYTES {
        return Err(Error::TooLarge("health message"));
    }
    Ok(bytes)
}

/// A report read from the wire, not yet checked against its device's key.
#[derive(Debug)]
pub struct UnverifiedHealth {
    signed: Signed,
    /// The decoded report (trust it only after [`UnverifiedHealth::verify`]).
    pub body: HealthReport,
}

impl UnverifiedHealth {
    /// Decodes a signed report, bounded; the caller then looks up `body.device_id`'s key.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let signed = split_small(bytes)?;
        let body: HealthReport = decode_health(&signed.body)?;
        check_report(&body)?;
        Ok(Self { signed, body })
    }

    /// Checks the device's signature and returns the report.
    pub fn verify(self, device_key: &VerifyingKey) -> Result<HealthReport, Error> {
        verify(HEALTH_DOMAIN, &self.signed, device_key)?;
        Ok(self.body)
    }
}

/// Encodes and signs the server's answer.
pub fn sign_health_ack(ack: &HealthAck, server_key: &SigningKey) -> Result<Vec<u8>, Error> {
    sign(HEALTH_ACK_DOMAIN, postcard::to_stdvec(ack).map_err(|_| Error::Malformed)?, server_key)
}

/// Decodes the server's answer and checks its signature.
pub fn open_health_ack(bytes: &[u8], server_key: &VerifyingKey) -> Result<HealthAck, Error> {
    let signed = split_small(bytes)?;
    verify(HEALTH_ACK_DOMAIN, &signed, server_key)?;
    decode_health(&signed.body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AckBody, Channel, PROTOCOL_VERSION, UnverifiedBatch, generate_signing_key};

    /// The report of the golden example (PROTOCOL.md, `tests/golden/wire/health.bin`).
    fn example() -> HealthReport {
        HealthReport {
            version: HEALTH_VERSION,
            device_id: 300,
            seq: 5,
            made_at: 1_800_000_000,
            app_version: "0.1.0".into(),
            table_version: "VN-2026-12-06".into(),
            unsent: 3,
            oldest_unsent_age_secs: Some(7_200),
            quarantined: 1,
            printer: PrinterState::OutOfPaper,
            disk_free_bytes: Some(1 << 30),
            disk_total_bytes: Some(8 << 30),
            clock_offset_secs: Some(-90),
            battery: Some(Battery { percent: 18, charging: Charging::Discharging }),
            uptime_secs: Some(3_600),
            last_restart: RestartReason::Unclean,
        }
    }

    #[test]
    fn reports_round_trip_and_forgery_is_refused() -> Result<(), Error> {
        let device = generate_signing_key();
        let bytes = sign_health(&example(), &device)?;
        assert!(bytes.len() < 200, "a report is small: {}", bytes.len());
        let got = UnverifiedHealth::decode(&bytes)?.verify(&device.verifying_key())?;
        assert_eq!(got, example());
        let other = generate_signing_key();
        assert_eq!(
            UnverifiedHealth::decode(&bytes)?.verify(&other.verifying_key()).err(),
            Some(Error::BadSignature)
        );
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x01;
            let r = UnverifiedHealth::decode(&b).and_then(|u| u.verify(&device.verifying_key()));
            assert!(r.is_err(), "flip at {i} accepted");
        }
        for cut in 0..bytes.len() {
            assert!(UnverifiedHealth::decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        Ok(())
    }

    #[test]
    fn bounds_and_versions_are_enforced() -> Result<(), Error> {
        let device = generate_signing_key();
        let mut long = example();
        long.app_version = "x".repeat(MAX_HEALTH_TEXT + 1);
        assert_eq!(sign_health(&long, &device).err(), Some(Error::TooLarge("health report text")));
        let mut full = example();
        full.battery = Some(Battery { percent: 101, charging: Charging::Full });
        assert_eq!(sign_health(&full, &device).err(), Some(Error::Malformed));
        // Signed by a device that skipped the checks: refused by the decoder all the same.
        let signed = sign(HEALTH_DOMAIN, postcard::to_stdvec(&full).unwrap_or_default(), &device)?;
        assert_eq!(UnverifiedHealth::decode(&signed).err(), Some(Error::Malformed));
        let mut future = example();
        future.version = 2;
        let signed =
            sign(HEALTH_DOMAIN, postcard::to_stdvec(&future).unwrap_or_default(), &device)?;
        assert_eq!(UnverifiedHealth::decode(&signed).err(), Some(Error::UnsupportedVersion(2)));
        assert_eq!(
            UnverifiedHealth::decode(&vec![0; MAX_HEALTH_BYTES + 1]).err(),
            Some(Error::TooLarge("health message"))
        );
        Ok(())
    }

    #[test]
    fn no_message_passes_as_another_kind() -> Result<(), Error> {
        let key = generate_signing_key();
        let report = sign_health(&example(), &key)?;
        let as_batch =
            UnverifiedBatch::decode(&report).and_then(|u| u.verify(&key.verifying_key()));
        assert!(as_batch.is_err());
        assert!(open_health_ack(&report, &key.verifying_key()).is_err());
        let ack = HealthAck { version: HEALTH_VERSION, device_id: 300, seq: 5, server_time: 1 };
        let signed = sign_health_ack(&ack, &key)?;
        assert_eq!(open_health_ack(&signed, &key.verifying_key())?, ack);
        assert!(
            UnverifiedHealth::decode(&signed).and_then(|u| u.verify(&key.verifying_key())).is_err()
        );
        assert!(crate::open_ack(&signed, &key.verifying_key()).is_err());
        // A batch acknowledgement is no answer to a report either.
        let batch_ack = AckBody {
            version: PROTOCOL_VERSION,
            device_id: 300,
            channel: Channel::Network { counter: 5 },
            results: vec![],
            audit_through: 0,
            server_time: 1,
            epoch: [0; 16],
        };
        let signed = crate::sign_ack(&batch_ack, &key)?;
        assert!(open_health_ack(&signed, &key.verifying_key()).is_err());
        Ok(())
    }

    #[test]
    fn printer_codes_round_trip() {
        for s in [
            PrinterState::NoPrinter,
            PrinterState::Unknown,
            PrinterState::Ready,
            PrinterState::PaperLow,
            PrinterState::OutOfPaper,
            PrinterState::Offline,
        ] {
            assert_eq!(PrinterState::from_code(s.code()), Some(s));
        }
        assert_eq!(PrinterState::from_code("jammed"), None);
    }
}
