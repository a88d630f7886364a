//! The adapters: each `XxxAdapter` global's callbacks call one [`App`] intent, then
//! [`render`] pushes every view into the globals. Nothing here decides anything.
#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::cell::RefCell;
use std::rc::Rc;

use ansinh_core::Lang;
use ansinh_ui::{
    AppAdapter, AppWindow, Bar as UiBar, BenefitsAdapter, Card as UiCard, Column as UiColumn,
    DoneAdapter, EnrollAdapter, Field, HouseholdAdapter, Item, KeyboardAdapter, Lang as UiLang,
    Line as UiLine, Page, PensionAdapter, PickerAdapter, QuoteAdapter, Row4, ScenarioAdapter,
    StaffAdapter,
};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use crate::app::{App, Focus, SETTING_KEYS, Screen, setting_label, setting_value};
use crate::controllers::enroll::{FieldView, Kind, Scheme, StepKind};
use crate::text::{Line, ago, date_time, money, month_text, scheme_name, t, words};

fn model<T: Clone + 'static>(v: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(v))
}

fn strings(v: &[String]) -> ModelRc<SharedString> {
    model(v.iter().map(SharedString::from).collect())
}

fn lines(v: &[Line]) -> ModelRc<UiLine> {
    model(
        v.iter()
            .map(|l| UiLine {
                label: l.label.as_str().into(),
                value: l.value.as_str().into(),
                strong: l.strong,
            })
            .collect(),
    )
}

fn to_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn page_of(s: Screen) -> Page {
    match s {
        Screen::Home => Page::Home,
        Screen::Quote => Page::Quote,
        Screen::Pension => Page::Pension,
        Screen::Scenarios => Page::Scenarios,
        Screen::Household => Page::Household,
        Screen::Benefits => Page::Benefits,
        Screen::Enroll => Page::Enroll,
        Screen::Done => Page::Done,
        Screen::StaffLogin => Page::StaffLogin,
        Screen::Staff => Page::Staff,
    }
}

fn screen_of(p: Page) -> Screen {
    match p {
        Page::Home => Screen::Home,
        Page::Quote => Screen::Quote,
        Page::Pension => Screen::Pension,
        Page::Scenarios => Screen::Scenarios,
        Page::Household => Screen::Household,
        Page::Benefits => Screen::Benefits,
        Page::Enroll => Screen::Enroll,
        Page::Done => Screen::Done,
        Page::StaffLogin => Screen::StaffLogin,
        Page::Staff => Screen::Staff,
    }
}

fn field(f: &FieldView, focus: &Option<Focus>) -> Field {
    let kind = match f.kind {
        Some(Kind::Choice) => "choice",
        Some(Kind::Picker) => "picker",
        Some(Kind::Digits) => "digits",
        Some(Kind::Phone) => "phone",
        Some(Kind::Money) => "money",
        Some(Kind::Date) => "date",
        _ => "text",
    };
    Field {
        id: f.id.as_str().into(),
        label: f.label.as_str().into(),
        value: f.value.as_str().into(),
        placeholder: f.placeholder.as_str().into(),
        kind: kind.into(),
        options: strings(&f.options),
        selected: f.selected,
        error: f.error.as_str().into(),
        optional: f.optional,
        focused: matches!(focus, Some(Focus::Field(id)) if *id == f.id),
    }
}

/// Pushes every screen's view into the window's globals.
pub fn render(app: &mut App, w: &AppWindow) {
    let (today, lang) = (app.today(), app.lang);
    let table = app.table.clone();
    w.global::<UiLang>().set_english(lang == Lang::En);

    let a = w.global::<AppAdapter>();
    a.set_page(page_of(app.screen));
    a.set_policy_version(table.version.into());
    a.set_idle_left(i32::try_from(app.idle_left).unwrap_or(0));
    let mut estimate = false;

    // Quote.
    let q = app.quote.view(&table, today, lang);
    let qa = w.global::<QuoteAdapter>();
    qa.set_income(q.income.into());
    qa.set_floor(q.floor.into());
    qa.set_ceiling(q.ceiling.into());
    qa.set_slider(q.slider);
    qa.set_groups(strings(&q.groups));
    qa.set_group(to_i32(app.quote.group));
    qa.set_modes(strings(&q.modes));
    qa.set_mode(to_i32(app.quote.mode));
    qa.set_province(q.province.into());
    qa.set_monthly(lines(&q.monthly));
    qa.set_payment(lines(&q.payment));
    qa.set_net(q.net.into());
    qa.set_net_words(q.net_words.into());
    qa.set_note(q.note.into());
    qa.set_error(q.error.into());
    qa.set_sources(strings(&q.sources));
    if app.screen == Screen::Quote {
        estimate = q.estimate;
    }

    // Pension.
    let p = app.pension.view(&table, today, lang);
    let pa = w.global::<PensionAdapter>();
    pa.set_born_month(format!("{:02}", app.pension.born_month).into());
    pa.set_born_year(app.pension.born_year.to_string().into());
    pa.set_sex(match app.pension.sex {
        Some(ansinh_core::person::Sex::Male) => 0,
        Some(ansinh_core::person::Sex::Female) => 1,
        None => -1,
    });
    pa.set_paid_years(app.pension.paid_years.to_string().into());
    pa.set_paid_months(app.pension.paid_months.to_string().into());
    pa.set_paid_average(p.paid_average.into());
    pa.set_planned(p.planned.into());
    pa.set_poor(app.pension.poor_household);
    pa.set_results(lines(&p.results));
    pa.set_pension(p.pension.into());
    pa.set_pension_words(p.pension_words.into());
    pa.set_eligible(p.eligible);
    pa.set_advice(strings(&p.advice));
    pa.set_bars(model(
        p.bars
            .iter()
            .map(|b| UiBar { label: b.label.as_str().into(), paid: b.paid, received: b.received })
            .collect(),
    ));
    pa.set_chart_max(p.chart_max.into());
    pa.set_chart_note(p.chart_note.into());
    pa.set_error(p.error.into());
    pa.set_sources(strings(&p.sources));
    if app.screen == Screen::Pension {
        estimate = p.estimate;
    }

    // Scenarios.
    let s = app.scenarios.view(&table, today, lang);
    let sa = w.global::<ScenarioAdapter>();
    sa.set_presets(strings(&s.presets));
    sa.set_preset(to_i32(app.scenarios.preset));
    sa.set_born(s.born.into());
    sa.set_sex(if app.scenarios.sex == ansinh_core::person::Sex::Male { 0 } else { 1 });
    sa.set_groups(strings(&s.groups));
    sa.set_group(to_i32(app.scenarios.group));
    sa.set_columns(model(
        s.columns
            .iter()
            .map(|c| UiColumn {
                title: c.title.as_str().into(),
                income: c.income.as_str().into(),
                years: c.years.as_str().into(),
                lines: lines(&c.lines),
                error: c.error.as_str().into(),
            })
            .collect(),
    ));
    sa.set_summary(s.summary.into());
    if app.screen == Screen::Scenarios {
        estimate = s.estimate;
    }

    // Household.
    let h = app.household.view(&table, today, lang);
    let ha = w.global::<HouseholdAdapter>();
    ha.set_members(h.members.into());
    ha.set_periods(strings(&h.periods));
    ha.set_period(to_i32(app.household.period));
    ha.set_rows(model(
        h.rows
            .iter()
            .map(|r| Row4 {
                a: r.order.as_str().into(),
                b: r.share.as_str().into(),
                c: r.monthly.as_str().into(),
                d: r.amount.as_str().into(),
            })
            .collect(),
    ));
    ha.set_total(h.total.into());
    ha.set_total_words(h.total_words.into());
    ha.set_note(h.note.into());
    ha.set_error(h.error.into());
    ha.set_sources(strings(&h.sources));
    if app.screen == Screen::Household {
        estimate = h.estimate;
    }

    // Benefits.
    let b = app.benefits.view(&table, today, lang);
    let ba = w.global::<BenefitsAdapter>();
    ba.set_children(b.children.into());
    ba.set_cards(model(
        b.cards
            .iter()
            .map(|c| UiCard {
                title: c.title.as_str().into(),
                lines: lines(&c.lines),
                note: c.note.as_str().into(),
            })
            .collect(),
    ));
    ba.set_error(b.error.into());
    ba.set_sources(strings(&b.sources));
    if app.screen == Screen::Benefits {
        estimate = b.estimate;
    }

    // Wizard.
    let e = app.enroll.view(&table, today, lang);
    let ea = w.global::<EnrollAdapter>();
    ea.set_started(e.started);
    ea.set_title(e.title.into());
    ea.set_steps(strings(&e.steps));
    ea.set_step(to_i32(e.step));
    ea.set_kind(
        match e.kind {
            Some(StepKind::Members) => "members",
            Some(StepKind::Consent) => "consent",
            Some(StepKind::Review) => "review",
            _ => "fields",
        }
        .into(),
    );
    ea.set_help(e.help.into());
    ea.set_fields(model(e.fields.iter().map(|f| field(f, &app.focus)).collect()));
    ea.set_members(model(
        e.members
            .iter()
            .enumerate()
            .map(|(i, m)| Item {
                code: i.to_string().into(),
                label: m.title.as_str().into(),
                detail: m.detail.as_str().into(),
                error: m.error.as_str().into(),
            })
            .collect(),
    ));
    ea.set_editing_member(e.editing_member);
    ea.set_consent_text(e.consent_text.into());
    ea.set_consent_given(e.consent_given);
    ea.set_reminders(e.reminders);
    ea.set_review(lines(&e.review));
    ea.set_amount(e.amount.into());
    ea.set_amount_words(e.amount_words.into());
    ea.set_banner(e.banner.into());
    ea.set_next_label(e.next_label.into());
    let warning = e.duplicate.unwrap_or_default();
    ea.set_duplicate_title(warning.title.into());
    ea.set_duplicate_text(warning.text.into());
    ea.set_duplicate_confirm(warning.confirm.into());
    ea.set_duplicate_cancel(warning.cancel.into());

    // Done.
    let d = w.global::<DoneAdapter>();
    match &app.done {
        Some((c, scheme)) => {
            d.set_receipt(c.receipt_no.to_string().into());
            d.set_amount(money(c.amount, lang).into());
            d.set_amount_words(words(c.amount, lang).into());
            d.set_scheme(
                match scheme {
                    Scheme::Voluntary => t(lang, "BHXH tự nguyện", "Voluntary social insurance"),
                    Scheme::Household => t(lang, "BHYT hộ gia đình", "Household health insurance"),
                }
                .into(),
            );
            let hex: String = c.record_id.iter().take(4).map(|b| format!("{b:02x}")).collect();
            d.set_record_id(format!("{hex}…").into());
            d.set_collection_point(app.staff.settings.collection_point.as_str().into());
            d.set_print_status(app.print_status.as_str().into());
        }
        None => {
            for set in [
                DoneAdapter::set_receipt,
                DoneAdapter::set_amount,
                DoneAdapter::set_amount_words,
                DoneAdapter::set_scheme,
                DoneAdapter::set_record_id,
                DoneAdapter::set_collection_point,
                DoneAdapter::set_print_status,
            ] {
                set(&d, SharedString::new());
            }
        }
    }

    // Picker.
    let pk = w.global::<PickerAdapter>();
    let (title, items, more) = app.picker_items();
    pk.set_open(app.picker.is_some());
    pk.set_title(title.into());
    pk.set_query(app.picker.as_ref().map(|p| p.query.clone()).unwrap_or_default().into());
    pk.set_items(model(
        items
            .iter()
            .map(|(c, l, d)| Item {
                code: c.as_str().into(),
                label: l.as_str().into(),
                detail: d.as_str().into(),
                error: SharedString::new(),
            })
            .collect(),
    ));
    pk.set_more(
        if more > 0 {
            match lang {
                Lang::Vi => format!("Còn {more} kết quả nữa: gõ thêm để tìm."),
                Lang::En => format!("{more} more: type more to narrow."),
            }
        } else {
            String::new()
        }
        .into(),
    );

    // Keyboard.
    let k = w.global::<KeyboardAdapter>();
    let (label, value) = app.keyboard_target();
    k.set_visible(app.focus.is_some());
    k.set_kind(app.keyboard_kind().into());
    k.set_method(app.method.label().into());
    k.set_shift(app.shift);
    k.set_label(label.into());
    k.set_value(value.into());

    render_staff(app, w);
    a.set_estimate(estimate);
    a.set_device_note(SharedString::new());
}

fn render_staff(app: &mut App, w: &AppWindow) {
    let lang = app.lang;
    let s = w.global::<StaffAdapter>();
    s.set_pin_dots(to_i32(app.staff.pin_typed.len()));
    s.set_message(app.staff.message.as_str().into());
    s.set_locked(app.staff.pin.locked_until(app.now()).is_some());
    s.set_tabs(strings(&[
        t(lang, "Hàng chờ", "Queue").into(),
        t(lang, "Cần xử lý", "Quarantine").into(),
        t(lang, "Cuối ca", "Shift").into(),
        t(lang, "Đến hạn", "Renewals").into(),
        t(lang, "Cài đặt", "Settings").into(),
    ]));
    s.set_tab(to_i32(app.staff.tab));
    if !app.staff.logged_in {
        for set in [StaffAdapter::set_queue, StaffAdapter::set_shift] {
            set(&s, model(Vec::new()));
        }
        s.set_quarantined(model(Vec::new()));
        s.set_renewals(model(Vec::new()));
        s.set_shift_receipts(model(Vec::new()));
        s.set_settings(model(Vec::new()));
        s.set_note(SharedString::new());
        return;
    }
    let now = app.now();
    let mut note: Vec<String> = Vec::new();
    if app.staff.development_pin {
        note.push(
            t(
                lang,
                "Máy đang dùng mã PIN mặc định của bản thử nghiệm: hãy đổi trong Cài đặt.",
                "This device uses the development PIN: change it in Settings.",
            )
            .into(),
        );
    }
    let mut queue = Vec::new();
    match app.store.queue(now) {
        Ok(q) => {
            if q.alarm {
                let days = q.oldest_unsent_age.unwrap_or(0) / 86_400;
                note.push(match lang {
                    Lang::Vi => format!(
                        "CẢNH BÁO: {} hồ sơ đã chờ {days} ngày mà chưa gửi được (quá {} ngày). Hãy đến nơi có mạng và bấm \"Đồng bộ ngay\", hoặc xuất ra USB để nộp.",
                        q.queued + q.sending + q.quarantined,
                        q.alarm_after_days
                    ),
                    Lang::En => format!(
                        "ALARM: {} records have waited {days} days without reaching the server (limit {} days). Find a network and press \"Sync now\", or carry them out on a USB stick.",
                        q.queued + q.sending + q.quarantined,
                        q.alarm_after_days
                    ),
                });
            }
            if let Some(b) = &q.blocked {
                note.push(match lang {
                    Lang::Vi => format!("Máy chủ từ chối máy này ({b}): liên hệ cơ quan thu."),
                    Lang::En => format!("The server refuses this device ({b}): call the office."),
                });
            }
            if q.development_key {
                note.push(t(
                    lang,
                    "Hồ sơ đang được mã hóa bằng khóa thử nghiệm: chưa gửi được đến máy chủ thật.",
                    "Records are sealed to a development key: they cannot reach a real server.",
                )
                .to_string());
            }
            let when = |at: Option<i64>| {
                at.map_or_else(
                    || t(lang, "chưa có", "never").to_string(),
                    |at| format!("{} ({})", date_time(at), ago(now - at, lang)),
                )
            };
            queue.push(Line::new(t(lang, "Chờ gửi", "Queued"), q.queued.to_string()));
            queue.push(Line::new(t(lang, "Đang gửi", "Sending"), q.sending.to_string()));
            queue.push(Line::new(
                t(lang, "Đã gửi xong", "Acknowledged"),
                q.acknowledged.to_string(),
            ));
            queue.push(Line::new(t(lang, "Cần xử lý", "Quarantined"), q.quarantined.to_string()));
            queue.push(Line::new(t(lang, "Đã hủy", "Voided"), q.voided.to_string()));
            queue.push(Line::new(
                t(lang, "Hồ sơ chưa gửi lâu nhất", "Oldest unsent"),
                q.oldest_unsent_age.map_or_else(|| "—".to_string(), |s| ago(s, lang)),
            ));
            queue.push(Line::new(
                t(lang, "Lần cuối máy chủ nhận", "Last acknowledgement"),
                when(q.last_acknowledged_at),
            ));
            queue.push(Line::new(t(lang, "Lần đồng bộ cuối", "Last sync"), when(q.last_sync)));
            queue.push(Line::new(
                t(lang, "Máy chủ", "Server"),
                q.server
                    .clone()
                    .unwrap_or_else(|| t(lang, "chưa đăng ký", "not registered").into()),
            ));
            if let Some(e) = &q.last_error {
                queue.push(Line::new(t(lang, "Lỗi lần gửi trước", "Last failure"), e.clone()));
            }
        }
        Err(e) => app.staff.message = e.message,
    }
    s.set_queue(lines(&queue));
    let quarantined = app.store.quarantined().unwrap_or_default();
    s.set_quarantined(model(
        quarantined
            .iter()
            .map(|r| Item {
                code: r.receipt_no.to_string().into(),
                label: format!(
                    "{} {} — {}",
                    t(lang, "Biên nhận", "Receipt"),
                    r.receipt_no,
                    r.masked_name
                )
                .into(),
                detail: format!("{} · {}", r.scheme, money(r.amount, lang)).into(),
                error: r.reason.as_str().into(),
            })
            .collect(),
    ));
    let mut shift = Vec::new();
    if let Ok(tot) = app.store.shift_totals(app.staff.shift_start) {
        shift.push(Line::new(t(lang, "Số biên nhận", "Receipts"), tot.receipts.to_string()));
        for (scheme, (n, amount)) in &tot.by_scheme {
            shift.push(Line::new(
                format!("{} ({n})", scheme_name(scheme, lang)),
                money(*amount, lang),
            ));
        }
        shift.push(Line::new(
            t(lang, "Hủy", "Voided"),
            format!("{} · {}", tot.voids, money(tot.voided, lang)),
        ));
        shift.push(Line::strong(
            t(lang, "Tiền mặt phải có", "Cash to hand in"),
            money(tot.collected.saturating_sub(tot.voided), lang),
        ));
    }
    s.set_shift(lines(&shift));
    s.set_print_status(app.print_status.as_str().into());
    s.set_shift_receipts(model(
        app.store
            .shift_totals(app.staff.shift_start)
            .map(|tot| tot.list)
            .unwrap_or_default()
            .iter()
            .filter(|r| !r.voided)
            .map(|r| Item {
                code: r.receipt_no.to_string().into(),
                label: format!(
                    "{} {} — {}",
                    t(lang, "Biên lai", "Receipt"),
                    r.receipt_no,
                    r.masked_name
                )
                .into(),
                detail: format!("{} · {}", scheme_name(&r.scheme, lang), money(r.amount, lang))
                    .into(),
                error: SharedString::new(),
            })
            .collect(),
    ));
    let renewals = app.store.renewals_due().unwrap_or_default();
    s.set_renewals(model(
        renewals
            .due
            .iter()
            .map(|r| Item {
                code: SharedString::new(),
                label: r.masked_name.as_str().into(),
                detail: format!(
                    "{} · {} {}{}",
                    scheme_name(&r.scheme, lang),
                    t(lang, "đã đóng đến tháng", "paid until"),
                    month_text(&r.paid_until),
                    r.phone.as_ref().map(|p| format!(" · {p}")).unwrap_or_default()
                )
                .into(),
                error: SharedString::new(),
            })
            .collect(),
    ));
    if let (3, Some(at)) = (app.staff.tab, renewals.fetched_at) {
        note.push(match lang {
            Lang::Vi => format!(
                "Danh sách người sắp hết hạn đóng, tải từ máy chủ lúc {} ({}).",
                date_time(at),
                ago(now - at, lang)
            ),
            Lang::En => format!(
                "People whose paid period ends soon, downloaded at {} ({}).",
                date_time(at),
                ago(now - at, lang)
            ),
        });
    }
    s.set_settings(model(
        SETTING_KEYS
            .iter()
            .map(|k| Field {
                id: (*k).into(),
                label: setting_label(k, lang).into(),
                value: setting_value(&app.staff.settings, k).into(),
                placeholder: t(lang, "Chạm để nhập", "Tap to type").into(),
                kind: "text".into(),
                options: model(Vec::new()),
                selected: -1,
                error: SharedString::new(),
                optional: true,
                focused: app.focus == Some(Focus::Setting(k)),
            })
            .collect(),
    ));
    let mut n = note.join(" ");
    if app.staff.tab == 4 {
        n.push_str(&format!(
            " {} {}.",
            t(lang, "Bảng chính sách", "Policy table"),
            app.table.version
        ));
    }
    s.set_note(n.trim().into());
}

/// The app and its window, shared by the callbacks.
pub struct Kiosk {
    /// The app.
    pub app: RefCell<App>,
    /// Its window.
    pub window: AppWindow,
}

impl Kiosk {
    /// Runs an intent, then redraws.
    pub fn act(&self, f: impl FnOnce(&mut App)) {
        let mut app = self.app.borrow_mut();
        app.activity();
        f(&mut app);
        render(&mut app, &self.window);
    }

    /// The idle timer's tick.
    pub fn tick(&self) {
        let mut app = self.app.borrow_mut();
        if app.tick() {
            render(&mut app, &self.window);
        }
    }

    /// Redraws everything.
    pub fn refresh(&self) {
        render(&mut self.app.borrow_mut(), &self.window);
    }
}

/// Builds the window for `app` and connects every adapter.
pub fn connect(app: App) -> Result<Rc<Kiosk>, slint::PlatformError> {
    let window = AppWindow::new()?;
    let k = Rc::new(Kiosk { app: RefCell::new(app), window });
    let w = &k.window;
    macro_rules! on {
        ($global:ty, $cb:ident, |$app:ident $(, $arg:ident : $ty:ty)*| $body:expr) => {{
            let weak = Rc::downgrade(&k);
            w.global::<$global>().$cb(move |$($arg: $ty),*| {
                if let Some(k) = weak.upgrade() {
                    k.act(|$app| { $body; });
                }
            });
        }};
    }
    on!(AppAdapter, on_navigate, |a, p: Page| a.navigate(screen_of(p)));
    on!(AppAdapter, on_next_customer, |a| a.reset());
    on!(AppAdapter, on_toggle_language, |a| a.toggle_language());
    on!(AppAdapter, on_activity, |_a| {});
    on!(AppAdapter, on_still_here, |_a| {});

    on!(QuoteAdapter, on_slide, |a, pos: i32| {
        let (t, d) = (a.table.clone(), a.today());
        a.quote.slide(&t, d, pos)
    });
    on!(QuoteAdapter, on_step, |a, dir: i32| {
        let (t, d) = (a.table.clone(), a.today());
        a.quote.step(&t, d, dir)
    });
    on!(QuoteAdapter, on_type_income, |a| a.type_income());
    on!(QuoteAdapter, on_pick_group, |a, i: i32| a.quote.group = usize::try_from(i).unwrap_or(0));
    on!(QuoteAdapter, on_pick_mode, |a, i: i32| a.quote.mode = usize::try_from(i).unwrap_or(0));
    on!(QuoteAdapter, on_pick_province, |a| a.open_picker("quote.province"));
    on!(QuoteAdapter, on_enroll, |a| a.enroll_from_quote());

    on!(PensionAdapter, on_step_year, |a, d: i32| {
        let (t, day) = (a.table.clone(), a.today());
        a.pension.step_year(&t, day, d)
    });
    on!(PensionAdapter, on_step_month, |a, d: i32| a.pension.step_month(d));
    on!(PensionAdapter, on_pick_sex, |a, i: i32| a.pension.sex = Some(if i == 0 {
        ansinh_core::person::Sex::Male
    } else {
        ansinh_core::person::Sex::Female
    }));
    on!(PensionAdapter, on_step_paid_years, |a, d: i32| a.pension.step_paid_years(d));
    on!(PensionAdapter, on_step_paid_months, |a, d: i32| a.pension.step_paid_months(d));
    on!(PensionAdapter, on_step_paid_average, |a, d: i32| {
        let (t, day) = (a.table.clone(), a.today());
        a.pension.step_paid_average(&t, day, d)
    });
    on!(PensionAdapter, on_step_planned, |a, d: i32| {
        let (t, day) = (a.table.clone(), a.today());
        a.pension.step_planned(&t, day, d)
    });
    on!(PensionAdapter, on_toggle_poor, |a| a.pension.poor_household = !a.pension.poor_household);

    on!(ScenarioAdapter, on_pick_preset, |a, i: i32| {
        let (t, d) = (a.table.clone(), a.today());
        a.scenarios.preset(&t, d, usize::try_from(i).unwrap_or(0))
    });
    on!(ScenarioAdapter, on_step_born, |a, d: i32| {
        let (t, day) = (a.table.clone(), a.today());
        a.scenarios.step_born(&t, day, d)
    });
    on!(ScenarioAdapter, on_pick_sex, |a, i: i32| a.scenarios.sex =
        if i == 0 { ansinh_core::person::Sex::Male } else { ansinh_core::person::Sex::Female });
    on!(ScenarioAdapter, on_pick_group, |a, i: i32| a.scenarios.group =
        usize::try_from(i).unwrap_or(0));
    on!(ScenarioAdapter, on_step_income, |a, col: i32, d: i32| {
        let (t, day) = (a.table.clone(), a.today());
        a.scenarios.step_income(&t, day, usize::try_from(col).unwrap_or(0), d)
    });
    on!(ScenarioAdapter, on_step_years, |a, col: i32, d: i32| a
        .scenarios
        .step_years(usize::try_from(col).unwrap_or(0), d));

    on!(HouseholdAdapter, on_step_members, |a, d: i32| a.household.step_members(d));
    on!(HouseholdAdapter, on_pick_period, |a, i: i32| a.household.period =
        usize::try_from(i).unwrap_or(2));
    on!(HouseholdAdapter, on_enroll, |a| a.enroll_household());

    on!(BenefitsAdapter, on_step_children, |a, d: i32| a.benefits.step_children(d));

    on!(EnrollAdapter, on_start, |a, i: i32| a.enroll.start(if i == 1 {
        Scheme::Household
    } else {
        Scheme::Voluntary
    }));
    on!(EnrollAdapter, on_field_tapped, |a, id: SharedString| a.tap_field(&id));
    on!(EnrollAdapter, on_choose, |a, id: SharedString, i: i32| {
        a.focus = None;
        let d = a.today();
        a.enroll.choose(&id, usize::try_from(i).unwrap_or(0), d)
    });
    on!(EnrollAdapter, on_next, |a| a.enroll_next());
    on!(EnrollAdapter, on_back, |a| a.enroll_back());
    on!(EnrollAdapter, on_goto, |a, i: i32| a.enroll.goto(usize::try_from(i).unwrap_or(0)));
    on!(EnrollAdapter, on_add_member, |a| a.enroll.add_member());
    on!(EnrollAdapter, on_edit_member, |a, i: i32| a
        .enroll
        .edit_member(usize::try_from(i).unwrap_or(0)));
    on!(EnrollAdapter, on_remove_member, |a, i: i32| a
        .enroll
        .remove_member(usize::try_from(i).unwrap_or(0)));
    on!(EnrollAdapter, on_consent, |a, yes: bool| {
        let now = a.now();
        a.enroll.consent(yes, now)
    });
    on!(EnrollAdapter, on_reminders_changed, |a, yes: bool| a.enroll.set_reminders(yes));
    on!(EnrollAdapter, on_confirm_duplicate, |a| a.enroll_confirm_duplicate());
    on!(EnrollAdapter, on_cancel_duplicate, |a| a.enroll_cancel_duplicate());

    on!(PickerAdapter, on_pick, |a, code: SharedString| a.pick(&code));
    on!(PickerAdapter, on_close, |a| a.close_picker());
    on!(PickerAdapter, on_search_tapped, |a| a.focus = Some(Focus::PickerSearch));

    on!(KeyboardAdapter, on_key, |a, s: SharedString| a.key(&s));
    on!(KeyboardAdapter, on_backspace, |a| a.backspace());
    on!(KeyboardAdapter, on_space, |a| a.space());
    on!(KeyboardAdapter, on_done, |a| {
        a.keyboard_done();
        a.focus = None
    });
    on!(KeyboardAdapter, on_next_method, |a| a.next_method());
    on!(KeyboardAdapter, on_toggle_shift, |a| a.shift = !a.shift);

    on!(StaffAdapter, on_login, |a| a.key(""));
    on!(StaffAdapter, on_pick_tab, |a, i: i32| {
        a.focus = None;
        a.staff.message.clear();
        a.staff.tab = usize::try_from(i).unwrap_or(0)
    });
    on!(StaffAdapter, on_release, |a, code: SharedString| a.release(&code));
    on!(StaffAdapter, on_save, |a| a.save_settings());
    on!(StaffAdapter, on_field_tapped, |a, id: SharedString| a.tap_setting(&id));
    on!(StaffAdapter, on_change_pin, |a| a.change_pin());
    on!(StaffAdapter, on_logout, |a| a.logout());
    on!(StaffAdapter, on_new_shift, |a| a.new_shift());
    on!(StaffAdapter, on_sync_now, |a| a.sync_now());
    on!(StaffAdapter, on_reprint, |a, code: SharedString| a.reprint(&code));
    k.refresh();
    Ok(k)
}
