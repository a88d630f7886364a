//! The receipt's QR code: what it holds, the MAC the collection server verifies, and drawing.
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
//! paper.

use core::fmt::Write;

use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{PrimitiveStyle, Rectangle};
use hmac::{Hmac, Mac};
use qrcodegen_no_heap::{QrCode, QrCodeEcc, Version};
use sha2::Sha256;

use crate::Error;

/// The payload's first field: the format and its version.
pub const PREFIX: &str = "ANSINH1";
/// MAC bytes kept.
pub const MAC_BYTES: usize = 10;
/// Longest payload: prefix, 32 + 10 + 20 + 20 + 20 characters and five separators.
pub const MAX_PAYLOAD: usize = 136;
/// Largest QR version drawn (a payload never needs more than version 5).
const MAX_VERSION: u8 = 6;
/// The encoder's buffers for [`MAX_VERSION`].
const QR_BUFFER: usize = Version::new(MAX_VERSION).buffer_len();

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

fn body(f: &Fields) -> heapless::String<MAX_PAYLOAD> {
    let mut s = heapless::String::new();
    // Fits by construction of MAX_PAYLOAD.
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
    if key.len() < 16 {
        return Err(Error::Key);
    }
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).map_err(|_| Error::Key)?;
    m.update(body.as_bytes());
    Ok(m)
}

/// The QR payload for `fields`, authenticated with the device's receipt `key`.
pub fn payload(fields: &Fields, key: &[u8]) -> Result<heapless::String<MAX_PAYLOAD>, Error> {
    let mut s = body(fields);
    let tag = mac(key, &s)?.finalize().into_bytes();
    let _ = s.push(':');
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

fn hex<const N: usize>(text: &str) -> Option<[u8; N]> {
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
    let (signed, tag) = payload.rsplit_once(':').ok_or(Error::Malformed)?;
    let mut parts = signed.split(':');
    if parts.next() != Some(PREFIX) {
        return Err(Error::Malformed);
    }
    let mut next = || parts.next().ok_or(Error::Malformed);
    let record_id = hex::<16>(next()?).ok_or(Error::Malformed)?;
    let receipt_no = next()?.parse().map_err(|_| Error::Malformed)?;
    let amount = next()?.parse().map_err(|_| Error::Malformed)?;
    let device_id = next()?.parse().map_err(|_| Error::Malformed)?;
    if parts.next().is_some() {
        return Err(Error::Malformed);
    }
    let tag = hex::<MAC_BYTES>(tag).ok_or(Error::Malformed)?;
    let fields = Fields { record_id, receipt_no, amount, device_id };
    // Recomputed from the parsed fields, so a payload with other spellings of the same
    // numbers (leading zeros) does not verify either.
    if body(&fields).as_str() != signed {
        return Err(Error::Malformed);
    }
    mac(key, signed)?.verify_truncated_left(&tag).map_err(|_| Error::BadMac)?;
    Ok(fields)
}

/// Modules per side at [`MAX_VERSION`].
const MAX_SIDE: usize = 17 + 4 * MAX_VERSION as usize;

/// A QR symbol ready to draw: its modules, copied out of the encoder's buffer.
pub struct Symbol {
    side: usize,
    dark: [u8; (MAX_SIDE * MAX_SIDE).div_ceil(8)],
}

impl Symbol {
    /// Encodes `text` (medium error correction: a crease or a smudge still reads).
    pub fn new(text: &str) -> Result<Self, Error> {
        let mut temp = [0u8; QR_BUFFER];
        let mut out = [0u8; QR_BUFFER];
        let qr = QrCode::encode_text(
            text,
            &mut temp,
            &mut out,
            QrCodeEcc::Medium,
            Version::MIN,
            Version::new(MAX_VERSION),
            None,
            true,
        )
        .map_err(|_| Error::TooLong)?;
        let side = qr.size().unsigned_abs() as usize;
        let mut dark = [0u8; (MAX_SIDE * MAX_SIDE).div_ceil(8)];
        for y in 0..side {
            for x in 0..side {
                let (xi, yi) = (i32::try_from(x).unwrap_or(0), i32::try_from(y).unwrap_or(0));
                if qr.get_module(xi, yi) {
                    let i = y * side + x;
                    dark[i / 8] |= 0x80 >> (i % 8);
                }
            }
        }
        Ok(Self { side, dark })
    }

    /// Modules per side.
    pub fn modules(&self) -> u32 {
        u32::try_from(self.side).unwrap_or(0)
    }

    fn is_dark(&self, x: usize, y: usize) -> bool {
        let i = y * self.side + x;
        self.dark[i / 8] & (0x80 >> (i % 8)) != 0
    }

    /// Draws the symbol with its top-left module at `origin`, `module` dots per module (the
    /// quiet zone is the caller's white space).
    pub fn draw<D: DrawTarget<Color = BinaryColor>>(
        &self,
        target: &mut D,
        origin: Point,
        module: u32,
    ) -> Result<(), D::Error> {
        let step = module.cast_signed();
        for y in 0..self.side {
            for x in 0..self.side {
                if self.is_dark(x, y) {
                    let at = Point::new(
                        i32::try_from(x).unwrap_or(0) * step,
                        i32::try_from(y).unwrap_or(0) * step,
                    );
                    Rectangle::new(origin + at, Size::new(module, module))
                        .into_styled(PrimitiveStyle::with_fill(BinaryColor::On))
                        .draw(target)?;
                }
            }
        }
        Ok(())
    }
}
