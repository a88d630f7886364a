//! One sync: claim a batch from the outbox, sign it, send it, apply the verdict; repeat until
//! the queue is empty, a failure stops it, or the batch limit is reached.
//!
//! What survives a restart lives in the outbox: each record's state and next attempt time, the
//! batch counter (taken and committed before sending), and the uploader's own small state
//! (consecutive failures, last sync, blocked reason) as outbox settings.

use ansinh_device::DataDir;
use ansinh_device::clock::{Clock, SystemClock};
use ansinh_outbox::{Outbox, RecordId, Sender, Stats, Timestamp};
use ansinh_wire::{
    AuditEntry, BatchBody, Channel, MAX_AUDIT_ENTRIES, MAX_RECORDS, MAX_SEALED_BYTES,
    PROTOCOL_VERSION, SealedRecord,
};
use ed25519_dalek::VerifyingKey;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::plan::{self, RetryPolicy, Verdict};
use crate::transport::{Request, Transport};

/// Outbox counter name of network batches.
const BATCH_COUNTER: &str = "uploader.batch";
/// Outbox settings of the uploader.
pub(crate) const FAILURES: &str = "uploader.failures";
pub(crate) const LAST_SYNC: &str = "uploader.last_sync";
pub(crate) const LAST_ERROR: &str = "uploader.last_error";
pub(crate) const BLOCKED: &str = "uploader.blocked";
/// The highest audit `seq` the server said it holds: entries after it go with the next batch.
pub(crate) const AUDIT_THROUGH: &str = "uploader.audit_through";
/// The server's epoch in the last verified acknowledgement (hex).
pub(crate) const SERVER_EPOCH: &str = "uploader.server_epoch";

/// What staff see about delivery (the staff screen and `ansinh sync`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    /// Records the server does not hold yet (queued, being sent, or quarantined).
    pub unsent: i64,
    /// Of those, quarantined: a person must look at them.
    pub quarantined: i64,
    /// Age in seconds of the oldest record not yet held by the server.
    pub oldest_unsent_age: Option<i64>,
    /// When the server last acknowledged a record of this device.
    pub last_ack: Option<Timestamp>,
    /// When this device last completed an exchange with the server (network or USB).
    pub last_sync: Option<Timestamp>,
    /// The last failure, if the last attempt failed.
    pub last_error: Option<String>,
    /// Why the server refuses this device (revoked, unknown, too old), until it accepts again.
    pub blocked: Option<String>,
    /// Records have waited at least the alarm period with no sync: staff must act (find a
    /// network or carry a USB bundle).
    pub alarm: bool,
    /// When the earliest queued record is due to be tried again by the background loop (in
    /// the past when one is due now); none when nothing is queued.
    pub next_attempt_at: Option<Timestamp>,
}

/// A failure that ended a sync.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// Retryable (the records wait for the next attempt) or permanent (a person must act).
    pub retryable: bool,
    /// What happened (never personal data).
    pub reason: String,
}

/// A record quarantined during a sync.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Quarantined {
    /// Its receipt number on this device.
    pub receipt_no: i64,
    /// Why (conflict, rejection code, too large).
    pub reason: String,
}

/// What one sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Batches sent (attempts, including failed ones).
    pub batches: u32,
    /// Records the server now holds, acknowledged in this sync.
    pub acknowledged: usize,
    /// Of those, records it already held (a retry after a lost answer).
    pub duplicates: usize,
    /// Records quarantined in this sync.
    pub quarantined: Vec<Quarantined>,
    /// The failure that stopped the sync, if one did.
    pub failure: Option<Failure>,
    /// When the records put back will be due again.
    pub next_attempt_at: Option<Timestamp>,
    /// The state afterwards.
    pub status: SyncStatus,
    /// The server's signed time in its answer to the health report sent after the batches
    /// (over HTTP, unless the network failed or the device is refused), if it answered.
    pub health_at: Option<Timestamp>,
    /// The check for a newer policy table, when this sync made one (after reaching the hub).
    pub policy: Option<crate::policy::PolicyFetch>,
    /// The software update step, when the background loop made one after the records.
    pub update: Option<crate::update::UpdateFetch>,
}

fn setting_i64(outbox: &Outbox, key: &str) -> Result<Option<i64>> {
    Ok(outbox.setting(key)?.and_then(|v| v.parse().ok()))
}

/// The audit entries the server does not hold yet, oldest first, at most a batch's worth.
pub(crate) fn pending_audit(outbox: &Outbox) -> Result<Vec<AuditEntry>> {
    Ok(outbox.audit_entries(audit_through(outbox)?, MAX_AUDIT_ENTRIES)?)
}

/// Whether `audit` holds an action of staff (not only the device's own entries).
pub(crate) fn has_staff_action(audit: &[AuditEntry]) -> bool {
    audit.iter().any(|e| !e.agent_code.is_empty())
}

/// The highest audit `seq` the server said it holds (0: none yet).
pub(crate) fn audit_through(outbox: &Outbox) -> Result<u64> {
    Ok(setting_i64(outbox, AUDIT_THROUGH)?.and_then(|v| u64::try_from(v).ok()).unwrap_or(0))
}

/// Keeps what the server's acknowledgement says it holds of the audit trail (it may be less
/// than was sent: a chain it refused is sent again, and the refusal is on its audit page).
pub(crate) fn note_audit_through(outbox: &mut Outbox, through: u64) -> Result<()> {
    Ok(outbox.set_setting(AUDIT_THROUGH, &through.to_string())?)
}

/// Keeps the server's epoch from a verified acknowledgement. A different one than last time
/// means the server's database was restored from a backup and may have lost what it
/// acknowledged since: every record held as acknowledged (not yet purged) goes back to the
/// queue, to be sent again (the server keeps each once). Returns whether the epoch changed (the
/// caller then takes the acknowledgement's `audit_through` as it is, even lower).
pub(crate) fn note_epoch(outbox: &mut Outbox, epoch: &[u8; 16], now: Timestamp) -> Result<bool> {
    let epoch = hex::encode(epoch);
    let known = outbox.setting(SERVER_EPOCH)?.filter(|e| !e.is_empty());
    if known.as_deref() == Some(epoch.as_str()) {
        return Ok(false);
    }
    let restored = known.is_some();
    if restored {
        outbox.requeue_acknowledged(now, "the server was restored from a backup")?;
    }
    outbox.set_setting(SERVER_EPOCH, &epoch)?;
    Ok(restored)
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}

impl SyncStatus {
    /// The status from the outbox's counts and what the uploader last recorded (when it last
    /// completed an exchange, the last failure, a refusal): the alarm rule in one place.
    pub fn from_stats(
        stats: &Stats,
        last_sync: Option<Timestamp>,
        last_error: Option<String>,
        blocked: Option<String>,
        now: Timestamp,
        policy: &RetryPolicy,
    ) -> Self {
        let unsent = stats.unsent();
        // Waiting since the later of the oldest unsent record and the last sync: a device that
        // syncs daily but holds one quarantined record is not alarmed (the quarantine is
        // shown), a device that has not reached the server for days with records waiting is.
        let alarm = match stats.oldest_unsent_age {
            Some(age) if unsent > 0 => {
                let oldest = now - age;
                let since = last_sync.map_or(oldest, |s| s.max(oldest));
                now - since >= policy.alarm_after_days.saturating_mul(86_400)
            }
            _ => false,
        };
        SyncStatus {
            unsent,
            quarantined: stats.quarantined,
            oldest_unsent_age: stats.oldest_unsent_age,
            last_ack: stats.last_acknowledged_at,
            last_sync,
            last_error: non_empty(last_error),
            blocked: non_empty(blocked),
            alarm,
            next_attempt_at: stats.next_attempt_at,
        }
    }
}

/// The delivery status for staff, from an open outbox.
pub fn status_of(outbox: &Outbox, now: Timestamp, policy: &RetryPolicy) -> Result<SyncStatus> {
    Ok(SyncStatus::from_stats(
        &outbox.stats(now)?,
        setting_i64(outbox, LAST_SYNC)?,
        outbox.setting(LAST_ERROR)?,
        outbox.setting(BLOCKED)?,
        now,
        policy,
    ))
}

/// The delivery status for staff, opening the device's outbox.
pub fn sync_status(dir: &DataDir, now: Timestamp, policy: &RetryPolicy) -> Result<SyncStatus> {
    let (outbox, _) = dir.outbox()?;
    status_of(&outbox, now, policy)
}

/// The device's keys and identity, as the uploader needs them.
pub(crate) struct Identity {
    pub(crate) device_id: u64,
    pub(crate) server_url: String,
    pub(crate) device_key: ed25519_dalek::SigningKey,
    pub(crate) server_key: VerifyingKey,
    pub(crate) trust: crate::transport::ServerTrust,
}

pub(crate) fn identity(dir: &DataDir) -> Result<Identity> {
    let reg = dir.registration()?.ok_or(Error::NotRegistered)?;
    let server_key = ansinh_wire::verifying_key_from_hex(&reg.server_signing_key)
        .map_err(|source| Error::Protocol { what: "registration.json server key", source })?;
    Ok(Identity {
        device_id: reg.device_id,
        server_url: reg.server_url,
        device_key: dir.device_key()?,
        server_key,
        trust: crate::server::server_trust(dir)?,
    })
}

fn random_u64() -> u64 {
    rand_core::RngCore::next_u64(&mut rand_core::OsRng)
}

/// Runs one sync of the device in `dir` through `transport`, reading the time from `clock`.
///
/// Sends batches until nothing is due, a failure stops it, or `policy.max_batches_per_sync`
/// attempts were made. Never sends an acknowledged record; a record of a failed batch goes
/// back to the queue (retryable) or to quarantine (permanent).
///
/// Takes the sender role for this sync alone (records a dead sender left `sending` go back to
/// the queue first); refused with `ansinh_outbox::Error::SenderBusy` (retryable) while another
/// process sends. A process that syncs again and again takes the role once and calls
/// [`sync_once_as`].
pub fn sync_once(
    dir: &DataDir,
    transport: &mut dyn Transport,
    clock: &dyn Clock,
    policy: &RetryPolicy,
) -> Result<SyncReport> {
    let id = identity(dir)?;
    let sender = take_sender(dir, clock.now())?;
    sync_with(dir, &id, &sender, transport, clock, policy)
}

/// [`sync_once`] for a sync a person asked for (`ansinh sync`, the staff screen's "sync
/// now"): every queued record is sent now, whatever its back-off, still in bounded batches and
/// as the one sender. A failure puts the records back with the usual back-off.
pub fn sync_now_once(
    dir: &DataDir,
    transport: &mut dyn Transport,
    clock: &dyn Clock,
    policy: &RetryPolicy,
) -> Result<SyncReport> {
    let id = identity(dir)?;
    let sender = take_sender(dir, clock.now())?;
    due_now(dir, &sender, clock.now())?;
    sync_with(dir, &id, &sender, transport, clock, policy)
}

/// Makes every record waiting out a back-off due now (`ansinh_outbox::Outbox::due_now`).
/// The consecutive failures are kept: a sync asked for while the network is still down does
/// not shorten the back-off of the automatic tries that follow.
pub(crate) fn due_now(dir: &DataDir, sender: &Sender, now: Timestamp) -> Result<usize> {
    let (mut outbox, _) = dir.outbox()?;
    Ok(outbox.due_now(sender, now)?)
}

/// Asks the collection server whether it is reachable, cheaply (`GET /healthz`, a few bytes),
/// as the holder of the sender role. When it answers, every record waiting out a back-off is
/// made due now and true is returned: the network is back, the next sync sends them.
pub fn probe(
    dir: &DataDir,
    sender: &Sender,
    transport: &mut dyn Transport,
    clock: &dyn Clock,
) -> Result<bool> {
    // Only our hub's exact answer counts: a captive portal's 200 page is no restored network.
    let reachable = matches!(
        transport.send(&Request::get("/healthz", vec![])),
        crate::plan::Answer::Http { status: 200, body } if body.trim_ascii() == b"ok"
    );
    if reachable {
        let (mut outbox, _) = dir.outbox()?;
        outbox.due_now(sender, clock.now())?;
        // The network is back: a failure now starts the back-off afresh.
        outbox.set_setting(FAILURES, "0")?;
    }
    Ok(reachable)
}

/// Takes the sender role of the device's outbox (`ansinh_outbox::Outbox::take_sender`).
pub fn take_sender(dir: &DataDir, now: Timestamp) -> Result<Sender> {
    let (mut outbox, _) = dir.outbox()?;
    Ok(outbox.take_sender(now)?)
}

/// [`sync_once`] as the holder of the sender role ([`take_sender`]).
pub fn sync_once_as(
    dir: &DataDir,
    sender: &Sender,
    transport: &mut dyn Transport,
    clock: &dyn Clock,
    policy: &RetryPolicy,
) -> Result<SyncReport> {
    sync_with(dir, &identity(dir)?, sender, transport, clock, policy)
}

fn sync_with(
    dir: &DataDir,
    id: &Identity,
    sender: &Sender,
    transport: &mut dyn Transport,
    clock: &dyn Clock,
    policy: &RetryPolicy,
) -> Result<SyncReport> {
    let (mut outbox, _) = dir.outbox()?;
    let mut report = SyncReport::default();
    let mut batch_bytes = policy.batch_bytes.max(1);
    // Staff actions reach the server even when no record waits: one batch of audit entries
    // alone per sync, so a server that keeps refusing them cannot keep the uploader busy.
    // The device's own entries (acknowledgements, purges) wait for the next records.
    let mut audit_alone_sent = false;
    let mut reached = false;
    while report.batches < policy.max_batches_per_sync {
        let now = clock.now();
        let mut claimed = outbox.claim_batch(sender, now, batch_bytes)?;
        let audit = pending_audit(&outbox)?;
        let staff_waiting = has_staff_action(&audit) && !audit_alone_sent;
        if claimed.is_empty() && !staff_waiting {
            break;
        }
        // A record the protocol can never carry is quarantined, not retried forever.
        let (too_big, fits): (Vec<_>, Vec<_>) =
            claimed.drain(..).partition(|o| o.sealed.len() > MAX_SEALED_BYTES);
        for o in too_big {
            let reason = "too_large: bigger than the upload protocol allows".to_string();
            outbox.quarantine(&o.record_id, &reason, now)?;
            report.quarantined.push(Quarantined { receipt_no: o.receipt_no, reason });
        }
        let mut batch = fits;
        if batch.len() > MAX_RECORDS {
            let rest: Vec<RecordId> = batch.drain(MAX_RECORDS..).map(|o| o.record_id).collect();
            outbox.retry_later(&rest, now, now, "not sent yet: the batch was full")?;
        }
        if batch.is_empty() {
            if !staff_waiting {
                continue;
            }
            audit_alone_sent = true;
        }
        let ids: Vec<RecordId> = batch.iter().map(|o| o.record_id).collect();
        let sent_bytes: usize = batch.iter().map(|o| o.sealed.len()).sum();
        // Committed before sending: a retry of these records, even after a crash, carries a
        // new counter, and the old one is refused as a replay.
        let counter = outbox.next_counter(BATCH_COUNTER)?;
        let channel = Channel::Network { counter };
        let body = BatchBody {
            version: PROTOCOL_VERSION,
            device_id: id.device_id,
            channel,
            records: batch
                .iter()
                .map(|o| SealedRecord { record_id: o.record_id, sealed: o.sealed.clone() })
                .collect(),
            audit,
        };
        let bytes = ansinh_wire::sign_batch(&body, &id.device_key)
            .map_err(|source| Error::Protocol { what: "signing a batch", source })?;
        drop(body);
        report.batches += 1;
        let answer =
            transport.send(&Request::post("/v1/batches", "application/octet-stream", bytes));
        let now = clock.now();
        let verdict = plan::judge(&answer, id.device_id, channel, ids.len(), &id.server_key);
        match verdict {
            Verdict::Acknowledged(ack) => {
                reached = true;
                // First: a restored server's epoch sends every acknowledged record again,
                // before this batch's records are marked held by it.
                note_epoch(&mut outbox, &ack.epoch, now)?;
                note_audit_through(&mut outbox, ack.audit_through)?;
                // The hub's signed time, just received: the device's clock is judged by it.
                let reference = ansinh_device::clock::reference(clock, ack.server_time);
                outbox.note_server_time(ack.server_time, reference.as_ref())?;
                let records = plan::plan_records(&ids, &ack);
                outbox.acknowledge(&records.acknowledge, now)?;
                report.acknowledged += records.acknowledge.len();
                report.duplicates += records.duplicates;
                for (rid, reason) in records.quarantine {
                    quarantine_if_unsent(&mut outbox, &rid, &reason, now)?;
                    if let Some(o) = batch.iter().find(|o| o.record_id == rid) {
                        report.quarantined.push(Quarantined { receipt_no: o.receipt_no, reason });
                    }
                }
                if !records.retry.is_empty() {
                    let next = now + policy.base_delay_secs;
                    outbox.retry_later(
                        &records.retry,
                        now,
                        next,
                        "missing from the acknowledgement",
                    )?;
                    report.next_attempt_at = Some(next);
                }
                outbox.set_setting(FAILURES, "0")?;
                outbox.set_setting(LAST_SYNC, &now.to_string())?;
                outbox.set_setting(LAST_ERROR, "")?;
                outbox.set_setting(BLOCKED, "")?;
            }
            Verdict::Retry(reason) => {
                let failures = u32::try_from(setting_i64(&outbox, FAILURES)?.unwrap_or(0))
                    .unwrap_or(0)
                    .saturating_add(1);
                let next = now + plan::backoff_secs(failures, policy, random_u64());
                outbox.retry_later(&ids, now, next, &reason)?;
                outbox.set_setting(FAILURES, &failures.to_string())?;
                outbox.set_setting(LAST_ERROR, &reason)?;
                report.next_attempt_at = Some(next);
                report.failure = Some(Failure { retryable: true, reason });
                break;
            }
            Verdict::Split(reason) => {
                batch_bytes = (sent_bytes / 2).max(1);
                outbox.retry_later(&ids, now, now, &reason)?;
            }
            Verdict::Hold(reason) => {
                let next = now + policy.max_delay_secs;
                outbox.retry_later(&ids, now, next, &reason)?;
                outbox.set_setting(LAST_ERROR, &reason)?;
                report.next_attempt_at = Some(next);
            }
            Verdict::Blocked(reason) => {
                let next = now + policy.max_delay_secs;
                outbox.retry_later(&ids, now, next, &reason)?;
                outbox.set_setting(BLOCKED, &reason)?;
                outbox.set_setting(LAST_ERROR, &reason)?;
                report.next_attempt_at = Some(next);
                report.failure = Some(Failure { retryable: false, reason });
                break;
            }
        }
    }
    // Idle now: the WAL is copied into the database here rather than inside the commit of the
    // next enqueue. Best effort: one that cannot run now (another checkpoint, a busy disk) is
    // done after the next sync, and records are unaffected either way.
    let _ = outbox.checkpoint_if_due(clock.now());
    report.status = status_of(&outbox, clock.now(), policy)?;
    // The hub was reached: ask it for a newer policy table, once; a failure here is only
    // reported, the records are done with.
    if reached {
        report.policy = Some(checked_policy(dir, transport, clock));
    }
    Ok(report)
}

/// [`crate::policy::fetch_policy`], its own failure reported as one.
pub(crate) fn checked_policy(
    dir: &DataDir,
    transport: &mut dyn Transport,
    clock: &dyn Clock,
) -> crate::policy::PolicyFetch {
    crate::policy::fetch_policy(dir, transport, clock)
        .unwrap_or_else(|e| crate::policy::PolicyFetch::Failed { reason: e.to_string() })
}

/// Quarantines a record unless the server already holds it (a USB acknowledgement may have
/// arrived meanwhile): an acknowledged record stays acknowledged.
pub(crate) fn quarantine_if_unsent(
    outbox: &mut Outbox,
    id: &RecordId,
    reason: &str,
    now: Timestamp,
) -> Result<bool> {
    match outbox.quarantine(id, reason, now) {
        Ok(()) => Ok(true),
        Err(ansinh_outbox::Error::WrongState { .. } | ansinh_outbox::Error::NotFound(_)) => {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// Runs one sync a person asked for ([`sync_now_once`]) over HTTP with the server the device
/// registered with, on the system clock, taking the sender role for it.
pub fn sync(dir: &DataDir, policy: &RetryPolicy) -> Result<SyncReport> {
    let id = identity(dir)?;
    let sender = take_sender(dir, SystemClock.now())?;
    due_now(dir, &sender, SystemClock.now())?;
    let mut report = sync_http(dir, &id, &sender, policy)?;
    // A person asked: the policy table is checked even when no record was due.
    if report.policy.is_none() {
        report.policy = Some(policy_http(&id, dir, policy));
    }
    Ok(report)
}

/// One check for a newer policy table over HTTP with the registered server.
pub(crate) fn policy_http(
    id: &Identity,
    dir: &DataDir,
    policy: &RetryPolicy,
) -> crate::policy::PolicyFetch {
    match crate::transport::HttpTransport::with_trust(
        &id.server_url,
        std::time::Duration::from_secs(policy.request_timeout_secs),
        &id.trust,
    ) {
        Ok(mut transport) => checked_policy(dir, &mut transport, &SystemClock),
        Err(e) => crate::policy::PolicyFetch::Failed { reason: e.to_string() },
    }
}

/// One sync over HTTP as the holder of the sender role.
pub(crate) fn sync_http(
    dir: &DataDir,
    id: &Identity,
    sender: &Sender,
    policy: &RetryPolicy,
) -> Result<SyncReport> {
    let mut transport = crate::transport::HttpTransport::with_trust(
        &id.server_url,
        std::time::Duration::from_secs(policy.request_timeout_secs),
        &id.trust,
    )?;
    let mut report = sync_with(dir, id, sender, &mut transport, &SystemClock, policy)?;
    // Once per round, even with nothing sent: the hub learns the device is alive. Not when
    // the network just failed or the hub refuses the device; its own failure changes nothing.
    if report.failure.is_none() && report.status.blocked.is_none() {
        let sources = ansinh_device::health::Sources::default();
        report.health_at =
            crate::health::send_with(dir, id, &mut transport, &SystemClock, &sources).ok();
    }
    Ok(report)
}
