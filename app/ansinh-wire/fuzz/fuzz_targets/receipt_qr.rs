//! The receipt QR code in both forms (`ANSINH1:...` and the URL `.../R/2/...`), scanned off
//! paper and checked by the collection server (`receipt_qr::verify`).
//!
//! - Any text as a scanned code: it verifies only if it is exactly the code the device makes
//!   for the fields it carries (no other spelling, no other MAC; a URL's unsigned base aside),
//!   and never with a key shorter than `MIN_KEY_BYTES`.
//! - Any fields: each form fits its bound (`MAX_PAYLOAD`, `MAX_URL`), uses only the QR
//!   alphanumeric characters, verifies back to the same fields, not under another key, and not
//!   with a byte of its signed part changed.
#![no_main]

use ansinh_wire::Error;
use ansinh_wire::receipt_qr::{
    Code, Fields, Form, MAX_PAYLOAD, MAX_URL, MIN_KEY_BYTES, UrlBase, payload, url, verify,
};
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
            let form = Code::parse(text).map(|c| c.form());
            if form == Ok(Form::Url) {
                let base = UrlBase::from_server_url("https://hub.example.vn").expect("a base");
                let made = url(&base, &fields, &KEY).expect("a URL");
                let route = made.split_once("/R/").map(|(_, r)| r).expect("a route");
                assert!(text.ends_with(route), "another spelling verified: {text}");
            } else {
                let made = payload(&fields, &KEY);
                assert_eq!(made.as_deref(), Ok(text), "another spelling verified");
            }
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
    let base = UrlBase::from_server_url("https://hub.example.vn").expect("a base");
    let link = url(&base, &fields, &KEY).expect("a long enough key makes a URL");
    assert!(link.len() <= MAX_URL, "{} characters: over MAX_URL", link.len());
    assert!(link.bytes().all(|b| QR_ALPHANUMERIC.contains(&b)), "not QR alphanumeric: {link}");
    assert_eq!(verify(&link, &KEY), Ok(fields));
    assert_eq!(verify(&link, &[8; 32]), Err(Error::BadReceiptMac), "verified under another key");
    // Only the route after `/R/` is signed; the base may be any (a hub may move).
    let (head, route) = link.split_at(link.find("/R/").expect("a route") + 3);
    if let Some(bytes) = changed(route.as_bytes(), &data[40..])
        && let Ok(text) = String::from_utf8(bytes)
    {
        assert!(verify(&format!("{head}{text}"), &KEY).is_err(), "a changed URL verified: {text}");
    }
});
