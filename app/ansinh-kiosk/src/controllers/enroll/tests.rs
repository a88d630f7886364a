//! The wizard driven as a person at the counter would, over the real stores.
use super::*;
use crate::store::{MemoryStore, StaffData};
use ansinh_core::default_table;

fn today() -> Date {
    "2026-11-22".parse().unwrap_or_else(|_| unreachable!())
}

/// Types the public fixture's person (tests/fixtures/enrollment.json) step by step.
pub(crate) fn fill_voluntary(c: &mut EnrollController) {
    let table = default_table();
    let (d, l) = (today(), Locale::SOURCE);
    c.start(Scheme::Voluntary);
    c.set("person.full_name", "Nguyễn Thị Hồng Nhung");
    c.choose("person.sex", 1, d);
    c.set("person.birth_date", "15/03/1979");
    assert!(c.next(&table, d, l), "{:?}", c.step_problems(&table, d, l));
    c.set("person.personal_id", "001179012345");
    c.set("person.ethnicity", "01");
    assert!(c.next(&table, d, l), "{:?}", c.step_problems(&table, d, l));
    c.set("person.address.province_code", "01");
    c.set("person.address.commune_code", "09556");
    c.set("person.address.line", "Số 12, ngõ 34, phố Quang Trung");
    c.set("person.phone", "0912345678");
    assert!(c.next(&table, d, l), "{:?}", c.step_problems(&table, d, l));
    assert_eq!(c.value("person.birth_place.province"), "Hà Nội", "from the ID's first digits");
    assert!(c.next(&table, d, l), "{:?}", c.step_problems(&table, d, l));
    c.set("choices.income", "2000000");
    c.choose("choices.mode", 1, d);
    c.choose("choices.group", 2, d);
    c.set("choices.evidence_ref", "CN-2026-0456");
    c.choose("choices.start_month", 1, d);
    assert!(c.next(&table, d, l), "{:?}", c.step_problems(&table, d, l));
}

#[test]
fn a_step_with_problems_stays_and_keeps_what_was_typed() {
    let table = default_table();
    let (d, l) = (today(), Locale::SOURCE);
    let mut c = EnrollController::default();
    c.start(Scheme::Voluntary);
    c.set("person.full_name", "Nguyễn Văn 3");
    c.set("person.birth_date", "31/02/1979");
    assert!(!c.next(&table, d, l));
    let v = c.view(&table, d, l);
    assert_eq!(v.step, 0);
    let by_id = |id: &str| v.fields.iter().find(|f| f.id == id).cloned().unwrap_or_default();
    assert_eq!(by_id("person.full_name").value, "Nguyễn Văn 3", "what was typed stays");
    assert!(by_id("person.full_name").error.contains("chữ cái"), "{:?}", by_id("person.full_name"));
    assert!(by_id("person.sex").error.contains("chưa nhập"));
    assert!(by_id("person.birth_date").error.contains("ngày"));
    assert!(v.banner.contains("3 chỗ"));
    c.set("person.full_name", "Nguyễn Văn Ba");
    assert!(c.view(&table, d, l).fields[0].error.is_empty(), "editing clears the field's message");
}

#[test]
fn the_whole_voluntary_wizard_commits_once() {
    let table = default_table();
    let (d, l) = (today(), Locale::SOURCE);
    let mut c = EnrollController::default();
    fill_voluntary(&mut c);
    assert_eq!(c.view(&table, d, l).kind, Some(StepKind::Consent));
    assert!(!c.next(&table, d, l), "no consent yet");
    assert!(c.view(&table, d, l).banner.contains("chưa đồng ý"));
    c.consent(true, 1_795_314_600);
    c.set_reminders(true);
    assert!(c.next(&table, d, l));
    let v = c.view(&table, d, l);
    assert_eq!(v.kind, Some(StepKind::Review));
    assert_eq!(v.amount, "330.000 đ", "as `ansinh enqueue` prices the same fixture");
    assert!(v.review.iter().any(|r| r.value == "Nguyễn Thị Hồng Nhung"));
    // Back and forward again: nothing lost.
    assert!(c.back() && c.back());
    assert_eq!(c.value("choices.income"), "2000000");
    c.goto(6);
    let mut store = MemoryStore::default();
    let first =
        c.submit(&mut store, &table, d, 1_795_314_700, l).unwrap_or_else(|e| panic!("{e:?}"));
    let again =
        c.submit(&mut store, &table, d, 1_795_314_800, l).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(first, again);
    assert_eq!(store.records.len(), 1, "a double tap commits once");
    assert_eq!(first.amount, 330_000);
    assert_eq!(store.queue(0).map(|q| q.stats.queued).unwrap_or(0), 1);
}

#[test]
fn a_failed_submit_keeps_everything() {
    let table = default_table();
    let (d, l) = (today(), Locale::SOURCE);
    let mut c = EnrollController::default();
    fill_voluntary(&mut c);
    c.consent(true, 1);
    assert!(c.next(&table, d, l));
    let mut store = MemoryStore {
        fail_next: Some(StoreError {
            retryable: true,
            message: "busy".into(),
            ..StoreError::default()
        }),
        ..Default::default()
    };
    assert!(c.submit(&mut store, &table, d, 2, l).is_err());
    assert!(c.view(&table, d, l).banner.contains("thử lại"));
    assert!(c.committed().is_none());
    assert!(c.submit(&mut store, &table, d, 3, l).is_ok());
    assert_eq!(store.records.len(), 1);
}

#[test]
fn a_second_payment_for_the_same_months_waits_for_staff_to_cancel_or_confirm() {
    use crate::store::{DeviceStore, Settings};
    let table = default_table();
    let (d, l) = (today(), Locale::SOURCE);
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = ansinh_device::DataDir::open(tmp.path()).unwrap_or_else(|e| panic!("{e}"));
    let mut store = DeviceStore::open(dir, Settings::default()).unwrap_or_else(|e| panic!("{e}"));
    let fill = |c: &mut EnrollController| {
        fill_voluntary(c);
        c.consent(true, 1_795_314_600);
        assert!(c.next(&table, d, l));
    };
    let mut first = EnrollController::default();
    fill(&mut first);
    let one = first.submit(&mut store, &table, d, 1_795_314_700, l);
    assert_eq!(one.map(|c| c.receipt_no), Ok(1));

    // The next customer is the same person, for the same months: nothing is committed,
    // staff are asked, with the earlier receipt and its months.
    let mut c = EnrollController::default();
    fill(&mut c);
    let refused = c.submit(&mut store, &table, d, 1_795_318_300, l);
    let earlier = refused.err().map(|e| e.earlier).unwrap_or_default();
    assert_eq!(earlier.iter().map(|e| e.receipt_no).collect::<Vec<_>>(), [1]);
    let warning = c.view(&table, d, l).duplicate.unwrap_or_default();
    assert_eq!(warning.title, "Có thể đóng trùng");
    assert!(
        warning.text.starts_with(
            "Người này đã có biên nhận số 1 cho kỳ 12/2026–02/2027 (BHXH tự nguyện; thu lúc 22/11/2026 09:31, 330.000 đ)."
        ),
        "{}",
        warning.text
    );
    assert_eq!(warning.confirm, "Nhân viên xác nhận: vẫn lưu");
    let english = c
        .view(&table, d, Locale::from_code("en").expect("an English catalogue"))
        .duplicate
        .unwrap_or_default();
    assert!(
        english.text.starts_with("This person already has receipt 1 for 12/2026–02/2027"),
        "{}",
        english.text
    );
    assert!(c.committed().is_none());
    let records = |store: &DeviceStore| store.outbox().list(None).map(|r| r.len()).ok();
    assert_eq!(records(&store), Some(1));

    // Staff cancel: nothing committed, the form as it was, on its review step.
    c.cancel_duplicate(l);
    let v = c.view(&table, d, l);
    assert_eq!((v.duplicate, v.kind), (None, Some(StepKind::Review)));
    assert!(v.banner.contains("Chưa lưu hồ sơ"), "{}", v.banner);
    assert_eq!(c.value("person.full_name"), "Nguyễn Thị Hồng Nhung");
    assert_eq!(c.value("person.personal_id"), "001179012345");
    assert_eq!(c.value("choices.income"), "2000000");
    assert_eq!(v.amount, "330.000 đ");
    assert!(c.committed().is_none());
    assert_eq!(records(&store), Some(1));

    // Submitted again, staff confirm this time: committed, and the audit trail says so.
    assert!(c.submit(&mut store, &table, d, 1_795_318_400, l).is_err());
    assert!(c.view(&table, d, l).duplicate.is_some());
    let two = c.confirm_duplicate(&mut store, &table, d, 1_795_318_500, l);
    assert_eq!(two.as_ref().map(|c| c.receipt_no), Ok(2));
    assert_eq!(c.committed(), two.as_ref().ok());
    assert_eq!(c.view(&table, d, l).duplicate, None);
    assert_eq!(records(&store), Some(2));
    let audit = store.outbox().audit_trail().unwrap_or_default();
    assert!(audit.iter().any(|a| a.event == "overlap_confirmed" && a.receipt_no == Some(2)));
    // A second tap commits nothing more.
    assert_eq!(c.confirm_duplicate(&mut store, &table, d, 1_795_318_600, l), two);
    assert_eq!(records(&store), Some(2));
}

#[test]
fn household_members_are_checked_one_by_one() {
    let table = default_table();
    let (d, l) = (today(), Locale::SOURCE);
    let mut c = EnrollController::default();
    c.start(Scheme::Household);
    c.set("household.head.full_name", "Trần Văn Minh");
    c.set("household.head.personal_id", "001080012345");
    assert!(c.next(&table, d, l), "{:?}", c.step_problems(&table, d, l));
    c.set("household.head.address.province_code", "01");
    c.set("household.head.address.commune_code", "09556");
    c.set("household.head.address.line", "Thôn Đông");
    assert!(c.next(&table, d, l));
    assert!(!c.next(&table, d, l), "no members yet");
    c.add_member();
    let v = c.view(&table, d, l);
    assert!(v.editing_member);
    assert_eq!(v.fields[0].id, "household.members[0].full_name");
    c.set("household.members[0].full_name", "Trần Văn Minh");
    c.choose("household.members[0].sex", 0, d);
    c.set("household.members[0].birth_date", "1980");
    c.set("household.members[0].personal_id", "001080012345");
    assert!(!c.next(&table, d, l), "kcb code missing");
    c.set("household.members[0].kcb_code", "01001");
    assert!(!c.next(&table, d, l), "leaving the editor is not leaving the step");
    assert!(!c.view(&table, d, l).editing_member);
    assert!(c.next(&table, d, l), "{:?}", c.step_problems(&table, d, l));
    c.choose("household.start_month", 1, d);
    assert!(c.next(&table, d, l));
    c.consent(true, 5);
    assert!(c.next(&table, d, l));
    let v = c.view(&table, d, l);
    assert!(!v.amount.is_empty(), "{:?}", c.step_problems(&table, d, l));
    // Members' months from 12/2026 reach past the last day the table confirms.
    assert!(
        v.rules_note.contains("22/11/2026") && v.rules_note.contains("31/12/2026"),
        "{}",
        v.rules_note
    );
}

#[test]
fn the_review_says_months_of_next_year_are_priced_at_the_payment_days_rules() {
    let table = default_table();
    let (d, l) = (today(), Locale::SOURCE);
    let mut c = EnrollController::default();
    // Every 3 months from 12/2026, paid on 22/11/2026: 01/2027 has a new floor.
    fill_voluntary(&mut c);
    c.consent(true, 1_795_314_600);
    assert!(c.next(&table, d, l));
    let v = c.view(&table, d, l);
    assert_eq!(v.kind, Some(StepKind::Review));
    assert_eq!(
        v.rules_note,
        "Số tiền tính theo quy định của ngày nộp (22/11/2026) cho mọi tháng đóng, đến hết tháng \
         02/2027. Quy định mới từ ngày 01/01/2027 (Chuẩn nghèo nông thôn (mức thu nhập thấp \
         nhất)) không áp dụng cho lần nộp này: sau này không phải nộp thêm, cũng không được trả \
         lại phần chênh lệch."
    );
    // Monthly, for this month: no month past the payment day's rules, no note.
    c.goto(4);
    c.choose("choices.mode", 0, d);
    c.choose("choices.start_month", 0, d);
    c.goto(6);
    let v = c.view(&table, d, l);
    assert!(!v.amount.is_empty() && v.rules_note.is_empty(), "{v:?}");
}

#[test]
fn dates_as_people_type_them() {
    assert_eq!(date_to_iso("15/3/1979"), "1979-03-15");
    assert_eq!(date_to_iso("03/1979"), "1979-03");
    assert_eq!(date_to_iso("1979"), "1979");
    assert_eq!(date_to_iso("15-03"), "15-03");
}
