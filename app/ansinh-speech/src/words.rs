//! The verbaliser: what a Vietnamese speaker says for the numbers, amounts, dates, shares and
//! IDs a screen writes in figures, so the synthesiser only ever sees words.
//!
//! The number words are the core's ([`ansinh_core::money::NumberInWords`], the words of the
//! amounts on receipts). The forms are the common northern ones, as the kiosk's voice is
//! espeak-ng's northern `vi`: "linh" (not "lẻ") for a zero ten, "nghìn" (not "ngàn"), "mốt"
//! and "lăm" after a ten, "mùng" before days 1 to 10 and "tháng tư" for April.

use ansinh_core::money::{InWords, NumberInWords};
use ansinh_core::{Date, Dong, Lang};

/// A whole number in words: `15` → "mười lăm", `101` → "một trăm linh một".
pub fn number(n: u64) -> String {
    NumberInWords(n, Lang::Vi).to_string()
}

/// An amount in words: `1_650_000` → "một triệu sáu trăm năm mươi nghìn đồng".
pub fn amount(d: Dong) -> String {
    InWords(d, Lang::Vi).to_string()
}

/// A day of the month as it is said: "mùng một" … "mùng mười", then "mười một" ….
fn day_of_month(day: u32) -> String {
    if (1..=10).contains(&day) {
        format!("mùng {}", number(u64::from(day)))
    } else {
        number(u64::from(day))
    }
}

/// A month's name after "tháng": "một" … "mười hai", with "tư" for April.
fn month_name(month: u32) -> String {
    if month == 4 { "tư".to_string() } else { number(u64::from(month)) }
}

/// A day in words: "ngày mùng một tháng một năm hai nghìn không trăm hai mươi bảy".
pub fn date(d: Date) -> String {
    date_parts(d.day().into(), d.month_number().into(), d.year().into())
}

fn date_parts(day: u32, month: u32, year: u32) -> String {
    format!("ngày {} tháng {} năm {}", day_of_month(day), month_name(month), number(year.into()))
}

fn month_year(month: u32, year: u32) -> String {
    format!("tháng {} năm {}", month_name(month), number(year.into()))
}

/// A share in basis points: `2200` → "hai mươi hai phần trăm", `450` → "bốn phẩy năm phần
/// trăm".
pub fn percent(bp: u32) -> String {
    let (whole, frac) = (bp / 100, bp % 100);
    let frac = format!("{frac:02}");
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{} phần trăm", number(whole.into()))
    } else {
        format!("{} phẩy {} phần trăm", number(whole.into()), fraction(frac))
    }
}

/// The digits after a decimal comma: leading zeros one by one, then the rest as a number
/// ("05" → "không năm", "31" → "ba mươi mốt").
fn fraction(digits: &str) -> String {
    let zeros = digits.len() - digits.trim_start_matches('0').len();
    let mut out: Vec<String> = std::iter::repeat_n("không".to_string(), zeros).collect();
    let rest = &digits[zeros..];
    if !rest.is_empty() {
        out.push(number(rest.parse().unwrap_or(0)));
    }
    out.join(" ")
}

const DIGITS: [&str; 10] = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];

/// An ID, a phone or a code read digit by digit in groups, a pause (comma) between groups:
/// twelve digits in four threes ("không không một, một bảy chín, …"), a ten-digit phone as
/// four, three, three; other lengths in threes, the first group taking what is left over
/// (four digits are one group).
/// Anything but ASCII digits is skipped.
pub fn digits(s: &str) -> String {
    let ds: Vec<usize> =
        s.bytes().filter(u8::is_ascii_digit).map(|b| usize::from(b - b'0')).collect();
    let first = match ds.len() % 3 {
        0 => 3,
        1 if ds.len() >= 4 => 4,
        r => r,
    };
    let mut groups = Vec::new();
    let mut at = 0;
    let mut size = first.min(ds.len());
    while at < ds.len() {
        let group: Vec<&str> = ds[at..at + size].iter().map(|d| DIGITS[*d]).collect();
        groups.push(group.join(" "));
        at += size;
        size = 3.min(ds.len() - at);
    }
    groups.join(", ")
}

/// Abbreviations on the screens, said in full (espeak-ng would spell them letter by letter).
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("BHXH", "bảo hiểm xã hội"),
    ("BHYT", "bảo hiểm y tế"),
    ("CCCD", "căn cước công dân"),
    ("CMND", "chứng minh nhân dân"),
    ("UBND", "ủy ban nhân dân"),
    ("TP", "thành phố"),
    ("đ", "đồng"),
    ("VND", "đồng"),
];

/// Characters said as a word, or as a pause (a comma).
fn symbol(c: char) -> Option<&'static str> {
    Some(match c {
        '%' => " phần trăm ",
        '+' => " cộng ",
        '×' => " nhân ",
        '=' => " bằng ",
        '→' => " thành ",
        '−' => " trừ ",
        '•' | '·' | '|' | '/' | '(' | ')' | '[' | ']' | '—' | '–' | ';' => ", ",
        '-' | '_' | '"' | '“' | '”' | '*' | '…' | '\n' | '\t' => " ",
        _ => return None,
    })
}

/// A screen's text as it is said: every figure in words (see the module), abbreviations in
/// full, symbols as words or pauses. Letters and the sentence's punctuation stay.
pub fn verbalise(text: &str) -> String {
    let cs: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        let after_word = i > 0 && cs[i - 1].is_alphanumeric();
        if c.is_ascii_digit() && !after_word {
            let (said, next) = figure(&cs, i, &out);
            push_word(&mut out, &said);
            i = next;
        } else if c.is_alphabetic() {
            let end = (i..cs.len()).find(|&j| !cs[j].is_alphanumeric()).unwrap_or(cs.len());
            // A code such as TK1: its letters, then its figures in words.
            let mut at = i;
            while at < end {
                let digit = cs[at].is_ascii_digit();
                let stop = (at..end).find(|&j| cs[j].is_ascii_digit() != digit).unwrap_or(end);
                let part: String = cs[at..stop].iter().collect();
                if digit {
                    let said = if part.len() >= 7 || part.starts_with('0') {
                        digits(&part)
                    } else {
                        number(part.parse().unwrap_or(0))
                    };
                    push_word(&mut out, &said);
                } else {
                    match ABBREVIATIONS.iter().find(|(short, _)| *short == part) {
                        Some((_, full)) => push_word(&mut out, full),
                        None => push_word(&mut out, &part),
                    }
                }
                at = stop;
            }
            i = end;
        } else if c == '–' && out.ends_with(|c: char| c.is_alphanumeric()) && next_is_digit(&cs, i)
        {
            // 2026–2030
            out.push_str(" đến ");
            i += 1;
        } else if let Some(s) = symbol(c) {
            out.push_str(s);
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    tidy(&out)
}

fn next_is_digit(cs: &[char], i: usize) -> bool {
    cs.get(i + 1).is_some_and(char::is_ascii_digit)
}

fn push_word(out: &mut String, w: &str) {
    if out.ends_with(|c: char| c.is_alphanumeric() || c == ',' || c == '.' || c == ':') {
        out.push(' ');
    }
    out.push_str(w);
}

/// Spaces collapsed, no space before a pause, one mark where several meet (a comma gives way
/// to a full stop or a colon), none at the start or a comma at the end.
fn tidy(s: &str) -> String {
    let is_mark = |c: char| matches!(c, ',' | '.' | ':' | '?' | '!');
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else if is_mark(c) {
            while out.ends_with(' ') {
                out.pop();
            }
            match out.chars().last() {
                None => {}
                Some(',') if c == ',' => {}
                Some(',') => {
                    out.pop();
                    out.push(c);
                }
                Some(p) if is_mark(p) && c == ',' => {}
                _ => out.push(c),
            }
        } else {
            if out.ends_with(is_mark) {
                out.push(' ');
            }
            out.push(c);
        }
    }
    out.trim_end().trim_end_matches(',').trim_end().to_string()
}

/// A run of ASCII digits from `i`: its value's text and where it ends.
fn run(cs: &[char], i: usize) -> (String, usize) {
    let end = (i..cs.len()).find(|&j| !cs[j].is_ascii_digit()).unwrap_or(cs.len());
    (cs[i..end].iter().collect(), end)
}

fn parse(s: &str) -> u32 {
    s.parse().unwrap_or(0)
}

/// Whether `out` already ends with `word` (a date after "ngày", a month after "tháng").
fn ends_with_word(out: &str, word: &str) -> bool {
    out.trim_end().to_lowercase().ends_with(word)
}

/// The figure starting at `i` (a digit not inside a word), in words, and where it ends.
fn figure(cs: &[char], i: usize, out: &str) -> (String, usize) {
    let (a, end_a) = run(cs, i);
    let at = |j: usize| cs.get(j).copied();
    // dd/mm/yyyy and mm/yyyy
    if (1..=2).contains(&a.len()) && at(end_a) == Some('/') && next_is_digit(cs, end_a) {
        let (b, end_b) = run(cs, end_a + 1);
        if b.len() == 4 && (1..=12).contains(&parse(&a)) {
            let said = month_year(parse(&a), parse(&b));
            let said = if ends_with_word(out, "tháng") {
                said.trim_start_matches("tháng ").to_string()
            } else {
                said
            };
            return (said, end_b);
        }
        if (1..=2).contains(&b.len()) && at(end_b) == Some('/') && next_is_digit(cs, end_b) {
            let (y, end_y) = run(cs, end_b + 1);
            let (d, m) = (parse(&a), parse(&b));
            if y.len() == 4 && (1..=31).contains(&d) && (1..=12).contains(&m) {
                let said = date_parts(d, m, parse(&y));
                let said = if ends_with_word(out, "ngày") {
                    said.trim_start_matches("ngày ").to_string()
                } else {
                    said
                };
                return (said, end_y);
            }
        }
    }
    // hh:mm
    if (1..=2).contains(&a.len()) && at(end_a) == Some(':') && next_is_digit(cs, end_a) {
        let (m, end_m) = run(cs, end_a + 1);
        if m.len() == 2 && parse(&a) < 24 && parse(&m) < 60 {
            let hours = format!("{} giờ", number(parse(&a).into()));
            return match parse(&m) {
                0 => (hours, end_m),
                m => (format!("{hours} {} phút", number(m.into())), end_m),
            };
        }
    }
    // 1.650.000: thousands separated by dots
    let mut value = a.clone();
    let mut end = end_a;
    if a.len() <= 3 && !a.starts_with('0') {
        while at(end) == Some('.') && next_is_digit(cs, end) {
            let (g, end_g) = run(cs, end + 1);
            if g.len() != 3 {
                break;
            }
            value.push_str(&g);
            end = end_g;
        }
    }
    let grouped = end != end_a;
    // A long run, or one with a leading zero, is an ID, a phone or a code: digit by digit.
    if !grouped && (a.len() >= 7 || (a.len() > 1 && a.starts_with('0'))) {
        return (digits(&a), end_a);
    }
    let mut said = match value.parse::<u64>() {
        // Ordinals: "thứ nhất", "thứ tư" (not "thứ một", "thứ bốn").
        Ok(1) if ends_with_word(out, "thứ") => "nhất".to_string(),
        Ok(4) if ends_with_word(out, "thứ") => "tư".to_string(),
        Ok(n) => number(n),
        Err(_) => digits(&value),
    };
    // 4,5 (a decimal comma right before a digit)
    if !grouped && at(end) == Some(',') && next_is_digit(cs, end) {
        let (f, end_f) = run(cs, end + 1);
        said = format!("{said} phẩy {}", fraction(&f));
        end = end_f;
    }
    (said, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap_or_else(|_| unreachable!("a test date"))
    }

    /// The amounts of the task, in the northern forms.
    #[test]
    fn amounts_are_said_in_words() {
        assert_eq!(amount(0), "không đồng");
        assert_eq!(amount(5), "năm đồng");
        assert_eq!(amount(10), "mười đồng");
        assert_eq!(amount(15), "mười lăm đồng");
        assert_eq!(amount(21), "hai mươi mốt đồng");
        assert_eq!(amount(101), "một trăm linh một đồng");
        assert_eq!(amount(1_005), "một nghìn không trăm linh năm đồng");
        assert_eq!(amount(330_000), "ba trăm ba mươi nghìn đồng");
        assert_eq!(amount(1_650_000), "một triệu sáu trăm năm mươi nghìn đồng");
        assert_eq!(amount(2_000_000_000), "hai tỷ đồng");
        // The same, written as the screens write them.
        for (shown, said) in [
            ("0 đ", "không đồng"),
            ("5 đ", "năm đồng"),
            ("10 đ", "mười đồng"),
            ("15 đ", "mười lăm đồng"),
            ("21 đ", "hai mươi mốt đồng"),
            ("101 đ", "một trăm linh một đồng"),
            ("1.005 đ", "một nghìn không trăm linh năm đồng"),
            ("330.000 đ", "ba trăm ba mươi nghìn đồng"),
            ("1.650.000 đ", "một triệu sáu trăm năm mươi nghìn đồng"),
            ("2.000.000.000 đ", "hai tỷ đồng"),
            ("1.650.000 đồng", "một triệu sáu trăm năm mươi nghìn đồng"),
        ] {
            assert_eq!(verbalise(shown), said, "{shown}");
        }
        assert_eq!(
            verbalise("Phải đóng 330.000 đ (22%)"),
            "Phải đóng ba trăm ba mươi nghìn đồng, hai mươi hai phần trăm"
        );
    }

    #[test]
    fn dates_months_and_times() {
        let new_year = "ngày mùng một tháng một năm hai nghìn không trăm hai mươi bảy";
        assert_eq!(date(d("2027-01-01")), new_year);
        assert_eq!(verbalise("01/01/2027"), new_year);
        assert_eq!(
            verbalise("Sinh ngày 15/03/1979"),
            "Sinh ngày mười lăm tháng ba năm một nghìn chín trăm bảy mươi chín"
        );
        assert_eq!(
            date(d("2026-04-10")),
            "ngày mùng mười tháng tư năm hai nghìn không trăm hai mươi sáu"
        );
        assert_eq!(
            date(d("2026-12-22")),
            "ngày hai mươi hai tháng mười hai năm hai nghìn không trăm hai mươi sáu"
        );
        assert_eq!(verbalise("từ 03/2036"), "từ tháng ba năm hai nghìn không trăm ba mươi sáu");
        assert_eq!(
            verbalise("tháng 12/2026"),
            "tháng mười hai năm hai nghìn không trăm hai mươi sáu"
        );
        assert_eq!(verbalise("lúc 09:30"), "lúc chín giờ ba mươi phút");
        assert_eq!(verbalise("lúc 14:00"), "lúc mười bốn giờ");
    }

    #[test]
    fn ids_are_read_digit_by_digit_in_groups() {
        let id = "không không một, một bảy chín, không một hai, ba bốn năm";
        assert_eq!(digits("001179012345"), id);
        assert_eq!(verbalise("Số CCCD: 001179012345"), format!("Số căn cước công dân: {id}"));
        assert_eq!(
            verbalise("0912345678"),
            "không chín một hai, ba bốn năm, sáu bảy tám",
            "a phone: four, three, three"
        );
        assert_eq!(digits("012345678"), "không một hai, ba bốn năm, sáu bảy tám");
        assert_eq!(verbalise("mã 01"), "mã không một");
        assert_eq!(digits("12"), "một hai");
        assert_eq!(digits("0456"), "không bốn năm sáu");
    }

    #[test]
    fn numbers_shares_and_symbols() {
        assert_eq!(number(0), "không");
        assert_eq!(number(15), "mười lăm");
        assert_eq!(number(21), "hai mươi mốt");
        assert_eq!(number(101), "một trăm linh một");
        assert_eq!(percent(2200), "hai mươi hai phần trăm");
        assert_eq!(percent(450), "bốn phẩy năm phần trăm");
        assert_eq!(percent(5), "không phẩy không năm phần trăm");
        assert_eq!(verbalise("4,5%"), "bốn phẩy năm phần trăm");
        assert_eq!(verbalise("0,31"), "không phẩy ba mươi mốt");
        assert_eq!(verbalise("20 năm 3 tháng"), "hai mươi năm ba tháng");
        assert_eq!(verbalise("BHXH tự nguyện · BHYT"), "bảo hiểm xã hội tự nguyện, bảo hiểm y tế");
        assert_eq!(
            verbalise("2026–2030"),
            "hai nghìn không trăm hai mươi sáu đến hai nghìn không trăm ba mươi"
        );
        assert_eq!(
            verbalise("• Căn cứ: Nghị định 159/2025"),
            "Căn cứ: Nghị định một trăm năm mươi chín, hai nghìn không trăm hai mươi lăm"
        );
        assert_eq!(verbalise("Hộ cận nghèo (30%)."), "Hộ cận nghèo, ba mươi phần trăm.");
        assert_eq!(verbalise("đủ 15 năm, 1 lần"), "đủ mười lăm năm, một lần");
        assert_eq!(verbalise("tờ khai TK1-TS"), "tờ khai TK một TS");
        assert_eq!(verbalise("Người thứ 1, thứ 4, thứ 5"), "Người thứ nhất, thứ tư, thứ năm");
    }
}
