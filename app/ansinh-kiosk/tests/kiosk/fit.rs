//! Every text fits its box, in both modes (normal, large text), both languages and both
//! layouts: the check (`problems`) that the `wording` sweep runs on every citizen screen, and
//! the proof that it sees each way a text can be cut.
//!
//! A text *fits* when, measured with the screen's own font (Noto Sans, through the renderer
//! Slint lays the screen out with):
//! - a one-line text is no wider than its element (wider, it is elided or clipped);
//! - a wrapped text's longest word is no wider than its element (wider, the word is broken);
//! - its lines, wrapped at the element's width, are no taller than the element;
//! - the element lies inside every element around it (the button, the card, the page, the
//!   window): a layout squeezed below its minimum spills its texts out of its parent. A page
//!   that scrolls may hold a text below or above its visible part (it scrolls there), never
//!   beside it (nothing scrolls sideways).
//!
//! No two texts on the same surface lie on one another. A text on a scrolling page counts, against
//! a text off that page (the title above it), only where the page shows it: scrolled under the
//! title, it is hidden by the page's edge, not drawn over the title. Two texts on the same page
//! are compared whole, wherever the page is scrolled.
//!
//! Hidden texts (`visible: false`, used to measure) are skipped; one pixel of slack allows for
//! the layout's rounding to whole pixels.
//!
//! In large text, every text is also checked against what is behind it (the nearest opaque
//! element around it): a contrast ratio of at least 7:1 (WCAG 1.4.6, AAA), computed with
//! WCAG's relative luminance.

// Positions and sizes are Slint's logical pixels (f32); no amount is computed here.
#![allow(elided_lifetimes_in_paths, clippy::float_arithmetic)]

use std::rc::Rc;
use std::time::Duration;

use ansinh_device::clock::FakeClock;
use ansinh_kiosk::app::{App, Options, Screen};
use ansinh_kiosk::ui::{Kiosk, connect};
use i_slint_backend_testing::mock_elapsed_time;
use i_slint_core::graphics::Color;
use i_slint_core::item_tree::ItemRc;
use i_slint_core::items::{
    BasicBorderRectangle, BorderRectangle, Clip, ComplexText, Empty, Flickable, ItemRef,
    Orientation, Rectangle, SimpleText, TextOverflow, TextWrap, WindowItem,
};
use i_slint_core::window::WindowInner;
use slint::ComponentHandle;

/// The least contrast of a text against its background in large text (WCAG 1.4.6, AAA).
pub(crate) const AAA: f64 = 7.0;

/// Slack for the layout's rounding to whole pixels.
const SLACK: f32 = 1.0;

/// A rectangle in window coordinates: left, top, right, bottom.
#[derive(Clone, Copy, Debug)]
struct Rect {
    l: f32,
    t: f32,
    r: f32,
    b: f32,
}

/// An element's type and id, as the .slint source names them.
fn name(item: &ItemRc) -> String {
    item.element_type_names_and_ids(0)
        .and_then(|v| v.first().map(|(t, id)| format!("{t} {id}")))
        .unwrap_or_default()
}

/// A text element's text, wrapping and overflow, colour and size.
struct TextItem {
    text: String,
    wrap: TextWrap,
    elide: bool,
    color: Color,
}

fn text_item(item: &ItemRc) -> Option<TextItem> {
    let r = item.borrow();
    if let Some(t) = ItemRef::downcast_pin::<ComplexText>(r) {
        return Some(TextItem {
            text: t.text().to_string(),
            wrap: t.wrap(),
            elide: t.overflow() == TextOverflow::Elide,
            color: t.color().color(),
        });
    }
    ItemRef::downcast_pin::<SimpleText>(r).map(|t| TextItem {
        text: t.text().to_string(),
        wrap: TextWrap::NoWrap,
        elide: false,
        color: t.color().color(),
    })
}

/// The opaque fill an element draws, if it draws one.
fn fill(item: &ItemRc) -> Option<Color> {
    let r = item.borrow();
    let brush = if let Some(x) = ItemRef::downcast_pin::<Rectangle>(r) {
        x.background()
    } else if let Some(x) = ItemRef::downcast_pin::<BasicBorderRectangle>(r) {
        x.background()
    } else if let Some(x) = ItemRef::downcast_pin::<BorderRectangle>(r) {
        x.background()
    } else if let Some(x) = ItemRef::downcast_pin::<WindowItem>(r) {
        x.background()
    } else {
        return None;
    };
    let c = brush.color();
    (c.alpha() == 255).then_some(c)
}

/// WCAG 2's relative luminance of an sRGB colour.
pub(crate) fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.039_28 { s / 12.92 } else { ((s + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())
}

/// WCAG 2's contrast ratio of two colours (1 to 21).
pub(crate) fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// An element around the text being checked.
struct Around {
    item: ItemRc,
    rect: Rect,
    /// A page that scrolls: what is around it sees its texts wherever they scroll.
    scrolls: bool,
    /// A layout's box, or one with no area (a list's rows hang from one): it draws nothing
    /// and clips nothing, so a text past it is cut by nothing (its neighbours are checked for
    /// overlap instead). A scrolling page's content is not one of these: past it, a text
    /// cannot be scrolled to.
    empty: bool,
    fill: Option<Color>,
}

/// Every text on the window that does not fit (see the module's documentation), and, when
/// `min_contrast` is given, every text with less contrast than that against its background.
pub(crate) fn problems(window: &slint::Window, min_contrast: Option<f64>) -> Vec<String> {
    let inner = WindowInner::from_pub(window);
    let adapter = inner.window_adapter();
    let root = ItemRc::new_root(inner.component());
    let mut out = Vec::new();
    // Repeaters and conditionals made before the walk, as Slint's own walk does.
    root.visit_descendants(|_| std::ops::ControlFlow::<()>::Continue(()));
    let mut placed = Vec::new();
    walk(&root, (0.0, 0.0), &mut Vec::new(), &mut placed, &adapter, min_contrast, &mut out);
    // No two texts on one another on the same surface (an overlay's card covers the page).
    for (i, (a, ra, pa, sa)) in placed.iter().enumerate() {
        for (b, rb, pb, sb) in &placed[i + 1..] {
            if pa == pb && on_one_another((*ra, sa.as_ref()), (*rb, sb.as_ref())) {
                out.push(format!("{a:?}: on {b:?}"));
            }
        }
    }
    out
}

/// Whether two texts on the same surface lie on one another: each is a place and the scrolling
/// page it is on (an identity and the part of the window the page shows). On different pages
/// (or one on a page, one not) only what each page shows counts.
fn on_one_another<P: PartialEq>(
    a: (Rect, Option<&(P, Rect)>),
    b: (Rect, Option<&(P, Rect)>),
) -> bool {
    let same_page = match (a.1, b.1) {
        (Some((x, _)), Some((y, _))) => x == y,
        (None, None) => true,
        _ => false,
    };
    let shown = |(r, page): (Rect, Option<&(P, Rect)>)| match page {
        Some((_, v)) if !same_page => {
            Rect { l: r.l.max(v.l), t: r.t.max(v.t), r: r.r.min(v.r), b: r.b.min(v.b) }
        }
        _ => r,
    };
    let (ra, rb) = (shown(a), shown(b));
    let w = ra.r.min(rb.r) - ra.l.max(rb.l);
    let h = ra.b.min(rb.b) - ra.t.max(rb.t);
    w > SLACK && h > SLACK
}

/// A text, where it is, the surface it is drawn on (the nearest opaque fill around it), and the
/// scrolling page it is on, with the part of the window that page shows.
type Placed = (String, Rect, Option<ItemRc>, Option<(ItemRc, Rect)>);

/// Checks `item` and what it holds; `origin` is its parent's top left in the window, `around`
/// the elements around it, innermost last.
fn walk(
    item: &ItemRc,
    origin: (f32, f32),
    around: &mut Vec<Around>,
    placed: &mut Vec<Placed>,
    adapter: &Rc<dyn i_slint_core::window::WindowAdapter>,
    min_contrast: Option<f64>,
    out: &mut Vec<String>,
) {
    let g = item.geometry();
    let (l, t) = (origin.0 + g.origin.x, origin.1 + g.origin.y);
    let rect = Rect { l, t, r: l + g.size.width, b: t + g.size.height };
    let clips = item.borrow().as_ref().clips_children();
    if let Some(c) = ItemRef::downcast_pin::<Clip>(item.borrow())
        && c.is_visibility_clip()
        && c.clip()
    {
        // `visible: false`: Slint puts such an element in a clip of its own.
        return;
    }
    if let Some(t) = text_item(item)
        && !t.text.trim().is_empty()
    {
        check(item, &t, rect, around, adapter, min_contrast, out);
        let surface = around.iter().rev().find(|a| a.fill.is_some()).map(|a| a.item.clone());
        let page = around.iter().rev().find(|a| a.scrolls).map(|a| (a.item.clone(), a.rect));
        placed.push((t.text, rect, surface, page));
    }
    around.push(Around {
        item: item.clone(),
        rect,
        scrolls: ItemRef::downcast_pin::<Flickable>(item.borrow()).is_some(),
        empty: !clips
            && (g.size.width < 0.5
                || g.size.height < 0.5
                || (ItemRef::downcast_pin::<Empty>(item.borrow()).is_some()
                    && !around.last().is_some_and(|a| a.scrolls))),
        fill: fill(item),
    });
    let mut child = item.first_child();
    while let Some(c) = child {
        walk(&c, (l, t), around, placed, adapter, min_contrast, out);
        child = c.next_sibling();
    }
    around.pop();
}

/// One text: measured, placed, and (in large text) its contrast.
fn check(
    item: &ItemRc,
    t: &TextItem,
    me: Rect,
    around: &[Around],
    adapter: &Rc<dyn i_slint_core::window::WindowAdapter>,
    min_contrast: Option<f64>,
    out: &mut Vec<String>,
) {
    let (w, h) = (me.r - me.l, me.b - me.t);
    let layout = |o, cross| item.borrow().as_ref().layout_info(o, cross, adapter, item);
    let across = layout(Orientation::Horizontal, -1.0);
    let mut say = |what: String| out.push(format!("{:?}: {what}", t.text));
    match t.wrap {
        TextWrap::NoWrap if across.preferred > w + SLACK => say(format!(
            "one line of {:.0} px in {w:.0} px ({})",
            across.preferred,
            if t.elide { "elided" } else { "cut" }
        )),
        TextWrap::WordWrap | TextWrap::CharWrap if across.min > w + SLACK => {
            say(format!("a word of {:.0} px broken to fit {w:.0} px", across.min));
        }
        _ => {}
    }
    let tall = layout(Orientation::Vertical, w).preferred;
    if tall > h + SLACK {
        say(format!("{tall:.0} px of lines in {h:.0} px"));
    }
    // Inside everything around it; a scrolling page's content only sideways.
    let mut scrolled = false;
    for a in around.iter().rev() {
        let r = a.rect;
        scrolled |= a.scrolls;
        let outside_x = me.l < r.l - SLACK || me.r > r.r + SLACK;
        let outside_y = !scrolled && (me.t < r.t - SLACK || me.b > r.b + SLACK);
        if !a.empty && (outside_x || outside_y) {
            say(format!(
                "at {:.0},{:.0}–{:.0},{:.0}, out of its {} at {:.0},{:.0}–{:.0},{:.0}",
                me.l,
                me.t,
                me.r,
                me.b,
                name(&a.item),
                r.l,
                r.t,
                r.r,
                r.b
            ));
            break;
        }
    }
    let background = around.iter().rev().find_map(|a| a.fill);
    if let (Some(least), Some(bg)) = (min_contrast, background) {
        let ratio = contrast(t.color, bg);
        if ratio < least {
            say(format!("contrast {ratio:.2}:1 ({:?} on {bg:?})", t.color));
        }
    }
}

/// Lets Slint run what a frame runs (change handlers, layouts).
pub(crate) fn settle() {
    mock_elapsed_time(Duration::ZERO);
}

/// The window at `width`×`height` in the mode asked, drawn again.
pub(crate) fn show(k: &Kiosk, width: f32, height: f32, large: bool) {
    k.window.window().set_size(slint::LogicalSize::new(width, height));
    settle();
    k.app.borrow_mut().large_text = large;
    k.refresh();
    settle();
}

fn kiosk() -> anyhow::Result<Rc<Kiosk>> {
    let today = "2026-11-22".parse().map_err(|_| anyhow::anyhow!("date"))?;
    let options = Options {
        pin_params: argon2::Params::new(256, 1, 1, None).unwrap_or_default(),
        demo: true,
        ..Options::default()
    };
    let app = App::new(
        Box::new(ansinh_kiosk::store::MemoryStore::default()),
        Rc::new(FakeClock::at(today)),
        options,
    );
    Ok(connect(app)?)
}

/// The check is not blind: a text made too long for its place is reported, each way a text
/// can be cut — one line elided, one line clipped, a word broken, lines taller than their box,
/// a layout pushed out of the window — and the same screen without them passes.
#[test]
fn the_fit_check_sees_a_text_that_does_not_fit() -> anyhow::Result<()> {
    i_slint_backend_testing::init_no_event_loop();
    let k = kiosk()?;
    k.act(|a| {
        a.navigate(Screen::Quote);
        a.quote.set_income(2_000_000);
    });
    show(&k, 1280.0, 800.0, false);
    // What the screen has before: none of the texts planted below.
    let before = problems(k.window.window(), None);
    let quote = k.window.global::<ansinh_ui::QuoteAdapter>();
    let app = k.window.global::<ansinh_ui::AppAdapter>();
    // One line, clipped: the amount to pay, far too big for its card.
    quote.set_net("999.999.999.999.999.999.999.999.999.999.999.999 đ".into());
    // A word too long for its wrapped text: the monthly note.
    quote.set_note("X".repeat(120).into());
    settle();
    let found = problems(k.window.window(), None);
    let about = |text: &str, what: &str| {
        let seen = |list: &[String]| {
            list.iter().any(|p| p.starts_with(&format!("{text:?}")) && p.contains(what))
        };
        seen(&found) && !seen(&before)
    };
    assert!(about(&quote.get_net(), "cut"), "{found:#?}");
    assert!(about(&quote.get_note(), "broken"), "{found:#?}");
    // On the handheld: a row of buttons too wide for the header spills out of the window, and
    // the date the quote is priced on, in its strip, is elided.
    app.set_next_language("Englishlanguage".repeat(4).into());
    app.set_priced_on("Tính theo ngày 22/11/2026 ".repeat(6).trim().into());
    k.window.window().set_size(slint::LogicalSize::new(480.0, 800.0));
    settle();
    let found = problems(k.window.window(), None);
    let spilt = found.iter().any(|p| p.starts_with("\"Englishlanguage") && p.contains("out of"));
    assert!(spilt, "{found:#?}");
    let elided = found.iter().any(|p| p.starts_with("\"Tính theo") && p.contains("elided"));
    assert!(elided, "{found:#?}");
    // Two texts on one another: on the same page wherever it is scrolled; a text on a
    // scrolling page against one off it (the title above the page) only where the page shows it.
    let r = |l, t, r, b| Rect { l, t, r, b };
    let page = (1, r(0.0, 100.0, 480.0, 400.0));
    let other = (2, r(0.0, 500.0, 480.0, 700.0));
    let title = r(0.0, 60.0, 480.0, 110.0);
    let under = r(0.0, 80.0, 480.0, 130.0);
    assert!(on_one_another::<i32>((title, None), (under, None)));
    assert!(on_one_another((title, Some(&page)), (under, Some(&page))));
    // Scrolled under the title, its top hidden by the page's edge: the part shown is clear of it.
    assert!(!on_one_another((title, None), (r(0.0, 60.0, 480.0, 99.0), Some(&page))));
    assert!(on_one_another((title, None), (under, Some(&page))));
    assert!(!on_one_another((under, Some(&other)), (under, Some(&page))));
    // Too little contrast: grey on white.
    quote.set_net("1.000 đ".into());
    app.set_next_language("English".into());
    app.set_priced_on("".into());
    settle();
    assert!(problems(k.window.window(), Some(AAA)).iter().any(|p| p.contains("contrast")));
    Ok(())
}
