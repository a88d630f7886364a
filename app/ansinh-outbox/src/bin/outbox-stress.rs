//! `outbox-stress DIR COUNT`: enqueues COUNT test records into the outbox in DIR, one at a
//! time, and prints `RECEIPT_NO RECORD_ID` on its own line after each commit returns; between
//! two, the idle checkpoint a device does between customers. The crash test kills it at
//! random moments (in a commit, a checkpoint, or the WAL's restart).
//!
//! The records hold a fixed Vietnamese test identity so that tests can check it never appears
//! in clear on disk. The development key pair is kept in `DIR/opening.key`.

use std::io::Write;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use ansinh_outbox::{NewRecord, Outbox, Summary, new_record_id};
use ansinh_wire::OpeningKey;
use zeroize::Zeroizing;

/// The test identity inside every stress record.
const IDENTITY: &str = "NGUYỄN THỊ HỒNG NHUNG|001179012345";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(count)) = (args.get(1), args.get(2)) else {
        return Err("usage: outbox-stress DIR COUNT".into());
    };
    let count: u64 = count.parse()?;
    let dir = Path::new(dir);
    std::fs::create_dir_all(dir)?;
    let key_path = dir.join("opening.key");
    let key = match std::fs::read_to_string(&key_path) {
        Ok(hex) => OpeningKey::from_hex(&hex)?,
        Err(_) => {
            let key = OpeningKey::generate();
            ansinh_storage::durable::write_private(&key_path, key.to_hex().as_bytes())?;
            key
        }
    };
    let now = || SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let mut outbox = Outbox::open(&dir.join("outbox.sqlite"), key.sealing_key())?;
    let mut out = std::io::stdout().lock();
    for _ in 0..count {
        let record_id = new_record_id();
        let committed = outbox.enqueue(now(), |receipt_no| {
            // About the size of a real enveloped enrollment.
            let body =
                format!("record|{receipt_no}|{}|{IDENTITY}|{}", hex(&record_id), "x".repeat(400));
            Ok::<_, std::convert::Infallible>(NewRecord {
                record_id,
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
                plaintext: Zeroizing::new(body.into_bytes()),
                corrects: None,
            })
        })?;
        writeln!(out, "{} {}", committed.receipt_no, hex(&committed.record_id))?;
        out.flush()?;
        outbox.checkpoint_if_due(now())?;
    }
    Ok(())
}

fn hex(id: &[u8]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}
