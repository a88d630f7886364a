//! Database size per record (`cargo bench -p ansinh-hub --bench size`), written up in
//! SCALING.md: a generated set of records stored through `Store::ingest` (as an ingest
//! stores them, minus opening), then the bytes the database grew by, per record.
//!
//! The records are shaped as the fixtures are: four in five voluntary SI (one participant),
//! one in five a household of three (three coverage rows); sealed bytes random, of the
//! fixtures' sealed lengths (ciphertext does not compress); communes of Hà Nội, 50 agents,
//! collection days over 2026, 10 devices sending batches of 500.
//!
//! `ANSINH_BENCH_RECORDS` (default 100,000). SQLite always; PostgreSQL too when
//! `ANSINH_TEST_POSTGRES` names a server (as for the tests: `bash tests/postgres.sh start
//! DIR` prints one), in a fresh database. Sizes do not depend on the build: `cargo test -p
//! ansinh-hub --bench size` (a debug build) gives the same figures, more slowly.

use std::sync::Arc;
use std::time::Instant;

use ansinh_enrollment::record::{Collection, Record};
use ansinh_hub::{Coverage, Facts, Incoming, ProblemQuota, SqliteStore, Store};
use ansinh_wire::{Assignment, Channel};
use sha2::{Digest, Sha256};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const BATCH: usize = 500;
const DEVICES: u64 = 10;

/// The sealed length of each fixture record (voluntary, household of three).
fn sealed_lengths() -> Res<(usize, usize)> {
    let table = ansinh_core::default_table();
    let today = "2026-11-22".parse().map_err(|_| "date")?;
    let sealing = ansinh_wire::OpeningKey::generate().sealing_key();
    let mut out = vec![];
    for name in ["enrollment.json", "household.json"] {
        let json = ansinh_tests::fixtures::text(name)?;
        let enrollment = ansinh_enrollment::json::EnrollmentJson::parse(&json)?
            .validate(&table, today)
            .map_err(|p| format!("{p:?}"))?;
        let record = Record {
            enrollment,
            collection: Collection {
                record_id: [7; 16],
                device_id: 1,
                collection_point: "Bưu điện xã Thanh Trì".try_into().map_err(|_| "cap")?,
                agent_code: "AG01".try_into().map_err(|_| "cap")?,
                at: 1_795_316_400,
                receipt_no: 1,
                amount: 1_000_000,
                policy_version: table.version.try_into().map_err(|_| "cap")?,
                corrects: None,
            },
        };
        let plain =
            ansinh_enrollment::envelope::encode_to_vec(&record).map_err(|e| e.to_string())?;
        out.push(sealing.seal(&plain)?.len());
    }
    Ok((out[0], out[1]))
}

/// Record `i` of the set.
fn record(i: u64, lengths: (usize, usize), communes: &[&str]) -> Incoming {
    let household = i % 5 == 4;
    let mut sealed = vec![0u8; if household { lengths.1 } else { lengths.0 }];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut sealed);
    let id: [u8; 16] = Sha256::digest(i.to_le_bytes())[..16].try_into().unwrap_or([0; 16]);
    let day_of_year = i * 7 % 365;
    let collected_at = 1_767_200_400 + i64::try_from(day_of_year * 86_400).unwrap_or(0);
    let month = day_of_year / 31 + 1;
    let day = format!("2026-{:02}-{:02}", month.min(12), day_of_year % 28 + 1);
    let person = |k: u64| hex::encode(&Sha256::digest((i * 3 + k).to_le_bytes())[..16]);
    let start = format!("2026-{:02}", month.min(12));
    let coverage = (0..if household { 3 } else { 1 })
        .map(|k| Coverage {
            person_key: person(k),
            paid_from: start.clone(),
            paid_until: format!("{}-{:02}", 2026 + (month + 2) / 13, (month + 1) % 12 + 1),
        })
        .collect::<Vec<_>>();
    Incoming {
        record_id: id,
        sealed_sha256: Sha256::digest(&sealed).into(),
        verdict: Ok(Facts {
            scheme: if household { "household-bhyt" } else { "voluntary-si" }.into(),
            commune_code: communes[usize::try_from(i).unwrap_or(0) % communes.len()].to_string(),
            agent_code: format!("AG{:02}", i % 50),
            collected_at,
            day,
            amount: if household { 2_458_800 } else { 594_000 },
            coverage,
        }),
        sealed,
        // The bytes a record's kept box key takes (no compression at this size).
        wrapped_key: Some([0x5a; ansinh_wire::WRAPPED_KEY_BYTES]),
    }
}

/// Stores `n` records on `store`: seconds taken.
fn fill(store: &dyn Store, n: u64, lengths: (usize, usize)) -> Res<f64> {
    let communes: Vec<&str> = ansinh_geo::communes_in("01").iter().map(|c| c.code).collect();
    let mut devices = vec![];
    for d in 0..DEVICES {
        let token = [u8::try_from(d).unwrap_or(0) + 1; 32];
        store.create_token(token, "ab", "bench", &Assignment::default(), 0, i64::MAX)?;
        let mut key = [0u8; 32];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut key);
        let device = store.register_device(token, 1, "Bưu điện", key)?.ok_or("token refused")?;
        devices.push((device.id, 0u64));
    }
    let quota = ProblemQuota { per_day: 1_000, stored: 1_000 };
    let start = Instant::now();
    let mut i = 0;
    while i < n {
        let slot = usize::try_from(i / BATCH as u64).unwrap_or(0) % devices.len();
        let (device, counter) = &mut devices[slot];
        *counter += 1;
        let batch: Vec<Incoming> =
            (i..(i + BATCH as u64).min(n)).map(|k| record(k, lengths, &communes)).collect();
        i += batch.len() as u64;
        store.ingest(*device, &Channel::Network { counter: *counter }, 1, batch, &quota)?;
    }
    Ok(start.elapsed().as_secs_f64())
}

fn sqlite(n: u64, lengths: (usize, usize)) -> Res<()> {
    let tmp = tempfile::tempdir()?;
    let path = tmp.path().join("hub.sqlite");
    let empty = {
        SqliteStore::open(&path)?;
        std::fs::metadata(&path)?.len()
    };
    let secs = {
        let store = Arc::new(SqliteStore::open(&path)?);
        fill(store.as_ref(), n, lengths)?
        // Closing the last connection checkpoints the WAL into the file and removes it.
    };
    let full = std::fs::metadata(&path)?.len();
    println!("| SQLite | {n} | {:.1} | {} | {} |", secs, full - empty, (full - empty) / n);
    Ok(())
}

fn postgres(n: u64, lengths: (usize, usize)) -> Res<()> {
    let Ok(admin) = std::env::var("ANSINH_TEST_POSTGRES") else {
        println!("| PostgreSQL | — | — | — | set ANSINH_TEST_POSTGRES to measure |");
        return Ok(());
    };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let query = |url: &str, sql: &str| -> Res<i64> {
        rt.block_on(async {
            let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
            tokio::spawn(conn);
            let row = client.query_one(sql, &[]).await?;
            Ok(row.try_get::<_, i64>(0)?)
        })
    };
    let db = format!("ansinh_size_{}", std::process::id());
    rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await?;
        tokio::spawn(conn);
        client.batch_execute(&format!("CREATE DATABASE {db}")).await
    })?;
    let url = match admin.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{db}"),
        None => return Err("ANSINH_TEST_POSTGRES is not a postgres:// URL".into()),
    };
    let size = "SELECT pg_database_size(current_database())";
    let store = ansinh_hub::PostgresStore::open(&url)?;
    let empty = query(&url, size)?;
    let secs = fill(&store, n, lengths)?;
    drop(store);
    let full = query(&url, size)?;
    let grew = u64::try_from(full - empty)?;
    println!("| PostgreSQL | {n} | {secs:.1} | {grew} | {} |", grew / n);
    for table in ["records", "coverage"] {
        let bytes = query(&url, &format!("SELECT pg_total_relation_size('{table}')"))?;
        println!(
            "|   of which `{table}` (with its indexes) | | | {bytes} | {} |",
            u64::try_from(bytes)? / n
        );
    }
    Ok(())
}

fn main() -> Res<()> {
    let n: u64 =
        std::env::var("ANSINH_BENCH_RECORDS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let lengths = sealed_lengths()?;
    println!(
        "Sealed record: voluntary {} bytes, household of three {} bytes.\n",
        lengths.0, lengths.1
    );
    println!("| backend | records | seconds to store | bytes grown | bytes per record |");
    println!("|---|---|---|---|---|");
    sqlite(n, lengths)?;
    postgres(n, lengths)?;
    Ok(())
}
