//! Scans of the ID card's QR code reaching the app: the readers' thread sends the text
//! ([`ansinh_idcard::readers`]), the idle tick takes it, and the wizard is pre-filled
//! ([`EnrollController::prefill_from_card`]). A scan counts only on the home screen (it opens
//! the wizard) and in the wizard; elsewhere (quotes, staff) it is dropped. Nothing of it is
//! kept beyond the form: the text and the card are overwritten once used.

use std::sync::mpsc::Receiver;

use ansinh_idcard::readers::Event;
use ansinh_idcard::{Error, Source};
use zeroize::Zeroize;

use super::{App, Screen};
use crate::text::tr;

impl App {
    /// Takes scans from the readers' channel (the binary starts them from `[scanner]`).
    pub fn attach_scanner(&mut self, events: Receiver<Event>) {
        self.scans = Some(events);
    }

    /// Handles what the readers sent since the last tick; `true` when the screen changed.
    pub(super) fn poll_scans(&mut self) -> bool {
        let mut changed = false;
        loop {
            let Some(event) = self.scans.as_ref().and_then(|r| r.try_recv().ok()) else {
                return changed;
            };
            match event {
                Event::Scan { source, mut text } => {
                    changed |= self.scanned(source, &text);
                    text.zeroize();
                }
                Event::Problem { source, error: Error::NotUtf8 } => {
                    changed |= self.scan_failed(source, &Error::NotUtf8);
                }
                Event::Problem { source, error } => {
                    // A reader's device (path and the system's reason, no personal data), for
                    // the journal; the reader tries again by itself.
                    eprintln!("ansinh-kiosk: {} scanner: {error}", source.key());
                }
            }
        }
    }

    /// A code read by `source`: on the home screen or in the wizard, the form is pre-filled
    /// from it, or the wizard's band says why not. `true` when the screen changed.
    pub fn scanned(&mut self, source: Source, text: &str) -> bool {
        if !matches!(self.screen, Screen::Home | Screen::Enroll) {
            return false;
        }
        let card = match ansinh_idcard::parse(text) {
            Ok(card) => card,
            Err(e) => return self.scan_failed(source, &e),
        };
        if self.screen == Screen::Home {
            self.navigate(Screen::Enroll);
            if self.screen != Screen::Enroll {
                // Refused (no server key, a clock not trusted): the band says why.
                return true;
            }
        }
        self.activity();
        self.keyboard.hide();
        self.picker = None;
        let mut placed = ansinh_idcard::address::place(&card.address);
        self.enroll.prefill_from_card(&card, &placed, self.lang);
        placed.line.zeroize();
        placed.commune_search.zeroize();
        true
    }

    fn scan_failed(&mut self, source: Source, error: &Error) -> bool {
        if !matches!(self.screen, Screen::Home | Screen::Enroll) {
            return false;
        }
        let lang = self.lang;
        let message = match error {
            Error::NotACardCode(field) => tr!(lang, "scan-not-a-card", field = field.as_str()),
            Error::DiacriticsLost if source == Source::Keyboard => {
                tr!(lang, "scan-lost-accents-keyboard").to_string()
            }
            Error::DiacriticsLost => tr!(lang, "scan-lost-accents").to_string(),
            Error::NotUtf8 => tr!(lang, "scan-not-utf8").to_string(),
            Error::Device { .. } => return false,
        };
        if self.screen == Screen::Home {
            self.navigate(Screen::Enroll);
            if self.screen != Screen::Enroll {
                return true;
            }
        }
        self.activity();
        self.enroll.scan_refused(message);
        true
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::rc::Rc;
    use std::sync::mpsc::channel;
    use std::time::{Duration, Instant};

    use super::*;
    use crate::app::Options;
    use crate::controllers::enroll::StepKind;
    use crate::store::MemoryStore;
    use ansinh_device::clock::FakeClock;
    use ansinh_idcard::readers::spawn;

    const CARD: &str = "001179012345|012345678|NGUYỄN THỊ HỒNG NHUNG|15031979|Nữ|Số 12, ngõ 34, phố Quang Trung, Phường Hà Cầu, Quận Hà Đông, Thành phố Hà Nội|15042021";

    fn app() -> App {
        let today = "2026-11-22".parse().unwrap_or_else(|_| unreachable!());
        let options = Options {
            pin_params: argon2::Params::new(256, 1, 1, None).unwrap_or_default(),
            ..Options::default()
        };
        App::new(Box::new(MemoryStore::default()), Rc::new(FakeClock::at(today)), options)
    }

    fn field(app: &App, id: &str) -> crate::controllers::enroll::FieldView {
        let v = app.enroll.view(&app.table, app.today(), app.lang);
        v.fields.iter().find(|f| f.id == id).cloned().unwrap_or_default()
    }

    /// The serial scanner's thread on a pseudo-terminal, the app taking its scan at the tick:
    /// from the home screen into the real wizard, filled in.
    #[test]
    fn a_card_scanned_on_the_serial_line_at_home_opens_the_wizard_filled_in()
    -> Result<(), Box<dyn std::error::Error>> {
        use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY)?;
        grantpt(&master)?;
        unlockpt(&master)?;
        let path = std::path::PathBuf::from(ptsname(&master, Vec::new())?.into_string()?);
        let (events, scans) = channel();
        let _reader = spawn(Source::Serial, path, events);
        let mut app = app();
        app.attach_scanner(scans);
        let started = Instant::now();
        while rustix::termios::tcgetattr(&master)?
            .local_modes
            .contains(rustix::termios::LocalModes::ICANON)
        {
            assert!(started.elapsed() < Duration::from_secs(20), "the line never became raw");
            std::thread::sleep(Duration::from_millis(10));
        }
        std::fs::File::from(master.try_clone()?).write_all(format!("{CARD}\r\n").as_bytes())?;
        while app.screen != Screen::Enroll {
            assert!(started.elapsed() < Duration::from_secs(20), "the scan never arrived");
            std::thread::sleep(Duration::from_millis(10));
            app.tick();
        }
        assert_eq!(app.enroll.step(), 0);
        assert_eq!(field(&app, "person.full_name").value, "NGUYỄN THỊ HỒNG NHUNG");
        assert_eq!(field(&app, "person.full_name").note, "Từ thẻ — kiểm tra lại");
        assert_eq!(field(&app, "person.birth_date").value, "15/03/1979");
        assert_eq!(app.enroll.value("person.personal_id"), "001179012345");
        assert_eq!(app.enroll.value("person.address.commune_code"), "09556");
        // Staff check and go on through the same wizard: the review comes as always.
        let (t, d, l) = (app.table.clone(), app.today(), app.lang);
        app.enroll.set("person.ethnicity", "01");
        for _ in 0..4 {
            assert!(app.enroll.next(&t, d, l), "{:?}", app.enroll.step_problems(&t, d, l));
        }
        assert_eq!(app.enroll.view(&t, d, l).kind, Some(StepKind::Fields), "payment");
        drop(master);
        Ok(())
    }

    #[test]
    fn a_keyboard_mode_scan_without_accents_fills_nothing_and_says_what_to_do() {
        let (events, scans) = channel();
        let mut app = app();
        app.attach_scanner(scans);
        app.navigate(Screen::Enroll);
        app.enroll.start(crate::controllers::enroll::Scheme::Voluntary);
        let mangled = "001179012345|012345678|NGUYN TH HNG NHUNG|15031979|N|S 12, ng 34, ph Quang Trung, Phng H Cu, Qun H ng, Thnh ph H Ni|15042021";
        let scan = Event::Scan { source: Source::Keyboard, text: mangled.into() };
        assert!(events.send(scan).is_ok());
        assert!(app.tick());
        let v = app.enroll.view(&app.table, app.today(), app.lang);
        assert_eq!(
            v.banner,
            "Máy quét đang ở chế độ bàn phím, chữ có dấu bị mất: chuyển máy quét sang chế độ cổng COM (USB CDC). Chưa điền gì từ lần quét này."
        );
        assert_eq!(app.enroll.value("person.full_name"), "");
        // The same from a serial scanner set to another code page: set it to UTF-8.
        assert!(app.scanned(Source::Serial, mangled));
        let v = app.enroll.view(&app.table, app.today(), app.lang);
        assert!(v.banner.contains("UTF-8"), "{}", v.banner);
    }

    #[test]
    fn another_code_on_the_home_screen_says_it_is_not_a_card() {
        let mut app = app();
        assert!(app.scanned(Source::Camera, "https://thu.example.vn/r/1?m=abc"));
        assert_eq!(app.screen, Screen::Enroll);
        let v = app.enroll.view(&app.table, app.today(), app.lang);
        assert!(!v.started, "the scheme is still the person's choice");
        assert!(
            v.banner.starts_with("Mã vừa quét không phải mã QR của căn cước gắn chip."),
            "{}",
            v.banner
        );
        let wrong_id = CARD.replacen("001179", "001180", 1);
        assert!(app.scanned(Source::Serial, &wrong_id));
        let v = app.enroll.view(&app.table, app.today(), app.lang);
        assert!(v.banner.contains("(số định danh không đúng)"), "{}", v.banner);
    }

    #[test]
    fn a_scan_on_a_quote_screen_is_dropped_and_the_next_customer_starts_empty() {
        let mut app = app();
        app.navigate(Screen::Quote);
        assert!(!app.scanned(Source::Serial, CARD));
        assert_eq!((app.screen, app.enroll.scheme()), (Screen::Quote, None));
        app.navigate(Screen::Home);
        assert!(app.scanned(Source::Serial, CARD));
        app.reset();
        assert_eq!(app.screen, Screen::Home);
        assert_eq!(app.enroll.value("person.full_name"), "");
        assert!(!app.enroll.from_card("person.full_name"));
    }
}
