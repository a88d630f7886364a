//! The `ansinh` command as a user runs it: the JSON contract of each subcommand, exit codes,
//! field-named errors in both languages, and policy tables loaded at run time.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

type R = Result<(), Box<dyn std::error::Error>>;

fn ansinh(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ansinh"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run ansinh: {e}"))
}

/// Runs with `--json`, checks the exit code and that stdout is exactly one JSON object.
fn json(args: &[&str], code: i32) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = ansinh(&all);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{args:?}: not one JSON value ({e}): {stdout}"));
    assert!(v.is_object(), "{args:?}: not an object");
    assert_eq!(stdout.trim().lines().count(), 1, "one line of JSON");
    v
}

fn int(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("{key} is not a non-negative integer in {v}"))
}

#[test]
fn quote_contract_and_worked_examples() {
    // (arguments, [months, gross, national, local, net, gross_monthly, net_monthly])
    let cases: [(&[&str], [u64; 7]); 6] = [
        (
            &["--income", "1500000", "--group", "poor", "--mode", "1"],
            [1, 330_000, 165_000, 0, 165_000, 330_000, 165_000],
        ),
        (
            &["--income", "1500000", "--group", "other", "--mode", "3"],
            [3, 990_000, 198_000, 0, 792_000, 330_000, 264_000],
        ),
        (
            &["--income", "1500000", "--group", "poor", "--mode", "12"],
            [12, 3_960_000, 1_980_000, 0, 1_980_000, 330_000, 165_000],
        ),
        (
            &["--income", "5000000", "--group", "other", "--mode", "1"],
            [1, 1_100_000, 66_000, 0, 1_034_000, 1_100_000, 1_034_000],
        ),
        (
            &["--income", "1500000", "--group", "poor", "--province", "01", "--mode", "1"],
            [1, 330_000, 165_000, 165_000, 0, 330_000, 0],
        ),
        (
            &["--income", "1500000", "--group", "other", "--province", "01", "--mode", "1"],
            [1, 330_000, 66_000, 33_000, 231_000, 330_000, 231_000],
        ),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["quote", "--on", "2026-11-22"];
        args.extend_from_slice(extra);
        let v = json(&args, 0);
        assert_eq!(v["policy_version"], "VN-2026-12-06");
        let keys = [
            "months",
            "gross",
            "support_national",
            "support_local",
            "net",
            "gross_monthly",
            "net_monthly",
        ];
        let got = keys.map(|k| int(&v, k));
        assert_eq!(got, expected, "{extra:?}");
    }
}

#[test]
fn quote_follows_the_date() {
    let q = |on: &str, income: &str| {
        json(&["quote", "--on", on, "--income", income, "--group", "other", "--mode", "1"], 0)
    };
    assert_eq!(int(&q("2026-06-30", "46800000"), "gross"), 10_296_000);
    assert_eq!(int(&q("2026-07-01", "50600000"), "gross"), 11_132_000);
    assert_eq!(int(&q("2026-12-31", "1500000"), "net"), 264_000);
    assert_eq!(int(&q("2027-01-01", "2200000"), "net"), 387_200);
    let e = json(
        &["quote", "--on", "2026-06-30", "--income", "50600000", "--group", "other", "--mode", "1"],
        2,
    );
    assert_eq!(
        (e["error"]["field"].as_str(), e["error"]["code"].as_str()),
        (Some("income"), Some("income_out_of_range"))
    );
    let msg = e["error"]["message"].as_str().unwrap_or_default();
    assert!(msg.contains("1.500.000 đ") && msg.contains("46.800.000 đ"), "{msg}");
}

#[test]
fn quote_advance_and_backpay() {
    let v = json(
        &[
            "quote",
            "--on",
            "2026-11-22",
            "--income",
            "1500000",
            "--group",
            "other",
            "--mode",
            "advance-2",
        ],
        0,
    );
    assert_eq!((int(&v, "months"), int(&v, "gross"), int(&v, "net")), (24, 7_644_801, 6_060_801));
    assert_eq!(v["estimate"], true);
    let args = [
        "quote",
        "--on",
        "2026-06-01",
        "--income",
        "1500000",
        "--group",
        "other",
        "--mode",
        "backpay-12",
        "--born",
        "1965-01",
        "--sex",
        "male",
        "--paid-months",
        "168",
    ];
    assert_eq!(int(&json(&args, 0), "gross"), 4_040_708);
    let early = [
        "quote",
        "--on",
        "2026-05-01",
        "--income",
        "1500000",
        "--group",
        "other",
        "--mode",
        "backpay-12",
        "--born",
        "1965-01",
        "--sex",
        "male",
        "--paid-months",
        "168",
    ];
    let e = json(&early, 2);
    assert_eq!(e["error"]["code"], "backpay_before_retirement_age");
    let no_person = [
        "quote",
        "--on",
        "2026-06-01",
        "--income",
        "1500000",
        "--group",
        "other",
        "--mode",
        "backpay-12",
    ];
    assert_eq!(json(&no_person, 2)["error"]["field"], "born");
}

#[test]
fn pension_contract() {
    let v = json(
        &[
            "pension",
            "--on",
            "2026-01-01",
            "--born",
            "1965-01",
            "--sex",
            "male",
            "--paid-months",
            "200",
            "--paid-avg",
            "3000000",
        ],
        0,
    );
    for key in [
        "policy_version",
        "retirement_age",
        "retirement_month",
        "pension_from",
        "months_at_retirement",
        "eligible",
        "rate_bp",
        "average_income",
        "monthly_pension",
        "shortfall_months",
        "backpay_allowed",
        "one_time_amount",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(
        (v["retirement_age"].as_str(), v["retirement_month"].as_str(), v["pension_from"].as_str()),
        (Some("61y6m"), Some("2026-07"), Some("2026-08"))
    );
    assert_eq!(
        (int(&v, "months_at_retirement"), int(&v, "rate_bp"), int(&v, "monthly_pension")),
        (200, 4200, 1_260_000)
    );
    assert_eq!((v["eligible"].as_bool(), int(&v, "shortfall_months")), (Some(true), 0));

    // Example 12: short by 12 months, may back-pay.
    let v = json(
        &[
            "pension",
            "--on",
            "2026-11-22",
            "--born",
            "1979-03",
            "--sex",
            "female",
            "--paid-months",
            "20",
            "--paid-avg",
            "1500000",
            "--income",
            "2200000",
        ],
        0,
    );
    assert_eq!(
        (v["retirement_age"].as_str(), v["retirement_month"].as_str()),
        (Some("60y0m"), Some("2039-03"))
    );
    assert_eq!(
        (int(&v, "months_at_retirement"), v["eligible"].as_bool(), int(&v, "monthly_pension")),
        (168, Some(false), 0)
    );
    assert_eq!((int(&v, "shortfall_months"), v["backpay_allowed"].as_bool()), (12, Some(true)));
    assert!(v["pension_from"].is_null());
    assert_eq!(v["backpay"]["pension_from"], "2039-04");
    assert_eq!(v["pay_on"]["pension_from"], "2040-04");
}

#[test]
fn pension_from_a_history_file() -> R {
    let dir = std::env::temp_dir().join(format!("ansinh-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let csv = dir.join("history.csv");
    std::fs::write(&csv, "year,months,income\n2020,12,3000000\n")?;
    let path = csv.to_string_lossy().to_string();
    let v = json(
        &[
            "pension",
            "--on",
            "2026-01-01",
            "--born",
            "1965-01",
            "--sex",
            "male",
            "--history",
            &path,
        ],
        0,
    );
    assert_eq!(int(&v, "average_income"), 3_480_000);
    let js = dir.join("history.json");
    std::fs::write(
        &js,
        r#"[{"year": 2020, "months": 12, "income": 3000000}, {"year": 2025, "months": 12, "income": 3000000}]"#,
    )?;
    let path = js.to_string_lossy().to_string();
    let v = json(
        &[
            "pension",
            "--on",
            "2026-01-01",
            "--born",
            "1965-01",
            "--sex",
            "male",
            "--history",
            &path,
        ],
        0,
    );
    assert_eq!(int(&v, "average_income"), 3_240_000);
    std::fs::write(&csv, "2020,13,3000000\n")?;
    let path = csv.to_string_lossy().to_string();
    let e = json(
        &[
            "pension",
            "--on",
            "2026-01-01",
            "--born",
            "1965-01",
            "--sex",
            "male",
            "--history",
            &path,
        ],
        2,
    );
    assert_eq!(
        (e["error"]["field"].as_str(), e["error"]["code"].as_str()),
        (Some("history"), Some("bad_history"))
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn bhyt_contract() {
    let v = json(&["bhyt", "--on", "2026-11-22", "--members", "3", "--months", "12"], 0);
    assert_eq!(v["policy_version"], "VN-2026-12-06");
    assert_eq!(v["per_member"], serde_json::json!([1_366_200, 956_340, 819_720]));
    assert_eq!(int(&v, "total"), 3_142_260);
    let e = json(&["bhyt", "--on", "2026-11-22", "--members", "3", "--months", "1"], 2);
    assert_eq!(
        (e["error"]["field"].as_str(), e["error"]["code"].as_str()),
        (Some("months"), Some("bhyt_period_not_allowed"))
    );
}

#[test]
fn invalid_input_names_the_field() {
    let cases: [(&[&str], &str, &str); 8] = [
        (
            &[
                "quote",
                "--on",
                "2026-13-01",
                "--income",
                "1500000",
                "--group",
                "other",
                "--mode",
                "1",
            ],
            "on",
            "invalid_date",
        ),
        (
            &[
                "quote",
                "--on",
                "2026-11-22",
                "--income",
                "1.500.000",
                "--group",
                "other",
                "--mode",
                "1",
            ],
            "income",
            "invalid_amount",
        ),
        (
            &[
                "quote",
                "--on",
                "2026-11-22",
                "--income",
                "1500000",
                "--group",
                "rich",
                "--mode",
                "1",
            ],
            "group",
            "invalid_group",
        ),
        (
            &[
                "quote",
                "--on",
                "2026-11-22",
                "--income",
                "1500000",
                "--group",
                "other",
                "--mode",
                "2",
            ],
            "mode",
            "period_not_allowed",
        ),
        (
            &[
                "quote",
                "--on",
                "2026-11-22",
                "--income",
                "1500000",
                "--group",
                "other",
                "--mode",
                "weekly",
            ],
            "mode",
            "invalid_mode",
        ),
        (
            &[
                "quote",
                "--on",
                "2026-11-22",
                "--income",
                "1500000",
                "--group",
                "other",
                "--mode",
                "1",
                "--province",
                "64",
            ],
            "province",
            "unknown_province",
        ),
        (
            &["quote", "--on", "2026-11-22", "--group", "other", "--mode", "1"],
            "income",
            "missing_argument",
        ),
        (
            &["pension", "--on", "2026-11-22", "--born", "1979-03", "--sex", "x"],
            "sex",
            "invalid_sex",
        ),
    ];
    for (args, field, code) in cases {
        let e = json(args, 2);
        assert_eq!(
            (e["error"]["field"].as_str(), e["error"]["code"].as_str()),
            (Some(field), Some(code)),
            "{args:?}"
        );
        assert!(!e["error"]["message"].as_str().unwrap_or_default().is_empty());
    }
}

#[test]
fn human_output_in_both_languages() {
    let out = ansinh(&[
        "quote",
        "--on",
        "2026-11-22",
        "--income",
        "1500000",
        "--group",
        "near-poor",
        "--mode",
        "1",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(text.contains("SỐ TIỀN NỘP") && text.contains("198.000 đ"), "{text}");
    assert!(text.contains("một trăm chín mươi tám nghìn đồng"), "{text}");
    assert!(text.contains("Decree 159/2025/NĐ-CP Art 5"), "sources are shown: {text}");
    let out = ansinh(&[
        "quote",
        "--on",
        "2026-11-22",
        "--income",
        "1500000",
        "--group",
        "near-poor",
        "--mode",
        "1",
        "--lang",
        "en",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("AMOUNT TO PAY") && text.contains("VND 198,000"), "{text}");
    let bad = ansinh(&[
        "quote",
        "--on",
        "2026-11-22",
        "--income",
        "99",
        "--group",
        "other",
        "--mode",
        "1",
        "--lang",
        "en",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("--income") && err.contains("between VND 1,500,000"), "{err}");
    let bad = ansinh(&[
        "quote",
        "--on",
        "2026-11-22",
        "--income",
        "99",
        "--group",
        "other",
        "--mode",
        "1",
    ]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Mức thu nhập 99 đ không hợp lệ"));
}

#[test]
fn estimates_are_marked() {
    let out = ansinh(&[
        "quote",
        "--on",
        "2026-11-22",
        "--income",
        "1500000",
        "--group",
        "other",
        "--province",
        "01",
        "--mode",
        "1",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("ƯỚC TÍNH"));
    let out = ansinh(&[
        "quote",
        "--on",
        "2026-11-22",
        "--income",
        "1500000",
        "--group",
        "other",
        "--mode",
        "1",
    ]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("ƯỚC TÍNH"));
}

#[test]
fn policy_prints_the_table_with_sources() {
    let v = json(&["policy"], 0);
    assert_eq!(v["version"], "VN-2026-12-06");
    let reference = &v["reference_level"]["entries"];
    let last = &reference[reference.as_array().map_or(0, |a| a.len() - 1)];
    assert_eq!(
        (last["from"].as_str(), last["value"].as_u64(), last["status"].as_str()),
        (Some("2026-07-01"), Some(2_530_000), Some("secondary"))
    );
    assert!(last["source"].as_str().unwrap_or_default().contains("161/2026"));
    let text = String::from_utf8_lossy(&ansinh(&["policy"]).stdout).to_string();
    assert!(
        text.contains("Bảng chính sách VN-2026-12-06") && text.contains("Decree 351/2025/NĐ-CP")
    );
}

fn source_table() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ansinh-core/policy/policy.toml");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("policy source: {e}"))
}

#[test]
fn a_policy_file_changes_the_rules_without_a_new_binary() -> R {
    let dir = std::env::temp_dir().join(format!("ansinh-cli-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let edited = source_table()
        .replacen("version = \"VN-2026-12-06\"", "version = \"VN-TEST-1\"", 1)
        .replacen("value = 2200000", "value = 2300000", 1);
    let file = dir.join("policy.toml");
    std::fs::write(&file, edited)?;
    let path = file.to_string_lossy().to_string();
    let v = json(
        &[
            "--policy",
            &path,
            "quote",
            "--on",
            "2027-01-01",
            "--income",
            "2300000",
            "--group",
            "other",
            "--mode",
            "1",
        ],
        0,
    );
    assert_eq!(
        (v["policy_version"].as_str(), int(&v, "gross"), int(&v, "support_national")),
        (Some("VN-TEST-1"), 506_000, 101_200)
    );

    let broken = source_table().replacen(
        "from = \"2027-01-01\"\nvalue = 2200000",
        "from = \"2027-03-01\"\nvalue = 2200000",
        1,
    );
    std::fs::write(&file, broken)?;
    let out = ansinh(&["--policy", &path, "policy"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rural_poverty_line") && err.contains("gap"), "{err}");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// Issue 12 item 1: a man born 08/1962 with 200 months at 3,000,000, asked today, reached the
/// age in 05/2023 when 20 years were needed; under the 15-year rule in force from 1 Jul 2025
/// he is answered with his pension, not a back-pay error.
#[test]
fn a_man_past_retirement_age_is_answered() {
    let man = [
        "pension",
        "--on",
        "2026-11-22",
        "--born",
        "1962-08",
        "--sex",
        "male",
        "--paid-months",
        "200",
        "--paid-avg",
        "3000000",
    ];
    let v = json(&man, 0);
    assert_eq!(v["retirement_month"], "2023-05");
    assert_eq!(v["pension_from"], "2025-07");
    assert_eq!(v["already_eligible"], true);
    assert_eq!((int(&v, "rate_bp"), int(&v, "monthly_pension")), (4200, 1_260_000));
    // A man born before the table's retirement rules (1950) with 10 years: the options now.
    let v = json(
        &[
            "pension",
            "--on",
            "2026-11-22",
            "--born",
            "1950-06",
            "--sex",
            "male",
            "--paid-months",
            "120",
            "--paid-avg",
            "2000000",
        ],
        0,
    );
    assert_eq!(v["eligible"], false);
    assert_eq!(int(&v, "shortfall_months"), 60);
    assert_eq!(v["backpay"]["paid_in"], "2026-11");
    assert_eq!(v["backpay"]["pension_from"], "2026-12");
    let text = String::from_utf8_lossy(&ansinh(&man).stdout).to_string();
    assert!(text.contains("Đã đủ điều kiện hưởng lương hưu từ tháng 07/2025"), "{text}");
}

/// Issue 12 item 2: back-pay beyond the shortfall, or a shortfall beyond 60 months, or
/// back-pay without the months already paid, is refused with the field named.
#[test]
fn backpay_beyond_the_limit_is_refused() {
    let base = [
        "quote",
        "--on",
        "2026-11-22",
        "--income",
        "1500000",
        "--group",
        "other",
        "--born",
        "1960-01",
        "--sex",
        "male",
    ];
    fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        base.iter().chain(extra).copied().collect()
    }
    let v = json(&with(&base, &["--mode", "backpay-60", "--paid-months", "100"]), 2);
    assert_eq!(v["error"]["code"], "backpay_shortfall_too_large");
    assert_eq!(v["error"]["field"], "paid-months");
    let v = json(&with(&base, &["--mode", "backpay-60"]), 2);
    assert_eq!(v["error"]["code"], "backpay_needs_paid_months");
    let v = json(&with(&base, &["--mode", "backpay-40", "--paid-months", "150"]), 2);
    assert_eq!(v["error"]["code"], "backpay_too_long");
    let v = json(&with(&base, &["--mode", "backpay-30", "--paid-months", "150"]), 0);
    assert_eq!(int(&v, "months"), 30);
}

/// Issue 12 item 4: `ansinh compare` and `ansinh pension` give the figures the kiosk's pension
/// and scenarios screens show for the same person (asserted there too), and the comparison's
/// totals follow the 2027 floor.
#[test]
fn compare_contract_and_agreement_with_pension() {
    let p = json(
        &[
            "pension",
            "--on",
            "2026-11-22",
            "--born",
            "1990-01",
            "--sex",
            "female",
            "--income",
            "1500000",
        ],
        0,
    );
    assert_eq!(p["retirement_month"], "2050-01");
    assert_eq!((int(&p, "rate_bp"), int(&p, "monthly_pension")), (6200, 1_362_439));
    assert_eq!(int(&p["planned"], "months_raised"), 277);
    let compare = |a: &'static str, b: &'static str| {
        [
            "compare",
            "--on",
            "2026-11-22",
            "--born",
            "1990-01",
            "--sex",
            "female",
            "--a",
            a,
            "--b",
            b,
        ]
    };
    let c = json(&compare("1500000:40", "3000000:15"), 0);
    let a = &c["ways"][0];
    assert_eq!(a["retirement_month"], p["retirement_month"]);
    assert_eq!((int(a, "rate_bp"), int(a, "monthly_pension")), (6200, 1_362_439));
    assert_eq!(int(a, "months_paid"), 278);
    assert_eq!(int(a, "first_month_net"), 264_000);
    assert_eq!(int(&a["paid"], "net"), 122_812_800);
    assert_eq!(int(&c["ways"][1], "monthly_pension"), 1_350_000);
    assert!(c["better_per_dong"].is_u64());
    let bad = json(&compare("1500000", "3000000:15"), 2);
    assert_eq!(bad["error"]["code"], "invalid_way");
    assert_eq!(bad["error"]["field"], "a");
}
