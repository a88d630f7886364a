//! `ansinh register`, `sync`, `export`, `import-ack` and `renewals`: thin wrappers over
//! `ansinh-uploader`, with output for people and `--json` for programs.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use ansinh_device::{DataDir, KeySource};
use ansinh_text::{Locale, tr};
use ansinh_uploader::plan::RetryPolicy;
use clap::Args;
use serde_json::json;

use crate::device::now;
use crate::input::{InputError, Parse, shell_word};
use crate::staff::{StaffArgs, act};
use crate::{Failure, Outcome};

#[derive(Args)]
pub(crate) struct RegisterArgs {
    /// The device's data directory.
    #[arg(long)]
    data_dir: PathBuf,
    /// The collection server's address: `https://` and its host name (plain `http://` only
    /// to this machine).
    #[arg(long)]
    server: String,
    /// The one-time token created on the server (`ansinh-hub token`): SECRET.FINGERPRINT, the
    /// fingerprint of the server's keys the device checks.
    #[arg(long)]
    token: String,
    /// The server's private certificate authority (PEM), when its certificate is not from a
    /// public one; kept and trusted for this server alone from then on.
    #[arg(long)]
    ca_file: Option<PathBuf>,
    /// A label for the server's staff (the collection point's name).
    #[arg(long)]
    label: String,
}

#[derive(Args)]
pub(crate) struct SyncArgs {
    /// The device's data directory.
    #[arg(long)]
    data_dir: PathBuf,
    #[command(flatten)]
    staff: StaffArgs,
}

#[derive(Args)]
pub(crate) struct ExportArgs {
    /// The device's data directory.
    #[arg(long)]
    data_dir: PathBuf,
    /// Where to write: a folder (the USB stick) gets a new bundle named for the device and the
    /// time; a file name is written as given.
    #[arg(long)]
    to: PathBuf,
    #[command(flatten)]
    staff: StaffArgs,
}

#[derive(Args)]
pub(crate) struct ImportAckArgs {
    /// The device's data directory.
    #[arg(long)]
    data_dir: PathBuf,
    /// The acknowledgement file the server wrote next to the bundle (BUNDLE.ack), or a folder
    /// (the USB stick): every acknowledgement for this device in it.
    file: PathBuf,
}

#[derive(Args)]
pub(crate) struct RenewalsArgs {
    /// The device's data directory.
    #[arg(long)]
    data_dir: PathBuf,
    /// Participants whose paid period ends within this many days.
    #[arg(long, default_value = "30")]
    within_days: String,
    /// Show the list last downloaded, without the network.
    #[arg(long)]
    offline: bool,
}

fn other(e: impl Into<anyhow::Error>) -> Failure {
    Failure::Other(e.into())
}

fn data(dir: &PathBuf) -> Result<DataDir, Failure> {
    DataDir::open(dir).map_err(other)
}

/// A device that has not registered yet is missing setup, not failing (exit 2): the message
/// gives the one command that fixes it, with this data directory and `register`'s options.
fn not_registered(dir: &Path, lang: Locale) -> Failure {
    let command =
        format!("ansinh register --data-dir {} --server URL --token TOKEN", shell_word(dir));
    Failure::Input(InputError {
        field: "data-dir".into(),
        code: "not_registered",
        message: tr!(lang, "cli-not-registered", command = command),
    })
}

/// An uploader error: not being registered is the one the user fixes with a command; another
/// process sending (the kiosk) is said in the user's language (it passes: try again later).
fn delivery_err(dir: &Path, lang: Locale) -> impl Fn(ansinh_uploader::Error) -> Failure + '_ {
    move |e| match e {
        ansinh_uploader::Error::NotRegistered => not_registered(dir, lang),
        ansinh_uploader::Error::Outbox(ansinh_outbox::Error::SenderBusy) => {
            Failure::Other(anyhow::anyhow!(tr!(lang, "cli-sender-busy")))
        }
        e => other(e),
    }
}

pub(crate) fn register(a: &RegisterArgs, lang: Locale) -> Result<Outcome, Failure> {
    let dir = data(&a.data_dir)?;
    // Records sealed to the development key could never be opened by the server.
    if let (_, KeySource::Development) = dir.sealing_key().map_err(other)? {
        let (outbox, _) = dir.outbox().map_err(other)?;
        let unsent = outbox.stats(now()).map_err(other)?.unsent();
        if unsent > 0 {
            return Err(Failure::Input(InputError {
                field: "data-dir".into(),
                code: "development_records_unsent",
                message: tr!(lang, "cli-register-development-unsent", records = unsent),
            }));
        }
    }
    let trust = match &a.ca_file {
        Some(path) => {
            let pem = std::fs::read(path)
                .map_err(|e| other(anyhow::anyhow!("{}: {e}", path.display())))?;
            ansinh_uploader::ServerTrust::private_ca(&pem).map_err(other)?
        }
        None => ansinh_uploader::ServerTrust::PublicRoots,
    };
    let reg = ansinh_uploader::register_trusting(&dir, &a.server, &a.token, &a.label, &trust)
        .map_err(other)?;
    let msg = tr!(
        lang,
        "cli-registered",
        server = reg.server_url.as_str(),
        device = reg.device_id.to_string()
    );
    Ok(Outcome::Done(json!({"device_id": reg.device_id, "server_url": reg.server_url}), msg))
}

/// Checks who acts (`crate::staff::act`) and writes the action to the audit trail first, so
/// its entry travels with what it sends.
fn staff_action(
    dir: &DataDir,
    staff: &StaffArgs,
    event: &str,
    lang: Locale,
) -> Result<(), Failure> {
    let (mut outbox, _) = dir.outbox().map_err(other)?;
    act(&mut outbox, staff, lang)?;
    outbox.record_action(event, None, "", now()).map_err(other)?;
    Ok(())
}

pub(crate) fn sync(a: &SyncArgs, lang: Locale) -> Result<Outcome, Failure> {
    let dir = data(&a.data_dir)?;
    if dir.registration().map_err(other)?.is_none() {
        return Err(not_registered(&a.data_dir, lang));
    }
    staff_action(&dir, &a.staff, "sync", lang)?;
    let report = ansinh_uploader::sync(&dir, &RetryPolicy::default())
        .map_err(delivery_err(&a.data_dir, lang))?;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}",
        tr!(
            lang,
            "cli-sync-sent",
            batches = report.batches,
            acknowledged = report.acknowledged,
            duplicates = report.duplicates
        )
    );
    for q in &report.quarantined {
        let _ = writeln!(
            o,
            "  {}",
            tr!(lang, "cli-sync-quarantined", receipt = q.receipt_no, reason = q.reason.as_str())
        );
    }
    if let Some(f) = &report.failure {
        let _ = writeln!(
            o,
            "{}",
            if f.retryable {
                tr!(lang, "cli-sync-not-all-sent-retry", reason = f.reason.as_str())
            } else {
                tr!(lang, "cli-sync-not-all-sent-person", reason = f.reason.as_str())
            }
        );
    }
    let s = &report.status;
    let _ = write!(
        o,
        "{}",
        if s.alarm {
            tr!(lang, "cli-sync-unsent-alarm", unsent = s.unsent)
        } else {
            tr!(lang, "cli-sync-unsent", unsent = s.unsent)
        }
    );
    if let Some(age) = s.oldest_unsent_age {
        let _ = write!(o, "\n{}", tr!(lang, "cli-sync-oldest", hours = age / 3600));
    }
    if let Some(at) = s.last_ack {
        let ago = (now() - at).max(0);
        let _ = write!(o, "\n{}", tr!(lang, "cli-sync-last-ack", minutes = ago / 60));
    }
    if s.unsent > 0 {
        // Queued records are tried again automatically (a record due already: at once);
        // quarantined ones only once staff release them.
        let next = match s.next_attempt_at {
            Some(at) => tr!(lang, "cli-sync-next-try", at = vietnam_time(at.max(now()))),
            None => tr!(lang, "cli-sync-no-automatic-try").to_string(),
        };
        let _ = write!(o, "\n{next}");
    }
    let value = serde_json::to_value(&report)?;
    // Exit 0 only when the server holds every record: a script or a person sees at once that
    // something is left, whatever the reason.
    if s.unsent > 0 || report.failure.as_ref().is_some_and(|f| !f.retryable) {
        Ok(Outcome::Failed(value, o))
    } else {
        Ok(Outcome::Done(value, o))
    }
}

/// `22/11/2026 09:05` in Viet Nam, as on Vietnamese forms; `?` for a broken clock.
fn vietnam_time(at: ansinh_outbox::Timestamp) -> String {
    ansinh_core::policy::VietnamTime::at(at).map_or_else(|_| "?".into(), |t| t.form().to_string())
}

pub(crate) fn export(a: &ExportArgs, lang: Locale) -> Result<Outcome, Failure> {
    let dir = data(&a.data_dir)?;
    staff_action(&dir, &a.staff, "export", lang)?;
    let report =
        ansinh_uploader::export_bundle(&dir, &a.to).map_err(delivery_err(&a.data_dir, lang))?;
    let files: Vec<String> = report.files.iter().map(|f| f.display().to_string()).collect();
    let health = report.health_file.display().to_string();
    let msg = if files.is_empty() {
        tr!(lang, "cli-export-nothing", health = health.as_str())
    } else {
        let written =
            tr!(lang, "cli-export-written", records = report.records, files = files.join(", "));
        format!("{written} {}", tr!(lang, "cli-export-health", health = health.as_str()))
    };
    Ok(Outcome::Done(serde_json::to_value(&report)?, msg))
}

pub(crate) fn import_ack(a: &ImportAckArgs, lang: Locale) -> Result<Outcome, Failure> {
    let dir = data(&a.data_dir)?;
    let report =
        ansinh_uploader::import_ack(&dir, &a.file).map_err(delivery_err(&a.data_dir, lang))?;
    // A folder with nothing for this device: most likely the server has not imported the
    // stick yet, which a person fixes.
    if report.files.is_empty() && report.unreadable.is_empty() {
        let folder = a.file.display();
        return Err(Failure::Input(InputError {
            field: "file".into(),
            code: "no_acknowledgement",
            message: tr!(lang, "cli-import-ack-none", folder = folder.to_string()),
        }));
    }
    let mut o = tr!(
        lang,
        "cli-import-ack-held",
        acknowledged = report.acknowledged,
        already = report.already_acknowledged,
        quarantined = report.quarantined.len()
    );
    if a.file.is_dir() {
        let read = if report.others.is_empty() {
            tr!(lang, "cli-import-ack-read", files = report.files.len())
        } else {
            tr!(
                lang,
                "cli-import-ack-read-others",
                files = report.files.len(),
                others = report.others.len()
            )
        };
        let _ = write!(o, "\n{read}");
    }
    for u in &report.unreadable {
        let _ = write!(o, "\n{}", tr!(lang, "cli-import-ack-unreadable", file = u.to_string()));
    }
    let value = serde_json::to_value(&report)?;
    if report.unreadable.is_empty() {
        Ok(Outcome::Done(value, o))
    } else {
        Ok(Outcome::Failed(value, o))
    }
}

pub(crate) fn renewals(a: &RenewalsArgs, lang: Locale) -> Result<Outcome, Failure> {
    let dir = data(&a.data_dir)?;
    let days = u32::from(Parse(lang).count("within-days", &a.within_days)?);
    let list = if a.offline {
        ansinh_uploader::cached_renewals(&dir).map_err(other)?
    } else {
        Some(ansinh_uploader::fetch_renewals(&dir, days).map_err(delivery_err(&a.data_dir, lang))?)
    };
    let Some(list) = list else {
        let msg = tr!(lang, "cli-renewals-none").to_string();
        return Ok(Outcome::Done(json!({"due": []}), msg));
    };
    let mut o = String::new();
    for d in &list.due {
        let _ = writeln!(
            o,
            "{}  {}  {}  {}",
            d.paid_until,
            d.scheme,
            d.masked_name,
            d.phone.as_deref().unwrap_or("-")
        );
    }
    let _ = write!(o, "{}", tr!(lang, "cli-renewals-due", people = list.due.len()));
    Ok(Outcome::Done(serde_json::to_value(&list)?, o))
}
