//! The form itself: the schemes, the steps of each and their fields, each field's label, kind
//! and options, the help line of each step, and the consent text shown.

use super::*;

/// Version of the consent text shown (kept in the record).
pub fn consent_version(lang: Locale) -> &'static str {
    tr!(lang, "consent-version")
}

/// The consent text, in plain words.
pub fn consent_text(lang: Locale) -> &'static str {
    tr!(lang, "consent-text")
}

/// Which enrollment: the core's one scheme type.
pub use ansinh_core::scheme::Scheme;

/// How a field is typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Letters, with Telex/VNI.
    Text,
    /// Digits only (IDs, codes).
    Digits,
    /// A phone number.
    Phone,
    /// An amount of money.
    Money,
    /// A date as dd/mm/yyyy, mm/yyyy or yyyy.
    Date,
    /// One of a few options.
    Choice,
    /// One of a long list, with search.
    Picker,
}

/// What a step shows besides its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// Fields only.
    Fields,
    /// The household's member list.
    Members,
    /// Consent (and a guardian's details for a minor).
    Consent,
    /// Everything, before the submit.
    Review,
}

/// A step's name, kind and fields.
pub(super) struct Step {
    pub(super) name: fn(Locale) -> &'static str,
    pub(super) kind: StepKind,
    pub(super) fields: &'static [&'static str],
}

pub(super) const VOLUNTARY_STEPS: &[Step] = &[
    Step {
        name: |l| tr!(l, "enroll-step-name"),
        kind: StepKind::Fields,
        fields: &["person.full_name", "person.sex", "person.birth_date"],
    },
    Step {
        name: |l| tr!(l, "enroll-step-papers"),
        kind: StepKind::Fields,
        fields: &["person.personal_id", "person.ethnicity", "person.legacy_si_code"],
    },
    Step {
        name: |l| tr!(l, "enroll-step-address"),
        kind: StepKind::Fields,
        fields: &[
            "person.address.province_code",
            "person.address.commune_code",
            "person.address.line",
            "person.phone",
        ],
    },
    Step {
        name: |l| tr!(l, "enroll-step-birth-registration"),
        kind: StepKind::Fields,
        fields: &[
            "person.birth_place.province",
            "person.birth_place.district",
            "person.birth_place.commune",
        ],
    },
    Step {
        name: |l| tr!(l, "enroll-step-payment"),
        kind: StepKind::Fields,
        fields: &[
            "choices.income",
            "choices.mode",
            "choices.group",
            "choices.evidence_ref",
            "choices.start_month",
        ],
    },
    Step {
        name: |l| tr!(l, "enroll-step-consent"),
        kind: StepKind::Consent,
        fields: &[
            "person.guardian.full_name",
            "person.guardian.personal_id",
            "person.guardian.relationship",
        ],
    },
    Step { name: |l| tr!(l, "enroll-step-review"), kind: StepKind::Review, fields: &[] },
];

pub(super) const HOUSEHOLD_STEPS: &[Step] = &[
    Step {
        name: |l| tr!(l, "enroll-step-head"),
        kind: StepKind::Fields,
        fields: &["household.head.full_name", "household.head.personal_id", "household.head.phone"],
    },
    Step {
        name: |l| tr!(l, "enroll-step-address"),
        kind: StepKind::Fields,
        fields: &[
            "household.head.address.province_code",
            "household.head.address.commune_code",
            "household.head.address.line",
        ],
    },
    Step { name: |l| tr!(l, "enroll-step-members"), kind: StepKind::Members, fields: &[] },
    Step {
        name: |l| tr!(l, "enroll-step-start"),
        kind: StepKind::Fields,
        fields: &["household.start_month"],
    },
    Step { name: |l| tr!(l, "enroll-step-consent"), kind: StepKind::Consent, fields: &[] },
    Step { name: |l| tr!(l, "enroll-step-review"), kind: StepKind::Review, fields: &[] },
];

pub(super) const MEMBER_FIELDS: &[&str] = &[
    "full_name",
    "sex",
    "birth_date",
    "personal_id",
    "relationship",
    "months",
    "kcb_code",
    "legacy_si_code",
];

pub(super) const GUARDIAN_RELATIONSHIPS: [Relationship; 4] = [
    Relationship::Parent,
    Relationship::Grandparent,
    Relationship::Sibling,
    Relationship::Guardian,
];

pub(super) fn relationship_label(r: Relationship, lang: Locale) -> &'static str {
    match r {
        Relationship::Head => tr!(lang, "relationship-head"),
        Relationship::Spouse => tr!(lang, "relationship-spouse"),
        Relationship::Child => tr!(lang, "relationship-child"),
        Relationship::Parent => tr!(lang, "relationship-parent"),
        Relationship::Grandparent => tr!(lang, "relationship-grandparent"),
        Relationship::Grandchild => tr!(lang, "relationship-grandchild"),
        Relationship::Sibling => tr!(lang, "relationship-sibling"),
        Relationship::ParentInLaw => tr!(lang, "relationship-parent-in-law"),
        Relationship::ChildInLaw => tr!(lang, "relationship-child-in-law"),
        Relationship::Guardian => tr!(lang, "relationship-guardian"),
        Relationship::Other => tr!(lang, "relationship-other"),
    }
}

/// The last segment of a path, without an index.
pub(super) fn leaf(id: &str) -> &str {
    id.rsplit('.').next().unwrap_or(id)
}

/// Label, kind and whether it may be empty.
pub(super) fn meta(id: &str, lang: Locale) -> (&'static str, Kind, bool) {
    let guardian = id.contains("guardian");
    let birth_place = id.contains("birth_place");
    let (label, kind, optional) = match leaf(id) {
        "full_name" if guardian => (tr!(lang, "field-parent-or-guardians-name"), Kind::Text, false),
        "full_name" => (tr!(lang, "field-full-name-as-on"), Kind::Text, false),
        "sex" => (tr!(lang, "field-sex"), Kind::Choice, false),
        "birth_date" => (tr!(lang, "field-date-of-birth-day"), Kind::Date, false),
        "personal_id" if guardian => (tr!(lang, "field-guardians-id-number"), Kind::Digits, true),
        "personal_id" => (tr!(lang, "field-personal-id-12-digits"), Kind::Digits, false),
        "legacy_si_code" => (tr!(lang, "field-old-social-insurance-code"), Kind::Digits, true),
        "ethnicity" => (tr!(lang, "field-ethnic-group"), Kind::Picker, false),
        "province_code" => (tr!(lang, "field-province"), Kind::Picker, false),
        "commune_code" => (tr!(lang, "field-commune-or-ward"), Kind::Picker, false),
        "line" => (tr!(lang, "field-house-street-hamlet"), Kind::Text, false),
        "phone" => (tr!(lang, "field-phone-if-any"), Kind::Phone, true),
        "province" if birth_place => {
            (tr!(lang, "field-province-of-birth-registration"), Kind::Text, false)
        }
        "district" => (tr!(lang, "field-district-old-name-if"), Kind::Text, true),
        "commune" => (tr!(lang, "field-commune-of-birth-registration"), Kind::Text, true),
        "income" => (tr!(lang, "field-chosen-monthly-income"), Kind::Money, false),
        "mode" => (tr!(lang, "field-how-often"), Kind::Choice, false),
        "group" => (tr!(lang, "field-support-group"), Kind::Choice, false),
        "evidence_ref" => (tr!(lang, "field-poor-near-poor-certificate"), Kind::Text, false),
        "start_month" => (tr!(lang, "field-first-month"), Kind::Choice, false),
        "relationship" if guardian => (tr!(lang, "field-relationship"), Kind::Choice, false),
        "relationship" => (tr!(lang, "field-relationship-to-the-head"), Kind::Choice, false),
        "months" => (tr!(lang, "field-months"), Kind::Choice, false),
        "kcb_code" => (tr!(lang, "field-health-care-facility-code"), Kind::Digits, false),
        _ => (tr!(lang, "field-field"), Kind::Text, true),
    };
    (label, kind, optional)
}

/// `15/03/1979` → `1979-03-15`; `03/1979` → `1979-03`; `1979` → `1979`; anything else as typed
/// (the validator then says what is wrong).
pub fn date_to_iso(typed: &str) -> String {
    let parts: Vec<&str> = typed.trim().split('/').collect();
    let num =
        |s: &str, n: usize| s.len() <= n && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] if num(y, 4) => (*y).to_string(),
        [m, y] if num(m, 2) && num(y, 4) => format!("{y}-{m:0>2}"),
        [d, m, y] if num(d, 2) && num(m, 2) && num(y, 4) => format!("{y}-{m:0>2}-{d:0>2}"),
        _ => typed.trim().to_string(),
    }
}

pub(super) fn help(scheme: Scheme, step: usize, lang: Locale) -> &'static str {
    match (scheme, step) {
        (Scheme::Voluntary, 0) => tr!(lang, "enroll-help-name"),
        (Scheme::Voluntary, 1) => tr!(lang, "enroll-help-papers"),
        (Scheme::Voluntary, 2) => {
            tr!(lang, "enroll-help-address")
        }
        (Scheme::Voluntary, 3) => tr!(lang, "enroll-help-birth-registration"),
        (Scheme::Voluntary, 4) => tr!(lang, "enroll-help-payment"),
        (Scheme::Household, 0) => tr!(lang, "enroll-help-head"),
        (Scheme::Household, 1) => {
            tr!(lang, "enroll-help-household-address")
        }
        (Scheme::Household, 3) => tr!(lang, "enroll-help-start"),
        _ => "",
    }
}

/// `household.members[2].full_name` → (2, "full_name").
pub(super) fn member_path(id: &str) -> Option<(usize, &str)> {
    let rest = id.strip_prefix("household.members[")?;
    let (i, name) = rest.split_once("].")?;
    Some((i.parse().ok()?, name))
}

/// Months offered as a start: this month and the next three.
pub(super) fn start_months(today: Date) -> Vec<Month> {
    (0..4).filter_map(|i| today.month().plus(i)).collect()
}

/// The stored values of a choice field's options.
pub(super) fn option_keys(id: &str, today: Date) -> Vec<String> {
    match leaf(id) {
        "sex" => vec!["male".into(), "female".into()],
        "mode" => MODES.iter().map(ToString::to_string).collect(),
        "group" => GROUPS.iter().map(|g| g.as_str().to_string()).collect(),
        "start_month" => start_months(today).iter().map(ToString::to_string).collect(),
        "relationship" if id.contains("guardian") => {
            GUARDIAN_RELATIONSHIPS.iter().map(|r| r.as_str().to_string()).collect()
        }
        "relationship" => Relationship::ALL.iter().map(|r| r.as_str().to_string()).collect(),
        "months" => vec!["3".into(), "6".into(), "12".into()],
        _ => Vec::new(),
    }
}

pub(super) fn option_labels(id: &str, today: Date, lang: Locale) -> Vec<String> {
    match leaf(id) {
        "sex" => vec![tr!(lang, "enroll-male").into(), tr!(lang, "enroll-female").into()],
        "mode" => MODES.iter().map(|m| mode_label(*m, lang)).collect(),
        "group" => GROUPS.iter().map(|g| group_label(*g, lang).to_string()).collect(),
        "start_month" => start_months(today).into_iter().map(crate::text::month).collect(),
        "relationship" if id.contains("guardian") => GUARDIAN_RELATIONSHIPS
            .iter()
            .map(|r| relationship_label(*r, lang).to_string())
            .collect(),
        "relationship" => {
            Relationship::ALL.iter().map(|r| relationship_label(*r, lang).to_string()).collect()
        }
        "months" => vec!["3".into(), "6".into(), "12".into()],
        _ => Vec::new(),
    }
}

/// The income field: the quick picks offered beside the money pad.
pub(super) const INCOME: &str = "choices.income";

/// How many whole millions above the floor are offered as quick picks.
const ROUND_PICKS: u64 = 3;
/// Quick picks are whole multiples of this.
const ROUND_TO: u64 = 1_000_000;

/// The monthly incomes offered with one tap: the floor in force (the rural poverty line, the
/// amount most people choose), then the next whole millions above it — every one between
/// the table's floor and ceiling on `today`; none when the table has no bounds for the day.
pub fn income_picks(table: &PolicyTable<'_>, today: Date) -> Vec<u64> {
    let mut cites = ansinh_core::cite::Citations::new();
    let Ok((floor, ceiling)) = ansinh_core::quote::income_bounds(table, today, &mut cites) else {
        return Vec::new();
    };
    let first_round = (floor / ROUND_TO + 1) * ROUND_TO;
    core::iter::once(floor)
        .chain((0..ROUND_PICKS).map(|i| first_round + i * ROUND_TO))
        .filter(|a| (floor..=ceiling).contains(a))
        .collect()
}

/// The name shown for a picker's code.
pub fn picker_name(id: &str, code: &str) -> String {
    if code.is_empty() {
        return String::new();
    }
    match leaf(id) {
        "province_code" => {
            ansinh_geo::province(code).map_or_else(|| code.to_string(), |p| p.name.to_string())
        }
        "commune_code" => {
            ansinh_geo::commune(code).map_or_else(|| code.to_string(), |c| c.name.to_string())
        }
        "ethnicity" => {
            ansinh_geo::ethnic_group(code).map_or_else(|| code.to_string(), |e| e.name.to_string())
        }
        _ => code.to_string(),
    }
}
