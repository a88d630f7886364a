//! An answer for every citizen at the counter (issue 12): people long past retirement age,
//! back-pay after the retirement month, and sweeps over every birth month, payment date, mode
//! and group that must all answer (or refuse in a documented way that is not a back-pay error).

use ansinh_core::pension::{Paid, PensionEstimate, PensionRequest, estimate};
use ansinh_core::person::{Group, GroupSet, Sex};
use ansinh_core::quote::{Mode, Person, QuoteRequest, quote};
use ansinh_core::{Date, Error, Month, default_table};

fn d(s: &str) -> Date {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn m(s: &str) -> Month {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn ask(
    on: &str,
    born: &str,
    sex: Sex,
    months: u16,
    average: u64,
    planned: u64,
) -> PensionRequest<'static> {
    PensionRequest {
        on: d(on),
        born: m(born),
        sex,
        paid: Paid::Summary { months, average },
        planned_income: planned,
        planned_months: None,
        first_paid: None,
        poor_household: false,
        support_received: 0,
    }
}

fn est(req: &PensionRequest<'_>) -> PensionEstimate<'static> {
    estimate(&default_table(), req).unwrap_or_else(|e| panic!("{e}"))
}

/// A man born 08/1962 reached 60y9m in 05/2023, when 20 years were needed. With 200 months
/// (16y8m) he meets the 15-year rule in force from 1 Jul 2025: pension from 07/2025, at 42%
/// (16 years and 8 odd months count as 17 years: 40% + 2 × 1%).
#[test]
fn a_man_past_retirement_age_with_16_years_gets_his_pension() {
    let e = est(&ask("2026-11-22", "1962-08", Sex::Male, 200, 3_000_000, 0));
    assert_eq!(e.retirement_month, m("2023-05"));
    assert!(e.eligible);
    assert!(e.already_eligible);
    assert_eq!(e.pension_from, Some(m("2025-07")));
    assert_eq!((e.rate_bp, e.monthly_pension), (4200, 1_260_000));
    assert_eq!(e.months_required, 180);
    assert!(e.backpay.is_none() && e.pay_on.is_none());
    // The same person asked before the new law: 20 years needed, 40 months short, and more
    // than the old 10-year back-pay limit allows is not the case: back-pay is offered.
    let before = est(&ask("2025-03-10", "1962-08", Sex::Male, 200, 3_000_000, 0));
    assert!(!before.eligible);
    assert_eq!(before.months_required, 240);
    assert_eq!(before.shortfall_months, 40);
}

/// Men born before 1958 and women before 1963 reached the age before the table begins.
#[test]
fn people_who_reached_the_age_before_the_table_are_answered() {
    // 100 months: 80 short of 15 years, too many to back-pay; paying on starts next month.
    let e = est(&ask("2026-11-22", "1955-03", Sex::Male, 100, 2_000_000, 0));
    assert_eq!(e.retirement_month, m("2015-03"));
    assert!(!e.eligible);
    assert_eq!(e.shortfall_months, 80);
    assert!(!e.backpay_allowed && e.backpay.is_none());
    let on = e.pay_on.unwrap_or_else(|| panic!("pay on"));
    assert_eq!((on.complete_in, on.pension_from), (m("2033-07"), m("2033-08")));
    let sp = e.social_pension.unwrap_or_else(|| panic!("social pension"));
    assert_eq!((sp.from, sp.monthly), (m("2030-03"), 500_000));
    assert!(e.monthly_allowance.is_some());

    // A woman born 1958 with 17 years: pension from July 2025.
    let w = est(&ask("2026-11-22", "1958-06", Sex::Female, 204, 2_000_000, 0));
    assert_eq!(w.pension_from, Some(m("2025-07")));
    assert_eq!(w.rate_bp, 4500 + 2 * 200);

    // 25 years by 2010: the pension was settled under rules the table does not hold.
    let old =
        estimate(&default_table(), &ask("2026-11-22", "1950-01", Sex::Male, 300, 2_000_000, 0));
    assert_eq!(old.map(|e| e.eligible), Err(Error::SettledBeforeTable { since: m("2018-01") }));
}

/// Item 3: back-paid after the retirement month, the pension starts the month after the
/// back-payment, not the month after reaching the age.
#[test]
fn backpay_after_the_retirement_month_starts_the_pension_after_the_payment() {
    // A woman born 01/1960 reached 55 in 01/2015; 170 months: 10 short, back-paid now.
    let e = est(&ask("2026-11-22", "1960-01", Sex::Female, 170, 2_000_000, 0));
    assert_eq!(e.shortfall_months, 10);
    let b = e.backpay.unwrap_or_else(|| panic!("back-pay"));
    assert_eq!((b.paid_in, b.pension_from), (m("2026-11"), m("2026-12")));
    assert_eq!(b.rate_bp, 4500);
    // Paying on instead: from next month, never in the past.
    let p = e.pay_on.unwrap_or_else(|| panic!("pay on"));
    assert_eq!((p.complete_in, p.pension_from), (m("2027-09"), m("2027-10")));
    // From January the floor is 2,200,000: 9 of the 10 months are raised to it.
    assert_eq!(p.months_raised, 9, "{p:?}");
}

/// A planned income at the 2026 floor is raised to the 2027 floor in the projection, so the
/// average rises and the pension screen and the comparison agree on it.
#[test]
fn planned_payments_follow_the_2027_floor() {
    let e = est(&ask("2026-11-22", "1985-03", Sex::Female, 20, 1_500_000, 1_500_000));
    assert_eq!(e.months_planned, e.planned.months);
    assert_eq!(e.planned.first, Some(m("2026-12")));
    assert_eq!(e.planned.months_raised, e.planned.months - 1);
    assert!(e.average_income > 2_100_000, "{}", e.average_income);
}

fn is_backpay_error(e: &Error) -> bool {
    matches!(
        e,
        Error::BackpayTooLong { .. }
            | Error::BackpayShortfallTooLarge { .. }
            | Error::BackpayNothingMissing { .. }
            | Error::BackpayNeedsPaidMonths
            | Error::BackpayTooEarly { .. }
            | Error::BackpayNeedsPerson
    )
}

/// Every birth month from 1950 to 2010, both sexes, paid months 0–480 in steps, on dates from
/// 2025 to 2036: an estimate, or a documented refusal that is not a back-pay error. The dates
/// rotate through a list (both sides of every 1 Jan and 1 Jul) so every date meets every age.
#[test]
fn sweep_pension_answers_everyone() {
    let table = default_table();
    let mut dates = Vec::new();
    for y in 2025u16..=2036 {
        for (mo, day) in [(1, 1), (3, 15), (6, 30), (7, 1), (9, 9), (12, 31)] {
            dates.push(Date::new(y, mo, day).unwrap_or_else(|e| panic!("{e}")));
        }
    }
    let (mut answered, mut refused, mut i) = (0u32, 0u32, 0usize);
    let mut why = std::collections::BTreeMap::<&str, u32>::new();
    for year in 1950u16..=2010 {
        for month in 1u8..=12 {
            let born = Month::new(year, month).unwrap_or_else(|e| panic!("{e}"));
            for sex in [Sex::Male, Sex::Female] {
                for paid in (0u16..=480).step_by(30) {
                    for plan in 0..3 {
                        i += 1;
                        let on = dates[i % dates.len()];
                        let mut c = ansinh_core::cite::Citations::new();
                        let (floor, _) = ansinh_core::quote::income_bounds(&table, on, &mut c)
                            .unwrap_or_else(|e| panic!("{e}"));
                        let planned = [0, floor, 8_000_000][plan];
                        let req = PensionRequest {
                            on,
                            born,
                            sex,
                            paid: Paid::Summary { months: paid, average: 3_000_000 },
                            planned_income: planned,
                            planned_months: None,
                            first_paid: None,
                            poor_household: false,
                            support_received: 0,
                        };
                        match estimate(&table, &req) {
                            Ok(e) => {
                                answered += 1;
                                assert!(e.eligible || e.shortfall_months > 0, "{req:?}");
                                if let Some(from) = e.pension_from {
                                    assert!(from > e.retirement_month, "{req:?}");
                                }
                                if let Some(p) = &e.pay_on {
                                    assert!(
                                        p.complete_in > on.month(),
                                        "pay on in the past: {req:?}"
                                    );
                                }
                                if let Some(b) = &e.backpay {
                                    assert!(b.paid_in >= on.month(), "{req:?}");
                                    assert!(b.pension_from > b.paid_in, "{req:?}");
                                }
                            }
                            Err(err) => {
                                refused += 1;
                                *why.entry(err.code()).or_default() += 1;
                                assert!(!is_backpay_error(&err), "{err} for {req:?}");
                                assert!(
                                    matches!(
                                        err,
                                        Error::BornAfterDate { .. }
                                            | Error::BadPaidMonths { .. }
                                            | Error::SettledBeforeTable { .. }
                                    ),
                                    "undocumented refusal {err:?} for {req:?}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(answered > 60_000, "{answered} answered, {refused} refused: {why:?}");
    assert!(why.get("settled_before_table").copied().unwrap_or(0) > 0, "{why:?}");
}

/// Every mode and group on every day from 1 Jul 2025 to 31 Dec 2027, at the floor and the
/// ceiling of that day: a quote, priced by the rules of the payment date.
#[test]
fn sweep_quote_answers_every_day_mode_and_group() {
    let table = default_table();
    let mut on = d("2025-07-01");
    let last = d("2027-12-31");
    let mut modes: Vec<Mode> = [1u8, 3, 6, 12].into_iter().map(Mode::Periodic).collect();
    modes.extend((2u8..=5).map(Mode::Advance));
    modes.extend([1u16, 30, 60].into_iter().map(Mode::Backpay));
    // Reached 60 in 01/2020: back-pay is open on every day swept.
    let elder = Person::new(m("1960-01"), Sex::Male);
    let mut quotes = 0u32;
    while on <= last {
        let probe =
            quote(&table, &QuoteRequest::new(on, u64::MAX, Group::Other, Mode::Periodic(1)));
        let Err(Error::IncomeOutOfRange { floor, ceiling, .. }) = probe else {
            panic!("{on}: {probe:?}")
        };
        for mode in &modes {
            for g in Group::ALL {
                for income in [floor, ceiling] {
                    let mut req = QuoteRequest::new(on, income, g, *mode);
                    req.groups = GroupSet::of(g);
                    if let Mode::Backpay(months) = mode {
                        req.person = Some(elder);
                        req.paid_months = Some(180 - months);
                    }
                    let q =
                        quote(&table, &req).unwrap_or_else(|e| panic!("{on} {mode} {g:?}: {e}"));
                    assert_eq!(q.income_floor, floor);
                    assert!(q.net <= q.gross);
                    quotes += 1;
                }
            }
        }
        on = on.next_day();
    }
    assert!(quotes > 90_000, "{quotes}");
}
