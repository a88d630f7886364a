//! The hub from outside, with real devices on loopback: the tests that run the `ansinh-hub`
//! binary, which Cargo builds for this package's tests only (`CARGO_BIN_EXE_ansinh-hub`), and
//! the check of its manifest. One test binary.
//!
//! - `backup`: a live backup, more records, a restore: the device sends again what the hub
//!   lost, every record held once (on either backend).
//! - `commands`: the command as staff script it (tokens, first start and SIGTERM, a list
//!   exported to a file).
//! - `usb`: carry-out bundles with the real `ansinh-hub import` command.
//! - `double_payments`: the same person paying twice, at two devices or one: listed on the
//!   dashboard, in the CSV export and by the command, both records kept.
//! - `targets`: a plan imported with `ansinh-hub targets import`, records of two years (some
//!   lapsed, some renewed in time, one late): the figures of `progress.json`, the masked
//!   follow-up list and its CSV, the charts in headless Chromium; a bad plan changes nothing
//!   and a new one replaces its month.
//! - `plain_http`: plain HTTP on a non-loopback address only behind a TLS proxy.
//! - `dependencies`: the hub's workspace dependencies, and nothing it links on the device's
//!   side.
//! - `two_hubs`: two `serve` processes on one PostgreSQL database behind a round-robin proxy,
//!   one killed mid-stream: ten devices' 10,000 records each held once.
//! - `updates`: software update bundles published with `ansinh-hub update`, served whole and
//!   by byte ranges.
//!
//! The rest of the end-to-end suite (device outbox → uploader → hub through a faulty network,
//! pricing, refusals, attacks, reports and the dashboard) is in ansinh-tests,
//! `tests/end_to_end/`, whose support module this binary shares.

mod backup;
mod commands;
mod dependencies;
mod double_payments;
mod plain_http;
// Each binary uses its own part of the shared support.
#[allow(dead_code)]
#[path = "../../../../tests/end_to_end/support.rs"]
mod support;
mod targets;
mod two_hubs;
mod updates;
mod usb;

/// The `ansinh-hub` command on the data directory `data`, with the records where the suite
/// keeps them: `hub.sqlite` in it, or with `ANSINH_TEST_BACKEND=postgres` the PostgreSQL
/// database made for it (`ansinh_hub::testing::test_database`, also what a hub started on it
/// by the tests uses).
fn hub_command(data: &std::path::Path) -> support::Res<std::process::Command> {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ansinh-hub"));
    command.arg("--data-dir").arg(data);
    if let Some(url) = ansinh_hub::testing::test_database(data)? {
        command.arg("--database").arg(url);
    }
    Ok(command)
}
