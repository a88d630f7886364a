//! Other benefits: maternity, funeral and the social pension in force today.

use ansinh_core::benefits::benefits;
use ansinh_core::{Date, PolicyTable};

use crate::text::{Line, Locale, money, sources, tr};

/// One card of the screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Card {
    /// Title.
    pub title: String,
    /// Amounts.
    pub lines: Vec<Line>,
    /// Conditions in plain words.
    pub note: String,
}

/// The screen's choice: children for the maternity amount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenefitsController {
    /// Children born at once.
    children: u8,
}

impl Default for BenefitsController {
    fn default() -> Self {
        Self { children: 1 }
    }
}

/// What the screen shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BenefitsView {
    /// Children.
    pub children: String,
    /// Cards.
    pub cards: Vec<Card>,
    /// The core's refusal.
    pub error: String,
    /// Estimate.
    pub estimate: bool,
    /// Sources.
    pub sources: Vec<String>,
}

impl BenefitsController {
    /// Children ±1 (1–5).
    pub fn step_children(&mut self, d: i32) {
        let n = (i32::from(self.children) + d.signum()).clamp(1, 5);
        self.children = u8::try_from(n).unwrap_or(1);
    }

    /// The screen.
    pub fn view(&self, table: &PolicyTable<'_>, today: Date, lang: Locale) -> BenefitsView {
        let mut v = BenefitsView { children: self.children.to_string(), ..BenefitsView::default() };
        let b = match benefits(table, today, self.children) {
            Ok(b) => b,
            Err(e) => {
                v.error = e.message(lang.core()).to_string();
                return v;
            }
        };
        if let Some(m) = &b.maternity {
            v.cards.push(Card {
                title: tr!(lang, "benefits-maternity-allowance").into(),
                lines: vec![
                    Line::new(tr!(lang, "benefits-per-child"), money(m.per_child, lang)),
                    Line::strong(
                        tr!(lang, "benefits-children", children = self.children),
                        money(m.total, lang),
                    ),
                ],
                note: tr!(
                    lang,
                    "benefits-maternity-note",
                    paid = m.min_months,
                    window = m.window_months
                ),
            });
        }
        if let Some(f) = &b.funeral {
            v.cards.push(Card {
                title: tr!(lang, "benefits-funeral-allowance").into(),
                lines: vec![Line::strong(tr!(lang, "benefits-once"), money(f.amount, lang))],
                note: tr!(lang, "benefits-funeral-note", months = f.min_months),
            });
        }
        if let Some(s) = &b.social_pension {
            v.cards.push(Card {
                title: tr!(lang, "benefits-social-pension").into(),
                lines: vec![Line::strong(tr!(lang, "benefits-a-month"), money(s.monthly, lang))],
                note: tr!(
                    lang,
                    "benefits-social-pension-note",
                    age = s.age_years,
                    age_poor = s.age_years_poor
                ),
            });
        }
        v.estimate = b.estimate;
        v.sources = sources(&b.citations, lang);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_core::default_table;

    #[test]
    fn three_cards_with_amounts_from_the_table() {
        let table = default_table();
        let today: Date = "2026-11-22".parse().unwrap_or_else(|_| unreachable!());
        let mut c = BenefitsController::default();
        c.step_children(1);
        let v = c.view(&table, today, Locale::SOURCE);
        let b = benefits(&table, today, 2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.cards.len(), 3);
        let total = b.maternity.map(|m| m.total).unwrap_or(0);
        assert_eq!(v.cards[0].lines[1].value, money(total, Locale::SOURCE));
        assert!(v.error.is_empty());
    }
}
