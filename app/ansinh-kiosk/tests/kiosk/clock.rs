//! The clock goes back (a reset after a power cut): on the device's real store, the wizard
//! refuses to start and says why, with both dates, until a clerk confirms the date (an agent
//! cannot) or the clock is set right; quotes keep working and say which date they use.

#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::rc::Rc;

use ansinh_device::DataDir;
use ansinh_device::clock::{Clock, ClockTrust, FakeClock, reference};
use ansinh_device::enroll::Duplicates;
use ansinh_enrollment::json::EnrollmentJson;
use ansinh_kiosk::app::{App, Options, Screen};
use ansinh_kiosk::pin::hash_pin;
use ansinh_kiosk::store::{DeviceStore, Settings};
use ansinh_kiosk::ui::{Kiosk, connect};
use ansinh_outbox::Role;
use slint::ComponentHandle;

const DAY: i64 = 86_400;

fn cheap() -> argon2::Params {
    argon2::Params::new(256, 1, 1, None).unwrap_or_default()
}

fn add(k: &Kiosk, code: &str, role: Role, pin: &str) -> anyhow::Result<()> {
    let hash = hash_pin(pin, cheap()).map_err(anyhow::Error::msg)?;
    let mut app = k.app.borrow_mut();
    let now = app.now();
    app.store
        .add_account(code, code, role, Some(&hash), now)
        .map_err(|e| anyhow::anyhow!(e.message))
}

fn log_in(k: &Kiosk, code: &str, pin: &str) {
    k.act(|a| {
        a.reset();
        a.navigate(Screen::Staff);
        a.choose_account(code);
        a.key(pin);
    });
}

fn note(k: &Kiosk) -> String {
    k.window.global::<ansinh_ui::AppAdapter>().get_device_note().to_string()
}

/// Asks for the wizard as the quote's button does; whether it started.
fn wizard_starts(k: &Kiosk) -> bool {
    k.act(|a| {
        a.reset();
        a.navigate(Screen::Enroll);
    });
    k.app.borrow().screen == Screen::Enroll
}

/// The kiosk on a device holding a server's key, its clock on 22 November 2026.
fn kiosk_on_a_provisioned_device() -> anyhow::Result<(tempfile::TempDir, Rc<FakeClock>, Rc<Kiosk>)>
{
    i_slint_backend_testing::init_no_event_loop();
    let tmp = tempfile::tempdir()?;
    let day = "2026-11-22".parse().map_err(|_| anyhow::anyhow!("date"))?;
    let clock = Rc::new(FakeClock::at(day));
    let server = ansinh_wire::OpeningKey::generate();
    DataDir::open(tmp.path())?.provision_sealing_key(&server.sealing_key())?;
    let settings = Settings {
        collection_point: "Bưu điện xã Thanh Trì".into(),
        agent_code: "DL-0001".into(),
        ..Settings::default()
    };
    let store = DeviceStore::open(DataDir::open(tmp.path())?, settings)?;
    let options = Options { pin_params: cheap(), ..Options::default() };
    let k = connect(App::new(Box::new(store), clock.clone(), options))?;
    Ok((tmp, clock, k))
}

#[test]
fn a_clock_gone_back_stops_the_wizard_until_a_clerk_confirms_or_it_is_set_right()
-> anyhow::Result<()> {
    let (tmp, clock, k) = kiosk_on_a_provisioned_device()?;
    add(&k, "DL-0001", Role::Agent, "246810")?;
    add(&k, "QL-0001", Role::Clerk, "135790")?;

    // A commit at day D.
    let json = ansinh_tests::fixtures::text("enrollment.json")?;
    {
        let mut app = k.app.borrow_mut();
        let (table, today, now) = (app.table.clone(), app.today(), app.now());
        let e = EnrollmentJson::parse(&json)?
            .validate(&table, today)
            .map_err(|p| anyhow::anyhow!("{p:?}"))?;
        app.store
            .submit(&e, &table, today, now, Duplicates::Confirmed)
            .map_err(|e| anyhow::anyhow!(e.message))?;
    }
    assert!(wizard_starts(&k), "the clock is right");

    // The clock goes back to D−3.
    let committed_at = clock.now();
    clock.set(committed_at - 3 * DAY);
    assert!(!wizard_starts(&k), "a receipt must not carry a date before the last commit");
    assert_eq!(
        k.app.borrow().clock_refused,
        Some(ClockTrust::Behind { now: committed_at - 3 * DAY, trusted: committed_at })
    );
    let shown = note(&k);
    assert!(shown.contains("Đồng hồ của máy đang chỉ 19/11/2026 09:00"), "{shown}");
    assert!(shown.contains("(22/11/2026 09:00)"), "the latest trusted date: {shown}");
    assert!(shown.contains("Xác nhận ngày giờ"), "what to do: {shown}");
    // Quotes keep working, and say which date they use.
    k.act(|a| a.navigate(Screen::Quote));
    let app_global = k.window.global::<ansinh_ui::AppAdapter>();
    assert_eq!(app_global.get_priced_on(), "Tính theo ngày 19/11/2026");
    k.act(|a| a.navigate(Screen::Home));
    assert_eq!(app_global.get_priced_on(), "", "only on the quote screens");

    // An agent cannot confirm the date; a clerk can, and the trail names the clerk.
    log_in(&k, "DL-0001", "246810");
    assert!(k.app.borrow().staff.logged_in());
    let staff = k.window.global::<ansinh_ui::StaffAdapter>();
    assert!(staff.get_clock_untrusted() && !staff.get_clerk(), "the button is a clerk's");
    assert!(staff.get_note().contains("Đồng hồ của máy đang chỉ"), "{}", staff.get_note());
    k.act(|a| a.confirm_clock());
    assert!(!wizard_starts(&k), "an agent's confirmation is refused");
    log_in(&k, "QL-0001", "135790");
    assert!(staff.get_clerk());
    k.act(|a| a.confirm_clock());
    assert!(k.app.borrow().staff.message().contains("Đã xác nhận"));
    assert!(!staff.get_clock_untrusted());
    assert!(wizard_starts(&k), "the clerk confirmed the date");
    let (mut outbox, _) = DataDir::open(tmp.path())?.outbox()?;
    let confirmed: Vec<_> = outbox
        .audit_trail()?
        .into_iter()
        .filter(|a| a.event == "clock_confirmed")
        .map(|a| a.agent_code)
        .collect();
    assert_eq!(confirmed, ["QL-0001"]);

    // Someone sets the clock ten days ahead; a verified acknowledgement brings the hub's
    // time (as the uploader keeps it): far from the device's clock, the wizard stops.
    let hub_time = clock.now() + 3600;
    clock.advance(3600);
    clock.set(hub_time + 10 * DAY);
    outbox.note_server_time(hub_time, reference(&*clock, hub_time).as_ref())?;
    assert!(!wizard_starts(&k));
    assert!(note(&k).contains("lệch hơn một ngày so với giờ máy chủ"), "{}", note(&k));
    // The clock set right: the wizard starts.
    clock.set(hub_time + 60);
    assert!(wizard_starts(&k), "{}", note(&k));
    Ok(())
}

/// The clock is checked again at the commit: a form filled while the clock was right is not
/// committed once the clock is found behind, and nothing typed is lost.
#[test]
fn a_clock_found_wrong_at_the_submit_commits_nothing_and_keeps_the_form() -> anyhow::Result<()> {
    let (tmp, clock, k) = kiosk_on_a_provisioned_device()?;
    let (_, to_review) = ansinh_kiosk::screens::SCREENS
        .iter()
        .find(|(name, _)| *name == "enroll-review")
        .ok_or_else(|| anyhow::anyhow!("the review screen's setup"))?;
    k.act(|a| to_review(a, &clock));
    assert_eq!(k.app.borrow().screen, Screen::Enroll, "the wizard started on a trusted clock");

    // Meanwhile a verified acknowledgement says the hub is three days ahead.
    let hub_time = clock.now() + 3 * DAY;
    let (mut outbox, _) = DataDir::open(tmp.path())?.outbox()?;
    outbox.note_server_time(hub_time, reference(&*clock, hub_time).as_ref())?;
    k.act(|a| a.enroll_next());
    {
        let app = k.app.borrow();
        assert!(app.done.is_none(), "nothing committed");
        assert_eq!(app.screen, Screen::Enroll, "still on the review");
        assert!(matches!(app.clock_refused, Some(ClockTrust::Behind { .. })));
    }
    assert_eq!(outbox.stats(clock.now())?.queued, 0, "no record in the outbox");
    assert!(note(&k).contains("Đồng hồ của máy đang chỉ"), "{}", note(&k));

    // The clock set right: the same form commits, nothing retyped.
    clock.set(hub_time + 60);
    k.act(|a| a.enroll_next());
    let app = k.app.borrow();
    assert!(app.done.is_some() && app.screen == Screen::Done, "committed");
    assert_eq!(app.clock_refused, None);
    Ok(())
}
