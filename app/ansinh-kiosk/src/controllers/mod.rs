//! Controllers: the behaviour of each screen, over the core and the stores, tested without a
//! window. Each takes `today` (and the language) as parameters and returns a plain view.
pub mod benefits;
pub mod enroll;

pub mod household;
pub mod pension;
pub mod quote;
pub mod scenarios;
