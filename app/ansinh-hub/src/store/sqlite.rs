//! The SQLite store: one embedded file, nothing to install.
//!
//! Opened by the one SQLite open routine (`ansinh_storage::open_sqlite`) with the hub's own
//! pragmas and migrations: pragmas first and outside any transaction, each read back (WAL,
//! `synchronous=FULL`, foreign keys); then the migrations by `user_version` in one exclusive
//! transaction; a newer schema is refused. One connection behind a mutex: writes are
//! serialised anyway, and an ingest is one short transaction.
//!
//! An ingest's transaction commits without waiting for the disk; the ingest then syncs the
//! write-ahead log itself, outside the connection's lock, and returns (and the batch is
//! acknowledged) only once its commit is on disk. While one batch waits for the disk the
//! next is stored, and batches committed meanwhile share the next sync (group commit): with
//! several devices uploading, the commit's wait on the disk, not the work, was what held the
//! others back.

use std::collections::HashSet;
use std::path::Path;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use ansinh_storage::{Database, Pragma, open_sqlite};
use ansinh_wire::{AgentAccount, Assignment, Channel, Outcome, RecordId};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{
    BHYT, BUNDLE_CHUNK_BYTES, Coverage, Device, DueParticipant, Held, Incoming, Ingested, Lapse,
    ListedRecord, Overlap, PaidReceipt, Problem, ProblemQuota, PublishedBundle, PublishedPolicy,
    Scope, Store, Tallies, Tally, Target, Timestamp, TokenInfo, Totals, day_range,
    paid_until_range,
};
use crate::error::{Error, Result};

/// Schema migrations; migration `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // v1: devices and their tokens, held records with their clear facts, coverage per
    // participant, conflicting copies, rejected records, imported bundles, targets.
    r"
    CREATE TABLE devices (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        label         TEXT NOT NULL,
        public_key    BLOB NOT NULL UNIQUE CHECK (length(public_key) = 32),
        receipt_key   BLOB NOT NULL CHECK (length(receipt_key) = 32),
        registered_at INTEGER NOT NULL,
        revoked_at    INTEGER,
        last_counter  INTEGER NOT NULL DEFAULT 0 CHECK (last_counter >= 0),
        last_seen_at  INTEGER
    );
    CREATE TABLE tokens (
        token_sha256 BLOB PRIMARY KEY CHECK (length(token_sha256) = 32),
        hint         TEXT NOT NULL,
        label        TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL,
        used_at      INTEGER,
        device_id    INTEGER REFERENCES devices(id)
    );
    CREATE TABLE records (
        record_id     BLOB PRIMARY KEY CHECK (length(record_id) = 16),
        device_id     INTEGER NOT NULL REFERENCES devices(id),
        channel       TEXT NOT NULL CHECK (channel IN ('network', 'usb')),
        received_at   INTEGER NOT NULL,
        sealed        BLOB NOT NULL,
        sealed_sha256 BLOB NOT NULL CHECK (length(sealed_sha256) = 32),
        scheme        TEXT NOT NULL,
        commune_code  TEXT NOT NULL,
        agent_code    TEXT NOT NULL,
        collected_at  INTEGER NOT NULL,
        day           TEXT NOT NULL,
        amount        INTEGER NOT NULL CHECK (amount >= 0),
        participants  INTEGER NOT NULL CHECK (participants >= 0),
        conflicted    INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE INDEX records_by_day ON records(day, commune_code);
    CREATE INDEX records_by_device ON records(device_id, commune_code);
    CREATE TABLE coverage (
        record_id  BLOB NOT NULL REFERENCES records(record_id),
        idx        INTEGER NOT NULL,
        scheme     TEXT NOT NULL,
        person_key TEXT NOT NULL,
        paid_from  TEXT NOT NULL,
        paid_until TEXT NOT NULL,
        PRIMARY KEY (record_id, idx)
    );
    CREATE INDEX coverage_by_person ON coverage(person_key, scheme, paid_until);
    CREATE INDEX coverage_by_until ON coverage(paid_until);
    CREATE TABLE conflicts (
        id            INTEGER PRIMARY KEY,
        record_id     BLOB NOT NULL REFERENCES records(record_id),
        device_id     INTEGER NOT NULL REFERENCES devices(id),
        sealed        BLOB NOT NULL,
        sealed_sha256 BLOB NOT NULL,
        received_at   INTEGER NOT NULL,
        UNIQUE (record_id, sealed_sha256)
    );
    CREATE TABLE rejected (
        id            INTEGER PRIMARY KEY,
        record_id     BLOB NOT NULL CHECK (length(record_id) = 16),
        device_id     INTEGER NOT NULL REFERENCES devices(id),
        sealed        BLOB NOT NULL,
        sealed_sha256 BLOB NOT NULL,
        code          TEXT NOT NULL,
        received_at   INTEGER NOT NULL,
        UNIQUE (record_id, sealed_sha256)
    );
    CREATE TABLE bundles (
        bundle_id   BLOB PRIMARY KEY CHECK (length(bundle_id) = 16),
        device_id   INTEGER NOT NULL REFERENCES devices(id),
        created_at  INTEGER NOT NULL,
        imported_at INTEGER NOT NULL,
        records     INTEGER NOT NULL
    );
    CREATE TABLE targets (
        scope  TEXT NOT NULL CHECK (scope IN ('commune', 'agent')),
        key    TEXT NOT NULL,
        month  TEXT NOT NULL,
        target INTEGER NOT NULL CHECK (target >= 0),
        PRIMARY KEY (scope, key, month)
    );
    ",
    // v2: a record is keyed by its device and its id, so that another device re-using an id
    // (printed on a receipt) can neither replace, block nor shadow the genuine record. The
    // tables are rebuilt (SQLite cannot change a primary key); every row keeps its device
    // and coverage keeps its rowids (the latest-coverage and overlap orders rest on them).
    r"
    CREATE TABLE records_v2 (
        record_id     BLOB NOT NULL CHECK (length(record_id) = 16),
        device_id     INTEGER NOT NULL REFERENCES devices(id),
        channel       TEXT NOT NULL CHECK (channel IN ('network', 'usb')),
        received_at   INTEGER NOT NULL,
        sealed        BLOB NOT NULL,
        sealed_sha256 BLOB NOT NULL CHECK (length(sealed_sha256) = 32),
        scheme        TEXT NOT NULL,
        commune_code  TEXT NOT NULL,
        agent_code    TEXT NOT NULL,
        collected_at  INTEGER NOT NULL,
        day           TEXT NOT NULL,
        amount        INTEGER NOT NULL CHECK (amount >= 0),
        participants  INTEGER NOT NULL CHECK (participants >= 0),
        conflicted    INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (device_id, record_id)
    ) WITHOUT ROWID;
    INSERT INTO records_v2 SELECT record_id, device_id, channel, received_at, sealed,
        sealed_sha256, scheme, commune_code, agent_code, collected_at, day, amount,
        participants, conflicted FROM records;
    CREATE TABLE coverage_v2 (
        device_id  INTEGER NOT NULL,
        record_id  BLOB NOT NULL,
        idx        INTEGER NOT NULL,
        scheme     TEXT NOT NULL,
        person_key TEXT NOT NULL,
        paid_from  TEXT NOT NULL,
        paid_until TEXT NOT NULL,
        PRIMARY KEY (device_id, record_id, idx),
        FOREIGN KEY (device_id, record_id) REFERENCES records_v2(device_id, record_id)
    );
    INSERT INTO coverage_v2 (rowid, device_id, record_id, idx, scheme, person_key, paid_from,
        paid_until)
        SELECT c.rowid, r.device_id, c.record_id, c.idx, c.scheme, c.person_key, c.paid_from,
        c.paid_until FROM coverage c JOIN records r ON r.record_id = c.record_id;
    CREATE TABLE conflicts_v2 (
        id            INTEGER PRIMARY KEY,
        device_id     INTEGER NOT NULL,
        record_id     BLOB NOT NULL,
        sealed        BLOB NOT NULL,
        sealed_sha256 BLOB NOT NULL,
        received_at   INTEGER NOT NULL,
        UNIQUE (device_id, record_id, sealed_sha256),
        FOREIGN KEY (device_id, record_id) REFERENCES records_v2(device_id, record_id)
    );
    INSERT INTO conflicts_v2 (id, device_id, record_id, sealed, sealed_sha256, received_at)
        SELECT c.id, r.device_id, c.record_id, c.sealed, c.sealed_sha256, c.received_at
        FROM conflicts c JOIN records r ON r.record_id = c.record_id;
    CREATE TABLE rejected_v2 (
        id            INTEGER PRIMARY KEY,
        device_id     INTEGER NOT NULL REFERENCES devices(id),
        record_id     BLOB NOT NULL CHECK (length(record_id) = 16),
        sealed        BLOB NOT NULL,
        sealed_sha256 BLOB NOT NULL,
        code          TEXT NOT NULL,
        received_at   INTEGER NOT NULL,
        UNIQUE (device_id, record_id, sealed_sha256)
    );
    INSERT INTO rejected_v2 (id, device_id, record_id, sealed, sealed_sha256, code, received_at)
        SELECT id, device_id, record_id, sealed, sealed_sha256, code, received_at FROM rejected;
    DROP TABLE coverage;
    DROP TABLE conflicts;
    DROP TABLE rejected;
    DROP TABLE records;
    ALTER TABLE records_v2 RENAME TO records;
    ALTER TABLE coverage_v2 RENAME TO coverage;
    ALTER TABLE conflicts_v2 RENAME TO conflicts;
    ALTER TABLE rejected_v2 RENAME TO rejected;
    CREATE INDEX records_by_day ON records(day, commune_code);
    CREATE INDEX records_by_device ON records(device_id, commune_code);
    CREATE INDEX coverage_by_person ON coverage(person_key, scheme, paid_until);
    CREATE INDEX coverage_by_until ON coverage(paid_until);
    ",
    // v3: what staff assign a device to (collection point, communes, agents), given with its
    // token and copied to the device at registration; a record outside it is flagged for
    // review (`review`: '', or codes joined by ',').
    r"
    ALTER TABLE tokens ADD COLUMN assignment TEXT NOT NULL DEFAULT '';
    ALTER TABLE devices ADD COLUMN collection_point TEXT NOT NULL DEFAULT '';
    CREATE TABLE device_communes (
        device_id    INTEGER NOT NULL REFERENCES devices(id),
        position     INTEGER NOT NULL,
        commune_code TEXT NOT NULL,
        PRIMARY KEY (device_id, commune_code)
    ) WITHOUT ROWID;
    CREATE INDEX device_communes_by_commune ON device_communes(commune_code);
    CREATE TABLE device_agents (
        device_id INTEGER NOT NULL REFERENCES devices(id),
        position  INTEGER NOT NULL,
        code      TEXT NOT NULL,
        name      TEXT NOT NULL,
        PRIMARY KEY (device_id, code)
    ) WITHOUT ROWID;
    ALTER TABLE records ADD COLUMN review TEXT NOT NULL DEFAULT '';
    ",
    // v4: a conflicting or rejected record keeps only the SHA-256 of its sealed bytes, their
    // length and the first PROBLEM_PREFIX_BYTES (64) of them, never the whole: a device sending
    // junk cannot grow the database by its size. Existing full bytes are dropped.
    r"
    CREATE TABLE conflicts_v4 (
        id            INTEGER PRIMARY KEY,
        device_id     INTEGER NOT NULL,
        record_id     BLOB NOT NULL,
        sealed_prefix BLOB NOT NULL,
        sealed_len    INTEGER NOT NULL,
        sealed_sha256 BLOB NOT NULL,
        received_at   INTEGER NOT NULL,
        UNIQUE (device_id, record_id, sealed_sha256),
        FOREIGN KEY (device_id, record_id) REFERENCES records(device_id, record_id)
    );
    INSERT INTO conflicts_v4 (id, device_id, record_id, sealed_prefix, sealed_len, sealed_sha256,
        received_at)
        SELECT id, device_id, record_id, substr(sealed, 1, 64), length(sealed), sealed_sha256,
        received_at FROM conflicts;
    CREATE TABLE rejected_v4 (
        id            INTEGER PRIMARY KEY,
        device_id     INTEGER NOT NULL REFERENCES devices(id),
        record_id     BLOB NOT NULL CHECK (length(record_id) = 16),
        sealed_prefix BLOB NOT NULL,
        sealed_len    INTEGER NOT NULL,
        sealed_sha256 BLOB NOT NULL,
        code          TEXT NOT NULL,
        received_at   INTEGER NOT NULL,
        UNIQUE (device_id, record_id, sealed_sha256)
    );
    INSERT INTO rejected_v4 (id, device_id, record_id, sealed_prefix, sealed_len, sealed_sha256,
        code, received_at)
        SELECT id, device_id, record_id, substr(sealed, 1, 64), length(sealed), sealed_sha256,
        code, received_at FROM rejected;
    DROP TABLE conflicts;
    DROP TABLE rejected;
    ALTER TABLE conflicts_v4 RENAME TO conflicts;
    ALTER TABLE rejected_v4 RENAME TO rejected;
    CREATE INDEX conflicts_by_device ON conflicts(device_id, received_at);
    CREATE INDEX rejected_by_device ON rejected(device_id, received_at);
    ",
    // v5: receipt keys are derived from the hub's master key (`keys/receipt-master.key`), no
    // longer stored. The random keys of devices registered before move to a table the hub
    // empties at open, wrapping each under the master key into `receipt_key_wrapped`
    // (`Store::wrap_legacy_receipt_keys`); with secure_delete on, their clear bytes are
    // overwritten.
    r"
    CREATE TABLE legacy_receipt_keys (
        device_id   INTEGER PRIMARY KEY REFERENCES devices(id),
        receipt_key BLOB NOT NULL CHECK (length(receipt_key) = 32)
    );
    INSERT INTO legacy_receipt_keys (device_id, receipt_key) SELECT id, receipt_key FROM devices;
    ALTER TABLE devices DROP COLUMN receipt_key;
    ALTER TABLE devices ADD COLUMN receipt_key_wrapped BLOB
        CHECK (receipt_key_wrapped IS NULL OR length(receipt_key_wrapped) = 32);
    ",
    // v6 (audit trails): each device's audit chain as received, the refusals of a device's
    // entries (one row per reason, counted, so a device resending a broken chain cannot grow
    // the database), and the hub's own log of admin actions and renewal downloads. The two
    // trails are append-only.
    r"
    CREATE TABLE device_audit (
        device_id   INTEGER NOT NULL REFERENCES devices(id),
        seq         INTEGER NOT NULL CHECK (seq > 0),
        at          INTEGER NOT NULL,
        agent_code  TEXT NOT NULL,
        event       TEXT NOT NULL,
        receipt_no  INTEGER,
        detail      TEXT NOT NULL,
        prev_hash   BLOB NOT NULL CHECK (length(prev_hash) = 32),
        hash        BLOB NOT NULL CHECK (length(hash) = 32),
        received_at INTEGER NOT NULL,
        PRIMARY KEY (device_id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE device_audit_problems (
        device_id INTEGER NOT NULL REFERENCES devices(id),
        problem   TEXT NOT NULL,
        first_at  INTEGER NOT NULL,
        last_at   INTEGER NOT NULL,
        times     INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (device_id, problem)
    ) WITHOUT ROWID;
    CREATE TABLE hub_audit (
        id     INTEGER PRIMARY KEY,
        at     INTEGER NOT NULL,
        actor  TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL
    );
    CREATE TRIGGER device_audit_no_update BEFORE UPDATE ON device_audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER device_audit_no_delete BEFORE DELETE ON device_audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER hub_audit_no_update BEFORE UPDATE ON hub_audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER hub_audit_no_delete BEFORE DELETE ON hub_audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    ",
    // v7 (fleet): each device's latest health report.
    super::health::MIGRATION,
    // v8 (policy tables): every published table, signed as devices receive it, in the order
    // published (each newer than the one before); kept for ever, as records priced with any
    // of them are checked with it.
    r"
    CREATE TABLE policy_tables (
        seq          INTEGER PRIMARY KEY,
        version      TEXT NOT NULL UNIQUE,
        valid_until  TEXT NOT NULL,
        published_at INTEGER NOT NULL,
        signed       BLOB NOT NULL
    );
    CREATE TRIGGER policy_tables_no_update BEFORE UPDATE ON policy_tables
        BEGIN SELECT RAISE(ABORT, 'published policy tables are kept as published'); END;
    CREATE TRIGGER policy_tables_no_delete BEFORE DELETE ON policy_tables
        BEGIN SELECT RAISE(ABORT, 'published policy tables are kept as published'); END;
    ",
    // v9: the hub's epoch, random, made anew at each restore from a backup and carried in
    // every acknowledgement (PROTOCOL.md, "Restores").
    r"
    CREATE TABLE hub_epoch (
        id    INTEGER PRIMARY KEY CHECK (id = 1),
        epoch BLOB NOT NULL CHECK (length(epoch) = 16)
    );
    INSERT INTO hub_epoch (id, epoch) VALUES (1, randomblob(16));
    ",
    // v10 (the plan): targets of provinces too, in participants and, if the plan sets one, in
    // household health insurance members; keyed by month first (a plan is imported and read a
    // run of months at a time). The table is rebuilt (SQLite cannot change a CHECK).
    r"
    CREATE TABLE targets_v10 (
        month        TEXT NOT NULL,
        scope        TEXT NOT NULL CHECK (scope IN ('province', 'commune', 'agent')),
        key          TEXT NOT NULL,
        participants INTEGER NOT NULL CHECK (participants >= 0),
        bhyt_members INTEGER CHECK (bhyt_members IS NULL OR bhyt_members >= 0),
        PRIMARY KEY (month, scope, key)
    ) WITHOUT ROWID;
    INSERT INTO targets_v10 (month, scope, key, participants)
        SELECT month, scope, key, target FROM targets;
    DROP TABLE targets;
    ALTER TABLE targets_v10 RENAME TO targets;
    ",
    // v11 (a province's year): the lists' order, so a month's list is read a page at a time
    // along an index; records flagged for review (a few), counted without reading every
    // record. PostgreSQL's version 5 (which also keeps summaries: SQLite serves a district).
    r"
    CREATE INDEX records_for_list ON records (scheme, day, collected_at, device_id, record_id);
    CREATE INDEX records_in_review ON records (received_at) WHERE review <> '';
    ",
    // v12: no change; the number was held for the ingest work of the same round, which needed
    // no schema change.
    "-- v12: no change",
    // v13 (software updates): each published RAUC bundle, its bytes in rows of 1 MiB so that
    // every hub on a shared database serves it and a range request reads one or two rows.
    r"
    CREATE TABLE update_bundles (
        seq          INTEGER PRIMARY KEY,
        version      TEXT NOT NULL UNIQUE,
        size         INTEGER NOT NULL CHECK (size > 0),
        sha256       BLOB NOT NULL CHECK (length(sha256) = 32),
        published_at INTEGER NOT NULL
    );
    CREATE TABLE update_chunks (
        version TEXT NOT NULL REFERENCES update_bundles(version) DEFERRABLE INITIALLY DEFERRED,
        n       INTEGER NOT NULL CHECK (n >= 0),
        data    BLOB NOT NULL,
        PRIMARY KEY (version, n)
    ) WITHOUT ROWID;
    ",
    // v14 (ingest speed): records in a rowid table, so a record's row (its sealed bytes, the
    // widest part of it) is appended in arrival order instead of inserted at a random place
    // of a tree keyed by a random id; the key (device, record id) becomes a small unique
    // index. The same columns and constraints. Coverage and conflicts refer to the records
    // by name, so the rows go back into a table of that name: the foreign keys are deferred
    // to the commit, which checks that every coverage and conflict row has its record again.
    r"
    PRAGMA defer_foreign_keys = ON;
    CREATE TABLE records_v13 AS SELECT * FROM records;
    DROP TABLE records;
    CREATE TABLE records (
        record_id     BLOB NOT NULL CHECK (length(record_id) = 16),
        device_id     INTEGER NOT NULL REFERENCES devices(id),
        channel       TEXT NOT NULL CHECK (channel IN ('network', 'usb')),
        received_at   INTEGER NOT NULL,
        sealed        BLOB NOT NULL,
        sealed_sha256 BLOB NOT NULL CHECK (length(sealed_sha256) = 32),
        scheme        TEXT NOT NULL,
        commune_code  TEXT NOT NULL,
        agent_code    TEXT NOT NULL,
        collected_at  INTEGER NOT NULL,
        day           TEXT NOT NULL,
        amount        INTEGER NOT NULL CHECK (amount >= 0),
        participants  INTEGER NOT NULL CHECK (participants >= 0),
        conflicted    INTEGER NOT NULL DEFAULT 0,
        review        TEXT NOT NULL DEFAULT '',
        UNIQUE (device_id, record_id)
    );
    INSERT INTO records SELECT * FROM records_v13 ORDER BY received_at, device_id, record_id;
    DROP TABLE records_v13;
    CREATE INDEX records_by_day ON records(day, commune_code);
    CREATE INDEX records_by_device ON records(device_id, commune_code);
    CREATE INDEX records_for_list ON records (scheme, day, collected_at, device_id, record_id);
    CREATE INDEX records_in_review ON records (received_at) WHERE review <> '';
    ",
    // v15: each record's box key, wrapped under the hub's opening key (NULL for records
    // stored before: they are opened the long way), so that a list opens its records without
    // an X25519 multiplication each. PostgreSQL's version 8.
    "ALTER TABLE records ADD COLUMN wrapped_key BLOB;",
];

/// How many leading bytes of a conflicting or rejected record are kept (with its hash and
/// length), for staff to tell one from another; the migration v4 says the same number.
pub const PROBLEM_PREFIX_BYTES: usize = 64;

/// The review flag of an accepted record whose commune is not among its device's communes.
pub const REVIEW_UNASSIGNED_COMMUNE: &str = "unassigned_commune";
/// The review flag of an accepted record whose agent is not among its device's agents.
pub const REVIEW_UNASSIGNED_AGENT: &str = "unassigned_agent";

/// The newest schema version this program writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The hub's pragmas, set and read back at open.
const PRAGMAS: &[Pragma] = &[
    // WAL: the dashboard's reads never block an ingest.
    Pragma { name: "journal_mode", value: "WAL", expect: "wal" },
    // FULL: an acknowledgement is signed only after the records are on the disk, so a power
    // cut can never lose a record the device has already forgotten.
    Pragma { name: "synchronous", value: "FULL", expect: "2" },
    Pragma { name: "foreign_keys", value: "ON", expect: "1" },
    // 64 MiB of page cache (the default is 2 MiB): an ingest touches index pages all over the
    // records and coverage tables, which would otherwise be read again from the file.
    Pragma { name: "cache_size", value: "-65536", expect: "-65536" },
    // Deleted content is overwritten, not left in free space: a receipt key wrapped at open
    // leaves no clear copy behind.
    Pragma { name: "secure_delete", value: "ON", expect: "1" },
];

/// The hub database. A writer waits up to 10 s for another (e.g. `ansinh-hub import` next to
/// the server).
const HUB_DATABASE: Database<'static> =
    Database { pragmas: PRAGMAS, migrations: MIGRATIONS, busy_timeout: Duration::from_secs(10) };

/// The SQLite store.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// The write-ahead log, which an ingest syncs after its commit.
    wal: PathBuf,
    /// Ingests committed so far, numbered in commit order (under `conn`'s lock).
    commits: AtomicU64,
    /// The last ingest commit known to be on disk; held while syncing, so that ingests
    /// committed meanwhile wait for the sync and then find theirs covered, or share the next.
    synced: Mutex<u64>,
}

/// The connection for one ingest: commits do not wait for the disk (the ingest syncs the
/// log itself, [`SqliteStore::sync_log`]) until this is dropped, by any path, a panic
/// included: every other use of the connection commits durably.
struct UnsyncedCommits<'a>(MutexGuard<'a, Connection>);

impl<'a> UnsyncedCommits<'a> {
    fn new(conn: MutexGuard<'a, Connection>) -> Result<Self> {
        // In WAL mode NORMAL leaves out only the commit's sync of the log.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(Self(conn))
    }
}

impl Drop for UnsyncedCommits<'_> {
    fn drop(&mut self) {
        if self.0.pragma_update(None, "synchronous", "FULL").is_err() {
            // The connection would commit without syncing: better no hub than that.
            std::process::abort();
        }
    }
}

fn u64_of(v: i64) -> Result<u64> {
    u64::try_from(v).map_err(|_| Error::Corrupt(format!("negative value {v}")))
}

fn i64_of(v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| Error::Invalid(format!("value {v} out of range")))
}

fn id16(blob: Vec<u8>) -> Result<RecordId> {
    blob.try_into().map_err(|_| Error::Corrupt("record id is not 16 bytes".into()))
}

fn key32(blob: Vec<u8>) -> Result<[u8; 32]> {
    blob.try_into().map_err(|_| Error::Corrupt("key is not 32 bytes".into()))
}

/// The hub's own error for a failure of the shared open routine (its messages name the hub
/// database, and its retryable failures stay retryable).
fn open_error(e: ansinh_storage::Error) -> Error {
    use ansinh_storage::Error as Open;
    match e {
        Open::SchemaTooNew { found, supported } => Error::SchemaTooNew { found, supported },
        Open::PragmaMismatch { pragma, found, expected } => {
            Error::PragmaMismatch { pragma, found, expected }
        }
        // Busy, disk full and damaged, like every other SQLite failure of the hub.
        Open::Sqlite(e) => Error::from(e),
    }
}

const DEVICE_COLUMNS: &str = "id, label, public_key, receipt_key_wrapped, registered_at, revoked_at, last_counter, last_seen_at";

type RawDevice = (i64, String, Vec<u8>, Option<Vec<u8>>, i64, Option<i64>, i64, Option<i64>);

fn raw_device(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawDevice> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
}

fn device_of(raw: RawDevice) -> Result<Device> {
    let (id, label, pk, wrapped, registered_at, revoked_at, last_counter, last_seen_at) = raw;
    Ok(Device {
        id: u64_of(id)?,
        label,
        public_key: key32(pk)?,
        wrapped_receipt_key: wrapped.map(key32).transpose()?,
        registered_at,
        revoked_at,
        last_counter: u64_of(last_counter)?,
        last_seen_at,
    })
}

const HELD_COLUMNS: &str =
    "r.record_id, r.device_id, r.received_at, r.sealed, r.sealed_sha256, r.conflicted";

type RawHeld = (Vec<u8>, i64, i64, Vec<u8>, Vec<u8>, i64);

fn raw_held(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawHeld> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
}

fn held_of(raw: RawHeld) -> Result<Held> {
    let (id, device, received_at, sealed, sha, conflicted) = raw;
    Ok(Held {
        record_id: id16(id)?,
        device_id: u64_of(device)?,
        received_at,
        sealed,
        sealed_sha256: key32(sha)?,
        conflicted: conflicted != 0,
    })
}

/// The columns of one payment of an overlap: the record `r` and its coverage row `c`.
fn paid_columns(r: &str, c: &str) -> String {
    format!(
        "{r}.record_id, {r}.device_id, {r}.received_at, {r}.sealed, {r}.sealed_sha256, \
         {r}.conflicted, {c}.idx, {c}.paid_from, {c}.paid_until, {r}.amount, {r}.collected_at"
    )
}

type RawPaid = (RawHeld, i64, String, String, i64, i64);

/// [`paid_columns`] read from column `at` on.
fn raw_paid(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<RawPaid> {
    let held = (
        r.get(at)?,
        r.get(at + 1)?,
        r.get(at + 2)?,
        r.get(at + 3)?,
        r.get(at + 4)?,
        r.get(at + 5)?,
    );
    Ok((held, r.get(at + 6)?, r.get(at + 7)?, r.get(at + 8)?, r.get(at + 9)?, r.get(at + 10)?))
}

fn paid_of(raw: RawPaid) -> Result<PaidReceipt> {
    let (held, idx, paid_from, paid_until, amount, collected_at) = raw;
    Ok(PaidReceipt {
        record: held_of(held)?,
        index: usize::try_from(idx).map_err(|_| Error::Corrupt("negative index".into()))?,
        paid_from,
        paid_until,
        amount: u64_of(amount)?,
        collected_at,
    })
}

/// Replaces device `device`'s assignment within `tx`.
fn write_assignment(tx: &Connection, device: i64, a: &Assignment) -> Result<()> {
    tx.execute(
        "UPDATE devices SET collection_point = ?2 WHERE id = ?1",
        params![device, a.collection_point],
    )?;
    tx.execute("DELETE FROM device_communes WHERE device_id = ?1", params![device])?;
    tx.execute("DELETE FROM device_agents WHERE device_id = ?1", params![device])?;
    for (i, c) in a.communes.iter().enumerate() {
        tx.execute(
            "INSERT OR IGNORE INTO device_communes (device_id, position, commune_code) VALUES (?1, ?2, ?3)",
            params![device, i as i64, c],
        )?;
    }
    for (i, g) in a.agents.iter().enumerate() {
        tx.execute(
            "INSERT OR IGNORE INTO device_agents (device_id, position, code, name) VALUES (?1, ?2, ?3, ?4)",
            params![device, i as i64, g.code, g.name],
        )?;
    }
    Ok(())
}

/// Device `device`'s assignment.
fn read_assignment(conn: &Connection, device: i64) -> Result<Assignment> {
    let collection_point: String = conn
        .query_row("SELECT collection_point FROM devices WHERE id = ?1", params![device], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or_default();
    let mut stmt = conn.prepare(
        "SELECT commune_code FROM device_communes WHERE device_id = ?1 ORDER BY position",
    )?;
    let communes =
        stmt.query_map(params![device], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn
        .prepare("SELECT code, name FROM device_agents WHERE device_id = ?1 ORDER BY position")?;
    let agents = stmt
        .query_map(params![device], |r| Ok(AgentAccount { code: r.get(0)?, name: r.get(1)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Assignment { collection_point, communes, agents })
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, checks the pragmas and brings the
    /// schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        // Readable by this user only: made so before SQLite first writes it (SQLite gives the
        // write-ahead log and shared-memory files the database's mode), and set again on a
        // database made by an older hub.
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .open(path)
                .map_err(crate::error::io(path))?;
        }
        let conn = open_sqlite(path, &HUB_DATABASE).map_err(open_error)?;
        #[cfg(unix)]
        for suffix in ["", "-wal", "-shm"] {
            use std::os::unix::fs::PermissionsExt;
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            let file = std::path::PathBuf::from(file);
            match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(crate::error::io(&file)(e));
                }
                _ => {}
            }
        }
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        Ok(Self {
            conn: Mutex::new(conn),
            wal: PathBuf::from(wal),
            commits: AtomicU64::new(0),
            synced: Mutex::new(0),
        })
    }

    pub(super) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock left no transaction open (rusqlite rolls back on
        // drop), so the connection is still consistent.
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Returns once ingest commit number `commit` is on disk: syncs the write-ahead log
    /// (which holds every commit made so far: the sync covers them all) unless a sync made
    /// meanwhile already did. A checkpoint that moved the commit into the database file
    /// synced it there first.
    fn sync_log(&self, commit: u64) -> Result<()> {
        let mut synced = self.synced.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if *synced >= commit {
            return Ok(());
        }
        let covered = self.commits.load(Ordering::SeqCst);
        std::fs::File::open(&self.wal)
            .and_then(|log| log.sync_data())
            .map_err(crate::error::io(&self.wal))?;
        *synced = covered;
        Ok(())
    }

    /// One batch in one transaction: all of it or, on failure, none.
    fn ingest_batch(
        conn: &mut Connection,
        device: i64,
        channel: &Channel,
        received_at: Timestamp,
        count: usize,
        records: &mut dyn Iterator<Item = Incoming>,
        quota: &ProblemQuota,
    ) -> Result<Ingested> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let state: Option<(i64, Option<i64>)> = tx
            .query_row(
                "SELECT last_counter, revoked_at FROM devices WHERE id = ?1",
                params![device],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((last_counter, None)) = state else { return Ok(Ingested::Revoked) };
        let mut again = false;
        let channel_name = match channel {
            Channel::Network { counter } => {
                let counter = i64_of(*counter)?;
                if counter <= last_counter {
                    return Ok(Ingested::Replayed);
                }
                tx.execute(
                    "UPDATE devices SET last_counter = ?2, last_seen_at = ?3 WHERE id = ?1",
                    params![device, counter, received_at],
                )?;
                "network"
            }
            Channel::Usb { bundle_id, created_at } => {
                let n = tx.execute(
                    "INSERT OR IGNORE INTO bundles (bundle_id, device_id, created_at, imported_at, records) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![&bundle_id[..], device, created_at, received_at, count as i64],
                )?;
                again = n == 0;
                tx.execute(
                    "UPDATE devices SET last_seen_at = ?2 WHERE id = ?1",
                    params![device, received_at],
                )?;
                "usb"
            }
        };
        // A device with no communes (or agents) assigned takes any (tokens made before
        // assignments existed). Read once for the batch, not once per record.
        let communes: HashSet<String> = tx
            .prepare_cached("SELECT commune_code FROM device_communes WHERE device_id = ?1")?
            .query_map(params![device], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let agents: HashSet<String> = tx
            .prepare_cached("SELECT code FROM device_agents WHERE device_id = ?1")?
            .query_map(params![device], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        // Conflicting and rejected rows this device may still have kept: today's (UTC) and all.
        let (today, kept): (i64, i64) = tx
            .prepare_cached(
                "SELECT (SELECT COUNT(*) FROM conflicts WHERE device_id = ?1 AND received_at >= ?2) \
                      + (SELECT COUNT(*) FROM rejected WHERE device_id = ?1 AND received_at >= ?2), \
                        (SELECT COUNT(*) FROM conflicts WHERE device_id = ?1) \
                      + (SELECT COUNT(*) FROM rejected WHERE device_id = ?1)",
            )?
            .query_row(params![device, received_at - received_at.rem_euclid(86_400)], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let mut room =
            (i64::from(quota.per_day) - today).min(i64::from(quota.stored) - kept).max(0);
        // Each statement compiled once per connection, not once per record (a batch is
        // hundreds of records; compiling was most of the store's time).
        let mut held_sha = tx.prepare_cached(
            "SELECT sealed_sha256 FROM records WHERE device_id = ?1 AND record_id = ?2",
        )?;
        // A valid record is inserted straight away: the key's uniqueness check is the lookup
        // of a held copy (one search of the records' tree, not two); only when one is held
        // (no row inserted) is its hash read, to tell a duplicate from a conflict.
        let mut insert_record = tx.prepare_cached(
            "INSERT INTO records (record_id, device_id, channel, received_at, sealed, sealed_sha256, \
             scheme, commune_code, agent_code, collected_at, day, amount, participants, review, \
             wrapped_key) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) \
             ON CONFLICT (device_id, record_id) DO NOTHING",
        )?;
        let mut insert_coverage = tx.prepare_cached(
            "INSERT INTO coverage (device_id, record_id, idx, scheme, person_key, paid_from, paid_until) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        let mut outcomes = Vec::with_capacity(count);
        // Each record as soon as it is opened, in the batch's order.
        for rec in records.take(count) {
            let prefix = &rec.sealed[..rec.sealed.len().min(PROBLEM_PREFIX_BYTES)];
            let sealed_len = rec.sealed.len() as i64;
            let verdict = match rec.verdict {
                Ok(f) => {
                    let mut review = vec![];
                    if !communes.is_empty() && !communes.contains(&f.commune_code) {
                        review.push(REVIEW_UNASSIGNED_COMMUNE);
                    }
                    if !agents.is_empty() && !agents.contains(&f.agent_code) {
                        review.push(REVIEW_UNASSIGNED_AGENT);
                    }
                    let inserted = insert_record.execute(params![
                        &rec.record_id[..],
                        device,
                        channel_name,
                        received_at,
                        &rec.sealed,
                        &rec.sealed_sha256[..],
                        f.scheme,
                        f.commune_code,
                        f.agent_code,
                        f.collected_at,
                        f.day,
                        i64_of(f.amount)?,
                        f.coverage.len() as i64,
                        review.join(","),
                        rec.wrapped_key.as_ref().map(|k| &k[..]),
                    ])? == 1;
                    if inserted {
                        for (i, c) in f.coverage.iter().enumerate() {
                            let Coverage { person_key, paid_from, paid_until } = c;
                            insert_coverage.execute(params![
                                device,
                                &rec.record_id[..],
                                i as i64,
                                f.scheme,
                                person_key,
                                paid_from,
                                paid_until
                            ])?;
                        }
                        outcomes.push(Outcome::Accepted);
                        continue;
                    }
                    Ok(())
                }
                Err(code) => Err(code),
            };
            let held: Option<Vec<u8>> =
                held_sha.query_row(params![device, &rec.record_id[..]], |r| r.get(0)).optional()?;
            let outcome = match (held, verdict) {
                (Some(h), _) if h == rec.sealed_sha256 => Outcome::Duplicate,
                (Some(_), _) => {
                    // Past the quota the outcome is the same, but nothing more is kept.
                    if room > 0 {
                        room -= tx
                            .prepare_cached(
                                "INSERT OR IGNORE INTO conflicts (record_id, device_id, sealed_prefix, sealed_len, \
                                 sealed_sha256, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            )?
                            .execute(params![&rec.record_id[..], device, prefix, sealed_len, &rec.sealed_sha256[..], received_at])?
                            as i64;
                    }
                    tx.prepare_cached(
                        "UPDATE records SET conflicted = 1 WHERE device_id = ?1 AND record_id = ?2",
                    )?
                    .execute(params![device, &rec.record_id[..]])?;
                    Outcome::Conflict
                }
                (None, Err(code)) => {
                    if room > 0 {
                        room -= tx
                            .prepare_cached(
                                "INSERT OR IGNORE INTO rejected (record_id, device_id, sealed_prefix, sealed_len, \
                                 sealed_sha256, code, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                            )?
                            .execute(params![&rec.record_id[..], device, prefix, sealed_len, &rec.sealed_sha256[..], code, received_at])?
                            as i64;
                    }
                    Outcome::Rejected { code }
                }
                // A valid record that was not inserted is held: only a bug in SQLite's
                // conflict handling leads here.
                (None, Ok(())) => {
                    return Err(Error::Corrupt(format!(
                        "record {} neither stored nor held",
                        hex::encode(rec.record_id)
                    )));
                }
            };
            outcomes.push(outcome);
        }
        drop((held_sha, insert_record, insert_coverage));
        if outcomes.len() != count {
            // The transaction rolls back: a batch is stored whole or not at all.
            return Err(Error::Corrupt(format!(
                "{} of the batch's {count} records reached the store",
                outcomes.len()
            )));
        }
        tx.commit()?;
        Ok(Ingested::Stored { outcomes, again })
    }

    fn tally(conn: &Connection, group: &str, from: &str, until: &str) -> Result<Vec<Tally>> {
        // Days are `YYYY-MM-DD`: a run of months is a range of texts.
        let sql = format!(
            "SELECT {group}, COUNT(*), SUM(participants), SUM(amount), \
                    SUM(CASE WHEN scheme = '{BHYT}' THEN participants ELSE 0 END) \
             FROM records WHERE day >= ?1 AND day < ?2 GROUP BY {group} ORDER BY {group}"
        );
        let (first, end) = day_range(from, until)?;
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![first, end], |r| {
            Ok(Tally {
                key: r.get(0)?,
                records: r.get(1)?,
                participants: r.get(2)?,
                amount: r.get(3)?,
                bhyt_members: r.get(4)?,
                ..Tally::default()
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl SqliteStore {
    /// Writes a consistent copy of the database to `out` (a new file) while the hub may be
    /// serving: SQLite's online backup API, a few pages at a time.
    pub fn backup_to(&self, out: &Path) -> Result<()> {
        if out.exists() {
            return Err(Error::Invalid(format!("{} exists already", out.display())));
        }
        let conn = self.conn();
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Private from the start, as the database itself.
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(out)
                .map_err(crate::error::io(out))?;
        }
        let mut dst = Connection::open(out)?;
        let backup = rusqlite::backup::Backup::new(&conn, &mut dst)?;
        backup.run_to_completion(256, Duration::from_millis(5), None)?;
        drop(backup);
        // One file, not a write-ahead log beside it.
        dst.pragma_update(None, "journal_mode", "DELETE")?;
        Ok(())
    }

    /// Replaces the database at `path` with the backup `from` (the hub stopped), brings it up
    /// to date and marks it restored ([`Store::new_epoch`]); returns the store.
    pub fn restore(path: &Path, from: &Path) -> Result<Self> {
        let src = Connection::open_with_flags(from, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let found: i64 = src.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let is_hub: i64 = src.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'records'",
            [],
            |r| r.get(0),
        )?;
        if is_hub == 0 {
            return Err(Error::Invalid(format!("{} is not a hub database", from.display())));
        }
        if found > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew { found, supported: SCHEMA_VERSION });
        }
        drop(src);
        {
            let mut dst = Connection::open(path)?;
            dst.restore(rusqlite::MAIN_DB, from, None::<fn(rusqlite::backup::Progress)>)?;
        }
        let store = Self::open(path)?;
        store.new_epoch()?;
        Ok(store)
    }
}

impl Store for SqliteStore {
    fn create_token(
        &self,
        token_sha256: [u8; 32],
        hint: &str,
        label: &str,
        assignment: &Assignment,
        created_at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        let assignment = serde_json::to_string(assignment)
            .map_err(|e| Error::Invalid(format!("assignment: {e}")))?;
        self.conn().execute(
            "INSERT INTO tokens (token_sha256, hint, label, assignment, created_at, expires_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![&token_sha256[..], hint, label, assignment, created_at, expires_at],
        )?;
        Ok(())
    }

    fn assignment(&self, device_id: u64) -> Result<Assignment> {
        let Ok(device) = i64::try_from(device_id) else { return Ok(Assignment::default()) };
        read_assignment(&self.conn(), device)
    }

    fn assign_device(&self, device_id: u64, assignment: &Assignment) -> Result<bool> {
        let Ok(device) = i64::try_from(device_id) else { return Ok(false) };
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let known: Option<i64> = tx
            .query_row("SELECT id FROM devices WHERE id = ?1", params![device], |r| r.get(0))
            .optional()?;
        if known.is_none() {
            return Ok(false);
        }
        write_assignment(&tx, device, assignment)?;
        tx.commit()?;
        Ok(true)
    }

    fn tokens(&self) -> Result<Vec<TokenInfo>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT hint, label, created_at, expires_at, used_at, device_id FROM tokens ORDER BY created_at DESC, hint",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get::<_, Option<i64>>(5)?))
        })?;
        rows.map(|r| {
            let (hint, label, created_at, expires_at, used_at, device) = r?;
            Ok(TokenInfo {
                hint,
                label,
                created_at,
                expires_at,
                used_at,
                device_id: device.map(u64_of).transpose()?,
            })
        })
        .collect()
    }

    fn register_device(
        &self,
        token_sha256: [u8; 32],
        now: Timestamp,
        label: &str,
        public_key: [u8; 32],
    ) -> Result<Option<Device>> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let usable: Option<String> = tx
            .query_row(
                "SELECT assignment FROM tokens WHERE token_sha256 = ?1 AND used_at IS NULL AND expires_at > ?2",
                params![&token_sha256[..], now],
                |r| r.get(0),
            )
            .optional()?;
        let Some(assignment) = usable else { return Ok(None) };
        // Tokens made before assignments existed hold ''.
        let assignment: Assignment = if assignment.is_empty() {
            Assignment::default()
        } else {
            serde_json::from_str(&assignment)
                .map_err(|e| Error::Corrupt(format!("a token's assignment: {e}")))?
        };
        let taken: Option<i64> = tx
            .query_row(
                "SELECT id FROM devices WHERE public_key = ?1",
                params![&public_key[..]],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_some() {
            // One key, one device: a second registration of the same key is refused and the
            // token stays usable.
            return Ok(None);
        }
        tx.execute(
            "INSERT INTO devices (label, public_key, registered_at) VALUES (?1, ?2, ?3)",
            params![label, &public_key[..], now],
        )?;
        let id = tx.last_insert_rowid();
        write_assignment(&tx, id, &assignment)?;
        tx.execute(
            "UPDATE tokens SET used_at = ?2, device_id = ?3 WHERE token_sha256 = ?1",
            params![&token_sha256[..], now, id],
        )?;
        let device = tx.query_row(
            &format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?1"),
            params![id],
            raw_device,
        )?;
        tx.commit()?;
        Ok(Some(device_of(device)?))
    }

    fn device(&self, id: u64) -> Result<Option<Device>> {
        let Ok(id) = i64::try_from(id) else { return Ok(None) };
        let raw = self
            .conn()
            .query_row(
                &format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?1"),
                params![id],
                raw_device,
            )
            .optional()?;
        raw.map(device_of).transpose()
    }

    fn devices(&self) -> Result<Vec<Device>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare(&format!("SELECT {DEVICE_COLUMNS} FROM devices ORDER BY id"))?;
        let rows = stmt.query_map([], raw_device)?;
        rows.map(|r| device_of(r?)).collect()
    }

    fn devices_keyed_by_master(&self) -> Result<i64> {
        Ok(self.conn().query_row(
            "SELECT COUNT(*) FROM devices WHERE id NOT IN (SELECT device_id FROM legacy_receipt_keys)",
            [],
            |r| r.get(0),
        )?)
    }

    fn wrap_legacy_receipt_keys(&self, wrap: &dyn Fn(u64, &[u8; 32]) -> [u8; 32]) -> Result<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let legacy: Vec<(i64, Vec<u8>)> = {
            let mut stmt = tx.prepare("SELECT device_id, receipt_key FROM legacy_receipt_keys")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (device, key) in &legacy {
            let key = zeroize::Zeroizing::new(key32(key.clone())?);
            let wrapped = wrap(u64_of(*device)?, &key);
            tx.execute(
                "UPDATE devices SET receipt_key_wrapped = ?2 WHERE id = ?1",
                params![device, &wrapped[..]],
            )?;
        }
        tx.execute("DELETE FROM legacy_receipt_keys", [])?;
        tx.commit()?;
        if !legacy.is_empty() {
            // The clear keys' pages leave the write-ahead log too.
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(legacy.len())
    }

    fn revoke_device(&self, id: u64, now: Timestamp) -> Result<bool> {
        let Ok(id) = i64::try_from(id) else { return Ok(false) };
        let conn = self.conn();
        let n = conn.execute(
            "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1",
            params![id, now],
        )?;
        Ok(n > 0)
    }

    fn ingest_stream(
        &self,
        device_id: u64,
        channel: &Channel,
        received_at: Timestamp,
        count: usize,
        records: &mut dyn Iterator<Item = Incoming>,
        quota: &ProblemQuota,
    ) -> Result<Ingested> {
        let device = i64_of(device_id)?;
        let mut conn = UnsyncedCommits::new(self.conn())?;
        let stored =
            Self::ingest_batch(&mut conn.0, device, channel, received_at, count, records, quota);
        // Numbered before the lock is let go: numbers follow the commits' order.
        let commit = self.commits.fetch_add(1, Ordering::SeqCst) + 1;
        drop(conn);
        let stored = stored?;
        // Even a refusal waits: it may rest on a commit not yet on disk (a replayed counter).
        self.sync_log(commit)?;
        Ok(stored)
    }

    fn totals(&self) -> Result<Totals> {
        Ok(self.conn().query_row(
            "SELECT (SELECT COUNT(*) FROM records), (SELECT COUNT(*) FROM conflicts), \
             (SELECT COUNT(*) FROM rejected), (SELECT COUNT(*) FROM bundles), \
             (SELECT COUNT(*) FROM records WHERE review <> '')",
            [],
            |r| {
                Ok(Totals {
                    records: r.get(0)?,
                    conflicts: r.get(1)?,
                    rejected: r.get(2)?,
                    bundles: r.get(3)?,
                    review: r.get(4)?,
                })
            },
        )?)
    }

    fn record(&self, device_id: u64, id: &RecordId) -> Result<Option<Held>> {
        let Ok(device) = i64::try_from(device_id) else { return Ok(None) };
        let raw = self
            .conn()
            .query_row(
                &format!(
                    "SELECT {HELD_COLUMNS} FROM records r WHERE r.device_id = ?1 AND r.record_id = ?2"
                ),
                params![device, &id[..]],
                raw_held,
            )
            .optional()?;
        raw.map(held_of).transpose()
    }

    fn problems(&self) -> Result<Vec<Problem>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT record_id, device_id, 'conflict', received_at FROM conflicts \
             UNION ALL SELECT record_id, device_id, code, received_at FROM rejected \
             UNION ALL SELECT record_id, device_id, 'review:' || review, received_at FROM records \
               WHERE review <> '' \
             ORDER BY 4 DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?, r.get(2)?, r.get(3)?))
        })?;
        rows.map(|r| {
            let (id, device, code, received_at) = r?;
            Ok(Problem {
                record_id: hex::encode(id),
                device_id: u64_of(device)?,
                code,
                received_at,
            })
        })
        .collect()
    }

    fn set_target(&self, scope: Scope, key: &str, month: &str, target: Option<i64>) -> Result<()> {
        let conn = self.conn();
        match target {
            Some(t) => conn.execute(
                "INSERT INTO targets (month, scope, key, participants) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (month, scope, key) DO UPDATE SET participants = excluded.participants",
                params![month, scope.as_str(), key, t],
            )?,
            None => conn.execute(
                "DELETE FROM targets WHERE month = ?1 AND scope = ?2 AND key = ?3",
                params![month, scope.as_str(), key],
            )?,
        };
        Ok(())
    }

    fn replace_targets(&self, months: &[String], targets: &[Target]) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for m in months {
            tx.execute("DELETE FROM targets WHERE month = ?1", params![m])?;
        }
        {
            let mut insert = tx.prepare(
                "INSERT INTO targets (month, scope, key, participants, bhyt_members) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for t in targets {
                insert.execute(params![
                    t.month,
                    t.scope.as_str(),
                    t.key,
                    t.participants,
                    t.bhyt_members
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn targets(&self, from: &str, until: &str) -> Result<Vec<Target>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT month, scope, key, participants, bhyt_members FROM targets \
             WHERE month BETWEEN ?1 AND ?2 ORDER BY month, scope, key",
        )?;
        let rows = stmt.query_map(params![from, until], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        })?;
        rows.map(|r| {
            let (month, scope, key, participants, bhyt_members) = r?;
            let scope = Scope::of_str(&scope)
                .ok_or_else(|| Error::Corrupt(format!("target scope {scope:?}")))?;
            Ok(Target { month, scope, key, participants, bhyt_members })
        })
        .collect()
    }

    fn tallies(&self, from: &str, until: &str) -> Result<Tallies> {
        let conn = self.conn();
        let communes = Self::tally(&conn, "commune_code", from, until)?;
        let agents = Self::tally(&conn, "agent_code", from, until)?;
        let days = Self::tally(&conn, "day", from, until)?;
        let total = Tally {
            key: if from == until { from.to_string() } else { format!("{from}..{until}") },
            records: days.iter().map(|d| d.records).sum(),
            participants: days.iter().map(|d| d.participants).sum(),
            amount: days.iter().map(|d| d.amount).sum(),
            bhyt_members: days.iter().map(|d| d.bhyt_members).sum(),
            ..Tally::default()
        };
        Ok(Tallies { communes, agents, days, total })
    }

    fn lapses(&self, grace_months: u32, from: &str, until: &str) -> Result<Vec<Lapse>> {
        let (first, last) = paid_until_range(grace_months, from, until)?;
        let shift = format!("+{} months", u64::from(grace_months) + 1);
        let conn = self.conn();
        // The first lapsed month of a payment: its last month paid plus the grace, plus one.
        // A later payment collected before that month renewed it in time; one stored later
        // with the same last month stands for it.
        let mut stmt = conn.prepare_cached(
            "SELECT c.device_id, c.record_id, c.idx, c.scheme, r.commune_code, r.agent_code, \
                    c.paid_until, strftime('%Y-%m', c.paid_until || '-01', ?3), \
                    EXISTS (SELECT 1 FROM coverage l WHERE l.person_key = c.person_key \
                            AND l.scheme = c.scheme AND l.paid_until > c.paid_until) \
             FROM coverage c JOIN records r ON r.device_id = c.device_id AND r.record_id = c.record_id \
             WHERE c.paid_until BETWEEN ?1 AND ?2 \
               AND NOT EXISTS (SELECT 1 FROM coverage l JOIN records lr \
                                 ON lr.device_id = l.device_id AND lr.record_id = l.record_id \
                               WHERE l.person_key = c.person_key AND l.scheme = c.scheme \
                               AND ((l.paid_until > c.paid_until \
                                     AND lr.day < strftime('%Y-%m', c.paid_until || '-01', ?3)) \
                                    OR (l.paid_until = c.paid_until AND l.rowid > c.rowid))) \
             ORDER BY c.paid_until, r.commune_code, r.agent_code, c.device_id, c.record_id, c.idx",
        )?;
        let rows = stmt.query_map(params![first, last, shift], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, bool>(8)?,
            ))
        })?;
        rows.map(|r| {
            let (device, id, idx, scheme, commune_code, agent_code, paid_until, lapsed_in, renewed) =
                r?;
            Ok(Lapse {
                device_id: u64_of(device)?,
                record_id: id16(id)?,
                index: usize::try_from(idx).map_err(|_| Error::Corrupt("negative index".into()))?,
                scheme,
                commune_code,
                agent_code,
                paid_until,
                lapsed_in,
                renewed,
            })
        })
        .collect()
    }

    fn records_for_list(
        &self,
        scheme: &str,
        commune: Option<&str>,
        month: &str,
    ) -> Result<Vec<Held>> {
        let (first, end) = day_range(month, month)?;
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {HELD_COLUMNS} FROM records r WHERE r.scheme = ?1 AND r.day >= ?2 AND r.day < ?3 \
             AND (?4 IS NULL OR r.commune_code = ?4) \
             ORDER BY r.day, r.collected_at, r.device_id, r.record_id"
        ))?;
        let rows = stmt.query_map(params![scheme, first, end, commune], raw_held)?;
        rows.map(|r| held_of(r?)).collect()
    }

    fn records_for_list_page(
        &self,
        scheme: &str,
        commune: Option<&str>,
        month: &str,
        after: Option<&ListedRecord>,
        limit: usize,
    ) -> Result<Vec<ListedRecord>> {
        let (first, end) = day_range(month, month)?;
        // The list's order, (collection day, time, device, id), is the index's
        // (`records_for_list`, v11): a page is one range read, whichever page it is.
        let (day, at, device, id) = match after {
            Some(a) => (
                a.day.clone(),
                a.collected_at,
                i64_of(a.held.device_id)?,
                a.held.record_id.to_vec(),
            ),
            None => (String::new(), i64::MIN, i64::MIN, vec![]),
        };
        let limit = i64::try_from(limit).map_err(|_| Error::Invalid("page size".into()))?;
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT r.day, r.collected_at, {HELD_COLUMNS}, r.wrapped_key FROM records r \
             WHERE r.scheme = ?1 AND r.day >= ?2 AND r.day < ?3 \
             AND (?4 IS NULL OR r.commune_code = ?4) \
             AND (r.day, r.collected_at, r.device_id, r.record_id) > (?5, ?6, ?7, ?8) \
             ORDER BY r.day, r.collected_at, r.device_id, r.record_id LIMIT ?9"
        ))?;
        let rows = stmt.query_map(
            params![scheme, first, end, commune, day, at, device, id, limit],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?),
                    r.get::<_, Option<Vec<u8>>>(8)?,
                ))
            },
        )?;
        rows.map(|r| {
            let (day, collected_at, raw, wrapped_key) = r?;
            Ok(ListedRecord { day, collected_at, held: held_of(raw)?, wrapped_key })
        })
        .collect()
    }

    fn list_participants(&self, scheme: &str, commune: Option<&str>, month: &str) -> Result<i64> {
        let (first, end) = day_range(month, month)?;
        Ok(self.conn().query_row(
            "SELECT COALESCE(SUM(participants), 0) FROM records \
             WHERE scheme = ?1 AND day >= ?2 AND day < ?3 AND (?4 IS NULL OR commune_code = ?4)",
            params![scheme, first, end, commune],
            |r| r.get(0),
        )?)
    }

    fn due_participants(
        &self,
        device: Option<u64>,
        from: &str,
        until: &str,
    ) -> Result<Vec<DueParticipant>> {
        let device = device.map(i64_of).transpose()?;
        let conn = self.conn();
        // The latest coverage per person and scheme (the last stored among equal ones): a
        // person who already renewed is not due, and is listed once.
        let mut stmt = conn.prepare(&format!(
            "SELECT {HELD_COLUMNS}, c.idx, c.paid_until FROM coverage c \
             JOIN records r ON r.device_id = c.device_id AND r.record_id = c.record_id \
             WHERE c.paid_until BETWEEN ?1 AND ?2 \
               AND NOT EXISTS (SELECT 1 FROM coverage later WHERE later.person_key = c.person_key \
                               AND later.scheme = c.scheme AND (later.paid_until > c.paid_until \
                               OR (later.paid_until = c.paid_until AND later.rowid > c.rowid))) \
               AND (?3 IS NULL OR r.commune_code IN \
                    (SELECT commune_code FROM device_communes WHERE device_id = ?3)) \
             ORDER BY c.paid_until, r.commune_code, r.device_id, r.record_id, c.idx"
        ))?;
        let rows = stmt.query_map(params![from, until, device], |r| {
            Ok((raw_held(r)?, r.get::<_, i64>(6)?, r.get::<_, String>(7)?))
        })?;
        rows.map(|r| {
            let (raw, idx, paid_until) = r?;
            Ok(DueParticipant {
                record: held_of(raw)?,
                index: usize::try_from(idx).map_err(|_| Error::Corrupt("negative index".into()))?,
                paid_until,
            })
        })
        .collect()
    }

    fn epoch(&self) -> Result<[u8; 16]> {
        let epoch: Vec<u8> =
            self.conn().query_row("SELECT epoch FROM hub_epoch WHERE id = 1", [], |r| r.get(0))?;
        epoch.try_into().map_err(|_| Error::Corrupt("the epoch is not 16 bytes".into()))
    }

    fn new_epoch(&self) -> Result<[u8; 16]> {
        let mut epoch = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut epoch);
        self.conn().execute(
            "INSERT INTO hub_epoch (id, epoch) VALUES (1, ?1) \
             ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch",
            params![&epoch[..]],
        )?;
        Ok(epoch)
    }

    fn overlaps(&self, month: &str) -> Result<Vec<Overlap>> {
        let conn = self.conn();
        // For each payment collected in the month, the earliest other payment (device time,
        // then arrival) of the same person and scheme with a month in common. Months are
        // `YYYY-MM`, so text comparison is month order.
        let mut stmt = conn.prepare(&format!(
            "WITH later AS ( \
               SELECT c.rowid AS rid, c.device_id, c.record_id, c.scheme, c.person_key, \
                      c.paid_from, c.paid_until, r.collected_at \
               FROM coverage c \
               JOIN records r ON r.device_id = c.device_id AND r.record_id = c.record_id \
               WHERE r.day LIKE ?1 || '-%'), \
             pairs AS ( \
               SELECT l.rid AS second, \
                 (SELECT f.rowid FROM coverage f \
                  JOIN records rf ON rf.device_id = f.device_id AND rf.record_id = f.record_id \
                  WHERE f.person_key = l.person_key AND f.scheme = l.scheme \
                    AND NOT (f.device_id = l.device_id AND f.record_id = l.record_id) \
                    AND f.paid_from <= l.paid_until AND l.paid_from <= f.paid_until \
                    AND (rf.collected_at < l.collected_at \
                         OR (rf.collected_at = l.collected_at AND f.rowid < l.rid)) \
                  ORDER BY rf.collected_at, f.rowid LIMIT 1) AS first \
               FROM later l) \
             SELECT sc.scheme, {}, {} FROM pairs p \
             JOIN coverage fc ON fc.rowid = p.first \
             JOIN records fr ON fr.device_id = fc.device_id AND fr.record_id = fc.record_id \
             JOIN coverage sc ON sc.rowid = p.second \
             JOIN records sr ON sr.device_id = sc.device_id AND sr.record_id = sc.record_id \
             ORDER BY sr.collected_at, sc.rowid",
            paid_columns("fr", "fc"),
            paid_columns("sr", "sc"),
        ))?;
        let rows = stmt.query_map(params![month], |r| {
            Ok((r.get::<_, String>(0)?, raw_paid(r, 1)?, raw_paid(r, 12)?))
        })?;
        rows.map(|r| {
            let (scheme, first, second) = r?;
            Ok(Overlap { scheme, first: paid_of(first)?, second: paid_of(second)? })
        })
        .collect()
    }

    fn publish_policy(&self, policy: &PublishedPolicy) -> Result<bool> {
        let conn = self.conn();
        let n = conn.execute(
            "INSERT INTO policy_tables (version, valid_until, published_at, signed) \
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT (version) DO NOTHING",
            params![policy.version, policy.valid_until, policy.published_at, policy.signed],
        )?;
        Ok(n == 1)
    }

    fn policy_tables(&self) -> Result<Vec<PublishedPolicy>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT version, valid_until, published_at, signed FROM policy_tables ORDER BY seq",
        )?;
        let rows = stmt.query_map([], published_policy)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn latest_policy(&self) -> Result<Option<PublishedPolicy>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                "SELECT version, valid_until, published_at, signed FROM policy_tables \
                 ORDER BY seq DESC LIMIT 1",
                [],
                published_policy,
            )
            .optional()?)
    }

    fn publish_bundle(
        &self,
        version: &str,
        published_at: Timestamp,
        reader: &mut dyn std::io::Read,
    ) -> Result<Option<PublishedBundle>> {
        use sha2::Digest;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let held: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM update_bundles WHERE version = ?1)",
            params![version],
            |r| r.get(0),
        )?;
        if held {
            return Ok(None);
        }
        let (mut hash, mut size, mut n) = (sha2::Sha256::new(), 0u64, 0u64);
        let mut buf = vec![0; BUNDLE_CHUNK_BYTES];
        {
            let mut insert =
                tx.prepare("INSERT INTO update_chunks (version, n, data) VALUES (?1, ?2, ?3)")?;
            loop {
                let got = super::read_chunk(reader, &mut buf)?;
                if got == 0 {
                    break;
                }
                size += got as u64;
                if size > ansinh_wire::update::MAX_BUNDLE_BYTES {
                    return Err(Error::Invalid("the bundle is larger than 1 GiB".into()));
                }
                hash.update(&buf[..got]);
                insert.execute(params![version, n, &buf[..got]])?;
                n += 1;
            }
        }
        if size == 0 {
            return Err(Error::Invalid("the bundle is empty".into()));
        }
        let bundle = PublishedBundle {
            version: version.to_string(),
            size,
            sha256: hash.finalize().into(),
            published_at,
        };
        tx.execute(
            "INSERT INTO update_bundles (version, size, sha256, published_at) VALUES (?1, ?2, ?3, ?4)",
            params![bundle.version, bundle.size, bundle.sha256.as_slice(), bundle.published_at],
        )?;
        tx.commit()?;
        Ok(Some(bundle))
    }

    fn bundles(&self) -> Result<Vec<PublishedBundle>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT version, size, sha256, published_at FROM update_bundles ORDER BY seq",
        )?;
        let rows = stmt.query_map([], published_bundle)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn latest_bundle(&self) -> Result<Option<PublishedBundle>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                "SELECT version, size, sha256, published_at FROM update_bundles \
                 ORDER BY seq DESC LIMIT 1",
                [],
                published_bundle,
            )
            .optional()?)
    }

    fn bundle_chunk(&self, version: &str, index: u64) -> Result<Option<Vec<u8>>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                "SELECT data FROM update_chunks WHERE version = ?1 AND n = ?2",
                params![version, index],
                |r| r.get(0),
            )
            .optional()?)
    }
}

fn published_bundle(r: &rusqlite::Row<'_>) -> rusqlite::Result<PublishedBundle> {
    let sha: Vec<u8> = r.get(2)?;
    Ok(PublishedBundle {
        version: r.get(0)?,
        size: r.get(1)?,
        sha256: sha.try_into().map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Blob,
                "a bundle's SHA-256 is not 32 bytes".into(),
            )
        })?,
        published_at: r.get(3)?,
    })
}

fn published_policy(r: &rusqlite::Row<'_>) -> rusqlite::Result<PublishedPolicy> {
    Ok(PublishedPolicy {
        version: r.get(0)?,
        valid_until: r.get(1)?,
        published_at: r.get(2)?,
        signed: r.get(3)?,
    })
}

#[cfg(test)]
mod tests {
    //! What only the SQLite store has: its pragmas, its upgrades from older schemas and its
    //! files. The semantics both stores share are tested on both (`store/tests.rs`).
    use super::*;

    fn store() -> Result<(tempfile::TempDir, SqliteStore)> {
        let tmp = tempfile::tempdir().map_err(crate::error::io(Path::new("tmp")))?;
        let s = SqliteStore::open(&tmp.path().join("hub.sqlite"))?;
        Ok((tmp, s))
    }

    /// An ingest commits without the sync and syncs the log itself before it returns;
    /// whatever becomes of it (stored, refused, failed midway), the connection is left
    /// committing durably for every other use.
    #[test]
    fn an_ingest_returns_synced_and_leaves_commits_durable() -> Result<()> {
        let (_tmp, s) = store()?;
        s.create_token([1; 32], "ab", "t", &Assignment::default(), 0, 100)?;
        let d = s.register_device([1; 32], 1, "x", [1; 32])?.map(|d| d.id).unwrap_or_default();
        let refused = |id: u8| Incoming {
            record_id: [id; 16],
            sealed_sha256: [id; 32],
            sealed: vec![id],
            verdict: Err("does_not_decode".into()),
            wrapped_key: None,
        };
        let quota = ProblemQuota { per_day: 10, stored: 10 };
        let synchronous = || -> Result<i64> {
            Ok(s.conn().pragma_query_value(None, "synchronous", |r| r.get(0))?)
        };
        let net = |counter| Channel::Network { counter };
        assert!(matches!(
            s.ingest(d, &net(1), 10, vec![refused(1)], &quota)?,
            Ingested::Stored { .. }
        ));
        assert_eq!(synchronous()?, 2);
        let synced = *s.synced.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        assert_eq!(synced, s.commits.load(Ordering::SeqCst), "returned before its sync");
        assert_eq!(s.ingest(d, &net(1), 11, vec![refused(2)], &quota)?, Ingested::Replayed);
        assert_eq!(synchronous()?, 2);
        let short = s.ingest_stream(d, &net(2), 12, 2, &mut vec![refused(3)].into_iter(), &quota);
        assert!(short.is_err());
        assert_eq!(synchronous()?, 2);
        assert_eq!(s.device(d)?.map(|d| d.last_counter), Some(1));
        Ok(())
    }

    #[test]
    fn pragmas_are_read_back_and_a_newer_schema_is_refused() -> Result<()> {
        let (tmp, s) = store()?;
        {
            let conn = s.conn();
            let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
            let sync: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0))?;
            let fk: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
            let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
            assert_eq!((mode.as_str(), sync, fk, v), ("wal", 2, 1, SCHEMA_VERSION));
        }
        drop(s);
        // Reopening is a no-op migration.
        drop(SqliteStore::open(&tmp.path().join("hub.sqlite"))?);
        let conn = Connection::open(tmp.path().join("hub.sqlite"))?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)?;
        drop(conn);
        let e = SqliteStore::open(&tmp.path().join("hub.sqlite")).err();
        assert!(matches!(e, Some(Error::SchemaTooNew { .. })), "{e:?}");
        Ok(())
    }

    /// A version 1 database (records keyed by id alone) is rebuilt keyed by device and id:
    /// every row keeps its device, coverage its order.
    #[test]
    fn records_of_version_1_keep_their_device() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(crate::error::io(Path::new("tmp")))?;
        let path = tmp.path().join("hub.sqlite");
        {
            let conn = Connection::open(&path)?;
            conn.execute_batch(MIGRATIONS[0])?;
            conn.execute_batch(
                "INSERT INTO devices (id, label, public_key, receipt_key, registered_at) \
                   VALUES (7, 'x', zeroblob(32), zeroblob(32), 1); \
                 INSERT INTO records VALUES (zeroblob(16), 7, 'network', 2, x'01', zeroblob(32), \
                   'voluntary-si', '00004', 'AG1', 3, '2027-01-15', 5, 1, 1); \
                 INSERT INTO coverage (rowid, record_id, idx, scheme, person_key, paid_from, paid_until) \
                   VALUES (42, zeroblob(16), 0, 'voluntary-si', 'p1', '2027-01', '2027-03'); \
                 INSERT INTO conflicts (record_id, device_id, sealed, sealed_sha256, received_at) \
                   VALUES (zeroblob(16), 7, x'02', x'02', 4); \
                 INSERT INTO rejected (record_id, device_id, sealed, sealed_sha256, code, received_at) \
                   VALUES (zeroblob(16), 7, x'03', x'03', 'does_not_decode', 5); \
                 PRAGMA user_version = 1;",
            )?;
        }
        let s = SqliteStore::open(&path)?;
        assert_eq!(
            s.totals()?,
            Totals { records: 1, conflicts: 1, rejected: 1, bundles: 0, review: 0 }
        );
        let held = s.record(7, &[0; 16])?.ok_or_else(|| Error::Corrupt("lost".into()))?;
        assert_eq!(
            (held.device_id, held.sealed.as_slice(), held.conflicted),
            (7, &[1u8][..], true)
        );
        assert_eq!(s.record(8, &[0; 16])?, None, "another device's id space");
        let due = s.due_participants(None, "2027-03", "2027-03")?;
        assert_eq!(due.len(), 1);
        let rowid: i64 = s.conn().query_row("SELECT rowid FROM coverage", [], |r| r.get(0))?;
        assert_eq!(rowid, 42);
        let codes: Vec<(u64, String)> =
            s.problems()?.into_iter().map(|p| (p.device_id, p.code)).collect();
        assert_eq!(codes, [(7, "does_not_decode".to_string()), (7, "conflict".to_string())]);
        Ok(())
    }

    /// Every row `sql` returns, as values.
    fn dump(conn: &Connection, sql: &str) -> Result<Vec<Vec<rusqlite::types::Value>>> {
        let mut stmt = conn.prepare(sql)?;
        let n = stmt.column_count();
        let rows = stmt.query_map([], |r| (0..n).map(|i| r.get(i)).collect())?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A version 13 database (records in a `WITHOUT ROWID` table keyed by device and id)
    /// migrates to the rowid table with every row, flag and link intact, in arrival order,
    /// and with the same constraints: the key unique, the checks, the foreign keys.
    #[test]
    fn records_of_version_13_move_to_a_rowid_table_intact() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(crate::error::io(Path::new("tmp")))?;
        let path = tmp.path().join("hub.sqlite");
        // Version 13's columns (later versions add to them).
        let records = "SELECT record_id, device_id, channel, received_at, sealed, sealed_sha256, \
            scheme, commune_code, agent_code, collected_at, day, amount, participants, conflicted, \
            review FROM records ORDER BY device_id, record_id";
        let coverage = "SELECT rowid, * FROM coverage ORDER BY rowid";
        let conflicts = "SELECT * FROM conflicts ORDER BY id";
        let before = {
            let mut conn = Connection::open(&path)?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            let tx = conn.transaction()?;
            for m in &MIGRATIONS[..13] {
                tx.execute_batch(m)?;
            }
            tx.execute_batch(
                "INSERT INTO devices (id, label, public_key, registered_at) \
                   VALUES (7, 'x', zeroblob(32), 1), (8, 'y', randomblob(32), 1); \
                 INSERT INTO records (record_id, device_id, channel, received_at, sealed, \
                   sealed_sha256, scheme, commune_code, agent_code, collected_at, day, amount, \
                   participants, conflicted, review) VALUES \
                   (x'ff000000000000000000000000000000', 7, 'network', 20, x'01', zeroblob(32), \
                    'voluntary-si', '00004', 'AG1', 3, '2027-01-15', 5, 1, 1, ''), \
                   (x'00000000000000000000000000000001', 7, 'usb', 10, x'0203', randomblob(32), \
                    'household-bhyt', '00007', 'AG2', 4, '2027-01-16', 9, 2, 0, 'unassigned_agent'), \
                   (x'ff000000000000000000000000000000', 8, 'network', 15, x'04', randomblob(32), \
                    'voluntary-si', '00004', 'AG1', 5, '2027-02-01', 7, 1, 0, ''); \
                 INSERT INTO coverage (rowid, device_id, record_id, idx, scheme, person_key, \
                   paid_from, paid_until) VALUES \
                   (42, 7, x'ff000000000000000000000000000000', 0, 'voluntary-si', 'p1', '2027-01', '2027-03'), \
                   (43, 7, x'00000000000000000000000000000001', 0, 'household-bhyt', 'p2', '2027-01', '2027-12'), \
                   (44, 7, x'00000000000000000000000000000001', 1, 'household-bhyt', 'p3', '2027-01', '2027-12'), \
                   (45, 8, x'ff000000000000000000000000000000', 0, 'voluntary-si', 'p1', '2027-02', '2027-02'); \
                 INSERT INTO conflicts (device_id, record_id, sealed_prefix, sealed_len, \
                   sealed_sha256, received_at) \
                   VALUES (7, x'ff000000000000000000000000000000', x'09', 1, randomblob(32), 21); \
                 PRAGMA user_version = 13;",
            )?;
            let before = (dump(&tx, records)?, dump(&tx, coverage)?, dump(&tx, conflicts)?);
            tx.commit()?;
            before
        };
        let s = SqliteStore::open(&path)?;
        let conn = s.conn();
        assert_eq!(
            (dump(&conn, records)?, dump(&conn, coverage)?, dump(&conn, conflicts)?),
            before
        );
        let sql: String = conn.query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'records'",
            [],
            |r| r.get(0),
        )?;
        assert!(!sql.contains("WITHOUT ROWID"), "{sql}");
        // Records stored before version 15 kept no box key: they are opened the long way.
        let keys = dump(&conn, "SELECT wrapped_key FROM records WHERE wrapped_key IS NOT NULL")?;
        assert!(keys.is_empty(), "{keys:?}");
        // Rowids in arrival order.
        let order = dump(&conn, "SELECT received_at FROM records ORDER BY rowid")?;
        assert_eq!(order, [[10], [15], [20]].map(|r| r.map(rusqlite::types::Value::from).to_vec()));
        let indexes = dump(
            &conn,
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records' \
             AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name",
        )?;
        let names: Vec<_> =
            ["records_by_day", "records_by_device", "records_for_list", "records_in_review"]
                .map(|n| vec![rusqlite::types::Value::from(n.to_string())])
                .into();
        assert_eq!(indexes, names);
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        assert_eq!(check, "ok");
        assert!(dump(&conn, "PRAGMA foreign_key_check")?.is_empty());
        // The constraints hold as before: one row per (device, id), ids of 16 bytes, known
        // devices, coverage and conflicts only of held records.
        let refused = |sql: &str| {
            let e = conn.execute_batch(sql).err();
            assert!(
                matches!(&e, Some(rusqlite::Error::SqliteFailure(f, _))
                    if f.code == rusqlite::ErrorCode::ConstraintViolation),
                "{sql}: {e:?}"
            );
        };
        let row = |id: &str, device: u8| {
            format!(
                "INSERT INTO records (record_id, device_id, channel, received_at, sealed, \
                 sealed_sha256, scheme, commune_code, agent_code, collected_at, day, amount, \
                 participants) VALUES ({id}, {device}, 'network', 1, x'01', zeroblob(32), \
                 'voluntary-si', '00004', 'AG1', 1, '2027-01-01', 1, 1)"
            )
        };
        refused(&row("x'ff000000000000000000000000000000'", 7));
        refused(&row("zeroblob(15)", 7));
        refused(&row("zeroblob(16)", 9));
        refused(
            "INSERT INTO coverage (device_id, record_id, idx, scheme, person_key, paid_from, \
             paid_until) VALUES (8, x'00000000000000000000000000000001', 0, 'v', 'p', 'a', 'b')",
        );
        refused(
            "INSERT INTO conflicts (device_id, record_id, sealed_prefix, sealed_len, \
             sealed_sha256, received_at) VALUES (8, zeroblob(16), x'01', 1, zeroblob(32), 1)",
        );
        drop(conn);
        let held = s.record(8, &[0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])?;
        assert_eq!(held.map(|h| (h.received_at, h.sealed)), Some((15, vec![4])));
        Ok(())
    }

    /// The bytes of a hub's database files, as anyone who copies them would have them.
    fn database_bytes(dir: &Path) -> Result<Vec<u8>> {
        let mut all = vec![];
        for name in ["hub.sqlite", "hub.sqlite-wal", "hub.sqlite-shm"] {
            let path = dir.join(name);
            match std::fs::read(&path) {
                Ok(b) => all.extend(b),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(crate::error::io(&path)(e)),
            }
        }
        Ok(all)
    }

    /// A device registered by an older hub kept its own random receipt key in the database;
    /// opened by this hub, the key is wrapped under the master key and its clear bytes leave
    /// every database file, while the device's receipts still verify. The data directory is
    /// then 0700 and the database files 0600, even where the older hub left them readable.
    #[test]
    fn an_older_hubs_receipt_keys_are_wrapped_and_the_files_made_private() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(crate::error::io(Path::new("tmp")))?;
        let dir = tmp.path().join("hub");
        std::fs::create_dir_all(&dir).map_err(crate::error::io(&dir))?;
        let legacy = [0xC3_u8; 32];
        {
            let conn = Connection::open(dir.join("hub.sqlite"))?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            for m in &MIGRATIONS[..4] {
                conn.execute_batch(m)?;
            }
            conn.pragma_update(None, "user_version", 4)?;
            conn.execute(
                "INSERT INTO devices (id, label, public_key, receipt_key, registered_at) \
                 VALUES (3, 'x', ?1, ?2, 1)",
                params![&[1u8; 32][..], &legacy[..]],
            )?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let open = std::fs::Permissions::from_mode(0o644);
            std::fs::set_permissions(dir.join("hub.sqlite"), open)
                .map_err(crate::error::io(&dir))?;
        }
        let bytes = database_bytes(&dir)?;
        assert!(bytes.windows(32).any(|w| w == legacy), "the older hub's key is in clear");

        let (hub, _) = crate::open(&dir)?;
        let fields = ansinh_wire::receipt_qr::Fields {
            record_id: [0x5A; 16],
            receipt_no: 12,
            amount: 924_000,
            device_id: 3,
        };
        let payload = ansinh_wire::receipt_qr::payload(&fields, &legacy)
            .map_err(|e| Error::Invalid(e.to_string()))?;
        let check = hub.verify_receipt(&payload)?;
        assert_eq!((check.receipt_no, check.held), (12, false), "genuine, not received yet");
        drop(hub);
        let bytes = database_bytes(&dir)?;
        assert!(!bytes.windows(32).any(|w| w == legacy), "a clear receipt key is left");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| -> Result<u32> {
                Ok(std::fs::metadata(p).map_err(crate::error::io(p))?.permissions().mode() & 0o777)
            };
            assert_eq!(mode(&dir)?, 0o700);
            let (again, _) = crate::open(&dir)?;
            for name in ["hub.sqlite", "hub.sqlite-wal", "hub.sqlite-shm"] {
                assert_eq!(mode(&dir.join(name))?, 0o600, "{name}");
            }
            drop(again);
        }
        // The master key is in the backup message, and a hub whose master key is lost refuses
        // to make a new one under its devices.
        let files = crate::KeyFiles::in_dir(&dir);
        assert!(files.first_start_message().contains("receipt-master.key"));
        std::fs::remove_file(&files.receipt_master).map_err(crate::error::io(&dir))?;
        let e = crate::open(&dir).err();
        assert!(
            matches!(&e, Some(Error::Key { path, .. }) if *path == files.receipt_master),
            "{e:?}"
        );
        Ok(())
    }
}
