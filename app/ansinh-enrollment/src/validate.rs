//! Turning what was typed (a [`Draft`], borrowed strings, no allocation) into a validated,
//! normalised [`Enrollment`], or every problem at once.
//!
//! Readings taken where the rules are silent:
//! - Names: NFC, upper case, single spaces, Vietnamese letters (and A–Z for F, J, W, Z in
//!   ethnic-minority names). An apostrophe between letters is accepted because Ê Đê and other
//!   ethnic-minority names are registered with one (e.g. `H'HEN NIÊ`); nothing else is.
//! - Partial birth dates: the age checks use the latest possible month (December for a year),
//!   so a partial date never lets someone too young through.
//! - Start month: not before the current month (no retroactive start; back-pay covers past
//!   months by its own rule) and at most 12 months ahead.
//! - Consent: the enrollment purpose is required. A voluntary participant under 16 consents
//!   through a parent or guardian (children's data, Law 91/2025), whose details are then needed.
//! - Household: children under 6 have state-paid health insurance and cannot join through the
//!   household group; a person appears once (by personal ID), the head included.

use ansinh_core::person::{Group, Sex};
use ansinh_core::quote::quote;
use ansinh_core::{Date, Month, PolicyTable};
use heapless::{String, Vec};

use crate::problem::{Code, Problems};
use crate::record::*;
use crate::text::TextError;

/// What was typed for an address.
#[derive(Clone, Copy, Debug, Default)]
pub struct AddressDraft<'a> {
    /// House, lane, street, hamlet.
    pub line: &'a str,
    /// Commune code.
    pub commune_code: &'a str,
    /// Province code.
    pub province_code: &'a str,
}

/// What was typed for the place of birth registration.
#[derive(Clone, Copy, Debug, Default)]
pub struct BirthPlaceDraft<'a> {
    /// Commune / ward.
    pub commune: &'a str,
    /// District.
    pub district: &'a str,
    /// Province.
    pub province: &'a str,
}

/// What was typed for a parent or guardian.
#[derive(Clone, Copy, Debug, Default)]
pub struct GuardianDraft<'a> {
    /// Full name.
    pub full_name: &'a str,
    /// Personal ID (empty when unknown).
    pub personal_id: &'a str,
    /// Relationship (`parent`, `guardian`, ...).
    pub relationship: &'a str,
}

/// What was typed for the person (TK1-TS Part I).
#[derive(Clone, Copy, Debug, Default)]
pub struct PersonDraft<'a> {
    /// Full name.
    pub full_name: &'a str,
    /// `male` / `female` (or `nam` / `nữ`).
    pub sex: &'a str,
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub birth_date: &'a str,
    /// ISO country code.
    pub nationality: &'a str,
    /// Ethnic group code.
    pub ethnicity: &'a str,
    /// Personal ID.
    pub personal_id: &'a str,
    /// Legacy SI code (empty when none).
    pub legacy_si_code: &'a str,
    /// Phone (empty when none).
    pub phone: &'a str,
    /// E-mail (empty when none).
    pub email: &'a str,
    /// Place of birth registration.
    pub birth_place: BirthPlaceDraft<'a>,
    /// Contact address.
    pub address: AddressDraft<'a>,
    /// Parent or guardian, if given.
    pub guardian: Option<GuardianDraft<'a>>,
}

/// What was chosen for voluntary SI.
#[derive(Clone, Copy, Debug, Default)]
pub struct ChoicesDraft<'a> {
    /// Monthly income, đồng.
    pub income: u64,
    /// `1`, `3`, `6`, `12`, `advance-N`, `backpay-N`.
    pub mode: &'a str,
    /// `YYYY-MM`.
    pub start_month: &'a str,
    /// `poor`, `near-poor`, `ethnic-minority`, `island`, `other`.
    pub group: &'a str,
    /// Evidence reference (empty when none).
    pub evidence_ref: &'a str,
    /// Months of support already received.
    pub supported_months_before: u16,
    /// Months already paid (required for back-pay: it may cover only what is missing).
    pub paid_months_before: Option<u16>,
}

/// What was recorded as consent.
#[derive(Clone, Copy, Debug, Default)]
pub struct ConsentDraft<'a> {
    /// Purposes (bits of [`purpose`]).
    pub purposes: u8,
    /// Consent text version shown.
    pub text_version: &'a str,
    /// When (seconds since the Unix epoch).
    pub at: i64,
    /// `person` or `guardian`.
    pub confirmed_by: &'a str,
}

/// What was typed for the head of household.
#[derive(Clone, Copy, Debug, Default)]
pub struct HeadDraft<'a> {
    /// Full name.
    pub full_name: &'a str,
    /// Personal ID.
    pub personal_id: &'a str,
    /// Phone (empty when none).
    pub phone: &'a str,
    /// Address.
    pub address: AddressDraft<'a>,
}

/// What was typed for one household member.
#[derive(Clone, Copy, Debug, Default)]
pub struct MemberDraft<'a> {
    /// Full name.
    pub full_name: &'a str,
    /// Sex.
    pub sex: &'a str,
    /// Birth date.
    pub birth_date: &'a str,
    /// Personal ID.
    pub personal_id: &'a str,
    /// Legacy SI code (empty when none).
    pub legacy_si_code: &'a str,
    /// Relationship to the head.
    pub relationship: &'a str,
    /// Months (3, 6, 12).
    pub months: u8,
    /// Health-care facility code.
    pub kcb_code: &'a str,
    /// Parent or guardian, if given.
    pub guardian: Option<GuardianDraft<'a>>,
}

/// An enrollment as typed, before validation.
#[derive(Clone, Copy, Debug)]
pub enum Draft<'a> {
    /// Voluntary social insurance.
    Voluntary {
        /// The person.
        person: PersonDraft<'a>,
        /// Their choices.
        choices: ChoicesDraft<'a>,
        /// Consent.
        consent: ConsentDraft<'a>,
    },
    /// Household health insurance.
    Household {
        /// Head of household.
        head: HeadDraft<'a>,
        /// First month, `YYYY-MM`.
        start_month: &'a str,
        /// Members in household order.
        members: &'a [MemberDraft<'a>],
        /// Consent.
        consent: ConsentDraft<'a>,
    },
}

/// A field path builder that never allocates.
fn path(parts: &[&str]) -> String<64> {
    let mut s = String::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 && !p.starts_with('[') {
            let _ = s.push('.');
        }
        let _ = s.push_str(p);
    }
    s
}

fn index(i: usize) -> String<8> {
    let mut s = String::new();
    let _ = core::fmt::Write::write_fmt(&mut s, format_args!("[{i}]"));
    s
}

/// Copies `value` (trimmed) into a bounded string, or records `too_long`.
fn bounded<const N: usize>(p: &mut Problems, field: &str, value: &str) -> Option<String<N>> {
    let mut s = String::new();
    if s.push_str(value.trim()).is_err() {
        p.push(field, Code::TooLong { max: N });
        return None;
    }
    Some(s)
}

fn required<const N: usize>(p: &mut Problems, field: &str, value: &str) -> Option<String<N>> {
    if value.trim().is_empty() {
        p.push(field, Code::Required);
        return None;
    }
    bounded(p, field, value)
}

/// Normalises a name: NFC, upper case, single spaces; checks the characters (see
/// [`crate::text::name`]).
pub fn normalise_name(p: &mut Problems, field: &str, value: &str) -> Option<Name> {
    match crate::text::name::<NAME_BYTES>(value) {
        Ok(n) => Some(n),
        Err(e) => {
            p.push(
                field,
                match e {
                    TextError::Empty => Code::Required,
                    TextError::TooLong => Code::TooLong { max: NAME_BYTES },
                    TextError::Characters => Code::NameCharacters,
                },
            );
            None
        }
    }
}

fn parse_sex(p: &mut Problems, field: &str, value: &str) -> Option<Sex> {
    // Anything longer than the longest accepted word is not a sex (and never overflows).
    let folded: String<16> = crate::text::keyword(value).unwrap_or_else(|| {
        let mut marker = String::new();
        let _ = marker.push('?');
        marker
    });
    match folded.as_str() {
        "male" | "nam" => Some(Sex::Male),
        "female" | "nữ" | "nu" => Some(Sex::Female),
        "" => {
            p.push(field, Code::Required);
            None
        }
        _ => {
            p.push(field, Code::BadSex);
            None
        }
    }
}

fn parse_birth(p: &mut Problems, field: &str, value: &str, today: Date) -> Option<BirthDate> {
    let v = value.trim();
    if v.is_empty() {
        p.push(field, Code::Required);
        return None;
    }
    let parsed = match v.len() {
        4 => v.parse::<u16>().ok().filter(|y| (1900..=2399).contains(y)).map(BirthDate::Year),
        7 => v.parse::<Month>().ok().map(BirthDate::YearMonth),
        10 => v.parse::<Date>().ok().map(BirthDate::Full),
        _ => None,
    };
    match parsed {
        Some(b) if b.earliest_month() <= today.month() => Some(b),
        _ => {
            p.push(field, Code::BadDate);
            None
        }
    }
}

fn digits(v: &str, n: usize) -> bool {
    v.len() == n && v.bytes().all(|b| b.is_ascii_digit())
}

/// Checks a personal ID against sex and birth year (Decree 137/2015 Art 13 structure).
fn personal_id(
    p: &mut Problems,
    field: &str,
    value: &str,
    sex: Option<Sex>,
    birth: Option<BirthDate>,
) -> Option<PersonalId> {
    let v = value.trim();
    if v.is_empty() {
        p.push(field, Code::Required);
        return None;
    }
    if !digits(v, 12) {
        p.push(field, Code::IdNotTwelveDigits);
        return None;
    }
    for code in personal_id_codes(v, sex, birth) {
        p.push(field, code);
    }
    String::try_from(v).ok()
}

/// What is wrong with a personal ID number, as problem codes: not 12 digits; or, when the sex
/// and birth date are known, a fourth digit that is not the century-and-sex digit (0 a man born
/// in the 1900s, 1 a woman, 2 and 3 in the 2000s…) or fifth and sixth digits that are not the
/// year's last two (Decree 137/2015 Art 13). Empty when it is right. The validation of every
/// record uses it, and so does the reading of an ID card's QR code.
pub fn personal_id_codes(
    value: &str,
    sex: Option<Sex>,
    birth: Option<BirthDate>,
) -> heapless::Vec<Code, 2> {
    let mut out = heapless::Vec::new();
    let v = value.trim();
    if !digits(v, 12) {
        let _ = out.push(Code::IdNotTwelveDigits);
        return out;
    }
    let b = v.as_bytes();
    let century_sex = b[3] - b'0';
    let yy = u16::from(b[4] - b'0') * 10 + u16::from(b[5] - b'0');
    if let (Some(sex), Some(birth)) = (sex, birth) {
        let century = birth.year() / 100;
        let expected = (century.saturating_sub(19)) * 2 + u16::from(sex == Sex::Female);
        if u16::from(century_sex) != expected {
            let _ = out.push(Code::IdSexCentury);
        }
        if yy != birth.year() % 100 {
            let _ = out.push(Code::IdBirthYear);
        }
    }
    out
}

fn legacy_code(p: &mut Problems, field: &str, value: &str) -> Option<Option<LegacySiCode>> {
    let v = value.trim();
    if v.is_empty() {
        return Some(None);
    }
    if !digits(v, 10) {
        p.push(field, Code::LegacyNotTenDigits);
        return None;
    }
    Some(String::try_from(v).ok())
}

/// Normalises a Vietnamese phone number to national form (`0…`), or records `bad_phone`.
pub fn normalise_phone(p: &mut Problems, field: &str, value: &str) -> Option<Option<Phone>> {
    let mut d: String<24> = String::new();
    for c in value.chars() {
        match c {
            '0'..='9' => {
                if d.push(c).is_err() {
                    p.push(field, Code::BadPhone);
                    return None;
                }
            }
            ' ' | '.' | '-' | '(' | ')' => {}
            '+' if d.is_empty() => {}
            _ => {
                p.push(field, Code::BadPhone);
                return None;
            }
        }
    }
    if d.is_empty() {
        return Some(None);
    }
    let national: String<24> = match d.strip_prefix("84") {
        Some(rest) if d.len() >= 11 => {
            let mut s = String::new();
            let _ = s.push('0');
            let _ = s.push_str(rest);
            s
        }
        _ => d,
    };
    let b = national.as_bytes();
    let mobile = b.len() == 10 && b[0] == b'0' && matches!(b[1], b'3' | b'5' | b'7' | b'8' | b'9');
    let landline = b.len() == 11 && b[0] == b'0' && b[1] == b'2';
    if mobile || landline {
        Some(String::try_from(national.as_str()).ok())
    } else {
        p.push(field, Code::BadPhone);
        None
    }
}

fn email(p: &mut Problems, field: &str, value: &str) -> Option<Option<String<EMAIL_BYTES>>> {
    let v = value.trim();
    if v.is_empty() {
        return Some(None);
    }
    let ok = v.is_ascii()
        && !v.contains(char::is_whitespace)
        && v.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !ok {
        p.push(field, Code::BadEmail);
        return None;
    }
    bounded(p, field, v).map(Some)
}

fn address(p: &mut Problems, base: &str, a: &AddressDraft<'_>) -> Option<Address> {
    let line = required(p, &path(&[base, "line"]), a.line);
    let prov_field = path(&[base, "province_code"]);
    let commune_field = path(&[base, "commune_code"]);
    let province = a.province_code.trim();
    let commune = a.commune_code.trim();
    let mut ok = true;
    if province.is_empty() {
        p.push(&prov_field, Code::Required);
        ok = false;
    } else if ansinh_geo::province(province).is_none() {
        p.push(&prov_field, Code::UnknownProvince);
        ok = false;
    }
    if commune.is_empty() {
        p.push(&commune_field, Code::Required);
        ok = false;
    } else if ok && !ansinh_geo::commune_in_province(commune, province) {
        p.push(&commune_field, Code::CommuneNotInProvince);
        ok = false;
    }
    Some(Address {
        line: line?,
        commune_code: String::try_from(commune).ok().filter(|_| ok)?,
        province_code: String::try_from(province).ok().filter(|_| ok)?,
    })
}

fn guardian(p: &mut Problems, base: &str, g: &GuardianDraft<'_>) -> Option<Guardian> {
    let full_name = normalise_name(p, &path(&[base, "full_name"]), g.full_name);
    let id_field = path(&[base, "personal_id"]);
    let personal_id = if g.personal_id.trim().is_empty() {
        Some(None)
    } else {
        personal_id(p, &id_field, g.personal_id, None, None).map(Some)
    };
    let rel_field = path(&[base, "relationship"]);
    let relationship = match Relationship::parse(g.relationship.trim()) {
        Some(r) => Some(r),
        None => {
            p.push(
                &rel_field,
                if g.relationship.trim().is_empty() {
                    Code::Required
                } else {
                    Code::BadRelationship
                },
            );
            None
        }
    };
    Some(Guardian { full_name: full_name?, personal_id: personal_id?, relationship: relationship? })
}

/// Age in whole years on `month` for someone born in `born` (0 when not yet born).
fn age_years(born: Month, month: Month) -> u32 {
    month.months_since(born) / 12
}

fn parse_month(p: &mut Problems, field: &str, value: &str) -> Option<Month> {
    match value.trim() {
        "" => {
            p.push(field, Code::Required);
            None
        }
        v => match v.parse() {
            Ok(m) => Some(m),
            Err(_) => {
                p.push(field, Code::BadDate);
                None
            }
        },
    }
}

fn check_start(p: &mut Problems, field: &str, start: Month, today: Date) {
    if start < today.month() {
        p.push(field, Code::StartTooEarly);
    } else if start.months_since(today.month()) > 12 {
        p.push(field, Code::StartTooLate);
    }
}

fn consent(
    p: &mut Problems,
    c: &ConsentDraft<'_>,
    guardian_present: bool,
    minor: bool,
    today: Date,
) -> Option<Consent> {
    if c.purposes & purpose::ENROLLMENT == 0 || c.at <= 0 {
        p.push("consent.purposes", Code::ConsentMissing);
    }
    // Consent times are Unix seconds; days are Viet Nam's.
    if c.at > 0 && Date::in_vietnam(c.at).map_or(true, |d| d > today) {
        p.push("consent.at", Code::ConsentInFuture);
    }
    let text_version = required(p, "consent.text_version", c.text_version);
    let confirmed_by = match c.confirmed_by.trim() {
        "person" => Some(ConfirmedBy::Person),
        "guardian" => Some(ConfirmedBy::Guardian),
        "" => {
            p.push("consent.confirmed_by", Code::Required);
            None
        }
        _ => {
            p.push("consent.confirmed_by", Code::ConsentWho);
            None
        }
    };
    if let Some(who) = confirmed_by
        && ((who == ConfirmedBy::Guardian && !guardian_present)
            || (minor && who != ConfirmedBy::Guardian))
    {
        p.push("consent.confirmed_by", Code::ConsentWho);
    }
    if c.purposes & purpose::ENROLLMENT == 0 || c.at <= 0 {
        return None;
    }
    Some(Consent {
        purposes: c.purposes,
        text_version: text_version?,
        at: c.at,
        confirmed_by: confirmed_by?,
    })
}

fn person(
    p: &mut Problems,
    d: &PersonDraft<'_>,
    today: Date,
) -> Option<(Person, Option<BirthDate>)> {
    let full_name = normalise_name(p, "person.full_name", d.full_name);
    let sex = parse_sex(p, "person.sex", d.sex);
    let birth = parse_birth(p, "person.birth_date", d.birth_date, today);
    let nationality = match d.nationality.trim() {
        "" => {
            p.push("person.nationality", Code::Required);
            None
        }
        "VN" | "vn" => String::try_from("VN").ok(),
        _ => {
            p.push("person.nationality", Code::NotVietnamese);
            None
        }
    };
    let ethnicity = match d.ethnicity.trim() {
        "" => {
            p.push("person.ethnicity", Code::Required);
            None
        }
        code => match ansinh_geo::ethnic_group(code) {
            Some(g) => String::try_from(g.code).ok(),
            None => {
                p.push("person.ethnicity", Code::UnknownEthnicity);
                None
            }
        },
    };
    let id = personal_id(p, "person.personal_id", d.personal_id, sex, birth);
    let legacy = legacy_code(p, "person.legacy_si_code", d.legacy_si_code);
    let phone = normalise_phone(p, "person.phone", d.phone);
    let mail = email(p, "person.email", d.email);
    let birth_place = BirthPlace {
        commune: bounded(p, "person.birth_place.commune", d.birth_place.commune)
            .unwrap_or_default(),
        district: bounded(p, "person.birth_place.district", d.birth_place.district)
            .unwrap_or_default(),
        province: required(p, "person.birth_place.province", d.birth_place.province)
            .unwrap_or_default(),
    };
    let addr = address(p, "person.address", &d.address);
    let guard = d.guardian.as_ref().map(|g| guardian(p, "person.guardian", g));
    if let Some(b) = birth
        && age_years(b.latest_month(), today.month()) < 6
        && d.guardian.is_none()
    {
        p.push("person.guardian", Code::GuardianRequired);
    }
    let person = Person {
        full_name: full_name?,
        sex: sex?,
        birth_date: birth?,
        nationality: nationality?,
        ethnicity: ethnicity?,
        personal_id: id?,
        legacy_si_code: legacy?,
        phone: phone?,
        email: mail?,
        birth_place,
        address: addr?,
        guardian: match guard {
            Some(g) => Some(g?),
            None => None,
        },
    };
    Some((person, birth))
}

fn parse_mode(s: &str) -> Option<ansinh_core::quote::Mode> {
    s.trim().parse::<ansinh_core::quote::Mode>().ok()
}

fn voluntary(
    p: &mut Problems,
    person_d: &PersonDraft<'_>,
    c: &ChoicesDraft<'_>,
    consent_d: &ConsentDraft<'_>,
    table: &PolicyTable<'_>,
    today: Date,
) -> Option<Enrollment> {
    let person_r = person(p, person_d, today);
    let start = parse_month(p, "choices.start_month", c.start_month);
    let mode = match parse_mode(c.mode) {
        Some(m) => match PaymentMode::from_core(m, c.paid_months_before) {
            Some(m) => Some(m),
            None => {
                p.push("choices.paid_months_before", Code::Required);
                None
            }
        },
        None => {
            p.push(
                "choices.mode",
                if c.mode.trim().is_empty() { Code::Required } else { Code::ModeNotAllowed },
            );
            None
        }
    };
    if let (Some(s), Some(m)) = (start, mode)
        && !m.is_backpay()
    {
        check_start(p, "choices.start_month", s, today);
    }
    let group = match c.group.trim().parse::<Group>() {
        Ok(g) => Some(g),
        Err(()) => {
            p.push(
                "choices.group",
                if c.group.trim().is_empty() { Code::Required } else { Code::BadGroup },
            );
            None
        }
    };
    let evidence = if c.evidence_ref.trim().is_empty() {
        Some(None)
    } else {
        bounded(p, "choices.evidence_ref", c.evidence_ref).map(Some)
    };
    if let Some(g) = group {
        let special_zone = ansinh_geo::commune(person_d.address.commune_code.trim())
            .is_some_and(|c| c.kind == ansinh_geo::CommuneKind::SpecialZone);
        let needs_evidence = match g {
            Group::Poor | Group::NearPoor => true,
            Group::Island => !special_zone,
            Group::EthnicMinority | Group::Other => false,
        };
        if needs_evidence && c.evidence_ref.trim().is_empty() {
            p.push("choices.evidence_ref", Code::EvidenceRequired);
        }
        if g == Group::EthnicMinority && person_d.ethnicity.trim() == "01" {
            p.push("choices.group", Code::NotEthnicMinority);
        }
    }
    // The payment itself: income bounds, allowed mode, joining age, back-pay rules, all by the
    // core on the payment date (today), through the request the price is made from.
    let minor = person_r
        .as_ref()
        .is_some_and(|(_, b)| b.is_some_and(|b| age_years(b.latest_month(), today.month()) < 16));
    if let (Some(m), Some(g)) = (mode, group) {
        let person_q =
            person_r.as_ref().and_then(|(pp, b)| b.map(|b| crate::price::quote_person(b, pp.sex)));
        let req = crate::price::voluntary_request(
            c.income,
            m,
            g,
            c.supported_months_before,
            person_q,
            person_r.as_ref().map(|(pp, _)| pp.address.province_code.as_str()),
            today,
        );
        if let Err(e) = quote(table, &req) {
            match &e {
                ansinh_core::Error::IncomeOutOfRange { floor, ceiling, .. } => {
                    p.push(
                        "choices.income",
                        Code::IncomeOutOfRange { floor: *floor, ceiling: *ceiling },
                    );
                }
                ansinh_core::Error::TooYoung { min_age } => {
                    p.push("person.birth_date", Code::TooYoung { min_age: *min_age })
                }
                ansinh_core::Error::PeriodNotAllowed { .. }
                | ansinh_core::Error::AdvanceYearsOutOfRange { .. } => {
                    p.push("choices.mode", Code::ModeNotAllowed);
                }
                ansinh_core::Error::BackpayShortfallTooLarge { .. }
                | ansinh_core::Error::BackpayNothingMissing { .. }
                | ansinh_core::Error::BackpayNeedsPaidMonths => {
                    p.push("choices.paid_months_before", Code::Payment(e.code()));
                }
                // The birth date's own problem is already reported.
                ansinh_core::Error::BackpayNeedsPerson if person_r.is_none() => {}
                other => p.push("choices.mode", Code::Payment(other.code())),
            }
        }
    }
    if mode.is_none() || group.is_none() {
        // Not priced without both; the income is still checked against the bounds, so a form
        // shows every problem of its payment at once rather than one after another.
        let mut cites = ansinh_core::cite::Citations::new();
        if let Ok((floor, ceiling)) = ansinh_core::quote::income_bounds(table, today, &mut cites)
            && !(floor..=ceiling).contains(&c.income)
        {
            p.push("choices.income", Code::IncomeOutOfRange { floor, ceiling });
        }
    }
    let guardian_present = person_d.guardian.is_some();
    let consent_r = consent(p, consent_d, guardian_present, minor, today);
    let (person, _) = person_r?;
    Some(Enrollment::Voluntary(VoluntaryEnrollment {
        person,
        choices: VoluntaryChoices {
            income: c.income,
            mode: mode?,
            start_month: start?,
            group: group?,
            evidence_ref: evidence?,
            supported_months_before: c.supported_months_before,
        },
        consent: consent_r?,
    }))
}

fn household(
    p: &mut Problems,
    head_d: &HeadDraft<'_>,
    start_month: &str,
    members_d: &[MemberDraft<'_>],
    consent_d: &ConsentDraft<'_>,
    table: &PolicyTable<'_>,
    today: Date,
) -> Option<Enrollment> {
    let head_name = normalise_name(p, "household.head.full_name", head_d.full_name);
    let head_id = personal_id(p, "household.head.personal_id", head_d.personal_id, None, None);
    let head_phone = normalise_phone(p, "household.head.phone", head_d.phone);
    let head_address = address(p, "household.head.address", &head_d.address);
    let start = parse_month(p, "household.start_month", start_month);
    if let Some(s) = start {
        check_start(p, "household.start_month", s, today);
    }
    let periods = table
        .bhyt_household
        .at(today)
        .and_then(|e| e.value.as_ref())
        .map(|v| v.periods_months.clone());
    if members_d.is_empty() {
        p.push("household.members", Code::NoMembers);
    }
    if members_d.len() > MAX_MEMBERS {
        p.push("household.members", Code::TooManyMembers { max: MAX_MEMBERS });
    }
    let mut members: Vec<Member, MAX_MEMBERS> = Vec::new();
    let mut all_ok = members_d.len() <= MAX_MEMBERS && !members_d.is_empty();
    for (i, m) in members_d.iter().enumerate().take(MAX_MEMBERS) {
        let idx = index(i);
        let base = path(&["household.members", &idx]);
        let f = |name: &str| path(&[&base, name]);
        let full_name = normalise_name(p, &f("full_name"), m.full_name);
        let sex = parse_sex(p, &f("sex"), m.sex);
        let birth = parse_birth(p, &f("birth_date"), m.birth_date, today);
        let id = personal_id(p, &f("personal_id"), m.personal_id, sex, birth);
        if let Some(id) = &id {
            let earlier = members_d[..i].iter().any(|o| o.personal_id.trim() == id.as_str());
            if earlier {
                p.push(&f("personal_id"), Code::DuplicateMember);
            }
        }
        let legacy = legacy_code(p, &f("legacy_si_code"), m.legacy_si_code);
        if !m.legacy_si_code.trim().is_empty()
            && members_d[..i].iter().any(|o| o.legacy_si_code.trim() == m.legacy_si_code.trim())
        {
            p.push(&f("legacy_si_code"), Code::DuplicateMember);
        }
        let relationship = match Relationship::parse(m.relationship.trim()) {
            Some(r) => Some(r),
            None => {
                p.push(
                    &f("relationship"),
                    if m.relationship.trim().is_empty() {
                        Code::Required
                    } else {
                        Code::BadRelationship
                    },
                );
                None
            }
        };
        // The head of household is one person: the member marked as head carries the head
        // block's ID, and the member with that ID is the one marked as head.
        if let (Some(r), Some(id)) = (relationship, &id) {
            let is_head_id = head_id.as_ref().is_some_and(|h| h.as_str() == id.as_str());
            if r == Relationship::Head {
                let earlier_head = members_d[..i].iter().any(|o| {
                    Relationship::parse(o.relationship.trim()) == Some(Relationship::Head)
                });
                if earlier_head {
                    p.push(&f("relationship"), Code::MoreThanOneHead);
                } else if head_id.is_some() && !is_head_id {
                    p.push("household.head.personal_id", Code::HeadIdMismatch);
                }
            } else if is_head_id {
                p.push(&f("relationship"), Code::HeadNotMarked);
            }
        }
        if !periods.as_ref().is_some_and(|ps| ps.contains(&m.months)) {
            p.push(&f("months"), Code::BhytMonths);
        }
        let kcb = if digits(m.kcb_code.trim(), 5) {
            String::try_from(m.kcb_code.trim()).ok()
        } else {
            p.push(
                &f("kcb_code"),
                if m.kcb_code.trim().is_empty() { Code::Required } else { Code::BadKcbCode },
            );
            None
        };
        let guard = m.guardian.as_ref().map(|g| guardian(p, &f("guardian"), g));
        if let Some(b) = birth
            && age_years(b.latest_month(), start.unwrap_or(today.month())) < 6
        {
            p.push(&f("birth_date"), Code::UnderSixStateInsured);
            if m.guardian.is_none() {
                p.push(&f("guardian"), Code::GuardianRequired);
            }
        }
        let member = (|| {
            Some(Member {
                full_name: full_name?,
                sex: sex?,
                birth_date: birth?,
                personal_id: id?,
                legacy_si_code: legacy?,
                relationship: relationship?,
                months: m.months,
                kcb_code: kcb?,
                guardian: match guard {
                    Some(g) => Some(g?),
                    None => None,
                },
            })
        })();
        match member {
            Some(member) => all_ok &= members.push(member).is_ok(),
            None => all_ok = false,
        }
    }
    let consent_r = consent(p, consent_d, false, false, today);
    if !all_ok || !p.is_empty() {
        return None;
    }
    Some(Enrollment::Household(HouseholdEnrollment {
        head: HouseholdHead {
            full_name: head_name?,
            personal_id: head_id?,
            phone: head_phone?,
            address: head_address?,
        },
        start_month: start?,
        members,
        consent: consent_r?,
    }))
}

/// Validates a draft on `today` against `table`: the normalised enrollment, or every problem.
pub fn validate(
    draft: &Draft<'_>,
    table: &PolicyTable<'_>,
    today: Date,
) -> Result<Enrollment, Problems> {
    let mut p = Problems::new();
    let result = match draft {
        Draft::Voluntary { person, choices, consent } => {
            voluntary(&mut p, person, choices, consent, table, today)
        }
        Draft::Household { head, start_month, members, consent } => {
            household(&mut p, head, start_month, members, consent, table, today)
        }
    };
    match result {
        Some(e) if p.is_empty() => Ok(e),
        _ => Err(p),
    }
}
