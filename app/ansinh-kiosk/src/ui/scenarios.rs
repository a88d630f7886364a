//! The comparison page: two ways of paying side by side.
//! `render` draws only this page's global; `connect` forwards its callbacks to the
//! controller's intents.
#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::rc::Rc;

use ansinh_ui::{AppWindow, Column as UiColumn, ScenarioAdapter};
use slint::ComponentHandle;

use super::{Kiosk, lines, model, strings, to_i32};
use crate::app::App;

/// Draws the page; returns whether its figures are estimates.
pub(super) fn render(app: &mut App, w: &AppWindow) -> bool {
    let (today, lang, table) = (app.today(), app.lang, app.table.clone());
    let s = app.scenarios.view(&table, today, lang);
    let sa = w.global::<ScenarioAdapter>();
    sa.set_presets(strings(&s.presets));
    sa.set_preset(to_i32(app.scenarios.chosen_preset()));
    sa.set_born(s.born.into());
    sa.set_sex(if app.scenarios.sex() == ansinh_core::person::Sex::Male { 0 } else { 1 });
    sa.set_groups(strings(&s.groups));
    sa.set_group(to_i32(app.scenarios.group()));
    sa.set_columns(model(
        s.columns
            .iter()
            .map(|c| UiColumn {
                title: c.title.as_str().into(),
                income: c.income.as_str().into(),
                years: c.years.as_str().into(),
                lines: lines(&c.lines),
                error: c.error.as_str().into(),
            })
            .collect(),
    ));
    sa.set_summary(s.summary.into());

    s.estimate
}

/// Connects the page's callbacks.
pub(super) fn connect(k: &Rc<Kiosk>) {
    on!(k, ScenarioAdapter, on_pick_preset, |a, i: i32| {
        let (t, d) = (a.table.clone(), a.today());
        a.scenarios.preset(&t, d, usize::try_from(i).unwrap_or(0))
    });
    on_held!(k, ScenarioAdapter, on_step_born, |a, d: i32| {
        let (t, day) = (a.table.clone(), a.today());
        a.scenarios.step_born(&t, day, d)
    });
    on!(k, ScenarioAdapter, on_pick_sex, |a, i: i32| a.scenarios.pick_sex(if i == 0 {
        ansinh_core::person::Sex::Male
    } else {
        ansinh_core::person::Sex::Female
    }));
    on!(k, ScenarioAdapter, on_pick_group, |a, i: i32| a
        .scenarios
        .pick_group(usize::try_from(i).unwrap_or(0)));
    on_held!(k, ScenarioAdapter, on_step_income, |a, col: i32, d: i32| {
        let (t, day) = (a.table.clone(), a.today());
        a.scenarios.step_income(&t, day, usize::try_from(col).unwrap_or(0), d)
    });
    on_held!(k, ScenarioAdapter, on_step_years, |a, col: i32, d: i32| a
        .scenarios
        .step_years(usize::try_from(col).unwrap_or(0), d));
}
