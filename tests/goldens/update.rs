//! The update offer (`ansinh_wire::update`, PROTOCOL.md "Software updates"): what
//! `GET /v1/update/latest` answers, pinned by `tests/golden/wire/update-offer.bin` (with a hex
//! dump beside it), and read back.

use ansinh_tests::golden;
use ansinh_wire::update::{UPDATE_FORMAT_VERSION, UpdateOffer, decode_offer, encode_offer};

/// The example of PROTOCOL.md: version 1.2.0, 157,286,400 bytes (150 MiB), SHA-256 `ab`×32.
fn example() -> UpdateOffer {
    UpdateOffer {
        format: UPDATE_FORMAT_VERSION,
        version: "1.2.0".into(),
        size: 150 * 1024 * 1024,
        sha256: [0xab; 32],
    }
}

#[test]
fn the_update_offer_is_byte_exact() -> Result<(), Box<dyn std::error::Error>> {
    let bytes = encode_offer(&example())?;
    golden::check_bytes("wire/update-offer.bin", &bytes)?;
    let hex: Vec<String> = bytes.chunks(32).map(hex::encode).collect();
    golden::check_bytes("wire/update-offer.hex", (hex.join("\n") + "\n").as_bytes())?;
    assert_eq!(decode_offer(&bytes)?, example());
    // Format, version (5 bytes), size (varint), the 32 bytes of the hash (an array: no length).
    assert_eq!(&bytes[..7], &[0x01, 0x05, b'1', b'.', b'2', b'.', b'0']);
    assert_eq!(bytes.len(), 7 + 4 + 32);
    Ok(())
}
