//! The first voice: Debian's `espeak-ng` program and its Vietnamese voice, played through
//! ALSA by `aplay` (package `alsa-utils`).
//!
//! `espeak-ng -v vi -s RATE --stdout` reads the text on its standard input and writes a WAV
//! stream into a pipe that `aplay -q -D DEVICE -` plays as it comes, so the first words are
//! heard before the last are synthesised. Stopping kills both programs. Running the programs
//! rather than linking `libespeak-ng` keeps C out of the kiosk's process: a crash or a hang
//! in the synthesiser cannot take the screen with it, and `stop` is a kill, never a wait.

use std::io::{Read, Write};
use std::process::{Child, ChildStderr, Command, Stdio};

use crate::{Error, Rate, Result, Script, Voice, wav};

/// Which programs, voice and sound device to use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EspeakSettings {
    /// The synthesiser (`espeak-ng`, looked up on `PATH`).
    pub program: String,
    /// Its voice: `vi` (northern); `vi-vn-x-central` and `vi-vn-x-south` are installed too.
    pub voice: String,
    /// The player (`aplay`).
    pub player: String,
    /// The ALSA device (`default`; `null` plays into nothing, for tests).
    pub device: String,
}

impl Default for EspeakSettings {
    fn default() -> Self {
        Self {
            program: "espeak-ng".into(),
            voice: "vi".into(),
            player: "aplay".into(),
            device: "default".into(),
        }
    }
}

/// What is playing: the synthesiser piping into the player.
struct Playback {
    synth: Child,
    play: Child,
    play_err: Option<ChildStderr>,
}

/// espeak-ng through ALSA (see the module).
pub struct Espeak {
    settings: EspeakSettings,
    rate: Rate,
    playing: Option<Playback>,
}

fn spawn(cmd: &mut Command, program: &str) -> Result<Child> {
    cmd.spawn().map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Error::Missing { program: program.into() },
        _ => Error::Io { what: format!("starting {program}"), source },
    })
}

/// The last non-empty line a program wrote on its error output.
fn last_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string()
}

impl Espeak {
    /// The voice with `settings`, at the default rate. Nothing is started or checked yet:
    /// see [`Espeak::check`].
    pub fn new(settings: EspeakSettings) -> Self {
        Self { settings, rate: Rate::default(), playing: None }
    }

    /// Checks that it can speak here: the synthesiser is installed and has the voice, and the
    /// sound device opens (a twentieth of a second of silence is played). The kiosk hides its
    /// speaker button and tells staff when this fails.
    pub fn check(&self) -> Result<()> {
        let s = &self.settings;
        let out = spawn(
            Command::new(&s.program)
                .arg(format!("--voices={}", s.voice))
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
            &s.program,
        )?
        .wait_with_output()
        .map_err(|source| Error::Io { what: format!("running {}", s.program), source })?;
        // The list's second column is the voice's language code.
        let listed = String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l.split_whitespace().nth(1).is_some_and(|v| v.eq_ignore_ascii_case(&s.voice)));
        if !listed {
            return Err(Error::NoVoice { voice: s.voice.clone() });
        }
        let mut play = spawn(
            Command::new(&s.player)
                .args(["-q", "-D", &s.device, "-"])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped()),
            &s.player,
        )?;
        if let Some(mut stdin) = play.stdin.take() {
            // A player that refuses the device may be gone before reading: its status says why.
            let _ = stdin.write_all(&wav::silence(22_050, 50));
        }
        let out = play
            .wait_with_output()
            .map_err(|source| Error::Io { what: format!("running {}", s.player), source })?;
        if out.status.success() {
            Ok(())
        } else {
            Err(Error::NoSound { device: s.device.clone(), detail: last_line(&out.stderr) })
        }
    }

    fn synth_command(&self, rate: Rate) -> Command {
        let s = &self.settings;
        let mut cmd = Command::new(&s.program);
        cmd.args(["-v", &s.voice, "-s", &rate.words_per_minute().to_string(), "--stdout"]);
        cmd
    }

    /// `text` as a WAV clip (16-bit mono PCM, 22,050 Hz), nothing played: what the tests
    /// listen to.
    pub fn synthesise(&self, text: &str, rate: Rate) -> Result<Vec<u8>> {
        check_length(text)?;
        let program = &self.settings.program;
        let mut child = spawn(
            self.synth_command(rate)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped()),
            program,
        )?;
        // The text (at most MAX_CHARS) fits the pipe: written whole before anything is read.
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(text.as_bytes())
                .map_err(|source| Error::Io { what: format!("writing to {program}"), source })?;
        }
        let out = child
            .wait_with_output()
            .map_err(|source| Error::Io { what: format!("running {program}"), source })?;
        if !out.status.success() {
            return Err(Error::Engine {
                program: program.clone(),
                detail: format!("{}: {}", out.status, last_line(&out.stderr)),
            });
        }
        Ok(out.stdout)
    }
}

fn check_length(text: &str) -> Result<()> {
    let chars = text.chars().count();
    if chars > Script::MAX_CHARS { Err(Error::TooLong(chars)) } else { Ok(()) }
}

impl Voice for Espeak {
    fn set_rate(&mut self, rate: Rate) {
        self.rate = rate;
    }

    fn speak(&mut self, text: &str) -> Result<()> {
        self.stop();
        check_length(text)?;
        let s = &self.settings;
        let mut synth = spawn(
            self.synth_command(self.rate)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
            &s.program,
        )?;
        let Some(wav) = synth.stdout.take() else {
            let _ = synth.kill();
            let _ = synth.wait();
            return Err(Error::Engine { program: s.program.clone(), detail: "no output".into() });
        };
        let play = spawn(
            Command::new(&s.player)
                .args(["-q", "-D", &s.device, "-"])
                .stdin(Stdio::from(wav))
                .stdout(Stdio::null())
                .stderr(Stdio::piped()),
            &s.player,
        );
        let mut play = match play {
            Ok(play) => play,
            Err(e) => {
                let _ = synth.kill();
                let _ = synth.wait();
                return Err(e);
            }
        };
        let play_err = play.stderr.take();
        let written = synth.stdin.take().map(|mut stdin| stdin.write_all(text.as_bytes()));
        self.playing = Some(Playback { synth, play, play_err });
        if let Some(Err(source)) = written {
            self.stop();
            return Err(Error::Io {
                what: format!("writing to {}", self.settings.program),
                source,
            });
        }
        Ok(())
    }

    fn stop(&mut self) {
        if let Some(mut p) = self.playing.take() {
            // The player first: silence is what the person asked for.
            let _ = p.play.kill();
            let _ = p.synth.kill();
            let _ = p.play.wait();
            let _ = p.synth.wait();
        }
    }

    fn poll(&mut self) -> Result<bool> {
        let Some(p) = &mut self.playing else { return Ok(false) };
        let status = match p.play.try_wait() {
            Ok(None) => return Ok(true),
            Ok(Some(status)) => status,
            Err(source) => {
                self.stop();
                return Err(Error::Io {
                    what: format!("waiting for {}", self.settings.player),
                    source,
                });
            }
        };
        let mut err = Vec::new();
        if let Some(mut e) = p.play_err.take() {
            let _ = e.read_to_end(&mut err);
        }
        // The player is done: the synthesiser has written everything or has nobody to write to.
        let _ = p.synth.kill();
        let synth = p.synth.wait();
        self.playing = None;
        if !status.success() {
            let detail = last_line(&err);
            let s = &self.settings;
            return Err(if detail.contains("audio open error") {
                Error::NoSound { device: s.device.clone(), detail }
            } else {
                Error::Engine { program: s.player.clone(), detail: format!("{status}: {detail}") }
            });
        }
        match synth {
            Ok(_) => Ok(false),
            Err(source) => {
                Err(Error::Io { what: format!("waiting for {}", self.settings.program), source })
            }
        }
    }
}

impl Drop for Espeak {
    fn drop(&mut self) {
        self.stop();
    }
}
