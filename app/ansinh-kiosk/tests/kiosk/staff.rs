//! Staff accounts on the device's real store: a PIN lockout survives a power cycle (the store
//! and the app dropped and opened again, as after a power cut), and a shift belongs to the
//! agent who opened it: the receipts, the totals and the audit trail carry that agent.

use std::path::Path;
use std::rc::Rc;

use ansinh_device::DataDir;
use ansinh_device::clock::FakeClock;
use ansinh_device::enroll::Duplicates;
use ansinh_enrollment::json::EnrollmentJson;
use ansinh_kiosk::app::{App, Options, Screen};
use ansinh_kiosk::pin::{LOCK_SECS, hash_pin};
use ansinh_kiosk::store::{DeviceStore, Settings};
use ansinh_outbox::Role;

fn cheap() -> argon2::Params {
    argon2::Params::new(256, 1, 1, None).unwrap_or_default()
}

/// The app on the data directory `dir`, as the kiosk starts it (a power cycle is a new one).
fn start(dir: &Path, clock: &Rc<FakeClock>) -> anyhow::Result<App> {
    let store = DeviceStore::open(DataDir::open(dir)?, Settings::default())?;
    let options = Options { pin_params: cheap(), ..Options::default() };
    Ok(App::new(Box::new(store), clock.clone(), options))
}

fn clock() -> anyhow::Result<Rc<FakeClock>> {
    let today = "2026-11-22".parse().map_err(|_| anyhow::anyhow!("date"))?;
    Ok(Rc::new(FakeClock::at(today)))
}

fn add_agent(app: &mut App, code: &str, pin: &str) -> anyhow::Result<()> {
    let hash = hash_pin(pin, cheap()).map_err(anyhow::Error::msg)?;
    let now = app.now();
    app.store
        .add_account(code, &format!("Agent {code}"), Role::Agent, Some(&hash), now)
        .map_err(|e| anyhow::anyhow!(e.message))
}

fn log_in(app: &mut App, code: &str, pin: &str) {
    app.navigate(Screen::Staff);
    app.choose_account(code);
    app.key(pin);
}

#[test]
fn a_power_cycle_during_a_pin_lockout_keeps_it() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let clock = clock()?;
    let mut app = start(tmp.path(), &clock)?;
    add_agent(&mut app, "DL-0001", "246810")?;
    add_agent(&mut app, "DL-0002", "135790")?;
    for _ in 0..5 {
        log_in(&mut app, "DL-0001", "000000");
    }
    let until = app.staff.locked_until(app.now());
    assert_eq!(until, Some(app.now() + LOCK_SECS));
    clock.advance(100);
    drop(app);

    // The power comes back 100 s later.
    let mut app = start(tmp.path(), &clock)?;
    app.navigate(Screen::Staff);
    app.choose_account("DL-0001");
    assert_eq!(app.staff.locked_until(app.now()), until, "the same lock, the same end");
    app.key("246810");
    assert!(!app.staff.logged_in(), "even the right PIN waits out the lock");
    assert!(app.staff.message().contains("Thử lại sau 4 phút"), "{}", app.staff.message());
    clock.advance(LOCK_SECS - 100);
    log_in(&mut app, "DL-0001", "246810");
    assert!(app.staff.logged_in(), "{}", app.staff.message());
    app.logout();

    let (outbox, _) = DataDir::open(tmp.path())?.outbox()?;
    let trail: Vec<_> = outbox
        .audit_trail()?
        .into_iter()
        .filter(|a| a.agent_code == "DL-0001")
        .map(|a| a.event)
        .collect();
    assert_eq!(
        trail,
        [
            "pin_failed",
            "pin_failed",
            "pin_failed",
            "pin_failed",
            "locked_out",
            "pin_while_locked",
            "login",
            "logout"
        ]
    );
    assert!(outbox.verify(None, |_| Ok(()))?.is_ok());
    Ok(())
}

#[test]
fn a_shift_belongs_to_the_agent_who_opened_it() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let clock = clock()?;
    let mut app = start(tmp.path(), &clock)?;
    add_agent(&mut app, "DL-0001", "246810")?;
    add_agent(&mut app, "DL-0002", "135790")?;
    let json = ansinh_tests::fixtures::text("enrollment.json")?;
    let today = app.today();
    let e = EnrollmentJson::parse(&json)?
        .validate(&app.table, today)
        .map_err(|p| anyhow::anyhow!("{p:?}"))?;
    let table = app.table.clone();
    let submit = |app: &mut App| -> anyhow::Result<i64> {
        let now = app.now();
        let c = app
            .store
            .submit(&e, &table, today, now, Duplicates::Confirmed)
            .map_err(|e| anyhow::anyhow!(e.message))?;
        Ok(c.receipt_no)
    };

    clock.advance(8 * 3600);
    log_in(&mut app, "DL-0001", "246810");
    assert!(app.staff.logged_in());
    app.new_shift();
    app.reset();
    clock.advance(60);
    let first = submit(&mut app)?;

    clock.advance(3600);
    log_in(&mut app, "DL-0002", "135790");
    assert!(app.staff.logged_in());
    assert_eq!(app.staff.shift_owner(), "DL-0002");
    let now = app.now();
    let mine = app.store.shift_report("DL-0002", app.staff.shift_start(), now + 1);
    assert_eq!(mine.map(|r| r.collected.count).ok(), Some(0), "not the other agent's receipts");
    app.new_shift();
    app.reset();
    clock.advance(60);
    let second = submit(&mut app)?;

    let now = app.now();
    let report = |agent: &str| app.store.shift_report(agent, 0, now + 1);
    let receipts = |agent: &str| {
        report(agent).map(|r| r.lines.iter().map(|l| l.receipt_no).collect::<Vec<_>>()).ok()
    };
    assert_eq!(receipts("DL-0001"), Some(vec![first]));
    assert_eq!(receipts("DL-0002"), Some(vec![second]));
    let r = report("DL-0002").map_err(|e| anyhow::anyhow!(e.message))?;
    assert!(r.mismatches.is_empty(), "{:?}", r.mismatches);
    assert_eq!(r.agent_code, "DL-0002");
    assert!(r.lines.iter().all(|l| l.summary.agent_code == "DL-0002"), "the receipt's agent");

    log_in(&mut app, "DL-0001", "246810");
    app.reprint(&first.to_string());
    let (outbox, _) = DataDir::open(tmp.path())?.outbox()?;
    let by = |event: &str| {
        outbox
            .audit_trail()
            .unwrap_or_default()
            .into_iter()
            .filter(|a| a.event == event)
            .map(|a| (a.agent_code, a.receipt_no))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        by("enqueued"),
        [("DL-0001".to_string(), Some(first)), ("DL-0002".to_string(), Some(second))]
    );
    assert_eq!(by("reprint"), [("DL-0001".to_string(), Some(first))]);
    assert_eq!(by("shift_started").len(), 2);
    Ok(())
}
