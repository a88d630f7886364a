//! What the office manages by, from a plan file and two years of records: the plan imported
//! with the `ansinh-hub targets import` command, records collected by a real device over
//! two years and synced, then `progress.json`, the lapsed participants' follow-up list (page
//! and CSV, masked) and the charts of the dashboard as headless Chromium draws them. On
//! either backend (`ANSINH_TEST_BACKEND=postgres`: the command and the hub share the
//! database).
//!
//! The people, all in commune 09556 (Hà Nội, province 01), with the hub's default grace of
//! three months, on 22 November 2026:
//!
//! | who | paid | then | lapsed in |
//! |---|---|---|---|
//! | An (AG01) | Feb–Apr 2026 | nothing | Aug 2026, to follow up |
//! | Bình (AG01) | Feb–Apr 2026 | Jun–Nov, paid in June (in time) | never |
//! | Cường (AG02) | Jan–Mar 2026 | Sep–Nov, paid in September (late) | Jul 2026, renewed |
//! | Dung (AG02) | May–Jul 2026 | nothing | Nov 2026 (this month), to follow up |
//! | Em (AG01) | Nov 2025–Jan 2026 | nothing | May 2026, to follow up |
//! | Gấm (AG01) | Jul 2025 | nothing | Nov 2025 (last year), too old to follow up |
//! | Nhung (AG01) | Dec 2026–Feb 2027, paid today | | |
//!
//! and a household of three (commune 00004, AG01) paid today.

use std::process::Command;

use ansinh_device::DataDir;
use ansinh_device::enroll::{CollectionPoint, CommitOptions, Duplicates, commit};
use ansinh_enrollment::json::EnrollmentJson;
use ansinh_uploader::RetryPolicy;

use crate::hub_command;
use crate::support::*;

/// 10:00 in Vietnam on `day` (`YYYY-MM-DD`).
fn at(day: &str) -> Res<i64> {
    let d: ansinh_core::Date = day.parse().map_err(|_| format!("{day} is not a day"))?;
    Ok(d.epoch_days() * 86_400 + 3 * 3_600)
}

/// The fixture voluntary enrollment for another person (`n` ends the ID), paying `months`
/// months from `start`, taken on `day` by `agent` at `dir` as the kiosk does.
fn pay(
    dir: &DataDir,
    n: u8,
    name: &str,
    start: &str,
    months: u8,
    day: &str,
    agent: &str,
) -> Res<()> {
    let json = ansinh_tests::fixtures::text("enrollment.json")?
        .replace("001179012345", &format!("0011790123{n:02}"))
        .replace("Nguyễn Thị Hồng Nhung", name)
        .replace("\"mode\": \"3\"", &format!("\"mode\": \"{months}\""))
        .replace("\"start_month\": \"2026-12\"", &format!("\"start_month\": \"{start}\""))
        // Consent given at the counter, half an hour before.
        .replace("\"at\": 1795314600", &format!("\"at\": {}", at(day)? - 1_800));
    take(dir, &json, day, agent)
}

fn take(dir: &DataDir, json: &str, day: &str, agent: &str) -> Res<()> {
    let table = ansinh_core::default_table();
    let today = day.parse().map_err(|_| "day")?;
    let e = EnrollmentJson::parse(json)?
        .validate(&table, today)
        .map_err(|p| format!("{day}: {p:?}"))?;
    let reg = dir.registration()?.ok_or("not registered")?;
    let point = CollectionPoint {
        device_id: reg.device_id,
        name: "Bưu điện xã Thanh Trì".into(),
        agent_code: agent.into(),
    };
    let (mut outbox, _) = dir.outbox()?;
    let pseudonyms = dir.pseudonym_key()?;
    let options =
        CommitOptions { duplicates: Duplicates::Confirmed, ..CommitOptions::new(&pseudonyms) };
    commit(&mut outbox, &e, &table, today, at(day)?, &point, &options)?;
    Ok(())
}

/// Runs `ansinh-hub targets import FILE` on the hub's data; its exit status and output.
fn import(hub: &std::path::Path, file: &std::path::Path) -> Res<std::process::Output> {
    Ok(hub_command(hub)?.args(["targets", "import"]).arg(file).output()?)
}

const PLAN: &str = "year,month,province,commune,agent,participants,bhyt_members\n\
                    2026,10,01,,,20,\n\
                    2026,11,01,09556,,10,\n\
                    2026,11,1,4,,4,3\n\
                    2026,11,01,09556,AG01,5,\n";

#[test]
fn the_plan_the_same_period_last_year_and_lapsed_participants() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub_dir = tmp.path().join("hub");
    let server = Server::start(&rt, &hub_dir, 0)?;
    let token = admin_token(&hub_dir)?;
    let auth = format!("Bearer {token}");
    let dev = device(tmp.path(), "d", &server.url(), &server.token()?)?;

    pay(&dev, 1, "Lê Văn An", "2026-02", 3, "2026-02-10", "AG01")?;
    pay(&dev, 2, "Phạm Thị Bình", "2026-02", 3, "2026-02-10", "AG01")?;
    pay(&dev, 2, "Phạm Thị Bình", "2026-06", 6, "2026-06-15", "AG01")?;
    pay(&dev, 3, "Hoàng Văn Cường", "2026-01", 3, "2026-01-10", "AG02")?;
    pay(&dev, 3, "Hoàng Văn Cường", "2026-09", 3, "2026-09-05", "AG02")?;
    pay(&dev, 4, "Đỗ Thị Dung", "2026-05", 3, "2026-05-10", "AG02")?;
    pay(&dev, 5, "Vũ Văn Em", "2025-11", 3, "2025-11-10", "AG01")?;
    pay(&dev, 6, "Bùi Thị Gấm", "2025-07", 1, "2025-07-10", "AG01")?;
    take(&dev, &ansinh_tests::fixtures::text("enrollment.json")?, TODAY, "AG01")?;
    take(&dev, &ansinh_tests::fixtures::text("household.json")?, TODAY, "AG01")?;
    sync_until_done(&dev, &server.url(), &test_clock(), &RetryPolicy::default(), 3)?;
    assert_eq!(server.hub().store().totals()?.records, 10, "every record is held");

    // The plan, as the office keeps it (a spreadsheet dropped the zeros of line 4's codes).
    let plan = tmp.path().join("plan.csv");
    std::fs::write(&plan, PLAN)?;
    let out = import(&hub_dir, &plan)?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("4 targets for 2026-10, 2026-11"));

    let json = get(&format!("{}/admin/progress.json?month={MONTH}", server.url()), Some(&auth))?;
    assert_eq!(json.status, 200);
    let p: serde_json::Value = serde_json::from_slice(&json.body)?;
    assert_eq!(p["lapse_grace_months"], 3);
    // The month: Nhung and the household (3) against the communes' 10 + 4; last November, Em.
    let t = &p["total"];
    assert_eq!((t["participants"].as_i64(), t["target"].as_i64()), (Some(4), Some(14)));
    assert_eq!((t["bhyt_members"].as_i64(), t["bhyt_target"].as_i64()), (Some(3), Some(3)));
    assert_eq!(t["last_year"]["participants"], 1);
    // January to November: 7 voluntary payments and the household, against October's
    // province target of 20 and November's 14; last year Gấm and Em.
    assert_eq!(t["year_to_date"]["participants"], 10);
    assert_eq!(t["year_to_date"]["target"], 34);
    assert_eq!(t["last_year_to_date"]["participants"], 2);
    // Lapsed: Dung this month; Em, Cường (late), An and Dung this year; Gấm last November;
    // to follow up: Em, An, Dung (Cường renewed, Gấm too long ago).
    let lapsed = &t["lapsed"];
    assert_eq!(
        [
            &lapsed["month"],
            &lapsed["year_to_date"],
            &lapsed["last_year"],
            &lapsed["last_year_to_date"],
            &lapsed["to_follow_up"]
        ],
        [1, 4, 1, 1, 3]
    );

    let row = |list: &str, key: &str| -> Res<serde_json::Value> {
        p[list]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["key"] == key))
            .cloned()
            .ok_or_else(|| format!("no {key} in {list}").into())
    };
    let province = row("provinces", "01")?;
    assert_eq!(province["name"], "Hà Nội");
    assert_eq!(
        (province["participants"].as_i64(), province["target"].as_i64()),
        (Some(4), Some(14))
    );
    assert_eq!(province["year_to_date"]["target"], 34);
    let commune = row("communes", VOLUNTARY_COMMUNE)?;
    assert_eq!((commune["participants"].as_i64(), commune["target"].as_i64()), (Some(1), Some(10)));
    assert_eq!(commune["year_to_date"]["participants"], 7);
    assert_eq!(commune["year_to_date"]["target"], 10);
    assert_eq!(
        (
            commune["last_year"]["participants"].as_i64(),
            commune["last_year_to_date"]["participants"].as_i64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(commune["lapsed"]["year_to_date"], 4);
    let household = row("communes", HOUSEHOLD_COMMUNE)?;
    assert_eq!(
        (household["bhyt_members"].as_i64(), household["bhyt_target"].as_i64()),
        (Some(3), Some(3))
    );
    let (ag1, ag2) = (row("agents", "AG01")?, row("agents", "AG02")?);
    assert_eq!((ag1["participants"].as_i64(), ag1["target"].as_i64()), (Some(4), Some(5)));
    assert_eq!(
        (ag1["lapsed"]["year_to_date"].as_i64(), ag1["lapsed"]["to_follow_up"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        (ag2["lapsed"]["year_to_date"].as_i64(), ag2["lapsed"]["to_follow_up"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(ag2["year_to_date"]["participants"], 3);
    // The months of the chart.
    let months = p["months"].as_array().ok_or("months")?;
    let series: Vec<(i64, Option<i64>, i64)> = months
        .iter()
        .map(|m| {
            (
                m["participants"].as_i64().unwrap_or(-1),
                m["target"].as_i64(),
                m["last_year"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert_eq!(
        series,
        [
            (1, None, 0),
            (2, None, 0),
            (0, None, 0),
            (0, None, 0),
            (1, None, 0),
            (1, None, 0),
            (0, None, 1),
            (0, None, 0),
            (1, None, 0),
            (0, Some(20), 0),
            (4, Some(14), 1),
        ]
    );

    // The follow-up list of Dung's agent, masked as the renewal list is.
    let page = get(&format!("{}/admin/lapsed?agent=AG02", server.url()), Some(&auth))?;
    let html = String::from_utf8(page.body)?;
    assert_eq!(html.matches("<tr class=\"lapsed\"").count(), 1, "{html}");
    assert!(html.contains("ĐỖ T** D***"), "{html}");
    assert!(html.contains("data-cover-ended=\"2026-07-31\""));
    assert!(!html.contains("Dung") && !html.contains("001179012304"), "masked, no ID");
    // The commune's, as CSV for the agents: Em, An, Dung, the longest lapsed first.
    let csv = get(
        &format!("{}/admin/lapsed.csv?commune={VOLUNTARY_COMMUNE}", server.url()),
        Some(&auth),
    )?;
    let text = String::from_utf8(csv.body)?;
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    let got: Vec<(&str, &str, &str)> = rows.iter().map(|r| (&r[1], &r[4], &r[7])).collect();
    assert_eq!(
        got,
        [
            ("VŨ V** E*", "31/01/2026", "AG01"),
            ("LÊ V** A*", "30/04/2026", "AG01"),
            ("ĐỖ T** D***", "31/07/2026", "AG02")
        ]
    );
    assert!(!text.contains("Cường") && !text.contains("HOÀNG"), "renewed late: not to follow up");
    // The command gives the same list.
    let out = hub_command(&hub_dir)?.args(["lapsed", "--agent", "AG01"]).output()?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout)?.lines().count(), 3, "a header and Em and An");

    // The charts, as a browser draws them: a bar per month as high as its participants, the
    // target across it, last year beside it; the year's running total against the plan.
    let dom = dashboard_dom(&server, &token, tmp.path())?;
    let plot: i64 = attr(&dom, "id=\"plan-chart\"", "data-plot")?.parse()?;
    let max: i64 = attr(&dom, "id=\"plan-chart\"", "data-max")?.parse()?;
    assert_eq!(max, 20, "October's target is the largest value");
    for m in months {
        let month = m["month"].as_str().ok_or("month")?;
        let group = format!("class=\"month\" data-month=\"{month}\"");
        let participants = m["participants"].as_i64().ok_or("p")?;
        assert_eq!(attr(&dom, &group, "data-participants")?, participants.to_string());
        let bar = segment(&dom, &group, "class=\"this-year\"")?;
        assert_eq!(attr(bar, "", "height")?, (participants * plot / max).to_string(), "{month}");
        let last = segment(&dom, &group, "class=\"last-year\"")?;
        assert_eq!(
            attr(last, "", "height")?,
            (m["last_year"].as_i64().ok_or("l")? * plot / max).to_string()
        );
        match m["target"].as_i64() {
            Some(target) => {
                let line = segment(&dom, &group, "class=\"target\"")?;
                let base: i64 = attr(bar, "", "y")?.parse::<i64>()?
                    + attr(bar, "", "height")?.parse::<i64>()?;
                assert_eq!(
                    attr(line, "", "y1")?,
                    (base - target * plot / max).to_string(),
                    "{month}"
                );
            }
            None => assert!(
                !dom[dom.find(&group).ok_or("g")?..]
                    .split("</g>")
                    .next()
                    .unwrap_or("")
                    .contains("class=\"target\"")
            ),
        }
        let point = format!("class=\"point\" data-month=\"{month}\"");
        assert_eq!(attr(&dom, &point, "data-cumulative")?, m["cumulative"].to_string());
    }
    assert_eq!(
        attr(&dom, "class=\"point\" data-month=\"2026-11\"", "data-cumulative-target")?,
        "34"
    );
    assert_eq!(attr(&dom, "id=\"follow-up\"", "data-count")?, "3");

    // A plan with a mistake changes nothing, and says where it is.
    std::fs::write(
        &plan,
        "year,month,province,commune,agent,participants\n2026,11,01,09556,,12\n2026,11,79,09556,,3\n",
    )?;
    let out = import(&hub_dir, &plan)?;
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("line 3: commune: 09556 is in province 01, not 79"), "{said}");
    let target_now = |field: &str| -> Res<serde_json::Value> {
        let json =
            get(&format!("{}/admin/progress.json?month={MONTH}", server.url()), Some(&auth))?;
        let p: serde_json::Value = serde_json::from_slice(&json.body)?;
        Ok(p["total"][field].clone())
    };
    assert_eq!(target_now("target")?, 14, "the plan as it was");
    // A new plan for November replaces November's, and leaves October's.
    std::fs::write(&plan, "year,month,province,participants\n2026,11,01,30\n")?;
    let out = import(&hub_dir, &plan)?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(target_now("target")?, 30);
    assert_eq!(target_now("year_to_date")?["target"], 50);
    server.stop(&rt)?;
    Ok(())
}

/// The part of `dom` from the element opening with `marker` to the first `inner` after it.
fn segment<'d>(dom: &'d str, marker: &str, inner: &str) -> Res<&'d str> {
    let from = dom.find(marker).ok_or_else(|| format!("{marker} not in the page"))?;
    let rest = &dom[from..];
    let end = rest.find("</g>").ok_or("unclosed group")?;
    let at = rest[..end].find(inner).ok_or_else(|| format!("{inner} not in {marker}"))?;
    Ok(&rest[at..end])
}

/// The value of `name` in the first tag that has `marker` (empty: the first tag of `dom`).
fn attr(dom: &str, marker: &str, name: &str) -> Res<String> {
    let from = dom.find(marker).ok_or_else(|| format!("{marker} not in the page"))?;
    let tag = &dom[from..from + dom[from..].find('>').ok_or("unclosed tag")?];
    let key = format!(" {name}=\"");
    let at = tag.find(&key).ok_or_else(|| format!("{name} not in {tag}"))? + key.len();
    Ok(tag[at..at + tag[at..].find('"').ok_or("unterminated")?].to_string())
}

/// The dashboard of [`MONTH`] as headless Chromium has it after drawing the page (with
/// `ANSINH_KEEP_SCREENSHOT=FILE.png`, also a picture of it, to look at).
fn dashboard_dom(server: &Server, token: &str, tmp: &std::path::Path) -> Res<String> {
    let profile = tempfile::tempdir_in(tmp)?;
    let url = format!("http://admin:{token}@{}/admin/dashboard?month={MONTH}", server.addr);
    let browser = |extra: &[String]| -> Res<std::process::Output> {
        Ok(Command::new(chromium()?)
            .args([
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
            .arg(&url)
            .output()?)
    };
    if let Ok(keep) = std::env::var("ANSINH_KEEP_SCREENSHOT") {
        browser(&[format!("--screenshot={keep}"), "--window-size=1400,1800".into()])?;
    }
    let out = browser(&["--dump-dom".into()])?;
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    if !dom.contains("id=\"plan-chart\"") {
        return Err(format!(
            "not the dashboard: {dom:.300} {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(dom)
}
