//! Health reports (`POST /v1/health`, a stick's `NAME.health`), read by the hub, and the hub's
//! answer, read by the device.
//!
//! - Any bytes as a report or an answer: never a panic, and no signature verifies on bytes the
//!   fuzzer made, under the device's or the server's key nor under a weak key.
//! - Any bytes as a report body the device signs: signed only within the bounds (texts of
//!   32 bytes, a battery of 100 %), and then it decodes back to the same report (or to an
//!   unsupported version, when it says another), never under another key, never as a batch or
//!   an answer, and never with any one byte changed.
#![no_main]

use ansinh_wire::health::{
    HEALTH_VERSION, HealthReport, MAX_HEALTH_BYTES, MAX_HEALTH_TEXT, UnverifiedHealth,
    open_health_ack, sign_health,
};
use ansinh_wire::{Error, UnverifiedBatch};
use ansinh_wire_fuzz::{changed, device_key, server_key, weak_key};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let device = device_key();
    let server = server_key();
    if let Ok(u) = UnverifiedHealth::decode(data) {
        assert!(u.body.app_version.len() <= MAX_HEALTH_TEXT);
        assert!(u.body.battery.is_none_or(|b| b.percent <= 100));
        assert!(u.verify(&device.verifying_key()).is_err(), "a report the fuzzer made verified");
    }
    if let Ok(u) = UnverifiedHealth::decode(data) {
        assert!(u.verify(&weak_key()).is_err(), "a report verified under a weak key");
    }
    assert!(open_health_ack(data, &server.verifying_key()).is_err(), "an answer the fuzzer made");
    assert!(open_health_ack(data, &weak_key()).is_err(), "an answer under a weak key");

    let Ok((report, edit)) = postcard::take_from_bytes::<HealthReport>(data) else { return };
    let within = report.app_version.len() <= MAX_HEALTH_TEXT
        && report.table_version.len() <= MAX_HEALTH_TEXT
        && report.battery.is_none_or(|b| b.percent <= 100);
    let signed = match sign_health(&report, &device) {
        Ok(signed) => signed,
        Err(Error::TooLarge(_) | Error::Malformed) => {
            assert!(!within, "a report within the bounds was refused: {report:?}");
            return;
        }
        Err(e) => panic!("signing a report failed: {e}"),
    };
    assert!(within, "a report past the bounds was signed: {report:?}");
    assert!(signed.len() <= MAX_HEALTH_BYTES);
    let read = UnverifiedHealth::decode(&signed).and_then(|u| u.verify(&device.verifying_key()));
    if report.version == HEALTH_VERSION {
        assert_eq!(read.as_ref(), Ok(&report), "a signed report does not come back the same");
    } else {
        assert_eq!(read, Err(Error::UnsupportedVersion(report.version)));
    }
    let other = UnverifiedHealth::decode(&signed).and_then(|u| u.verify(&server.verifying_key()));
    assert!(other.is_err(), "a report verified under another key");
    let as_batch = UnverifiedBatch::decode(&signed).and_then(|u| u.verify(&device.verifying_key()));
    assert!(as_batch.is_err(), "a report passed as a batch");
    assert!(open_health_ack(&signed, &device.verifying_key()).is_err(), "a report as an answer");
    if let Some(changed) = changed(&signed, edit) {
        let read = UnverifiedHealth::decode(&changed).and_then(|u| u.verify(&device.verifying_key()));
        assert!(read.is_err(), "a changed report verified");
    }
});
