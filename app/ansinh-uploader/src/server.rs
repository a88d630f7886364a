//! The other exchanges with the collection server: registration with a one-time token, and
//! the renewal-due list for agents to remind people (kept on the device for the staff screen).

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use ansinh_device::{DataDir, Registration};
use ansinh_outbox::Timestamp;
use ansinh_wire::{RegisterRequest, RegisterResponse, RenewalDue};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, io};
use crate::plan::{Answer, error_code};
use crate::sync::identity;
use crate::transport::{HttpTransport, Request, Transport};
use ansinh_device::clock::{Clock, SystemClock};

/// How long registration and the renewal download may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The renewal list kept for the staff screen.
const RENEWALS_FILE: &str = "renewals.json";

fn refused(status: u16, body: &[u8]) -> Error {
    let (code, message) = error_code(body);
    if status >= 500 || status == 408 || status == 429 {
        return Error::Network(format!("HTTP {status}"));
    }
    let code = if code.is_empty() { format!("http_{status}") } else { code };
    Error::Refused { status, code, message }
}

/// Registers the device with the server at `server_url` using a one-time `token` from its
/// staff, sending the device's public key and a `label` (collection point name, no personal
/// data); stores the answer and provisions the server's sealing key.
pub fn register(dir: &DataDir, server_url: &str, token: &str, label: &str) -> Result<Registration> {
    let mut transport = HttpTransport::new(server_url, REQUEST_TIMEOUT);
    register_with(dir, &mut transport, server_url, token, label)
}

/// [`register`] through a given transport.
pub fn register_with(
    dir: &DataDir,
    transport: &mut dyn Transport,
    server_url: &str,
    token: &str,
    label: &str,
) -> Result<Registration> {
    if let Some(r) = dir.registration()? {
        return Err(Error::AlreadyRegistered { device_id: r.device_id, server_url: r.server_url });
    }
    let key = dir.device_key()?;
    let request = RegisterRequest {
        token: token.trim().to_string(),
        device_public_key: hex::encode(key.verifying_key().to_bytes()),
        label: label.trim().to_string(),
    };
    let body = serde_json::to_vec(&request).map_err(|e| Error::Network(e.to_string()))?;
    match transport.send(&Request::post("/v1/devices/register", "application/json", body)) {
        Answer::NoAnswer(why) => Err(Error::Network(why)),
        Answer::Http { status: 200, body } => {
            let answer: RegisterResponse =
                serde_json::from_slice(&body).map_err(|_| Error::Protocol {
                    what: "registration answer",
                    source: ansinh_wire::Error::Malformed,
                })?;
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
    let mut transport = HttpTransport::new(&id.server_url, REQUEST_TIMEOUT);
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
