//! Scenarios side by side: the same person with two incomes, or paying 15 against 20 years.
//! Both columns come from the core's one comparison (`ansinh_core::compare`, the same as
//! `ansinh compare`): each month of the plan at the floor, ceiling and support in force then
//! (so from 2027 the 2,200,000 floor), and the pension estimate of the pension screen.

use ansinh_core::compare::{CompareRequest, Way, compare};
use ansinh_core::person::{GroupSet, Sex};
use ansinh_core::{Date, Dong, Month, PolicyTable};

use crate::controllers::quote::{GROUPS, QuoteController, group_label};
use crate::text::{Line, Locale, money, month, percent, tr, years_months};

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
    born_year: u16,
    /// Sex.
    sex: Sex,
    /// Index into [`GROUPS`].
    group: usize,
    /// The two columns.
    columns: [Scenario; 2],
    /// Which preset was last chosen (0 two incomes, 1 15 vs 20 years).
    preset: usize,
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
    pub fn view(&mut self, table: &PolicyTable<'_>, today: Date, lang: Locale) -> ScenarioView {
        self.settle(table, today);
        let mut v = ScenarioView {
            presets: vec![
                tr!(lang, "scenarios-two-incomes").into(),
                tr!(lang, "scenarios-15-or-20-years").into(),
            ],
            born: self.born_year.to_string(),
            groups: GROUPS.iter().map(|g| group_label(*g, lang).to_string()).collect(),
            ..ScenarioView::default()
        };
        let born = Month::new(self.born_year, 1).unwrap_or(today.month());
        let req = CompareRequest {
            on: today,
            born,
            sex: self.sex,
            groups: GroupSet::of(GROUPS[self.group.min(GROUPS.len() - 1)]),
            province: None,
            ways: self.columns.map(|c| Way { income: c.income, years: c.years }),
        };
        let result = compare(table, &req);
        for (i, s) in self.columns.iter().enumerate() {
            let name = if i == 0 { "A" } else { "B" };
            let mut col = ColumnView {
                title: format!("{} {name}", tr!(lang, "scenarios-option")),
                income: money(s.income, lang),
                years: years_months(u32::from(s.years) * 12, lang),
                ..ColumnView::default()
            };
            let w = match &result {
                Ok(c) => &c.ways[i],
                Err(e) => {
                    col.error = e.message(lang.core()).to_string();
                    v.columns.push(col);
                    continue;
                }
            };
            if u32::from(w.months_paid) < u32::from(s.years) * 12 {
                // The retirement month comes first: say how long is actually paid.
                col.lines.push(Line::new(
                    tr!(lang, "scenarios-paid-to-retirement"),
                    years_months(u32::from(w.months_paid), lang),
                ));
            }
            col.lines.push(Line::new(
                tr!(lang, "scenarios-first-month"),
                money(w.first_month_net, lang),
            ));
            col.lines.push(Line::new(tr!(lang, "scenarios-total"), money(w.paid.net, lang)));
            if w.paid.months_raised > 0 {
                col.lines.push(Line::new(
                    tr!(lang, "scenarios-months-raised"),
                    w.paid.months_raised.to_string(),
                ));
            }
            col.lines.push(Line::new(tr!(lang, "scenarios-retire"), month(w.retirement_month)));
            if w.eligible {
                col.lines
                    .push(Line::new(tr!(lang, "pension-accrual-rate"), percent(w.rate_bp, lang)));
                col.lines.push(Line::strong(
                    tr!(lang, "pension-monthly-pension"),
                    money(w.monthly_pension, lang),
                ));
                if let Some(back) = w.payback_months {
                    col.lines.push(Line::new(
                        tr!(lang, "scenarios-paid-back-after"),
                        years_months(back, lang),
                    ));
                }
            } else {
                col.lines.push(Line::strong(
                    tr!(lang, "scenarios-pension"),
                    tr!(lang, "scenarios-under-15-years"),
                ));
            }
            v.columns.push(col);
        }
        if let Ok(c) = &result {
            v.estimate = c.estimate;
        }
        let both_eligible = result.as_ref().is_ok_and(|c| c.ways.iter().all(|w| w.eligible));
        v.summary = match result.as_ref().ok().and_then(|c| c.better_per_dong) {
            Some(i) => tr!(lang, "scenarios-better-per-dong", option = ["A", "B"][i.min(1)]),
            None if both_eligible => tr!(lang, "scenarios-same-per-dong").into(),
            None => String::new(),
        };
        v
    }
}

/// What the adapter draws, and the choices it forwards.
impl ScenarioController {
    /// Which preset was last chosen.
    pub fn chosen_preset(&self) -> usize {
        self.preset
    }
    /// Sex.
    pub fn sex(&self) -> Sex {
        self.sex
    }
    /// Index into [`GROUPS`].
    pub fn group(&self) -> usize {
        self.group
    }
    /// Sex was tapped.
    pub fn pick_sex(&mut self, sex: Sex) {
        self.sex = sex;
    }
    /// A group was tapped.
    pub fn pick_group(&mut self, i: usize) {
        self.group = i.min(GROUPS.len() - 1);
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
        let v = c.view(&table, today, Locale::SOURCE);
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

    /// Issue 12: the pension screen, the scenarios screen and `ansinh pension` / `ansinh
    /// compare` show the same retirement month, rate and pension for the same person. The CLI
    /// prints these very figures for `ansinh pension --on 2026-11-22 --born 1990-01 --sex
    /// female --income 1500000` (asserted in ansinh-cli's tests/cli/contract.rs).
    #[test]
    fn pension_and_scenarios_screens_agree_with_the_cli() {
        use crate::controllers::pension::PensionController;
        let table = default_table();
        let today: Date = "2026-11-22".parse().unwrap_or_else(|_| unreachable!());
        let mut p = PensionController::default();
        p.set_person((1990, 1), Sex::Female, (0, 0));
        p.set_planned(1_500_000);
        let pv = p.view(&table, today, Locale::SOURCE);
        assert!(pv.error.is_empty(), "{}", pv.error);
        let value = |lines: &[Line], label: &str| {
            lines.iter().find(|l| l.label == label).map(|l| l.value.clone()).unwrap_or_default()
        };
        assert!(value(&pv.results, "Tháng đủ tuổi nghỉ hưu").starts_with("01/2050"));
        assert_eq!(value(&pv.results, "Tỷ lệ hưởng"), "62%");
        assert_eq!(pv.pension, "1.362.439 đ");

        let mut s = ScenarioController {
            born_year: 1990,
            sex: Sex::Female,
            group: 0,
            columns: [
                Scenario { income: 1_500_000, years: 40 },
                Scenario { income: 3_000_000, years: 15 },
            ],
            preset: 0,
        };
        let sv = s.view(&table, today, Locale::SOURCE);
        let a = &sv.columns[0];
        assert!(a.error.is_empty(), "{}", a.error);
        assert_eq!(value(&a.lines, "Nghỉ hưu"), "01/2050");
        assert_eq!(value(&a.lines, "Tỷ lệ hưởng"), "62%");
        assert_eq!(value(&a.lines, "Lương hưu mỗi tháng"), "1.362.439 đ");
        assert_eq!(value(&a.lines, "Đóng được đến tuổi nghỉ hưu"), "23 năm 2 tháng");
        // The 2027 floor: every month from January is raised to 2,200,000.
        assert_eq!(value(&a.lines, "Tháng nâng lên mức thấp nhất"), "277");
        assert_eq!(value(&a.lines, "Tổng bạn đóng"), "122.812.800 đ");
        let b = &sv.columns[1];
        assert_eq!(value(&b.lines, "Lương hưu mỗi tháng"), "1.350.000 đ");
    }
}
