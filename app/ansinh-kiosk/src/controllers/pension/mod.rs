//! "When and how much pension?": birth month, sex, years already paid and planned income →
//! retirement month, accrual rate, monthly pension, a chart of contributions paid against
//! pension received over the years, and what to do when short of the years needed.

use ansinh_core::cite::Citations;
use ansinh_core::money::apply_bp;
use ansinh_core::pension::{Paid, PensionEstimate, PensionRequest, estimate};
use ansinh_core::person::Sex;
use ansinh_core::projection::{Plan as PaymentPlan, project};
use ansinh_core::{Date, Dong, Month, PolicyTable};

use crate::controllers::quote::QuoteController;
use crate::text::{Line, Locale, money, month, percent, sources, tr, words, years_months};

/// One step of the income steppers.
pub const STEP: Dong = 100_000;
/// Years of pension drawn in the chart after retirement.
pub const CHART_YEARS_AFTER: u16 = 20;
/// Most bars in the chart (each bar is a year, or several years in a long chart).
pub const MAX_BARS: u16 = 10;

/// One bar pair of the chart: money paid in and pension received, both cumulative.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bar {
    /// Year at the end of which the sums are taken.
    pub label: String,
    /// Contributions paid so far, per mille of the chart's maximum.
    pub paid: i32,
    /// Pension received so far, per mille of the chart's maximum.
    pub received: i32,
}

/// The pension screen's inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PensionController {
    /// Birth year (0 until set from today).
    born_year: u16,
    /// Birth month 1–12.
    born_month: u8,
    /// Sex, once chosen.
    sex: Option<Sex>,
    /// Whole years already paid.
    paid_years: u16,
    /// Months on top of the years.
    paid_months: u16,
    /// Average monthly income of the months already paid (0 = the floor).
    paid_average: Dong,
    /// Planned monthly income from next month (0 = stop paying).
    planned_income: Dong,
    /// Whether `planned_income` was set (else it follows the floor).
    planned_set: bool,
    /// Poor or near-poor household (social pension from 70).
    poor_household: bool,
}

impl Default for PensionController {
    fn default() -> Self {
        Self {
            born_year: 0,
            born_month: 1,
            sex: None,
            paid_years: 0,
            paid_months: 0,
            paid_average: 0,
            planned_income: 0,
            planned_set: false,
            poor_household: false,
        }
    }
}

/// What the screen shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PensionView {
    /// `03/1979`.
    pub born: String,
    /// `20 năm 3 tháng`.
    pub paid: String,
    /// Average income of the months paid.
    pub paid_average: String,
    /// Planned income, or "stop paying".
    pub planned: String,
    /// Headline results (retirement month, years at retirement, rate, pension).
    pub results: Vec<Line>,
    /// Monthly pension in figures (empty when not eligible).
    pub pension: String,
    /// ... in words.
    pub pension_words: String,
    /// Eligible for a pension.
    pub eligible: bool,
    /// What to do when short of the years (each a plain sentence with its amount).
    pub advice: Vec<String>,
    /// Chart bars.
    pub bars: Vec<Bar>,
    /// The chart's top value.
    pub chart_max: String,
    /// One sentence under the chart.
    pub chart_note: String,
    /// Asks for what is missing, or the core's refusal.
    pub error: String,
    /// Marked as an estimate.
    pub estimate: bool,
    /// Sources.
    pub sources: Vec<String>,
}

impl PensionController {
    fn settle(&mut self, table: &PolicyTable<'_>, today: Date) {
        let floor = QuoteController::bounds(table, today).0;
        if self.born_year == 0 {
            self.born_year = today.year().saturating_sub(45);
        }
        if self.paid_average == 0 {
            self.paid_average = floor;
        }
        if !self.planned_set {
            self.planned_income = floor;
        }
    }

    /// Birth year ±1.
    pub fn step_year(&mut self, table: &PolicyTable<'_>, today: Date, d: i32) {
        self.settle(table, today);
        let y = i32::from(self.born_year) + d.signum();
        let max = i32::from(today.year()) - 15;
        self.born_year = u16::try_from(y.clamp(1930, max)).unwrap_or(self.born_year);
    }

    /// Birth month ±1 (wrapping).
    pub fn step_month(&mut self, d: i32) {
        let m = (i32::from(self.born_month) - 1 + d.signum()).rem_euclid(12) + 1;
        self.born_month = u8::try_from(m).unwrap_or(1);
    }

    /// Years paid ±1.
    pub fn step_paid_years(&mut self, d: i32) {
        let y = (i32::from(self.paid_years) + d.signum()).clamp(0, 50);
        self.paid_years = u16::try_from(y).unwrap_or(0);
    }

    /// Months paid ±1 (0–11).
    pub fn step_paid_months(&mut self, d: i32) {
        let m = (i32::from(self.paid_months) + d.signum()).clamp(0, 11);
        self.paid_months = u16::try_from(m).unwrap_or(0);
    }

    /// Average income of the months paid ±[`STEP`].
    pub fn step_paid_average(&mut self, table: &PolicyTable<'_>, today: Date, d: i32) {
        self.settle(table, today);
        let (floor, ceiling) = QuoteController::bounds(table, today);
        let v =
            if d < 0 { self.paid_average.saturating_sub(STEP) } else { self.paid_average + STEP };
        // Past incomes may be below today's floor (it has risen): down to 500,000.
        self.paid_average = v.clamp(500_000.min(floor), ceiling);
    }

    /// Planned income ±[`STEP`]; below the floor means stopping.
    pub fn step_planned(&mut self, table: &PolicyTable<'_>, today: Date, d: i32) {
        self.settle(table, today);
        let (floor, ceiling) = QuoteController::bounds(table, today);
        self.planned_set = true;
        self.planned_income = match (d < 0, self.planned_income) {
            (true, v) if v <= floor => 0,
            (true, v) => (v - STEP).max(floor),
            (false, 0) => floor,
            (false, v) => (v + STEP).min(ceiling),
        };
    }

    /// The request for the core (`None` until the sex is chosen).
    pub fn request(&self, today: Date) -> Option<PensionRequest<'static>> {
        let born = Month::new(self.born_year, self.born_month).ok()?;
        Some(PensionRequest {
            on: today,
            born,
            sex: self.sex?,
            paid: Paid::Summary {
                months: self.paid_years * 12 + self.paid_months,
                average: self.paid_average,
            },
            planned_income: self.planned_income,
            planned_months: None,
            first_paid: None,
            poor_household: self.poor_household,
            support_received: 0,
        })
    }

    /// The screen.
    pub fn view(&mut self, table: &PolicyTable<'_>, today: Date, lang: Locale) -> PensionView {
        self.settle(table, today);
        let mut v = PensionView {
            born: format!("{:02}/{}", self.born_month, self.born_year),
            paid: years_months(u32::from(self.paid_years * 12 + self.paid_months), lang),
            paid_average: money(self.paid_average, lang),
            planned: if self.planned_income == 0 {
                tr!(lang, "pension-stop-paying").into()
            } else {
                money(self.planned_income, lang)
            },
            ..PensionView::default()
        };
        let Some(req) = self.request(today) else {
            v.error = tr!(lang, "pension-choose-sex").into();
            return v;
        };
        match estimate(table, &req) {
            Ok(e) => {
                let plan =
                    Plan { past_average: self.paid_average, planned_income: self.planned_income };
                fill(&mut v, &e, plan, table, today, lang);
            }
            Err(e) => v.error = e.message(lang.core()).to_string(),
        }
        v
    }
}

fn fill(
    v: &mut PensionView,
    e: &PensionEstimate<'_>,
    plan: Plan,
    table: &PolicyTable<'_>,
    today: Date,
    lang: Locale,
) {
    let age = years_months(u32::from(e.retirement_age.0), lang);
    v.results = vec![
        Line::new(
            tr!(lang, "pension-retirement-age-reached"),
            format!("{} ({age})", month(e.retirement_month)),
        ),
        Line::new(
            tr!(lang, "pension-years-paid-at-retirement"),
            years_months(u32::from(e.months_at_retirement), lang),
        ),
    ];
    v.eligible = e.eligible;
    v.estimate = e.estimate;
    v.sources = sources(&e.citations, lang);
    if e.eligible {
        v.results.push(Line::new(tr!(lang, "pension-accrual-rate"), percent(e.rate_bp, lang)));
        v.results
            .push(Line::new(tr!(lang, "pension-average-income"), money(e.average_income, lang)));
        if let Some(from) = e.pension_from {
            v.results.push(Line::new(tr!(lang, "pension-from"), month(from)));
            if e.already_eligible {
                v.advice.push(tr!(lang, "pension-already-eligible", from = month(from)));
            }
        }
        v.results.push(Line::strong(
            tr!(lang, "pension-monthly-pension"),
            money(e.monthly_pension, lang),
        ));
        v.pension = money(e.monthly_pension, lang);
        v.pension_words = words(e.monthly_pension, lang);
    } else {
        v.results.push(Line::strong(
            tr!(lang, "pension-short-by"),
            years_months(u32::from(e.shortfall_months), lang),
        ));
        advice(v, e, lang);
    }
    if let Some(sp) = &e.social_pension {
        v.advice.push(tr!(
            lang,
            "pension-social-pension",
            amount = money(sp.monthly, lang),
            from = month(sp.from),
            age = sp.age_years
        ));
    }
    v.advice.push(tr!(lang, "pension-one-time", amount = money(e.one_time_amount, lang)));
    chart(v, e, plan, table, today, lang);
}

fn advice(v: &mut PensionView, e: &PensionEstimate<'_>, lang: Locale) {
    if let Some(b) = &e.backpay {
        v.advice.push(tr!(
            lang,
            "pension-backpay",
            missing = years_months(u32::from(b.months), lang),
            paid_in = month(b.paid_in),
            cost = money(b.cost, lang),
            pension = money(b.monthly_pension, lang),
            from = month(b.pension_from)
        ));
    } else if e.shortfall_months > 0 {
        v.advice.push(tr!(lang, "pension-no-backpay").into());
    }
    if let Some(p) = &e.pay_on {
        v.advice.push(tr!(
            lang,
            "pension-pay-on",
            duration = years_months(u32::from(p.months), lang),
            complete = month(p.complete_in),
            pension = money(p.monthly_pension, lang),
            from = month(p.pension_from)
        ));
    }
    if let Some(a) = &e.monthly_allowance {
        v.advice.push(tr!(
            lang,
            "pension-monthly-allowance",
            amount = money(a.monthly, lang),
            months = a.months
        ));
    }
}

/// Cumulative contributions paid (22% of the incomes) against cumulative pension received.
fn chart(
    v: &mut PensionView,
    e: &PensionEstimate<'_>,
    plan: Plan,
    table: &PolicyTable<'_>,
    today: Date,
    lang: Locale,
) {
    let rate = table.contribution.at(today).and_then(|c| c.value.as_ref()).map_or(0, |c| c.rate_bp);
    let past_paid = apply_bp(plan.past_average, rate).unwrap_or(0) * Dong::from(e.months_paid);
    // The planned months through the core's projection: each month at the floor in force then.
    let planned_paid = |months: u16| -> Dong {
        let first = today.month().plus(1).unwrap_or(today.month());
        let mut c = Citations::new();
        project(table, &PaymentPlan::at(plan.planned_income), first, months, &mut c)
            .map_or(0, |p| p.gross)
    };
    let planned = u32::from(e.months_planned);
    let first_year = today.year();
    let last_year = e.retirement_month.year() + CHART_YEARS_AFTER;
    let every = (last_year - first_year).div_ceil(MAX_BARS).max(1);
    let mut points = Vec::new();
    let mut year = first_year;
    while year <= last_year {
        let end = Month::new(year, 12).unwrap_or(today.month());
        let months_planned = end.months_since(today.month()).min(planned);
        let paid = past_paid + planned_paid(u16::try_from(months_planned).unwrap_or(u16::MAX));
        let received = match e.pension_from {
            Some(from) if end >= from => e.monthly_pension * Dong::from(end.months_since(from) + 1),
            _ => 0,
        };
        points.push((year, paid, received));
        year += every;
    }
    let max = points.iter().map(|(_, p, r)| (*p).max(*r)).max().unwrap_or(0).max(1);
    v.bars = points
        .iter()
        .map(|(y, p, r)| Bar {
            label: y.to_string(),
            paid: i32::try_from(p * 1000 / max).unwrap_or(1000),
            received: i32::try_from(r * 1000 / max).unwrap_or(1000),
        })
        .collect();
    v.chart_max = money(max, lang);
    let total_paid = past_paid + e.planned.gross;
    let months_to_even =
        if e.monthly_pension > 0 { total_paid.div_ceil(e.monthly_pension) } else { 0 };
    let even = years_months(u32::try_from(months_to_even).unwrap_or(0), lang);
    v.chart_note = if e.eligible && e.monthly_pension > 0 {
        tr!(lang, "pension-chart-even", paid = money(total_paid, lang), even = even)
    } else {
        tr!(lang, "pension-chart-not-eligible", paid = money(total_paid, lang))
    };
}

/// The incomes as entered (the estimate only keeps their blended average).
#[derive(Clone, Copy)]
struct Plan {
    past_average: Dong,
    planned_income: Dong,
}

/// What the adapter draws, and the choices it forwards.
impl PensionController {
    /// Birth year (0 until set from today).
    pub fn born_year(&self) -> u16 {
        self.born_year
    }
    /// Birth month 1–12.
    pub fn born_month(&self) -> u8 {
        self.born_month
    }
    /// Sex, once chosen.
    pub fn sex(&self) -> Option<Sex> {
        self.sex
    }
    /// Whole years already paid.
    pub fn paid_years(&self) -> u16 {
        self.paid_years
    }
    /// Months on top of the years.
    pub fn paid_months(&self) -> u16 {
        self.paid_months
    }
    /// Poor or near-poor household.
    pub fn poor_household(&self) -> bool {
        self.poor_household
    }
    /// Sex was tapped.
    pub fn pick_sex(&mut self, sex: Sex) {
        self.sex = Some(sex);
    }
    /// The poor-household box was tapped.
    pub fn toggle_poor(&mut self) {
        self.poor_household = !self.poor_household;
    }
    /// A person set at once (the tour, a scanned card): birth month and year, sex, and the
    /// years and months already paid.
    pub fn set_person(&mut self, born: (u16, u8), sex: Sex, paid: (u16, u16)) {
        (self.born_year, self.born_month) = (born.0, born.1.clamp(1, 12));
        self.sex = Some(sex);
        (self.paid_years, self.paid_months) = (paid.0, paid.1.min(11));
    }
    /// The planned income from next month set at once (0: stop paying).
    pub fn set_planned(&mut self, income: Dong) {
        (self.planned_income, self.planned_set) = (income, true);
    }
}

#[cfg(test)]
mod tests;
