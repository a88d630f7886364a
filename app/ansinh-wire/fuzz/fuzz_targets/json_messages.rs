//! The JSON messages: the registration request (read by the hub from
//! `POST /v1/devices/register`), the registration answer and the renewal list (read by the
//! device). One target for the three: they share the decoder (serde_json) and so a corpus of
//! JSON text serves all of them; each input is read as each message.
//!
//! Whatever decodes encodes and decodes again to the same message, and the keys in it are
//! read the way their reader reads them: a key that parses is never a weak (small-order) one,
//! and written back as hex it parses to the same key.
#![no_main]

use std::fmt::Debug;

use ansinh_wire::{
    RegisterRequest, RegisterResponse, RenewalDue, SealingKey, verifying_key_from_hex,
};
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(data: &[u8]) -> Option<T> {
    let message: T = serde_json::from_slice(data).ok()?;
    let again = serde_json::to_vec(&message).expect("a decoded message encodes");
    let back = serde_json::from_slice::<T>(&again).ok();
    assert_eq!(back.as_ref(), Some(&message), "the message does not round-trip");
    Some(message)
}

/// The device's public key (hub) or the server's signing key (device).
fn check_verifying_key(hex_text: &str) {
    if let Ok(key) = verifying_key_from_hex(hex_text) {
        assert!(!key.is_weak(), "a weak key was accepted: {hex_text}");
        let again = verifying_key_from_hex(&hex::encode(key.as_bytes()));
        assert_eq!(again.ok(), Some(key), "a verifying key does not round-trip");
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some(request) = round_trip::<RegisterRequest>(data) {
        check_verifying_key(&request.device_public_key);
    }
    if let Some(answer) = round_trip::<RegisterResponse>(data) {
        // What the device checks before it stores a registration.
        if let Ok(key) = SealingKey::from_hex(&answer.sealing_key) {
            assert_eq!(SealingKey::from_hex(&key.to_hex()).ok(), Some(key));
        }
        check_verifying_key(&answer.server_signing_key);
    }
    let _ = round_trip::<Vec<RenewalDue>>(data);
});
