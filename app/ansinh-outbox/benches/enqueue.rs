//! Enqueue latency next to the physical floor: a raw `write` + `fsync` of the same number of
//! bytes on the same disk. Run with `cargo bench -p ansinh-outbox --bench enqueue`; set
//! `ANSINH_BENCH_DIR` to measure another disk, `ANSINH_BENCH_N` for more samples per run and
//! `ANSINH_BENCH_RUNS` for more runs. Prints a Markdown table for BENCHMARKS.md.
//!
//! Each run starts on a fresh outbox and file: `n` enqueues one after another, then `n` raw
//! writes. A shared machine's noise differs from run to run, hence several runs.
//!
//! Between two enqueues the bench does what the device does while it waits for the next
//! customer: the sender's idle checkpoint (`Outbox::checkpoint_if_due`, after each sync on a
//! device), timed apart and reported on its own line. `ANSINH_BENCH_IDLE=0` leaves it out:
//! enqueues back to back, the WAL then checkpointed only inside a commit, past its size limit.

// Timings are reported as fractional microseconds; no money is computed here.
#![allow(clippy::float_arithmetic)]

use std::fs::OpenOptions;
use std::io::Write;
use std::time::{Duration, Instant};

use ansinh_outbox::{NewRecord, Outbox, Summary, new_record_id};
use ansinh_wire::{OpeningKey, SEAL_OVERHEAD};
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

/// What one run measured.
struct Run {
    enqueue: Figures,
    raw: Figures,
    per_second: f64,
    /// Idle checkpoints that ran, and their p50/p99/max.
    checkpoints: Option<(usize, Figures)>,
}

/// One run: `n` enqueues (each followed by the idle step when `idle`), then `n` raw writes.
fn run(n: usize, base: &std::path::Path, idle: bool) -> Result<Run, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir_in(base)?;
    let key = OpeningKey::generate();
    let mut outbox = Outbox::open(&dir.path().join("outbox.sqlite"), key.sealing_key())?;
    let mut enqueue = Vec::with_capacity(n);
    let mut checkpoints = Vec::new();
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
        if idle {
            let t = Instant::now();
            if outbox.checkpoint_if_due(i as i64)? {
                checkpoints.push(t.elapsed());
            }
        }
    }
    // Idle time is not counted: on a device it is the time between customers.
    let per_second = n as f64 / enqueue.iter().sum::<Duration>().as_secs_f64();

    let mut raw = Vec::with_capacity(n);
    let mut file = OpenOptions::new().create(true).append(true).open(dir.path().join("raw.bin"))?;
    let block = vec![0x5Au8; PLAINTEXT_BYTES + SEAL_OVERHEAD];
    for _ in 0..n {
        let t = Instant::now();
        file.write_all(&block)?;
        file.sync_all()?;
        raw.push(t.elapsed());
    }
    Ok(Run {
        enqueue: figures(enqueue),
        raw: figures(raw),
        per_second,
        checkpoints: (!checkpoints.is_empty()).then(|| (checkpoints.len(), figures(checkpoints))),
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str, default: usize| {
        std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
    };
    let n = env("ANSINH_BENCH_N", 2000);
    let runs = env("ANSINH_BENCH_RUNS", 3).max(1);
    let base = std::env::var_os("ANSINH_BENCH_DIR").map_or_else(std::env::temp_dir, Into::into);

    let idle = std::env::var("ANSINH_BENCH_IDLE").map_or(true, |v| v != "0");

    println!(
        "| Run ({n} samples each, {} B record{}) | enqueue p50 | p99 | max | raw write+fsync p50 | p99 | max | p50 ratio | p99 ratio | enqueues/s |",
        PLAINTEXT_BYTES + SEAL_OVERHEAD,
        if idle { ", idle checkpoints" } else { ", back to back" },
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut ratios = Vec::with_capacity(runs);
    let mut idle_lines = Vec::new();
    for r in 1..=runs {
        let Run { enqueue: e, raw: w, per_second, checkpoints } = run(n, &base, idle)?;
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
        if let Some((count, c)) = checkpoints {
            idle_lines.push(format!(
                "run {r}: {count} idle checkpoints, p50 {:.0} µs, max {:.0} µs",
                c.p50, c.max
            ));
        }
    }
    ratios.sort_by(f64::total_cmp);
    println!();
    println!("Median p99 ratio over {runs} runs: {:.2}×", ratios[ratios.len() / 2]);
    for line in idle_lines {
        println!("{line}");
    }
    Ok(())
}
