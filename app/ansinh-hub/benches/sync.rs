//! Delivery benchmarks (`cargo bench -p ansinh-hub --bench sync`), written up in BENCHMARKS.md:
//!
//! 1. bytes on the wire per record, next to the same record as JSON;
//! 2. the hub's ingest rate: signed batches straight into `Hub::ingest_batch` (4 devices at
//!    once, then one alone), on SQLite and, when `ANSINH_TEST_POSTGRES` names a server (`bash
//!    tests/postgres.sh start DIR` prints one; `ANSINH_PG_FSYNC=on` for a durable one), on
//!    PostgreSQL; wall-clock records/s and CPU per record (the hub's and, on PostgreSQL, the
//!    server's processes': on a shared machine the fair comparison); and the whole path
//!    device → HTTP on loopback → hub;
//! 3. the time to sync 1,000 records through the fault proxy throttled to 64 kbit/s.
//!
//! `--quick` skips the throttled run (about a minute); `--ingest-only` runs only the hub alone
//! (`ANSINH_BENCH_RUNS` runs, 3 by default), e.g. under `perf record`; `--sqlite` or
//! `--postgres` only that backend.

#[allow(dead_code, unreachable_pub)]
#[path = "../../../tests/end_to_end/support.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ansinh_enrollment::json::EnrollmentJson;
use ansinh_enrollment::record::{Collection, Record};
use ansinh_hub::testing::{FaultProxy, Faults};
use ansinh_hub::{EnrollmentRules, Hub, HubKeys, PostgresStore, SqliteStore, Store};
use ansinh_uploader::RetryPolicy;
use ansinh_wire::{BatchBody, Channel, PROTOCOL_VERSION, SealedRecord};
use support::*;

fn record(e: &ansinh_enrollment::record::Enrollment, i: u32) -> Res<Record> {
    Ok(Record {
        enrollment: e.clone(),
        collection: Collection {
            record_id: ansinh_outbox::new_record_id(),
            device_id: 1,
            collection_point: "Bưu điện xã Thanh Trì".try_into().map_err(|_| "cap")?,
            agent_code: AGENT.try_into().map_err(|_| "cap")?,
            at: NOW,
            receipt_no: i,
            amount: 0,
            policy_version: "bench".try_into().map_err(|_| "cap")?,
            corrects: None,
        },
    })
}

/// The JSON a naive uploader would send for the same record: the documented JSON form of the
/// enrollment plus the collection metadata.
fn as_json(r: &Record) -> Res<Vec<u8>> {
    let c = &r.collection;
    Ok(serde_json::to_vec(&serde_json::json!({
        "enrollment": EnrollmentJson::from_enrollment(&r.enrollment),
        "collection": {
            "record_id": hex::encode(c.record_id),
            "device_id": c.device_id,
            "collection_point": c.collection_point.as_str(),
            "agent_code": c.agent_code.as_str(),
            "at": c.at,
            "receipt_no": c.receipt_no,
            "amount": c.amount,
            "policy_version": c.policy_version.as_str(),
        }
    }))?)
}

fn wire_sizes() -> Res<()> {
    let (voluntary, household) = enrollments()?;
    let key = ansinh_wire::generate_signing_key();
    let sealing = ansinh_wire::OpeningKey::generate().sealing_key();
    println!("## Bytes per record\n");
    println!(
        "| record | JSON | envelope (postcard) | sealed | per record in a 500-record signed batch |"
    );
    println!("|---|---|---|---|---|");
    for (name, e) in [
        ("voluntary SI (enrollment.json)", &voluntary),
        ("household of 3 (household.json)", &household),
    ] {
        let r = record(e, 1)?;
        let json = as_json(&r)?.len();
        let envelope = ansinh_enrollment::envelope::encode_to_vec(&r).map_err(|e| e.to_string())?;
        let sealed = sealing.seal(&envelope)?;
        let records = (0..500u32)
            .map(|i| {
                let r = record(e, i)?;
                let plain =
                    ansinh_enrollment::envelope::encode_to_vec(&r).map_err(|e| e.to_string())?;
                Ok(SealedRecord {
                    record_id: r.collection.record_id,
                    sealed: sealing.seal(&plain)?,
                })
            })
            .collect::<Res<Vec<_>>>()?;
        let batch = BatchBody {
            version: PROTOCOL_VERSION,
            device_id: 1,
            channel: Channel::Network { counter: 1 },
            records,
            audit: vec![],
        };
        let signed = ansinh_wire::sign_batch(&batch, &key)?.len();
        println!("| {name} | {json} | {} | {} | {} |", envelope.len(), sealed.len(), signed / 500);
    }
    println!();
    Ok(())
}

/// No batch quota: the hub's clock stands at NOW, so every batch falls in one minute.
fn unlimited() -> ansinh_hub::Quotas {
    ansinh_hub::Quotas { batches_per_minute: u32::MAX, ..ansinh_hub::Quotas::default() }
}

/// A record the hub accepts: priced with the built-in policy table on the collection day and
/// naming that table, as a device makes it (a record naming an unknown table or the wrong
/// amount is rejected after far less work, which would flatter the rate).
fn priced(e: &ansinh_enrollment::record::Enrollment, i: u32, device: u64) -> Res<Record> {
    let table = ansinh_core::default_table();
    let today = TODAY.parse().map_err(|_| "date")?;
    let mut r = record(e, i)?;
    r.collection.device_id = device;
    r.collection.amount = ansinh_enrollment::price::price(e, &table, today)?.amount;
    r.collection.policy_version = table.version.try_into().map_err(|_| "cap")?;
    Ok(r)
}

/// CPU time (user + system, every thread) of process `pid` so far, from `/proc/PID/stat`
/// (Linux; clock ticks of 1/100 s, USER_HZ on every Linux the hub runs on).
fn cpu_time_of(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The one-minute load average (`/proc/loadavg`): on a shared machine, how many other jobs
/// the run's wall-clock rate competed with.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".to_string())
}

/// The database the hub alone ingests into.
#[derive(Clone)]
enum Backend {
    /// A fresh SQLite file (`synchronous=FULL`, as the hub runs).
    Sqlite,
    /// A fresh database on the PostgreSQL server this admin URL names (`ANSINH_TEST_POSTGRES`).
    Postgres(String),
}

impl Backend {
    fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }
}

/// A PostgreSQL server on this machine, seen through `pg_stat_activity`: its processes'
/// CPU time (every backend and background process; the postmaster's own is negligible), so
/// that the CPU per record counts the database's work as SQLite's in-process work is counted.
struct PgServer {
    rt: tokio::runtime::Runtime,
    client: tokio_postgres::Client,
    /// Whether the server syncs its WAL at each commit (`fsync` and `synchronous_commit`).
    durable: bool,
}

impl PgServer {
    fn connect(admin_url: &str) -> Res<Self> {
        let rt = runtime()?;
        let (client, connection) =
            rt.block_on(tokio_postgres::connect(admin_url, tokio_postgres::NoTls))?;
        rt.spawn(connection);
        let show = |name: &str| -> Res<String> {
            let row = rt.block_on(client.query_one(&format!("SHOW {name}"), &[]))?;
            Ok(row.try_get(0)?)
        };
        let durable = show("fsync")? == "on" && show("synchronous_commit")? != "off";
        Ok(Self { rt, client, durable })
    }

    /// CPU time so far of each of the server's processes, by pid.
    fn cpu(&self) -> Res<std::collections::HashMap<i32, Duration>> {
        let rows = self.rt.block_on(self.client.query("SELECT pid FROM pg_stat_activity", &[]))?;
        let mut out = std::collections::HashMap::new();
        for r in rows {
            let pid: i32 = r.try_get(0)?;
            if let Some(t) = cpu_time_of(&pid.to_string()) {
                out.insert(pid, t);
            }
        }
        Ok(out)
    }
}

/// What one run of the hub alone measured.
struct Run {
    records: u64,
    wall: Duration,
    /// The hub process's CPU time.
    hub_cpu: Option<Duration>,
    /// The PostgreSQL server's CPU time (SQLite: none, its work is the hub's).
    server_cpu: Option<Duration>,
}

/// One run of the hub alone: a fresh hub and database, `devices` devices each sending
/// `batches` signed batches of `per_batch` records (every fifth a household of 3), all
/// devices at once (a thread each, as devices upload at month end), each device's batches in
/// turn (a device waits for its acknowledgement).
fn ingest_run(
    backend: &Backend,
    devices: u64,
    batches: u64,
    per_batch: u32,
    server: Option<&PgServer>,
) -> Res<Run> {
    let (voluntary, household) = enrollments()?;
    let tmp = tempfile::tempdir()?;
    let store: Arc<dyn Store> = match backend {
        Backend::Sqlite => Arc::new(SqliteStore::open(&tmp.path().join("hub.sqlite"))?),
        Backend::Postgres(admin) => {
            Arc::new(PostgresStore::open(&ansinh_hub::testing::scratch_database(admin)?)?)
        }
    };
    let hub =
        Hub::new(store, HubKeys::ephemeral("bench-admin-token"), Arc::new(EnrollmentRules::new()));
    // Throughput, not the batch quota: every batch is sent at NOW.
    hub.set_quotas(unlimited());
    let sealing = hub.keys().opening.sealing_key();
    let mut signed = vec![];
    for d in 0..devices {
        // Assigned to the fixtures' communes, as a device in service is: each record is
        // checked against the assignment.
        let token =
            hub.create_assigned_token(&format!("bench {d}"), &fixture_communes(), 3600, NOW)?;
        let key = ansinh_wire::generate_signing_key();
        let id = hub
            .register(
                &ansinh_wire::RegisterRequest {
                    token,
                    device_public_key: hex::encode(key.verifying_key().to_bytes()),
                    label: "bench".into(),
                },
                NOW,
            )
            .map_err(|e| e.to_string())?
            .device_id;
        let mut mine = vec![];
        for b in 0..batches {
            let records = (0..per_batch)
                .map(|i| {
                    let e = if i % 5 == 4 { &household } else { &voluntary };
                    let r = priced(e, i, id)?;
                    let plain = ansinh_enrollment::envelope::encode_to_vec(&r)
                        .map_err(|e| e.to_string())?;
                    Ok(SealedRecord {
                        record_id: r.collection.record_id,
                        sealed: sealing.seal(&plain)?,
                    })
                })
                .collect::<Res<Vec<_>>>()?;
            let body = BatchBody {
                version: PROTOCOL_VERSION,
                device_id: id,
                channel: Channel::Network { counter: b + 1 },
                records,
                audit: vec![],
            };
            mine.push(ansinh_wire::sign_batch(&body, &key)?);
        }
        signed.push(mine);
    }
    let server_before = server.map(PgServer::cpu).transpose()?;
    let cpu_before = cpu_time_of("self");
    let start = Instant::now();
    std::thread::scope(|scope| {
        let threads: Vec<_> = signed
            .iter()
            .map(|mine| {
                let hub = &hub;
                scope.spawn(move || -> Result<(), String> {
                    for s in mine {
                        hub.ingest_batch(s, NOW).map_err(|e| e.to_string())?;
                    }
                    Ok(())
                })
            })
            .collect();
        threads
            .into_iter()
            .try_for_each(|t| t.join().map_err(|_| "a device panicked".to_string())?)
    })?;
    let wall = start.elapsed();
    let hub_cpu =
        cpu_time_of("self").zip(cpu_before).map(|(after, before)| after.saturating_sub(before));
    let server_cpu = match (server, server_before) {
        (Some(server), Some(before)) => {
            let after = server.cpu()?;
            Some(
                after
                    .iter()
                    .map(|(pid, t)| t.saturating_sub(before.get(pid).copied().unwrap_or_default()))
                    .sum(),
            )
        }
        _ => None,
    };
    // Every record was taken: the rate is of records stored, not refused.
    let held = hub.store().totals()?;
    let n = devices * batches * u64::from(per_batch);
    if held.records != i64::try_from(n)? || held.rejected != 0 || held.review != 0 {
        return Err(format!("the hub holds {held:?}, not {n} records").into());
    }
    Ok(Run { records: n, wall, hub_cpu, server_cpu })
}

/// The backends to measure: SQLite, and PostgreSQL when `ANSINH_TEST_POSTGRES` names a
/// server; `--sqlite` or `--postgres` for one of them only.
fn backends() -> Res<Vec<Backend>> {
    let flag = |name: &str| std::env::args().any(|a| a == name);
    let (sqlite, postgres) = match (flag("--sqlite"), flag("--postgres")) {
        (false, false) => (true, true),
        chosen => chosen,
    };
    let mut out = vec![];
    if sqlite {
        out.push(Backend::Sqlite);
    }
    if postgres {
        match ansinh_hub::testing::postgres_server()? {
            Some(admin) => out.push(Backend::Postgres(admin)),
            None if flag("--postgres") => {
                return Err("--postgres needs ANSINH_TEST_POSTGRES (bash tests/postgres.sh start DIR prints it)".into());
            }
            None => {}
        }
    }
    Ok(out)
}

fn ingest_rate(loopback: bool) -> Res<()> {
    // 10,000 records a run: 4 devices at once, 10 batches of 250 each; then the same from
    // one device alone (its batches one after another: no batch overlaps another).
    let per_batch = 250u32;
    let runs: usize =
        std::env::var("ANSINH_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(3);
    println!("## Ingest rate\n");
    for backend in backends()? {
        let server = match &backend {
            Backend::Postgres(admin) => Some(PgServer::connect(admin)?),
            Backend::Sqlite => None,
        };
        let name = backend.name();
        let durability = match &server {
            None => "synchronous=FULL".to_string(),
            Some(s) if s.durable => "fsync=on".to_string(),
            Some(_) => {
                "fsync=off: NOT durable, start the server with ANSINH_PG_FSYNC=on".to_string()
            }
        };
        // 10,000 records from 4 devices at once (10 batches each) and from one alone (40);
        // ANSINH_BENCH_DEVICES=N (a divisor of 40) first runs N devices at once, 40 / N batches
        // each: a month-end rush has many more than four devices uploading together.
        let mut shapes = vec![(4u64, 10u64), (1, 40)];
        if let Some(n) =
            std::env::var("ANSINH_BENCH_DEVICES").ok().and_then(|n| n.parse::<u64>().ok())
            && n > 0
            && 40 % n == 0
        {
            shapes.insert(0, (n, 40 / n));
        }
        for (devices, batches) in shapes {
            let mut rates = vec![];
            let mut cpus = vec![];
            for run in 1..=runs {
                let r = ingest_run(&backend, devices, batches, per_batch, server.as_ref())?;
                let n = u128::from(r.records);
                let rate = n * 1_000_000 / r.wall.as_micros().max(1);
                let us = |c: Option<Duration>| c.map(|c| c.as_micros() / n);
                let hub_us = us(r.hub_cpu);
                let server_us = us(r.server_cpu);
                let total = hub_us.map(|h| h + server_us.unwrap_or(0));
                let show = |v: Option<u128>| v.map_or_else(|| "?".to_string(), |v| v.to_string());
                let server_part = match &server {
                    Some(_) => format!(" (hub {}, server {})", show(hub_us), show(server_us)),
                    None => String::new(),
                };
                // How much of the machine the run kept busy: its CPU time over the wall time
                // and the cores (under other load, less than it would get alone).
                let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u128;
                let busy = total.map(|t| {
                    let hundredths = t * n * 100 / (r.wall.as_micros().max(1) * cores);
                    format!("{}.{:02}", hundredths / 100, hundredths % 100)
                });
                println!(
                    "- run {run}: {name}, {devices} device(s) at once, batches of {per_batch} ({durability}): {n} records in {} ms = {rate} records/s, {} µs CPU per record{server_part}, utilisation {} (CPU time ÷ wall time ÷ {cores} cores); load average {}",
                    r.wall.as_millis(),
                    show(total),
                    busy.unwrap_or_else(|| "?".to_string()),
                    load_average(),
                );
                rates.push(rate);
                cpus.extend(total);
            }
            rates.sort_unstable();
            cpus.sort_unstable();
            if let (Some(rate), Some(cpu)) = (rates.get(rates.len() / 2), cpus.get(cpus.len() / 2))
            {
                println!(
                    "- median of {runs} runs, {name}, {devices} device(s) at once: {rate} records/s, {cpu} µs CPU per record"
                );
            }
        }
    }
    if !loopback {
        println!();
        return Ok(());
    }
    let tmp = tempfile::tempdir()?;

    // The whole path on loopback: device outbox → HTTP → hub → ack → outbox.
    let rt = runtime()?;
    let server = Server::start(&rt, &tmp.path().join("hub2"), 0)?;
    server.hub().set_quotas(unlimited());
    let dir = device(tmp.path(), "device", &server.url(), &server.token()?)?;
    let t = Instant::now();
    enqueue(&dir, 2_000)?;
    let enqueue_ms = t.elapsed().as_millis().max(1);
    let clock = test_clock();
    let start = Instant::now();
    let reports = sync_until_done(&dir, &server.url(), &clock, &RetryPolicy::default(), 5)?;
    let ms = start.elapsed().as_millis().max(1);
    let batches: u32 = reports.iter().map(|r| r.batches).sum();
    println!(
        "- device → HTTP on loopback → hub, default 32 KiB batches ({batches} batches): 2000 records in {ms} ms = {} records/s (the device's own commits took {enqueue_ms} ms, one fsync each)\n",
        2000 * 1000 / ms
    );
    server.stop(&rt)?;
    Ok(())
}

fn throttled() -> Res<()> {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    server.hub().set_quotas(unlimited());
    let dir = device(tmp.path(), "device", &server.url(), &server.token()?)?;
    enqueue(&dir, 1_000)?;
    // 64 kbit/s = 8,000 bytes a second each way.
    let faults = Faults { bytes_per_sec: Some(8_000), ..Faults::default() };
    let proxy = rt.block_on(FaultProxy::start(server.addr, faults))?;
    let clock = test_clock();
    let start = Instant::now();
    let reports = sync_until_done(&dir, &proxy.url(), &clock, &RetryPolicy::default(), 5)?;
    let ms = start.elapsed().as_millis();
    let stats = proxy.stats();
    let batches: u32 = reports.iter().map(|r| r.batches).sum();
    println!("## 1,000 records at 64 kbit/s\n");
    println!(
        "- {} records acknowledged in {}.{:01} s, {batches} batches of 32 KiB; {} bytes up ({} per record), {} bytes down",
        reports.iter().map(|r| r.acknowledged).sum::<usize>(),
        ms / 1000,
        (ms % 1000) / 100,
        stats.bytes_up,
        stats.bytes_up / 1000,
        stats.bytes_down
    );
    server.stop(&rt)?;
    Ok(())
}

fn main() -> Res<()> {
    let quick = std::env::args().any(|a| a == "--quick");
    // Only the hub alone, e.g. under `perf record`.
    if std::env::args().any(|a| a == "--ingest-only") {
        return ingest_rate(false);
    }
    wire_sizes()?;
    ingest_rate(true)?;
    if !quick {
        throttled()?;
    }
    Ok(())
}
