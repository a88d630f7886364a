//! The outbox from outside: one test binary, which also runs the crate's helper binaries
//! (`outbox-stress`, `outbox-sender`).
//!
//! - `records`: the outbox as the counter and the uploader use it: enqueue, states, voids,
//!   corrections, quarantine, purge, statistics, a full disk, no personal data in clear.
//! - `crash`: a child process killed with SIGKILL at random moments while it enqueues; the
//!   database stays whole and gapless.
//! - `sender`: the sender role held by another process, and taken back once it is killed.
//! - `staff`: staff accounts and their lockout across a reopen, the hash-chained audit trail.

mod crash;
mod records;
mod sender;
mod staff;
