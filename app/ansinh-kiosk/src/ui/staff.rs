//! The staff pages: login (first boot, the account picked, the PIN), queue and sync status,
//! quarantine, end of shift, renewals, settings and accounts. `render` draws only the staff global; `connect` forwards its callbacks to the
//! app's intents.
#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::rc::Rc;

use ansinh_ui::{AppWindow, Field, Item, StaffAdapter};
use slint::{ComponentHandle, SharedString};

use super::{Kiosk, lines, model, strings, to_i32};
use crate::app::App;
use crate::controllers::keyboard::Focus;
use crate::controllers::staff::{
    ACCOUNT_KEYS, LoginStep, SETTING_KEYS, account_label, blocked_note, setting_label,
    setting_value,
};
use crate::store::QueueStatus;
use crate::text::{Line, Locale, ago, date_time, money, month_text, scheme_name, tr};
use ansinh_outbox::Role;

/// What the last sync did and when the next automatic try is: "sent N, M still unsent", and
/// the time queued records are tried again ("now" when one is due). Quarantined records are
/// not tried automatically, so with only those left no time is shown.
fn sync_outcome(q: &QueueStatus, now: i64, lang: Locale) -> Vec<Line> {
    let mut lines = Vec::new();
    if let Some(sent) = q.last_sent {
        lines.push(Line::new(
            tr!(lang, "staff-last-sync-outcome"),
            tr!(lang, "staff-sent-and-unsent", sent = sent, unsent = q.stats.unsent()),
        ));
    }
    if let Some(at) = q.sync.next_attempt_at {
        let when =
            if at <= now { tr!(lang, "staff-next-try-now").to_string() } else { date_time(at) };
        lines.push(Line::new(tr!(lang, "staff-next-try"), when));
    }
    lines
}

/// Draws the staff pages.
pub(super) fn render(app: &mut App, w: &AppWindow) {
    let lang = app.lang;
    let s = w.global::<StaffAdapter>();
    s.set_pin_dots(to_i32(app.staff.pin_len()));
    s.set_message(app.staff.message().into());
    s.set_locked(app.staff.locked_until(app.now()).is_some());
    let mut tabs: Vec<String> = vec![
        tr!(lang, "staff-queue").into(),
        tr!(lang, "staff-quarantine").into(),
        tr!(lang, "staff-shift").into(),
        tr!(lang, "staff-renewals").into(),
        tr!(lang, "staff-settings").into(),
    ];
    if !app.staff.development() {
        tabs.push(tr!(lang, "staff-accounts").into());
    }
    s.set_tabs(strings(&tabs));
    s.set_tab(to_i32(app.staff.tab()));
    render_accounts(app, &s);
    if !app.staff.logged_in() {
        for set in [StaffAdapter::set_queue, StaffAdapter::set_shift] {
            set(&s, model(Vec::new()));
        }
        s.set_quarantined(model(Vec::new()));
        s.set_renewals(model(Vec::new()));
        s.set_shift_receipts(model(Vec::new()));
        s.set_settings(model(Vec::new()));
        s.set_note(SharedString::new());
        s.set_clock_untrusted(false);
        return;
    }
    let now = app.now();
    let mut note: Vec<String> = Vec::new();
    if app.staff.development_pin() {
        note.push(tr!(lang, "staff-development-pin").into());
    }
    if !app.staff.shift_owner().is_empty() {
        note.push(tr!(
            lang,
            "staff-logged-in-as",
            name = app.staff.agent_name(),
            code = app.staff.shift_owner()
        ));
    }
    let trust = app.clock_trust();
    s.set_clock_untrusted(!trust.is_trusted());
    if !trust.is_trusted() {
        note.push(super::clock_note(app, trust));
    }
    let mut queue = Vec::new();
    match app.store.queue(now) {
        Ok(q) => {
            if q.sync.alarm {
                let days = q.stats.oldest_unsent_age.unwrap_or(0) / 86_400;
                note.push(tr!(
                    lang,
                    "staff-alarm",
                    records = q.stats.unsent(),
                    days = days,
                    limit = q.alarm_after_days
                ));
            }
            if let Some(b) = &q.sync.blocked {
                note.push(blocked_note(b, lang));
            }
            if q.development_key {
                note.push(tr!(lang, "staff-development-key").to_string());
            }
            let when = |at: Option<i64>| {
                at.map_or_else(
                    || tr!(lang, "staff-never").to_string(),
                    |at| format!("{} ({})", date_time(at), ago(now - at, lang)),
                )
            };
            queue.push(Line::new(tr!(lang, "staff-queued"), q.stats.queued.to_string()));
            queue.push(Line::new(tr!(lang, "staff-sending"), q.stats.sending.to_string()));
            queue
                .push(Line::new(tr!(lang, "staff-acknowledged"), q.stats.acknowledged.to_string()));
            queue.push(Line::new(tr!(lang, "staff-quarantined"), q.stats.quarantined.to_string()));
            queue.push(Line::new(tr!(lang, "staff-voided"), q.stats.voided.to_string()));
            queue.push(Line::new(
                tr!(lang, "staff-oldest-unsent"),
                q.stats.oldest_unsent_age.map_or_else(|| "—".to_string(), |s| ago(s, lang)),
            ));
            queue.push(Line::new(
                tr!(lang, "staff-last-acknowledgement"),
                when(q.stats.last_acknowledged_at),
            ));
            queue.push(Line::new(tr!(lang, "staff-last-sync"), when(q.sync.last_sync)));
            queue.extend(sync_outcome(&q, now, lang));
            queue.push(Line::new(
                tr!(lang, "staff-server"),
                q.server.clone().unwrap_or_else(|| tr!(lang, "staff-not-registered").into()),
            ));
            if let Some(e) = &q.sync.last_error {
                queue.push(Line::new(tr!(lang, "staff-last-failure"), e.clone()));
            }
        }
        Err(e) => app.staff.tell(e.message),
    }
    queue.push(Line::new(tr!(lang, "staff-speech"), app.read_aloud.status(lang)));
    queue.extend(app.update_line());
    let (policy_notes, policy_lines) = app.policy_status();
    note.extend(policy_notes);
    queue.extend(policy_lines);
    s.set_queue(lines(&queue));
    let quarantined = app.store.quarantined().unwrap_or_default();
    s.set_quarantined(model(
        quarantined
            .iter()
            .map(|r| Item {
                code: r.receipt_no.to_string().into(),
                label: format!(
                    "{} {} — {}",
                    tr!(lang, "staff-quarantined-receipt"),
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
    // Until the next second: a receipt committed this second is in the shift.
    let report = app.store.shift_report(
        app.staff.shift_owner(),
        app.staff.shift_start(),
        now.saturating_add(1),
    );
    if let Ok(r) = &report {
        shift.push(Line::new(tr!(lang, "staff-shift-receipts"), r.collected.count.to_string()));
        for (scheme, tally) in &r.by_scheme {
            shift.push(Line::new(
                format!("{} ({})", scheme_name(scheme, lang), tally.count),
                money(tally.amount, lang),
            ));
        }
        shift.push(Line::new(
            tr!(lang, "staff-shift-voided"),
            format!("{} · {}", r.voids.len(), money(r.voided(), lang)),
        ));
        shift
            .push(Line::strong(tr!(lang, "staff-cash-to-hand-in"), money(r.cash_to_hand_in, lang)));
    }
    s.set_shift(lines(&shift));
    s.set_print_status(app.printing.staff_status().into());
    // The receipts of the shift that may be reprinted (not voided), newest first.
    let lines_of = report.map(|r| r.lines).unwrap_or_default();
    let voided = |no: i64| lines_of.iter().any(|j| j.receipt_no == no && j.kind == "void");
    s.set_shift_receipts(model(
        lines_of
            .iter()
            .rev()
            .filter(|j| j.kind == "collect" && !voided(j.receipt_no))
            .map(|j| Item {
                code: j.receipt_no.to_string().into(),
                label: format!(
                    "{} {} — {}",
                    tr!(lang, "staff-shift-receipt"),
                    j.receipt_no,
                    j.summary.masked_name
                )
                .into(),
                detail: format!(
                    "{} · {}",
                    scheme_name(&j.summary.scheme, lang),
                    money(j.amount, lang)
                )
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
                    tr!(lang, "staff-paid-until"),
                    month_text(&r.paid_until),
                    r.phone.as_ref().map(|p| format!(" · {p}")).unwrap_or_default()
                )
                .into(),
                error: SharedString::new(),
            })
            .collect(),
    ));
    if let (3, Some(at)) = (app.staff.tab(), renewals.fetched_at) {
        note.push(tr!(
            lang,
            "staff-renewals-fetched",
            at = date_time(at),
            ago = ago(now - at, lang)
        ));
    }
    s.set_settings(model(
        SETTING_KEYS
            .iter()
            .map(|k| Field {
                id: (*k).into(),
                label: setting_label(k, lang).into(),
                value: setting_value(app.staff.settings(), k).into(),
                placeholder: tr!(lang, "enroll-tap-to-type").into(),
                kind: "text".into(),
                options: model(Vec::new()),
                selected: -1,
                error: SharedString::new(),
                optional: true,
                focused: app.keyboard.focus() == Some(&Focus::Setting(k)),
            })
            .collect(),
    ));
    let mut n = note.join(" ");
    if app.staff.tab() == 4 {
        n.push_str(&format!(" {} {}.", tr!(lang, "staff-policy-table"), app.table.version));
    }
    s.set_note(n.trim().into());
}

/// The login step, the accounts and the new account's fields.
fn render_accounts(app: &App, s: &StaffAdapter) {
    let lang = app.lang;
    s.set_login_step(
        match app.staff.step() {
            LoginStep::DevicePin => "device-pin",
            LoginStep::FirstBoot => "first-boot",
            LoginStep::Choose => "choose",
            LoginStep::Pin => "pin",
            LoginStep::NewPin => "new-pin",
        }
        .into(),
    );
    s.set_agent_name(app.staff.agent_name().into());
    s.set_clerk(app.staff.is_clerk());
    let now = app.now();
    s.set_accounts(model(
        app.staff
            .accounts()
            .iter()
            .map(|a| {
                let role = match a.role {
                    Role::Agent => tr!(lang, "staff-role-agent"),
                    Role::Clerk => tr!(lang, "staff-role-clerk"),
                };
                let mut detail = format!("{} · {role}", a.code);
                if a.pin_hash.is_none() {
                    detail = format!("{detail} · {}", tr!(lang, "staff-account-needs-pin"));
                }
                if a.lock.locked_until.is_some_and(|u| u > now) {
                    detail = format!("{detail} · {}", tr!(lang, "staff-account-locked"));
                }
                Item {
                    code: a.code.as_str().into(),
                    label: a.name.as_str().into(),
                    detail: detail.into(),
                    error: SharedString::new(),
                }
            })
            .collect(),
    ));
    s.set_roles(strings(&[
        tr!(lang, "staff-role-agent").into(),
        tr!(lang, "staff-role-clerk").into(),
    ]));
    s.set_account_clerk(app.staff.form().clerk);
    let form = app.staff.form();
    s.set_account_form(model(
        ACCOUNT_KEYS
            .iter()
            .map(|k| {
                let value = form.value(k);
                let shown =
                    if k.starts_with("pin") { "•".repeat(value.len()) } else { value.into() };
                Field {
                    id: (*k).into(),
                    label: account_label(k, lang).into(),
                    value: shown.into(),
                    placeholder: tr!(lang, "enroll-tap-to-type").into(),
                    kind: "text".into(),
                    options: model(Vec::new()),
                    selected: -1,
                    error: SharedString::new(),
                    optional: false,
                    focused: app.keyboard.focus() == Some(&Focus::Account(k)),
                }
            })
            .collect(),
    ));
}

/// Connects the staff callbacks.
pub(super) fn connect(k: &Rc<Kiosk>) {
    on!(k, StaffAdapter, on_login, |a| a.key(""));
    on!(k, StaffAdapter, on_pick_tab, |a, i: i32| a.staff_tab(usize::try_from(i).unwrap_or(0)));
    on!(k, StaffAdapter, on_release, |a, code: SharedString| a.release(&code));
    on!(k, StaffAdapter, on_save, |a| a.save_settings());
    on!(k, StaffAdapter, on_field_tapped, |a, id: SharedString| a.tap_setting(&id));
    on!(k, StaffAdapter, on_change_pin, |a| a.change_pin());
    on!(k, StaffAdapter, on_logout, |a| a.logout());
    on!(k, StaffAdapter, on_new_shift, |a| a.new_shift());
    on!(k, StaffAdapter, on_sync_now, |a| a.sync_now());
    on!(k, StaffAdapter, on_confirm_clock, |a| a.confirm_clock());
    on!(k, StaffAdapter, on_reprint, |a, code: SharedString| a.reprint(&code));
    on!(k, StaffAdapter, on_choose_account, |a, code: SharedString| a.choose_account(&code));
    on!(k, StaffAdapter, on_choose_again, |a| a.choose_again());
    on!(k, StaffAdapter, on_account_field_tapped, |a, id: SharedString| a.tap_account_field(&id));
    on!(k, StaffAdapter, on_account_role, |a, clerk: bool| a.account_clerk(clerk));
    on!(k, StaffAdapter, on_create_account, |a| a.create_account());
    on!(k, StaffAdapter, on_reset_pin, |a, code: SharedString| a.reset_pin(&code));
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_outbox::Stats;
    use ansinh_uploader::SyncStatus;

    const NOW: i64 = 1_795_316_400; // 22/11/2026 10:00 in Viet Nam

    fn status(last_sent: Option<usize>, queued: i64, next: Option<i64>) -> QueueStatus {
        QueueStatus {
            stats: Stats { queued, quarantined: 1, ..Stats::default() },
            sync: SyncStatus { next_attempt_at: next, ..SyncStatus::default() },
            last_sent,
            ..QueueStatus::default()
        }
    }

    fn shown(lines: &[Line]) -> Vec<(String, String)> {
        lines.iter().map(|l| (l.label.clone(), l.value.clone())).collect()
    }

    #[test]
    fn after_a_sync_staff_see_what_was_sent_what_is_left_and_the_next_try() {
        let vi = Locale::default();
        let lines = sync_outcome(&status(Some(3), 2, Some(NOW + 25 * 60)), NOW, vi);
        assert_eq!(
            shown(&lines),
            vec![
                ("Lần đồng bộ vừa rồi".into(), "đã gửi 3, còn 3 chưa gửi".into()),
                ("Lần tự động gửi tiếp theo".into(), "22/11/2026 10:25".into()),
            ]
        );
        let due = sync_outcome(&status(Some(0), 2, Some(NOW - 5)), NOW, vi);
        assert_eq!(due[1].value, "ngay bây giờ");
        // Only quarantined records left: nothing is tried automatically, no time is shown.
        let quarantined = sync_outcome(&status(Some(2), 0, None), NOW, vi);
        assert_eq!(shown(&quarantined).len(), 1);
        // Before the worker's first sync, nothing is claimed.
        assert!(sync_outcome(&status(None, 0, None), NOW, vi).is_empty());
    }
}
