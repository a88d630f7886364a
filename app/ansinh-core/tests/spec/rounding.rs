//! One test per rounding rule of `ansinh_core::money` that the worked examples do not pin.

use ansinh_core::default_table;
use ansinh_core::pension::{HistoryYear, Paid, PensionRequest, estimate};
use ansinh_core::person::{Group, Sex};
use ansinh_core::quote::{Mode, QuoteRequest, quote};

type R = Result<(), ansinh_core::Error>;

fn request<'h>(paid: Paid<'h>, born: &str, sex: Sex, on: &str) -> PensionRequest<'h> {
    PensionRequest {
        on: on.parse().unwrap_or_else(|e| panic!("{e}")),
        born: born.parse().unwrap_or_else(|e| panic!("{e}")),
        sex,
        paid,
        planned_income: 0,
        planned_months: None,
        first_paid: None,
        poor_household: false,
        support_received: 0,
    }
}

/// R6: support never exceeds the (discounted) contribution; the provincial share takes the cut.
#[test]
fn r6_support_is_capped_at_the_gross() -> R {
    let on = "2026-11-22".parse().unwrap_or_else(|e| panic!("{e}"));
    let mut req = QuoteRequest::new(on, 1_500_000, Group::Poor, Mode::Advance(2));
    req.province = Some("01");
    let q = quote(&default_table(), &req)?;
    // 24 × 165,000 national + 24 × 165,000 local = 7,920,000 > the discounted 7,644,801.
    assert_eq!(
        (q.gross, q.support_national, q.support_local, q.net),
        (7_644_801, 3_960_000, 3_684_801, 0)
    );
    Ok(())
}

/// R7: the average is rounded half up once, after the CPI adjustment.
#[test]
fn r7_average_rounds_half_up_once() -> R {
    // (2 × 1,000,001 × 1.00 + 1 × 1,000,000 × 1.03) / 3 = 1,010,000.67 → 1,010,001.
    let h = [
        HistoryYear { year: 2025, months: 2, income: 1_000_001 },
        HistoryYear { year: 2024, months: 1, income: 1_000_000 },
    ];
    let p = estimate(
        &default_table(),
        &request(Paid::History(&h), "1965-01", Sex::Male, "2026-01-01"),
    )?;
    assert_eq!(p.average_income, 1_010_001);
    Ok(())
}

/// R8: the monthly pension is rounded half up.
#[test]
fn r8_pension_rounds_half_up() -> R {
    // 45% of 1,000,010 = 450,004.5 → 450,005.
    let paid = Paid::Summary { months: 180, average: 1_000_010 };
    let p = estimate(&default_table(), &request(paid, "1975-05", Sex::Female, "2040-01-01"))?;
    assert_eq!((p.rate_bp, p.monthly_pension), (4500, 450_005));
    Ok(())
}

/// R11: an allowance above the social pension is the pot divided by the months, rounded down.
#[test]
fn r11_allowance_rounds_down() -> R {
    // 119 months count as 10 years: pot 2 × 10 × 4,000,000 = 80,000,000 over 155 months.
    let paid = Paid::Summary { months: 119, average: 4_000_000 };
    let p = estimate(&default_table(), &request(paid, "1966-04", Sex::Male, "2028-01-01"))?;
    let a = p.monthly_allowance.unwrap_or_else(|| panic!("allowance"));
    assert_eq!((a.pot, a.months_to_social_pension), (80_000_000, 155));
    assert_eq!((a.monthly, a.months, a.top_up_cost), (516_129, 155, 0));
    assert!(a.monthly * 155 <= a.pot);
    Ok(())
}
