//! The `ansinh` command as users and staff run it: one test binary, which runs the real
//! binary (`CARGO_BIN_EXE_ansinh`, built by Cargo for this package's tests).
//!
//! - `contract`: the JSON contract of each subcommand, exit codes, field-named errors in both
//!   languages, policy tables loaded at run time.
//! - `outbox`: the device commands (validate, enqueue, queue, verify, void, release); no name
//!   or ID in clear on disk.
//! - `printing`: receipts and the shift report to PNG, ESC/POS files and a loopback printer.
//! - `delivery`: a device and a collection server on one machine: register, enqueue, sync,
//!   and the USB route.
//! - `readme`: the README's example commands print what the README shows.
//! - `update`: `ansinh update status` in both languages, `install` refusing another key's
//!   bundle and one not newer (the real `rauc info`), `reboot` with nothing installed.

mod common;
mod contract;
mod delivery;
mod outbox;
mod printing;
mod readme;
mod update;
