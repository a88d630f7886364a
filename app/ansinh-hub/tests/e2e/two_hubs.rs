//! Two `ansinh-hub serve` processes on one PostgreSQL database behind a round-robin proxy (as
//! behind a load balancer), ten devices sending 10,000 records at once, one hub killed with
//! SIGKILL mid-stream and started again (then the other): every record is held once, every device's counter is
//! the last one it used. Needs a PostgreSQL server (`ANSINH_TEST_POSTGRES`; `tests/run.sh`
//! starts one and requires it).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ansinh_device::DataDir;
use ansinh_hub::Store;
use ansinh_hub::testing::RoundRobinProxy;
use ansinh_uploader::{HttpTransport, RetryPolicy, sync_once};

use crate::support::*;

const DEVICES: usize = 10;
const RECORDS_PER_DEVICE: usize = 1_000;

/// The command on `data` with its records in `database`.
fn hub(data: &Path, database: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ansinh-hub"));
    command.arg("--data-dir").arg(data).arg("--database").arg(database);
    command
}

/// `ansinh-hub serve` on 127.0.0.1:`port`, once it answers.
fn serve(data: &Path, database: &str, port: u16) -> Res<Child> {
    let mut child = hub(data, database)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        // The devices send many batches a minute here.
        .args(["--max-batches-per-minute", "100000"])
        .stderr(Stdio::null())
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(30);
    let url = format!("http://127.0.0.1:{port}/healthz");
    while Instant::now() < deadline {
        if agent().get(&url).call().is_ok_and(|r| r.status() == 200) {
            return Ok(child);
        }
        if let Some(status) = child.try_wait()? {
            return Err(format!("the hub on port {port} exited: {status}").into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill()?;
    Err(format!("the hub on port {port} never answered").into())
}

fn free_port() -> Res<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The last batch counter a device used (its outbox's `counter:uploader.batch`).
fn last_counter_used(dir: &DataDir) -> Res<u64> {
    let db = rusqlite::Connection::open(dir.root().join("outbox.sqlite"))?;
    let value: String =
        db.query_row("SELECT value FROM meta WHERE key = 'counter:uploader.batch'", [], |r| {
            r.get(0)
        })?;
    Ok(value.parse()?)
}

#[test]
fn two_hubs_on_one_database_hold_every_record_once_when_one_is_killed() -> TestResult {
    let Some(admin) = ansinh_hub::testing::postgres_server()? else { return Ok(()) };
    let database = ansinh_hub::testing::scratch_database(&admin)?;
    let tmp = tempfile::tempdir()?;
    // Both hubs use the same keys, as two machines given one copy of `keys/`.
    let data = tmp.path().join("hub");
    let mut tokens = vec![];
    for i in 0..DEVICES {
        let out = hub(&data, &database).args(["token", "--label", &format!("Xã {i}")]).output()?;
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        tokens.push(String::from_utf8(out.stdout)?.trim().to_string());
    }
    let ports = [free_port()?, free_port()?];
    let mut hubs = [serve(&data, &database, ports[0])?, serve(&data, &database, ports[1])?];
    let rt = runtime()?;
    let upstreams = ports.map(|p| std::net::SocketAddr::from(([127, 0, 0, 1], p))).to_vec();
    let proxy = rt.block_on(RoundRobinProxy::start(upstreams))?;

    // Ten devices, each with a thousand enrollments committed as at the counter.
    let mut devices = vec![];
    for (i, token) in tokens.iter().enumerate() {
        devices.push(device(tmp.path(), &format!("device{i}"), &proxy.url(), token)?);
    }
    let committing: Vec<_> = devices
        .iter()
        .map(|dir| {
            let dir = dir.clone();
            std::thread::spawn(move || enqueue(&dir, RECORDS_PER_DEVICE).map_err(|e| e.to_string()))
        })
        .collect();
    let mut ids = vec![];
    for c in committing {
        ids.push(c.join().map_err(|_| "a commit thread panicked")??);
    }

    // All ten sync at once through the proxy, in small batches, retrying after every failure.
    let done = Arc::new(AtomicBool::new(false));
    let url = proxy.url();
    let syncing: Vec<_> = devices
        .iter()
        .map(|dir| {
            let (dir, url, done) = (dir.clone(), url.clone(), Arc::clone(&done));
            std::thread::spawn(move || -> Result<usize, String> {
                let policy = RetryPolicy { batch_bytes: 8 * 1024, ..RetryPolicy::default() };
                let clock = test_clock();
                let mut transport =
                    HttpTransport::new(&url, Duration::from_secs(20)).map_err(|e| e.to_string())?;
                for round in 0..1_000 {
                    if done.load(Ordering::SeqCst) {
                        return Err("stopped".into());
                    }
                    // A failed exchange (the killed hub's) is a report, not an error.
                    let r = sync_once(&dir, &mut transport, &clock, &policy)
                        .map_err(|e| e.to_string())?;
                    if r.status.unsent == 0 {
                        return Ok(round);
                    }
                    clock.advance(policy.max_delay_secs + 1);
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err("still unsent after 1,000 syncs".into())
            })
        })
        .collect();

    // Mid-stream: the first hub is killed (no graceful stop) and started again on its port; a
    // little later the second, so that the devices' kept-alive connections to it move to the
    // restarted first.
    let store = ansinh_hub::PostgresStore::open(&database)?;
    let total = DEVICES * RECORDS_PER_DEVICE;
    let wait_for = |share: usize| -> Res<i64> {
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            let held = store.totals()?.records;
            if held >= (total * share / 100) as i64 {
                return Ok(held);
            }
            if Instant::now() > deadline {
                return Err(format!("{share}% of the records never arrived ({held})").into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let mut kills = vec![];
    for (hub_at, share) in [(0, 25), (1, 50)] {
        let held = wait_for(share)?;
        hubs[hub_at].kill()?;
        hubs[hub_at].wait()?;
        kills.push((held, proxy.served()));
        std::thread::sleep(Duration::from_millis(300));
        hubs[hub_at] = serve(&data, &database, ports[hub_at])?;
    }

    let mut rounds = vec![];
    for s in syncing {
        rounds.push(s.join().map_err(|_| "a device thread panicked")?);
    }
    done.store(true, Ordering::SeqCst);
    let rounds = rounds.into_iter().collect::<Result<Vec<_>, _>>()?;
    for h in &mut hubs {
        h.kill()?;
        h.wait()?;
    }

    let totals = store.totals()?;
    assert_eq!((totals.records, totals.conflicts, totals.rejected), (total as i64, 0, 0));
    for (dir, ids) in devices.iter().zip(&ids) {
        let device_id = dir.registration()?.ok_or("registered")?.device_id;
        for id in ids {
            assert!(store.record(device_id, id)?.is_some(), "lost {}", hex::encode(id));
        }
        assert_eq!(acknowledged(dir)?, RECORDS_PER_DEVICE, "device {device_id}");
        // The hub's replay counter is the last one the device used: each batch taken once.
        let hub_counter = store.device(device_id)?.ok_or("device")?.last_counter;
        assert_eq!(hub_counter, last_counter_used(dir)?, "device {device_id}");
    }
    // The kills came mid-stream, both hubs served, and the first served again after its
    // restart; devices had to retry.
    let served = proxy.served();
    let (held_at_second_kill, served_at_second_kill) = &kills[1];
    assert!(*held_at_second_kill < total as i64, "the kills came after the end: {kills:?}");
    assert!(served.iter().all(|n| *n > 0), "both hubs served: {served:?}");
    assert!(
        served[0] > served_at_second_kill[0],
        "the restarted hub served again: {served:?} {kills:?}"
    );
    assert!(rounds.iter().any(|r| *r > 0), "some device had to retry: {rounds:?}");
    Ok(())
}
