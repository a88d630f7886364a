//! The text of a card's QR code, read into a [`Card`].
//!
//! No specification of the layout is published. Cards issued from 2021 to mid-2024 carry on
//! their front `ID|old ID|full name|DDMMYYYY|Nam or Nữ|permanent address|DDMMYYYY` (the last
//! date is the issue date); some codes leave the old 9-digit ID out (the field empty, or no
//! field at all), and cards issued since 1 July 2024 carry a code on the back whose content may
//! differ. So the reading is tolerant — six fields or more, the old ID optional, fields past
//! the seventh ignored, decomposed accents composed, spaces around fields dropped — and strict
//! where it matters: the ID must be a personal ID (12 digits, a known province of birth
//! registration, its century-and-sex digit and year digits agreeing with the card's sex and
//! birth year), the birth date a real date, the sex `Nam` or `Nữ`.
//!
//! The code is not signed: anyone can print one. A [`Card`] pre-fills the form; staff compare
//! every field with the card in their hand.

use ansinh_core::Date;
use ansinh_core::person::Sex;
use ansinh_enrollment::record::NAME_BYTES;
use ansinh_enrollment::text;
use zeroize::Zeroize;

use crate::Error;

/// What the card's code says, checked. Its text is overwritten when it is dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Card {
    /// The 12-digit personal ID number.
    pub personal_id: String,
    /// The old 9-digit ID (CMND), when the code carries it.
    pub old_id: Option<String>,
    /// Full name, upper case, NFC, single spaces (the record's own name rules).
    pub full_name: String,
    /// Date of birth.
    pub birth_date: Date,
    /// Sex.
    pub sex: Sex,
    /// Permanent address as printed, NFC, single spaces (units before 1 July 2025).
    pub address: String,
    /// Issue date, when the code carries it.
    pub issued: Option<Date>,
}

impl Drop for Card {
    fn drop(&mut self) {
        self.personal_id.zeroize();
        self.old_id.zeroize();
        self.full_name.zeroize();
        self.address.zeroize();
    }
}

/// A field of the code, named in [`Error::NotACardCode`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// Not six or more fields separated by `|`: another kind of code (a web link, a receipt).
    Layout,
    /// The personal ID number.
    PersonalId,
    /// The old ID number.
    OldId,
    /// The full name.
    FullName,
    /// The date of birth.
    BirthDate,
    /// The sex.
    Sex,
    /// The permanent address.
    Address,
    /// The issue date.
    IssueDate,
}

impl Field {
    /// A stable code for the field (for messages and tests).
    pub const fn as_str(self) -> &'static str {
        match self {
            Field::Layout => "layout",
            Field::PersonalId => "personal_id",
            Field::OldId => "old_id",
            Field::FullName => "full_name",
            Field::BirthDate => "birth_date",
            Field::Sex => "sex",
            Field::Address => "address",
            Field::IssueDate => "issue_date",
        }
    }
}

/// The longest address kept (bytes, after normalisation): the record's address line is shorter,
/// but the commune, district and province are split off first.
const ADDRESS_BYTES: usize = 400;

/// Reads a card's code. See the module's rules.
///
/// ```
/// use ansinh_idcard::{parse, Error, Field};
/// let card = parse("001179012345|012345678|Nguyễn Thị Hồng Nhung|15031979|Nữ|Phường Hà Cầu, Quận Hà Đông, Hà Nội|15042021")
///     .expect("a card");
/// assert_eq!(card.full_name, "NGUYỄN THỊ HỒNG NHUNG");
/// assert_eq!(card.birth_date.to_string(), "1979-03-15");
/// assert_eq!(parse("https://example.vn/x"), Err(Error::NotACardCode(Field::Layout)));
/// ```
pub fn parse(code: &str) -> Result<Card, Error> {
    let code = code.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let mut fields: Vec<&str> = code.split('|').map(str::trim).collect();
    if fields.len() < 6 {
        return Err(Error::NotACardCode(Field::Layout));
    }
    // The old ID is a field of digits (or empty) after the ID; a name there means the code
    // left it out.
    let old_id = match fields[1] {
        "" => None,
        f if f.bytes().all(|b| b.is_ascii_digit()) => {
            if f.len() != 9 && f.len() != 12 {
                return Err(Error::NotACardCode(Field::OldId));
            }
            Some(f.to_string())
        }
        _ => {
            fields.insert(1, "");
            None
        }
    };
    let id = fields[0];
    let sex_text = fields[4];
    let (name, address) = (fields[2], fields[5]);
    let sex = match text::keyword::<8>(sex_text).as_deref() {
        Some("nam") => Sex::Male,
        Some("nữ") => Sex::Female,
        _ if lost_diacritics(sex_text, name, address) => return Err(Error::DiacriticsLost),
        _ => return Err(Error::NotACardCode(Field::Sex)),
    };
    if lost_diacritics(sex_text, name, address) {
        return Err(Error::DiacriticsLost);
    }
    let birth_date = date(fields[3]).ok_or(Error::NotACardCode(Field::BirthDate))?;
    let known_province = ansinh_geo::legacy_province_of_personal_id(id).is_some();
    let id_problems = ansinh_enrollment::validate::personal_id_codes(
        id,
        Some(sex),
        Some(ansinh_enrollment::record::BirthDate::Full(birth_date)),
    );
    if !known_province || !id_problems.is_empty() {
        return Err(Error::NotACardCode(Field::PersonalId));
    }
    let full_name = text::name::<NAME_BYTES>(name)
        .map_err(|_| Error::NotACardCode(Field::FullName))?
        .to_string();
    let address = text::free_text::<ADDRESS_BYTES>(address)
        .map_err(|_| Error::NotACardCode(Field::Address))?
        .to_string();
    let issued = match fields.get(6).copied() {
        None | Some("") => None,
        Some(f) => Some(date(f).ok_or(Error::NotACardCode(Field::IssueDate))?),
    };
    Ok(Card { personal_id: id.to_string(), old_id, full_name, birth_date, sex, address, issued })
}

/// `DDMMYYYY` as a real date.
fn date(f: &str) -> Option<Date> {
    if f.len() != 8 || !f.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: core::ops::Range<usize>| f.get(r).and_then(|s| s.parse::<u16>().ok());
    let (day, month, year) = (n(0..2)?, n(2..4)?, n(4..8)?);
    Date::new(year, u8::try_from(month).ok()?, u8::try_from(day).ok()?).ok()
}

/// Signs that the accented letters were lost on the way (a keyboard-mode scanner types only
/// what a US keyboard has; a scanner set to another code page sends `?` for what it cannot
/// say): "Nu", "N?" or "N" for "Nữ", a `?` or U+FFFD in the name or the address, or an address
/// with no accented letter at all — every Vietnamese address names its units with one
/// (Phường, Xã, Thị trấn, Quận, Huyện, Tỉnh, Thành phố).
pub fn lost_diacritics(sex: &str, name: &str, address: &str) -> bool {
    let folded_sex: String = sex.chars().filter(|c| !c.is_whitespace()).collect();
    let sex_lost = matches!(folded_sex.to_ascii_lowercase().as_str(), "nu" | "n?" | "n" | "n??");
    let replaced = |s: &str| s.contains(['?', '\u{fffd}']);
    sex_lost || replaced(name) || replaced(address) || (!address.is_empty() && address.is_ascii())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRONT: &str = "001179012345|012345678|Nguyễn Thị Hồng Nhung|15031979|Nữ|Số 12, ngõ 34, phố Quang Trung, Phường Hà Cầu, Quận Hà Đông, Hà Nội|15042021";

    fn field_of(code: &str) -> Option<Field> {
        match parse(code) {
            Err(Error::NotACardCode(f)) => Some(f),
            _ => None,
        }
    }

    #[test]
    fn the_front_code_is_read_field_by_field() -> Result<(), Error> {
        let c = parse(FRONT)?;
        assert_eq!(c.personal_id, "001179012345");
        assert_eq!(c.old_id.as_deref(), Some("012345678"));
        assert_eq!(c.full_name, "NGUYỄN THỊ HỒNG NHUNG");
        assert_eq!(c.birth_date, Date::new(1979, 3, 15).map_err(|_| Error::NotUtf8)?);
        assert_eq!(c.sex, Sex::Female);
        assert!(c.address.starts_with("Số 12, ngõ 34"));
        assert_eq!(c.issued, Date::new(2021, 4, 15).ok());
        Ok(())
    }

    #[test]
    fn the_reading_is_tolerant_of_what_codes_in_the_field_do() -> Result<(), Error> {
        // No old ID at all, an empty one, extra fields, no issue date, CR LF and spaces.
        let without = FRONT.replacen("|012345678", "", 1);
        assert_eq!(parse(&without)?.old_id, None);
        assert_eq!(parse(&FRONT.replacen("012345678", "", 1))?.old_id, None);
        assert_eq!(parse(&format!("{FRONT}|extra|more\r\n"))?.personal_id, "001179012345");
        let no_issue = FRONT.rsplit_once('|').map(|(a, _)| a).unwrap_or(FRONT);
        assert_eq!(parse(no_issue)?.issued, None);
        assert_eq!(parse(&FRONT.replace('|', " | "))?.sex, Sex::Female);
        // Decomposed accents (NFD) and upper case give the same NFC name.
        let nfd = FRONT.replace("Nguyễn", "Nguye\u{302}\u{303}n").replace("Nữ", "NU\u{31b}\u{303}");
        let c = parse(&nfd)?;
        assert_eq!((c.full_name.as_str(), c.sex), ("NGUYỄN THỊ HỒNG NHUNG", Sex::Female));
        let male = "079090123456||NGUYỄN VĂN A|01011990|Nam|Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|15042021";
        assert_eq!(parse(male)?.sex, Sex::Male);
        Ok(())
    }

    #[test]
    fn what_is_not_a_card_says_which_field_is_wrong() {
        assert_eq!(field_of("https://thu.example.vn/r/1"), Some(Field::Layout));
        assert_eq!(field_of("a|b|c"), Some(Field::Layout));
        assert_eq!(
            field_of(&FRONT.replacen("001179012345", "00117901234", 1)),
            Some(Field::PersonalId)
        );
        // A province code no card carries, and an ID whose digits contradict the sex or year.
        assert_eq!(field_of(&FRONT.replacen("001179", "003179", 1)), Some(Field::PersonalId));
        assert_eq!(field_of(&FRONT.replacen("001179", "001079", 1)), Some(Field::PersonalId));
        assert_eq!(field_of(&FRONT.replacen("001179", "001180", 1)), Some(Field::PersonalId));
        assert_eq!(field_of(&FRONT.replacen("15031979", "31021979", 1)), Some(Field::BirthDate));
        assert_eq!(field_of(&FRONT.replacen("Nữ", "Khác", 1)), Some(Field::Sex));
        assert_eq!(field_of(&FRONT.replacen("Nguyễn", "Nguyễn 3", 1)), Some(Field::FullName));
        assert_eq!(field_of(&FRONT.replacen("15042021", "2021", 1)), Some(Field::IssueDate));
        assert_eq!(field_of(&FRONT.replacen("012345678", "0123", 1)), Some(Field::OldId));
    }

    #[test]
    fn lost_accents_are_told_apart_from_a_wrong_code() {
        let ascii = "001179012345|012345678|Nguyen Thi Hong Nhung|15031979|Nu|So 12, Phuong Ha Cau, Quan Ha Dong, Ha Noi|15042021";
        assert_eq!(parse(ascii), Err(Error::DiacriticsLost));
        assert_eq!(parse(&FRONT.replacen("Nữ", "N?", 1)), Err(Error::DiacriticsLost));
        assert_eq!(parse(&FRONT.replacen("Hồng", "H?ng", 1)), Err(Error::DiacriticsLost));
        let male_ascii = "079090123456||NGUYEN VAN A|01011990|Nam|Phuong Ben Nghe, Quan 1, TP. Ho Chi Minh|15042021";
        assert_eq!(
            parse(male_ascii),
            Err(Error::DiacriticsLost),
            "Nam has no accent, the address has"
        );
    }
}
