//! Device outbox → uploader → (faulty network) → hub: each record held exactly once.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use ansinh_device::clock::{Clock, FakeClock, SystemClock};

use ansinh_hub::Store;
use ansinh_hub::testing::{FaultProxy, Faults};
use ansinh_uploader::{HttpTransport, RetryPolicy, sync_once};

use crate::support::*;

fn small_batches() -> RetryPolicy {
    // Small batches: many requests, so every fault happens many times.
    RetryPolicy { batch_bytes: 8 * 1024, max_batches_per_sync: 400, ..RetryPolicy::default() }
}

#[test]
fn happy_path_registers_syncs_and_stops() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    let dir = device(tmp.path(), "device", &server.url(), &server.token()?)?;
    let ids = enqueue(&dir, 10)?;
    let clock = test_clock();
    let reports = sync_until_done(&dir, &server.url(), &clock, &small_batches(), 3)?;
    assert_eq!(reports.len(), 1);
    assert_eq!((reports[0].acknowledged, reports[0].duplicates), (10, 0));
    assert!(reports[0].quarantined.is_empty(), "{:?}", reports[0].quarantined);
    assert_eq!(server.hub().store().totals()?.records, 10);
    let device_id = dir.registration()?.ok_or("registered")?.device_id;
    for id in &ids {
        assert!(server.hub().store().record(device_id, id)?.is_some());
    }
    server.stop(&rt)?;
    Ok(())
}

#[test]
fn a_thousand_records_through_a_faulty_network_are_held_exactly_once() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    // The hub's clock stands still, so every one of the many small batches falls in the same
    // minute: no batch quota here (the attacks test it).
    let quotas = ansinh_hub::Quotas { batches_per_minute: u32::MAX, ..Default::default() };
    server.hub().set_quotas(quotas);
    let dir = device(tmp.path(), "device", &server.url(), &server.token()?)?;
    let ids = enqueue(&dir, 1_000)?;
    let faults = Faults {
        seed: 20_261_122,
        drop_permille: 100,
        cut_request_permille: 100,
        cut_response_permille: 100,
        duplicate_permille: 100,
        max_delay_ms: 15,
        bytes_per_sec: None,
    };
    let proxy = rt.block_on(FaultProxy::start(server.addr, faults))?;
    let clock = test_clock();
    let reports = sync_until_done(&dir, &proxy.url(), &clock, &small_batches(), 400)?;

    let stats = proxy.stats();
    assert!(
        stats.dropped > 0
            && stats.cut_requests > 0
            && stats.cut_responses > 0
            && stats.duplicated > 0,
        "every fault happened: {stats:?}"
    );
    let failures = reports.iter().filter(|r| r.failure.is_some()).count();
    assert!(failures > 10, "the device saw failures: {failures}");
    // Answers lost after the server stored: the retries came back as duplicates.
    assert!(reports.iter().map(|r| r.duplicates).sum::<usize>() > 0);
    assert_eq!(reports.iter().map(|r| r.acknowledged).sum::<usize>(), 1_000);

    let store = server.hub().store();
    let totals = store.totals()?;
    assert_eq!((totals.records, totals.conflicts, totals.rejected), (1_000, 0, 0));
    let mut seen = HashSet::new();
    let device_id = dir.registration()?.ok_or("registered")?.device_id;
    for id in &ids {
        let held = store.record(device_id, id)?.ok_or("a record is missing on the server")?;
        assert!(seen.insert(held.record_id));
    }
    assert_eq!(acknowledged(&dir)?, 1_000);
    let status = reports.last().ok_or("no report")?.status.clone();
    assert_eq!((status.unsent, status.quarantined, status.alarm), (0, 0, false));
    Ok(())
}

#[test]
fn a_server_restart_mid_stream_loses_nothing() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let hub_dir = tmp.path().join("hub");
    let proxy_rt = runtime()?;
    let first_rt = runtime()?;
    let first = Server::start(&first_rt, &hub_dir, 0)?;
    let dir = device(tmp.path(), "device", &first.url(), &first.token()?)?;
    let ids = enqueue(&dir, 300)?;
    let proxy = proxy_rt.block_on(FaultProxy::start(first.addr, Faults::default()))?;
    let url = proxy.url();
    let policy =
        RetryPolicy { batch_bytes: 4 * 1024, max_batches_per_sync: 3, ..RetryPolicy::default() };

    // The device syncs in the background, a few batches at a time, until all is held.
    let worker_dir = dir.clone();
    let worker = std::thread::spawn(move || -> Result<usize, String> {
        let clock = test_clock();
        let mut transport =
            HttpTransport::new(&url, Duration::from_secs(5)).map_err(|e| e.to_string())?;
        for round in 0..2_000 {
            let r = sync_once(&worker_dir, &mut transport, &clock, &policy)
                .map_err(|e| e.to_string())?;
            if r.status.unsent == 0 {
                return Ok(round);
            }
            clock.advance(policy.max_delay_secs + 1);
            std::thread::sleep(Duration::from_millis(5));
        }
        Err("still unsent".into())
    });

    let wait_for = |store: &dyn Store, n: i64| -> TestResult {
        for _ in 0..2_000 {
            if store.totals()?.records >= n {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        Err(format!("the hub never reached {n} records").into())
    };
    // A crash: the server's runtime is torn down with requests in flight.
    wait_for(first.hub().store(), 60)?;
    first_rt.shutdown_background();
    drop(first);
    let second_rt = runtime()?;
    let second = Server::start(&second_rt, &hub_dir, 0)?;
    proxy.set_upstream(second.addr);
    // A graceful restart on the same data.
    wait_for(second.hub().store(), 180)?;
    second.stop(&second_rt)?;
    let third = Server::start(&second_rt, &hub_dir, 0)?;
    proxy.set_upstream(third.addr);

    let rounds = worker.join().map_err(|_| "the device thread panicked")??;
    assert!(rounds > 0);
    let store = third.hub().store();
    assert_eq!(store.totals()?.records, 300);
    let device_id = dir.registration()?.ok_or("registered")?.device_id;
    for id in &ids {
        assert!(store.record(device_id, id)?.is_some(), "lost {}", hex::encode(id));
    }
    assert_eq!(acknowledged(&dir)?, 300);
    third.stop(&second_rt)?;
    Ok(())
}

#[test]
fn conflicts_and_rejections_are_quarantined_on_both_sides() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    // A record sealed to a key the hub does not hold (as records sealed to a development key
    // were, before registration refused to run while such records are unsent): the hub cannot
    // open it.
    let early = ansinh_device::DataDir::open(tmp.path().join("early"))?;
    ansinh_uploader::register(&early, &server.url(), &server.token()?, "early")?;
    {
        let (voluntary, _) = enrollments()?;
        let foreign_key = ansinh_wire::OpeningKey::generate().sealing_key();
        let mut outbox =
            ansinh_outbox::Outbox::open(&early.root().join("outbox.sqlite"), foreign_key)?;
        let point = ansinh_device::enroll::CollectionPoint {
            device_id: 0,
            name: "x".into(),
            agent_code: AGENT.into(),
        };
        let table = ansinh_core::default_table();
        let pseudonyms = early.pseudonym_key()?;
        ansinh_device::enroll::commit(
            &mut outbox,
            &voluntary,
            &table,
            TODAY.parse().map_err(|_| "d")?,
            NOW,
            &point,
            &ansinh_device::enroll::CommitOptions::new(&pseudonyms),
        )?;
    }
    let a = device(tmp.path(), "a", &server.url(), &server.token()?)?;
    let ids = enqueue(&a, 2)?;
    let clock = test_clock();
    sync_until_done(&a, &server.url(), &clock, &small_batches(), 2)?;

    // The hub holds a record of device b (as if from an earlier bundle), and b's outbox holds
    // the same record id with other bytes (sealed anew): a conflict of b with itself. (Another
    // device re-using an id is not a conflict: records are keyed by device and id.)
    let b = device(tmp.path(), "b", &server.url(), &server.token()?)?;
    let b_id = b.registration()?.ok_or("b is registered")?.device_id;
    let taken = [0x42; 16];
    let earlier = ansinh_hub::Incoming {
        record_id: taken,
        sealed_sha256: [1; 32],
        sealed: vec![1; 64],
        verdict: Ok(ansinh_hub::Facts {
            scheme: "voluntary-si".into(),
            commune_code: "00004".into(),
            agent_code: AGENT.into(),
            collected_at: NOW,
            day: TODAY.into(),
            amount: 1,
            coverage: vec![],
        }),
        wrapped_key: None,
    };
    let usb = ansinh_wire::Channel::Usb { bundle_id: [9; 16], created_at: NOW };
    let room = ansinh_hub::ProblemQuota { per_day: 10, stored: 10 };
    server.hub().store().ingest(b_id, &usb, NOW, vec![earlier], &room)?;
    {
        let (outbox_a, _) = a.outbox()?;
        let (mut outbox_b, _) = b.outbox()?;
        outbox_b.enqueue(NOW, |_| {
            Ok::<_, String>(ansinh_outbox::NewRecord {
                record_id: taken,
                summary: outbox_a.get(1).map_err(|e| e.to_string())?.summary,
                plaintext: b"not the same record".to_vec().into(),
                corrects: None,
            })
        })?;
    }
    let mut transport = HttpTransport::new(&server.url(), Duration::from_secs(5))?;
    let rb = sync_once(&b, &mut transport, &clock, &small_batches())?;
    assert_eq!(rb.quarantined.len(), 1);
    assert!(rb.quarantined[0].reason.starts_with("conflict"), "{:?}", rb.quarantined);
    let re = sync_once(&early, &mut transport, &clock, &small_batches())?;
    assert_eq!(re.quarantined.len(), 1);
    assert_eq!(re.quarantined[0].reason, "rejected by the collection server: cannot_open");
    assert_eq!((re.status.unsent, re.status.quarantined), (1, 1));

    let store = server.hub().store();
    let totals = store.totals()?;
    assert_eq!((totals.records, totals.conflicts, totals.rejected), (3, 1, 1));
    assert!(store.record(b_id, &taken)?.is_some_and(|h| h.conflicted), "flagged on the server too");
    let a_id = a.registration()?.ok_or("a is registered")?.device_id;
    assert!(store.record(a_id, &ids[0])?.is_some_and(|h| !h.conflicted));
    let codes: Vec<String> = store.problems()?.into_iter().map(|p| p.code).collect();
    assert!(codes.contains(&"conflict".to_string()) && codes.contains(&"cannot_open".to_string()));
    // Sending again changes nothing: quarantined records stay put.
    assert_eq!(sync_once(&b, &mut transport, &clock, &small_batches())?.batches, 0);
    server.stop(&rt)?;
    Ok(())
}

/// Issue #14, "Sync now" means now: after a spell of failures the records wait out a long
/// back-off, the network returns, and the sync a person asks for (`ansinh sync`'s path) sends
/// everything at once instead of nothing.
#[test]
fn a_sync_asked_for_after_failures_sends_everything_at_once() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    let proxy = rt.block_on(FaultProxy::start(server.addr, Faults::default()))?;
    // Registered through the proxy, so that the sync a person asks for goes through it too.
    let dir = device(tmp.path(), "device", &proxy.url(), &server.token()?)?;
    let ids = enqueue(&dir, 40)?;

    // The network goes: the proxy forwards to a port nobody listens on.
    let nowhere = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    proxy.set_upstream(nowhere);
    // The uploader's clock starts at the real time, so that the back-off it sets also holds
    // for the sync below, which runs on the system clock as `ansinh sync` does.
    let clock = FakeClock::at_time(SystemClock.now());
    let mut transport = HttpTransport::new(&proxy.url(), Duration::from_secs(5))?;
    let policy = RetryPolicy::default();
    let mut next = clock.now();
    for failure in 1..=15 {
        clock.advance(next - clock.now());
        let r = sync_once(&dir, &mut transport, &clock, &policy)?;
        assert_eq!(r.acknowledged, 0, "failure {failure}");
        assert!(r.failure.as_ref().is_some_and(|f| f.retryable), "failure {failure}: {r:?}");
        next = r.next_attempt_at.ok_or("no next attempt")?;
    }
    let backoff = next - clock.now();
    assert!((15 * 60..=policy.max_delay_secs).contains(&backoff), "back-off {backoff}s");
    assert_eq!(server.hub().store().totals()?.records, 0);

    // The network returns with minutes of back-off still to run: an automatic try sends
    // nothing yet.
    proxy.set_upstream(server.addr);
    clock.advance(60);
    assert_eq!(sync_once(&dir, &mut transport, &clock, &policy)?.batches, 0);

    // One sync asked for delivers everything, within seconds.
    let started = Instant::now();
    let asked = ansinh_uploader::sync(&dir, &policy)?;
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert_eq!((asked.acknowledged, asked.duplicates), (40, 0), "{asked:?}");
    assert!(asked.failure.is_none(), "{:?}", asked.failure);
    assert_eq!((asked.status.unsent, asked.status.next_attempt_at), (0, None));

    assert_eq!(server.hub().store().totals()?.records, 40);
    let device_id = dir.registration()?.ok_or("registered")?.device_id;
    for id in &ids {
        assert!(server.hub().store().record(device_id, id)?.is_some());
    }
    let (outbox, _) = dir.outbox()?;
    let stats = outbox.stats(SystemClock.now())?;
    assert_eq!((stats.acknowledged, stats.unsent()), (40, 0));
    server.stop(&rt)?;
    Ok(())
}
