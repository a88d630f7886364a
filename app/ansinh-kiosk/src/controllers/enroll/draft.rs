//! From what was typed to the enrollment crate's `Draft`, validated: the whole form, or the
//! current step's problems (each on the field it names).

use super::*;

impl EnrollController {
    pub(super) fn minor(&self, today: Date) -> bool {
        let birth = date_to_iso(&self.value("person.birth_date"));
        let year: u16 = birth.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
        year > 0 && today.year().saturating_sub(year) < 17
    }

    pub(super) fn guardian_given(&self) -> bool {
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
        lang: Locale,
    ) -> Result<Enrollment, Problems> {
        let v = |k: &str| self.values.get(k).map_or("", String::as_str);
        let purposes = if self.consent_at.is_some() {
            let phone = !self.value(self.phone_field()).trim().is_empty();
            purpose::ENROLLMENT | if self.reminders && phone { purpose::REMINDERS } else { 0 }
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

    /// The step a problem's field is asked on (`None` for a field no step shows).
    pub(super) fn step_of(&self, field: &str) -> Option<usize> {
        self.steps().iter().position(|s| match s.kind {
            StepKind::Members => field.starts_with("household.members"),
            StepKind::Consent => {
                field.starts_with("consent")
                    || field == "person.guardian"
                    || s.fields.iter().any(|f| field.starts_with(f))
            }
            StepKind::Review => false,
            StepKind::Fields => {
                s.fields.iter().any(|f| field == *f || field.starts_with(&format!("{f}.")))
            }
        })
    }

    /// The problems of the current step (of the member being edited, on the member step),
    /// and those an answer here reveals on an earlier step (the joining age once the payment
    /// is chosen): field path and message. Empty when the step may be left.
    pub fn step_problems(
        &self,
        table: &PolicyTable<'_>,
        today: Date,
        lang: Locale,
    ) -> Vec<(String, String)> {
        let Err(problems) = self.validate(table, today, lang) else { return Vec::new() };
        let step = &self.steps()[self.step.min(self.steps().len() - 1)];
        let member_prefix = self.editing.map(|i| format!("household.members[{i}]."));
        problems
            .iter()
            .filter(|p| {
                let f = p.field.as_str();
                let here = match (step.kind, &member_prefix) {
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
                };
                here || self.step_of(f).is_some_and(|s| s < self.step)
            })
            .map(|p| (p.field.to_string(), p.message(lang.core()).to_string()))
            .collect()
    }
}
