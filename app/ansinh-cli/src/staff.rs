//! Who acts when a command changes records as staff (`void`, `queue release`): once the device
//! has staff accounts, `--agent CODE` and that agent's PIN (from `ANSINH_PIN`, or one line on
//! standard input), checked with the account's lockout as the kiosk checks it; the audit trail
//! then names the agent. A device without accounts (development) acts as before.

use std::io::BufRead;

use ansinh_device::pin::{Attempt, PinLock};
use ansinh_outbox::Outbox;
use ansinh_text::{Locale, tr};
use clap::Args;

use crate::Failure;
use crate::device::now;
use crate::input::InputError;

/// The staff member acting.
#[derive(Args, Clone, Debug, Default)]
pub(crate) struct StaffArgs {
    /// Your agent code, when the device has staff accounts; your PIN is read from the
    /// environment variable ANSINH_PIN, or else from one line on standard input.
    #[arg(long = "agent", global = true)]
    agent: Option<String>,
}

fn refused(field: &str, code: &'static str, message: String) -> Failure {
    Failure::Input(InputError { field: field.into(), code, message })
}

fn read_pin() -> String {
    if let Ok(pin) = std::env::var("ANSINH_PIN") {
        return pin.trim().to_string();
    }
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    line.trim().to_string()
}

/// Checks the agent's PIN (keeping the attempt and its lockout in the outbox) and makes them
/// the one the audit trail names; exits 2 naming what is wrong.
pub(crate) fn act(outbox: &mut Outbox, staff: &StaffArgs, lang: Locale) -> Result<(), Failure> {
    let accounts = outbox.accounts().map_err(|e| Failure::Other(e.into()))?;
    if accounts.is_empty() {
        outbox.act_as(staff.agent.as_deref().unwrap_or(""));
        return Ok(());
    }
    let Some(code) = staff.agent.as_deref() else {
        return Err(refused(
            "agent",
            "missing_argument",
            tr!(lang, "cli-staff-agent-required").into(),
        ));
    };
    let Some(account) = accounts.into_iter().find(|a| a.code == code) else {
        return Err(refused(
            "agent",
            "unknown_agent",
            tr!(lang, "cli-staff-unknown-agent", code = code),
        ));
    };
    let Some(hash) = account.pin_hash else {
        return Err(refused("agent", "no_pin", tr!(lang, "staff-account-no-pin").into()));
    };
    let now = now();
    let mut lock = PinLock::with_state(hash, account.lock);
    let before = lock.state();
    let attempt = lock.attempt(&read_pin(), now);
    let event = match attempt {
        Attempt::Accepted => "login",
        Attempt::Wrong { .. } => "pin_failed",
        Attempt::Locked { .. } if lock.state() != before => "locked_out",
        Attempt::Locked { .. } => "pin_while_locked",
    };
    outbox
        .record_login_attempt(code, lock.state(), event, "command line", now)
        .map_err(|e| Failure::Other(e.into()))?;
    match attempt {
        Attempt::Accepted if account.must_change => {
            Err(refused("pin", "must_change", tr!(lang, "staff-account-must-change").into()))
        }
        Attempt::Accepted => {
            outbox.act_as(code);
            Ok(())
        }
        Attempt::Wrong { left } => {
            Err(refused("pin", "wrong_pin", tr!(lang, "staff-pin-wrong", left = left)))
        }
        Attempt::Locked { until } => {
            let minutes = (until - now + 59) / 60;
            Err(refused("pin", "locked", tr!(lang, "staff-pin-locked", minutes = minutes)))
        }
    }
}
