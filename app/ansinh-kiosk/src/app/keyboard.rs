//! The keyboard's caret and clear-field key on the app: a tap inside a wizard field puts the
//! caret on the character tapped, as the field draws it (`controllers::keyboard`).

use super::App;
use crate::controllers::keyboard::{Focus, caret_for_tap, split_at_caret};

impl App {
    /// The clear-field key: the field (or the PIN typed) is emptied in one tap.
    pub fn clear_field(&mut self) {
        if self.keyboard.clear(self.staff.pin_typed()) {
            self.write_back();
        }
    }

    /// What the field being typed shows before the caret, as it is drawn (an amount with its
    /// separators, a PIN as dots): the caret is drawn after it.
    pub fn before_caret(&self) -> String {
        let typed = self.keyboard.text();
        let shown = self.shown_value(&typed);
        split_at_caret(&shown, &typed, self.keyboard.caret()).0
    }

    /// How the focused field draws its text.
    fn shown_value(&self, typed: &str) -> String {
        match self.keyboard.focus() {
            Some(Focus::Field(id)) => {
                let v = self.enroll.view(&self.table, self.today(), self.lang);
                v.fields
                    .iter()
                    .find(|f| f.id == *id)
                    .map_or_else(|| typed.to_string(), |f| f.value.clone())
            }
            _ => self.keyboard_target().1,
        }
    }

    /// A tap on the text of wizard field `id`, on the character at byte `byte` of the text as
    /// drawn: the field takes the keyboard and the caret goes there.
    pub fn tap_field_at(&mut self, id: &str, byte: usize) {
        if !matches!(self.keyboard.focus(), Some(Focus::Field(f)) if f == id) {
            self.tap_field(id);
        }
        if matches!(self.keyboard.focus(), Some(Focus::Field(f)) if f == id) {
            let typed = self.keyboard.text();
            let shown = self.shown_value(&typed);
            let caret = caret_for_tap(&shown, &typed, byte);
            self.keyboard.set_caret(caret);
        }
    }
}
