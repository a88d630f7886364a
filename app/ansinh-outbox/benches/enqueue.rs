//! Enqueue latency next to the physical floor: a raw `write` + `fsync` of the same number of
//! bytes on the same disk. Run with `cargo bench -p ansinh-outbox --bench enqueue`; set
//! `ANSINH_BENCH_DIR` to measure another disk, `ANSINH_BENCH_N` for more samples per run and
//! `ANSINH_BENCH_RUNS` for more runs. Prints a Markdown table for BENCHMARKS.md.
//!
//! Each run starts on a fresh outbox and file: `n` enqueues one after another, then `n` raw
//! writes. A shared machine's noise differs from run to run, hence several runs.

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

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// p50, p99 and max of one series, in microseconds.
struct Figures {
    p50: f64,
    p99: f64,
    max: f64,
}

fn figures(mut v: Vec<Duration>) -> Figures {
    v.sort();
    Figures {
        p50: micros(percentile(&v, 50)),
        p99: micros(percentile(&v, 99)),
        max: micros(percentile(&v, 100)),
    }
}

/// One run: `n` enqueues, then `n` raw writes. Returns both series and the enqueues per
/// second.
fn run(
    n: usize,
    base: &std::path::Path,
) -> Result<(Figures, Figures, f64), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir_in(base)?;
    let key = OpeningKey::generate();
    let mut outbox = Outbox::open(&dir.path().join("outbox.sqlite"), key.sealing_key())?;
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
    let per_second = n as f64 / started.elapsed().as_secs_f64();

    let mut raw = Vec::with_capacity(n);
    let mut file = OpenOptions::new().create(true).append(true).open(dir.path().join("raw.bin"))?;
    let block = vec![0x5Au8; PLAINTEXT_BYTES + SEAL_OVERHEAD];
    for _ in 0..n {
        let t = Instant::now();
        file.write_all(&block)?;
        file.sync_all()?;
        raw.push(t.elapsed());
    }
    Ok((figures(enqueue), figures(raw), per_second))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str, default: usize| {
        std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
    };
    let n = env("ANSINH_BENCH_N", 2000);
    let runs = env("ANSINH_BENCH_RUNS", 3).max(1);
    let base = std::env::var_os("ANSINH_BENCH_DIR").map_or_else(std::env::temp_dir, Into::into);

    println!(
        "| Run ({n} samples each, {} B record) | enqueue p50 | p99 | max | raw write+fsync p50 | p99 | max | p50 ratio | p99 ratio | enqueues/s |",
        PLAINTEXT_BYTES + SEAL_OVERHEAD
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut ratios = Vec::with_capacity(runs);
    for r in 1..=runs {
        let (e, w, per_second) = run(n, &base)?;
        let ratio = e.p99 / w.p99;
        println!(
            "| {r} | {:.0} µs | {:.0} µs | {:.0} µs | {:.0} µs | {:.0} µs | {:.0} µs | {:.2}× | {ratio:.2}× | {per_second:.0} |",
            e.p50,
            e.p99,
            e.max,
            w.p50,
            w.p99,
            w.max,
            e.p50 / w.p50,
        );
        ratios.push(ratio);
    }
    ratios.sort_by(f64::total_cmp);
    println!();
    println!("Median p99 ratio over {runs} runs: {:.2}×", ratios[ratios.len() / 2]);
    Ok(())
}
