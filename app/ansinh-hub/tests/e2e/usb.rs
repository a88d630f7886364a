//! USB carry-out with the real `ansinh-hub` command: export on the device, import on the
//! server (twice), acknowledgement back on the device, then the network: no duplicates.

use std::path::Path;
use std::process::Command;

use ansinh_uploader::{export_bundle, import_ack};

use crate::support::*;

fn hub_command(data: &Path, args: &[&str]) -> Res<(bool, String, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_ansinh-hub"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()?;
    Ok((out.status.success(), String::from_utf8(out.stdout)?, String::from_utf8(out.stderr)?))
}

#[test]
fn bundle_import_twice_then_upload_creates_no_duplicates() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub_dir = tmp.path().join("hub");
    let server = Server::start(&rt, &hub_dir, 0)?;
    let dir = device(tmp.path(), "device", &server.url(), &server.token()?)?;
    let first = enqueue(&dir, 20)?;
    let stick = tmp.path().join("stick");
    std::fs::create_dir_all(&stick)?;
    let bundle = stick.join("xa-van-phuc.bundle");
    let export = export_bundle(&dir, &bundle)?;
    assert_eq!((export.records, export.files.len()), (20, 1));

    // On the server, while it is running: the command imports and writes FILE.ack.
    let (ok, out, err) = hub_command(&hub_dir, &["import", bundle.to_str().ok_or("path")?])?;
    assert!(ok, "{out}{err}");
    assert!(out.contains("20 accepted, 0 already held"), "{out}");
    let ack = stick.join("xa-van-phuc.bundle.ack");
    assert!(ack.exists());
    let (ok, out, _) = hub_command(&hub_dir, &["import", bundle.to_str().ok_or("path")?])?;
    assert!(ok);
    assert!(
        out.contains("0 accepted, 20 already held") && out.contains("imported before"),
        "{out}"
    );
    assert_eq!(server.hub().store().totals()?.records, 20);

    let r = import_ack(&dir, &ack)?;
    assert_eq!((r.acknowledged, r.already_acknowledged), (20, 0));
    assert_eq!(import_ack(&dir, &ack)?.acknowledged, 0, "reading the file twice changes nothing");
    let clock = TestClock::new();
    let policy = ansinh_uploader::Policy::default();
    let reports = sync_until_done(&dir, &server.url(), &clock, &policy, 2)?;
    assert_eq!(reports[0].batches, 0, "acknowledged records are never sent again");

    // Records exported but then uploaded over the network first.
    let second = enqueue(&dir, 5)?;
    let bundle2 = stick.join("second.bundle");
    assert_eq!(export_bundle(&dir, &bundle2)?.records, 5, "only the unsent ones");
    let reports = sync_until_done(&dir, &server.url(), &clock, &policy, 2)?;
    assert_eq!(reports[0].acknowledged, 5);
    let (ok, out, _) = hub_command(&hub_dir, &["import", bundle2.to_str().ok_or("path")?])?;
    assert!(ok && out.contains("0 accepted, 5 already held"), "{out}");
    let r = import_ack(&dir, &stick.join("second.bundle.ack"))?;
    assert_eq!((r.acknowledged, r.already_acknowledged), (0, 5));

    let store = server.hub().store();
    assert_eq!(store.totals()?.records, 25);
    assert_eq!(store.totals()?.bundles, 2);
    for id in first.iter().chain(&second) {
        assert!(store.record(id)?.is_some());
    }
    assert_eq!(acknowledged(&dir)?, 25);
    server.stop(&rt)?;
    Ok(())
}

#[test]
fn a_damaged_or_foreign_bundle_is_refused() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub_dir = tmp.path().join("hub");
    let server = Server::start(&rt, &hub_dir, 0)?;
    let dir = device(tmp.path(), "device", &server.url(), &server.token()?)?;
    enqueue(&dir, 3)?;
    let bundle = tmp.path().join("b.bundle");
    export_bundle(&dir, &bundle)?;
    let mut bytes = std::fs::read(&bundle)?;
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    let damaged = tmp.path().join("damaged.bundle");
    std::fs::write(&damaged, &bytes)?;
    let (ok, _, err) = hub_command(&hub_dir, &["import", damaged.to_str().ok_or("path")?])?;
    assert!(!ok);
    assert!(err.contains("bundle refused"), "{err}");
    assert!(!tmp.path().join("damaged.bundle.ack").exists());
    // Another hub does not know the device.
    let other = tmp.path().join("other-hub");
    let (ok, _, err) = hub_command(&other, &["import", bundle.to_str().ok_or("path")?])?;
    assert!(!ok && err.contains("unknown_device"), "{err}");
    assert_eq!(server.hub().store().totals()?.records, 0);
    server.stop(&rt)?;
    Ok(())
}
