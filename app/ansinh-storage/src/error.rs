//! The one error type of the storage routines.

/// Why a database could not be opened. The durable file writes return [`std::io::Error`].
///
/// Callers keep their own classes (busy, disk full, damaged): [`Error::Sqlite`] carries
/// SQLite's own error, whose code says which. Not `non_exhaustive`: a new way to fail must be
/// classed by every caller, so their matches stop compiling until it is.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database was written by a newer version of the program.
    #[error(
        "the database has schema version {found}, newer than this program's {supported}: update ansinh, do not downgrade"
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
    /// SQLite failed (busy, disk full, not a database, ...).
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Result with the storage error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
