//! What the collection organisation gets: lists (CSV, XLSX, D05-TS as XML), progress against targets (JSON
//! and the dashboard page, read back by headless Chromium), renewal-due lists on the device,
//! and the admin side's protection. (The same lists from the `ansinh-hub` command are checked
//! in ansinh-hub's `tests/e2e/commands.rs`.)

use std::io::Read;
use std::process::Command;
use std::time::Duration;

use ansinh_device::clock::Clock;

use crate::support::*;

fn post_form(url: &str, auth: &str, form: &str, origin: Option<&str>) -> Res<Got> {
    let mut request = agent()
        .post(url)
        .header("authorization", auth)
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(o) = origin {
        request = request.header("origin", o).header("sec-fetch-site", "cross-site");
    }
    let mut r = request.send(form)?;
    Ok(Got { status: r.status().as_u16(), headers: vec![], body: r.body_mut().read_to_vec()? })
}

fn bearer(server_dir: &std::path::Path) -> Res<String> {
    Ok(format!("Bearer {}", admin_token(server_dir)?))
}

#[test]
fn d05_and_d03_lists_as_csv_xlsx_and_xml() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let (server, _) = populated(&rt, tmp.path())?;
    let auth = bearer(&tmp.path().join("hub"))?;
    let url = |q: &str| format!("{}/admin/exports?{q}", server.url());

    let csv = get(
        &url(&format!("list=d05&month={MONTH}&commune={VOLUNTARY_COMMUNE}&format=csv")),
        Some(&auth),
    )?;
    assert_eq!(csv.status, 200);
    assert!(
        csv.headers
            .iter()
            .any(|(k, v)| k == "content-disposition" && v.contains("D05-TS_09556_2026-11.csv"))
    );
    let text = String::from_utf8(csv.body)?;
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers()?.iter().map(String::from).collect();
    assert_eq!(header.len(), 20);
    assert_eq!(header[1], "B. Họ và tên");
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    assert_eq!(rows.len(), 8);
    let r = &rows[0];
    assert_eq!(&r[1], "NGUYỄN THỊ HỒNG NHUNG");
    assert_eq!(&r[2], "0112345678");
    assert_eq!(&r[3], "001179012345");
    assert_eq!((&r[5], &r[6]), ("22/11/2026", "1"));
    assert_eq!((&r[7], &r[8], &r[9]), ("2000000", "3", "12/2026"));
    // Amounts as the device priced them with the same policy table; near-poor: 40%.
    let a = voluntary_amounts()?;
    assert_eq!(&r[10], a.gross.to_string());
    assert_eq!(&r[11], a.amount.to_string());
    assert_eq!((&r[12], &r[13]), ("40", a.support_national.to_string().as_str()));
    assert_eq!(&r[18], AGENT);
    let paid: u64 = rows.iter().map(|r| r[11].parse::<u64>().unwrap_or(0)).sum();
    assert_eq!(paid, 8 * a.amount);

    let d03 = get(&url(&format!("list=d03&month={MONTH}&format=csv")), Some(&auth))?;
    let text = String::from_utf8(d03.body)?;
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    assert_eq!(rows.len(), 6, "two households of three members");
    assert_eq!((&rows[0][1], &rows[0][6]), ("TRẦN VĂN ĐỨC", "Chủ hộ"));

    let xlsx = get(&url(&format!("list=d05&month={MONTH}&format=xlsx")), Some(&auth))?;
    assert_eq!(xlsx.status, 200);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx.body))?;
    let mut strings = String::new();
    zip.by_name("xl/sharedStrings.xml")?.read_to_string(&mut strings)?;
    for expected in ["NGUYỄN THỊ HỒNG NHUNG", "Mức thu nhập tháng đóng BHXH", "001179012345"]
    {
        assert!(strings.contains(expected), "{expected} missing from the workbook");
    }
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")?.read_to_string(&mut sheet)?;
    assert!(sheet.contains(&format!("<v>{}</v>", a.amount)), "amounts are numbers");

    // The XML list for electronic submission: the same rows as the hub lists them, the
    // same bytes as the command line writes; D03-TS has none.
    let xml = get(&url(&format!("list=d05&month={MONTH}&format=xml")), Some(&auth))?;
    assert_eq!(xml.status, 200);
    assert!(
        xml.headers.iter().any(|(k, v)| k == "content-type" && v.starts_with("application/xml"))
    );
    assert!(
        xml.headers
            .iter()
            .any(|(k, v)| k == "content-disposition" && v.contains("D05-TS_all_2026-11.xml"))
    );
    let rows = server.hub().list_rows(ansinh_hub::List::D05, None, MONTH)?;
    assert_eq!(xml.body, ansinh_hub::exports::to_xml(ansinh_hub::List::D05, MONTH, None, &rows)?);
    let text = String::from_utf8(xml.body)?;
    assert_eq!(text.matches("<NguoiThamGia>").count(), 8);
    assert!(text.contains("<HoTen>NGUYỄN THỊ HỒNG NHUNG</HoTen>"));
    assert_eq!(get(&url(&format!("list=d03&month={MONTH}&format=xml")), Some(&auth))?.status, 400);

    let bad = get(&url("list=d05&month=2026-13"), Some(&auth))?;
    assert_eq!(bad.status, 400);
    server.stop(&rt)?;
    Ok(())
}

#[test]
fn renewals_reach_the_device_and_stay_for_the_staff_screen() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let (server, dir) = populated(&rt, tmp.path())?;
    // Signed with the test's time (the hub's "now"), whatever the machine's date.
    let clock = test_clock();
    let mut transport =
        ansinh_uploader::HttpTransport::new(&server.url(), Duration::from_secs(10))?;
    let mut fetch = |dir: &ansinh_device::DataDir, days: u32, clock: &FakeClock| {
        ansinh_uploader::fetch_renewals_with(dir, &mut transport, clock, days)
    };
    // Paid December 2026 to February 2027: ends 28 February, 98 days after 22 November.
    assert!(fetch(&dir, 97, &clock)?.due.is_empty());
    let list = fetch(&dir, 98, &clock)?;
    assert_eq!(list.due.len(), 1, "one person, listed once: {:?}", list.due);
    let due = &list.due[0];
    assert_eq!(
        (
            due.masked_name.as_str(),
            due.scheme.as_str(),
            due.paid_until.as_str(),
            due.commune_code.as_str()
        ),
        ("NGUYỄN T** H*** N****", "voluntary-si", "2027-02", VOLUNTARY_COMMUNE)
    );
    assert_eq!(due.phone.as_deref(), Some("0912345678"), "consented to reminders");
    assert_eq!(due.last_receipt_no, Some(9), "the last payment on this device");
    // Households paid 12 months, to November 2027: due in the autumn of 2027.
    // A device assigned no commune (a token made without one).
    let unassigned = ansinh_hub::testing::LoopbackHub::token(&server, "other")?;
    let other = device(tmp.path(), "other", &server.url(), &unassigned)?;
    let later = test_clock();
    later.advance(300 * 86_400);
    server.set_now(later.now());
    let year = fetch(&dir, 80, &later)?;
    assert_eq!(year.due.len(), 3, "{:?}", year.due);
    assert!(year.due.iter().all(|d| d.scheme == "household-bhyt" && d.paid_until == "2027-11"));
    assert!(
        year.due.iter().filter(|d| d.scheme == "household-bhyt").all(|d| d.phone.is_none()),
        "no consent to reminders"
    );
    assert_eq!(ansinh_uploader::cached_renewals(&dir)?, Some(year));

    // A device assigned no commune sees nobody.
    assert!(fetch(&other, 80, &later)?.due.is_empty());
    server.stop(&rt)?;
    Ok(())
}

#[test]
fn admin_pages_need_the_token_and_refuse_cross_site_posts() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    let token = admin_token(&tmp.path().join("hub"))?;
    let admin = format!("{}/admin", server.url());
    let none = get(&admin, None)?;
    assert_eq!(none.status, 401);
    assert!(none.headers.iter().any(|(k, v)| k == "www-authenticate" && v.starts_with("Basic")));
    assert_eq!(get(&admin, Some("Bearer wrong-token-wrong-token"))?.status, 401);
    let basic =
        |user: &str, password: &str| format!("Basic {}", base64(&format!("{user}:{password}")));
    assert_eq!(get(&admin, Some(&basic("root", &token)))?.status, 401);
    assert_eq!(get(&admin, Some(&basic("admin", &token)))?.status, 200);
    for path in
        ["/admin/dashboard", "/admin/progress.json", "/admin/renewals", "/admin/exports?list=d05"]
    {
        assert_eq!(get(&format!("{}{path}", server.url()), None)?.status, 401, "{path}");
    }

    let auth = basic("admin", &token);
    let cross =
        post_form(&format!("{admin}/tokens"), &auth, "label=evil", Some("https://evil.example"))?;
    assert_eq!(cross.status, 403);
    assert!(server.hub().store().tokens()?.is_empty());
    let page = post_form(
        &format!("{admin}/tokens"),
        &auth,
        "label=B%C6%B0u+%C4%91i%E1%BB%87n+x%C3%A3+A&valid_hours=2",
        None,
    )?;
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body)?;
    let start =
        html.find("id=\"new-token\">").ok_or("no token on the page")? + "id=\"new-token\">".len();
    let end = html[start..].find('<').ok_or("the token is not closed")? + start;
    let new_token = &html[start..end];
    // SECRET.FINGERPRINT, as `ansinh-hub token` prints it.
    assert_eq!(new_token.len(), 32 + 1 + 32, "{new_token}");
    // The page's token registers a device.
    let dir = ansinh_device::DataDir::open(tmp.path().join("device"))?;
    let reg = ansinh_uploader::register(&dir, &server.url(), new_token, "Bưu điện xã A")?;
    let devices = server.hub().store().devices()?;
    assert_eq!((devices.len(), devices[0].label.as_str()), (1, "Bưu điện xã A"));
    // Revoke from the page, then the device is refused.
    let revoked = post_form(&format!("{admin}/devices/{}/revoke", reg.device_id), &auth, "", None)?;
    assert!(revoked.status == 303 || revoked.status == 200, "{}", revoked.status);
    assert!(server.hub().store().device(reg.device_id)?.is_some_and(|d| d.revoked_at.is_some()));
    enqueue(&dir, 1)?;
    let report = ansinh_uploader::sync(&dir, &ansinh_uploader::RetryPolicy::default())?;
    assert!(
        report.status.blocked.as_deref().is_some_and(|b| b.starts_with("device_revoked")),
        "{report:?}"
    );
    server.stop(&rt)?;
    Ok(())
}

fn base64(text: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(T[usize::try_from((n >> (18 - 6 * i)) & 63).unwrap_or(0)]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The value of `attr` in the first element that has `marker` in its opening tag.
fn attr_after(dom: &str, marker: &str, attr: &str) -> Res<String> {
    let at = dom.find(marker).ok_or_else(|| format!("{marker} not in the page"))?;
    let rest = &dom[at..];
    let key = format!("{attr}=\"");
    let v = rest.find(&key).ok_or_else(|| format!("{attr} after {marker}"))? + key.len();
    let end = rest[v..].find('"').ok_or("unterminated")?;
    Ok(rest[v..v + end].to_string())
}

#[test]
fn the_dashboard_shows_the_numbers_in_a_real_browser() -> TestResult {
    let browser = chromium()?;
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let (server, _) = populated(&rt, tmp.path())?;
    let token = admin_token(&tmp.path().join("hub"))?;
    let auth = format!("Bearer {token}");
    let targets = format!("{}/admin/targets", server.url());
    for form in [
        format!("month={MONTH}&scope=commune&key={VOLUNTARY_COMMUNE}&target=16"),
        format!("month={MONTH}&scope=commune&key=00007&target=5"),
        format!("month={MONTH}&scope=agent&key={AGENT}&target=20"),
    ] {
        let r = post_form(&targets, &auth, &form, None)?;
        assert!(r.status == 303 || r.status == 200, "{}", r.status);
    }
    // The JSON the page is made from.
    let json = get(&format!("{}/admin/progress.json?month={MONTH}", server.url()), Some(&auth))?;
    let p: serde_json::Value = serde_json::from_slice(&json.body)?;
    assert_eq!(p["total"]["records"], 10);
    assert_eq!(p["total"]["participants"], 14);
    assert_eq!(p["total"]["target"], 21);

    let profile = tempfile::tempdir()?;
    let url = format!("http://admin:{token}@{}/admin/dashboard?month={MONTH}", server.addr);
    let shot = tmp.path().join("dashboard.png");
    let run = |extra: &[String]| -> Res<std::process::Output> {
        let mut c = Command::new(&browser);
        c.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(&url);
        Ok(c.output()?)
    };
    let out = run(&["--dump-dom".to_string()])?;
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        dom.contains("Tiến độ thu tháng 2026-11"),
        "not the dashboard: {dom:.400} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The total row: 10 records, 14 participants, 21 target → 66%.
    assert_eq!(attr_after(&dom, "id=\"total\"", "data-records")?, "10");
    assert_eq!(attr_after(&dom, "id=\"total\"", "data-participants")?, "14");
    assert_eq!(
        attr_after(&dom, "id=\"total\"", "data-amount")?,
        (8 * voluntary_amounts()?.amount + 2 * household_total()?).to_string()
    );
    assert_eq!(attr_after(&dom, "id=\"total\"", "data-percent")?, "66");
    // By commune: 8 voluntary participants against 16 (50%); 2 households of 3 (no target);
    // a commune with a target and nothing yet.
    let row = format!("data-commune=\"{VOLUNTARY_COMMUNE}\"");
    assert_eq!(attr_after(&dom, &row, "data-participants")?, "8");
    assert_eq!(attr_after(&dom, &row, "data-target")?, "16");
    assert_eq!(attr_after(&dom, &row, "data-percent")?, "50");
    assert!(dom.contains("Phường Hà Đông"), "commune names shown");
    let hh = format!("data-commune=\"{HOUSEHOLD_COMMUNE}\"");
    assert_eq!(attr_after(&dom, &hh, "data-participants")?, "6");
    assert_eq!(attr_after(&dom, "data-commune=\"00007\"", "data-participants")?, "0");
    assert_eq!(attr_after(&dom, &format!("data-agent=\"{AGENT}\""), "data-percent")?, "70");
    // The same people paid again and again (staff confirmed each at the counter): every later
    // payment is a possible double payment, 7 voluntary and 3 household members.
    assert_eq!(attr_after(&dom, "id=\"double-payments\"", "data-count")?, "10");
    assert_eq!(dom.matches("<tr class=\"double\"").count(), 10);
    // The chart: one bar for the day, 14 participants, drawn.
    assert_eq!(attr_after(&dom, "class=\"bar\"", "data-day")?, TODAY);
    assert_eq!(attr_after(&dom, "class=\"bar\"", "data-participants")?, "14");
    assert!(dom.contains("<svg id=\"chart\""));

    let out = run(&[format!("--screenshot={}", shot.display()), "--window-size=1000,1400".into()])?;
    assert!(shot.exists(), "no screenshot: {}", String::from_utf8_lossy(&out.stderr));
    if let Ok(keep) = std::env::var("ANSINH_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep)?;
    }
    server.stop(&rt)?;
    Ok(())
}

/// The fixture voluntary enrollment's amounts, from the same policy table.
fn voluntary_amounts() -> Res<ansinh_device::enroll::Amounts> {
    let table = ansinh_core::default_table();
    let (voluntary, _) = enrollments()?;
    Ok(ansinh_device::enroll::amounts(&voluntary, &table, TODAY.parse().map_err(|_| "d")?)?)
}

/// The fixture household's premium (3 members, 12 months), from the same policy table.
fn household_total() -> Res<u64> {
    let table = ansinh_core::default_table();
    let (_, household) = enrollments()?;
    let a = ansinh_device::enroll::amounts(&household, &table, TODAY.parse().map_err(|_| "d")?)?;
    Ok(a.amount)
}
