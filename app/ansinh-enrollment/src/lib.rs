//! # ansinh-enrollment: the enrollment records taken at the counter
//!
//! - [`record`]: the TK1-TS declaration (Part I), voluntary SI choices, the household
//!   appendix, consent and collection metadata, with every capacity fixed in bytes (sizing in
//!   the module docs); a value that does not fit is a validation problem, never truncated.
//! - [`validate`](mod@validate): from what was typed (a borrowed [`Draft`]) to a normalised [`Enrollment`], or
//!   every [`Problem`] at once, each with its field, a stable code and a message in Vietnamese
//!   and English. Payment rules (income bounds, modes, joining age, back-pay) are checked by
//!   `ansinh-core` on the payment date, through the same request the price is made from.
//! - [`price`](mod@price): the one price of an enrollment, used by the device, the validator
//!   and the collection server alike.
//! - [`envelope`]: the versioned envelope of an enrollment record (postcard), pinned by
//!   golden bytes.
//! - `json` (feature `std`): the documented JSON form (`RECORD-JSON.md`).
//!
//! Layering: `#![no_std]`, no allocation, no I/O, no clock ("today" is a parameter), no
//! randomness (the record id comes with the collection metadata). Depends on ansinh-core,
//! ansinh-geo, heapless, serde, postcard and thiserror; Vietnamese NFC composition is done
//! in [`text`] without an allocator, so the crate links into firmware that has none.
#![cfg_attr(not(any(test, feature = "std")), no_std)]
// Records have fixed capacities and live on the stack or in a static buffer: they are large by
// design, and boxing them needs an allocator that the microcontroller build does not have.
#![allow(clippy::large_enum_variant, clippy::result_large_err)]

pub mod envelope;
#[cfg(feature = "std")]
pub mod json;
pub mod price;
pub mod problem;
pub mod record;
pub mod text;
pub mod validate;

pub use problem::{Code, Problem, Problems};
pub use record::{Collection, Enrollment, Record};
pub use validate::{Draft, validate};
