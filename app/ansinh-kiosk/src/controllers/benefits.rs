//! Other benefits: maternity, funeral and the social pension in force today.

use ansinh_core::benefits::benefits;
use ansinh_core::{Date, Lang, PolicyTable};

use crate::text::{Line, money, sources, t};

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
    pub fn view(&self, table: &PolicyTable<'_>, today: Date, lang: Lang) -> BenefitsView {
        let mut v = BenefitsView { children: self.children.to_string(), ..BenefitsView::default() };
        let b = match benefits(table, today, self.children) {
            Ok(b) => b,
            Err(e) => {
                v.error = e.message(lang).to_string();
                return v;
            }
        };
        if let Some(m) = &b.maternity {
            v.cards.push(Card {
                title: t(lang, "Trợ cấp thai sản", "Maternity allowance").into(),
                lines: vec![
                    Line::new(t(lang, "Mỗi con", "Per child"), money(m.per_child, lang)),
                    Line::strong(
                        match lang {
                            Lang::Vi => format!("Sinh {} con", self.children),
                            Lang::En => format!("{} children", self.children),
                        },
                        money(m.total, lang),
                    ),
                ],
                note: match lang {
                    Lang::Vi => format!("Cho người mẹ (hoặc người cha) đã đóng BHXH tự nguyện đủ {} tháng trong {} tháng trước khi sinh.", m.min_months, m.window_months),
                    Lang::En => format!("For a mother (or father) who paid voluntary SI for {} of the {} months before the birth.", m.min_months, m.window_months),
                },
            });
        }
        if let Some(f) = &b.funeral {
            v.cards.push(Card {
                title: t(lang, "Trợ cấp mai táng", "Funeral allowance").into(),
                lines: vec![Line::strong(t(lang, "Một lần", "Once"), money(f.amount, lang))],
                note: match lang {
                    Lang::Vi => format!("Cho người lo mai táng khi người tham gia đã đóng đủ {} tháng, hoặc đang hưởng lương hưu, qua đời.", f.min_months),
                    Lang::En => format!("Paid to whoever arranges the funeral of a participant with {} months paid, or a pensioner.", f.min_months),
                },
            });
        }
        if let Some(s) = &b.social_pension {
            v.cards.push(Card {
                title: t(lang, "Trợ cấp hưu trí xã hội", "Social pension").into(),
                lines: vec![Line::strong(t(lang, "Mỗi tháng", "A month"), money(s.monthly, lang))],
                note: match lang {
                    Lang::Vi => format!("Cho người từ {} tuổi không có lương hưu (từ {} tuổi nếu thuộc hộ nghèo, cận nghèo).", s.age_years, s.age_years_poor),
                    Lang::En => format!("For people aged {} or more without a pension ({} in poor or near-poor households).", s.age_years, s.age_years_poor),
                },
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
        let v = c.view(&table, today, Lang::Vi);
        let b = benefits(&table, today, 2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.cards.len(), 3);
        let total = b.maternity.map(|m| m.total).unwrap_or(0);
        assert_eq!(v.cards[0].lines[1].value, money(total, Lang::Vi));
        assert!(v.error.is_empty());
    }
}
