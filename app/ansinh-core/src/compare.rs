//! Two ways of paying side by side ("So sánh các cách đóng"): the same person with two incomes,
//! or paying 15 against 20 years. Both columns come from the one projection
//! ([`crate::projection`]) and the pension estimate ([`crate::pension`]), so the comparison,
//! the pension screen and `ansinh pension` agree for the same person.
//!
//! Reading: each way is paid monthly from the month after the date asked about, for the years
//! asked or until the retirement month if that comes first (the months actually paid are
//! reported); nothing is assumed paid before. Totals are what the person pays after state
//! support (fixed per month, within the 120-month cap), each month at the floor, ceiling and
//! support in force then; the pension is the estimate for those months.

use ansinh_policy::{Date, Month, PolicyTable};
use serde::Serialize;

use crate::cite::Citations;
use crate::error::Error;
use crate::pension::{Paid, PensionRequest, estimate};
use crate::person::{GroupSet, Sex};
use crate::projection::{Plan, Projection, project};
use crate::{BasisPoints, Dong};

/// One way of paying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Way {
    /// Planned monthly income.
    pub income: Dong,
    /// Years to pay.
    pub years: u16,
}

/// The question.
#[derive(Clone, Copy, Debug)]
pub struct CompareRequest<'r> {
    /// The date asked about; payments start the month after.
    pub on: Date,
    /// Birth month.
    pub born: Month,
    /// Sex.
    pub sex: Sex,
    /// Support groups.
    pub groups: GroupSet,
    /// Province code of permanent residence, for provincial top-ups.
    pub province: Option<&'r str>,
    /// The two ways.
    pub ways: [Way; 2],
}

/// One column of the answer.
#[derive(Clone, Debug, Serialize)]
pub struct WayResult {
    /// Planned monthly income.
    pub income: Dong,
    /// Years asked.
    pub years_asked: u16,
    /// Months actually paid (fewer than asked when the retirement month comes first).
    pub months_paid: u16,
    /// The payments: totals gross, support and net, months raised to a later floor.
    pub paid: Projection,
    /// What the person pays in the first month (after support).
    pub first_month_net: Dong,
    /// Month the retirement age is reached.
    pub retirement_month: Month,
    /// Whether these months give a pension.
    pub eligible: bool,
    /// First month of pension.
    pub pension_from: Option<Month>,
    /// Accrual rate.
    pub rate_bp: BasisPoints,
    /// Monthly pension (0 when not eligible).
    pub monthly_pension: Dong,
    /// Months short of a pension.
    pub shortfall_months: u16,
    /// Months of pension that give back what the person paid.
    pub payback_months: Option<u32>,
}

/// The answer.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison<'a> {
    /// Version of the policy table used.
    pub policy_version: &'a str,
    /// Date asked about.
    pub on: Date,
    /// The two columns.
    pub ways: [WayResult; 2],
    /// Which way (0 or 1) gives more monthly pension for each đồng paid; `None` when equal or
    /// when either gives no pension.
    pub better_per_dong: Option<usize>,
    /// True when any parameter used is unverified.
    pub estimate: bool,
    /// The table entries used.
    pub citations: Citations<'a>,
}

fn one<'a>(
    table: &PolicyTable<'a>,
    req: &CompareRequest<'_>,
    way: Way,
    cites: &mut Citations<'a>,
) -> Result<(WayResult, bool), Error> {
    let e = estimate(
        table,
        &PensionRequest {
            on: req.on,
            born: req.born,
            sex: req.sex,
            paid: Paid::Summary { months: 0, average: 0 },
            planned_income: way.income,
            planned_months: Some(way.years.saturating_mul(12)),
            first_paid: None,
            poor_household: false,
            support_received: 0,
        },
    )?;
    cites.extend(&e.citations);
    let plan = Plan {
        income: way.income,
        groups: req.groups,
        province: req.province,
        supported_months_before: 0,
    };
    let next = req.on.month().plus(1).ok_or(Error::Overflow)?;
    let paid = project(table, &plan, next, e.months_planned, cites)?;
    let first = project(table, &plan, next, e.months_planned.min(1), cites)?;
    let payback_months = (e.eligible && e.monthly_pension > 0)
        .then(|| u32::try_from(paid.net.div_ceil(e.monthly_pension)).unwrap_or(u32::MAX));
    Ok((
        WayResult {
            income: way.income,
            years_asked: way.years,
            months_paid: e.months_planned,
            paid,
            first_month_net: first.net,
            retirement_month: e.retirement_month,
            eligible: e.eligible,
            pension_from: e.pension_from,
            rate_bp: e.rate_bp,
            monthly_pension: e.monthly_pension,
            shortfall_months: e.shortfall_months,
            payback_months,
        },
        e.estimate,
    ))
}

/// Compares two ways of paying for the same person.
pub fn compare<'a>(
    table: &PolicyTable<'a>,
    req: &CompareRequest<'_>,
) -> Result<Comparison<'a>, Error> {
    let mut cites = Citations::new();
    let (a, ea) = one(table, req, req.ways[0], &mut cites)?;
    let (b, eb) = one(table, req, req.ways[1], &mut cites)?;
    // Monthly pension per million đồng paid, compared in integers.
    let per = |w: &WayResult| {
        (w.eligible && w.paid.net > 0)
            .then(|| u128::from(w.monthly_pension) * 1_000_000 / u128::from(w.paid.net))
    };
    let better_per_dong = match (per(&a), per(&b)) {
        (Some(x), Some(y)) if x > y => Some(0),
        (Some(x), Some(y)) if y > x => Some(1),
        _ => None,
    };
    Ok(Comparison {
        policy_version: table.version,
        on: req.on,
        ways: [a, b],
        better_per_dong,
        estimate: ea || eb || cites.is_estimate(),
        citations: cites,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::default_table;
    use crate::person::Group;

    #[test]
    fn fifteen_against_twenty_years_respect_the_2027_floor() {
        let table = default_table();
        let on: Date = "2026-11-22".parse().unwrap_or_else(|_| unreachable!());
        let req = CompareRequest {
            on,
            born: "1990-01".parse().unwrap_or_else(|_| unreachable!()),
            sex: Sex::Female,
            groups: GroupSet::of(Group::Other),
            province: None,
            ways: [Way { income: 1_500_000, years: 15 }, Way { income: 1_500_000, years: 20 }],
        };
        let c = compare(&table, &req).unwrap_or_else(|e| panic!("{e}"));
        let [a, b] = &c.ways;
        assert_eq!((a.months_paid, b.months_paid), (180, 240));
        // December 2026 at 1,500,000, every later month at the 2027 floor of 2,200,000.
        assert_eq!(a.paid.months_raised, 179);
        assert_eq!(a.first_month_net, 264_000);
        // 120 supported months: Dec 2026 (66,000) and 119 at 96,800; the rest unsupported.
        assert_eq!(a.paid.gross, 330_000 + 179 * 484_000);
        assert_eq!(a.paid.net, a.paid.gross - 66_000 - 119 * 96_800);
        assert!(a.eligible && b.eligible);
        assert_eq!((a.rate_bp, b.rate_bp), (4500, 5500));
        assert!(b.monthly_pension > a.monthly_pension);
    }
}
