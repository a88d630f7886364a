//! Rasterises the receipt faces from the embedded Noto Sans (ansinh-fonts) into 1-bit glyph
//! atlases in OUT_DIR, with skrifa (outlines) and zeno (coverage), the font stack Slint draws
//! the screens with, so the no_std renderer needs neither a font parser nor floating point.
//!
//! Atlas format (little-endian), one file per face:
//! `u16 line_height, u16 ascent, u16 glyph_count`, then `glyph_count` records of 12 bytes
//! `u32 char, u32 bitmap_offset, u8 advance, i8 left, i8 top, u8 width` and a second table of
//! `u8 height` per glyph, then the bitmaps: rows packed MSB first, `ceil(width / 8)` bytes each.
//! `top` is how far the bitmap's first row lies above the baseline.
//!
//! A pixel is black when the glyph covers at least half of it: thermal printers have no grey,
//! and at these sizes a half-coverage threshold keeps stems two dots wide and the Vietnamese
//! tone marks separate from their letters.

// Outlines are f32 geometry; what leaves this script is whole pixels. No money passes here.
#![allow(clippy::float_arithmetic, clippy::cast_possible_truncation, clippy::cast_sign_loss)]

use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::{FontRef, MetadataProvider};
use zeno::{Command, Mask, Vector};

/// Collects an outline as zeno path commands, flipping y (fonts point up, pictures down).
#[derive(Default)]
struct Path(Vec<Command>);

impl OutlinePen for Path {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.push(Command::MoveTo(Vector::new(x, -y)));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.push(Command::LineTo(Vector::new(x, -y)));
    }
    fn quad_to(&mut self, cx: f32, cy: f32, x: f32, y: f32) {
        self.0.push(Command::QuadTo(Vector::new(cx, -cy), Vector::new(x, -y)));
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.0.push(Command::CurveTo(
            Vector::new(cx0, -cy0),
            Vector::new(cx1, -cy1),
            Vector::new(x, -y),
        ));
    }
    fn close(&mut self) {
        self.0.push(Command::Close);
    }
}

/// (file, font, pixel size): body text, headings and labels, the amount paid.
const FACES: [(&str, bool, f32); 3] =
    [("body", false, 24.0), ("bold", true, 24.0), ("large", true, 40.0)];

/// Everything a receipt prints: every Vietnamese letter, ASCII, and the few symbols used.
fn repertoire() -> Vec<char> {
    let mut chars: Vec<char> = ansinh_fonts::VIETNAMESE_REPERTOIRE.chars().collect();
    chars.extend((0x20u8..0x7f).map(char::from));
    chars.extend("·×–−₫".chars());
    chars.sort_unstable();
    chars.dedup();
    chars
}

fn atlas(bold: bool, size: f32) -> Vec<u8> {
    let bytes = if bold { ansinh_fonts::NOTO_SANS_BOLD } else { ansinh_fonts::NOTO_SANS_REGULAR };
    let font = FontRef::new(bytes).expect("the embedded font parses");
    let px = Size::new(size);
    let metrics = font.metrics(px, LocationRef::default());
    let glyph_metrics = font.glyph_metrics(px, LocationRef::default());
    let outlines = font.outline_glyphs();
    let charmap = font.charmap();
    let ascent = metrics.ascent.ceil();
    // Room above for the stacked marks of capitals (Ẫ, Ặ) and below for descenders (g, ỵ).
    let line_height = (ascent - metrics.descent + metrics.leading).ceil() as u16 + 2;
    let mut table = Vec::new();
    let mut heights = Vec::new();
    let mut bitmaps: Vec<u8> = Vec::new();
    let mut count: u16 = 0;
    for c in repertoire() {
        let Some(id) = charmap.map(c) else {
            // Not in the subset (rare ASCII punctuation): the renderer draws a box instead.
            continue;
        };
        let advance = glyph_metrics.advance_width(id).unwrap_or(0.0).round() as u8;
        let mut path = Path::default();
        let drawn = outlines
            .get(id)
            .map(|g| g.draw(DrawSettings::unhinted(px, LocationRef::default()), &mut path));
        let (mut left, mut top, mut w, mut h) = (0i8, 0i8, 0u8, 0u8);
        let offset = bitmaps.len() as u32;
        if matches!(drawn, Some(Ok(_))) && !path.0.is_empty() {
            let (alpha, place) = Mask::new(&path.0).render();
            w = place.width as u8;
            h = place.height as u8;
            left = place.left as i8;
            top = (-place.top) as i8;
            let stride = usize::from(w).div_ceil(8);
            let mut rows = vec![0u8; stride * usize::from(h)];
            for y in 0..usize::from(h) {
                for x in 0..usize::from(w) {
                    if alpha[y * usize::from(w) + x] >= 128 {
                        rows[y * stride + x / 8] |= 0x80 >> (x % 8);
                    }
                }
            }
            bitmaps.extend(rows);
        }
        table.extend((c as u32).to_le_bytes());
        table.extend(offset.to_le_bytes());
        table.extend([advance, left as u8, top as u8, w]);
        heights.push(h);
        count += 1;
    }
    let mut out = Vec::new();
    out.extend(line_height.to_le_bytes());
    out.extend((ascent as u16).to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend(table);
    out.extend(heights);
    out.extend(bitmaps);
    out
}

fn main() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (name, bold, size) in FACES {
        std::fs::write(out.join(format!("{name}.atlas")), atlas(bold, size))
            .expect("OUT_DIR is writable");
    }
    println!("cargo::rerun-if-changed=build.rs");
}
