//! The one error type of this crate.

use crate::date::Date;

/// Why a policy table cannot be used. Every variant is permanent: the table must be fixed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// A parameter (or the version id) is absent or has no entries.
    #[error("policy table: parameter `{param}` is missing")]
    Missing {
        /// Parameter name.
        param: &'static str,
    },
    /// The first entry starts after the table's `valid_from`.
    #[error("policy table: `{param}` starts on {first} but the table is valid from {start}")]
    StartsLate {
        /// Parameter name.
        param: &'static str,
        /// The table's first day.
        start: Date,
        /// The parameter's first day.
        first: Date,
    },
    /// Days between two entries are covered by neither.
    #[error("policy table: `{param}` has a gap: one entry ends {after}, the next starts {next}")]
    Gap {
        /// Parameter name.
        param: &'static str,
        /// Last day of the earlier entry.
        after: Date,
        /// First day of the later entry.
        next: Date,
    },
    /// Two entries cover the same day.
    #[error(
        "policy table: `{param}` overlaps: an entry starting {from} overlaps the one starting {open_from}"
    )]
    Overlap {
        /// Parameter name.
        param: &'static str,
        /// First day of the later entry.
        from: Date,
        /// First day of the earlier entry that is still in force.
        open_from: Date,
    },
    /// An entry ends before it starts.
    #[error("policy table: `{param}` entry from {from} ends earlier, on {until}")]
    EndsBeforeStart {
        /// Parameter name.
        param: &'static str,
        /// First day.
        from: Date,
        /// Last day.
        until: Date,
    },
    /// The last entry has an end date, so later dates have no rule.
    #[error("policy table: `{param}` ends on {until}; its last entry must be open-ended")]
    NotOpenEnded {
        /// Parameter name.
        param: &'static str,
        /// Last day covered.
        until: Date,
    },
    /// An entry cites no legal source.
    #[error("policy table: `{param}` entry from {from} has no legal source")]
    NoSource {
        /// Parameter name.
        param: &'static str,
        /// First day of the entry.
        from: Date,
    },
    /// An entry without a value does not say why.
    #[error("policy table: `{param}` entry from {from} has no value and no note saying why")]
    AbsentWithoutNote {
        /// Parameter name.
        param: &'static str,
        /// First day of the entry.
        from: Date,
    },
    /// A value is out of its plausible range.
    #[error("policy table: `{param}`: {reason}")]
    InvalidValue {
        /// Parameter name.
        param: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// Two top-ups for the same province.
    #[error("policy table: province {code} has two top-up series")]
    DuplicateProvince {
        /// Province code.
        code: heapless::String<8>,
    },
    /// More entries than a series can hold.
    #[error("policy table: `{param}` has more than {max} entries")]
    TooManyEntries {
        /// Parameter name.
        param: &'static str,
        /// Capacity.
        max: usize,
    },
    /// The compiled bytes exceed [`crate::MAX_ENCODED_BYTES`].
    #[error("policy table: {bytes} bytes is larger than a table may be")]
    TooLarge {
        /// Size given.
        bytes: usize,
    },
    /// The TOML source does not parse, or a field is missing, misspelt or of the wrong type.
    #[cfg(feature = "std")]
    #[error("policy table source: {message}")]
    Syntax {
        /// The parser's message, which names the field and line.
        message: std::string::String,
    },
    /// The compiled bytes do not decode as a table.
    #[error("policy table: the compiled table is corrupt or from another version of ansinh")]
    Corrupt,
}

impl TableError {
    /// A broken table never fixes itself by retrying.
    pub const fn is_retryable(&self) -> bool {
        false
    }
}
