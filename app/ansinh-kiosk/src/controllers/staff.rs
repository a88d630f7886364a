//! Staff mode: the PIN (Argon2, lockout), the settings staff edit, the shift, releasing
//! quarantined records and asking for a sync. Behaviour over the [`Store`] seam, tested
//! without a window.

use crate::pin::{Attempt, PinLock, hash_pin};
use crate::store::{Settings, Store};
use crate::text::{Locale, tr};
use ansinh_device::clock::Timestamp;

/// The settings staff edit, in order.
pub const SETTING_KEYS: [&str; 3] = ["collection_point", "agent_code", "server_url"];

/// A setting's label.
pub fn setting_label(key: &str, lang: Locale) -> &'static str {
    match key {
        "collection_point" => {
            tr!(lang, "staff-setting-collection-point")
        }
        "agent_code" => tr!(lang, "staff-setting-agent-code"),
        _ => tr!(lang, "staff-setting-server"),
    }
}

/// A setting's value.
pub fn setting_value<'s>(s: &'s Settings, key: &str) -> &'s str {
    match key {
        "collection_point" => &s.collection_point,
        "agent_code" => &s.agent_code,
        _ => &s.server_url,
    }
}

/// Sets a setting as typed.
fn set_setting(s: &mut Settings, key: &str, value: &str) {
    match key {
        "collection_point" => s.collection_point = value.to_string(),
        "agent_code" => s.agent_code = value.to_string(),
        _ => s.server_url = value.to_string(),
    }
}

/// Staff mode.
#[derive(Clone, Debug)]
pub struct StaffController {
    /// PIN typed so far.
    pin_typed: String,
    /// Logged in.
    logged_in: bool,
    /// Tab 0–4.
    tab: usize,
    /// Last message.
    message: String,
    /// Start of the shift, for the totals.
    shift_start: Timestamp,
    /// Settings as edited.
    settings: Settings,
    /// The PIN check.
    pin: PinLock,
    /// The device still uses the development PIN.
    development_pin: bool,
}

impl StaffController {
    /// Staff mode on `store`'s settings and shift; without a shift started on this device,
    /// totals count from local midnight. No PIN set yet: the development PIN, flagged.
    pub fn new(store: &dyn Store, now: Timestamp) -> Self {
        let settings = store.settings();
        let development_pin = settings.staff_pin_hash.is_empty();
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
            shift_start: store
                .shift_start()
                .unwrap_or_else(|| ansinh_device::clock::vietnam_date(now).vietnam_midnight()),
            settings,
            pin,
            development_pin,
        }
    }

    /// Overwrites the PIN digits typed so far.
    pub fn wipe_pin_typed(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.pin_typed);
    }

    /// After a customer: logged out (the PIN typed overwritten), settings re-read; the shift,
    /// the PIN lock (with its failures) and the development-PIN flag stay.
    pub fn reset(&mut self, store: &dyn Store) {
        zeroize::Zeroize::zeroize(&mut self.pin_typed);
        self.logged_in = false;
        self.tab = 0;
        self.message.clear();
        self.settings = store.settings();
    }

    /// Checks the PIN typed; true when staff are now logged in.
    pub fn login(&mut self, store: &dyn Store, now: Timestamp, lang: Locale) -> bool {
        let pin = std::mem::take(&mut self.pin_typed);
        match self.pin.attempt(&pin, now) {
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

    /// Puts a quarantined record back in the queue.
    pub fn release(&mut self, store: &mut dyn Store, receipt: &str, now: Timestamp, lang: Locale) {
        let Ok(no) = receipt.parse::<i64>() else { return };
        self.message = match store.release(no, now) {
            Ok(()) => tr!(lang, "staff-released", receipt = no),
            Err(e) => e.message,
        };
    }

    /// Saves the settings as edited.
    pub fn save_settings(&mut self, store: &mut dyn Store, lang: Locale) {
        let s = self.settings.clone();
        self.message = match store.save_settings(&s) {
            Ok(()) => tr!(lang, "staff-settings-saved").into(),
            Err(e) => e.message,
        };
    }

    /// Replaces the PIN with `pin` (6 digits), stored as an Argon2 hash.
    pub fn set_new_pin(
        &mut self,
        store: &mut dyn Store,
        pin: &str,
        params: argon2::Params,
        lang: Locale,
    ) {
        if pin.len() != crate::pin::PIN_DIGITS || !pin.bytes().all(|b| b.is_ascii_digit()) {
            self.message = tr!(lang, "staff-pin-six-digits").into();
            return;
        }
        match hash_pin(pin, params) {
            Ok(hash) => {
                self.settings.staff_pin_hash = hash.clone();
                let s = self.settings.clone();
                match store.save_settings(&s) {
                    Ok(()) => {
                        self.pin.set_hash(hash);
                        self.development_pin = false;
                        self.message = tr!(lang, "staff-pin-changed").into();
                    }
                    Err(e) => self.message = e.message,
                }
            }
            Err(e) => self.message = e,
        }
    }

    /// Asks the delivery worker to send now (staff found a network).
    pub fn sync_now(&mut self, store: &dyn Store, lang: Locale) {
        self.message = if store.sync_now() {
            tr!(lang, "staff-sending-now").into()
        } else {
            tr!(lang, "staff-no-server").into()
        };
    }

    /// A new shift starts now (totals count from here).
    pub fn new_shift(&mut self, store: &mut dyn Store, now: Timestamp, lang: Locale) {
        self.message = match store.start_shift(now) {
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
    /// The tab shown, 0–4.
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
    /// The settings as edited.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }
    /// The device still uses the development PIN.
    pub fn development_pin(&self) -> bool {
        self.development_pin
    }
    /// Until when wrong PINs lock the login, if they do now.
    pub fn locked_until(&self, now: Timestamp) -> Option<Timestamp> {
        self.pin.locked_until(now)
    }
    /// A setting as typed.
    pub fn edit_setting(&mut self, key: &str, value: &str) {
        set_setting(&mut self.settings, key, value);
    }
    /// Shows `tab` (the message of the last one is cleared).
    pub fn show_tab(&mut self, tab: usize) {
        self.message.clear();
        self.tab = tab.min(4);
    }
    /// Shows a failure to staff.
    pub fn tell(&mut self, message: String) {
        self.message = message;
    }
    /// Back to the PIN pad: nothing typed, no message.
    pub fn to_login(&mut self) {
        self.pin_typed.clear();
        self.message.clear();
    }
    /// Logs out (staff pressed "log out").
    pub fn logout(&mut self) {
        self.logged_in = false;
    }
}

/// Staff mode as staff reach it: through the app, the keyboard and the store.
#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use crate::app::{App, Options, Screen};
    use crate::pin::DEVELOPMENT_PIN;
    use crate::store::MemoryStore;
    use ansinh_device::clock::FakeClock;

    fn cheap() -> argon2::Params {
        argon2::Params::new(256, 1, 1, None).unwrap_or_default()
    }

    fn app_on(store: MemoryStore) -> (App, Rc<FakeClock>) {
        let today = "2026-11-22".parse().unwrap_or_else(|_| unreachable!());
        let clock = Rc::new(FakeClock::at(today));
        let options = Options { pin_params: cheap(), ..Options::default() };
        (App::new(Box::new(store), clock.clone(), options), clock)
    }

    fn log_in(app: &mut App, pin: &str) {
        app.navigate(Screen::Staff);
        assert_eq!(app.screen, Screen::StaffLogin, "staff screens need the PIN first");
        app.key(pin);
    }

    #[test]
    fn staff_mode_needs_the_pin_and_locks_after_wrong_ones() {
        let (mut app, clock) = app_on(MemoryStore::default());
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
        let (mut app, _) = app_on(MemoryStore::default());
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
        let (mut app, clock) = app_on(MemoryStore::default());
        log_in(&mut app, DEVELOPMENT_PIN);
        app.sync_now();
        assert!(app.staff.message.starts_with("Đang gửi"), "{}", app.staff.message);
        let midnight = app.staff.shift_start;
        assert_eq!(crate::text::date_time(midnight), "22/11/2026 00:00", "local midnight");
        clock.advance(3600);
        app.new_shift();
        assert_eq!(app.store.shift_start(), Some(app.now()));
        assert_eq!(app.staff.shift_start, app.now());
    }

    #[test]
    fn a_store_failure_is_shown_not_hidden() {
        let (mut app, _) = app_on(MemoryStore::default());
        log_in(&mut app, DEVELOPMENT_PIN);
        app.release("7");
        assert!(
            app.staff.message.contains("receipt 7 is not quarantined"),
            "{}",
            app.staff.message
        );
    }
}
