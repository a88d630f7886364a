//! What the wizard shows: each field with its value, options and message, the member list,
//! the review lines, the amount and the double-payment warning.

use super::*;

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
    pub(super) fn new(earlier: &[EarlierPayment], lang: Lang) -> Self {
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

impl EnrollController {
    pub(super) fn field(&self, id: &str, lang: Lang, today: Date) -> FieldView {
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

    pub(super) fn member_lines(&self, lang: Lang) -> Vec<MemberLine> {
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

    pub(super) fn review_lines(&self, lang: Lang, today: Date) -> Vec<Line> {
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
