//! The kiosk without a window system: one test binary. Each test sets up Slint on its own
//! thread (the platform and the language are per thread), so they run side by side.
//!
//! - `flow`: a whole citizen flow driven through the real screens with Slint's testing
//!   backend: a quote, the enrollment wizard on the on-screen keyboard, the submit, the
//!   printed receipt, the idle reset that leaves no personal data on screen; and the fixture
//!   enrollment from the home screen to the receipt, typed and with the ID card scanned,
//!   counting the taps (BENCHMARKS.md).
//! - `input`: the caret put by a tap inside a field, the clear-field key, held steppers and
//!   backspace repeating on the mock clock, the field typed kept above keys of kiosk size in
//!   both layouts, pages dragged by a pointer (mouse-mode touch panels) and taps still pressing.
//! - `clock`: the clock goes back: the wizard refuses to start, saying why, until a clerk
//!   confirms the date or the clock is set right; quotes say which date they use.
//! - `battery`: the low-battery band comes and goes with a fake power supply's battery.
//! - `languages`: the language button cycles every catalogue on the real screens.
//! - `large`: large text and high contrast: the header's button tapped on, off, kept from page
//!   to page, ended by the idle reset; the theme's colours at least 7:1 in it.
//! - `fit`: the check that every text fits its box (run by `wording` on every citizen screen),
//!   shown to see a text that does not.
//! - `catalogues`: every screen text translated in every language, read from the files.
//! - `printing`: a printer out of paper keeps the record committed; staff reprint a copy.
//! - `staff`: staff accounts on the device's store: a PIN lockout survives a power cycle; a
//!   shift, its receipts, totals and audit entries belong to the agent who opened it.
//! - `speech`: read aloud: every citizen screen's spoken text against its golden in
//!   `tests/golden/speech/`, synthesised by espeak-ng and heard; the speaker buttons read,
//!   stop, and go quiet when the page changes or the session ends.
//! - `wizard`: after "Tiếp" the first wrong field is scrolled into view; the idle warning
//!   hides the person's data behind it.
//! - `wording`: every citizen screen in English and in Vietnamese, read on screen: counts
//!   agree with their nouns, amounts have the language's separators, no text of the other
//!   language; then in both layouts and both text sizes, every text fits its box (and stands
//!   out 7:1 in large text).
//! - `screens`: every screen in both layouts against the golden PNGs in
//!   `tests/golden/screens/` (`UPDATE_GOLDEN=1` rewrites those that changed), seven of them in
//!   large text too (`*-large-*.png`).
//!
//! The kiosk's delivery to a collection server is tested end to end in ansinh-tests
//! (`tests/end_to_end/`).

mod battery;
mod catalogues;
mod clock;
mod fit;
mod flow;
mod input;
mod languages;
mod large;
mod printing;
mod screens;
mod speech;
mod staff;
mod wizard;
mod wording;
