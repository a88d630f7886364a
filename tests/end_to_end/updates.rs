//! Software updates end to end (issue 15, points 2–3): a real RAUC bundle, signed with a test
//! certificate, published on a real hub; a registered device sends its records, then downloads
//! the bundle through the fault-injecting proxy, which cuts answers mid-way; after the cut the
//! device starts again from nothing but its data directory and the download resumes from the
//! part file (fewer than twice the bundle's bytes fetched in all) and ends with the exact bytes.
//! The kiosk then asks root to install it only at the idle reset, root checks it with the real
//! `rauc info` and hands it to a recording installer, and the restart is asked for only at the
//! next idle reset.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use ansinh_device::update::{
    COMPATIBLE, INSTALL_REQUEST, InstallOptions, Installed, Installer, REBOOT_REQUEST,
    RaucVerifier, Rebooted, Updates, install, reboot,
};
use ansinh_hub::testing::{FaultProxy, Faults};
use ansinh_kiosk::app::{App, Options, Screen};
use ansinh_kiosk::controllers::update::UpdateOptions;
use ansinh_uploader::update::{UpdateFetch, fetch_update};
use ansinh_uploader::{HttpTransport, RetryPolicy};

use crate::support::{
    NOW, Server, TestResult, device, enqueue, runtime, sync_until_done, test_clock,
};

/// What root would hand to `rauc install` and `systemctl reboot`, recorded.
#[derive(Default)]
struct Recording {
    installed: Vec<Vec<u8>>,
    reboots: usize,
}

impl Installer for Recording {
    fn install(&mut self, bundle: &Path) -> Result<(), String> {
        self.installed.push(std::fs::read(bundle).map_err(|e| e.to_string())?);
        Ok(())
    }

    fn reboot(&mut self) -> Result<(), String> {
        self.reboots += 1;
        Ok(())
    }
}

fn idle_for(app: &mut App, clock: &ansinh_device::clock::FakeClock, secs: i64) {
    for _ in 0..secs {
        clock.advance(1);
        app.tick();
    }
}

fn busy_for(app: &mut App, clock: &ansinh_device::clock::FakeClock, secs: i64) {
    for _ in 0..secs {
        clock.advance(1);
        app.activity();
        app.tick();
    }
}

#[test]
fn a_published_bundle_downloads_through_cuts_resumes_after_a_restart_and_installs_at_idle_resets()
-> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    let work = tmp.path().join("build");
    std::fs::create_dir_all(&work)?;
    let signer = ansinh_tests::rauc::signer(&work, "ansinh-release")?;
    let file = work.join("ansinh-1.2.0.raucb");
    ansinh_tests::rauc::bundle_of_size(&work, &signer, COMPATIBLE, "1.2.0", 3 << 20, &file)?;
    let published = std::fs::read(&file)?;
    let size = published.len() as u64;
    server.hub().publish_update(&file, "1.2.0", "test", NOW)?;

    let dir = device(tmp.path(), "device", &server.url(), &server.token()?)?;
    enqueue(&dir, 5)?;
    let faults = Faults { seed: 15, cut_response_permille: 300, ..Faults::default() };
    let proxy = rt.block_on(FaultProxy::start(server.addr, faults))?;
    // Records first, through the same faulty network.
    let clock = test_clock();
    sync_until_done(&dir, &proxy.url(), &clock, &RetryPolicy::default(), 200)?;

    // The download, until the first cut.
    let updates = Updates::of(dir.root());
    let step = |transport: &mut HttpTransport| {
        fetch_update(dir.root(), transport, &clock, "1.1.0", &mut || true)
    };
    let mut transport = HttpTransport::new(&proxy.url(), Duration::from_secs(10))?;
    let mut first = step(&mut transport)?;
    while matches!(first, UpdateFetch::Failed { .. }) && updates.downloaded("1.2.0")? == 0 {
        // Cut before any range arrived (the offer itself): asked again.
        first = step(&mut transport)?;
    }
    assert!(matches!(first, UpdateFetch::Failed { .. }), "no cut mid-download: {first:?}");
    let cut_at = updates.downloaded("1.2.0")?;
    assert!(cut_at > 0 && cut_at < size, "cut at {cut_at} of {size}");
    drop(transport);

    // The device restarts: nothing but the data directory is left. It resumes from the part.
    let mut have = cut_at;
    let mut outcome = first;
    for _ in 0..100 {
        let mut transport = HttpTransport::new(&proxy.url(), Duration::from_secs(10))?;
        outcome = step(&mut transport)?;
        if matches!(outcome, UpdateFetch::Ready { .. }) {
            break;
        }
        let now = updates.downloaded("1.2.0")?;
        assert!(now >= have, "the part shrank from {have} to {now}");
        have = now;
    }
    assert_eq!(outcome, UpdateFetch::Ready { version: "1.2.0".into() });
    let bundle = updates.bundle_path("1.2.0");
    assert!(std::fs::read(&bundle)? == published, "not the published bytes");
    assert!(!updates.part_path("1.2.0").exists());
    let stats = proxy.stats();
    assert!(stats.cut_responses > 0, "{stats:?}");
    assert!(
        stats.bytes_down < 2 * size,
        "{} bytes fetched for {size}: {stats:?}",
        stats.bytes_down
    );

    // The kiosk on the same data directory, a customer at the counter.
    let release = tmp.path().join("ansinh-release");
    std::fs::write(&release, "VERSION=1.1.0\n")?;
    let kiosk_clock = Rc::new(ansinh_device::clock::FakeClock::at_time(NOW));
    let options = Options {
        updates: Some(UpdateOptions {
            data_dir: dir.root().to_path_buf(),
            usb_dir: None,
            release_file: release,
        }),
        ..Options::default()
    };
    let store = ansinh_kiosk::store::DeviceStore::open(dir.clone(), Default::default())?;
    let mut app = App::new(Box::new(store), kiosk_clock.clone(), options);
    app.activity();
    app.navigate(Screen::Quote);
    busy_for(&mut app, &kiosk_clock, 300);
    idle_for(&mut app, &kiosk_clock, 89);
    assert!(!updates.has_request(INSTALL_REQUEST), "asked while a customer was there");
    idle_for(&mut app, &kiosk_clock, 1);
    assert_eq!(app.screen, Screen::Home);
    let asked = std::fs::read_to_string(updates.path().join(INSTALL_REQUEST))?;
    assert_eq!(PathBuf::from(asked.trim()), std::fs::canonicalize(&bundle)?);

    // Root: the real signature check, the recorded install.
    let mut root = Recording::default();
    let verifier = RaucVerifier { keyring: signer.cert.clone() };
    let options = InstallOptions { running: "1.1.0".into(), usb_dir: None, bundle: None, now: NOW };
    assert_eq!(
        install(&updates, &options, &verifier, &mut root)?,
        Installed::Done { version: "1.2.0".into() }
    );
    assert!(root.installed.len() == 1 && root.installed[0] == published);

    // Not at the same idle reset: the next customer came meanwhile, and the restart waits
    // for the idle reset after them.
    assert!(!updates.has_request(REBOOT_REQUEST));
    app.activity();
    app.navigate(Screen::Quote);
    busy_for(&mut app, &kiosk_clock, 60);
    idle_for(&mut app, &kiosk_clock, 89);
    assert!(!updates.has_request(REBOOT_REQUEST), "a restart under a customer's nose");
    idle_for(&mut app, &kiosk_clock, 1);
    assert!(updates.has_request(REBOOT_REQUEST));
    assert_eq!(reboot(&updates, NOW, &mut root)?, Rebooted::Started { version: "1.2.0".into() });
    assert_eq!(root.reboots, 1);
    // Outbox untouched by all this: every record is held by the hub.
    let (outbox, _) = dir.outbox()?;
    assert_eq!(outbox.stats(NOW)?.unsent(), 0);
    server.stop(&rt)?;
    Ok(())
}
