//! The one routine that opens an SQLite database, used by the outbox and by the collection
//! server's store ([`open_sqlite`], each with its own pragmas and migrations).
//!
//! Order matters: pragmas first and outside any transaction (WAL cannot be switched inside
//! one), each read back, because SQLite ignores an unknown or refused pragma silently; then
//! the migrations by `user_version`, all in one exclusive transaction; a newer schema is refused.

use std::path::Path;
use std::time::Duration;

use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::error::{Error, Result};

/// A pragma [`open_sqlite`] sets, then reads back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pragma {
    /// Its name, e.g. `synchronous`.
    pub name: &'static str,
    /// The value set, e.g. `FULL`.
    pub value: &'static str,
    /// What reading it back must give, in lower case (`synchronous=FULL` reads back as `2`).
    pub expect: &'static str,
}

/// What [`open_sqlite`] needs to open one kind of database.
#[derive(Clone, Copy, Debug)]
pub struct Database<'a> {
    /// Set in this order, each read back.
    pub pragmas: &'a [Pragma],
    /// Migration `i` brings the schema from version `i` to `i + 1`; the newest version is
    /// their number.
    pub migrations: &'a [&'a str],
    /// How long a writer waits for another before giving up with [`Error::Busy`].
    pub busy_timeout: Duration,
}

/// Schema migrations; migration `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // v1: records with their non-personal summary, the cash journal, the audit trail.
    r"
    CREATE TABLE records (
        receipt_no       INTEGER PRIMARY KEY,
        record_id        BLOB NOT NULL UNIQUE CHECK (length(record_id) = 16),
        state            TEXT NOT NULL CHECK (state IN
                            ('queued', 'sending', 'acknowledged', 'quarantined', 'voided')),
        scheme           TEXT NOT NULL,
        mode             TEXT NOT NULL,
        amount           INTEGER NOT NULL CHECK (amount >= 0),
        gross            INTEGER NOT NULL CHECK (gross >= 0),
        support_national INTEGER NOT NULL CHECK (support_national >= 0),
        support_local    INTEGER NOT NULL CHECK (support_local >= 0),
        masked_name      TEXT,
        policy_version   TEXT NOT NULL,
        sealed           BLOB,
        sealed_sha256    BLOB NOT NULL CHECK (length(sealed_sha256) = 32),
        sealed_len       INTEGER NOT NULL,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL,
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  INTEGER NOT NULL DEFAULT 0,
        last_error       TEXT,
        quarantine_reason TEXT,
        void_reason      TEXT,
        acknowledged_at  INTEGER,
        purged_at        INTEGER,
        corrects         BLOB REFERENCES records(record_id),
        CHECK (sealed IS NOT NULL OR purged_at IS NOT NULL)
    );
    CREATE INDEX records_by_state ON records(state, next_attempt_at, receipt_no);
    CREATE TABLE cash_journal (
        id         INTEGER PRIMARY KEY,
        receipt_no INTEGER NOT NULL REFERENCES records(receipt_no),
        kind       TEXT NOT NULL CHECK (kind IN ('collect', 'void')),
        amount     INTEGER NOT NULL CHECK (amount >= 0),
        reason     TEXT,
        at         INTEGER NOT NULL
    );
    CREATE TABLE audit (
        id         INTEGER PRIMARY KEY,
        at         INTEGER NOT NULL,
        event      TEXT NOT NULL,
        receipt_no INTEGER,
        detail     TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    ",
    // v2: what a receipt reprint needs besides the name (the device cannot open its own sealed
    // records): the masked ID, the period paid for, the collection point and the agent.
    r"
    ALTER TABLE records ADD COLUMN masked_id TEXT;
    ALTER TABLE records ADD COLUMN period_from TEXT NOT NULL DEFAULT '';
    ALTER TABLE records ADD COLUMN months INTEGER NOT NULL DEFAULT 0 CHECK (months >= 0);
    ALTER TABLE records ADD COLUMN collection_point TEXT NOT NULL DEFAULT '';
    ALTER TABLE records ADD COLUMN agent_code TEXT NOT NULL DEFAULT '';
    ALTER TABLE records ADD COLUMN estimate INTEGER NOT NULL DEFAULT 0 CHECK (estimate IN (0, 1));
    ",
    // v3: who each record pays for and which months, the person as a keyed pseudonym made by
    // the device (never the ID), so a second payment for the same months is noticed at the
    // counter. Records committed before have none: their IDs are sealed, out of reach.
    r"
    CREATE TABLE payments (
        receipt_no  INTEGER NOT NULL REFERENCES records(receipt_no),
        idx         INTEGER NOT NULL CHECK (idx >= 0),
        person      BLOB NOT NULL CHECK (length(person) = 32),
        scheme      TEXT NOT NULL,
        first_month INTEGER NOT NULL CHECK (first_month >= 0),
        months      INTEGER NOT NULL CHECK (months > 0),
        PRIMARY KEY (receipt_no, idx)
    ) WITHOUT ROWID;
    CREATE INDEX payments_by_person ON payments(person, scheme, first_month);
    ",
];

/// The newest schema version this program writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The outbox's pragmas.
const PRAGMAS: &[Pragma] = &[
    // WAL: readers (staff screens) never block the counter's writes.
    Pragma { name: "journal_mode", value: "WAL", expect: "wal" },
    // FULL: a commit is on the disk when it returns; a receipt may only be printed after that.
    Pragma { name: "synchronous", value: "FULL", expect: "2" },
    Pragma { name: "foreign_keys", value: "ON", expect: "1" },
    // Deleted personal data must not linger in free pages.
    Pragma { name: "secure_delete", value: "ON", expect: "1" },
    // A checkpoint inside a commit once the WAL holds this many pages (SQLite's default, 4 MiB),
    // only as a safety valve: the sender checkpoints at idle well before
    // ([`crate::Outbox::checkpoint_if_due`]), so this catches an outbox nobody syncs.
    Pragma { name: "wal_autocheckpoint", value: "1000", expect: "1000" },
];

/// The outbox database.
const OUTBOX: Database<'static> =
    Database { pragmas: PRAGMAS, migrations: MIGRATIONS, busy_timeout: Duration::from_secs(5) };

/// Opens (creating if needed) the outbox database at `path`, sets and checks the pragmas, and
/// brings the schema up to date.
pub fn open_database(path: &Path) -> Result<Connection> {
    open_sqlite(path, &OUTBOX)
}

/// Opens (creating if needed) the SQLite database at `path`: sets each of `db.pragmas` and
/// reads it back ([`Error::PragmaMismatch`] when it did not take), then runs the migrations
/// the file has not had, all in one exclusive transaction. A schema newer than the newest
/// migration is refused with [`Error::SchemaTooNew`]: an older program must not write it.
pub fn open_sqlite(path: &Path, db: &Database<'_>) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(db.busy_timeout)?;
    for pragma in db.pragmas {
        set(&conn, pragma)?;
    }
    migrate(&mut conn, db.migrations)?;
    Ok(conn)
}

fn set(conn: &Connection, pragma: &Pragma) -> Result<()> {
    // Some pragmas answer a row when set (journal_mode), others none: step through either.
    let mut stmt = conn.prepare(&format!("PRAGMA {} = {}", pragma.name, pragma.value))?;
    let mut rows = stmt.query([])?;
    while rows.next()?.is_some() {}
    let value =
        conn.pragma_query_value(None, pragma.name, |row| row.get::<_, Value>(0)).optional()?;
    let found = match value {
        Some(Value::Integer(i)) => i.to_string(),
        Some(Value::Text(t)) => t.to_ascii_lowercase(),
        Some(other) => format!("{other:?}"),
        // An unknown (misspelt) pragma: SQLite ignored it and has nothing to read back.
        None => "nothing".to_string(),
    };
    if found == pragma.expect {
        Ok(())
    } else {
        Err(Error::PragmaMismatch { pragma: pragma.name, found, expected: pragma.expect })
    }
}

fn migrate(conn: &mut Connection, migrations: &[&str]) -> Result<()> {
    let newest = i64::try_from(migrations.len()).unwrap_or(i64::MAX);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    let version: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > newest {
        return Err(Error::SchemaTooNew { found: version, supported: newest });
    }
    for (i, sql) in migrations.iter().enumerate().skip(usize::try_from(version).unwrap_or(0)) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUSY: Duration = Duration::from_secs(1);

    #[test]
    fn creates_and_reads_back_the_pragmas() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("outbox.sqlite");
        let conn = open_database(&path)?;
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        assert_eq!(v, SCHEMA_VERSION);
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        assert_eq!(mode, "wal");
        let (sync, checkpoint): (i64, i64) = (
            conn.pragma_query_value(None, "synchronous", |r| r.get(0))?,
            conn.pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))?,
        );
        assert_eq!((sync, checkpoint), (2, 1000), "FULL; checkpoints in a commit only past 4 MiB");
        drop(conn);
        // Opening again is a no-op migration.
        let conn = open_database(&path)?;
        let n: i64 = conn.query_row("SELECT count(*) FROM records", [], |r| r.get(0))?;
        assert_eq!(n, 0);
        Ok(())
    }

    #[test]
    fn a_version_1_outbox_upgrades_and_keeps_its_records() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("outbox.sqlite");
        {
            // An outbox as the first release wrote it, holding one queued record.
            let conn = Connection::open(&path)?;
            conn.execute_batch(MIGRATIONS[0])?;
            conn.pragma_update(None, "user_version", 1)?;
            conn.execute(
                "INSERT INTO records (receipt_no, record_id, state, scheme, mode, amount, gross, \
                 support_national, support_local, masked_name, policy_version, sealed, \
                 sealed_sha256, sealed_len, created_at, updated_at) VALUES (1, zeroblob(16), \
                 'queued', 'voluntary-si', '3', 924000, 1320000, 396000, 0, 'NGUYỄN T**', \
                 'VN-2026-11-22', x'01', zeroblob(32), 1, 0, 0)",
                [],
            )?;
        }
        let conn = open_database(&path)?;
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        assert_eq!(v, SCHEMA_VERSION);
        let (amount, months, point): (i64, i64, String) = conn.query_row(
            "SELECT amount, months, collection_point FROM records WHERE receipt_no = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        assert_eq!((amount, months, point.as_str()), (924_000, 0, ""), "kept, details empty");
        Ok(())
    }

    #[test]
    fn a_version_2_outbox_upgrades_and_keeps_its_records() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("outbox.sqlite");
        {
            // An outbox as the second release wrote it, holding one queued record.
            let conn = Connection::open(&path)?;
            conn.execute_batch(MIGRATIONS[0])?;
            conn.execute_batch(MIGRATIONS[1])?;
            conn.pragma_update(None, "user_version", 2)?;
            conn.execute(
                "INSERT INTO records (receipt_no, record_id, state, scheme, mode, amount, gross, \
                 support_national, support_local, masked_name, policy_version, sealed, \
                 sealed_sha256, sealed_len, created_at, updated_at, masked_id, period_from, \
                 months) VALUES (1, zeroblob(16), 'queued', 'voluntary-si', '3', 330000, \
                 1320000, 396000, 594000, 'NGUYỄN T**', 'VN-2026-11-22', x'01', zeroblob(32), \
                 1, 0, 0, '********2345', '12/2026', 3)",
                [],
            )?;
        }
        let conn = open_database(&path)?;
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        assert_eq!(v, SCHEMA_VERSION);
        let (amount, period, months): (i64, String, i64) = conn.query_row(
            "SELECT amount, period_from, months FROM records WHERE receipt_no = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        assert_eq!((amount, period.as_str(), months), (330_000, "12/2026", 3), "kept as it was");
        let paid: i64 = conn.query_row("SELECT count(*) FROM payments", [], |r| r.get(0))?;
        assert_eq!(paid, 0, "its payer is sealed: nothing to compare with");
        // The old record takes payments like a new one (the table refers to it).
        conn.execute(
            "INSERT INTO payments (receipt_no, idx, person, scheme, first_month, months) \
             VALUES (1, 0, zeroblob(32), 'voluntary-si', 1523, 3)",
            [],
        )?;
        let bad = conn.execute(
            "INSERT INTO payments (receipt_no, idx, person, scheme, first_month, months) \
             VALUES (7, 0, zeroblob(32), 'voluntary-si', 1523, 3)",
            [],
        );
        assert!(bad.is_err(), "a payment of no record is refused");
        Ok(())
    }

    #[test]
    fn refuses_a_newer_schema() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("outbox.sqlite");
        drop(open_database(&path)?);
        let conn = Connection::open(&path)?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)?;
        drop(conn);
        match open_database(&path) {
            Err(Error::SchemaTooNew { found, supported }) => {
                assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
            }
            other => panic!("expected SchemaTooNew, got {other:?}"),
        }
        Ok(())
    }

    #[test]
    fn another_database_has_its_own_pragmas_and_migrations() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("other.sqlite");
        let pragmas = [
            Pragma { name: "journal_mode", value: "WAL", expect: "wal" },
            Pragma { name: "synchronous", value: "NORMAL", expect: "1" },
        ];
        let two = ["CREATE TABLE a (x)", "CREATE TABLE b (y)"];
        let db = Database { pragmas: &pragmas, migrations: &two, busy_timeout: BUSY };
        let conn = open_sqlite(&path, &db)?;
        let sync: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0))?;
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let secure: i64 = conn.pragma_query_value(None, "secure_delete", |r| r.get(0))?;
        assert_eq!((sync, v, secure), (1, 2, 0), "its pragmas, not the outbox's");
        conn.execute("INSERT INTO b (y) VALUES (1)", [])?;
        drop(conn);
        // A program that knows only the first migration must not write the file.
        let older = Database { migrations: &two[..1], ..db };
        match open_sqlite(&path, &older) {
            Err(Error::SchemaTooNew { found: 2, supported: 1 }) => {}
            other => panic!("expected SchemaTooNew, got {:?}", other.map(|_| ())),
        }
        Ok(())
    }

    #[test]
    fn a_pragma_that_does_not_take_is_refused() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("other.sqlite");
        // Misspelt: SQLite ignores it without a word, the read-back does not.
        let pragmas = [Pragma { name: "synchronus", value: "FULL", expect: "2" }];
        let db = Database { pragmas: &pragmas, migrations: &[], busy_timeout: BUSY };
        match open_sqlite(&path, &db) {
            Err(Error::PragmaMismatch { pragma: "synchronus", found, expected: "2" }) => {
                assert_eq!(found, "nothing");
            }
            other => panic!("expected PragmaMismatch, got {:?}", other.map(|_| ())),
        }
        Ok(())
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("outbox.sqlite");
        std::fs::write(&path, b"this is not an SQLite database, it is plain text padding....")?;
        let e = open_database(&path).map(|_| ()).err();
        assert!(matches!(e, Some(Error::Corrupt(_))), "{e:?}");
        Ok(())
    }
}
