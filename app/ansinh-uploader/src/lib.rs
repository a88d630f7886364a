//! # ansinh-uploader: the device's side of delivery to the collection server
//!
//! Enrollments count once the social insurance office has them. This crate moves the sealed
//! records of the device's outbox to the collection server (`ansinh-hub`) so that each is held
//! there exactly once, over a bad network or on a USB stick:
//!
//! - [`sync_once`] takes the outbox's sender role (one process at a time sends; records a dead
//!   sender left `sending` go back to the queue), claims batches from the outbox (by bytes), signs them with a new persisted
//!   counter, sends them through a [`Transport`] and applies the verdict of the sans-I/O core
//!   ([`plan`]): acknowledged records are marked and never sent again; a retryable failure puts
//!   the records back with exponential backoff and jitter; a permanent one quarantines the
//!   record concerned (conflict, rejection) or, when the device itself is refused, blocks and
//!   tells staff. No "resend" exists: the outbox state decides what is sent.
//! - A sync a person asks for ([`sync_now_once`], [`sync`]: `ansinh sync`, the staff screen's
//!   "sync now") sends every queued record at once, whatever its back-off; the background loop
//!   keeps the back-off but [`probe`]s the server cheaply meanwhile and sends as soon as it
//!   answers.
//! - [`export_bundle`] / [`import_ack`]: USB carry-out of the unsent records and the server's
//!   signed acknowledgement file; either takes a folder (the stick) instead of a file.
//! - The outbox's audit entries the server does not hold yet go with each batch and bundle
//!   (staff actions on their own when no record waits); the acknowledgement's `audit_through`
//!   says where the next ones start.
//! - The server's epoch in each verified acknowledgement is kept; a new one (its database was
//!   restored from a backup) puts every acknowledged record not yet purged back in the queue,
//!   to be sent again: nothing the device still holds is lost to a restore.
//! - The server's signed time in each verified acknowledgement is kept in the outbox
//!   (`Outbox::note_server_time`), by which the device judges its clock (a network answer is
//!   also the reference for the time elapsed since; a USB one only a lower bound).
//! - [`send_health`]: the device's signed health report (`ansinh_wire::health`), once per
//!   sync round over HTTP, even with nothing to send, and beside each USB export as
//!   `NAME.health`; the hub's signed time in its answer is kept like an acknowledgement's.
//! - After a sync round that reached the hub (and every few hours from the background loop),
//!   one request for the hub's newest policy table, installed when it is newer and genuine
//!   ([`policy::fetch_policy`]); never in the way of the records.
//! - After the round's records, a separate low-priority step: the hub's newest software
//!   update, downloaded by ranges into the data directory and resumed after a cut or a
//!   restart, then checked by size and SHA-256 ([`update::fetch_update`]); it yields to a new
//!   record between ranges.
//! - [`register`] with a one-time token that pins the server's keys, [`fetch_renewals`] for
//!   the renewal-due list.
//! - Only `https://` servers with verified certificates ([`check_server_url`], [`ServerTrust`];
//!   plain HTTP to loopback alone, for tests).
//! - [`SyncStatus`] for the staff screen (unsent count, oldest unsent age, last
//!   acknowledgement, alarm after N days without sync), and [`background::run`] for a thread.
//!
//! Time comes from an `ansinh_device::clock::Clock`; HTTP from [`HttpTransport`] (ureq), replaceable by a fake.
//! Nothing here logs; reports carry receipt numbers and reasons, never personal data.
//!
//! May depend on: ansinh-device (the data directory, its registration and keys),
//! ansinh-outbox (the records and the sender role), ansinh-storage (the durable file write),
//! ansinh-wire (the protocol), ed25519-dalek, ureq, serde(_json), rand_core, hex, thiserror.

pub mod background;
mod bundle;
mod error;
mod health;
pub mod plan;
pub mod policy;
mod server;
mod sync;
mod transport;
pub mod update;

pub use bundle::{
    ExportReport, ImportAckReport, export_bundle, export_bundle_at, import_ack, import_ack_at,
};
pub use error::{Error, Result};
pub use health::send_health;
pub use plan::RetryPolicy;
pub use server::{
    RenewalList, cached_renewals, fetch_renewals, fetch_renewals_with, register, register_trusting,
    register_with,
};
pub use sync::{
    Failure, Quarantined, SyncReport, SyncStatus, probe, status_of, sync, sync_now_once, sync_once,
    sync_once_as, sync_status, take_sender,
};
pub use transport::{HttpTransport, Request, ServerTrust, Transport, check_server_url};
