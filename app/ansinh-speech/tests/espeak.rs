//! The espeak-ng voice for real: the Debian programs, played into ALSA's `null` device (the
//! build machines have no sound card). These tests fail, never skip, without espeak-ng and
//! aplay: `tests/run.sh` installs them (`apt-get install espeak-ng alsa-utils`).

use std::time::{Duration, Instant};

use ansinh_speech::{Error, Espeak, EspeakSettings, Rate, Script, Speaker, Voice, wav};

fn null_device() -> EspeakSettings {
    EspeakSettings { device: "null".into(), ..EspeakSettings::default() }
}

#[test]
fn the_vietnamese_voice_is_installed_and_plays_into_alsa() -> Result<(), Error> {
    Espeak::new(null_device()).check()
}

#[test]
fn what_is_missing_is_named() {
    let missing =
        Espeak::new(EspeakSettings { program: "espeak-ng-absent".into(), ..null_device() });
    assert!(
        matches!(missing.check(), Err(Error::Missing { program }) if program == "espeak-ng-absent")
    );
    let voice = Espeak::new(EspeakSettings { voice: "xx-nowhere".into(), ..null_device() });
    assert!(matches!(voice.check(), Err(Error::NoVoice { .. })));
    let card = Espeak::new(EspeakSettings { device: "hw:77".into(), ..null_device() });
    match card.check() {
        Err(e @ Error::NoSound { .. }) => {
            assert!(!e.is_retryable());
            assert!(e.to_string().contains("hw:77"), "{e}");
        }
        other => panic!("a sound card that is not there: {other:?}"),
    }
    let player = Espeak::new(EspeakSettings { player: "aplay-absent".into(), ..null_device() });
    assert!(matches!(player.check(), Err(Error::Missing { program }) if program == "aplay-absent"));
}

#[test]
fn a_sentence_is_heard_and_slower_is_longer() -> Result<(), Error> {
    let mut s = Script::new();
    s.say("Số tiền bạn nộp mỗi lần: 1.650.000 đ");
    let voice = Espeak::new(null_device());
    let normal = wav::analyse(&voice.synthesise(&s.text(), Rate::NORMAL)?)?;
    let slow = wav::analyse(&voice.synthesise(&s.text(), Rate::SLOW)?)?;
    assert!(normal.rms > 500 && normal.peak > 5000, "{normal:?}");
    let per_word = normal.millis() / u64::try_from(s.words()).unwrap_or(1);
    assert!((150..=1500).contains(&per_word), "{per_word} ms a word");
    assert!(slow.millis() > normal.millis() * 11 / 10, "{slow:?} vs {normal:?}");
    let too_long = "a ".repeat(Script::MAX_CHARS);
    assert!(matches!(voice.synthesise(&too_long, Rate::NORMAL), Err(Error::TooLong(_))));
    Ok(())
}

#[test]
fn speaking_plays_to_the_end_and_a_stop_is_prompt() -> Result<(), Error> {
    let mut voice = Espeak::new(null_device());
    voice.speak("Xin chào.")?;
    let start = Instant::now();
    while voice.poll()? {
        assert!(start.elapsed() < Duration::from_secs(10), "still playing");
        std::thread::sleep(Duration::from_millis(10));
    }
    // A long text: stopped at once, nothing left running.
    let long = "một hai ba bốn năm sáu bảy tám chín mười. ".repeat(300);
    voice.speak(&long)?;
    let start = Instant::now();
    voice.stop();
    assert!(start.elapsed() < Duration::from_millis(500), "{:?}", start.elapsed());
    assert!(!voice.poll()?, "nothing plays after a stop");
    Ok(())
}

#[test]
fn the_speaker_reports_a_sound_card_that_does_not_open() -> Result<(), Error> {
    let voice = Espeak::new(EspeakSettings { device: "hw:77".into(), ..null_device() });
    let speaker = Speaker::spawn(Box::new(voice))?;
    speaker.speak("Xin chào.".into(), Rate::NORMAL)?;
    let start = Instant::now();
    loop {
        match speaker.poll() {
            Some(ansinh_speech::Event::Failed(Error::NoSound { device, .. })) => {
                assert_eq!(device, "hw:77");
                return Ok(());
            }
            Some(other) => panic!("{other:?}"),
            None if start.elapsed() > Duration::from_secs(10) => panic!("no answer"),
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}
