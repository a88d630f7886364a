//! Large text and high contrast, through the real screens and real pointer events: the
//! header's "Chữ to" button turns it on for every citizen page (reading aloud still works),
//! a second tap turns it off, staff pages keep their size, and the idle reset ends it with the
//! session. The theme's colour pairs are at least 7:1 in it (WCAG 1.4.6, AAA).

// The generated globals carry a lifetime nobody names; screen positions are Slint's logical
// pixels (f32), and no amount is computed here.
#![allow(elided_lifetimes_in_paths, clippy::float_arithmetic)]

use std::rc::Rc;
use std::time::Duration;

use ansinh_device::clock::FakeClock;
use ansinh_kiosk::app::{App, Options, Screen};
use ansinh_kiosk::controllers::read_aloud::ReadAloud;
use ansinh_kiosk::ui::{Kiosk, connect};
use ansinh_speech::{Rate, Voice};
use ansinh_ui::Theme;
use i_slint_backend_testing::{AccessibleRole, ElementHandle, mock_elapsed_time};
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition};

use crate::fit::{AAA, contrast, settle};

/// A voice that says nothing but reads: the speaker buttons shown.
struct Mute;

impl Voice for Mute {
    fn set_rate(&mut self, _: Rate) {}
    fn speak(&mut self, _: &str) -> ansinh_speech::Result<()> {
        Ok(())
    }
    fn stop(&mut self) {}
    fn poll(&mut self) -> ansinh_speech::Result<bool> {
        Ok(true)
    }
}

fn button(k: &Kiosk, label: &str) -> Option<ElementHandle> {
    ElementHandle::find_by_accessible_label(&k.window, label)
        .find(|e| e.accessible_role() == Some(AccessibleRole::Button))
}

/// A tap of the pointer at the middle of the button labelled `label`.
fn tap(k: &Kiosk, label: &str) {
    let e = button(k, label).unwrap_or_else(|| panic!("no button {label:?} on the screen"));
    let (p, s) = (e.absolute_position(), e.size());
    let at = LogicalPosition::new(p.x + s.width / 2.0, p.y + s.height / 2.0);
    k.window.window().dispatch_event(WindowEvent::PointerPressed {
        position: at,
        button: PointerEventButton::Left,
    });
    // A page that scrolls hands a press to the button under it after 100 ms.
    mock_elapsed_time(Duration::from_millis(120));
    k.window.window().dispatch_event(WindowEvent::PointerReleased {
        position: at,
        button: PointerEventButton::Left,
    });
    settle();
}

/// Whether the screen is in large text: the app's state, the theme the screens follow, and
/// the button drawn pressed.
fn large(k: &Kiosk) -> bool {
    let theme = k.window.global::<Theme>();
    let shown = theme.get_large();
    // Every size follows the mode: body text 22 px on the kiosk, 19 px on the handheld,
    // ×1.4 in large text (whole pixels).
    let body = if theme.get_narrow() { (19.0, 27.0) } else { (22.0, 31.0) };
    assert_eq!(theme.get_body(), if shown { body.1 } else { body.0 });
    let checked = button(k, "Chữ to").and_then(|b| b.accessible_checked());
    assert_eq!(checked, Some(shown), "the button says whether it is on");
    shown
}

#[test]
fn one_tap_turns_large_text_on_for_the_session_and_the_idle_reset_ends_it() -> anyhow::Result<()> {
    i_slint_backend_testing::init_no_event_loop();
    let today = "2026-11-22".parse().map_err(|_| anyhow::anyhow!("date"))?;
    let clock = Rc::new(FakeClock::at(today));
    let options = Options {
        pin_params: argon2::Params::new(256, 1, 1, None).unwrap_or_default(),
        demo: true,
        ..Options::default()
    };
    let mut app =
        App::new(Box::new(ansinh_kiosk::store::MemoryStore::default()), clock.clone(), options);
    app.read_aloud = ReadAloud::with_voice(Box::new(Mute), Rate::NORMAL, Rate::SLOW);
    let k = connect(app)?;
    k.window.window().set_size(slint::LogicalSize::new(1280.0, 800.0));
    settle();
    assert!(!large(&k));

    // One tap on the home page: on; it stays from page to page.
    tap(&k, "Chữ to");
    assert!(large(&k) && k.app.borrow().large_text);
    tap(&k, "Tôi phải đóng bao nhiêu?");
    assert_eq!(k.app.borrow().screen, Screen::Quote);
    assert!(large(&k));
    // Reading aloud works in it.
    tap(&k, "Đọc to màn hình này");
    assert!(k.window.global::<ansinh_ui::SpeechAdapter>().get_speaking());
    tap(&k, "Dừng đọc");
    // A second tap turns it off, a third on again.
    tap(&k, "Chữ to");
    assert!(!large(&k));
    tap(&k, "Chữ to");
    assert!(large(&k));

    // Staff pages keep their size and have no button; back on a citizen page, it is there.
    tap(&k, "Trang đầu");
    tap(&k, "Nhân viên");
    assert_eq!(k.app.borrow().screen, Screen::StaffLogin);
    assert!(!k.window.global::<Theme>().get_large() && button(&k, "Chữ to").is_none());
    k.act(|a| a.navigate(Screen::Pension));
    assert!(large(&k));

    // The handheld: the icon alone, the same button.
    k.window.window().set_size(slint::LogicalSize::new(480.0, 800.0));
    settle();
    tap(&k, "Chữ to");
    assert!(!large(&k));
    tap(&k, "Chữ to");
    assert!(large(&k));

    // The person walks away: the warning leaves it on, the reset ends it with the session.
    clock.advance(76);
    k.tick();
    settle();
    assert!(k.window.global::<ansinh_ui::AppAdapter>().get_idle_left() > 0);
    assert!(k.window.global::<Theme>().get_large());
    clock.advance(15);
    k.tick();
    settle();
    assert_eq!(k.app.borrow().screen, Screen::Home);
    assert!(!large(&k) && !k.app.borrow().large_text, "the next person starts in normal text");
    Ok(())
}

/// The pairs of the theme's colours that the screens draw text with, against the background
/// each goes on, all at least 7:1 in large text. (The fit sweep checks every text on every
/// citizen screen against what is really behind it.)
#[test]
fn large_text_colours_are_at_least_7_to_1() -> anyhow::Result<()> {
    i_slint_backend_testing::init_no_event_loop();
    let window = ansinh_ui::AppWindow::new()?;
    let theme = window.global::<Theme>();
    theme.set_large(true);
    let t = &theme;
    let pairs = [
        ("ink on page", t.get_ink(), t.get_page()),
        ("ink on card", t.get_ink(), t.get_card()),
        ("muted on page", t.get_muted(), t.get_page()),
        ("muted on card", t.get_muted(), t.get_card()),
        ("muted on band", t.get_muted(), t.get_band()),
        ("primary on card (buttons)", t.get_primary(), t.get_card()),
        ("primary-dark on card (titles)", t.get_primary_dark(), t.get_card()),
        ("on-primary on primary", t.get_on_primary(), t.get_primary()),
        ("on-primary on primary-dark (header)", t.get_on_primary(), t.get_primary_dark()),
        ("accent on card (amounts)", t.get_accent(), t.get_card()),
        ("error on card", t.get_error(), t.get_card()),
        ("error on error-bg", t.get_error(), t.get_error_bg()),
        ("warn on warn-bg", t.get_warn(), t.get_warn_bg()),
        ("warn-bg on warn (demo band)", t.get_warn_bg(), t.get_warn()),
        ("placeholder on card", t.get_placeholder(), t.get_card()),
        ("disabled-ink on disabled", t.get_disabled_ink(), t.get_disabled()),
    ];
    let mut low = Vec::new();
    for (what, fg, bg) in pairs {
        let ratio = contrast(fg, bg);
        if ratio < AAA {
            low.push(format!("{what}: {ratio:.2}:1"));
        }
    }
    assert!(low.is_empty(), "below 7:1 in large text: {low:?}");
    // The arithmetic itself: black on white is 21:1, a colour on itself 1:1, and the normal
    // mode's primary blue on white 6.67:1 (short of AAA, which large text is for).
    let (black, white) =
        (slint::Color::from_rgb_u8(0, 0, 0), slint::Color::from_rgb_u8(255, 255, 255));
    assert!(
        (contrast(black, white) - 21.0).abs() < 0.01 && (contrast(white, white) - 1.0).abs() < 1e-9
    );
    theme.set_large(false);
    assert!((contrast(theme.get_primary(), white) - 6.67).abs() < 0.01);
    Ok(())
}
