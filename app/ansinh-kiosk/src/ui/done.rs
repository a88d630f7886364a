//! The done page: the receipt number, amount and print status after a commit.
//! `render` draws only this page's global; `connect` forwards its callbacks to the app's
//! intents.
#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use ansinh_ui::{AppWindow, DoneAdapter};
use slint::{ComponentHandle, SharedString};

use crate::app::App;
use crate::controllers::enroll::Scheme;
use crate::text::{money, tr, words};

/// Draws the page.
pub(super) fn render(app: &mut App, w: &AppWindow) {
    let lang = app.lang;
    let d = w.global::<DoneAdapter>();
    match &app.done {
        Some((c, scheme)) => {
            d.set_receipt(c.receipt_no.to_string().into());
            d.set_amount(money(c.amount, lang).into());
            d.set_amount_words(words(c.amount, lang).into());
            d.set_scheme(
                match scheme {
                    Scheme::Voluntary => tr!(lang, "done-scheme-voluntary"),
                    Scheme::Household => tr!(lang, "done-scheme-household"),
                }
                .into(),
            );
            let hex: String = c.record_id.iter().take(4).map(|b| format!("{b:02x}")).collect();
            d.set_record_id(format!("{hex}…").into());
            d.set_collection_point(app.staff.settings().collection_point.as_str().into());
            d.set_print_status(app.printing.status().into());
        }
        None => {
            for set in [
                DoneAdapter::set_receipt,
                DoneAdapter::set_amount,
                DoneAdapter::set_amount_words,
                DoneAdapter::set_scheme,
                DoneAdapter::set_record_id,
                DoneAdapter::set_collection_point,
                DoneAdapter::set_print_status,
            ] {
                set(&d, SharedString::new());
            }
        }
    }
}
