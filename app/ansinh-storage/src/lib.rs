//! # ansinh-storage: files and SQLite databases, written and opened one way
//!
//! A power cut at the counter must never leave a half-written key or a database with the
//! wrong settings. The device, its uploader and the collection server all write files and open
//! databases through the two routines here, so each is done one way everywhere:
//!
//! - [`durable`]: the one durable file write (temporary file, fsync, rename, fsync of the
//!   directory): [`durable::write_private`] (mode 0600) for keys, the registration and lists
//!   holding names; [`durable::write_public`] (through `PATH.part`) for files carried on a USB
//!   stick.
//! - [`open_sqlite`]: the one SQLite open: each pragma of a [`Database`] set and read back,
//!   migrations by `user_version` in one exclusive transaction, a newer schema refused. Each
//!   caller brings its own pragmas and migrations (the outbox, the hub's store).
//!
//! Nothing here knows what is stored. Nothing here logs.
//!
//! May depend on: rusqlite, thiserror, std. Nothing from the workspace.

pub mod durable;
mod error;
mod sqlite;

pub use error::{Error, Result};
pub use sqlite::{Database, Pragma, open_sqlite};
