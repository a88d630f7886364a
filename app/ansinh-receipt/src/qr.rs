//! The receipt's QR code, drawn: the payload (what it holds and its MAC) is the protocol's,
//! made by the device with `ansinh_wire::receipt_qr` and given here as text.

use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{PrimitiveStyle, Rectangle};
use qrcodegen_no_heap::{QrCode, QrCodeEcc, Version};

use crate::Error;

/// Largest QR version drawn: it holds the longest code the protocol allows (the URL form's
/// 169 characters, `ansinh_wire::receipt_qr::MAX_URL`, at medium error correction); a typical
/// URL needs version 5, an offline payload version 4. At 5 dots a module, version 7 (45
/// modules and the quiet zone, 265 dots) still fits 58 mm paper (384 dots).
const MAX_VERSION: u8 = 7;
/// The encoder's buffers for [`MAX_VERSION`].
const QR_BUFFER: usize = Version::new(MAX_VERSION).buffer_len();

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
