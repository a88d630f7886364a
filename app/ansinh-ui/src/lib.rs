//! # ansinh-ui: the kiosk's screens
//!
//! Only `.slint` files (in `ui/`) and this module, which includes the code Slint generates from
//! them. Layout and look live here; behaviour lives in `ansinh-kiosk`, which talks to the
//! screens only through the exported `XxxAdapter` globals (one per page).
#![allow(missing_docs, unreachable_pub, clippy::all, clippy::pedantic)]
slint::include_modules!();
