//! Every citizen screen of the tour (`ansinh_kiosk::screens::SCREENS`), set up in English and
//! in Vietnamese (with the speaker buttons shown, as where a voice works) and read through
//! Slint's testing backend (each text's accessible label, as a screen reader gets it), must be
//! written for its language:
//! - a count agrees with its noun ("1 month", "2 months", never "1 months");
//! - an amount has the language's separator and currency ("VND 100,000", "100.000 đ");
//! - no text of the other language: no Vietnamese word on an English screen (names of people
//!   and places aside), no English word on a Vietnamese screen unless it is a legal source the
//!   policy table has only in English, marked as such.
//!
//! The same sweep then shows each screen in both layouts (1280×800, 480×800), in the normal
//! mode and in large text, and every text must fit its box (`fit::problems`: not elided, cut,
//! broken or spilling out), and in large text stand out 7:1 from what is behind it. One setup
//! per screen and language serves all of it: the sweep is the slow part.

#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::collections::BTreeSet;

use ansinh_kiosk::controllers::read_aloud::ReadAloud;
use ansinh_kiosk::screens::{LAYOUTS, SCREENS, TOUR_DATE, tour_kiosk};
use ansinh_kiosk::text::{Locale, tr};
use ansinh_kiosk::ui::render;
use ansinh_speech::{Rate, Voice};
use i_slint_backend_testing::ElementQuery;
use slint::ComponentHandle;

/// Count nouns of the English wording: (singular, plural).
const NOUNS: &[(&str, &str)] = &[
    ("month", "months"),
    ("year", "years"),
    ("day", "days"),
    ("child", "children"),
    ("member", "members"),
    ("person", "people"),
    ("record", "records"),
    ("receipt", "receipts"),
    ("try", "tries"),
    ("minute", "minutes"),
    ("hour", "hours"),
    ("second", "seconds"),
    ("thing", "things"),
    ("time", "times"),
];

/// English words that Vietnamese never writes (with or without its accents).
const ENGLISH: &[&str] = &[
    "the",
    "and",
    "of",
    "for",
    "with",
    "from",
    "not",
    "yet",
    "is",
    "are",
    "by",
    "per",
    "until",
    "you",
    "your",
    "pay",
    "payment",
    "income",
    "support",
    "pension",
    "month",
    "months",
    "year",
    "years",
    "decree",
    "law",
    "art",
    "circular",
    "council",
    "resolution",
    "rules",
    "amount",
];

/// The texts on screen, in tree order.
fn texts(k: &ansinh_kiosk::ui::Kiosk) -> Vec<String> {
    let mut seen = BTreeSet::new();
    ElementQuery::from_root(&k.window)
        .match_descendants()
        .find_all()
        .into_iter()
        .filter_map(|e| e.accessible_label().map(|s| s.to_string()))
        .filter(|s| !s.trim().is_empty() && seen.insert(s.clone()))
        .collect()
}

/// A voice that says nothing: the speaker buttons shown, as on a kiosk where one works.
struct Mute;

impl Voice for Mute {
    fn set_rate(&mut self, _: Rate) {}
    fn speak(&mut self, _: &str) -> ansinh_speech::Result<()> {
        Ok(())
    }
    fn stop(&mut self) {}
    fn poll(&mut self) -> ansinh_speech::Result<bool> {
        Ok(false)
    }
}

/// A screen of the sweep: its name, its texts, and what does not fit (`layout mode: problem`).
type Swept = (&'static str, Vec<String>, Vec<String>);

/// Every citizen screen of the tour in `lang`.
fn sweep(lang: Locale) -> anyhow::Result<Vec<Swept>> {
    let today = TOUR_DATE.parse().map_err(|_| anyhow::anyhow!("date"))?;
    let mut out = Vec::new();
    // Staff screens are for staff; "-en" screens switch the language themselves.
    for (name, setup) in
        SCREENS.iter().filter(|(n, _)| !n.starts_with("staff") && !n.ends_with("-en"))
    {
        let (k, clock) = tour_kiosk(today)?;
        k.window.window().set_size(slint::LogicalSize::new(1280.0, 3000.0));
        {
            let mut app = k.app.borrow_mut();
            app.read_aloud = ReadAloud::with_voice(Box::new(Mute), Rate::NORMAL, Rate::SLOW);
            app.lang = lang;
            setup(&mut app, &clock);
            // A setup that ends a session (the same person twice) is back in Vietnamese.
            app.lang = lang;
            render(&mut app, &k.window);
        }
        crate::fit::settle();
        let texts = texts(&k);
        let mut unfit = Vec::new();
        for (w, h) in LAYOUTS {
            for large in [false, true] {
                #[allow(clippy::cast_precision_loss)] // window sizes, exact in f32
                crate::fit::show(&k, w as f32, h as f32, large);
                let mode = if large { "large" } else { "normal" };
                let contrast = large.then_some(crate::fit::AAA);
                for p in crate::fit::problems(k.window.window(), contrast) {
                    unfit.push(format!("{w}x{h} {mode}: {p}"));
                }
            }
        }
        out.push((*name, texts, unfit));
    }
    Ok(out)
}

/// Words: letters, digits and the marks inside numbers and names.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || "()[]:;\"“”'«»•—–·".contains(c))
        .map(|w| w.trim_matches(|c: char| ",.!?".contains(c)))
        .filter(|w| !w.is_empty())
        .collect()
}

/// "1 months", "2 month": a count that disagrees with its noun.
fn plural_errors(text: &str) -> Vec<String> {
    let w = words(text);
    let mut out = Vec::new();
    for pair in w.windows(2) {
        let Ok(n) = pair[0].parse::<u64>() else { continue };
        let noun = pair[1].to_lowercase();
        for (one, many) in NOUNS {
            if (n == 1 && noun == *many) || (n != 1 && noun == *one) {
                out.push(format!("\"{} {}\"", pair[0], pair[1]));
            }
        }
    }
    out
}

/// Digit groups joined by `sep` ("1.500.000" with '.'), which in the other language is the
/// wrong thousands separator.
fn grouped_with(text: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    for w in words(text) {
        let w = w.trim_start_matches(['−', '+', '-']);
        let groups: Vec<&str> = w.split(sep).collect();
        let is_grouped = groups.len() >= 2
            && (1..=3).contains(&groups[0].len())
            && groups.iter().all(|g| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit()))
            && groups[1..].iter().all(|g| g.len() == 3);
        if is_grouped {
            out.push(w.to_string());
        }
    }
    out
}

/// Letters English does not write: Vietnamese (đ, ư, ơ, tones…).
fn vietnamese_letter(c: char) -> bool {
    c.is_alphabetic() && !c.is_ascii()
}

/// Names of people and places, and language names, that any screen shows as they are.
fn names() -> Vec<String> {
    let mut n: BTreeSet<String> = BTreeSet::new();
    n.extend(ansinh_geo::provinces().iter().map(|p| p.name.to_string()));
    n.extend(ansinh_geo::communes().iter().map(|c| c.name.to_string()));
    n.extend(ansinh_geo::ethnic_groups().iter().map(|e| e.name.to_string()));
    n.extend(Locale::all().map(|l| l.name().to_string()));
    // The tour's person, address and collection point, and the card's old address.
    for s in [
        "Nguyễn Thị Hồng Nhung",
        "NGUYỄN THỊ HỒNG NHUNG",
        "Số 12, ngõ 34, phố Quang Trung",
        "Bưu điện văn hóa xã Thanh Trì",
        "Phường Hà Cầu, Quận Hà Đông, Thành phố Hà Nội",
        "Hà Cầu",
        "Hà Đông",
        "Nguyeenx Thij Hoongf Nhung",
        "Nguyễn Thị Hồng Nhung 3",
    ] {
        n.insert(s.to_string());
    }
    // Longest first, so a commune's name is taken out before its province's.
    let mut v: Vec<String> = n.into_iter().filter(|s| !s.is_empty()).collect();
    v.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    v
}

/// Vietnamese words left in an English text once names are taken out.
fn vietnamese_in(text: &str, names: &[String]) -> Vec<String> {
    let mut rest = text.to_string();
    for n in names {
        if rest.contains(n.as_str()) {
            rest = rest.replace(n.as_str(), " ");
        }
    }
    words(&rest)
        .into_iter()
        // A document number keeps its Vietnamese letters in any language (159/2025/NĐ-CP), and
        // a masked name is the person's (NGUYỄN T*** H***).
        .filter(|w| !w.contains('/') && !w.contains('*') && !w.ends_with("NĐ-CP"))
        .filter(|w| w.chars().any(vietnamese_letter))
        .map(str::to_string)
        .collect()
}

/// English words in a Vietnamese text.
fn english_in(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| ENGLISH.contains(&w.to_lowercase().as_str()))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_citizen_screen_is_written_for_its_language_and_fits_in_both_modes() -> anyhow::Result<()> {
    i_slint_backend_testing::init_no_event_loop();
    let english = Locale::from_code("en")?;
    let vietnamese = Locale::SOURCE;
    let names = names();
    // A source the table has only in English carries this mark on a Vietnamese screen.
    let marked = tr!(vietnamese, "source-in-english", source = "");
    let marked = marked.trim();
    let mut problems = Vec::new();

    let en = sweep(english)?;
    assert!(en.len() >= 15, "the sweep reached {} screens", en.len());
    let mut unfit = Vec::new();
    for (screen, texts, misfits) in &en {
        unfit.extend(misfits.iter().map(|p| format!("en/{screen} {p}")));
        for t in texts {
            let mut say = |what: &str, found: Vec<String>| {
                if !found.is_empty() {
                    problems.push(format!("en/{screen}: {what} {found:?} in {t:?}"));
                }
            };
            say("count and noun disagree:", plural_errors(t));
            say("Vietnamese thousands separator:", grouped_with(t, '.'));
            // A source is shown in the table's own language, which is English.
            let source = t.starts_with("• ");
            say("Vietnamese:", if source { Vec::new() } else { vietnamese_in(t, &names) });
            if t.contains('đ') && t.chars().any(|c| c.is_ascii_digit()) && !source {
                say("the đồng sign:", vec![t.clone()]);
            }
        }
    }

    let vi = sweep(vietnamese)?;
    for (screen, texts, misfits) in &vi {
        unfit.extend(misfits.iter().map(|p| format!("vi/{screen} {p}")));
        for t in texts {
            let mut say = |what: &str, found: Vec<String>| {
                if !found.is_empty() {
                    problems.push(format!("vi/{screen}: {what} {found:?} in {t:?}"));
                }
            };
            say("English thousands separator:", grouped_with(t, ','));
            if t.contains("VND") {
                say("an English amount:", vec![t.clone()]);
            }
            // English is allowed only in a source marked as the table's English.
            if !t.contains(marked) {
                say("English:", english_in(t));
            }
        }
    }

    // The sweep itself can see each kind of mistake.
    assert_eq!(plural_errors("Contribution (1 months)"), ["\"1 months\""]);
    assert_eq!(plural_errors("for 2 child"), ["\"2 child\""]);
    assert!(plural_errors("1 month, 3 months, 1,500 days").is_empty());
    assert_eq!(grouped_with("− 100.000", '.'), ["100.000"]);
    assert!(grouped_with("4.5% of VND 1,500,000 on 22/11/2026", '.').is_empty());
    assert_eq!(vietnamese_in("Phải đóng (22%)", &names), ["Phải", "đóng"]);
    assert!(vietnamese_in("Province: Hà Nội", &names).is_empty());
    assert_eq!(english_in("Nhà nước hỗ trợ — Decree 159/2025/NĐ-CP Art 5"), ["Decree", "Art"]);

    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    assert!(unfit.is_empty(), "{} texts do not fit:\n{}", unfit.len(), unfit.join("\n"));
    Ok(())
}
