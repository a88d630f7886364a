//! The configured readers, each on its own thread, sending what they read to one channel the
//! kiosk's UI thread polls. A device that is missing or unplugged is tried again every few
//! seconds (scanners are plugged in after boot, cables get pulled); its problem is sent once,
//! not at every try. A thread ends when the receiving side is gone.

use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use zeroize::Zeroize;

use crate::{Error, Source};

/// Which readers to run (the kiosk's `[scanner]` configuration).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// A scanner in serial mode: `/dev/ttyACM0`.
    pub serial: Option<PathBuf>,
    /// A scanner in keyboard mode: `/dev/input/by-id/…-event-kbd`.
    pub keyboard: Option<PathBuf>,
    /// A camera: `/dev/video0`.
    pub camera: Option<PathBuf>,
}

/// What a reader sends.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// A code was read: its text, for the receiver to overwrite once used.
    Scan {
        /// Which reader.
        source: Source,
        /// The code's text.
        text: String,
    },
    /// The reader cannot read (retried), or read something that is not text.
    Problem {
        /// Which reader.
        source: Source,
        /// What is wrong.
        error: Error,
    },
}

/// How long a reader waits before opening its device again.
pub const RETRY: Duration = Duration::from_secs(3);

/// How long the camera ignores the code it has just read (it sees it in every frame while the
/// card is held up).
pub const CAMERA_REPEAT: Duration = Duration::from_secs(4);

/// Starts a thread for each configured reader.
pub fn start(config: &Config, events: &Sender<Event>) -> Vec<JoinHandle<()>> {
    let mut threads = Vec::new();
    for (source, path) in [
        (Source::Serial, &config.serial),
        (Source::Keyboard, &config.keyboard),
        (Source::Camera, &config.camera),
    ] {
        if let Some(path) = path {
            threads.push(spawn(source, path.clone(), events.clone()));
        }
    }
    threads
}

/// Starts one reader on `path`.
pub fn spawn(source: Source, path: PathBuf, events: Sender<Event>) -> JoinHandle<()> {
    std::thread::Builder::new()
        .name(format!("scanner-{}", source.key()))
        .spawn(move || {
            let mut last_problem: Option<Error> = None;
            loop {
                let outcome = match source {
                    Source::Serial => serial(&path, &events),
                    Source::Keyboard => keyboard(&path, &events),
                    Source::Camera => camera(&path, &events),
                };
                match outcome {
                    // The receiver is gone: the kiosk is shutting down.
                    Outcome::Closed => return,
                    Outcome::Ended => last_problem = None,
                    Outcome::Failed(error) => {
                        if last_problem.as_ref() != Some(&error) {
                            last_problem = Some(error.clone());
                            if events.send(Event::Problem { source, error }).is_err() {
                                return;
                            }
                        }
                    }
                }
                std::thread::sleep(RETRY);
            }
        })
        .unwrap_or_else(|_| std::thread::spawn(|| ()))
}

enum Outcome {
    /// Nobody listens any more.
    Closed,
    /// The device went away after working.
    Ended,
    /// The device could not be opened or read.
    Failed(Error),
}

fn send(events: &Sender<Event>, source: Source, text: String) -> bool {
    events.send(Event::Scan { source, text }).is_ok()
}

fn serial(path: &std::path::Path, events: &Sender<Event>) -> Outcome {
    let mut reader = match crate::serial::open(path) {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(e),
    };
    loop {
        match reader.next_line() {
            Ok(Some(Ok(text))) => {
                if !send(events, Source::Serial, text) {
                    return Outcome::Closed;
                }
            }
            Ok(Some(Err(error))) => {
                if events.send(Event::Problem { source: Source::Serial, error }).is_err() {
                    return Outcome::Closed;
                }
            }
            Ok(None) => return Outcome::Ended,
            Err(e) => return Outcome::Failed(Error::device(path, e)),
        }
    }
}

fn keyboard(path: &std::path::Path, events: &Sender<Event>) -> Outcome {
    let mut reader = match crate::keyboard::KeyboardScanner::open(path) {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(e),
    };
    loop {
        match reader.next_line() {
            Ok(Some(text)) => {
                if !send(events, Source::Keyboard, text) {
                    return Outcome::Closed;
                }
            }
            Ok(None) => return Outcome::Ended,
            Err(e) => return Outcome::Failed(Error::device(path, e)),
        }
    }
}

fn camera(path: &std::path::Path, events: &Sender<Event>) -> Outcome {
    let mut camera = match crate::camera::Camera::open(path) {
        Ok(c) => c,
        Err(e) => return Outcome::Failed(e),
    };
    let mut last: Option<(String, Instant)> = None;
    loop {
        match camera.next_code() {
            Ok(Some(mut text)) => {
                let repeat = last
                    .as_ref()
                    .is_some_and(|(seen, at)| *seen == text && at.elapsed() < CAMERA_REPEAT);
                if repeat {
                    text.zeroize();
                    continue;
                }
                if let Some((mut seen, _)) = last.take() {
                    seen.zeroize();
                }
                last = Some((text.clone(), Instant::now()));
                if !send(events, Source::Camera, text) {
                    return Outcome::Closed;
                }
            }
            Ok(None) => {}
            Err(e) => return Outcome::Failed(Error::device(path, e)),
        }
        if let Some((seen, at)) = &mut last
            && at.elapsed() >= CAMERA_REPEAT
        {
            seen.zeroize();
            last = None;
        }
    }
}
