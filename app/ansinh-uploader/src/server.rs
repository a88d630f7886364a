//! The other exchanges with the collection server: registration with a one-time token, and
//! the renewal-due list for agents to remind people (kept on the device for the staff screen).
//!
//! Registration pins the server: the token carries a fingerprint of the server's keys
//! (`ansinh_wire::provisioning`), a token without one is refused before any request, and an
//! answer whose keys differ stores and provisions nothing. A private certificate authority
//! given at registration is kept beside the registration (`server-ca.pem`) and is the only
//! authority trusted for that server afterwards.

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use ansinh_device::{DataDir, Registration};
use ansinh_outbox::Timestamp;
use ansinh_wire::provisioning::ProvisioningToken;
use ansinh_wire::{RegisterRequest, RegisterResponse, RenewalDue};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, io};
use crate::plan::{Answer, error_code};
use crate::sync::identity;
use crate::transport::{HttpTransport, Request, ServerTrust, Transport, check_server_url};
use ansinh_device::clock::{Clock, SystemClock};

/// How long registration and the renewal download may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The renewal list kept for the staff screen.
const RENEWALS_FILE: &str = "renewals.json";
/// The private certificate authority of the server, when registration was given one.
const SERVER_CA_FILE: &str = "server-ca.pem";

/// The authorities trusted for the registered server: its private CA if registration kept
/// one, else the public roots.
pub(crate) fn server_trust(dir: &DataDir) -> Result<ServerTrust> {
    let path = dir.root().join(SERVER_CA_FILE);
    match fs::read(&path) {
        Ok(pem) => ServerTrust::private_ca(&pem),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ServerTrust::PublicRoots),
        Err(e) => Err(Error::Io { path, source: e }),
    }
}

pub(crate) fn refused(status: u16, body: &[u8]) -> Error {
    let (code, message) = error_code(body);
    if status >= 500 || status == 408 || status == 429 {
        return Error::Network(format!("HTTP {status}"));
    }
    let code = if code.is_empty() { format!("http_{status}") } else { code };
    Error::Refused { status, code, message }
}

/// Registers the device with the server at `server_url` using a one-time `token` from its
/// staff, sending the device's public key and a `label` (collection point name, no personal
/// data); checks the server's keys against the token's fingerprint, stores the answer and
/// provisions the server's sealing key. The server's certificate must chain to the public
/// roots ([`register_trusting`] for a private authority).
pub fn register(dir: &DataDir, server_url: &str, token: &str, label: &str) -> Result<Registration> {
    register_trusting(dir, server_url, token, label, &ServerTrust::PublicRoots)
}

/// [`register`] trusting the authorities of `trust` for the server's certificate, now and
/// for every later exchange with it.
pub fn register_trusting(
    dir: &DataDir,
    server_url: &str,
    token: &str,
    label: &str,
    trust: &ServerTrust,
) -> Result<Registration> {
    let mut transport = HttpTransport::with_trust(server_url, REQUEST_TIMEOUT, trust)?;
    register_checked(dir, &mut transport, server_url, token, label, trust)
}

/// [`register`] through a given transport.
pub fn register_with(
    dir: &DataDir,
    transport: &mut dyn Transport,
    server_url: &str,
    token: &str,
    label: &str,
) -> Result<Registration> {
    register_checked(dir, transport, server_url, token, label, &ServerTrust::PublicRoots)
}

fn register_checked(
    dir: &DataDir,
    transport: &mut dyn Transport,
    server_url: &str,
    token: &str,
    label: &str,
    trust: &ServerTrust,
) -> Result<Registration> {
    if let Some(r) = dir.registration()? {
        return Err(Error::AlreadyRegistered { device_id: r.device_id, server_url: r.server_url });
    }
    // Everything that can refuse without the server does so before the token is spent.
    check_server_url(server_url)?;
    let token = ProvisioningToken::parse(token)
        .map_err(|source| Error::Protocol { what: "provisioning token", source })?;
    if token.fingerprint.is_none() {
        return Err(Error::Protocol {
            what: "provisioning token",
            source: ansinh_wire::Error::Token(
                "it carries no fingerprint of the server's keys, so the device could not tell the real server from another; make a new token with `ansinh-hub token` (it prints SECRET.FINGERPRINT)",
            ),
        });
    }
    dir.check_provisionable()?;
    let key = dir.device_key()?;
    let request = RegisterRequest {
        token: token.to_text(),
        device_public_key: hex::encode(key.verifying_key().to_bytes()),
        label: label.trim().to_string(),
    };
    let body = serde_json::to_vec(&request).map_err(|e| Error::Network(e.to_string()))?;
    match transport.send(&Request::post("/v1/devices/register", "application/json", body)) {
        Answer::NoAnswer(why) => Err(Error::Network(why)),
        Answer::Http { status: 200, body } => {
            let mut answer: RegisterResponse =
                serde_json::from_slice(&body).map_err(|_| Error::Protocol {
                    what: "registration answer",
                    source: ansinh_wire::Error::Malformed,
                })?;
            // Another server's keys: nothing is stored, nothing provisioned.
            token
                .check_answer(&answer)
                .map_err(|source| Error::Protocol { what: "registration answer", source })?;
            // Only a policy key the token pinned is kept: a token made before the hub had one
            // vouches for the other keys alone.
            if token.pinned_policy_key(&answer).is_none() {
                answer.policy_signing_key.clear();
            }
            let ca = dir.root().join(SERVER_CA_FILE);
            match trust {
                // Before the registration: a registered device always finds its authority.
                ServerTrust::PrivateCa(pem) => {
                    ansinh_storage::durable::write_private(&ca, pem).map_err(io(&ca))?;
                }
                // One left by an attempt that failed after writing it is not this server's.
                ServerTrust::PublicRoots => match fs::remove_file(&ca) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(Error::Io { path: ca, source: e });
                    }
                    _ => {}
                },
            }
            Ok(dir.provision(server_url, &answer)?)
        }
        Answer::Http { status, body } => Err(refused(status, &body)),
    }
}

/// The renewal list as last downloaded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewalList {
    /// When it was downloaded.
    pub fetched_at: Timestamp,
    /// The window asked for, in days.
    pub within_days: u32,
    /// Participants whose paid period ends within the window.
    pub due: Vec<RenewalDue>,
}

fn renewals_path(dir: &DataDir) -> PathBuf {
    dir.root().join(RENEWALS_FILE)
}

/// Downloads the participants whose paid period ends within `within_days` days, for this
/// device's collection point, and keeps the list for the staff screen.
pub fn fetch_renewals(dir: &DataDir, within_days: u32) -> Result<RenewalList> {
    let id = identity(dir)?;
    let mut transport = HttpTransport::with_trust(&id.server_url, REQUEST_TIMEOUT, &id.trust)?;
    fetch_renewals_with(dir, &mut transport, &SystemClock, within_days)
}

/// [`fetch_renewals`] through a given transport and clock.
pub fn fetch_renewals_with(
    dir: &DataDir,
    transport: &mut dyn Transport,
    clock: &dyn Clock,
    within_days: u32,
) -> Result<RenewalList> {
    let id = identity(dir)?;
    let now = clock.now();
    // The signature covers method, path (without the query) and time, as PROTOCOL.md says.
    let signature =
        ansinh_wire::sign_request(&id.device_key, id.device_id, "GET", "/v1/renewals", now);
    let request = Request::get(
        &format!("/v1/renewals?within_days={within_days}"),
        vec![
            ("x-ansinh-device", id.device_id.to_string()),
            ("x-ansinh-time", now.to_string()),
            ("x-ansinh-signature", signature),
        ],
    );
    let due: Vec<RenewalDue> = match transport.send(&request) {
        Answer::NoAnswer(why) => return Err(Error::Network(why)),
        Answer::Http { status: 200, body } => serde_json::from_slice(&body).map_err(|_| {
            Error::Protocol { what: "renewal list", source: ansinh_wire::Error::Malformed }
        })?,
        Answer::Http { status, body } => return Err(refused(status, &body)),
    };
    let list = RenewalList { fetched_at: now, within_days, due };
    let path = renewals_path(dir);
    let json = serde_json::to_vec_pretty(&list).map_err(|e| Error::Network(e.to_string()))?;
    write_private(&path, &json)?;
    Ok(list)
}

/// The renewal list last downloaded, for the staff screen (works offline).
pub fn cached_renewals(dir: &DataDir) -> Result<Option<RenewalList>> {
    let path = renewals_path(dir);
    match fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|_| Error::Protocol {
            what: "renewals.json",
            source: ansinh_wire::Error::Malformed,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Io { path, source: e }),
    }
}

/// The list holds names and phone numbers: written durably, readable by this user only.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    ansinh_storage::durable::write_private(path, bytes).map_err(io(path))
}
