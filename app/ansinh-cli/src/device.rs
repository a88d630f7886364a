//! Subcommands that work on a device's data directory: the outbox as staff see it.

use ansinh_core::money::Amount;
use ansinh_device::clock::{Clock, SystemClock};
use ansinh_device::{DataDir, KeySource};
use ansinh_outbox::{Row, State, Stats};
use ansinh_text::{Locale, tr};
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use std::fmt::Write;
use std::path::PathBuf;

use crate::input::shell_word;
use crate::staff::{StaffArgs, act};
use crate::{Failure, Outcome};

/// Seconds since the Unix epoch, from the system clock (the one place the CLI reads it).
pub(crate) fn now() -> i64 {
    SystemClock.now()
}

#[derive(Args)]
pub(crate) struct QueueArgs {
    /// The device's data directory.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    action: Option<QueueAction>,
    #[command(flatten)]
    staff: StaffArgs,
}

#[derive(Subcommand)]
enum QueueAction {
    /// Check the database and that every record is intact and decodes (exit 1 on a problem).
    Verify,
    /// Remove the personal data of records the server acknowledged more than N days ago,
    /// keeping their amounts, journal and a non-personal audit line.
    Purge {
        /// Days an acknowledged record is kept in full (e.g. for reprinting a receipt).
        #[arg(long, default_value = "30")]
        retention_days: String,
    },
    /// Put a quarantined record back in the queue to be tried again.
    Release {
        /// Receipt number.
        #[arg(long)]
        receipt: i64,
    },
}

#[derive(Args)]
pub(crate) struct ProvisionArgs {
    /// The device's data directory.
    #[arg(long)]
    data_dir: PathBuf,
    /// The collection server's sealing key: 64 hex digits, as `ansinh-hub` prints it.
    #[arg(long)]
    sealing_key: String,
}

pub(crate) fn provision(a: &ProvisionArgs, lang: Locale) -> Result<Outcome, Failure> {
    let key = ansinh_wire::SealingKey::from_hex(&a.sealing_key).map_err(|_| {
        Failure::Input(crate::input::InputError {
            field: "sealing-key".into(),
            code: "invalid_key",
            message: tr!(lang, "cli-provision-invalid-key").into(),
        })
    })?;
    let data = DataDir::open(&a.data_dir).map_err(|e| Failure::Other(e.into()))?;
    data.provision_sealing_key(&key).map_err(|e| Failure::Other(e.into()))?;
    let msg = tr!(lang, "cli-provisioned", dir = a.data_dir.display().to_string());
    Ok(Outcome::Done(json!({"key_source": "provisioned", "sealing_key": key.to_hex()}), msg))
}

#[derive(Args)]
pub(crate) struct VoidArgs {
    /// The device's data directory.
    #[arg(long)]
    data_dir: PathBuf,
    /// Receipt number of the record to void (only before it is uploaded).
    #[arg(long)]
    receipt: i64,
    /// Why (kept in the audit trail and on the shift report).
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    staff: StaffArgs,
}

#[derive(Args)]
pub(crate) struct ClockArgs {
    /// The device's data directory.
    #[arg(long)]
    data_dir: PathBuf,
    /// A clerk confirms that the date and time the device shows are right (audited; their
    /// PIN as for `void`).
    #[arg(long)]
    confirm: bool,
    #[command(flatten)]
    staff: StaffArgs,
}

/// Refused (exit 2) while the device does not trust its clock: the message says what is
/// wrong, both dates and how a clerk confirms. `enqueue` asks before committing.
pub(crate) fn check_clock(
    outbox: &ansinh_outbox::Outbox,
    dir: &std::path::Path,
    lang: Locale,
) -> Result<(), Failure> {
    let trust =
        ansinh_device::clock::trust(outbox, &SystemClock).map_err(|e| Failure::Other(e.into()))?;
    let Some(trusted) = trust.trusted_time() else {
        return Ok(());
    };
    let drifted = matches!(trust, ansinh_device::clock::ClockTrust::Drifted { .. });
    let how = tr!(lang, "clock-confirm-cli", dir = shell_word(dir));
    Err(Failure::Input(crate::input::InputError {
        field: "data-dir".into(),
        code: "clock_untrusted",
        message: ansinh_text::clock_untrusted(lang, drifted, now(), trusted, &how),
    }))
}

pub(crate) fn clock(a: &ClockArgs, lang: Locale) -> Result<Outcome, Failure> {
    let (mut outbox, _, _) = open(&a.data_dir)?;
    let device = ansinh_text::time_vn(now());
    if !a.confirm {
        check_clock(&outbox, &a.data_dir, lang)?;
        let msg = tr!(lang, "clock-trusted", device = device.as_str());
        return Ok(Outcome::Done(json!({"trusted": true, "now": now()}), msg));
    }
    act(&mut outbox, &a.staff, lang)?;
    // A device without accounts has no clerk yet: whoever runs the command answers for it,
    // as for the other staff commands.
    let accounts = outbox.accounts().map_err(|e| Failure::Other(e.into()))?;
    let is_clerk = accounts.is_empty()
        || accounts
            .iter()
            .any(|x| x.code == outbox.actor() && x.role == ansinh_outbox::Role::Clerk);
    if !is_clerk {
        return Err(Failure::Input(crate::input::InputError {
            field: "agent".into(),
            code: "clerk_only",
            message: tr!(lang, "clock-confirm-clerk-only").into(),
        }));
    }
    ansinh_device::clock::confirm(&mut outbox, &SystemClock)
        .map_err(|e| Failure::Other(e.into()))?;
    let msg = tr!(lang, "clock-confirmed", device = device.as_str());
    Ok(Outcome::Done(json!({"trusted": true, "confirmed": true, "now": now()}), msg))
}

fn state_label(s: State, lang: Locale) -> &'static str {
    match s {
        State::Queued => tr!(lang, "cli-state-queued"),
        State::Sending => tr!(lang, "cli-state-sending"),
        State::Acknowledged => tr!(lang, "cli-state-acknowledged"),
        State::Quarantined => tr!(lang, "cli-state-quarantined"),
        State::Voided => tr!(lang, "cli-state-voided"),
    }
}

fn row_json(r: &Row) -> Value {
    json!({
        "receipt_no": r.receipt_no,
        "record_id": hex::encode(r.record_id),
        "state": r.state.as_str(),
        "scheme": r.summary.scheme,
        "mode": r.summary.mode,
        "amount": r.summary.amount,
        "gross": r.summary.gross,
        "support_national": r.summary.support_national,
        "support_local": r.summary.support_local,
        "masked_name": r.summary.masked_name,
        "policy_version": r.summary.policy_version,
        "created_at": r.created_at,
        "attempts": r.attempts,
        "last_error": r.last_error,
        "quarantine_reason": r.quarantine_reason,
        "void_reason": r.void_reason,
        "acknowledged_at": r.acknowledged_at,
        "corrects": r.corrects.map(hex::encode),
        "purged": r.purged,
    })
}

fn stats_json(s: &Stats) -> Value {
    json!({
        "queued": s.queued, "sending": s.sending, "acknowledged": s.acknowledged,
        "quarantined": s.quarantined, "voided": s.voided, "unsent": s.unsent(),
        "oldest_unsent_age_secs": s.oldest_unsent_age, "last_acknowledged_at": s.last_acknowledged_at,
    })
}

fn age(secs: i64, lang: Locale) -> String {
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    tr!(lang, "cli-age", days = d, hours = h, minutes = m)
}

/// Outbox refusals that are the staff member's input, named by field; the rest are failures.
fn staff_error(e: ansinh_outbox::Error, receipt: i64, lang: Locale) -> Failure {
    let (field, code, message) = match &e {
        ansinh_outbox::Error::NotFound(_) => {
            ("receipt", "receipt_not_found", tr!(lang, "cli-print-no-receipt", receipt = receipt))
        }
        ansinh_outbox::Error::WrongState { state, .. } => (
            "receipt",
            "wrong_state",
            tr!(lang, "cli-staff-wrong-state", receipt = receipt, state = state.to_string()),
        ),
        ansinh_outbox::Error::ReasonRequired => {
            ("reason", "missing_argument", tr!(lang, "cli-staff-reason-required").to_string())
        }
        _ => return Failure::Other(e.into()),
    };
    Failure::Input(crate::input::InputError { field: field.into(), code, message })
}

fn open(dir: &PathBuf) -> Result<(ansinh_outbox::Outbox, KeySource, DataDir), Failure> {
    let data = DataDir::open(dir).map_err(|e| Failure::Other(e.into()))?;
    let (outbox, source) = data.outbox().map_err(|e| Failure::Other(e.into()))?;
    Ok((outbox, source, data))
}

pub(crate) fn queue(a: &QueueArgs, lang: Locale) -> Result<Outcome, Failure> {
    let Some(dir) = &a.data_dir else {
        return Err(crate::input::Parse(lang).required("data-dir").into());
    };
    match a.action {
        None => list(dir, lang),
        Some(QueueAction::Verify) => verify(dir, lang),
        Some(QueueAction::Purge { ref retention_days }) => {
            let days = crate::input::Parse(lang).count("retention-days", retention_days)?;
            let (mut outbox, _, _) = open(dir)?;
            let n = outbox
                .purge_acknowledged(i64::from(days) * 86_400, now())
                .map_err(|e| Failure::Other(e.into()))?;
            let msg = tr!(lang, "cli-queue-purged", records = n, days = days);
            Ok(Outcome::Done(json!({"purged": n, "retention_days": days}), msg))
        }
        Some(QueueAction::Release { receipt }) => {
            let (mut outbox, _, _) = open(dir)?;
            act(&mut outbox, &a.staff, lang)?;
            outbox.release(receipt, now()).map_err(|e| staff_error(e, receipt, lang))?;
            let msg = tr!(lang, "staff-released", receipt = receipt);
            Ok(Outcome::Done(json!({"receipt_no": receipt, "state": "queued"}), msg))
        }
    }
}

fn list(dir: &PathBuf, lang: Locale) -> Result<Outcome, Failure> {
    let (outbox, source, _) = open(dir)?;
    let now = now();
    let stats = outbox.stats(now).map_err(|e| Failure::Other(e.into()))?;
    let rows = outbox.list(None).map_err(|e| Failure::Other(e.into()))?;
    let value = json!({
        "key_source": source,
        "counts": stats_json(&stats),
        "records": rows.iter().map(row_json).collect::<Vec<_>>(),
    });
    let mut o = String::new();
    let _ = writeln!(o, "{}", tr!(lang, "cli-queue-heading", dir = dir.display().to_string()));
    if source == KeySource::Development {
        let _ = writeln!(o, "{}", tr!(lang, "cli-queue-development-key"));
    }
    let _ = writeln!(
        o,
        "{}",
        tr!(
            lang,
            "cli-queue-counts",
            queued = stats.queued,
            sending = stats.sending,
            acknowledged = stats.acknowledged,
            quarantined = stats.quarantined,
            voided = stats.voided
        )
    );
    if let Some(a) = stats.oldest_unsent_age {
        let _ = writeln!(o, "{}", tr!(lang, "cli-queue-oldest", age = age(a, lang)));
    }
    for r in &rows {
        let state = state_label(r.state, lang);
        let _ = writeln!(
            o,
            "{:>6}  {:<13} {:<15} {:<11} {:>14}  {}{}",
            r.receipt_no,
            state,
            r.summary.scheme,
            r.summary.mode,
            Amount(r.summary.amount, lang.core()).to_string(),
            r.summary.masked_name,
            r.quarantine_reason
                .as_deref()
                .or(r.void_reason.as_deref())
                .map(|x| format!("  ({x})"))
                .unwrap_or_default()
        );
    }
    Ok(Outcome::Done(value, o))
}

pub(crate) fn void(a: &VoidArgs, lang: Locale) -> Result<Outcome, Failure> {
    let (mut outbox, _, _) = open(&a.data_dir)?;
    act(&mut outbox, &a.staff, lang)?;
    outbox.void(a.receipt, &a.reason, now()).map_err(|e| staff_error(e, a.receipt, lang))?;
    let msg = tr!(lang, "cli-voided", receipt = a.receipt, reason = a.reason.as_str());
    Ok(Outcome::Done(json!({"receipt_no": a.receipt, "state": "voided", "reason": a.reason}), msg))
}

fn verify(dir: &PathBuf, lang: Locale) -> Result<Outcome, Failure> {
    let (outbox, source, data) = open(dir)?;
    // With a development key the records are opened and decoded; with a server key only the
    // server can open them, and the device checks they are unchanged since commit.
    let key = data.dev_opening_key().map_err(|e| Failure::Other(e.into()))?;
    let report = outbox
        .verify(key.as_ref(), |plain| {
            ansinh_enrollment::envelope::decode(plain).map(|_| ()).map_err(|e| e.to_string())
        })
        .map_err(|e| Failure::Other(e.into()))?;
    let value = json!({
        "ok": report.is_ok(),
        "integrity": report.integrity,
        "records": report.records,
        "opened_and_decoded": report.opened,
        "key_source": source,
        "problems": report.problems,
    });
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}",
        tr!(
            lang,
            "cli-verify-checked",
            dir = dir.display().to_string(),
            records = report.records,
            opened = report.opened
        )
    );
    for p in &report.problems {
        let _ = writeln!(o, "  - {p}");
    }
    let _ = write!(
        o,
        "{}",
        if report.is_ok() { tr!(lang, "cli-verify-ok") } else { tr!(lang, "cli-verify-problems") }
    );
    if report.is_ok() { Ok(Outcome::Done(value, o)) } else { Ok(Outcome::Failed(value, o)) }
}
