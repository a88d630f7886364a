//! Any bytes: `decode` returns a record or an error, never panics; whatever decodes encodes
//! and decodes again to the same record. (The bytes themselves may differ: postcard accepts a
//! varint with redundant continuation bytes. Deduplication works on the sealed bytes the
//! device committed, so a non-canonical plaintext cannot create a duplicate.)
#![no_main]

use ansinh_enrollment::envelope;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = envelope::decode(data) {
        let bytes = envelope::encode_to_vec(&record).expect("a decoded record encodes");
        assert_eq!(envelope::decode(&bytes).ok(), Some(record), "the record does not round-trip");
    }
});
