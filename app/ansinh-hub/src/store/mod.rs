//! Storage behind one interface, [`Store`]: SQLite ([`SqliteStore`], one embedded file, the
//! default) or PostgreSQL ([`PostgresStore`], one database for several hubs, for provincial and
//! national scale). The same semantics tests run against both (`tests.rs`).
//!
//! - The interface speaks the hub's terms (devices, tokens, an ingest of one batch, tallies,
//!   lists), never SQL; handlers and commands only see it.
//! - Every write that must be all-or-nothing is one method: [`Store::ingest`] checks the
//!   replay counter (or bundle id), stores every record's outcome and moves the counter in one
//!   transaction, so a refused or failed batch stores nothing.
//! - Methods are blocking; the HTTP layer calls them on tokio's blocking pool. The PostgreSQL
//!   store ([`PostgresStore`]) blocks on its own small runtime (`postgres.rs`).
//! - Several hub processes may share one PostgreSQL database: each write of a device's state
//!   locks the device's row first, so a counter is accepted once and a record stored once.
//! - The trails ([`AuditLog`], `audit.rs`): each device's hash-chained audit entries, checked
//!   to continue what is held, and the hub's own log of admin actions and downloads.
//! - Each device's latest health report ([`HealthLog`], `health.rs`), for the fleet page.
//! - Lists are read a page at a time in their order ([`Store::records_for_list_page`]), so
//!   that a large one is written as it is read.
//! - Personal data is kept only inside the sealed bytes. In clear: scheme, commune code, agent
//!   code, times, amounts, counts, and participants' pseudonyms with their paid periods. Beside
//!   each record its box's key, wrapped under the hub's opening key ([`Incoming::wrapped_key`]).

mod audit;
mod health;
mod postgres;
mod sqlite;
#[cfg(test)]
mod tests;

use ansinh_wire::{Assignment, Channel, Outcome, RecordId};
use serde::Serialize;

pub use audit::{
    AUDIT_MORE_PROBLEMS, AUDIT_QUOTA_REACHED, AuditAppend, AuditEntryView, AuditLog, AuditProblem,
    AuditQuota, HeldAuditEntry, HubAction,
};
pub use health::{HealthLog, HeldHealth, Via};
#[cfg(test)]
pub(crate) use postgres::copy_scratch_database;
pub use postgres::{POSTGRES_SCHEMA_VERSION, PostgresStore};
#[cfg(any(test, feature = "testing"))]
pub(crate) use postgres::{create_scratch_database, postgres_admin_url};
pub use sqlite::{
    PROBLEM_PREFIX_BYTES, REVIEW_UNASSIGNED_AGENT, REVIEW_UNASSIGNED_COMMUNE, SCHEMA_VERSION,
    SqliteStore,
};

use crate::error::{Error, Result};

/// The household health insurance scheme's code, as records carry it.
pub(crate) const BHYT: &str = "household-bhyt";

/// Months `from..=until` (`YYYY-MM`) as the days `[first, end)` (`YYYY-MM-01` texts).
pub(crate) fn day_range(from: &str, until: &str) -> Result<(String, String)> {
    let next = crate::civil::add_months(until, 1)
        .filter(|_| crate::civil::parse_month(from).is_some())
        .ok_or_else(|| Error::Invalid(format!("{from:?}..{until:?} is not a run of months")))?;
    Ok((format!("{from}-01"), format!("{next}-01")))
}

/// Months `from..=until` of lapses moved back to the last months paid they follow.
pub(crate) fn paid_until_range(
    grace_months: u32,
    from: &str,
    until: &str,
) -> Result<(String, String)> {
    let back = -i64::from(grace_months) - 1;
    let shift = |m: &str| {
        crate::civil::add_months(m, back)
            .ok_or_else(|| Error::Invalid(format!("{m:?} is not a month of lapses")))
    };
    Ok((shift(from)?, shift(until)?))
}

/// Seconds since the Unix epoch.
pub type Timestamp = i64;

/// A registered device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Device {
    /// Device id.
    pub id: u64,
    /// Label given at registration (collection point name).
    pub label: String,
    /// Ed25519 public key.
    #[serde(skip)]
    pub public_key: [u8; 32],
    /// For a device registered before receipt keys were derived: its own key, wrapped under
    /// the hub's receipt master key (`HubKeys::wrap_receipt_key`); `None`: derived.
    #[serde(skip)]
    pub wrapped_receipt_key: Option<[u8; 32]>,
    /// When registered.
    pub registered_at: Timestamp,
    /// When revoked, if it was.
    pub revoked_at: Option<Timestamp>,
    /// Last network batch counter accepted.
    pub last_counter: u64,
    /// Last batch or bundle received.
    pub last_seen_at: Option<Timestamp>,
}

/// A registration token as listed for staff (the token itself is never stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    /// The first characters, to tell tokens apart.
    pub hint: String,
    /// What staff wrote it is for.
    pub label: String,
    /// When made.
    pub created_at: Timestamp,
    /// Until when it can be used.
    pub expires_at: Timestamp,
    /// When it was used.
    pub used_at: Option<Timestamp>,
    /// The device it registered.
    pub device_id: Option<u64>,
}

/// A participant's paid period in an accepted record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    /// Pseudonym of the participant (keyed hash of the personal ID).
    pub person_key: String,
    /// First month paid, `YYYY-MM`.
    pub paid_from: String,
    /// Last month paid, `YYYY-MM`.
    pub paid_until: String,
}

/// What the hub keeps in clear about an accepted record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    /// `voluntary-si` or `household-bhyt`.
    pub scheme: String,
    /// Official commune code of the participant's address.
    pub commune_code: String,
    /// Code of the collecting agent.
    pub agent_code: String,
    /// When collected (device time).
    pub collected_at: Timestamp,
    /// Collection day in Vietnam, `YYYY-MM-DD`.
    pub day: String,
    /// Cash collected, đồng.
    pub amount: u64,
    /// The participants' paid periods (one for voluntary SI, one per member for a household).
    pub coverage: Vec<Coverage>,
}

/// One record of a batch, opened and checked, ready to store (a conflicting or rejected one
/// only by its hash, length and first bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incoming {
    /// Record id.
    pub record_id: RecordId,
    /// SHA-256 of the sealed bytes.
    pub sealed_sha256: [u8; 32],
    /// The sealed bytes as sent.
    pub sealed: Vec<u8>,
    /// Valid (with its facts) or rejected (with its code).
    pub verdict: Result<Facts, String>,
    /// The sealed box's key, wrapped under the hub's opening key
    /// ([`ansinh_wire::OpeningKey::open_and_wrap_key`]): kept with a valid record so that its
    /// lists open it again without the X25519 multiplication.
    pub wrapped_key: Option<[u8; ansinh_wire::WRAPPED_KEY_BYTES]>,
}

/// How many conflicting and rejected records the store keeps per device, so that a device
/// sending junk cannot fill the disk (the hub's defaults: [`crate::Quotas`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProblemQuota {
    /// Kept per device per day (UTC).
    pub per_day: u32,
    /// Kept per device in all.
    pub stored: u32,
}

/// What an ingest did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ingested {
    /// One outcome per record, in order; for a bundle, whether it had been imported before.
    Stored {
        /// Outcomes.
        outcomes: Vec<Outcome>,
        /// A bundle imported before (its records are then duplicates).
        again: bool,
    },
    /// The network counter is not above the last accepted one: nothing stored.
    Replayed,
    /// The device was revoked (or removed) meanwhile: nothing stored.
    Revoked,
}

/// Counts of what the hub holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Records held.
    pub records: i64,
    /// Conflicting copies kept (same id, other bytes).
    pub conflicts: i64,
    /// Rejected records kept for staff.
    pub rejected: i64,
    /// USB bundles imported.
    pub bundles: i64,
    /// Accepted records flagged for review (a commune or agent the device is not assigned).
    pub review: i64,
}

/// A held record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    /// Record id.
    pub record_id: RecordId,
    /// The device that sent it.
    pub device_id: u64,
    /// When received.
    pub received_at: Timestamp,
    /// The sealed bytes.
    pub sealed: Vec<u8>,
    /// SHA-256 of the sealed bytes.
    pub sealed_sha256: [u8; 32],
    /// A conflicting copy exists.
    pub conflicted: bool,
}

/// A record the hub could not take, or took but flags for staff to review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Record id, hex.
    pub record_id: String,
    /// The device that sent it.
    pub device_id: u64,
    /// `conflict`, the rejection code, or for an accepted record flagged for review
    /// `review:` and its flags (`unassigned_commune`, `unassigned_agent`, joined by `,`).
    pub code: String,
    /// When received.
    pub received_at: Timestamp,
}

/// Which kind of target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// A province (official code, 2 digits).
    Province,
    /// A commune (official code).
    Commune,
    /// An agent (agent code).
    Agent,
}

impl Scope {
    /// Stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scope::Province => "province",
            Scope::Commune => "commune",
            Scope::Agent => "agent",
        }
    }

    /// The scope of a stored name.
    pub fn of_str(s: &str) -> Option<Self> {
        [Scope::Province, Scope::Commune, Scope::Agent].into_iter().find(|x| x.as_str() == s)
    }
}

/// A target of the plan (chỉ tiêu, kế hoạch giao) for one month: participants to collect, and
/// of them household health insurance members, for a province, a commune or an agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Target {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// Province, commune or agent.
    pub scope: Scope,
    /// Its code.
    pub key: String,
    /// Participants (a household record counts each member).
    pub participants: i64,
    /// Household health insurance members among them, if the plan sets it.
    pub bhyt_members: Option<i64>,
}

/// A participant whose paid period ended without a renewal within the grace period: the
/// payment that ended it (its record, commune and agent follow the person up).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lapse {
    /// The device that sent the last payment.
    pub device_id: u64,
    /// Its record.
    pub record_id: RecordId,
    /// Which participant of the record (0 for voluntary SI, the member index for a household).
    pub index: usize,
    /// `voluntary-si` or `household-bhyt`.
    pub scheme: String,
    /// Commune code of the record.
    pub commune_code: String,
    /// Agent code of the record.
    pub agent_code: String,
    /// Last month paid, `YYYY-MM`.
    pub paid_until: String,
    /// The first month the person counts as lapsed: `paid_until` plus the grace months, plus
    /// one.
    pub lapsed_in: String,
    /// A later payment arrived after all (renewed late): counted as a lapse of its month, no
    /// longer to follow up.
    pub renewed: bool,
}

/// Lapses of one paid month, commune and agent, counted ([`Store::lapse_tallies`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LapseTally {
    /// Commune code of the payments.
    pub commune_code: String,
    /// Agent code of the payments.
    pub agent_code: String,
    /// Their last month paid, `YYYY-MM`.
    pub paid_until: String,
    /// The first month counted lapsed (see [`Lapse::lapsed_in`]).
    pub lapsed_in: String,
    /// Renewed late (see [`Lapse::renewed`]).
    pub renewed: bool,
    /// How many.
    pub count: i64,
}

/// Lapses counted as [`Store::lapse_tallies`] gives them.
pub(crate) fn count_lapses(lapses: Vec<Lapse>) -> Vec<LapseTally> {
    let mut counts: std::collections::BTreeMap<(String, String, String, String, bool), i64> =
        std::collections::BTreeMap::new();
    for l in lapses {
        *counts
            .entry((l.commune_code, l.agent_code, l.paid_until, l.lapsed_in, l.renewed))
            .or_default() += 1;
    }
    counts
        .into_iter()
        .map(|((commune_code, agent_code, paid_until, lapsed_in, renewed), count)| LapseTally {
            commune_code,
            agent_code,
            paid_until,
            lapsed_in,
            renewed,
            count,
        })
        .collect()
}

/// Counts for one commune, agent or day, with its target.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Commune code, agent code or day.
    pub key: String,
    /// Enrollments (records).
    pub records: i64,
    /// Participants (a household record counts each member).
    pub participants: i64,
    /// Cash collected, đồng.
    pub amount: i64,
    /// Target in participants for the period, if one is set.
    pub target: Option<i64>,
    /// Household health insurance members among the participants.
    pub bhyt_members: i64,
    /// Target in household health insurance members for the period, if one is set.
    pub bhyt_target: Option<i64>,
}

/// The counts of a run of months (targets are the hub's to add: [`Store::targets`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tallies {
    /// By commune code.
    pub communes: Vec<Tally>,
    /// By agent code.
    pub agents: Vec<Tally>,
    /// By collection day.
    pub days: Vec<Tally>,
    /// All together.
    pub total: Tally,
}

/// A record of a collection list with where it stands in the list's order (collection day,
/// time, device, id): a page of the list starts after the last record of the one before
/// ([`Store::records_for_list_page`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedRecord {
    /// Collection day in Vietnam, `YYYY-MM-DD`.
    pub day: String,
    /// When collected (device time).
    pub collected_at: Timestamp,
    /// The record.
    pub held: Held,
    /// Its box's key as [`Incoming::wrapped_key`] kept it; `None` for a record stored before
    /// keys were kept (SQLite schema 15, PostgreSQL 8): it is opened the long way.
    pub wrapped_key: Option<Vec<u8>>,
}

/// A participant whose latest paid period ends in a window, with the record that paid it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueParticipant {
    /// The record.
    pub record: Held,
    /// Which participant of the record (0 for voluntary SI, the member index for a household).
    pub index: usize,
    /// Last month paid, `YYYY-MM`.
    pub paid_until: String,
}

/// One payment of a possible double payment (see [`Overlap`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaidReceipt {
    /// The record.
    pub record: Held,
    /// Which participant of the record (0 for voluntary SI, the member index for a household).
    pub index: usize,
    /// First month paid, `YYYY-MM`.
    pub paid_from: String,
    /// Last month paid, `YYYY-MM`.
    pub paid_until: String,
    /// Cash collected on the record, đồng.
    pub amount: u64,
    /// When collected (device time).
    pub collected_at: Timestamp,
}

/// A possible double payment: `second` pays for months that `first`, an earlier payment of the
/// same person and scheme (from any device), already paid for. Both records stay held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overlap {
    /// `voluntary-si` or `household-bhyt`.
    pub scheme: String,
    /// The earlier payment.
    pub first: PaidReceipt,
    /// The later one.
    pub second: PaidReceipt,
}

/// A published policy table, as devices receive it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedPolicy {
    /// The table's version id.
    pub version: String,
    /// The last day its parameters are confirmed, `YYYY-MM-DD`.
    pub valid_until: String,
    /// When it was signed for publication.
    pub published_at: Timestamp,
    /// The signed table (`ansinh_wire::policy`).
    pub signed: Vec<u8>,
}

/// A software update bundle published on the hub (`crate::update`). Its bytes are kept in the
/// database, in rows of [`BUNDLE_CHUNK_BYTES`], so that every hub on one PostgreSQL database
/// serves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedBundle {
    /// Its version, `MAJOR.MINOR.PATCH`.
    pub version: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256.
    pub sha256: [u8; 32],
    /// When it was published.
    pub published_at: Timestamp,
}

/// The bytes of one stored row of a bundle (the last row of a bundle may hold fewer): a
/// range request reads one or two rows.
pub const BUNDLE_CHUNK_BYTES: usize = 1024 * 1024;

/// Reads up to `buf.len()` bytes, fewer only at the end of `reader`: one row of a bundle.
pub(crate) fn read_chunk(reader: &mut dyn std::io::Read, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::Invalid(format!("reading the bundle: {e}"))),
        }
    }
    Ok(filled)
}

/// The hub's storage.
pub trait Store: AuditLog + HealthLog + Send + Sync {
    /// Keeps a new registration token (by its SHA-256), with what the device it registers is
    /// assigned to.
    fn create_token(
        &self,
        token_sha256: [u8; 32],
        hint: &str,
        label: &str,
        assignment: &Assignment,
        created_at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()>;
    /// What a device is assigned to (empty for an unknown device or an older token).
    fn assignment(&self, device_id: u64) -> Result<Assignment>;
    /// Replaces a device's assignment; false if there is no such device.
    fn assign_device(&self, device_id: u64, assignment: &Assignment) -> Result<bool>;
    /// Tokens, newest first.
    fn tokens(&self) -> Result<Vec<TokenInfo>>;
    /// Uses a token (unknown, used or expired: `None`) and registers a device with the token's
    /// assignment, in one step.
    fn register_device(
        &self,
        token_sha256: [u8; 32],
        now: Timestamp,
        label: &str,
        public_key: [u8; 32],
    ) -> Result<Option<Device>>;
    /// Devices whose receipt key depends on the receipt master key (all but those whose own
    /// key is still waiting to be wrapped).
    fn devices_keyed_by_master(&self) -> Result<i64>;
    /// Wraps with `wrap` (device id, clear key → wrapped key) every receipt key of a device
    /// registered before keys were derived that is still held in clear, and forgets the clear
    /// one; how many.
    fn wrap_legacy_receipt_keys(&self, wrap: &dyn Fn(u64, &[u8; 32]) -> [u8; 32]) -> Result<usize>;
    /// One device.
    fn device(&self, id: u64) -> Result<Option<Device>>;
    /// Every device, by id.
    fn devices(&self) -> Result<Vec<Device>>;
    /// Revokes a device; false if there is no such device.
    fn revoke_device(&self, id: u64, now: Timestamp) -> Result<bool>;
    /// Stores one verified batch or bundle, all or nothing (see the module docs). Conflicting
    /// and rejected records are kept (hash, length, a short prefix) within `quota`; past it
    /// their outcome is the same and nothing more is kept.
    fn ingest(
        &self,
        device_id: u64,
        channel: &Channel,
        received_at: Timestamp,
        records: Vec<Incoming>,
        quota: &ProblemQuota,
    ) -> Result<Ingested> {
        let count = records.len();
        self.ingest_stream(device_id, channel, received_at, count, &mut records.into_iter(), quota)
    }
    /// [`Store::ingest`] of `count` records taken from `records` in order as they come (the
    /// hub still opening the later ones while the transaction stores the first): the
    /// transaction checks the counter before taking any. Fewer than `count` records is an
    /// error and stores nothing.
    fn ingest_stream(
        &self,
        device_id: u64,
        channel: &Channel,
        received_at: Timestamp,
        count: usize,
        records: &mut dyn Iterator<Item = Incoming>,
        quota: &ProblemQuota,
    ) -> Result<Ingested>;
    /// Counts of what is held.
    fn totals(&self) -> Result<Totals>;
    /// One held record: `id` as sent by `device_id` (records are keyed by both).
    fn record(&self, device_id: u64, id: &RecordId) -> Result<Option<Held>>;
    /// Held records by (device, id), in the order asked (`None`: not held), read with the
    /// admin pages' reads (for a list of many, in one go).
    fn records(&self, keys: &[(u64, RecordId)]) -> Result<Vec<Option<Held>>> {
        keys.iter().map(|(device, id)| self.record(*device, id)).collect()
    }
    /// Conflicts and rejections, newest first.
    fn problems(&self) -> Result<Vec<Problem>>;
    /// Sets (or with `None` clears) the participants target of a province, commune or agent
    /// for a month `YYYY-MM` (a health insurance target set with it is kept).
    fn set_target(&self, scope: Scope, key: &str, month: &str, target: Option<i64>) -> Result<()>;
    /// Replaces every target of the months `months` (`YYYY-MM`) with `targets`, in one
    /// transaction: a plan imported again for a period replaces it, and a failed import
    /// changes nothing.
    fn replace_targets(&self, months: &[String], targets: &[Target]) -> Result<()>;
    /// The targets of months `from..=until` (`YYYY-MM`), by month, scope name and key.
    fn targets(&self, from: &str, until: &str) -> Result<Vec<Target>>;
    /// Counts of the records collected in months `from..=until` (`YYYY-MM`) by commune, by
    /// agent, by day, and the total; no targets.
    fn tallies(&self, from: &str, until: &str) -> Result<Tallies>;
    /// Lapses whose first lapsed month ([`Lapse::lapsed_in`]) is in `from..=until`: each
    /// payment of a person and scheme that no later payment (one with a later last month)
    /// collected by the end of its grace period follows, `grace_months` months after its
    /// last month paid. Of payments ending in the same month only the last stored counts.
    /// Ordered by last month paid, commune, agent, record.
    fn lapses(&self, grace_months: u32, from: &str, until: &str) -> Result<Vec<Lapse>>;
    /// Brings the summaries that the dashboard's reads rest on up to date now. PostgreSQL
    /// keeps them (`tally_months` …) and a hub folds what was stored into them every few
    /// seconds as it reads; this is for after a bulk load. Nothing to do on SQLite.
    fn fold_summaries(&self) -> Result<()> {
        Ok(())
    }
    /// [`Store::lapses`] of the payments of one commune, or one agent, or both.
    fn lapses_of(
        &self,
        grace_months: u32,
        from: &str,
        until: &str,
        commune: Option<&str>,
        agent: Option<&str>,
    ) -> Result<Vec<Lapse>> {
        let mut lapses = self.lapses(grace_months, from, until)?;
        lapses.retain(|l| {
            commune.is_none_or(|c| c == l.commune_code) && agent.is_none_or(|a| a == l.agent_code)
        });
        Ok(lapses)
    }
    /// [`Store::lapses`] counted by commune, agent, last month paid and whether renewed late,
    /// in no particular order: what the dashboard needs of them.
    fn lapse_tallies(&self, grace_months: u32, from: &str, until: &str) -> Result<Vec<LapseTally>> {
        Ok(count_lapses(self.lapses(grace_months, from, until)?))
    }
    /// Records of a scheme collected in a month, optionally in one commune, oldest first.
    fn records_for_list(
        &self,
        scheme: &str,
        commune: Option<&str>,
        month: &str,
    ) -> Result<Vec<Held>>;
    /// [`Store::records_for_list`] a page at a time, for lists written as they are read: at
    /// most `limit` records after `after` (the last record of the page before; `None`: from
    /// the start), in the same order.
    fn records_for_list_page(
        &self,
        scheme: &str,
        commune: Option<&str>,
        month: &str,
        after: Option<&ListedRecord>,
        limit: usize,
    ) -> Result<Vec<ListedRecord>>;
    /// The participants of the records [`Store::records_for_list`] gives (a household record
    /// counts each member): the rows of the list, known before it is written.
    fn list_participants(&self, scheme: &str, commune: Option<&str>, month: &str) -> Result<i64>;
    /// Participants whose latest paid period (per person and scheme) ends in months
    /// `from..=until` (`YYYY-MM`): in the communes `device` is assigned (none: nobody), or
    /// everywhere.
    fn due_participants(
        &self,
        device: Option<u64>,
        from: &str,
        until: &str,
    ) -> Result<Vec<DueParticipant>>;
    /// The hub's epoch: 16 random bytes made with the database and made anew by
    /// [`Store::new_epoch`] when it is restored from a backup. Every acknowledgement carries it,
    /// so that devices learn of a restore and send again what the hub may have lost.
    fn epoch(&self) -> Result<[u8; 16]>;
    /// Marks the database as restored from a backup: a new random epoch, returned.
    fn new_epoch(&self) -> Result<[u8; 16]>;
    /// Payments collected in `month` (`YYYY-MM`) whose months overlap those of an earlier
    /// payment of the same person and scheme, each with the earliest such payment; in
    /// collection order.
    fn overlaps(&self, month: &str) -> Result<Vec<Overlap>>;
    /// Keeps a published policy table (checked and signed before); false if a table of this
    /// version is held already (nothing changes: published tables are never replaced).
    fn publish_policy(&self, policy: &PublishedPolicy) -> Result<bool>;
    /// Every published policy table, in the order published.
    fn policy_tables(&self) -> Result<Vec<PublishedPolicy>>;
    /// The policy table published last, if any.
    fn latest_policy(&self) -> Result<Option<PublishedPolicy>>;
    /// Stores the bundle of `version` read from `reader` (to its end, at most
    /// `ansinh_wire::update::MAX_BUNDLE_BYTES`) in rows of [`BUNDLE_CHUNK_BYTES`], with its size
    /// and SHA-256 worked out as it is read, all in one transaction; `None` (nothing read) if a
    /// bundle of this version is held already.
    fn publish_bundle(
        &self,
        version: &str,
        published_at: Timestamp,
        reader: &mut dyn std::io::Read,
    ) -> Result<Option<PublishedBundle>>;
    /// Every published bundle, in the order published.
    fn bundles(&self) -> Result<Vec<PublishedBundle>>;
    /// The bundle published last, if any.
    fn latest_bundle(&self) -> Result<Option<PublishedBundle>>;
    /// The bytes of row `index` of the bundle of `version` (`None`: no such row).
    fn bundle_chunk(&self, version: &str, index: u64) -> Result<Option<Vec<u8>>>;
}
