//! # ansinh-core: the domain core
//!
//! Everything ansinh says about money comes from here, exact to the đồng:
//! - [`quote`]: what a person pays for voluntary social insurance on a payment date — monthly,
//!   every 3/6/12 months, several years in advance (discounted) or the missing months at
//!   retirement (compounded) — with national and provincial support;
//! - [`retirement`] and [`pension`]: retirement age and month, pension estimate, and what to do
//!   when short of 15 years (back-pay, paying on, the monthly allowance, the one-time amount);
//! - [`projection`]: future monthly payments month by month (floor, ceiling and support of
//!   each month), used by the pension estimate and the comparison of ways to pay;
//! - [`compare`]: two ways of paying side by side (two incomes, or 15 against 20 years);
//! - [`bhyt`]: household health insurance premiums;
//! - [`benefits`]: maternity, funeral and social pension amounts;
//! - [`scheme`]: the two schemes, their codes and names.
//!
//! Every figure is read from a dated, cited [`PolicyTable`] (crate `ansinh-policy`); every
//! result carries the [`cite::Citations`] it rests on and an `estimate` flag when any of them
//! is unverified. The table in `policy/policy.toml` is compiled in at build time
//! ([`default_table`]).
//!
//! Money is integer đồng ([`Dong`]); the rounding rules are listed in [`money`].
//!
//! Layering: `#![no_std]`, no allocation, no I/O, no clock, no randomness: "today" is always a
//! parameter. Depends on `ansinh-policy`, serde, heapless and thiserror only.
//!
//! ```
//! use ansinh_core::{default_table, quote::{quote, Mode, QuoteRequest}, person::Group};
//! let table = default_table();
//! let on = "2026-11-22".parse().unwrap();
//! let q = quote(&table, &QuoteRequest::new(on, 1_500_000, Group::Poor, Mode::Periodic(1))).unwrap();
//! assert_eq!((q.gross, q.support_national, q.net), (330_000, 165_000, 165_000));
//! ```
#![cfg_attr(not(any(test, feature = "std")), no_std)]

pub mod benefits;
pub mod bhyt;
pub mod cite;
pub mod compare;
mod error;
pub mod money;
pub mod pension;
pub mod person;
pub mod projection;
pub mod quote;
pub mod retirement;
pub mod scheme;

pub use ansinh_policy::{self as policy, BasisPoints, Date, Dong, Month, PolicyTable, Status};
pub use error::{Error, Message};
pub use money::Lang;

/// The policy table compiled from `policy/policy.toml` at build time (postcard bytes).
pub static DEFAULT_TABLE_BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/policy.bin"));

/// Earlier published tables (`policy/history/*.toml`, postcard bytes), oldest name first.
pub static HISTORY_TABLE_BYTES: &[&[u8]] = include!(concat!(env!("OUT_DIR"), "/history.rs"));

/// The built-in policy table.
pub fn default_table() -> PolicyTable<'static> {
    // The build script validated these very bytes with the same code, so decoding cannot fail.
    PolicyTable::from_bytes(DEFAULT_TABLE_BYTES)
        .unwrap_or_else(|e| unreachable!("built-in policy table rejected: {e}"))
}

/// Whether amounts worked out on `day` with `table` rest on parameters the table confirms:
/// false past its `valid_until`, when every amount must be shown as an estimate (a rule may
/// have changed that the table does not know of).
pub fn table_known_on(table: &PolicyTable<'_>, day: Date) -> bool {
    day <= table.valid_until
}

/// The built-in table with this version, the current one or an earlier published one: a record
/// names the table that priced it, and is checked with exactly that table.
pub fn known_table(version: &str) -> Option<PolicyTable<'static>> {
    core::iter::once(DEFAULT_TABLE_BYTES)
        .chain(HISTORY_TABLE_BYTES.iter().copied())
        .filter_map(|b| PolicyTable::from_bytes(b).ok())
        .find(|t| t.version == version)
}
