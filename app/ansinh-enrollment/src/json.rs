//! The JSON form of an enrollment (feature `std`): what the CLI reads, the kiosk saves in a
//! draft, and the validator prints back normalised. See `RECORD-JSON.md`.

use std::string::{String, ToString};
use std::vec::Vec;

use ansinh_core::{Date, PolicyTable};
use serde::{Deserialize, Serialize};

use crate::problem::{Code, Problems};
use crate::record::*;
use crate::validate::*;

/// An address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressJson {
    /// House, lane, street, hamlet.
    pub line: String,
    /// Official commune code (5 digits).
    pub commune_code: String,
    /// Official province code (2 digits).
    pub province_code: String,
}

/// Place of birth registration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BirthPlaceJson {
    /// Commune / ward.
    #[serde(default)]
    pub commune: String,
    /// District (may be empty).
    #[serde(default)]
    pub district: String,
    /// Province.
    pub province: String,
}

/// Parent or guardian.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardianJson {
    /// Full name.
    pub full_name: String,
    /// Personal ID, when known.
    #[serde(default)]
    pub personal_id: Option<String>,
    /// `parent`, `guardian`, `grandparent`, ...
    pub relationship: String,
}

/// TK1-TS Part I.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonJson {
    /// Full name.
    pub full_name: String,
    /// `male` or `female`.
    pub sex: String,
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub birth_date: String,
    /// ISO 3166 alpha-2, `VN`.
    pub nationality: String,
    /// Official ethnic group code, `01` for Kinh.
    pub ethnicity: String,
    /// 12-digit personal ID.
    pub personal_id: String,
    /// Legacy 10-digit SI code.
    #[serde(default)]
    pub legacy_si_code: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Place of birth registration.
    pub birth_place: BirthPlaceJson,
    /// Contact address.
    pub address: AddressJson,
    /// Parent or guardian (required under 6).
    #[serde(default)]
    pub guardian: Option<GuardianJson>,
}

/// Voluntary SI choices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoicesJson {
    /// Monthly income, đồng.
    pub income: u64,
    /// `1`, `3`, `6`, `12`, `advance-YEARS`, `backpay-MONTHS`.
    pub mode: String,
    /// First month, `YYYY-MM`.
    pub start_month: String,
    /// `poor`, `near-poor`, `ethnic-minority`, `island`, `other`.
    pub group: String,
    /// Certificate number for the group.
    #[serde(default)]
    pub evidence_ref: Option<String>,
    /// Months of support already received.
    #[serde(default)]
    pub supported_months_before: u16,
    /// Months already paid (required with `backpay-N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_months_before: Option<u16>,
}

/// Consent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentJson {
    /// `enrollment` (required) and optionally `reminders`.
    pub purposes: Vec<String>,
    /// Version of the consent text shown.
    pub text_version: String,
    /// When, seconds since the Unix epoch.
    pub at: i64,
    /// `person` or `guardian`.
    pub confirmed_by: String,
}

/// Head of household.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadJson {
    /// Full name.
    pub full_name: String,
    /// Personal ID.
    pub personal_id: String,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Address of the household.
    pub address: AddressJson,
}

/// One household member.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberJson {
    /// Full name.
    pub full_name: String,
    /// `male` or `female`.
    pub sex: String,
    /// Birth date.
    pub birth_date: String,
    /// Personal ID.
    pub personal_id: String,
    /// Legacy SI code.
    #[serde(default)]
    pub legacy_si_code: Option<String>,
    /// Relationship to the head.
    pub relationship: String,
    /// 3, 6 or 12.
    pub months: u8,
    /// Initial health-care facility code.
    pub kcb_code: String,
    /// Parent or guardian.
    #[serde(default)]
    pub guardian: Option<GuardianJson>,
}

/// Household appendix.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HouseholdJson {
    /// Head of household.
    pub head: HeadJson,
    /// First month, `YYYY-MM`.
    pub start_month: String,
    /// Members in household order.
    pub members: Vec<MemberJson>,
}

/// An enrollment in its JSON form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scheme")]
pub enum EnrollmentJson {
    /// Voluntary social insurance.
    #[serde(rename = "voluntary-si")]
    Voluntary {
        /// The person.
        person: PersonJson,
        /// Their choices.
        choices: ChoicesJson,
        /// Consent.
        consent: ConsentJson,
    },
    /// Household health insurance.
    #[serde(rename = "household-bhyt")]
    Household {
        /// The appendix.
        household: HouseholdJson,
        /// Consent.
        consent: ConsentJson,
    },
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

fn address_draft(a: &AddressJson) -> AddressDraft<'_> {
    AddressDraft { line: &a.line, commune_code: &a.commune_code, province_code: &a.province_code }
}

fn guardian_draft(g: &GuardianJson) -> GuardianDraft<'_> {
    GuardianDraft {
        full_name: &g.full_name,
        personal_id: opt(&g.personal_id),
        relationship: &g.relationship,
    }
}

fn consent_draft<'a>(c: &'a ConsentJson, p: &mut Problems) -> ConsentDraft<'a> {
    let mut purposes = 0;
    for name in &c.purposes {
        match name.as_str() {
            "enrollment" => purposes |= purpose::ENROLLMENT,
            "reminders" => purposes |= purpose::REMINDERS,
            _ => p.push("consent.purposes", Code::BadPurpose),
        }
    }
    ConsentDraft {
        purposes,
        text_version: &c.text_version,
        at: c.at,
        confirmed_by: &c.confirmed_by,
    }
}

fn merge(
    mut first: Problems,
    result: Result<Enrollment, Problems>,
) -> Result<Enrollment, Problems> {
    match result {
        Ok(e) if first.is_empty() => Ok(e),
        Ok(_) => Err(first),
        Err(more) => {
            for problem in more.iter() {
                first.push(&problem.field, problem.code);
            }
            Err(first)
        }
    }
}

impl EnrollmentJson {
    /// Parses the JSON form.
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Validates on `today` against `table`.
    pub fn validate(&self, table: &PolicyTable<'_>, today: Date) -> Result<Enrollment, Problems> {
        let mut early = Problems::new();
        match self {
            EnrollmentJson::Voluntary { person, choices, consent } => {
                let draft = Draft::Voluntary {
                    person: PersonDraft {
                        full_name: &person.full_name,
                        sex: &person.sex,
                        birth_date: &person.birth_date,
                        nationality: &person.nationality,
                        ethnicity: &person.ethnicity,
                        personal_id: &person.personal_id,
                        legacy_si_code: opt(&person.legacy_si_code),
                        phone: opt(&person.phone),
                        email: opt(&person.email),
                        birth_place: BirthPlaceDraft {
                            commune: &person.birth_place.commune,
                            district: &person.birth_place.district,
                            province: &person.birth_place.province,
                        },
                        address: address_draft(&person.address),
                        guardian: person.guardian.as_ref().map(guardian_draft),
                    },
                    choices: ChoicesDraft {
                        income: choices.income,
                        mode: &choices.mode,
                        start_month: &choices.start_month,
                        group: &choices.group,
                        evidence_ref: opt(&choices.evidence_ref),
                        supported_months_before: choices.supported_months_before,
                        paid_months_before: choices.paid_months_before,
                    },
                    consent: consent_draft(consent, &mut early),
                };
                merge(early, validate(&draft, table, today))
            }
            EnrollmentJson::Household { household, consent } => {
                let members: Vec<MemberDraft<'_>> = household
                    .members
                    .iter()
                    .map(|m| MemberDraft {
                        full_name: &m.full_name,
                        sex: &m.sex,
                        birth_date: &m.birth_date,
                        personal_id: &m.personal_id,
                        legacy_si_code: opt(&m.legacy_si_code),
                        relationship: &m.relationship,
                        months: m.months,
                        kcb_code: &m.kcb_code,
                        guardian: m.guardian.as_ref().map(guardian_draft),
                    })
                    .collect();
                let draft = Draft::Household {
                    head: HeadDraft {
                        full_name: &household.head.full_name,
                        personal_id: &household.head.personal_id,
                        phone: opt(&household.head.phone),
                        address: address_draft(&household.head.address),
                    },
                    start_month: &household.start_month,
                    members: &members,
                    consent: consent_draft(consent, &mut early),
                };
                merge(early, validate(&draft, table, today))
            }
        }
    }

    /// The JSON form of a validated enrollment (normalised values).
    pub fn from_enrollment(e: &Enrollment) -> Self {
        match e {
            Enrollment::Voluntary(v) => EnrollmentJson::Voluntary {
                person: person_json(&v.person),
                choices: ChoicesJson {
                    income: v.choices.income,
                    mode: mode_text(v.choices.mode),
                    start_month: v.choices.start_month.to_string(),
                    group: v.choices.group.as_str().to_string(),
                    evidence_ref: v.choices.evidence_ref.as_ref().map(|s| s.to_string()),
                    supported_months_before: v.choices.supported_months_before,
                    paid_months_before: v.choices.mode.paid_before(),
                },
                consent: consent_json(&v.consent),
            },
            Enrollment::Household(h) => EnrollmentJson::Household {
                household: HouseholdJson {
                    head: HeadJson {
                        full_name: h.head.full_name.to_string(),
                        personal_id: h.head.personal_id.to_string(),
                        phone: h.head.phone.as_ref().map(|s| s.to_string()),
                        address: address_json(&h.head.address),
                    },
                    start_month: h.start_month.to_string(),
                    members: h
                        .members
                        .iter()
                        .map(|m| MemberJson {
                            full_name: m.full_name.to_string(),
                            sex: sex_text(m.sex),
                            birth_date: birth_text(m.birth_date),
                            personal_id: m.personal_id.to_string(),
                            legacy_si_code: m.legacy_si_code.as_ref().map(|s| s.to_string()),
                            relationship: m.relationship.as_str().to_string(),
                            months: m.months,
                            kcb_code: m.kcb_code.to_string(),
                            guardian: m.guardian.as_ref().map(guardian_json),
                        })
                        .collect(),
                },
                consent: consent_json(&h.consent),
            },
        }
    }
}

fn mode_text(m: PaymentMode) -> String {
    m.to_core().to_string()
}

fn sex_text(s: ansinh_core::person::Sex) -> String {
    match s {
        ansinh_core::person::Sex::Male => "male".into(),
        ansinh_core::person::Sex::Female => "female".into(),
    }
}

/// `1979`, `1979-03` or `1979-03-15`.
pub fn birth_text(b: BirthDate) -> String {
    match b {
        BirthDate::Year(y) => y.to_string(),
        BirthDate::YearMonth(m) => m.to_string(),
        BirthDate::Full(d) => d.to_string(),
    }
}

fn address_json(a: &Address) -> AddressJson {
    AddressJson {
        line: a.line.to_string(),
        commune_code: a.commune_code.to_string(),
        province_code: a.province_code.to_string(),
    }
}

fn guardian_json(g: &Guardian) -> GuardianJson {
    GuardianJson {
        full_name: g.full_name.to_string(),
        personal_id: g.personal_id.as_ref().map(|s| s.to_string()),
        relationship: g.relationship.as_str().to_string(),
    }
}

fn person_json(p: &Person) -> PersonJson {
    PersonJson {
        full_name: p.full_name.to_string(),
        sex: sex_text(p.sex),
        birth_date: birth_text(p.birth_date),
        nationality: p.nationality.to_string(),
        ethnicity: p.ethnicity.to_string(),
        personal_id: p.personal_id.to_string(),
        legacy_si_code: p.legacy_si_code.as_ref().map(|s| s.to_string()),
        phone: p.phone.as_ref().map(|s| s.to_string()),
        email: p.email.as_ref().map(|s| s.to_string()),
        birth_place: BirthPlaceJson {
            commune: p.birth_place.commune.to_string(),
            district: p.birth_place.district.to_string(),
            province: p.birth_place.province.to_string(),
        },
        address: address_json(&p.address),
        guardian: p.guardian.as_ref().map(guardian_json),
    }
}

fn consent_json(c: &Consent) -> ConsentJson {
    let mut purposes = Vec::new();
    if c.purposes & purpose::ENROLLMENT != 0 {
        purposes.push("enrollment".to_string());
    }
    if c.purposes & purpose::REMINDERS != 0 {
        purposes.push("reminders".to_string());
    }
    ConsentJson {
        purposes,
        text_version: c.text_version.to_string(),
        at: c.at,
        confirmed_by: match c.confirmed_by {
            ConfirmedBy::Person => "person".into(),
            ConfirmedBy::Guardian => "guardian".into(),
        },
    }
}
