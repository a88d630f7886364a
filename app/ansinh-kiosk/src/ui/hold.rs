//! Held buttons: a stepper's − or +, the ±100.000 of the quote, the keyboard's backspace.
//! Slint says when a repeating button goes down and up (`AppAdapter.hold`); the intent the
//! press ran is run again on the schedule of [`Hold`] by a Slint timer (which the testing
//! backend's mock time drives), until the release, or until the screen changes under the
//! finger.
#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use ansinh_ui::AppAdapter;
use slint::ComponentHandle;

use super::Kiosk;
use crate::app::{App, Screen};
use crate::controllers::repeat::Hold;

/// An intent that a held button repeats.
pub(super) type Step = Rc<dyn Fn(&mut App)>;

/// The press in progress.
#[derive(Default)]
pub(super) struct Held {
    /// A repeating button went down: the next repeatable intent is the one it repeats.
    armed: Cell<bool>,
    hold: Cell<Hold>,
    step: RefCell<Option<(Step, Screen)>>,
    timer: slint::Timer,
}

impl Held {
    fn stop(&self) {
        let mut hold = self.hold.get();
        hold.release();
        self.hold.set(hold);
        self.armed.set(false);
        self.timer.stop();
        self.step.borrow_mut().take();
    }
}

/// Runs a repeatable intent (one step), and repeats it while its button is held.
pub(super) fn run(k: &Rc<Kiosk>, step: Step) {
    k.act(|a| step(a));
    if !k.held.armed.replace(false) {
        return; // a tap, or the accessibility action: one step
    }
    let screen = k.app.borrow().screen;
    let mut hold = Hold::default();
    hold.press();
    k.held.hold.set(hold);
    *k.held.step.borrow_mut() = Some((step, screen));
    wait(k);
}

fn wait(k: &Rc<Kiosk>) {
    let weak = Rc::downgrade(k);
    k.held.timer.start(slint::TimerMode::SingleShot, k.held.hold.get().wait(), move || {
        if let Some(k) = weak.upgrade() {
            again(&k);
        }
    });
}

fn again(k: &Rc<Kiosk>) {
    let mut hold = k.held.hold.get();
    let still = hold.elapsed();
    k.held.hold.set(hold);
    let step = k.held.step.borrow().clone();
    match step {
        Some((step, screen)) if still && k.app.borrow().screen == screen => {
            k.act(|a| step(a));
            wait(k);
        }
        _ => k.held.stop(),
    }
}

/// Connects the press and release of repeating buttons.
pub(super) fn connect(k: &Rc<Kiosk>) {
    let weak = Rc::downgrade(k);
    k.window.global::<AppAdapter>().on_hold(move |down| {
        if let Some(k) = weak.upgrade() {
            k.held.stop();
            k.held.armed.set(down);
        }
    });
}
