//! # ansinh-receipt: cash receipts and shift reports for thermal printers
//!
//! One responsibility: draw what the citizen takes home (and what the agent hands in with the
//! cash) as a 1-bit picture for 58 mm (384 dots) and 80 mm (576 dots) paper. Cheap thermal
//! printers cannot print Vietnamese through their code pages, so everything, text included, is
//! drawn here and printed as a raster image (`ansinh-escpos` sends it).
//!
//! - [`draw_receipt`] / [`draw_shift_report`] onto any embedded-graphics `DrawTarget` with
//!   `BinaryColor` (a printer buffer on a microcontroller, or [`Bitmap`] with `std`);
//!   [`receipt_height`] / [`shift_report_height`] size the buffer first.
//! - Text comes from 1-bit glyph atlases that `build.rs` rasterises at build time from the
//!   embedded Noto Sans (`ansinh-fonts`): see [`font`].
//! - The QR code holds the record id, receipt number, amount and device with a MAC the
//!   collection server verifies (on a registered device, as a link to the server's public
//!   receipt page); that text is the protocol's (`ansinh_wire::receipt_qr`, made by the
//!   device) and comes here as text, drawn by [`qr::Symbol`].
//!
//! Layering: `#![no_std]` without an allocator; depends on `ansinh-core` (amounts in figures
//! and words), embedded-graphics, heapless and qrcodegen-no-heap (its tests also on
//! `ansinh-wire`, for real payloads). No I/O, clock or randomness: the caller gives the date
//! and time as text.
#![no_std]

#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "std")]
mod bitmap;
pub mod font;
mod layout;
pub mod qr;

#[cfg(feature = "std")]
pub use bitmap::{Bitmap, receipt_png, render_receipt, render_shift_report, shift_report_png};
pub use layout::{
    Receipt, ReportLine, Scheme, ShiftReport, VoidLine, Width, draw_receipt, draw_shift_report,
    mask_id, receipt_height, shift_report_height,
};

/// Why a receipt cannot be drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The payload does not fit the largest QR code drawn.
    #[error("the receipt code is too long")]
    TooLong,
    /// The picture could not be encoded (PNG).
    #[error("the receipt picture could not be encoded")]
    Encode,
}

impl Error {
    /// Retrying cannot help either: the input must change.
    pub fn is_retryable(&self) -> bool {
        false
    }
}
