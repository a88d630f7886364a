//! # ansinh-fonts: the one font of ansinh
//!
//! Noto Sans Regular and Bold (SIL Open Font License 1.1, `fonts/LICENSE-OFL.txt`), cut by
//! `gen/subset.sh` to Latin, every precomposed Vietnamese letter, the combining tone marks and
//! the few symbols our screens and receipts use (–, ₫, arrows). The kiosk UI imports the TTF
//! files from `.slint` and the receipt crate rasterises them, so neither depends on the fonts
//! of the machine it runs on.
//!
//! Layering: `#![no_std]`, no dependencies; only static bytes.
#![no_std]

/// Noto Sans Regular, subset (TTF bytes).
pub static NOTO_SANS_REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
/// Noto Sans Bold, subset (TTF bytes).
pub static NOTO_SANS_BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");

/// Every letter of the Vietnamese alphabet in both cases with every tone mark (the 134
/// lower-case and 134 upper-case precomposed letters), plus the đồng sign and en dash.
pub const VIETNAMESE_REPERTOIRE: &str = concat!(
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ",
    "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬBCDĐEÈÉẺẼẸÊỀẾỂỄỆGHIÌÍỈĨỊKLMNOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢPQRSTUÙÚỦŨỤƯỪỨỬỮỰVXYỲÝỶỸỴ",
    "fjwzFJWZ0123456789 .,:;!?%()/-+×–₫đ"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_faces_draw_every_vietnamese_letter() -> Result<(), ttf_parser::FaceParsingError> {
        for bytes in [NOTO_SANS_REGULAR, NOTO_SANS_BOLD] {
            let face = ttf_parser::Face::parse(bytes, 0)?;
            for c in VIETNAMESE_REPERTOIRE.chars() {
                assert!(face.glyph_index(c).is_some(), "no glyph for {c:?} (U+{:04X})", c as u32);
            }
        }
        Ok(())
    }

    #[test]
    fn the_repertoire_is_complete() {
        // 12 vowels × 6 tones = 72 toned vowel forms + 17 consonants + đ, in two cases.
        let letters = VIETNAMESE_REPERTOIRE.split("fjwz").next().unwrap_or("");
        assert_eq!(letters.chars().count(), 2 * (72 + 17));
    }
}
