//! Fetching the hub's newest policy table: one `GET /v1/policy/latest?have=VERSION` after a
//! sync round that reached the hub (and, for an idle device, every
//! [`POLICY_CHECK_INTERVAL`] from the background loop). The answer is the signed table (200)
//! or nothing newer (204); the device checks and installs it (`ansinh_device::policy`), and
//! keeps what the hub said, so that amounts are marked as estimates while the hub has a table
//! the device could not install. A failure here never touches the records: delivery does not
//! depend on it.

use ansinh_device::DataDir;
use ansinh_device::clock::Clock;
use ansinh_device::policy::{HubPolicy, Source, claimed_version};
use serde::Serialize;

use crate::error::Result;
use crate::plan::Answer;
use crate::transport::{Request, Transport};

/// How often an idle device asks for a newer table (the background loop): four times a day.
pub const POLICY_CHECK_INTERVAL: i64 = 6 * 3600;

/// What one check for a newer table did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum PolicyFetch {
    /// The hub has nothing newer than the table in use.
    UpToDate,
    /// A newer table was installed and is in use from now on.
    Installed {
        /// Its version.
        version: String,
    },
    /// The hub offered a table the device refused (the reason is kept for staff).
    Refused {
        /// The version it claimed, if it could be read.
        version: Option<String>,
        /// Why.
        reason: String,
    },
    /// The hub could not be asked (network, an error answer): tried again next time.
    Failed {
        /// What happened.
        reason: String,
    },
}

/// Asks the hub for its newest table and installs it if it is newer (see the module docs).
pub fn fetch_policy(
    dir: &DataDir,
    transport: &mut dyn Transport,
    clock: &dyn Clock,
) -> Result<PolicyFetch> {
    let active = dir.active_policy();
    let path = format!("/v1/policy/latest?have={}", query_text(active.table.version));
    let now = clock.now();
    let (fetch, report) = match transport.send(&Request::get(&path, vec![])) {
        Answer::Http { status: 204, .. } => {
            (PolicyFetch::UpToDate, HubPolicy { checked_at: now, newest: None, problem: None })
        }
        Answer::Http { status: 200, body } => {
            let version = claimed_version(&body);
            match dir.install_policy(&body, Source::Sync, now)? {
                Ok(installed) => {
                    let version = installed.table.version.to_string();
                    let report = HubPolicy { checked_at: now, newest: None, problem: None };
                    (PolicyFetch::Installed { version }, report)
                }
                Err(refused) => {
                    let reason = refused.to_string();
                    // A table the hub serves that is not newer is no reason for an estimate.
                    let newer = !matches!(refused, ansinh_device::policy::Refused::NotNewer { .. });
                    let report = HubPolicy {
                        checked_at: now,
                        newest: if newer {
                            Some(version.clone().unwrap_or_else(|| "?".into()))
                        } else {
                            None
                        },
                        problem: newer.then(|| reason.clone()),
                    };
                    (PolicyFetch::Refused { version, reason }, report)
                }
            }
        }
        Answer::Http { status, .. } => {
            return Ok(PolicyFetch::Failed { reason: format!("the hub answered {status}") });
        }
        Answer::NoAnswer(why) => return Ok(PolicyFetch::Failed { reason: why }),
    };
    dir.note_hub_policy(&report)?;
    Ok(fetch)
}

/// Whether the background loop should ask for a newer table now.
pub fn policy_check_due(dir: &DataDir, now: i64) -> bool {
    match dir.hub_policy() {
        Ok(Some(h)) => now - h.checked_at >= POLICY_CHECK_INTERVAL || now < h.checked_at,
        _ => true,
    }
}

/// A version id in a query string: letters, digits and `-._~` as they are, anything else
/// percent-encoded.
pub(crate) fn query_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_encoded_for_the_query() {
        assert_eq!(query_text("VN-2026-12-06.2"), "VN-2026-12-06.2");
        assert_eq!(query_text("a b&c"), "a%20b%26c");
    }
}
