//! The one routine that opens an SQLite database ([`open_sqlite`]), used by the device's outbox
//! and by the collection server's store, each with its own pragmas and migrations.
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
    /// How long a writer waits for another before giving up (SQLite's `SQLITE_BUSY`, in
    /// [`Error::Sqlite`]).
    pub busy_timeout: Duration,
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

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn another_database_has_its_own_pragmas_and_migrations() -> TestResult {
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
        assert_eq!((sync, v, secure), (1, 2, 0), "its own pragmas, no others");
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
    fn a_pragma_that_does_not_take_is_refused() -> TestResult {
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
    fn a_failing_migration_leaves_the_file_as_it_was() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("other.sqlite");
        let pragmas = [Pragma { name: "journal_mode", value: "WAL", expect: "wal" }];
        let broken = ["CREATE TABLE a (x)", "CREATE TABLE a (y)"];
        let db = Database { pragmas: &pragmas, migrations: &broken, busy_timeout: BUSY };
        assert!(matches!(open_sqlite(&path, &db), Err(Error::Sqlite(_))));
        // Both migrations run in one transaction: the first is undone with the second.
        let db = Database { migrations: &[], ..db };
        let conn = open_sqlite(&path, &db)?;
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        assert_eq!((v, tables), (0, 0));
        Ok(())
    }
}
