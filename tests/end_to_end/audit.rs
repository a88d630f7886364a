//! The audit trails end to end: a device's staff actions reach the hub's audit page through
//! the uploader; an entry changed on the device after it was written is refused (the records
//! still go through) and flagged; the hub logs its own exports and renewal downloads; a
//! device still on protocol version 1 is told to update.

use std::time::Duration;

use ansinh_outbox::Role;
use ansinh_uploader::plan::Answer;
use ansinh_uploader::{HttpTransport, Request, RetryPolicy, Transport};

use crate::support::*;

fn page(server: &Server, root: &std::path::Path, path: &str) -> Res<Got> {
    let auth = format!("Bearer {}", admin_token(&root.join("hub"))?);
    get(&format!("{}{path}", server.url()), Some(&auth))
}

#[test]
fn staff_actions_reach_the_hubs_audit_page_and_a_changed_entry_is_refused() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    let dir = device(tmp.path(), "device", &server.url(), &server.token()?)?;
    let device_id = dir.registration()?.ok_or("not registered")?.device_id;
    enqueue(&dir, 3)?;
    {
        let (mut outbox, _) = dir.outbox()?;
        outbox.add_account("DL-0001", "Lê Thị An", Role::Agent, Some("$argon2id$x"), NOW)?;
        outbox.act_as("DL-0001");
        outbox.record_action("login", None, "", NOW + 10)?;
        outbox.void(2, "Khách đổi ý", NOW + 20)?;
        outbox.record_action("reprint", Some(1), "", NOW + 30)?;
    }
    let clock = test_clock();
    sync_until_done(&dir, &server.url(), &clock, &RetryPolicy::default(), 3)?;

    let (held, problems) = server.hub().store().device_audit(device_id)?;
    assert!(problems.is_empty(), "{problems:?}");
    let (outbox, _) = dir.outbox()?;
    let mine = outbox.audit_entries(0, 10_000)?;
    // Every entry written before the sync, once, as the device wrote it (the device's own
    // entries of the acknowledgement wait for the next records).
    let staff = mine.iter().filter(|e| !e.agent_code.is_empty()).count();
    assert!(staff >= 3 && held.len() >= 6 && held.len() < mine.len(), "{}", held.len());
    for (h, m) in held.iter().zip(&mine) {
        assert_eq!((h.entry.seq, h.entry.hash.as_str()), (m.seq, hex::encode(m.hash).as_str()));
    }
    assert!(held.iter().any(|h| h.entry.event == "voided" && h.entry.agent_code == "DL-0001"));
    let got = page(&server, tmp.path(), &format!("/admin/devices/{device_id}/audit"))?;
    assert_eq!(got.status, 200);
    let header = |name: &str| got.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    assert_eq!(header("x-frame-options").as_deref(), Some("DENY"));
    assert_eq!(header("cache-control").as_deref(), Some("no-store"));
    let html = String::from_utf8(got.body)?;
    for text in ["DL-0001", "login", "voided", "Khách đổi ý", "reprint"] {
        assert!(html.contains(text), "{text} missing from the audit page");
    }
    assert!(!html.contains("Lê Thị An"), "no staff names in the trail");
    assert_eq!(
        get(&format!("{}/admin/devices/{device_id}/audit", server.url()), None)?.status,
        401,
        "the audit page needs the admin token"
    );

    // Someone with the device's file rewrites an entry not sent yet: the hub refuses the
    // audit part and flags it, and still takes the record.
    drop(outbox);
    {
        let (mut outbox, _) = dir.outbox()?;
        outbox.record_action("reprint", Some(3), "", NOW + 40)?;
    }
    let db = rusqlite::Connection::open(dir.root().join("outbox.sqlite"))?;
    db.execute_batch("DROP TRIGGER audit_no_update")?;
    let last: i64 = db.query_row("SELECT max(seq) FROM audit", [], |r| r.get(0))?;
    db.execute("UPDATE audit SET receipt_no = 1 WHERE seq = ?1", [last])?;
    drop(db);
    enqueue(&dir, 1)?;
    let reports = sync_until_done(&dir, &server.url(), &clock, &RetryPolicy::default(), 3)?;
    assert_eq!(reports.iter().map(|r| r.acknowledged).sum::<usize>(), 1, "records still held");
    let (after, problems) = server.hub().store().device_audit(device_id)?;
    assert_eq!(after.len(), held.len(), "nothing of the changed part is stored");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].problem.contains(&format!("audit entry {last} was changed")),
        "{problems:?}"
    );
    let html = String::from_utf8(
        page(&server, tmp.path(), &format!("/admin/devices/{device_id}/audit"))?.body,
    )?;
    assert!(html.contains("Nhật ký bị từ chối") && html.contains("was changed"));
    server.stop(&rt)?;
    Ok(())
}

#[test]
fn the_hub_logs_its_exports_and_each_renewal_download() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let (server, dir) = populated(&rt, tmp.path())?;
    let device_id = dir.registration()?.ok_or("not registered")?.device_id;
    let export = page(&server, tmp.path(), &format!("/admin/exports?list=d05&month={MONTH}"))?;
    assert_eq!(export.status, 200);
    let mut transport = HttpTransport::new(&server.url(), Duration::from_secs(10))?;
    ansinh_uploader::fetch_renewals_with(&dir, &mut transport, &test_clock(), 98)?;

    let actions = server.hub().store().actions()?;
    let said: Vec<_> =
        actions.iter().map(|a| (a.actor.as_str(), a.action.as_str(), a.detail.as_str())).collect();
    assert!(
        said.iter().any(|(who, what, detail)| *who == "admin"
            && *what == "export"
            && detail.contains("list=D05-TS")
            && detail.contains(MONTH)),
        "{said:?}"
    );
    let device = format!("device {device_id}");
    assert!(
        said.iter().any(|(who, what, detail)| *who == device
            && *what == "renewals_download"
            && detail.contains("within_days=98")),
        "{said:?}"
    );
    assert_eq!(page(&server, tmp.path(), "/admin/renewals?within_days=60")?.status, 200);
    let viewed = server.hub().store().actions()?;
    assert_eq!(
        viewed.first().map(|a| (a.actor.as_str(), a.action.as_str(), a.detail.as_str())),
        Some(("admin", "renewals_view", "within_days=60")),
        "the admin's look at the list, newest first"
    );
    let got = page(&server, tmp.path(), "/admin/audit")?;
    assert_eq!(got.status, 200);
    assert!(got.headers.iter().any(|(k, v)| k == "x-frame-options" && v == "DENY"));
    let html = String::from_utf8(got.body)?;
    assert!(html.contains("renewals_download") && html.contains("export"), "{html}");
    server.stop(&rt)?;
    Ok(())
}

#[test]
fn a_version_1_batch_is_told_to_update_the_device() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    // A version 1 body (device 300, counter 5, one record) as an older device signs it; the
    // version is read before any signature, so the signature's bytes do not matter here.
    let body = hex::decode("01ac020005011111111111111111111111111111111103010203")?;
    let mut signed = vec![u8::try_from(body.len())?];
    signed.extend_from_slice(&body);
    signed.push(64);
    signed.extend_from_slice(&[0; 64]);
    let mut transport = HttpTransport::new(&server.url(), Duration::from_secs(10))?;
    let answer = transport.send(&Request::post("/v1/batches", "application/octet-stream", signed));
    let Answer::Http { status, body } = answer else { return Err("no answer".into()) };
    assert_eq!(status, 400);
    let v: serde_json::Value = serde_json::from_slice(&body)?;
    assert_eq!(v["error"]["code"], "unsupported_version");
    assert!(v["error"]["message"].as_str().unwrap_or("").contains("update"), "{v}");
    server.stop(&rt)?;
    Ok(())
}
