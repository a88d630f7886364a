//! # ansinh-idcard: the chip citizen ID card's QR code at the counter
//!
//! One responsibility: turning what a card's QR code says into declaration fields, and the
//! readers that deliver that text.
//!
//! - [`card`]: the text (`ID|old ID|name|DDMMYYYY|Nam/Nữ|address|DDMMYYYY`, read tolerantly)
//!   into a typed [`Card`], or [`Error::NotACardCode`] naming the field that is wrong. The code
//!   is not signed: a [`Card`] only pre-fills a form that staff then check field by field.
//! - [`address`]: the card's address, written in the units before the 1 July 2025 reform,
//!   placed on the current map of `ansinh-geo` where the reference data allows.
//! - The readers, each delivering one scan as text: [`serial`] (a 2D scanner in serial mode,
//!   `/dev/ttyACM*`, UTF-8), [`keyboard`] (a scanner in keyboard mode, read from its evdev
//!   device, which loses Vietnamese letters on many models: detected and said) and [`camera`]
//!   (V4L2 frames, decoded with `quircs`); [`readers`] runs the configured ones on threads.
//!
//! Nothing here stores anything: every buffer that held a scan is overwritten once it has been
//! handed on ([`zeroize`]), no frame is written anywhere, and nothing is logged.
//!
//! Layering: depends on `ansinh-core` (dates, sex), `ansinh-enrollment` (the personal-ID rules
//! and the name and free-text rules the record uses), `ansinh-geo` (the maps), `rustix` (the
//! serial line's terminal modes), `linuxvideo` (V4L2) and `quircs` (QR decoding). Used by the
//! kiosk.

pub mod address;
pub mod camera;
pub mod card;
pub mod keyboard;
pub mod readers;
pub mod serial;

pub use card::{Card, Field, parse};

/// Which reader a scan came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// A 2D scanner in serial mode (USB CDC, `/dev/ttyACM*`).
    Serial,
    /// A scanner in keyboard mode (HID, read from `/dev/input/…`).
    Keyboard,
    /// A camera (V4L2, `/dev/video*`).
    Camera,
}

impl Source {
    /// Its key in the configuration (`[scanner]`): `serial`, `keyboard` or `camera`.
    pub const fn key(self) -> &'static str {
        match self {
            Source::Serial => "serial",
            Source::Keyboard => "keyboard",
            Source::Camera => "camera",
        }
    }
}

/// What can go wrong with a scan or a reader.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The text is not a card's QR code: the field named is missing or wrong (`Layout`: not
    /// fields separated by `|` at all). Permanent for this code.
    #[error("not a citizen ID card's QR code ({} is wrong)", .0.as_str())]
    NotACardCode(Field),
    /// The code looks like a card's, but its accented letters did not arrive ("Nu" or "N?"
    /// for "Nữ", `?` in the name or address, an address without one accented letter): a
    /// scanner in keyboard mode, or one not set to UTF-8. Permanent until the scanner is set
    /// up right.
    #[error("the accented letters of the code were lost on the way from the scanner")]
    DiacriticsLost,
    /// The scanner sent bytes that are not UTF-8 text.
    #[error("the scanner sent text that is not UTF-8")]
    NotUtf8,
    /// The reader's device cannot be opened or read (unplugged, no permission, not the kind
    /// of device configured). Retryable: readers try again.
    #[error("{path}: {reason}")]
    Device {
        /// The configured path.
        path: String,
        /// The system's reason.
        reason: String,
    },
}

impl Error {
    /// Whether trying again later may succeed (a device coming back), as opposed to a code
    /// or a set-up that stays wrong.
    pub const fn is_retryable(&self) -> bool {
        matches!(self, Error::Device { .. })
    }

    pub(crate) fn device(path: &std::path::Path, e: impl std::fmt::Display) -> Self {
        Error::Device { path: path.display().to_string(), reason: e.to_string() }
    }
}
