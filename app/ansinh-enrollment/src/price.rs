//! One price for an enrollment: what the device charges, what the validator checks and what
//! the collection server re-checks, all through [`price`] (and, for the validator, which
//! checks before a whole record exists, the same [`voluntary_request`]).
//!
//! Reading: every rule is read on the **payment date** — the collection day — and fixed for
//! the period paid (policy §2.1: floor and ceiling "at the time of payment"; §3.1: no top-up and
//! no refund inside a prepaid period). So a payment made on 20 December 2026 for January–
//! December 2027 is priced at the 2026 floor, exactly like one for December 2026–November 2027.
//! Household health insurance likewise: the premiums in force on the payment date.

use ansinh_core::bhyt::household;
use ansinh_core::person::{Group, GroupSet};
use ansinh_core::quote::{Mode, Person as QuotePerson, QuoteRequest, quote};
use ansinh_core::{Date, Dong, Month, PolicyTable};

use crate::record::{BirthDate, Enrollment, PaymentMode, VoluntaryEnrollment};

/// What a payment comes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Price<'a> {
    /// Cash collected.
    pub amount: Dong,
    /// Contribution before support.
    pub gross: Dong,
    /// National support.
    pub support_national: Dong,
    /// Provincial support.
    pub support_local: Dong,
    /// What was paid for.
    pub kind: Kind,
    /// The payment date (the collection day): every rule was read on it.
    pub on: Date,
    /// First month paid for.
    pub start_month: Month,
    /// Months paid for (a household: its longest member's).
    pub months: u32,
    /// Version of the policy table used.
    pub policy_version: &'a str,
    /// Whether an unverified parameter was used.
    pub estimate: bool,
}

/// What a payment is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Voluntary social insurance in this mode.
    Voluntary(Mode),
    /// Household health insurance for the longest member's months.
    Household(u8),
}

impl core::fmt::Display for Kind {
    /// `3`, `advance-2`, `backpay-12`, `bhyt-12`: the journal's and the receipt's mode.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Kind::Voluntary(m) => write!(f, "{m}"),
            Kind::Household(months) => write!(f, "bhyt-{months}"),
        }
    }
}

/// The person for the payment rules: by day when the full birth date is known, else by the
/// latest month the person can have been born in (a partial date never lets someone too young
/// through).
pub fn quote_person(birth: BirthDate, sex: ansinh_core::person::Sex) -> QuotePerson {
    match birth {
        BirthDate::Full(d) => QuotePerson::born_on(d, sex),
        other => QuotePerson::new(other.latest_month(), sex),
    }
}

/// The quote request of a voluntary payment made on `today`.
pub fn voluntary_request<'r>(
    income: Dong,
    mode: PaymentMode,
    group: Group,
    supported_months_before: u16,
    person: Option<QuotePerson>,
    province: Option<&'r str>,
    today: Date,
) -> QuoteRequest<'r> {
    QuoteRequest {
        on: today,
        income,
        groups: GroupSet::of(group),
        province,
        mode: mode.to_core(),
        person,
        supported_months_before,
        // Back-pay without the months already paid is refused by the core, never skipped.
        paid_months: mode.paid_before(),
    }
}

/// The quote request of a voluntary enrollment paid on `today`.
pub fn enrollment_request(v: &VoluntaryEnrollment, today: Date) -> QuoteRequest<'_> {
    let c = &v.choices;
    voluntary_request(
        c.income,
        c.mode,
        c.group,
        c.supported_months_before,
        Some(quote_person(v.person.birth_date, v.person.sex)),
        Some(v.person.address.province_code.as_str()),
        today,
    )
}

fn voluntary<'a>(
    v: &VoluntaryEnrollment,
    table: &PolicyTable<'a>,
    today: Date,
) -> Result<Price<'a>, ansinh_core::Error> {
    let c = &v.choices;
    let q = quote(table, &enrollment_request(v, today))?;
    Ok(Price {
        amount: q.net,
        gross: q.gross,
        support_national: q.support_national,
        support_local: q.support_local,
        kind: Kind::Voluntary(q.mode),
        on: today,
        start_month: c.start_month,
        months: u32::from(q.months),
        policy_version: q.policy_version,
        estimate: q.estimate,
    })
}

/// Prices an enrollment paid on `today` with `table`.
pub fn price<'a>(
    e: &Enrollment,
    table: &PolicyTable<'a>,
    today: Date,
) -> Result<Price<'a>, ansinh_core::Error> {
    match e {
        Enrollment::Voluntary(v) => voluntary(v, table, today),
        Enrollment::Household(h) => {
            let n = u16::try_from(h.members.len()).unwrap_or(u16::MAX);
            // The monthly premium of each place in the household order, then each member's
            // months.
            let rates = household(table, today, n, 12)?;
            let mut total: Dong = 0;
            for (m, rate) in h.members.iter().zip(rates.members.iter()) {
                total += rate.monthly * Dong::from(m.months);
            }
            let months = h.members.iter().map(|m| m.months).max().unwrap_or(0);
            Ok(Price {
                amount: total,
                gross: total,
                support_national: 0,
                support_local: 0,
                kind: Kind::Household(months),
                on: today,
                start_month: h.start_month,
                months: u32::from(months),
                policy_version: rates.policy_version,
                estimate: rates.estimate,
            })
        }
    }
}
