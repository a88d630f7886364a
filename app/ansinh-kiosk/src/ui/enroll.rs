//! The enrollment wizard page: steps, fields, members, consent, review and the double-payment confirmation.
//! `render` draws only this page's global; `connect` forwards its callbacks to the app's
//! intents.
#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::rc::Rc;

use ansinh_ui::{AppWindow, EnrollAdapter, Field, Item};
use slint::{ComponentHandle, SharedString};

use super::{Kiosk, lines, model, strings, to_i32};
use crate::app::App;
use crate::controllers::enroll::{FieldView, Kind, Scheme, StepKind};
use crate::controllers::keyboard::Focus;

fn field(f: &FieldView, focus: Option<&Focus>) -> Field {
    let kind = match f.kind {
        Some(Kind::Choice) => "choice",
        Some(Kind::Picker) => "picker",
        Some(Kind::Digits) => "digits",
        Some(Kind::Phone) => "phone",
        Some(Kind::Money) => "money",
        Some(Kind::Date) => "date",
        _ => "text",
    };
    Field {
        id: f.id.as_str().into(),
        label: f.label.as_str().into(),
        value: f.value.as_str().into(),
        placeholder: f.placeholder.as_str().into(),
        kind: kind.into(),
        options: strings(&f.options),
        selected: f.selected,
        error: f.error.as_str().into(),
        optional: f.optional,
        focused: matches!(focus, Some(Focus::Field(id)) if *id == f.id),
    }
}

/// Draws the page.
pub(super) fn render(app: &mut App, w: &AppWindow) {
    let (today, lang, table) = (app.today(), app.lang, app.table.clone());
    let e = app.enroll.view(&table, today, lang);
    let ea = w.global::<EnrollAdapter>();
    ea.set_started(e.started);
    ea.set_title(e.title.into());
    ea.set_steps(strings(&e.steps));
    ea.set_step(to_i32(e.step));
    ea.set_kind(
        match e.kind {
            Some(StepKind::Members) => "members",
            Some(StepKind::Consent) => "consent",
            Some(StepKind::Review) => "review",
            _ => "fields",
        }
        .into(),
    );
    ea.set_help(e.help.into());
    ea.set_fields(model(e.fields.iter().map(|f| field(f, app.keyboard.focus())).collect()));
    ea.set_field_notes(model(
        e.fields.iter().map(|f| SharedString::from(f.note.as_str())).collect(),
    ));
    ea.set_card_note(e.card_note.into());
    ea.set_members(model(
        e.members
            .iter()
            .enumerate()
            .map(|(i, m)| Item {
                code: i.to_string().into(),
                label: m.title.as_str().into(),
                detail: m.detail.as_str().into(),
                error: m.error.as_str().into(),
            })
            .collect(),
    ));
    ea.set_editing_member(e.editing_member);
    ea.set_consent_text(e.consent_text.into());
    ea.set_consent_given(e.consent_given);
    ea.set_reminders(e.reminders);
    ea.set_review(lines(&e.review));
    ea.set_amount(e.amount.into());
    ea.set_amount_words(e.amount_words.into());
    ea.set_rules_note(e.rules_note.into());
    ea.set_banner(e.banner.into());
    ea.set_reveal(app.enroll.take_reveal().unwrap_or_default().into());
    ea.set_next_label(e.next_label.into());
    let warning = e.duplicate.unwrap_or_default();
    ea.set_duplicate_title(warning.title.into());
    ea.set_duplicate_text(warning.text.into());
    ea.set_duplicate_confirm(warning.confirm.into());
    ea.set_duplicate_cancel(warning.cancel.into());
}

/// Connects the page's callbacks.
pub(super) fn connect(k: &Rc<Kiosk>) {
    on!(k, EnrollAdapter, on_start, |a, i: i32| a.enroll.start(if i == 1 {
        Scheme::Household
    } else {
        Scheme::Voluntary
    }));
    on!(k, EnrollAdapter, on_field_tapped, |a, id: SharedString| a.tap_field(&id));
    on!(k, EnrollAdapter, on_field_caret, |a, id: SharedString, at: i32| a
        .tap_field_at(&id, usize::try_from(at).unwrap_or(0)));
    on!(k, EnrollAdapter, on_choose, |a, id: SharedString, i: i32| a
        .enroll_choose(&id, usize::try_from(i).unwrap_or(0)));
    on!(k, EnrollAdapter, on_next, |a| a.enroll_next());
    on!(k, EnrollAdapter, on_back, |a| a.enroll_back());
    on!(k, EnrollAdapter, on_goto, |a, i: i32| {
        a.read_aloud.stop();
        a.enroll.goto(usize::try_from(i).unwrap_or(0))
    });
    on!(k, EnrollAdapter, on_add_member, |a| a.enroll.add_member());
    on!(k, EnrollAdapter, on_edit_member, |a, i: i32| a
        .enroll
        .edit_member(usize::try_from(i).unwrap_or(0)));
    on!(k, EnrollAdapter, on_remove_member, |a, i: i32| a
        .enroll
        .remove_member(usize::try_from(i).unwrap_or(0)));
    on!(k, EnrollAdapter, on_consent, |a, yes: bool| {
        let now = a.now();
        a.enroll.consent(yes, now)
    });
    on!(k, EnrollAdapter, on_reminders_changed, |a, yes: bool| {
        let lang = a.lang;
        a.enroll.set_reminders(yes, lang)
    });
    on!(k, EnrollAdapter, on_confirm_duplicate, |a| a.enroll_confirm_duplicate());
    on!(k, EnrollAdapter, on_cancel_duplicate, |a| a.enroll_cancel_duplicate());
}
