//! A shift at a counter: enrollments of both schemes in several modes committed through the
//! real commit, one voided with a reason; the report's totals equal the amounts priced for
//! each enrollment, it agrees with the outbox, and its CSV matches the golden
//! (`tests/golden/shift/`, rewritten only with `UPDATE_GOLDEN=1`).

use ansinh_device::DataDir;
use ansinh_device::enroll::{CollectionPoint, CommitOptions, Duplicates, amounts, commit};
use ansinh_device::shift::{PAYMENT_CASH, ShiftReport};
use ansinh_enrollment::Enrollment;
use ansinh_enrollment::json::EnrollmentJson;
use ansinh_enrollment::record::PaymentMode;

type R = Result<(), Box<dyn std::error::Error>>;

/// 22 November 2026, 08:00 in Viet Nam.
const MORNING: i64 = 1_795_309_200;

fn fixture(name: &str) -> Result<Enrollment, Box<dyn std::error::Error>> {
    let table = ansinh_core::default_table();
    let today = "2026-11-22".parse().map_err(|_| "date")?;
    EnrollmentJson::parse(&ansinh_tests::fixtures::text(name)?)?
        .validate(&table, today)
        .map_err(|p| format!("{p:?}").into())
}

#[test]
fn the_shift_report_adds_up_and_matches_the_outbox() -> R {
    let tmp = tempfile::tempdir()?;
    let dir = DataDir::open(tmp.path())?;
    let (mut outbox, _) = dir.outbox()?;
    let table = ansinh_core::default_table();
    let today = "2026-11-22".parse().map_err(|_| "date")?;
    let point = CollectionPoint {
        device_id: 0,
        name: "Bưu điện xã Thanh Trì".into(),
        agent_code: "DL-0001".into(),
    };

    let voluntary = fixture("enrollment.json")?;
    let mut monthly = voluntary.clone();
    if let Enrollment::Voluntary(v) = &mut monthly {
        v.choices.mode = PaymentMode::Periodic(1);
    }
    let household = fixture("household.json")?;
    // One person in several modes, the same months: staff confirmed each possible double
    // payment (the last was then voided).
    let pseudonyms = dir.pseudonym_key()?;
    let confirmed =
        CommitOptions { duplicates: Duplicates::Confirmed, ..CommitOptions::new(&pseudonyms) };
    let mut expected_total = 0u64;
    let mut receipts = Vec::new();
    for (i, e) in [&voluntary, &monthly, &household, &voluntary].into_iter().enumerate() {
        let at = MORNING + 600 * i64::try_from(i)?;
        let (c, a) = commit(&mut outbox, e, &table, today, at, &point, &confirmed)?;
        assert_eq!(a, amounts(e, &table, today)?, "the commit prices as the quote does");
        expected_total += a.amount;
        receipts.push((c.receipt_no, a.amount));
    }
    // The last one was a mistake: voided with a reason before upload.
    let (wrong, wrong_amount) = receipts[3];
    outbox.void(wrong, "Khách đổi ý, trả lại tiền", MORNING + 3000)?;

    let report = ShiftReport::from_outbox(&outbox, MORNING, MORNING + 12 * 3600)?;
    assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
    assert_eq!(report.collected.count, 4);
    assert_eq!(report.collected.amount, expected_total);
    assert_eq!(report.voids.len(), 1);
    assert_eq!((report.voids[0].receipt_no, report.voids[0].amount), (wrong, wrong_amount));
    assert_eq!(report.voids[0].reason, "Khách đổi ý, trả lại tiền");
    assert_eq!(report.cash_to_hand_in, expected_total - wrong_amount);
    let by_scheme: u64 = report.by_scheme.values().map(|t| t.amount).sum();
    let by_mode: u64 = report.by_mode.values().map(|t| t.amount).sum();
    assert_eq!((by_scheme, by_mode), (expected_total, expected_total));
    assert_eq!(report.by_scheme["household-bhyt"].count, 1);
    assert_eq!(report.by_mode["1"].count, 1, "{:?}", report.by_mode.keys());
    assert_eq!(report.by_payment[PAYMENT_CASH].amount, expected_total);
    assert_eq!(report.unsent, 3, "three queued, the voided one is not owed to the server");

    // The outbox's own count agrees.
    let stats = outbox.stats(MORNING + 12 * 3600)?;
    assert_eq!(stats.queued + stats.voided, 4);

    // A shift that starts later sees none of it.
    let later = ShiftReport::from_outbox(&outbox, MORNING + 6 * 3600, MORNING + 12 * 3600)?;
    assert_eq!((later.collected.count, later.cash_to_hand_in), (0, 0));

    // The next shift voids a receipt of this one, still unsent: cash goes out, nothing comes in.
    let (first, first_amount) = receipts[0];
    outbox.void(first, "Trùng hồ sơ", MORNING + 24 * 3600)?;
    let next = ShiftReport::from_outbox(&outbox, MORNING + 20 * 3600, MORNING + 30 * 3600)?;
    assert!(next.mismatches.is_empty(), "{:?}", next.mismatches);
    assert_eq!((next.cash_to_hand_in, next.cash_paid_out), (0, first_amount));

    let csv = report.to_csv()?;
    ansinh_tests::golden::check_bytes("shift/shift.csv", &csv)?;
    Ok(())
}
