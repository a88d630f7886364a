//! Staff mode: the accounts (each agent's and clerk's own code and PIN, Argon2, lockout kept
//! in the store; the first clerk made at first boot; the development PIN only in development
//! mode), the settings staff edit, each agent's shift, releasing quarantined records and
//! asking for a sync, every action in the audit trail. Behaviour over the [`Store`] seam,
//! tested without a window.

use ansinh_outbox::{Account, Role};

use crate::pin::{Attempt, PinLock, hash_pin};
use crate::store::{Settings, Store, SyncRequest};
use crate::text::{Locale, tr};
use ansinh_device::clock::{Clock, Timestamp};

/// The settings staff edit, in order.
pub const SETTING_KEYS: [&str; 4] =
    ["collection_point", "agent_code", "server_url", "usual_ethnicity"];

/// A setting's label.
pub fn setting_label(key: &str, lang: Locale) -> &'static str {
    match key {
        "collection_point" => {
            tr!(lang, "staff-setting-collection-point")
        }
        "agent_code" => tr!(lang, "staff-setting-agent-code"),
        "usual_ethnicity" => tr!(lang, "staff-setting-usual-ethnicity"),
        _ => tr!(lang, "staff-setting-server"),
    }
}

/// A setting's value.
pub fn setting_value<'s>(s: &'s Settings, key: &str) -> &'s str {
    match key {
        "collection_point" => &s.collection_point,
        "agent_code" => &s.agent_code,
        "usual_ethnicity" => &s.usual_ethnicity,
        _ => &s.server_url,
    }
}

/// Sets a setting as typed.
fn set_setting(s: &mut Settings, key: &str, value: &str) {
    match key {
        "collection_point" => s.collection_point = value.to_string(),
        "agent_code" => s.agent_code = value.to_string(),
        "usual_ethnicity" => s.usual_ethnicity = value.to_string(),
        _ => s.server_url = value.to_string(),
    }
}

/// What staff read when the collection server refuses the device (`reason` as the uploader
/// keeps it): a server on a newer protocol asks for a software update, in plain words.
pub fn blocked_note(reason: &str, lang: Locale) -> String {
    if reason.starts_with("unsupported_version") {
        tr!(lang, "staff-update-needed").into()
    } else {
        tr!(lang, "staff-blocked", reason = reason)
    }
}

/// The fields of a new account, as typed (first boot, or a clerk adding one).
pub const ACCOUNT_KEYS: [&str; 4] = ["code", "name", "pin", "pin2"];

/// A new account's field label.
pub fn account_label(key: &str, lang: Locale) -> &'static str {
    match key {
        "code" => tr!(lang, "staff-account-code"),
        "name" => tr!(lang, "staff-account-name"),
        "pin" => tr!(lang, "staff-account-pin"),
        _ => tr!(lang, "staff-account-pin-again"),
    }
}

/// A new account as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountForm {
    /// Agent code.
    pub code: String,
    /// Full name.
    pub name: String,
    /// PIN.
    pub pin: String,
    /// PIN again.
    pub pin2: String,
    /// A clerk (else an agent).
    pub clerk: bool,
}

impl AccountForm {
    /// A field as typed.
    pub fn value(&self, key: &str) -> &str {
        match key {
            "code" => &self.code,
            "name" => &self.name,
            "pin" => &self.pin,
            _ => &self.pin2,
        }
    }

    fn set(&mut self, key: &str, value: &str) {
        let v = value.to_string();
        match key {
            "code" => self.code = v.trim().to_uppercase(),
            "name" => self.name = v,
            "pin" => self.pin = v,
            _ => self.pin2 = v,
        }
    }
}

/// What the staff login page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginStep {
    /// Development (demo) mode: the one device PIN, as before accounts.
    DevicePin,
    /// No account on a real device: create the first clerk.
    FirstBoot,
    /// Pick one's name.
    Choose,
    /// The PIN of the account picked.
    Pin,
    /// Logged in with a PIN a clerk set: choose one's own before anything else.
    NewPin,
}

/// Whether `pin` is a PIN of [`crate::pin::PIN_DIGITS`] digits.
fn six_digits(pin: &str) -> bool {
    pin.len() == crate::pin::PIN_DIGITS && pin.bytes().all(|b| b.is_ascii_digit())
}

/// Staff mode.
#[derive(Clone, Debug)]
pub struct StaffController {
    /// PIN typed so far.
    pin_typed: String,
    /// Logged in.
    logged_in: bool,
    /// Tab 0–5.
    tab: usize,
    /// Last message.
    message: String,
    /// Start of the shift, for the totals.
    shift_start: Timestamp,
    /// Settings as edited.
    settings: Settings,
    /// The device PIN's check (development mode only).
    pin: PinLock,
    /// The device still uses the development PIN.
    development_pin: bool,
    /// Development mode: the offline demonstration on a device without accounts (and without
    /// the server's key), which takes the device PIN.
    development: bool,
    /// The app runs as the offline demonstration (`--demo`).
    demo: bool,
    /// The accounts, by name.
    accounts: Vec<Account>,
    /// The account picked on the login page.
    chosen: Option<Account>,
    /// Who is logged in (development mode: nobody).
    agent: Option<Account>,
    /// A new account as typed.
    form: AccountForm,
    /// Whose PIN the next new PIN sets (`None`: one's own).
    pin_for: Option<String>,
}

impl StaffController {
    /// Staff mode on `store`'s settings, accounts and shift. In development (demo) mode the
    /// device PIN (no PIN set yet: the development PIN, flagged); otherwise each account's own.
    pub fn new(store: &dyn Store, now: Timestamp, demo: bool) -> Self {
        let settings = store.settings();
        let development = demo && store.development_device();
        let development_pin = development && settings.staff_pin_hash.is_empty();
        let pin = if development_pin {
            PinLock::development()
        } else {
            PinLock::new(settings.staff_pin_hash.clone())
        };
        Self {
            pin_typed: String::new(),
            logged_in: false,
            tab: 0,
            message: String::new(),
            shift_start: Self::shift_start_of(store, "", now),
            settings,
            pin,
            development_pin,
            development,
            demo,
            accounts: store.accounts().unwrap_or_default(),
            chosen: None,
            agent: None,
            form: AccountForm::default(),
            pin_for: None,
        }
    }

    fn shift_start_of(store: &dyn Store, agent: &str, now: Timestamp) -> Timestamp {
        store
            .shift_start(agent)
            .unwrap_or_else(|| ansinh_device::clock::vietnam_date(now).vietnam_midnight())
    }

    /// Overwrites the PIN digits typed so far.
    pub fn wipe_pin_typed(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.pin_typed);
    }

    /// After a customer: logged out (the PIN typed overwritten), settings and accounts re-read;
    /// the shift, the PIN lock (kept in the store for accounts) and the development-PIN flag
    /// stay.
    pub fn reset(&mut self, store: &mut dyn Store, now: Timestamp) {
        if self.logged_in || self.agent.is_some() {
            self.end_session(store, Some(now));
        }
        zeroize::Zeroize::zeroize(&mut self.pin_typed);
        self.logged_in = false;
        self.tab = 0;
        self.message.clear();
        self.settings = store.settings();
        self.reload(store);
        self.chosen = None;
        zeroize::Zeroize::zeroize(&mut self.form.pin);
        zeroize::Zeroize::zeroize(&mut self.form.pin2);
        self.form = AccountForm::default();
        self.pin_for = None;
    }

    fn reload(&mut self, store: &dyn Store) {
        self.development = self.demo && store.development_device();
        self.accounts = store.accounts().unwrap_or_default();
    }

    /// What the login page shows.
    pub fn step(&self) -> LoginStep {
        if self.development {
            LoginStep::DevicePin
        } else if self.agent.is_some() && !self.logged_in {
            LoginStep::NewPin
        } else if self.accounts.is_empty() {
            LoginStep::FirstBoot
        } else if self.chosen.is_some() {
            LoginStep::Pin
        } else {
            LoginStep::Choose
        }
    }

    /// Staff pick their name on the login page.
    pub fn choose(&mut self, store: &dyn Store, code: &str) {
        self.reload(store);
        self.chosen = self.accounts.iter().find(|a| a.code == code).cloned();
        self.pin_typed.clear();
        self.message.clear();
    }

    /// Back to the list of names.
    pub fn choose_again(&mut self) {
        self.chosen = None;
        self.agent = None;
        self.pin_typed.clear();
        self.message.clear();
    }

    /// Checks the PIN typed; true when staff are now logged in. With accounts the lockout is
    /// the account's, kept in the store with the attempt's audit entry before the answer is
    /// shown, so a restart or a power cut does not lift it.
    pub fn login(&mut self, store: &mut dyn Store, now: Timestamp, lang: Locale) -> bool {
        let pin = std::mem::take(&mut self.pin_typed);
        if self.development {
            let attempt = self.pin.attempt(&pin, now);
            if attempt == Attempt::Accepted {
                store.act_as(&self.settings.agent_code);
                let _ = store.record_action("login", None, "development PIN", now);
            }
            return self.answer(attempt, store, now, lang);
        }
        let Some(code) = self.chosen.as_ref().map(|a| a.code.clone()) else { return false };
        let account = match store.accounts().map(|a| a.into_iter().find(|a| a.code == code)) {
            Ok(Some(a)) => a,
            Ok(None) => {
                self.choose_again();
                return false;
            }
            Err(e) => {
                self.message = e.message;
                return false;
            }
        };
        let Some(hash) = account.pin_hash.clone() else {
            self.message = tr!(lang, "staff-account-no-pin").into();
            return false;
        };
        let mut lock = PinLock::with_state(hash, account.lock);
        let before = lock.state();
        let attempt = lock.attempt(&pin, now);
        let event = match attempt {
            Attempt::Accepted => "login",
            Attempt::Wrong { .. } => "pin_failed",
            Attempt::Locked { .. } if lock.state() != before => "locked_out",
            Attempt::Locked { .. } => "pin_while_locked",
        };
        if let Err(e) = store.record_login_attempt(&code, lock.state(), event, now) {
            // Unrecorded, the attempt does not count either way: no login without its entry.
            self.message = e.message;
            return false;
        }
        self.reload(store);
        if attempt == Attempt::Accepted {
            store.act_as(&code);
            self.agent = Some(account.clone());
            if account.must_change {
                self.message = tr!(lang, "staff-account-must-change").into();
                return false;
            }
            return self.start_session(store, now);
        }
        self.answer(attempt, store, now, lang)
    }

    fn answer(
        &mut self,
        attempt: Attempt,
        store: &mut dyn Store,
        now: Timestamp,
        lang: Locale,
    ) -> bool {
        match attempt {
            Attempt::Accepted => {
                self.logged_in = true;
                self.message.clear();
                self.settings = store.settings();
                true
            }
            Attempt::Wrong { left } => {
                self.message = tr!(lang, "staff-pin-wrong", left = left);
                false
            }
            Attempt::Locked { until } => {
                let mins = (until - now + 59) / 60;
                self.message = tr!(lang, "staff-pin-locked", minutes = mins);
                false
            }
        }
    }

    /// An agent's session begins: their shift is the device's from now on (receipts carry
    /// their code), and the totals count from their shift's start.
    fn start_session(&mut self, store: &mut dyn Store, now: Timestamp) -> bool {
        let Some(code) = self.agent.as_ref().map(|a| a.code.clone()) else { return false };
        if let Err(e) = store.set_shift_agent(&code) {
            self.message = e.message;
            return false;
        }
        self.shift_start = Self::shift_start_of(store, &code, now);
        self.logged_in = true;
        self.message.clear();
        self.settings = store.settings();
        true
    }

    fn end_session(&mut self, store: &mut dyn Store, now: Option<Timestamp>) {
        if let Some(now) = now {
            // Best effort: a logout that cannot be written must still log out.
            let _ = store.record_action("logout", None, "", now);
        }
        store.act_as("");
        self.agent = None;
        self.chosen = None;
    }

    /// The name of the one logged in or picked, for the screens.
    pub fn agent_name(&self) -> &str {
        self.agent.as_ref().or(self.chosen.as_ref()).map_or("", |a| a.name.as_str())
    }

    /// The one logged in may change settings, add accounts and reset PINs: a clerk, or
    /// anyone in development mode.
    pub fn is_clerk(&self) -> bool {
        self.development || self.agent.as_ref().is_some_and(|a| a.role == Role::Clerk)
    }

    fn clerk_only(&mut self, lang: Locale) -> bool {
        if self.is_clerk() {
            return true;
        }
        self.message = tr!(lang, "staff-clerk-only").into();
        false
    }

    /// A clerk confirms the date and time the clock shows (`clock`): enrollment goes on from
    /// there, and the audit trail names the clerk. Agents are refused.
    pub fn confirm_clock(&mut self, store: &mut dyn Store, clock: &dyn Clock, lang: Locale) {
        if !self.clerk_only(lang) {
            return;
        }
        let now = clock.now();
        let reference = ansinh_device::clock::reference(clock, now);
        let agent = self.shift_owner().to_string();
        self.message = match store.confirm_clock(&agent, now, reference.as_ref()) {
            Ok(()) => tr!(lang, "clock-confirmed", device = crate::text::date_time(now)),
            Err(e) => e.message,
        };
    }

    /// Puts a quarantined record back in the queue.
    pub fn release(&mut self, store: &mut dyn Store, receipt: &str, now: Timestamp, lang: Locale) {
        let Ok(no) = receipt.parse::<i64>() else { return };
        self.message = match store.release(no, now) {
            Ok(()) => tr!(lang, "staff-released", receipt = no),
            Err(e) => e.message,
        };
    }

    /// Saves the settings as edited (clerks only), naming the settings changed in the trail.
    pub fn save_settings(&mut self, store: &mut dyn Store, now: Timestamp, lang: Locale) {
        if !self.clerk_only(lang) {
            return;
        }
        let s = self.settings.clone();
        let usual = s.usual_ethnicity.trim();
        if !usual.is_empty() && ansinh_geo::ethnic_group_by_name(usual).is_none() {
            self.message = tr!(lang, "staff-setting-unknown-ethnicity", name = usual);
            return;
        }
        let before = store.settings();
        let changed: Vec<&str> = SETTING_KEYS
            .iter()
            .copied()
            .filter(|k| setting_value(&before, k) != setting_value(&s, k))
            .collect();
        self.message = match store.save_settings(&s) {
            Ok(()) => {
                if !changed.is_empty() {
                    let _ = store.record_action("settings_changed", None, &changed.join(","), now);
                }
                tr!(lang, "staff-settings-saved").into()
            }
            Err(e) => e.message,
        };
    }

    /// Staff will type a new PIN for `code` (a clerk resetting someone's; `None`: one's own).
    pub fn new_pin_for(&mut self, code: Option<&str>, lang: Locale) -> bool {
        if code.is_some() && !self.clerk_only(lang) {
            return false;
        }
        self.pin_for = code.map(Into::into);
        true
    }

    /// Replaces a PIN with `pin` (6 digits), stored as an Argon2 hash: one's own (which ends
    /// a forced change), someone else's (a clerk's reset: they must change it at login), or
    /// in development mode the device PIN.
    pub fn set_new_pin(
        &mut self,
        store: &mut dyn Store,
        pin: &str,
        params: argon2::Params,
        now: Timestamp,
        lang: Locale,
    ) {
        if !six_digits(pin) {
            self.message = tr!(lang, "staff-pin-six-digits").into();
            return;
        }
        let hash = match hash_pin(pin, params) {
            Ok(hash) => hash,
            Err(e) => {
                self.message = e;
                return;
            }
        };
        let own = self.agent.as_ref().map(|a| a.code.clone());
        let target = self.pin_for.take().or_else(|| own.clone());
        let Some(code) = target.filter(|_| !self.development) else {
            return self.set_device_pin(store, hash, now, lang);
        };
        let must_change = Some(&code) != own.as_ref();
        match store.set_pin_hash(&code, &hash, must_change, now) {
            Ok(()) => {
                self.reload(store);
                if must_change {
                    self.message = tr!(lang, "staff-account-pin-set", code = code.as_str());
                } else {
                    if let Some(a) = &mut self.agent {
                        a.must_change = false;
                    }
                    self.message = tr!(lang, "staff-pin-changed").into();
                    if !self.logged_in {
                        self.start_session(store, now);
                    }
                }
            }
            Err(e) => self.message = e.message,
        }
    }

    fn set_device_pin(
        &mut self,
        store: &mut dyn Store,
        hash: String,
        now: Timestamp,
        lang: Locale,
    ) {
        self.settings.staff_pin_hash = hash.clone();
        let s = self.settings.clone();
        match store.save_settings(&s) {
            Ok(()) => {
                self.pin.set_hash(hash);
                self.development_pin = false;
                let _ = store.record_action("pin_changed", None, "device PIN", now);
                self.message = tr!(lang, "staff-pin-changed").into();
            }
            Err(e) => self.message = e.message,
        }
    }

    /// A field of the new account as typed.
    pub fn edit_account(&mut self, key: &str, value: &str) {
        self.form.set(key, value);
    }

    /// The new account's role (clerks only add clerks).
    pub fn set_account_clerk(&mut self, clerk: bool) {
        self.form.clerk = clerk;
    }

    /// Creates the account typed: at first boot the first clerk (and logs them in), later a
    /// clerk adds one (the new agent then changes the PIN given at their first login).
    pub fn create_account(
        &mut self,
        store: &mut dyn Store,
        params: argon2::Params,
        now: Timestamp,
        lang: Locale,
    ) -> bool {
        let first_boot = self.step() == LoginStep::FirstBoot && !self.logged_in;
        if !first_boot && !self.clerk_only(lang) {
            return false;
        }
        let f = self.form.clone();
        if f.code.is_empty() || f.name.trim().is_empty() {
            self.message = tr!(lang, "staff-account-incomplete").into();
            return false;
        }
        if !six_digits(&f.pin) {
            self.message = tr!(lang, "staff-pin-six-digits").into();
            return false;
        }
        if f.pin != f.pin2 {
            self.message = tr!(lang, "staff-account-pins-differ").into();
            return false;
        }
        let hash = match hash_pin(&f.pin, params) {
            Ok(h) => h,
            Err(e) => {
                self.message = e;
                return false;
            }
        };
        let role = if first_boot || f.clerk { Role::Clerk } else { Role::Agent };
        if let Err(e) = store.add_account(&f.code, &f.name, role, Some(&hash), now) {
            self.message = e.message;
            return false;
        }
        if !first_boot {
            // Someone else's PIN, typed by the clerk: changed at their first login.
            if let Err(e) = store.set_pin_hash(&f.code, &hash, true, now) {
                self.message = e.message;
                return false;
            }
        }
        self.form = AccountForm::default();
        self.reload(store);
        if first_boot {
            store.act_as(&f.code);
            let _ = store.record_action("login", None, "first boot", now);
            self.agent = self.accounts.iter().find(|a| a.code == f.code).cloned();
            return self.start_session(store, now);
        }
        self.message = tr!(lang, "staff-account-added", code = f.code.as_str());
        true
    }

    /// Staff reprint a receipt: the trail names who and which receipt.
    pub fn reprinted(&mut self, store: &mut dyn Store, receipt_no: i64, now: Timestamp) {
        if let Err(e) = store.record_action("reprint", Some(receipt_no), "", now) {
            self.message = e.message;
        }
    }

    /// Asks the delivery worker to send now (staff found a network).
    pub fn sync_now(&mut self, store: &mut dyn Store, now: Timestamp, lang: Locale) {
        let _ = store.record_action("sync", None, "", now);
        self.message = match store.sync_now() {
            SyncRequest::Started => tr!(lang, "staff-sending-now").into(),
            SyncRequest::NotRegistered(problem) => {
                let mut m = tr!(lang, "staff-sync-not-registered").to_string();
                if let Some(why) = problem {
                    m.push(' ');
                    m.push_str(&tr!(lang, "staff-registration-failed", reason = why));
                }
                m
            }
            SyncRequest::NoDelivery => tr!(lang, "staff-no-server").into(),
        };
    }

    /// A new shift of the agent logged in starts now (totals count from here).
    pub fn new_shift(&mut self, store: &mut dyn Store, now: Timestamp, lang: Locale) {
        let agent = self.agent.as_ref().map(|a| a.code.clone()).unwrap_or_default();
        self.message = match store.start_shift(&agent, now) {
            Ok(()) => {
                self.shift_start = now;
                tr!(lang, "staff-new-shift").into()
            }
            Err(e) => e.message,
        };
    }
}

/// What the adapter draws, and what the app's routing changes.
impl StaffController {
    /// Digits of the PIN typed so far (the keyboard types into it).
    pub fn pin_typed(&mut self) -> &mut String {
        &mut self.pin_typed
    }
    /// How many PIN digits are typed (dots on screen).
    pub fn pin_len(&self) -> usize {
        self.pin_typed.chars().count()
    }
    /// Logged in.
    pub fn logged_in(&self) -> bool {
        self.logged_in
    }
    /// The tab shown, 0–5.
    pub fn tab(&self) -> usize {
        self.tab
    }
    /// The last message.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// Start of the shift, for the totals.
    pub fn shift_start(&self) -> Timestamp {
        self.shift_start
    }
    /// Whose shift the totals are (`""`: development mode's one shift).
    pub fn shift_owner(&self) -> &str {
        self.agent.as_ref().map_or("", |a| a.code.as_str())
    }
    /// The settings as edited.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }
    /// The device still uses the development PIN.
    pub fn development_pin(&self) -> bool {
        self.development_pin
    }
    /// Development (demo) mode: the device PIN, no accounts.
    pub fn development(&self) -> bool {
        self.development
    }
    /// The accounts, by name.
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }
    /// The new account as typed.
    pub fn form(&self) -> &AccountForm {
        &self.form
    }
    /// Until when wrong PINs lock the login, if they do now (the account picked's lock).
    pub fn locked_until(&self, now: Timestamp) -> Option<Timestamp> {
        if self.development {
            return self.pin.locked_until(now);
        }
        let code = self.chosen.as_ref()?.code.as_str();
        let a = self.accounts.iter().find(|a| a.code == code)?;
        a.lock.locked_until.filter(|u| *u > now)
    }
    /// A setting as typed.
    pub fn edit_setting(&mut self, key: &str, value: &str) {
        set_setting(&mut self.settings, key, value);
    }
    /// Shows `tab` (the message of the last one is cleared).
    pub fn show_tab(&mut self, tab: usize) {
        self.message.clear();
        self.tab = tab.min(5);
    }
    /// Shows a failure to staff.
    pub fn tell(&mut self, message: String) {
        self.message = message;
    }
    /// Back to the login page: nothing typed, no message, accounts re-read.
    pub fn to_login(&mut self, store: &dyn Store) {
        self.pin_typed.clear();
        self.message.clear();
        self.reload(store);
        if self.accounts.len() == 1 && self.chosen.is_none() {
            // One account: nothing to pick.
            self.chosen = self.accounts.first().cloned();
        }
    }
    /// Logs out (staff pressed "log out").
    pub fn logout(&mut self, store: &mut dyn Store, now: Timestamp) {
        if self.logged_in {
            self.end_session(store, Some(now));
        }
        self.logged_in = false;
    }
}

/// Staff mode as staff reach it: through the app, the keyboard and the store.
#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::LoginStep;
    use crate::app::{App, Options, Screen};
    use crate::pin::DEVELOPMENT_PIN;
    use crate::store::MemoryStore;
    use ansinh_device::clock::FakeClock;
    use ansinh_outbox::Role;

    fn cheap() -> argon2::Params {
        argon2::Params::new(256, 1, 1, None).unwrap_or_default()
    }

    fn app_on(store: MemoryStore) -> (App, Rc<FakeClock>) {
        let today = "2026-11-22".parse().unwrap_or_else(|_| unreachable!());
        let clock = Rc::new(FakeClock::at(today));
        // A store without the server's key runs as the demonstration (the development PIN).
        let options =
            Options { pin_params: cheap(), demo: store.no_server_key, ..Options::default() };
        (App::new(Box::new(store), clock.clone(), options), clock)
    }

    fn log_in(app: &mut App, pin: &str) {
        app.navigate(Screen::Staff);
        assert_eq!(app.screen, Screen::StaffLogin, "staff screens need the PIN first");
        app.key(pin);
    }

    #[test]
    fn staff_mode_needs_the_pin_and_locks_after_wrong_ones() {
        let (mut app, clock) = app_on(demonstration());
        assert!(app.staff.development_pin);
        for left in (0..5).rev() {
            log_in(&mut app, "111111");
            assert!(!app.staff.logged_in);
            if left > 0 {
                assert!(
                    app.staff.message.contains(&format!("Còn {left} lần")),
                    "{}",
                    app.staff.message
                );
            }
        }
        log_in(&mut app, DEVELOPMENT_PIN);
        assert!(!app.staff.logged_in, "locked out even with the right PIN");
        assert!(app.staff.message.contains("Thử lại sau"), "{}", app.staff.message);
        clock.advance(60 * 60);
        log_in(&mut app, DEVELOPMENT_PIN);
        assert!(app.staff.logged_in && app.screen == Screen::Staff);
        app.reset();
        assert!(!app.staff.logged_in, "next customer ends staff mode");
        assert_eq!(app.screen, Screen::Home);
    }

    #[test]
    fn a_changed_pin_replaces_the_development_pin() {
        let (mut app, _) = app_on(demonstration());
        log_in(&mut app, DEVELOPMENT_PIN);
        app.change_pin();
        app.key("97531");
        app.keyboard_done();
        assert!(app.staff.message.contains("6 chữ số"), "{}", app.staff.message);
        app.change_pin();
        app.key("975310");
        app.keyboard_done();
        assert_eq!(app.staff.message, "Đã đổi mã PIN.");
        assert!(!app.staff.development_pin);
        let hash = app.store.settings().staff_pin_hash;
        assert!(hash.starts_with("$argon2"), "stored as an Argon2 hash, not the digits");
        app.logout();
        log_in(&mut app, DEVELOPMENT_PIN);
        assert!(!app.staff.logged_in);
        log_in(&mut app, "975310");
        assert!(app.staff.logged_in);
    }

    #[test]
    fn sync_now_and_a_new_shift_survive_in_the_store() {
        let (mut app, clock) = app_on(demonstration());
        log_in(&mut app, DEVELOPMENT_PIN);
        app.sync_now();
        assert!(app.staff.message.starts_with("Đang gửi"), "{}", app.staff.message);
        let midnight = app.staff.shift_start;
        assert_eq!(crate::text::date_time(midnight), "22/11/2026 00:00", "local midnight");
        clock.advance(3600);
        app.new_shift();
        assert_eq!(app.store.shift_start(""), Some(app.now()));
        assert_eq!(app.staff.shift_start, app.now());
    }

    /// "Sync now" on a device with no collection server registered says so and how to
    /// register, instead of "sending" for ever.
    #[test]
    fn sync_now_on_a_device_not_registered_says_how_to_register() {
        let (mut app, _clock) = app_on(MemoryStore { unregistered: true, ..demonstration() });
        log_in(&mut app, DEVELOPMENT_PIN);
        app.sync_now();
        let m = app.staff.message.clone();
        assert!(m.starts_with("Chưa gửi được: máy này chưa đăng ký với máy chủ thu."), "{m}");
        assert!(m.contains("provisioning_token") && m.contains("ansinh register"), "{m}");
        assert!(!m.contains("Đang gửi"), "{m}");
        let (mut registered, _clock) = app_on(demonstration());
        log_in(&mut registered, DEVELOPMENT_PIN);
        registered.sync_now();
        assert_eq!(registered.staff.message, "Đang gửi hồ sơ lên máy chủ.");
    }

    /// The collection point's usual ethnic group, set by a clerk, is chosen in advance for the
    /// next customers; a name that is not one of the 54 groups is refused.
    #[test]
    fn the_usual_ethnic_group_is_a_setting_the_next_customer_finds_chosen() {
        let (mut app, _clock) = app_on(demonstration());
        log_in(&mut app, DEVELOPMENT_PIN);
        app.tap_setting("usual_ethnicity");
        app.key("Tayf Xanh");
        app.save_settings();
        assert!(app.staff.message.starts_with("Chưa lưu: \"Tày Xanh\""), "{}", app.staff.message);
        assert!(app.store.settings().usual_ethnicity.is_empty());
        app.tap_setting("usual_ethnicity");
        for _ in 0..5 {
            app.backspace();
        }
        app.save_settings();
        assert_eq!(app.store.settings().usual_ethnicity, "Tày", "{}", app.staff.message);
        app.reset();
        app.navigate(Screen::Enroll);
        app.enroll.start(crate::controllers::enroll::Scheme::Voluntary);
        assert_eq!(app.enroll.value("person.ethnicity"), "02", "Tày");
    }

    /// The offline demonstration: no server key, the development PIN.
    fn demonstration() -> MemoryStore {
        MemoryStore { no_server_key: true, ..MemoryStore::default() }
    }

    /// A device with a collection server's key (not in development mode).
    fn real_device() -> MemoryStore {
        MemoryStore::default()
    }

    fn type_into(app: &mut App, key: &str, text: &str) {
        app.tap_account_field(key);
        app.key(text);
        app.keyboard_done();
    }

    /// First boot: the first clerk, then logged in as them.
    fn first_clerk(app: &mut App) {
        app.navigate(Screen::Staff);
        assert_eq!(app.staff.step(), LoginStep::FirstBoot);
        type_into(app, "code", "cl-0001");
        type_into(app, "name", "Lan");
        type_into(app, "pin", "246810");
        type_into(app, "pin2", "246810");
        app.create_account();
        assert!(app.staff.logged_in(), "{}", app.staff.message);
        assert_eq!(app.screen, Screen::Staff);
    }

    #[test]
    fn a_real_device_has_no_default_pin_and_makes_its_first_clerk() {
        let (mut app, _) = app_on(real_device());
        app.navigate(Screen::Staff);
        assert_eq!((app.screen, app.staff.step()), (Screen::StaffLogin, LoginStep::FirstBoot));
        assert_eq!(app.keyboard.focus(), None, "no PIN pad: there is no PIN to type");
        app.key(DEVELOPMENT_PIN);
        assert!(!app.staff.logged_in, "the development PIN opens nothing on a real device");
        type_into(&mut app, "code", "cl-0001");
        type_into(&mut app, "name", "Lan");
        type_into(&mut app, "pin", "246810");
        type_into(&mut app, "pin2", "246811");
        app.create_account();
        assert!(!app.staff.logged_in);
        assert_eq!(app.staff.message, "Hai lần nhập mã PIN không giống nhau.");
        type_into(&mut app, "pin2", "246810");
        app.create_account();
        assert!(app.staff.logged_in && app.screen == Screen::Staff, "{}", app.staff.message);
        assert!(app.staff.is_clerk());
        let accounts = app.store.accounts().unwrap_or_default();
        assert_eq!(accounts.len(), 1);
        assert_eq!((accounts[0].code.as_str(), accounts[0].role), ("CL-0001", Role::Clerk));
        assert!(accounts[0].pin_hash.as_deref().is_some_and(|h| h.starts_with("$argon2id$")));

        app.logout();
        app.navigate(Screen::Staff);
        assert_eq!(app.staff.step(), LoginStep::Pin, "one account: nothing to pick");
        app.key(DEVELOPMENT_PIN);
        assert!(!app.staff.logged_in);
        assert!(app.staff.message.contains("Còn 4 lần"), "{}", app.staff.message);
        app.key("246810");
        assert!(app.staff.logged_in);
    }

    #[test]
    fn a_clerk_adds_an_agent_who_changes_the_pin_at_first_login_and_may_not_change_settings() {
        let (mut app, clock) = app_on(real_device());
        first_clerk(&mut app);
        app.staff_tab(5);
        type_into(&mut app, "code", "DL-0002");
        type_into(&mut app, "name", "Minh");
        type_into(&mut app, "pin", "135790");
        type_into(&mut app, "pin2", "135790");
        app.create_account();
        assert!(app.staff.message.contains("DL-0002"), "{}", app.staff.message);
        app.logout();

        clock.advance(60);
        app.navigate(Screen::Staff);
        assert_eq!(app.staff.step(), LoginStep::Choose, "two accounts: pick a name");
        app.choose_account("DL-0002");
        app.key("135790");
        assert!(!app.staff.logged_in, "a PIN the clerk typed must be changed first");
        assert_eq!(app.staff.step(), LoginStep::NewPin);
        app.key("864200");
        app.keyboard_done();
        assert!(app.staff.logged_in && app.screen == Screen::Staff, "{}", app.staff.message);
        assert!(!app.staff.is_clerk());
        app.tap_setting("collection_point");
        app.key(" X");
        app.save_settings();
        assert_eq!(app.staff.message, "Chỉ nhân viên quản lý mới làm được việc này.");
        app.reset_pin("CL-0001");
        assert_eq!(app.keyboard.focus(), None, "an agent resets nobody's PIN");
        app.sync_now();
        app.logout();

        app.navigate(Screen::Staff);
        app.choose_account("DL-0002");
        app.key("135790");
        assert!(!app.staff.logged_in, "the first PIN is gone");
        app.key("864200");
        assert!(app.staff.logged_in);
    }

    #[test]
    fn an_agent_the_hub_listed_gets_a_first_pin_from_a_clerk_and_changes_it() {
        let (mut app, _) = app_on(real_device());
        first_clerk(&mut app);
        let now = app.now();
        let agents = [("DL-0009", "Hub agent")];
        for (code, name) in agents {
            // As registration adds them: an agent without a PIN.
            let added = app.store.add_account(code, name, Role::Agent, None, now);
            assert!(added.is_ok());
        }
        app.logout();
        app.navigate(Screen::Staff);
        app.choose_account("DL-0009");
        app.key("000000");
        assert_eq!(
            app.staff.message,
            "Tài khoản này chưa có mã PIN: nhờ nhân viên quản lý đặt mã PIN đầu tiên."
        );
        app.choose_again();
        app.choose_account("CL-0001");
        app.key("246810");
        assert!(app.staff.logged_in);
        app.reset_pin("DL-0009");
        app.key("112233");
        app.keyboard_done();
        assert!(app.staff.message.contains("DL-0009"), "{}", app.staff.message);
        app.logout();
        app.navigate(Screen::Staff);
        app.choose_account("DL-0009");
        app.key("112233");
        assert_eq!(app.staff.step(), LoginStep::NewPin, "the clerk's PIN is changed first");
        app.key("445566");
        app.keyboard_done();
        assert!(app.staff.logged_in, "{}", app.staff.message);
    }

    #[test]
    fn each_agent_has_their_own_lock() {
        let (mut app, _) = app_on(real_device());
        first_clerk(&mut app);
        app.staff_tab(5);
        for (code, pin) in [("DL-0002", "135790"), ("DL-0003", "975310")] {
            type_into(&mut app, "code", code);
            type_into(&mut app, "name", code);
            type_into(&mut app, "pin", pin);
            type_into(&mut app, "pin2", pin);
            app.create_account();
        }
        app.logout();
        for _ in 0..5 {
            app.navigate(Screen::Staff);
            app.choose_account("DL-0002");
            app.key("000000");
        }
        assert!(app.staff.message.contains("Thử lại sau 5 phút"), "{}", app.staff.message);
        app.navigate(Screen::Staff);
        app.choose_account("DL-0003");
        assert!(app.staff.locked_until(app.now()).is_none(), "another agent is not locked");
        app.key("975310");
        assert!(!app.staff.logged_in && app.staff.step() == LoginStep::NewPin, "logged in");
    }

    #[test]
    fn a_server_on_a_newer_protocol_asks_for_an_update() {
        let reason = "unsupported_version: the collection server needs a newer version of ansinh";
        let note = super::blocked_note(reason, crate::text::Locale::SOURCE);
        assert!(note.contains("cần cập nhật phần mềm"), "{note}");
        let other = super::blocked_note("device_revoked", crate::text::Locale::SOURCE);
        assert!(other.contains("device_revoked"), "{other}");
    }

    #[test]
    fn a_store_failure_is_shown_not_hidden() {
        let (mut app, _) = app_on(demonstration());
        log_in(&mut app, DEVELOPMENT_PIN);
        app.release("7");
        assert!(
            app.staff.message.contains("receipt 7 is not quarantined"),
            "{}",
            app.staff.message
        );
    }
}
