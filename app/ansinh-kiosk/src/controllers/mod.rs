//! Controllers: the behaviour of each screen, over the core and the stores, tested without a
//! window. Each takes `today` (and the language) as parameters and returns a plain view; the
//! app ([`crate::app`]) only composes them and routes between them.
pub mod battery;
pub mod benefits;
pub mod enroll;
pub mod household;
pub mod keyboard;
pub mod pension;
pub mod picker;
pub mod printing;
pub mod quote;
pub mod read_aloud;
pub mod repeat;
pub mod scenarios;
pub mod staff;
pub mod update;
