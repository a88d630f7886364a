//! The picker overlay: searchable lists (provinces, communes, ethnic groups…).
//! `render` draws only this page's global; `connect` forwards its callbacks to the app's
//! intents.
#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::rc::Rc;

use ansinh_ui::{AppWindow, Item, PickerAdapter};
use slint::{ComponentHandle, SharedString};

use super::{Kiosk, model};
use crate::app::App;
use crate::text::tr;

/// Draws the page.
pub(super) fn render(app: &mut App, w: &AppWindow) {
    let lang = app.lang;
    let pk = w.global::<PickerAdapter>();
    let (title, items, more) = app.picker_items();
    pk.set_open(app.picker.is_some());
    pk.set_title(title.into());
    pk.set_query(app.picker.as_ref().map(|p| p.query()).unwrap_or_default().into());
    pk.set_items(model(
        items
            .iter()
            .map(|(c, l, d)| Item {
                code: c.as_str().into(),
                label: l.as_str().into(),
                detail: d.as_str().into(),
                error: SharedString::new(),
            })
            .collect(),
    ));
    pk.set_more(
        if more > 0 { tr!(lang, "picker-more", count = more) } else { String::new() }.into(),
    );
}

/// Connects the page's callbacks.
pub(super) fn connect(k: &Rc<Kiosk>) {
    on!(k, PickerAdapter, on_pick, |a, code: SharedString| a.pick(&code));
    on!(k, PickerAdapter, on_close, |a| a.close_picker());
    on!(k, PickerAdapter, on_search_tapped, |a| a.search_picker());
}
