//! What a receipt's QR code holds, and the MAC the collection server verifies.
//!
//! Payload (QR alphanumeric mode, so upper-case and `:` only):
//!
//! ```text
//! ANSINH1:<record id, 32 hex>:<receipt no>:<amount, đồng>:<device id>:<MAC, 20 hex>
//! ```
//!
//! The MAC is HMAC-SHA256, keyed with the device's receipt key (the server gave it at
//! registration and keeps a copy), over everything before the last `:`, cut to its first 10
//! bytes. 80 bits leave a forger one chance in 2^80 per guess, and each guess needs the server
//! to check it, while the code stays a version 4 QR (33 modules) that a phone reads off thermal
//! paper. The device makes the payload ([`payload`]), `ansinh-receipt` draws it, the server
//! checks a scanned one ([`verify`]).

use std::fmt::Write;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::Error;

/// The payload's first field: the format and its version.
pub const PREFIX: &str = "ANSINH1";
/// MAC bytes kept.
pub const MAC_BYTES: usize = 10;
/// A bound on the payload's length, which the receipt's QR code is sized for (the longest
/// fields, every number at `u64::MAX`, give 124 characters).
pub const MAX_PAYLOAD: usize = 136;
/// Shortest receipt key accepted.
pub const MIN_KEY_BYTES: usize = 16;

/// What a receipt QR code proves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fields {
    /// The record's id.
    pub record_id: [u8; 16],
    /// Receipt number on the device.
    pub receipt_no: u64,
    /// Cash paid, đồng.
    pub amount: u64,
    /// The device (0 before registration).
    pub device_id: u64,
}

fn body(f: &Fields) -> String {
    let mut s = String::with_capacity(MAX_PAYLOAD);
    // Writing to a String cannot fail.
    let _ = write!(s, "{PREFIX}:");
    for b in f.record_id {
        let _ = write!(s, "{b:02X}");
    }
    let _ = write!(s, ":{}:{}:{}", f.receipt_no, f.amount, f.device_id);
    s
}

fn mac(key: &[u8], body: &str) -> Result<Hmac<Sha256>, Error> {
    // HMAC accepts any key, even none; a device without its key must not print codes that
    // look authentic.
    if key.len() < MIN_KEY_BYTES {
        return Err(Error::ReceiptKey);
    }
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).map_err(|_| Error::ReceiptKey)?;
    m.update(body.as_bytes());
    Ok(m)
}

/// The QR payload for `fields`, authenticated with the device's receipt `key`.
pub fn payload(fields: &Fields, key: &[u8]) -> Result<String, Error> {
    let mut s = body(fields);
    let tag = mac(key, &s)?.finalize().into_bytes();
    s.push(':');
    for b in &tag[..MAC_BYTES] {
        let _ = write!(s, "{b:02X}");
    }
    Ok(s)
}

fn hex_nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Upper-case hex only: the QR alphanumeric mode has no lower case.
fn upper_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let t = text.as_bytes();
    if t.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = hex_nibble(t[2 * i])? << 4 | hex_nibble(t[2 * i + 1])?;
    }
    Some(out)
}

/// Checks a scanned payload with the device's receipt `key` (on the collection server):
/// the fields when the MAC matches, otherwise why not.
pub fn verify(payload: &str, key: &[u8]) -> Result<Fields, Error> {
    let (signed, tag) = payload.rsplit_once(':').ok_or(Error::NotAReceiptCode)?;
    let mut parts = signed.split(':');
    if parts.next() != Some(PREFIX) {
        return Err(Error::NotAReceiptCode);
    }
    let mut next = || parts.next().ok_or(Error::NotAReceiptCode);
    let record_id = upper_hex::<16>(next()?).ok_or(Error::NotAReceiptCode)?;
    let receipt_no = next()?.parse().map_err(|_| Error::NotAReceiptCode)?;
    let amount = next()?.parse().map_err(|_| Error::NotAReceiptCode)?;
    let device_id = next()?.parse().map_err(|_| Error::NotAReceiptCode)?;
    if parts.next().is_some() {
        return Err(Error::NotAReceiptCode);
    }
    let tag = upper_hex::<MAC_BYTES>(tag).ok_or(Error::NotAReceiptCode)?;
    let fields = Fields { record_id, receipt_no, amount, device_id };
    // Recomputed from the parsed fields, so a payload with other spellings of the same
    // numbers (leading zeros) does not verify either.
    if body(&fields).as_str() != signed {
        return Err(Error::NotAReceiptCode);
    }
    mac(key, signed)?.verify_truncated_left(&tag).map_err(|_| Error::BadReceiptMac)?;
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    fn fields() -> Fields {
        Fields { record_id: [0x5a; 16], receipt_no: 12, amount: 924_000, device_id: 3 }
    }

    /// The payload is a contract with every receipt already printed: these characters must not
    /// change within `ANSINH1`.
    #[test]
    fn golden_payload() -> Result<(), Error> {
        let qr = payload(&fields(), &KEY)?;
        assert_eq!(qr, "ANSINH1:5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A:12:924000:3:FB52EB498B759B07FA17");
        assert!(qr.len() <= MAX_PAYLOAD);
        assert_eq!(verify(&qr, &KEY)?, fields());
        Ok(())
    }

    #[test]
    fn the_longest_fields_fit() -> Result<(), Error> {
        let most = Fields {
            record_id: [0xff; 16],
            receipt_no: u64::MAX,
            amount: u64::MAX,
            device_id: u64::MAX,
        };
        let qr = payload(&most, &KEY)?;
        assert_eq!(qr.len(), 124);
        assert!(qr.len() <= MAX_PAYLOAD);
        assert_eq!(verify(&qr, &KEY)?, most);
        Ok(())
    }

    #[test]
    fn a_changed_or_foreign_code_does_not_verify() -> Result<(), Error> {
        let qr = payload(&fields(), &KEY)?;
        assert_eq!(verify(&qr, &[8; 32]), Err(Error::BadReceiptMac), "another device's key");
        let more = qr.replace(":924000:", ":9924000:");
        assert_eq!(verify(&more, &KEY), Err(Error::BadReceiptMac), "a changed amount");
        let padded = qr.replace(":924000:", ":0924000:");
        assert_eq!(verify(&padded, &KEY), Err(Error::NotAReceiptCode), "another spelling");
        let lower = qr.replace("5A5A", "5a5a");
        assert_eq!(verify(&lower, &KEY), Err(Error::NotAReceiptCode), "lower-case hex");
        assert_eq!(verify("ANSINH2:00", &KEY), Err(Error::NotAReceiptCode));
        assert_eq!(verify("", &KEY), Err(Error::NotAReceiptCode));
        assert_eq!(payload(&fields(), &[]).err(), Some(Error::ReceiptKey), "no key, no code");
        assert_eq!(payload(&fields(), &[1; 15]).err(), Some(Error::ReceiptKey), "too short");
        Ok(())
    }
}
