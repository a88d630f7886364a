//! The enrollment wizard: the TK1-TS declaration (voluntary social insurance) or the household
//! appendix (household health insurance), step by step, with inline messages from the
//! enrollment crate's validation, consent in plain words with an explicit yes, a review, and
//! the durable commit.
//!
//! Everything typed is kept as text under the validator's own field paths
//! (`person.full_name`, `household.members[2].birth_date`), so going back, a failed step or a
//! failed submit never loses anything, and each problem lands on the field it names. One
//! function validates a step: [`EnrollController::step_problems`]. A forward press shows every
//! problem of the step at once, beside its field, or on the band with the field named when no
//! field of the screen holds it; the band counts exactly the messages shown, and the first field
//! with one is brought into view ([`EnrollController::take_reveal`]).
//!
//! The income offers the usual amounts as one tap each ([`income_picks`], from the table's
//! bounds); the collection point's usual ethnic group (a staff setting) is chosen in advance,
//! marked for staff to ask; a phone reminder needs a phone number.
//!
//! A scan of the ID card's QR code pre-fills the person's fields
//! ([`EnrollController::prefill_from_card`]), each marked as coming from the card until
//! edited; the code is not signed, so staff check them all.
//!
//! When the device already holds a payment of the same person for some of the same months,
//! the submit commits nothing and the screen asks staff to confirm, naming the earlier
//! receipt ([`DuplicateWarning`]); cancelling keeps the form as it was.

use std::collections::{BTreeMap, BTreeSet};

use crate::text::Locale;
use ansinh_core::person::Group;
use ansinh_core::{Date, Month, PolicyTable};
use ansinh_device::enroll::{Duplicates, EarlierPayment, amounts};
use ansinh_enrollment::record::{Relationship, purpose};
use ansinh_enrollment::validate::{
    AddressDraft, BirthPlaceDraft, ChoicesDraft, ConsentDraft, GuardianDraft, HeadDraft,
    MemberDraft, PersonDraft,
};
use ansinh_enrollment::{Draft, Enrollment, Problems, validate};

use crate::controllers::quote::{GROUPS, MODES, group_label, mode_label, payment_day_note};
use crate::store::{Committed, EnrollmentStore, StoreError};
use crate::text::{Line, date_time, money, scheme_name, tr, words};
use ansinh_core::policy::PricedBy;
use ansinh_device::clock::Timestamp;

mod card;
mod draft;
mod form;
#[cfg(test)]
mod tests;
mod view;

use form::*;
pub use form::{
    Kind, Scheme, StepKind, consent_text, consent_version, date_to_iso, income_picks, picker_name,
};
pub use view::{DuplicateWarning, EnrollView, FieldView, MemberLine};

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
    /// Fields filled from the ID card and not edited since.
    from_card: BTreeSet<String>,
    /// The card's old commune name, to search the commune list with.
    commune_search: String,
    /// What the scan did, shown above the form until the session ends.
    card_note: String,
    /// The field to bring into view at the next draw: the first with a message, after a
    /// forward press that found problems.
    reveal: Option<String>,
    /// The ethnic group most people at this collection point belong to (a staff setting,
    /// never a person's): chosen in advance on the papers step, marked for staff to ask.
    usual_ethnicity: Option<&'static str>,
    /// The ethnic group was chosen in advance and nobody changed it yet.
    preselected: bool,
}

/// The field chosen in advance from the collection point's setting.
const PRESELECTED: &str = "person.ethnicity";

/// Every value typed or shown (names, IDs, addresses, phones, the duplicate warning's masked
/// names) overwritten, then the wizard empty as new.
impl zeroize::Zeroize for EnrollController {
    fn zeroize(&mut self) {
        for value in self.values.values_mut().chain(self.shown.values_mut()) {
            value.zeroize();
        }
        for member in &mut self.members {
            member.values_mut().for_each(zeroize::Zeroize::zeroize);
        }
        self.banner.zeroize();
        self.commune_search.zeroize();
        self.card_note.zeroize();
        if let Some(r) = &mut self.reveal {
            r.zeroize();
        }
        for earlier in &mut self.duplicate {
            earlier.masked_name.zeroize();
            earlier.scheme.zeroize();
        }
        *self = Self::default();
    }
}

impl EnrollController {
    /// Starts the wizard for a scheme (keeps anything typed for it before).
    pub fn start(&mut self, scheme: Scheme) {
        if self.scheme != Some(scheme) {
            let usual = self.usual_ethnicity;
            zeroize::Zeroize::zeroize(self);
            *self = Self { scheme: Some(scheme), usual_ethnicity: usual, ..Self::default() };
            if let (Scheme::Voluntary, Some(code)) = (scheme, usual) {
                self.values.insert(PRESELECTED.into(), code.into());
                self.preselected = true;
            }
        }
    }

    /// The ethnic group to choose in advance for each new person (the collection point's
    /// usual one, from the staff settings; `None`: nothing chosen in advance).
    pub fn set_usual_ethnicity(&mut self, code: Option<&'static str>) {
        self.usual_ethnicity = code;
    }

    /// Back to the scheme choice: everything typed is overwritten, the setting stays.
    pub fn leave_scheme(&mut self) {
        let usual = self.usual_ethnicity;
        zeroize::Zeroize::zeroize(self);
        self.usual_ethnicity = usual;
    }

    /// The field to bring into view, once (after a forward press that found problems).
    pub fn take_reveal(&mut self) -> Option<String> {
        self.reveal.take()
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
        self.from_card.remove(id);
        if id == PRESELECTED {
            self.preselected = false;
        }
        if id.ends_with("phone") && value.trim().is_empty() {
            // No number, no call: the reminder goes with it (the review says so).
            self.reminders = false;
        }
        if id.ends_with("commune_code") {
            zeroize::Zeroize::zeroize(&mut self.commune_search);
        }
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

    /// Chooses option `index` of a choice field (or a quick pick of the income).
    pub fn choose(&mut self, id: &str, index: usize, table: &PolicyTable<'_>, today: Date) {
        if id == INCOME {
            if let Some(amount) = income_picks(table, today).get(index) {
                self.set(id, &amount.to_string());
            }
            return;
        }
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

    /// Forward: checks the step; moves on when it has no problem, else shows them all.
    pub fn next(&mut self, table: &PolicyTable<'_>, today: Date, lang: Locale) -> bool {
        let problems = self.step_problems(table, today, lang);
        if self.editing.is_some() {
            // Leaving the member editor.
            let done = problems.is_empty();
            self.show(problems, today, lang);
            if done {
                self.editing = None;
            }
            return false;
        }
        if !problems.is_empty() {
            self.show(problems, today, lang);
            return false;
        }
        self.banner.clear();
        if self.step + 1 < self.steps().len() {
            self.step += 1;
        }
        true
    }

    /// Shows every problem found at once: each beside its field (two on one field side by
    /// side), and those with no field on this screen on the band, their field named. The
    /// band's count is the number of messages shown, and the first field with one is brought
    /// into view.
    fn show(&mut self, problems: Vec<(String, String)>, today: Date, lang: Locale) {
        self.shown.values_mut().for_each(zeroize::Zeroize::zeroize);
        self.shown.clear();
        let mut order: Vec<String> = Vec::new();
        for (f, m) in problems {
            if let Some(e) = self.shown.get_mut(&f) {
                if !e.contains(&m) {
                    e.push(' ');
                    e.push_str(&m);
                }
            } else {
                self.shown.insert(f.clone(), m);
                order.push(f);
            }
        }
        let ids = self.field_ids(today);
        let steps = self.steps();
        let member_list = self.editing.is_none()
            && steps.get(self.step).is_some_and(|s| s.kind == StepKind::Members);
        // On the member list, a member's problems are counted on the member's line.
        let beside = |f: &str| {
            ids.iter().any(|i| i == f) || (member_list && f.starts_with("household.members["))
        };
        let elsewhere: Vec<&str> = order
            .iter()
            .filter(|f| !beside(f))
            .filter_map(|f| self.shown.get(f).map(String::as_str))
            .collect();
        self.reveal = ids.iter().find(|i| self.shown.contains_key(*i)).cloned();
        self.banner = if order.is_empty() {
            String::new()
        } else {
            let mut b = tr!(lang, "enroll-banner-to-fix", count = order.len());
            for m in elsewhere {
                b.push('\n');
                b.push_str(m);
            }
            b
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

    /// Reminders before the paid period ends, by phone: refused, saying why, while no phone
    /// number is given (nothing else changes). `false` when refused.
    pub fn set_reminders(&mut self, yes: bool, lang: Locale) -> bool {
        if yes && self.value(self.phone_field()).trim().is_empty() {
            self.reminders = false;
            let step = self
                .step_of(self.phone_field())
                .and_then(|i| self.steps().get(i))
                .map_or("", |s| (s.name)(lang));
            self.banner = tr!(lang, "enroll-reminders-need-phone", step = step);
            return false;
        }
        self.banner.clear();
        self.reminders = yes;
        true
    }

    /// Where the reminder's phone number is typed.
    pub(super) fn phone_field(&self) -> &'static str {
        match self.scheme {
            Some(Scheme::Household) => "household.head.phone",
            _ => "person.phone",
        }
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
        lang: Locale,
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
        lang: Locale,
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
    pub fn cancel_duplicate(&mut self, lang: Locale) {
        if !self.duplicate.is_empty() {
            self.duplicate.clear();
            self.banner = tr!(lang, "enroll-not-saved-banner").into();
        }
    }

    fn commit(
        &mut self,
        store: &mut dyn EnrollmentStore,
        table: &PolicyTable<'_>,
        today: Date,
        now: Timestamp,
        lang: Locale,
        duplicates: Duplicates,
    ) -> Result<Committed, StoreError> {
        if let Some(c) = &self.committed {
            return Ok(c.clone());
        }
        let enrollment = match self.validate(table, today, lang) {
            Ok(e) => e,
            Err(p) => {
                let all: Vec<(String, String)> = p
                    .iter()
                    .map(|p| (p.field.to_string(), p.message(lang.core()).to_string()))
                    .collect();
                // Back to the first step with a problem, where its field is; a problem no
                // step shows stays on the review's band.
                if let Some(first) = p.iter().filter_map(|p| self.step_of(&p.field)).min() {
                    self.step = first;
                    self.editing = None;
                }
                let here = self.step_problems(table, today, lang);
                self.show(if here.is_empty() { all } else { here }, today, lang);
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
                self.banner = if e.retryable {
                    tr!(lang, "enroll-not-saved-busy").into()
                } else {
                    tr!(lang, "enroll-not-saved", reason = e.message.as_str())
                };
                Err(e)
            }
        }
    }
}
