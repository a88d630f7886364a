//! A configuration file from a USB stick (`ansinh_device::config::Config::from_usb`), with a
//! signature file the fuzzer makes (or the server's real one): on a registered device nothing
//! is accepted without the server's signature over the exact bytes, and what is accepted
//! carries no PIN, key, token, server or demonstration setting; on a device never registered,
//! an unsigned stick gives at most where to register.
#![no_main]

use ansinh_device::Registration;
use ansinh_device::config::Config;
use ed25519_dalek::SigningKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte chooses: sign the rest for real, or split it into file and signature.
    let Some((&mode, rest)) = data.split_first() else { return };
    let key = SigningKey::from_bytes(&[0x5c; 32]);
    let registration = Registration {
        server_url: "https://thu.example.vn".into(),
        device_id: 1,
        server_signing_key: String::new(),
        receipt_key: String::new(),
        config_signing_key: hex::encode(key.verifying_key().as_bytes()),
        assignment: ansinh_wire::Assignment::default(),
        policy_signing_key: String::new(),
    };
    let (file, signature, genuine) = if mode % 2 == 0 {
        (rest, ansinh_wire::provisioning::sign_config(rest, &key).into_bytes(), true)
    } else {
        let cut = usize::from(mode / 2).min(rest.len());
        (&rest[cut..], rest[..cut].to_vec(), false)
    };
    match Config::from_usb(file, Some(&signature), Some(&registration)) {
        Ok(c) => {
            assert!(genuine, "a signature the fuzzer made was accepted");
            assert!(c.staff_pin_hash.is_none() && c.provisioning_token.is_none());
            assert!(c.ca_file.is_none() && c.server_url.is_none() && c.demo.is_none());
            let text = std::str::from_utf8(file).expect("an accepted file is text");
            assert_eq!(Config::parse(text).ok(), Some(c), "accepted as the file says");
        }
        Err(_) => {}
    }
    assert!(Config::from_usb(file, None, Some(&registration)).is_err(), "accepted unsigned");
    if let Ok(c) = Config::from_usb(file, None, None) {
        let first = Config {
            server_url: c.server_url.clone(),
            provisioning_token: c.provisioning_token.clone(),
            ..Config::default()
        };
        assert_eq!(c, first, "an unregistered device took more than where to register");
    }
});
