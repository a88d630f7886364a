//! A packed 1-bit picture (what a thermal printer takes) and PNG output.

use std::vec::Vec;

use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::*;

use crate::layout::{draw_receipt, draw_shift_report, receipt_height, shift_report_height};
use crate::{Error, Receipt, ShiftReport, Width};

/// A 1-bit picture: rows of `width_bytes()` bytes, most significant bit first, 1 = black
/// (the layout of ESC/POS `GS v 0` raster data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bitmap {
    width: u32,
    height: u32,
    data: Vec<u8>,
}

impl Bitmap {
    /// An all-white picture.
    pub fn new(width: u32, height: u32) -> Self {
        let stride = width.div_ceil(8) as usize;
        Self { width, height, data: std::vec![0; stride * height as usize] }
    }

    /// A picture from packed rows (as an ESC/POS raster parser gives them back).
    pub fn from_rows(width: u32, height: u32, data: Vec<u8>) -> Option<Self> {
        (data.len() == width.div_ceil(8) as usize * height as usize).then_some(Self {
            width,
            height,
            data,
        })
    }

    /// Dots across.
    pub fn width(&self) -> u32 {
        self.width
    }
    /// Rows.
    pub fn height(&self) -> u32 {
        self.height
    }
    /// Bytes per row.
    pub fn width_bytes(&self) -> usize {
        self.width.div_ceil(8) as usize
    }
    /// The packed rows.
    pub fn as_bytes(&self) -> &[u8] {
        &self.data
    }

    /// Whether the dot at (`x`, `y`) is black.
    pub fn get(&self, x: u32, y: u32) -> bool {
        x < self.width
            && y < self.height
            && self.data[y as usize * self.width_bytes() + x as usize / 8] & (0x80 >> (x % 8)) != 0
    }

    /// A 1-bit greyscale PNG of the picture.
    pub fn to_png(&self) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, self.width, self.height);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::One);
        // PNG's 1-bit grey has 1 = white.
        let inverted: Vec<u8> = self.data.iter().map(|b| !b).collect();
        enc.write_header()
            .and_then(|mut w| w.write_image_data(&inverted))
            .map_err(|_| Error::Encode)?;
        Ok(out)
    }
}

impl OriginDimensions for Bitmap {
    fn size(&self) -> Size {
        Size::new(self.width, self.height)
    }
}

impl DrawTarget for Bitmap {
    type Color = BinaryColor;
    type Error = core::convert::Infallible;

    fn draw_iter<I: IntoIterator<Item = Pixel<BinaryColor>>>(
        &mut self,
        pixels: I,
    ) -> Result<(), Self::Error> {
        let stride = self.width_bytes();
        for Pixel(p, c) in pixels {
            let (Ok(x), Ok(y)) = (u32::try_from(p.x), u32::try_from(p.y)) else { continue };
            if x >= self.width || y >= self.height {
                continue;
            }
            let byte = &mut self.data[y as usize * stride + x as usize / 8];
            let bit = 0x80 >> (x % 8);
            if c.is_on() { *byte |= bit } else { *byte &= !bit }
        }
        Ok(())
    }
}

/// The receipt as a picture.
pub fn render_receipt(r: &Receipt<'_>, width: Width) -> Result<Bitmap, Error> {
    let mut b = Bitmap::new(width.dots(), receipt_height(r, width)?);
    let Ok(()) = draw_receipt(r, width, &mut b)?;
    Ok(b)
}

/// The receipt as a PNG file.
pub fn receipt_png(r: &Receipt<'_>, width: Width) -> Result<Vec<u8>, Error> {
    render_receipt(r, width)?.to_png()
}

/// The shift report as a picture.
pub fn render_shift_report(s: &ShiftReport<'_>, width: Width) -> Bitmap {
    let mut b = Bitmap::new(width.dots(), shift_report_height(s, width));
    let Ok(()) = draw_shift_report(s, width, &mut b);
    b
}

/// The shift report as a PNG file.
pub fn shift_report_png(s: &ShiftReport<'_>, width: Width) -> Result<Vec<u8>, Error> {
    render_shift_report(s, width).to_png()
}
