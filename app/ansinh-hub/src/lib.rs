//! # ansinh-hub: the collection server
//!
//! Enrollments count once the social insurance office has them. The hub receives the sealed
//! records of collection devices, over the network or on a USB stick, and holds each exactly
//! once; it gives the collection organisation its lists (D05-TS, D03-TS), its progress against
//! targets, and the participants whose paid period is ending.
//!
//! - [`Hub`]: registration with one-time tokens, batch and bundle ingest (signature, replay
//!   counter, open, check with the record rules, store in one transaction, signed
//!   acknowledgement), renewal lists, tallies and collection lists, and possible double
//!   payments (the same person paying twice for the same months, from any device: both
//!   records are kept and listed for follow-up). The protocol is `ansinh-wire`'s PROTOCOL.md.
//! - [`plan`]: what the office manages by: the plan (targets per province, commune and agent
//!   by month, imported from CSV), the month and the year to date against it with the same
//!   periods last year, and participants who lapsed (no renewal within a grace period) as a
//!   masked follow-up list for their agent.
//! - [`lists`]: the collection lists written as they are read (a page of records at a time,
//!   opened on every core, streamed to the response or a file), so that a province's month
//!   never sits whole in memory.
//! - [`fleet`]: each device's latest signed health report (`POST /v1/health`, or a `.health`
//!   file from a stick) and its alarms, for the fleet page (`/admin/fleet`) and `ansinh-hub
//!   devices --json`.
//! - [`Store`]: storage behind a trait, [`SqliteStore`] by default (embedded, nothing to
//!   install) or [`PostgresStore`] (`--database postgres://…`: one database that several hub
//!   processes share, for provincial scale; its dashboard reads rest on summaries kept beside
//!   the records, and may come from a replica: [`open_with_reads`]); SQL lives only there.
//!   Backups: [`SqliteStore::backup_to`] (live) and [`SqliteStore::restore`], `pg_dump` and
//!   `pg_restore` on PostgreSQL; a restore makes a new epoch ([`Store::new_epoch`]), which
//!   every acknowledgement carries, so devices send again what the restored database lost.
//! - [`app`]: the HTTP router (axum); admin pages under `/admin` behind the admin token made
//!   on first start ([`HubKeys`]); no answer may be cached, no admin page framed. The public
//!   receipt page (`/R/2/…`, no login, rate-limited: [`ReceiptPage`]) tells a citizen who
//!   scanned a receipt whether the payment has arrived.
//! - [`serve`] / [`run`]: the router on a socket with header and body timeouts, a connection
//!   limit and a stop that finishes ([`ServeOptions`]); plain HTTP only on loopback unless a
//!   TLS proxy is in front ([`check_listen_address`]).
//! - [`policy`]: policy tables checked, signed with the hub's policy key (a key of its own,
//!   which may live offline) and published; every published table is kept, served to devices
//!   and used to check the records priced with it.
//! - [`update`]: software update bundles (RAUC, signed at build time) published
//!   (`ansinh-hub update publish`), kept in the database in 1 MiB rows and served to devices
//!   with byte ranges, so that a cut download resumes.
//! - [`RecordRules`]: what the hub needs from the record format; [`EnrollmentRules`] is the
//!   real one (`ansinh-enrollment`).
//! - `testing` (feature `testing`): a hub on loopback and the fault-injecting proxy, for the
//!   tests of the hub and of its clients.
//!
//! Nothing here logs personal data: records stay sealed in the database, only commune and
//! agent codes, amounts, times and participants' pseudonyms are kept in clear.
//!
//! May depend on: ansinh-wire (the protocol, opening sealed records, receipt codes),
//! ansinh-storage (the durable file write, the SQLite open routine), ansinh-enrollment,
//! ansinh-core and ansinh-geo (record rules, names), axum, hyper, hyper-util and tower (the
//! connection loop), tokio, rusqlite, tokio-postgres and deadpool-postgres (the PostgreSQL
//! store and its pool), csv, rust_xlsxwriter, quick-xml and unicode-normalization (the XML
//! list), tempfile (a large list's rows waiting for their count), rayon (a batch's records and
//! a list's opened on every core), serde(_json), sha2, hkdf (receipt
//! keys), ed25519-dalek, rand_core, hex, zeroize, thiserror.
//! Never the device's side (outbox, receipts, data directory, uploader):
//! `tests/e2e/dependencies.rs` checks the manifests.

mod civil;
mod enrollment;
mod error;
pub mod exports;
pub mod fleet;
mod http;
mod hub;
mod keys;
pub mod lists;
mod pages;
pub mod plan;
pub mod policy;
mod public;
mod rules;
mod serve;
mod store;
#[cfg(feature = "testing")]
pub mod testing;
pub mod update;

pub use enrollment::EnrollmentRules;
pub use error::{Error, Result};
pub use fleet::{Alarm, FleetRow, FleetThresholds, HealthImport, HealthView};
pub use http::{AppError, AppState, ClockFn, app, system_now};
pub use hub::{
    DoublePayment, Hub, HubError, ImportReport, List, MAX_RENEWAL_DAYS, MAX_REQUEST_SKEW_SECS,
    OTHER_DEVICE, PaidOn, Quotas, ReceiptCheck, Refusal, check_assignment,
};
pub use keys::{HubKeys, KeyFiles, create_policy_signing_key, read_policy_signing_key};
pub use lists::ListFormat;
pub use plan::{
    DEFAULT_LAPSE_GRACE_MONTHS, Figures, LapseCounts, LapsedParticipant, MonthPoint, Progress,
    Standing,
};
pub use public::{CHECKS_PER_MINUTE, MAX_CLIENTS, NORMAL_DAYS, RateLimiter, ReceiptPage};
pub use rules::{Checked, ListRow, Participant, Period, RecordRules};
pub use serve::{ServeOptions, check_listen_address, run, serve};
pub use store::{
    AUDIT_MORE_PROBLEMS, AUDIT_QUOTA_REACHED, AuditAppend, AuditEntryView, AuditLog, AuditProblem,
    AuditQuota, HeldAuditEntry, HubAction,
};
pub use store::{
    BUNDLE_CHUNK_BYTES, Coverage, Device, DueParticipant, Facts, Held, Incoming, Ingested, Lapse,
    LapseTally, ListedRecord, Overlap, POSTGRES_SCHEMA_VERSION, PROBLEM_PREFIX_BYTES, PaidReceipt,
    PostgresStore, Problem, ProblemQuota, PublishedBundle, PublishedPolicy,
    REVIEW_UNASSIGNED_AGENT, REVIEW_UNASSIGNED_COMMUNE, SCHEMA_VERSION, Scope, SqliteStore, Store,
    Tallies, Tally, Target, Timestamp, TokenInfo, Totals,
};
pub use store::{HealthLog, HeldHealth, Via};

/// Opens a hub on the data directory `dir` (`hub.sqlite`, `keys/`): creates the keys on first
/// start. Returns the hub and whether the keys were just created (then tell the operator
/// where they are: [`KeyFiles::first_start_message`]).
pub fn open(dir: &std::path::Path) -> Result<(Hub, bool)> {
    open_with(dir, None)
}

/// [`open`] with the records in the PostgreSQL database `database` (`postgres://…`) instead of
/// `dir/hub.sqlite`; `dir` still holds the keys. Hubs sharing a database share the keys too
/// (the same `keys/` on each).
pub fn open_with(dir: &std::path::Path, database: Option<&str>) -> Result<(Hub, bool)> {
    open_with_reads(dir, database, None)
}

/// [`open_with`], with the admin pages' reads (dashboard, progress, renewal and lapsed lists,
/// collection lists) from `reads`, a streaming replica of the PostgreSQL database `database`
/// ([`PostgresStore::open_with_reads`]); ingest, the hub's log and everything else stay on
/// `database`. SCALING.md, "Read replicas for the dashboards".
pub fn open_with_reads(
    dir: &std::path::Path,
    database: Option<&str>,
    reads: Option<&str>,
) -> Result<(Hub, bool)> {
    if reads.is_some() && database.is_none() {
        return Err(Error::Invalid(
            "a read database (a replica) needs the database itself: give --database postgres://… too"
                .into(),
        ));
    }
    std::fs::create_dir_all(dir).map_err(error::io(dir))?;
    // Only this user may enter: the database holds every record and the keys sit beside it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(error::io(dir))?;
    }
    let store: std::sync::Arc<dyn Store> = match database {
        None => std::sync::Arc::new(SqliteStore::open(&dir.join("hub.sqlite"))?),
        Some(url) => std::sync::Arc::new(PostgresStore::open_with_reads(url, reads)?),
    };
    let master = KeyFiles::in_dir(dir).receipt_master;
    let keyed = store.devices_keyed_by_master()?;
    if !master.exists() && keyed > 0 {
        // A new master key would silently make the receipts of these devices unverifiable.
        return Err(Error::Key {
            path: master,
            what: format!(
                "missing while {keyed} device(s) depend on it for their receipts: restore it from the backup"
            ),
        });
    }
    let (keys, created) = HubKeys::load_or_create(dir)?;
    let rules = EnrollmentRules::new();
    let hub = Hub::new(store, keys, std::sync::Arc::new(rules));
    hub.wrap_legacy_receipt_keys()?;
    hub.load_published_policies()?;
    Ok((hub, created))
}
