//! The pension page: retirement month, pension estimate, chart and advice.
//! `render` draws only this page's global; `connect` forwards its callbacks to the
//! controller's intents.
#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::rc::Rc;

use ansinh_ui::{AppWindow, Bar as UiBar, PensionAdapter};
use slint::ComponentHandle;

use super::{Kiosk, lines, model, strings};
use crate::app::App;

/// Draws the page; returns whether its figures are estimates.
pub(super) fn render(app: &mut App, w: &AppWindow) -> bool {
    let (today, lang, table) = (app.today(), app.lang, app.table.clone());
    let p = app.pension.view(&table, today, lang);
    let pa = w.global::<PensionAdapter>();
    pa.set_born_month(format!("{:02}", app.pension.born_month()).into());
    pa.set_born_year(app.pension.born_year().to_string().into());
    pa.set_sex(match app.pension.sex() {
        Some(ansinh_core::person::Sex::Male) => 0,
        Some(ansinh_core::person::Sex::Female) => 1,
        None => -1,
    });
    pa.set_paid_years(app.pension.paid_years().to_string().into());
    pa.set_paid_months(app.pension.paid_months().to_string().into());
    pa.set_paid_average(p.paid_average.into());
    pa.set_planned(p.planned.into());
    pa.set_poor(app.pension.poor_household());
    pa.set_results(lines(&p.results));
    pa.set_pension(p.pension.into());
    pa.set_pension_words(p.pension_words.into());
    pa.set_eligible(p.eligible);
    pa.set_advice(strings(&p.advice));
    pa.set_bars(model(
        p.bars
            .iter()
            .map(|b| UiBar { label: b.label.as_str().into(), paid: b.paid, received: b.received })
            .collect(),
    ));
    pa.set_chart_max(p.chart_max.into());
    pa.set_chart_note(p.chart_note.into());
    pa.set_error(p.error.into());
    pa.set_sources(strings(&p.sources));

    p.estimate
}

/// Connects the page's callbacks.
pub(super) fn connect(k: &Rc<Kiosk>) {
    on_held!(k, PensionAdapter, on_step_year, |a, d: i32| {
        let (t, day) = (a.table.clone(), a.today());
        a.pension.step_year(&t, day, d)
    });
    on_held!(k, PensionAdapter, on_step_month, |a, d: i32| a.pension.step_month(d));
    on!(k, PensionAdapter, on_pick_sex, |a, i: i32| a.pension.pick_sex(if i == 0 {
        ansinh_core::person::Sex::Male
    } else {
        ansinh_core::person::Sex::Female
    }));
    on_held!(k, PensionAdapter, on_step_paid_years, |a, d: i32| a.pension.step_paid_years(d));
    on_held!(k, PensionAdapter, on_step_paid_months, |a, d: i32| a.pension.step_paid_months(d));
    on_held!(k, PensionAdapter, on_step_paid_average, |a, d: i32| {
        let (t, day) = (a.table.clone(), a.today());
        a.pension.step_paid_average(&t, day, d)
    });
    on_held!(k, PensionAdapter, on_step_planned, |a, d: i32| {
        let (t, day) = (a.table.clone(), a.today());
        a.pension.step_planned(&t, day, d)
    });
    on!(k, PensionAdapter, on_toggle_poor, |a| a.pension.toggle_poor());
}
