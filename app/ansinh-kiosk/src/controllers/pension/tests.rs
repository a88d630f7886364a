//! The pension screen driven without a window.

use super::*;
use ansinh_core::default_table;

fn day(s: &str) -> Date {
    s.parse().unwrap_or_else(|_| unreachable!())
}

#[test]
fn asks_for_the_sex_first() {
    let table = default_table();
    let mut c = PensionController::default();
    let v = c.view(&table, day("2026-11-22"), Locale::SOURCE);
    assert!(v.error.contains("Nam hoặc Nữ"));
    assert_eq!(v.born, "01/1981");
}

#[test]
fn a_woman_paying_until_retirement_gets_a_pension_and_a_chart() {
    let table = default_table();
    let today = day("2026-11-22");
    let mut c = PensionController {
        born_year: 1985,
        born_month: 3,
        sex: Some(Sex::Female),
        paid_years: 1,
        paid_months: 8,
        paid_average: 1_500_000,
        planned_income: 2_200_000,
        planned_set: true,
        ..Default::default()
    };
    let v = c.view(&table, today, Locale::SOURCE);
    assert!(v.error.is_empty(), "{}", v.error);
    assert!(v.eligible);
    let e = estimate(&table, &c.request(today).unwrap_or_else(|| unreachable!()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v.pension, money(e.monthly_pension, Locale::SOURCE));
    assert!(v.bars.len() >= 5 && v.bars.len() <= usize::from(MAX_BARS) + 1);
    assert!(v.bars.iter().any(|b| b.received == 1000 || b.paid == 1000));
    assert!(v.bars.windows(2).all(|w| w[0].paid <= w[1].paid && w[0].received <= w[1].received));
    assert!(v.chart_note.contains("Sau khoảng"));
}

#[test]
fn short_of_years_explains_the_options() {
    let table = default_table();
    let today = day("2026-11-22");
    let mut c = PensionController {
        born_year: 1968,
        born_month: 6,
        sex: Some(Sex::Male),
        paid_years: 10,
        planned_income: 0,
        planned_set: true,
        ..Default::default()
    };
    let v = c.view(&table, today, Locale::SOURCE);
    assert!(v.error.is_empty(), "{}", v.error);
    assert!(!v.eligible);
    assert!(v.pension.is_empty());
    assert!(v.advice.iter().any(|a| a.contains("tiếp tục đóng")), "{:?}", v.advice);
    assert!(v.advice.iter().any(|a| a.contains("hưu trí xã hội")));
}

#[test]
fn steppers_clamp() {
    let table = default_table();
    let today = day("2026-11-22");
    let mut c = PensionController::default();
    c.step_month(-1);
    assert_eq!(c.born_month, 12);
    c.step_paid_months(-1);
    assert_eq!(c.paid_months, 0);
    c.step_planned(&table, today, -1);
    assert_eq!(c.planned_income, 0, "below the floor is 'stop paying'");
    c.step_planned(&table, today, 1);
    assert_eq!(c.planned_income, 1_500_000);
}
