//! The adapters, one file per global of `api.slint` (Slint's todo-mvc and energy-monitor
//! shape): each page's `connect` forwards its callbacks to one [`App`] or controller intent,
//! and its `render` draws only that page. [`render`] and [`connect`] here compose them.
//! Nothing here decides anything.
#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::cell::RefCell;
use std::rc::Rc;

use ansinh_ui::{AppAdapter, AppWindow, Line as UiLine, Page, Theme};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use crate::app::{App, Screen};
use crate::text::{Line, Locale, tr};
use ansinh_device::clock::ClockTrust;

fn model<T: Clone + 'static>(v: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(v))
}

fn strings(v: &[String]) -> ModelRc<SharedString> {
    model(v.iter().map(SharedString::from).collect())
}

fn lines(v: &[Line]) -> ModelRc<UiLine> {
    model(
        v.iter()
            .map(|l| UiLine {
                label: l.label.as_str().into(),
                value: l.value.as_str().into(),
                strong: l.strong,
            })
            .collect(),
    )
}

fn to_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn page_of(s: Screen) -> Page {
    match s {
        Screen::Home => Page::Home,
        Screen::Quote => Page::Quote,
        Screen::Pension => Page::Pension,
        Screen::Scenarios => Page::Scenarios,
        Screen::Household => Page::Household,
        Screen::Benefits => Page::Benefits,
        Screen::Enroll => Page::Enroll,
        Screen::Done => Page::Done,
        Screen::StaffLogin => Page::StaffLogin,
        Screen::Staff => Page::Staff,
    }
}

fn screen_of(p: Page) -> Screen {
    match p {
        Page::Home => Screen::Home,
        Page::Quote => Screen::Quote,
        Page::Pension => Screen::Pension,
        Page::Scenarios => Screen::Scenarios,
        Page::Household => Screen::Household,
        Page::Benefits => Screen::Benefits,
        Page::Enroll => Screen::Enroll,
        Page::Done => Screen::Done,
        Page::StaffLogin => Screen::StaffLogin,
        Page::Staff => Screen::Staff,
    }
}

// Before the page modules, so that they can use it.
/// Forwards a global's callback to an intent on the app, then redraws.
macro_rules! on {
    ($k:expr, $global:ty, $cb:ident, |$app:ident $(, $arg:ident : $ty:ty)*| $body:expr) => {{
        let weak = Rc::downgrade($k);
        $k.window.global::<$global>().$cb(move |$($arg: $ty),*| {
            if let Some(k) = weak.upgrade() {
                k.act(|$app| { $body; });
            }
        });
    }};
}

/// Forwards a global's callback to an intent that a held button repeats (`hold`).
macro_rules! on_held {
    ($k:expr, $global:ty, $cb:ident, |$app:ident $(, $arg:ident : $ty:ty)*| $body:expr) => {{
        let weak = Rc::downgrade($k);
        $k.window.global::<$global>().$cb(move |$($arg: $ty),*| {
            if let Some(k) = weak.upgrade() {
                super::hold::run(&k, Rc::new(move |$app: &mut crate::app::App| {
                    $body;
                }));
            }
        });
    }};
}

mod benefits;
mod done;
mod enroll;
mod hold;
mod household;
mod keyboard;
mod pension;
mod picker;
mod quote;
mod scenarios;
mod speech;
mod staff;
/// Switches the screens' fixed text (`@tr` in the .slint sources) to `lang`. Slint lists the
/// bundled languages as the source text under the code `""`, then one per catalogue folder
/// (`app/ansinh-ui/lang/<code>`), and looks the code up in that list first: so `"en"` selects
/// the bundled English catalogue (Slint's "`en` selects the default language" applies only
/// when no catalogue is named `en`), and the Vietnamese source is `""`. Slint keeps the choice
/// per thread (its global context), and at the first window picks a language from the system
/// locale: drawing always sets ours, so the system locale never decides.
pub fn show_language(lang: Locale) {
    let code = if lang.is_source() { "" } else { lang.code() };
    // A language with no screen catalogue keeps the source text on screen; a test makes sure
    // every language offered has one.
    let _ = slint::select_bundled_translation(code);
}

/// Pushes the current page's view (and the keyboard and picker, which overlay any page) into
/// the window's globals. A page is drawn when it is shown, so the pages out of sight cost
/// nothing on a tap or a tick (nor before the first frame); when a session ends every page is
/// drawn again from its emptied controller, so no global keeps the last person's data.
pub fn render(app: &mut App, w: &AppWindow) {
    show_language(app.lang);
    let a = w.global::<AppAdapter>();
    a.set_next_language(app.lang.next().name().into());
    a.set_page(page_of(app.screen));
    w.global::<Theme>().set_large(app.large_text_shown());
    a.set_policy_version(app.table.version.into());
    a.set_idle_left(i32::try_from(app.idle_left).unwrap_or(0));
    let all = app.take_redraw_all();
    let current = app.screen;
    // Quotes keep working whatever the clock says, and say which date they use.
    let quoting = matches!(
        current,
        Screen::Quote | Screen::Pension | Screen::Scenarios | Screen::Household | Screen::Benefits
    );
    let priced_on = if quoting {
        let d = app.today();
        let date = format!("{:02}/{:02}/{:04}", d.day(), d.month_number(), d.year());
        tr!(app.lang, "quote-date", date = date)
    } else {
        String::new()
    };
    a.set_priced_on(priced_on.into());
    let shown = |s: Screen| all || current == s;
    let mut estimate = false;
    for (screen, page) in [
        (Screen::Quote, quote::render as fn(&mut App, &AppWindow) -> bool),
        (Screen::Pension, pension::render),
        (Screen::Scenarios, scenarios::render),
        (Screen::Household, household::render),
        (Screen::Benefits, benefits::render),
    ] {
        if shown(screen) {
            estimate |= page(app, w) && current == screen;
        }
    }
    if shown(Screen::Enroll) {
        enroll::render(app, w);
    }
    if shown(Screen::Done) {
        done::render(app, w);
    }
    if shown(Screen::Staff) || shown(Screen::StaffLogin) {
        staff::render(app, w);
    }
    picker::render(app, w);
    keyboard::render(app, w);
    speech::render(app, w);
    // Past the table's confirmed days, or with a newer table on the server: every amount.
    a.set_estimate(estimate || (quoting && app.policy_freshness().is_estimate()));
    // On every screen: the demonstration band, or why the wizard did not start; a low battery
    // first, before it is too late to plug in.
    let note = if app.demo() {
        tr!(app.lang, "kiosk-demo-band").to_string()
    } else if app.enroll_refused {
        tr!(app.lang, "kiosk-enroll-needs-server-key").to_string()
    } else if let Some(trust) = app.clock_refused {
        clock_note(app, trust)
    } else {
        String::new()
    };
    let battery = app.battery.band().map(|b| {
        let percent = i64::from(b.percent);
        if b.critical {
            tr!(app.lang, "kiosk-battery-critical", percent = percent)
        } else {
            tr!(app.lang, "kiosk-battery-low", percent = percent)
        }
    });
    let note = match battery {
        Some(low) if note.is_empty() => low,
        Some(low) => format!("{low} · {note}"),
        None => note,
    };
    a.set_device_note(note.into());
}

/// Why the wizard does not start on a clock the device does not trust, and how a clerk
/// confirms the date.
pub(crate) fn clock_note(app: &App, trust: ClockTrust) -> String {
    let trusted = trust.trusted_time().unwrap_or_default();
    let drifted = matches!(trust, ClockTrust::Drifted { .. });
    let how = tr!(app.lang, "clock-confirm-kiosk");
    ansinh_text::clock_untrusted(app.lang, drifted, app.now(), trusted, how)
}

/// The app and its window, shared by the callbacks.
pub struct Kiosk {
    /// The app.
    pub app: RefCell<App>,
    /// Its window.
    pub window: AppWindow,
    /// The repeating button held down, if any.
    held: hold::Held,
}

impl Kiosk {
    /// Runs an intent, then redraws.
    pub fn act(&self, f: impl FnOnce(&mut App)) {
        let mut app = self.app.borrow_mut();
        app.activity();
        f(&mut app);
        render(&mut app, &self.window);
    }

    /// The idle timer's tick.
    pub fn tick(&self) {
        let mut app = self.app.borrow_mut();
        if app.tick() {
            render(&mut app, &self.window);
        }
    }

    /// Redraws everything.
    pub fn refresh(&self) {
        render(&mut self.app.borrow_mut(), &self.window);
    }
}

/// Builds the window for `app` and connects every adapter.
pub fn connect(app: App) -> Result<Rc<Kiosk>, slint::PlatformError> {
    let window = AppWindow::new()?;
    let k = Rc::new(Kiosk { app: RefCell::new(app), window, held: hold::Held::default() });
    on!(&k, AppAdapter, on_navigate, |a, p: Page| a.navigate(screen_of(p)));
    on!(&k, AppAdapter, on_next_customer, |a| a.reset());
    on!(&k, AppAdapter, on_toggle_language, |a| a.toggle_language());
    on!(&k, AppAdapter, on_toggle_large_text, |a| a.toggle_large_text());
    on!(&k, AppAdapter, on_activity, |_a| {});
    on!(&k, AppAdapter, on_still_here, |_a| {});
    hold::connect(&k);
    quote::connect(&k);
    pension::connect(&k);
    scenarios::connect(&k);
    household::connect(&k);
    benefits::connect(&k);
    enroll::connect(&k);
    picker::connect(&k);
    keyboard::connect(&k);
    staff::connect(&k);
    speech::connect(&k);
    k.refresh();
    Ok(k)
}
