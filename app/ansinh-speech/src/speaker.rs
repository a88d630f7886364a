//! A voice on its own thread: the UI thread sends "speak" and "stop" and never waits for a
//! synthesiser, a pipe or a sound card; it polls what happened on its tick.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use zeroize::Zeroize;

use crate::{Error, Rate, Result, Voice};

/// How often the thread asks the voice whether it is still speaking.
const POLL: Duration = Duration::from_millis(50);

enum Command {
    Speak(String, Rate),
    Stop,
}

/// How an utterance ended.
#[derive(Debug)]
pub enum Event {
    /// Read to the end.
    Finished,
    /// Not read, or cut short, by a failure.
    Failed(Error),
}

/// A [`Voice`] driven from its own thread. Dropping it stops the voice and ends the thread.
pub struct Speaker {
    commands: Option<Sender<Command>>,
    events: Receiver<Event>,
    thread: Option<JoinHandle<()>>,
}

impl Speaker {
    /// Starts the thread that owns `voice`.
    pub fn spawn(voice: Box<dyn Voice>) -> Result<Speaker> {
        let (commands, inbox) = channel();
        let (outbox, events) = channel();
        let thread = std::thread::Builder::new()
            .name("ansinh-speech".into())
            .spawn(move || run(voice, &inbox, &outbox))
            .map_err(|source| Error::Io { what: "starting the speech thread".into(), source })?;
        Ok(Speaker { commands: Some(commands), events, thread: Some(thread) })
    }

    fn send(&self, c: Command) -> Result<()> {
        self.commands.as_ref().and_then(|tx| tx.send(c).ok()).ok_or(Error::Gone)
    }

    /// Reads `text` at `rate`, cutting short what was being read. The text is overwritten
    /// once handed to the voice.
    pub fn speak(&self, text: String, rate: Rate) -> Result<()> {
        self.send(Command::Speak(text, rate))
    }

    /// Stops reading.
    pub fn stop(&self) -> Result<()> {
        self.send(Command::Stop)
    }

    /// The next thing that happened, if any.
    pub fn poll(&self) -> Option<Event> {
        match self.events.try_recv() {
            Ok(e) => Some(e),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Event::Failed(Error::Gone)),
        }
    }
}

impl Drop for Speaker {
    fn drop(&mut self) {
        // Closing the channel ends the thread, which stops the voice first.
        self.commands = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(mut voice: Box<dyn Voice>, inbox: &Receiver<Command>, outbox: &Sender<Event>) {
    let mut speaking = false;
    loop {
        match inbox.recv_timeout(POLL) {
            Ok(Command::Speak(mut text, rate)) => {
                voice.set_rate(rate);
                let started = voice.speak(&text);
                text.zeroize();
                speaking = match started {
                    Ok(()) => true,
                    Err(e) => {
                        let _ = outbox.send(Event::Failed(e));
                        false
                    }
                };
            }
            Ok(Command::Stop) => {
                voice.stop();
                speaking = false;
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                voice.stop();
                return;
            }
        }
        if speaking {
            match voice.poll() {
                Ok(true) => {}
                Ok(false) => {
                    speaking = false;
                    let _ = outbox.send(Event::Finished);
                }
                Err(e) => {
                    speaking = false;
                    let _ = outbox.send(Event::Failed(e));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    use super::*;

    /// A voice that says what it is asked, for as many polls as the text has words.
    #[derive(Clone, Default)]
    struct Counting {
        log: Arc<Mutex<Vec<String>>>,
        left: usize,
    }

    impl Voice for Counting {
        fn set_rate(&mut self, rate: Rate) {
            self.log.lock().map(|mut l| l.push(format!("rate {}", rate.words_per_minute()))).ok();
        }
        fn speak(&mut self, text: &str) -> Result<()> {
            if text.is_empty() {
                return Err(Error::Engine { program: "test".into(), detail: "empty".into() });
            }
            self.left = text.split_whitespace().count();
            self.log.lock().map(|mut l| l.push(format!("speak {text}"))).ok();
            Ok(())
        }
        fn stop(&mut self) {
            self.left = 0;
            self.log.lock().map(|mut l| l.push("stop".into())).ok();
        }
        fn poll(&mut self) -> Result<bool> {
            self.left = self.left.saturating_sub(1);
            Ok(self.left > 0)
        }
    }

    fn next_event(s: &Speaker) -> Option<Event> {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Some(e) = s.poll() {
                return Some(e);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        None
    }

    #[test]
    fn speaks_on_its_thread_reports_the_end_and_failures_and_stops_when_dropped() -> Result<()> {
        let voice = Counting::default();
        let log = voice.log.clone();
        let speaker = Speaker::spawn(Box::new(voice))?;
        speaker.speak("ba trăm ba mươi nghìn đồng".into(), Rate::SLOW)?;
        assert!(matches!(next_event(&speaker), Some(Event::Finished)));
        speaker.speak(String::new(), Rate::NORMAL)?;
        assert!(matches!(next_event(&speaker), Some(Event::Failed(Error::Engine { .. }))));
        speaker.speak("một hai ba bốn năm sáu bảy tám chín mười".into(), Rate::NORMAL)?;
        speaker.stop()?;
        drop(speaker);
        let log = log.lock().map(|l| l.clone()).unwrap_or_default();
        assert_eq!(log.first().map(String::as_str), Some("rate 105"));
        assert_eq!(log.get(1).map(String::as_str), Some("speak ba trăm ba mươi nghìn đồng"));
        assert!(
            log.iter().filter(|l| *l == "stop").count() >= 2,
            "stopped, then at the end: {log:?}"
        );
        Ok(())
    }
}
