//! `ansinh policy`: the table itself; with `--data-dir` the device's table (built-in or
//! installed, when received, until when it is confirmed, why amounts are estimates, what the
//! last table changed); `ansinh policy install --data-dir DIR FILE` installs a signed table
//! carried on a USB stick (`ansinh_device::policy`).

use std::fmt::Write;
use std::path::PathBuf;

use ansinh_core::PolicyTable;
use ansinh_device::DataDir;
use ansinh_device::policy::{ActivePolicy, Origin, Refused, Source};
use ansinh_text::{Locale, tr};
use clap::{Args, Subcommand};
use serde_json::{Value, json};

use crate::device::now;
use crate::input::InputError;
use crate::records::today_vn;
use crate::{Failure, Outcome, render};

#[derive(Args)]
pub(crate) struct PolicyArgs {
    /// The device's data directory: show the table it prices with and its state.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    action: Option<PolicyAction>,
}

#[derive(Subcommand)]
enum PolicyAction {
    /// Install a signed policy table (from a USB stick): checked against the policy key the
    /// device learned at registration, valid, and later than the table in use; exit 2 if
    /// refused (the table in use stays).
    Install {
        /// The device's data directory.
        #[arg(long)]
        data_dir: PathBuf,
        /// The signed table (`ansinh-hub policy sign`).
        file: PathBuf,
    },
}

fn other(e: impl Into<anyhow::Error>) -> Failure {
    Failure::Other(e.into())
}

/// What a refusal says, in the language asked for.
pub(crate) fn refusal(r: &Refused, lang: Locale) -> String {
    let why = match r {
        Refused::NoPolicyKey => tr!(lang, "policy-refused-no-key").to_string(),
        Refused::BadSignature(_) => tr!(lang, "policy-refused-signature").to_string(),
        Refused::Invalid(why) => tr!(lang, "policy-refused-invalid", why = why.as_str()),
        Refused::NotNewer { offered, current } => tr!(
            lang,
            "policy-refused-not-newer",
            offered = offered.as_str(),
            current = current.as_str()
        ),
        _ => r.to_string(),
    };
    tr!(lang, "policy-refused", why = why)
}

pub(crate) fn run(
    table: &PolicyTable<'_>,
    from_file: bool,
    a: &PolicyArgs,
    lang: Locale,
) -> Result<Outcome, Failure> {
    match (&a.action, &a.data_dir) {
        (Some(PolicyAction::Install { data_dir, file }), _) => install(data_dir, file, lang),
        (None, Some(dir)) if !from_file => {
            let data = DataDir::open(dir).map_err(other)?;
            let active = data.active_policy();
            let mut text = status(&data, &active, lang);
            text.push('\n');
            text.push_str(&render::policy(&active.table, lang));
            Ok(Outcome::Done(status_json(&data, &active)?, text))
        }
        _ => Ok(Outcome::Done(serde_json::to_value(table)?, render::policy(table, lang))),
    }
}

fn install(dir: &PathBuf, file: &PathBuf, lang: Locale) -> Result<Outcome, Failure> {
    let data = DataDir::open(dir).map_err(other)?;
    let bytes = std::fs::read(file)?;
    match data.install_policy(&bytes, Source::Usb, now()).map_err(other)? {
        Ok(active) => {
            let mut text = tr!(lang, "policy-installed-now", version = active.table.version);
            text.push('\n');
            text.push_str(&status(&data, &active, lang));
            Ok(Outcome::Done(status_json(&data, &active)?, text))
        }
        Err(r) => Err(Failure::Input(InputError {
            field: "file".into(),
            code: "policy_refused",
            message: refusal(&r, lang),
        })),
    }
}

/// Where the table comes from, until when it is confirmed, why amounts are estimates (today),
/// and what it changed from the one before.
fn status(data: &DataDir, active: &ActivePolicy, lang: Locale) -> String {
    let t = &active.table;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}",
        tr!(lang, "policy-valid-until", version = t.version, day = ansinh_text::day(t.valid_until))
    );
    let installed = active.origin.installed().map(|(received, source, published)| {
        let source = match source {
            Source::Sync => ansinh_text::TableSource::Sync,
            Source::Usb => ansinh_text::TableSource::Usb,
            Source::Configuration => ansinh_text::TableSource::Configuration,
        };
        (received, source, published)
    });
    let _ = writeln!(o, "{}", ansinh_text::policy_origin(lang, installed));
    if let Some(why) = &active.problem {
        let _ = writeln!(o, "{}", tr!(lang, "policy-problem", why = why.as_str()));
    }
    let fresh = data.policy_freshness(t, today_vn());
    let newer = fresh.newer_on_hub.as_ref().map(|(v, why)| (v.as_str(), why.as_deref()));
    for reason in ansinh_text::policy_estimate_reasons(lang, fresh.past_valid_until, newer) {
        let _ = writeln!(o, "{reason}");
    }
    if let Some(previous) = &active.previous {
        let mut lines = Vec::new();
        ansinh_core::policy::diff(previous, t, |c| {
            lines.push(ansinh_text::policy_change(lang, &c))
        });
        if lines.is_empty() {
            let _ = writeln!(o, "{}", tr!(lang, "policy-no-changes", version = previous.version));
        } else {
            let _ = writeln!(o, "{}", tr!(lang, "policy-changes", version = previous.version));
            for l in lines {
                let _ = writeln!(o, "  - {l}");
            }
        }
    }
    o
}

fn status_json(data: &DataDir, active: &ActivePolicy) -> Result<Value, Failure> {
    let t = &active.table;
    let fresh = data.policy_freshness(t, today_vn());
    let mut changes = Vec::new();
    if let Some(previous) = &active.previous {
        ansinh_core::policy::diff(previous, t, |c| {
            changes.push(json!({
                "param": c.param, "province": c.province, "kind": format!("{:?}", c.kind).to_lowercase(),
                "from": c.from.to_string(), "until": c.until.map(|d| d.to_string()),
                "source": c.source, "status": c.status,
                "old_amount": c.old_amount, "new_amount": c.new_amount,
            }));
        });
    }
    let origin = match &active.origin {
        Origin::BuiltIn => json!({"kind": "built-in"}),
        Origin::Installed { received_at, source, published_at } => json!({
            "kind": "installed", "received_at": received_at, "source": source, "published_at": published_at,
        }),
    };
    Ok(json!({
        "version": t.version,
        "valid_until": t.valid_until.to_string(),
        "origin": origin,
        "problem": active.problem,
        "estimate": fresh.is_estimate(),
        "past_valid_until": fresh.past_valid_until.map(|d| d.to_string()),
        "newer_on_hub": fresh.newer_on_hub.as_ref().map(|(v, why)| json!({"version": v, "why": why})),
        "previous": active.previous.as_ref().map(|p| p.version),
        "changes": changes,
        "table": serde_json::to_value(t)?,
    }))
}
