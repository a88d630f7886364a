//! The composition root: the clock, the policy table, the store, the current screen, the
//! language, the idle timer — and each screen's controller (`controllers/`), with the
//! routing between them (the keyboard types into whichever controller has the focus; a
//! commit moves the wizard to the done screen and starts the print). No window: tests drive it
//! directly.

use std::rc::Rc;

use crate::text::Locale;
use ansinh_core::PolicyTable;
use ansinh_core::person::Group;

use crate::controllers::battery::{BatteryOptions, BatteryWatch};
use crate::controllers::benefits::BenefitsController;
use crate::controllers::enroll::{EnrollController, Kind, Scheme, picker_name};
use crate::controllers::household::{HouseholdController, PERIODS};
use crate::controllers::keyboard::{Focus, Keyboard};
use crate::controllers::pension::PensionController;
use crate::controllers::picker::{Picker, QUOTE_PROVINCE, Row};
use crate::controllers::printing::Printing;
use crate::controllers::quote::{GROUPS, MODES, QuoteController};
use crate::controllers::read_aloud::ReadAloud;
use crate::controllers::scenarios::ScenarioController;
use crate::controllers::staff::{LoginStep, SETTING_KEYS, StaffController, setting_value};
use crate::ime::Method;
use crate::pin::default_params;
use crate::print::PrinterConfig;
use crate::session::{Idle, Session};
use crate::store::{Committed, Store};
use ansinh_device::clock::{Clock, ClockTrust, Timestamp};

mod keyboard;
mod scan;
mod speech;
mod staff;

/// The screens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Screen {
    /// Start; shows no personal data.
    #[default]
    Home,
    /// How much would I pay.
    Quote,
    /// When and how much pension.
    Pension,
    /// Scenarios side by side.
    Scenarios,
    /// Household health insurance.
    Household,
    /// Other benefits.
    Benefits,
    /// The enrollment wizard.
    Enroll,
    /// The receipt after a submit.
    Done,
    /// Staff PIN.
    StaffLogin,
    /// Staff screens.
    Staff,
}

/// Options the binary passes in.
#[derive(Clone, Debug)]
pub struct Options {
    /// Seconds idle before the warning.
    pub idle_warn_secs: i64,
    /// Seconds idle before the reset.
    pub idle_reset_secs: i64,
    /// Argon2 costs for a new PIN hash.
    pub pin_params: argon2::Params,
    /// The receipt printer, if the counter has one.
    pub printer: Option<PrinterConfig>,
    /// Offline demonstration (`--demo`, `demo = true`): enrollments are taken without a
    /// server key, sealed to the development key and never sent; every screen says so.
    pub demo: bool,
    /// The battery to watch for the low-battery band (none by default).
    pub battery: BatteryOptions,
    /// Where software updates are found (none: the kiosk asks for none, e.g. screenshots).
    pub updates: Option<crate::controllers::update::UpdateOptions>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            idle_warn_secs: crate::session::IDLE_WARN_SECS,
            idle_reset_secs: crate::session::IDLE_RESET_SECS,
            pin_params: default_params(),
            printer: None,
            demo: false,
            battery: BatteryOptions::default(),
            updates: None,
        }
    }
}

/// The whole app, without a window.
pub struct App {
    /// The policy table: the device's installed table, or the built-in one; a table that
    /// arrives while the kiosk runs is taken at the next reset, never mid-enrollment.
    pub table: PolicyTable<'static>,
    /// Where the table comes from and what it changed, for staff.
    pub policy: ansinh_device::policy::ActivePolicy,
    clock: Rc<dyn Clock>,
    /// Where enrollments go, what staff read.
    pub store: Box<dyn Store>,
    options: Options,
    /// Display language.
    pub lang: Locale,
    /// Large text and high contrast on the citizen screens (the header's "Chữ to"), until the
    /// session ends: a choice of this person's, like the language.
    pub large_text: bool,
    /// Current screen.
    pub screen: Screen,
    /// Quote screen.
    pub quote: QuoteController,
    /// Pension screen.
    pub pension: PensionController,
    /// Scenarios.
    pub scenarios: ScenarioController,
    /// Household health insurance.
    pub household: HouseholdController,
    /// Benefits.
    pub benefits: BenefitsController,
    /// The wizard.
    pub enroll: EnrollController,
    /// The last commit, for the done screen.
    pub done: Option<(Committed, Scheme)>,
    /// The on-screen keyboard.
    pub keyboard: Keyboard,
    /// Open picker.
    pub picker: Option<Picker>,
    session: Session,
    /// Seconds left on the idle warning (0 = none).
    pub idle_left: i64,
    touched: bool,
    /// A session ended: every page must be drawn again (emptied), not only the current one.
    redraw_all: bool,
    /// Staff mode.
    pub staff: StaffController,
    /// Receipt printing.
    pub printing: Printing,
    /// The wizard was asked for on a device that cannot take enrollments (no server key, not a
    /// demonstration): staff are told why until the session ends.
    pub enroll_refused: bool,
    /// The wizard was asked for while the device does not trust its clock: staff are told
    /// what is wrong and how to confirm the date until the session ends.
    pub clock_refused: Option<ClockTrust>,
    /// The battery, for the low-battery band.
    pub battery: BatteryWatch,
    /// The speaker buttons: reading the screen aloud (hidden without a working voice).
    pub read_aloud: ReadAloud,
    /// Scans of the ID card's QR code from the readers' threads (none without `[scanner]`).
    scans: Option<std::sync::mpsc::Receiver<ansinh_idcard::readers::Event>>,
    /// Software updates: the requests to the root side at idle resets, the staff line.
    pub updates: Option<crate::controllers::update::UpdateRequests>,
}

impl App {
    /// The app on `store`, with time from `clock`.
    pub fn new(mut store: Box<dyn Store>, clock: Rc<dyn Clock>, options: Options) -> Self {
        let now = clock.now();
        let staff = StaffController::new(store.as_ref(), now, options.demo);
        if options.printer.is_none() {
            // For the health report; with a printer, the last print's state stands until the
            // next print. Best effort: the report then says what was noted before.
            let _ = store.note_printer(ansinh_wire::health::PrinterState::NoPrinter);
        }
        let mut battery = BatteryWatch::new(options.battery.clone());
        battery.poll(now);
        let policy = store.active_policy();
        let updates = options.updates.as_ref().map(crate::controllers::update::UpdateRequests::new);
        let mut app = Self {
            table: (*policy.table).clone(),
            policy,
            session: Session::new(now, options.idle_warn_secs, options.idle_reset_secs),
            clock,
            store,
            lang: Locale::SOURCE,
            large_text: false,
            screen: Screen::Home,
            quote: QuoteController::default(),
            pension: PensionController::default(),
            scenarios: ScenarioController::default(),
            household: HouseholdController::default(),
            benefits: BenefitsController::default(),
            enroll: EnrollController::default(),
            done: None,
            keyboard: Keyboard::default(),
            picker: None,
            idle_left: 0,
            touched: false,
            redraw_all: false,
            staff,
            options,
            printing: Printing::default(),
            enroll_refused: false,
            clock_refused: None,
            battery,
            read_aloud: ReadAloud::default(),
            scans: None,
            updates,
        };
        app.enroll.set_usual_ethnicity(app.usual_ethnicity());
        app
    }

    /// The collection point's usual ethnic group (staff settings), chosen in advance for
    /// each new person; never a person's own, so nothing of one customer reaches the next.
    fn usual_ethnicity(&self) -> Option<&'static str> {
        let name = self.store.settings().usual_ethnicity;
        ansinh_geo::ethnic_group_by_name(name.trim()).map(|g| g.code)
    }

    /// Whether the app runs as an offline demonstration.
    pub fn demo(&self) -> bool {
        self.options.demo
    }

    /// Whether the wizard may start: the server's key is provisioned, or this is a
    /// demonstration.
    pub fn enroll_allowed(&self) -> bool {
        self.options.demo || self.store.server_key_provisioned()
    }

    /// What the device makes of its clock ([`ansinh_device::clock::judge`]); an outbox that
    /// cannot be read says nothing against it (the commit reports that failure itself).
    pub fn clock_trust(&self) -> ClockTrust {
        self.store
            .time_evidence()
            .map_or(ClockTrust::Trusted, |e| ansinh_device::clock::judge(e, self.clock.as_ref()))
    }

    /// Why amounts are estimates today beyond their own rules: the table is past its
    /// `valid_until`, or the collection server has a newer table the device has not installed.
    pub fn policy_freshness(&self) -> ansinh_device::policy::Freshness {
        ansinh_device::policy::Freshness::judge(
            &self.table,
            self.store.hub_policy().as_ref(),
            self.today(),
        )
    }

    /// The clock's now.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The clock's today.
    pub fn today(&self) -> ansinh_core::Date {
        self.clock.today()
    }

    /// Any touch: the idle timer starts again.
    pub fn activity(&mut self) {
        self.session.touch(self.clock.now());
        self.idle_left = 0;
        self.touched = true;
    }

    /// The idle timer, the print in progress and the battery; `true` when the screen must be
    /// redrawn.
    pub fn tick(&mut self) -> bool {
        let printed = self.printing.poll(self.lang) | self.poll_scans() | self.read_aloud.poll();
        if let Some(state) = self.printing.take_printer_state() {
            // For the health report only: a busy outbox now leaves the last state noted.
            let _ = self.store.note_printer(state);
        }
        let battery = self.battery.poll(self.clock.now());
        if !self.touched {
            // Untouched since the last reset (or the start): still idle, so updates may be
            // asked for (every `IDLE_CHECK_SECS`).
            if self.session.idle(self.clock.now()) == Idle::Expired {
                self.idle_updates(false);
            }
            return printed | battery;
        }
        printed
            | battery
            | match self.session.idle(self.clock.now()) {
                Idle::Active => std::mem::replace(&mut self.idle_left, 0) != 0,
                Idle::Warning(left) => {
                    let changed = self.idle_left != left;
                    self.idle_left = left;
                    changed
                }
                Idle::Expired => {
                    self.reset();
                    self.idle_updates(true);
                    true
                }
            }
    }

    /// The kiosk is idle, nothing of anyone on any screen: the update requests that are due
    /// (`controllers::update`). Never during a session: `tick` calls it only once the idle
    /// timer expired and the session was reset.
    fn idle_updates(&mut self, reset: bool) {
        let now = self.now();
        if let Some(updates) = &mut self.updates {
            updates.idle(now, reset);
        }
    }

    /// Next customer (or the idle reset): every field and screen state holding personal data
    /// is cleared, staff mode ends, the home screen comes back. The outbox is untouched.
    pub fn reset(&mut self) {
        self.read_aloud.stop();
        self.wipe_personal_data();
        self.quote = QuoteController::default();
        self.pension = PensionController::default();
        self.scenarios = ScenarioController::default();
        self.household = HouseholdController::default();
        self.benefits = BenefitsController::default();
        self.enroll = EnrollController::default();
        self.enroll.set_usual_ethnicity(self.usual_ethnicity());
        self.done = None;
        self.keyboard.reset();
        self.picker = None;
        self.screen = Screen::Home;
        self.lang = Locale::SOURCE;
        self.large_text = false;
        self.idle_left = 0;
        self.touched = false;
        let now = self.now();
        self.staff.reset(self.store.as_mut(), now);
        self.enroll_refused = false;
        self.clock_refused = None;
        // Between two customers: a table installed meanwhile (sync, USB stick) is taken now.
        self.policy = self.store.active_policy();
        self.table = (*self.policy.table).clone();
        self.redraw_all = true;
    }

    /// Overwrites, in place, every buffer that held what the person typed or was shown (the
    /// wizard's form and draft, the keyboard's text, the picker's search, the staff PIN typed)
    /// before the session's controllers are replaced: dropping a `String` gives its memory
    /// back with the data still in it. The other controllers hold numbers only, overwritten
    /// where they lie when replaced.
    pub(crate) fn wipe_personal_data(&mut self) {
        use zeroize::Zeroize;
        self.enroll.zeroize();
        self.keyboard.zeroize();
        if let Some(picker) = &mut self.picker {
            picker.zeroize();
        }
        self.staff.wipe_pin_typed();
    }

    /// Whether every page must be drawn again because a session ended (asked once: the
    /// answer is reset).
    pub fn take_redraw_all(&mut self) -> bool {
        std::mem::take(&mut self.redraw_all)
    }

    /// Goes to a screen.
    pub fn navigate(&mut self, s: Screen) {
        // Leaving the page silences what was read on it.
        self.read_aloud.stop();
        self.keyboard.hide();
        self.picker = None;
        if s == Screen::Enroll && !self.enroll_allowed() {
            // The quote screens still work; the wizard does not start.
            self.enroll_refused = true;
            return;
        }
        if s == Screen::Enroll {
            let trust = self.clock_trust();
            if !trust.is_trusted() {
                // A receipt must not carry a wrong date: quotes go on, enrollment waits.
                self.clock_refused = Some(trust);
                return;
            }
            self.clock_refused = None;
        }
        if s == Screen::Staff && !self.staff.logged_in() {
            return self.navigate(Screen::StaffLogin);
        }
        if s == Screen::StaffLogin {
            self.staff.to_login(self.store.as_ref());
            if matches!(self.staff.step(), LoginStep::DevicePin | LoginStep::Pin) {
                self.keyboard.edit(Focus::StaffPin, "", Method::Plain);
            }
        }
        if s == Screen::Home && self.done.is_some() {
            // Leaving the receipt is the end of this customer.
            return self.reset();
        }
        self.screen = s;
    }

    /// Switches to the next language offered (Vietnamese, English, … and back).
    pub fn toggle_language(&mut self) {
        self.lang = self.lang.next();
    }

    /// Large text and high contrast on, or off again.
    pub fn toggle_large_text(&mut self) {
        self.large_text = !self.large_text;
    }

    /// Whether the screen is drawn in large text now: on the citizen screens while the person
    /// asked for it; staff screens keep their size (their layout is not made for it).
    pub fn large_text_shown(&self) -> bool {
        self.large_text && !matches!(self.screen, Screen::Staff | Screen::StaffLogin)
    }

    // ----- keyboard routing -----------------------------------------------------------------

    /// The keyboard pad for the focus: text, digits, phone, money, date or pin.
    pub fn keyboard_kind(&self) -> &'static str {
        self.keyboard.kind(|id| self.enroll_kind(id))
    }

    fn enroll_kind(&self, id: &str) -> Kind {
        let v = self.enroll.view(&self.table, self.today(), self.lang);
        v.fields.iter().find(|f| f.id == id).and_then(|f| f.kind).unwrap_or(Kind::Text)
    }

    /// What the keyboard is typing into, and its text as typed (a PIN as dots).
    pub fn keyboard_target(&self) -> (String, String) {
        let field_label = |id: &str| {
            let v = self.enroll.view(&self.table, self.today(), self.lang);
            v.fields.iter().find(|f| f.id == id).map(|f| f.label.clone()).unwrap_or_default()
        };
        self.keyboard.target(self.lang, field_label, self.staff.pin_len())
    }

    /// Focuses a wizard field: a picker opens its list, a choice does nothing, others the keyboard.
    pub fn tap_field(&mut self, id: &str) {
        match self.enroll_kind(id) {
            Kind::Picker => self.open_picker(id),
            Kind::Choice => {}
            kind => {
                let method =
                    if kind == Kind::Text { self.keyboard.method() } else { Method::Plain };
                self.keyboard.edit(Focus::Field(id.to_string()), &self.enroll.value(id), method);
            }
        }
    }

    /// Types the quote's income on the money pad.
    pub fn type_income(&mut self) {
        self.keyboard.edit(Focus::QuoteIncome, "", Method::Plain);
    }

    /// Focuses a staff setting.
    pub fn tap_setting(&mut self, key: &str) {
        let Some(k) = SETTING_KEYS.iter().find(|k| **k == key) else { return };
        let value = setting_value(self.staff.settings(), k).to_string();
        let method = if *k == "server_url" { Method::Plain } else { self.keyboard.method() };
        self.keyboard.edit(Focus::Setting(k), &value, method);
    }

    /// A key of the on-screen (or a physical) keyboard.
    pub fn key(&mut self, s: &str) {
        let kind = self.keyboard_kind();
        let pin_complete = self.keyboard.press(s, kind, self.staff.pin_typed());
        self.write_back();
        if pin_complete {
            self.login();
        }
    }

    /// Space.
    pub fn space(&mut self) {
        let kind = self.keyboard_kind();
        if self.keyboard.space(kind) {
            self.write_back();
        }
    }

    /// Backspace.
    pub fn backspace(&mut self) {
        if self.keyboard.backspace(self.staff.pin_typed()) {
            self.write_back();
        }
    }

    /// Next typing method (Telex → VNI → ABC).
    pub fn next_method(&mut self) {
        self.keyboard.next_method();
    }

    /// The keyboard's done key.
    pub fn keyboard_done(&mut self) {
        match self.keyboard.take_focus() {
            Some(Focus::StaffPin) => {
                self.keyboard.set_focus(Focus::StaffPin);
                self.login();
            }
            Some(Focus::NewPin) => {
                let pin = self.keyboard.take_text();
                let (params, now, lang) = (self.options.pin_params.clone(), self.now(), self.lang);
                self.staff.set_new_pin(self.store.as_mut(), &pin, params, now, lang);
                if self.screen == Screen::StaffLogin && self.staff.logged_in() {
                    self.screen = Screen::Staff;
                } else if self.staff.step() == LoginStep::NewPin {
                    // A forced change not done yet: the pad stays.
                    self.keyboard.edit(Focus::NewPin, "", Method::Plain);
                }
            }
            _ => {}
        }
    }

    /// The text typed goes to the controller that has the focus.
    fn write_back(&mut self) {
        let text = self.keyboard.text();
        match self.keyboard.focus().cloned() {
            Some(Focus::Field(id)) => self.enroll.set(&id, &text),
            Some(Focus::QuoteIncome) => {
                let digits: String = text.chars().filter(char::is_ascii_digit).collect();
                self.quote.set_income(digits.parse().unwrap_or(0));
            }
            Some(Focus::PickerSearch) => {
                if let Some(p) = &mut self.picker {
                    p.set_query(text);
                }
            }
            Some(Focus::Setting(k)) => self.staff.edit_setting(k, &text),
            Some(Focus::Account(k)) => self.staff.edit_account(k, &text),
            _ => {}
        }
    }

    // ----- pickers --------------------------------------------------------------------------

    /// Opens the list for a picker field.
    pub fn open_picker(&mut self, field: &str) {
        self.read_aloud.stop();
        let mut picker = Picker::open(field);
        // The card's old commune name, when the scan could not place it on today's map.
        if let Some(hint) = self.enroll.picker_hint(field) {
            picker.set_query(hint.to_string());
        }
        self.picker = Some(picker);
        self.search_picker();
    }

    /// Types into the picker's search.
    pub fn search_picker(&mut self) {
        let query = self.picker.as_ref().map(|p| p.query().to_string()).unwrap_or_default();
        self.keyboard.edit(Focus::PickerSearch, &query, Method::Plain);
    }

    /// The picker's title, items (code, name, detail) and how many more match.
    pub fn picker_items(&self) -> (String, Vec<Row>, usize) {
        match &self.picker {
            Some(p) => p.items(&self.enroll, self.lang),
            None => (String::new(), Vec::new(), 0),
        }
    }

    /// A picker row was chosen.
    pub fn pick(&mut self, code: &str) {
        let Some(p) = self.picker.take() else { return };
        self.read_aloud.stop();
        self.keyboard.hide();
        if p.field() == QUOTE_PROVINCE {
            self.quote.set_province(ansinh_geo::province(code).map(|p| p.code));
        } else {
            self.enroll.set(p.field(), code);
        }
    }

    /// Closes the picker.
    pub fn close_picker(&mut self) {
        self.read_aloud.stop();
        self.picker = None;
        self.keyboard.hide();
    }

    // ----- quote → wizard → done ------------------------------------------------------------

    /// "Enroll with this amount": the wizard with the quote's choices.
    pub fn enroll_from_quote(&mut self) {
        let q = &self.quote;
        let group: Group = GROUPS[q.group().min(GROUPS.len() - 1)];
        let mode = MODES[q.mode().min(MODES.len() - 1)].to_string();
        let (income, province) = (q.income(), q.province());
        self.enroll.prefill_payment(income, group, &mode, province);
        self.navigate(Screen::Enroll);
    }

    /// "Enroll the household".
    pub fn enroll_household(&mut self) {
        let months = PERIODS[self.household.period().min(PERIODS.len() - 1)];
        self.enroll.prefill_members(self.household.members(), months);
        self.navigate(Screen::Enroll);
    }

    /// A choice in the wizard (the keyboard closes).
    pub fn enroll_choose(&mut self, id: &str, index: usize) {
        self.keyboard.hide();
        let today = self.today();
        self.enroll.choose(id, index, &self.table, today);
    }

    /// The wizard's forward button (the submit on the review step).
    pub fn enroll_next(&mut self) {
        self.read_aloud.stop();
        self.keyboard.hide();
        let (today, now, lang) = (self.today(), self.now(), self.lang);
        let v = self.enroll.view(&self.table, today, lang);
        if v.kind == Some(crate::controllers::enroll::StepKind::Review) {
            // The key may have gone since the wizard started (never, in practice): no commit.
            if !self.enroll_allowed() {
                self.enroll_refused = true;
                return;
            }
            if !self.clock_allows_commit() {
                return;
            }
            if let Ok(c) = self.enroll.submit(self.store.as_mut(), &self.table, today, now, lang) {
                self.enroll_committed(c);
            }
        } else {
            self.enroll.next(&self.table, today, lang);
        }
    }

    /// Staff confirm a possible double payment the submit found: commit anyway.
    pub fn enroll_confirm_duplicate(&mut self) {
        if !self.clock_allows_commit() {
            return;
        }
        let (today, now, lang) = (self.today(), self.now(), self.lang);
        let store = self.store.as_mut();
        if let Ok(c) = self.enroll.confirm_duplicate(store, &self.table, today, now, lang) {
            self.enroll_committed(c);
        }
    }

    /// Staff do not take the second payment: back to the review, nothing committed.
    pub fn enroll_cancel_duplicate(&mut self) {
        self.enroll.cancel_duplicate(self.lang);
    }

    /// The clock is checked again at the commit, not only when the wizard starts: it may have
    /// been set (or reset by a power cut) while the form was filled. Refused, nothing is
    /// committed and the form stays as it is, with the reason on the band.
    fn clock_allows_commit(&mut self) -> bool {
        let trust = self.clock_trust();
        self.clock_refused = (!trust.is_trusted()).then_some(trust);
        trust.is_trusted()
    }

    fn enroll_committed(&mut self, c: Committed) {
        let scheme = self.enroll.scheme().unwrap_or(Scheme::Voluntary);
        let receipt_no = c.receipt_no;
        self.done = Some((c, scheme));
        self.screen = Screen::Done;
        // Only now: the record is durable, whatever the printer does.
        self.start_print(receipt_no, false);
    }

    /// The wizard's back button; from the first step, back to the scheme choice or home.
    pub fn enroll_back(&mut self) {
        self.read_aloud.stop();
        self.keyboard.hide();
        if !self.enroll.back() {
            if self.enroll.scheme().is_some() {
                self.enroll.leave_scheme();
            } else {
                self.navigate(Screen::Home);
            }
        }
    }

    /// Prints a committed record's receipt (`copy` for reprints from staff mode).
    pub fn start_print(&mut self, receipt_no: i64, copy: bool) {
        let printer = self.options.printer.as_ref();
        self.printing.start(printer, self.store.as_ref(), receipt_no, copy, self.lang);
    }

    /// A display name for a picker field's code (review, quote).
    pub fn picker_name(id: &str, code: &str) -> String {
        picker_name(id, code)
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::controllers::enroll::Scheme;
    use crate::store::MemoryStore;
    use ansinh_device::clock::FakeClock;

    fn app_on(store: MemoryStore, demo: bool) -> App {
        let today = "2026-11-22".parse().unwrap_or_else(|_| unreachable!());
        let options = Options {
            pin_params: argon2::Params::new(256, 1, 1, None).unwrap_or_default(),
            demo,
            ..Options::default()
        };
        App::new(Box::new(store), Rc::new(FakeClock::at(today)), options)
    }

    #[test]
    fn the_wizard_needs_a_server_key_or_the_demonstration() {
        let mut app = app_on(MemoryStore { no_server_key: true, ..MemoryStore::default() }, false);
        app.navigate(Screen::Quote);
        app.enroll_from_quote();
        assert_eq!(app.screen, Screen::Quote, "the quote works, the wizard does not start");
        assert!(app.enroll_refused && !app.enroll_allowed());
        app.reset();
        assert!(!app.enroll_refused, "a new customer starts without the message");
        let mut demo = app_on(MemoryStore { no_server_key: true, ..MemoryStore::default() }, true);
        demo.navigate(Screen::Enroll);
        assert_eq!(demo.screen, Screen::Enroll);
        assert!(demo.demo() && !demo.enroll_refused);
        let mut registered = app_on(MemoryStore::default(), false);
        registered.navigate(Screen::Enroll);
        assert_eq!(registered.screen, Screen::Enroll);
    }

    #[test]
    fn large_text_is_the_persons_until_the_session_ends() {
        let clock = Rc::new(FakeClock::at("2026-11-22".parse().unwrap_or_else(|_| unreachable!())));
        let options = Options { demo: true, ..Options::default() };
        let mut app = App::new(Box::new(MemoryStore::default()), clock.clone(), options);
        assert!(!app.large_text_shown());
        app.toggle_large_text();
        assert!(app.large_text_shown());
        // It stays from page to page, through the wizard, in both languages.
        app.navigate(Screen::Quote);
        app.toggle_language();
        app.enroll_from_quote();
        assert_eq!(app.screen, Screen::Enroll);
        assert!(app.large_text_shown());
        // Staff screens keep their size; back on a citizen page, it is there again.
        app.navigate(Screen::StaffLogin);
        assert!(app.large_text && !app.large_text_shown());
        app.navigate(Screen::Home);
        assert!(app.large_text_shown());
        // A second tap turns it off.
        app.toggle_large_text();
        assert!(!app.large_text_shown());
        app.toggle_large_text();
        // "Next customer" ends it, like the idle reset (which calls the same `reset`).
        app.reset();
        assert!(!app.large_text && !app.large_text_shown());
        // The idle reset: the warning leaves it on, the end of the session turns it off.
        app.toggle_large_text();
        app.navigate(Screen::Pension);
        app.activity();
        clock.advance(crate::session::IDLE_WARN_SECS + 1);
        app.tick();
        assert!(app.idle_left > 0 && app.large_text_shown());
        clock.advance(crate::session::IDLE_RESET_SECS);
        assert!(app.tick());
        assert_eq!(app.screen, Screen::Home);
        assert!(!app.large_text && !app.large_text_shown());
    }

    /// The session's buffers are overwritten where they lie, before the controllers are
    /// replaced: checked on the controllers themselves, before `reset` swaps in new ones.
    #[test]
    fn ending_a_session_zeroizes_what_the_person_typed() {
        let mut app = app_on(MemoryStore::default(), false);
        app.navigate(Screen::Enroll);
        app.enroll.start(Scheme::Voluntary);
        app.tap_field("person.full_name");
        app.key("Nguyeenx Thij Hoongf Nhung");
        app.keyboard_done();
        app.tap_field("person.personal_id");
        app.key("001179012345");
        app.open_picker("person.address.commune");
        app.key("Hà Đông");
        app.staff.pin_typed().push_str("2468");
        let typed = format!("{:?}{:?}{:?}", app.enroll, app.keyboard, app.picker);
        assert!(typed.contains("Nguyễn Thị Hồng Nhung") && typed.contains("Hà Đông"), "{typed}");

        app.wipe_personal_data();
        assert_eq!(format!("{:?}", app.enroll), format!("{:?}", EnrollController::default()));
        assert_eq!(format!("{:?}", app.keyboard), format!("{:?}", Keyboard::default()));
        let picker = app.picker.as_ref().map(|p| (p.query().to_string(), p.field().to_string()));
        assert_eq!(picker, Some((String::new(), String::new())), "wiped in place");
        assert_eq!(app.staff.pin_len(), 0);
        let after = format!("{:?}{:?}{:?}", app.enroll, app.keyboard, app.picker);
        for gone in ["Nguy", "Nhung", "001179012345", "Hà Đông"] {
            assert!(!after.contains(gone), "{gone} left in {after}");
        }
        app.reset();
        assert!(app.picker.is_none() && app.screen == Screen::Home);
    }
}
