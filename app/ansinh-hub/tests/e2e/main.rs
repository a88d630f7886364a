//! End-to-end tests of the hub with real devices on loopback: one test binary (ripgrep style).
//!
//! - `commands`: the `ansinh-hub` command as staff script it (tokens, import of a folder).
//! - `delivery`: device outbox → uploader → hub, through the fault-injecting proxy (1,000
//!   records), across server restarts, with conflicts and rejections.
//! - `pricing`: the device's price and the hub's check agree on fixtures and generated records.
//! - `refusals`: forged, unknown, revoked, replayed, oversized and garbage requests.
//! - `usb`: carry-out bundles with the real `ansinh-hub import` command.
//! - `reports`: D05-TS/D03-TS, dashboard in headless Chromium, renewals, admin protection,
//!   first start and SIGTERM.
//! - `double_payments`: the same person paying twice, at two devices or one: listed on the
//!   dashboard and in the CSV export, both records kept.
//! - `attacks`: what an attacker on the network can try (issue "Trust" 5–7): formulas in
//!   exports, weak keys, probing device ids, overflowing times, slow heads and bodies, too many
//!   connections, a stop with clients in flight, caching and framing of answers.
//! - `plain_http`: plain HTTP on a non-loopback address only behind a TLS proxy.

mod attacks;
mod commands;
mod delivery;
mod double_payments;
mod plain_http;
mod pricing;
mod refusals;
mod reports;
mod support;
mod usb;
