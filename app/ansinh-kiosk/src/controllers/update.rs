//! Software updates at the counter: the kiosk's side of the contract with the image's root
//! units (`ansinh_device::update`). Only at an idle reset — no citizen session in progress,
//! nothing being entered — and while the kiosk then stays idle, every 15 seconds: the
//! `install-request` for a downloaded (or a stick's) newer bundle, and, once the root side says
//! it is installed, the `reboot-request` at the next such moment. Never while someone uses the
//! kiosk. Staff read where updates stand on their screen.

use std::path::PathBuf;

use ansinh_device::clock::Timestamp;
use ansinh_device::update::{Requested, Status, Updates, at_idle_reset, running_version, status};

/// While the kiosk stays idle after its reset, how often it looks again (the root side
/// installs in the meantime).
pub const IDLE_CHECK_SECS: i64 = 15;

/// Where the kiosk finds updates (the binary's `--data-dir` and `--usb-update-dir`).
#[derive(Clone, Debug)]
pub struct UpdateOptions {
    /// The data directory (its `updates/` folder).
    pub data_dir: PathBuf,
    /// The USB stick's mount folder, whose `*.raucb` are candidates too.
    pub usb_dir: Option<PathBuf>,
    /// The release file naming the version running.
    pub release_file: PathBuf,
}

/// The kiosk's update requests.
#[derive(Debug)]
pub struct UpdateRequests {
    updates: Updates,
    usb_dir: Option<PathBuf>,
    running: String,
    last: Option<Timestamp>,
}

impl UpdateRequests {
    /// Requests over `options`; the version running is read once, at start.
    pub fn new(options: &UpdateOptions) -> Self {
        Self {
            updates: Updates::of(&options.data_dir),
            usb_dir: options.usb_dir.clone(),
            running: running_version(&options.release_file),
            last: None,
        }
    }

    /// The kiosk is idle (it was just reset, or stays so): asks root for what is due, at most
    /// once every [`IDLE_CHECK_SECS`] unless `reset` (the idle reset itself always looks).
    pub fn idle(&mut self, now: Timestamp, reset: bool) -> Requested {
        if !reset && self.last.is_some_and(|at| now >= at && now - at < IDLE_CHECK_SECS) {
            return Requested::Nothing;
        }
        self.last = Some(now);
        match at_idle_reset(&self.updates, &self.running, self.usb_dir.as_deref()) {
            Ok(asked) => {
                match &asked {
                    Requested::Install(path) => {
                        eprintln!("ansinh-kiosk: asked to install {}", path.display());
                    }
                    Requested::Reboot => {
                        eprintln!("ansinh-kiosk: asked to restart into the update")
                    }
                    Requested::Nothing => {}
                }
                asked
            }
            // A full or read-only data partition: nothing asked, said in the journal.
            Err(e) => {
                eprintln!("ansinh-kiosk: update request: {e}");
                Requested::Nothing
            }
        }
    }

    /// Where updates stand, for staff (`None` when the folder cannot be read: said instead).
    pub fn status(&self) -> Result<Status, String> {
        status(&self.updates, &self.running, self.usb_dir.as_deref()).map_err(|e| e.to_string())
    }

    /// The version running.
    pub fn running(&self) -> &str {
        &self.running
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::rc::Rc;

    use ansinh_device::clock::FakeClock;
    use ansinh_device::update::{
        INSTALL_REQUEST, InstallState, Phase, REBOOT_REQUEST, STATE_FORMAT,
    };

    use super::*;
    use crate::app::{App, Options, Screen};
    use crate::controllers::enroll::Scheme;
    use crate::store::MemoryStore;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn app_on(data: &Path, usb: &Path) -> Result<(App, Rc<FakeClock>), Box<dyn std::error::Error>> {
        std::fs::create_dir_all(data)?;
        let release = data.join("release");
        std::fs::write(&release, "VERSION=1.1.0\n")?;
        let today = "2026-11-22".parse().map_err(|_| "date")?;
        let clock = Rc::new(FakeClock::at(today));
        let options = Options {
            pin_params: argon2::Params::new(256, 1, 1, None).unwrap_or_default(),
            updates: Some(UpdateOptions {
                data_dir: data.to_path_buf(),
                usb_dir: Some(usb.to_path_buf()),
                release_file: release,
            }),
            ..Options::default()
        };
        Ok((App::new(Box::new(MemoryStore::default()), clock.clone(), options), clock))
    }

    /// Someone fills in the wizard, a second at a time, for `secs` seconds.
    fn typing_for(app: &mut App, clock: &FakeClock, secs: i64) {
        for _ in 0..secs {
            clock.advance(1);
            app.activity();
            app.key("a");
            app.tick();
        }
    }

    fn idle_for(app: &mut App, clock: &FakeClock, secs: i64) {
        for _ in 0..secs {
            clock.advance(1);
            app.tick();
        }
    }

    fn installed_by_root(updates: &Updates, version: &str) -> TestResult {
        // What `ansinh update install` does with the request, as root.
        let asked = updates.take_request(INSTALL_REQUEST)?.ok_or("no install request")?;
        let state = InstallState {
            format: STATE_FORMAT,
            phase: Phase::Installed,
            version: version.into(),
            bundle: asked,
            at: 0,
            code: None,
            reason: None,
            boot: None,
            attempts: 1,
        };
        updates.write_state(&state)?;
        Ok(())
    }

    #[test]
    fn the_install_is_asked_only_at_the_idle_reset_and_the_reboot_at_the_next_one() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let (data, usb) = (tmp.path().join("data"), tmp.path().join("usb"));
        std::fs::create_dir_all(&usb)?;
        let (mut app, clock) = app_on(&data, &usb)?;
        let updates = Updates::of(&data);
        let line = |app: &App| app.update_line().map(|l| l.value).unwrap_or_default();
        assert_eq!(line(&app), "Phần mềm 1.1.0 là bản mới nhất");

        // A customer is in the wizard when the download completes.
        app.navigate(Screen::Enroll);
        app.enroll.start(Scheme::Voluntary);
        app.tap_field("person.full_name");
        updates.create()?;
        std::fs::write(updates.bundle_path("1.2.0"), b"hsqs...")?;
        assert_eq!(line(&app), "Đã tải xong bản cập nhật 1.2.0; sẽ cài khi máy rảnh");
        typing_for(&mut app, &clock, 200);
        // The idle warning counts down: still the customer's session.
        idle_for(&mut app, &clock, 89);
        assert_eq!(app.screen, Screen::Enroll);
        assert!(!updates.has_request(INSTALL_REQUEST), "never during a session");
        // The idle reset: the session is cleared, then the install is asked for.
        idle_for(&mut app, &clock, 1);
        assert_eq!(app.screen, Screen::Home);
        let asked = std::fs::read_to_string(data.join("updates").join(INSTALL_REQUEST))?;
        assert_eq!(
            asked.trim(),
            std::fs::canonicalize(updates.bundle_path("1.2.0"))?.to_str().ok_or("path")?
        );
        assert!(line(&app).starts_with("Đang cài bản cập nhật 1.2.0"), "{}", line(&app));

        // Root installs it; meanwhile the next customer arrives.
        installed_by_root(&updates, "1.2.0")?;
        assert_eq!(line(&app), "Đã cài bản 1.2.0; máy sẽ khởi động lại khi rảnh");
        clock.advance(5);
        app.activity();
        app.navigate(Screen::Quote);
        typing_for(&mut app, &clock, 120);
        idle_for(&mut app, &clock, 89);
        assert!(!updates.has_request(REBOOT_REQUEST), "no restart under a customer's nose");
        idle_for(&mut app, &clock, 1);
        assert!(updates.has_request(REBOOT_REQUEST), "the next idle reset asks for it");
        assert!(!updates.has_request(INSTALL_REQUEST));
        Ok(())
    }

    #[test]
    fn an_untouched_kiosk_asks_again_while_idle_and_a_sticks_bundle_counts() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let (data, usb) = (tmp.path().join("data"), tmp.path().join("usb"));
        std::fs::create_dir_all(&usb)?;
        let (mut app, clock) = app_on(&data, &usb)?;
        let updates = Updates::of(&data);
        // Nobody touched it since it started: idle once the reset time has passed.
        idle_for(&mut app, &clock, 95);
        assert!(!updates.has_request(INSTALL_REQUEST), "nothing to install");
        // A stick with a newer bundle (and an older one, ignored) is plugged in.
        std::fs::write(usb.join("ansinh-1.0.0.raucb"), b"hsqs")?;
        std::fs::write(usb.join("ansinh-1.3.0.raucb"), b"hsqs")?;
        idle_for(&mut app, &clock, IDLE_CHECK_SECS);
        let asked = updates.take_request(INSTALL_REQUEST)?.ok_or("not asked")?;
        assert!(asked.ends_with("ansinh-1.3.0.raucb"), "{asked}");
        // Root refused it (say, another key's signature): not asked for again.
        let state = InstallState {
            format: STATE_FORMAT,
            phase: Phase::Refused,
            version: "1.3.0".into(),
            bundle: asked,
            at: 0,
            code: Some("signature".into()),
            reason: Some("signature verification failed".into()),
            boot: None,
            attempts: 1,
        };
        updates.write_state(&state)?;
        idle_for(&mut app, &clock, 3 * IDLE_CHECK_SECS);
        assert!(!updates.has_request(INSTALL_REQUEST));
        app.lang = ansinh_text::Locale::from_code("en")?;
        let line = app.update_line().map(|l| l.value).unwrap_or_default();
        assert_eq!(line, "Update 1.3.0 refused: the signature does not verify");
        Ok(())
    }
}
