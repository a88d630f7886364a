//! Input at the counter through the real screens, with real pointer events (Slint's testing
//! backend, its mock clock for held presses; nothing sleeps): the caret put down by a tap inside
//! a field, the clear-field key, held steppers and backspace that repeat, the page scrolled so
//! the field typed stays above the keyboard, keys of a size a public kiosk needs, and pages
//! dragged by a pointer as counter touch panels in mouse mode send it.

// The generated globals carry a lifetime nobody names; screen positions are Slint's logical
// pixels (f32), and no amount is computed here.
#![allow(elided_lifetimes_in_paths, clippy::float_arithmetic)]

use std::rc::Rc;
use std::time::Duration;

use ansinh_device::clock::FakeClock;
use ansinh_kiosk::app::{App, Options, Screen};
use ansinh_kiosk::controllers::enroll::Scheme;
use ansinh_kiosk::controllers::repeat::{HOLD_DELAY, REPEAT_EVERY};
use ansinh_kiosk::store::MemoryStore;
use ansinh_kiosk::ui::{Kiosk, connect};
use i_slint_backend_testing::{AccessibleRole, ElementHandle, mock_elapsed_time};
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition};

/// A demonstration kiosk (no server needed) at `width`×`height`.
fn kiosk(width: f32, height: f32) -> anyhow::Result<Rc<Kiosk>> {
    i_slint_backend_testing::init_no_event_loop();
    another_kiosk(width, height)
}

/// Another kiosk on this thread (Slint's platform is set once).
fn another_kiosk(width: f32, height: f32) -> anyhow::Result<Rc<Kiosk>> {
    let today = "2026-11-22".parse().map_err(|_| anyhow::anyhow!("date"))?;
    let options = Options {
        pin_params: argon2::Params::new(256, 1, 1, None).unwrap_or_default(),
        demo: true,
        ..Options::default()
    };
    let app = App::new(Box::new(MemoryStore::default()), Rc::new(FakeClock::at(today)), options);
    let k = connect(app)?;
    k.window.window().set_size(slint::LogicalSize::new(width, height));
    settle();
    Ok(k)
}

/// Lets Slint run what a frame runs (change handlers, layouts, timers due now).
fn settle() {
    mock_elapsed_time(Duration::ZERO);
}

/// The element labelled `label` with `role` (the first, when several are).
fn element(k: &Kiosk, label: &str, role: AccessibleRole) -> ElementHandle {
    let found: Vec<_> = ElementHandle::find_by_accessible_label(&k.window, label)
        .filter(|e| e.accessible_role() == Some(role))
        .collect();
    if found.is_empty() {
        let all: Vec<_> = i_slint_backend_testing::ElementQuery::from_root(&k.window)
            .match_descendants()
            .find_all()
            .into_iter()
            .filter_map(|e| Some((e.accessible_label()?.to_string(), e.accessible_role())))
            .collect();
        panic!("no {role:?} labelled {label:?} on the screen; there is {all:?}");
    }
    found[0].clone()
}

/// Its rectangle: left, top, right, bottom.
fn rect(e: &ElementHandle) -> (f32, f32, f32, f32) {
    let (p, s) = (e.absolute_position(), e.size());
    (p.x, p.y, p.x + s.width, p.y + s.height)
}

fn centre(e: &ElementHandle) -> LogicalPosition {
    let (l, t, r, b) = rect(e);
    LogicalPosition::new((l + r) / 2.0, (t + b) / 2.0)
}

fn pointer(k: &Kiosk, event: WindowEvent) {
    k.window.window().dispatch_event(event);
    settle();
}

fn down(k: &Kiosk, at: LogicalPosition) {
    pointer(k, WindowEvent::PointerPressed { position: at, button: PointerEventButton::Left });
}

fn up(k: &Kiosk, at: LogicalPosition) {
    pointer(k, WindowEvent::PointerReleased { position: at, button: PointerEventButton::Left });
}

/// How long Slint's scrolling page keeps a press before handing it to a button under it.
const FORWARD_DELAY: Duration = Duration::from_millis(100);

/// A tap of the pointer: down and up at one place, a tenth of a second apart.
fn tap(k: &Kiosk, at: LogicalPosition) {
    down(k, at);
    mock_elapsed_time(Duration::from_millis(100));
    up(k, at);
}

fn tap_button(k: &Kiosk, label: &str) {
    tap(k, centre(&element(k, label, AccessibleRole::Button)));
}

/// The wizard's first step, started.
fn wizard(k: &Kiosk) {
    let mut app = k.app.borrow_mut();
    app.navigate(Screen::Enroll);
    app.enroll.start(Scheme::Voluntary);
    drop(app);
    k.refresh();
    settle();
}

const NAME: &str = "Họ và tên (như trên căn cước)";
const BIRTH: &str = "Ngày sinh (ngày/tháng/năm, hoặc chỉ năm)";

fn value_of(k: &Kiosk, id: &str) -> String {
    k.app.borrow().enroll.value(id)
}

#[test]
fn a_tap_inside_a_field_puts_the_caret_on_the_character_tapped() -> anyhow::Result<()> {
    let k = kiosk(1280.0, 800.0)?;
    wizard(&k);
    k.app.borrow_mut().enroll.set("person.birth_date", "15/08/1979");
    k.refresh();
    settle();
    // The first tap gives the field the keyboard (the page may scroll to keep it in view).
    tap(&k, centre(&element(&k, BIRTH, AccessibleRole::TextInput)));
    assert_eq!(k.app.borrow().keyboard_kind(), "date");
    // Tapped along the text, the caret lands on every character in turn, in order. Taps a
    // second apart: two quick taps at one place are a double tap, which selects a word.
    let field = element(&k, BIRTH, AccessibleRole::TextInput);
    let (left, _, _, _) = rect(&field);
    let y = centre(&field).y;
    let mut carets: Vec<(usize, f32)> = Vec::new();
    // The text starts 14 px into the box.
    let mut x = left + 14.0;
    while x < left + 220.0 {
        mock_elapsed_time(Duration::from_secs(1));
        tap(&k, LogicalPosition::new(x, y));
        let caret = k.app.borrow().keyboard.caret();
        if carets.last().map(|(c, _)| *c) != Some(caret) {
            carets.push((caret, x));
        }
        x += 2.0;
    }
    let seen: Vec<usize> = carets.iter().map(|(c, _)| *c).collect();
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "the caret goes right with the tap: {seen:?}");
    for c in 0..=10 {
        assert!(seen.contains(&c), "no tap put the caret at {c}: {seen:?}");
    }
    // One wrong digit mended in three taps: the caret after it, backspace, the right digit.
    let after_month = carets.iter().find(|(c, _)| *c == 5).map(|(_, x)| *x);
    mock_elapsed_time(Duration::from_secs(1));
    tap(&k, LogicalPosition::new(after_month.unwrap_or(left), y));
    assert_eq!(k.app.borrow().keyboard.caret(), 5);
    let shown = k.window.global::<ansinh_ui::KeyboardAdapter>();
    assert_eq!(shown.get_before_caret(), "15/08", "the caret drawn after it");
    tap_button(&k, "Xóa");
    tap_button(&k, "3");
    assert_eq!(value_of(&k, "person.birth_date"), "15/03/1979");
    assert_eq!(k.app.borrow().keyboard.caret(), 5, "the caret stays after the digit typed");
    // The clear-field key empties it in one tap.
    tap_button(&k, "Xóa hết");
    assert_eq!(value_of(&k, "person.birth_date"), "");
    Ok(())
}

#[test]
fn a_held_stepper_and_a_held_backspace_repeat_until_released() -> anyhow::Result<()> {
    let k = kiosk(1280.0, 800.0)?;
    k.act(|a| a.navigate(Screen::Pension));
    settle();
    let year = || k.window.global::<ansinh_ui::PensionAdapter>().get_born_year().to_string();
    assert_eq!(year(), "1981");
    // A tap steps once, however long the page then waits.
    let minus = centre(&element(&k, "Giảm Năm sinh", AccessibleRole::Button));
    tap(&k, minus);
    mock_elapsed_time(HOLD_DELAY * 4);
    assert_eq!(year(), "1980");
    // Held: once at once, then again past the hold delay at the repeat rate, 1980 → 1962. (A
    // page that scrolls hands a press to the button under it after Slint's 100 ms, in case it
    // is the start of a drag.)
    down(&k, minus);
    mock_elapsed_time(FORWARD_DELAY);
    assert_eq!(year(), "1979");
    mock_elapsed_time(HOLD_DELAY - Duration::from_millis(1));
    assert_eq!(year(), "1979", "not before the hold delay");
    mock_elapsed_time(Duration::from_millis(1));
    for _ in 0..16 {
        mock_elapsed_time(REPEAT_EVERY);
    }
    assert_eq!(year(), "1962");
    up(&k, minus);
    mock_elapsed_time(REPEAT_EVERY * 10);
    assert_eq!(year(), "1962", "nothing after the release");

    // Backspace held on the keyboard: a word goes in well under a second.
    k.act(|a| {
        a.navigate(Screen::Enroll);
        a.enroll.start(Scheme::Voluntary);
    });
    settle();
    tap(&k, centre(&element(&k, NAME, AccessibleRole::TextInput)));
    for c in "nguyeenx thij hoongf nhung".chars() {
        let label = if c == ' ' { "Dấu cách".to_string() } else { c.to_string() };
        tap_button(&k, &label);
    }
    assert_eq!(value_of(&k, "person.full_name"), "nguyễn thị hồng nhung");
    let backspace = centre(&element(&k, "Xóa", AccessibleRole::Button));
    down(&k, backspace);
    mock_elapsed_time(HOLD_DELAY);
    for _ in 0..3 {
        mock_elapsed_time(REPEAT_EVERY);
    }
    up(&k, backspace);
    mock_elapsed_time(HOLD_DELAY);
    // Five steps: "nhung" is the word being typed, backspace takes its keys back one a step.
    assert_eq!(value_of(&k, "person.full_name"), "nguyễn thị hồng ");
    Ok(())
}

/// Every key of the pad on screen: at least 48 × 48 px and inside the window.
fn keys_fit(k: &Kiosk, labels: &[&str], width: f32) {
    for label in labels {
        let key = element(k, label, AccessibleRole::Button);
        let (l, t, r, b) = rect(&key);
        assert!(r - l >= 48.0 && b - t >= 48.0, "{label:?} is {}×{} px", r - l, b - t);
        assert!(l >= -0.5 && r <= width + 0.5, "{label:?} spans {l}–{r}, off the screen");
    }
}

#[test]
fn the_field_typed_stays_above_keys_big_enough_for_a_public_kiosk() -> anyhow::Result<()> {
    i_slint_backend_testing::init_no_event_loop();
    for (width, height) in [(1280.0, 800.0), (480.0, 800.0)] {
        let k = another_kiosk(width, height)?;
        wizard(&k);
        for field in [NAME, BIRTH] {
            k.act(|a| {
                a.tap_field(if field == NAME { "person.full_name" } else { "person.birth_date" })
            });
            settle();
            settle();
            let keyboard = ElementHandle::find_by_element_id(&k.window, "AppWindow::keyboard")
                .next()
                .ok_or_else(|| anyhow::anyhow!("no keyboard at {width}"))?;
            let (_, kb_top, _, _) = rect(&keyboard);
            let (_, top, _, bottom) = rect(&element(&k, field, AccessibleRole::TextInput));
            // Below the header, the wizard's steps and its title; above the keyboard.
            assert!(
                top >= 64.0 && bottom <= kb_top,
                "{field} at {top}–{bottom}, keyboard at {kb_top} ({width} px)"
            );
        }
        // The date pad: digits, "/", backspace, clear and done, the whole width on the handheld.
        keys_fit(&k, &["1", "5", "9", "0", "/", "Xóa", "Xóa hết", "Xong"], width);
        if width < 700.0 {
            let (left, _, _, _) = rect(&element(&k, "1", AccessibleRole::Button));
            let (_, _, right, _) = rect(&element(&k, "Xong", AccessibleRole::Button));
            assert!(left <= 0.5 && right >= width - 0.5, "the pad spans {left}–{right} of {width}");
        }
        // The letters, ten to a row.
        k.act(|a| a.tap_field("person.full_name"));
        settle();
        keys_fit(
            &k,
            &["1", "0", "q", "p", "a", "'", "z", "-", "Dấu cách", "Xóa", "Xóa hết", "Xong"],
            width,
        );
        keys_fit(&k, &["Chữ hoa", "Kiểu gõ Telex"], width);
    }
    Ok(())
}

#[test]
fn a_pointer_drag_scrolls_the_page_and_a_tap_still_presses() -> anyhow::Result<()> {
    let k = kiosk(480.0, 800.0)?;
    // With the sex chosen the page has its results: longer than the screen.
    k.act(|a| {
        a.navigate(Screen::Pension);
        a.pension.pick_sex(ansinh_core::person::Sex::Female);
    });
    settle();
    let pension = k.window.global::<ansinh_ui::PensionAdapter>();
    // A short tap on a button presses it.
    let poor = element(&k, "Hộ nghèo hoặc cận nghèo", AccessibleRole::Button);
    assert!(!pension.get_poor());
    tap(&k, centre(&poor));
    assert!(pension.get_poor(), "the tap pressed it");
    // Pressed on that button, dragged up 300 px as a mouse-mode touch panel sends it.
    let year = element(&k, "Giảm Năm sinh", AccessibleRole::Button);
    let before = rect(&year).1;
    let mut at = centre(&poor);
    down(&k, at);
    for _ in 0..30 {
        mock_elapsed_time(Duration::from_millis(16));
        at.y -= 10.0;
        pointer(&k, WindowEvent::PointerMoved { position: at });
    }
    up(&k, at);
    mock_elapsed_time(Duration::from_millis(2_000));
    let after = ElementHandle::find_by_accessible_label(&k.window, "Giảm Năm sinh")
        .next()
        .map_or(f32::NEG_INFINITY, |e| rect(&e).1);
    assert!(before - after >= 250.0, "the page moved from {before} to {after} only");
    assert!(pension.get_poor(), "a drag is not a press");
    Ok(())
}
