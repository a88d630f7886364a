//! The enrollment wizard: the TK1-TS declaration (voluntary social insurance) or the household
//! appendix (household health insurance), step by step, with inline messages from the
//! enrollment crate's validation, consent in plain words with an explicit yes, a review, and
//! the durable commit.
//!
//! Everything typed is kept as text under the validator's own field paths
//! (`person.full_name`, `household.members[2].birth_date`), so going back, a failed step or a
//! failed submit never loses anything, and each problem lands on the field it names. One
//! function validates a step: [`EnrollController::step_problems`].
//!
//! When the device already holds a payment of the same person for some of the same months,
//! the submit commits nothing and the screen asks staff to confirm, naming the earlier
//! receipt ([`DuplicateWarning`]); cancelling keeps the form as it was.

use std::collections::BTreeMap;

use ansinh_core::money::Lang;
use ansinh_core::person::Group;
use ansinh_core::{Date, Month, PolicyTable};
use ansinh_device::enroll::{Duplicates, EarlierPayment, amounts};
use ansinh_enrollment::record::{Relationship, purpose};
use ansinh_enrollment::validate::{
    AddressDraft, BirthPlaceDraft, ChoicesDraft, ConsentDraft, GuardianDraft, HeadDraft,
    MemberDraft, PersonDraft,
};
use ansinh_enrollment::{Draft, Enrollment, Problems, validate};

use crate::clock::Timestamp;
use crate::controllers::quote::{GROUPS, MODES, group_label, mode_label};
use crate::store::{Committed, EnrollmentStore, StoreError};
use crate::text::{Line, date_time, money, scheme_name, t, words};

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

/// Which enrollment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Voluntary social insurance (TK1-TS).
    Voluntary,
    /// Household health insurance.
    Household,
}

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

/// One field as the screen shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldView {
    /// The validator's path.
    pub id: String,
    /// Label.
    pub label: String,
    /// Value as shown.
    pub value: String,
    /// Shown when empty.
    pub placeholder: String,
    /// How it is typed.
    pub kind: Option<Kind>,
    /// Choice options.
    pub options: Vec<String>,
    /// Selected option (-1 none).
    pub selected: i32,
    /// The validator's message.
    pub error: String,
    /// May stay empty.
    pub optional: bool,
}

/// A household member in the list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberLine {
    /// Name (or "new member").
    pub title: String,
    /// Relationship, months.
    pub detail: String,
    /// Problems to fix.
    pub error: String,
}

/// The staff confirmation shown when the person may be paying twice.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DuplicateWarning {
    /// Heading.
    pub title: String,
    /// Each earlier receipt and its months, then what to do.
    pub text: String,
    /// The button that commits anyway.
    pub confirm: String,
    /// The button that commits nothing.
    pub cancel: String,
}

impl DuplicateWarning {
    fn new(earlier: &[EarlierPayment], lang: Lang) -> Self {
        let mut lines: Vec<String> = earlier
            .iter()
            .map(|e| {
                let who = match (e.scheme.as_str(), lang) {
                    ("household-bhyt", _) => e.masked_name.clone(),
                    (_, Lang::Vi) => "Người này".to_string(),
                    (_, Lang::En) => "This person".to_string(),
                };
                let (period, paid) = (e.period(), date_time(e.collected_at));
                let amount = money(e.amount, lang);
                let scheme = scheme_name(&e.scheme, lang);
                match lang {
                    Lang::Vi => format!(
                        "{who} đã có biên nhận số {} cho kỳ {period} ({scheme}; thu lúc {paid}, {amount}).",
                        e.receipt_no
                    ),
                    Lang::En => format!(
                        "{who} already has receipt {} for {period} ({scheme}; taken {paid}, {amount}).",
                        e.receipt_no
                    ),
                }
            })
            .collect();
        lines.push(
            t(
                lang,
                "Thu tiền lần nữa cho cùng tháng có thể là đóng trùng. Nhân viên chỉ xác nhận khi người tham gia thật sự muốn đóng thêm.",
                "Taking money again for the same months may be a double payment. Staff confirm only if the person really wants to pay again.",
            )
            .into(),
        );
        Self {
            title: t(lang, "Có thể đóng trùng", "Possible double payment").into(),
            text: lines.join("\n"),
            confirm: t(lang, "Nhân viên xác nhận: vẫn lưu", "Staff: confirm and save").into(),
            cancel: t(lang, "Không lưu, quay lại", "Do not save, go back").into(),
        }
    }
}

/// The wizard's screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnrollView {
    /// A scheme has been chosen.
    pub started: bool,
    /// Scheme title.
    pub title: String,
    /// Step names.
    pub steps: Vec<String>,
    /// Current step.
    pub step: usize,
    /// What the step is.
    pub kind: Option<StepKind>,
    /// The step's explanation in plain words.
    pub help: String,
    /// Fields of the step.
    pub fields: Vec<FieldView>,
    /// Household members.
    pub members: Vec<MemberLine>,
    /// A member is being edited.
    pub editing_member: bool,
    /// Consent text.
    pub consent_text: String,
    /// Consent given.
    pub consent_given: bool,
    /// Reminders accepted.
    pub reminders: bool,
    /// Review rows (strong = section title).
    pub review: Vec<Line>,
    /// Amount to collect.
    pub amount: String,
    /// ... in words.
    pub amount_words: String,
    /// Problems summary or submit error.
    pub banner: String,
    /// Label of the forward button.
    pub next_label: String,
    /// The submit found an earlier payment of the same person and months: staff confirm.
    pub duplicate: Option<DuplicateWarning>,
}

/// A step's name, kind and fields.
struct Step {
    vi: &'static str,
    en: &'static str,
    kind: StepKind,
    fields: &'static [&'static str],
}

const VOLUNTARY_STEPS: &[Step] = &[
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

const HOUSEHOLD_STEPS: &[Step] = &[
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

const MEMBER_FIELDS: &[&str] = &[
    "full_name",
    "sex",
    "birth_date",
    "personal_id",
    "relationship",
    "months",
    "kcb_code",
    "legacy_si_code",
];

const GUARDIAN_RELATIONSHIPS: [Relationship; 4] = [
    Relationship::Parent,
    Relationship::Grandparent,
    Relationship::Sibling,
    Relationship::Guardian,
];

fn relationship_label(r: Relationship, lang: Lang) -> &'static str {
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
fn leaf(id: &str) -> &str {
    id.rsplit('.').next().unwrap_or(id)
}

/// Label, kind and whether it may be empty.
fn meta(id: &str, lang: Lang) -> (&'static str, Kind, bool) {
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

/// The wizard.
#[derive(Clone, Debug, Default)]
pub struct EnrollController {
    scheme: Option<Scheme>,
    step: usize,
    values: BTreeMap<String, String>,
    members: Vec<BTreeMap<&'static str, String>>,
    editing: Option<usize>,
    consent_at: Option<Timestamp>,
    reminders: bool,
    shown: BTreeMap<String, String>,
    banner: String,
    committed: Option<Committed>,
    duplicate: Vec<EarlierPayment>,
}

impl EnrollController {
    /// Starts the wizard for a scheme (keeps anything typed for it before).
    pub fn start(&mut self, scheme: Scheme) {
        if self.scheme != Some(scheme) {
            *self = Self { scheme: Some(scheme), ..Self::default() };
        }
    }

    /// The scheme, once chosen.
    pub const fn scheme(&self) -> Option<Scheme> {
        self.scheme
    }

    /// Pre-fills the payment step from a quote the person looked at.
    pub fn prefill_payment(
        &mut self,
        income: u64,
        group: Group,
        mode: &str,
        province: Option<&str>,
    ) {
        self.start(Scheme::Voluntary);
        self.values.insert("choices.income".into(), income.to_string());
        self.values.insert("choices.group".into(), group.as_str().into());
        self.values.insert("choices.mode".into(), mode.into());
        if let Some(p) = province {
            self.values.insert("person.address.province_code".into(), p.into());
        }
    }

    /// Pre-fills the household with `n` empty members.
    pub fn prefill_members(&mut self, n: u16, months: u8) {
        self.start(Scheme::Household);
        while self.members.len() < usize::from(n) {
            let mut m = BTreeMap::new();
            m.insert("months", months.to_string());
            if self.members.is_empty() {
                m.insert("relationship", "head".into());
            }
            self.members.push(m);
        }
    }

    fn steps(&self) -> &'static [Step] {
        match self.scheme {
            Some(Scheme::Household) => HOUSEHOLD_STEPS,
            _ => VOLUNTARY_STEPS,
        }
    }

    /// The current step's index.
    pub const fn step(&self) -> usize {
        self.step
    }

    /// The commit, once submitted.
    pub fn committed(&self) -> Option<&Committed> {
        self.committed.as_ref()
    }

    /// The text of a field (member fields by their full path).
    pub fn value(&self, id: &str) -> String {
        if let Some((i, name)) = member_path(id) {
            return self.members.get(i).and_then(|m| m.get(name)).cloned().unwrap_or_default();
        }
        self.values.get(id).cloned().unwrap_or_default()
    }

    /// Sets a field (typing, a choice, a picker); its message goes until the next check.
    pub fn set(&mut self, id: &str, value: &str) {
        self.shown.remove(id);
        self.banner.clear();
        if let Some((i, name)) = member_path(id) {
            if let (Some(m), Some(key)) =
                (self.members.get_mut(i), MEMBER_FIELDS.iter().find(|f| **f == name))
            {
                m.insert(key, value.to_string());
            }
            return;
        }
        // A new province empties a commune that is not in it.
        if id.ends_with("province_code") {
            let commune = id.replace("province_code", "commune_code");
            let keep = ansinh_geo::commune_in_province(&self.value(&commune), value);
            if !keep {
                self.values.remove(&commune);
            }
        }
        // The province of birth registration is usually the one the ID was issued for.
        if id.ends_with("person.personal_id")
            && self.value("person.birth_place.province").is_empty()
            && let Some(p) = ansinh_geo::legacy_province_of_personal_id(value)
        {
            self.values.insert("person.birth_place.province".into(), p.name.to_string());
        }
        self.values.insert(id.to_string(), value.to_string());
    }

    /// Chooses option `index` of a choice field.
    pub fn choose(&mut self, id: &str, index: usize, today: Date) {
        if let Some(key) = option_keys(id, today).get(index) {
            let key = key.clone();
            self.set(id, &key);
        }
    }

    /// Typed text for a picker's field (`province_code`, `commune_code`, `ethnicity`).
    pub fn picker_context(&self, id: &str) -> Option<String> {
        id.ends_with("commune_code")
            .then(|| self.value(&id.replace("commune_code", "province_code")))
    }

    fn minor(&self, today: Date) -> bool {
        let birth = date_to_iso(&self.value("person.birth_date"));
        let year: u16 = birth.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
        year > 0 && today.year().saturating_sub(year) < 17
    }

    fn guardian_given(&self) -> bool {
        ["person.guardian.full_name", "person.guardian.personal_id"]
            .iter()
            .any(|f| !self.value(f).trim().is_empty())
    }

    /// Validates everything typed so far.
    #[allow(clippy::result_large_err)] // the enrollment crate's fixed-capacity types, by design
    pub fn validate(
        &self,
        table: &PolicyTable<'_>,
        today: Date,
        lang: Lang,
    ) -> Result<Enrollment, Problems> {
        let v = |k: &str| self.values.get(k).map_or("", String::as_str);
        let purposes = if self.consent_at.is_some() {
            purpose::ENROLLMENT | if self.reminders { purpose::REMINDERS } else { 0 }
        } else {
            0
        };
        let consent = ConsentDraft {
            purposes,
            text_version: consent_version(lang),
            at: self.consent_at.unwrap_or(0),
            confirmed_by: if self.guardian_given() { "guardian" } else { "person" },
        };
        match self.scheme {
            Some(Scheme::Household) => {
                let births: Vec<String> = self
                    .members
                    .iter()
                    .map(|m| date_to_iso(m.get("birth_date").map_or("", String::as_str)))
                    .collect();
                let members: Vec<MemberDraft<'_>> = self
                    .members
                    .iter()
                    .zip(&births)
                    .map(|(m, birth)| {
                        let g = |k: &str| m.get(k).map_or("", String::as_str);
                        MemberDraft {
                            full_name: g("full_name"),
                            sex: g("sex"),
                            birth_date: birth,
                            personal_id: g("personal_id"),
                            legacy_si_code: g("legacy_si_code"),
                            relationship: g("relationship"),
                            months: g("months").parse().unwrap_or(0),
                            kcb_code: g("kcb_code"),
                            guardian: None,
                        }
                    })
                    .collect();
                let draft = Draft::Household {
                    head: HeadDraft {
                        full_name: v("household.head.full_name"),
                        personal_id: v("household.head.personal_id"),
                        phone: v("household.head.phone"),
                        address: AddressDraft {
                            line: v("household.head.address.line"),
                            commune_code: v("household.head.address.commune_code"),
                            province_code: v("household.head.address.province_code"),
                        },
                    },
                    start_month: v("household.start_month"),
                    members: &members,
                    consent: ConsentDraft { confirmed_by: "person", ..consent },
                };
                validate(&draft, table, today)
            }
            _ => {
                let birth = date_to_iso(v("person.birth_date"));
                let guardian =
                    (self.minor(today) || self.guardian_given()).then(|| GuardianDraft {
                        full_name: v("person.guardian.full_name"),
                        personal_id: v("person.guardian.personal_id"),
                        relationship: v("person.guardian.relationship"),
                    });
                let draft = Draft::Voluntary {
                    person: PersonDraft {
                        full_name: v("person.full_name"),
                        sex: v("person.sex"),
                        birth_date: &birth,
                        nationality: "VN",
                        ethnicity: v("person.ethnicity"),
                        personal_id: v("person.personal_id"),
                        legacy_si_code: v("person.legacy_si_code"),
                        phone: v("person.phone"),
                        email: "",
                        birth_place: BirthPlaceDraft {
                            commune: v("person.birth_place.commune"),
                            district: v("person.birth_place.district"),
                            province: v("person.birth_place.province"),
                        },
                        address: AddressDraft {
                            line: v("person.address.line"),
                            commune_code: v("person.address.commune_code"),
                            province_code: v("person.address.province_code"),
                        },
                        guardian: if self.minor(today) || self.guardian_given() {
                            guardian
                        } else {
                            None
                        },
                    },
                    choices: ChoicesDraft {
                        income: v("choices.income").parse().unwrap_or(0),
                        mode: v("choices.mode"),
                        start_month: v("choices.start_month"),
                        group: v("choices.group"),
                        evidence_ref: v("choices.evidence_ref"),
                        supported_months_before: 0,
                        // The wizard offers no back-pay (it is settled at the office).
                        paid_months_before: None,
                    },
                    consent,
                };
                validate(&draft, table, today)
            }
        }
    }

    /// The problems of the current step (of the member being edited, on the member step):
    /// field path and message. Empty when the step may be left.
    pub fn step_problems(
        &self,
        table: &PolicyTable<'_>,
        today: Date,
        lang: Lang,
    ) -> Vec<(String, String)> {
        let Err(problems) = self.validate(table, today, lang) else { return Vec::new() };
        let step = &self.steps()[self.step.min(self.steps().len() - 1)];
        let member_prefix = self.editing.map(|i| format!("household.members[{i}]."));
        problems
            .iter()
            .filter(|p| {
                let f = p.field.as_str();
                match (step.kind, &member_prefix) {
                    (StepKind::Members, Some(prefix)) => f.starts_with(prefix.as_str()),
                    (StepKind::Members, None) => f.starts_with("household.members"),
                    (StepKind::Consent, _) => {
                        f.starts_with("consent")
                            || step.fields.iter().any(|s| f.starts_with(s))
                            || f == "person.guardian"
                    }
                    (StepKind::Review, _) => true,
                    (StepKind::Fields, _) => {
                        step.fields.iter().any(|s| f == *s || f.starts_with(&format!("{s}.")))
                    }
                }
            })
            .map(|p| (p.field.to_string(), p.message(lang).to_string()))
            .collect()
    }

    /// Forward: checks the step; moves on when it has no problem, else shows them.
    pub fn next(&mut self, table: &PolicyTable<'_>, today: Date, lang: Lang) -> bool {
        let problems = self.step_problems(table, today, lang);
        if let Some(i) = self.editing {
            // Leaving the member editor.
            let _ = i;
            if problems.is_empty() {
                self.editing = None;
            }
            self.show(problems, lang);
            return false;
        }
        if !problems.is_empty() {
            self.show(problems, lang);
            return false;
        }
        self.banner.clear();
        if self.step + 1 < self.steps().len() {
            self.step += 1;
        }
        true
    }

    fn show(&mut self, problems: Vec<(String, String)>, lang: Lang) {
        let n = problems.len();
        for (f, m) in problems {
            self.shown.insert(f, m);
        }
        self.banner = if n == 0 {
            String::new()
        } else {
            match lang {
                Lang::Vi => format!("Còn {n} chỗ cần sửa (ghi màu đỏ)."),
                Lang::En => format!("{n} things to fix (in red)."),
            }
        };
    }

    /// Back one step (nothing typed is lost); `false` on the first step.
    pub fn back(&mut self) -> bool {
        self.banner.clear();
        if self.editing.take().is_some() {
            return true;
        }
        if self.step == 0 {
            return false;
        }
        self.step -= 1;
        true
    }

    /// Jumps to a step from the review.
    pub fn goto(&mut self, step: usize) {
        if step < self.steps().len() {
            self.step = step;
            self.editing = None;
        }
    }

    /// Adds a household member and edits it.
    pub fn add_member(&mut self) {
        if self.members.len() < ansinh_enrollment::record::MAX_MEMBERS {
            let mut m = BTreeMap::new();
            m.insert("months", "12".to_string());
            if self.members.is_empty() {
                m.insert("relationship", "head".into());
            }
            self.members.push(m);
            self.editing = Some(self.members.len() - 1);
        }
    }

    /// Edits member `i`.
    pub fn edit_member(&mut self, i: usize) {
        if i < self.members.len() {
            self.editing = Some(i);
        }
    }

    /// Removes member `i`.
    pub fn remove_member(&mut self, i: usize) {
        if i < self.members.len() {
            self.members.remove(i);
            self.editing = None;
            self.shown.retain(|k, _| !k.starts_with("household.members"));
        }
    }

    /// The explicit yes (or taking it back).
    pub fn consent(&mut self, yes: bool, now: Timestamp) {
        self.consent_at = yes.then_some(now);
        self.shown.retain(|k, _| !k.starts_with("consent"));
    }

    /// Reminders before the paid period ends.
    pub fn set_reminders(&mut self, yes: bool) {
        self.reminders = yes;
    }

    /// Commits the enrollment; at most once. A possible double payment commits nothing and
    /// waits for staff: [`EnrollController::confirm_duplicate`] or
    /// [`EnrollController::cancel_duplicate`].
    pub fn submit(
        &mut self,
        store: &mut dyn EnrollmentStore,
        table: &PolicyTable<'_>,
        today: Date,
        now: Timestamp,
        lang: Lang,
    ) -> Result<Committed, StoreError> {
        self.commit(store, table, today, now, lang, Duplicates::Refuse)
    }

    /// Staff confirm the possible double payment shown: commits.
    pub fn confirm_duplicate(
        &mut self,
        store: &mut dyn EnrollmentStore,
        table: &PolicyTable<'_>,
        today: Date,
        now: Timestamp,
        lang: Lang,
    ) -> Result<Committed, StoreError> {
        if let Some(c) = &self.committed {
            return Ok(c.clone());
        }
        if self.duplicate.is_empty() {
            return Err(StoreError {
                message: "nothing to confirm".into(),
                ..StoreError::default()
            });
        }
        self.duplicate.clear();
        self.commit(store, table, today, now, lang, Duplicates::Confirmed)
    }

    /// Staff do not take the second payment: nothing is committed, the form stays as it was.
    pub fn cancel_duplicate(&mut self, lang: Lang) {
        if !self.duplicate.is_empty() {
            self.duplicate.clear();
            self.banner = t(
                lang,
                "Chưa lưu hồ sơ. Chưa thu tiền.",
                "The record was not saved. Take no money.",
            )
            .into();
        }
    }

    fn commit(
        &mut self,
        store: &mut dyn EnrollmentStore,
        table: &PolicyTable<'_>,
        today: Date,
        now: Timestamp,
        lang: Lang,
        duplicates: Duplicates,
    ) -> Result<Committed, StoreError> {
        if let Some(c) = &self.committed {
            return Ok(c.clone());
        }
        let enrollment = match self.validate(table, today, lang) {
            Ok(e) => e,
            Err(p) => {
                let all: Vec<(String, String)> =
                    p.iter().map(|p| (p.field.to_string(), p.message(lang).to_string())).collect();
                self.show(all, lang);
                return Err(StoreError { message: self.banner.clone(), ..StoreError::default() });
            }
        };
        match store.submit(&enrollment, table, today, now, duplicates) {
            Ok(c) => {
                self.committed = Some(c.clone());
                Ok(c)
            }
            Err(e) if !e.earlier.is_empty() => {
                self.banner.clear();
                self.duplicate.clone_from(&e.earlier);
                Err(e)
            }
            Err(e) => {
                self.banner = match (e.retryable, lang) {
                    (true, Lang::Vi) => "Chưa lưu được hồ sơ (máy đang bận). Chưa thu tiền. Bấm Nộp hồ sơ để thử lại.".into(),
                    (true, Lang::En) => "The record could not be saved yet (device busy). Take no money. Press Submit to try again.".into(),
                    (false, Lang::Vi) => format!("Không lưu được hồ sơ: {}. Chưa thu tiền. Hãy gọi nhân viên.", e.message),
                    (false, Lang::En) => format!("The record could not be saved: {}. Take no money. Call the staff.", e.message),
                };
                Err(e)
            }
        }
    }

    fn field(&self, id: &str, lang: Lang, today: Date) -> FieldView {
        let (label, kind, optional) = meta(id, lang);
        let raw = self.value(id);
        let options = option_labels(id, today, lang);
        let keys = option_keys(id, today);
        let selected =
            keys.iter().position(|k| *k == raw).map_or(-1, |i| i32::try_from(i).unwrap_or(-1));
        let value = match kind {
            Kind::Money => raw.parse::<u64>().map(|d| money(d, lang)).unwrap_or_default(),
            Kind::Picker => picker_name(id, &raw),
            Kind::Choice => usize::try_from(selected)
                .ok()
                .and_then(|i| options.get(i).cloned())
                .unwrap_or_default(),
            _ => raw,
        };
        let placeholder = match kind {
            Kind::Picker => t(lang, "Chạm để chọn", "Tap to choose"),
            Kind::Date => t(lang, "ví dụ 15/03/1979", "e.g. 15/03/1979"),
            _ if optional => t(lang, "Có thể để trống", "May be left empty"),
            _ => t(lang, "Chạm để nhập", "Tap to type"),
        };
        FieldView {
            id: id.to_string(),
            label: label.to_string(),
            value,
            placeholder: placeholder.into(),
            kind: Some(kind),
            options,
            selected,
            error: self.shown.get(id).cloned().unwrap_or_default(),
            optional,
        }
    }

    /// The screen.
    pub fn view(&self, table: &PolicyTable<'_>, today: Date, lang: Lang) -> EnrollView {
        let Some(scheme) = self.scheme else {
            return EnrollView {
                title: t(lang, "Đăng ký tham gia", "Enroll").into(),
                ..EnrollView::default()
            };
        };
        let steps = self.steps();
        let step = &steps[self.step.min(steps.len() - 1)];
        let mut v = EnrollView {
            started: true,
            title: match scheme {
                Scheme::Voluntary => t(
                    lang,
                    "Đăng ký BHXH tự nguyện (tờ khai TK1-TS)",
                    "Voluntary social insurance (form TK1-TS)",
                ),
                Scheme::Household => {
                    t(lang, "Đăng ký BHYT hộ gia đình", "Household health insurance")
                }
            }
            .into(),
            steps: steps.iter().map(|s| t(lang, s.vi, s.en).to_string()).collect(),
            step: self.step,
            kind: Some(step.kind),
            consent_given: self.consent_at.is_some(),
            reminders: self.reminders,
            banner: self.banner.clone(),
            next_label: if step.kind == StepKind::Review {
                t(lang, "Nộp hồ sơ", "Submit").into()
            } else {
                t(lang, "Tiếp", "Next").into()
            },
            duplicate: (!self.duplicate.is_empty())
                .then(|| DuplicateWarning::new(&self.duplicate, lang)),
            ..EnrollView::default()
        };
        let mut ids: Vec<String> = step.fields.iter().map(|s| (*s).to_string()).collect();
        ids.retain(|id| match id.as_str() {
            "choices.evidence_ref" => {
                matches!(self.value("choices.group").as_str(), "poor" | "near-poor" | "island")
            }
            f if f.starts_with("person.guardian") => self.minor(today) || self.guardian_given(),
            _ => true,
        });
        match step.kind {
            StepKind::Fields => {
                v.help = help(scheme, self.step, lang).into();
            }
            StepKind::Members => {
                if let Some(i) = self.editing {
                    v.editing_member = true;
                    ids = MEMBER_FIELDS
                        .iter()
                        .map(|f| format!("household.members[{i}].{f}"))
                        .collect();
                    v.help = match lang {
                        Lang::Vi => format!(
                            "Người thứ {}: nhập như trên căn cước hoặc giấy khai sinh.",
                            i + 1
                        ),
                        Lang::En => {
                            format!("Member {}: as on the ID card or birth certificate.", i + 1)
                        }
                    };
                    v.next_label = t(lang, "Xong người này", "Done with this member").into();
                } else {
                    v.help = t(lang, "Mỗi người trong hộ cùng tham gia một dòng. Người thứ hai trở đi được giảm tiền đóng.", "One line for each member joining. From the second member on, each pays less.").into();
                    v.members = self.member_lines(lang);
                }
            }
            StepKind::Consent => {
                v.consent_text = consent_text(lang).into();
                v.help = if ids.is_empty() {
                    t(
                        lang,
                        "Đọc kỹ, hoặc nhờ nhân viên đọc cho bạn nghe.",
                        "Read this, or ask the staff to read it to you.",
                    )
                    .into()
                } else {
                    t(
                        lang,
                        "Người dưới 16 tuổi cần cha, mẹ hoặc người giám hộ đồng ý.",
                        "Under 16, a parent or guardian consents.",
                    )
                    .into()
                };
                if let Some(m) = self.shown.get("consent.purposes") {
                    v.banner = m.clone();
                }
            }
            StepKind::Review => {
                v.help = t(
                    lang,
                    "Kiểm tra lại. Bấm Sửa để thay đổi.",
                    "Check everything. Press Edit to change.",
                )
                .into();
                v.review = self.review_lines(lang, today);
                if let Ok(e) = self.validate(table, today, lang)
                    && let Ok(a) = amounts(&e, table, today)
                {
                    v.amount = money(a.amount, lang);
                    v.amount_words = words(a.amount, lang);
                }
            }
        }
        v.fields = ids.iter().map(|id| self.field(id, lang, today)).collect();
        v
    }

    fn member_lines(&self, lang: Lang) -> Vec<MemberLine> {
        self.members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let name = m.get("full_name").cloned().unwrap_or_default();
                let rel = m
                    .get("relationship")
                    .and_then(|r| Relationship::parse(r))
                    .map(|r| relationship_label(r, lang))
                    .unwrap_or("");
                let months = m.get("months").cloned().unwrap_or_default();
                let prefix = format!("household.members[{i}].");
                let n = self.shown.keys().filter(|k| k.starts_with(&prefix)).count();
                MemberLine {
                    title: if name.is_empty() {
                        match lang {
                            Lang::Vi => format!("{}. (chưa nhập tên)", i + 1),
                            Lang::En => format!("{}. (no name yet)", i + 1),
                        }
                    } else {
                        format!("{}. {name}", i + 1)
                    },
                    detail: format!("{rel} · {months} {}", t(lang, "tháng", "months")),
                    error: if n > 0 {
                        match lang {
                            Lang::Vi => format!("{n} chỗ cần sửa"),
                            Lang::En => format!("{n} things to fix"),
                        }
                    } else {
                        String::new()
                    },
                }
            })
            .collect()
    }

    fn review_lines(&self, lang: Lang, today: Date) -> Vec<Line> {
        let mut out = Vec::new();
        for (i, s) in self.steps().iter().enumerate() {
            if s.kind == StepKind::Review {
                continue;
            }
            out.push(Line::strong(t(lang, s.vi, s.en), i.to_string()));
            if s.kind == StepKind::Members {
                for m in self.member_lines(lang) {
                    out.push(Line::new(m.title, m.detail));
                }
            }
            if s.kind == StepKind::Consent {
                out.push(Line::new(
                    t(lang, "Đồng ý", "Consent"),
                    if self.consent_at.is_some() {
                        t(lang, "Có", "Yes")
                    } else {
                        t(lang, "Chưa", "Not yet")
                    },
                ));
            }
            for id in s.fields {
                let f = self.field(id, lang, today);
                if f.value.is_empty()
                    && (f.optional
                        || id.starts_with("person.guardian")
                        || *id == "choices.evidence_ref")
                {
                    continue;
                }
                out.push(Line::new(f.label, f.value));
            }
        }
        out
    }
}

fn help(scheme: Scheme, step: usize, lang: Lang) -> &'static str {
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
fn member_path(id: &str) -> Option<(usize, &str)> {
    let rest = id.strip_prefix("household.members[")?;
    let (i, name) = rest.split_once("].")?;
    Some((i.parse().ok()?, name))
}

/// Months offered as a start: this month and the next three.
fn start_months(today: Date) -> Vec<Month> {
    (0..4).filter_map(|i| today.month().plus(i)).collect()
}

/// The stored values of a choice field's options.
fn option_keys(id: &str, today: Date) -> Vec<String> {
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

fn option_labels(id: &str, today: Date, lang: Lang) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{MemoryStore, StaffData};
    use ansinh_core::default_table;

    fn today() -> Date {
        "2026-11-22".parse().unwrap_or_else(|_| unreachable!())
    }

    /// Types the public fixture's person (tests/fixtures/enrollment.json) step by step.
    pub(crate) fn fill_voluntary(c: &mut EnrollController) {
        let table = default_table();
        let (d, l) = (today(), Lang::Vi);
        c.start(Scheme::Voluntary);
        c.set("person.full_name", "Nguyễn Thị Hồng Nhung");
        c.choose("person.sex", 1, d);
        c.set("person.birth_date", "15/03/1979");
        assert!(c.next(&table, d, l), "{:?}", c.step_problems(&table, d, l));
        c.set("person.personal_id", "001179012345");
        c.set("person.ethnicity", "01");
        assert!(c.next(&table, d, l), "{:?}", c.step_problems(&table, d, l));
        c.set("person.address.province_code", "01");
        c.set("person.address.commune_code", "09556");
        c.set("person.address.line", "Số 12, ngõ 34, phố Quang Trung");
        c.set("person.phone", "0912345678");
        assert!(c.next(&table, d, l), "{:?}", c.step_problems(&table, d, l));
        assert_eq!(c.value("person.birth_place.province"), "Hà Nội", "from the ID's first digits");
        assert!(c.next(&table, d, l), "{:?}", c.step_problems(&table, d, l));
        c.set("choices.income", "2000000");
        c.choose("choices.mode", 1, d);
        c.choose("choices.group", 2, d);
        c.set("choices.evidence_ref", "CN-2026-0456");
        c.choose("choices.start_month", 1, d);
        assert!(c.next(&table, d, l), "{:?}", c.step_problems(&table, d, l));
    }

    #[test]
    fn a_step_with_problems_stays_and_keeps_what_was_typed() {
        let table = default_table();
        let (d, l) = (today(), Lang::Vi);
        let mut c = EnrollController::default();
        c.start(Scheme::Voluntary);
        c.set("person.full_name", "Nguyễn Văn 3");
        c.set("person.birth_date", "31/02/1979");
        assert!(!c.next(&table, d, l));
        let v = c.view(&table, d, l);
        assert_eq!(v.step, 0);
        let by_id = |id: &str| v.fields.iter().find(|f| f.id == id).cloned().unwrap_or_default();
        assert_eq!(by_id("person.full_name").value, "Nguyễn Văn 3", "what was typed stays");
        assert!(
            by_id("person.full_name").error.contains("chữ cái"),
            "{:?}",
            by_id("person.full_name")
        );
        assert!(by_id("person.sex").error.contains("chưa nhập"));
        assert!(by_id("person.birth_date").error.contains("ngày"));
        assert!(v.banner.contains("3 chỗ"));
        c.set("person.full_name", "Nguyễn Văn Ba");
        assert!(
            c.view(&table, d, l).fields[0].error.is_empty(),
            "editing clears the field's message"
        );
    }

    #[test]
    fn the_whole_voluntary_wizard_commits_once() {
        let table = default_table();
        let (d, l) = (today(), Lang::Vi);
        let mut c = EnrollController::default();
        fill_voluntary(&mut c);
        assert_eq!(c.view(&table, d, l).kind, Some(StepKind::Consent));
        assert!(!c.next(&table, d, l), "no consent yet");
        assert!(c.view(&table, d, l).banner.contains("chưa đồng ý"));
        c.consent(true, 1_795_314_600);
        c.set_reminders(true);
        assert!(c.next(&table, d, l));
        let v = c.view(&table, d, l);
        assert_eq!(v.kind, Some(StepKind::Review));
        assert_eq!(v.amount, "330.000 đ", "as `ansinh enqueue` prices the same fixture");
        assert!(v.review.iter().any(|r| r.value == "Nguyễn Thị Hồng Nhung"));
        // Back and forward again: nothing lost.
        assert!(c.back() && c.back());
        assert_eq!(c.value("choices.income"), "2000000");
        c.goto(6);
        let mut store = MemoryStore::default();
        let first =
            c.submit(&mut store, &table, d, 1_795_314_700, l).unwrap_or_else(|e| panic!("{e:?}"));
        let again =
            c.submit(&mut store, &table, d, 1_795_314_800, l).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(first, again);
        assert_eq!(store.records.len(), 1, "a double tap commits once");
        assert_eq!(first.amount, 330_000);
        assert_eq!(store.queue(0).map(|q| q.queued).unwrap_or(0), 1);
    }

    #[test]
    fn a_failed_submit_keeps_everything() {
        let table = default_table();
        let (d, l) = (today(), Lang::Vi);
        let mut c = EnrollController::default();
        fill_voluntary(&mut c);
        c.consent(true, 1);
        assert!(c.next(&table, d, l));
        let mut store = MemoryStore {
            fail_next: Some(StoreError {
                retryable: true,
                message: "busy".into(),
                ..StoreError::default()
            }),
            ..Default::default()
        };
        assert!(c.submit(&mut store, &table, d, 2, l).is_err());
        assert!(c.view(&table, d, l).banner.contains("thử lại"));
        assert!(c.committed().is_none());
        assert!(c.submit(&mut store, &table, d, 3, l).is_ok());
        assert_eq!(store.records.len(), 1);
    }

    #[test]
    fn a_second_payment_for_the_same_months_waits_for_staff_to_cancel_or_confirm() {
        use crate::store::{DeviceStore, Settings};
        let table = default_table();
        let (d, l) = (today(), Lang::Vi);
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = ansinh_device::DataDir::open(tmp.path()).unwrap_or_else(|e| panic!("{e}"));
        let mut store = DeviceStore::open(dir, 1_795_314_000, Settings::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let fill = |c: &mut EnrollController| {
            fill_voluntary(c);
            c.consent(true, 1_795_314_600);
            assert!(c.next(&table, d, l));
        };
        let mut first = EnrollController::default();
        fill(&mut first);
        let one = first.submit(&mut store, &table, d, 1_795_314_700, l);
        assert_eq!(one.map(|c| c.receipt_no), Ok(1));

        // The next customer is the same person, for the same months: nothing is committed,
        // staff are asked, with the earlier receipt and its months.
        let mut c = EnrollController::default();
        fill(&mut c);
        let refused = c.submit(&mut store, &table, d, 1_795_318_300, l);
        let earlier = refused.err().map(|e| e.earlier).unwrap_or_default();
        assert_eq!(earlier.iter().map(|e| e.receipt_no).collect::<Vec<_>>(), [1]);
        let warning = c.view(&table, d, l).duplicate.unwrap_or_default();
        assert_eq!(warning.title, "Có thể đóng trùng");
        assert!(
            warning.text.starts_with(
                "Người này đã có biên nhận số 1 cho kỳ 12/2026–02/2027 (BHXH tự nguyện; thu lúc 22/11/2026 09:31, 330.000 đ)."
            ),
            "{}",
            warning.text
        );
        assert_eq!(warning.confirm, "Nhân viên xác nhận: vẫn lưu");
        let english = c.view(&table, d, Lang::En).duplicate.unwrap_or_default();
        assert!(
            english.text.starts_with("This person already has receipt 1 for 12/2026–02/2027"),
            "{}",
            english.text
        );
        assert!(c.committed().is_none());
        let records = |store: &DeviceStore| store.outbox().list(None).map(|r| r.len()).ok();
        assert_eq!(records(&store), Some(1));

        // Staff cancel: nothing committed, the form as it was, on its review step.
        c.cancel_duplicate(l);
        let v = c.view(&table, d, l);
        assert_eq!((v.duplicate, v.kind), (None, Some(StepKind::Review)));
        assert!(v.banner.contains("Chưa lưu hồ sơ"), "{}", v.banner);
        assert_eq!(c.value("person.full_name"), "Nguyễn Thị Hồng Nhung");
        assert_eq!(c.value("person.personal_id"), "001179012345");
        assert_eq!(c.value("choices.income"), "2000000");
        assert_eq!(v.amount, "330.000 đ");
        assert!(c.committed().is_none());
        assert_eq!(records(&store), Some(1));

        // Submitted again, staff confirm this time: committed, and the audit trail says so.
        assert!(c.submit(&mut store, &table, d, 1_795_318_400, l).is_err());
        assert!(c.view(&table, d, l).duplicate.is_some());
        let two = c.confirm_duplicate(&mut store, &table, d, 1_795_318_500, l);
        assert_eq!(two.as_ref().map(|c| c.receipt_no), Ok(2));
        assert_eq!(c.committed(), two.as_ref().ok());
        assert_eq!(c.view(&table, d, l).duplicate, None);
        assert_eq!(records(&store), Some(2));
        let audit = store.outbox().audit_trail().unwrap_or_default();
        assert!(audit.iter().any(|a| a.event == "overlap_confirmed" && a.receipt_no == Some(2)));
        // A second tap commits nothing more.
        assert_eq!(c.confirm_duplicate(&mut store, &table, d, 1_795_318_600, l), two);
        assert_eq!(records(&store), Some(2));
    }

    #[test]
    fn household_members_are_checked_one_by_one() {
        let table = default_table();
        let (d, l) = (today(), Lang::Vi);
        let mut c = EnrollController::default();
        c.start(Scheme::Household);
        c.set("household.head.full_name", "Trần Văn Minh");
        c.set("household.head.personal_id", "001080012345");
        assert!(c.next(&table, d, l), "{:?}", c.step_problems(&table, d, l));
        c.set("household.head.address.province_code", "01");
        c.set("household.head.address.commune_code", "09556");
        c.set("household.head.address.line", "Thôn Đông");
        assert!(c.next(&table, d, l));
        assert!(!c.next(&table, d, l), "no members yet");
        c.add_member();
        let v = c.view(&table, d, l);
        assert!(v.editing_member);
        assert_eq!(v.fields[0].id, "household.members[0].full_name");
        c.set("household.members[0].full_name", "Trần Văn Minh");
        c.choose("household.members[0].sex", 0, d);
        c.set("household.members[0].birth_date", "1980");
        c.set("household.members[0].personal_id", "001080012345");
        assert!(!c.next(&table, d, l), "kcb code missing");
        c.set("household.members[0].kcb_code", "01001");
        assert!(!c.next(&table, d, l), "leaving the editor is not leaving the step");
        assert!(!c.view(&table, d, l).editing_member);
        assert!(c.next(&table, d, l), "{:?}", c.step_problems(&table, d, l));
        c.choose("household.start_month", 1, d);
        assert!(c.next(&table, d, l));
        c.consent(true, 5);
        assert!(c.next(&table, d, l));
        let v = c.view(&table, d, l);
        assert!(!v.amount.is_empty(), "{:?}", c.step_problems(&table, d, l));
    }

    #[test]
    fn dates_as_people_type_them() {
        assert_eq!(date_to_iso("15/3/1979"), "1979-03-15");
        assert_eq!(date_to_iso("03/1979"), "1979-03");
        assert_eq!(date_to_iso("1979"), "1979");
        assert_eq!(date_to_iso("15-03"), "15-03");
    }
}
