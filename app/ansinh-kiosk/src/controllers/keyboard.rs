//! The on-screen keyboard: what it types into ([`Focus`]), the composer (Telex, VNI or plain,
//! [`crate::ime`]), the shift key, and which keys a field accepts (digits only for an ID, `/`
//! for a date, `+` for a phone), the caret (put down by a tap inside the field, where keys go
//! in and backspace deletes) and the clear-field key. Where the text goes is the app's routing.

use crate::controllers::enroll::Kind;
use crate::controllers::staff::{account_label, setting_label};
use crate::ime::{Composer, Method};
use crate::pin::PIN_DIGITS;
use crate::text::{Locale, tr};

/// What the keyboard is typing into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Focus {
    /// A wizard field (validator path).
    Field(String),
    /// The quote's income, typed on the money pad.
    QuoteIncome,
    /// The picker's search.
    PickerSearch,
    /// The staff PIN.
    StaffPin,
    /// A new staff PIN.
    NewPin,
    /// A staff setting.
    Setting(&'static str),
    /// A field of a new staff account (`code`, `name`, `pin`, `pin2`).
    Account(&'static str),
}

/// The keyboard's state.
#[derive(Clone, Debug, Default)]
pub struct Keyboard {
    /// What it types into (`None`: hidden).
    focus: Option<Focus>,
    composer: Composer,
    /// Typing method for letters.
    method: Method,
    /// Upper case for the next letter.
    shift: bool,
}

/// Hidden and empty, the text typed overwritten (a name, an ID, a PIN).
impl zeroize::Zeroize for Keyboard {
    fn zeroize(&mut self) {
        self.composer.zeroize();
        self.composer = Composer::default();
        if let Some(Focus::Field(id)) = &mut self.focus {
            id.zeroize();
        }
        self.focus = None;
        self.shift = false;
    }
}

impl Keyboard {
    /// Starts editing `text` in `focus` with `method`.
    pub fn edit(&mut self, focus: Focus, text: &str, method: Method) {
        self.composer = Composer::new(text, method);
        self.focus = Some(focus);
    }

    /// Hides the keyboard.
    pub fn hide(&mut self) {
        self.focus = None;
    }

    /// Forgets everything typed (next customer); the method chosen stays.
    pub fn reset(&mut self) {
        zeroize::Zeroize::zeroize(self);
    }

    /// The text as composed.
    pub fn text(&self) -> String {
        self.composer.text()
    }

    /// The text as composed, cleared (a new PIN is read once).
    pub fn take_text(&mut self) -> String {
        let t = self.composer.text();
        self.composer.clear();
        t
    }

    /// The pad for the focus: `text`, `digits`, `phone`, `money`, `date` or `pin`;
    /// `field_kind` says what a wizard field takes.
    pub fn kind(&self, field_kind: impl Fn(&str) -> Kind) -> &'static str {
        match &self.focus {
            None => "",
            Some(Focus::QuoteIncome) => "money",
            Some(Focus::StaffPin | Focus::NewPin) => "pin",
            Some(Focus::PickerSearch | Focus::Setting(_)) => "text",
            Some(Focus::Account(k)) => {
                if k.starts_with("pin") {
                    "pin"
                } else {
                    "text"
                }
            }
            Some(Focus::Field(id)) => match field_kind(id) {
                Kind::Digits => "digits",
                Kind::Phone => "phone",
                Kind::Money => "money",
                Kind::Date => "date",
                _ => "text",
            },
        }
    }

    /// What the keyboard is typing into, and its text as typed; a PIN shows as dots
    /// (`pin_len` of the staff PIN typed so far).
    pub fn target(
        &self,
        lang: Locale,
        field_label: impl Fn(&str) -> String,
        pin_len: usize,
    ) -> (String, String) {
        let text = self.text();
        match &self.focus {
            None => (String::new(), String::new()),
            Some(Focus::Field(id)) => (field_label(id), text),
            Some(Focus::QuoteIncome) => (tr!(lang, "keyboard-monthly-income").into(), text),
            Some(Focus::PickerSearch) => (tr!(lang, "keyboard-search").into(), text),
            Some(Focus::StaffPin) => (tr!(lang, "keyboard-pin").into(), "•".repeat(pin_len)),
            Some(Focus::NewPin) => {
                (tr!(lang, "keyboard-new-pin").into(), "•".repeat(text.chars().count()))
            }
            Some(Focus::Setting(k)) => (setting_label(k, lang).into(), text),
            Some(Focus::Account(k)) if k.starts_with("pin") => {
                (account_label(k, lang).into(), "•".repeat(text.chars().count()))
            }
            Some(Focus::Account(k)) => (account_label(k, lang).into(), text),
        }
    }

    /// Types `s` on a `kind` pad: keys the pad does not have are dropped; the staff PIN goes to
    /// `pin` (never through the composer, never shown). True when the PIN is complete.
    pub fn press(&mut self, s: &str, kind: &str, pin: &mut String) -> bool {
        for c in s.chars() {
            if kind != "text"
                && !(c.is_ascii_digit()
                    || (kind == "date" && c == '/')
                    || (kind == "phone" && c == '+'))
            {
                continue;
            }
            if self.focus == Some(Focus::StaffPin) {
                if pin.len() < PIN_DIGITS {
                    pin.push(c);
                }
                continue;
            }
            self.composer.key(c);
        }
        if kind == "text" && self.shift {
            self.shift = false;
        }
        self.focus == Some(Focus::StaffPin) && pin.len() == PIN_DIGITS
    }

    /// The clear-field key: the text (or the staff PIN typed) emptied in one tap. True when the
    /// composed text changed.
    pub fn clear(&mut self, pin: &mut String) -> bool {
        if self.focus == Some(Focus::StaffPin) {
            zeroize::Zeroize::zeroize(pin);
            return false;
        }
        self.composer.clear();
        true
    }

    /// Where the caret is, in characters of [`Keyboard::text`].
    pub fn caret(&self) -> usize {
        self.composer.caret()
    }

    /// Puts the caret before character `at` of the text.
    pub fn set_caret(&mut self, at: usize) {
        self.composer.set_caret(at);
    }

    /// Space, on a text pad only; true when the text changed.
    pub fn space(&mut self, kind: &str) -> bool {
        if kind == "text" {
            self.composer.key(' ');
        }
        kind == "text"
    }

    /// Backspace; the staff PIN loses its last digit. True when the composed text changed.
    pub fn backspace(&mut self, pin: &mut String) -> bool {
        if self.focus == Some(Focus::StaffPin) {
            pin.pop();
            return false;
        }
        self.composer.backspace();
        true
    }

    /// Next typing method (Telex → VNI → ABC).
    pub fn next_method(&mut self) {
        self.method = self.method.next();
        self.composer.set_method(self.method);
    }
}

/// What the adapter draws, and the keys it forwards.
impl Keyboard {
    /// What it types into (`None`: hidden).
    pub fn focus(&self) -> Option<&Focus> {
        self.focus.as_ref()
    }
    /// Typing method for letters.
    pub fn method(&self) -> Method {
        self.method
    }
    /// Upper case for the next letter.
    pub fn shift(&self) -> bool {
        self.shift
    }
    /// The shift key.
    pub fn toggle_shift(&mut self) {
        self.shift = !self.shift;
    }
    /// Hides the keyboard and returns what it was typing into.
    pub fn take_focus(&mut self) -> Option<Focus> {
        self.focus.take()
    }
    /// Types into `focus` from now on, keeping what was composed.
    pub fn set_focus(&mut self, focus: Focus) {
        self.focus = Some(focus);
    }
}

/// The field as drawn (`shown`: an amount with its separators, dots for a PIN, or the text as
/// typed) cut at the caret, which stands at character `caret` of `typed`: the text before it
/// and after it.
pub fn split_at_caret(shown: &str, typed: &str, caret: usize) -> (String, String) {
    let at = if shown.chars().count() == typed.chars().count() {
        caret
    } else {
        // A formatted value: after as many letters and digits as the typed text has before it.
        let n = typed.chars().take(caret).filter(|c| c.is_alphanumeric()).count();
        after_alphanumerics(shown, n)
    };
    let split = shown.char_indices().nth(at).map_or(shown.len(), |(i, _)| i);
    (shown[..split].to_string(), shown[split..].to_string())
}

/// The caret in `typed` for a tap that fell before byte `byte` of `shown` (as drawn).
pub fn caret_for_tap(shown: &str, typed: &str, byte: usize) -> usize {
    let mut byte = byte.min(shown.len());
    while !shown.is_char_boundary(byte) {
        byte -= 1;
    }
    let before = &shown[..byte];
    if shown.chars().count() == typed.chars().count() {
        return before.chars().count();
    }
    let n = before.chars().filter(|c| c.is_alphanumeric()).count();
    after_alphanumerics(typed, n)
}

/// The character index just after the `n`th letter or digit of `s` (0 for none; past the
/// last, its end).
fn after_alphanumerics(s: &str, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    s.chars()
        .enumerate()
        .filter(|(_, c)| c.is_alphanumeric())
        .nth(n - 1)
        .map_or(s.chars().count(), |(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tap_puts_the_caret_on_the_character_drawn_even_in_a_formatted_amount() {
        // The text as typed and drawn: the tap's byte is the caret (accents are two bytes).
        assert_eq!(caret_for_tap("Hà Nội", "Hà Nội", "Hà".len()), 2);
        assert_eq!(caret_for_tap("Hà Nội", "Hà Nội", 2), 1, "inside a letter: before it");
        assert_eq!(split_at_caret("Hà Nội", "Hà Nội", 2), ("Hà".into(), " Nội".into()));
        // An amount drawn with separators: the digits before the tap count.
        let (shown, typed) = ("2.000.000 đ", "2000000");
        assert_eq!(caret_for_tap(shown, typed, "2.0".len()), 2);
        assert_eq!(caret_for_tap(shown, typed, shown.len()), 7, "past the digits: the end");
        assert_eq!(split_at_caret(shown, typed, 2), ("2.0".into(), "00.000 đ".into()));
        assert_eq!(split_at_caret(shown, typed, 7), ("2.000.000".into(), " đ".into()));
        // A PIN drawn as dots.
        assert_eq!(split_at_caret("•••", "123", 1), ("•".into(), "••".into()));
    }

    #[test]
    fn the_clear_key_empties_the_field_or_the_pin() {
        let mut k = Keyboard::default();
        let mut pin = String::new();
        k.edit(Focus::Field("person.personal_id".into()), "0011790", Method::Plain);
        assert!(k.clear(&mut pin));
        assert_eq!((k.text().as_str(), k.caret()), ("", 0));
        k.edit(Focus::StaffPin, "", Method::Plain);
        k.press("1234", "pin", &mut pin);
        assert!(!k.clear(&mut pin));
        assert!(pin.is_empty());
    }

    #[test]
    fn pads_drop_keys_they_do_not_have_and_the_pin_bypasses_the_composer() {
        let mut k = Keyboard::default();
        let mut pin = String::new();
        k.edit(Focus::Field("person.phone".into()), "", Method::Plain);
        assert!(!k.press("+84 9a1", "phone", &mut pin));
        assert_eq!(k.text(), "+8491");
        k.edit(Focus::StaffPin, "", Method::Plain);
        assert!(!k.press("12345", "pin", &mut pin));
        assert!(k.press("67", "pin", &mut pin), "six digits complete the PIN");
        assert_eq!((pin.as_str(), k.text().as_str()), ("123456", ""));
        k.edit(Focus::PickerSearch, "", Method::Telex);
        k.press("vieetj", "text", &mut pin);
        assert_eq!(k.text(), "việt");
    }
}
