//! What a person pays for voluntary social insurance on a payment date.
//!
//! All rules are read on the payment date and fixed for the whole period paid (policy §3.1:
//! no top-up and no refund when the poverty line, reference level or group changes inside a
//! prepaid period). This holds also when the first month paid is later than the payment date:
//! a payment made in December 2026 for January–December 2027 is priced at the 2026 floor, like
//! a payment made in December 2026 for December 2026–November 2027 (policy §2.1: floor and
//! ceiling "at the time of payment"; §3.1). The joining age is checked on the payment date,
//! by day when the birth date is known. Support is a fixed amount per month, independent of the chosen income, for
//! at most 120 months in a lifetime.

use core::fmt;
use core::str::FromStr;

use ansinh_policy::{Date, Month, PolicyTable};
use serde::{Serialize, Serializer};

use crate::cite::{Citations, lookup};
use crate::error::Error;
use crate::money::{FACTOR_SCALE, apply_bp, factor_sum, mul_div_round, to_dong};
use crate::person::{Group, GroupSet, Sex};
use crate::retirement::retirement;
use crate::{BasisPoints, Dong};

/// How the person pays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Every 1, 3, 6 or 12 months.
    Periodic(u8),
    /// Once for several future years, discounted (Decree 159/2025 Art 6).
    Advance(u8),
    /// Once for missing months at retirement age, compounded (Decree 159/2025 Art 7).
    Backpay(u16),
}

impl Mode {
    /// Months the payment covers.
    pub const fn months(self) -> u16 {
        match self {
            Mode::Periodic(m) => m as u16,
            Mode::Advance(y) => y as u16 * 12,
            Mode::Backpay(m) => m,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mode::Periodic(m) => write!(f, "{m}"),
            Mode::Advance(y) => write!(f, "advance-{y}"),
            Mode::Backpay(m) => write!(f, "backpay-{m}"),
        }
    }
}

impl FromStr for Mode {
    type Err = ();
    /// `1`, `3`, `6`, `12`, `advance-YEARS` or `backpay-MONTHS`.
    fn from_str(s: &str) -> Result<Self, ()> {
        if let Some(y) = s.strip_prefix("advance-") {
            return y.parse().map(Mode::Advance).map_err(|_| ());
        }
        if let Some(m) = s.strip_prefix("backpay-") {
            return m.parse().map(Mode::Backpay).map_err(|_| ());
        }
        s.parse().map(Mode::Periodic).map_err(|_| ())
    }
}

impl Serialize for Mode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Birth month and sex: needed for back-pay and the joining-age check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Person {
    /// Month of birth.
    pub born: Month,
    /// Day of birth, when known (the joining age is then checked by day).
    pub birth_date: Option<Date>,
    /// Sex.
    pub sex: Sex,
}

impl Person {
    /// A person known by birth month only.
    pub const fn new(born: Month, sex: Sex) -> Self {
        Self { born, birth_date: None, sex }
    }

    /// A person known by full birth date.
    pub const fn born_on(date: Date, sex: Sex) -> Self {
        Self { born: date.month(), birth_date: Some(date), sex }
    }

    /// Whether the person has reached `years` of age on `on`. By day when the birth date is
    /// known (someone born on 29 February has their birthday on 1 March in a common year);
    /// otherwise from the first day of the birthday month, since the day is unknown.
    pub fn has_age(&self, years: u8, on: Date) -> bool {
        match self.birth_date {
            Some(b) => {
                let y = b.year().saturating_add(u16::from(years));
                let birthday = Date::new(y, b.month_number(), b.day())
                    .or_else(|_| Date::new(y, 3, 1))
                    .unwrap_or(b);
                on >= birthday
            }
            None => on.month().months_since(self.born) >= u32::from(years) * 12,
        }
    }
}

/// A request for a contribution quote.
#[derive(Clone, Copy, Debug)]
pub struct QuoteRequest<'r> {
    /// Payment date: every rule is read on this day.
    pub on: Date,
    /// Chosen monthly income.
    pub income: Dong,
    /// Support groups the person belongs to.
    pub groups: GroupSet,
    /// Official province code of permanent residence, for provincial top-ups.
    pub province: Option<&'r str>,
    /// Payment mode.
    pub mode: Mode,
    /// Birth month and sex, when known.
    pub person: Option<Person>,
    /// Months of state support already received (counts against the lifetime cap).
    pub supported_months_before: u16,
    /// Months already paid. Required for back-pay, which may cover only what is missing.
    pub paid_months: Option<u16>,
}

impl<'r> QuoteRequest<'r> {
    /// A request with no province, person or history.
    pub const fn new(on: Date, income: Dong, group: Group, mode: Mode) -> Self {
        Self {
            on,
            income,
            groups: GroupSet::of(group),
            province: None,
            mode,
            person: None,
            supported_months_before: 0,
            paid_months: None,
        }
    }
}

/// A contribution quote. Amounts are whole đồng; "monthly" amounts are for one ordinary month,
/// totals are for the whole payment (discounted or compounded for advance and back-pay).
#[derive(Clone, Debug, Serialize)]
pub struct Quote<'a> {
    /// Version of the policy table used.
    pub policy_version: &'a str,
    /// Payment date.
    pub on: Date,
    /// Payment mode.
    pub mode: Mode,
    /// Months covered by the payment.
    pub months: u16,
    /// Chosen monthly income.
    pub income: Dong,
    /// Income floor on the payment date.
    pub income_floor: Dong,
    /// Income ceiling on the payment date.
    pub income_ceiling: Dong,
    /// Contribution rate.
    pub rate_bp: BasisPoints,
    /// The support group applied (the most generous the person belongs to).
    pub group: Group,
    /// National support share.
    pub support_national_bp: BasisPoints,
    /// Provincial top-up share (0 without one).
    pub support_local_bp: BasisPoints,
    /// Contribution for one month.
    pub gross_monthly: Dong,
    /// National support for one supported month.
    pub support_national_monthly: Dong,
    /// Provincial support for one supported month.
    pub support_local_monthly: Dong,
    /// What the person pays for one month of this payment that has support (the whole
    /// contribution when no month has support left under the 120-month cap).
    pub net_monthly: Dong,
    /// Contribution for the whole payment.
    pub gross: Dong,
    /// National support on the whole payment.
    pub support_national: Dong,
    /// Provincial support on the whole payment.
    pub support_local: Dong,
    /// What the person pays now.
    pub net: Dong,
    /// Months of this payment that receive support.
    pub support_months: u16,
    /// Months of this payment past the 120-month cap, paid without support at
    /// `gross_monthly`.
    pub unsupported_months: u16,
    /// Months of support left for later payments.
    pub support_months_left: u16,
    /// Monthly fund return used (parts per million), for advance and back-pay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fund_return_ppm: Option<u32>,
    /// True when any parameter used is unverified.
    pub estimate: bool,
    /// The table entries used.
    pub citations: Citations<'a>,
}

/// Floor and ceiling of the chosen monthly income on `on`.
pub fn income_bounds<'a>(
    table: &PolicyTable<'a>,
    on: Date,
    cites: &mut Citations<'a>,
) -> Result<(Dong, Dong), Error> {
    let floor = *lookup(&table.rural_poverty_line, "rural_poverty_line", on, cites)?;
    let reference = *lookup(&table.reference_level, "reference_level", on, cites)?;
    let rule = lookup(&table.contribution, "contribution", on, cites)?;
    let ceiling = reference.checked_mul(u64::from(rule.ceiling_multiple)).ok_or(Error::Overflow)?;
    Ok((floor, ceiling))
}

/// Quotes a voluntary social insurance payment.
pub fn quote<'a>(table: &PolicyTable<'a>, req: &QuoteRequest<'_>) -> Result<Quote<'a>, Error> {
    let on = req.on;
    let mut cites = Citations::new();
    let (floor, ceiling) = income_bounds(table, on, &mut cites)?;
    let rule = *lookup(&table.contribution, "contribution", on, &mut cites)?;
    let modes = lookup(&table.payment_modes, "payment_modes", on, &mut cites)?;

    if let Some(p) = req.person {
        if p.born > on.month() {
            return Err(Error::BornAfterDate { born: p.born, on });
        }
        if !p.has_age(rule.min_age_years, on) {
            return Err(Error::TooYoung { min_age: rule.min_age_years });
        }
    }
    if req.income < floor || req.income > ceiling {
        return Err(Error::IncomeOutOfRange { income: req.income, floor, ceiling });
    }

    let mut fund_return_ppm = None;
    match req.mode {
        Mode::Periodic(m) if !modes.periodic_months.contains(&m) => {
            return Err(Error::PeriodNotAllowed { months: m });
        }
        Mode::Advance(y) if y < modes.advance_years_min || y > modes.advance_years_max => {
            return Err(Error::AdvanceYearsOutOfRange {
                years: y,
                min: modes.advance_years_min,
                max: modes.advance_years_max,
            });
        }
        Mode::Backpay(0) => return Err(Error::ZeroMonths),
        Mode::Backpay(m) => {
            let p = req.person.ok_or(Error::BackpayNeedsPerson)?;
            let paid = req.paid_months.ok_or(Error::BackpayNeedsPaidMonths)?;
            let r = retirement(table, p.born, p.sex, on, &mut cites)?;
            let opens = r.month.minus(1).unwrap_or(r.month);
            if on.month() < opens {
                return Err(Error::BackpayTooEarly { opens });
            }
            // The minimum in force when the pension would start: the month after the
            // retirement month or after this payment, whichever is later (pension reading 1).
            let start = r.month.max(on.month()).plus(1).ok_or(Error::Overflow)?;
            let accrual = lookup(&table.accrual, "accrual", start.first_day(), &mut cites)?;
            let shortfall = accrual.min_months.saturating_sub(paid);
            if shortfall == 0 {
                return Err(Error::BackpayNothingMissing { paid, required: accrual.min_months });
            }
            if shortfall > modes.backpay_max_months {
                return Err(Error::BackpayShortfallTooLarge {
                    shortfall,
                    max: modes.backpay_max_months,
                });
            }
            if m > shortfall {
                return Err(Error::BackpayTooLong { months: m, max: shortfall });
            }
        }
        _ => {}
    }
    if matches!(req.mode, Mode::Advance(_) | Mode::Backpay(_)) {
        let r = lookup(&table.fund_return, "fund_return", on, &mut cites)?;
        fund_return_ppm = Some(r.monthly_ppm);
    }

    // R1, R3-R5: the contribution.
    let months = req.mode.months();
    let gross_monthly = apply_bp(req.income, rule.rate_bp)?;
    let gross = match (req.mode, fund_return_ppm) {
        (Mode::Advance(_), Some(ppm)) | (Mode::Backpay(_), Some(ppm)) => {
            let discount = matches!(req.mode, Mode::Advance(_));
            let sum = factor_sum(ppm, u32::from(months), discount).ok_or(Error::Overflow)?;
            to_dong(mul_div_round(u128::from(gross_monthly), sum, FACTOR_SCALE))?
        }
        _ => gross_monthly.checked_mul(u64::from(months)).ok_or(Error::Overflow)?,
    };

    // R2: support per month, on (rate × rural poverty line), for the most generous group.
    let national = lookup(&table.support_national, "support_national", on, &mut cites)?;
    let local = match req.province.and_then(|code| table.province_top_up(code)) {
        Some(p) => {
            let entry = p.rates.at(on).ok_or(Error::NoRule { param: "support_local", date: on })?;
            cites.add("support_local", entry);
            entry.value
        }
        None => None,
    };
    let (group, national_bp, local_bp) = req
        .groups
        .iter()
        .map(|g| (g, g.share(national), local.as_ref().map_or(0, |l| g.share(l))))
        .max_by_key(|(_, n, l)| n + l)
        .unwrap_or((Group::Other, national.other_bp, 0));
    let support_base = apply_bp(floor, rule.rate_bp)?;
    let support_national_monthly = apply_bp(support_base, national_bp)?;
    let support_local_monthly = apply_bp(support_base, local_bp)?;

    // R6: supported months under the lifetime cap; support never exceeds the contribution.
    let cap = national.cap_months;
    let left_before = cap.saturating_sub(req.supported_months_before);
    let support_months = months.min(left_before);
    let sm = u64::from(support_months);
    let support_national =
        (support_national_monthly.checked_mul(sm).ok_or(Error::Overflow)?).min(gross);
    let support_local = (support_local_monthly.checked_mul(sm).ok_or(Error::Overflow)?)
        .min(gross - support_national);
    let net = gross - support_national - support_local;
    // The monthly figures describe a supported month only when this payment has one; with the
    // cap used up, a month costs the whole contribution.
    let (support_national_monthly, support_local_monthly) = if support_months == 0 {
        (0, 0)
    } else {
        (support_national_monthly, support_local_monthly)
    };
    let net_monthly = gross_monthly
        .saturating_sub(support_national_monthly)
        .saturating_sub(support_local_monthly);

    Ok(Quote {
        policy_version: table.version,
        on,
        mode: req.mode,
        months,
        income: req.income,
        income_floor: floor,
        income_ceiling: ceiling,
        rate_bp: rule.rate_bp,
        group,
        support_national_bp: national_bp,
        support_local_bp: local_bp,
        gross_monthly,
        support_national_monthly,
        support_local_monthly,
        net_monthly,
        gross,
        support_national,
        support_local,
        net,
        support_months,
        unsupported_months: months - support_months,
        support_months_left: left_before - support_months,
        fund_return_ppm,
        estimate: cites.is_estimate(),
        citations: cites,
    })
}
