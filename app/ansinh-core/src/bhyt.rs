//! Household health insurance premiums (BHYT hộ gia đình): the first member pays 4.5% of the
//! reference level a month, later members a reduced share of that (Decree 188/2025 Art 6(5)).

use ansinh_policy::{Date, PolicyTable};
use heapless::Vec;
use serde::Serialize;

use crate::cite::{Citations, lookup};
use crate::error::Error;
use crate::money::{mul_div_round, to_dong};
use crate::{BasisPoints, Dong};

/// Most members one household enrollment holds (the household appendix has one row each).
pub const MAX_MEMBERS: usize = 32;

/// One member's premium.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MemberPremium {
    /// Position in the household order (1 = first member).
    pub order: u16,
    /// Share of the first member's premium.
    pub share_bp: BasisPoints,
    /// Premium for one month.
    pub monthly: Dong,
    /// Premium for the whole period.
    pub amount: Dong,
}

/// Premiums for a household.
#[derive(Clone, Debug, Serialize)]
pub struct HouseholdPremium<'a> {
    /// Version of the policy table used.
    pub policy_version: &'a str,
    /// Payment date.
    pub on: Date,
    /// Months paid for.
    pub months: u8,
    /// Reference level on the payment date.
    pub reference_level: Dong,
    /// First member's rate.
    pub rate_bp: BasisPoints,
    /// Each member's premium, in member order.
    pub members: Vec<MemberPremium, MAX_MEMBERS>,
    /// Sum for the household.
    pub total: Dong,
    /// True when any parameter used is unverified.
    pub estimate: bool,
    /// The table entries used.
    pub citations: Citations<'a>,
}

/// Premiums for `members` people paying together for `months` on `on` (rule R9).
pub fn household<'a>(
    table: &PolicyTable<'a>,
    on: Date,
    members: u16,
    months: u8,
) -> Result<HouseholdPremium<'a>, Error> {
    let max = u16::try_from(MAX_MEMBERS).unwrap_or(u16::MAX);
    if members == 0 || members > max {
        return Err(Error::MembersOutOfRange { members, max });
    }
    let mut cites = Citations::new();
    let reference = *lookup(&table.reference_level, "reference_level", on, &mut cites)?;
    let rule = lookup(&table.bhyt_household, "bhyt_household", on, &mut cites)?;
    if !rule.periods_months.contains(&months) {
        return Err(Error::BhytPeriodNotAllowed { months });
    }
    let mut list = Vec::new();
    let mut total: Dong = 0;
    for order in 1..=members {
        let step = usize::from(order - 1).min(rule.reductions_bp.len().saturating_sub(1));
        let share_bp = rule.reductions_bp.get(step).copied().unwrap_or(10_000);
        let monthly = to_dong(mul_div_round(
            u128::from(reference),
            u128::from(rule.rate_bp) * u128::from(share_bp),
            100_000_000,
        ))?;
        let amount = monthly * u64::from(months);
        total = total.checked_add(amount).ok_or(Error::Overflow)?;
        // Capacity equals the member limit checked above.
        let _ = list.push(MemberPremium { order, share_bp, monthly, amount });
    }
    Ok(HouseholdPremium {
        policy_version: table.version,
        on,
        months,
        reference_level: reference,
        rate_bp: rule.rate_bp,
        members: list,
        total,
        estimate: cites.is_estimate(),
        citations: cites,
    })
}
