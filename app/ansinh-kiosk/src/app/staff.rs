//! Staff mode's intents on the app: picking one's name, the PIN login through the keyboard,
//! the first clerk at first boot, accounts, tabs, settings, the quarantine, reprints, sync and
//! the shift (the behaviour is in `controllers::staff`).

use super::{App, Screen};
use crate::controllers::keyboard::Focus;
use crate::controllers::staff::{ACCOUNT_KEYS, LoginStep};
use crate::ime::Method;
use crate::text::{Line, tr};

impl App {
    /// What staff read of the policy table: warnings (a table not used and why, why amounts
    /// are estimates) and lines (the version and the day it is confirmed until, where it came
    /// from and when, each parameter the last table changed with its dates and source).
    pub fn policy_status(&self) -> (Vec<String>, Vec<Line>) {
        let lang = self.lang;
        let (mut notes, mut lines) = (Vec::new(), Vec::new());
        let t = &self.table;
        if let Some(why) = &self.policy.problem {
            notes.push(tr!(lang, "policy-problem", why = why.as_str()));
        }
        let fresh = self.policy_freshness();
        let newer = fresh.newer_on_hub.as_ref().map(|(v, why)| (v.as_str(), why.as_deref()));
        notes.extend(ansinh_text::policy_estimate_reasons(lang, fresh.past_valid_until, newer));
        lines.push(Line::new(
            tr!(lang, "staff-policy"),
            tr!(
                lang,
                "policy-valid-until",
                version = t.version,
                day = ansinh_text::day(t.valid_until)
            ),
        ));
        let from = ansinh_text::policy_origin(lang, crate::text::table_origin(&self.policy.origin));
        lines.push(Line::new(tr!(lang, "staff-policy-from"), from));
        if let Some(previous) = &self.policy.previous {
            let mut changes = Vec::new();
            ansinh_core::policy::diff(previous, t, |c| {
                changes.push(ansinh_text::policy_change(lang, &c));
            });
            let heading = if changes.is_empty() {
                tr!(lang, "policy-no-changes", version = previous.version)
            } else {
                tr!(lang, "policy-changes", version = previous.version)
            };
            lines.push(Line::new(heading, String::new()));
            lines.extend(changes.into_iter().map(|c| Line::new(c, String::new())));
        }
        (notes, lines)
    }

    /// What staff read of software updates (downloading, ready, installed and waiting for the
    /// restart, refused and why), when the kiosk looks for them.
    pub fn update_line(&self) -> Option<Line> {
        let updates = self.updates.as_ref()?;
        let lang = self.lang;
        let text = match updates.status() {
            Ok(status) => crate::text::update_status(lang, &status),
            Err(why) => why,
        };
        Some(Line::new(tr!(lang, "staff-update"), text))
    }

    pub(super) fn login(&mut self) {
        let (now, lang) = (self.now(), self.lang);
        if self.staff.login(self.store.as_mut(), now, lang) {
            self.keyboard.hide();
            self.screen = Screen::Staff;
        } else if self.staff.step() == LoginStep::NewPin {
            // A PIN a clerk set: the agent chooses their own first.
            self.keyboard.edit(Focus::NewPin, "", Method::Plain);
        }
    }

    /// Staff pick their name on the login page; the PIN pad follows.
    pub fn choose_account(&mut self, code: &str) {
        self.staff.choose(self.store.as_ref(), code);
        if self.staff.step() == LoginStep::Pin {
            self.keyboard.edit(Focus::StaffPin, "", Method::Plain);
        }
    }

    /// Back to the list of names.
    pub fn choose_again(&mut self) {
        self.keyboard.hide();
        self.staff.choose_again();
    }

    /// Focuses a field of the new account (first boot, or the accounts tab).
    pub fn tap_account_field(&mut self, key: &str) {
        let Some(k) = ACCOUNT_KEYS.iter().find(|k| **k == key) else { return };
        // A PIN is typed again from the start (it is never shown to correct).
        let value = if k.starts_with("pin") { "" } else { self.staff.form().value(k) };
        let value = value.to_string();
        let method = if *k == "name" { self.keyboard.method() } else { Method::Plain };
        self.keyboard.edit(Focus::Account(k), &value, method);
    }

    /// The new account is a clerk (or an agent).
    pub fn account_clerk(&mut self, clerk: bool) {
        self.staff.set_account_clerk(clerk);
    }

    /// Creates the account typed: the first clerk at first boot (then logged in), or one a
    /// clerk adds.
    pub fn create_account(&mut self) {
        self.keyboard.hide();
        let (params, now, lang) = (self.options.pin_params.clone(), self.now(), self.lang);
        if self.staff.create_account(self.store.as_mut(), params, now, lang)
            && self.screen == Screen::StaffLogin
            && self.staff.logged_in()
        {
            self.screen = Screen::Staff;
        }
    }

    /// A clerk sets a new PIN for `code` (someone without a PIN yet, or who forgot theirs).
    pub fn reset_pin(&mut self, code: &str) {
        if self.staff.new_pin_for(Some(code), self.lang) {
            self.keyboard.edit(Focus::NewPin, "", Method::Plain);
        }
    }

    /// Staff pick a tab.
    pub fn staff_tab(&mut self, tab: usize) {
        self.keyboard.hide();
        self.staff.show_tab(tab);
    }

    /// Staff log out.
    pub fn logout(&mut self) {
        let now = self.now();
        self.staff.logout(self.store.as_mut(), now);
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
        let (now, lang) = (self.now(), self.lang);
        self.staff.save_settings(self.store.as_mut(), now, lang);
    }

    /// Starts typing a new PIN (one's own).
    pub fn change_pin(&mut self) {
        self.staff.new_pin_for(None, self.lang);
        self.keyboard.edit(Focus::NewPin, "", Method::Plain);
    }

    /// Staff reprint a receipt of the shift (marked as a copy).
    pub fn reprint(&mut self, receipt: &str) {
        if let Ok(no) = receipt.parse::<i64>() {
            let now = self.now();
            self.staff.reprinted(self.store.as_mut(), no, now);
            self.start_print(no, true);
        }
    }

    /// A clerk confirms the date and time the clock shows (the wizard starts again).
    pub fn confirm_clock(&mut self) {
        let lang = self.lang;
        self.staff.confirm_clock(self.store.as_mut(), self.clock.as_ref(), lang);
        if self.clock_trust().is_trusted() {
            self.clock_refused = None;
        }
    }

    /// Asks the delivery worker to send now (staff found a network).
    pub fn sync_now(&mut self) {
        let (now, lang) = (self.now(), self.lang);
        self.staff.sync_now(self.store.as_mut(), now, lang);
    }

    /// A new shift starts now (totals count from here).
    pub fn new_shift(&mut self) {
        let (now, lang) = (self.now(), self.lang);
        self.staff.new_shift(self.store.as_mut(), now, lang);
    }
}
