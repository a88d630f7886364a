//! The policy table: every parameter as a dated series of cited entries.
//!
//! A parameter is a [`Series`] of [`Entry`]s. Each entry has the first and last day it is in
//! force, its value (or none, when the rule did not exist then), the legal source and a
//! [`Status`]. A valid series starts on the table's `valid_from`, has no gap and no overlap,
//! and its last entry is open-ended, so every date from `valid_from` on finds exactly one entry.
//!
//! Strings borrow from the bytes the table was decoded from, so a table baked into flash costs
//! no RAM for its citations.

use heapless::Vec;
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::TableError;

/// Most entries a single parameter may have over the table's life.
pub const MAX_ENTRIES: usize = 12;
/// Most provinces with a local top-up (there are 34 provinces).
pub const MAX_PROVINCES: usize = 34;
/// Most years in one CPI coefficient table (voluntary SI began in 2008).
pub const MAX_CPI_YEARS: usize = 48;
/// Most household members with a distinct reduction step (5th and later share the last).
pub const MAX_REDUCTION_STEPS: usize = 8;
/// Most allowed periodic payment lengths.
pub const MAX_PERIODS: usize = 8;

/// How far a parameter's value can be trusted (the tags of the policy reference).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Read in an official text or a news report quoting it (or computed from such values).
    Verified,
    /// Read only in secondary material; probably right, to be confirmed.
    Secondary,
    /// From inference or an unconfirmed source: every output using it is an estimate.
    Unverified,
}

impl Status {
    /// Outputs that rest on this parameter must be labelled as estimates.
    pub const fn is_estimate(self) -> bool {
        matches!(self, Status::Unverified)
    }
}

/// One period of one parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry<'a, V> {
    /// First day in force.
    pub from: Date,
    /// Last day in force; `None` = until further notice.
    pub until: Option<Date>,
    /// The value; `None` when the rule did not exist in this period (the note says why).
    pub value: Option<V>,
    /// Legal source: document and article.
    pub source: &'a str,
    /// How far the value can be trusted.
    pub status: Status,
    /// The reading taken where the source is ambiguous, or why there is no value.
    pub note: &'a str,
}

impl<V> Entry<'_, V> {
    /// Whether `date` falls in this entry's period.
    pub fn covers(&self, date: Date) -> bool {
        self.from <= date && self.until.is_none_or(|u| date <= u)
    }
}

/// A parameter's history: entries in date order, gapless, the last open-ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "V: Deserialize<'de>, 'de: 'a"))]
pub struct Series<'a, V> {
    /// The entries, oldest first.
    #[serde(borrow)]
    pub entries: Vec<Entry<'a, V>, MAX_ENTRIES>,
}

impl<'a, V> Series<'a, V> {
    /// The entry in force on `date`, if the table reaches back that far.
    pub fn at(&self, date: Date) -> Option<&Entry<'a, V>> {
        self.entries.iter().find(|e| e.covers(date))
    }

    /// Checks dates: starts on `start`, no gap, no overlap, last entry open-ended, and an
    /// explanatory note on every entry without a value.
    pub fn validate(&self, param: &'static str, start: Date) -> Result<(), TableError> {
        let first = self.entries.first().ok_or(TableError::Missing { param })?;
        if first.from != start {
            return Err(TableError::StartsLate { param, start, first: first.from });
        }
        for pair in self.entries.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let Some(until) = a.until else {
                return Err(TableError::Overlap { param, from: b.from, open_from: a.from });
            };
            let expected = until.next_day();
            if b.from > expected {
                return Err(TableError::Gap { param, after: until, next: b.from });
            }
            if b.from < expected {
                return Err(TableError::Overlap { param, from: b.from, open_from: a.from });
            }
        }
        for e in &self.entries {
            if let Some(until) = e.until
                && until < e.from
            {
                return Err(TableError::EndsBeforeStart { param, from: e.from, until });
            }
            if e.source.trim().is_empty() {
                return Err(TableError::NoSource { param, from: e.from });
            }
            if e.value.is_none() && e.note.trim().is_empty() {
                return Err(TableError::AbsentWithoutNote { param, from: e.from });
            }
        }
        if let Some(last) = self.entries.last()
            && let Some(until) = last.until
        {
            return Err(TableError::NotOpenEnded { param, until });
        }
        Ok(())
    }
}

/// Money in whole đồng. Every amount in ansinh is an integer number of đồng.
pub type Dong = u64;
/// A share in basis points: 10,000 = 100%.
pub type BasisPoints = u32;

/// The voluntary social insurance contribution rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContributionRule {
    /// Contribution as a share of the chosen monthly income (22%).
    pub rate_bp: BasisPoints,
    /// The income ceiling is this many times the reference level (20).
    pub ceiling_multiple: u32,
    /// Youngest age at which a person may join, in years.
    pub min_age_years: u8,
}

/// State support as a share of (contribution rate × rural poverty line), by group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportRates {
    /// Poor household.
    pub poor_bp: BasisPoints,
    /// Near-poor household.
    pub near_poor_bp: BasisPoints,
    /// Ethnic minority.
    pub ethnic_minority_bp: BasisPoints,
    /// Resident of an island commune or special zone.
    pub island_bp: BasisPoints,
    /// Everyone else.
    pub other_bp: BasisPoints,
    /// Support is paid for at most this many months of participation in total.
    pub cap_months: u16,
}

/// A province's own top-up on the national support.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProvinceTopUp<'a> {
    /// Official province code on the 2025 map, e.g. "01" for Hà Nội.
    pub code: &'a str,
    /// Province name.
    pub name: &'a str,
    /// The top-up rates over time (same base as the national support).
    #[serde(borrow)]
    pub rates: Series<'a, SupportRates>,
}

/// Allowed payment modes for voluntary social insurance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentModes {
    /// Periodic payment lengths in months (1, 3, 6, 12).
    pub periodic_months: Vec<u8, MAX_PERIODS>,
    /// Shortest advance payment for future years, in years.
    pub advance_years_min: u8,
    /// Longest advance payment for future years, in years.
    pub advance_years_max: u8,
    /// Most missing months that may be back-paid at retirement age.
    pub backpay_max_months: u16,
}

/// The statutory retirement-age schedule (normal working conditions).
///
/// Before `start_year` the ages are `*_before_months`; from `start_year` on they rise by
/// `*_step_months` a year from `*_start_months` until `*_max_months`. The age that applies to a
/// person is the one in force in the calendar year in which they reach it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetirementSchedule {
    /// First calendar year of the rising schedule.
    pub start_year: u16,
    /// Men's age before the schedule, in months.
    pub male_before_months: u16,
    /// Men's age in `start_year`, in months.
    pub male_start_months: u16,
    /// Yearly rise for men, in months.
    pub male_step_months: u16,
    /// Men's final age, in months.
    pub male_max_months: u16,
    /// Women's age before the schedule, in months.
    pub female_before_months: u16,
    /// Women's age in `start_year`, in months.
    pub female_start_months: u16,
    /// Yearly rise for women, in months.
    pub female_step_months: u16,
    /// Women's final age, in months.
    pub female_max_months: u16,
}

/// Earlier retirement for long-standing voluntary participants (transitional rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionalRetirement {
    /// Applies to people whose first voluntary contribution was before this day.
    pub started_before: Date,
    /// ... and who have at least this many months of contributions.
    pub min_months: u16,
    /// Men's retirement age under this rule, in months.
    pub male_age_months: u16,
    /// Women's retirement age under this rule, in months.
    pub female_age_months: u16,
}

/// Pension accrual (replacement rate) rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accrual {
    /// Months of contributions needed for a pension.
    pub min_months: u16,
    /// Women: years at which `female_base_bp` is reached.
    pub female_base_years: u8,
    /// Women: rate at `female_base_years`.
    pub female_base_bp: BasisPoints,
    /// Women: rise per further year.
    pub female_step_bp: BasisPoints,
    /// Men: years at which `male_base_bp` is reached.
    pub male_base_years: u8,
    /// Men: rate at `male_base_years`.
    pub male_base_bp: BasisPoints,
    /// Men: rise per further year.
    pub male_step_bp: BasisPoints,
    /// Men with fewer than `male_base_years`: years at which `male_short_base_bp` applies
    /// (0 = no such band).
    pub male_short_base_years: u8,
    /// Men's rate at `male_short_base_years`.
    pub male_short_base_bp: BasisPoints,
    /// Men's rise per year inside the short band.
    pub male_short_step_bp: BasisPoints,
    /// Highest rate.
    pub cap_bp: BasisPoints,
}

/// How odd months count when years of contributions are counted (a rule of its own, because
/// its source is weaker than the accrual rates').
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HalfYearRounding {
    /// Odd months up to this count add half a year; more odd months add a full year.
    pub max_odd_months: u8,
}

/// Income adjustment coefficients for one settlement year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CpiTable {
    /// The year of settlement (pension award) the table is published for.
    pub settlement_year: u16,
    /// The contribution year of the first coefficient.
    pub first_year: u16,
    /// Coefficients in hundredths (229 = 2.29), one per contribution year from `first_year`.
    pub hundredths: Vec<u16, MAX_CPI_YEARS>,
}

impl CpiTable {
    /// Coefficient in hundredths for income paid in `year`: from the table, and never below
    /// 1.00 (years after the table, i.e. future years, count at 1.00).
    pub fn coefficient(&self, year: u16) -> u16 {
        let idx = year.checked_sub(self.first_year).map(usize::from);
        idx.and_then(|i| self.hundredths.get(i)).copied().unwrap_or(100).max(100)
    }
}

/// Household health insurance premiums.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BhytHousehold {
    /// First member's monthly premium as a share of the reference level (4.5%).
    pub rate_bp: BasisPoints,
    /// Share of the first member's premium paid by the 1st, 2nd, ... member; the last step
    /// applies to every later member.
    pub reductions_bp: Vec<BasisPoints, MAX_REDUCTION_STEPS>,
    /// Allowed payment lengths in months.
    pub periods_months: Vec<u8, MAX_PERIODS>,
}

/// The social pension (for old people without a pension).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SocialPension {
    /// Monthly amount.
    pub monthly: Dong,
    /// Age from which anyone without a pension qualifies, in years.
    pub age_years: u8,
    /// Lower age for poor and near-poor households, in years.
    pub age_years_poor: u8,
}

/// Maternity allowance for voluntary participants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Maternity {
    /// Amount per child born.
    pub per_child: Dong,
    /// Months of contributions needed ...
    pub min_months: u8,
    /// ... within this many months before the birth.
    pub window_months: u8,
}

/// Funeral allowance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Funeral {
    /// Amount as a multiple of the reference level on the day of death.
    pub reference_multiple: u32,
    /// Months of contributions needed (pensioners always qualify).
    pub min_months: u16,
}

/// One-time social insurance withdrawal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneTime {
    /// Years before this one earn the lower multiple.
    pub cutoff_year: u16,
    /// Months of average income per year before `cutoff_year`, in tenths (15 = 1.5).
    pub tenths_before: u16,
    /// Months of average income per year from `cutoff_year`, in tenths (20 = 2).
    pub tenths_from: u16,
    /// With under one year paid: the contributions paid, capped at this many months of the
    /// average income, in tenths.
    pub under_one_year_cap_tenths: u16,
}

/// Monthly allowance for people at retirement age without enough years for a pension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthlyAllowance {
    /// The pot is this many months of average income per year paid, in tenths (20 = 2).
    pub tenths_per_year: u16,
}

/// The social insurance fund's return used to discount advance and compound back-payments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundReturn {
    /// Average monthly return, in parts per million (3,100 = 0.31% a month).
    pub monthly_ppm: u32,
}

/// The whole policy table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyTable<'a> {
    /// Version id of this table, printed on every quote and receipt.
    pub version: &'a str,
    /// What the table covers and as of when.
    pub title: &'a str,
    /// Every series starts on this day.
    pub valid_from: Date,
    /// The last day for which the table's parameters are confirmed ("known until"): past it,
    /// amounts worked out with this table are estimates (a rule may change that the table
    /// does not know of yet). Not before `valid_from`.
    pub valid_until: Date,
    /// Rural poverty line, đồng per person per month (the income floor).
    #[serde(borrow)]
    pub rural_poverty_line: Series<'a, Dong>,
    /// Reference level (base salary), đồng per month.
    #[serde(borrow)]
    pub reference_level: Series<'a, Dong>,
    /// Contribution rate, ceiling multiple, joining age.
    #[serde(borrow)]
    pub contribution: Series<'a, ContributionRule>,
    /// National support by group.
    #[serde(borrow)]
    pub support_national: Series<'a, SupportRates>,
    /// Provincial top-ups, by official province code.
    #[serde(borrow)]
    pub support_local: Vec<ProvinceTopUp<'a>, MAX_PROVINCES>,
    /// Allowed payment modes.
    #[serde(borrow)]
    pub payment_modes: Series<'a, PaymentModes>,
    /// Retirement-age schedule.
    #[serde(borrow)]
    pub retirement_age: Series<'a, RetirementSchedule>,
    /// Transitional earlier retirement.
    #[serde(borrow)]
    pub transitional_retirement: Series<'a, TransitionalRetirement>,
    /// Pension accrual.
    #[serde(borrow)]
    pub accrual: Series<'a, Accrual>,
    /// Counting odd months as half or whole years.
    #[serde(borrow)]
    pub half_year_rounding: Series<'a, HalfYearRounding>,
    /// CPI adjustment coefficients, looked up by the settlement date.
    #[serde(borrow)]
    pub cpi: Series<'a, CpiTable>,
    /// Household health insurance.
    #[serde(borrow)]
    pub bhyt_household: Series<'a, BhytHousehold>,
    /// Social pension.
    #[serde(borrow)]
    pub social_pension: Series<'a, SocialPension>,
    /// Maternity allowance.
    #[serde(borrow)]
    pub maternity: Series<'a, Maternity>,
    /// Funeral allowance.
    #[serde(borrow)]
    pub funeral: Series<'a, Funeral>,
    /// One-time withdrawal.
    #[serde(borrow)]
    pub one_time: Series<'a, OneTime>,
    /// Monthly allowance when short of the pension years.
    #[serde(borrow)]
    pub monthly_allowance: Series<'a, MonthlyAllowance>,
    /// Fund return for advance and back-payments.
    #[serde(borrow)]
    pub fund_return: Series<'a, FundReturn>,
}

/// Encoded size limit of a table (postcard bytes), so a device can reserve a buffer.
pub const MAX_ENCODED_BYTES: usize = 64 * 1024;

impl<'a> PolicyTable<'a> {
    /// Decodes and validates a compiled table (see the `std` feature's `compile_toml`).
    pub fn from_bytes(bytes: &'a [u8]) -> Result<Self, TableError> {
        if bytes.len() > MAX_ENCODED_BYTES {
            return Err(TableError::TooLarge { bytes: bytes.len() });
        }
        let table: PolicyTable<'a> =
            postcard::from_bytes(bytes).map_err(|_| TableError::Corrupt)?;
        table.validate()?;
        Ok(table)
    }

    /// Checks every series' dates and every value's plausibility.
    pub fn validate(&self) -> Result<(), TableError> {
        if self.version.trim().is_empty() {
            return Err(TableError::Missing { param: "version" });
        }
        let s = self.valid_from;
        if self.valid_until < s {
            return Err(TableError::InvalidValue {
                param: "valid_until",
                reason: "the table is known until a day before it is valid from",
            });
        }
        self.rural_poverty_line.validate("rural_poverty_line", s)?;
        self.reference_level.validate("reference_level", s)?;
        self.contribution.validate("contribution", s)?;
        self.support_national.validate("support_national", s)?;
        self.payment_modes.validate("payment_modes", s)?;
        self.retirement_age.validate("retirement_age", s)?;
        self.transitional_retirement.validate("transitional_retirement", s)?;
        self.accrual.validate("accrual", s)?;
        self.half_year_rounding.validate("half_year_rounding", s)?;
        self.cpi.validate("cpi", s)?;
        self.bhyt_household.validate("bhyt_household", s)?;
        self.social_pension.validate("social_pension", s)?;
        self.maternity.validate("maternity", s)?;
        self.funeral.validate("funeral", s)?;
        self.one_time.validate("one_time", s)?;
        self.monthly_allowance.validate("monthly_allowance", s)?;
        self.fund_return.validate("fund_return", s)?;
        for (i, p) in self.support_local.iter().enumerate() {
            if self.support_local[..i].iter().any(|q| q.code == p.code) {
                return Err(TableError::DuplicateProvince { code: heapless_code(p.code) });
            }
            p.rates.validate("support_local", s)?;
        }
        self.check_values()
    }

    fn check_values(&self) -> Result<(), TableError> {
        fn bad(param: &'static str, reason: &'static str) -> TableError {
            TableError::InvalidValue { param, reason }
        }
        fn values<'b, V>(s: &'b Series<'_, V>) -> impl Iterator<Item = &'b V> {
            s.entries.iter().filter_map(|e| e.value.as_ref())
        }
        for (param, series) in [
            ("rural_poverty_line", &self.rural_poverty_line),
            ("reference_level", &self.reference_level),
        ] {
            if values(series).any(|v| *v == 0) {
                return Err(bad(param, "amount must be above zero"));
            }
        }
        for c in values(&self.contribution) {
            if c.rate_bp == 0 || c.rate_bp > 10_000 || c.ceiling_multiple == 0 {
                return Err(bad(
                    "contribution",
                    "rate must be 0–100% and the ceiling multiple > 0",
                ));
            }
        }
        let rates_ok = |r: &SupportRates| {
            [r.poor_bp, r.near_poor_bp, r.ethnic_minority_bp, r.island_bp, r.other_bp]
                .iter()
                .all(|bp| *bp <= 10_000)
        };
        if !values(&self.support_national).all(rates_ok)
            || !self.support_local.iter().all(|p| values(&p.rates).all(rates_ok))
        {
            return Err(bad("support", "a support share is above 100%"));
        }
        for m in values(&self.payment_modes) {
            if m.periodic_months.is_empty()
                || m.advance_years_min > m.advance_years_max
                || m.periodic_months.contains(&0)
            {
                return Err(bad("payment_modes", "periods must be non-zero and advance min ≤ max"));
            }
        }
        for r in values(&self.retirement_age) {
            if r.male_start_months > r.male_max_months
                || r.female_start_months > r.female_max_months
            {
                return Err(bad("retirement_age", "start age above final age"));
            }
        }
        for a in values(&self.accrual) {
            if a.cap_bp > 10_000 || a.min_months == 0 {
                return Err(bad("accrual", "cap above 100% or zero minimum"));
            }
        }
        if values(&self.half_year_rounding).any(|h| h.max_odd_months > 11) {
            return Err(bad("half_year_rounding", "odd-month limit above 11"));
        }
        for t in values(&self.cpi) {
            if t.hundredths.iter().any(|h| *h < 100) || t.hundredths.is_empty() {
                return Err(bad("cpi", "coefficients must be at least 1.00"));
            }
        }
        for b in values(&self.bhyt_household) {
            if b.reductions_bp.is_empty()
                || b.periods_months.is_empty()
                || b.reductions_bp.windows(2).any(|w| w[1] > w[0])
                || b.reductions_bp.iter().any(|r| *r > 10_000)
            {
                return Err(bad("bhyt_household", "reductions must be non-increasing, ≤100%"));
            }
        }
        if values(&self.fund_return).any(|f| f.monthly_ppm >= 100_000) {
            return Err(bad("fund_return", "a monthly return of 10% or more is implausible"));
        }
        Ok(())
    }

    /// The top-up series for a province code, if the province has one.
    pub fn province_top_up(&self, code: &str) -> Option<&ProvinceTopUp<'a>> {
        self.support_local.iter().find(|p| p.code == code)
    }

    /// The first day after `paid_on`, up to `through` (the last day a payment covers), from
    /// which the rules that price `scheme` differ from those of `paid_on`, or may differ
    /// because the table is confirmed only until the day before ([`PolicyTable::valid_until`]).
    ///
    /// A payment is priced entirely at the rules of its day (a later change brings no top-up
    /// and no refund), so months past this day are paid at rules that are no longer those in
    /// force for them: the screens say so. `None`: the whole period is under the rules of
    /// `paid_on` as far as the table knows.
    pub fn rules_change(
        &self,
        scheme: PricedBy<'_>,
        paid_on: Date,
        through: Date,
    ) -> Option<RulesChange> {
        let mut found: Option<RulesChange> = None;
        let mut consider = |from: Option<Date>, param: Option<&'static str>| {
            let Some(from) = from else { return };
            let earlier = found.is_none_or(|f| {
                from < f.from || (from == f.from && f.param.is_none() && param.is_some())
            });
            if earlier {
                found = Some(RulesChange { from, param });
            }
        };
        match scheme {
            PricedBy::Voluntary { province } => {
                let p = (paid_on, through);
                consider(changes(&self.rural_poverty_line, p), Some("rural_poverty_line"));
                consider(changes(&self.reference_level, p), Some("reference_level"));
                consider(changes(&self.contribution, p), Some("contribution"));
                consider(changes(&self.support_national, p), Some("support_national"));
                consider(changes(&self.fund_return, p), Some("fund_return"));
                if let Some(top_up) = province.and_then(|c| self.province_top_up(c)) {
                    consider(changes(&top_up.rates, p), Some("support_local"));
                }
            }
            PricedBy::Household => {
                let p = (paid_on, through);
                consider(changes(&self.reference_level, p), Some("reference_level"));
                consider(changes(&self.bhyt_household, p), Some("bhyt_household"));
            }
        }
        if paid_on <= self.valid_until && self.valid_until < through {
            consider(Some(self.valid_until.next_day()), None);
        }
        found
    }
}

/// Which rules price a payment: voluntary social insurance (with the province of a top-up,
/// if any) or household health insurance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PricedBy<'p> {
    /// Voluntary social insurance: floor, ceiling, rate, national and provincial support and
    /// the fund return of advance payments.
    Voluntary {
        /// Official province code of a provincial top-up.
        province: Option<&'p str>,
    },
    /// Household health insurance: the reference level and the household premiums.
    Household,
}

/// The day the rules of a payment's later months part from those it is priced at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RulesChange {
    /// The first day under other rules (or rules the table does not confirm).
    pub from: Date,
    /// The parameter the table changes on that day (`rural_poverty_line`…); `None` when the
    /// table only stops being confirmed then.
    pub param: Option<&'static str>,
}

/// The first day in `(after, through]` on which `series` takes another value than on `after`.
fn changes<V: PartialEq>(series: &Series<'_, V>, (after, through): (Date, Date)) -> Option<Date> {
    let now = series.at(after)?;
    series
        .entries
        .iter()
        .filter(|e| e.from > after && e.from <= through)
        .find(|e| e.value != now.value)
        .map(|e| e.from)
}

fn heapless_code(code: &str) -> heapless::String<8> {
    let mut s = heapless::String::new();
    for c in code.chars() {
        if s.push(c).is_err() {
            break;
        }
    }
    s
}
