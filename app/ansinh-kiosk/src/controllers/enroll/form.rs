//! The form itself: the schemes, the steps of each and their fields, each field's label, kind
//! and options, the help line of each step, and the consent text shown.

use super::*;

/// Version of the consent text shown (kept in the record).
pub fn consent_version(lang: Lang) -> &'static str {
    t(lang, "DY-VI-2026-1", "DY-EN-2026-1")
}

/// The consent text, in plain words.
pub fn consent_text(lang: Lang) -> &'static str {
    t(
        lang,
        "Thông tin bạn vừa khai (họ tên, ngày sinh, số định danh, địa chỉ, số điện thoại) chỉ dùng để đăng ký tham gia bảo hiểm và được gửi đến cơ quan Bảo hiểm xã hội. Máy này cất giữ thông tin đã được mã hóa cho đến khi gửi xong. Không ai khác được xem. Bạn có thể hỏi nhân viên để xem lại hoặc sửa thông tin.",
        "What you entered (name, date of birth, ID number, address, phone) is used only to enroll you and is sent to the Social Insurance office. This device keeps it encrypted until it is sent. Nobody else may see it. Ask the staff to see or correct it.",
    )
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
    pub(super) vi: &'static str,
    pub(super) en: &'static str,
    pub(super) kind: StepKind,
    pub(super) fields: &'static [&'static str],
}

pub(super) const VOLUNTARY_STEPS: &[Step] = &[
    Step {
        vi: "Họ tên",
        en: "Name",
        kind: StepKind::Fields,
        fields: &["person.full_name", "person.sex", "person.birth_date"],
    },
    Step {
        vi: "Giấy tờ",
        en: "Papers",
        kind: StepKind::Fields,
        fields: &["person.personal_id", "person.ethnicity", "person.legacy_si_code"],
    },
    Step {
        vi: "Địa chỉ",
        en: "Address",
        kind: StepKind::Fields,
        fields: &[
            "person.address.province_code",
            "person.address.commune_code",
            "person.address.line",
            "person.phone",
        ],
    },
    Step {
        vi: "Nơi khai sinh",
        en: "Birth registration",
        kind: StepKind::Fields,
        fields: &[
            "person.birth_place.province",
            "person.birth_place.district",
            "person.birth_place.commune",
        ],
    },
    Step {
        vi: "Mức đóng",
        en: "Payment",
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
        vi: "Đồng ý",
        en: "Consent",
        kind: StepKind::Consent,
        fields: &[
            "person.guardian.full_name",
            "person.guardian.personal_id",
            "person.guardian.relationship",
        ],
    },
    Step { vi: "Xem lại", en: "Review", kind: StepKind::Review, fields: &[] },
];

pub(super) const HOUSEHOLD_STEPS: &[Step] = &[
    Step {
        vi: "Chủ hộ",
        en: "Head",
        kind: StepKind::Fields,
        fields: &["household.head.full_name", "household.head.personal_id", "household.head.phone"],
    },
    Step {
        vi: "Địa chỉ",
        en: "Address",
        kind: StepKind::Fields,
        fields: &[
            "household.head.address.province_code",
            "household.head.address.commune_code",
            "household.head.address.line",
        ],
    },
    Step { vi: "Thành viên", en: "Members", kind: StepKind::Members, fields: &[] },
    Step {
        vi: "Tháng bắt đầu",
        en: "Start",
        kind: StepKind::Fields,
        fields: &["household.start_month"],
    },
    Step { vi: "Đồng ý", en: "Consent", kind: StepKind::Consent, fields: &[] },
    Step { vi: "Xem lại", en: "Review", kind: StepKind::Review, fields: &[] },
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

pub(super) fn relationship_label(r: Relationship, lang: Lang) -> &'static str {
    if lang == Lang::Vi {
        return r.name_vi();
    }
    match r {
        Relationship::Head => "Head",
        Relationship::Spouse => "Spouse",
        Relationship::Child => "Child",
        Relationship::Parent => "Parent",
        Relationship::Grandparent => "Grandparent",
        Relationship::Grandchild => "Grandchild",
        Relationship::Sibling => "Sibling",
        Relationship::ParentInLaw => "Parent-in-law",
        Relationship::ChildInLaw => "Child-in-law",
        Relationship::Guardian => "Guardian",
        Relationship::Other => "Other",
    }
}

/// The last segment of a path, without an index.
pub(super) fn leaf(id: &str) -> &str {
    id.rsplit('.').next().unwrap_or(id)
}

/// Label, kind and whether it may be empty.
pub(super) fn meta(id: &str, lang: Lang) -> (&'static str, Kind, bool) {
    let guardian = id.contains("guardian");
    let birth_place = id.contains("birth_place");
    let (vi, en, kind, optional) = match leaf(id) {
        "full_name" if guardian => {
            ("Họ tên cha, mẹ hoặc người giám hộ", "Parent or guardian's name", Kind::Text, false)
        }
        "full_name" => {
            ("Họ và tên (như trên căn cước)", "Full name (as on the ID card)", Kind::Text, false)
        }
        "sex" => ("Giới tính", "Sex", Kind::Choice, false),
        "birth_date" => (
            "Ngày sinh (ngày/tháng/năm, hoặc chỉ năm)",
            "Date of birth (day/month/year, or the year)",
            Kind::Date,
            false,
        ),
        "personal_id" if guardian => {
            ("Số định danh của người giám hộ", "Guardian's ID number", Kind::Digits, true)
        }
        "personal_id" => (
            "Số định danh cá nhân (12 số trên căn cước)",
            "Personal ID (12 digits on the ID card)",
            Kind::Digits,
            false,
        ),
        "legacy_si_code" => {
            ("Mã số BHXH cũ (nếu có)", "Old social insurance code (if any)", Kind::Digits, true)
        }
        "ethnicity" => ("Dân tộc", "Ethnic group", Kind::Picker, false),
        "province_code" => ("Tỉnh, thành phố", "Province", Kind::Picker, false),
        "commune_code" => ("Xã, phường", "Commune or ward", Kind::Picker, false),
        "line" => ("Số nhà, đường, thôn, xóm", "House, street, hamlet", Kind::Text, false),
        "phone" => ("Số điện thoại (nếu có)", "Phone (if any)", Kind::Phone, true),
        "province" if birth_place => {
            ("Tỉnh nơi đăng ký khai sinh", "Province of birth registration", Kind::Text, false)
        }
        "district" => ("Huyện (tên cũ, nếu có)", "District (old name, if any)", Kind::Text, true),
        "commune" => {
            ("Xã, phường nơi đăng ký khai sinh", "Commune of birth registration", Kind::Text, true)
        }
        "income" => {
            ("Mức thu nhập chọn đóng mỗi tháng", "Chosen monthly income", Kind::Money, false)
        }
        "mode" => ("Cách đóng", "How often", Kind::Choice, false),
        "group" => ("Nhóm được Nhà nước hỗ trợ", "Support group", Kind::Choice, false),
        "evidence_ref" => (
            "Số giấy chứng nhận hộ nghèo, cận nghèo",
            "Poor / near-poor certificate number",
            Kind::Text,
            false,
        ),
        "start_month" => ("Đóng từ tháng", "First month", Kind::Choice, false),
        "relationship" if guardian => {
            ("Quan hệ với người tham gia", "Relationship", Kind::Choice, false)
        }
        "relationship" => ("Quan hệ với chủ hộ", "Relationship to the head", Kind::Choice, false),
        "months" => ("Số tháng đóng", "Months", Kind::Choice, false),
        "kcb_code" => (
            "Mã nơi khám chữa bệnh ban đầu (5 số)",
            "Health-care facility code (5 digits)",
            Kind::Digits,
            false,
        ),
        _ => ("Thông tin", "Field", Kind::Text, true),
    };
    (t(lang, vi, en), kind, optional)
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

pub(super) fn help(scheme: Scheme, step: usize, lang: Lang) -> &'static str {
    match (scheme, step) {
        (Scheme::Voluntary, 0) => t(
            lang,
            "Nhập họ tên đầy đủ có dấu, như trên căn cước.",
            "Type the full name with its accents, as on the ID card.",
        ),
        (Scheme::Voluntary, 1) => t(
            lang,
            "Số định danh cá nhân là 12 số in trên căn cước.",
            "The personal ID is the 12 digits on the ID card.",
        ),
        (Scheme::Voluntary, 2) => {
            t(lang, "Nơi nhận sổ BHXH và giấy tờ.", "Where the social insurance book is sent.")
        }
        (Scheme::Voluntary, 3) => t(
            lang,
            "Như ghi trong giấy khai sinh (được ghi tên cũ).",
            "As in the birth certificate (old names are fine).",
        ),
        (Scheme::Voluntary, 4) => t(
            lang,
            "Mức thu nhập càng cao thì lương hưu càng cao.",
            "A higher income means a higher pension.",
        ),
        (Scheme::Household, 0) => t(lang, "Người đứng tên chủ hộ.", "The head of the household."),
        (Scheme::Household, 1) => {
            t(lang, "Nơi hộ gia đình đang sống.", "Where the household lives.")
        }
        (Scheme::Household, 3) => t(
            lang,
            "Thẻ BHYT có giá trị từ tháng này.",
            "The health cards are valid from this month.",
        ),
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

pub(super) fn option_labels(id: &str, today: Date, lang: Lang) -> Vec<String> {
    match leaf(id) {
        "sex" => vec![t(lang, "Nam", "Male").into(), t(lang, "Nữ", "Female").into()],
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
