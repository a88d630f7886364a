//! Household health insurance: members and months → each member's premium and the total.

use ansinh_core::bhyt::household;
use ansinh_core::{Date, PolicyTable};

use crate::text::{Locale, money, percent, sources, tr, words};

/// Most members on one household appendix (the enrollment's limit).
pub const MAX_MEMBERS: u16 = 20;
/// Periods offered.
pub const PERIODS: [u8; 3] = [3, 6, 12];

/// One member's row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberRow {
    /// "Người thứ 2".
    pub order: String,
    /// Share of the first member's premium.
    pub share: String,
    /// A month.
    pub monthly: String,
    /// The period.
    pub amount: String,
}

/// The screen's choices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdController {
    /// Members paying together.
    members: u16,
    /// Index into [`PERIODS`].
    period: usize,
}

impl Default for HouseholdController {
    fn default() -> Self {
        Self { members: 1, period: 2 }
    }
}

/// What the screen shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HouseholdView {
    /// Member count.
    pub members: String,
    /// Period names.
    pub periods: Vec<String>,
    /// Per member.
    pub rows: Vec<MemberRow>,
    /// Total.
    pub total: String,
    /// In words.
    pub total_words: String,
    /// Explanation.
    pub note: String,
    /// The core's refusal.
    pub error: String,
    /// Estimate.
    pub estimate: bool,
    /// Sources.
    pub sources: Vec<String>,
}

impl HouseholdController {
    /// Members ±1.
    pub fn step_members(&mut self, d: i32) {
        let n = (i32::from(self.members) + d.signum()).clamp(1, i32::from(MAX_MEMBERS));
        self.members = u16::try_from(n).unwrap_or(1);
    }

    /// The screen.
    pub fn view(&self, table: &PolicyTable<'_>, today: Date, lang: Locale) -> HouseholdView {
        let months = PERIODS[self.period.min(PERIODS.len() - 1)];
        let mut v = HouseholdView {
            members: self.members.to_string(),
            periods: PERIODS.iter().map(|m| tr!(lang, "count-months", months = *m)).collect(),
            ..HouseholdView::default()
        };
        match household(table, today, self.members, months) {
            Ok(h) => {
                v.rows = h
                    .members
                    .iter()
                    .map(|m| MemberRow {
                        order: tr!(lang, "household-member", order = m.order),
                        share: percent(m.share_bp, lang),
                        monthly: money(m.monthly, lang),
                        amount: money(m.amount, lang),
                    })
                    .collect();
                v.total = money(h.total, lang);
                v.total_words = words(h.total, lang);
                v.note = tr!(
                    lang,
                    "household-note",
                    rate = percent(h.rate_bp, lang),
                    reference = money(h.reference_level, lang)
                );
                v.estimate = h.estimate;
                v.sources = sources(&h.citations, lang);
            }
            Err(e) => v.error = e.message(lang.core()).to_string(),
        }
        v
    }
}

/// What the adapter draws, and the choices it forwards.
impl HouseholdController {
    /// Members paying together.
    pub fn members(&self) -> u16 {
        self.members
    }
    /// Index into [`PERIODS`].
    pub fn period(&self) -> usize {
        self.period
    }
    /// A period was tapped.
    pub fn pick_period(&mut self, i: usize) {
        self.period = i.min(PERIODS.len() - 1);
    }
    /// Members set at once (1–[`MAX_MEMBERS`]), as the tour shows a family.
    pub fn set_members(&mut self, n: u16) {
        self.members = n.clamp(1, MAX_MEMBERS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_core::default_table;

    #[test]
    fn three_members_for_a_year() {
        let table = default_table();
        let today: Date = "2026-11-22".parse().unwrap_or_else(|_| unreachable!());
        let mut c = HouseholdController::default();
        c.step_members(1);
        c.step_members(1);
        let v = c.view(&table, today, Locale::SOURCE);
        let h = household(&table, today, 3, 12).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.rows.len(), 3);
        assert_eq!(v.rows[1].share, "70%");
        assert_eq!(v.total, money(h.total, Locale::SOURCE));
        for _ in 0..5 {
            c.step_members(-1);
        }
        assert_eq!(c.members, 1);
    }
}
