//! A tour of every screen, in both layouts, drawn by the software renderer: what
//! `ansinh-kiosk --screenshot DIR` writes and what the golden test compares.
//!
//! Every screen is set up through the app's own intents on a fake clock (2026-11-22 unless
//! told otherwise) and an in-memory store, so the pictures are the same on every run.

use std::rc::Rc;

use ansinh_core::Date;
use ansinh_core::person::Sex;
use slint::platform::software_renderer::MinimalSoftwareWindow;
use slint::{ComponentHandle, Rgb8Pixel};

use crate::app::{App, Options, Screen};
use crate::controllers::battery::{BatteryOptions, BatteryWatch};
use crate::controllers::enroll::Scheme;
use crate::controllers::read_aloud::ReadAloud;
use crate::platform::draw;
use ansinh_device::clock::{Clock, FakeClock};
use ansinh_outbox::{Account, LockState, Role, Stats};
use ansinh_speech::{Espeak, EspeakSettings, Rate};
use ansinh_uploader::SyncStatus;

use crate::store::{MemoryStore, QueueStatus, RenewalDue, Renewals, Settings};
use crate::ui::{Kiosk, connect, render};

/// The layouts: a landscape kiosk and a portrait handheld.
pub const LAYOUTS: [(u32, u32); 2] = [(1280, 800), (480, 800)];

/// The date the tour runs on (a fixed day, so the goldens never change by themselves).
pub const TOUR_DATE: &str = "2026-11-22";

/// Argon2 costs for the tour's PIN (cheap: the tour only shows the screens).
fn cheap() -> argon2::Params {
    argon2::Params::new(256, 1, 1, None).unwrap_or_default()
}

fn demo_store(now: ansinh_device::clock::Timestamp) -> MemoryStore {
    MemoryStore {
        settings: Settings {
            collection_point: "Bưu điện văn hóa xã Thanh Trì".into(),
            agent_code: "DL-0001".into(),
            server_url: "https://thu.example.vn".into(),
            staff_pin_hash: crate::pin::hash_pin("246810", cheap()).unwrap_or_default(),
            usual_ethnicity: "Kinh".into(),
        },
        renewals: Renewals {
            fetched_at: Some(now - 3 * 3600),
            due: vec![
                RenewalDue {
                    masked_name: "LÊ V** T***".into(),
                    scheme: "voluntary-si".into(),
                    paid_until: "2026-12".into(),
                    phone: Some("0912 *** 678".into()),
                },
                RenewalDue {
                    masked_name: "HOÀNG T** Ð**".into(),
                    scheme: "household-bhyt".into(),
                    paid_until: "2026-12".into(),
                    phone: None,
                },
            ],
        },
        // A mountain commune: the device last reached the server a week ago.
        delivery: QueueStatus {
            server: Some("https://thu.example.vn".into()),
            stats: Stats { last_acknowledged_at: Some(now - 7 * 86_400), ..Stats::default() },
            sync: SyncStatus {
                last_sync: Some(now - 7 * 86_400),
                last_error: Some("network: connection timed out".into()),
                ..SyncStatus::default()
            },
            alarm_after_days: 3,
            ..QueueStatus::default()
        },
        ..MemoryStore::default()
    }
}

/// The tour's store on a device with a collection server's key (no development PIN), with
/// `accounts`: a clerk (PIN 246810), an agent and one the collection server listed, no PIN yet.
fn real_device(now: ansinh_device::clock::Timestamp, accounts: bool) -> MemoryStore {
    let account = |code: &str, name: &str, role, pin: bool, from_hub| Account {
        code: code.into(),
        name: name.into(),
        role,
        pin_hash: pin.then(|| crate::pin::hash_pin("246810", cheap()).unwrap_or_default()),
        must_change: false,
        from_hub,
        lock: LockState::default(),
    };
    MemoryStore {
        no_server_key: false,
        accounts: if accounts {
            vec![
                account("CL-0001", "Trần Thị Lan", Role::Clerk, true, false),
                account("DL-0002", "Nguyễn Văn Minh", Role::Agent, true, false),
                account("DL-0003", "Lò Thị Mai", Role::Agent, false, true),
            ]
        } else {
            Vec::new()
        },
        ..demo_store(now)
    }
}

/// The whole wizard filled and consented: the review step.
fn to_review(a: &mut App) {
    fill_all(a);
    a.enroll_next();
    let now = a.now();
    a.enroll.consent(true, now);
    a.enroll_next();
}

/// The enrollment submitted: the done screen.
fn submit_all(a: &mut App) {
    to_review(a);
    a.enroll_next();
}

/// Puts the app in the screen's state; the clock moves time on (ages in staff screens).
pub type Setup = fn(&mut App, &FakeClock);

fn fill_name(a: &mut App) {
    a.navigate(Screen::Enroll);
    a.enroll.start(Scheme::Voluntary);
    a.tap_field("person.full_name");
    a.key("Nguyeenx Thij Hoongf Nhung");
}

fn fill_all(a: &mut App) {
    let (t, d, l) = (a.table.clone(), a.today(), a.lang);
    a.navigate(Screen::Quote);
    a.quote.set_income(2_000_000);
    a.quote.pick_group(2);
    a.quote.pick_mode(1);
    a.enroll_from_quote();
    let e = &mut a.enroll;
    e.set("person.full_name", "Nguyễn Thị Hồng Nhung");
    e.choose("person.sex", 1, &t, d);
    e.set("person.birth_date", "15/03/1979");
    e.next(&t, d, l);
    e.set("person.personal_id", "001179012345");
    e.set("person.ethnicity", "01");
    e.next(&t, d, l);
    e.set("person.address.province_code", "01");
    e.set("person.address.commune_code", "09556");
    e.set("person.address.line", "Số 12, ngõ 34, phố Quang Trung");
    e.set("person.phone", "0912345678");
    e.next(&t, d, l);
    e.next(&t, d, l);
    e.set("choices.evidence_ref", "CN-2026-0456");
    e.choose("choices.start_month", 1, &t, d);
}

/// The ID card's QR code scanned in the tour: the tour's person, address before the reform.
const TOUR_CARD: &str = "001179012345|012345678|NGUYỄN THỊ HỒNG NHUNG|15031979|Nữ|Số 12, ngõ 34, phố Quang Trung, Phường Hà Cầu, Quận Hà Đông, Thành phố Hà Nội|15042021";

/// The screens of the tour: a file name and how to get there.
pub const SCREENS: &[(&str, Setup)] = &[
    ("home", |_, _| {}),
    ("home-en", |a, _clock| a.toggle_language()),
    ("home-battery-low", |a, clock| {
        // A fake power supply with a battery at 18 % on battery power, read as on the device.
        let root = std::env::temp_dir().join(format!("ansinh-tour-battery-{}", std::process::id()));
        let bat = root.join("BAT0");
        let written = std::fs::create_dir_all(&bat).and_then(|()| {
            std::fs::write(bat.join("type"), "Battery\n")?;
            std::fs::write(bat.join("capacity"), "18\n")?;
            std::fs::write(bat.join("status"), "Discharging\n")
        });
        if written.is_ok() {
            a.battery = BatteryWatch::new(BatteryOptions {
                power_supply: Some(root.clone()),
                ..BatteryOptions::default()
            });
            a.battery.poll(clock.now());
        }
        let _ = std::fs::remove_dir_all(&root);
    }),
    ("quote-start", |a, _clock| {
        // The quote as a tap on the home tile opens it (the image's boot test taps there and
        // compares its screen with this one).
        a.navigate(Screen::Quote);
    }),
    ("quote", |a, _clock| {
        a.navigate(Screen::Quote);
        a.quote.set_income(2_000_000);
        a.quote.pick_group(2);
        a.quote.pick_mode(1);
    }),
    ("quote-read-aloud", |a, _clock| {
        // The speaker buttons ("Nghe", "Chậm") on the page with the most buttons in its
        // header: the real voice into ALSA's null device (espeak-ng and aplay are installed
        // wherever the goldens are checked; without them the buttons are hidden).
        a.navigate(Screen::Quote);
        a.quote.set_income(2_000_000);
        let voice = Espeak::new(EspeakSettings { device: "null".into(), ..Default::default() });
        if voice.check().is_ok() {
            a.read_aloud = ReadAloud::with_voice(Box::new(voice), Rate::NORMAL, Rate::SLOW);
        }
    }),
    ("quote-en", |a, _clock| {
        // The same quote in English: amounts, signs and the payment day's rules note.
        a.toggle_language();
        a.navigate(Screen::Quote);
        a.quote.set_income(2_000_000);
        a.quote.pick_group(2);
        a.quote.pick_mode(1);
    }),
    ("quote-keypad", |a, _clock| {
        a.navigate(Screen::Quote);
        a.type_income();
        a.key("3500000");
    }),
    ("quote-province", |a, _clock| {
        a.navigate(Screen::Quote);
        a.open_picker("quote.province");
        a.key("ha");
    }),
    ("pension", |a, _clock| {
        a.navigate(Screen::Pension);
        a.pension.set_person((1985, 3), Sex::Female, (1, 8));
        a.pension.set_planned(2_200_000);
    }),
    ("pension-short", |a, _clock| {
        a.navigate(Screen::Pension);
        a.pension.set_person((1968, 6), Sex::Male, (10, 0));
        a.pension.set_planned(0);
    }),
    ("scenarios", |a, _clock| {
        a.navigate(Screen::Scenarios);
        let (t, d) = (a.table.clone(), a.today());
        a.scenarios.preset(&t, d, 1);
    }),
    ("household", |a, _clock| {
        a.navigate(Screen::Household);
        a.household.set_members(3);
    }),
    ("benefits", |a, _clock| a.navigate(Screen::Benefits)),
    ("enroll-start", |a, _clock| a.navigate(Screen::Enroll)),
    ("enroll-keyboard", |a, _| fill_name(a)),
    ("enroll-card", |a, _clock| {
        // The ID card's QR code scanned on the home screen: the wizard, filled in and marked.
        a.scanned(ansinh_idcard::Source::Serial, TOUR_CARD);
    }),
    ("enroll-errors", |a, _clock| {
        fill_name(a);
        a.key(" 3");
        a.enroll_next();
    }),
    ("enroll-commune", |a, _clock| {
        fill_all(a);
        a.enroll.goto(2);
        a.open_picker("person.address.commune_code");
        a.key("van");
    }),
    ("enroll-payment", |a, _clock| {
        fill_all(a);
        a.enroll.goto(4);
    }),
    ("enroll-consent", |a, _clock| {
        fill_all(a);
        a.enroll_next();
    }),
    ("enroll-review", |a, _clock| to_review(a)),
    ("enroll-duplicate", |a, _clock| {
        // The same person again, for the same months.
        submit_all(a);
        a.reset();
        submit_all(a);
    }),
    ("done", |a, _clock| submit_all(a)),
    ("idle-warning", |a, _clock| {
        // Over the review, with everything the person gave: none of it shows behind it.
        to_review(a);
        a.idle_left = 12;
    }),
    ("staff-login", |a, _clock| {
        a.navigate(Screen::StaffLogin);
        a.key("24");
    }),
    ("staff-queue", |a, clock| {
        // Two enrollments taken four days ago, with no network since (the same person twice:
        // staff confirmed the second).
        for _ in 0..2 {
            submit_all(a);
            a.enroll_confirm_duplicate();
            a.reset();
        }
        clock.advance(4 * 86_400 + 2 * 3600);
        a.navigate(Screen::StaffLogin);
        a.key("246810");
    }),
    ("staff-shift", |a, _clock| {
        submit_all(a);
        a.navigate(Screen::StaffLogin);
        a.key("246810");
        a.staff.show_tab(2);
    }),
    ("staff-renewals", |a, _clock| {
        a.navigate(Screen::StaffLogin);
        a.key("246810");
        a.staff.show_tab(3);
    }),
    ("staff-settings", |a, _clock| {
        a.navigate(Screen::StaffLogin);
        a.key("246810");
        a.staff.show_tab(4);
    }),
    ("staff-first-boot", |a, _clock| {
        a.store = Box::new(real_device(a.now(), false));
        a.navigate(Screen::StaffLogin);
        for (field, text) in [("code", "CL-0001"), ("name", "Lan")] {
            a.tap_account_field(field);
            a.key(text);
        }
        a.tap_account_field("pin");
        a.key("2468");
    }),
    ("staff-choose", |a, _clock| {
        a.store = Box::new(real_device(a.now(), true));
        a.navigate(Screen::StaffLogin);
    }),
    ("staff-accounts", |a, _clock| {
        a.store = Box::new(real_device(a.now(), true));
        a.navigate(Screen::StaffLogin);
        a.choose_account("CL-0001");
        a.key("246810");
        a.staff.show_tab(5);
    }),
];

/// The screens also drawn in large text (`SCREEN-large-WIDTHxHEIGHT`): one of each kind a
/// citizen meets — the home page, a quote with its results, the household's health insurance,
/// the pension, a wizard step with its messages, the review and the receipt.
pub const LARGE_SCREENS: &[&str] =
    &["home", "quote", "household", "pension", "enroll-errors", "enroll-review", "done"];

/// The tour's app, without a window: its fake clock and in-memory store.
pub fn tour_app(today: Date) -> (App, Rc<FakeClock>) {
    let clock = Rc::new(FakeClock::at(today));
    // The pictures are of the demonstration: no server key, the band on every screen.
    let options = Options { pin_params: cheap(), demo: true, ..Options::default() };
    let store = MemoryStore { no_server_key: true, ..demo_store(clock.now()) };
    (App::new(Box::new(store), clock.clone(), options), clock)
}

/// Builds a kiosk on the tour's fake clock and in-memory store.
pub fn tour_kiosk(today: Date) -> Result<(Rc<Kiosk>, Rc<FakeClock>), slint::PlatformError> {
    let (app, clock) = tour_app(today);
    Ok((connect(app)?, clock))
}

/// The screens a citizen sees, whose spoken text the speaker button reads (the goldens of
/// `tests/golden/speech/`): the tour's, without staff screens and the variants of the home
/// screen and the idle warning, which say the same as the screen under them.
pub fn citizen_screens() -> impl Iterator<Item = &'static (&'static str, Setup)> {
    SCREENS.iter().filter(|(name, _)| {
        !name.starts_with("staff-")
            && !matches!(
                *name,
                "home-en" | "home-battery-low" | "idle-warning" | "quote-read-aloud"
            )
    })
}

/// Draws every screen in both layouts (and those of [`LARGE_SCREENS`] in large text too) and
/// hands each picture to `out(name, width, height, pixels)`; `name` is `SCREEN-WIDTHxHEIGHT`
/// or `SCREEN-large-WIDTHxHEIGHT`.
pub fn tour(
    window: &MinimalSoftwareWindow,
    today: Date,
    mut out: impl FnMut(&str, u32, u32, &[Rgb8Pixel]),
) -> Result<(), slint::PlatformError> {
    for (name, setup) in SCREENS {
        let (k, clock) = tour_kiosk(today)?;
        k.window.show()?;
        {
            let mut app = k.app.borrow_mut();
            setup(&mut app, &clock);
            render(&mut app, &k.window);
        }
        for (w, h) in LAYOUTS {
            let pixels = draw(window, w, h);
            out(&format!("{name}-{w}x{h}"), w, h, &pixels);
        }
        if LARGE_SCREENS.contains(name) {
            {
                let mut app = k.app.borrow_mut();
                app.toggle_large_text();
                render(&mut app, &k.window);
            }
            for (w, h) in LAYOUTS {
                let pixels = draw(window, w, h);
                out(&format!("{name}-large-{w}x{h}"), w, h, &pixels);
            }
        }
        k.window.hide()?;
    }
    Ok(())
}

/// Writes the tour as PNG files into `dir`.
pub fn write_tour(
    window: &MinimalSoftwareWindow,
    dir: &std::path::Path,
    today: Date,
) -> anyhow::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let mut names = Vec::new();
    let mut err = None;
    tour(window, today, |name, w, h, px| {
        let path = dir.join(format!("{name}.png"));
        match crate::platform::png_bytes(px, w, h)
            .map_err(anyhow::Error::from)
            .and_then(|b| Ok(std::fs::write(&path, b)?))
        {
            Ok(()) => names.push(name.to_string()),
            Err(e) => err = Some(e),
        }
    })?;
    match err {
        Some(e) => Err(e),
        None => Ok(names),
    }
}
