//! The composition of every screen's controller, the on-screen keyboard, the pickers, staff
//! mode and the idle reset: what the adapters call, with no window. Tests drive it directly.

use std::rc::Rc;

use ansinh_core::person::Group;
use ansinh_core::{Lang, PolicyTable};

use crate::clock::{Clock, Timestamp};
use crate::controllers::benefits::BenefitsController;
use crate::controllers::enroll::{EnrollController, Kind, Scheme, picker_name};
use crate::controllers::household::{HouseholdController, PERIODS};
use crate::controllers::pension::PensionController;
use crate::controllers::quote::{GROUPS, MODES, QuoteController};
use crate::controllers::scenarios::ScenarioController;
use crate::ime::{Composer, Method};
use crate::pin::{Attempt, DEVELOPMENT_PIN, PIN_DIGITS, PinLock, default_params, hash_pin};
use crate::print::{PrintJob, PrintResult, PrinterConfig};
use crate::session::{Idle, Session};
use crate::store::{Committed, Settings, Store};
use crate::text::t;

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
}

/// An open picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picker {
    /// The field it fills (`quote.province` for the quote screen).
    pub field: String,
    /// What was typed to search.
    pub query: String,
}

/// Staff mode.
#[derive(Clone, Debug)]
pub struct Staff {
    /// PIN typed so far.
    pub pin_typed: String,
    /// Logged in.
    pub logged_in: bool,
    /// Tab 0–4.
    pub tab: usize,
    /// Last message.
    pub message: String,
    /// Start of the shift, for the totals.
    pub shift_start: Timestamp,
    /// Settings as edited.
    pub settings: Settings,
    /// The PIN check.
    pub pin: PinLock,
    /// The device still uses the development PIN.
    pub development_pin: bool,
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
}

impl Default for Options {
    fn default() -> Self {
        Self {
            idle_warn_secs: crate::session::IDLE_WARN_SECS,
            idle_reset_secs: crate::session::IDLE_RESET_SECS,
            pin_params: default_params(),
            printer: None,
        }
    }
}

/// The whole app, without a window.
pub struct App {
    /// The policy table.
    pub table: PolicyTable<'static>,
    clock: Rc<dyn Clock>,
    /// Where enrollments go, what staff read.
    pub store: Box<dyn Store>,
    options: Options,
    /// Display language.
    pub lang: Lang,
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
    /// Keyboard target.
    pub focus: Option<Focus>,
    composer: Composer,
    /// Typing method for letters.
    pub method: Method,
    /// Upper case.
    pub shift: bool,
    /// Open picker.
    pub picker: Option<Picker>,
    session: Session,
    /// Seconds left on the idle warning (0 = none).
    pub idle_left: i64,
    touched: bool,
    /// Staff mode.
    pub staff: Staff,
    print_job: Option<PrintJob>,
    /// What the last print did (no personal data: a receipt number and the printer's state).
    pub print_status: String,
}

impl App {
    /// The app on `store`, with time from `clock`.
    pub fn new(store: Box<dyn Store>, clock: Rc<dyn Clock>, options: Options) -> Self {
        let now = clock.now();
        let settings = store.settings();
        let shift_start = store.shift_start();
        let (hash, development_pin) = if settings.staff_pin_hash.is_empty() {
            (hash_pin(DEVELOPMENT_PIN, options.pin_params.clone()).unwrap_or_default(), true)
        } else {
            (settings.staff_pin_hash.clone(), false)
        };
        Self {
            table: ansinh_core::default_table(),
            session: Session::new(now, options.idle_warn_secs, options.idle_reset_secs),
            clock,
            store,
            lang: Lang::Vi,
            screen: Screen::Home,
            quote: QuoteController::default(),
            pension: PensionController::default(),
            scenarios: ScenarioController::default(),
            household: HouseholdController::default(),
            benefits: BenefitsController::default(),
            enroll: EnrollController::default(),
            done: None,
            focus: None,
            composer: Composer::default(),
            method: Method::Telex,
            shift: false,
            picker: None,
            idle_left: 0,
            touched: false,
            staff: Staff {
                pin_typed: String::new(),
                logged_in: false,
                tab: 0,
                message: String::new(),
                // Without a shift started on this device, totals count from local midnight.
                shift_start: shift_start.unwrap_or_else(|| {
                    let local = now + crate::clock::VIETNAM_OFFSET_SECS;
                    now - local.rem_euclid(86_400)
                }),
                settings,
                pin: PinLock::new(hash),
                development_pin,
            },
            options,
            print_job: None,
            print_status: String::new(),
        }
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

    /// The idle timer; `true` when the screen must be redrawn.
    pub fn tick(&mut self) -> bool {
        let printed = self.poll_print();
        if !self.touched {
            return printed;
        }
        printed
            | match self.session.idle(self.clock.now()) {
                Idle::Active => std::mem::replace(&mut self.idle_left, 0) != 0,
                Idle::Warning(left) => {
                    let changed = self.idle_left != left;
                    self.idle_left = left;
                    changed
                }
                Idle::Expired => {
                    self.reset();
                    true
                }
            }
    }

    /// Next customer (or the idle reset): every field and screen state holding personal data
    /// is cleared, staff mode ends, the home screen comes back. The outbox is untouched.
    pub fn reset(&mut self) {
        let staff_keep =
            (self.staff.shift_start, self.staff.pin.clone(), self.staff.development_pin);
        self.quote = QuoteController::default();
        self.pension = PensionController::default();
        self.scenarios = ScenarioController::default();
        self.household = HouseholdController::default();
        self.benefits = BenefitsController::default();
        self.enroll = EnrollController::default();
        self.done = None;
        self.focus = None;
        self.composer = Composer::default();
        self.shift = false;
        self.picker = None;
        self.screen = Screen::Home;
        self.lang = Lang::Vi;
        self.idle_left = 0;
        self.touched = false;
        self.staff = Staff {
            pin_typed: String::new(),
            logged_in: false,
            tab: 0,
            message: String::new(),
            shift_start: staff_keep.0,
            settings: self.store.settings(),
            pin: staff_keep.1,
            development_pin: staff_keep.2,
        };
    }

    /// Goes to a screen.
    pub fn navigate(&mut self, s: Screen) {
        self.focus = None;
        self.picker = None;
        if s == Screen::Staff && !self.staff.logged_in {
            return self.navigate(Screen::StaffLogin);
        }
        if s == Screen::StaffLogin {
            self.staff.pin_typed.clear();
            self.staff.message.clear();
            self.focus = Some(Focus::StaffPin);
            self.composer = Composer::new("", Method::Plain);
        }
        if s == Screen::Home && self.done.is_some() {
            // Leaving the receipt is the end of this customer.
            return self.reset();
        }
        self.screen = s;
    }

    /// Switches Vietnamese / English.
    pub fn toggle_language(&mut self) {
        self.lang = if self.lang == Lang::Vi { Lang::En } else { Lang::Vi };
    }

    // ----- keyboard -------------------------------------------------------------------------

    /// The keyboard kind for the focus: text, digits, phone, money, date or pin.
    pub fn keyboard_kind(&self) -> &'static str {
        match &self.focus {
            None => "",
            Some(Focus::QuoteIncome) => "money",
            Some(Focus::StaffPin | Focus::NewPin) => "pin",
            Some(Focus::PickerSearch | Focus::Setting(_)) => "text",
            Some(Focus::Field(id)) => match self.enroll_kind(id) {
                Kind::Digits => "digits",
                Kind::Phone => "phone",
                Kind::Money => "money",
                Kind::Date => "date",
                _ => "text",
            },
        }
    }

    fn enroll_kind(&self, id: &str) -> Kind {
        let v = self.enroll.view(&self.table, self.today(), self.lang);
        v.fields.iter().find(|f| f.id == id).and_then(|f| f.kind).unwrap_or(Kind::Text)
    }

    /// What the keyboard is typing into, and its text as typed.
    pub fn keyboard_target(&self) -> (String, String) {
        let lang = self.lang;
        match &self.focus {
            None => (String::new(), String::new()),
            Some(Focus::Field(id)) => {
                let label = self
                    .enroll
                    .view(&self.table, self.today(), lang)
                    .fields
                    .iter()
                    .find(|f| f.id == *id)
                    .map(|f| f.label.clone())
                    .unwrap_or_default();
                (label, self.composer.text())
            }
            Some(Focus::QuoteIncome) => (
                t(lang, "Thu nhập mỗi tháng (đồng)", "Monthly income (đồng)").into(),
                self.composer.text(),
            ),
            Some(Focus::PickerSearch) => (t(lang, "Tìm", "Search").into(), self.composer.text()),
            Some(Focus::StaffPin) => {
                (t(lang, "Mã PIN", "PIN").into(), "•".repeat(self.staff.pin_typed.chars().count()))
            }
            Some(Focus::NewPin) => (
                t(lang, "Mã PIN mới (6 số)", "New PIN (6 digits)").into(),
                "•".repeat(self.composer.text().chars().count()),
            ),
            Some(Focus::Setting(k)) => (setting_label(k, lang).into(), self.composer.text()),
        }
    }

    /// Focuses a wizard field: a picker opens its list, a choice does nothing, others the keyboard.
    pub fn tap_field(&mut self, id: &str) {
        match self.enroll_kind(id) {
            Kind::Picker => self.open_picker(id),
            Kind::Choice => {}
            kind => {
                let method = if kind == Kind::Text { self.method } else { Method::Plain };
                self.composer = Composer::new(&self.enroll.value(id), method);
                self.focus = Some(Focus::Field(id.to_string()));
            }
        }
    }

    /// Types the quote's income on the money pad.
    pub fn type_income(&mut self) {
        self.composer = Composer::new("", Method::Plain);
        self.focus = Some(Focus::QuoteIncome);
    }

    /// Focuses a staff setting.
    pub fn tap_setting(&mut self, key: &str) {
        let Some(k) = SETTING_KEYS.iter().find(|k| **k == key) else { return };
        let value = setting_value(&self.staff.settings, k).to_string();
        self.composer =
            Composer::new(&value, if *k == "server_url" { Method::Plain } else { self.method });
        self.focus = Some(Focus::Setting(k));
    }

    /// A key of the on-screen (or a physical) keyboard.
    pub fn key(&mut self, s: &str) {
        let kind = self.keyboard_kind();
        for c in s.chars() {
            if kind != "text"
                && !(c.is_ascii_digit()
                    || (kind == "date" && c == '/')
                    || (kind == "phone" && c == '+'))
            {
                continue;
            }
            if matches!(self.focus, Some(Focus::StaffPin)) {
                if self.staff.pin_typed.len() < PIN_DIGITS {
                    self.staff.pin_typed.push(c);
                }
                continue;
            }
            self.composer.key(c);
        }
        if kind == "text" && self.shift {
            self.shift = false;
        }
        self.write_back();
        if matches!(self.focus, Some(Focus::StaffPin)) && self.staff.pin_typed.len() == PIN_DIGITS {
            self.login();
        }
    }

    /// Space.
    pub fn space(&mut self) {
        if self.keyboard_kind() == "text" {
            self.composer.key(' ');
            self.write_back();
        }
    }

    /// Backspace.
    pub fn backspace(&mut self) {
        if matches!(self.focus, Some(Focus::StaffPin)) {
            self.staff.pin_typed.pop();
            return;
        }
        self.composer.backspace();
        self.write_back();
    }

    /// Next typing method (Telex → VNI → ABC).
    pub fn next_method(&mut self) {
        self.method = self.method.next();
        self.composer.set_method(self.method);
    }

    /// The keyboard's done key.
    pub fn keyboard_done(&mut self) {
        match self.focus.take() {
            Some(Focus::StaffPin) => {
                self.focus = Some(Focus::StaffPin);
                self.login();
            }
            Some(Focus::NewPin) => self.set_new_pin(),
            Some(Focus::PickerSearch) => {}
            _ => {}
        }
    }

    fn write_back(&mut self) {
        let text = self.composer.text();
        match self.focus.clone() {
            Some(Focus::Field(id)) => self.enroll.set(&id, &text),
            Some(Focus::QuoteIncome) => {
                let digits: String = text.chars().filter(char::is_ascii_digit).collect();
                self.quote.set_income(digits.parse().unwrap_or(0));
            }
            Some(Focus::PickerSearch) => {
                if let Some(p) = &mut self.picker {
                    p.query = text;
                }
            }
            Some(Focus::Setting(k)) => set_setting(&mut self.staff.settings, k, &text),
            _ => {}
        }
    }

    // ----- pickers --------------------------------------------------------------------------

    /// Opens the list for a picker field.
    pub fn open_picker(&mut self, field: &str) {
        self.picker = Some(Picker { field: field.to_string(), query: String::new() });
        self.composer = Composer::new("", Method::Plain);
        self.focus = Some(Focus::PickerSearch);
    }

    /// The picker's title, items (code, name, detail) and how many more match.
    pub fn picker_items(&self) -> (String, Vec<(String, String, String)>, usize) {
        const SHOWN: usize = 80;
        let Some(p) = &self.picker else { return (String::new(), Vec::new(), 0) };
        let lang = self.lang;
        let q = p.query.as_str();
        let (title, all): (&str, Vec<(String, String, String)>) = if p
            .field
            .ends_with("commune_code")
        {
            let province = self.enroll.picker_context(&p.field).unwrap_or_default();
            let list = ansinh_geo::search_communes(&province, q)
                .map(|c| (c.code.to_string(), c.name.to_string(), c.code.to_string()))
                .collect();
            (t(lang, "Chọn xã, phường", "Choose the commune"), list)
        } else if p.field.ends_with("ethnicity") {
            let list = ansinh_geo::ethnic_groups()
                .iter()
                .filter(|e| {
                    ansinh_geo::fold::contains_words(e.name, q)
                        || e.other_name.is_some_and(|o| ansinh_geo::fold::contains_words(o, q))
                })
                .map(|e| {
                    (e.code.to_string(), e.name.to_string(), e.other_name.unwrap_or("").to_string())
                })
                .collect();
            (t(lang, "Chọn dân tộc", "Choose the ethnic group"), list)
        } else {
            let mut list: Vec<(String, String, String)> = ansinh_geo::search_provinces(q)
                .map(|p| (p.code.to_string(), p.name.to_string(), p.code.to_string()))
                .collect();
            if p.field == "quote.province" {
                list.insert(
                    0,
                    (
                        String::new(),
                        t(lang, "Không chọn tỉnh", "No province").into(),
                        String::new(),
                    ),
                );
            }
            (t(lang, "Chọn tỉnh, thành phố", "Choose the province"), list)
        };
        let more = all.len().saturating_sub(SHOWN);
        (title.to_string(), all.into_iter().take(SHOWN).collect(), more)
    }

    /// A picker row was chosen.
    pub fn pick(&mut self, code: &str) {
        let Some(p) = self.picker.take() else { return };
        self.focus = None;
        if p.field == "quote.province" {
            self.quote.province = ansinh_geo::province(code).map(|p| p.code);
        } else {
            self.enroll.set(&p.field, code);
        }
    }

    /// Closes the picker.
    pub fn close_picker(&mut self) {
        self.picker = None;
        self.focus = None;
    }

    // ----- quote → wizard -------------------------------------------------------------------

    /// "Enroll with this amount": the wizard with the quote's choices.
    pub fn enroll_from_quote(&mut self) {
        let q = &self.quote;
        let group: Group = GROUPS[q.group.min(GROUPS.len() - 1)];
        let mode = MODES[q.mode.min(MODES.len() - 1)].to_string();
        let (income, province) = (q.income, q.province);
        self.enroll.prefill_payment(income, group, &mode, province);
        self.navigate(Screen::Enroll);
    }

    /// "Enroll the household".
    pub fn enroll_household(&mut self) {
        let months = PERIODS[self.household.period.min(PERIODS.len() - 1)];
        self.enroll.prefill_members(self.household.members, months);
        self.navigate(Screen::Enroll);
    }

    /// The wizard's forward button (the submit on the review step).
    pub fn enroll_next(&mut self) {
        self.focus = None;
        let (today, now, lang) = (self.today(), self.now(), self.lang);
        let v = self.enroll.view(&self.table, today, lang);
        if v.kind == Some(crate::controllers::enroll::StepKind::Review) {
            if let Ok(c) = self.enroll.submit(self.store.as_mut(), &self.table, today, now, lang) {
                self.enroll_committed(c);
            }
        } else {
            self.enroll.next(&self.table, today, lang);
        }
    }

    /// Staff confirm a possible double payment the submit found: commit anyway.
    pub fn enroll_confirm_duplicate(&mut self) {
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

    fn enroll_committed(&mut self, c: crate::store::Committed) {
        let scheme = self.enroll.scheme().unwrap_or(Scheme::Voluntary);
        let receipt_no = c.receipt_no;
        self.done = Some((c, scheme));
        self.screen = Screen::Done;
        // Only now: the record is durable, whatever the printer does.
        self.start_print(receipt_no, false);
    }

    /// The wizard's back button; from the first step, back to the scheme choice or home.
    pub fn enroll_back(&mut self) {
        self.focus = None;
        if !self.enroll.back() {
            if self.enroll.scheme().is_some() {
                self.enroll = EnrollController::default();
            } else {
                self.navigate(Screen::Home);
            }
        }
    }

    // ----- staff ----------------------------------------------------------------------------

    fn login(&mut self) {
        let now = self.now();
        let lang = self.lang;
        let pin = std::mem::take(&mut self.staff.pin_typed);
        match self.staff.pin.attempt(&pin, now) {
            Attempt::Accepted => {
                self.staff.logged_in = true;
                self.staff.message.clear();
                self.staff.settings = self.store.settings();
                self.focus = None;
                self.screen = Screen::Staff;
            }
            Attempt::Wrong { left } => {
                self.staff.message = match lang {
                    Lang::Vi => format!("Sai mã PIN. Còn {left} lần thử."),
                    Lang::En => format!("Wrong PIN. {left} tries left."),
                };
            }
            Attempt::Locked { until } => {
                let mins = (until - now + 59) / 60;
                self.staff.message = match lang {
                    Lang::Vi => format!("Nhập sai quá nhiều lần. Thử lại sau {mins} phút."),
                    Lang::En => format!("Too many wrong PINs. Try again in {mins} minutes."),
                };
            }
        }
    }

    /// Staff log out.
    pub fn logout(&mut self) {
        self.staff.logged_in = false;
        self.focus = None;
        self.screen = Screen::Home;
    }

    /// Puts a quarantined record back in the queue.
    pub fn release(&mut self, receipt: &str) {
        let now = self.now();
        let Ok(no) = receipt.parse::<i64>() else { return };
        self.staff.message = match self.store.release(no, now) {
            Ok(()) => match self.lang {
                Lang::Vi => format!("Biên nhận {no}: đưa lại vào hàng chờ gửi."),
                Lang::En => format!("Receipt {no}: back in the queue."),
            },
            Err(e) => e.message,
        };
    }

    /// Saves the settings.
    pub fn save_settings(&mut self) {
        self.focus = None;
        let s = self.staff.settings.clone();
        self.staff.message = match self.store.save_settings(&s) {
            Ok(()) => t(self.lang, "Đã lưu cài đặt.", "Settings saved.").into(),
            Err(e) => e.message,
        };
    }

    /// Starts typing a new PIN.
    pub fn change_pin(&mut self) {
        self.composer = Composer::new("", Method::Plain);
        self.focus = Some(Focus::NewPin);
    }

    fn set_new_pin(&mut self) {
        let pin = self.composer.text();
        self.composer.clear();
        let lang = self.lang;
        if pin.len() != PIN_DIGITS || !pin.bytes().all(|b| b.is_ascii_digit()) {
            self.staff.message =
                t(lang, "Mã PIN phải gồm đúng 6 chữ số.", "The PIN is exactly 6 digits.").into();
            return;
        }
        match hash_pin(&pin, self.options.pin_params.clone()) {
            Ok(hash) => {
                self.staff.settings.staff_pin_hash = hash.clone();
                let s = self.staff.settings.clone();
                match self.store.save_settings(&s) {
                    Ok(()) => {
                        self.staff.pin.set_hash(hash);
                        self.staff.development_pin = false;
                        self.staff.message = t(lang, "Đã đổi mã PIN.", "PIN changed.").into();
                    }
                    Err(e) => self.staff.message = e.message,
                }
            }
            Err(e) => self.staff.message = e,
        }
    }

    /// Prints a committed record's receipt (`copy` for reprints from staff mode).
    pub fn start_print(&mut self, receipt_no: i64, copy: bool) {
        let lang = self.lang;
        let Some(printer) = self.options.printer.clone() else {
            self.print_status = match lang {
                Lang::Vi => format!(
                    "Biên lai {receipt_no}: máy này chưa nối máy in (khai báo printer trong tệp cấu hình)."
                ),
                Lang::En => format!(
                    "Receipt {receipt_no}: no printer configured on this device (printer in the configuration file)."
                ),
            };
            return;
        };
        match self.store.receipt_picture(receipt_no, copy, printer.width) {
            Ok(picture) => {
                self.print_job = Some(PrintJob::start(&printer, picture));
                self.print_status = match lang {
                    Lang::Vi => format!(
                        "Đang in biên lai {receipt_no}{}.",
                        if copy { " (bản sao)" } else { "" }
                    ),
                    Lang::En => format!(
                        "Printing receipt {receipt_no}{}.",
                        if copy { " (copy)" } else { "" }
                    ),
                };
            }
            Err(e) => self.print_status = format!("{receipt_no}: {}", e.message),
        }
    }

    /// Checks the print in progress; `true` when its end changed what the screen shows.
    fn poll_print(&mut self) -> bool {
        let Some(result) = self.print_job.as_ref().and_then(PrintJob::poll) else { return false };
        self.print_job = None;
        let lang = self.lang;
        self.print_status = match (result, lang) {
            (PrintResult::Printed { paper_low: false }, _) => {
                t(lang, "Đã in biên lai.", "Receipt printed.").into()
            }
            (PrintResult::Printed { paper_low: true }, _) => t(
                lang,
                "Đã in biên lai. Giấy in sắp hết: chuẩn bị cuộn mới.",
                "Receipt printed. The paper roll is nearly finished.",
            )
            .into(),
            (PrintResult::Failed { vi, .. }, Lang::Vi) => {
                format!("{vi} Hồ sơ vẫn được lưu an toàn.")
            }
            (PrintResult::Failed { en, .. }, Lang::En) => {
                format!(
                    "Not printed: {en}. The record is safely stored; reprint it from staff mode."
                )
            }
        };
        true
    }

    /// Staff reprint a receipt of the shift (marked as a copy).
    pub fn reprint(&mut self, receipt: &str) {
        if let Ok(no) = receipt.parse::<i64>() {
            self.start_print(no, true);
        }
    }

    /// Asks the delivery worker to send now (staff found a network).
    pub fn sync_now(&mut self) {
        self.staff.message = if self.store.sync_now() {
            t(self.lang, "Đang gửi hồ sơ lên máy chủ.", "Sending records to the server.").into()
        } else {
            t(
                self.lang,
                "Máy này không có kết nối máy chủ: hãy xuất hồ sơ ra USB.",
                "This device has no server connection: export the records to a USB stick.",
            )
            .into()
        };
    }

    /// A new shift starts now (totals count from here).
    pub fn new_shift(&mut self) {
        let now = self.now();
        self.staff.message = match self.store.start_shift(now) {
            Ok(()) => {
                self.staff.shift_start = now;
                t(self.lang, "Đã bắt đầu ca mới.", "A new shift has started.").into()
            }
            Err(e) => e.message,
        };
    }

    /// A display name for a picker field's code (review, quote).
    pub fn picker_name(id: &str, code: &str) -> String {
        picker_name(id, code)
    }
}

/// The settings staff edit, in order.
pub const SETTING_KEYS: [&str; 3] = ["collection_point", "agent_code", "server_url"];

/// A setting's label.
pub fn setting_label(key: &str, lang: Lang) -> &'static str {
    match key {
        "collection_point" => {
            t(lang, "Điểm thu (in trên biên nhận)", "Collection point (on receipts)")
        }
        "agent_code" => t(lang, "Mã nhân viên thu", "Agent code"),
        _ => t(lang, "Địa chỉ máy chủ thu", "Collection server"),
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

fn set_setting(s: &mut Settings, key: &str, value: &str) {
    match key {
        "collection_point" => s.collection_point = value.to_string(),
        "agent_code" => s.agent_code = value.to_string(),
        _ => s.server_url = value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FakeClock;
    use crate::store::MemoryStore;

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
