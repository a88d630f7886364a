//! Delivery benchmarks (`cargo bench -p ansinh-hub --bench sync`), written up in BENCHMARKS.md:
//!
//! 1. bytes on the wire per record, next to the same record as JSON;
//! 2. the hub's ingest rate (signed batches straight into `Hub::ingest_batch`, and the whole
//!    path device → HTTP on loopback → hub);
//! 3. the time to sync 1,000 records through the fault proxy throttled to 64 kbit/s.
//!
//! `--quick` skips the throttled run (about a minute); `--ingest-only` runs only the hub alone
//! (`ANSINH_BENCH_RUNS` runs, 3 by default), e.g. under `perf record`.

#[allow(dead_code, unreachable_pub)]
#[path = "../../../tests/end_to_end/support.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ansinh_enrollment::json::EnrollmentJson;
use ansinh_enrollment::record::{Collection, Record};
use ansinh_hub::testing::{FaultProxy, Faults};
use ansinh_hub::{EnrollmentRules, Hub, HubKeys, SqliteStore};
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

/// CPU time (user + system, every thread) this process has used so far, from
/// `/proc/self/stat` (Linux; clock ticks of 1/100 s, USER_HZ on every Linux the hub runs on).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// One run of the hub alone: a fresh hub and database, `batches` signed batches of
/// `per_batch` records (every fifth a household of 3), ingested one after another. Returns
/// (records, wall time, CPU time).
fn ingest_run(batches: u64, per_batch: u32) -> Res<(u64, Duration, Option<Duration>)> {
    let (voluntary, household) = enrollments()?;
    let tmp = tempfile::tempdir()?;
    let store = SqliteStore::open(&tmp.path().join("hub.sqlite"))?;
    let hub = Hub::new(
        Arc::new(store),
        HubKeys::ephemeral("bench-admin-token"),
        Arc::new(EnrollmentRules::new()),
    );
    // Throughput, not the batch quota: every batch is sent at NOW.
    hub.set_quotas(unlimited());
    let token = hub.create_token("bench", 3600, NOW)?;
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
    let sealing = hub.keys().opening.sealing_key();
    let mut signed = vec![];
    for b in 0..batches {
        let records = (0..per_batch)
            .map(|i| {
                let e = if i % 5 == 4 { &household } else { &voluntary };
                let r = priced(e, i, id)?;
                let plain =
                    ansinh_enrollment::envelope::encode_to_vec(&r).map_err(|e| e.to_string())?;
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
        signed.push(ansinh_wire::sign_batch(&body, &key)?);
    }
    let cpu_before = cpu_time();
    let start = Instant::now();
    for s in &signed {
        hub.ingest_batch(s, NOW).map_err(|e| e.to_string())?;
    }
    let wall = start.elapsed();
    let cpu = cpu_time().zip(cpu_before).map(|(after, before)| after.saturating_sub(before));
    // Every record was taken: the rate is of records stored, not refused.
    let held = hub.store().totals()?;
    let n = batches * u64::from(per_batch);
    if held.records != i64::try_from(n)? || held.rejected != 0 {
        return Err(format!("the hub holds {held:?}, not {n} records").into());
    }
    Ok((n, wall, cpu))
}

fn ingest_rate(loopback: bool) -> Res<()> {
    let (batches, per_batch) = (40u64, 250u32);
    let runs: usize =
        std::env::var("ANSINH_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(3);
    println!("## Ingest rate\n");
    let mut rates = vec![];
    for run in 1..=runs {
        let (n, wall, cpu) = ingest_run(batches, per_batch)?;
        let rate = u128::from(n) * 1_000_000 / wall.as_micros().max(1);
        let cpu_us =
            cpu.map_or_else(|| "?".to_string(), |c| (c.as_micros() / u128::from(n)).to_string());
        println!(
            "- run {run}: hub alone, SQLite (verify, open, validate, store; one fsync per batch of {per_batch}): {n} records in {} ms = {rate} records/s, {cpu_us} µs CPU per record",
            wall.as_millis()
        );
        rates.push(rate);
    }
    rates.sort_unstable();
    if let Some(median) = rates.get(rates.len() / 2) {
        println!("- median of {runs} runs, hub alone, SQLite: {median} records/s");
    }
    // PostgreSQL: the same run against the PostgreSQL store goes here (see BENCHMARKS.md).
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
