//! What the wire targets share: keys made from fixed bytes (so a crash replays, and the
//! fuzzer never holds them) and a one-byte change of a message.

use ed25519_dalek::{SigningKey, VerifyingKey};

/// A device's identity in the targets.
pub fn device_key() -> SigningKey {
    SigningKey::from_bytes(&[0x5d; 32])
}

/// The collection server's signing key in the targets.
pub fn server_key() -> SigningKey {
    SigningKey::from_bytes(&[0xa7; 32])
}

/// A weak (small-order) public key, the identity: the lax signature check accepts, under it,
/// a signature anyone can make (R the identity, s = 0).
pub fn weak_key() -> VerifyingKey {
    let mut identity = [0u8; 32];
    identity[0] = 1;
    VerifyingKey::from_bytes(&identity).expect("the identity is a point")
}

/// `bytes` with one byte changed as `edit` says (two bytes of position, then a non-zero XOR
/// mask), or `None` when `edit` asks for no change.
pub fn changed(bytes: &[u8], edit: &[u8]) -> Option<Vec<u8>> {
    let [low, high, mask, ..] = *edit else { return None };
    if mask == 0 || bytes.is_empty() {
        return None;
    }
    let at = usize::from(u16::from_le_bytes([low, high])) % bytes.len();
    let mut out = bytes.to_vec();
    out[at] ^= mask;
    Some(out)
}

/// The most a signature and its framing add to a body: the body's length prefix (a varint of
/// at most 3 bytes below `MAX_BODY_BYTES`), the signature's length (1 byte) and 64 bytes.
pub const SIGNED_FRAMING_MAX: usize = 3 + 1 + 64;
