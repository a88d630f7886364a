//! Issue "Trust", points 1–4, as an attacker reaches a real hub on loopback: records bound to
//! the device that collected them.

use ansinh_enrollment::envelope;
use ansinh_enrollment::record::Record;
use ansinh_uploader::{HttpTransport, sync_once};
use ansinh_wire::{AckBody, AgentAccount, Assignment, Outcome};

use super::*;

/// A device registered with `hub`, assigned to nothing; its id.
fn registered(hub: &Hub, root: &Path, name: &str) -> Res<(DataDir, u64)> {
    registered_for(hub, root, name, &Assignment::default())
}

/// A device registered with `hub` with a token for `assignment`; its id.
fn registered_for(
    hub: &Hub,
    root: &Path,
    name: &str,
    assignment: &Assignment,
) -> Res<(DataDir, u64)> {
    let token = hub.assigned_token("t", assignment)?;
    let dir = device(root, name, &hub.url(), &token)?;
    let id = dir.registration()?.ok_or("registered")?.device_id;
    Ok((dir, id))
}

/// Serving `communes`, with the fixtures' agent.
/// Registers a new key with `token` as a device does, over HTTP; the hub's answer.
fn register_over_http(hub: &Hub, token: String) -> Res<ansinh_wire::RegisterResponse> {
    let key = ansinh_wire::generate_signing_key();
    let request = serde_json::to_vec(&RegisterRequest {
        token,
        device_public_key: hex::encode(key.verifying_key().to_bytes()),
        label: "x".into(),
    })?;
    let answer = send(hub.addr, "POST", "/v1/devices/register", &[], &request)?;
    if answer.status != 200 {
        return Err(format!("registration refused: {}", answer.text()).into());
    }
    Ok(serde_json::from_slice(&answer.body)?)
}

fn serving(communes: &[&str]) -> Assignment {
    Assignment {
        collection_point: "Bưu điện xã Thanh Trì".into(),
        communes: communes.iter().map(|c| c.to_string()).collect(),
        agents: vec![AgentAccount { code: AGENT.into(), name: "Nguyễn Văn A".into() }],
    }
}

/// The renewal list `dir` downloads (signed as the device signs it), for a year ahead.
fn renewal_list(hub: &Hub, dir: &DataDir) -> Res<Vec<ansinh_wire::RenewalDue>> {
    let id = dir.registration()?.ok_or("registered")?.device_id;
    let sig = ansinh_wire::sign_request(&dir.device_key()?, id, "GET", "/v1/renewals", NOW);
    let (id, time) = (id.to_string(), NOW.to_string());
    let answer = send(
        hub.addr,
        "GET",
        "/v1/renewals?within_days=366",
        &[("X-Ansinh-Device", &id), ("X-Ansinh-Time", &time), ("X-Ansinh-Signature", &sig)],
        b"",
    )?;
    assert_eq!(answer.status, 200, "{}", answer.text());
    Ok(serde_json::from_slice(&answer.body)?)
}

/// The envelope of `dir`'s receipt `receipt_no`, opened with the hub's key: what a rogue who
/// photographed the receipt (its record id) and knows the person could rebuild.
fn envelope_of(hub: &Hub, dir: &DataDir, receipt_no: i64) -> Res<Record> {
    let (outbox, _) = dir.outbox()?;
    let sealed = outbox.sealed(receipt_no)?.ok_or("no such receipt")?;
    let plain = hub.state.hub.keys().opening.open(&sealed)?;
    Ok(envelope::decode(&plain).map_err(|e| format!("{e:?}"))?)
}

/// Commits `record` to `dir`'s outbox as it is (sealed to the hub's key), with the summary
/// of `like`'s first receipt.
fn commit_envelope(dir: &DataDir, like: &DataDir, record: &Record) -> Res<()> {
    let (like, _) = like.outbox()?;
    let summary = like.get(1)?.summary;
    let (mut outbox, _) = dir.outbox()?;
    let plaintext = envelope::encode_to_vec(record).map_err(|e| format!("{e:?}"))?;
    outbox.enqueue(NOW, |_| {
        Ok::<_, String>(ansinh_outbox::NewRecord {
            record_id: record.collection.record_id,
            summary,
            plaintext: plaintext.into(),
            corrects: None,
        })
    })?;
    Ok(())
}

fn sync(dir: &DataDir, hub: &Hub) -> Res<ansinh_uploader::SyncReport> {
    let mut transport = HttpTransport::new(&hub.url(), Duration::from_secs(5))?;
    Ok(sync_once(dir, &mut transport, &test_clock(), &RetryPolicy::default())?)
}

/// `dir`'s records of `receipts` sent again by hand in a batch it signs (counter `counter`):
/// the signed acknowledgement's outcomes.
fn resend(hub: &Hub, dir: &DataDir, receipts: &[i64], counter: u64) -> Res<Vec<Outcome>> {
    let id = dir.registration()?.ok_or("registered")?.device_id;
    let (outbox, _) = dir.outbox()?;
    let mut records = vec![];
    for n in receipts {
        let row = outbox.get(*n)?;
        let sealed = outbox.sealed(*n)?.ok_or("sealed")?;
        records.push(SealedRecord { record_id: row.record_id, sealed });
    }
    let body = BatchBody {
        version: PROTOCOL_VERSION,
        device_id: id,
        channel: Channel::Network { counter },
        records,
        audit: vec![],
    };
    let answer = send(hub.addr, "POST", "/v1/batches", &[], &signed(&body, &dir.device_key()?)?)?;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let ack: AckBody =
        ansinh_wire::open_ack(&answer.body, &hub.state.hub.keys().signing.verifying_key())?;
    Ok(ack.results.into_iter().map(|r| r.outcome).collect())
}

/// Issue "Trust" 1: a second device re-using record ids printed on the genuine device's
/// receipts, before and after the genuine upload, neither replaces, blocks, conflicts with nor
/// shadows the genuine records: they are accepted, held once with the genuine bytes, found by
/// their receipt, and a resend is a duplicate.
#[test]
fn a_rogue_device_reusing_a_photographed_record_id_cannot_hijack_it() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub = Hub::start(&rt, &tmp.path().join("hub"), ServeOptions::default())?;
    let (genuine, genuine_id) = registered(&hub, tmp.path(), "genuine")?;
    let (rogue, rogue_id) = registered(&hub, tmp.path(), "rogue")?;
    let ids = enqueue(&genuine, 2)?;

    // Before the genuine upload: the rogue sends its own record under the first id.
    let mut copy = envelope_of(&hub, &genuine, 1)?;
    copy.collection.device_id = rogue_id;
    commit_envelope(&rogue, &genuine, &copy)?;
    let before = sync(&rogue, &hub)?;
    assert_eq!(before.acknowledged, 1, "{before:?}");

    let report = sync(&genuine, &hub)?;
    assert_eq!(report.acknowledged, 2, "the genuine records are accepted: {report:?}");
    assert!(report.quarantined.is_empty(), "{:?}", report.quarantined);

    // After it: the second id.
    let mut copy = envelope_of(&hub, &genuine, 2)?;
    copy.collection.device_id = rogue_id;
    commit_envelope(&rogue, &genuine, &copy)?;
    let after = sync(&rogue, &hub)?;
    assert_eq!(after.acknowledged, 1, "{after:?}");

    let store = hub.state.hub.store();
    let (outbox, _) = genuine.outbox()?;
    for (n, id) in (1..).zip(&ids) {
        let held = store.record(genuine_id, id)?.ok_or("the genuine record is held")?;
        assert_eq!(Some(held.sealed), outbox.sealed(n)?, "held with the genuine bytes");
        assert!(!held.conflicted, "not shadowed by the rogue's copy");
        let rogues = store.record(rogue_id, id)?.ok_or("the rogue's copy is its own")?;
        assert_eq!(rogues.device_id, rogue_id);
    }
    assert_eq!(hub.totals()?.conflicts, 0);
    assert_eq!(hub.totals()?.records, 4);
    // The genuine device sending its records again hears "duplicate".
    assert_eq!(resend(&hub, &genuine, &[1, 2], 1_000)?, [Outcome::Duplicate, Outcome::Duplicate]);
    Ok(())
}

/// Issue "Trust" 1: a device sending a record whose envelope names another device is refused
/// with a stable code, and nothing is held for either device.
#[test]
fn a_device_naming_another_device_in_its_envelope_is_rejected() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub = Hub::start(&rt, &tmp.path().join("hub"), ServeOptions::default())?;
    let (genuine, genuine_id) = registered(&hub, tmp.path(), "genuine")?;
    let (rogue, rogue_id) = registered(&hub, tmp.path(), "rogue")?;
    enqueue(&genuine, 1)?;

    let mut forged = envelope_of(&hub, &genuine, 1)?;
    forged.collection.record_id = [0x5A; 16];
    forged.collection.device_id = genuine_id;
    commit_envelope(&rogue, &genuine, &forged)?;
    let report = sync(&rogue, &hub)?;
    assert_eq!(report.acknowledged, 0);
    let reasons: Vec<&str> = report.quarantined.iter().map(|q| q.reason.as_str()).collect();
    assert_eq!(
        reasons,
        ["rejected by the collection server: invalid:collection.device_id:other_device"]
    );
    let store = hub.state.hub.store();
    assert!(store.record(genuine_id, &[0x5A; 16])?.is_none());
    assert!(store.record(rogue_id, &[0x5A; 16])?.is_none());
    assert_eq!(hub.totals()?.records, 0);
    let codes: Vec<String> = store.problems()?.into_iter().map(|p| p.code).collect();
    assert_eq!(codes, ["invalid:collection.device_id:other_device"]);
    Ok(())
}

/// Issue "Trust" 2: the registration answer carries what staff assigned; a record for a
/// commune the device does not serve is acknowledged (the citizen paid) but flagged for
/// review, visible to staff on the admin page and in the progress JSON.
#[test]
fn a_record_for_an_unassigned_commune_is_flagged_and_visible() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub_dir = tmp.path().join("hub");
    let hub = Hub::start(&rt, &hub_dir, ServeOptions::default())?;
    let token = hub.assigned_token("t", &serving(&[HOUSEHOLD_COMMUNE]))?;
    let registered = register_over_http(&hub, token)?;
    assert_eq!(registered.assignment, serving(&[HOUSEHOLD_COMMUNE]));

    // The fixture's voluntary enrollment lives in another commune.
    let (dir, _) = registered_for(&hub, tmp.path(), "device", &serving(&[HOUSEHOLD_COMMUNE]))?;
    enqueue(&dir, 1)?;
    let report = sync(&dir, &hub)?;
    assert_eq!(report.acknowledged, 1, "not lost: {report:?}");

    let auth = format!("Bearer {}", admin_token(&hub_dir)?);
    let admin = [("Authorization", auth.as_str())];
    let progress =
        send(hub.addr, "GET", &format!("/admin/progress.json?month={MONTH}"), &admin, b"")?;
    let progress: serde_json::Value = serde_json::from_slice(&progress.body)?;
    assert_eq!(progress["held"]["records"], 1);
    assert_eq!(progress["held"]["review"], 1, "{progress}");
    let page = send(hub.addr, "GET", "/admin", &admin, b"")?.text();
    assert!(page.contains("data-code=\"review:unassigned_commune\""), "{page}");
    assert!(page.contains(HOUSEHOLD_COMMUNE), "the assignment is shown");
    Ok(())
}

/// Issue "Trust" 2: a device gets the renewal list of the communes it is assigned only, even
/// after collecting (flagged) in another commune; a device assigned none gets nobody.
#[test]
fn another_communes_renewal_list_cannot_be_downloaded() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub = Hub::start(&rt, &tmp.path().join("hub"), ServeOptions::default())?;
    let (owner, _) = registered_for(&hub, tmp.path(), "owner", &serving(&[VOLUNTARY_COMMUNE]))?;
    let (stranger, _) =
        registered_for(&hub, tmp.path(), "stranger", &serving(&[HOUSEHOLD_COMMUNE]))?;
    let (unassigned, _) = registered(&hub, tmp.path(), "unassigned")?;
    enqueue(&owner, 1)?;
    assert_eq!(sync(&owner, &hub)?.acknowledged, 1);
    // The stranger collects once in the owner's commune (accepted, flagged) to get its list.
    enqueue(&stranger, 1)?;
    assert_eq!(sync(&stranger, &hub)?.acknowledged, 1);
    enqueue(&unassigned, 1)?;
    assert_eq!(sync(&unassigned, &hub)?.acknowledged, 1);

    let own = renewal_list(&hub, &owner)?;
    assert!(!own.is_empty() && own.iter().all(|r| r.commune_code == VOLUNTARY_COMMUNE), "{own:?}");
    let foreign = renewal_list(&hub, &stranger)?;
    assert!(foreign.iter().all(|r| r.commune_code == HOUSEHOLD_COMMUNE), "{foreign:?}");
    assert!(renewal_list(&hub, &unassigned)?.is_empty());
    Ok(())
}

/// The size of a hub's database (SQLite's files with the write-ahead log, or PostgreSQL's).
fn database_bytes(hub_dir: &Path) -> Res<u64> {
    Ok(ansinh_hub::testing::database_size(hub_dir)?)
}

/// Issue "Trust" 3: 20 batches of junk from one device (8 MB of records that never open)
/// are all answered, each record rejected, but the database keeps a hash and a short prefix of
/// at most the day's quota of them; past the minute's quota a batch gets 429 `rate_limited`
/// and stores nothing.
#[test]
fn twenty_batches_of_rejected_junk_grow_the_database_boundedly() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub_dir = tmp.path().join("hub");
    let hub = Hub::start(&rt, &hub_dir, ServeOptions::default())?;
    let key = ansinh_wire::generate_signing_key();
    let id = hub.register(&key)?;
    let before = database_bytes(&hub_dir)?;
    let junk = |n: u64| {
        let mut sealed = vec![0xAB; 8 * 1024];
        sealed[..8].copy_from_slice(&n.to_le_bytes());
        let mut record_id = [0u8; 16];
        record_id[..8].copy_from_slice(&n.to_le_bytes());
        SealedRecord { record_id, sealed }
    };
    let post = |counter: u64, records: Vec<SealedRecord>| -> Res<Answer> {
        let body = BatchBody {
            version: PROTOCOL_VERSION,
            device_id: id,
            channel: Channel::Network { counter },
            records,
            audit: vec![],
        };
        send(hub.addr, "POST", "/v1/batches", &[], &signed(&body, &key)?)
    };
    let mut sent = 0;
    for counter in 1..=20 {
        let records: Vec<SealedRecord> = (0..50).map(|i| junk(counter * 100 + i)).collect();
        sent += records.iter().map(|r| r.sealed.len()).sum::<usize>();
        let answer = post(counter, records)?;
        assert_eq!(answer.status, 200, "batch {counter}: {}", answer.text());
        let ack =
            ansinh_wire::open_ack(&answer.body, &hub.state.hub.keys().signing.verifying_key())?;
        assert!(
            ack.results
                .iter()
                .all(|r| matches!(&r.outcome, Outcome::Rejected { code } if code == "cannot_open")),
            "batch {counter}"
        );
    }
    let grown = database_bytes(&hub_dir)?.saturating_sub(before);
    assert!(sent >= 8_000_000);
    assert!(grown < 2 * 1024 * 1024, "the database grew by {grown} bytes for {sent} of junk");
    let kept = hub.totals()?.rejected;
    assert_eq!(kept, i64::from(ansinh_hub::Quotas::default().problems_per_day));

    // The minute's quota: 30 batches, 20 of them spent.
    for counter in 21..=30 {
        assert_eq!(post(counter, vec![junk(counter * 100)])?.status, 200);
    }
    let refused = post(31, vec![junk(3_100)])?;
    assert_eq!((refused.status, refused.error_code().as_str()), (429, "rate_limited"));
    assert_eq!(refused.header("retry-after"), Some("60"));
    assert_eq!(
        hub.state.hub.store().device(id)?.ok_or("device")?.last_counter,
        30,
        "nothing stored"
    );
    // A minute later it is taken.
    hub.set_now(NOW + 60);
    assert_eq!(post(31, vec![junk(3_100)])?.status, 200);
    Ok(())
}

/// Issue "Trust" 4: the receipt key a device is given at registration is nowhere in the hub's
/// database files (derived from the master key in `keys/`, never stored), and those files are
/// readable by the hub's user only.
#[test]
fn the_receipt_key_is_not_in_the_database_files() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub_dir = tmp.path().join("hub");
    let hub = Hub::start(&rt, &hub_dir, ServeOptions::default())?;
    let mut keys = vec![];
    for _ in 0..3 {
        let registered = register_over_http(&hub, hub.state.hub.create_token("t", 3600, NOW)?)?;
        keys.push(hex::decode(&registered.receipt_key)?);
    }
    let files = ansinh_hub::testing::database_bytes(&hub_dir, &|path| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(mode.ok(), Some(0o600), "{}", path.display());
        }
    })?;
    assert!(files.len() > 4096, "the database was read");
    for key in &keys {
        assert_eq!(key.len(), 32);
        assert!(!files.windows(32).any(|w| w == key.as_slice()), "a receipt key is in the files");
        // PostgreSQL's dump writes binary columns in hex.
        let hex = hex::encode(key);
        assert!(!files.windows(64).any(|w| w == hex.as_bytes()), "a receipt key is in the dump");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&hub_dir)?.permissions().mode() & 0o777, 0o700);
    }
    Ok(())
}
