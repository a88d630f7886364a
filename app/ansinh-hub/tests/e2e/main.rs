//! The hub from outside, with real devices on loopback: the tests that run the `ansinh-hub`
//! binary, which Cargo builds for this package's tests only (`CARGO_BIN_EXE_ansinh-hub`), and
//! the check of its manifest. One test binary.
//!
//! - `commands`: the command as staff script it (tokens, first start and SIGTERM, a list
//!   exported to a file).
//! - `usb`: carry-out bundles with the real `ansinh-hub import` command.
//! - `double_payments`: the same person paying twice, at two devices or one: listed on the
//!   dashboard, in the CSV export and by the command, both records kept.
//! - `plain_http`: plain HTTP on a non-loopback address only behind a TLS proxy.
//! - `dependencies`: the hub's workspace dependencies, and nothing it links on the device's
//!   side.
//!
//! The rest of the end-to-end suite (device outbox → uploader → hub through a faulty network,
//! pricing, refusals, attacks, reports and the dashboard) is in ansinh-tests,
//! `tests/end_to_end/`, whose support module this binary shares.

mod commands;
mod dependencies;
mod double_payments;
mod plain_http;
// Each binary uses its own part of the shared support.
#[allow(dead_code)]
#[path = "../../../../tests/end_to_end/support.rs"]
mod support;
mod usb;
