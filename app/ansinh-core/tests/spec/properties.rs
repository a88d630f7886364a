//! Properties that must hold for every quote: net never negative, support never above gross,
//! gross monotonic in income, support months never past the 120-month cap.

use ansinh_core::person::{Group, GroupSet};
use ansinh_core::quote::{Mode, QuoteRequest, quote};
use ansinh_core::{Date, default_table};
use proptest::prelude::*;

fn date() -> impl Strategy<Value = Date> {
    (2018u16..=2030, 1u8..=12, 1u8..=28)
        .prop_map(|(y, m, d)| Date::new(y, m, d).unwrap_or_else(|e| panic!("{e}")))
}

fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![
        prop::sample::select(vec![1u8, 3, 6, 12]).prop_map(Mode::Periodic),
        (2u8..=5).prop_map(Mode::Advance),
    ]
}

fn groups() -> impl Strategy<Value = GroupSet> {
    prop::collection::vec(prop::sample::select(Group::ALL.to_vec()), 0..4)
        .prop_map(|gs| gs.into_iter().fold(GroupSet::other(), GroupSet::with))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn quote_invariants(
        on in date(),
        income_step in 0u64..=10_000,
        mode in mode(),
        groups in groups(),
        hanoi in any::<bool>(),
        supported_before in 0u16..=200,
    ) {
        let table = default_table();
        let probe = quote(&table, &QuoteRequest::new(on, u64::MAX, Group::Other, Mode::Periodic(1)));
        let Err(ansinh_core::Error::IncomeOutOfRange { floor, ceiling, .. }) = probe else {
            return Err(TestCaseError::fail("no bounds"));
        };
        let income = floor + (ceiling - floor) * income_step / 10_000;
        let mut req = QuoteRequest::new(on, income, Group::Other, mode);
        req.groups = groups;
        req.province = hanoi.then_some("01");
        req.supported_months_before = supported_before;
        let q = quote(&table, &req).map_err(|e| TestCaseError::fail(e.to_string()))?;

        prop_assert!(q.support_national + q.support_local <= q.gross);
        prop_assert_eq!(q.net, q.gross - q.support_national - q.support_local);
        prop_assert!(q.net_monthly <= q.gross_monthly);
        prop_assert!(q.support_months <= q.months);
        prop_assert!(u32::from(supported_before.min(120)) + u32::from(q.support_months) <= 120);
        prop_assert_eq!(q.support_months_left, 120u16.saturating_sub(supported_before) - q.support_months);

        // Monotonic: one more đồng of income never lowers the gross.
        if income < ceiling {
            let mut more = req;
            more.income = income + 1;
            let q2 = quote(&table, &more).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(q2.gross >= q.gross);
            prop_assert!(q2.net >= q.net);
        }
    }

    #[test]
    fn outside_the_bounds_is_refused(on in date(), below in 1u64..1_000_000) {
        let table = default_table();
        let probe = quote(&table, &QuoteRequest::new(on, u64::MAX, Group::Other, Mode::Periodic(1)));
        let Err(ansinh_core::Error::IncomeOutOfRange { floor, ceiling, .. }) = probe else {
            return Err(TestCaseError::fail("no bounds"));
        };
        for income in [floor.saturating_sub(below), ceiling + below] {
            let r = quote(&table, &QuoteRequest::new(on, income, Group::Other, Mode::Periodic(1)));
            prop_assert!(
                matches!(r, Err(ansinh_core::Error::IncomeOutOfRange { .. })),
                "income {} accepted", income
            );
        }
    }
}
