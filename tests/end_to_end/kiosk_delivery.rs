//! The kiosk's delivery against a real collection server on loopback: the worker registers
//! with the configuration's one-time token, a submit wakes it, the server acknowledges the
//! record, the renewal list arrives, and the staff screen's data shows all of it.

use std::time::{Duration, Instant};

use ansinh_device::DataDir;
use ansinh_device::enroll::Duplicates;
use ansinh_hub::testing::LoopbackHub;
use ansinh_kiosk::delivery::{Delivery, DeliveryConfig};
use ansinh_kiosk::store::{DeviceStore, EnrollmentStore, Settings, StaffData, SyncRequest};

use crate::support::{TODAY, enrollments, fixture_communes};

type R = Result<(), Box<dyn std::error::Error>>;

/// 22 November 2026, 10:00 in Viet Nam: the fixture's collection day.
const COLLECTED_AT: i64 = 1_795_316_400;

fn wall_clock() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) -> R {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > Duration::from_secs(60) {
            return Err(format!("timed out waiting for {what}").into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

#[test]
fn registers_sends_on_submit_and_brings_the_renewal_list() -> R {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let hub_dir = tempfile::tempdir()?;
    // The server checks request times against its clock, so it runs on the real one.
    let server = LoopbackHub::start(&rt, hub_dir.path(), 0, None)?;
    let url = server.url();
    let hub = server.hub();
    let token = server.assigned_token("Bưu điện xã Thanh Trì", &fixture_communes())?;

    let dev = tempfile::tempdir()?;
    let settings = Settings {
        collection_point: "Bưu điện xã Thanh Trì".into(),
        agent_code: "DL-0001".into(),
        ..Settings::default()
    };
    let policy = ansinh_uploader::RetryPolicy::default();
    let delivery = Delivery::start(
        dev.path().to_path_buf(),
        DeliveryConfig {
            server_url: Some(url.clone()),
            provisioning_token: Some(token),
            label: settings.collection_point.clone(),
            policy: policy.clone(),
            // Long enough that only a wake can start the second sync in time.
            poll: Duration::from_secs(600),
            // The fixture's paid period (from December 2026) ends within the longest window
            // the server allows, counted from today's date on the test machines.
            renewal_days: 366,
            ..DeliveryConfig::default()
        },
    );
    let mut kiosk_store =
        DeviceStore::open(DataDir::open(dev.path())?, settings)?.with_delivery(&delivery, policy);
    let data = DataDir::open(dev.path())?;
    wait_for("registration", || matches!(data.registration(), Ok(Some(_))))?;

    let table = ansinh_core::default_table();
    let today = TODAY.parse().map_err(|_| "date")?;
    let (enrollment, _) = enrollments()?;
    let committed = kiosk_store
        .submit(&enrollment, &table, today, COLLECTED_AT, Duplicates::Refuse)
        .map_err(|e| e.message)?;

    wait_for("the acknowledgement", || {
        // The uploader records the sync just after storing the acknowledgement.
        kiosk_store
            .queue(wall_clock())
            .is_ok_and(|q| q.stats.acknowledged == 1 && q.sync.last_sync.is_some())
    })?;
    let q = kiosk_store.queue(wall_clock()).map_err(|e| e.message)?;
    assert!(!q.development_key, "sealed to the server's key once registered");
    assert_eq!(q.server.as_deref(), Some(url.as_str()));
    assert!(q.sync.last_sync.is_some() && q.sync.last_error.is_none() && !q.sync.alarm, "{q:?}");
    let held = hub.store().totals()?;
    assert_eq!((held.records, held.rejected, held.conflicts), (1, 0, 0), "held once, as sent");
    let device_id = data.registration()?.ok_or("registered")?.device_id;
    assert!(hub.store().record(device_id, &committed.record_id)?.is_some());

    wait_for("the renewal list with the record", || {
        kiosk_store.renewals_due().is_ok_and(|r| !r.due.is_empty())
    })?;
    let renewals = kiosk_store.renewals_due().map_err(|e| e.message)?;
    assert_eq!(renewals.due.len(), 1, "{renewals:?}");
    assert!(renewals.due[0].masked_name.starts_with("NGUY"), "masked, not in full");
    assert_eq!(kiosk_store.sync_now(), SyncRequest::Started, "staff can start a sync");
    drop(delivery);
    server.stop(&rt)?;
    Ok(())
}

/// A kiosk that took enrollments as a demonstration (sealed to the development key) and is then
/// given a server: the worker's registration is refused while those records are unsent, staff
/// see why on their screen, and nothing is provisioned (as `ansinh register` refuses).
#[test]
fn registration_waits_while_demonstration_records_are_unsent() -> R {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let hub_dir = tempfile::tempdir()?;
    let server = LoopbackHub::start(&rt, hub_dir.path(), 0, None)?;
    let dev = tempfile::tempdir()?;
    let settings = Settings {
        collection_point: "Bưu điện xã Thanh Trì".into(),
        agent_code: "DL-0001".into(),
        ..Settings::default()
    };
    // The demonstration's record.
    {
        let mut demo = DeviceStore::open(DataDir::open(dev.path())?, settings.clone())?;
        let table = ansinh_core::default_table();
        let today = TODAY.parse().map_err(|_| "date")?;
        let (enrollment, _) = enrollments()?;
        demo.submit(&enrollment, &table, today, COLLECTED_AT, Duplicates::Refuse)
            .map_err(|e| e.message)?;
    }
    let policy = ansinh_uploader::RetryPolicy::default();
    let delivery = Delivery::start(
        dev.path().to_path_buf(),
        DeliveryConfig {
            server_url: Some(server.url()),
            provisioning_token: Some(server.token("Bưu điện xã Thanh Trì")?),
            label: settings.collection_point.clone(),
            policy: policy.clone(),
            poll: Duration::from_secs(600),
            ..DeliveryConfig::default()
        },
    );
    let kiosk_store =
        DeviceStore::open(DataDir::open(dev.path())?, settings)?.with_delivery(&delivery, policy);
    wait_for("the refusal on the staff screen", || {
        kiosk_store.queue(wall_clock()).is_ok_and(|q| q.sync.last_error.is_some())
    })?;
    let q = kiosk_store.queue(wall_clock()).map_err(|e| e.message)?;
    let why = q.sync.last_error.clone().unwrap_or_default();
    assert!(why.contains("development key"), "{why}");
    assert!(q.development_key && q.server.is_none(), "{q:?}");
    let data = DataDir::open(dev.path())?;
    assert!(data.registration()?.is_none() && !data.is_provisioned());
    assert!(!kiosk_store.server_key_provisioned());
    // Staff pressing "sync now" are told the device is not registered, not "sending".
    assert!(
        matches!(kiosk_store.sync_now(), SyncRequest::NotRegistered(_)),
        "{:?}",
        kiosk_store.sync_now()
    );
    assert!(server.hub().store().devices()?.is_empty(), "the token was not spent");
    drop(delivery);
    server.stop(&rt)?;
    Ok(())
}

/// The built-in table's source under another version (a table prepared for the device).
fn table_named(version: &str) -> String {
    include_str!("../../app/ansinh-core/policy/policy.toml").replacen(
        &format!("version = \"{}\"", ansinh_core::default_table().version),
        &format!("version = \"{version}\""),
        1,
    )
}

/// A device prepared with a signed table on its configuration partition (the kiosk's
/// `--policy FILE`): before registration nothing can check it, so the kiosk prices with its
/// built-in table and the table waits; right after registration pins the policy key the worker
/// installs it, and the first sync brings the newer one the server published meanwhile.
#[test]
fn a_table_from_the_configuration_is_installed_at_registration_and_a_newer_one_at_the_first_sync()
-> R {
    use ansinh_device::policy::{Origin, Source};
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let hub_dir = tempfile::tempdir()?;
    let server = LoopbackHub::start(&rt, hub_dir.path(), 0, None)?;
    let hub = server.hub();
    let key = hub.keys().policy_signing.clone().ok_or("the hub holds its policy key")?;
    let builtin = ansinh_core::default_table().version;
    let (prepared, later) = (format!("{builtin}.1"), format!("{builtin}.2"));
    let dev = tempfile::tempdir()?;
    let file = dev.path().join("policy.signed");
    std::fs::write(
        &file,
        ansinh_hub::policy::sign_table(&table_named(&prepared), &key, wall_clock())?,
    )?;

    // At start, unregistered: the table cannot be checked yet and waits.
    let data = DataDir::open(dev.path().join("data"))?;
    assert!(!ansinh_kiosk::delivery::install_table(&data, &file, Source::Configuration));
    assert_eq!(data.active_policy().table.version, builtin);

    hub.publish_policy_toml(&table_named(&later), wall_clock())?;
    let delivery = Delivery::start(
        dev.path().join("data"),
        DeliveryConfig {
            server_url: Some(server.url()),
            provisioning_token: Some(server.token("Bưu điện xã Thanh Trì")?),
            label: "Bưu điện xã Thanh Trì".into(),
            poll: Duration::from_secs(600),
            policy_files: vec![(file.clone(), Source::Configuration)],
            ..DeliveryConfig::default()
        },
    );
    wait_for("the table from the server", || data.active_policy().table.version == later)?;
    let active = data.active_policy();
    assert!(matches!(active.origin, Origin::Installed { source: Source::Sync, .. }));
    assert_eq!(
        active.previous.as_ref().map(|p| p.version.to_string()),
        Some(prepared.clone()),
        "the configuration's table came first"
    );
    // Offered again at the next start, the configuration's table is older: nothing changes.
    assert!(!ansinh_kiosk::delivery::install_table(&data, &file, Source::Configuration));
    assert_eq!(data.active_policy().table.version, later);
    drop(delivery);
    server.stop(&rt)?;
    Ok(())
}
