//! Power-cut test: a child process enqueues in a loop and is killed with SIGKILL at random
//! moments. After each kill the database opens, passes `PRAGMA integrity_check`, holds every
//! record whose enqueue had returned (the child prints each after the commit), every record
//! opens and decodes, and receipt numbers stay gapless.
//!
//! 200 kills by default; set `ANSINH_CRASH_KILLS` for a longer run. The random seed is printed
//! (and can be set with `ANSINH_CRASH_SEED`) so a failure can be replayed.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ansinh_outbox::Outbox;
use ansinh_wire::OpeningKey;

fn decode(plain: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(plain).map_err(|e| e.to_string())?;
    if text.starts_with("record|") { Ok(()) } else { Err("bad body".into()) }
}

/// xorshift64*: enough randomness to spread the kill moments, reproducible from the seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn sigkill_at_random_moments_loses_nothing() -> Result<(), Box<dyn std::error::Error>> {
    let kills: u32 =
        std::env::var("ANSINH_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let seed =
        std::env::var("ANSINH_CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(1, |d| u64::from(d.subsec_nanos()) ^ d.as_secs())
                | 1
        });
    eprintln!("crash test: {kills} kills, ANSINH_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir()?;
    let mut committed: HashMap<i64, String> = HashMap::new();
    let mut killed_mid_run = 0;
    let mut opened_up_to = 0;

    for round in 0..kills {
        let mut child = Command::new(env!("CARGO_BIN_EXE_outbox-stress"))
            .arg(dir.path())
            .arg("1000000")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let reader = std::thread::spawn(move || {
            let mut lines = Vec::new();
            for line in BufReader::new(stdout).lines() {
                match line {
                    Ok(l) => lines.push(l),
                    Err(_) => break,
                }
            }
            lines
        });
        // Anywhere from before the database is opened to well into the enqueue loop.
        std::thread::sleep(Duration::from_micros(rng.next() % 60_000));
        child.kill()?; // SIGKILL on Unix: no destructor, no flush, no commit in progress finishes.
        let status = child.wait()?;
        if status.code().is_none() {
            killed_mid_run += 1;
        }
        for line in reader.join().map_err(|_| "reader panicked")? {
            // A line cut by the kill has no second field: that enqueue is not known to have
            // returned, so it is not counted.
            if let Some((no, id)) = line.split_once(' ')
                && id.len() == 32
            {
                committed.insert(no.parse()?, id.to_string());
            }
        }

        let Ok(key_hex) = std::fs::read_to_string(dir.path().join("opening.key")) else {
            assert!(committed.is_empty(), "round {round}: records without a key");
            continue;
        };
        let key = OpeningKey::from_hex(&key_hex)?;
        let outbox = Outbox::open(&dir.path().join("outbox.sqlite"), key.sealing_key())?;
        // Every round: integrity, gapless numbers, every sealed record unchanged since commit.
        let report = outbox.verify(None, decode)?;
        assert!(report.is_ok(), "round {round} (seed {seed}): {report:?}");
        assert!(report.records >= committed.len() as i64);
        for (no, id) in &committed {
            let row = outbox
                .get(*no)
                .map_err(|e| format!("round {round} (seed {seed}): receipt {no} lost: {e}"))?;
            let got: String = row.record_id.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(&got, id, "round {round}: receipt {no} holds another record");
        }
        // Records new since the last round (committed or cut off by the kill) open and decode.
        for no in opened_up_to + 1..=report.records {
            let sealed = outbox.sealed(no)?.ok_or("sealed record missing")?;
            decode(&key.open(&sealed)?).map_err(|e| format!("round {round}: receipt {no}: {e}"))?;
        }
        opened_up_to = report.records;
    }
    if let Ok(key_hex) = std::fs::read_to_string(dir.path().join("opening.key")) {
        let key = OpeningKey::from_hex(&key_hex)?;
        let outbox = Outbox::open(&dir.path().join("outbox.sqlite"), key.sealing_key())?;
        let report = outbox.verify(Some(&key), decode)?;
        assert!(report.is_ok() && report.opened == report.records, "final check: {report:?}");
    }
    eprintln!(
        "crash test: {} records committed, {killed_mid_run} kills hit a running child",
        committed.len()
    );
    assert!(killed_mid_run > kills / 2, "most kills must land while the child runs");
    assert!(!committed.is_empty(), "the child never committed anything");
    Ok(())
}
