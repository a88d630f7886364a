//! The worked examples of the policy reference (§7), and both sides of every rule change the
//! counter will meet: 30 Jun / 1 Jul 2026 and 31 Dec 2026 / 1 Jan 2027.

use ansinh_core::benefits::benefits;
use ansinh_core::bhyt::household;
use ansinh_core::pension::{HistoryYear, Paid, PensionRequest, estimate};
use ansinh_core::person::{Group, GroupSet, Sex};
use ansinh_core::quote::{Mode, Person, Quote, QuoteRequest, quote};
use ansinh_core::{Date, Error, Month, PolicyTable, default_table};

type R = Result<(), Box<dyn std::error::Error>>;

fn d(s: &str) -> Date {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}
fn m(s: &str) -> Month {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn q(
    table: &PolicyTable<'static>,
    on: &str,
    income: u64,
    group: Group,
    mode: Mode,
) -> Quote<'static> {
    quote(table, &QuoteRequest::new(d(on), income, group, mode)).unwrap_or_else(|e| panic!("{e}"))
}

fn hanoi(on: &str, income: u64, group: Group) -> Result<Quote<'static>, Error> {
    let mut req = QuoteRequest::new(d(on), income, group, Mode::Periodic(1));
    req.province = Some("01");
    quote(&default_table(), &req)
}

#[test]
fn ex1_ex2_floor_income_each_group_2026() {
    let t = default_table();
    for (group, support, pays) in [
        (Group::Poor, 165_000, 165_000),
        (Group::NearPoor, 132_000, 198_000),
        (Group::EthnicMinority, 99_000, 231_000),
        (Group::Other, 66_000, 264_000),
        (Group::Island, 165_000, 165_000),
    ] {
        let r = q(&t, "2026-11-22", 1_500_000, group, Mode::Periodic(1));
        assert_eq!(
            (r.gross, r.support_national, r.support_local, r.net),
            (330_000, support, 0, pays),
            "{group:?}"
        );
        assert_eq!((r.gross_monthly, r.net_monthly, r.months), (330_000, pays, 1));
        assert!(!r.estimate, "national rates are verified");
    }
}

#[test]
fn ex3_ex4_periodic_payments() {
    let t = default_table();
    assert_eq!(q(&t, "2026-11-22", 1_500_000, Group::Other, Mode::Periodic(3)).net, 792_000);
    let poor12 = q(&t, "2026-11-22", 1_500_000, Group::Poor, Mode::Periodic(12));
    assert_eq!((poor12.net, poor12.months, poor12.support_months), (1_980_000, 12, 12));
    assert_eq!(poor12.support_months_left, 108);
}

#[test]
fn ex5_support_is_fixed_on_the_floor() {
    let r = q(&default_table(), "2026-11-22", 5_000_000, Group::Other, Mode::Periodic(1));
    assert_eq!((r.gross, r.support_national, r.net), (1_100_000, 66_000, 1_034_000));
}

#[test]
fn ex6_ceiling_rises_on_1_july_2026() {
    let t = default_table();
    let after = q(&t, "2026-07-01", 50_600_000, Group::Other, Mode::Periodic(1));
    assert_eq!((after.gross, after.income_ceiling), (11_132_000, 50_600_000));
    let before = q(&t, "2026-06-30", 46_800_000, Group::Other, Mode::Periodic(1));
    assert_eq!((before.gross, before.income_ceiling), (10_296_000, 46_800_000));
    let too_high =
        quote(&t, &QuoteRequest::new(d("2026-06-30"), 50_600_000, Group::Other, Mode::Periodic(1)));
    assert_eq!(
        too_high.map(|r| r.net),
        Err(Error::IncomeOutOfRange { income: 50_600_000, floor: 1_500_000, ceiling: 46_800_000 })
    );
    let over =
        quote(&t, &QuoteRequest::new(d("2026-07-01"), 50_600_001, Group::Other, Mode::Periodic(1)));
    assert!(matches!(over, Err(Error::IncomeOutOfRange { ceiling: 50_600_000, .. })));
}

#[test]
fn ex7_ex8_hanoi_top_up() -> R {
    let poor = hanoi("2026-11-22", 1_500_000, Group::Poor)?;
    assert_eq!((poor.support_national, poor.support_local, poor.net), (165_000, 165_000, 0));
    let near = hanoi("2026-11-22", 1_500_000, Group::NearPoor)?;
    assert_eq!((near.support_national, near.support_local, near.net), (132_000, 198_000, 0));
    let other = hanoi("2026-11-22", 1_500_000, Group::Other)?;
    assert_eq!((other.support_national, other.support_local, other.net), (66_000, 33_000, 231_000));
    // The Hà Nội resolution's number and first day are unverified: the quote is an estimate.
    assert!(other.estimate);
    // No top-up for another province, and none in Hà Nội before July 2025.
    let mut req = QuoteRequest::new(d("2026-11-22"), 1_500_000, Group::Other, Mode::Periodic(1));
    req.province = Some("79");
    assert_eq!(quote(&default_table(), &req)?.net, 264_000);
    let early = hanoi("2025-06-30", 1_500_000, Group::Poor)?;
    assert_eq!((early.support_national, early.support_local), (99_000, 0));
    Ok(())
}

#[test]
fn ex9_floor_rises_on_1_january_2027() {
    let t = default_table();
    let dec = q(&t, "2026-12-31", 1_500_000, Group::Other, Mode::Periodic(1));
    assert_eq!((dec.income_floor, dec.net), (1_500_000, 264_000));
    let jan = q(&t, "2027-01-01", 2_200_000, Group::Other, Mode::Periodic(1));
    assert_eq!((jan.gross, jan.support_national, jan.net), (484_000, 96_800, 387_200));
    let below =
        quote(&t, &QuoteRequest::new(d("2027-01-01"), 1_500_000, Group::Other, Mode::Periodic(1)));
    assert!(matches!(below, Err(Error::IncomeOutOfRange { floor: 2_200_000, .. })));
    // All groups in 2027 (policy §3.1 table).
    for (g, s) in
        [(Group::Poor, 242_000), (Group::NearPoor, 193_600), (Group::EthnicMinority, 145_200)]
    {
        assert_eq!(q(&t, "2027-01-01", 2_200_000, g, Mode::Periodic(1)).support_national, s);
    }
}

#[test]
fn rates_are_fixed_on_the_payment_date_for_the_whole_period() {
    // A 12-month payment on 31 Dec 2026 keeps the 2026 floor and support for all 12 months.
    let r = q(&default_table(), "2026-12-31", 1_500_000, Group::Other, Mode::Periodic(12));
    assert_eq!((r.gross, r.support_national, r.net), (3_960_000, 792_000, 3_168_000));
}

#[test]
fn decree_134_rates_before_july_2025() {
    let t = default_table();
    for (g, pays) in [
        (Group::Poor, 231_000),
        (Group::NearPoor, 247_500),
        (Group::Other, 297_000),
        (Group::EthnicMinority, 297_000),
    ] {
        assert_eq!(q(&t, "2025-06-30", 1_500_000, g, Mode::Periodic(1)).net, pays, "{g:?}");
    }
    assert_eq!(q(&t, "2025-07-01", 1_500_000, Group::Other, Mode::Periodic(1)).net, 264_000);
}

#[test]
fn ex21_old_law_2018() {
    let t = default_table();
    for (g, support) in [(Group::Poor, 46_200), (Group::NearPoor, 38_500), (Group::Other, 15_400)] {
        let r = q(&t, "2018-06-01", 700_000, g, Mode::Periodic(1));
        assert_eq!((r.gross, r.support_national), (154_000, support), "{g:?}");
    }
}

#[test]
fn highest_group_applies() -> R {
    let mut req =
        QuoteRequest::new(d("2026-11-22"), 1_500_000, Group::EthnicMinority, Mode::Periodic(1));
    req.groups = GroupSet::of(Group::EthnicMinority).with(Group::NearPoor);
    let r = quote(&default_table(), &req)?;
    assert_eq!((r.group, r.support_national), (Group::NearPoor, 132_000));
    Ok(())
}

#[test]
fn support_stops_at_120_months() -> R {
    let mut req = QuoteRequest::new(d("2026-11-22"), 1_500_000, Group::Poor, Mode::Periodic(12));
    req.supported_months_before = 115;
    let r = quote(&default_table(), &req)?;
    assert_eq!((r.support_months, r.support_months_left), (5, 0));
    assert_eq!((r.support_national, r.net), (5 * 165_000, 12 * 330_000 - 5 * 165_000));
    req.supported_months_before = 130;
    assert_eq!(quote(&default_table(), &req)?.support_national, 0);
    Ok(())
}

#[test]
fn advance_payment_is_discounted() -> R {
    // Σ_{i=0..23} 330,000 / 1.0031^i = 7,644,801.44 (Decimal, 50 digits) → 7,644,801.
    let r = q(&default_table(), "2026-11-22", 1_500_000, Group::Other, Mode::Advance(2));
    assert_eq!((r.months, r.gross, r.support_national), (24, 7_644_801, 24 * 66_000));
    assert_eq!(r.net, 7_644_801 - 1_584_000);
    assert_eq!(r.fund_return_ppm, Some(3100));
    assert!(r.estimate, "the fund return is unverified");
    // 5 years: 18,098,148.22 → 18,098,148.
    assert_eq!(
        q(&default_table(), "2026-11-22", 1_500_000, Group::Other, Mode::Advance(5)).gross,
        18_098_148
    );
    let six = quote(
        &default_table(),
        &QuoteRequest::new(d("2026-11-22"), 1_500_000, Group::Other, Mode::Advance(6)),
    );
    assert_eq!(six.map(|r| r.net), Err(Error::AdvanceYearsOutOfRange { years: 6, min: 2, max: 5 }));
    Ok(())
}

#[test]
fn backpay_only_at_retirement_age_and_at_most_60_months() -> R {
    let t = default_table();
    let man = Person::new(m("1965-01"), Sex::Male);
    // Reaches 61y6m in 07/2026: back-pay opens in 06/2026.
    let mut req = QuoteRequest::new(d("2026-05-31"), 1_500_000, Group::Other, Mode::Backpay(12));
    assert_eq!(quote(&t, &req).map(|r| r.net), Err(Error::BackpayNeedsPerson));
    req.person = Some(man);
    assert_eq!(quote(&t, &req).map(|r| r.net), Err(Error::BackpayNeedsPaidMonths));
    req.paid_months = Some(168);
    assert_eq!(quote(&t, &req).map(|r| r.net), Err(Error::BackpayTooEarly { opens: m("2026-06") }));
    req.on = d("2026-06-01");
    // Σ_{i=1..12} 330,000 × 1.0031^i = 4,040,708.06 → 4,040,708.
    let r = quote(&t, &req)?;
    assert_eq!((r.gross, r.months), (4_040_708, 12));
    req.mode = Mode::Backpay(13);
    assert_eq!(quote(&t, &req).map(|r| r.net), Err(Error::BackpayTooLong { months: 13, max: 12 }));
    req.mode = Mode::Backpay(61);
    req.paid_months = Some(120);
    assert_eq!(quote(&t, &req).map(|r| r.net), Err(Error::BackpayTooLong { months: 61, max: 60 }));
    Ok(())
}

/// Issue 12 item 2: back-pay covers only a shortfall of at most 60 months, and never more
/// months than are missing (policy §4.4, §9.4).
#[test]
fn backpay_never_exceeds_the_shortfall() {
    let t = default_table();
    let mut req = QuoteRequest::new(d("2026-11-22"), 1_500_000, Group::Other, Mode::Backpay(60));
    req.person = Some(Person::new(m("1960-01"), Sex::Male));
    // 100 months paid: 80 missing, more than the 60 back-pay may cover.
    req.paid_months = Some(100);
    assert_eq!(
        quote(&t, &req).map(|r| r.net),
        Err(Error::BackpayShortfallTooLarge { shortfall: 80, max: 60 })
    );
    // 150 paid: 30 missing; 60 would exceed them, 30 is priced.
    req.paid_months = Some(150);
    assert_eq!(quote(&t, &req).map(|r| r.net), Err(Error::BackpayTooLong { months: 60, max: 30 }));
    req.mode = Mode::Backpay(30);
    assert!(quote(&t, &req).is_ok());
    // 180 paid: nothing is missing.
    req.paid_months = Some(180);
    assert_eq!(
        quote(&t, &req).map(|r| r.net),
        Err(Error::BackpayNothingMissing { paid: 180, required: 180 })
    );
}

/// Issue 12 item 8: with only part of a payment supported, the monthly figures are those of a
/// supported month and the rest is said; with none supported, a month costs the whole 22%.
#[test]
fn monthly_net_agrees_with_the_support_cap() -> R {
    let t = default_table();
    let mut req = QuoteRequest::new(d("2026-11-22"), 1_500_000, Group::Poor, Mode::Periodic(12));
    req.supported_months_before = 118;
    let q = quote(&t, &req)?;
    assert_eq!((q.support_months, q.unsupported_months), (2, 10));
    assert_eq!(q.net_monthly, 165_000);
    assert_eq!(q.net, 2 * 165_000 + 10 * 330_000);
    req.supported_months_before = 120;
    let q = quote(&t, &req)?;
    assert_eq!((q.support_months, q.support_national_monthly, q.net_monthly), (0, 0, 330_000));
    assert_eq!(q.net, 12 * 330_000);
    Ok(())
}

/// Issue 12 item 8: a payment made in December 2026 for months in 2027 is priced on the
/// payment date, at the 2026 floor (policy §2.1, §3.1).
#[test]
fn december_payment_for_2027_uses_the_payment_date() -> R {
    let t = default_table();
    let q = quote(
        &t,
        &QuoteRequest::new(d("2026-12-20"), 1_500_000, Group::Other, Mode::Periodic(12)),
    )?;
    assert_eq!((q.income_floor, q.gross_monthly, q.net), (1_500_000, 330_000, 12 * 264_000));
    Ok(())
}

#[test]
fn joining_age_is_15() {
    let mut req = QuoteRequest::new(d("2026-11-22"), 1_500_000, Group::Other, Mode::Periodic(1));
    req.person = Some(Person::new(m("2011-12"), Sex::Female));
    assert_eq!(quote(&default_table(), &req).map(|r| r.net), Err(Error::TooYoung { min_age: 15 }));
    req.person = Some(Person::new(m("2011-11"), Sex::Female));
    assert!(quote(&default_table(), &req).is_ok());
}

/// Issue 12 item 8: with a full birth date the joining age is checked by day.
#[test]
fn joining_age_by_day() {
    let t = default_table();
    let born = |s: &str| Some(Person::born_on(d(s), Sex::Female));
    let mut req = QuoteRequest::new(d("2026-11-22"), 1_500_000, Group::Other, Mode::Periodic(1));
    req.person = born("2011-11-23");
    assert_eq!(quote(&t, &req).map(|r| r.net), Err(Error::TooYoung { min_age: 15 }));
    req.person = born("2011-11-22");
    assert!(quote(&t, &req).is_ok());
    // Born 29 Feb 2012: 15 on 1 Mar 2027.
    req.on = d("2027-02-28");
    req.income = 2_200_000;
    req.person = born("2012-02-29");
    assert_eq!(quote(&t, &req).map(|r| r.net), Err(Error::TooYoung { min_age: 15 }));
    req.on = d("2027-03-01");
    assert!(quote(&t, &req).is_ok());
}

fn pension(
    on: &str,
    born: &str,
    sex: Sex,
    paid: Paid<'_>,
    income: u64,
) -> ansinh_core::pension::PensionEstimate<'static> {
    let req = PensionRequest {
        on: d(on),
        born: m(born),
        sex,
        paid,
        planned_income: income,
        planned_months: None,
        first_paid: None,
        poor_household: false,
        support_received: 0,
    };
    estimate(&default_table(), &req).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn ex10_ex11_accrual_rates() {
    let cases = [
        (Sex::Female, 240, 5500, 2_750_000),
        (Sex::Male, 180, 4000, 2_000_000),
        (Sex::Male, 240, 4500, 2_250_000),
        (Sex::Male, 420, 7500, 3_750_000),
        (Sex::Female, 180, 4500, 2_250_000),
        (Sex::Female, 360, 7500, 3_750_000),
        (Sex::Female, 420, 7500, 3_750_000),
        // Half-years: 15y6m = 15.5 years; 15y7m = 16 years.
        (Sex::Female, 186, 4600, 2_300_000),
        (Sex::Female, 187, 4700, 2_350_000),
        (Sex::Male, 186, 4050, 2_025_000),
        (Sex::Male, 235, 4500, 2_250_000),
    ];
    for (sex, months, rate, pension_amount) in cases {
        // Born 1960: retired long ago, so the months given are the months at retirement.
        let born = if sex == Sex::Male { "1966-04" } else { "1975-05" };
        let p = pension("2040-01-01", born, sex, Paid::Summary { months, average: 5_000_000 }, 0);
        assert!(p.eligible, "{sex:?} {months}");
        assert_eq!((p.rate_bp, p.monthly_pension), (rate, pension_amount), "{sex:?} {months}");
    }
}

#[test]
fn ex12_woman_short_of_15_years() {
    // Born 03/1979, started 04/2025, pays every month: 20 months by 11/2026, 148 planned.
    let p = pension(
        "2026-11-22",
        "1979-03",
        Sex::Female,
        Paid::Summary { months: 20, average: 1_500_000 },
        2_200_000,
    );
    assert_eq!(
        (std::format!("{}", p.retirement_age), p.retirement_month),
        ("60y0m".into(), m("2039-03"))
    );
    assert_eq!((p.months_at_retirement, p.eligible, p.shortfall_months), (168, false, 12));
    assert_eq!((p.monthly_pension, p.rate_bp, p.pension_from), (0, 0, None));
    assert!(p.backpay_allowed);
    let b = p.backpay.unwrap_or_else(|| panic!("back-pay option"));
    assert_eq!(
        (b.months, b.paid_in, b.pension_from, b.rate_bp),
        (12, m("2039-02"), m("2039-04"), 4500)
    );
    // 12 months at 22% × 2,200,000 = 484,000 compounded at 0.31%: 5,926,371.82 → 5,926,372.
    assert_eq!(b.cost, 5_926_372);
    let on = p.pay_on.unwrap_or_else(|| panic!("pay-on option"));
    assert_eq!((on.complete_in, on.pension_from), (m("2040-03"), m("2040-04")));
}

#[test]
fn ex13_man_born_1965_retires_2026() {
    let p = pension(
        "2026-01-01",
        "1965-01",
        Sex::Male,
        Paid::Summary { months: 200, average: 3_000_000 },
        0,
    );
    assert_eq!(std::format!("{}", p.retirement_age), "61y6m");
    assert_eq!((p.retirement_month, p.pension_from), (m("2026-07"), Some(m("2026-08"))));
    assert_eq!((p.eligible, p.rate_bp, p.monthly_pension), (true, 4200, 1_260_000));
}

#[test]
fn ex14_cpi_adjustment_2026() {
    // Settled in 2026: 3,000,000 paid in 2020 counts as 3,480,000.
    let h = [HistoryYear { year: 2020, months: 12, income: 3_000_000 }];
    let p = pension("2026-01-01", "1965-01", Sex::Male, Paid::History(&h), 0);
    assert_eq!((p.cpi_table_year, p.average_income), (2026, 3_480_000));
    // Two years, different coefficients: (12 × 3,000,000 × 1.16 + 12 × 3,000,000 × 1.00) / 24.
    let h = [
        HistoryYear { year: 2020, months: 12, income: 3_000_000 },
        HistoryYear { year: 2025, months: 12, income: 3_000_000 },
    ];
    assert_eq!(
        pension("2026-01-01", "1965-01", Sex::Male, Paid::History(&h), 0).average_income,
        3_240_000
    );
}

#[test]
fn ex15_one_time_withdrawal() {
    let p = pension(
        "2040-01-01",
        "1966-04",
        Sex::Male,
        Paid::Summary { months: 120, average: 3_000_000 },
        0,
    );
    assert_eq!(p.one_time_amount, 60_000_000);
    // Years before 2014 earn 1.5 months: 5 years 2009–2013 + 5 years 2014–2018 at 3,000,000.
    let h: Vec<HistoryYear> =
        (2009..=2018).map(|year| HistoryYear { year, months: 12, income: 2_000_000 }).collect();
    let p = pension("2026-01-01", "1966-04", Sex::Male, Paid::History(&h), 0);
    let avg = p.average_income;
    // 5 × 1.5 + 5 × 2 = 17.5 months of the average, half up.
    assert_eq!(p.one_time_amount, (avg * 35).div_ceil(2));
}

#[test]
fn ex16_ex17_household_health_insurance() -> R {
    let t = default_table();
    let h = household(&t, d("2026-11-22"), 3, 12)?;
    let amounts: Vec<u64> = h.members.iter().map(|m| m.amount).collect();
    assert_eq!((amounts.as_slice(), h.total), (&[1_366_200, 956_340, 819_720][..], 3_142_260));
    let h = household(&t, d("2026-07-01"), 5, 1).map(|h| h.total);
    assert_eq!(h, Err(Error::BhytPeriodNotAllowed { months: 1 }));
    let six = household(&t, d("2026-07-01"), 6, 3)?;
    let monthly: Vec<u64> = six.members.iter().map(|m| m.monthly).collect();
    assert_eq!(monthly, [113_850, 79_695, 68_310, 56_925, 45_540, 45_540]);
    let before = household(&t, d("2026-06-30"), 5, 12)?;
    let yearly: Vec<u64> = before.members.iter().map(|m| m.amount).collect();
    assert_eq!(yearly, [1_263_600, 884_520, 758_160, 631_800, 505_440]);
    let old = household(&t, d("2020-01-01"), 5, 3)?;
    let monthly: Vec<u64> = old.members.iter().map(|m| m.monthly).collect();
    assert_eq!(monthly, [67_050, 46_935, 40_230, 33_525, 26_820]);
    assert_eq!(
        household(&t, d("2026-11-22"), 0, 12).map(|h| h.total),
        Err(Error::MembersOutOfRange { members: 0, max: 32 })
    );
    Ok(())
}

#[test]
fn ex18_ex19_benefits() -> R {
    let b = benefits(&default_table(), d("2026-11-22"), 2)?;
    assert_eq!(
        b.social_pension.as_ref().map(|s| (s.monthly, s.age_years, s.age_years_poor)),
        Some((500_000, 75, 70))
    );
    assert_eq!(b.maternity.as_ref().map(|m| (m.per_child, m.total)), Some((2_000_000, 4_000_000)));
    assert_eq!(b.funeral.as_ref().map(|f| (f.amount, f.min_months)), Some((25_300_000, 60)));
    assert!(b.estimate, "the 2024-law funeral amount is unverified");
    let june = benefits(&default_table(), d("2026-06-30"), 1)?;
    assert_eq!(june.funeral.map(|f| f.amount), Some(23_400_000));
    let old = benefits(&default_table(), d("2025-06-30"), 1)?;
    assert!(old.maternity.is_none() && old.social_pension.is_none());
    Ok(())
}

#[test]
fn ex20_monthly_allowance_when_short() {
    // 9 years 11 months count as 10 years; 61 months short is one more than may be back-paid.
    let p = pension(
        "2028-01-01",
        "1966-04",
        Sex::Male,
        Paid::Summary { months: 119, average: 2_000_000 },
        0,
    );
    assert!(!p.eligible && !p.backpay_allowed);
    let a = p.monthly_allowance.unwrap_or_else(|| panic!("allowance"));
    assert_eq!((a.pot, a.monthly, a.months), (40_000_000, 500_000, 80));
    // From 05/2028 to the social pension at 75 (04/2041): 155 months; 75 uncovered.
    assert_eq!((a.months_to_social_pension, a.top_up_cost), (155, 75 * 500_000));
}

#[test]
fn transitional_rule_retires_long_contributors_at_60() {
    let req = PensionRequest {
        on: d("2026-01-01"),
        born: m("1966-06"),
        sex: Sex::Male,
        paid: Paid::Summary { months: 240, average: 3_000_000 },
        planned_income: 0,
        planned_months: None,
        first_paid: Some(m("2008-01")),
        poor_household: false,
        support_received: 0,
    };
    let p = estimate(&default_table(), &req).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (std::format!("{}", p.retirement_age), p.retirement_month),
        ("60y0m".into(), m("2026-06"))
    );
    assert_eq!(p.pension_from, Some(m("2026-07")));
    let late =
        estimate(&default_table(), &PensionRequest { first_paid: Some(m("2021-01")), ..req });
    assert_eq!(late.map(|p| p.retirement_month), Ok(m("2028-06")));
}
