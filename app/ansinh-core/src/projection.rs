//! The one projection of future monthly payments, used by the pension estimate, the comparison
//! of ways to pay, and every screen that shows them.
//!
//! Reading (written down because the tables change under a long plan):
//! - A plan is paid **monthly**, from its first month, each month priced by the rules in force
//!   on that month's first day as the table knows them today: the floor (rural poverty line),
//!   the ceiling (20 × reference level), the 22% rate and the state support. Later changes that
//!   the table does not hold are unknown, so the last known rule carries on.
//! - The planned income is raised to the floor, or lowered to the ceiling, in any month where it
//!   falls outside them (policy §2.1: nobody may contribute below the floor; from 1 Jan 2027
//!   the floor is 2,200,000 đ). How many months were raised is reported, so a screen can say so.
//! - State support (rule R2) is the fixed amount of the month for the most generous group, for
//!   as long as the 120-month lifetime cap allows (rule R6), national first, then provincial.
//!
//! `#![no_std]`, no allocation: the months are summed as they are walked.

use ansinh_policy::{Month, PolicyTable};
use serde::Serialize;

use crate::cite::{Citations, lookup};
use crate::error::Error;
use crate::money::apply_bp;
use crate::person::{Group, GroupSet};
use crate::quote::income_bounds;
use crate::{BasisPoints, Dong};

/// Who pays and how much they intend to declare each month.
#[derive(Clone, Copy, Debug)]
pub struct Plan<'r> {
    /// Planned monthly income (raised to the floor / lowered to the ceiling month by month).
    pub income: Dong,
    /// Support groups.
    pub groups: GroupSet,
    /// Province code of permanent residence, for provincial top-ups.
    pub province: Option<&'r str>,
    /// Months of state support already received (counts against the lifetime cap).
    pub supported_months_before: u16,
}

impl Plan<'_> {
    /// A plan in the general group with no province and no support used.
    pub const fn at(income: Dong) -> Self {
        Self { income, groups: GroupSet::other(), province: None, supported_months_before: 0 }
    }
}

/// The sums of a projected run of monthly payments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Projection {
    /// First month paid (absent for an empty run).
    pub first: Option<Month>,
    /// Last month paid.
    pub last: Option<Month>,
    /// Months paid.
    pub months: u16,
    /// Σ of the monthly incomes declared (after raising to the floor).
    pub income_total: Dong,
    /// Σ of the contributions (22% of each month's income).
    pub gross: Dong,
    /// Σ of national support.
    pub support_national: Dong,
    /// Σ of provincial support.
    pub support_local: Dong,
    /// What the person pays in total.
    pub net: Dong,
    /// Months that received state support.
    pub support_months: u16,
    /// Months whose planned income was below the floor then and was raised to it.
    pub months_raised: u16,
    /// Months whose planned income was above the ceiling then and was lowered to it.
    pub months_lowered: u16,
    /// The income declared in the last month (after raising/lowering).
    pub last_income: Dong,
}

impl Projection {
    /// Mean monthly income of the run (rule R7, half up), 0 when empty.
    pub fn average_income(&self) -> Dong {
        if self.months == 0 {
            return 0;
        }
        let m = Dong::from(self.months);
        (self.income_total + m / 2) / m
    }
}

/// Projects `months` monthly payments of `plan` from `first` on.
pub fn project<'a>(
    table: &PolicyTable<'a>,
    plan: &Plan<'_>,
    first: Month,
    months: u16,
    cites: &mut Citations<'a>,
) -> Result<Projection, Error> {
    let mut p = Projection::default();
    if months == 0 {
        return Ok(p);
    }
    let cap_before = plan.supported_months_before;
    for i in 0..months {
        let m = first.plus(u32::from(i)).ok_or(Error::Overflow)?;
        let on = m.first_day();
        let (floor, ceiling) = income_bounds(table, on, cites)?;
        let rule = lookup(&table.contribution, "contribution", on, cites)?;
        let rate = rule.rate_bp;
        let income = if plan.income < floor {
            p.months_raised += 1;
            floor
        } else if plan.income > ceiling {
            p.months_lowered += 1;
            ceiling
        } else {
            plan.income
        };
        let gross = apply_bp(income, rate)?;
        let national = lookup(&table.support_national, "support_national", on, cites)?;
        let used = cap_before.saturating_add(p.support_months);
        let (mut sn, mut sl) = (0, 0);
        if used < national.cap_months {
            let local = match plan.province.and_then(|code| table.province_top_up(code)) {
                Some(t) => {
                    let e =
                        t.rates.at(on).ok_or(Error::NoRule { param: "support_local", date: on })?;
                    cites.add("support_local", e);
                    e.value
                }
                None => None,
            };
            let (_, nbp, lbp): (Group, BasisPoints, BasisPoints) = plan
                .groups
                .iter()
                .map(|g| (g, g.share(national), local.as_ref().map_or(0, |l| g.share(l))))
                .max_by_key(|(_, n, l)| n + l)
                .unwrap_or((Group::Other, national.other_bp, 0));
            let base = apply_bp(floor, rate)?;
            sn = apply_bp(base, nbp)?.min(gross);
            sl = apply_bp(base, lbp)?.min(gross - sn);
            p.support_months += 1;
        }
        p.income_total += income;
        p.gross += gross;
        p.support_national += sn;
        p.support_local += sl;
        p.net += gross - sn - sl;
        p.last_income = income;
        p.first.get_or_insert(m);
        p.last = Some(m);
        p.months += 1;
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::default_table;

    fn m(s: &str) -> Month {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn the_2027_floor_raises_a_planned_income_below_it() {
        let table = default_table();
        let mut c = Citations::new();
        // Dec 2026 at 1,500,000, then Jan–Mar 2027 raised to 2,200,000.
        let p = project(&table, &Plan::at(1_500_000), m("2026-12"), 4, &mut c)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.months, 4);
        assert_eq!(p.months_raised, 3);
        assert_eq!(p.income_total, 1_500_000 + 3 * 2_200_000);
        assert_eq!(p.gross, 330_000 + 3 * 484_000);
        // Support for "other": 20% of 22% × floor of each month (66,000 then 96,800).
        assert_eq!(p.support_national, 66_000 + 3 * 96_800);
        assert_eq!(p.net, p.gross - p.support_national);
        assert_eq!(p.last_income, 2_200_000);
        assert_eq!(p.average_income(), (1_500_000 + 3 * 2_200_000 + 2) / 4);
    }

    #[test]
    fn support_stops_at_the_lifetime_cap() {
        let table = default_table();
        let mut c = Citations::new();
        let plan = Plan {
            income: 3_000_000,
            groups: GroupSet::of(Group::Poor),
            province: None,
            supported_months_before: 118,
        };
        let p = project(&table, &plan, m("2027-01"), 5, &mut c).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.support_months, 2);
        assert_eq!(p.support_national, 2 * 242_000);
        assert_eq!(p.net, 5 * 660_000 - 2 * 242_000);
    }

    #[test]
    fn an_income_above_a_lower_past_ceiling_is_lowered() {
        let table = default_table();
        let mut c = Citations::new();
        // 50,000,000 is above the 46,800,000 ceiling before 1 Jul 2026.
        let p = project(&table, &Plan::at(50_000_000), m("2026-05"), 3, &mut c)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.months_lowered, 2);
        assert_eq!(p.income_total, 2 * 46_800_000 + 50_000_000);
    }
}
