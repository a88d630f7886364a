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
    /// "From the card — check it" while the value is the ID card's, else empty.
    pub note: String,
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
    pub(super) fn new(earlier: &[EarlierPayment], lang: Locale) -> Self {
        let mut lines: Vec<String> = earlier
            .iter()
            .map(|e| {
                let who = match e.scheme.as_str() {
                    "household-bhyt" => e.masked_name.clone(),
                    _ => tr!(lang, "enroll-duplicate-this-person").to_string(),
                };
                let (period, paid) = (e.period(), date_time(e.collected_at));
                let amount = money(e.amount, lang);
                let scheme = scheme_name(&e.scheme, lang);
                tr!(
                    lang,
                    "enroll-duplicate-earlier",
                    who = who,
                    receipt = e.receipt_no,
                    period = period,
                    scheme = scheme,
                    paid = paid,
                    amount = amount
                )
            })
            .collect();
        lines.push(tr!(lang, "enroll-duplicate-what-to-do").into());
        Self {
            title: tr!(lang, "enroll-duplicate-title").into(),
            text: lines.join("\n"),
            confirm: tr!(lang, "enroll-duplicate-confirm").into(),
            cancel: tr!(lang, "enroll-duplicate-cancel").into(),
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
    /// The paid months reach past a change of the rules: priced at the day of payment's
    /// (empty otherwise).
    pub rules_note: String,
    /// Problems summary or submit error.
    pub banner: String,
    /// Label of the forward button.
    pub next_label: String,
    /// The submit found an earlier payment of the same person and months: staff confirm.
    pub duplicate: Option<DuplicateWarning>,
    /// What the last scan of an ID card filled in (empty without one).
    pub card_note: String,
}

impl EnrollController {
    pub(super) fn field(&self, id: &str, lang: Locale, today: Date) -> FieldView {
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
            Kind::Picker => tr!(lang, "enroll-tap-to-choose"),
            Kind::Date => tr!(lang, "enroll-date-placeholder"),
            _ if optional => tr!(lang, "enroll-may-be-left-empty"),
            _ => tr!(lang, "enroll-tap-to-type"),
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
            note: if self.from_card.contains(id) {
                tr!(lang, "enroll-from-card").into()
            } else if self.preselected && id == PRESELECTED {
                tr!(lang, "enroll-preselected").into()
            } else {
                String::new()
            },
        }
    }

    /// The screen.
    pub fn view(&self, table: &PolicyTable<'_>, today: Date, lang: Locale) -> EnrollView {
        let Some(scheme) = self.scheme else {
            return EnrollView {
                title: tr!(lang, "enroll-title").into(),
                banner: self.banner.clone(),
                ..EnrollView::default()
            };
        };
        let steps = self.steps();
        let step = &steps[self.step.min(steps.len() - 1)];
        let mut v = EnrollView {
            started: true,
            title: match scheme {
                Scheme::Voluntary => tr!(lang, "enroll-title-voluntary"),
                Scheme::Household => {
                    tr!(lang, "enroll-title-household")
                }
            }
            .into(),
            steps: steps.iter().map(|s| (s.name)(lang).to_string()).collect(),
            step: self.step,
            kind: Some(step.kind),
            consent_given: self.consent_at.is_some(),
            reminders: self.reminders,
            banner: self.banner.clone(),
            next_label: if step.kind == StepKind::Review {
                tr!(lang, "enroll-submit").into()
            } else {
                tr!(lang, "enroll-next").into()
            },
            duplicate: (!self.duplicate.is_empty())
                .then(|| DuplicateWarning::new(&self.duplicate, lang)),
            card_note: self.card_note.clone(),
            ..EnrollView::default()
        };
        let ids = self.field_ids(today);
        match step.kind {
            StepKind::Fields => {
                v.help = help(scheme, self.step, lang).into();
            }
            StepKind::Members => {
                if let Some(i) = self.editing {
                    v.editing_member = true;
                    v.help = tr!(lang, "enroll-member-help", number = i + 1);
                    v.next_label = tr!(lang, "enroll-member-done").into();
                } else {
                    v.help = tr!(lang, "enroll-members-help").into();
                    v.members = self.member_lines(lang);
                }
            }
            StepKind::Consent => {
                v.consent_text = consent_text(lang).into();
                v.help = if ids.is_empty() {
                    tr!(lang, "enroll-consent-help").into()
                } else {
                    tr!(lang, "enroll-consent-guardian-help").into()
                };
            }
            StepKind::Review => {
                v.help = tr!(lang, "enroll-review-help").into();
                v.review = self.review_lines(lang, today);
                if let Ok(e) = self.validate(table, today, lang)
                    && let Ok(a) = amounts(&e, table, today)
                {
                    v.amount = money(a.amount, lang);
                    v.amount_words = words(a.amount, lang);
                    v.rules_note = rules_note(&e, &a, table, today, lang);
                }
            }
        }
        v.fields = ids.iter().map(|id| self.field(id, lang, today)).collect();
        if let Some(f) = v.fields.iter_mut().find(|f| f.id == INCOME) {
            // One tap for the usual amounts; the money pad for any other.
            let picks = income_picks(table, today);
            let raw = self.value(INCOME);
            f.selected = picks
                .iter()
                .position(|a| a.to_string() == raw)
                .map_or(-1, |i| i32::try_from(i).unwrap_or(-1));
            f.options = picks
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let amount = money(*a, lang);
                    if i == 0 { tr!(lang, "enroll-income-floor", amount = amount) } else { amount }
                })
                .collect();
        }
        // The scan's note on the steps it filled (and the address step while the commune
        // waits to be chosen from the search), not on the others.
        let concerned = v.fields.iter().any(|f| {
            !f.note.is_empty()
                || (f.id.ends_with("commune_code") && !self.commune_search.is_empty())
        });
        if !concerned {
            v.card_note.clear();
        }
        v
    }

    /// The fields the current step draws, in order (the member's while one is edited).
    pub(super) fn field_ids(&self, today: Date) -> Vec<String> {
        let steps = self.steps();
        let step = &steps[self.step.min(steps.len() - 1)];
        if let (StepKind::Members, Some(i)) = (step.kind, self.editing) {
            return MEMBER_FIELDS.iter().map(|f| format!("household.members[{i}].{f}")).collect();
        }
        let mut ids: Vec<String> = step.fields.iter().map(|s| (*s).to_string()).collect();
        ids.retain(|id| match id.as_str() {
            "choices.evidence_ref" => {
                matches!(self.value("choices.group").as_str(), "poor" | "near-poor" | "island")
            }
            f if f.starts_with("person.guardian") => self.minor(today) || self.guardian_given(),
            _ => true,
        });
        ids
    }

    pub(super) fn member_lines(&self, lang: Locale) -> Vec<MemberLine> {
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
                        tr!(lang, "enroll-member-no-name", number = i + 1)
                    } else {
                        format!("{}. {name}", i + 1)
                    },
                    detail: match months.parse::<u32>() {
                        Ok(n) => format!("{rel} · {}", tr!(lang, "count-months", months = n)),
                        Err(_) => format!("{rel} · {months}"),
                    },
                    error: if n > 0 {
                        tr!(lang, "enroll-member-to-fix", count = n)
                    } else {
                        String::new()
                    },
                }
            })
            .collect()
    }

    pub(super) fn review_lines(&self, lang: Locale, today: Date) -> Vec<Line> {
        let mut out = Vec::new();
        for (i, s) in self.steps().iter().enumerate() {
            if s.kind == StepKind::Review {
                continue;
            }
            out.push(Line::strong((s.name)(lang), i.to_string()));
            if s.kind == StepKind::Members {
                for m in self.member_lines(lang) {
                    out.push(Line::new(m.title, m.detail));
                }
            }
            if s.kind == StepKind::Consent {
                out.push(Line::new(
                    tr!(lang, "enroll-consent"),
                    if self.consent_at.is_some() {
                        tr!(lang, "enroll-yes")
                    } else {
                        tr!(lang, "enroll-not-yet")
                    },
                ));
                let phone = self.value(self.phone_field());
                out.push(Line::new(
                    tr!(lang, "enroll-reminders"),
                    if self.reminders && !phone.trim().is_empty() {
                        tr!(lang, "enroll-reminders-by-phone", phone = phone.trim())
                    } else {
                        tr!(lang, "enroll-reminders-none").into()
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

/// The review's word on the rules a payment is priced at, when its months reach past a change
/// of them (back-pay covers months already past: none).
fn rules_note(
    e: &Enrollment,
    a: &ansinh_device::enroll::Amounts,
    table: &PolicyTable<'_>,
    today: Date,
    lang: Locale,
) -> String {
    let priced_by = match e {
        Enrollment::Voluntary(v) if v.choices.mode.is_backpay() => return String::new(),
        Enrollment::Voluntary(v) => {
            PricedBy::Voluntary { province: Some(v.person.address.province_code.as_str()) }
        }
        Enrollment::Household(_) => PricedBy::Household,
    };
    payment_day_note(table, priced_by, today, a.start_month, a.months, lang)
}
