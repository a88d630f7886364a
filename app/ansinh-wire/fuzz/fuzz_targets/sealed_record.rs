//! Sealed records: what the collection server opens from every batch and bundle
//! (`OpeningKey::open`), and what a device seals (`SealingKey::seal`).
//!
//! - Any bytes as a sealed record: never opened (opening authenticates; the plaintext that
//!   follows is `decode_envelope`'s and the hub's `record_rules`' business).
//! - Any bytes as a plaintext: sealing adds exactly `SEAL_OVERHEAD` bytes, opening gives the
//!   plaintext back, another key cannot open it, and one changed byte is refused.
#![no_main]

use ansinh_wire::{OpeningKey, SEAL_OVERHEAD};
use ansinh_wire_fuzz::changed;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let server = OpeningKey::from_bytes([0x3c; 32]);
    assert!(server.open(data).is_err(), "bytes the fuzzer made opened as a sealed record");

    let sealed = server.sealing_key().seal(data).expect("any plaintext seals");
    assert_eq!(sealed.len(), data.len() + SEAL_OVERHEAD);
    let opened = server.open(&sealed).expect("a sealed record opens with its key");
    assert_eq!(opened.as_slice(), data, "opening does not give the plaintext back");
    let stranger = OpeningKey::from_bytes([0xc3; 32]);
    assert!(stranger.open(&sealed).is_err(), "another key opened a sealed record");
    // The input's first bytes say which byte of the sealed record to change.
    if let Some(damaged) = changed(&sealed, data) {
        assert!(server.open(&damaged).is_err(), "a damaged sealed record opened");
    }
});
