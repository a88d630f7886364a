//! When a person can retire and what pension they would get (Law 41/2024 Art 98–104,
//! Decree 159/2025), and what happens when they are short of the years needed.
//!
//! Readings taken (each also noted in the policy table):
//! 1. **One date for the pension rules.** A pension starts the month after the month in which
//!    the conditions (retirement age and the minimum years) are met (policy §4.4 and §5.2,
//!    verified). Every pension rule — the minimum years, the accrual rates, the CPI table, the
//!    one-time amount, the allowance and the social pension — is read on the first day of the
//!    month the pension starts. So a person who reached the age before 1 Jul 2025 with 15–19
//!    years, when the 2014 law asked for 20 (policy §1, §4.4), meets the conditions in force
//!    from 1 Jul 2025 (Law 41/2024 Art 98) and is shown a pension from July 2025 under
//!    Art 99; a person still short is weighed now, under the rules in force now. Back-pay in
//!    the quote ([`crate::quote`]) uses the same date: the pension month after the payment.
//! 2. **Conditions met before the table begins.** Someone whose conditions were already met
//!    before the first pension rule the table holds had a pension settled under older rules
//!    that this table does not hold: the estimate refuses with [`Error::SettledBeforeTable`]
//!    instead of guessing.
//! 3. Eligibility needs the actual months (180); the half-year rounding of odd months is used
//!    for the accrual rate and the one-time amount only. Months given as a count (no
//!    year-by-year history) are taken as paid before the retirement month.
//! 4. Planned payments run monthly from the month after the date asked about until the month
//!    the retirement age is reached (inclusive), or for the months asked if fewer, through the
//!    one projection of [`crate::projection`]: each month at the floor and ceiling in force
//!    then, so a planned income below the 2027 floor is raised to it. Paying on after the
//!    retirement age starts the month after the retirement month or the date asked, whichever
//!    is later — never in the past.
//! 5. The income average counts past years with the CPI table of the settlement year (the year
//!    the pension starts); future years count at 1.00. An average given as a figure (no
//!    history) is taken as already adjusted.
//! 6. For back-pay, the person is taken to have used their support months already (up to the
//!    120-month cap) and to belong to no support group: the cost shown is the most they would
//!    pay. When the back-payment is made after the retirement month, the pension starts the
//!    month after the payment.
//! 7. The one-time amount is what the person could withdraw at the retirement month; state
//!    support received is deducted only when given.

use ansinh_policy::{Accrual, CpiTable, Date, Month, PolicyTable};
use serde::Serialize;

use crate::cite::{Citations, lookup};
use crate::error::Error;
use crate::money::{apply_bp, mul_div_round, to_dong};
use crate::person::{Group, GroupSet, Sex};
use crate::projection::{Plan, Projection, project};
use crate::quote::{Mode, Person, QuoteRequest, income_bounds, quote};
use crate::retirement::{Age, retirement};
use crate::{BasisPoints, Dong};

/// One year of a contribution history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, Serialize)]
pub struct HistoryYear {
    /// Calendar year paid.
    pub year: u16,
    /// Months paid in that year (1–12).
    pub months: u8,
    /// Average monthly income declared in that year.
    pub income: Dong,
}

/// What the person has paid so far.
#[derive(Clone, Copy, Debug)]
pub enum Paid<'h> {
    /// A month count and their average income (taken as already adjusted).
    Summary {
        /// Months paid.
        months: u16,
        /// Average monthly income of those months.
        average: Dong,
    },
    /// A year-by-year history, adjusted with the CPI table.
    History(&'h [HistoryYear]),
}

/// A request for a pension estimate.
#[derive(Clone, Copy, Debug)]
pub struct PensionRequest<'h> {
    /// The date asked about (the rules known on it are used).
    pub on: Date,
    /// Birth month.
    pub born: Month,
    /// Sex.
    pub sex: Sex,
    /// Contributions so far.
    pub paid: Paid<'h>,
    /// Planned monthly income from the month after `on` until retirement (0 = stop paying).
    pub planned_income: Dong,
    /// Planned months, when fewer than the months left until the retirement month (`None`:
    /// pay every month until then).
    pub planned_months: Option<u16>,
    /// First month ever paid, when known (for the transitional retirement rule).
    pub first_paid: Option<Month>,
    /// In a poor or near-poor household (earlier social pension).
    pub poor_household: bool,
    /// State support received so far, deducted from the one-time amount.
    pub support_received: Dong,
}

/// Which retirement-age rule applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RetirementRule {
    /// The Decree 135/2020 schedule.
    Normal,
    /// 60 / 55 for people who started before 2021 with 20 years (Decree 159/2025 Art 13).
    Transitional,
}

/// Back-paying the missing months at retirement (Decree 159/2025 Art 7).
#[derive(Clone, Debug, Serialize)]
pub struct BackpayOption {
    /// Months back-paid.
    pub months: u16,
    /// Month of the payment (the month before retirement age, or the date asked about).
    pub paid_in: Month,
    /// Income used for the back-paid months.
    pub income: Dong,
    /// Amount to pay, compounded at the fund return.
    pub cost: Dong,
    /// First month of pension.
    pub pension_from: Month,
    /// Accrual rate after back-pay.
    pub rate_bp: BasisPoints,
    /// Average income after back-pay.
    pub average_income: Dong,
    /// Monthly pension after back-pay.
    pub monthly_pension: Dong,
}

/// Paying on monthly after retirement age until the years are complete.
#[derive(Clone, Debug, Serialize)]
pub struct PayOnOption {
    /// Months still to pay.
    pub months: u16,
    /// Income assumed for them.
    pub income: Dong,
    /// Month in which the years are complete.
    pub complete_in: Month,
    /// First month of pension.
    pub pension_from: Month,
    /// Monthly pension then.
    pub monthly_pension: Dong,
    /// What the person pays for those months (after any support).
    pub net: Dong,
    /// Months in which the income was raised to the floor in force then.
    pub months_raised: u16,
}

/// The monthly allowance for people short of the years (Law 41/2024 Art 23).
#[derive(Clone, Debug, Serialize)]
pub struct AllowanceOption {
    /// The pot: average income × 2 × years paid.
    pub pot: Dong,
    /// Monthly amount (at least the social pension).
    pub monthly: Dong,
    /// Months the pot pays for.
    pub months: u16,
    /// Months from the end of contributions to the social-pension age.
    pub months_to_social_pension: u16,
    /// Lump sum the person may add to stretch the allowance to the social-pension age.
    pub top_up_cost: Dong,
}

/// The social pension, for comparison.
#[derive(Clone, Debug, Serialize)]
pub struct SocialPensionInfo {
    /// Age in years.
    pub age_years: u8,
    /// Month the age is reached.
    pub from: Month,
    /// Monthly amount.
    pub monthly: Dong,
}

/// A pension estimate.
#[derive(Clone, Debug, Serialize)]
pub struct PensionEstimate<'a> {
    /// Version of the policy table used.
    pub policy_version: &'a str,
    /// Date asked about.
    pub on: Date,
    /// Retirement age that applies.
    pub retirement_age: Age,
    /// Month the age is reached.
    pub retirement_month: Month,
    /// Which rule gave the age.
    pub retirement_rule: RetirementRule,
    /// First month of pension, when eligible.
    pub pension_from: Option<Month>,
    /// The conditions are already met (the pension month is not after the date asked about):
    /// the person can claim now.
    pub already_eligible: bool,
    /// Months paid before the date asked about.
    pub months_paid: u16,
    /// Months planned from the month after the date asked about until retirement.
    pub months_planned: u16,
    /// The planned payments, month by month summed (floor and ceiling of each month).
    pub planned: Projection,
    /// Months at retirement.
    pub months_at_retirement: u16,
    /// Months needed for a pension.
    pub months_required: u16,
    /// Whether a pension is due at retirement.
    pub eligible: bool,
    /// Accrual rate (0 when not eligible).
    pub rate_bp: BasisPoints,
    /// Average monthly income, adjusted.
    pub average_income: Dong,
    /// Monthly pension (0 when not eligible).
    pub monthly_pension: Dong,
    /// Months short of the requirement.
    pub shortfall_months: u16,
    /// Whether the shortfall may be back-paid.
    pub backpay_allowed: bool,
    /// The back-pay route, when allowed.
    pub backpay: Option<BackpayOption>,
    /// Paying on after retirement age, when short.
    pub pay_on: Option<PayOnOption>,
    /// The Art 23 monthly allowance, when short.
    pub monthly_allowance: Option<AllowanceOption>,
    /// Social pension age and amount.
    pub social_pension: Option<SocialPensionInfo>,
    /// One-time withdrawal at retirement, for comparison (Art 102).
    pub one_time_amount: Dong,
    /// Year of the CPI table used.
    pub cpi_table_year: u16,
    /// True when any parameter used is unverified or a table was used outside its year.
    pub estimate: bool,
    /// The table entries used.
    pub citations: Citations<'a>,
}

/// Half-years counted for `months` (odd months 1..=max_odd add one half, more add two).
pub const fn half_years(months: u16, max_odd: u8) -> u32 {
    let whole = (months / 12) as u32 * 2;
    let odd = months % 12;
    whole
        + if odd == 0 {
            0
        } else if odd <= max_odd as u16 {
            1
        } else {
            2
        }
}

/// The accrual rate for `months` of contributions (0 below the minimum), odd months counted
/// as half or whole years up to `max_odd` (the `half_year_rounding` rule).
pub fn accrual_rate(a: &Accrual, max_odd: u8, sex: Sex, months: u16) -> BasisPoints {
    if months < a.min_months {
        return 0;
    }
    let halves = half_years(months, max_odd);
    let band = |base_years: u8, base_bp: BasisPoints, step_bp: BasisPoints| {
        let extra = halves.saturating_sub(u32::from(base_years) * 2);
        base_bp + step_bp * extra / 2
    };
    let rate = match sex {
        Sex::Female => band(a.female_base_years, a.female_base_bp, a.female_step_bp),
        Sex::Male if halves < u32::from(a.male_base_years) * 2 && a.male_short_base_years > 0 => {
            band(a.male_short_base_years, a.male_short_base_bp, a.male_short_step_bp)
        }
        Sex::Male => band(a.male_base_years, a.male_base_bp, a.male_step_bp),
    };
    rate.min(a.cap_bp)
}

/// Running sums over contributed months.
#[derive(Clone, Copy, Default)]
struct Sums {
    months: u32,
    /// Σ income × months × coefficient (hundredths).
    adjusted: u128,
    /// Months before the one-time cutoff year.
    months_before_cutoff: u32,
    /// Σ contributions actually paid (nominal), for the under-one-year rule.
    paid: u128,
}

impl Sums {
    fn add(
        &mut self,
        months: u32,
        income: Dong,
        coefficient: u16,
        before_cutoff: bool,
        rate_bp: u32,
    ) {
        self.months += months;
        self.adjusted += u128::from(income) * u128::from(months) * u128::from(coefficient);
        if before_cutoff {
            self.months_before_cutoff += months;
        }
        self.paid += mul_div_round(u128::from(income), u128::from(rate_bp), 10_000).unwrap_or(0)
            * u128::from(months);
    }

    /// Projected months count at coefficient 1 (future years, and back-paid months).
    fn add_projection(&mut self, p: &Projection) {
        self.months += u32::from(p.months);
        self.adjusted += u128::from(p.income_total) * 100;
        self.paid += u128::from(p.gross);
    }

    fn average(&self) -> Result<Dong, Error> {
        if self.months == 0 {
            return Ok(0);
        }
        to_dong(mul_div_round(self.adjusted, 1, u128::from(self.months) * 100))
    }
}

fn months_u16(m: u32) -> Result<u16, Error> {
    u16::try_from(m).map_err(|_| Error::BadPaidMonths { reason: "more months than a lifetime" })
}

/// The CPI table for a settlement date: the one published for that year, else the nearest one
/// held (and the result becomes an estimate).
fn cpi_for<'t, 'a>(
    table: &'t PolicyTable<'a>,
    settle: Date,
    cites: &mut Citations<'a>,
) -> Result<(&'t CpiTable, bool), Error> {
    if let Some(e) = table.cpi.at(settle)
        && let Some(v) = &e.value
    {
        cites.add("cpi", e);
        return Ok((v, v.settlement_year != settle.year()));
    }
    let held = table.cpi.entries.iter().filter(|e| e.value.is_some());
    let nearest = held.min_by_key(|e| {
        e.value.as_ref().map_or(u16::MAX, |v| v.settlement_year.abs_diff(settle.year()))
    });
    match nearest {
        Some(e) => {
            cites.add("cpi", e);
            e.value.as_ref().map(|v| (v, true)).ok_or(Error::NoRule { param: "cpi", date: settle })
        }
        None => Err(Error::NoRule { param: "cpi", date: settle }),
    }
}

fn validate_history(h: &[HistoryYear], on: Date) -> Result<(), Error> {
    for (i, row) in h.iter().enumerate() {
        let bad = |reason| Err(Error::BadHistory { year: row.year, reason });
        if row.months == 0 || row.months > 12 {
            return bad("months must be 1–12");
        }
        if row.year > on.year() || (row.year == on.year() && row.months > on.month_number()) {
            return bad("months after the date asked about");
        }
        if row.year < 1960 {
            return bad("year before any social insurance record");
        }
        if row.income == 0 {
            return bad("income must be above zero");
        }
        if h[..i].iter().any(|r| r.year == row.year) {
            return bad("year listed twice");
        }
    }
    Ok(())
}

/// The months contributed by the end of month `m` (past months only).
fn past_months_by(paid: &Paid<'_>, m: Month) -> u32 {
    match paid {
        // Without years, the months are taken as paid before the retirement month (reading 3).
        Paid::Summary { months, .. } => u32::from(*months),
        Paid::History(h) => h
            .iter()
            .map(|r| {
                if r.year < m.year() {
                    u32::from(r.months)
                } else if r.year == m.year() {
                    u32::from(r.months.min(m.number()))
                } else {
                    0
                }
            })
            .sum(),
    }
}

/// The pension-rule entry held for `month`'s first day, without citing it (the search for the
/// pension month looks at many months; only the one used is cited).
fn accrual_held(table: &PolicyTable<'_>, month: Month) -> Option<Accrual> {
    table.accrual.at(month.first_day()).and_then(|e| e.value)
}

/// Estimates retirement, pension, and the options when short of the years.
pub fn estimate<'a>(
    table: &PolicyTable<'a>,
    req: &PensionRequest<'_>,
) -> Result<PensionEstimate<'a>, Error> {
    let on = req.on;
    let now = on.month();
    let mut cites = Citations::new();
    if req.born > now {
        return Err(Error::BornAfterDate { born: req.born, on });
    }
    let contribution = *lookup(&table.contribution, "contribution", on, &mut cites)?;
    if req.planned_income > 0 {
        let (floor, ceiling) = income_bounds(table, on, &mut cites)?;
        if req.planned_income < floor || req.planned_income > ceiling {
            return Err(Error::IncomeOutOfRange { income: req.planned_income, floor, ceiling });
        }
    }
    let (past_months, first_paid) = match req.paid {
        Paid::Summary { months, average } => {
            if months > 0 && average == 0 {
                return Err(Error::BadPaidMonths { reason: "an average income is needed" });
            }
            if u32::from(months) > now.months_since(req.born) {
                return Err(Error::BadPaidMonths { reason: "more months than the person's age" });
            }
            (u32::from(months), req.first_paid)
        }
        Paid::History(h) => {
            validate_history(h, on)?;
            let first = h.iter().map(|r| r.year).min().and_then(|y| Month::new(y, 1).ok());
            (h.iter().map(|r| u32::from(r.months)).sum(), req.first_paid.or(first))
        }
    };
    let next = now.plus(1).ok_or(Error::Overflow)?;
    // Planned monthly payments: from next month until the retirement month (or for the months
    // asked, if fewer), never in the past.
    let planned_len = |m: Month| -> u16 {
        if req.planned_income == 0 {
            return 0;
        }
        let until = u16::try_from(m.months_since(now)).unwrap_or(u16::MAX);
        req.planned_months.map_or(until, |n| n.min(until))
    };

    // Retirement month: the normal schedule, or the transitional 60/55 when it comes earlier.
    let normal = retirement(table, req.born, req.sex, on, &mut cites)?;
    let mut ret = (normal.age, normal.month, RetirementRule::Normal);
    if let Some(e) = table.transitional_retirement.at(on)
        && let Some(t) = e.value
        && let Some(first) = first_paid
        && first.first_day() < t.started_before
    {
        let age = match req.sex {
            Sex::Male => t.male_age_months,
            Sex::Female => t.female_age_months,
        };
        if let Some(month) = req.born.plus(u32::from(age))
            && month < normal.month
            && past_months + u32::from(planned_len(month)) >= u32::from(t.min_months)
        {
            cites.add("transitional_retirement", e);
            ret = (Age(age), month, RetirementRule::Transitional);
        }
    }
    let (retirement_age, retirement_month, retirement_rule) = ret;
    let months_planned = planned_len(retirement_month);
    let planned = project(table, &Plan::at(req.planned_income), next, months_planned, &mut cites)?;
    let total_months = past_months + u32::from(months_planned);
    let months_by = |m: Month| -> u32 {
        let planned_by = match planned.first {
            Some(f) if m >= f => m.months_since(f).saturating_add(1).min(u32::from(months_planned)),
            _ => 0,
        };
        past_months_by(&req.paid, m) + planned_by
    };

    // The pension month (reading 1): the first month after the retirement month such that the
    // months paid by the end of the month before meet the minimum in force on its first day.
    // The search runs up to next month; later it is the pay-on option's business.
    let first_held = table
        .accrual
        .entries
        .first()
        .map(|e| e.from.month())
        .ok_or(Error::NoRule { param: "accrual", date: on })?;
    let search_from = retirement_month.plus(1).ok_or(Error::Overflow)?;
    let search_until = search_from.max(next);
    let mut pension_start = None;
    let mut s = search_from.max(first_held);
    while s <= search_until {
        let a = accrual_held(table, s)
            .ok_or(Error::NoRule { param: "accrual", date: s.first_day() })?;
        let before = s.minus(1).ok_or(Error::Overflow)?;
        if months_by(before) >= u32::from(a.min_months) {
            pension_start = Some(s);
            break;
        }
        s = s.plus(1).ok_or(Error::Overflow)?;
    }
    if let Some(start) = pension_start
        && start == first_held
        && search_from < first_held
    {
        // The conditions were met under rules older than the table: such a pension was
        // settled (or is to be settled) by the social insurance office under those rules.
        return Err(Error::SettledBeforeTable { since: first_held });
    }
    let eligible = pension_start.is_some();
    // The month the options are weighed in when short: the retirement month, or now if later.
    let decide = retirement_month.max(now);
    let start = pension_start.unwrap_or(decide.plus(1).ok_or(Error::Overflow)?);
    let settle = start.first_day();
    let accrual = *lookup(&table.accrual, "accrual", settle, &mut cites)?;
    let max_odd =
        lookup(&table.half_year_rounding, "half_year_rounding", settle, &mut cites)?.max_odd_months;
    let one_time = *lookup(&table.one_time, "one_time", settle, &mut cites)?;
    let (cpi, cpi_estimate) = cpi_for(table, settle, &mut cites)?;
    let cutoff = one_time.cutoff_year;

    let mut sums = Sums::default();
    match req.paid {
        Paid::Summary { months, average } => {
            // No years known: counted as paid from the cutoff year on.
            sums.add(u32::from(months), average, 100, false, contribution.rate_bp);
        }
        Paid::History(h) => {
            for r in h {
                let k = cpi.coefficient(r.year);
                sums.add(u32::from(r.months), r.income, k, r.year < cutoff, contribution.rate_bp);
            }
        }
    }
    sums.add_projection(&planned);
    let months_at_retirement = months_u16(total_months)?;
    let average_income = sums.average()?;
    let rate_bp = accrual_rate(&accrual, max_odd, req.sex, months_at_retirement);
    let monthly_pension = if eligible { apply_bp(average_income, rate_bp)? } else { 0 };
    let shortfall_months =
        if eligible { 0 } else { accrual.min_months.saturating_sub(months_at_retirement) };

    // Short of the years: back-pay, pay on, or the monthly allowance.
    let mut backpay = None;
    let mut pay_on = None;
    let mut monthly_allowance = None;
    let mut backpay_allowed = false;
    if !eligible {
        // Back-pay opens the month before the retirement month; never in the past.
        let paid_in = retirement_month.minus(1).unwrap_or(retirement_month).max(now);
        let pay_date = if paid_in == now { on } else { paid_in.first_day() };
        let modes = lookup(&table.payment_modes, "payment_modes", pay_date, &mut cites)?;
        backpay_allowed = shortfall_months <= modes.backpay_max_months;
        let (floor, ceiling) = income_bounds(table, pay_date, &mut cites)?;
        let income = if req.planned_income > 0 { req.planned_income } else { floor };
        let income = income.clamp(floor, ceiling);
        let with_extra =
            |extra: &Projection, from: Month| -> Result<(BasisPoints, Dong, Dong), Error> {
                let a = accrual_held(table, from)
                    .ok_or(Error::NoRule { param: "accrual", date: from.first_day() })?;
                let odd = table
                    .half_year_rounding
                    .at(from.first_day())
                    .and_then(|e| e.value)
                    .map_or(max_odd, |h| h.max_odd_months);
                let mut s = sums;
                s.add_projection(extra);
                let avg = s.average()?;
                let rate = accrual_rate(&a, odd, req.sex, months_u16(s.months)?);
                Ok((rate, avg, apply_bp(avg, rate)?))
            };
        if backpay_allowed {
            let support_cap = table
                .support_national
                .at(pay_date)
                .and_then(|e| e.value)
                .map_or(0, |s| s.cap_months);
            let q = quote(
                table,
                &QuoteRequest {
                    on: pay_date,
                    income,
                    groups: GroupSet::of(Group::Other),
                    province: None,
                    mode: Mode::Backpay(shortfall_months),
                    person: Some(Person::new(req.born, req.sex)),
                    supported_months_before: months_at_retirement.min(support_cap),
                    paid_months: Some(months_at_retirement),
                },
            )?;
            cites.extend(&q.citations);
            // Back-paid months count at the income chosen, coefficient 1 (policy §4.4).
            let extra = Projection {
                months: shortfall_months,
                income_total: income * Dong::from(shortfall_months),
                gross: q.gross,
                ..Projection::default()
            };
            let (rate, avg, pension) = with_extra(&extra, start)?;
            backpay = Some(BackpayOption {
                months: shortfall_months,
                paid_in,
                income,
                cost: q.net,
                pension_from: start,
                rate_bp: rate,
                average_income: avg,
                monthly_pension: pension,
            });
        }
        // Paying on: monthly from the month after the decision month, at the planned income
        // (or the floor), through the same projection.
        let extra = project(
            table,
            &Plan::at(income),
            decide.plus(1).ok_or(Error::Overflow)?,
            shortfall_months,
            &mut cites,
        )?;
        let complete_in = decide.plus(u32::from(shortfall_months)).ok_or(Error::Overflow)?;
        let pension_from = complete_in.plus(1).ok_or(Error::Overflow)?;
        let (_, _, pension) = with_extra(&extra, pension_from)?;
        pay_on = Some(PayOnOption {
            months: shortfall_months,
            income,
            complete_in,
            pension_from,
            monthly_pension: pension,
            net: extra.net,
            months_raised: extra.months_raised,
        });
    }

    // Social pension (age 75, or 70 in a poor or near-poor household).
    let mut social_pension = None;
    if let Some(e) = table.social_pension.at(settle)
        && let Some(sp) = e.value
    {
        cites.add("social_pension", e);
        let age_years = if req.poor_household { sp.age_years_poor } else { sp.age_years };
        let from = req.born.plus(u32::from(age_years) * 12).ok_or(Error::Overflow)?;
        social_pension = Some(SocialPensionInfo { age_years, from, monthly: sp.monthly });
        if !eligible
            && months_at_retirement > 0
            && let Some(e) = table.monthly_allowance.at(settle)
            && let Some(ma) = e.value
        {
            cites.add("monthly_allowance", e);
            let halves = half_years(months_at_retirement, max_odd);
            let pot = to_dong(mul_div_round(
                u128::from(average_income),
                u128::from(ma.tenths_per_year) * u128::from(halves),
                20,
            ))?;
            let needed = if from > start { from.months_since(start) } else { 0 };
            let needed_cost = u128::from(sp.monthly) * u128::from(needed);
            let (monthly, months, top_up) = if needed == 0 {
                (0, 0, 0)
            } else if u128::from(pot) >= needed_cost {
                (pot / u64::from(needed), needed, 0)
            } else {
                let covered = u32::try_from(pot / sp.monthly.max(1)).unwrap_or(u32::MAX);
                (sp.monthly, covered, u64::from(needed - covered) * sp.monthly)
            };
            monthly_allowance = Some(AllowanceOption {
                pot,
                monthly,
                months: months_u16(months)?,
                months_to_social_pension: months_u16(needed)?,
                top_up_cost: top_up,
            });
        }
    }

    // One-time withdrawal at retirement (Art 102(2)): odd months before the cutoff move later.
    let one_time_gross = if sums.months == 0 {
        0
    } else if sums.months < 12 {
        let cap = mul_div_round(
            u128::from(average_income),
            u128::from(one_time.under_one_year_cap_tenths),
            10,
        )
        .ok_or(Error::Overflow)?;
        to_dong(Some(sums.paid.min(cap)))?
    } else {
        let years_before = sums.months_before_cutoff / 12;
        let months_from = months_u16(sums.months - years_before * 12)?;
        let halves_from = half_years(months_from, max_odd);
        let tenths_x2 = u128::from(years_before) * u128::from(one_time.tenths_before) * 2
            + u128::from(halves_from) * u128::from(one_time.tenths_from);
        to_dong(mul_div_round(u128::from(average_income), tenths_x2, 20))?
    };

    let estimate = cites.is_estimate() || cpi_estimate;
    Ok(PensionEstimate {
        policy_version: table.version,
        on,
        retirement_age,
        retirement_month,
        retirement_rule,
        pension_from: pension_start,
        already_eligible: pension_start.is_some_and(|s| s <= now),
        months_paid: months_u16(past_months)?,
        months_planned,
        planned,
        months_at_retirement,
        months_required: accrual.min_months,
        eligible,
        rate_bp: if eligible { rate_bp } else { 0 },
        average_income,
        monthly_pension,
        shortfall_months,
        backpay_allowed,
        backpay,
        pay_on,
        monthly_allowance,
        social_pension,
        one_time_amount: one_time_gross.saturating_sub(req.support_received),
        cpi_table_year: cpi.settlement_year,
        estimate,
        citations: cites,
    })
}
