//! Case- and diacritic-insensitive matching of Vietnamese text, without tables or allocation.
//!
//! A user at a kiosk may type "ha dong", "Hà Đông", "HA ĐONG" or text whose accents arrive as
//! separate combining marks; all of them should find "Phường Hà Đông". Every precomposed
//! Vietnamese letter folds to its base ASCII letter (đ to d), combining marks are dropped, and
//! runs of spaces, hyphens, dashes and other punctuation count as one word break.

/// Folds one character: a Vietnamese letter (any case, any tone, with breve, circumflex or horn)
/// becomes its lowercase ASCII base letter, `đ`/`Đ` becomes `d`, ASCII letters are lowercased,
/// and every other character is returned unchanged.
///
/// ```
/// use ansinh_geo::fold::fold_char;
/// assert_eq!(fold_char('Ự'), 'u');
/// assert_eq!(fold_char('đ'), 'd');
/// assert_eq!(fold_char('-'), '-');
/// ```
pub const fn fold_char(c: char) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        'À'..='Ã' | 'à'..='ã' | 'Ă' | 'ă' => 'a',
        'È'..='Ê' | 'è'..='ê' => 'e',
        'Ì' | 'Í' | 'ì' | 'í' | 'Ĩ' | 'ĩ' => 'i',
        'Ò'..='Õ' | 'ò'..='õ' | 'Ơ' | 'ơ' => 'o',
        'Ù' | 'Ú' | 'ù' | 'ú' | 'Ũ' | 'ũ' | 'Ư' | 'ư' => 'u',
        'Ý' | 'ý' => 'y',
        'Đ' | 'đ' => 'd',
        // Latin Extended Additional: the Vietnamese block, ordered by base letter.
        '\u{1EA0}'..='\u{1EB7}' => 'a',
        '\u{1EB8}'..='\u{1EC7}' => 'e',
        '\u{1EC8}'..='\u{1ECB}' => 'i',
        '\u{1ECC}'..='\u{1EE3}' => 'o',
        '\u{1EE4}'..='\u{1EF1}' => 'u',
        '\u{1EF2}'..='\u{1EF9}' => 'y',
        _ => c,
    }
}

/// Combining diacritical marks (U+0300–U+036F): decomposed input carries its tones here.
const fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36F}')
}

/// The folded form of a text as characters: letters and digits folded, each run of other
/// characters reduced to one `' '`, none at either end.
#[derive(Clone)]
struct Folded<'a> {
    chars: core::str::Chars<'a>,
    /// A word character held back while the space before it is returned.
    held: Option<char>,
    in_text: bool,
    gap: bool,
}

impl<'a> Folded<'a> {
    fn new(s: &'a str) -> Self {
        Folded { chars: s.chars(), held: None, in_text: false, gap: false }
    }
}

impl Iterator for Folded<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        if let Some(c) = self.held.take() {
            return Some(c);
        }
        loop {
            let c = self.chars.next()?;
            if is_combining_mark(c) {
                continue;
            }
            let f = fold_char(c);
            if !f.is_alphanumeric() {
                self.gap = self.in_text;
                continue;
            }
            self.in_text = true;
            if self.gap {
                self.gap = false;
                self.held = Some(f);
                return Some(' ');
            }
            return Some(f);
        }
    }
}

/// Whether `query` occurs in `text` from the start of a word, ignoring case, diacritics and
/// punctuation. An empty query (or one of punctuation only) matches every text.
///
/// ```
/// use ansinh_geo::fold::contains_words;
/// assert!(contains_words("Phường Hà Đông", "ha dong"));
/// assert!(contains_words("Phường Hà Đông", "HÀ ĐÔ"));
/// assert!(!contains_words("Phường Hà Đông", "a dong"));
/// ```
pub fn contains_words(text: &str, query: &str) -> bool {
    let query = Folded::new(query);
    if query.clone().next().is_none() {
        return true;
    }
    let mut text = Folded::new(text);
    let mut word_start = true;
    loop {
        if word_start && starts_with(text.clone(), query.clone()) {
            return true;
        }
        match text.next() {
            Some(c) => word_start = c == ' ',
            None => return false,
        }
    }
}

fn starts_with(mut text: impl Iterator<Item = char>, prefix: impl Iterator<Item = char>) -> bool {
    for p in prefix {
        if text.next() != Some(p) {
            return false;
        }
    }
    true
}

/// Whether two texts are equal once case, diacritics, spaces and punctuation are ignored, so
/// "Khơ-me", "Khơ Me" and "khome" are equal.
///
/// ```
/// use ansinh_geo::fold::eq_folded;
/// assert!(eq_folded("Khơ-me", "KHO ME"));
/// assert!(!eq_folded("Mường", "Mương Khương"));
/// ```
pub fn eq_folded(a: &str, b: &str) -> bool {
    letters(a).eq(letters(b))
}

/// The folded letters and digits of a text, with its word breaks dropped.
pub(crate) fn letters(s: &str) -> impl Iterator<Item = char> + Clone + '_ {
    Folded::new(s).filter(|&c| c != ' ')
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use std::string::String;

    /// Every Vietnamese vowel with each of the six tones (none, huyền, sắc, hỏi, ngã, nặng).
    const VOWELS: [(char, &str); 12] = [
        ('a', "aàáảãạ"),
        ('a', "ăằắẳẵặ"),
        ('a', "âầấẩẫậ"),
        ('e', "eèéẻẽẹ"),
        ('e', "êềếểễệ"),
        ('i', "iìíỉĩị"),
        ('o', "oòóỏõọ"),
        ('o', "ôồốổỗộ"),
        ('o', "ơờớởỡợ"),
        ('u', "uùúủũụ"),
        ('u', "ưừứửữự"),
        ('y', "yỳýỷỹỵ"),
    ];

    #[test]
    fn folds_every_vowel_with_every_tone_in_both_cases() {
        let mut seen = 0;
        for (base, forms) in VOWELS {
            assert_eq!(forms.chars().count(), 6, "{forms}");
            for lower in forms.chars() {
                assert_eq!(fold_char(lower), base, "{lower}");
                let mut upper = lower.to_uppercase();
                let upper_char = upper.next().unwrap_or(lower);
                assert!(upper.next().is_none() && upper_char != lower, "{lower} has one capital");
                assert_eq!(fold_char(upper_char), base, "{upper_char}");
                seen += 2;
            }
        }
        assert_eq!(seen, 144);
        assert_eq!(fold_char('đ'), 'd');
        assert_eq!(fold_char('Đ'), 'd');
    }

    #[test]
    fn folds_nothing_but_vietnamese_letters() {
        let vietnamese = |c: char| {
            "đĐ".contains(c)
                || VOWELS.iter().any(|(_, forms)| {
                    forms.chars().any(|f| f == c || f.to_uppercase().eq(core::iter::once(c)))
                })
        };
        for c in ('\u{80}'..='\u{2FFF}').filter(|&c| fold_char(c) != c) {
            assert!(vietnamese(c), "{c} (U+{:04X}) folds but is not Vietnamese", c as u32);
        }
    }

    #[test]
    fn leaves_other_characters_alone() {
        for c in
            ['b', '7', ' ', '-', '–', '’', 'ä', 'ë', 'ï', 'ñ', 'ö', 'ü', 'ÿ', 'ç', 'ß', 'Ħ', '中']
        {
            assert_eq!(fold_char(c), c, "{c}");
        }
        assert_eq!(fold_char('Q'), 'q');
    }

    #[test]
    fn folds_whole_texts() {
        let folded: String = Folded::new("  Phường  Hà Đông – Bà Rịa-Vũng Tàu! ").collect();
        assert_eq!(folded, "phuong ha dong ba ria vung tau");
    }

    #[test]
    fn decomposed_input_matches_precomposed() {
        // "Hà Đông" typed as base letters followed by combining marks.
        let nfd = "Ha\u{300} \u{110}o\u{302}ng";
        assert!(contains_words("Phường Hà Đông", nfd));
        assert!(eq_folded("Hà Đông", nfd));
    }

    #[test]
    fn matches_from_word_starts_only() {
        assert!(contains_words("Phường Hà Đông", "phuong ha dong"));
        assert!(contains_words("Phường Hà Đông", "dong"));
        assert!(contains_words("Phường Hà Đông", "  ha---dong "));
        assert!(contains_words("Phường Hà Đông", ""));
        assert!(contains_words("Phường Hà Đông", " - "));
        assert!(!contains_words("Phường Hà Đông", "uong"));
        assert!(!contains_words("Phường Hà Đông", "ha dong x"));
        assert!(!contains_words("", "a"));
    }
}
