//! The policy rules as the reference states them: one test binary.
//!
//! - `worked_examples`: the worked examples of the policy reference (§7), and both sides of
//!   every rule change the counter will meet.
//! - `rounding`: one test per rounding rule of `ansinh_core::money` the examples do not pin.
//! - `properties`: what must hold for every quote (property tests).
//! - `every_citizen`: an answer for every citizen at the counter, in sweeps over every birth
//!   month, payment date, mode and group.
//! - `table_validation`: the policy table refuses a gap, an overlap, a missing parameter, an
//!   entry with no source or an implausible value; an edited table loads at run time.

mod every_citizen;
mod properties;
mod rounding;
mod table_validation;
mod worked_examples;
