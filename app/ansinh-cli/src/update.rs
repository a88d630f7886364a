//! `ansinh update`: software updates on a device (`ansinh_device::update`).
//!
//! - `status`: where updates stand, as staff read it on the kiosk's staff screen.
//! - `install` (root, started by the image's `ansinh-update.path` when the kiosk writes its
//!   `install-request`, or by a person with `--bundle FILE`): the checks of the contract —
//!   the bundle's place, its RAUC signature and `compatible` (`rauc info --keyring`), a version
//!   newer than the one running (`/etc/ansinh-release`) — then `rauc install`, which writes the
//!   inactive slot only; the outcome in `state.json`. Exit 2 when refused.
//! - `reboot` (root, on the kiosk's `reboot-request`): reboots into the installed slot when
//!   `state.json` says an update waits for it.

use std::path::PathBuf;

use ansinh_device::update::{
    InstallOptions, Installed, KEYRING, RELEASE_FILE, RaucInstaller, RaucVerifier, Rebooted,
    Status, Updates, install, reboot, running_version, status,
};
use ansinh_text::{Locale, UpdateState, tr};
use clap::{Args, Subcommand};
use serde_json::json;

use crate::device::now;
use crate::input::InputError;
use crate::{Failure, Outcome};

#[derive(Args)]
pub(crate) struct UpdateArgs {
    #[command(subcommand)]
    action: UpdateAction,
}

/// Where the version running is read.
#[derive(Args)]
struct Release {
    /// The release file naming the version running (`VERSION=…`).
    #[arg(long, default_value = RELEASE_FILE)]
    release_file: PathBuf,
}

#[derive(Subcommand)]
enum UpdateAction {
    /// Where software updates stand: downloading, ready, installed and waiting for a restart,
    /// refused and why.
    Status {
        /// The device's data directory.
        #[arg(long)]
        data_dir: PathBuf,
        /// The USB stick's mount folder (its `*.raucb` are candidates too).
        #[arg(long)]
        usb_dir: Option<PathBuf>,
        #[command(flatten)]
        release: Release,
    },
    /// Install the bundle the kiosk asked for (`DIR/updates/install-request`), or `--bundle`:
    /// checked (place, signature, compatible, newer version), then `rauc install`. As root.
    Install {
        /// The device's data directory.
        #[arg(long)]
        data_dir: PathBuf,
        /// The USB stick's mount folder, whose bundles may be installed too.
        #[arg(long)]
        usb_dir: Option<PathBuf>,
        /// Install this bundle instead of the kiosk's request (the same checks, any place).
        #[arg(long)]
        bundle: Option<PathBuf>,
        /// The RAUC keyring the bundle's signature must verify with.
        #[arg(long, default_value = KEYRING)]
        keyring: PathBuf,
        #[command(flatten)]
        release: Release,
    },
    /// Reboot into the installed update, as the kiosk asked (`DIR/updates/reboot-request`).
    /// As root.
    Reboot {
        /// The device's data directory.
        #[arg(long)]
        data_dir: PathBuf,
    },
}

/// The words of `status` in `lang`.
pub(crate) fn said(lang: Locale, s: &Status) -> String {
    let state = match s {
        Status::UpToDate { running } => UpdateState::UpToDate { running },
        Status::Downloading { version, percent } => {
            UpdateState::Downloading { version, percent: *percent }
        }
        Status::Ready { version } => {
            UpdateState::Ready { version: version.as_deref().unwrap_or("?") }
        }
        Status::Installing { version } => UpdateState::Installing { version },
        Status::WaitingForReboot { version } => UpdateState::WaitingForReboot { version },
        Status::FellBack { version, running } => UpdateState::FellBack { version, running },
        Status::Refused { version, code, .. } => UpdateState::Refused { version, code },
    };
    ansinh_text::update_status(lang, state)
}

fn other(e: impl Into<anyhow::Error>) -> Failure {
    Failure::Other(e.into())
}

pub(crate) fn run(a: &UpdateArgs, lang: Locale) -> Result<Outcome, Failure> {
    match &a.action {
        UpdateAction::Status { data_dir, usb_dir, release } => {
            let running = running_version(&release.release_file);
            let s = status(&Updates::of(data_dir), &running, usb_dir.as_deref()).map_err(other)?;
            let mut text = said(lang, &s);
            if let Status::Refused { reason, .. } = &s {
                text.push_str(&format!("\n  ({reason})"));
            }
            let value = json!({"running": running, "status": s});
            Ok(Outcome::Done(value, text))
        }
        UpdateAction::Install { data_dir, usb_dir, bundle, keyring, release } => {
            let options = InstallOptions {
                running: running_version(&release.release_file),
                usb_dir: usb_dir.clone(),
                bundle: bundle.clone(),
                now: now(),
            };
            let verifier = RaucVerifier { keyring: keyring.clone() };
            let outcome = install(&Updates::of(data_dir), &options, &verifier, &mut RaucInstaller)
                .map_err(other)?;
            match outcome {
                Installed::NoRequest => Ok(Outcome::Done(
                    json!({"installed": null}),
                    tr!(lang, "update-no-request").into(),
                )),
                Installed::Done { version } => {
                    let text = tr!(lang, "update-installed-now", version = version.as_str());
                    Ok(Outcome::Done(json!({"installed": version}), text))
                }
                Installed::Refused(r) => {
                    let version = Updates::of(data_dir)
                        .state()
                        .ok()
                        .flatten()
                        .map_or_else(|| "?".to_string(), |s| s.version);
                    let state = UpdateState::Refused { version: &version, code: r.code() };
                    Err(Failure::Input(InputError {
                        field: "bundle".into(),
                        code: "update_refused",
                        message: format!("{} ({r})", ansinh_text::update_status(lang, state)),
                    }))
                }
            }
        }
        UpdateAction::Reboot { data_dir } => {
            match reboot(&Updates::of(data_dir), now(), &mut RaucInstaller).map_err(other)? {
                Rebooted::NoRequest | Rebooted::NothingInstalled => Ok(Outcome::Done(
                    json!({"rebooting": null}),
                    tr!(lang, "update-reboot-nothing").into(),
                )),
                Rebooted::Started { version } => {
                    let text = tr!(lang, "update-rebooting", version = version.as_str());
                    Ok(Outcome::Done(json!({"rebooting": version}), text))
                }
                Rebooted::Failed(why) => Err(other(anyhow::anyhow!(tr!(
                    lang,
                    "update-reboot-failed",
                    why = why.as_str()
                )))),
            }
        }
    }
}
