//! Acknowledgements: the server's answer to a batch (`POST /v1/batches`) and the `.ack` file
//! it writes for a USB bundle, read back by the device (`ansinh import-ack`).
//!
//! - Any bytes as an acknowledgement: no signature verifies on bytes the fuzzer made, under
//!   the server's key nor under a weak key, so a forged acknowledgement cannot make a device
//!   forget a record.
//! - Any bytes as an acknowledgement body the server signs: it opens back to the same body
//!   (or to an unsupported version, when it says another), never under another key, never as
//!   a batch, and never with any one byte changed.
#![no_main]

use ansinh_wire::{
    AckBody, Error, MAX_BODY_BYTES, PROTOCOL_VERSION, UnverifiedBatch, open_ack, sign_ack,
};
use ansinh_wire_fuzz::{SIGNED_FRAMING_MAX, changed, device_key, server_key, weak_key};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let server = server_key();
    let opened = open_ack(data, &server.verifying_key());
    assert!(opened.is_err(), "an acknowledgement the fuzzer made verified: {opened:?}");
    let weak = open_ack(data, &weak_key());
    assert!(weak.is_err(), "an acknowledgement verified under a weak key: {weak:?}");

    let Ok((body, edit)) = postcard::take_from_bytes::<AckBody>(data) else { return };
    let signed = match sign_ack(&body, &server) {
        Ok(signed) => signed,
        Err(Error::TooLarge(_)) => {
            let encoded = postcard::to_stdvec(&body).map_or(usize::MAX, |b| b.len());
            assert!(encoded.saturating_add(SIGNED_FRAMING_MAX) > MAX_BODY_BYTES);
            return;
        }
        Err(e) => panic!("signing an acknowledgement failed: {e}"),
    };
    assert!(signed.len() <= MAX_BODY_BYTES);
    let opened = open_ack(&signed, &server.verifying_key());
    if body.version == PROTOCOL_VERSION {
        assert_eq!(
            opened.as_ref(),
            Ok(&body),
            "a signed acknowledgement does not come back the same"
        );
    } else {
        assert_eq!(opened, Err(Error::UnsupportedVersion(body.version)));
    }
    let other = open_ack(&signed, &device_key().verifying_key());
    assert!(other.is_err(), "an acknowledgement opened under another key");
    let as_batch = UnverifiedBatch::decode(&signed).and_then(|u| u.verify(&server.verifying_key()));
    assert!(as_batch.is_err(), "an acknowledgement passed as a batch");
    if let Some(changed) = changed(&signed, edit) {
        assert!(
            open_ack(&changed, &server.verifying_key()).is_err(),
            "a changed acknowledgement opened"
        );
    }
});
