//! Staff mode's intents on the app: the PIN login through the keyboard, tabs, settings, the
//! quarantine, reprints, sync and the shift (the behaviour is in `controllers::staff`).

use super::{App, Screen};
use crate::controllers::keyboard::Focus;
use crate::ime::Method;

impl App {
    pub(super) fn login(&mut self) {
        let (now, lang) = (self.now(), self.lang);
        if self.staff.login(self.store.as_ref(), now, lang) {
            self.keyboard.hide();
            self.screen = Screen::Staff;
        }
    }

    /// Staff pick a tab.
    pub fn staff_tab(&mut self, tab: usize) {
        self.keyboard.hide();
        self.staff.show_tab(tab);
    }

    /// Staff log out.
    pub fn logout(&mut self) {
        self.staff.logout();
        self.keyboard.hide();
        self.screen = Screen::Home;
    }

    /// Puts a quarantined record back in the queue.
    pub fn release(&mut self, receipt: &str) {
        let (now, lang) = (self.now(), self.lang);
        self.staff.release(self.store.as_mut(), receipt, now, lang);
    }

    /// Saves the settings.
    pub fn save_settings(&mut self) {
        self.keyboard.hide();
        self.staff.save_settings(self.store.as_mut(), self.lang);
    }

    /// Starts typing a new PIN.
    pub fn change_pin(&mut self) {
        self.keyboard.edit(Focus::NewPin, "", Method::Plain);
    }

    /// Staff reprint a receipt of the shift (marked as a copy).
    pub fn reprint(&mut self, receipt: &str) {
        if let Ok(no) = receipt.parse::<i64>() {
            self.start_print(no, true);
        }
    }

    /// Asks the delivery worker to send now (staff found a network).
    pub fn sync_now(&mut self) {
        self.staff.sync_now(self.store.as_ref(), self.lang);
    }

    /// A new shift starts now (totals count from here).
    pub fn new_shift(&mut self) {
        let (now, lang) = (self.now(), self.lang);
        self.staff.new_shift(self.store.as_mut(), now, lang);
    }
}
