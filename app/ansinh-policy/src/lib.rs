//! # ansinh-policy: the dated, cited policy table
//!
//! Every number ansinh shows (contribution rates, income floor and ceiling, state and provincial
//! support, retirement ages, accrual, CPI coefficients, health insurance premiums, benefits)
//! comes from one [`PolicyTable`]. Each parameter is a gapless [`Series`] of [`Entry`]s with the
//! days it is in force, its legal source and a [`Status`] (verified / secondary / unverified);
//! an unverified parameter makes every result that uses it an estimate.
//!
//! The table's source is a human-editable TOML file. With the `std` feature,
//! [`compile_toml`] parses and validates it into compact postcard bytes; the core crate does
//! this at build time and embeds the bytes, and a device can do it at run time for a policy
//! update. [`PolicyTable::from_bytes`] opens compiled bytes without allocating, so the same
//! table works on a microcontroller.
//!
//! A table names the last day its parameters are confirmed (`valid_until`); published tables
//! replace one another in the order of their versions ([`version_order`]), and [`diff`] says
//! what a new table changed. [`PolicyTable::rules_change`] finds the first day within a
//! payment's months on which the rules that price it differ from those of the payment day (a
//! payment is priced at its day's rules throughout: the screens say so).
//!
//! Layering: `#![no_std]`, no I/O, no clock, no randomness. Depends on serde, postcard,
//! heapless and thiserror only; nothing from the workspace.
//!
//! ```
//! # #[cfg(feature = "std")] {
//! use ansinh_policy::{compile_toml, PolicyTable};
//! let broken = "version = \"x\"";
//! assert!(compile_toml(broken).unwrap_err().to_string().contains("missing field"));
//! # }
//! ```
#![cfg_attr(not(any(test, feature = "std")), no_std)]

pub mod date;
mod error;
#[cfg(feature = "std")]
mod source;
mod table;
mod update;

pub use date::{Date, DateError, Month, VIETNAM_OFFSET_SECS, VietnamTime};
pub use error::TableError;
#[cfg(feature = "std")]
pub use source::compile_toml;
pub use table::*;
pub use update::{Change, ChangeKind, diff, is_orderable, version_order};
