//! The outbox database: its schema migrations and pragmas, opened by the one SQLite open
//! routine ([`ansinh_storage::open_sqlite`]).

use std::path::Path;
use std::time::Duration;

use ansinh_storage::{Database, Pragma, open_sqlite};
use rusqlite::Connection;

use crate::error::Result;

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
    // v4: staff accounts with their PIN hash and their lockout (kept here so a restart or a
    // power cut does not lift it), and the audit trail becomes a hash chain: entries from now
    // on get a `seq` (1, 2, ...), the acting agent, the previous entry's hash and their own.
    // Entries written before keep no `seq`: they are outside the chain and never uploaded.
    // The triggers make the trail append-only for every writer of this file.
    r"
    CREATE TABLE staff (
        code         TEXT PRIMARY KEY CHECK (length(code) > 0),
        name         TEXT NOT NULL,
        role         TEXT NOT NULL CHECK (role IN ('agent', 'clerk')),
        pin_hash     TEXT,
        must_change  INTEGER NOT NULL DEFAULT 0 CHECK (must_change IN (0, 1)),
        from_hub     INTEGER NOT NULL DEFAULT 0 CHECK (from_hub IN (0, 1)),
        failures     INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
        locks        INTEGER NOT NULL DEFAULT 0 CHECK (locks >= 0),
        locked_until INTEGER,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL
    ) WITHOUT ROWID;
    ALTER TABLE audit ADD COLUMN seq INTEGER;
    ALTER TABLE audit ADD COLUMN agent_code TEXT NOT NULL DEFAULT '';
    ALTER TABLE audit ADD COLUMN prev_hash BLOB CHECK (prev_hash IS NULL OR length(prev_hash) = 32);
    ALTER TABLE audit ADD COLUMN hash BLOB CHECK (hash IS NULL OR length(hash) = 32);
    CREATE UNIQUE INDEX audit_by_seq ON audit(seq);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
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
    Ok(open_sqlite(path, &OUTBOX)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

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
    fn a_version_3_outbox_upgrades_its_trail_stays_outside_the_chain_and_is_append_only()
    -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("outbox.sqlite");
        {
            let conn = Connection::open(&path)?;
            for m in &MIGRATIONS[..3] {
                conn.execute_batch(m)?;
            }
            conn.pragma_update(None, "user_version", 3)?;
            conn.execute("INSERT INTO audit (at, event, detail) VALUES (5, 'purged', '')", [])?;
        }
        let conn = open_database(&path)?;
        let (seq, agent): (Option<i64>, String) =
            conn.query_row("SELECT seq, agent_code FROM audit", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        assert_eq!((seq, agent.as_str()), (None, ""), "an old entry has no place in the chain");
        assert!(conn.execute("UPDATE audit SET detail = 'x'", []).is_err(), "no update");
        assert!(conn.execute("DELETE FROM audit", []).is_err(), "no delete");
        let n: i64 = conn.query_row("SELECT count(*) FROM staff", [], |r| r.get(0))?;
        assert_eq!(n, 0, "no account until one is made");
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

    /// The outbox rule of software updates (README, "Software updates"): a newer app migrated
    /// the outbox, then the box went back to the older slot, possibly after a power cut that
    /// left the migration in the WAL only. The older app refuses the file and changes nothing
    /// in it: the records wait for a version that reads them.
    #[test]
    fn an_older_app_after_a_rollback_refuses_the_migrated_outbox_even_from_the_wal() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let (live, cut) = (dir.path().join("live.sqlite"), dir.path().join("outbox.sqlite"));
        let newer = open_database(&live)?;
        newer.execute_batch("CREATE TABLE next_release (x INTEGER)")?;
        newer.pragma_update(None, "user_version", SCHEMA_VERSION + 1)?;
        // The power cut: the files as they are on the disk, the newer app still running.
        for (from, to) in [("", ""), ("-wal", "-wal")] {
            let source = dir.path().join(format!("live.sqlite{from}"));
            std::fs::copy(&source, dir.path().join(format!("outbox.sqlite{to}")))?;
        }
        drop(newer);
        assert!(dir.path().join("outbox.sqlite-wal").exists(), "the migration is in the WAL");
        for _ in 0..2 {
            match open_database(&cut) {
                Err(Error::SchemaTooNew { found, supported }) => {
                    assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
                }
                other => panic!("expected SchemaTooNew, got {other:?}"),
            }
        }
        // Untouched: still the newer schema, with what the newer app made.
        let conn = Connection::open(&cut)?;
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let made: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'next_release'",
            [],
            |r| r.get(0),
        )?;
        assert_eq!((v, made), (SCHEMA_VERSION + 1, 1));
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
