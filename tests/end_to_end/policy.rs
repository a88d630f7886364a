//! Policy tables as signed data (issue "Fleet" 1–4): a table published on the hub reaches a
//! registered device at its next sync and prices its next enrollment, which the hub checks
//! with that very table; a tampered, older or invalid table is refused and the one in use keeps
//! working; a power cut during the switch leaves a valid table; a record priced by the old
//! table after the new one is published is still accepted; past `valid_until`, or while the
//! hub has a table the device could not install, amounts are estimates.

use std::path::Path;

use ansinh_device::DataDir;
use ansinh_device::enroll::{CollectionPoint, CommitOptions, Duplicates, commit};
use ansinh_device::policy::{Freshness, Origin, Refused, Source};
use ansinh_enrollment::record::Enrollment;
use ansinh_outbox::RecordId;
use ansinh_uploader::RetryPolicy;
use ansinh_uploader::policy::PolicyFetch;
use ansinh_wire::policy::{POLICY_FORMAT_VERSION, PolicyBody, sign_policy};

use crate::support::{
    NOW, Res, Server, TODAY, TestResult, device, enrollments, runtime, sync_until_done, test_clock,
};

/// The built-in table's source with another version, the national support of near-poor
/// households raised from 40% to 45% (the fixture's participant is near-poor: her amount
/// changes), and known until 30 June 2027.
fn table_source(version: &str) -> String {
    let source = include_str!("../../app/ansinh-core/policy/policy.toml");
    source
        .replacen("version = \"VN-2026-12-06\"", &format!("version = \"{version}\""), 1)
        .replacen("valid_until = \"2026-12-31\"", "valid_until = \"2027-06-30\"", 1)
        .replacen(
            "near_poor_bp = 4000\nethnic_minority_bp = 3000\nisland_bp = 5000\nother_bp = 2000",
            "near_poor_bp = 4500\nethnic_minority_bp = 3000\nisland_bp = 5000\nother_bp = 2000",
            1,
        )
}

/// Commits `enrollment` priced with the device's table in use, as the kiosk does.
fn commit_with_active(
    dir: &DataDir,
    enrollment: &Enrollment,
    at: i64,
) -> Res<(RecordId, u64, String)> {
    let table = dir.active_policy().table;
    let table = table.as_ref();
    let reg = dir.registration()?.ok_or("not registered")?;
    let point = CollectionPoint {
        device_id: reg.device_id,
        name: "Bưu điện xã Thanh Trì".into(),
        agent_code: crate::support::AGENT.into(),
    };
    let (mut outbox, _) = dir.outbox()?;
    let pseudonyms = dir.pseudonym_key()?;
    let options =
        CommitOptions { duplicates: Duplicates::Confirmed, ..CommitOptions::new(&pseudonyms) };
    let today = TODAY.parse().map_err(|_| "date")?;
    let (c, amounts) = commit(&mut outbox, enrollment, table, today, at, &point, &options)?;
    Ok((c.record_id, amounts.amount, amounts.policy_version))
}

fn quarantined(dir: &DataDir) -> Res<usize> {
    let (outbox, _) = dir.outbox()?;
    Ok(outbox.list(Some(ansinh_outbox::State::Quarantined))?.len())
}

/// The hub's latest signed table, as a device fetches it.
fn latest_signed(server: &Server) -> Res<Vec<u8>> {
    Ok(server.hub().store().latest_policy()?.ok_or("nothing published")?.signed)
}

#[test]
fn a_published_table_reaches_the_device_and_prices_the_next_enrollment() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    let dir = device(tmp.path(), "device", &server.url(), &server.token()?)?;
    let reg = dir.registration()?.ok_or("not registered")?;
    assert_eq!(
        reg.policy_signing_key,
        server.hub().keys().policy_key_hex(),
        "pinned at registration"
    );
    let (voluntary, _) = enrollments()?;

    // Priced with the built-in table, committed before the hub publishes anything.
    let (_, old_amount, old_version) = commit_with_active(&dir, &voluntary, NOW)?;
    assert_eq!(old_version, "VN-2026-12-06");
    let published = server.hub().publish_policy_toml(&table_source("VN-2026-12-20"), NOW)?;
    assert_eq!(published.version, "VN-2026-12-20");
    // Priced with the old table after the new one is published: still the device's table.
    let (_, again, _) = commit_with_active(&dir, &voluntary, NOW + 1)?;
    assert_eq!(again, old_amount);

    // The next sync delivers both records (the hub checks each with the table it names) and
    // brings the new table.
    let clock = test_clock();
    let reports = sync_until_done(&dir, &server.url(), &clock, &RetryPolicy::default(), 2)?;
    let last = reports.last().ok_or("no sync")?;
    assert_eq!(last.policy, Some(PolicyFetch::Installed { version: "VN-2026-12-20".into() }));
    assert_eq!(quarantined(&dir)?, 0, "records priced with the old table are accepted");
    let active = dir.active_policy();
    assert_eq!(active.table.version, "VN-2026-12-20");
    assert!(matches!(active.origin, Origin::Installed { source: Source::Sync, .. }));
    assert_eq!(active.previous.as_ref().map(|p| p.version), Some("VN-2026-12-06"));

    // The next enrollment is priced with it (more support, less to pay), and the hub, which
    // checks the amount with exactly that table, accepts it.
    let (_, new_amount, new_version) = commit_with_active(&dir, &voluntary, NOW + 2)?;
    assert_eq!(new_version, "VN-2026-12-20");
    assert!(new_amount < old_amount, "{new_amount} < {old_amount}");
    let reports = sync_until_done(&dir, &server.url(), &clock, &RetryPolicy::default(), 2)?;
    assert_eq!(reports.iter().map(|r| r.acknowledged).sum::<usize>(), 1);
    assert_eq!(quarantined(&dir)?, 0, "the hub priced it with the published table");
    // Asked again, the hub has nothing newer.
    let mut transport =
        ansinh_uploader::HttpTransport::new(&server.url(), std::time::Duration::from_secs(10))?;
    assert_eq!(
        ansinh_uploader::policy::fetch_policy(&dir, &mut transport, &clock)?,
        PolicyFetch::UpToDate
    );
    assert!(
        !dir.policy_freshness(&dir.active_policy().table, TODAY.parse().map_err(|_| "date")?)
            .is_estimate()
    );

    // A hub restarted on the same data still checks records of the published table.
    let port: u16 = server.url().rsplit(':').next().ok_or("no port")?.parse()?;
    server.stop(&rt)?;
    let server = Server::start(&rt, &tmp.path().join("hub"), port)?;
    let (voluntary, _) = enrollments()?;
    commit_with_active(&dir, &voluntary, NOW + 3)?;
    sync_until_done(&dir, &server.url(), &clock, &RetryPolicy::default(), 2)?;
    assert_eq!(quarantined(&dir)?, 0);
    server.stop(&rt)?;
    Ok(())
}

#[test]
fn tampered_older_and_invalid_tables_are_refused_and_the_old_one_keeps_working() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    let dir = device(tmp.path(), "device", &server.url(), &server.token()?)?;
    let hub = server.hub();
    hub.publish_policy_toml(&table_source("VN-2026-12-20"), NOW)?;
    let signed = latest_signed(&server)?;
    dir.install_policy(&signed, Source::Usb, NOW)?.map_err(|r| r.to_string())?;

    let key = hub.keys().policy_signing.clone().ok_or("no policy key")?;
    // One byte of the table changed on the way: the signature fails.
    let mut tampered = latest_signed(&server)?;
    let at = tampered.len() / 2;
    tampered[at] ^= 0x01;
    let r = dir.install_policy(&tampered, Source::Usb, NOW)?;
    assert!(matches!(r, Err(Refused::BadSignature(_))), "{r:?}");
    // Signed by another key.
    let other = ansinh_wire::generate_signing_key();
    let foreign = ansinh_hub::policy::sign_table(&table_source("VN-2027-01-01"), &other, NOW)?;
    assert!(matches!(
        dir.install_policy(&foreign, Source::Usb, NOW)?,
        Err(Refused::BadSignature(_))
    ));
    // Older than the table in use, genuine all the same: refused by the device and the hub.
    let older = ansinh_hub::policy::sign_table(&table_source("VN-2026-12-10"), &key, NOW)?;
    assert!(matches!(dir.install_policy(&older, Source::Usb, NOW)?, Err(Refused::NotNewer { .. })));
    assert!(hub.publish_policy(&older).is_err());
    // Genuine signatures over an invalid table: bytes that are no table, and a table whose
    // envelope names another version.
    let garbage = PolicyBody {
        format: POLICY_FORMAT_VERSION,
        table_version: "VN-2027-01-01".into(),
        valid_until: "2027-06-30".into(),
        published_at: NOW,
        table: vec![7; 64],
    };
    let r = dir.install_policy(&sign_policy(&garbage, &key)?, Source::Usb, NOW)?;
    assert!(matches!(r, Err(Refused::Invalid(_))), "{r:?}");
    let compiled = ansinh_core::policy::compile_toml(&table_source("VN-2027-01-01"))?;
    let mislabelled =
        PolicyBody { table: compiled, table_version: "VN-2027-02-01".into(), ..garbage };
    let r = dir.install_policy(&sign_policy(&mislabelled, &key)?, Source::Usb, NOW)?;
    assert!(matches!(r, Err(Refused::Invalid(_))), "{r:?}");
    // A table with a gap never gets signed.
    let gap = table_source("VN-2027-01-01").replacen(
        "from = \"2027-01-01\"\nvalue = 2200000",
        "from = \"2027-02-01\"\nvalue = 2200000",
        1,
    );
    assert!(ansinh_hub::policy::sign_table(&gap, &key, NOW).is_err());
    assert!(hub.publish_policy_toml(&gap, NOW).is_err());

    // The table in use is untouched and prices records the hub accepts.
    assert_eq!(dir.active_policy().table.version, "VN-2026-12-20");
    let (voluntary, _) = enrollments()?;
    let (_, _, version) = commit_with_active(&dir, &voluntary, NOW)?;
    assert_eq!(version, "VN-2026-12-20");
    sync_until_done(&dir, &server.url(), &test_clock(), &RetryPolicy::default(), 2)?;
    assert_eq!(quarantined(&dir)?, 0);
    server.stop(&rt)?;
    Ok(())
}

/// A device registered with a token made before the hub had a policy key (it pins the three
/// other keys): it registers, refuses every table from the sync, says why, and marks amounts
/// as estimates while the hub has a newer one.
#[test]
fn a_device_without_the_policy_key_refuses_tables_and_marks_estimates() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    let keys = server.hub().keys();
    let token = ansinh_wire::provisioning::ProvisioningToken::parse(&server.token()?)?;
    let old_token = ansinh_wire::provisioning::ProvisioningToken {
        secret: token.secret.clone(),
        fingerprint: Some(ansinh_wire::provisioning::KeyFingerprint::of(
            &keys.signing.verifying_key(),
            &keys.opening.sealing_key(),
            &keys.config.verifying_key(),
        )),
    };
    let dir = device(tmp.path(), "device", &server.url(), &old_token.to_text())?;
    assert_eq!(dir.registration()?.ok_or("not registered")?.policy_signing_key, "");
    server.hub().publish_policy_toml(&table_source("VN-2026-12-20"), NOW)?;
    let (voluntary, _) = enrollments()?;
    commit_with_active(&dir, &voluntary, NOW)?;
    let reports = sync_until_done(&dir, &server.url(), &test_clock(), &RetryPolicy::default(), 2)?;
    let fetch = reports.last().and_then(|r| r.policy.clone()).ok_or("no policy check")?;
    assert!(
        matches!(&fetch, PolicyFetch::Refused { version: Some(v), .. } if v == "VN-2026-12-20"),
        "{fetch:?}"
    );
    assert_eq!(quarantined(&dir)?, 0, "records are delivered all the same");
    let active = dir.active_policy();
    assert_eq!(active.origin, Origin::BuiltIn);
    let fresh = dir.policy_freshness(&active.table, TODAY.parse().map_err(|_| "date")?);
    let (newer, why) = fresh.newer_on_hub.clone().ok_or("no newer table noted")?;
    assert_eq!(newer, "VN-2026-12-20");
    assert!(why.is_some_and(|w| w.contains("no policy key")));
    assert!(fresh.is_estimate());
    server.stop(&rt)?;
    Ok(())
}

/// The state a power cut leaves in the middle of a switch, read by the next start: the new
/// file written but not renamed (a temporary file beside the old one), or on a file system
/// that tore the write, a damaged current file. Either way a valid table is in use.
#[test]
fn a_power_cut_during_the_switch_leaves_a_valid_table() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    let dir = device(tmp.path(), "device", &server.url(), &server.token()?)?;
    server.hub().publish_policy_toml(&table_source("VN-2026-12-20"), NOW)?;
    let first = latest_signed(&server)?;
    dir.install_policy(&first, Source::Sync, NOW)?.map_err(|r| r.to_string())?;
    server.hub().publish_policy_toml(&table_source("VN-2026-12-27"), NOW)?;
    let second = latest_signed(&server)?;

    // Cut before the rename: what `durable::write_private` had written, under its temporary
    // name, then the power went. The next start reads the old file.
    let policy_dir = dir.root().join("policy");
    let current = std::fs::read(policy_dir.join("current.json"))?;
    let half = &current[..current.len() / 2];
    std::fs::write(policy_dir.join(".current.json.4242.0.tmp"), half)?;
    let reopened = DataDir::open(dir.root())?;
    let active = reopened.active_policy();
    assert_eq!((active.table.version, active.problem.as_deref()), ("VN-2026-12-20", None));
    // The switch done again after the restart succeeds.
    reopened.install_policy(&second, Source::Sync, NOW + 60)?.map_err(|r| r.to_string())?;
    assert_eq!(reopened.active_policy().table.version, "VN-2026-12-27");

    // A torn current file (a file system without atomic rename): the table before it is used,
    // and staff are told; records priced with it are accepted.
    write_torn(&policy_dir.join("current.json"))?;
    let active = DataDir::open(dir.root())?.active_policy();
    assert_eq!(active.table.version, "VN-2026-12-20");
    assert!(active.problem.is_some_and(|p| p.contains("not used")));
    let (voluntary, _) = enrollments()?;
    let (_, _, version) = commit_with_active(&dir, &voluntary, NOW)?;
    assert_eq!(version, "VN-2026-12-20");
    sync_until_done(&dir, &server.url(), &test_clock(), &RetryPolicy::default(), 2)?;
    assert_eq!(quarantined(&dir)?, 0);
    // And the sync that reached the hub put the newest table back in place.
    assert_eq!(dir.active_policy().table.version, "VN-2026-12-27");
    server.stop(&rt)?;
    Ok(())
}

fn write_torn(path: &Path) -> Res<()> {
    let text = std::fs::read(path)?;
    std::fs::write(path, &text[..text.len() / 3])?;
    Ok(())
}

/// Past the table's `valid_until` every amount is an estimate: the device's judgement, and
/// the kiosk's quote screen marks it.
#[test]
fn a_device_past_valid_until_marks_its_quotes_as_estimates() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let dir = DataDir::open(tmp.path().join("device"))?;
    let table = dir.active_policy().table;
    let before: ansinh_core::Date = "2026-12-31".parse().map_err(|_| "date")?;
    let after: ansinh_core::Date = "2027-01-01".parse().map_err(|_| "date")?;
    assert!(!dir.policy_freshness(&table, before).is_estimate());
    let past = dir.policy_freshness(&table, after);
    assert_eq!(past, Freshness { past_valid_until: Some(before), newer_on_hub: None });

    // The kiosk on that device, its clock on 2 January 2027: the quote screen is an estimate,
    // and staff read why.
    let clock = std::rc::Rc::new(ansinh_device::clock::FakeClock::at_time(1_798_851_600));
    let store = ansinh_kiosk::store::DeviceStore::open(dir.clone(), Default::default())?;
    let mut app = ansinh_kiosk::app::App::new(Box::new(store), clock.clone(), Default::default());
    assert!(app.policy_freshness().is_estimate());
    let (notes, lines) = app.policy_status();
    assert!(notes.iter().any(|n| n.contains("31/12/2026")), "{notes:?}");
    assert!(lines.iter().any(|l| l.value.contains("VN-2026-12-06")), "{lines:?}");
    clock.set(1_795_316_400);
    app.reset();
    assert!(!app.policy_freshness().is_estimate(), "on 22 November 2026 it is not");
    Ok(())
}

/// The kiosk takes a table installed while it runs (by its delivery worker's sync, or a stick)
/// only between two customers, and staff then read where it came from and what it changed.
#[test]
fn the_kiosk_takes_a_new_table_at_the_next_reset_and_staff_read_what_changed() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    let dir = device(tmp.path(), "device", &server.url(), &server.token()?)?;
    let clock = std::rc::Rc::new(test_clock());
    let store = ansinh_kiosk::store::DeviceStore::open(dir.clone(), Default::default())?;
    let mut app = ansinh_kiosk::app::App::new(Box::new(store), clock, Default::default());
    assert_eq!(app.table.version, "VN-2026-12-06");
    server.hub().publish_policy_toml(&table_source("VN-2026-12-20"), NOW)?;
    let fetched = ansinh_uploader::policy::fetch_policy(
        &dir,
        &mut ansinh_uploader::HttpTransport::new(
            &server.url(),
            std::time::Duration::from_secs(10),
        )?,
        &test_clock(),
    )?;
    assert_eq!(fetched, PolicyFetch::Installed { version: "VN-2026-12-20".into() });
    assert_eq!(app.table.version, "VN-2026-12-06", "not in the middle of a customer");
    app.reset();
    assert_eq!(app.table.version, "VN-2026-12-20");
    let (notes, lines) = app.policy_status();
    assert!(notes.is_empty(), "{notes:?}");
    let text: Vec<String> = lines.iter().map(|l| format!("{} | {}", l.label, l.value)).collect();
    assert!(text[0].contains("VN-2026-12-20, xác nhận đến ngày 30/06/2027"), "{text:?}");
    assert!(
        text[1].starts_with("Nguồn bảng | Nhận ngày 22/11/2026 10:00 qua máy chủ thu"),
        "{text:?}"
    );
    assert!(text[2].starts_with("Thay đổi so với bảng VN-2026-12-06"), "{text:?}");
    assert!(
        text[3].starts_with(
            "Nhà nước hỗ trợ (thay đổi) 01/07/2025 – …: [tiếng Anh] Decree 159/2025/NĐ-CP Art 5"
        ),
        "{text:?}"
    );
    server.stop(&rt)?;
    Ok(())
}
