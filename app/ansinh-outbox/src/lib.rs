//! # ansinh-outbox: every enrollment committed durably at the counter
//!
//! A citizen who paid and got a receipt must never be lost, whatever happens to power, disk or
//! software, and never enrolled twice. This crate is the device's outbox:
//!
//! - [`open_database`] opens the outbox's SQLite file (WAL, `synchronous=FULL`, foreign keys
//!   and secure delete) through the one open routine, `ansinh_storage::open_sqlite`: pragmas
//!   set and each read back; migrations by `user_version` in one transaction; a newer schema
//!   refused.
//! - [`Outbox::enqueue`] commits in one transaction the record (sealed to the collection
//!   server's key with `ansinh_wire::SealingKey`), its gapless receipt number, the cash journal line and
//!   an audit entry, and returns only once the commit is durable (WAL, `synchronous=FULL`).
//!   Its statements are prepared once per connection, and the WAL checkpoint is not its
//!   business: the sender runs [`Outbox::checkpoint_if_due`] at idle, after each sync (SQLite's
//!   own checkpoint inside a commit remains, past 1000 pages, for an outbox nobody syncs).
//! - Delivery states `queued → sending → acknowledged`, or `quarantined` with a reason
//!   (visible, retryable, exportable, never deleted); `voided` by staff before upload only;
//!   purge of personal data after a retention, leaving a non-personal audit line; acknowledged
//!   records not yet purged go back to the queue when the server says it was restored from a
//!   backup ([`Outbox::requeue_acknowledged`]).
//! - One process at a time sends ([`Sender`], from [`Outbox::take_sender`]): it alone claims
//!   batches, and it puts back in the queue, once when it takes the role, the records a dead
//!   sender left `sending`. Opening the outbox elsewhere (`ansinh queue` while the kiosk
//!   uploads) never touches them.
//! - Only a non-personal [`Summary`] is kept in clear (masked name, amounts, scheme, mode),
//!   and whom a record pays for and which months ([`Payment`]): the person as a keyed
//!   [`Pseudonym`] the device makes, never the ID, so [`Outbox::overlapping_payments`] finds an
//!   earlier payment of the same person for the same months. Voided records do not count;
//!   purge removes the pseudonyms with the rest of the personal data.
//!
//! - Staff accounts ([`Account`]: code, name, [`Role`], PIN hash, [`LockState`]) live here,
//!   so a PIN lockout survives restarts and power cuts; each change commits with its entry
//!   of the audit trail.
//! - The audit trail is append-only (SQLite triggers refuse changes) and hash-chained
//!   (`ansinh_wire::AuditEntry`): every entry names the agent acting ([`Outbox::act_as`]),
//!   [`Outbox::verify`] names the first broken link, and [`Outbox::audit_entries`] hands the
//!   entries to the uploader.
//! - The latest trustworthy time the device has seen ([`TimeEvidence`]): each commit's time,
//!   the server time of each verified acknowledgement ([`Outbox::note_server_time`]), a
//!   clerk's audited confirmation ([`Outbox::confirm_time`]); the device judges its clock by it.
//!
//! The outbox knows nothing of the domain: it stores sealed bytes and a summary. Time is
//! passed in. Nothing here logs.
//!
//! May depend on: ansinh-storage (the SQLite open routine), ansinh-wire (sealing), rusqlite
//! (bundled SQLite), sha2, rand_core, zeroize, hex, thiserror.

mod error;
mod open;
mod outbox;
mod sender;
mod staff;
mod time;

pub use error::{Error, Result};
pub use open::{SCHEMA_VERSION, open_database};
pub use outbox::{
    AuditLine, CHECKPOINT_PAGES, Committed, EarlierPayment, JournalEntry, NewRecord, Outbox,
    Outgoing, Payment, Pseudonym, RecordId, Row, State, Stats, Summary, Timestamp, VerifyReport,
    new_record_id,
};
pub use sender::Sender;
pub use staff::{Account, LockState, Role};
pub use time::{TimeEvidence, TimeReference};
