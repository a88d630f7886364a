//! The language button through the real screens, with Slint's testing backend: it cycles
//! through every language with catalogues and back to Vietnamese, and each press switches both
//! the screens' fixed text (Slint's bundled `.po` translations, selected per thread in Slint's
//! global context) and the text the Rust side builds (the Fluent catalogues), whatever the
//! machine's locale.

#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::rc::Rc;

use ansinh_device::clock::FakeClock;
use ansinh_kiosk::app::{App, Options};
use ansinh_kiosk::store::MemoryStore;
use ansinh_kiosk::text::Locale;
use ansinh_kiosk::ui::{Kiosk, connect};
use i_slint_backend_testing::{ElementHandle, ElementQuery};
use slint::ComponentHandle;

fn labels(k: &Kiosk) -> Vec<String> {
    ElementQuery::from_root(&k.window)
        .match_descendants()
        .find_all()
        .into_iter()
        .filter_map(|e| e.accessible_label().map(|s| s.to_string()))
        .collect()
}

fn press(k: &Kiosk, label: &str) {
    let found: Vec<_> = ElementHandle::find_by_accessible_label(&k.window, label).collect();
    assert!(!found.is_empty(), "nothing labelled {label:?}; there is {:?}", labels(k));
    found[0].invoke_accessible_default_action();
}

#[test]
fn the_language_button_cycles_every_catalogue_on_screen() -> anyhow::Result<()> {
    i_slint_backend_testing::init_no_event_loop();
    let today = "2026-11-22".parse().map_err(|_| anyhow::anyhow!("date"))?;
    let options = Options {
        pin_params: argon2::Params::new(256, 1, 1, None).unwrap_or_default(),
        ..Options::default()
    };
    let app = App::new(Box::new(MemoryStore::default()), Rc::new(FakeClock::at(today)), options);
    let k = connect(app)?;
    k.window.window().set_size(slint::LogicalSize::new(1280.0, 3000.0));
    let english = Locale::from_code("en")?;

    // Vietnamese first: a .slint text, and the button names the next language in its own words.
    let shown = labels(&k);
    assert!(shown.iter().any(|l| l == "Tôi phải đóng bao nhiêu?"), "{shown:?}");
    assert!(shown.iter().any(|l| l == "English"), "{shown:?}");

    // English: the screens' text from the .po catalogue, the quote's from the Fluent one.
    press(&k, "English");
    let shown = labels(&k);
    assert!(shown.iter().any(|l| l == "How much would I pay?"), "{shown:?}");
    press(&k, "How much would I pay?");
    let shown = labels(&k);
    assert!(shown.iter().any(|l| l == "Every 3 months"), "{shown:?}");
    assert!(shown.iter().any(|l| l == "← Home" || l == "Home"), "{shown:?}");
    assert!(!shown.iter().any(|l| l == "3 tháng một lần"), "no Vietnamese left: {shown:?}");

    // Every further language, then back to Vietnamese.
    let mut lang = english;
    while !lang.next().is_source() {
        press(&k, lang.next().name());
        lang = lang.next();
    }
    press(&k, Locale::SOURCE.name());
    let shown = labels(&k);
    assert!(shown.iter().any(|l| l == "3 tháng một lần"), "{shown:?}");
    assert!(shown.iter().any(|l| l == "Trang đầu"), "{shown:?}");
    Ok(())
}
