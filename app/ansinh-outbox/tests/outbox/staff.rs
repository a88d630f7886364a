//! Staff accounts and the hash-chained audit trail: accounts kept with their lockout across a
//! reopen (a power cut), each action an entry naming the agent, and a changed or removed entry
//! named by `verify`.

use ansinh_outbox::{Error, LockState, Outbox, Role};
use ansinh_wire::{OpeningKey, verify_chain};
use rusqlite::Connection;

type R = Result<(), Box<dyn std::error::Error>>;

fn open(dir: &std::path::Path, key: &OpeningKey) -> Result<Outbox, Error> {
    Outbox::open(&dir.join("outbox.sqlite"), key.sealing_key())
}

#[test]
fn accounts_and_their_lock_survive_a_reopen() -> R {
    let dir = tempfile::tempdir()?;
    let key = OpeningKey::generate();
    let mut outbox = open(dir.path(), &key)?;
    assert!(outbox.accounts()?.is_empty());
    outbox.add_account("CL-01", "Trần Văn Bình", Role::Clerk, Some("$argon2id$x"), 100)?;
    outbox.act_as("CL-01");
    outbox.add_account("DL-01", "Lê Thị An", Role::Agent, None, 101)?;
    assert!(matches!(
        outbox.add_account("DL-01", "Người khác", Role::Clerk, None, 102),
        Err(Error::AccountExists(code)) if code == "DL-01"
    ));
    let added = outbox.add_hub_agents(
        &[("DL-01".into(), "Lê Thị An".into()), ("DL-02".into(), "Phạm Văn Cường".into())],
        103,
    )?;
    assert_eq!(added, 1, "an account held already is kept as it is");
    let lock = LockState { failures: 0, locks: 1, locked_until: Some(400) };
    outbox.record_login_attempt("DL-01", lock, "locked_out", "300", 104)?;
    drop(outbox);

    let outbox = open(dir.path(), &key)?;
    let names: Vec<_> = outbox.accounts()?.into_iter().map(|a| a.name).collect();
    assert_eq!(names, ["Lê Thị An", "Phạm Văn Cường", "Trần Văn Bình"], "by name");
    let an = outbox.account("DL-01")?;
    assert_eq!((an.role, an.pin_hash, an.lock), (Role::Agent, None, lock));
    assert!(outbox.account("DL-02")?.from_hub);
    let trail = outbox.audit_trail()?;
    let events: Vec<_> =
        trail.iter().map(|a| (a.seq, a.agent_code.as_str(), a.event.as_str())).collect();
    assert_eq!(
        events,
        [
            (Some(1), "", "account_added"),
            (Some(2), "CL-01", "account_added"),
            (Some(3), "", "account_from_hub"),
            (Some(4), "DL-01", "locked_out"),
        ]
    );
    assert!(
        trail.iter().all(|a| !a.detail.contains("An") && !a.detail.contains("Cường")),
        "no names in the trail"
    );
    Ok(())
}

#[test]
fn a_pin_set_by_a_clerk_must_be_changed_and_clears_the_lock() -> R {
    let dir = tempfile::tempdir()?;
    let mut outbox = open(dir.path(), &OpeningKey::generate())?;
    outbox.add_account("DL-01", "Lê Thị An", Role::Agent, None, 100)?;
    let lock = LockState { failures: 3, locks: 2, locked_until: Some(900) };
    outbox.record_login_attempt("DL-01", lock, "pin_failed", "", 101)?;
    outbox.act_as("CL-01");
    outbox.set_pin_hash("DL-01", "$argon2id$first", true, 102)?;
    let an = outbox.account("DL-01")?;
    assert!(an.must_change);
    assert_eq!(an.lock, LockState::default());
    outbox.act_as("DL-01");
    outbox.set_pin_hash("DL-01", "$argon2id$own", false, 103)?;
    assert!(!outbox.account("DL-01")?.must_change);
    let events: Vec<_> = outbox.audit_trail()?.into_iter().map(|a| a.event).collect();
    assert_eq!(events[2..], ["pin_reset", "pin_changed"]);
    assert!(matches!(outbox.set_pin_hash("XX", "h", false, 104), Err(Error::NotFound(_))));
    Ok(())
}

#[test]
fn the_chain_verifies_and_a_changed_or_removed_entry_is_named() -> R {
    let dir = tempfile::tempdir()?;
    let mut outbox = open(dir.path(), &OpeningKey::generate())?;
    outbox.act_as("DL-01");
    for (i, event) in ["login", "reprint", "sync", "logout"].into_iter().enumerate() {
        outbox.record_action(event, (event == "reprint").then_some(7), "", 100 + i as i64)?;
    }
    assert_eq!(outbox.verify_audit()?, None);
    let entries = outbox.audit_entries(0, 10)?;
    assert_eq!(verify_chain(None, &entries).map(|(seq, _)| seq), Ok(4));
    assert_eq!(outbox.audit_entries(2, 1)?, entries[2..3], "after a seq, bounded");

    let db = Connection::open(dir.path().join("outbox.sqlite"))?;
    assert!(
        db.execute("UPDATE audit SET receipt_no = 8 WHERE seq = 2", []).is_err(),
        "append-only"
    );
    // Someone with the file and SQLite drops the guard and rewrites history.
    db.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")?;
    db.execute("UPDATE audit SET receipt_no = 8 WHERE seq = 2", [])?;
    let report = outbox.verify(None, |_| Ok(()))?;
    assert!(!report.is_ok());
    assert!(
        report.problems.iter().any(|p| p.contains("audit entry 2 was changed")),
        "{:?}",
        report.problems
    );
    db.execute("UPDATE audit SET receipt_no = 7 WHERE seq = 2", [])?;
    assert_eq!(outbox.verify_audit()?, None, "put back as it was");
    db.execute("DELETE FROM audit WHERE seq = 3", [])?;
    let problem = outbox.verify_audit()?.unwrap_or_default();
    assert!(problem.contains("entry 4 follows entry 2"), "{problem}");
    Ok(())
}
