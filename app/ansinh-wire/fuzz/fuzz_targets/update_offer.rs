//! The hub's update offer (`GET /v1/update/latest`), read by the device, and the bundle file
//! names it derives from a version.
//!
//! - Any bytes as an offer: never a panic; an offer that decodes has a version updates can
//!   order and a size within the bounds, and encodes back to an offer that decodes the same.
//! - Any text as a version or a bundle's file name: never a panic, and a file name made from a
//!   version reads back as that version.
#![no_main]

use ansinh_wire::update::{
    MAX_BUNDLE_BYTES, bundle_file_name, decode_offer, encode_offer, parse_version,
    version_of_file_name,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(offer) = decode_offer(data) {
        assert!(parse_version(&offer.version).is_some(), "an offer of an unordered version");
        assert!(offer.size > 0 && offer.size <= MAX_BUNDLE_BYTES, "an offer out of bounds");
        let again = encode_offer(&offer).expect("a decoded offer encodes");
        assert_eq!(decode_offer(&again).as_ref().ok(), Some(&offer), "re-encoded offer differs");
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    let version = parse_version(text);
    assert_eq!(version_of_file_name(&bundle_file_name(text)), version, "file name of {text:?}");
    let _ = version_of_file_name(text);
});
