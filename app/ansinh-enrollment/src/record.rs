//! The validated, normalised enrollment record, with every capacity in bytes.
//!
//! Sizing (UTF-8 bytes; an upper-case Vietnamese letter with a tone mark such as `Ễ` takes 3):
//! - names: 120 bytes. Vietnamese full names run to about 5 words and 30 letters; 40 letters
//!   × 3 bytes covers the longest with room for ethnic-minority names of 6–7 syllables.
//! - place names (birth registration, at the time of declaring): 64 bytes each; the longest
//!   commune name on the 2025 map is "Phường Văn Miếu - Quốc Tử Giám", 41 bytes.
//! - address line (house, lane, street, hamlet): 160 bytes.
//! - e-mail: 100 bytes (longer addresses are not seen at collection points).
//! - evidence reference (e.g. poor-household certificate number): 40 bytes.
//! - collection point name: 120 bytes; agent code: 16; policy version: 24; consent text
//!   version: 24.
//! - household: at most 20 members on one appendix (larger households file two).
//!
//! A value that does not fit is a validation problem (`too_long`), never truncated.

use ansinh_core::person::{Group, Sex};
use ansinh_core::{Date, Dong, Month};
use heapless::{String, Vec};
use serde::{Deserialize, Serialize};

/// Full names.
pub const NAME_BYTES: usize = 120;
/// Place names of the birth registration.
pub const PLACE_BYTES: usize = 64;
/// House / lane / street / hamlet line of an address.
pub const ADDRESS_LINE_BYTES: usize = 160;
/// E-mail address.
pub const EMAIL_BYTES: usize = 100;
/// Reference of the support evidence.
pub const EVIDENCE_BYTES: usize = 40;
/// Collection point name.
pub const COLLECTION_POINT_BYTES: usize = 120;
/// Agent code.
pub const AGENT_CODE_BYTES: usize = 16;
/// Policy table version.
pub const POLICY_VERSION_BYTES: usize = 24;
/// Consent text version.
pub const CONSENT_VERSION_BYTES: usize = 24;
/// Members on one household appendix.
pub const MAX_MEMBERS: usize = 20;

/// A full name: NFC, upper case, Vietnamese letters and single spaces.
pub type Name = String<NAME_BYTES>;
/// A 12-digit personal identification number.
pub type PersonalId = String<12>;
/// A legacy 10-digit social insurance code.
pub type LegacySiCode = String<10>;
/// A phone number normalised to national form (`0` + 9 or 10 digits).
pub type Phone = String<11>;

/// A birth date as people know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BirthDate {
    /// Year only.
    Year(u16),
    /// Month and year.
    YearMonth(Month),
    /// Full date.
    Full(Date),
}

impl BirthDate {
    /// Year of birth.
    pub const fn year(self) -> u16 {
        match self {
            BirthDate::Year(y) => y,
            BirthDate::YearMonth(m) => m.year(),
            BirthDate::Full(d) => d.year(),
        }
    }

    /// The latest month the person can have been born in: age checks use it so that a
    /// partial date never lets someone too young through.
    pub fn latest_month(self) -> Month {
        match self {
            BirthDate::Year(y) => Month::new(y, 12).unwrap_or(FALLBACK),
            BirthDate::YearMonth(m) => m,
            BirthDate::Full(d) => d.month(),
        }
    }

    /// The earliest month the person can have been born in.
    pub fn earliest_month(self) -> Month {
        match self {
            BirthDate::Year(y) => Month::new(y, 1).unwrap_or(FALLBACK),
            BirthDate::YearMonth(m) => m,
            BirthDate::Full(d) => d.month(),
        }
    }
}

// Only reachable for a year outside 1900..=2399, which the parser refuses.
const FALLBACK: Month = match Month::new(1900, 1) {
    Ok(m) => m,
    Err(_) => unreachable!(),
};

/// Place of birth registration, as named when declaring (pre-2025 names are fine).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BirthPlace {
    /// Commune / ward.
    pub commune: String<PLACE_BYTES>,
    /// District (empty for registrations after the 2025 reorganisation).
    pub district: String<PLACE_BYTES>,
    /// Province.
    pub province: String<PLACE_BYTES>,
}

/// Contact address on the 2025 two-tier map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// House number, lane, street or hamlet.
    pub line: String<ADDRESS_LINE_BYTES>,
    /// Official commune-level code (5 digits).
    pub commune_code: String<5>,
    /// Official province code (2 digits).
    pub province_code: String<2>,
}

/// How a household member or guardian relates to the person or head of household.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relationship {
    /// Chủ hộ.
    Head,
    /// Vợ / chồng.
    Spouse,
    /// Con.
    Child,
    /// Bố / mẹ.
    Parent,
    /// Ông / bà.
    Grandparent,
    /// Cháu.
    Grandchild,
    /// Anh / chị / em.
    Sibling,
    /// Bố mẹ vợ / chồng.
    ParentInLaw,
    /// Con dâu / con rể.
    ChildInLaw,
    /// Người giám hộ (guardian who is not a relative).
    Guardian,
    /// Khác.
    Other,
}

impl Relationship {
    /// Every relationship.
    pub const ALL: [Relationship; 11] = [
        Relationship::Head,
        Relationship::Spouse,
        Relationship::Child,
        Relationship::Parent,
        Relationship::Grandparent,
        Relationship::Grandchild,
        Relationship::Sibling,
        Relationship::ParentInLaw,
        Relationship::ChildInLaw,
        Relationship::Guardian,
        Relationship::Other,
    ];

    /// JSON name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Relationship::Head => "head",
            Relationship::Spouse => "spouse",
            Relationship::Child => "child",
            Relationship::Parent => "parent",
            Relationship::Grandparent => "grandparent",
            Relationship::Grandchild => "grandchild",
            Relationship::Sibling => "sibling",
            Relationship::ParentInLaw => "parent-in-law",
            Relationship::ChildInLaw => "child-in-law",
            Relationship::Guardian => "guardian",
            Relationship::Other => "other",
        }
    }

    /// Vietnamese name as on the household appendix.
    pub const fn name_vi(self) -> &'static str {
        match self {
            Relationship::Head => "Chủ hộ",
            Relationship::Spouse => "Vợ/chồng",
            Relationship::Child => "Con",
            Relationship::Parent => "Bố/mẹ",
            Relationship::Grandparent => "Ông/bà",
            Relationship::Grandchild => "Cháu",
            Relationship::Sibling => "Anh/chị/em",
            Relationship::ParentInLaw => "Bố/mẹ vợ (chồng)",
            Relationship::ChildInLaw => "Con dâu/rể",
            Relationship::Guardian => "Người giám hộ",
            Relationship::Other => "Khác",
        }
    }

    /// From the JSON name.
    pub fn parse(s: &str) -> Option<Self> {
        Relationship::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Parent or guardian, for a child under 6 (TK1-TS field \[10\]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guardian {
    /// Full name.
    pub full_name: Name,
    /// Personal ID, when known.
    pub personal_id: Option<PersonalId>,
    /// Relationship to the child.
    pub relationship: Relationship,
}

/// TK1-TS Part I: the person declaring.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// \[01\] Full name.
    pub full_name: Name,
    /// \[02\] Sex.
    pub sex: Sex,
    /// \[03\] Date of birth.
    pub birth_date: BirthDate,
    /// \[04\] Nationality, ISO 3166 alpha-2 (`VN`).
    pub nationality: String<2>,
    /// \[05\] Ethnicity, official 2-digit code.
    pub ethnicity: String<2>,
    /// \[06\] Personal identification number.
    pub personal_id: PersonalId,
    /// Legacy social insurance code, if the person has one.
    pub legacy_si_code: Option<LegacySiCode>,
    /// \[07\] Phone.
    pub phone: Option<Phone>,
    /// \[08\] E-mail.
    pub email: Option<String<EMAIL_BYTES>>,
    /// Place of birth registration.
    pub birth_place: BirthPlace,
    /// Contact address (where the SI book / card is sent).
    pub address: Address,
    /// Parent or guardian (required under 6).
    pub guardian: Option<Guardian>,
}

/// How the voluntary participant pays (the core's payment modes).
///
/// The variants keep their wire order: schema 1 records hold `BackpayUnchecked`, which later
/// schemas never write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentMode {
    /// Every 1, 3, 6 or 12 months.
    Periodic(u8),
    /// Several future years at once.
    Advance(u8),
    /// Schema 1 only: missing months at retirement age without the months already paid, so
    /// the shortfall cannot be checked. Decoded from old devices, never produced: pricing
    /// refuses it ([`crate::price`]).
    BackpayUnchecked(u16),
    /// Missing months at retirement age, with the months already paid (the shortfall they
    /// must not exceed is checked against them).
    Backpay {
        /// Months back-paid.
        months: u16,
        /// Months paid before.
        paid_before: u16,
    },
}

impl PaymentMode {
    /// The core's mode.
    pub const fn to_core(self) -> ansinh_core::quote::Mode {
        match self {
            PaymentMode::Periodic(m) => ansinh_core::quote::Mode::Periodic(m),
            PaymentMode::Advance(y) => ansinh_core::quote::Mode::Advance(y),
            PaymentMode::BackpayUnchecked(m) | PaymentMode::Backpay { months: m, .. } => {
                ansinh_core::quote::Mode::Backpay(m)
            }
        }
    }

    /// From the core's mode; back-pay needs the months already paid (`None` refuses it).
    pub const fn from_core(m: ansinh_core::quote::Mode, paid_before: Option<u16>) -> Option<Self> {
        match (m, paid_before) {
            (ansinh_core::quote::Mode::Periodic(m), _) => Some(PaymentMode::Periodic(m)),
            (ansinh_core::quote::Mode::Advance(y), _) => Some(PaymentMode::Advance(y)),
            (ansinh_core::quote::Mode::Backpay(months), Some(paid_before)) => {
                Some(PaymentMode::Backpay { months, paid_before })
            }
            (ansinh_core::quote::Mode::Backpay(_), None) => None,
        }
    }

    /// Months already paid, for back-pay.
    pub const fn paid_before(self) -> Option<u16> {
        match self {
            PaymentMode::Backpay { paid_before, .. } => Some(paid_before),
            _ => None,
        }
    }

    /// Whether this is a back-payment of missing months.
    pub const fn is_backpay(self) -> bool {
        matches!(self, PaymentMode::BackpayUnchecked(_) | PaymentMode::Backpay { .. })
    }
}

/// Voluntary SI choices (TK1-TS \[11\], \[12\] and the support group).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoluntaryChoices {
    /// Chosen monthly income.
    pub income: Dong,
    /// Payment mode.
    pub mode: PaymentMode,
    /// First month paid for.
    pub start_month: Month,
    /// Support group claimed.
    pub group: Group,
    /// Reference of the evidence (poor / near-poor certificate number).
    pub evidence_ref: Option<String<EVIDENCE_BYTES>>,
    /// Months of state support already received.
    pub supported_months_before: u16,
}

/// Consent purposes (bit set).
pub mod purpose {
    /// Processing this declaration and sending it to the social insurance office (required).
    pub const ENROLLMENT: u8 = 1;
    /// Being called before the paid period ends (optional).
    pub const REMINDERS: u8 = 2;
}

/// Who confirmed the consent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfirmedBy {
    /// The person (or, for a household, its head).
    Person,
    /// The parent or guardian.
    Guardian,
}

/// Explicit consent (Law 91/2025/QH15): silence is not consent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// Purposes consented to (see [`purpose`]).
    pub purposes: u8,
    /// Version of the consent text shown.
    pub text_version: String<CONSENT_VERSION_BYTES>,
    /// When (seconds since the Unix epoch).
    pub at: i64,
    /// Who confirmed.
    pub confirmed_by: ConfirmedBy,
}

/// A voluntary social insurance enrollment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoluntaryEnrollment {
    /// The person.
    pub person: Person,
    /// What they chose.
    pub choices: VoluntaryChoices,
    /// Their consent.
    pub consent: Consent,
}

/// Head of household on the appendix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdHead {
    /// Full name.
    pub full_name: Name,
    /// Personal ID.
    pub personal_id: PersonalId,
    /// Phone.
    pub phone: Option<Phone>,
    /// Address of the household.
    pub address: Address,
}

/// One row of the household appendix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Full name.
    pub full_name: Name,
    /// Sex.
    pub sex: Sex,
    /// Date of birth.
    pub birth_date: BirthDate,
    /// Personal ID.
    pub personal_id: PersonalId,
    /// Legacy SI code, if any.
    pub legacy_si_code: Option<LegacySiCode>,
    /// Relationship to the head of household.
    pub relationship: Relationship,
    /// Months paid for (3, 6 or 12).
    pub months: u8,
    /// Initial health-care registration place (facility code, 5 digits).
    pub kcb_code: String<5>,
    /// Parent or guardian (required under 6).
    pub guardian: Option<Guardian>,
}

/// A household health insurance enrollment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdEnrollment {
    /// Head of household.
    pub head: HouseholdHead,
    /// First month covered.
    pub start_month: Month,
    /// Members joining, in household order (the order sets the reductions).
    pub members: Vec<Member, MAX_MEMBERS>,
    /// Consent, confirmed by the head of household.
    pub consent: Consent,
}

/// Either kind of enrollment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Enrollment {
    /// Voluntary social insurance.
    Voluntary(VoluntaryEnrollment),
    /// Household health insurance.
    Household(HouseholdEnrollment),
}

impl Enrollment {
    /// The scheme paid for.
    pub const fn kind(&self) -> ansinh_core::scheme::Scheme {
        match self {
            Enrollment::Voluntary(_) => ansinh_core::scheme::Scheme::Voluntary,
            Enrollment::Household(_) => ansinh_core::scheme::Scheme::Household,
        }
    }

    /// Its code: `voluntary-si` or `household-bhyt`.
    pub const fn scheme(&self) -> &'static str {
        self.kind().code()
    }
}

/// Collection metadata, filled in at enqueue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collection {
    /// Random 128-bit id made on the device.
    pub record_id: [u8; 16],
    /// Device id (0 before registration).
    pub device_id: u64,
    /// Collection point.
    pub collection_point: String<COLLECTION_POINT_BYTES>,
    /// Agent code.
    pub agent_code: String<AGENT_CODE_BYTES>,
    /// When collected (seconds since the Unix epoch).
    pub at: i64,
    /// Receipt number on this device.
    pub receipt_no: u32,
    /// Cash collected, đồng.
    pub amount: Dong,
    /// Policy table version the amount was computed with.
    pub policy_version: String<POLICY_VERSION_BYTES>,
    /// For a correction: the record it corrects.
    pub corrects: Option<[u8; 16]>,
}

/// What travels: the enrollment and its collection metadata.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The declaration.
    pub enrollment: Enrollment,
    /// Who collected it, when, for how much.
    pub collection: Collection,
}
