//! The speaker button: reading the current screen aloud, stopping on a second press, and a
//! slower rate on the second button ("Nghe chậm"). A second button rather than a long press:
//! a long press is found by nobody who is not told, and a person who reads with difficulty
//! cannot read the hint.
//!
//! The voice runs on its own thread ([`ansinh_speech::Speaker`]); this controller only sends
//! it the screen's text and polls how it ended, on the app's tick. A voice that does not work
//! hides the buttons: the citizen never sees why, staff read it on their screen.

use ansinh_speech::{Error, Event, Rate, Speaker, Voice};

use crate::text::{Locale, tr};

/// Whether and how fast the kiosk reads aloud.
pub struct ReadAloud {
    speaker: Option<Speaker>,
    speaking: bool,
    rates: (Rate, Rate),
    /// Why reading aloud does not work (for staff), if it does not.
    problem: Option<Error>,
    /// Switched off in the configuration.
    disabled: bool,
}

impl Default for ReadAloud {
    /// No voice (the buttons hidden), until one is given.
    fn default() -> Self {
        Self {
            speaker: None,
            speaking: false,
            rates: (Rate::NORMAL, Rate::SLOW),
            problem: None,
            disabled: false,
        }
    }
}

impl ReadAloud {
    /// Reading aloud with `voice` at the `normal` and `slow` rates.
    pub fn with_voice(voice: Box<dyn Voice>, normal: Rate, slow: Rate) -> Self {
        match Speaker::spawn(voice) {
            Ok(speaker) => {
                Self { speaker: Some(speaker), rates: (normal, slow), ..Self::default() }
            }
            Err(e) => Self::unavailable(e),
        }
    }

    /// No reading aloud, because of `problem` (told to staff).
    pub fn unavailable(problem: Error) -> Self {
        Self { problem: Some(problem), ..Self::default() }
    }

    /// Switched off in the configuration (`[speech] enabled = false`).
    pub fn disabled() -> Self {
        Self { disabled: true, ..Self::default() }
    }

    /// Whether the speaker buttons are shown.
    pub fn available(&self) -> bool {
        self.speaker.is_some() && self.problem.as_ref().is_none_or(Error::is_retryable)
    }

    /// Whether it is reading now (the button then says "Dừng").
    pub fn speaking(&self) -> bool {
        self.speaking
    }

    /// A press of a speaker button: reads `text` (at the slow rate for the second button), or
    /// stops if it is reading.
    pub fn press(&mut self, text: String, slow: bool) {
        if self.speaking {
            return self.stop();
        }
        let Some(speaker) = self.speaker.as_ref().filter(|_| self.available()) else { return };
        if text.is_empty() {
            return;
        }
        let rate = if slow { self.rates.1 } else { self.rates.0 };
        match speaker.speak(text, rate) {
            Ok(()) => self.speaking = true,
            Err(e) => self.problem = Some(e),
        }
    }

    /// Stops reading (the page changed, the session ended, a second press).
    pub fn stop(&mut self) {
        if !self.speaking {
            return;
        }
        self.speaking = false;
        if let Some(Err(e)) = self.speaker.as_ref().map(Speaker::stop) {
            self.problem = Some(e);
        }
    }

    /// What the voice did since the last tick; `true` when the buttons change.
    pub fn poll(&mut self) -> bool {
        let Some(speaker) = &self.speaker else { return false };
        let mut changed = false;
        while let Some(event) = speaker.poll() {
            match event {
                Event::Finished => {}
                Event::Failed(e) => {
                    // A sound card gone is for staff; the button goes when it cannot work.
                    changed |= !e.is_retryable();
                    self.problem = Some(e);
                }
            }
            // A stop already cleared `speaking`; an end after it changes nothing.
            changed |= std::mem::replace(&mut self.speaking, false);
            if matches!(self.problem, Some(Error::Gone)) {
                break;
            }
        }
        changed
    }

    /// For staff: whether reading aloud works, or why not.
    pub fn status(&self, lang: Locale) -> String {
        if self.disabled {
            return tr!(lang, "speech-disabled").into();
        }
        match &self.problem {
            None if self.speaker.is_some() => tr!(lang, "speech-ready").into(),
            None => tr!(lang, "speech-no-voice-configured").into(),
            Some(e) => tr!(lang, "speech-unavailable", why = problem(e, lang)),
        }
    }
}

/// A voice's failure as staff read it.
fn problem(e: &Error, lang: Locale) -> String {
    match e {
        Error::Missing { program } => tr!(lang, "speech-missing", program = program.as_str()),
        Error::NoVoice { voice } => tr!(lang, "speech-no-voice", voice = voice.as_str()),
        Error::NoSound { device, detail } => {
            tr!(lang, "speech-no-sound", device = device.as_str(), detail = detail.as_str())
        }
        other => tr!(lang, "speech-failed", detail = other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use super::*;

    /// A voice that writes down what it is asked and speaks until stopped, or fails like a
    /// sound card that went away.
    #[derive(Clone, Default)]
    struct Recorder {
        said: Arc<Mutex<Vec<String>>>,
        fail: bool,
        playing: bool,
    }

    impl Voice for Recorder {
        fn set_rate(&mut self, rate: Rate) {
            self.said.lock().map(|mut l| l.push(format!("rate {}", rate.words_per_minute()))).ok();
        }
        fn speak(&mut self, text: &str) -> ansinh_speech::Result<()> {
            self.said.lock().map(|mut l| l.push(text.to_string())).ok();
            self.playing = true;
            Ok(())
        }
        fn stop(&mut self) {
            self.playing = false;
            self.said.lock().map(|mut l| l.push("stop".into())).ok();
        }
        fn poll(&mut self) -> ansinh_speech::Result<bool> {
            if self.fail && self.playing {
                self.playing = false;
                return Err(Error::NoSound { device: "default".into(), detail: "gone".into() });
            }
            Ok(self.playing)
        }
    }

    fn said(r: &Recorder) -> Vec<String> {
        r.said.lock().map(|l| l.clone()).unwrap_or_default()
    }

    fn wait_for(what: impl Fn() -> bool) {
        let start = Instant::now();
        while !what() && start.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_press_reads_a_second_press_stops_and_the_slow_button_reads_slowly() {
        let voice = Recorder::default();
        let mut r = ReadAloud::with_voice(Box::new(voice.clone()), Rate::NORMAL, Rate::SLOW);
        assert!(r.available() && !r.speaking());
        r.press("Xin chào.".into(), false);
        assert!(r.speaking());
        wait_for(|| said(&voice).len() >= 2);
        assert_eq!(said(&voice), ["rate 140", "Xin chào."]);
        r.press("Xin chào.".into(), false);
        assert!(!r.speaking(), "the second press stops");
        wait_for(|| said(&voice).len() >= 3);
        assert_eq!(said(&voice).last().map(String::as_str), Some("stop"));
        r.press("Chậm thôi.".into(), true);
        wait_for(|| said(&voice).len() >= 5);
        assert_eq!(said(&voice)[3..], ["rate 105".to_string(), "Chậm thôi.".to_string()]);
        assert_eq!(r.status(Locale::SOURCE), tr!(Locale::SOURCE, "speech-ready"));
    }

    #[test]
    fn a_voice_that_fails_hides_the_buttons_and_tells_staff() {
        let voice = Recorder { fail: true, ..Recorder::default() };
        let mut r = ReadAloud::with_voice(Box::new(voice), Rate::NORMAL, Rate::SLOW);
        r.press("Xin chào.".into(), false);
        let start = Instant::now();
        while !r.poll() && start.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(!r.speaking() && !r.available(), "the buttons go");
        let status = r.status(Locale::SOURCE);
        assert!(status.contains("default") && status.contains("gone"), "{status}");
        r.press("Xin chào.".into(), false);
        assert!(!r.speaking(), "nothing starts");

        let missing = ReadAloud::unavailable(Error::Missing { program: "espeak-ng".into() });
        assert!(!missing.available());
        assert!(missing.status(Locale::SOURCE).contains("apt-get install espeak-ng"));
        let off = ReadAloud::disabled();
        assert!(!off.available());
        assert_eq!(off.status(Locale::SOURCE), tr!(Locale::SOURCE, "speech-disabled"));
    }
}
