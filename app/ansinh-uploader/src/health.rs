//! The device's health report to the collection server (`ansinh_wire::health`): once per
//! sync round over the network, even with nothing to send (so the hub knows the device is
//! alive), and beside each USB export as a `.health` file.
//!
//! Each report takes the next value of a persisted counter (`seq`), so the hub never lets an
//! older report replace a newer one. The hub answers a network report with its signed time,
//! which the device keeps like an acknowledgement's (`Outbox::note_server_time`): a device with
//! nothing to send still keeps its clock checked.

use std::path::{Path, PathBuf};

use ansinh_device::DataDir;
use ansinh_device::clock::Clock;
use ansinh_device::health::Sources;
use ansinh_outbox::Timestamp;
use ansinh_wire::health::{open_health_ack, sign_health};

use crate::error::{Error, Result, io};
use crate::plan::Answer;
use crate::sync::{Identity, identity};
use crate::transport::{Request, Transport};

/// Outbox counter of health reports.
const HEALTH_COUNTER: &str = "uploader.health";
/// Outbox setting: when the server last answered a health report.
pub(crate) const LAST_HEALTH: &str = "uploader.last_health";

/// The signed report, with a new `seq`.
fn signed_report(
    dir: &DataDir,
    id: &Identity,
    clock: &dyn Clock,
    sources: &Sources,
) -> Result<Vec<u8>> {
    let (mut outbox, _) = dir.outbox()?;
    let seq = outbox.next_counter(HEALTH_COUNTER)?;
    let report = ansinh_device::health::report(dir, &outbox, clock, id.device_id, seq, sources)?;
    sign_health(&report, &id.device_key)
        .map_err(|source| Error::Protocol { what: "signing a health report", source })
}

/// Sends the device's health report through `transport` (`POST /v1/health`) and keeps the
/// server's signed time from its answer; returns that time. A refusal or no answer is an
/// error; nothing else depends on it (the records' delivery does not).
pub fn send_health(
    dir: &DataDir,
    transport: &mut dyn Transport,
    clock: &dyn Clock,
    sources: &Sources,
) -> Result<Timestamp> {
    let id = identity(dir)?;
    send_with(dir, &id, transport, clock, sources)
}

pub(crate) fn send_with(
    dir: &DataDir,
    id: &Identity,
    transport: &mut dyn Transport,
    clock: &dyn Clock,
    sources: &Sources,
) -> Result<Timestamp> {
    let bytes = signed_report(dir, id, clock, sources)?;
    let sent = ansinh_wire::UnverifiedHealth::decode(&bytes)
        .map_err(|source| Error::Protocol { what: "health report", source })?
        .body
        .seq;
    let body = match transport.send(&Request::post("/v1/health", "application/octet-stream", bytes))
    {
        Answer::Http { status: 200, body } => body,
        Answer::Http { status, body } => return Err(crate::server::refused(status, &body)),
        Answer::NoAnswer(why) => return Err(Error::Network(why)),
    };
    let ack = open_health_ack(&body, &id.server_key)
        .map_err(|source| Error::Protocol { what: "the answer to a health report", source })?;
    if ack.device_id != id.device_id || ack.seq != sent {
        return Err(Error::Protocol {
            what: "the answer to a health report",
            source: ansinh_wire::Error::Malformed,
        });
    }
    let (mut outbox, _) = dir.outbox()?;
    // The hub's signed time, just received: the device's clock is judged by it.
    let reference = ansinh_device::clock::reference(clock, ack.server_time);
    outbox.note_server_time(ack.server_time, reference.as_ref())?;
    outbox.set_setting(LAST_HEALTH, &clock.now().to_string())?;
    Ok(ack.server_time)
}

/// The health file beside a USB export's first bundle `NAME.bundle`: `NAME.health`.
pub(crate) fn health_file(first_bundle: &Path) -> PathBuf {
    first_bundle.with_extension("health")
}

/// Writes the device's signed health report to `path` (a USB stick), durably.
pub(crate) fn write_health_file(dir: &DataDir, path: &Path, clock: &dyn Clock) -> Result<()> {
    let id = identity(dir)?;
    let bytes = signed_report(dir, &id, clock, &Sources::default())?;
    ansinh_storage::durable::write_public(path, &bytes).map_err(io(path))
}
