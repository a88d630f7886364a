//! The root side of software updates with real RAUC bundles: each test builds small plain
//! bundles with `rauc bundle`, signed with a certificate made by `openssl`, and checks them
//! with the real `rauc info` against a keyring ([`RaucVerifier`]); the installing side is a
//! recording double (the real `rauc install` runs in the image's QEMU boot test). Needs
//! `rauc`, `squashfs-tools` and `openssl` (tests/run.sh installs them).
//!
//! Also the kiosk's side of the contract: requests written only when there is something to
//! ask, a reboot asked for only once root says the update is installed.

use std::path::{Path, PathBuf};

use ansinh_device::update::{
    COMPATIBLE, INSTALL_REQUEST, InstallOptions, Installed, Installer, Phase, REBOOT_REQUEST,
    RaucVerifier, Rebooted, Refusal, Requested, Status, Updates, at_idle_reset, install, reboot,
    status,
};
use ansinh_tests::rauc::Signer;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn signer(dir: &Path, name: &str) -> Res<Signer> {
    Ok(ansinh_tests::rauc::signer(dir, name)?)
}

fn bundle(dir: &Path, signer: &Signer, compatible: &str, version: &str, out: &Path) -> Res<()> {
    Ok(ansinh_tests::rauc::bundle(dir, signer, compatible, version, out)?)
}

/// An installer that records what it was asked.
#[derive(Default)]
struct Recording {
    installed: Vec<PathBuf>,
    reboots: usize,
}

impl Installer for Recording {
    fn install(&mut self, bundle: &Path) -> Result<(), String> {
        // What RAUC is given must be the bundle, unchanged, where the kiosk cannot reach it.
        let bytes = std::fs::read(bundle).map_err(|e| e.to_string())?;
        if !bytes.starts_with(b"hsqs") {
            return Err("not a bundle".into());
        }
        self.installed.push(bundle.to_path_buf());
        Ok(())
    }

    fn reboot(&mut self) -> Result<(), String> {
        self.reboots += 1;
        Ok(())
    }
}

struct Device {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    usb: PathBuf,
    work: PathBuf,
    updates: Updates,
    verifier: RaucVerifier,
    good: Signer,
}

fn device() -> Res<Device> {
    let tmp = tempfile::tempdir()?;
    let (root, usb, work) =
        (tmp.path().join("data"), tmp.path().join("usb"), tmp.path().join("work"));
    for d in [&root, &usb, &work] {
        std::fs::create_dir_all(d)?;
    }
    let good = signer(&work, "ansinh-release")?;
    let updates = Updates::of(&root);
    updates.create()?;
    let verifier = RaucVerifier { keyring: good.cert.clone() };
    Ok(Device { root, usb, work, updates, verifier, good, _tmp: tmp })
}

fn options(d: &Device, running: &str) -> InstallOptions {
    InstallOptions {
        running: running.into(),
        usb_dir: Some(d.usb.clone()),
        bundle: None,
        now: 1_800_000_000,
    }
}

#[test]
fn a_genuine_newer_bundle_is_installed_from_the_kiosks_request_and_reboots_at_the_next_idle_reset()
-> Res<()> {
    let d = device()?;
    let path = d.updates.bundle_path("1.2.0");
    bundle(&d.work, &d.good, COMPATIBLE, "1.2.0", &path)?;
    assert_eq!(status(&d.updates, "1.1.0", None)?, Status::Ready { version: Some("1.2.0".into()) });
    let mut installer = Recording::default();
    // No request yet: nothing happens.
    assert_eq!(
        install(&d.updates, &options(&d, "1.1.0"), &d.verifier, &mut installer)?,
        Installed::NoRequest
    );

    // The kiosk's idle reset asks for it, once.
    let asked = at_idle_reset(&d.updates, "1.1.0", Some(&d.usb))?;
    assert_eq!(asked, Requested::Install(std::fs::canonicalize(&path)?));
    assert_eq!(
        at_idle_reset(&d.updates, "1.1.0", Some(&d.usb))?,
        Requested::Nothing,
        "one request at a time"
    );
    assert!(matches!(status(&d.updates, "1.1.0", None)?, Status::Installing { .. }));

    let done = install(&d.updates, &options(&d, "1.1.0"), &d.verifier, &mut installer)?;
    assert_eq!(done, Installed::Done { version: "1.2.0".into() });
    assert!(!d.updates.has_request(INSTALL_REQUEST), "the request is taken");
    assert_eq!(installer.installed.len(), 1);
    assert!(
        installer.installed[0].starts_with(d.updates.path().join("install")),
        "moved out of the kiosk's reach first"
    );
    assert!(
        !path.exists() && !installer.installed[0].exists(),
        "the bundle is deleted once installed"
    );
    let state = d.updates.state()?.ok_or("no state")?;
    assert_eq!((state.phase, state.version.as_str()), (Phase::Installed, "1.2.0"));
    assert_eq!(
        status(&d.updates, "1.1.0", None)?,
        Status::WaitingForReboot { version: "1.2.0".into() }
    );

    // The next idle reset asks for the reboot; root reboots once.
    assert_eq!(at_idle_reset(&d.updates, "1.1.0", Some(&d.usb))?, Requested::Reboot);
    assert!(d.updates.has_request(REBOOT_REQUEST));
    assert_eq!(
        reboot(&d.updates, 1_800_000_100, &mut installer)?,
        Rebooted::Started { version: "1.2.0".into() }
    );
    assert_eq!((installer.reboots, d.updates.has_request(REBOOT_REQUEST)), (1, false));
    assert_eq!(reboot(&d.updates, 1_800_000_200, &mut installer)?, Rebooted::NoRequest);
    // After the reboot the new version runs: nothing more to do; had the box gone back to the
    // old slot, staff would read it.
    assert_eq!(status(&d.updates, "1.2.0", None)?, Status::UpToDate { running: "1.2.0".into() });
    assert_eq!(at_idle_reset(&d.updates, "1.2.0", Some(&d.usb))?, Requested::Nothing);
    assert_eq!(
        status(&d.updates, "1.1.0", None)?,
        Status::FellBack { version: "1.2.0".into(), running: "1.1.0".into() }
    );
    assert_eq!(at_idle_reset(&d.updates, "1.1.0", Some(&d.usb))?, Requested::Nothing, "not again");
    Ok(())
}

/// A bundle's version, its signer and `compatible`, the version running, the refusal expected.
type Case<'a> = (&'a str, &'a Signer, &'a str, &'a str, fn(&Refusal) -> bool);

#[test]
fn bad_signatures_other_devices_downgrades_and_foreign_places_are_refused() -> Res<()> {
    let d = device()?;
    let other = signer(&d.work, "someone-else")?;
    let mut installer = Recording::default();
    let cases: Vec<Case<'_>> = vec![
        ("1.2.0", &other, COMPATIBLE, "1.1.0", |r| matches!(r, Refusal::Signature(_))),
        ("1.2.0", &d.good, "some-other-board", "1.1.0", |r| {
            matches!(r, Refusal::Incompatible { .. })
        }),
        ("1.0.0", &d.good, COMPATIBLE, "1.1.0", |r| matches!(r, Refusal::NotNewer { .. })),
        ("1.1.0", &d.good, COMPATIBLE, "1.1.0", |r| matches!(r, Refusal::NotNewer { .. })),
    ];
    for (version, key, compatible, running, expected) in cases {
        // From the stick: the file stays there.
        let path = d.usb.join(format!("ansinh-{version}.raucb"));
        bundle(&d.work, key, compatible, version, &path)?;
        d.updates.write_request(INSTALL_REQUEST, &path.display().to_string())?;
        let outcome = install(&d.updates, &options(&d, running), &d.verifier, &mut installer)?;
        let Installed::Refused(refusal) = outcome else {
            return Err(format!("{version} {compatible}: {outcome:?}").into());
        };
        assert!(expected(&refusal), "{version} {compatible}: {refusal}");
        let state = d.updates.state()?.ok_or("no state")?;
        assert_eq!(state.phase, Phase::Refused);
        assert_eq!(state.reason.as_deref(), Some(refusal.to_string().as_str()));
        assert!(path.exists());
        std::fs::remove_file(&path)?;
    }
    let said = |r: Refusal| r.to_string();
    assert_eq!(
        said(Refusal::NotNewer { offered: "1.0.0".into(), running: "1.1.0".into() }),
        "version 1.0.0 is not newer than 1.1.0, which this device runs: not installed"
    );

    // A request naming a file anywhere else is refused before anything reads it.
    let elsewhere = d.work.join("ansinh-1.5.0.raucb");
    bundle(&d.work, &d.good, COMPATIBLE, "1.5.0", &elsewhere)?;
    d.updates.write_request(INSTALL_REQUEST, &elsewhere.display().to_string())?;
    let outcome = install(&d.updates, &options(&d, "1.1.0"), &d.verifier, &mut installer)?;
    assert!(matches!(outcome, Installed::Refused(Refusal::Place(_))), "{outcome:?}");
    // A person at the console may name it (`--bundle`): the other checks stand.
    let console = InstallOptions { bundle: Some(elsewhere.clone()), ..options(&d, "1.1.0") };
    assert_eq!(
        install(&d.updates, &console, &d.verifier, &mut installer)?,
        Installed::Done { version: "1.5.0".into() }
    );
    assert_eq!(installer.installed, vec![std::fs::canonicalize(&elsewhere)?]);
    // A refused version is not asked for again at the next idle reset.
    let refused = d.usb.join("ansinh-2.0.0.raucb");
    bundle(&d.work, &other, COMPATIBLE, "2.0.0", &refused)?;
    std::fs::remove_file(d.root.join("updates").join("state.json"))?;
    assert_eq!(
        at_idle_reset(&d.updates, "1.1.0", Some(&d.usb))?,
        Requested::Install(std::fs::canonicalize(&refused)?)
    );
    assert!(matches!(
        install(&d.updates, &options(&d, "1.1.0"), &d.verifier, &mut installer)?,
        Installed::Refused(Refusal::Signature(_))
    ));
    assert_eq!(at_idle_reset(&d.updates, "1.1.0", Some(&d.usb))?, Requested::Nothing);
    assert!(matches!(status(&d.updates, "1.1.0", Some(&d.usb))?, Status::Refused { .. }));
    Ok(())
}

/// An installer through which the power is cut while RAUC writes: what was on the disk at
/// that moment (`state.json`, the bundle being installed) is kept, as a restart finds it.
struct CutDuringInstall {
    updates_dir: PathBuf,
    kept: PathBuf,
}

impl Installer for CutDuringInstall {
    fn install(&mut self, bundle: &Path) -> Result<(), String> {
        let keep = |from: &Path, name: &str| {
            std::fs::copy(from, self.kept.join(name)).map(|_| ()).map_err(|e| e.to_string())
        };
        keep(&self.updates_dir.join("state.json"), "state.json")?;
        keep(bundle, "bundle")?;
        Err("the power was cut".into())
    }

    fn reboot(&mut self) -> Result<(), String> {
        Err("no reboot in this test".into())
    }
}

/// An installer whose RAUC fails every time (a disk that cannot be written).
#[derive(Default)]
struct Failing {
    tries: usize,
}

impl Installer for Failing {
    fn install(&mut self, _: &Path) -> Result<(), String> {
        self.tries += 1;
        Err("Failed to write slot: Input/output error".into())
    }

    fn reboot(&mut self) -> Result<(), String> {
        Err("no reboot in this test".into())
    }
}

#[test]
fn an_install_cut_by_a_power_cut_is_tried_again_and_a_failing_one_at_most_three_times() -> Res<()> {
    let d = device()?;
    let first = Updates::in_boot(&d.root, "boot-1");
    let path = first.bundle_path("1.2.0");
    bundle(&d.work, &d.good, COMPATIBLE, "1.2.0", &d.work.join("downloaded.raucb"))?;
    std::fs::copy(d.work.join("downloaded.raucb"), &path)?;
    assert_eq!(at_idle_reset(&first, "1.1.0", None)?, Requested::Install(path.canonicalize()?));

    // The power is cut while RAUC writes slot B: the disk keeps "installing" and the bundle
    // in install/.
    let kept = d.work.join("at-the-cut");
    std::fs::create_dir_all(&kept)?;
    let mut cut = CutDuringInstall { updates_dir: first.path().to_path_buf(), kept: kept.clone() };
    install(&first, &options(&d, "1.1.0"), &d.verifier, &mut cut)?;
    let staged = first.path().join("install").join("ansinh-1.2.0.raucb");
    std::fs::copy(kept.join("state.json"), first.path().join("state.json"))?;
    std::fs::copy(kept.join("bundle"), &staged)?;
    assert!(matches!(status(&first, "1.1.0", None)?, Status::Installing { .. }));
    assert_eq!(at_idle_reset(&first, "1.1.0", None)?, Requested::Nothing, "still in that boot");

    // The next boot: not "installing" for ever. It reads as a failed try, the downloader
    // fetches the bundle again (the cut install had taken it) and the next idle reset asks.
    let second = Updates::in_boot(&d.root, "boot-2");
    let state = second.state()?.ok_or("no state")?;
    assert_eq!((state.phase, state.attempts), (Phase::Failed, 1));
    assert_eq!(state.reason.as_deref(), Some("the device restarted while it was being installed"));
    assert!(!state.settles("1.2.0"), "tried again");
    assert!(matches!(status(&second, "1.1.0", None)?, Status::Refused { .. }));
    assert_eq!(at_idle_reset(&second, "1.1.0", None)?, Requested::Nothing, "no bundle yet");
    std::fs::copy(d.work.join("downloaded.raucb"), &path)?;
    assert_eq!(status(&second, "1.1.0", None)?, Status::Ready { version: Some("1.2.0".into()) });
    assert_eq!(at_idle_reset(&second, "1.1.0", None)?, Requested::Install(path.canonicalize()?));
    let mut installer = Recording::default();
    let done = install(&second, &options(&d, "1.1.0"), &d.verifier, &mut installer)?;
    assert_eq!(done, Installed::Done { version: "1.2.0".into() });
    assert_eq!(second.state()?.ok_or("no state")?.attempts, 2);
    let left: Vec<_> = std::fs::read_dir(second.path().join("install"))?.collect();
    assert!(left.is_empty(), "the cut install's copy is gone: {left:?}");

    // Restarted into it at the next idle reset.
    assert_eq!(at_idle_reset(&second, "1.1.0", None)?, Requested::Reboot);
    assert!(matches!(reboot(&second, 1_800_000_100, &mut installer)?, Rebooted::Started { .. }));
    let third = Updates::in_boot(&d.root, "boot-3");

    // A version RAUC fails to write every time: three tries, each with the bundle downloaded
    // again, then it is left alone (and staff see why) until a newer one comes.
    let mut failing = Failing::default();
    let path = third.bundle_path("1.3.0");
    for attempt in 1..=3 {
        bundle(&d.work, &d.good, COMPATIBLE, "1.3.0", &path)?;
        assert_eq!(
            at_idle_reset(&third, "1.2.0", None)?,
            Requested::Install(path.canonicalize()?),
            "try {attempt}"
        );
        let outcome = install(&third, &options(&d, "1.2.0"), &d.verifier, &mut failing)?;
        assert!(matches!(outcome, Installed::Refused(Refusal::Failed(_))), "{outcome:?}");
        let state = third.state()?.ok_or("no state")?;
        assert_eq!((state.phase, state.attempts), (Phase::Failed, attempt));
        assert_eq!(state.settles("1.3.0"), attempt == 3);
    }
    assert_eq!(failing.tries, 3);
    bundle(&d.work, &d.good, COMPATIBLE, "1.3.0", &path)?;
    assert_eq!(at_idle_reset(&third, "1.2.0", None)?, Requested::Nothing, "not a fourth time");
    let Status::Refused { code, .. } = status(&third, "1.2.0", None)? else {
        return Err("staff should see the failure".into());
    };
    assert_eq!(code, "failed");
    Ok(())
}
