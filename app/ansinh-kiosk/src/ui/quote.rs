//! The quote page: what a payment costs, with support and sources.
//! `render` draws only this page's global; `connect` forwards its callbacks to the
//! controller's intents.
#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::rc::Rc;

use ansinh_ui::{AppWindow, QuoteAdapter};
use slint::ComponentHandle;

use super::{Kiosk, lines, strings, to_i32};
use crate::app::App;

/// Draws the page; returns whether its figures are estimates.
pub(super) fn render(app: &mut App, w: &AppWindow) -> bool {
    let (today, lang, table) = (app.today(), app.lang, app.table.clone());
    let q = app.quote.view(&table, today, lang);
    let qa = w.global::<QuoteAdapter>();
    qa.set_income(q.income.into());
    qa.set_floor(q.floor.into());
    qa.set_ceiling(q.ceiling.into());
    qa.set_slider(q.slider);
    qa.set_groups(strings(&q.groups));
    qa.set_group(to_i32(app.quote.group()));
    qa.set_modes(strings(&q.modes));
    qa.set_mode(to_i32(app.quote.mode()));
    qa.set_province(q.province.into());
    qa.set_monthly(lines(&q.monthly));
    qa.set_payment(lines(&q.payment));
    qa.set_net(q.net.into());
    qa.set_net_words(q.net_words.into());
    qa.set_note(q.note.into());
    qa.set_rules_note(q.rules_note.into());
    qa.set_step_amount(q.step.into());
    qa.set_step_down(q.step_down.into());
    qa.set_step_up(q.step_up.into());
    qa.set_error(q.error.into());
    qa.set_sources(strings(&q.sources));

    q.estimate
}

/// Connects the page's callbacks.
pub(super) fn connect(k: &Rc<Kiosk>) {
    on!(k, QuoteAdapter, on_slide, |a, pos: i32| {
        let (t, d) = (a.table.clone(), a.today());
        a.quote.slide(&t, d, pos)
    });
    on_held!(k, QuoteAdapter, on_step, |a, dir: i32| {
        let (t, d) = (a.table.clone(), a.today());
        a.quote.step(&t, d, dir)
    });
    on!(k, QuoteAdapter, on_type_income, |a| a.type_income());
    on!(k, QuoteAdapter, on_pick_group, |a, i: i32| a
        .quote
        .pick_group(usize::try_from(i).unwrap_or(0)));
    on!(k, QuoteAdapter, on_pick_mode, |a, i: i32| a
        .quote
        .pick_mode(usize::try_from(i).unwrap_or(0)));
    on!(k, QuoteAdapter, on_pick_province, |a| a.open_picker("quote.province"));
    on!(k, QuoteAdapter, on_enroll, |a| a.enroll_from_quote());
}
