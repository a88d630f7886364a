//! Devices, the uploader, the kiosk's delivery and the collection server together, the
//! server on loopback: one test binary.
//!
//! - `audit`: staff actions reach the hub's audit page; a changed entry is refused and
//!   flagged; the hub logs exports and renewal downloads; a version 1 device is told to update.
//! - `clock`: the hub's time arrives in its signed acknowledgement and is kept; a device
//!   clock days behind it stops enrollment until it is set right.
//! - `fleet`: each sync round's signed health report reaches the hub, even with nothing to
//!   send; forged, older and revoked reports are refused; the fleet page in headless
//!   Chromium shows a silent device and one out of paper.
//! - `uploader`: the uploader against an in-memory fake server, every fault on purpose.
//! - `delivery`: device outbox → uploader → hub, through the fault-injecting proxy (1,000
//!   records), across server restarts, with conflicts and rejections.
//! - `kiosk_delivery`: the kiosk's delivery worker registers, sends on submit and brings the
//!   renewal list, as the staff screen shows it.
//! - `policy`: policy tables published on the hub reach devices at the next sync and price
//!   their next enrollment; tampered, older or invalid tables are refused; a power cut in the
//!   switch leaves a valid table; old-table records are still accepted; estimates past
//!   `valid_until` or while the hub has a table the device could not install.
//! - `updates`: a real RAUC bundle published on the hub, downloaded through cut answers and
//!   resumed after a restart, asked to be installed at the kiosk's idle reset and checked with
//!   the real `rauc info`, the restart asked for at the next idle reset.
//! - `pricing`: the device's price and the hub's check agree on fixtures and generated records.
//! - `refusals`: forged, unknown, revoked, replayed, oversized and garbage requests.
//! - `attacks`: what an attacker on the network can try (issue "Trust" 5–7): formulas in
//!   exports, weak keys, probing device ids, overflowing times, slow heads and bodies, too many
//!   connections, a stop with clients in flight, caching and framing of answers.
//! - `https`: one sync over HTTPS with a test certificate authority and a pinned token; the
//!   device refuses foreign certificates, plain HTTP off the machine and keys its token does
//!   not name.
//! - `reports`: D05-TS/D03-TS over HTTP, the dashboard in headless Chromium, renewals, admin
//!   protection.
//! - `receipt_page`: the public page a receipt's QR code opens (received, not yet, forged,
//!   rate-limited), through the router and in headless Chromium at a phone's size.
//!
//! The tests that run the `ansinh-hub` command (tokens, first start and SIGTERM, USB import,
//! exports, double payments, plain HTTP on a public address) stay in ansinh-hub's
//! `tests/e2e/`: Cargo builds a binary for the tests of its own package only. They share
//! `support`.

mod attacks;
mod audit;
mod clock;
mod delivery;
mod fleet;
mod https;
mod kiosk_delivery;
mod policy;
mod pricing;
mod receipt_page;
mod refusals;
mod reports;
mod support;
mod updates;
mod uploader;
