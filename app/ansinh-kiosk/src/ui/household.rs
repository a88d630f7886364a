//! The household health insurance page: premiums member by member.
//! `render` draws only this page's global; `connect` forwards its callbacks to the
//! controller's intents.
#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::rc::Rc;

use ansinh_ui::{AppWindow, HouseholdAdapter, Row4};
use slint::ComponentHandle;

use super::{Kiosk, model, strings, to_i32};
use crate::app::App;

/// Draws the page; returns whether its figures are estimates.
pub(super) fn render(app: &mut App, w: &AppWindow) -> bool {
    let (today, lang, table) = (app.today(), app.lang, app.table.clone());
    let h = app.household.view(&table, today, lang);
    let ha = w.global::<HouseholdAdapter>();
    ha.set_members(h.members.into());
    ha.set_periods(strings(&h.periods));
    ha.set_period(to_i32(app.household.period()));
    ha.set_rows(model(
        h.rows
            .iter()
            .map(|r| Row4 {
                a: r.order.as_str().into(),
                b: r.share.as_str().into(),
                c: r.monthly.as_str().into(),
                d: r.amount.as_str().into(),
            })
            .collect(),
    ));
    ha.set_total(h.total.into());
    ha.set_total_words(h.total_words.into());
    ha.set_note(h.note.into());
    ha.set_error(h.error.into());
    ha.set_sources(strings(&h.sources));

    h.estimate
}

/// Connects the page's callbacks.
pub(super) fn connect(k: &Rc<Kiosk>) {
    on_held!(k, HouseholdAdapter, on_step_members, |a, d: i32| a.household.step_members(d));
    on!(k, HouseholdAdapter, on_pick_period, |a, i: i32| a
        .household
        .pick_period(usize::try_from(i).unwrap_or(2)));
    on!(k, HouseholdAdapter, on_enroll, |a| a.enroll_household());
}
