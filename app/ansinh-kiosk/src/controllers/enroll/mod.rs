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
pub use form::{Kind, Scheme, StepKind, consent_text, consent_version, date_to_iso, picker_name};
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
}

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
        self.from_card.remove(id);
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

    /// Forward: checks the step; moves on when it has no problem, else shows them.
    pub fn next(&mut self, table: &PolicyTable<'_>, today: Date, lang: Locale) -> bool {
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

    fn show(&mut self, problems: Vec<(String, String)>, lang: Locale) {
        let n = problems.len();
        for (f, m) in problems {
            self.shown.insert(f, m);
        }
        self.banner =
            if n == 0 { String::new() } else { tr!(lang, "enroll-banner-to-fix", count = n) };
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
