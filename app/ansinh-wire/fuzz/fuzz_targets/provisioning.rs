//! The provisioning token as staff type it (`ansinh_wire::provisioning::ProvisioningToken`)
//! and the detached signature of a USB configuration file (`verify_config`), both read from
//! outside the device: a token that parses writes back as the same token (its secret 32 hex
//! digits, its fingerprint 32), pins nothing it does not carry, and no signature the fuzzer
//! makes verifies for any file under the configuration key.
#![no_main]

use ansinh_wire::provisioning::{ProvisioningToken, token_secret, verify_config};
use ed25519_dalek::SigningKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(token) = ProvisioningToken::parse(text) {
            assert_eq!(token.secret.len(), 32);
            assert_eq!(token_secret(text).to_ascii_lowercase(), token.secret);
            let again = ProvisioningToken::parse(&token.to_text());
            assert_eq!(again.as_ref().ok(), Some(&token), "a token does not round-trip");
        }
    }
    let key = SigningKey::from_bytes(&[0x3c; 32]).verifying_key();
    let cut = data.first().map_or(0, |&b| usize::from(b)).min(data.len());
    let (signature, file) = data.split_at(cut);
    assert!(verify_config(file, signature, &key).is_err(), "a made-up signature verified");
});
