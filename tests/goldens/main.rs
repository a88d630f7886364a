//! Outputs pinned by the golden files in `tests/golden/`, compared with
//! `ansinh_tests::golden` (`UPDATE_GOLDEN=1` rewrites the ones that changed): one test binary.
//!
//! - `receipts`: receipts and shift reports drawn at both paper widths (`receipts/`, dot for
//!   dot), their QR codes read back and verified, and a receipt through the ESC/POS test
//!   printer.
//! - `shift`: a shift committed through the device's real commit; its report adds up, agrees
//!   with the outbox, and its CSV is `shift/shift.csv`.
//! - `health`: the device's health report and the hub's answer (`wire/health*`, byte for
//!   byte).
//! - `d05_xml`: the D05-TS list as XML from records a hub took in (`exports/d05.xml`), read
//!   back into the same people, amounts and groups.
//! - `envelope`: the enrollment record's versioned envelope (`wire/`, byte for byte; schema
//!   1 still read) and its decoder.
//! - `policy`: the signed policy table message (`wire/policy.signed`, byte for byte).
//! - `update`: the software update offer (`wire/update-offer.bin`, byte for byte).

mod d05_xml;
mod envelope;
mod health;
mod policy;
mod receipts;
mod shift;
mod update;
