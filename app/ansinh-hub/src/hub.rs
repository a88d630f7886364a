//! The hub's operations, independent of HTTP: registration, batch and bundle ingest,
//! renewal lists, tallies and collection lists. The HTTP layer and the CLI both call these.
//!
//! - A batch is decoded (bounded), its device looked up, its signature checked (strictly,
//!   `ansinh-wire`), then each record opened with the sealing key and checked by the
//!   [`RecordRules`], on every core (rayon), while the store decides, in one transaction,
//!   Accepted / Duplicate / Conflict / Rejected for each opened record in turn and moves the
//!   replay counter. A refused batch stores nothing. The acknowledgement lists the outcomes
//!   in the records' order.
//! - Over the network, an unknown device id is answered exactly as a bad signature, after the
//!   same work (a signature check against a stand-in key): nobody learns which device ids
//!   exist. Only the operator importing a USB bundle is told that its device is unknown.
//! - Refusals are [`Refusal`]s with the protocol's status and code; anything else is an
//!   internal [`Error`] that clients never see.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ansinh_wire::{
    AckBody, AgentAccount, Assignment, BatchBody, Channel, Outcome, PROTOCOL_VERSION, RecordResult,
    RegisterRequest, RegisterResponse, RenewalDue, SealedRecord, UnverifiedBatch,
};
use ed25519_dalek::VerifyingKey;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::civil::{self, Day};
use crate::error::{Error, Result, io};
use crate::keys::HubKeys;
use crate::rules::{ListRow, RecordRules};
use crate::store::{
    Coverage, Device, Facts, Incoming, Ingested, PaidReceipt, ProblemQuota, Store, Timestamp,
};

/// How far a signed request's time may be from the server's. Generous, because kiosks in the
/// field keep poor time; a replayed request within it only fetches the same list again.
pub const MAX_REQUEST_SKEW_SECS: i64 = 24 * 3600;
/// Longest renewal window a device may ask for.
pub const MAX_RENEWAL_DAYS: u32 = 366;
/// Longest label kept for a device or token.
const MAX_LABEL_CHARS: usize = 120;
/// The rejection of a record whose envelope names another collecting device than the
/// batch's signer (PROTOCOL.md, "Per-record outcomes").
pub const OTHER_DEVICE: &str = "invalid:collection.device_id:other_device";

/// Why a request is refused: the protocol's status and stable code (PROTOCOL.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 400 `malformed`.
    Malformed,
    /// 400 `unsupported_version`.
    UnsupportedVersion,
    /// 400 `invalid_key`: the device public key is not an Ed25519 key, or is a weak
    /// (small-order) one.
    InvalidKey,
    /// 401 `invalid_token`: registration token unknown, used or expired.
    InvalidToken,
    /// 401 `unknown_device`: only for the operator importing a USB bundle; over the network an
    /// unknown device is answered [`Refusal::BadSignature`].
    UnknownDevice,
    /// 401 `bad_signature`: also an unknown or unreadable device id over the network.
    BadSignature,
    /// 403 `device_revoked`.
    DeviceRevoked,
    /// 409 `replayed_batch`.
    ReplayedBatch,
    /// 413 `too_large`.
    TooLarge,
    /// 429 `rate_limited`: more network batches from this device this minute than
    /// [`Quotas::batches_per_minute`] (retryable).
    RateLimited,
}

impl Refusal {
    /// HTTP status.
    pub const fn status(self) -> u16 {
        match self {
            Refusal::Malformed | Refusal::UnsupportedVersion | Refusal::InvalidKey => 400,
            Refusal::InvalidToken | Refusal::UnknownDevice | Refusal::BadSignature => 401,
            Refusal::DeviceRevoked => 403,
            Refusal::ReplayedBatch => 409,
            Refusal::TooLarge => 413,
            Refusal::RateLimited => 429,
        }
    }

    /// Stable code.
    pub const fn code(self) -> &'static str {
        match self {
            Refusal::Malformed => "malformed",
            Refusal::UnsupportedVersion => "unsupported_version",
            Refusal::InvalidKey => "invalid_key",
            Refusal::InvalidToken => "invalid_token",
            Refusal::UnknownDevice => "unknown_device",
            Refusal::BadSignature => "bad_signature",
            Refusal::DeviceRevoked => "device_revoked",
            Refusal::ReplayedBatch => "replayed_batch",
            Refusal::TooLarge => "too_large",
            Refusal::RateLimited => "rate_limited",
        }
    }

    /// A message for people (English; no internals).
    pub const fn message(self) -> &'static str {
        match self {
            Refusal::Malformed => "the request is not a valid message of this protocol",
            Refusal::UnsupportedVersion => {
                "this protocol version is not supported: update the device's ansinh software"
            }
            Refusal::InvalidKey => {
                "the device public key is not a valid Ed25519 key, or is a weak (small-order) key"
            }
            Refusal::InvalidToken => "the registration token is unknown, used or expired",
            Refusal::UnknownDevice => "this device is not registered here",
            // Also what an unknown device hears, so it names both causes for staff.
            Refusal::BadSignature => {
                "the signature does not verify, or this device is not registered here"
            }
            Refusal::DeviceRevoked => "this device has been revoked",
            Refusal::ReplayedBatch => "this batch counter was already used",
            Refusal::TooLarge => "the message is too large",
            Refusal::RateLimited => "too many batches from this device; try again in a minute",
        }
    }
}

/// A refusal (the client's fault, told to it) or an internal failure (logged, never told).
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// Refused, with the protocol's code.
    #[error("refused: {}", .0.code())]
    Refused(Refusal),
    /// The server failed.
    #[error(transparent)]
    Internal(#[from] Error),
}

impl From<Refusal> for HubError {
    fn from(r: Refusal) -> Self {
        HubError::Refused(r)
    }
}

pub(crate) fn wire_refusal(e: &ansinh_wire::Error) -> Refusal {
    match e {
        ansinh_wire::Error::TooLarge(_) => Refusal::TooLarge,
        ansinh_wire::Error::UnsupportedVersion(_) => Refusal::UnsupportedVersion,
        ansinh_wire::Error::BadSignature => Refusal::BadSignature,
        _ => Refusal::Malformed,
    }
}

/// What an import of a USB bundle did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// The device the bundle came from.
    pub device_id: u64,
    /// Records stored now.
    pub accepted: usize,
    /// Records already held.
    pub duplicates: usize,
    /// Conflicting records (kept apart and flagged).
    pub conflicts: usize,
    /// Rejected records (kept for staff).
    pub rejected: usize,
    /// The bundle had been imported before.
    pub again: bool,
    /// Where the acknowledgement file was written.
    pub ack_file: Option<PathBuf>,
}

/// One payment of a possible double payment, as staff follow it up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PaidOn {
    /// The device that took it.
    pub device_id: u64,
    /// Its label (the collection point).
    pub device_label: String,
    /// The receipt number that device printed (None if the record cannot be read).
    pub receipt_no: Option<i64>,
    /// Record id, hex.
    pub record_id: String,
    /// Collection day in Vietnam, `YYYY-MM-DD`.
    pub day: String,
    /// First month paid, `YYYY-MM`.
    pub paid_from: String,
    /// Last month paid, `YYYY-MM`.
    pub paid_until: String,
    /// Cash collected on the receipt, đồng.
    pub amount: u64,
}

/// The same person paying twice for some of the same months of one scheme: both receipts.
/// Both records are held and counted; this is for staff to follow up (refund or confirm).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DoublePayment {
    /// The person's masked name.
    pub masked_name: String,
    /// `voluntary-si` or `household-bhyt`.
    pub scheme: String,
    /// The earlier payment.
    pub first: PaidOn,
    /// The later one.
    pub second: PaidOn,
}

/// Which collection list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum List {
    /// D05-TS: voluntary social insurance.
    D05,
    /// D03-TS: household health insurance.
    D03,
}

impl List {
    /// The record scheme it lists.
    pub const fn scheme(self) -> &'static str {
        match self {
            List::D05 => ansinh_core::scheme::Scheme::Voluntary.code(),
            List::D03 => ansinh_core::scheme::Scheme::Household.code(),
        }
    }

    /// Form name.
    pub const fn name(self) -> &'static str {
        match self {
            List::D05 => "D05-TS",
            List::D03 => "D03-TS",
        }
    }
}

/// What one device may cost the hub: batches it may send, and conflicting or rejected records
/// kept for staff. Past a quota refusals are cheap: a batch gets 429 `rate_limited` before a
/// record is opened, a junk record its outcome with nothing stored. [`Default`] holds the
/// defaults (`ansinh-hub serve` flags change them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quotas {
    /// Network batches accepted per device per minute. Default 30: a device sends at most a
    /// few a minute, even splitting a refused batch.
    pub batches_per_minute: u32,
    /// Conflicting and rejected records kept per device per day (UTC). Default 200.
    pub problems_per_day: u32,
    /// Conflicting and rejected records kept per device in all. Default 2,000.
    pub problems_stored: u32,
    /// Audit entries taken per device per day (UTC). Default 5,000: a busy counter's day of
    /// records and staff actions is about a thousand.
    pub audit_per_day: u32,
    /// Distinct reasons an audit trail was refused kept per device. Default 100.
    pub audit_problems: u32,
}

impl Default for Quotas {
    fn default() -> Self {
        Self {
            batches_per_minute: 30,
            problems_per_day: 200,
            problems_stored: 2_000,
            audit_per_day: 5_000,
            audit_problems: 100,
        }
    }
}

impl Quotas {
    fn problems(self) -> ProblemQuota {
        ProblemQuota { per_day: self.problems_per_day, stored: self.problems_stored }
    }

    fn audit(self) -> crate::store::AuditQuota {
        crate::store::AuditQuota { per_day: self.audit_per_day, problems: self.audit_problems }
    }
}

/// The collection server's state: storage, keys and the record rules.
pub struct Hub {
    store: Arc<dyn Store>,
    /// Shared with the opening of a batch's records on rayon's pool ([`Opening`]).
    keys: Arc<HubKeys>,
    rules: Arc<dyn RecordRules>,
    quotas: std::sync::RwLock<Quotas>,
    /// Per device: the minute (Unix time / 60) and the network batches taken in it. In memory:
    /// a restart forgets it, which costs at most one more minute's batches.
    batches: std::sync::Mutex<std::collections::HashMap<u64, (i64, u32)>>,
    /// When the fleet page raises alarms (`crate::fleet`).
    pub(crate) fleet: std::sync::RwLock<crate::fleet::FleetThresholds>,
    /// The version of the latest published policy table the record rules were given: another
    /// process (`ansinh-hub policy publish`) may publish one while this hub serves.
    policy_seen: std::sync::Mutex<Option<String>>,
    /// Whole months after the last month paid before a participant counts as lapsed
    /// (`crate::plan`).
    pub(crate) lapse_grace: std::sync::atomic::AtomicU32,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub").field("keys", &self.keys).finish_non_exhaustive()
    }
}

fn label_ok(label: &str) -> String {
    label.trim().chars().filter(|c| !c.is_control()).take(MAX_LABEL_CHARS).collect()
}

/// Longest agent code a record can carry (`ansinh-enrollment`'s bound).
const MAX_AGENT_CODE_BYTES: usize = 16;

/// An assignment as stored: the collection point and names trimmed of control characters,
/// communes official 5-digit codes (known to `ansinh-geo`), agent codes of letters, digits and
/// `-`, each commune and agent once. [`Error::Invalid`] names the first bad value.
pub fn check_assignment(a: &Assignment) -> Result<Assignment> {
    let mut out =
        Assignment { collection_point: label_ok(&a.collection_point), ..Assignment::default() };
    for c in &a.communes {
        let c = c.trim();
        if c.len() != 5 || !c.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::Invalid(format!("{c:?} is not a commune code (5 digits)")));
        }
        if ansinh_geo::commune(c).is_none() {
            return Err(Error::Invalid(format!("{c:?} is not a known commune code")));
        }
        if !out.communes.iter().any(|k| k == c) {
            out.communes.push(c.to_string());
        }
    }
    for g in &a.agents {
        let code = g.code.trim();
        let name = label_ok(&g.name);
        if code.is_empty()
            || code.len() > MAX_AGENT_CODE_BYTES
            || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(Error::Invalid(format!(
                "{code:?} is not an agent code (letters, digits and -, at most {MAX_AGENT_CODE_BYTES})"
            )));
        }
        if name.is_empty() {
            return Err(Error::Invalid(format!("agent {code} has no name")));
        }
        if !out.agents.iter().any(|k| k.code == code) {
            out.agents.push(AgentAccount { code: code.to_string(), name });
        }
    }
    Ok(out)
}

impl Hub {
    /// A hub over `store`, with `keys`, checking records with `rules`.
    pub fn new(store: Arc<dyn Store>, keys: HubKeys, rules: Arc<dyn RecordRules>) -> Self {
        Self {
            store,
            keys: Arc::new(keys),
            rules,
            quotas: Default::default(),
            batches: Default::default(),
            fleet: Default::default(),
            policy_seen: Default::default(),
            lapse_grace: crate::plan::DEFAULT_LAPSE_GRACE_MONTHS.into(),
        }
    }

    /// Sets what one device may cost the hub (at start, or while serving).
    pub fn set_quotas(&self, quotas: Quotas) {
        *self.quotas.write().unwrap_or_else(std::sync::PoisonError::into_inner) = quotas;
    }

    /// What one device may cost the hub.
    pub fn quotas(&self) -> Quotas {
        *self.quotas.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts a network batch of `device` at `now`: refused past the minute's quota.
    pub(crate) fn take_batch(&self, device: u64, now: Timestamp) -> Result<(), HubError> {
        let minute = now.div_euclid(60);
        let mut batches = self.batches.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Forget the minutes gone, so the map holds only the devices of this one.
        if batches.len() > 4_096 {
            batches.retain(|_, (m, _)| *m == minute);
        }
        let taken = batches.entry(device).or_insert((minute, 0));
        if taken.0 != minute {
            *taken = (minute, 0);
        }
        if taken.1 >= self.quotas().batches_per_minute {
            return Err(Refusal::RateLimited.into());
        }
        taken.1 += 1;
        Ok(())
    }

    /// The storage.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The keys.
    pub fn keys(&self) -> &HubKeys {
        &self.keys
    }

    /// The record rules.
    pub(crate) fn rules(&self) -> &dyn RecordRules {
        self.rules.as_ref()
    }

    /// Gives the record rules every published policy table when one was published since they
    /// were last given (by this process or another): a record priced with it is then checked
    /// with it. One small read per batch.
    fn refresh_policies(&self) -> Result<()> {
        let latest = self.store.latest_policy()?.map(|p| p.version);
        let mut seen = self.policy_seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if latest.is_some() && *seen != latest {
            self.load_published_policies()?;
            *seen = latest;
        }
        Ok(())
    }

    /// Makes a one-time registration token valid for `valid_secs`, for a device assigned to
    /// nothing (it takes records of any commune and agent, and gets no renewal list); returns
    /// the token (shown once; only its secret's hash is kept) as
    /// `<secret>.<fingerprint of the hub's keys>` (`ansinh_wire::provisioning`).
    pub fn create_token(&self, label: &str, valid_secs: i64, now: Timestamp) -> Result<String> {
        self.create_assigned_token(label, &Assignment::default(), valid_secs, now)
    }

    /// [`Hub::create_token`] for a device assigned to `assignment` (checked by
    /// [`check_assignment`]; copied to the device at registration).
    pub fn create_assigned_token(
        &self,
        label: &str,
        assignment: &Assignment,
        valid_secs: i64,
        now: Timestamp,
    ) -> Result<String> {
        let assignment = check_assignment(assignment)?;
        let mut raw = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut raw);
        // 32 hex digits: typed on a kiosk keyboard or pasted; 128 bits cannot be guessed.
        let token = hex::encode(raw);
        let sha: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        self.store.create_token(
            sha,
            &token[..4],
            &label_ok(label),
            &assignment,
            now,
            now.saturating_add(valid_secs.max(60)),
        )?;
        // The device checks the keys it is answered with against this fingerprint.
        Ok(format!("{token}.{}", self.keys.fingerprint().to_hex()))
    }

    /// Registers a device with a one-time token.
    pub fn register(
        &self,
        request: &RegisterRequest,
        now: Timestamp,
    ) -> Result<RegisterResponse, HubError> {
        let key = ansinh_wire::verifying_key_from_hex(&request.device_public_key)
            .map_err(|_| Refusal::InvalidKey)?;
        // Only the secret is kept (hashed): tokens with and without the fingerprint both work.
        let secret = ansinh_wire::provisioning::token_secret(&request.token);
        let sha: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
        let device = self
            .store
            .register_device(sha, now, &label_ok(&request.label), key.to_bytes())?
            .ok_or(Refusal::InvalidToken)?;
        Ok(RegisterResponse {
            device_id: device.id,
            sealing_key: self.keys.sealing_key_hex(),
            server_signing_key: self.keys.signing_key_hex(),
            // Derived from the master key, never stored.
            receipt_key: hex::encode(*self.keys.receipt_key(device.id)),
            assignment: self.store.assignment(device.id)?,
            config_signing_key: self.keys.config_key_hex(),
            policy_signing_key: self.keys.policy_key_hex(),
        })
    }

    /// Replaces what device `id` is assigned to (checked by [`check_assignment`]). Records
    /// already held keep their review flags; renewal lists follow at once.
    pub fn assign_device(&self, id: u64, assignment: &Assignment) -> Result<()> {
        let assignment = check_assignment(assignment)?;
        if !self.store.assign_device(id, &assignment)? {
            return Err(Error::Invalid(format!("no device {id}")));
        }
        Ok(())
    }

    /// The public key a signature is checked against: the device's, or for an unknown device
    /// a stand-in (this hub's own public key, which no device signs with), so that an unknown
    /// device costs the same work as a known one with a bad signature.
    pub(crate) fn key_to_check(&self, device: Option<&Device>) -> Result<VerifyingKey, HubError> {
        let bytes =
            device.map_or_else(|| self.keys.signing.verifying_key().to_bytes(), |d| d.public_key);
        VerifyingKey::from_bytes(&bytes).map_err(|_| {
            HubError::Internal(Error::Corrupt(format!("device {} key", device.map_or(0, |d| d.id))))
        })
    }

    /// Decodes a signed batch and checks its device and signature. An unknown device is
    /// refused with `unknown` once the signature has been checked against the stand-in key.
    fn verified(&self, bytes: &[u8], unknown: Refusal) -> Result<BatchBody, HubError> {
        let unverified = UnverifiedBatch::decode(bytes).map_err(|e| wire_refusal(&e))?;
        let device = self.store.device(unverified.body.device_id)?;
        let key = self.key_to_check(device.as_ref())?;
        // The signature first: only the device itself learns that it is revoked, and nobody
        // that a device id is unknown.
        let signed = unverified.verify(&key);
        let Some(device) = device else { return Err(unknown.into()) };
        let body = signed.map_err(|e| wire_refusal(&e))?;
        if device.revoked_at.is_some() {
            return Err(Refusal::DeviceRevoked.into());
        }
        if let Channel::Network { counter } = body.channel {
            if i64::try_from(counter).is_err() {
                return Err(Refusal::Malformed.into());
            }
            if counter <= device.last_counter {
                // Early refusal before any record is opened; the store checks again atomically.
                return Err(Refusal::ReplayedBatch.into());
            }
        }
        Ok(body)
    }

    /// One record sent by `signer` opened and checked as an ingest does it: what the store
    /// would be given. For tools that write generated records in bulk (the province bench),
    /// to check their clear columns against the ingest's own reading.
    #[cfg(feature = "testing")]
    pub fn incoming(&self, signer: u64, record: SealedRecord) -> Incoming {
        open_record(&self.keys, self.rules.as_ref(), signer, record)
    }

    fn store_batch(
        &self,
        mut batch: BatchBody,
        now: Timestamp,
    ) -> Result<(AckBody, bool), HubError> {
        let (device_id, channel) = (batch.device_id, batch.channel);
        let ids: Vec<_> = batch.records.iter().map(|r| r.record_id).collect();
        let audit = std::mem::take(&mut batch.audit);
        self.refresh_policies()?;
        let count = batch.records.len();
        // The records are opened on the pool while the store's transaction takes them.
        let mut opened = Opening::start(
            Arc::clone(&self.keys),
            Arc::clone(&self.rules),
            device_id,
            batch.records,
        );
        let quota = self.quotas().problems();
        let ingested =
            self.store.ingest_stream(device_id, &channel, now, count, &mut opened, &quota);
        drop(opened);
        let (outcomes, again) = match ingested? {
            Ingested::Stored { outcomes, again } => (outcomes, again),
            Ingested::Replayed => return Err(Refusal::ReplayedBatch.into()),
            Ingested::Revoked => return Err(Refusal::DeviceRevoked.into()),
        };
        let results = ids
            .into_iter()
            .zip(outcomes)
            .map(|(record_id, outcome)| RecordResult { record_id, outcome })
            .collect();
        // The records are stored whatever becomes of the audit entries: a gap or a broken
        // chain is refused for the audit part only, and flagged on the device's audit page.
        let audit_through =
            self.store.append_audit(device_id, &audit, self.quotas().audit(), now)?.through;
        let ack = AckBody {
            version: PROTOCOL_VERSION,
            device_id,
            channel,
            results,
            audit_through,
            server_time: now,
            // A restored database has a new one: devices send again what it may have lost.
            epoch: self.store.epoch()?,
        };
        Ok((ack, again))
    }

    /// Ingests a network batch (`POST /v1/batches`); returns the signed acknowledgement.
    pub fn ingest_batch(&self, bytes: &[u8], now: Timestamp) -> Result<Vec<u8>, HubError> {
        let batch = self.verified(bytes, Refusal::BadSignature)?;
        if !matches!(batch.channel, Channel::Network { .. }) {
            return Err(Refusal::Malformed.into());
        }
        // Counted once the signature holds: nobody can spend another device's quota.
        self.take_batch(batch.device_id, now)?;
        let (ack, _) = self.store_batch(batch, now)?;
        ansinh_wire::sign_ack(&ack, &self.keys.signing).map_err(|_| {
            HubError::Internal(Error::Corrupt("acknowledgement over the size limit".into()))
        })
    }

    /// Ingests a USB bundle; returns the signed acknowledgement and what happened. Importing
    /// the same bundle again stores nothing new and yields an equivalent acknowledgement.
    pub fn import_bundle(
        &self,
        bytes: &[u8],
        now: Timestamp,
    ) -> Result<(Vec<u8>, ImportReport), HubError> {
        // The operator importing a stick may hear that its device is not registered here.
        let batch = self.verified(bytes, Refusal::UnknownDevice)?;
        if !matches!(batch.channel, Channel::Usb { .. }) {
            return Err(Refusal::Malformed.into());
        }
        let (ack, again) = self.store_batch(batch, now)?;
        let mut report =
            ImportReport { device_id: ack.device_id, again, ..ImportReport::default() };
        for r in &ack.results {
            match r.outcome {
                Outcome::Accepted => report.accepted += 1,
                Outcome::Duplicate => report.duplicates += 1,
                Outcome::Conflict => report.conflicts += 1,
                Outcome::Rejected { .. } => report.rejected += 1,
            }
        }
        let signed = ansinh_wire::sign_ack(&ack, &self.keys.signing).map_err(|_| {
            HubError::Internal(Error::Corrupt("acknowledgement over the size limit".into()))
        })?;
        Ok((signed, report))
    }

    /// `ansinh-hub import FILE`: imports a bundle file and writes `FILE.ack` beside it.
    pub fn import_bundle_file(&self, path: &Path, now: Timestamp) -> Result<ImportReport> {
        let len = std::fs::metadata(path).map_err(io(path))?.len();
        if len > ansinh_wire::MAX_BODY_BYTES as u64 {
            return Err(Error::Bundle("the file is larger than a bundle can be".into()));
        }
        let bytes = std::fs::read(path).map_err(io(path))?;
        let (ack, mut report) = self.import_bundle(&bytes, now).map_err(|e| match e {
            HubError::Refused(r) => Error::Bundle(format!("{}: {}", r.code(), r.message())),
            HubError::Internal(e) => e,
        })?;
        let mut ack_path = path.as_os_str().to_owned();
        ack_path.push(".ack");
        let ack_path = PathBuf::from(ack_path);
        write_durably(&ack_path, &ack)?;
        report.ack_file = Some(ack_path);
        Ok(report)
    }

    /// Checks a device's signed request headers (`GET /v1/renewals`). An unknown or unreadable
    /// device id, an unreadable time, a bad signature and a time more than
    /// [`MAX_REQUEST_SKEW_SECS`] away (any `i64`, without overflow) are all the same
    /// `bad_signature`, after the same signature check.
    pub fn authenticate_request(
        &self,
        device: &str,
        time: &str,
        signature: &str,
        method: &str,
        path: &str,
        now: Timestamp,
    ) -> Result<u64, HubError> {
        let device_id: Option<u64> = device.trim().parse().ok();
        let time: Option<i64> = time.trim().parse().ok();
        let d = match device_id {
            Some(id) => self.store.device(id)?,
            None => None,
        };
        let key = self.key_to_check(d.as_ref())?;
        let signed = ansinh_wire::verify_request(
            &key,
            device_id.unwrap_or(0),
            method,
            path,
            time.unwrap_or(0),
            signature,
        )
        .is_ok();
        let (Some(d), Some(time), true) = (d, time, signed) else {
            return Err(Refusal::BadSignature.into());
        };
        if now.abs_diff(time) > MAX_REQUEST_SKEW_SECS.unsigned_abs() {
            return Err(Refusal::BadSignature.into());
        }
        if d.revoked_at.is_some() {
            return Err(Refusal::DeviceRevoked.into());
        }
        Ok(d.id)
    }

    /// Participants whose paid period ends within `within_days` days of `now` (Vietnam time):
    /// in the communes `device` is assigned (a device assigned none gets none), or all of them.
    pub fn renewals(
        &self,
        device: Option<u64>,
        within_days: u32,
        now: Timestamp,
    ) -> Result<Vec<RenewalDue>> {
        let days = i64::from(within_days.min(MAX_RENEWAL_DAYS));
        let Some((from, until)) = civil::month_ends_within(Day::of(now), days) else {
            return Ok(vec![]);
        };
        if let Some(id) = device {
            // Who downloaded which list, as Law 91/2025 asks of personal data handed out.
            let detail = format!("within_days={days} months={from}..{until}");
            self.store.log_action(&format!("device {id}"), "renewals_download", &detail, now)?;
        }
        let mut out = vec![];
        for due in self.store.due_participants(device, &from, &until)? {
            let Ok(plain) = self.keys.opening.open(&due.record.sealed) else { continue };
            if let Some(mut r) = self.rules.renewal(&plain, due.index) {
                // The receipt number means something only on the device that printed it.
                if device != Some(due.record.device_id) {
                    r.last_receipt_no = None;
                }
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Possible double payments whose later payment was collected in `month` (`YYYY-MM`),
    /// from any devices, in collection order (see [`Store::overlaps`]).
    pub fn double_payments(&self, month: &str) -> Result<Vec<DoublePayment>> {
        if civil::parse_month(month).is_none() {
            return Err(Error::Invalid(format!("{month:?} is not a month (YYYY-MM)")));
        }
        let labels: std::collections::HashMap<u64, String> =
            self.store.devices()?.into_iter().map(|d| (d.id, d.label)).collect();
        let participant = |p: &PaidReceipt| {
            let plain = self.keys.opening.open(&p.record.sealed).ok()?;
            self.rules.participant(&plain, p.index)
        };
        let paid_on = |p: &PaidReceipt, receipt_no: Option<i64>| PaidOn {
            device_id: p.record.device_id,
            device_label: labels.get(&p.record.device_id).cloned().unwrap_or_default(),
            receipt_no,
            record_id: hex::encode(p.record.record_id),
            day: Day::of(p.collected_at).iso(),
            paid_from: p.paid_from.clone(),
            paid_until: p.paid_until.clone(),
            amount: p.amount,
        };
        let mut out = vec![];
        for o in self.store.overlaps(month)? {
            let (first, second) = (participant(&o.first), participant(&o.second));
            let masked_name = second
                .as_ref()
                .or(first.as_ref())
                .map(|p| p.masked_name.clone())
                .unwrap_or_default();
            out.push(DoublePayment {
                masked_name,
                scheme: o.scheme.clone(),
                first: paid_on(&o.first, first.map(|p| p.receipt_no)),
                second: paid_on(&o.second, second.map(|p| p.receipt_no)),
            });
        }
        Ok(out)
    }

    /// The rows of a collection list for a month, optionally one commune, in order (the
    /// pages of [`Hub::list_pages`] together).
    pub fn list_rows(
        &self,
        list: List,
        commune: Option<&str>,
        month: &str,
    ) -> Result<Vec<ListRow>> {
        let mut rows = vec![];
        self.list_pages(list, commune, month, |page| {
            rows.extend_from_slice(page);
            Ok(())
        })?;
        Ok(rows)
    }
}

/// What a scanned receipt QR code turned out to be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReceiptCheck {
    /// What the QR code states that the held record does not: `amount`, `receipt_no` (empty
    /// when the record has not arrived, or agrees). A genuine MAC with a mismatch means the
    /// device printed a receipt unlike the record it sent.
    pub mismatches: Vec<String>,
    /// The device that printed it.
    pub device_id: u64,
    /// Its receipt number on that device.
    pub receipt_no: u64,
    /// The amount it states, đồng (covered by the MAC).
    pub amount: u64,
    /// The record's id, hex.
    pub record_id: String,
    /// The server holds that record from that device.
    pub held: bool,
    /// When the server received it, if it holds it.
    pub received_at: Option<Timestamp>,
    /// The printing device's label: the collection point named when its token was made.
    pub collection_point: String,
}

impl Hub {
    /// The MAC key of device `device`'s receipts: derived from the master key, or its own
    /// key wrapped under it (registered before keys were derived).
    fn receipt_key_of(&self, device: &Device) -> zeroize::Zeroizing<[u8; 32]> {
        match &device.wrapped_receipt_key {
            Some(wrapped) => self.keys.wrap_receipt_key(device.id, wrapped),
            None => self.keys.receipt_key(device.id),
        }
    }

    /// Wraps the receipt keys of devices registered before keys were derived, still held in
    /// clear after the schema upgrade, under the master key; how many (`crate::open` does it).
    pub fn wrap_legacy_receipt_keys(&self) -> Result<usize> {
        self.store.wrap_legacy_receipt_keys(&|id, key| *self.keys.wrap_receipt_key(id, key))
    }

    /// Checks a receipt's QR code (either form, `ansinh_wire::receipt_qr`): the MAC with the
    /// printing device's receipt key (so the receipt number and amount are the device's own),
    /// whether the record has arrived, and whether its amount and receipt number are the
    /// record's (`mismatches`).
    pub fn verify_receipt(&self, payload: &str) -> Result<ReceiptCheck> {
        let code = ansinh_wire::receipt_qr::Code::parse(payload)
            .map_err(|_| Error::Invalid("not a valid ansinh receipt code".into()))?;
        self.check_receipt(&code)
    }

    /// [`Hub::verify_receipt`] of a code already parsed (the public receipt page's route). An
    /// unknown device and a wrong MAC are the same refusal, `Error::Invalid`.
    pub fn check_receipt(&self, code: &ansinh_wire::receipt_qr::Code) -> Result<ReceiptCheck> {
        let invalid = || Error::Invalid("not a valid ansinh receipt code".into());
        let device_id = code.device_id();
        let device = self.store.device(device_id)?.ok_or_else(invalid)?;
        let key = self.receipt_key_of(&device);
        let fields = code.verify(key.as_slice()).map_err(|_| invalid())?;
        let record = self.store.record(device_id, &fields.record_id)?;
        let mut mismatches = vec![];
        if let Some(h) = &record {
            let corrupt = |what: &str| {
                Error::Corrupt(format!("held record {}: {what}", hex::encode(h.record_id)))
            };
            let plain =
                self.keys.opening.open(&h.sealed).map_err(|_| corrupt("cannot be opened"))?;
            let checked = self.rules.check(&h.record_id, &plain).map_err(|code| corrupt(&code))?;
            if checked.amount != fields.amount {
                mismatches.push("amount".to_string());
            }
            if checked.receipt_no != fields.receipt_no {
                mismatches.push("receipt_no".to_string());
            }
        }
        let held = record.filter(|h| !h.conflicted);
        // The collection point hub staff assigned, else the label the device registered with.
        let assigned = self.store.assignment(device_id)?.collection_point;
        let collection_point = if assigned.trim().is_empty() { device.label } else { assigned };
        Ok(ReceiptCheck {
            mismatches,
            device_id,
            receipt_no: fields.receipt_no,
            amount: fields.amount,
            record_id: hex::encode(fields.record_id),
            held: held.is_some(),
            received_at: held.map(|h| h.received_at),
            collection_point,
        })
    }
}

/// Writes a file durably through `PATH.part` (`ansinh_storage::durable`): an acknowledgement on
/// a USB stick must not be half written when the stick is pulled.
/// Opens and checks one record: what the store needs to decide its outcome. A record naming
/// another collecting device than the signer is rejected: a device speaks only for the
/// records it collected (0, collected before registration, is the signer's).
fn open_record(keys: &HubKeys, rules: &dyn RecordRules, signer: u64, r: SealedRecord) -> Incoming {
    let sealed_sha256: [u8; 32] = Sha256::digest(&r.sealed).into();
    // The box's key is kept, wrapped, with the record: its lists open it again without
    // the multiplication (`Hub::list_pages`).
    let (checked, wrapped_key) = match keys.opening.open_and_wrap_key(&r.sealed) {
        Err(_) => (Err("cannot_open".to_string()), None),
        Ok((plain, key)) => {
            let checked = rules.check(&r.record_id, &plain).and_then(|c| {
                if c.device_id == 0 || c.device_id == signer {
                    Ok(c)
                } else {
                    Err(OTHER_DEVICE.to_string())
                }
            });
            (checked, Some(key))
        }
    };
    let verdict = match checked {
        Err(code) => Err(code),
        Ok(c) => Ok(Facts {
            scheme: c.scheme,
            commune_code: c.commune_code,
            agent_code: c.agent_code,
            collected_at: c.collected_at,
            day: Day::of(c.collected_at).iso(),
            amount: c.amount,
            coverage: c
                .periods
                .into_iter()
                .map(|p| Coverage {
                    person_key: keys.pseudonym(&p.personal_id),
                    paid_from: p.from,
                    paid_until: p.until,
                })
                .collect(),
        }),
    };
    // Only a record the store may keep needs its key.
    let wrapped_key = wrapped_key.filter(|_| verdict.is_ok());
    Incoming { record_id: r.record_id, sealed_sha256, sealed: r.sealed, verdict, wrapped_key }
}

/// What the opening of one batch's records shares: the records not yet taken and the next
/// one to take. Records are taken in order, so they finish nearly in order and the store,
/// taking them in order, seldom waits.
struct OpeningWork {
    keys: Arc<HubKeys>,
    rules: Arc<dyn RecordRules>,
    signer: u64,
    records: Vec<std::sync::Mutex<Option<SealedRecord>>>,
    next: std::sync::atomic::AtomicUsize,
    /// Set when the store stops taking records (a failure): nothing more is opened.
    stop: std::sync::atomic::AtomicBool,
}

impl OpeningWork {
    /// The next record nobody has taken, with its index.
    fn take(&self) -> Option<(usize, SealedRecord)> {
        use std::sync::atomic::Ordering::Relaxed;
        if self.stop.load(Relaxed) {
            return None;
        }
        let i = self.next.fetch_add(1, Relaxed);
        let slot = self.records.get(i)?;
        let r = slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()?;
        Some((i, r))
    }

    fn open(&self, r: SealedRecord) -> Incoming {
        open_record(&self.keys, self.rules.as_ref(), self.signer, r)
    }
}

/// A batch's records being opened and checked on rayon's pool (opening a sealed box is most
/// of a record's cost), yielded in the batch's order as they are ready: the store's
/// transaction stores the first while the pool opens the later ones (one device's batch
/// then keeps both cores busy), and a batch waiting for the store's lock is opened
/// meanwhile. The pool is rayon's one pool, which batches arriving together share, so they
/// never run more threads than there are cores; it serves them first come, first served, so
/// the batch that reaches the store first is the one opened first. The thread taking the
/// records opens one itself rather than wait while any is left.
struct Opening {
    work: Arc<OpeningWork>,
    opened: std::sync::mpsc::Receiver<(usize, Incoming)>,
    /// Records opened ahead of their turn, by index.
    ready: Vec<Option<Incoming>>,
    turn: usize,
}

impl Opening {
    fn start(
        keys: Arc<HubKeys>,
        rules: Arc<dyn RecordRules>,
        signer: u64,
        records: Vec<SealedRecord>,
    ) -> Self {
        let n = records.len();
        let work = Arc::new(OpeningWork {
            keys,
            rules,
            signer,
            records: records.into_iter().map(|r| std::sync::Mutex::new(Some(r))).collect(),
            next: std::sync::atomic::AtomicUsize::new(0),
            stop: std::sync::atomic::AtomicBool::new(false),
        });
        let (tx, opened) = std::sync::mpsc::channel();
        // The thread taking the records is the last opener.
        for _ in 0..rayon::current_num_threads().min(n.saturating_sub(1)) {
            let (work, tx) = (Arc::clone(&work), tx.clone());
            rayon::spawn(move || {
                let worker = std::panic::AssertUnwindSafe(|| {
                    while let Some((i, r)) = work.take() {
                        if tx.send((i, work.open(r))).is_err() {
                            break;
                        }
                    }
                });
                // A record that panics is missing: the store then stores nothing of the
                // batch, rather than rayon aborting the hub.
                if std::panic::catch_unwind(worker).is_err() {
                    work.stop.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
        Self { work, opened, ready: (0..n).map(|_| None).collect(), turn: 0 }
    }
}

impl Iterator for Opening {
    type Item = Incoming;

    fn next(&mut self) -> Option<Incoming> {
        loop {
            // What the pool opened meanwhile, without waiting.
            while let Ok((i, r)) = self.opened.try_recv() {
                *self.ready.get_mut(i)? = Some(r);
            }
            if let Some(r) = self.ready.get_mut(self.turn)?.take() {
                self.turn += 1;
                return Some(r);
            }
            if let Some((i, r)) = self.work.take() {
                let opened = self.work.open(r);
                *self.ready.get_mut(i)? = Some(opened);
                continue;
            }
            // Every record is taken; the one whose turn it is is still being opened. If every
            // opener is gone without it (a panic), the batch ends short and is refused.
            let (i, r) = self.opened.recv().ok()?;
            *self.ready.get_mut(i)? = Some(r);
        }
    }
}

impl Drop for Opening {
    fn drop(&mut self) {
        // The store stopped (stored all, or failed): the pool stops opening this batch.
        self.work.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

fn write_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    ansinh_storage::durable::write_public(path, bytes).map_err(io(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EnrollmentRules, SqliteStore};

    /// 22 November 2026, 10:00 in Vietnam.
    const NOW: Timestamp = 1_795_316_400;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    fn hub(dir: &Path) -> Result<Hub> {
        let store = SqliteStore::open(&dir.join("hub.sqlite"))?;
        Ok(Hub::new(
            Arc::new(store),
            HubKeys::ephemeral("admin-token-for-tests"),
            Arc::new(EnrollmentRules::new()),
        ))
    }

    /// A device registered on `hub` at `NOW`: its key and id.
    fn registered(
        hub: &Hub,
    ) -> Result<(ed25519_dalek::SigningKey, u64), Box<dyn std::error::Error>> {
        let key = ansinh_wire::generate_signing_key();
        let request = RegisterRequest {
            token: hub.create_token("t", 3600, NOW)?,
            device_public_key: hex::encode(key.verifying_key().to_bytes()),
            label: "x".into(),
        };
        let id = hub.register(&request, NOW).map_err(|e| e.to_string())?.device_id;
        Ok((key, id))
    }

    /// The request-time window holds for every `i64` on either side: no overflow (a panic in
    /// a debug build, a wrapped comparison in a release build), only an answer.
    #[test]
    fn request_times_at_the_ends_of_i64_are_refused_without_overflow() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let hub = hub(tmp.path())?;
        let (key, id) = registered(&hub)?;
        let ask = |time: i64, now: i64| {
            let sig = ansinh_wire::sign_request(&key, id, "GET", "/v1/renewals", time);
            hub.authenticate_request(
                &id.to_string(),
                &time.to_string(),
                &sig,
                "GET",
                "/v1/renewals",
                now,
            )
        };
        let ends = [i64::MIN, i64::MIN + 1, -1, 0, NOW, i64::MAX - 1, i64::MAX];
        for time in ends {
            for now in ends {
                let within = time.abs_diff(now) <= MAX_REQUEST_SKEW_SECS.unsigned_abs();
                match ask(time, now) {
                    Ok(got) => assert!(within && got == id, "time {time}, now {now}"),
                    Err(HubError::Refused(Refusal::BadSignature)) => {
                        assert!(!within, "time {time}, now {now}");
                    }
                    Err(e) => panic!("time {time}, now {now}: {e}"),
                }
            }
        }
        Ok(())
    }

    /// The registration answer carries the token's assignment; an answer from an older server
    /// (without one) reads as an empty assignment.
    #[test]
    fn registration_carries_the_assignment() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let hub = hub(tmp.path())?;
        let assignment = Assignment {
            collection_point: " Bưu điện xã A ".into(),
            communes: vec!["00004".into(), "00008".into(), "00004".into()],
            agents: vec![AgentAccount { code: "DL-0001".into(), name: "Nguyễn Văn A".into() }],
        };
        let request = RegisterRequest {
            token: hub.create_assigned_token("t", &assignment, 3600, NOW)?,
            device_public_key: hex::encode(
                ansinh_wire::generate_signing_key().verifying_key().to_bytes(),
            ),
            label: "x".into(),
        };
        let answer = hub.register(&request, NOW).map_err(|e| e.to_string())?;
        assert_eq!(answer.assignment.collection_point, "Bưu điện xã A");
        assert_eq!(answer.assignment.communes, ["00004", "00008"]);
        assert_eq!(answer.assignment.agents, assignment.agents);
        let mut older = serde_json::to_value(&answer)?;
        older.as_object_mut().ok_or("an object")?.remove("assignment");
        let older: RegisterResponse = serde_json::from_value(older)?;
        assert_eq!(older.assignment, Assignment::default());

        for bad in [
            Assignment { communes: vec!["4".into()], ..Assignment::default() },
            Assignment { communes: vec!["99999".into()], ..Assignment::default() },
            Assignment {
                agents: vec![AgentAccount { code: "A B".into(), name: "x".into() }],
                ..Assignment::default()
            },
            Assignment {
                agents: vec![AgentAccount { code: "DL-1".into(), name: " ".into() }],
                ..Assignment::default()
            },
        ] {
            assert!(hub.create_assigned_token("t", &bad, 3600, NOW).is_err(), "{bad:?}");
            assert!(hub.assign_device(answer.device_id, &bad).is_err(), "{bad:?}");
        }
        let moved = Assignment { communes: vec!["09556".into()], ..Assignment::default() };
        hub.assign_device(answer.device_id, &moved)?;
        assert_eq!(hub.store().assignment(answer.device_id)?, moved);
        assert!(hub.assign_device(answer.device_id + 1, &moved).is_err(), "no such device");
        Ok(())
    }

    /// A token valid "for ever" does not overflow its expiry.
    #[test]
    fn a_token_valid_for_ever_does_not_overflow() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let hub = hub(tmp.path())?;
        let token = hub.create_token("t", i64::MAX, NOW)?;
        assert_eq!(hub.store().tokens()?.len(), 1);
        let request = RegisterRequest {
            token,
            device_public_key: hex::encode(
                ansinh_wire::generate_signing_key().verifying_key().to_bytes(),
            ),
            label: "x".into(),
        };
        assert!(hub.register(&request, NOW + 365 * 86_400).is_ok());
        Ok(())
    }

    /// A batch opened on several threads answers every record in the order sent, whatever
    /// its outcome (accepted, rejected, duplicate or conflict within the same batch); a
    /// replayed batch then stores nothing.
    #[test]
    fn outcomes_keep_the_order_of_the_records() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let hub = hub(tmp.path())?;
        let (key, id) = registered(&hub)?;
        let table = ansinh_core::default_table();
        let today = "2026-11-22".parse().map_err(|_| "date")?;
        let json = ansinh_tests::fixtures::text("enrollment.json")?;
        let enrollment = ansinh_enrollment::json::EnrollmentJson::parse(&json)?
            .validate(&table, today)
            .map_err(|p| format!("{p:?}"))?;
        let amount = ansinh_enrollment::price::price(&enrollment, &table, today)?.amount;
        let sealing = hub.keys().opening.sealing_key();
        let seal = |n: u8, receipt_no: u32| -> std::result::Result<_, Box<dyn std::error::Error>> {
            let record = ansinh_enrollment::record::Record {
                enrollment: enrollment.clone(),
                collection: ansinh_enrollment::record::Collection {
                    record_id: [n; 16],
                    device_id: id,
                    collection_point: "x".try_into().map_err(|_| "cap")?,
                    agent_code: "AG01".try_into().map_err(|_| "cap")?,
                    at: NOW,
                    receipt_no,
                    amount,
                    policy_version: table.version.try_into().map_err(|_| "cap")?,
                    corrects: None,
                },
            };
            let plain =
                ansinh_enrollment::envelope::encode_to_vec(&record).map_err(|e| e.to_string())?;
            Ok(ansinh_wire::SealedRecord { record_id: [n; 16], sealed: sealing.seal(&plain)? })
        };
        // 200 records: mostly new, every 7th junk, every 11th an earlier record again (the
        // same bytes), every 13th an earlier id with other bytes.
        let mut records = vec![];
        for n in 1..=200u8 {
            records.push(if n % 13 == 0 {
                seal(n - 1, 999)?
            } else if n % 11 == 0 {
                records.get(usize::from(n) - 3).cloned().ok_or("none")?
            } else if n % 7 == 0 {
                ansinh_wire::SealedRecord { record_id: [n; 16], sealed: vec![n; 90] }
            } else {
                seal(n, u32::from(n))?
            });
        }
        // What each must get, taken in order as the protocol says.
        let mut held = std::collections::HashMap::new();
        let want: Vec<Outcome> = records
            .iter()
            .map(|r| match held.get(&r.record_id) {
                Some(bytes) if *bytes == r.sealed => Outcome::Duplicate,
                Some(_) => Outcome::Conflict,
                None if r.sealed.len() == 90 => Outcome::Rejected { code: "cannot_open".into() },
                None => {
                    held.insert(r.record_id, r.sealed.clone());
                    Outcome::Accepted
                }
            })
            .collect();
        for kind in [Outcome::Duplicate, Outcome::Conflict, Outcome::Accepted] {
            assert!(want.contains(&kind), "{kind:?}");
        }
        let ids: Vec<ansinh_wire::RecordId> = records.iter().map(|r| r.record_id).collect();
        let batch = |counter| BatchBody {
            version: PROTOCOL_VERSION,
            device_id: id,
            channel: Channel::Network { counter },
            records: records.clone(),
            audit: vec![],
        };
        let ack = hub
            .ingest_batch(&ansinh_wire::sign_batch(&batch(1), &key)?, NOW)
            .map_err(|e| e.to_string())?;
        let ack = ansinh_wire::open_ack(&ack, &hub.keys().signing.verifying_key())?;
        let got_ids: Vec<ansinh_wire::RecordId> = ack.results.iter().map(|r| r.record_id).collect();
        assert_eq!(got_ids, ids);
        let got: Vec<Outcome> = ack.results.into_iter().map(|r| r.outcome).collect();
        assert_eq!(got, want);
        let held = hub.store().totals()?;
        let accepted = want.iter().filter(|o| **o == Outcome::Accepted).count();
        assert_eq!(held.records, i64::try_from(accepted)?);
        let replayed = hub.ingest_batch(&ansinh_wire::sign_batch(&batch(1), &key)?, NOW);
        assert!(matches!(replayed, Err(HubError::Refused(Refusal::ReplayedBatch))));
        assert_eq!(hub.store().totals()?, held, "a refused batch stores nothing");
        Ok(())
    }

    /// Rules that take longer the earlier the record (its plaintext is its index): the
    /// openers finish the later records first. Each record is refused with its index as
    /// the code, to tell them apart.
    struct SlowFirst(u8);

    impl RecordRules for SlowFirst {
        fn check(
            &self,
            _: &ansinh_wire::RecordId,
            plaintext: &[u8],
        ) -> Result<crate::Checked, String> {
            let i = plaintext.first().copied().unwrap_or_default();
            std::thread::sleep(std::time::Duration::from_millis(u64::from(self.0 - i) / 2));
            Err(format!("record:{i}"))
        }
        fn list_rows(&self, _: &[u8]) -> Result<Vec<crate::rules::ListRow>, String> {
            Ok(vec![])
        }
        fn renewal(&self, _: &[u8], _: usize) -> Option<RenewalDue> {
            None
        }
        fn participant(&self, _: &[u8], _: usize) -> Option<crate::rules::Participant> {
            None
        }
    }

    /// `n` records sealed to fresh hub keys, record `i` holding the byte `i`.
    fn sealed_batch(
        n: u8,
    ) -> std::result::Result<(Arc<HubKeys>, Vec<SealedRecord>), ansinh_wire::Error> {
        let keys = Arc::new(HubKeys::ephemeral("t"));
        let sealing = keys.opening.sealing_key();
        let records = (0..n)
            .map(|i| Ok(SealedRecord { record_id: [i; 16], sealed: sealing.seal(&[i])? }))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok((keys, records))
    }

    /// The records of a batch reach the store in the batch's order, every one, while the
    /// pool finishes them in another order (later records first) and the store takes each
    /// one, slowly, as it comes.
    #[test]
    fn opened_records_reach_the_store_in_order_as_they_come() -> TestResult {
        let n = 40u8;
        let (keys, records) = sealed_batch(n)?;
        let opening = Opening::start(keys, Arc::new(SlowFirst(n)), 1, records);
        let mut got = vec![];
        for r in opening {
            // The store's work on a record, during which the pool opens the next ones.
            std::thread::sleep(std::time::Duration::from_millis(1));
            got.push((r.record_id[0], r.verdict));
        }
        let want: Vec<_> = (0..n).map(|i| (i, Err(format!("record:{i}")))).collect();
        assert_eq!(got, want);
        Ok(())
    }

    /// A store that stops taking records midway (a failure) ends the opening: what is not
    /// yet opened is not opened, and nothing waits for it.
    #[test]
    fn a_store_stopping_midway_stops_the_opening() -> TestResult {
        let n = 200u8;
        let (keys, records) = sealed_batch(n)?;
        let mut opening = Opening::start(keys, Arc::new(SlowFirst(n)), 1, records);
        let first: Vec<u8> = opening.by_ref().take(3).map(|r| r.record_id[0]).collect();
        assert_eq!(first, [0, 1, 2]);
        let work = Arc::clone(&opening.work);
        drop(opening);
        // The openers finish the record each holds, then take no more.
        let start = std::time::Instant::now();
        while Arc::strong_count(&work) > 1 {
            assert!(start.elapsed().as_secs() < 10, "the openers did not stop");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let untouched =
            work.records.iter().filter(|r| r.lock().map(|r| r.is_some()).unwrap_or(false)).count();
        assert!(untouched > 100, "{untouched} of {n} records left unopened");
        Ok(())
    }
}
