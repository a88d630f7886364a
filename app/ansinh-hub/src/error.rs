//! The one error type of the hub library, each failure classed retryable or permanent.
//!
//! These are the server's own failures. What a client is told is decided in `http.rs`: a
//! refusal code from the protocol, or a generic `internal` without any of this detail.

use std::path::PathBuf;

/// Why a hub operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database file was written by a newer version of ansinh-hub.
    #[error(
        "the hub database has schema version {found}, newer than this program's {supported}: update ansinh-hub, do not downgrade"
    )]
    SchemaTooNew {
        /// Version found in the file.
        found: i64,
        /// Newest version this program knows.
        supported: i64,
    },
    /// A pragma did not take the value it must have (durability cannot be promised).
    #[error("database setting {pragma} is {found}, expected {expected}")]
    PragmaMismatch {
        /// Pragma name.
        pragma: &'static str,
        /// Value read back.
        found: String,
        /// Value required.
        expected: &'static str,
    },
    /// The database is busy longer than the busy timeout (another process holds it).
    #[error("the hub database is busy; try again")]
    Busy,
    /// The disk is full.
    #[error("the disk is full")]
    DiskFull,
    /// The database file is damaged, or holds a value this program cannot read.
    #[error("the hub database is damaged: {0}")]
    Corrupt(String),
    /// Any other database failure.
    #[error("database: {0}")]
    Sqlite(rusqlite::Error),
    /// A PostgreSQL failure other than those above (a refused statement, a lost connection).
    #[error("database: {0}")]
    Postgres(tokio_postgres::Error),
    /// The PostgreSQL server cannot be reached now (no connection could be made or freed in
    /// time).
    #[error("the hub database cannot be reached: {0}")]
    Unavailable(String),
    /// A key file is missing, unreadable or damaged.
    #[error("{path}: {what}")]
    Key {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// A bundle file failed the protocol checks (damaged, forged, unknown or revoked device).
    #[error("bundle refused: {0}")]
    Bundle(String),
    /// An argument is not acceptable (an unknown commune code, a bad period, ...).
    #[error("{0}")]
    Invalid(String),
    /// Writing an export failed.
    #[error("export: {0}")]
    Export(String),
    /// Plain HTTP on an address other machines reach, with no TLS reverse proxy said to be in
    /// front.
    #[error(
        "refusing to serve plain HTTP on {0}, which is not a loopback address: registration keys and personal data would cross the network unencrypted. Listen on 127.0.0.1 (the default), or put a TLS reverse proxy in front and pass --behind-tls-proxy"
    )]
    PlainHttp(std::net::SocketAddr),
}

impl Error {
    /// Whether the same call may succeed later without a change to the input or the program.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Busy | Error::DiskFull | Error::Io { .. } | Error::Unavailable(_) => true,
            // The connection broke (the server restarted, the network failed).
            Error::Postgres(e) => e.is_closed(),
            _ => false,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => Error::DiskFull,
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Busy,
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                Error::Corrupt(e.to_string())
            }
            _ => Error::Sqlite(e),
        }
    }
}

impl From<tokio_postgres::Error> for Error {
    fn from(e: tokio_postgres::Error) -> Self {
        use tokio_postgres::error::SqlState;
        match e.code() {
            Some(c) if *c == SqlState::DISK_FULL => Error::DiskFull,
            // Another transaction won: the same call may succeed now.
            Some(c)
                if *c == SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == SqlState::T_R_DEADLOCK_DETECTED
                    || *c == SqlState::LOCK_NOT_AVAILABLE
                    || *c == SqlState::CANNOT_CONNECT_NOW
                    || *c == SqlState::TOO_MANY_CONNECTIONS =>
            {
                Error::Busy
            }
            Some(c) if *c == SqlState::DATA_CORRUPTED || *c == SqlState::INDEX_CORRUPTED => {
                Error::Corrupt(e.to_string())
            }
            _ => Error::Postgres(e),
        }
    }
}

/// Result with the hub error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_path_buf(), source }
}
