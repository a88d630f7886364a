//! The glyph atlases made by `build.rs` from the embedded Noto Sans, and text drawn with them.
//!
//! How the bitmap font is made: on every build, `build.rs` reads Noto Sans Regular and Bold
//! from `ansinh-fonts`, takes every character of `VIETNAMESE_REPERTOIRE` plus printable ASCII
//! and a few symbols, draws each glyph's outline (skrifa) into a coverage mask (zeno) at the
//! face's size, and keeps a dot where coverage is at least one half. To change a size or add a
//! face, edit `FACES` in `build.rs`; to add characters, add them to the font subset in
//! `ansinh-fonts` (`gen/subset.sh`) and to the repertoire. The sizes (24 px body at 8 dots/mm,
//! 3 mm) keep stems two dots wide and every tone mark apart from its letter on thermal paper.

use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::*;

/// One face of the atlas.
#[derive(Clone, Copy, Debug)]
pub struct Face {
    bytes: &'static [u8],
}

/// Body text (regular, 24 px).
pub static BODY: Face = Face { bytes: include_bytes!(concat!(env!("OUT_DIR"), "/body.atlas")) };
/// Labels and headings (bold, 24 px).
pub static BOLD: Face = Face { bytes: include_bytes!(concat!(env!("OUT_DIR"), "/bold.atlas")) };
/// The amount paid (bold, 40 px).
pub static LARGE: Face = Face { bytes: include_bytes!(concat!(env!("OUT_DIR"), "/large.atlas")) };

const HEADER: usize = 6;
const RECORD: usize = 12;

/// Where a glyph is in the atlas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Glyph {
    offset: usize,
    advance: i32,
    left: i32,
    top: i32,
    width: u32,
    height: u32,
}

impl Face {
    fn u16_at(&self, at: usize) -> u16 {
        u16::from_le_bytes([self.bytes[at], self.bytes[at + 1]])
    }
    fn u32_at(&self, at: usize) -> u32 {
        u32::from_le_bytes([
            self.bytes[at],
            self.bytes[at + 1],
            self.bytes[at + 2],
            self.bytes[at + 3],
        ])
    }
    fn count(&self) -> usize {
        usize::from(self.u16_at(4))
    }

    /// Distance between baselines, dots.
    pub fn line_height(&self) -> u32 {
        u32::from(self.u16_at(0))
    }

    /// Height above the baseline the tallest letters reach, dots.
    pub fn ascent(&self) -> u32 {
        u32::from(self.u16_at(2))
    }

    fn glyph(&self, c: char) -> Option<Glyph> {
        let (mut lo, mut hi) = (0, self.count());
        let code = u32::from(c);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let at = HEADER + mid * RECORD;
            match self.u32_at(at).cmp(&code) {
                core::cmp::Ordering::Less => lo = mid + 1,
                core::cmp::Ordering::Greater => hi = mid,
                core::cmp::Ordering::Equal => {
                    let bitmaps = HEADER + self.count() * (RECORD + 1);
                    return Some(Glyph {
                        offset: bitmaps + self.u32_at(at + 4) as usize,
                        advance: i32::from(self.bytes[at + 8]),
                        left: i32::from(self.bytes[at + 9].cast_signed()),
                        top: i32::from(self.bytes[at + 10].cast_signed()),
                        width: u32::from(self.bytes[at + 11]),
                        height: u32::from(self.bytes[HEADER + self.count() * RECORD + mid]),
                    });
                }
            }
        }
        None
    }

    /// Whether the face draws `c` (otherwise a box stands for it).
    pub fn has(&self, c: char) -> bool {
        self.glyph(c).is_some()
    }

    fn advance(&self, c: char) -> i32 {
        self.glyph(c).map_or_else(|| self.missing_width(), |g| g.advance)
    }

    fn missing_width(&self) -> i32 {
        i32::try_from(self.ascent() / 2 + 2).unwrap_or(8)
    }

    /// Width of `text` in dots.
    pub fn width(&self, text: &str) -> u32 {
        text.chars().map(|c| self.advance(c)).sum::<i32>().unsigned_abs()
    }

    /// Draws `text` with its baseline at `baseline`, starting at `x`; returns the end's x.
    pub fn draw<D: DrawTarget<Color = BinaryColor>>(
        &self,
        target: &mut D,
        x: i32,
        baseline: i32,
        text: &str,
    ) -> Result<i32, D::Error> {
        let mut pen = x;
        for c in text.chars() {
            match self.glyph(c) {
                Some(g) => {
                    let stride = g.width.div_ceil(8) as usize;
                    let (left, top) = (pen + g.left, baseline - g.top);
                    let bytes = self.bytes;
                    let pixels = (0..g.height).flat_map(move |row| {
                        (0..g.width).filter_map(move |col| {
                            let byte = bytes[g.offset + row as usize * stride + col as usize / 8];
                            let on = byte & (0x80 >> (col % 8)) != 0;
                            let (col, row) = (col.cast_signed(), row.cast_signed());
                            on.then_some(Pixel(Point::new(left + col, top + row), BinaryColor::On))
                        })
                    });
                    target.draw_iter(pixels)?;
                    pen += g.advance;
                }
                None => {
                    // A character the atlas lacks shows as an outlined box, never as nothing.
                    let w = self.missing_width() - 2;
                    let h = i32::try_from(self.ascent()).unwrap_or(16) * 2 / 3;
                    let (x0, y0) = (pen + 1, baseline - h);
                    let edges = (0..w)
                        .flat_map(|i| [(x0 + i, y0), (x0 + i, y0 + h - 1)])
                        .chain((0..h).flat_map(|j| [(x0, y0 + j), (x0 + w - 1, y0 + j)]));
                    target.draw_iter(
                        edges.map(|(px, py)| Pixel(Point::new(px, py), BinaryColor::On)),
                    )?;
                    pen += self.missing_width();
                }
            }
        }
        Ok(pen)
    }
}
