//! Issue "Fleet" 7–8: each device's signed health report reaches the hub once per sync round
//! (even with nothing to send) and the fleet page shows every device with its alarms, read
//! back by headless Chromium: one device that stopped syncing, one whose printer is out of
//! paper. (The USB stick's `.health` file and `ansinh-hub devices --json` are checked with the
//! real command in ansinh-hub's `tests/e2e/usb.rs`.)

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use ansinh_device::DataDir;
use ansinh_device::clock::Clock;
use ansinh_device::health::{Sources, note_printer};
use ansinh_hub::FleetThresholds;
use ansinh_hub::testing::LoopbackHub;
use ansinh_uploader::{HttpTransport, RetryPolicy, send_health};
use ansinh_wire::health::PrinterState;

use crate::support::*;

const DAY: i64 = 86_400;

/// The default thresholds, but the disk: the test machine's is real, whatever it holds.
fn thresholds() -> FleetThresholds {
    FleetThresholds { disk_min_mb: 0, disk_min_percent: 0, ..FleetThresholds::default() }
}

/// A fake `/sys/class/power_supply` with one battery.
fn power_supply(root: &Path, capacity: u8, status: &str) -> Res<Sources> {
    let bat = root.join("BAT0");
    std::fs::create_dir_all(&bat)?;
    std::fs::write(bat.join("type"), "Battery\n")?;
    std::fs::write(bat.join("capacity"), format!("{capacity}\n"))?;
    std::fs::write(bat.join("status"), format!("{status}\n"))?;
    Ok(Sources { power_supply: root.to_path_buf() })
}

fn report(dir: &DataDir, url: &str, clock: &FakeClock, sources: &Sources) -> Res<i64> {
    let mut transport = HttpTransport::new(url, Duration::from_secs(10))?;
    Ok(send_health(dir, &mut transport, clock, sources)?)
}

/// `ansinh sync` and the kiosk's worker (`sync_http`): the records, then the report, on the
/// system clock as on a device; a round with nothing to send still reports.
#[test]
fn every_sync_round_reports_even_with_nothing_to_send() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    // The hub on the system clock, like the device's `sync`.
    let server = LoopbackHub::start(&rt, &tmp.path().join("hub"), 0, None)?;
    // Nor its battery: a laptop running the tests may be low.
    server.hub().set_fleet_thresholds(FleetThresholds { battery_low_percent: 0, ..thresholds() });
    let token = server.assigned_token("test", &fixture_communes())?;
    let dir = device(tmp.path(), "device", &server.url(), &token)?;
    let device_id = dir.registration()?.ok_or("registered")?.device_id;
    enqueue(&dir, 3)?;
    let policy = RetryPolicy::default();

    let first = ansinh_uploader::sync(&dir, &policy)?;
    assert_eq!(first.acknowledged, 3);
    assert!(first.health_at.is_some(), "the hub answered the report with its time");
    let fleet = server.hub().fleet((server.state.clock)())?;
    let row = fleet.iter().find(|r| r.device_id == device_id).ok_or("the device is listed")?;
    let health = row.health.as_ref().ok_or("a report is held")?;
    assert_eq!((health.seq, health.unsent), (1, 0), "made after the records were sent");
    assert_eq!(health.table_version, ansinh_core::default_table().version);
    assert!(row.alarms.is_empty(), "{:?}", row.alarms);
    assert_eq!(row.collection_point, fixture_communes().collection_point);

    let second = ansinh_uploader::sync(&dir, &policy)?;
    assert_eq!((second.batches, second.acknowledged), (0, 0), "nothing to send");
    assert!(second.health_at.is_some());
    let fleet = server.hub().fleet((server.state.clock)())?;
    let row = fleet.iter().find(|r| r.device_id == device_id).ok_or("listed")?;
    assert_eq!(row.health.as_ref().map(|h| h.seq), Some(2), "the newer report replaced it");
    // The hub's time in its answer is kept like an acknowledgement's.
    let (outbox, _) = dir.outbox()?;
    assert!(outbox.time_evidence()?.trusted >= second.health_at);
    server.stop(&rt)?;
    Ok(())
}

/// What a report carries, and what the hub refuses: a revoked device, a report signed by
/// another key, an older report.
#[test]
fn the_report_carries_the_device_state_and_forgeries_are_refused() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    server.hub().set_fleet_thresholds(thresholds());
    let dir = device(tmp.path(), "device", &server.url(), &server.token()?)?;
    let device_id = dir.registration()?.ok_or("registered")?.device_id;
    enqueue(&dir, 2)?;
    {
        let (mut outbox, _) = dir.outbox()?;
        note_printer(&mut outbox, PrinterState::PaperLow)?;
    }
    let sources = power_supply(&tmp.path().join("power"), 15, "Discharging")?;
    let clock = test_clock();
    clock.advance(3 * DAY);
    server.set_now(clock.now());
    assert_eq!(report(&dir, &server.url(), &clock, &sources)?, clock.now());
    let fleet = server.hub().fleet(clock.now())?;
    let row = fleet.iter().find(|r| r.device_id == device_id).ok_or("listed")?;
    let h = row.health.as_ref().ok_or("held")?;
    assert_eq!((h.unsent, h.quarantined), (2, 0));
    assert_eq!(h.oldest_unsent_age_secs, Some(3 * 86_400));
    assert_eq!(h.printer, "paper_low");
    assert_eq!((h.battery_percent, h.battery_charging), (Some(15), Some("discharging")));
    assert_eq!(h.clock_offset_secs, Some(0));
    assert!(h.disk_total_bytes.unwrap_or(0) > 0);
    let codes: Vec<_> = row.alarms.iter().map(|a| a.code).collect();
    assert_eq!(codes, ["unsent_old", "battery_low"], "{:?}", row.alarms);

    // Replayed: the same bytes again are answered, but change nothing (and a lower seq never
    // replaces a higher one).
    let key = dir.device_key()?;
    let mut old = ansinh_wire::UnverifiedHealth::decode(&ansinh_wire::sign_health(
        &held_report(&server, device_id)?,
        &key,
    )?)?
    .body;
    old.seq = 1;
    old.unsent = 99;
    let signed = ansinh_wire::sign_health(&old, &key)?;
    let answer = post(&server.url(), &signed)?;
    assert_eq!(answer.status, 200);
    assert_eq!(held_report(&server, device_id)?.unsent, 2, "an older report is not kept");
    // Signed by another key: refused as a bad signature, nothing kept.
    old.seq = 50;
    let forged = ansinh_wire::sign_health(&old, &ansinh_wire::generate_signing_key())?;
    assert_eq!(post(&server.url(), &forged)?.status, 401);
    assert_eq!(held_report(&server, device_id)?.unsent, 2);
    assert_eq!(post(&server.url(), b"garbage")?.status, 400);
    // Revoked: refused, and the device hears why.
    server.hub().store().revoke_device(device_id, clock.now())?;
    let mut transport = HttpTransport::new(&server.url(), Duration::from_secs(10))?;
    let refused = send_health(&dir, &mut transport, &clock, &sources);
    assert!(
        matches!(&refused, Err(ansinh_uploader::Error::Refused { code, .. }) if code == "device_revoked"),
        "{refused:?}"
    );
    server.stop(&rt)?;
    Ok(())
}

fn held_report(server: &Server, device_id: u64) -> Res<ansinh_wire::HealthReport> {
    let held = server.hub().store().health_reports()?;
    Ok(held.into_iter().find(|h| h.report.device_id == device_id).ok_or("held")?.report)
}

fn post(url: &str, body: &[u8]) -> Res<Got> {
    let mut r = agent()
        .post(&format!("{url}/v1/health"))
        .header("content-type", "application/octet-stream")
        .send(body)?;
    Ok(Got { status: r.status().as_u16(), headers: vec![], body: r.body_mut().read_to_vec()? })
}

/// The fleet page in a real browser: a device silent for four days and one whose printer ran
/// out of paper, each with its alarm highlighted; a healthy one with none.
#[test]
fn the_fleet_page_shows_a_silent_device_and_one_out_of_paper() -> TestResult {
    let browser = chromium()?;
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    server.hub().set_fleet_thresholds(thresholds());
    let silent = device(tmp.path(), "silent", &server.url(), &server.token()?)?;
    let paper = device(tmp.path(), "paper", &server.url(), &server.token()?)?;
    let fine = device(tmp.path(), "fine", &server.url(), &server.token()?)?;
    let id = |d: &DataDir| -> Res<u64> { Ok(d.registration()?.ok_or("registered")?.device_id) };
    let mains = Sources { power_supply: tmp.path().join("no-battery") };

    // Day 0: all three report; then the first is heard of no more.
    let clock = test_clock();
    for d in [&silent, &paper, &fine] {
        report(d, &server.url(), &clock, &mains)?;
    }
    // Day 4: the others report; the second's last print found no paper.
    clock.advance(4 * DAY);
    server.set_now(clock.now());
    {
        let (mut outbox, _) = paper.outbox()?;
        note_printer(&mut outbox, PrinterState::OutOfPaper)?;
    }
    report(&paper, &server.url(), &clock, &mains)?;
    report(&fine, &server.url(), &clock, &mains)?;

    let token = admin_token(&tmp.path().join("hub"))?;
    let profile = tempfile::tempdir()?;
    let url = format!("http://admin:{token}@{}/admin/fleet", server.addr);
    let out = Command::new(&browser)
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
        .arg("--dump-dom")
        .arg(&url)
        .output()?;
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        dom.contains("Thiết bị và cảnh báo"),
        "not the fleet page: {dom:.400} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let row = |d: &DataDir| -> Res<String> {
        let marker = format!("<tr data-device=\"{}\"", id(d)?);
        let at = dom.find(&marker).ok_or_else(|| format!("{marker} not on the page"))?;
        let end = dom[at..].find("</tr>").ok_or("unterminated row")?;
        Ok(dom[at..at + end].to_string())
    };
    let silent_row = row(&silent)?;
    assert!(silent_row.contains("data-alarms=\"silent\""), "{silent_row}");
    assert!(silent_row.contains("class=\"alarmed\""), "highlighted: {silent_row}");
    assert!(silent_row.contains("Không liên lạc 4 ngày"), "{silent_row}");
    let paper_row = row(&paper)?;
    assert!(paper_row.contains("data-alarms=\"out_of_paper\""), "{paper_row}");
    assert!(paper_row.contains("data-alarm=\"out_of_paper\""), "{paper_row}");
    assert!(paper_row.contains("Máy in hết giấy"), "{paper_row}");
    assert!(paper_row.contains("Máy in: hết giấy"), "the report itself: {paper_row}");
    let fine_row = row(&fine)?;
    assert!(fine_row.contains("data-alarms=\"\""), "{fine_row}");
    assert!(!fine_row.contains("alarmed"), "{fine_row}");
    assert!(dom.contains("data-alarmed=\"2\""), "two devices with alarms");
    server.stop(&rt)?;
    Ok(())
}
