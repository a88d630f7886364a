//! The trails the hub keeps: each device's audit chain as the device sent it (checked to
//! continue the entries held, refusals flagged), and the hub's own log of admin actions and
//! renewal-list downloads. Both tables are append-only (SQLite triggers refuse changes).

use ansinh_wire::{AuditEntry, verify_chain};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::{SqliteStore, Timestamp};
use crate::error::{Error, Result};

/// What became of the audit entries of one batch or bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditAppend {
    /// The highest `seq` now held for the device (0: none).
    pub through: u64,
    /// Why the entries were refused (a gap, an unlinked or changed entry), flagged for staff;
    /// `None` when they were stored or held already.
    pub refused: Option<String>,
}

/// A device's audit entry as held, with when the hub received it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HeldAuditEntry {
    /// The entry.
    #[serde(flatten)]
    pub entry: AuditEntryView,
    /// When the hub received it.
    pub received_at: Timestamp,
}

/// An audit entry's fields as the pages and the JSON show them (hashes in hex).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntryView {
    /// Position in the device's chain.
    pub seq: u64,
    /// When (device time).
    pub at: Timestamp,
    /// The agent acting (empty: the device).
    pub agent_code: String,
    /// What happened.
    pub event: String,
    /// The receipt it was about.
    pub receipt_no: Option<i64>,
    /// Non-personal detail.
    pub detail: String,
    /// The entry's hash, hex.
    pub hash: String,
}

/// A refusal of a device's audit entries, as flagged (once per reason, counted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditProblem {
    /// Why.
    pub problem: String,
    /// First seen.
    pub first_at: Timestamp,
    /// Last seen.
    pub last_at: Timestamp,
    /// How many batches carried it.
    pub times: i64,
}

/// One action in the hub's own log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HubAction {
    /// When.
    pub at: Timestamp,
    /// Who: `admin` (the admin user), or `device N`.
    pub actor: String,
    /// What (`export`, `renewals_download`, `token_created`, `device_revoked`).
    pub action: String,
    /// Its parameters (list, month, format, commune; never personal data).
    pub detail: String,
}

/// How much of a device's audit trail the hub takes, so that a device (or a stolen device key)
/// cannot fill the disk with valid entries or with distinct refusals (the hub's defaults:
/// [`crate::Quotas`]). Entries past a quota are not lost: the acknowledgement does not cover
/// them, so the device sends them again the next day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuditQuota {
    /// New entries taken per device per day (UTC, by arrival).
    pub per_day: u32,
    /// Distinct refusal reasons kept per device; further ones are counted on one row.
    pub problems: u32,
}

/// The reason flagged when a day's entries are used up (one row, counted).
pub const AUDIT_QUOTA_REACHED: &str = "daily audit quota reached; the rest waits for tomorrow";
/// The row further refusal reasons are counted on once a device has its quota of them.
pub const AUDIT_MORE_PROBLEMS: &str = "further refusals (over the quota of distinct reasons)";

/// The hub's trails.
pub trait AuditLog {
    /// Stores a device's audit entries if they continue the chain held for it (entries held
    /// already, unchanged, are skipped); otherwise stores none of them and flags why.
    fn append_audit(
        &self,
        device_id: u64,
        entries: &[AuditEntry],
        quota: AuditQuota,
        now: Timestamp,
    ) -> Result<AuditAppend>;
    /// A device's audit entries, oldest first, and its flagged refusals.
    fn device_audit(&self, device_id: u64) -> Result<(Vec<HeldAuditEntry>, Vec<AuditProblem>)>;
    /// Appends an action to the hub's own log.
    fn log_action(&self, actor: &str, action: &str, detail: &str, now: Timestamp) -> Result<()>;
    /// The hub's own log, newest first.
    fn actions(&self) -> Result<Vec<HubAction>>;
}

fn hash32(blob: Vec<u8>) -> Result<[u8; 32]> {
    blob.try_into().map_err(|_| Error::Corrupt("audit hash is not 32 bytes".into()))
}

fn seq_of(v: i64) -> Result<u64> {
    u64::try_from(v).map_err(|_| Error::Corrupt(format!("negative audit seq {v}")))
}

impl AuditLog for SqliteStore {
    fn append_audit(
        &self,
        device_id: u64,
        entries: &[AuditEntry],
        quota: AuditQuota,
        now: Timestamp,
    ) -> Result<AuditAppend> {
        let device = i64::try_from(device_id).map_err(|_| Error::Invalid("device id".into()))?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let head: Option<(i64, Vec<u8>)> = tx
            .query_row(
                "SELECT seq, hash FROM device_audit WHERE device_id = ?1 ORDER BY seq DESC LIMIT 1",
                params![device],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let head = head.map(|(s, h)| Ok::<_, Error>((seq_of(s)?, hash32(h)?))).transpose()?;
        let held_through = head.map_or(0, |(s, _)| s);
        // Entries held already (an acknowledgement the device never got) must be the same.
        let mut problem = None;
        for e in entries.iter().filter(|e| e.seq <= held_through) {
            let held: Option<Vec<u8>> = tx
                .query_row(
                    "SELECT hash FROM device_audit WHERE device_id = ?1 AND seq = ?2",
                    params![device, e.seq as i64],
                    |r| r.get(0),
                )
                .optional()?;
            if held.as_deref() != Some(&e.hash[..]) || e.chain_hash() != e.hash {
                problem = Some(format!("audit entry {} differs from the one held", e.seq));
                break;
            }
        }
        let new: Vec<AuditEntry> =
            entries.iter().filter(|e| e.seq > held_through).cloned().collect();
        if problem.is_none() {
            problem = verify_chain(head, &new).err().map(|e| e.to_string());
        }
        if problem.is_none() && !new.is_empty() {
            let today: i64 = tx.query_row(
                "SELECT COUNT(*) FROM device_audit WHERE device_id = ?1 AND received_at >= ?2",
                params![device, now - now.rem_euclid(86_400)],
                |r| r.get(0),
            )?;
            if today.saturating_add(new.len() as i64) > i64::from(quota.per_day) {
                problem = Some(AUDIT_QUOTA_REACHED.to_string());
            }
        }
        if let Some(p) = &mut problem {
            let (kept, known): (i64, i64) = tx.query_row(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE problem = ?2) \
                 FROM device_audit_problems WHERE device_id = ?1",
                params![device, p.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if known == 0 && kept >= i64::from(quota.problems) {
                *p = AUDIT_MORE_PROBLEMS.to_string();
            }
            tx.execute(
                "INSERT INTO device_audit_problems (device_id, problem, first_at, last_at) \
                 VALUES (?1, ?2, ?3, ?3) ON CONFLICT(device_id, problem) \
                 DO UPDATE SET last_at = excluded.last_at, times = times + 1",
                params![device, p.as_str(), now],
            )?;
            tx.commit()?;
            return Ok(AuditAppend { through: held_through, refused: problem });
        }
        for e in &new {
            tx.execute(
                "INSERT INTO device_audit (device_id, seq, at, agent_code, event, receipt_no, \
                 detail, prev_hash, hash, received_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    device,
                    e.seq as i64,
                    e.at,
                    e.agent_code,
                    e.event,
                    e.receipt_no,
                    e.detail,
                    &e.prev_hash[..],
                    &e.hash[..],
                    now
                ],
            )?;
        }
        tx.commit()?;
        Ok(AuditAppend { through: new.last().map_or(held_through, |e| e.seq), refused: None })
    }

    fn device_audit(&self, device_id: u64) -> Result<(Vec<HeldAuditEntry>, Vec<AuditProblem>)> {
        let device = i64::try_from(device_id).map_err(|_| Error::Invalid("device id".into()))?;
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT seq, at, agent_code, event, receipt_no, detail, hash, received_at \
             FROM device_audit WHERE device_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![device], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get::<_, Vec<u8>>(6)?,
                r.get(7)?,
            ))
        })?;
        let entries = rows
            .map(|r| {
                let (seq, at, agent_code, event, receipt_no, detail, hash, received_at) = r?;
                Ok(HeldAuditEntry {
                    entry: AuditEntryView {
                        seq: seq_of(seq)?,
                        at,
                        agent_code,
                        event,
                        receipt_no,
                        detail,
                        hash: hex::encode(hash),
                    },
                    received_at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut stmt = conn.prepare(
            "SELECT problem, first_at, last_at, times FROM device_audit_problems \
             WHERE device_id = ?1 ORDER BY last_at DESC",
        )?;
        let rows = stmt.query_map(params![device], |r| {
            Ok(AuditProblem {
                problem: r.get(0)?,
                first_at: r.get(1)?,
                last_at: r.get(2)?,
                times: r.get(3)?,
            })
        })?;
        Ok((entries, rows.collect::<rusqlite::Result<_>>()?))
    }

    fn log_action(&self, actor: &str, action: &str, detail: &str, now: Timestamp) -> Result<()> {
        self.conn().execute(
            "INSERT INTO hub_audit (at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)",
            params![now, actor, action, detail],
        )?;
        Ok(())
    }

    fn actions(&self) -> Result<Vec<HubAction>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT at, actor, action, detail FROM hub_audit ORDER BY id DESC")?;
        let rows = stmt.query_map([], |r| {
            Ok(HubAction { at: r.get(0)?, actor: r.get(1)?, action: r.get(2)?, detail: r.get(3)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
