//! The same person paying more than once for the same months, at two counters and at one: the
//! hub keeps every record and lists each possible double payment with both receipts, on the
//! dashboard and in a CSV export, through the router itself.

use ansinh_device::DataDir;
use ansinh_device::enroll::{CollectionPoint, CommitOptions, Duplicates, amounts, commit};
use ansinh_enrollment::record::{Enrollment, PaymentMode};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use crate::support::*;

/// Commits `e` at `dir` at time `at`, as its counter does; the receipt number.
fn take(dir: &DataDir, e: &Enrollment, at: i64, duplicates: Duplicates) -> Res<i64> {
    let table = ansinh_core::default_table();
    let reg = dir.registration()?.ok_or("not registered")?;
    let point =
        CollectionPoint { device_id: reg.device_id, name: "x".into(), agent_code: AGENT.into() };
    let (mut outbox, _) = dir.outbox()?;
    let pseudonyms = dir.pseudonym_key()?;
    let options = CommitOptions { duplicates, ..CommitOptions::new(&pseudonyms) };
    let today = TODAY.parse().map_err(|_| "date")?;
    Ok(commit(&mut outbox, e, &table, today, at, &point, &options)?.0.receipt_no)
}

/// What the router answered.
struct Reply {
    status: StatusCode,
    headers: Vec<(String, String)>,
    body: String,
}

/// An admin GET through the router.
fn admin_get(
    rt: &tokio::runtime::Runtime,
    server: &Server,
    token: Option<&str>,
    path: &str,
) -> Res<Reply> {
    let app = ansinh_hub::app(server.state.clone());
    let mut request = Request::get(path);
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let request = request.body(Body::empty())?;
    rt.block_on(async {
        let response = app.oneshot(request).await?;
        let status = response.status();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let body = axum::body::to_bytes(response.into_body(), 1 << 22).await?;
        Ok(Reply { status, headers, body: String::from_utf8(body.to_vec())? })
    })
}

/// Every value of `attr` in the page's double-payment rows, in order.
fn rows_attr(html: &str, attr: &str) -> Vec<String> {
    html.split("<tr class=\"double\"")
        .skip(1)
        .filter_map(|row| {
            let key = format!("{attr}=\"");
            let at = row.find(&key)? + key.len();
            Some(row[at..at + row[at..].find('"')?].to_string())
        })
        .collect()
}

#[test]
fn a_double_payment_from_any_device_is_listed_with_both_receipts() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    let token = admin_token(&tmp.path().join("hub"))?;
    let a = device(tmp.path(), "a", &server.url(), &server.token()?)?;
    // A label typed by staff that a spreadsheet would run as a formula.
    let b = DataDir::open(tmp.path().join("b"))?;
    ansinh_uploader::register(&b, &server.url(), &server.token()?, "=1+2 Điểm thu chợ")?;
    let a_id = a.registration()?.ok_or("a")?.device_id;
    let b_id = b.registration()?.ok_or("b")?.device_id;

    let (voluntary, household) = enrollments()?;
    let mut november = voluntary.clone();
    if let Enrollment::Voluntary(v) = &mut november {
        v.choices.mode = PaymentMode::Periodic(1);
        v.choices.start_month = "2026-11".parse().map_err(|_| "month")?;
    }
    // Counter A takes December–February, then November alone (no month in common); counter
    // B, which holds nothing of hers, takes December–February again; B and then A take the
    // same household; A takes December–February a third time, staff confirming it.
    assert_eq!(take(&a, &voluntary, NOW, Duplicates::Refuse)?, 1);
    assert_eq!(take(&a, &november, NOW + 30, Duplicates::Refuse)?, 2);
    assert_eq!(take(&b, &voluntary, NOW + 60, Duplicates::Refuse)?, 1);
    assert_eq!(take(&b, &household, NOW + 120, Duplicates::Refuse)?, 2);
    assert_eq!(take(&a, &household, NOW + 180, Duplicates::Refuse)?, 3);
    assert!(take(&a, &voluntary, NOW + 240, Duplicates::Refuse).is_err(), "A knows receipt 1");
    assert_eq!(take(&a, &voluntary, NOW + 240, Duplicates::Confirmed)?, 4);
    for dir in [&a, &b] {
        sync_until_done(dir, &server.url(), &test_clock(), &Default::default(), 2)?;
    }
    assert_eq!(server.hub().store().totals()?.records, 6, "every record is held");

    let page = admin_get(&rt, &server, Some(&token), &format!("/admin/dashboard?month={MONTH}"))?;
    let (status, html) = (page.status, page.body);
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"double-payments\" data-count=\"5\""), "{html}");
    assert_eq!(
        rows_attr(&html, "data-first-device"),
        [a_id, b_id, b_id, b_id, a_id].map(|d| d.to_string())
    );
    assert_eq!(rows_attr(&html, "data-first-receipt"), ["1", "2", "2", "2", "1"]);
    assert_eq!(
        rows_attr(&html, "data-second-device"),
        [b_id, a_id, a_id, a_id, a_id].map(|d| d.to_string())
    );
    assert_eq!(rows_attr(&html, "data-second-receipt"), ["1", "3", "3", "3", "4"]);
    let household_total =
        amounts(&household, &ansinh_core::default_table(), TODAY.parse().map_err(|_| "date")?)?;
    let voluntary_amount =
        amounts(&voluntary, &ansinh_core::default_table(), TODAY.parse().map_err(|_| "date")?)?;
    assert_eq!(
        rows_attr(&html, "data-second-amount"),
        [
            voluntary_amount.amount.to_string(),
            household_total.amount.to_string(),
            household_total.amount.to_string(),
            household_total.amount.to_string(),
            voluntary_amount.amount.to_string(),
        ]
    );
    assert_eq!(rows_attr(&html, "data-first-period")[0], "12/2026–02/2027");
    assert_eq!(rows_attr(&html, "data-second-period")[1], "12/2026–11/2027");
    for name in ["NGUYỄN T** H*** N****", "TRẦN V** Đ**", "LÊ T** T** H****", "TRẦN M*** K***"]
    {
        assert!(html.contains(name), "{name} not listed");
    }
    assert!(!html.contains("001179012345"), "no ID on the page");
    // Both payments still count in the month's progress.
    let progress = server.hub().progress(MONTH, NOW)?;
    assert_eq!((progress.total.month.records, progress.total.month.participants), (6, 10));
    // A month in which no second payment was collected lists none.
    let december = admin_get(&rt, &server, Some(&token), "/admin/dashboard?month=2026-12")?.body;
    assert!(december.contains("data-count=\"0\""));

    // The same list as CSV, for follow-up.
    let path = format!("/admin/exports/double-payments?month={MONTH}");
    assert_eq!(admin_get(&rt, &server, None, &path)?.status, StatusCode::UNAUTHORIZED);
    let Reply { status, headers, body: csv } = admin_get(&rt, &server, Some(&token), &path)?;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "content-disposition" && v.contains("double-payments_2026-11.csv"))
    );
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(reader.headers()?.len(), 18);
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    assert_eq!(rows.len(), 5);
    let first: Vec<&str> = rows[0].iter().collect();
    assert_eq!(
        first[..9],
        [
            "1",
            "NGUYỄN T** H*** N****",
            "BHXH tự nguyện",
            &format!("Bưu điện xã Thanh Trì (thiết bị {a_id})"),
            "1",
            "22/11/2026",
            "12/2026",
            "02/2027",
            &voluntary_amount.amount.to_string(),
        ]
    );
    assert_eq!(
        first[9],
        format!("'=1+2 Điểm thu chợ (thiết bị {b_id})"),
        "a formula is neutralised"
    );
    assert_eq!((first[10], first[17]), ("1", "hai thiết bị"));
    assert_eq!((&rows[4][10], &rows[4][17]), ("4", "cùng thiết bị"));

    // The same file from the command line.
    let out = tmp.path().join("double.csv");
    let run = crate::hub_command(&tmp.path().join("hub"))?
        .args(["export", "double-payments", "--month", MONTH, "--out"])
        .arg(&out)
        .output()?;
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(std::fs::read_to_string(&out)?, csv);
    server.stop(&rt)?;
    Ok(())
}
