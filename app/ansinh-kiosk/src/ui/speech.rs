//! The speaker buttons of the page frame: `render` shows them while a voice works (and which
//! one stops), `connect` forwards a press to the app, which reads the current page.
#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::rc::Rc;

use ansinh_ui::{AppWindow, SpeechAdapter};
use slint::ComponentHandle;

use super::Kiosk;
use crate::app::App;

/// Draws the buttons' state.
pub(super) fn render(app: &mut App, w: &AppWindow) {
    let s = w.global::<SpeechAdapter>();
    s.set_available(app.read_aloud.available());
    s.set_speaking(app.read_aloud.speaking());
}

/// Connects the buttons.
pub(super) fn connect(k: &Rc<Kiosk>) {
    on!(k, SpeechAdapter, on_read, |a, slow: bool| a.read_aloud(slow));
}
