//! Scenarios side by side: the same person with two incomes, or paying 15 against 20 years.
//! Each column asks the core for the monthly payment now and the pension after the years
//! paid, and shows how long the pension takes to give back what was paid.

use ansinh_core::pension::{Paid, PensionRequest, estimate};
use ansinh_core::person::{GroupSet, Sex};
use ansinh_core::quote::{Mode, Person, QuoteRequest, quote};
use ansinh_core::{Date, Dong, Lang, Month, PolicyTable};

use crate::controllers::quote::{GROUPS, QuoteController, group_label};
use crate::text::{Line, money, month, percent, t, years_months};

/// One step of the income steppers.
pub const STEP: Dong = 100_000;

/// One column's choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// Monthly income (0 = the floor).
    pub income: Dong,
    /// Years paid in total by retirement.
    pub years: u16,
}

/// The comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioController {
    /// Birth year (0 until set from today).
    pub born_year: u16,
    /// Sex.
    pub sex: Sex,
    /// Index into [`GROUPS`].
    pub group: usize,
    /// The two columns.
    pub columns: [Scenario; 2],
    /// Which preset was last chosen (0 two incomes, 1 15 vs 20 years).
    pub preset: usize,
}

impl Default for ScenarioController {
    fn default() -> Self {
        let mut c = Self {
            born_year: 0,
            sex: Sex::Female,
            group: 0,
            columns: [Scenario { income: 0, years: 20 }; 2],
            preset: 0,
        };
        c.columns[1].income = 5_000_000;
        c
    }
}

/// One column as shown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnView {
    /// "Cách A: ...".
    pub title: String,
    /// Income.
    pub income: String,
    /// Years.
    pub years: String,
    /// Results.
    pub lines: Vec<Line>,
    /// The core's refusal, if any.
    pub error: String,
}

/// The screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScenarioView {
    /// Preset names.
    pub presets: Vec<String>,
    /// Birth year.
    pub born: String,
    /// Group names.
    pub groups: Vec<String>,
    /// Columns.
    pub columns: Vec<ColumnView>,
    /// Which column gives more per month of pension per đồng paid, in one sentence.
    pub summary: String,
    /// Marked as an estimate.
    pub estimate: bool,
}

impl ScenarioController {
    fn settle(&mut self, table: &PolicyTable<'_>, today: Date) {
        let floor = QuoteController::bounds(table, today).0;
        if self.born_year == 0 {
            self.born_year = today.year().saturating_sub(40);
        }
        for c in &mut self.columns {
            if c.income < floor {
                c.income = floor;
            }
        }
    }

    /// Chooses a preset: two incomes over 20 years, or the same income over 15 and 20 years.
    pub fn preset(&mut self, table: &PolicyTable<'_>, today: Date, which: usize) {
        let floor = QuoteController::bounds(table, today).0;
        self.preset = which.min(1);
        self.columns = if self.preset == 0 {
            [
                Scenario { income: floor, years: 20 },
                Scenario { income: 5_000_000.max(floor), years: 20 },
            ]
        } else {
            [Scenario { income: floor, years: 15 }, Scenario { income: floor, years: 20 }]
        };
    }

    /// Income of a column ±[`STEP`].
    pub fn step_income(&mut self, table: &PolicyTable<'_>, today: Date, col: usize, d: i32) {
        self.settle(table, today);
        let (floor, ceiling) = QuoteController::bounds(table, today);
        if let Some(c) = self.columns.get_mut(col) {
            let v = if d < 0 { c.income.saturating_sub(STEP) } else { c.income + STEP };
            c.income = v.clamp(floor, ceiling);
        }
    }

    /// Years of a column ±1 (1–40).
    pub fn step_years(&mut self, col: usize, d: i32) {
        if let Some(c) = self.columns.get_mut(col) {
            let y = (i32::from(c.years) + d.signum()).clamp(1, 40);
            c.years = u16::try_from(y).unwrap_or(20);
        }
    }

    /// Birth year ±1.
    pub fn step_born(&mut self, table: &PolicyTable<'_>, today: Date, d: i32) {
        self.settle(table, today);
        let y = (i32::from(self.born_year) + d.signum()).clamp(1940, i32::from(today.year()) - 15);
        self.born_year = u16::try_from(y).unwrap_or(self.born_year);
    }

    /// The screen.
    pub fn view(&mut self, table: &PolicyTable<'_>, today: Date, lang: Lang) -> ScenarioView {
        self.settle(table, today);
        let mut v = ScenarioView {
            presets: vec![
                t(lang, "Hai mức thu nhập", "Two incomes").into(),
                t(lang, "Đóng 15 năm và 20 năm", "15 against 20 years").into(),
            ],
            born: self.born_year.to_string(),
            groups: GROUPS.iter().map(|g| group_label(*g, lang).to_string()).collect(),
            ..ScenarioView::default()
        };
        let born = Month::new(self.born_year, 1).unwrap_or(today.month());
        let mut per_dong = Vec::new();
        for (i, s) in self.columns.iter().enumerate() {
            let name = if i == 0 { "A" } else { "B" };
            let mut col = ColumnView {
                title: format!("{} {name}", t(lang, "Cách", "Option")),
                income: money(s.income, lang),
                years: years_months(u32::from(s.years) * 12, lang),
                ..ColumnView::default()
            };
            let req = QuoteRequest {
                on: today,
                income: s.income,
                groups: GroupSet::of(GROUPS[self.group.min(GROUPS.len() - 1)]),
                province: None,
                mode: Mode::Periodic(1),
                person: Some(Person { born, sex: self.sex }),
                supported_months_before: 0,
                paid_months: None,
            };
            let q = match quote(table, &req) {
                Ok(q) => q,
                Err(e) => {
                    col.error = e.message(lang).to_string();
                    v.columns.push(col);
                    continue;
                }
            };
            let months = s.years * 12;
            let supported = Dong::from(months.min(q.support_months + q.support_months_left));
            let total =
                q.net_monthly * supported + q.gross_monthly * (Dong::from(months) - supported);
            let pension = estimate(
                table,
                &PensionRequest {
                    on: today,
                    born,
                    sex: self.sex,
                    paid: Paid::Summary { months, average: s.income },
                    planned_income: 0,
                    first_paid: None,
                    poor_household: false,
                    support_received: 0,
                },
            );
            v.estimate |= q.estimate;
            col.lines.push(Line::new(
                t(lang, "Bạn đóng mỗi tháng", "You pay a month"),
                money(q.net_monthly, lang),
            ));
            col.lines
                .push(Line::new(t(lang, "Tổng bạn đóng", "You pay in total"), money(total, lang)));
            match pension {
                Ok(e) => {
                    v.estimate |= e.estimate;
                    col.lines
                        .push(Line::new(t(lang, "Nghỉ hưu", "Retire"), month(e.retirement_month)));
                    if e.eligible {
                        col.lines.push(Line::new(
                            t(lang, "Tỷ lệ hưởng", "Accrual rate"),
                            percent(e.rate_bp, lang),
                        ));
                        col.lines.push(Line::strong(
                            t(lang, "Lương hưu mỗi tháng", "Monthly pension"),
                            money(e.monthly_pension, lang),
                        ));
                        let back = total.div_ceil(e.monthly_pension.max(1));
                        col.lines.push(Line::new(
                            t(lang, "Nhận lại đủ số đã đóng sau", "Paid back after"),
                            years_months(u32::try_from(back).unwrap_or(0), lang),
                        ));
                        per_dong.push((i, e.monthly_pension * 1000 / total.max(1)));
                    } else {
                        col.lines.push(Line::strong(
                            t(lang, "Lương hưu", "Pension"),
                            t(lang, "Chưa đủ 15 năm", "Under 15 years"),
                        ));
                    }
                }
                Err(e) => col.error = e.message(lang).to_string(),
            }
            v.columns.push(col);
        }
        if let [(a, pa), (_, pb)] = per_dong.as_slice() {
            let _ = a;
            v.summary = match (pa.cmp(pb), lang) {
                (std::cmp::Ordering::Equal, Lang::Vi) => {
                    "Hai cách cho lương hưu tương xứng với số tiền đóng như nhau.".into()
                }
                (std::cmp::Ordering::Equal, Lang::En) => {
                    "Both give the same pension for each đồng paid.".into()
                }
                (o, Lang::Vi) => format!(
                    "Tính trên mỗi đồng đã đóng, cách {} cho lương hưu cao hơn.",
                    if o.is_gt() { "A" } else { "B" }
                ),
                (o, Lang::En) => format!(
                    "For each đồng paid, option {} gives the higher pension.",
                    if o.is_gt() { "A" } else { "B" }
                ),
            };
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_core::default_table;

    #[test]
    fn fifteen_against_twenty_years() {
        let table = default_table();
        let today: Date = "2026-11-22".parse().unwrap_or_else(|_| unreachable!());
        let mut c = ScenarioController::default();
        c.preset(&table, today, 1);
        let v = c.view(&table, today, Lang::Vi);
        assert_eq!(v.columns.len(), 2);
        let pension =
            |col: &ColumnView| col.lines.iter().find(|l| l.strong).map(|l| l.value.clone());
        let (a, b) = (pension(&v.columns[0]), pension(&v.columns[1]));
        assert!(a.is_some() && b.is_some());
        assert_ne!(a, b, "20 years give a higher rate than 15");
        assert_eq!(v.columns[0].years, "15 năm");
        assert!(!v.summary.is_empty());
    }

    #[test]
    fn steppers() {
        let table = default_table();
        let today: Date = "2026-11-22".parse().unwrap_or_else(|_| unreachable!());
        let mut c = ScenarioController::default();
        c.step_income(&table, today, 0, -1);
        assert_eq!(c.columns[0].income, 1_500_000);
        c.step_years(1, 1);
        assert_eq!(c.columns[1].years, 21);
    }
}
