//! A live backup, more records, a restore from the backup: the hub learns it was restored
//! (a new epoch in its acknowledgements), the device sends again what it holds as
//! acknowledged, and every record is held once. On SQLite through `ansinh-hub backup` and
//! `restore`; with `ANSINH_TEST_BACKEND=postgres` through `pg_dump -Fc`, `pg_restore` and
//! `ansinh-hub restore`, as the README says.

use std::path::Path;
use std::process::Command;

use ansinh_uploader::RetryPolicy;

use crate::support::*;

/// Runs a command; its standard output, or an error with its standard error.
fn run(command: &mut Command) -> Res<String> {
    let out = command.output()?;
    if !out.status.success() {
        return Err(format!("{command:?}: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// Backs up the hub's database on `data` to `file` while the hub serves.
fn backup(data: &Path, file: &Path) -> Res<()> {
    match ansinh_hub::testing::test_database(data)? {
        None => run(crate::hub_command(data)?.arg("backup").arg(file))?,
        Some(url) => run(Command::new("pg_dump").args(["-Fc", "-f"]).arg(file).arg(&url))?,
    };
    Ok(())
}

/// Restores the hub's database on `data` from `file`, the hub stopped.
fn restore(data: &Path, file: &Path) -> Res<String> {
    Ok(match ansinh_hub::testing::test_database(data)? {
        None => run(crate::hub_command(data)?.arg("restore").arg(file))?,
        Some(url) => {
            run(Command::new("pg_restore")
                .args(["--clean", "--if-exists", "--no-owner", "-d", &url])
                .arg(file))?;
            run(crate::hub_command(data)?.arg("restore"))?
        }
    })
}

#[test]
fn a_restore_loses_nothing_the_devices_still_hold() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("hub");
    let rt = runtime()?;
    let (clock, policy) = (test_clock(), RetryPolicy::default());
    let server = Server::start(&rt, &data, 0)?;
    let dir = device(tmp.path(), "device", &server.url(), &server.token()?)?;
    let mut ids = enqueue(&dir, 10)?;
    sync_until_done(&dir, &server.url(), &clock, &policy, 3)?;
    let file = tmp.path().join("hub.backup");
    backup(&data, &file)?;

    // After the backup: more records, acknowledged by the hub, then the hub's database lost.
    ids.extend(enqueue(&dir, 15)?);
    sync_until_done(&dir, &server.url(), &clock, &policy, 3)?;
    assert_eq!(server.hub().store().totals()?.records, 25);
    let epoch = server.hub().store().epoch()?;
    server.stop(&rt)?;
    let said = restore(&data, &file)?;
    assert!(said.contains("10 records held"), "{said}");

    let server = Server::start(&rt, &data, 0)?;
    let store = server.hub().store();
    assert_eq!(store.totals()?.records, 10, "the backup's records");
    assert_ne!(store.epoch()?, epoch, "the restore made a new epoch");
    assert!(store.actions()?.iter().any(|a| a.action == "restored"));
    // The device's next sync (the next enrollment) hears of the restore and sends again the
    // 25 records it held as acknowledged: the 15 the backup missed are taken, the 10 it had
    // are duplicates.
    ids.extend(enqueue(&dir, 1)?);
    let reports = sync_until_done(&dir, &server.url(), &clock, &policy, 3)?;
    let duplicates: usize = reports.iter().map(|r| r.duplicates).sum();
    assert_eq!(duplicates, 10, "{reports:?}");
    let totals = store.totals()?;
    assert_eq!((totals.records, totals.conflicts, totals.rejected), (26, 0, 0));
    let device_id = dir.registration()?.ok_or("registered")?.device_id;
    for id in &ids {
        assert!(store.record(device_id, id)?.is_some(), "lost {}", hex::encode(id));
    }
    assert_eq!(acknowledged(&dir)?, 26);
    // The device's audit trail, cut short by the restore, is whole again on the hub.
    let (entries, refused) = store.device_audit(device_id)?;
    let seqs: Vec<u64> = entries.iter().map(|e| e.entry.seq).collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
    assert!(entries.iter().any(|e| e.entry.event == "requeued_acknowledged"), "{refused:?}");
    server.stop(&rt)?;
    Ok(())
}
