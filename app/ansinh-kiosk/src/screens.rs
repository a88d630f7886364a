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
use crate::clock::FakeClock;
use crate::controllers::enroll::Scheme;
use crate::platform::draw;
use crate::store::{MemoryStore, RenewalDue, Settings};
use crate::ui::{Kiosk, connect, render};

/// The layouts: a landscape kiosk and a portrait handheld.
pub const LAYOUTS: [(u32, u32); 2] = [(1280, 800), (480, 800)];

/// The date the tour runs on (a fixed day, so the goldens never change by themselves).
pub const TOUR_DATE: &str = "2026-11-22";

/// Argon2 costs for the tour's PIN (cheap: the tour only shows the screens).
fn cheap() -> argon2::Params {
    argon2::Params::new(256, 1, 1, None).unwrap_or_default()
}

fn demo_store() -> MemoryStore {
    MemoryStore {
        settings: Settings {
            collection_point: "Bưu điện văn hóa xã Vạn Phúc".into(),
            agent_code: "DL-0001".into(),
            server_url: "https://thu.example.vn".into(),
            staff_pin_hash: crate::pin::hash_pin("246810", cheap()).unwrap_or_default(),
        },
        renewals: vec![RenewalDue {
            masked_name: "LÊ V** T***".into(),
            scheme: "voluntary-si".into(),
            paid_until: "2026-12".into(),
            phone: Some("0912 *** 678".into()),
        }],
        ..MemoryStore::default()
    }
}

type Setup = fn(&mut App);

fn fill_name(a: &mut App) {
    a.navigate(Screen::Enroll);
    a.enroll.start(Scheme::Voluntary);
    a.tap_field("person.full_name");
    a.key("Nguyeenx Thij Hoongf Nhung");
}

fn fill_all(a: &mut App) {
    let (t, d, l) = (a.table.clone(), a.today(), a.lang);
    a.navigate(Screen::Quote);
    a.quote.income = 2_000_000;
    a.quote.group = 2;
    a.quote.mode = 1;
    a.enroll_from_quote();
    let e = &mut a.enroll;
    e.set("person.full_name", "Nguyễn Thị Hồng Nhung");
    e.choose("person.sex", 1, d);
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
    e.choose("choices.start_month", 1, d);
}

/// The screens of the tour: a file name and how to get there.
pub const SCREENS: &[(&str, Setup)] = &[
    ("home", |_| {}),
    ("home-en", |a| a.toggle_language()),
    ("quote", |a| {
        a.navigate(Screen::Quote);
        a.quote.income = 2_000_000;
        a.quote.group = 2;
        a.quote.mode = 1;
    }),
    ("quote-keypad", |a| {
        a.navigate(Screen::Quote);
        a.type_income();
        a.key("3500000");
    }),
    ("quote-province", |a| {
        a.navigate(Screen::Quote);
        a.open_picker("quote.province");
        a.key("ha");
    }),
    ("pension", |a| {
        a.navigate(Screen::Pension);
        let p = &mut a.pension;
        (p.born_year, p.born_month, p.sex, p.paid_years, p.paid_months) =
            (1985, 3, Some(Sex::Female), 1, 8);
        (p.planned_income, p.planned_set) = (2_200_000, true);
    }),
    ("pension-short", |a| {
        a.navigate(Screen::Pension);
        let p = &mut a.pension;
        (p.born_year, p.born_month, p.sex, p.paid_years) = (1968, 6, Some(Sex::Male), 10);
        (p.planned_income, p.planned_set) = (0, true);
    }),
    ("scenarios", |a| {
        a.navigate(Screen::Scenarios);
        let (t, d) = (a.table.clone(), a.today());
        a.scenarios.preset(&t, d, 1);
    }),
    ("household", |a| {
        a.navigate(Screen::Household);
        a.household.members = 3;
    }),
    ("benefits", |a| a.navigate(Screen::Benefits)),
    ("enroll-start", |a| a.navigate(Screen::Enroll)),
    ("enroll-keyboard", fill_name),
    ("enroll-errors", |a| {
        fill_name(a);
        a.key(" 3");
        a.enroll_next();
    }),
    ("enroll-commune", |a| {
        fill_all(a);
        a.enroll.goto(2);
        a.open_picker("person.address.commune_code");
        a.key("van");
    }),
    ("enroll-payment", |a| {
        fill_all(a);
        a.enroll.goto(4);
    }),
    ("enroll-consent", |a| {
        fill_all(a);
        a.enroll_next();
    }),
    ("enroll-review", |a| {
        fill_all(a);
        a.enroll_next();
        let now = a.now();
        a.enroll.consent(true, now);
        a.enroll_next();
    }),
    ("done", |a| {
        fill_all(a);
        a.enroll_next();
        let now = a.now();
        a.enroll.consent(true, now);
        a.enroll_next();
        a.enroll_next();
    }),
    ("idle-warning", |a| {
        a.navigate(Screen::Quote);
        a.idle_left = 12;
    }),
    ("staff-login", |a| {
        a.navigate(Screen::StaffLogin);
        a.key("24");
    }),
    ("staff-queue", |a| {
        a.navigate(Screen::StaffLogin);
        a.key("246810");
    }),
    ("staff-shift", |a| {
        fill_all(a);
        a.enroll_next();
        let now = a.now();
        a.enroll.consent(true, now);
        a.enroll_next();
        a.enroll_next();
        a.navigate(Screen::StaffLogin);
        a.key("246810");
        a.staff.tab = 2;
    }),
    ("staff-renewals", |a| {
        a.navigate(Screen::StaffLogin);
        a.key("246810");
        a.staff.tab = 3;
    }),
    ("staff-settings", |a| {
        a.navigate(Screen::StaffLogin);
        a.key("246810");
        a.staff.tab = 4;
    }),
];

/// Builds a kiosk on the tour's fake clock and in-memory store.
pub fn tour_kiosk(today: Date) -> Result<(Rc<Kiosk>, Rc<FakeClock>), slint::PlatformError> {
    let clock = Rc::new(FakeClock::at(today));
    let options = Options { pin_params: cheap(), ..Options::default() };
    let app = App::new(Box::new(demo_store()), clock.clone(), options);
    Ok((connect(app)?, clock))
}

/// Draws every screen in both layouts and hands each picture to `out(name, width, height,
/// pixels)`; `name` is `SCREEN-WIDTHxHEIGHT`.
pub fn tour(
    window: &MinimalSoftwareWindow,
    today: Date,
    mut out: impl FnMut(&str, u32, u32, &[Rgb8Pixel]),
) -> Result<(), slint::PlatformError> {
    for (name, setup) in SCREENS {
        let (k, _clock) = tour_kiosk(today)?;
        k.window.show()?;
        {
            let mut app = k.app.borrow_mut();
            setup(&mut app);
            render(&mut app, &k.window);
        }
        for (w, h) in LAYOUTS {
            let pixels = draw(window, w, h);
            out(&format!("{name}-{w}x{h}"), w, h, &pixels);
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
