//! Read aloud: what the speaker button says on every citizen screen, against the golden files
//! in `tests/golden/speech/<screen>.txt` (`UPDATE_GOLDEN=1` rewrites those that changed), each
//! synthesised to WAV by espeak-ng and listened to: not silent, and as long as its words at
//! the default rate. Then the buttons on the real screens: a press reads, a second stops,
//! leaving the page or the idle reset silences it.
//!
//! espeak-ng and aplay must be installed (`tests/run.sh` installs them): without them these
//! tests fail, they never skip.

#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::rc::Rc;
use std::time::{Duration, Instant};

use ansinh_device::clock::FakeClock;
use ansinh_kiosk::app::{App, Options, Screen};
use ansinh_kiosk::controllers::read_aloud::ReadAloud;
use ansinh_kiosk::screens::{TOUR_DATE, citizen_screens, tour_app};
use ansinh_kiosk::store::MemoryStore;
use ansinh_kiosk::ui::{Kiosk, connect};
use ansinh_speech::{Espeak, EspeakSettings, Rate, wav};
use ansinh_tests::golden;
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;

/// The tour's person: read on the review step only.
const NAME: &str = "Nguyễn Thị Hồng Nhung";
const ID_SPOKEN: &str = "không không một, một bảy chín, không một hai, ba bốn năm";

#[test]
fn every_citizen_screen_says_its_golden_text_and_is_heard() -> anyhow::Result<()> {
    let today = TOUR_DATE.parse().map_err(|_| anyhow::anyhow!("date"))?;
    let mut failures = Vec::new();
    let mut texts = Vec::new();
    for (name, setup) in citizen_screens() {
        let (mut app, clock) = tour_app(today);
        setup(&mut app, &clock);
        let script = app.spoken();
        let text = script.text();
        assert!(!script.is_empty(), "{name} says nothing");
        assert!(!text.contains(|c: char| c.is_ascii_digit()), "{name}: figures left in {text}");
        let personal = text.contains(NAME) || text.contains(ID_SPOKEN);
        assert_eq!(personal, *name == "enroll-review", "{name}: personal data read?\n{text}");
        failures.extend(
            golden::check_bytes(&format!("speech/{name}.txt"), format!("{text}\n").as_bytes())
                .err()
                .map(|e| e.to_string()),
        );
        texts.push((*name, text, script.words()));
    }
    assert!(texts.len() >= 17, "{} screens", texts.len());
    assert!(failures.is_empty(), "spoken texts differ from the goldens:\n{}", failures.join("\n"));

    // Synthesised on both cores, half each.
    let voice = Espeak::new(EspeakSettings::default());
    let half = texts.len().div_ceil(2);
    let heard: Vec<String> = std::thread::scope(|s| {
        let jobs: Vec<_> = texts
            .chunks(half)
            .map(|chunk| {
                let voice = &voice;
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|(name, text, words)| listen(voice, name, text, *words))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        jobs.into_iter().flat_map(|j| j.join().unwrap_or_default()).collect()
    });
    let problems: Vec<_> = heard.iter().filter(|h| !h.is_empty()).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    Ok(())
}

/// An empty string when `text` is heard, and lasts 0.15–1.5 s a word; else what is wrong.
fn listen(voice: &Espeak, name: &str, text: &str, words: usize) -> String {
    let clip = match voice.synthesise(text, Rate::NORMAL).and_then(|w| wav::analyse(&w)) {
        Ok(clip) => clip,
        Err(e) => return format!("{name}: {e}"),
    };
    let per_word = clip.millis() / u64::try_from(words.max(1)).unwrap_or(1);
    if clip.rms < 300 || clip.peak < 3000 {
        return format!("{name}: too quiet ({clip:?})");
    }
    if !(150..=1500).contains(&per_word) {
        return format!("{name}: {} ms for {words} words ({per_word} ms a word)", clip.millis());
    }
    String::new()
}

fn press(k: &Kiosk, label: &str) {
    let found: Vec<_> = ElementHandle::find_by_accessible_label(&k.window, label).collect();
    assert!(!found.is_empty(), "nothing labelled {label:?}");
    found[0].invoke_accessible_default_action();
}

fn speech(k: &Kiosk) -> (bool, bool) {
    let s = k.window.global::<ansinh_ui::SpeechAdapter>();
    (s.get_available(), s.get_speaking())
}

fn shown(k: &Kiosk, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(&k.window, label).next().is_some()
}

/// Ticks until the voice has read to the end (ALSA's null device plays at once).
fn until_quiet(k: &Kiosk) {
    let start = Instant::now();
    while speech(k).1 && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
        k.tick();
    }
}

#[test]
fn the_speaker_buttons_read_stop_and_go_quiet_on_leaving_the_page() -> anyhow::Result<()> {
    i_slint_backend_testing::init_no_event_loop();
    let today = "2026-11-22".parse().map_err(|_| anyhow::anyhow!("date"))?;
    let clock = Rc::new(FakeClock::at(today));
    let options = Options {
        pin_params: argon2::Params::new(256, 1, 1, None).unwrap_or_default(),
        ..Options::default()
    };
    let mut app = App::new(Box::new(MemoryStore::default()), clock.clone(), options);
    // No voice: no buttons.
    let silent =
        connect(App::new(Box::new(MemoryStore::default()), clock.clone(), Options::default()))?;
    assert_eq!(speech(&silent), (false, false));
    assert!(!shown(&silent, "Đọc to màn hình này"));

    let voice = Espeak::new(EspeakSettings { device: "null".into(), ..EspeakSettings::default() });
    voice.check()?;
    app.read_aloud = ReadAloud::with_voice(Box::new(voice), Rate::NORMAL, Rate::SLOW);
    let k = connect(app)?;
    assert_eq!(speech(&k), (true, false));
    assert!(shown(&k, "Đọc to màn hình này") && shown(&k, "Đọc chậm màn hình này"));

    // A press reads; the button becomes "Dừng"; the second press stops.
    press(&k, "Đọc to màn hình này");
    assert_eq!(speech(&k), (true, true));
    assert!(shown(&k, "Dừng đọc") && !shown(&k, "Đọc chậm màn hình này"));
    press(&k, "Dừng đọc");
    assert_eq!(speech(&k), (true, false));

    // Read to the end: the button comes back by itself, on the tick.
    press(&k, "Đọc chậm màn hình này");
    assert_eq!(speech(&k), (true, true));
    until_quiet(&k);
    assert_eq!(speech(&k), (true, false), "the end of the reading is seen on the tick");

    // Leaving the page stops it; so does the idle reset.
    k.act(|a| a.navigate(Screen::Quote));
    press(&k, "Đọc to màn hình này");
    assert!(speech(&k).1);
    press(&k, "Trang đầu");
    assert_eq!(k.app.borrow().screen, Screen::Home);
    assert_eq!(speech(&k), (true, false), "leaving the page stops it");
    press(&k, "Đọc to màn hình này");
    assert!(speech(&k).1);
    clock.advance(3600);
    k.tick();
    assert_eq!(speech(&k), (true, false), "the idle reset stops it");

    // Staff read that it works; staff pages have no speaker buttons.
    k.act(|a| a.navigate(Screen::StaffLogin));
    assert!(!shown(&k, "Đọc to màn hình này"));
    Ok(())
}
