//! Enqueue latency next to the physical floor: a raw `write` + `fsync` of the same number of
//! bytes on the same disk. Run with `cargo bench -p ansinh-outbox --bench enqueue`; set
//! `ANSINH_BENCH_DIR` to measure another disk and `ANSINH_BENCH_N` for more samples.
//! Prints a Markdown table for BENCHMARKS.md.

// Timings are reported as fractional microseconds; no money is computed here.
#![allow(clippy::float_arithmetic)]

use std::fs::OpenOptions;
use std::io::Write;
use std::time::{Duration, Instant};

use ansinh_outbox::{NewRecord, OpeningKey, Outbox, SEAL_OVERHEAD, Summary, new_record_id};
use zeroize::Zeroizing;

/// Size of an enveloped voluntary-SI enrollment (the fixture's postcard envelope is of this order).
const PLAINTEXT_BYTES: usize = 600;

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize =
        std::env::var("ANSINH_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let base = std::env::var_os("ANSINH_BENCH_DIR").map_or_else(std::env::temp_dir, Into::into);
    let dir = tempfile::tempdir_in(base)?;
    let key = OpeningKey::generate();
    let mut outbox = Outbox::open(&dir.path().join("outbox.sqlite"), key.sealing_key(), 0)?;

    let mut enqueue = Vec::with_capacity(n);
    let started = Instant::now();
    for i in 0..n {
        let t = Instant::now();
        outbox.enqueue(i as i64, |no| {
            Ok::<_, String>(NewRecord {
                record_id: new_record_id(),
                summary: Summary {
                    scheme: "voluntary-si".into(),
                    mode: "3".into(),
                    amount: 594_000,
                    gross: 990_000,
                    support_national: 396_000,
                    support_local: 0,
                    masked_name: "NGUYỄN T*** H*** N****".into(),
                    policy_version: "VN-2026-11-22".into(),
                    ..Summary::default()
                },
                plaintext: Zeroizing::new(
                    format!("{no:>width$}", width = PLAINTEXT_BYTES).into_bytes(),
                ),
                corrects: None,
            })
        })?;
        enqueue.push(t.elapsed());
    }
    let total = started.elapsed();

    let mut raw = Vec::with_capacity(n);
    let mut file = OpenOptions::new().create(true).append(true).open(dir.path().join("raw.bin"))?;
    let block = vec![0x5Au8; PLAINTEXT_BYTES + SEAL_OVERHEAD];
    for _ in 0..n {
        let t = Instant::now();
        file.write_all(&block)?;
        file.sync_all()?;
        raw.push(t.elapsed());
    }
    enqueue.sort();
    raw.sort();
    println!(
        "| Measure ({n} samples, {} B record) | p50 | p99 | max |",
        PLAINTEXT_BYTES + SEAL_OVERHEAD
    );
    println!("|---|---|---|---|");
    for (name, v) in [
        ("`Outbox::enqueue` (seal + 1 transaction, WAL, synchronous=FULL)", &enqueue),
        ("raw `write` + `fsync` of the same bytes", &raw),
    ] {
        println!(
            "| {name} | {} | {} | {} |",
            micros(percentile(v, 50)),
            micros(percentile(v, 99)),
            micros(percentile(v, 100))
        );
    }
    println!();
    println!(
        "Enqueues per second (one after another, one writer): {:.0}",
        n as f64 / total.as_secs_f64()
    );
    Ok(())
}
