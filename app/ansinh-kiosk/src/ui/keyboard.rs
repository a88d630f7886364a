//! The on-screen keyboard overlay (Telex or VNI).
//! `render` draws only this page's global; `connect` forwards its callbacks to the app's
//! intents.
#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::rc::Rc;

use ansinh_ui::{AppWindow, KeyboardAdapter};
use slint::{ComponentHandle, SharedString};

use super::Kiosk;
use crate::app::App;

/// Draws the page.
pub(super) fn render(app: &mut App, w: &AppWindow) {
    let k = w.global::<KeyboardAdapter>();
    let (label, value) = app.keyboard_target();
    k.set_visible(app.keyboard.focus().is_some());
    k.set_kind(app.keyboard_kind().into());
    k.set_method(app.keyboard.method().label().into());
    k.set_shift(app.keyboard.shift());
    k.set_label(label.into());
    k.set_value(value.into());
    let before = if app.keyboard.focus().is_some() { app.before_caret() } else { String::new() };
    k.set_before_caret(before.into());
}

/// Connects the page's callbacks.
pub(super) fn connect(k: &Rc<Kiosk>) {
    on!(k, KeyboardAdapter, on_key, |a, s: SharedString| a.key(&s));
    on_held!(k, KeyboardAdapter, on_backspace, |a| a.backspace());
    on!(k, KeyboardAdapter, on_clear, |a| a.clear_field());
    on!(k, KeyboardAdapter, on_space, |a| a.space());
    on!(k, KeyboardAdapter, on_done, |a| {
        a.keyboard_done();
        a.keyboard.hide()
    });
    on!(k, KeyboardAdapter, on_next_method, |a| a.next_method());
    on!(k, KeyboardAdapter, on_toggle_shift, |a| a.keyboard.toggle_shift());
}
