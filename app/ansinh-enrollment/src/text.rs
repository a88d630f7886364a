//! Vietnamese text without an allocator: NFC composition, upper case, names and free text.
//!
//! - Composition: a Vietnamese vowel followed by combining marks (the decomposed form some
//!   keyboards, phones and copy-paste produce) becomes the one precomposed letter Unicode NFC
//!   gives, with the canonical-ordering rules applied exactly (see [`Composed`]).
//! - Names ([`name`]): NFC, upper case, single spaces, Vietnamese letters, and an apostrophe
//!   between two letters (`H'HEN NIÊ`).
//! - Free text ([`free_text`]): NFC, single spaces, printable ASCII and Vietnamese letters.
//!
//! Why not the `unicode-normalization` crate: it needs `alloc` (its buffers are `tinyvec`s with
//! the `alloc` feature), and the handheld build has no allocator. Only the Vietnamese repertoire
//! has to compose, which is twelve vowels × six tones; everything else that would need a
//! combining mark is refused, so whatever this module accepts is NFC. The tests check that
//! claim exhaustively against `unicode-normalization`.

use heapless::String;

const GRAVE: char = '\u{300}';
const ACUTE: char = '\u{301}';
const CIRCUMFLEX: char = '\u{302}';
const TILDE: char = '\u{303}';
const BREVE: char = '\u{306}';
const HOOK: char = '\u{309}';
const HORN: char = '\u{31B}';
const DOT_BELOW: char = '\u{323}';
// Deprecated tone marks, canonically equal to the grave and acute accents (old Vietnamese
// keyboard layouts emit them).
const GRAVE_TONE: char = '\u{340}';
const ACUTE_TONE: char = '\u{341}';

/// The vowel's shape: plain or with a breve, circumflex or horn.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Shape {
    Plain,
    Breve,
    Circumflex,
    Horn,
}

/// Tones in the order of the forms in [`VOWELS`]: ngang (none), huyền, sắc, hỏi, ngã, nặng.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tone {
    None = 0,
    Grave = 1,
    Acute = 2,
    Hook = 3,
    Tilde = 4,
    Dot = 5,
}

/// The twelve Vietnamese vowels, lower case, each with its six tones.
const VOWELS: [(char, Shape, [char; 6]); 12] = [
    ('a', Shape::Plain, ['a', 'à', 'á', 'ả', 'ã', 'ạ']),
    ('a', Shape::Breve, ['ă', 'ằ', 'ắ', 'ẳ', 'ẵ', 'ặ']),
    ('a', Shape::Circumflex, ['â', 'ầ', 'ấ', 'ẩ', 'ẫ', 'ậ']),
    ('e', Shape::Plain, ['e', 'è', 'é', 'ẻ', 'ẽ', 'ẹ']),
    ('e', Shape::Circumflex, ['ê', 'ề', 'ế', 'ể', 'ễ', 'ệ']),
    ('i', Shape::Plain, ['i', 'ì', 'í', 'ỉ', 'ĩ', 'ị']),
    ('o', Shape::Plain, ['o', 'ò', 'ó', 'ỏ', 'õ', 'ọ']),
    ('o', Shape::Circumflex, ['ô', 'ồ', 'ố', 'ổ', 'ỗ', 'ộ']),
    ('o', Shape::Horn, ['ơ', 'ờ', 'ớ', 'ở', 'ỡ', 'ợ']),
    ('u', Shape::Plain, ['u', 'ù', 'ú', 'ủ', 'ũ', 'ụ']),
    ('u', Shape::Horn, ['ư', 'ừ', 'ứ', 'ử', 'ữ', 'ự']),
    ('y', Shape::Plain, ['y', 'ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ']),
];

const TONES: [Tone; 6] = [Tone::None, Tone::Grave, Tone::Acute, Tone::Hook, Tone::Tilde, Tone::Dot];

/// One lower-case character: `(base, shape, tone)` if it is a Vietnamese vowel.
fn vowel_parts(lower: char) -> Option<(char, Shape, Tone)> {
    VOWELS.iter().find_map(|(base, shape, forms)| {
        let i = forms.iter().position(|f| *f == lower)?;
        Some((*base, *shape, TONES[i]))
    })
}

fn vowel_form(base: char, shape: Shape, tone: Tone) -> Option<char> {
    VOWELS
        .iter()
        .find(|(b, s, _)| *b == base && *s == shape)
        .map(|(_, _, forms)| forms[tone as usize])
}

/// The one-character upper case of `c`, if it has exactly one.
fn single_upper(c: char) -> Option<char> {
    let mut u = c.to_uppercase();
    match (u.next(), u.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// A Vietnamese vowel form in either case: its lower-case form and whether it was upper case.
/// Strict both ways, so that look-alikes whose lower case happens to be a vowel (`İ`, whose
/// lower case is `i` + a combining dot) are not taken for one.
fn vowel_case(c: char) -> Option<(char, bool)> {
    if vowel_parts(c).is_some() {
        return Some((c, false));
    }
    let mut l = c.to_lowercase();
    let (Some(lower), None) = (l.next(), l.next()) else {
        return None;
    };
    (vowel_parts(lower).is_some() && single_upper(lower) == Some(c)).then_some((lower, true))
}

/// Whether `c` is a letter of a Vietnamese name in either case: A–Z (F, J, W and Z occur in
/// ethnic-minority names), Đ and the 72 vowel forms. Compatibility look-alikes (the Kelvin
/// sign, `İ`) are not letters: they are not NFC or not Vietnamese.
pub fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, 'đ' | 'Đ') || vowel_case(c).is_some()
}

/// The lower case of a letter accepted by [`is_letter`]; other characters unchanged.
fn lower(c: char) -> char {
    if c.is_ascii_alphabetic() {
        c.to_ascii_lowercase()
    } else if c == 'Đ' {
        'đ'
    } else {
        vowel_case(c).map_or(c, |(l, _)| l)
    }
}

/// The upper case of a letter accepted by [`is_letter`] (each has exactly one); other
/// characters are returned unchanged.
pub fn upper(c: char) -> char {
    if !is_letter(c) {
        return c;
    }
    single_upper(c).unwrap_or(c)
}

fn is_combining(c: char) -> bool {
    // Combining Diacritical Marks; the other combining blocks never occur in Vietnamese input
    // and are refused by the callers' character checks.
    matches!(c, '\u{300}'..='\u{36F}')
}

/// A character sequence that has no NFC form in the Vietnamese repertoire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotVietnamese;

/// Composes Vietnamese text to NFC, one character at a time.
///
/// A vowel takes the combining marks after it: at most one of breve, circumflex or horn, and at
/// most one tone. Canonical ordering is honoured exactly: the horn (class 216) and the dot below
/// (class 220) may come in any position, but a breve or circumflex (class 230) must come before
/// a class-230 tone, because `a` + acute + circumflex is not the same text as `ấ` under NFC.
/// A mark that cannot belong to a Vietnamese letter yields [`NotVietnamese`].
#[derive(Clone, Debug)]
pub struct Composed<'a> {
    chars: core::iter::Peekable<core::str::Chars<'a>>,
}

impl<'a> Composed<'a> {
    /// Composes `text`.
    pub fn new(text: &'a str) -> Self {
        Self { chars: text.chars().peekable() }
    }
}

impl Iterator for Composed<'_> {
    type Item = Result<char, NotVietnamese>;

    fn next(&mut self) -> Option<Self::Item> {
        let c = self.chars.next()?;
        if is_combining(c) {
            return Some(Err(NotVietnamese));
        }
        let Some((base, mut shape, mut tone, upper_case)) =
            vowel_case(c).and_then(|(l, up)| vowel_parts(l).map(|(b, s, t)| (b, s, t, up)))
        else {
            // Not a vowel: no mark may follow (NFC might compose it into a letter that is not
            // Vietnamese, such as ñ or ḍ).
            if self.chars.peek().copied().is_some_and(is_combining) {
                return Some(Err(NotVietnamese));
            }
            return Some(Ok(c));
        };
        // A class-230 tone already present (from the precomposed letter or a mark) blocks a
        // later breve or circumflex.
        let mut tone_230 = matches!(tone, Tone::Grave | Tone::Acute | Tone::Hook | Tone::Tilde);
        while let Some(&m) = self.chars.peek() {
            if !is_combining(m) {
                break;
            }
            self.chars.next();
            let ok = match m {
                HORN if shape == Shape::Plain => {
                    shape = Shape::Horn;
                    true
                }
                BREVE | CIRCUMFLEX if shape == Shape::Plain && !tone_230 => {
                    shape = if m == BREVE { Shape::Breve } else { Shape::Circumflex };
                    true
                }
                DOT_BELOW if tone == Tone::None => {
                    tone = Tone::Dot;
                    true
                }
                GRAVE | GRAVE_TONE | ACUTE | ACUTE_TONE | HOOK | TILDE if tone == Tone::None => {
                    tone = match m {
                        GRAVE | GRAVE_TONE => Tone::Grave,
                        ACUTE | ACUTE_TONE => Tone::Acute,
                        HOOK => Tone::Hook,
                        _ => Tone::Tilde,
                    };
                    tone_230 = true;
                    true
                }
                _ => false,
            };
            if !ok {
                return Some(Err(NotVietnamese));
            }
        }
        let Some(lower) = vowel_form(base, shape, tone) else {
            // e.g. `i` + circumflex, `e` + horn: no such Vietnamese letter.
            return Some(Err(NotVietnamese));
        };
        Some(Ok(if upper_case { upper(lower) } else { lower }))
    }
}

/// Why a text field was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextError {
    /// Nothing but spaces.
    Empty,
    /// A character outside what the field allows (or a mark with no Vietnamese letter).
    Characters,
    /// Longer than the capacity, in bytes, after normalisation.
    TooLong,
}

/// Apostrophe look-alikes that phones and word processors put in names such as H'Hen.
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{2BC}')
}

/// Shared pass: compose, collapse whitespace runs to one space, trim; `map` decides each
/// remaining character (`None` = refused). Scans the whole input so that a bad character is
/// reported even when the text is also too long.
fn normalise<const N: usize>(
    input: &str,
    mut map: impl FnMut(char) -> Option<char>,
) -> Result<String<N>, TextError> {
    let mut out: String<N> = String::new();
    let mut too_long = false;
    let mut bad = false;
    let mut pending_space = false;
    for c in Composed::new(input) {
        let Ok(c) = c else {
            bad = true;
            continue;
        };
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        let Some(m) = map(c) else {
            bad = true;
            continue;
        };
        if too_long {
            continue;
        }
        if pending_space {
            too_long |= out.push(' ').is_err();
            pending_space = false;
        }
        too_long |= out.push(m).is_err();
    }
    if bad {
        Err(TextError::Characters)
    } else if too_long {
        Err(TextError::TooLong)
    } else if out.is_empty() {
        Err(TextError::Empty)
    } else {
        Ok(out)
    }
}

/// A full name as TK1-TS field \[01\] wants it: NFC, upper case with diacritics, single spaces.
///
/// Letters are those of [`is_letter`]; an apostrophe (or a look-alike, stored as `'`) is
/// accepted only between two letters, because Ê Đê and other ethnic-minority names are
/// registered with one (`H'HEN NIÊ`). Digits, hyphens and other marks are refused.
///
/// ```
/// use ansinh_enrollment::text::name;
/// let n: heapless::String<120> = name("  nguyễn   thị hồng nhung ").unwrap();
/// assert_eq!(n, "NGUYỄN THỊ HỒNG NHUNG");
/// // Decomposed input (base letters followed by combining marks) gives the same bytes.
/// assert_eq!(name::<120>("Nguye\u{302}\u{303}n").unwrap(), "NGUYỄN");
/// assert_eq!(name::<120>("h’hen niê").unwrap(), "H'HEN NIÊ");
/// ```
pub fn name<const N: usize>(input: &str) -> Result<String<N>, TextError> {
    let out: String<N> = normalise(input, |c| {
        if is_letter(c) {
            Some(upper(c))
        } else if is_apostrophe(c) {
            Some('\'')
        } else {
            None
        }
    })?;
    // An apostrophe must sit between two letters: not first, not last, not next to a space or
    // another apostrophe.
    let bytes = out.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\'' {
            let before = i.checked_sub(1).and_then(|j| bytes.get(j));
            let after = bytes.get(i + 1);
            if matches!(before, None | Some(b' ' | b'\''))
                || matches!(after, None | Some(b' ' | b'\''))
            {
                return Err(TextError::Characters);
            }
        }
    }
    Ok(out)
}

/// Free text (address line, place names, references): NFC, single spaces, printable ASCII,
/// Vietnamese letters in either case and the dashes `–` `—`; typographic quotes become ASCII
/// ones. Control characters and other scripts are refused, which keeps every stored text NFC.
///
/// ```
/// use ansinh_enrollment::text::free_text;
/// let line: heapless::String<160> = free_text("Số 12,\tngõ 34 – phố Quang Trung").unwrap();
/// assert_eq!(line, "Số 12, ngõ 34 – phố Quang Trung");
/// ```
pub fn free_text<const N: usize>(input: &str) -> Result<String<N>, TextError> {
    normalise(input, |c| match c {
        ' '..='~' => Some(c),
        '–' | '—' => Some(c),
        '\u{2018}' | '\u{2019}' => Some('\''),
        '\u{201C}' | '\u{201D}' => Some('"'),
        _ if is_letter(c) => Some(c),
        _ => None,
    })
}

/// Lower-cases into a small buffer for comparing short keywords (`nữ`, `Nam`); `None` when the
/// input does not fit or has a mark with no Vietnamese letter. Never panics on long input.
pub fn keyword<const N: usize>(input: &str) -> Option<String<N>> {
    let mut out: String<N> = String::new();
    for c in Composed::new(input.trim()) {
        let c = c.ok()?;
        out.push(lower(c)).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::string::String as StdString;
    use std::vec::Vec as StdVec;

    use unicode_normalization::UnicodeNormalization;

    use super::*;

    fn compose(s: &str) -> Result<StdString, NotVietnamese> {
        Composed::new(s).collect()
    }

    /// Every vowel form, both cases: 144 letters, plus đ and Đ.
    fn all_letters() -> StdVec<char> {
        let mut v: StdVec<char> = VOWELS.iter().flat_map(|(_, _, f)| f.iter().copied()).collect();
        let upper_forms: StdVec<char> = v.iter().map(|c| upper(*c)).collect();
        v.extend(upper_forms);
        v.extend(['đ', 'Đ']);
        v
    }

    #[test]
    fn the_repertoire_is_the_vietnamese_alphabet() {
        let letters = all_letters();
        assert_eq!(letters.len(), 146);
        for c in &letters {
            // Every form is NFC and has a distinct one-character upper and lower case.
            let s: StdString = [*c].iter().collect();
            assert_eq!(s.nfc().collect::<StdString>(), s, "{c} is NFC");
            assert!(is_letter(*c));
            let u = upper(*c);
            assert_eq!(u.to_lowercase().count(), 1);
            assert_ne!(u.to_lowercase().next(), Some(u), "{c} has a separate capital");
        }
        for c in 'A'..='Z' {
            assert!(is_letter(c) && is_letter(c.to_ascii_lowercase()));
        }
        for c in ['ñ', 'ü', 'ç', 'ß', 'ø', 'ð', 'Ð', '1', '-', ' ', 'ǵ', 'ẞ', 'İ', '\u{212A}', 'ı']
        {
            assert!(!is_letter(c), "{c}");
        }
    }

    #[test]
    fn every_letter_composes_from_its_canonical_decomposition() {
        for c in all_letters() {
            let s: StdString = [c].iter().collect();
            let nfd: StdString = s.nfd().collect();
            assert_eq!(compose(&nfd), Ok(s.clone()), "NFD of {c}: {:?}", nfd);
        }
    }

    /// The differential test: for every letter in the alphabet above (and every ASCII letter)
    /// followed by every sequence of up to three marks from the eleven the composer knows or
    /// sees in Vietnamese input, the composer agrees with Unicode NFC whenever NFC gives one
    /// Vietnamese letter, and refuses otherwise.
    #[test]
    fn agrees_with_unicode_nfc_on_every_mark_sequence() {
        let marks = [
            GRAVE, ACUTE, CIRCUMFLEX, TILDE, BREVE, HOOK, HORN, DOT_BELOW, GRAVE_TONE, ACUTE_TONE,
            '\u{308}',
        ];
        let mut bases = all_letters();
        bases.extend(('a'..='z').chain('A'..='Z'));
        let mut sequences: StdVec<StdVec<char>> = StdVec::from([StdVec::new()]);
        for len in 1..=3 {
            let mut next = StdVec::new();
            for s in sequences.iter().filter(|s| s.len() == len - 1) {
                for m in marks {
                    let mut t = s.clone();
                    t.push(m);
                    next.push(t);
                }
            }
            sequences.extend(next);
        }
        let letters = all_letters();
        let mut accepted = 0usize;
        let mut checked = 0usize;
        for b in &bases {
            for seq in &sequences {
                let input: StdString = core::iter::once(*b).chain(seq.iter().copied()).collect();
                let nfc: StdString = input.nfc().collect();
                let single_vietnamese = nfc.chars().count() == 1
                    && nfc
                        .chars()
                        .next()
                        .is_some_and(|c| letters.contains(&c) || c.is_ascii_alphabetic());
                let ours = compose(&input);
                if single_vietnamese {
                    assert_eq!(ours, Ok(nfc.clone()), "{input:?}");
                    accepted += 1;
                } else {
                    assert_eq!(ours, Err(NotVietnamese), "{input:?} → NFC {nfc:?}");
                }
                checked += 1;
            }
        }
        assert_eq!(checked, bases.len() * (1 + 11 + 121 + 1331));
        // 146 letters and 52 ASCII letters alone, plus every canonically equivalent spelling.
        assert!(accepted > 700, "{accepted}");
    }

    #[test]
    fn marks_in_either_order_where_unicode_allows() {
        // ậ: dot below and circumflex commute; ợ: horn and dot below commute; ớ: acute and horn.
        assert_eq!(compose("a\u{323}\u{302}"), Ok("ậ".into()));
        assert_eq!(compose("a\u{302}\u{323}"), Ok("ậ".into()));
        assert_eq!(compose("o\u{323}\u{31B}"), Ok("ợ".into()));
        assert_eq!(compose("o\u{301}\u{31B}"), Ok("ớ".into()));
        assert_eq!(compose("ó\u{31B}"), Ok("ớ".into()));
        assert_eq!(compose("ạ\u{302}"), Ok("ậ".into()));
        assert_eq!(compose("â\u{301}"), Ok("ấ".into()));
        // Acute before circumflex is another text under NFC.
        assert_eq!(compose("a\u{301}\u{302}"), Err(NotVietnamese));
        assert_eq!(compose("á\u{302}"), Err(NotVietnamese));
        // Two tones, a mark on a consonant, a mark with nothing before it.
        assert_eq!(compose("a\u{301}\u{300}"), Err(NotVietnamese));
        assert_eq!(compose("n\u{303}"), Err(NotVietnamese));
        assert_eq!(compose("\u{301}a"), Err(NotVietnamese));
        assert_eq!(compose("Đ\u{301}"), Err(NotVietnamese));
    }

    #[test]
    fn names_are_upper_case_nfc_with_single_spaces() {
        let cases = [
            ("nguyễn thị hồng nhung", "NGUYỄN THỊ HỒNG NHUNG"),
            ("Trần Văn Đức", "TRẦN VĂN ĐỨC"),
            ("  lê   thị\tthu  hương ", "LÊ THỊ THU HƯƠNG"),
            ("phạm quốc khánh", "PHẠM QUỐC KHÁNH"),
            ("Đặng Thị Mỹ Dung", "ĐẶNG THỊ MỸ DUNG"),
            ("bùi đức thắng", "BÙI ĐỨC THẮNG"),
            ("hoàng ánh tuyết", "HOÀNG ÁNH TUYẾT"),
            ("võ thị ở", "VÕ THỊ Ở"),
            ("đinh thị lạc", "ĐINH THỊ LẠC"),
            ("H'Hen Niê", "H'HEN NIÊ"),
            ("Ksor H’Wơn", "KSOR H'WƠN"),
        ];
        for (input, want) in cases {
            assert_eq!(name::<120>(input).as_deref(), Ok(want), "{input}");
            let nfd: StdString = input.nfd().collect();
            assert_eq!(name::<120>(&nfd).as_deref(), Ok(want), "NFD {input}");
        }
    }

    #[test]
    fn names_refuse_what_is_not_a_letter() {
        for bad in [
            "Nguyễn Văn 2",
            "Trần-Văn",
            "'Hen",
            "H' Hen",
            "Hen'",
            "H''Hen",
            "Müller",
            "Nguyễn\u{301}",
            "A.B",
        ] {
            assert_eq!(name::<120>(bad), Err(TextError::Characters), "{bad}");
        }
        assert_eq!(name::<120>("   "), Err(TextError::Empty));
        assert_eq!(name::<120>(""), Err(TextError::Empty));
    }

    #[test]
    fn capacity_counts_bytes_after_normalisation() {
        // "Ễ" is 3 bytes: 40 of them fill 120 bytes exactly; one more does not fit.
        let forty: StdString = ["ễ"; 40].concat();
        assert_eq!(name::<120>(&forty).map(|s| s.len()), Ok(120));
        let decomposed: StdString = forty.nfd().collect();
        assert!(decomposed.len() > 120);
        assert_eq!(name::<120>(&decomposed).map(|s| s.len()), Ok(120));
        assert_eq!(name::<120>(&[forty.as_str(), "a"].concat()), Err(TextError::TooLong));
        // A bad character wins over the length, so the clerk fixes both at once.
        assert_eq!(name::<4>("abcdef1"), Err(TextError::Characters));
    }

    #[test]
    fn free_text_keeps_case_and_punctuation() {
        assert_eq!(free_text::<64>("Xã Vạn Phúc").as_deref(), Ok("Xã Vạn Phúc"));
        assert_eq!(free_text::<64>("Số 5, phố “Đội Cấn”").as_deref(), Ok("Số 5, phố \"Đội Cấn\""));
        assert_eq!(free_text::<64>("Tổ 3\u{0}"), Err(TextError::Characters));
        assert_eq!(free_text::<64>("北京"), Err(TextError::Characters));
        assert_eq!(free_text::<4>("Hà Nội"), Err(TextError::TooLong));
    }

    #[test]
    fn keywords_fold_case_and_stay_bounded() {
        assert_eq!(keyword::<16>(" Nữ ").as_deref(), Some("nữ"));
        assert_eq!(keyword::<16>("NU\u{303}").as_deref(), Some("nũ"));
        let long: StdString = ["a"; 1000].concat();
        assert_eq!(keyword::<16>(&long), None);
    }
}
