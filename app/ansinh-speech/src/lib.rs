//! # ansinh-speech: reading the kiosk's screens aloud in Vietnamese
//!
//! One responsibility: turn a screen's text into Vietnamese speech, offline. Many people at
//! the counter read with difficulty; the kiosk's speaker button reads the question, the
//! amounts, the dates and the next step of the screen they are on.
//!
//! - [`words`]: the verbaliser. Numbers, amounts (`1.650.000 đ` → "một triệu sáu trăm năm
//!   mươi nghìn đồng"), dates (`01/01/2027` → "ngày mùng một tháng một năm hai nghìn không
//!   trăm hai mươi bảy"), months, percentages, times and IDs (12 digits → read digit by digit,
//!   in groups of three) are written out in words *before* the synthesiser sees them:
//!   espeak-ng reads long digit strings and Vietnamese numbers badly. The number words are
//!   the core's (`ansinh_core::money`, the same words as the amounts on receipts); the forms
//!   are the common northern ones ("linh", "nghìn", "mốt", "lăm", "mùng").
//! - [`Script`]: the spoken text of one screen, sentence by sentence, every sentence
//!   verbalised; the kiosk builds it from the view models it draws the screen from.
//! - [`Voice`]: what a synthesiser offers (speak, stop, rate), so that a better engine can
//!   replace the first one; [`Espeak`] is that first one: Debian's `espeak-ng` program with its
//!   Vietnamese voice, its WAV output played by `aplay` (ALSA). The text goes through a pipe,
//!   never the command line, where other processes could read a name or an ID.
//! - [`Speaker`]: a voice on its own thread, so the UI thread never waits for a synthesiser
//!   or a sound card; the kiosk sends it "speak" and "stop" and polls what happened.
//! - [`wav`]: reads a WAV clip's length and loudness (the tests check that speech is heard).
//!
//! Layering: depends on `ansinh-core` (number words) only; used by `ansinh-kiosk`, which
//! decides what each screen says (through `ansinh-text`) and shows failures to staff.

pub mod espeak;
mod script;
mod speaker;
mod voice;
pub mod wav;
pub mod words;

pub use espeak::{Espeak, EspeakSettings};
pub use script::Script;
pub use speaker::{Event, Speaker};
pub use voice::{Rate, Voice};

/// What can go wrong when reading aloud.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A program the voice needs is not installed.
    #[error("{program} is not installed (apt-get install espeak-ng alsa-utils)")]
    Missing {
        /// The program's name.
        program: String,
    },
    /// The synthesiser has no voice for the language.
    #[error("espeak-ng has no voice {voice:?} (apt-get install espeak-ng-data)")]
    NoVoice {
        /// The voice asked for.
        voice: String,
    },
    /// The sound device does not open (no sound card, a wrong ALSA device name).
    #[error("the sound device {device:?} does not open: {detail}")]
    NoSound {
        /// The ALSA device name.
        device: String,
        /// What the player said.
        detail: String,
    },
    /// The synthesiser or the player failed while speaking.
    #[error("{program} failed: {detail}")]
    Engine {
        /// The program.
        program: String,
        /// Its exit status and message.
        detail: String,
    },
    /// Starting a program or talking to it failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },
    /// A speaking rate out of the range the voice supports.
    #[error("speaking rate {0} words a minute: between {min} and {max}", min = Rate::MIN, max = Rate::MAX)]
    Rate(u16),
    /// More text than one screen has.
    #[error("{0} characters to read: at most {max}", max = Script::MAX_CHARS)]
    TooLong(usize),
    /// Audio that is not a WAV clip this crate reads (16-bit PCM).
    #[error("not a 16-bit PCM WAV clip: {0}")]
    Wav(&'static str),
    /// The speaker's thread is gone.
    #[error("the speaker's thread has stopped")]
    Gone,
}

impl Error {
    /// Whether trying again may work without anyone changing the machine: a program that
    /// failed once, a system error. Missing programs or voices, a sound device that does not
    /// open, bad settings and bad input stay as they are until someone acts.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Engine { .. } | Error::Io { .. })
    }
}

/// This crate's results.
pub type Result<T> = std::result::Result<T, Error>;
