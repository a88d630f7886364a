//! Signed policy tables: what a device fetches from the hub (`GET /v1/policy/latest`) or reads
//! from a USB stick before installing it.
//!
//! - Any bytes as a signed table: no signature verifies on bytes the fuzzer made, under the
//!   policy key nor under a weak key, and peeking at them never panics.
//! - Any bytes as a table body the hub signs: it opens back to the same body (or to an
//!   unsupported format, when it says another), never under another key, never as an
//!   acknowledgement, and never with any one byte changed.
#![no_main]

use ansinh_wire::policy::{POLICY_FORMAT_VERSION, PolicyBody, open_policy, peek_policy, sign_policy};
use ansinh_wire::{Error, MAX_BODY_BYTES, open_ack};
use ansinh_wire_fuzz::{changed, device_key, server_key, weak_key};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let policy = server_key();
    let opened = open_policy(data, &policy.verifying_key());
    assert!(opened.is_err(), "a table the fuzzer made verified: {opened:?}");
    assert!(open_policy(data, &weak_key()).is_err(), "a table verified under a weak key");
    let _ = peek_policy(data);

    let Ok((body, edit)) = postcard::take_from_bytes::<PolicyBody>(data) else { return };
    let signed = match sign_policy(&body, &policy) {
        Ok(signed) => signed,
        // Out of the message's bounds (a table too large, a version or date of another form):
        // refused before signing.
        Err(Error::TooLarge(_) | Error::Malformed) => return,
        Err(e) => panic!("signing a table failed: {e}"),
    };
    assert!(signed.len() <= MAX_BODY_BYTES);
    let opened = open_policy(&signed, &policy.verifying_key());
    if body.format == POLICY_FORMAT_VERSION {
        assert_eq!(opened.as_ref(), Ok(&body), "a signed table does not come back the same");
    } else {
        assert_eq!(opened, Err(Error::UnsupportedVersion(body.format)));
    }
    assert!(open_policy(&signed, &device_key().verifying_key()).is_err());
    assert!(open_ack(&signed, &policy.verifying_key()).is_err(), "a table passed as an ack");
    if let Some(changed) = changed(&signed, edit) {
        assert!(open_policy(&changed, &policy.verifying_key()).is_err(), "a changed table opened");
    }
});
