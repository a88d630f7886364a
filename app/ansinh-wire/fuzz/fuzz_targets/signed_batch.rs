//! Signed batches (`POST /v1/batches`) and USB bundles (`ansinh-hub import`): one format, told
//! apart by the channel.
//!
//! - Any bytes as a message off the wire: decoding stays within the protocol's bounds and no
//!   signature verifies on bytes the fuzzer made, under the device's key nor under a weak key
//!   (as the lax check would let anyone do).
//! - Any bytes as a batch body a device signs: the signed message fits `MAX_BODY_BYTES` (or
//!   signing says the batch is too large, and it is), decodes and verifies back to the same
//!   batch, is refused under another key and as an acknowledgement, and with any one byte
//!   changed.
#![no_main]

use ansinh_wire::{
    BatchBody, Error, MAX_AUDIT_ENTRIES, MAX_AUDIT_TEXT, MAX_BODY_BYTES, MAX_RECORDS,
    MAX_SEALED_BYTES, PROTOCOL_VERSION, UnverifiedBatch, open_ack, sign_batch,
};
use ansinh_wire_fuzz::{SIGNED_FRAMING_MAX, changed, device_key, server_key, weak_key};
use libfuzzer_sys::fuzz_target;

fn within_record_bounds(body: &BatchBody) -> bool {
    body.records.len() <= MAX_RECORDS
        && body.records.iter().all(|r| r.sealed.len() <= MAX_SEALED_BYTES)
        && body.audit.len() <= MAX_AUDIT_ENTRIES
        && body
            .audit
            .iter()
            .all(|e| [&e.agent_code, &e.event, &e.detail].iter().all(|t| t.len() <= MAX_AUDIT_TEXT))
}

fuzz_target!(|data: &[u8]| {
    let device = device_key();
    if let Ok(unverified) = UnverifiedBatch::decode(data) {
        assert!(data.len() <= MAX_BODY_BYTES);
        assert_eq!(unverified.body.version, PROTOCOL_VERSION);
        assert!(within_record_bounds(&unverified.body), "a decoded batch is over a bound");
        let verdict = unverified.verify(&device.verifying_key());
        assert_eq!(verdict.err(), Some(Error::BadSignature), "a batch the fuzzer made verified");
        let weak = UnverifiedBatch::decode(data).and_then(|u| u.verify(&weak_key()));
        assert_eq!(weak.err(), Some(Error::BadSignature), "verified under a weak key");
    }

    // The rest of the input after the body says which byte to change.
    let Ok((body, edit)) = postcard::take_from_bytes::<BatchBody>(data) else { return };
    let signed = match sign_batch(&body, &device) {
        Ok(signed) => signed,
        Err(Error::TooLarge(_)) => {
            let encoded = postcard::to_stdvec(&body).map_or(usize::MAX, |b| b.len());
            assert!(
                !within_record_bounds(&body)
                    || encoded.saturating_add(SIGNED_FRAMING_MAX) > MAX_BODY_BYTES,
                "a batch within every bound was refused as too large"
            );
            return;
        }
        Err(e) => panic!("signing a batch failed: {e}"),
    };
    assert!(signed.len() <= MAX_BODY_BYTES);
    assert!(within_record_bounds(&body), "a batch over a bound was signed");
    if body.version != PROTOCOL_VERSION {
        let decoded = UnverifiedBatch::decode(&signed).map(|u| u.body);
        assert_eq!(decoded, Err(Error::UnsupportedVersion(body.version)));
        return;
    }
    let decoded = UnverifiedBatch::decode(&signed).and_then(|u| u.verify(&device.verifying_key()));
    assert_eq!(decoded.as_ref(), Ok(&body), "a signed batch does not come back the same");
    let other =
        UnverifiedBatch::decode(&signed).and_then(|u| u.verify(&server_key().verifying_key()));
    assert_eq!(other.err(), Some(Error::BadSignature), "verified under another key");
    assert!(open_ack(&signed, &device.verifying_key()).is_err(), "a batch opened as an ack");
    if let Some(changed) = changed(&signed, edit) {
        let verdict =
            UnverifiedBatch::decode(&changed).and_then(|u| u.verify(&device.verifying_key()));
        assert!(verdict.is_err(), "a batch with a changed byte verified");
    }
});
