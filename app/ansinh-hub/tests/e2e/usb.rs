//! USB carry-out with the real `ansinh-hub` command: export on the device, import on the
//! server (twice), acknowledgement back on the device, then the network: no duplicates. The
//! device's health report travels beside its bundles and `devices --json` shows it.

use std::path::Path;

use ansinh_uploader::{export_bundle, import_ack};

use crate::support::*;

fn hub_command(data: &Path, args: &[&str]) -> Res<(bool, String, String)> {
    let out = crate::hub_command(data)?.args(args).output()?;
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
    let clock = test_clock();
    let policy = ansinh_uploader::RetryPolicy::default();
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
    let device_id = dir.registration()?.ok_or("registered")?.device_id;
    for id in first.iter().chain(&second) {
        assert!(store.record(device_id, id)?.is_some());
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

#[test]
fn a_stick_of_two_devices_is_imported_as_a_folder_and_each_takes_its_acknowledgements() -> TestResult
{
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub_dir = tmp.path().join("hub");
    let server = Server::start(&rt, &hub_dir, 0)?;
    let a = device(tmp.path(), "a", &server.url(), &server.token()?)?;
    let b = device(tmp.path(), "b", &server.url(), &server.token()?)?;
    enqueue(&a, 3)?;
    enqueue(&b, 2)?;
    let stick = tmp.path().join("stick");
    std::fs::create_dir_all(&stick)?;
    std::fs::write(stick.join("ghi-chu.txt"), "not a bundle")?;
    let from_a = export_bundle(&a, &stick)?.files;
    let from_b = export_bundle(&b, &stick)?.files;
    assert_eq!((from_a.len(), from_b.len()), (1, 1));

    let (ok, out, err) = hub_command(&hub_dir, &["import", stick.to_str().ok_or("path")?])?;
    assert!(ok, "{out}{err}");
    for (file, accepted) in [(&from_a[0], 3), (&from_b[0], 2)] {
        let line = out
            .lines()
            .find(|l| l.starts_with(&file.display().to_string()))
            .ok_or_else(|| format!("{} not imported: {out}", file.display()))?;
        assert!(line.contains(&format!("{accepted} accepted")), "{line}");
        let mut ack = file.clone().into_os_string();
        ack.push(".ack");
        assert!(
            std::path::Path::new(&ack).exists(),
            "no acknowledgement beside {}",
            file.display()
        );
    }
    // The two bundles and each device's health report beside its bundle.
    assert_eq!(out.lines().count(), 4, "only the bundles and health reports: {out}");
    assert_eq!(out.matches("health report 1").count(), 2, "{out}");
    assert_eq!(server.hub().store().totals()?.records, 5);

    // Each device reads its own acknowledgements from the stick and leaves the other's.
    let r = import_ack(&a, &stick)?;
    assert_eq!((r.acknowledged, r.files.len(), r.others.len()), (3, 1, 1), "{r:?}");
    assert_eq!(import_ack(&b, &stick)?.acknowledged, 2);
    assert_eq!((acknowledged(&a)?, acknowledged(&b)?), (3, 2));

    // A folder with no bundle is an error that says so.
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty)?;
    let (ok, _, err) = hub_command(&hub_dir, &["import", empty.to_str().ok_or("path")?])?;
    assert!(!ok && err.contains("no bundle"), "{err}");
    server.stop(&rt)?;
    Ok(())
}

/// Issue "Fleet" 7–8 on a stick: each export writes the device's signed health report beside
/// its bundle (`NAME.health`), also for a device with nothing to send; `ansinh-hub import`
/// takes it (an older one again changes nothing) and `ansinh-hub devices --json` shows each
/// device's report and alarms.
#[test]
fn a_stick_carries_health_reports_and_devices_json_shows_them() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub_dir = tmp.path().join("hub");
    let server = Server::start(&rt, &hub_dir, 0)?;
    let a = device(tmp.path(), "a", &server.url(), &server.token()?)?;
    let b = device(tmp.path(), "b", &server.url(), &server.token()?)?;
    enqueue(&a, 2)?;
    {
        let (mut outbox, _) = a.outbox()?;
        let out_of_paper = ansinh_wire::health::PrinterState::OutOfPaper;
        ansinh_device::health::note_printer(&mut outbox, out_of_paper)?;
    }
    let stick = tmp.path().join("stick");
    std::fs::create_dir_all(&stick)?;
    let from_a = export_bundle(&a, &stick)?;
    assert_eq!(from_a.files.len(), 1);
    assert_eq!(from_a.health_file, from_a.files[0].with_extension("health"));
    let from_b = export_bundle(&b, &stick)?;
    assert!(from_b.files.is_empty(), "nothing to send: no bundle");
    assert!(from_b.health_file.is_file(), "but the health report");

    let (ok, out, err) = hub_command(&hub_dir, &["import", stick.to_str().ok_or("path")?])?;
    assert!(ok, "{out}{err}");
    assert_eq!(out.matches("health report 1").count(), 2, "{out}");
    assert!(out.contains("2 accepted"), "{out}");
    // A report already held (the same stick again) is not taken twice.
    let (ok, out, _) =
        hub_command(&hub_dir, &["import", from_b.health_file.to_str().ok_or("path")?])?;
    assert!(ok && out.contains("a newer one is held"), "{out}");

    let (ok, out, err) = hub_command(
        &hub_dir,
        &["devices", "--json", "--disk-min-mb", "0", "--disk-min-percent", "0"],
    )?;
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out)?;
    assert_eq!(json["thresholds"]["silent_days"], 3);
    let row = |d: &ansinh_device::DataDir| -> Res<serde_json::Value> {
        let id = d.registration()?.ok_or("registered")?.device_id;
        let rows = json["devices"].as_array().ok_or("a list")?;
        Ok(rows.iter().find(|r| r["device_id"] == id).ok_or("listed")?.clone())
    };
    let (ra, rb) = (row(&a)?, row(&b)?);
    assert_eq!(ra["collection_point"], fixture_communes().collection_point);
    assert_eq!(ra["health"]["via"], "usb");
    assert_eq!(ra["health"]["unsent"], 2);
    assert_eq!(ra["health"]["printer"], "out_of_paper");
    assert_eq!(ra["health"]["table_version"], ansinh_core::default_table().version);
    let codes = |r: &serde_json::Value| -> Vec<String> {
        r["alarms"].as_array().into_iter().flatten().map(|a| a["code"].to_string()).collect()
    };
    assert!(codes(&ra).contains(&"\"out_of_paper\"".to_string()), "{ra}");
    assert_eq!(rb["health"]["unsent"], 0);
    assert_eq!(rb["health"]["printer"], "unknown");
    assert!(!codes(&rb).contains(&"\"out_of_paper\"".to_string()), "{rb}");
    assert!(rb["last_contact"].is_i64(), "the import is a contact");
    server.stop(&rt)?;
    Ok(())
}
