//! What a synthesiser offers: the seam where a better voice replaces espeak-ng.

use crate::{Error, Result};

/// Speaking rate in words (Vietnamese syllables) a minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate(u16);

impl Rate {
    /// Slowest rate accepted (espeak-ng's own lower bound).
    pub const MIN: u16 = 80;
    /// Fastest rate accepted: faster helps nobody at a public counter.
    pub const MAX: u16 = 300;
    /// The default: a little slower than espeak-ng's 175, for elderly listeners.
    pub const NORMAL: Rate = Rate(140);
    /// "Read slowly": about 0.75 of the default.
    pub const SLOW: Rate = Rate(105);

    /// A rate in words a minute, refused outside [`Rate::MIN`]..=[`Rate::MAX`].
    pub fn new(words_per_minute: u16) -> Result<Rate> {
        if (Self::MIN..=Self::MAX).contains(&words_per_minute) {
            Ok(Rate(words_per_minute))
        } else {
            Err(Error::Rate(words_per_minute))
        }
    }

    /// Words a minute.
    pub fn words_per_minute(self) -> u16 {
        self.0
    }
}

impl Default for Rate {
    fn default() -> Self {
        Self::NORMAL
    }
}

/// A text-to-speech engine that plays what it says.
///
/// One utterance at a time: `speak` starts reading and returns at once (the sound plays in
/// the background), replacing whatever was being read; `stop` silences it promptly; `poll`
/// says whether it is still speaking, or how it failed.
pub trait Voice: Send {
    /// The rate of the next utterances.
    fn set_rate(&mut self, rate: Rate);
    /// Starts reading `text` aloud (already verbalised: words, no digits).
    fn speak(&mut self, text: &str) -> Result<()>;
    /// Stops reading at once; nothing is left playing.
    fn stop(&mut self);
    /// `Ok(true)` while speaking, `Ok(false)` once done (or never started), the error when
    /// the utterance failed.
    fn poll(&mut self) -> Result<bool>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_checked() {
        assert_eq!(Rate::new(140).map(Rate::words_per_minute).ok(), Some(140));
        assert!(matches!(Rate::new(79), Err(Error::Rate(79))));
        assert!(matches!(Rate::new(301), Err(Error::Rate(301))));
        assert!(Rate::SLOW.words_per_minute() < Rate::default().words_per_minute());
    }
}
