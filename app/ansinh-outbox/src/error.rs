//! The one error type of the outbox, each failure classed retryable or permanent.

use rusqlite::ErrorCode;

/// Why an outbox operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The disk (or the database's size limit) is full: nothing was written.
    #[error("the disk is full: the enrollment was not saved; free space and try again")]
    DiskFull,
    /// Another process holds the database longer than the busy timeout.
    #[error("the outbox is busy in another process; try again")]
    Busy,
    /// Another process holds the sender role (the kiosk's delivery, or `ansinh sync`).
    #[error("another process is sending this outbox's records; try again when it is done")]
    SenderBusy,
    /// A sender role taken for another outbox was used for this one.
    #[error("the sender role was taken for another outbox")]
    NotSender,
    /// The database was written by a newer version of ansinh.
    #[error(
        "the outbox database has schema version {found}, newer than this program's {supported}: update ansinh, do not downgrade"
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
    /// The database file is damaged.
    #[error("the outbox database is damaged: {0}")]
    Corrupt(String),
    /// No record with that receipt number or id.
    #[error("no record {0} in the outbox")]
    NotFound(String),
    /// The operation is not allowed in the record's current state.
    #[error("record {receipt_no} is {state}: {action} is not allowed")]
    WrongState {
        /// Receipt number.
        receipt_no: i64,
        /// Current state.
        state: String,
        /// What was attempted.
        action: &'static str,
    },
    /// An account with that code is already on the device.
    #[error("an account {0} already exists on this device")]
    AccountExists(String),
    /// A void or quarantine without a reason.
    #[error("a reason is required")]
    ReasonRequired,
    /// The record could not be built (validation or encoding failed before any write).
    #[error("the record could not be prepared: {0}")]
    Build(String),
    /// Sealing or opening a sealed record failed.
    #[error(transparent)]
    Seal(#[from] ansinh_wire::Error),
    /// Any other database failure.
    #[error("database: {0}")]
    Sqlite(rusqlite::Error),
    /// File system failure.
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// Whether the same call may succeed later without a change to the input or the program.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::DiskFull | Error::Busy | Error::SenderBusy | Error::Io(_))
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
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

impl From<ansinh_storage::Error> for Error {
    fn from(e: ansinh_storage::Error) -> Self {
        use ansinh_storage::Error as Open;
        match e {
            Open::SchemaTooNew { found, supported } => Error::SchemaTooNew { found, supported },
            Open::PragmaMismatch { pragma, found, expected } => {
                Error::PragmaMismatch { pragma, found, expected }
            }
            // Classed like every other SQLite failure of the outbox (busy, disk full, damaged).
            Open::Sqlite(e) => Error::from(e),
        }
    }
}

/// Result with the outbox error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
