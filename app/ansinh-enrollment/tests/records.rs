//! Enrollment records as the counter takes them: the public fixtures validate; every rule of
//! the issue refuses what it must, all problems at once; names with every tone mark are
//! normalised; the one price is made on the payment date. The envelope's tests are in
//! `tests/goldens/envelope.rs` (ansinh-tests), beside its golden bytes.

// The fixed-capacity problem list is returned by value, as the library does.
#![allow(clippy::result_large_err)]

use ansinh_core::money::Lang;
use ansinh_core::{Date, default_table};
use ansinh_enrollment::json::EnrollmentJson;
use ansinh_enrollment::record::{Enrollment, MAX_MEMBERS, NAME_BYTES};
use ansinh_enrollment::{Problems, validate::normalise_name};
use serde_json::{Value, json};

fn today() -> Date {
    Date::new(2026, 11, 22).unwrap_or_else(|e| panic!("{e}"))
}

fn fixture(name: &str) -> Value {
    let text = ansinh_tests::fixtures::text(name).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn check(v: &Value) -> Result<Enrollment, Problems> {
    let parsed: EnrollmentJson =
        serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}"));
    parsed.validate(&default_table(), today())
}

/// The problems as `field code` strings, for compact assertions.
fn problems(v: &Value) -> Vec<String> {
    match check(v) {
        Ok(_) => vec![],
        Err(p) => p.iter().map(|p| format!("{} {}", p.field, p.code.as_str())).collect(),
    }
}

/// `v` with the value at `pointer` set (an object key is added when missing).
fn with(mut v: Value, pointer: &str, value: Value) -> Value {
    if let Some(slot) = v.pointer_mut(pointer) {
        *slot = value;
        return v;
    }
    let (parent, key) = pointer.rsplit_once('/').unwrap_or_else(|| panic!("no {pointer}"));
    match v.pointer_mut(parent) {
        Some(Value::Object(o)) => {
            o.insert(key.to_string(), value);
        }
        _ => panic!("no {parent}"),
    }
    v
}

#[test]
fn the_fixtures_validate_and_are_normalised() -> Result<(), Problems> {
    let Enrollment::Voluntary(v) = check(&fixture("enrollment.json"))? else { panic!("voluntary") };
    assert_eq!(v.person.full_name.as_str(), "NGUYỄN THỊ HỒNG NHUNG");
    assert_eq!(v.person.phone.as_deref(), Some("0912345678"));
    let Enrollment::Household(h) = check(&fixture("household.json"))? else { panic!("household") };
    assert_eq!(h.members.len(), 3);
    assert_eq!(h.members[1].full_name.as_str(), "LÊ THỊ THU HƯƠNG");
    assert_eq!(h.head.phone.as_deref(), Some("02438234567"), "+84 landline to national form");
    // Validating the normalised form again gives the same record.
    let again = EnrollmentJson::from_enrollment(&Enrollment::Household(h.clone()));
    assert_eq!(again.validate(&default_table(), today())?, Enrollment::Household(h));
    Ok(())
}

#[test]
fn names_with_every_tone_mark_and_letter_are_normalised() {
    // sắc, huyền, hỏi, ngã, nặng; đ ơ ư ă â ê ô; typed in lower case, decomposed or with extra spaces.
    let cases = [
        ("nguyễn thị hồng nhung", "NGUYỄN THỊ HỒNG NHUNG"),
        ("  trần   văn  đức ", "TRẦN VĂN ĐỨC"),
        ("Lê Thị Thu Hương", "LÊ THỊ THU HƯƠNG"),
        ("phạm quốc khánh", "PHẠM QUỐC KHÁNH"),
        ("đặng thị mỹ dung", "ĐẶNG THỊ MỸ DUNG"),
        ("bùi đức thắng", "BÙI ĐỨC THẮNG"),
        ("hoàng ánh tuyết", "HOÀNG ÁNH TUYẾT"),
        ("võ thị ở", "VÕ THỊ Ở"),
        ("đinh thị lạc", "ĐINH THỊ LẠC"),
        ("lò văn ẩn", "LÒ VĂN ẨN"),
        ("tô thị ngọc bích", "TÔ THỊ NGỌC BÍCH"),
        ("H'hen Niê", "H'HEN NIÊ"),
        // Decomposed input (e + circumflex + tilde) composes to the precomposed letter.
        ("nguye\u{0302}\u{0303}n", "NGUYỄN"),
    ];
    for (typed, expected) in cases {
        let mut p = Problems::new();
        let got = normalise_name(&mut p, "full_name", typed);
        assert_eq!(got.as_deref(), Some(expected), "{typed}: {p:?}");
    }
    for bad in ["Nguyen Van A1", "Trần-Văn", "'Trần", "Lê Thị Hồng!", "Trần ’Văn"] {
        let mut p = Problems::new();
        assert!(normalise_name(&mut p, "full_name", bad).is_none(), "{bad} accepted");
        assert_eq!(p.iter().next().map(|p| p.code.as_str()), Some("name_characters"));
    }
    let mut p = Problems::new();
    assert!(normalise_name(&mut p, "full_name", &"Ễ".repeat(NAME_BYTES / 3 + 1)).is_none());
    assert_eq!(p.iter().next().map(|p| p.code.as_str()), Some("too_long"), "never truncated");
}

#[test]
fn personal_id_rules() {
    let v = fixture("enrollment.json");
    assert_eq!(
        problems(&with(v.clone(), "/person/personal_id", json!("00117901234"))),
        ["person.personal_id id_not_12_digits"]
    );
    assert_eq!(
        problems(&with(v.clone(), "/person/personal_id", json!("00117901234x"))),
        ["person.personal_id id_not_12_digits"]
    );
    // 4th digit 0 = a man born in the 1900s, but she is a woman.
    assert_eq!(
        problems(&with(v.clone(), "/person/personal_id", json!("001079012345"))),
        ["person.personal_id id_sex_century_mismatch"]
    );
    // 4th digit 3 = a woman born in the 2000s.
    assert_eq!(
        problems(&with(v.clone(), "/person/personal_id", json!("001379012345"))),
        ["person.personal_id id_sex_century_mismatch"]
    );
    assert_eq!(
        problems(&with(v.clone(), "/person/personal_id", json!("001180012345"))),
        ["person.personal_id id_birth_year_mismatch"]
    );
    assert_eq!(
        problems(&with(v.clone(), "/person/legacy_si_code", json!("12345"))),
        ["person.legacy_si_code legacy_code_not_10_digits"]
    );
    assert!(
        problems(&with(v, "/person/legacy_si_code", Value::Null)).is_empty(),
        "the legacy code is optional"
    );
}

#[test]
fn phone_and_email() {
    let v = fixture("enrollment.json");
    for ok in [
        "0912345678",
        "+84912345678",
        "84 912 345 678",
        "0388.123.456",
        "024 3823 4567",
        "0702345678",
    ] {
        assert!(problems(&with(v.clone(), "/person/phone", json!(ok))).is_empty(), "{ok}");
    }
    for bad in ["0123456789", "091234567", "09123456789", "1912345678", "0612345678", "phone"] {
        assert_eq!(
            problems(&with(v.clone(), "/person/phone", json!(bad))),
            ["person.phone bad_phone"],
            "{bad}"
        );
    }
    assert!(problems(&with(v.clone(), "/person/email", json!("nhung@example.vn"))).is_empty());
    assert_eq!(
        problems(&with(v, "/person/email", json!("nhung@localhost"))),
        ["person.email bad_email"]
    );
}

#[test]
fn address_ethnicity_nationality() {
    let v = fixture("enrollment.json");
    // Phường Ba Đình (00004) is in Hà Nội; 10882 (Xã Hà Đông) is in Hải Phòng (31).
    assert_eq!(
        problems(&with(v.clone(), "/person/address/commune_code", json!("10882"))),
        ["person.address.commune_code commune_not_in_province"]
    );
    assert_eq!(
        problems(&with(v.clone(), "/person/address/commune_code", json!("99999"))),
        ["person.address.commune_code commune_not_in_province"]
    );
    assert_eq!(
        problems(&with(v.clone(), "/person/address/province_code", json!("64"))),
        ["person.address.province_code unknown_province"]
    );
    assert_eq!(
        problems(&with(v.clone(), "/person/ethnicity", json!("55"))),
        ["person.ethnicity unknown_ethnicity"]
    );
    assert!(problems(&with(v.clone(), "/person/ethnicity", json!("14"))).is_empty(), "Xơ-đăng");
    assert_eq!(
        problems(&with(v, "/person/nationality", json!("LA"))),
        ["person.nationality not_vietnamese_citizen"]
    );
}

#[test]
fn age_and_guardian() {
    let v = fixture("enrollment.json");
    // Born January 2012: 14 in December 2026 — under the joining age of 15.
    let young = with(
        with(v.clone(), "/person/birth_date", json!("2012-01")),
        "/person/personal_id",
        json!("001312012345"),
    );
    let young = with(young, "/consent/confirmed_by", json!("guardian"));
    let young = with(
        young,
        "/person/guardian",
        json!({"full_name": "Nguyễn Văn Bình", "relationship": "parent"}),
    );
    assert_eq!(problems(&young), ["person.birth_date under_joining_age"]);
    // Year only: counted as December 2011, so someone who may be 14 is refused.
    let year_only = with(
        with(young.clone(), "/person/birth_date", json!("2011")),
        "/person/personal_id",
        json!("001311012345"),
    );
    let year_only = with(year_only, "/choices/start_month", json!("2026-11"));
    assert_eq!(problems(&year_only), ["person.birth_date under_joining_age"]);
    // Born December 2011: still 14 on the payment date (22 Nov 2026), even for a first month
    // of December — the joining age is checked on the day of payment.
    let december = with(
        with(young.clone(), "/person/birth_date", json!("2011-12")),
        "/person/personal_id",
        json!("001311012345"),
    );
    assert_eq!(problems(&december), ["person.birth_date under_joining_age"]);
    // 15 on the payment date (born November 2011), consent by a guardian (under 16).
    let fifteen = with(
        with(young.clone(), "/person/birth_date", json!("2011-11")),
        "/person/personal_id",
        json!("001311012345"),
    );
    assert!(problems(&fifteen).is_empty(), "{:?}", problems(&fifteen));
    let self_consent = with(fifteen, "/consent/confirmed_by", json!("person"));
    assert_eq!(problems(&self_consent), ["consent.confirmed_by consent_confirmed_by"]);
    // A household child under 6 needs a guardian and is insured by the state anyway.
    let h = fixture("household.json");
    let baby = with(
        with(h, "/household/members/2/birth_date", json!("2022-05")),
        "/household/members/2/personal_id",
        json!("001222004321"),
    );
    assert_eq!(
        problems(&baby),
        [
            "household.members[2].birth_date under_6_state_insured",
            "household.members[2].guardian guardian_required"
        ]
    );
}

#[test]
fn income_mode_start_and_group() {
    let v = fixture("enrollment.json");
    assert_eq!(
        problems(&with(v.clone(), "/choices/income", json!(1_000_000))),
        ["choices.income income_out_of_range"]
    );
    // A payment made in 2026 for months from January 2027 is priced by the rules of the
    // payment date (policy §2.1, §3.1): the 2026 floor of 1,500,000 still applies.
    assert!(problems(&with(v.clone(), "/choices/start_month", json!("2027-01"))).is_empty());
    let msg = check(&with(v.clone(), "/choices/income", json!(1_000_000)))
        .err()
        .and_then(|p| p.iter().next().map(|p| p.message(Lang::Vi).to_string()));
    assert_eq!(
        msg.as_deref(),
        Some("Mức thu nhập tháng chọn đóng: phải từ 1.500.000 đ đến 50.600.000 đ.")
    );
    assert_eq!(
        problems(&with(v.clone(), "/choices/mode", json!("2"))),
        ["choices.mode mode_not_allowed"]
    );
    assert_eq!(
        problems(&with(v.clone(), "/choices/mode", json!("advance-7"))),
        ["choices.mode mode_not_allowed"]
    );
    assert!(problems(&with(v.clone(), "/choices/mode", json!("advance-5"))).is_empty());
    // Back-pay needs the months already paid: it may never cover more than is missing.
    assert_eq!(
        problems(&with(v.clone(), "/choices/mode", json!("backpay-12"))),
        ["choices.paid_months_before required"]
    );
    // Back-pay before retirement age is refused by the core's rule.
    let backpay = with(v.clone(), "/choices/mode", json!("backpay-12"));
    let backpay = with(backpay, "/choices/paid_months_before", json!(168));
    assert_eq!(problems(&backpay), ["choices.mode backpay_before_retirement_age"]);
    assert_eq!(
        problems(&with(v.clone(), "/choices/start_month", json!("2026-10"))),
        ["choices.start_month start_too_early"]
    );
    assert_eq!(
        problems(&with(v.clone(), "/choices/start_month", json!("2028-01"))),
        ["choices.start_month start_too_late"]
    );
    assert_eq!(
        problems(&with(v.clone(), "/choices/evidence_ref", Value::Null)),
        ["choices.evidence_ref evidence_required"]
    );
    assert_eq!(
        problems(&with(v.clone(), "/choices/group", json!("ethnic-minority"))),
        ["choices.group not_ethnic_minority"]
    );
    // Every problem of the payment at once: an income out of range is said while the group
    // is still wrong (the payment cannot be priced), not only after it is put right.
    let both = with(v.clone(), "/choices/group", json!("rich"));
    assert_eq!(
        problems(&with(both, "/choices/income", json!(1_000_000))),
        ["choices.group bad_group", "choices.income income_out_of_range"]
    );
    assert_eq!(problems(&with(v, "/choices/group", json!("rich"))), ["choices.group bad_group"]);
}

#[test]
fn household_rules() {
    let h = fixture("household.json");
    assert_eq!(
        problems(&with(h.clone(), "/household/members/1/months", json!(1))),
        ["household.members[1].months bhyt_months_not_allowed"]
    );
    let twice = with(h.clone(), "/household/members/2/personal_id", json!("001188009876"));
    let twice = with(
        with(twice, "/household/members/2/sex", json!("female")),
        "/household/members/2/birth_date",
        json!("1988"),
    );
    assert_eq!(problems(&twice), ["household.members[2].personal_id duplicate_member"]);
    assert_eq!(
        problems(&with(h.clone(), "/household/members", json!([]))),
        ["household.members no_members"]
    );
    let member = h.pointer("/household/members/1").cloned().unwrap_or_default();
    let many: Vec<Value> = (0..=MAX_MEMBERS)
        .map(|i| with(member.clone(), "/personal_id", json!(format!("0011880{:05}", i))))
        .collect();
    let too_many = problems(&with(h.clone(), "/household/members", Value::Array(many)));
    assert_eq!(too_many, ["household.members too_many_members"]);
    assert_eq!(
        problems(&with(h.clone(), "/household/members/0/relationship", json!("cousin"))),
        ["household.members[0].relationship bad_relationship"]
    );
    assert_eq!(
        problems(&with(h.clone(), "/household/members/0/kcb_code", json!("1014"))),
        ["household.members[0].kcb_code bad_kcb_code"]
    );
    // Issue 12 item 7: the head block is the member marked as head.
    assert_eq!(
        problems(&with(h.clone(), "/household/head/personal_id", json!("001188009876"))),
        [
            "household.head.personal_id head_id_mismatch",
            "household.members[1].relationship head_not_marked"
        ]
    );
    assert_eq!(
        problems(&with(h.clone(), "/household/members/1/relationship", json!("head"))),
        ["household.members[1].relationship more_than_one_head"]
    );
    assert_eq!(
        problems(&with(h.clone(), "/household/members/0/relationship", json!("spouse"))),
        ["household.members[0].relationship head_not_marked"]
    );
    // One person once: the same old SI code twice is the same person.
    let coded = with(h.clone(), "/household/members/1/legacy_si_code", json!("0123456789"));
    let coded = with(coded, "/household/members/2/legacy_si_code", json!("0123456789"));
    assert_eq!(problems(&coded), ["household.members[2].legacy_si_code duplicate_member"]);
    // Consent may not be dated after today (Vietnam time): 23 Nov 2026 00:30 in Hà Nội.
    let future = with(h, "/consent/at", json!(1_795_368_600));
    assert_eq!(problems(&future), ["consent.at consent_in_future"]);
    let msg =
        check(&future).err().and_then(|p| p.iter().next().map(|p| p.message(Lang::Vi).to_string()));
    assert_eq!(
        msg.as_deref(),
        Some("Thời điểm đồng ý: thời điểm đồng ý sau ngày hôm nay; kiểm tra ngày giờ của máy.")
    );
}

#[test]
fn every_problem_is_reported_at_once_in_both_languages() {
    let v = fixture("enrollment.json");
    let v = with(v, "/person/full_name", json!("Nguyễn Thị 2"));
    let v = with(v, "/person/phone", json!("12345"));
    let v = with(v, "/choices/income", json!(999));
    let v = with(v, "/consent/purposes", json!([]));
    let p = check(&v).err().unwrap_or_default();
    let codes: Vec<&str> = p.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["name_characters", "bad_phone", "income_out_of_range", "consent_missing"]);
    for problem in p.iter() {
        let vi = problem.message(Lang::Vi).to_string();
        let en = problem.message(Lang::En).to_string();
        assert!(!vi.is_empty() && !en.is_empty() && vi != en, "{vi} / {en}");
    }
    let first = p.iter().next().map(|p| p.message(Lang::Vi).to_string()).unwrap_or_default();
    assert_eq!(first, "Họ và tên: chỉ gồm chữ cái tiếng Việt và dấu cách.");
}

/// Found by the `validate_json` fuzz target: an over-long `sex` value overflowed a
/// fixed-capacity string while being folded and panicked.
#[test]
fn regression_fuzz_overlong_sex_is_a_problem_not_a_panic() {
    let v =
        with(fixture("enrollment.json"), "/person/sex", json!(format!("female{}", "_".repeat(80))));
    assert_eq!(problems(&v), ["person.sex bad_sex"]);
}

#[test]
fn consent_must_be_explicit() {
    let v = fixture("enrollment.json");
    assert_eq!(
        problems(&with(v.clone(), "/consent/purposes", json!(["reminders"]))),
        ["consent.purposes consent_missing"]
    );
    assert_eq!(
        problems(&with(v.clone(), "/consent/purposes", json!(["enrollment", "marketing"]))),
        ["consent.purposes bad_consent_purpose"]
    );
    assert_eq!(
        problems(&with(v, "/consent/confirmed_by", json!("guardian"))),
        ["consent.confirmed_by consent_confirmed_by"]
    );
}

/// Issue 12 item 5: the one price, on the payment date — a December 2026 payment for 2027
/// months at the 2026 floor.
#[test]
fn the_price_is_made_on_the_payment_date() -> Result<(), Box<dyn std::error::Error>> {
    let v = with(fixture("enrollment.json"), "/choices/start_month", json!("2027-01"));
    let e = check(&v).map_err(|p| format!("{p:?}"))?;
    let p = ansinh_enrollment::price::price(&e, &default_table(), today())?;
    assert_eq!(p.on, today());
    let Enrollment::Voluntary(vol) = &e else { return Err("voluntary".into()) };
    let per_month = 22 * vol.choices.income / 100;
    assert_eq!(p.gross, per_month * u64::from(p.months));
    Ok(())
}
