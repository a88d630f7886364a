//! USB carry-out: the device writes its unsent sealed records as signed bundles; the server
//! imports them and writes signed acknowledgement files; the device reads those back.
//!
//! A bundle is a signed `BatchBody` on `Channel::Usb` with a random bundle id, which the
//! device remembers (outbox setting), so that it accepts acknowledgements only for bundles it
//! wrote. Records stay unsent until the acknowledgement comes back; if they are uploaded over
//! the network meanwhile, the server answers Duplicate and nothing is held twice.

use std::fs;
use std::path::{Path, PathBuf};

use ansinh_device::DataDir;
use ansinh_outbox::{Outgoing, Timestamp};
use ansinh_wire::{
    AuditEntry, BatchBody, Channel, MAX_BODY_BYTES, MAX_RECORDS, PROTOCOL_VERSION, SealedRecord,
};
use serde::Serialize;

use crate::error::{Error, Result, io};
use crate::plan;
use crate::sync::{
    BLOCKED, LAST_ERROR, LAST_SYNC, audit_through, has_staff_action, identity, note_audit_through,
    note_epoch, pending_audit, quarantine_if_unsent,
};
use ansinh_device::clock::{Clock, SystemClock};

/// Room left in a bundle for the signature and framing around the records.
const FRAMING_BYTES: usize = 4 * 1024;
/// Per-record framing: the 16-byte id and the length prefix of the sealed bytes.
const PER_RECORD_BYTES: usize = 16 + 4;

/// What `export_bundle` wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    /// The bundle files, in order (one unless the records do not fit in one bundle).
    pub files: Vec<PathBuf>,
    /// Records written.
    pub records: usize,
    /// The device's signed health report written beside the first bundle (`NAME.health`),
    /// also when no record is unsent.
    pub health_file: PathBuf,
}

/// What `import_ack` did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportAckReport {
    /// Records newly marked acknowledged.
    pub acknowledged: usize,
    /// Records the server holds that were already marked acknowledged (a second import).
    pub already_acknowledged: usize,
    /// Records quarantined (conflict or rejected), with their reasons.
    pub quarantined: Vec<String>,
    /// The acknowledgement files read for this device.
    pub files: Vec<PathBuf>,
    /// From a folder: acknowledgements for another device, or for bundles this device did not
    /// write (a stick shared between collection points), left alone.
    pub others: Vec<PathBuf>,
    /// From a folder: files named `*.ack` that are not acknowledgements the server signed
    /// (damaged, cut short), each with why.
    pub unreadable: Vec<String>,
}

fn bundle_setting(bundle_id: &[u8; 16]) -> String {
    format!("usb_bundle:{}", hex::encode(bundle_id))
}

/// `dir/name.ext`, `dir/name-2.ext`, `dir/name-3.ext`, ...
fn numbered(path: &Path, n: usize) -> PathBuf {
    if n == 1 {
        return path.to_path_buf();
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}

/// `FILE` + `suffix` (`x.bundle` → `x.bundle.ack`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// `ansinh-device-7-20261122-100500`: which device and when (Viet Nam time), so that staff
/// and the server can tell the bundles on a stick apart. Digits and dashes only: USB sticks
/// are FAT, which refuses `:`.
fn bundle_stem(device_id: u64, at: Timestamp) -> String {
    // "2026-11-22 10:05"
    let digits: String =
        ansinh_device::shift::local_time(at).chars().filter(char::is_ascii_digit).collect();
    let (date, hour_minute) = digits.split_at(digits.len().min(8));
    format!("ansinh-device-{device_id}-{date}-{hour_minute}{:02}", at.rem_euclid(60))
}

/// The first bundle file of an export of `count` bundles into `folder`: a name none of whose
/// files (nor their acknowledgements) exists yet, so an earlier bundle on the stick, maybe not
/// imported yet, is never overwritten.
fn fresh_in(folder: &Path, stem: &str, count: usize) -> Result<PathBuf> {
    for n in 1..=1000 {
        // `_N`, because `-N` numbers the bundles of one export.
        let first = match n {
            1 => folder.join(format!("{stem}.bundle")),
            n => folder.join(format!("{stem}_{n}.bundle")),
        };
        let taken = (1..=count.max(1)).map(|i| numbered(&first, i)).any(|f| {
            f.exists() || with_suffix(&f, ".ack").exists() || with_suffix(&f, ".part").exists()
        });
        if !taken {
            return Ok(first);
        }
    }
    Err(Error::Io {
        path: folder.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "no free bundle name"),
    })
}

/// Writes `bytes` to `path` durably through `PATH.part` (`ansinh_storage::durable`), so a stick
/// pulled out early leaves no half bundle under the final name.
fn write_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    ansinh_storage::durable::write_public(path, bytes).map_err(io(path))
}

/// Splits records into groups that each fit one bundle.
/// Bytes of a group of records in a bundle, at most.
fn group_bytes(group: &[Outgoing]) -> usize {
    group.iter().map(|r| r.sealed.len() + PER_RECORD_BYTES).sum()
}

/// Bytes of an audit entry in a bundle, at most: its texts, two hashes and the numbers.
fn audit_size(e: &AuditEntry) -> usize {
    e.agent_code.len() + e.event.len() + e.detail.len() + 2 * 32 + 48
}

fn groups(records: Vec<Outgoing>) -> Vec<Vec<Outgoing>> {
    let mut out: Vec<Vec<Outgoing>> = vec![];
    let mut bytes = 0;
    for r in records {
        let size = r.sealed.len() + PER_RECORD_BYTES;
        let full = out.last().is_none_or(|g| {
            g.len() >= MAX_RECORDS || bytes + size > MAX_BODY_BYTES - FRAMING_BYTES
        });
        if full {
            out.push(vec![]);
            bytes = 0;
        }
        bytes += size;
        if let Some(g) = out.last_mut() {
            g.push(r);
        }
    }
    out
}

/// Writes every unsent sealed record of the device to `path` as a signed bundle (more files
/// beside it, `NAME-2.EXT`, ..., if they do not fit in one), and the device's signed health
/// report beside it as `NAME.health` (also when nothing is unsent). When `path` is a folder (a USB
/// stick), the bundle gets a new name in it that says the device and the time,
/// `ansinh-device-7-20261122-100500.bundle`, never the name of a file already there. The
/// records stay unsent until [`import_ack`] reads the server's acknowledgement.
pub fn export_bundle(dir: &DataDir, path: &Path) -> Result<ExportReport> {
    export_bundle_at(dir, path, &SystemClock)
}

/// [`export_bundle`] with the time from `clock`.
pub fn export_bundle_at(dir: &DataDir, path: &Path, clock: &dyn Clock) -> Result<ExportReport> {
    let id = identity(dir)?;
    let now = clock.now();
    let (mut outbox, _) = dir.outbox()?;
    let unsent = outbox.unsent()?;
    let count = unsent.len();
    let mut groups: Vec<(Vec<Outgoing>, Vec<AuditEntry>)> =
        groups(unsent).into_iter().map(|g| (g, vec![])).collect();
    // The audit entries the server does not hold go with the last records when they fit
    // there, else in a bundle of their own: no bundle grows past the protocol's bound.
    // Staff actions get a bundle even when no record is unsent.
    let audit = pending_audit(&outbox)?;
    let audit_bytes: usize = audit.iter().map(audit_size).sum();
    match groups.last_mut() {
        // Without records, a bundle only for the device's own entries is not worth a file.
        None if !has_staff_action(&audit) => {}
        _ if audit.is_empty() => {}
        Some((last, entries))
            if group_bytes(last) + audit_bytes <= MAX_BODY_BYTES - FRAMING_BYTES =>
        {
            *entries = audit;
        }
        _ => groups.push((vec![], audit)),
    }
    let path = if path.is_dir() {
        fresh_in(path, &bundle_stem(id.device_id, now), groups.len())?
    } else {
        path.to_path_buf()
    };
    let mut files = vec![];
    for (i, (group, audit)) in groups.into_iter().enumerate() {
        let mut bundle_id = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bundle_id);
        let body = BatchBody {
            version: PROTOCOL_VERSION,
            device_id: id.device_id,
            channel: Channel::Usb { bundle_id, created_at: now },
            records: group
                .into_iter()
                .map(|o| SealedRecord { record_id: o.record_id, sealed: o.sealed })
                .collect(),
            audit,
        };
        let bytes = ansinh_wire::sign_batch(&body, &id.device_key)
            .map_err(|source| Error::Protocol { what: "signing a bundle", source })?;
        // Remembered before the file exists, so its acknowledgement is always recognised.
        outbox.set_setting(&bundle_setting(&bundle_id), &now.to_string())?;
        let file = numbered(&path, i + 1);
        write_durably(&file, &bytes)?;
        files.push(file);
    }
    drop(outbox);
    let health_file = crate::health::health_file(&path);
    crate::health::write_health_file(dir, &health_file, clock)?;
    Ok(ExportReport { files, records: count, health_file })
}

/// Reads the server's acknowledgement file for one of this device's bundles and marks the
/// records it holds acknowledged (conflicts and rejections quarantined). Reading the same file
/// twice changes nothing. When `path` is a folder (the USB stick back from the server), reads
/// every `*.ack` file in it that is for this device; the others are listed, not refused.
pub fn import_ack(dir: &DataDir, path: &Path) -> Result<ImportAckReport> {
    import_ack_at(dir, path, &SystemClock)
}

/// [`import_ack`] with the time from `clock`.
pub fn import_ack_at(dir: &DataDir, path: &Path, clock: &dyn Clock) -> Result<ImportAckReport> {
    if path.is_dir() {
        return import_acks_in(dir, path, clock);
    }
    let mut report = import_one_ack(dir, path, clock)?;
    report.files.push(path.to_path_buf());
    Ok(report)
}

/// Every acknowledgement for this device in `folder`, in name order.
fn import_acks_in(dir: &DataDir, folder: &Path, clock: &dyn Clock) -> Result<ImportAckReport> {
    let mut acks = vec![];
    for entry in fs::read_dir(folder).map_err(io(folder))? {
        let path = entry.map_err(io(folder))?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "ack") {
            acks.push(path);
        }
    }
    acks.sort();
    let mut report = ImportAckReport::default();
    for path in acks {
        match import_one_ack(dir, &path, clock) {
            Ok(r) => {
                report.acknowledged += r.acknowledged;
                report.already_acknowledged += r.already_acknowledged;
                report.quarantined.extend(r.quarantined);
                report.files.push(path);
            }
            Err(Error::ForeignAck(_)) => report.others.push(path),
            // One damaged file on the stick must not keep the good ones from being read.
            Err(e @ (Error::Protocol { .. } | Error::Io { .. })) => {
                report.unreadable.push(format!("{}: {e}", path.display()));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}

fn import_one_ack(dir: &DataDir, path: &Path, clock: &dyn Clock) -> Result<ImportAckReport> {
    let id = identity(dir)?;
    let meta = fs::metadata(path).map_err(io(path))?;
    if meta.len() > MAX_BODY_BYTES as u64 {
        return Err(Error::Protocol {
            what: "acknowledgement file",
            source: ansinh_wire::Error::TooLarge("message"),
        });
    }
    let bytes = fs::read(path).map_err(io(path))?;
    let ack = ansinh_wire::open_ack(&bytes, &id.server_key)
        .map_err(|source| Error::Protocol { what: "acknowledgement file", source })?;
    if ack.device_id != id.device_id {
        return Err(Error::ForeignAck(format!(
            "this acknowledgement is for device {}, this is device {}",
            ack.device_id, id.device_id
        )));
    }
    let now = clock.now();
    let (mut outbox, _) = dir.outbox()?;
    match ack.channel {
        Channel::Usb { bundle_id, .. }
            if outbox.setting(&bundle_setting(&bundle_id))?.is_some() => {}
        _ => {
            return Err(Error::ForeignAck(
                "this acknowledgement is not for a bundle this device wrote".into(),
            ));
        }
    }
    // A restored server (a new epoch): every acknowledged record goes again, and the audit
    // trail from what this acknowledgement says it holds. Otherwise bundles may come back in
    // any order: keep the highest the server said it holds.
    if note_epoch(&mut outbox, &ack.epoch, now)? {
        note_audit_through(&mut outbox, ack.audit_through)?;
    } else {
        let held = audit_through(&outbox)?;
        note_audit_through(&mut outbox, held.max(ack.audit_through))?;
    }
    // The hub's time when it imported the bundle: the clock cannot be before it, but the
    // acknowledgement may have waited days on the stick, so it is no reference for the time now.
    outbox.note_server_time(ack.server_time, None)?;
    let ids: Vec<_> = ack.results.iter().map(|r| r.record_id).collect();
    let plan = plan::plan_records(&ids, &ack);
    let changed = outbox.acknowledge(&plan.acknowledge, now)?;
    let mut report = ImportAckReport {
        acknowledged: changed,
        already_acknowledged: plan.acknowledge.len() - changed,
        ..ImportAckReport::default()
    };
    for (rid, reason) in plan.quarantine {
        if quarantine_if_unsent(&mut outbox, &rid, &reason, now)? {
            report.quarantined.push(reason);
        }
    }
    outbox.set_setting(LAST_SYNC, &now.to_string())?;
    outbox.set_setting(LAST_ERROR, "")?;
    outbox.set_setting(BLOCKED, "")?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(n: usize, size: usize) -> Vec<Outgoing> {
        (0..n)
            .map(|i| Outgoing {
                receipt_no: i64::try_from(i).unwrap_or(0) + 1,
                record_id: [0; 16],
                sealed: vec![0; size],
            })
            .collect()
    }

    #[test]
    fn bundles_respect_both_bounds() {
        assert!(groups(vec![]).is_empty());
        let by_count = groups(out(2_500, 10));
        assert_eq!(by_count.iter().map(Vec::len).collect::<Vec<_>>(), vec![1000, 1000, 500]);
        let by_bytes = groups(out(100, 16 * 1024));
        assert!(by_bytes.len() >= 4);
        for g in &by_bytes {
            let bytes: usize = g.iter().map(|o| o.sealed.len() + PER_RECORD_BYTES).sum();
            assert!(bytes <= MAX_BODY_BYTES - FRAMING_BYTES);
        }
        assert_eq!(by_bytes.iter().map(Vec::len).sum::<usize>(), 100);
    }

    #[test]
    fn extra_bundles_are_numbered_beside_the_first() {
        let p = Path::new("/media/usb/ansinh.bundle");
        assert_eq!(numbered(p, 1), PathBuf::from("/media/usb/ansinh.bundle"));
        assert_eq!(numbered(p, 3), PathBuf::from("/media/usb/ansinh-3.bundle"));
        assert_eq!(numbered(Path::new("out"), 2), PathBuf::from("out-2"));
    }

    #[test]
    fn bundle_ids_are_remembered_by_hex() {
        assert_eq!(bundle_setting(&[0xab; 16]), format!("usb_bundle:{}", "ab".repeat(16)));
    }
}
