//! The benefits page: maternity, funeral and social pension amounts.
//! `render` draws only this page's global; `connect` forwards its callbacks to the
//! controller's intents.
#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::rc::Rc;

use ansinh_ui::{AppWindow, BenefitsAdapter, Card as UiCard};
use slint::ComponentHandle;

use super::{Kiosk, lines, model, strings};
use crate::app::App;

/// Draws the page; returns whether its figures are estimates.
pub(super) fn render(app: &mut App, w: &AppWindow) -> bool {
    let (today, lang, table) = (app.today(), app.lang, app.table.clone());
    let b = app.benefits.view(&table, today, lang);
    let ba = w.global::<BenefitsAdapter>();
    ba.set_children(b.children.into());
    ba.set_cards(model(
        b.cards
            .iter()
            .map(|c| UiCard {
                title: c.title.as_str().into(),
                lines: lines(&c.lines),
                note: c.note.as_str().into(),
            })
            .collect(),
    ));
    ba.set_error(b.error.into());
    ba.set_sources(strings(&b.sources));

    b.estimate
}

/// Connects the page's callbacks.
pub(super) fn connect(k: &Rc<Kiosk>) {
    on_held!(k, BenefitsAdapter, on_step_children, |a, d: i32| a.benefits.step_children(d));
}
