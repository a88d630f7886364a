//! The receipt QR payload (`ANSINH1:...`), scanned off paper and checked by the collection
//! server (`receipt_qr::verify`).
//!
//! - Any text as a scanned code: it verifies only if it is exactly the payload the device
//!   makes for the fields it carries (no other spelling, no other MAC), and never with a key
//!   shorter than `MIN_KEY_BYTES`.
//! - Any fields: the payload fits `MAX_PAYLOAD`, uses only the QR alphanumeric characters,
//!   verifies back to the same fields, not under another key, and not with a byte changed.
#![no_main]

use ansinh_wire::Error;
use ansinh_wire::receipt_qr::{Fields, MAX_PAYLOAD, MIN_KEY_BYTES, payload, verify};
use ansinh_wire_fuzz::changed;
use libfuzzer_sys::fuzz_target;

/// The key of the golden payload in PROTOCOL.md, so a corpus seeded with it reaches the MAC.
const KEY: [u8; 32] = [7; 32];
/// What the QR code's alphanumeric mode can carry.
const QR_ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

fn u64_at(data: &[u8], at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&data[at..at + 8]);
    u64::from_le_bytes(bytes)
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(fields) = verify(text, &KEY) {
            assert_eq!(payload(&fields, &KEY).as_deref(), Ok(text), "another spelling verified");
        }
        let short = verify(text, &KEY[..MIN_KEY_BYTES - 1]);
        assert!(short.is_err(), "a code verified with a short key");
    }

    if data.len() < 40 {
        return;
    }
    let mut record_id = [0u8; 16];
    record_id.copy_from_slice(&data[..16]);
    let fields = Fields {
        record_id,
        receipt_no: u64_at(data, 16),
        amount: u64_at(data, 24),
        device_id: u64_at(data, 32),
    };
    let qr = payload(&fields, &KEY).expect("a long enough key makes a payload");
    assert!(qr.len() <= MAX_PAYLOAD, "{} characters: over MAX_PAYLOAD", qr.len());
    assert!(qr.bytes().all(|b| QR_ALPHANUMERIC.contains(&b)), "not QR alphanumeric: {qr}");
    assert_eq!(verify(&qr, &KEY), Ok(fields));
    assert_eq!(verify(&qr, &[8; 32]), Err(Error::BadReceiptMac), "verified under another key");
    if let Some(bytes) = changed(qr.as_bytes(), &data[40..])
        && let Ok(text) = String::from_utf8(bytes)
    {
        assert!(verify(&text, &KEY).is_err(), "a changed code verified: {text}");
    }
});
