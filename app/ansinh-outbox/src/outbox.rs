//! The outbox operations: enqueue, the delivery states, voids, purge, statistics, verification.
//!
//! - A record is `queued` when committed, `sending` while a batch is out, `acknowledged` once
//!   the server holds it; `quarantined` (with a reason) when it cannot be delivered as it is;
//!   `voided` when staff cancelled it before upload. No record is ever deleted: purge after
//!   the retention wipes the personal columns and the payer pseudonyms, and leaves a
//!   non-personal audit line.
//! - Every state change is one transaction with its audit entry.
//! - Time is passed in (seconds since the Unix epoch), so tests use a fake clock.

use std::path::{Path, PathBuf};

use ansinh_wire::{AuditEntry, OpeningKey, SealingKey};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::open::open_database;
use crate::sender::Sender;

/// Seconds since the Unix epoch.
pub type Timestamp = i64;

/// A 128-bit record id, made at random on the device.
pub type RecordId = [u8; 16];

/// WAL pages waiting that make an idle checkpoint worth it ([`Outbox::checkpoint_if_due`]):
/// a quarter of the in-commit checkpoint's size (the `wal_autocheckpoint` pragma), so that
/// one never runs while the sender syncs. A short WAL (1 MiB) also means few commits that
/// lengthen the file (a slower fsync, with the file's size) after each start of the kiosk,
/// when SQLite has deleted the WAL, and old page images in it are overwritten sooner.
pub const CHECKPOINT_PAGES: i64 = 250;

/// A fresh random record id.
pub fn new_record_id() -> RecordId {
    use rand_core::RngCore;
    let mut id = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut id);
    id
}

/// Delivery state of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// Committed, waiting to be sent.
    Queued,
    /// In a batch that is out to the server.
    Sending,
    /// The server holds it.
    Acknowledged,
    /// Cannot be delivered as it is; staff must look (retry or export).
    Quarantined,
    /// Cancelled by staff before upload.
    Voided,
}

impl State {
    /// The name stored in the database and shown to staff.
    pub const fn as_str(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Sending => "sending",
            State::Acknowledged => "acknowledged",
            State::Quarantined => "quarantined",
            State::Voided => "voided",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "queued" => State::Queued,
            "sending" => State::Sending,
            "acknowledged" => State::Acknowledged,
            "quarantined" => State::Quarantined,
            "voided" => State::Voided,
            other => return Err(Error::Corrupt(format!("unknown state {other}"))),
        })
    }
}

/// What staff screens, receipt reprints and the cash journal need, kept in clear. No name in
/// full, no ID in full.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// `voluntary-si` or `household-bhyt`.
    pub scheme: String,
    /// Payment mode as in the quote (`1`, `3`, `advance-2`, `backpay-12`, `bhyt-12`, ...).
    pub mode: String,
    /// Cash collected, đồng.
    pub amount: u64,
    /// Contribution before support, đồng.
    pub gross: u64,
    /// National support, đồng.
    pub support_national: u64,
    /// Provincial support, đồng.
    pub support_local: u64,
    /// Masked name, e.g. `NGUYỄN T*** H*** N****`.
    pub masked_name: String,
    /// Policy table version used for the amounts.
    pub policy_version: String,
    /// Masked personal ID, only its last four digits shown (`********4567`).
    pub masked_id: String,
    /// First month paid for, `MM/YYYY`.
    pub period_from: String,
    /// Months paid for (the longest of a household's members).
    pub months: u32,
    /// Collection point, as on the receipt.
    pub collection_point: String,
    /// Agent code, as on the receipt.
    pub agent_code: String,
    /// The amounts rest on a policy rule marked unverified (printed as an estimate).
    pub estimate: bool,
}

/// A keyed pseudonym of a person's ID, made by the device with a secret of its own; the outbox
/// never sees the ID itself.
pub type Pseudonym = [u8; 32];

/// Whom a record pays for, and which months. Kept in clear (the person as a [`Pseudonym`]) so
/// that a second payment for the same months is noticed before the money is taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    /// The person.
    pub person: Pseudonym,
    /// `voluntary-si` or `household-bhyt`.
    pub scheme: String,
    /// First month paid, as a month number (the device counts months since January 1900).
    pub first_month: u32,
    /// Months paid, at least 1.
    pub months: u32,
}

/// An earlier payment that overlaps the months asked about (see
/// [`Outbox::overlapping_payments`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EarlierPayment {
    /// Its receipt number.
    pub receipt_no: i64,
    /// Its record id.
    pub record_id: RecordId,
    /// Its state (never `voided`).
    pub state: State,
    /// When it was committed.
    pub created_at: Timestamp,
    /// First month it paid for (the caller's month number).
    pub first_month: u32,
    /// Months it paid for.
    pub months: u32,
    /// Cash collected on that receipt, đồng.
    pub amount: u64,
}

/// A record ready to commit: its id, summary and the plaintext to seal.
pub struct NewRecord {
    /// The record's id (also inside the plaintext).
    pub record_id: RecordId,
    /// The clear summary.
    pub summary: Summary,
    /// The encoded record; sealed at enqueue and wiped.
    pub plaintext: Zeroizing<Vec<u8>>,
    /// For a correction after upload: the record it corrects.
    pub corrects: Option<RecordId>,
}

/// What a successful enqueue returns: only after the commit is durable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Committed {
    /// The record's id.
    pub record_id: RecordId,
    /// Its receipt number (gapless on this device).
    pub receipt_no: i64,
}

/// One record as staff screens list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Receipt number.
    pub receipt_no: i64,
    /// Record id.
    pub record_id: RecordId,
    /// State.
    pub state: State,
    /// Clear summary (masked name is empty once purged).
    pub summary: Summary,
    /// When committed.
    pub created_at: Timestamp,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// Why it is quarantined.
    pub quarantine_reason: Option<String>,
    /// Why it was voided.
    pub void_reason: Option<String>,
    /// When the server acknowledged it.
    pub acknowledged_at: Option<Timestamp>,
    /// The record this one corrects.
    pub corrects: Option<RecordId>,
    /// Whether the personal data has been purged.
    pub purged: bool,
}

/// A record handed to the uploader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// Receipt number.
    pub receipt_no: i64,
    /// Record id (the server's idempotency key).
    pub record_id: RecordId,
    /// The sealed bytes, exactly as committed.
    pub sealed: Vec<u8>,
}

/// Counts and ages for the staff screen, from one query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Queued.
    pub queued: i64,
    /// Sending.
    pub sending: i64,
    /// Acknowledged.
    pub acknowledged: i64,
    /// Quarantined.
    pub quarantined: i64,
    /// Voided.
    pub voided: i64,
    /// Age in seconds of the oldest record not yet acknowledged (queued, sending, quarantined).
    pub oldest_unsent_age: Option<i64>,
    /// Last acknowledgement.
    pub last_acknowledged_at: Option<Timestamp>,
    /// When the earliest queued record is due to be sent (in the past when one is due now).
    pub next_attempt_at: Option<Timestamp>,
}

impl Stats {
    /// Records the server does not hold yet.
    pub fn unsent(&self) -> i64 {
        self.queued + self.sending + self.quarantined
    }
}

/// A cash journal line with its record's summary, for the end-of-shift reconciliation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalEntry {
    /// Receipt number.
    pub receipt_no: i64,
    /// `collect` or `void`.
    pub kind: String,
    /// Amount, đồng (the amount collected, or returned on a void).
    pub amount: u64,
    /// Reason for a void.
    pub reason: Option<String>,
    /// When.
    pub at: Timestamp,
    /// The record's summary.
    pub summary: Summary,
}

/// One line of the audit trail (never personal data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditLine {
    /// Place in the hash chain (`None`: written before the chain began, schema v3 or older).
    pub seq: Option<u64>,
    /// The staff member who acted (empty: the device itself).
    pub agent_code: String,
    /// When.
    pub at: Timestamp,
    /// What happened (`enqueued`, `voided`, `purged`, ...).
    pub event: String,
    /// The record's receipt number, if about one.
    pub receipt_no: Option<i64>,
    /// Non-personal detail (scheme and mode, a reason).
    pub detail: String,
}

/// What `verify` found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// `ok`, or SQLite's list of problems.
    pub integrity: String,
    /// Records checked.
    pub records: i64,
    /// Records whose sealed bytes were opened and decoded (needs the opening key).
    pub opened: i64,
    /// One line per problem (receipt number and what is wrong; never personal data).
    pub problems: Vec<String>,
}

impl VerifyReport {
    /// True when nothing is wrong.
    pub fn is_ok(&self) -> bool {
        self.integrity == "ok" && self.problems.is_empty()
    }
}

/// The outbox of one device.
pub struct Outbox {
    pub(crate) conn: Connection,
    /// The agent code audit entries name as the one acting (empty: the device itself).
    pub(crate) actor: String,
    sealing: SealingKey,
    /// The database file (canonical), which a [`Sender`] must be for.
    path: PathBuf,
}

const ROW_COLUMNS: &str = "receipt_no, record_id, state, scheme, mode, amount, gross, support_national, \
     support_local, masked_name, policy_version, created_at, attempts, last_error, \
     quarantine_reason, void_reason, acknowledged_at, corrects, purged_at, \
     masked_id, period_from, months, collection_point, agent_code, estimate";

fn id_from(blob: Vec<u8>) -> Result<RecordId> {
    blob.try_into().map_err(|_| Error::Corrupt("record id is not 16 bytes".into()))
}

/// The summary columns, in the order every query selects them from `first` on: scheme, mode,
/// amount, gross, support_national, support_local, masked_name, policy_version.
fn summary_at(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Summary> {
    Ok(Summary {
        scheme: r.get(first)?,
        mode: r.get(first + 1)?,
        amount: r.get(first + 2)?,
        gross: r.get(first + 3)?,
        support_national: r.get(first + 4)?,
        support_local: r.get(first + 5)?,
        masked_name: r.get::<_, Option<String>>(first + 6)?.unwrap_or_default(),
        policy_version: r.get(first + 7)?,
        ..Summary::default()
    })
}

/// The receipt details (`masked_id, period_from, months, collection_point, agent_code,
/// estimate`),
/// selected from `first` on, after the other columns (they came with schema v2).
fn details_at(r: &rusqlite::Row<'_>, first: usize, s: &mut Summary) -> rusqlite::Result<()> {
    s.masked_id = r.get::<_, Option<String>>(first)?.unwrap_or_default();
    s.period_from = r.get(first + 1)?;
    s.months = r.get(first + 2)?;
    s.collection_point = r.get(first + 3)?;
    s.agent_code = r.get(first + 4)?;
    s.estimate = r.get(first + 5)?;
    Ok(())
}

/// A row as read, before its state and ids are checked.
type RawRow = (Row, String, Vec<u8>, Option<Vec<u8>>);

fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    let state: String = r.get(2)?;
    let id: Vec<u8> = r.get(1)?;
    let corrects: Option<Vec<u8>> = r.get(17)?;
    let mut summary = summary_at(r, 3)?;
    details_at(r, 19, &mut summary)?;
    let row = Row {
        receipt_no: r.get(0)?,
        record_id: [0; 16],
        state: State::Queued,
        summary,
        created_at: r.get(11)?,
        attempts: r.get(12)?,
        last_error: r.get(13)?,
        quarantine_reason: r.get(14)?,
        void_reason: r.get(15)?,
        acknowledged_at: r.get(16)?,
        corrects: None,
        purged: r.get::<_, Option<i64>>(18)?.is_some(),
    };
    Ok((row, state, id, corrects))
}

fn finish_row(
    (mut row, state, id, corrects): (Row, String, Vec<u8>, Option<Vec<u8>>),
) -> Result<Row> {
    row.state = State::parse(&state)?;
    row.record_id = id_from(id)?;
    row.corrects = corrects.map(id_from).transpose()?;
    Ok(row)
}

/// `text` cut to [`ansinh_wire::MAX_AUDIT_TEXT`] bytes at a character boundary.
fn bounded(text: &str) -> &str {
    let mut end = text.len().min(ansinh_wire::MAX_AUDIT_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Appends an entry to the audit chain, inside the caller's transaction: it follows the last
/// chained entry (or starts the chain), so the chain and the change it records commit together.
/// Returns its `seq`.
pub(crate) fn audit(
    tx: &Connection,
    agent_code: &str,
    at: Timestamp,
    event: &str,
    receipt_no: Option<i64>,
    detail: &str,
) -> Result<u64> {
    let last: Option<(i64, Vec<u8>)> = tx
        .prepare_cached(
            "SELECT seq, hash FROM audit WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev) = match last {
        Some((seq, hash)) => (
            u64::try_from(seq).map_err(|_| Error::Corrupt("negative audit seq".into()))?,
            hash.try_into().map_err(|_| Error::Corrupt("audit hash is not 32 bytes".into()))?,
        ),
        None => (0, ansinh_wire::AUDIT_GENESIS),
    };
    // Bounded as the protocol carries them (a long void reason is cut, never refused).
    let (agent_code, event, detail) = (bounded(agent_code), bounded(event), bounded(detail));
    let entry = AuditEntry::new(prev, seq + 1, at, agent_code, event, receipt_no, detail);
    tx.prepare_cached(
        "INSERT INTO audit (seq, at, agent_code, event, receipt_no, detail, prev_hash, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        entry.seq as i64,
        at,
        agent_code,
        event,
        receipt_no,
        detail,
        &entry.prev_hash[..],
        &entry.hash[..]
    ])?;
    Ok(entry.seq)
}

impl Outbox {
    /// Opens the outbox at `path`, sealing new records to `sealing`. Opening changes nothing:
    /// records another process is sending stay `sending` (see [`Outbox::take_sender`]).
    pub fn open(path: &Path, sealing: SealingKey) -> Result<Self> {
        let conn = open_database(path)?;
        let path = path.canonicalize()?;
        Ok(Self { conn, actor: String::new(), sealing, path })
    }

    /// Takes the sender role, refused with [`Error::SenderBusy`] while another process holds
    /// it, and puts back in the queue the records left `sending` by the last sender (it died
    /// with a batch out; the server deduplicates by record id, so sending them again is safe).
    /// Take it once when the uploader starts and keep it while it runs.
    pub fn take_sender(&mut self, now: Timestamp) -> Result<Sender> {
        let sender = Sender::lock(&self.path)?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE records SET state = 'queued', updated_at = ?1 WHERE state = 'sending'",
            params![now],
        )?;
        if n > 0 {
            audit(
                &tx,
                "",
                now,
                "recovered_in_flight",
                None,
                &format!("{n} records back to queued"),
            )?;
        }
        tx.commit()?;
        Ok(sender)
    }

    /// The key new records are sealed to.
    pub fn sealing_key(&self) -> &SealingKey {
        &self.sealing
    }

    /// Commits one record: its receipt number (the next on this device), the sealed record, the
    /// cash journal line and the audit entry, in one transaction. Returns only once the commit
    /// is on disk; on any error nothing is written and no receipt number is used.
    ///
    /// `build` gets the receipt number (it belongs inside the record) and returns the record.
    pub fn enqueue<E: std::fmt::Display>(
        &mut self,
        now: Timestamp,
        build: impl FnOnce(i64) -> std::result::Result<NewRecord, E>,
    ) -> Result<Committed> {
        self.enqueue_paying(now, &[], &[], build)
    }

    /// [`Outbox::enqueue`], keeping with the record whom it pays for and which months
    /// (`payments`, found again by [`Outbox::overlapping_payments`]). `confirmed_overlaps` are
    /// the earlier receipts staff were shown as overlapping and confirmed anyway: the audit
    /// trail names them.
    pub fn enqueue_paying<E: std::fmt::Display>(
        &mut self,
        now: Timestamp,
        payments: &[Payment],
        confirmed_overlaps: &[i64],
        build: impl FnOnce(i64) -> std::result::Result<NewRecord, E>,
    ) -> Result<Committed> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Statements of the enqueue are prepared once per connection (parsing them is a good
        // part of the time an enqueue spends outside the disk).
        let receipt_no: i64 = tx
            .prepare_cached("SELECT COALESCE(MAX(receipt_no), 0) + 1 FROM records")?
            .query_row([], |r| r.get(0))?;
        let new = build(receipt_no).map_err(|e| Error::Build(e.to_string()))?;
        if let Some(first) = new.corrects {
            let state: Option<String> = tx
                .query_row(
                    "SELECT state FROM records WHERE record_id = ?1",
                    params![&first[..]],
                    |r| r.get(0),
                )
                .optional()?;
            match state.as_deref() {
                Some("acknowledged") => {}
                Some(other) => {
                    return Err(Error::WrongState {
                        receipt_no,
                        state: other.to_string(),
                        action: "a correction of a record not yet uploaded (void it instead)",
                    });
                }
                None => return Err(Error::NotFound(hex::encode(first))),
            }
        }
        let sealed = self.sealing.seal(&new.plaintext)?;
        drop(new.plaintext);
        let digest: [u8; 32] = Sha256::digest(&sealed).into();
        let s = &new.summary;
        tx.prepare_cached(
            "INSERT INTO records (receipt_no, record_id, state, scheme, mode, amount, gross, \
             support_national, support_local, masked_name, policy_version, sealed, sealed_sha256, \
             sealed_len, created_at, updated_at, corrects, masked_id, period_from, months, \
             collection_point, agent_code, estimate) \
             VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15, \
             ?16, ?17, ?18, ?19, ?20, ?21)",
        )?
        .execute(params![
            receipt_no,
            &new.record_id[..],
            s.scheme,
            s.mode,
            s.amount,
            s.gross,
            s.support_national,
            s.support_local,
            s.masked_name,
            s.policy_version,
            sealed,
            &digest[..],
            sealed.len() as i64,
            now,
            new.corrects.as_ref().map(|c| &c[..]),
            s.masked_id,
            s.period_from,
            s.months,
            s.collection_point,
            s.agent_code,
            s.estimate,
        ])?;
        tx.prepare_cached(
            "INSERT INTO cash_journal (receipt_no, kind, amount, at) VALUES (?1, 'collect', ?2, ?3)",
        )?
        .execute(params![receipt_no, s.amount, now])?;
        for (i, p) in payments.iter().enumerate() {
            tx.prepare_cached(
                "INSERT INTO payments (receipt_no, idx, person, scheme, first_month, months) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                receipt_no,
                i as i64,
                &p.person[..],
                p.scheme,
                p.first_month,
                p.months
            ])?;
        }
        let detail = match new.corrects {
            Some(c) => format!("{} {} corrects {}", s.scheme, s.mode, hex::encode(c)),
            None => format!("{} {}", s.scheme, s.mode),
        };
        audit(&tx, &self.actor, now, "enqueued", Some(receipt_no), &detail)?;
        // A commit is evidence of the time: the clock must not go back before it.
        crate::time::raise_trusted(&tx, now)?;
        if !confirmed_overlaps.is_empty() {
            let earlier: Vec<String> = confirmed_overlaps.iter().map(i64::to_string).collect();
            let detail = format!("staff confirmed; overlaps receipts {}", earlier.join(", "));
            audit(&tx, &self.actor, now, "overlap_confirmed", Some(receipt_no), &detail)?;
        }
        tx.commit()?;
        Ok(Committed { record_id: new.record_id, receipt_no })
    }

    /// Moves queued records due by `now` to `sending`, oldest first, up to `max_bytes` of
    /// sealed data (always at least one record), and returns them. Only the sender claims.
    pub fn claim_batch(
        &mut self,
        sender: &Sender,
        now: Timestamp,
        max_bytes: usize,
    ) -> Result<Vec<Outgoing>> {
        if !sender.is_for(&self.path) {
            return Err(Error::NotSender);
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut batch = Vec::new();
        {
            let mut stmt = tx.prepare(
                "SELECT receipt_no, record_id, sealed FROM records \
                 WHERE state = 'queued' AND next_attempt_at <= ?1 ORDER BY receipt_no",
            )?;
            let mut rows = stmt.query(params![now])?;
            let mut bytes = 0usize;
            while let Some(r) = rows.next()? {
                let sealed: Vec<u8> = r.get(2)?;
                if !batch.is_empty() && bytes + sealed.len() > max_bytes {
                    break;
                }
                bytes += sealed.len();
                batch.push(Outgoing {
                    receipt_no: r.get(0)?,
                    record_id: id_from(r.get(1)?)?,
                    sealed,
                });
            }
        }
        for o in &batch {
            tx.execute(
                "UPDATE records SET state = 'sending', attempts = attempts + 1, updated_at = ?2 WHERE receipt_no = ?1",
                params![o.receipt_no, now],
            )?;
        }
        tx.commit()?;
        Ok(batch)
    }

    /// Marks records acknowledged by the server (idempotent: an acknowledged record stays so
    /// and is never sent again). Returns how many changed state.
    pub fn acknowledge(&mut self, ids: &[RecordId], now: Timestamp) -> Result<usize> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut changed = 0;
        for id in ids {
            let row: Option<(i64, String)> = tx
                .query_row(
                    "SELECT receipt_no, state FROM records WHERE record_id = ?1",
                    params![&id[..]],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match row {
                Some((no, state))
                    if matches!(state.as_str(), "queued" | "sending" | "quarantined") =>
                {
                    tx.execute(
                        "UPDATE records SET state = 'acknowledged', acknowledged_at = ?2, updated_at = ?2, \
                         last_error = NULL WHERE receipt_no = ?1",
                        params![no, now],
                    )?;
                    audit(&tx, "", now, "acknowledged", Some(no), "")?;
                    changed += 1;
                }
                Some((no, state)) if state == "voided" => {
                    audit(
                        &tx,
                        "",
                        now,
                        "ack_of_voided_record",
                        Some(no),
                        "server holds a voided record",
                    )?;
                }
                Some(_) => {}
                None => {
                    audit(&tx, "", now, "ack_of_unknown_record", None, &hex::encode(id))?;
                }
            }
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Puts records back in the queue after a retryable failure, to be tried from `next_at`.
    pub fn retry_later(
        &mut self,
        ids: &[RecordId],
        now: Timestamp,
        next_at: Timestamp,
        error: &str,
    ) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for id in ids {
            tx.execute(
                "UPDATE records SET state = 'queued', next_attempt_at = ?2, last_error = ?3, updated_at = ?4 \
                 WHERE record_id = ?1 AND state = 'sending'",
                params![&id[..], next_at, error, now],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Makes every queued record waiting out a back-off due at `now` (a person asked to send
    /// now, or the network is back); returns how many were waiting. Only the sender does this,
    /// so it never races a batch being claimed. Quarantined records stay where they are.
    pub fn due_now(&mut self, sender: &Sender, now: Timestamp) -> Result<usize> {
        if !sender.is_for(&self.path) {
            return Err(Error::NotSender);
        }
        Ok(self.conn.execute(
            "UPDATE records SET next_attempt_at = ?1 WHERE state = 'queued' AND next_attempt_at > ?1",
            params![now],
        )?)
    }

    /// Quarantines a record that cannot be delivered as it is (visible to staff, never deleted).
    pub fn quarantine(&mut self, id: &RecordId, reason: &str, now: Timestamp) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(Error::ReasonRequired);
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (no, state) = Self::state_of(&tx, id)?;
        if !matches!(state, State::Queued | State::Sending | State::Quarantined) {
            return Err(Error::WrongState {
                receipt_no: no,
                state: state.as_str().into(),
                action: "quarantine",
            });
        }
        tx.execute(
            "UPDATE records SET state = 'quarantined', quarantine_reason = ?2, updated_at = ?3 WHERE receipt_no = ?1",
            params![no, reason, now],
        )?;
        audit(&tx, "", now, "quarantined", Some(no), reason)?;
        tx.commit()?;
        Ok(())
    }

    /// Staff put a quarantined record back in the queue to be tried again.
    pub fn release(&mut self, receipt_no: i64, now: Timestamp) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let state = Self::state_by_receipt(&tx, receipt_no)?;
        if state != State::Quarantined {
            return Err(Error::WrongState {
                receipt_no,
                state: state.as_str().into(),
                action: "retry",
            });
        }
        tx.execute(
            "UPDATE records SET state = 'queued', next_attempt_at = 0, updated_at = ?2 WHERE receipt_no = ?1",
            params![receipt_no, now],
        )?;
        audit(&tx, &self.actor, now, "released_from_quarantine", Some(receipt_no), "")?;
        tx.commit()?;
        Ok(())
    }

    /// Staff cancel a record before it is uploaded; the cash goes back (a `void` journal line).
    /// After upload a correction is a new record that refers to the first (see [`NewRecord`]).
    pub fn void(&mut self, receipt_no: i64, reason: &str, now: Timestamp) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(Error::ReasonRequired);
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let state = Self::state_by_receipt(&tx, receipt_no)?;
        if !matches!(state, State::Queued | State::Quarantined) {
            return Err(Error::WrongState {
                receipt_no,
                state: state.as_str().into(),
                action: "void",
            });
        }
        let amount: i64 = tx.query_row(
            "SELECT amount FROM records WHERE receipt_no = ?1",
            params![receipt_no],
            |r| r.get(0),
        )?;
        tx.execute(
            "UPDATE records SET state = 'voided', void_reason = ?2, updated_at = ?3 WHERE receipt_no = ?1",
            params![receipt_no, reason, now],
        )?;
        tx.execute(
            "INSERT INTO cash_journal (receipt_no, kind, amount, reason, at) VALUES (?1, 'void', ?2, ?3, ?4)",
            params![receipt_no, amount, reason, now],
        )?;
        audit(&tx, &self.actor, now, "voided", Some(receipt_no), reason)?;
        tx.commit()?;
        Ok(())
    }

    /// Puts back in the queue, due at `now`, every acknowledged record whose sealed bytes are
    /// still held (not purged): the server said it lost what it had acknowledged (its database
    /// was restored from a backup), so they are sent again; the server keeps each once. One
    /// audit line says how many. Returns how many.
    pub fn requeue_acknowledged(&mut self, now: Timestamp, reason: &str) -> Result<usize> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE records SET state = 'queued', acknowledged_at = NULL, next_attempt_at = ?1, \
             updated_at = ?1, last_error = ?2 \
             WHERE state = 'acknowledged' AND purged_at IS NULL AND sealed IS NOT NULL",
            params![now, reason],
        )?;
        if n > 0 {
            audit(&tx, "", now, "requeued_acknowledged", None, &format!("{n} records: {reason}"))?;
        }
        tx.commit()?;
        Ok(n)
    }

    /// Wipes the sealed record and masked name of records acknowledged at least
    /// `retention_secs` ago, keeping the row, the journal and a non-personal audit line.
    pub fn purge_acknowledged(&mut self, retention_secs: i64, now: Timestamp) -> Result<usize> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let due: Vec<i64> = {
            let mut stmt = tx.prepare(
                "SELECT receipt_no FROM records WHERE state = 'acknowledged' AND purged_at IS NULL \
                 AND acknowledged_at <= ?1 ORDER BY receipt_no",
            )?;
            let rows = stmt.query_map(params![now - retention_secs], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for no in &due {
            tx.execute(
                "UPDATE records SET sealed = NULL, masked_name = NULL, masked_id = NULL, purged_at = ?2, updated_at = ?2 WHERE receipt_no = ?1",
                params![no, now],
            )?;
            // A pseudonym is still personal data: it goes too.
            tx.execute("DELETE FROM payments WHERE receipt_no = ?1", params![no])?;
            audit(&tx, "", now, "purged", Some(*no), "personal data removed after retention")?;
        }
        tx.commit()?;
        Ok(due.len())
    }

    /// Counts by state, oldest unsent age and last acknowledgement, in one query.
    pub fn stats(&self, now: Timestamp) -> Result<Stats> {
        Ok(self.conn.query_row(
            "SELECT \
               COALESCE(SUM(state = 'queued'), 0), COALESCE(SUM(state = 'sending'), 0), \
               COALESCE(SUM(state = 'acknowledged'), 0), COALESCE(SUM(state = 'quarantined'), 0), \
               COALESCE(SUM(state = 'voided'), 0), \
               MIN(CASE WHEN state IN ('queued', 'sending', 'quarantined') THEN created_at END), \
               MAX(acknowledged_at), \
               MIN(CASE WHEN state = 'queued' THEN next_attempt_at END) \
             FROM records",
            [],
            |r| {
                let oldest: Option<i64> = r.get(5)?;
                Ok(Stats {
                    queued: r.get(0)?,
                    sending: r.get(1)?,
                    acknowledged: r.get(2)?,
                    quarantined: r.get(3)?,
                    voided: r.get(4)?,
                    oldest_unsent_age: oldest.map(|t| (now - t).max(0)),
                    last_acknowledged_at: r.get(6)?,
                    next_attempt_at: r.get(7)?,
                })
            },
        )?)
    }

    /// Records, newest first, optionally only those in `state`.
    pub fn list(&self, state: Option<State>) -> Result<Vec<Row>> {
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM records WHERE (?1 IS NULL OR state = ?1) ORDER BY receipt_no DESC"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![state.map(State::as_str)], row_from)?;
        rows.map(|r| finish_row(r?)).collect()
    }

    /// One record by receipt number.
    pub fn get(&self, receipt_no: i64) -> Result<Row> {
        let sql = format!("SELECT {ROW_COLUMNS} FROM records WHERE receipt_no = ?1");
        let row = self.conn.query_row(&sql, params![receipt_no], row_from).optional()?;
        finish_row(row.ok_or_else(|| Error::NotFound(format!("receipt {receipt_no}")))?)
    }

    /// Payments of `person` for `scheme` that cover any month from `from` to `until`
    /// (inclusive month numbers), oldest receipt first. Voided records do not count; purged
    /// ones are gone.
    pub fn overlapping_payments(
        &self,
        person: &Pseudonym,
        scheme: &str,
        from: u32,
        until: u32,
    ) -> Result<Vec<EarlierPayment>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.receipt_no, r.record_id, r.state, r.created_at, p.first_month, p.months, \
             r.amount FROM payments p JOIN records r ON r.receipt_no = p.receipt_no \
             WHERE p.person = ?1 AND p.scheme = ?2 AND p.first_month <= ?4 \
               AND p.first_month + p.months - 1 >= ?3 AND r.state <> 'voided' \
             ORDER BY r.receipt_no, p.idx",
        )?;
        let rows = stmt.query_map(params![&person[..], scheme, from, until], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, u64>(6)?,
            ))
        })?;
        rows.map(|r| {
            let (receipt_no, id, state, created_at, first_month, months, amount) = r?;
            Ok(EarlierPayment {
                receipt_no,
                record_id: id_from(id)?,
                state: State::parse(&state)?,
                created_at,
                first_month,
                months,
                amount,
            })
        })
        .collect()
    }

    /// The sealed bytes of a record (None once purged).
    pub fn sealed(&self, receipt_no: i64) -> Result<Option<Vec<u8>>> {
        let v = self
            .conn
            .query_row(
                "SELECT sealed FROM records WHERE receipt_no = ?1",
                params![receipt_no],
                |r| r.get(0),
            )
            .optional()?;
        v.ok_or_else(|| Error::NotFound(format!("receipt {receipt_no}")))
    }

    /// Sealed records the server does not hold (queued and quarantined), for a USB carry-out.
    pub fn unsent(&self) -> Result<Vec<Outgoing>> {
        let mut stmt = self.conn.prepare(
            "SELECT receipt_no, record_id, sealed FROM records \
             WHERE state IN ('queued', 'sending', 'quarantined') AND sealed IS NOT NULL ORDER BY receipt_no",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, Vec<u8>>(2)?))
        })?;
        rows.map(|r| {
            let (receipt_no, id, sealed) = r?;
            Ok(Outgoing { receipt_no, record_id: id_from(id)?, sealed })
        })
        .collect()
    }

    /// The cash journal since `since`, with each record's summary, oldest first.
    pub fn journal(&self, since: Timestamp) -> Result<Vec<JournalEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT j.receipt_no, j.kind, j.amount, j.reason, j.at, r.scheme, r.mode, r.amount, r.gross, \
             r.support_national, r.support_local, r.masked_name, r.policy_version, \
             r.masked_id, r.period_from, r.months, r.collection_point, r.agent_code, r.estimate \
             FROM cash_journal j JOIN records r ON r.receipt_no = j.receipt_no \
             WHERE j.at >= ?1 ORDER BY j.id",
        )?;
        let rows = stmt.query_map(params![since], |r| {
            let mut summary = summary_at(r, 5)?;
            details_at(r, 13, &mut summary)?;
            Ok(JournalEntry {
                receipt_no: r.get(0)?,
                kind: r.get(1)?,
                amount: r.get(2)?,
                reason: r.get(3)?,
                at: r.get(4)?,
                summary,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The audit trail, oldest first.
    pub fn audit_trail(&self) -> Result<Vec<AuditLine>> {
        let mut stmt = self.conn.prepare(
            "SELECT at, event, receipt_no, detail, seq, agent_code FROM audit ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AuditLine {
                seq: r.get::<_, Option<i64>>(4)?.and_then(|s| u64::try_from(s).ok()),
                agent_code: r.get(5)?,
                at: r.get(0)?,
                event: r.get(1)?,
                receipt_no: r.get(2)?,
                detail: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Appends a staff action to the audit chain, naming the agent acting
    /// ([`Outbox::act_as`]); returns its `seq`. `detail` must hold no personal data.
    pub fn record_action(
        &mut self,
        event: &str,
        receipt_no: Option<i64>,
        detail: &str,
        now: Timestamp,
    ) -> Result<u64> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let seq = audit(&tx, &self.actor, now, event, receipt_no, detail)?;
        tx.commit()?;
        Ok(seq)
    }

    /// From now on, audit entries of staff actions (voids, releases, enqueues, and
    /// [`Outbox::record_action`]) name `agent_code` as the one acting; empty: nobody logged in.
    pub fn act_as(&mut self, agent_code: &str) {
        self.actor = agent_code.to_string();
    }

    /// The agent audit entries name as acting.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Chained audit entries after `after_seq`, oldest first, at most `limit` (the uploader
    /// sends them with the records).
    pub fn audit_entries(&self, after_seq: u64, limit: usize) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, agent_code, event, receipt_no, detail, prev_hash, hash FROM audit \
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![after_seq as i64, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Vec<u8>>(6)?,
                r.get::<_, Vec<u8>>(7)?,
            ))
        })?;
        rows.map(|r| {
            let (seq, at, agent_code, event, receipt_no, detail, prev, hash) = r?;
            let bad = || Error::Corrupt(format!("audit entry {seq}: hash is not 32 bytes"));
            Ok(AuditEntry {
                seq: u64::try_from(seq).map_err(|_| Error::Corrupt("negative audit seq".into()))?,
                at,
                agent_code,
                event,
                receipt_no,
                detail,
                prev_hash: prev.try_into().map_err(|_| bad())?,
                hash: hash.try_into().map_err(|_| bad())?,
            })
        })
        .collect()
    }

    /// Where the audit chain breaks, if it does: every chained entry must follow the one
    /// before it with an unchanged hash, and no unchained entry may come after the first
    /// chained one.
    pub fn verify_audit(&self) -> Result<Option<String>> {
        let late: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM audit WHERE seq IS NULL AND id > \
                 (SELECT min(id) FROM audit WHERE seq IS NOT NULL) LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = late {
            return Ok(Some(format!("audit row {id} was added outside the chain")));
        }
        let entries = self.audit_entries(0, usize::MAX)?;
        Ok(ansinh_wire::verify_chain(None, &entries).err().map(|e| e.to_string()))
    }

    /// Checks the database and every record: SQLite's integrity check, the audit chain
    /// ([`Outbox::verify_audit`]), receipt numbers gapless from 1, the sealed bytes unchanged (SHA-256), and — with the opening key
    /// (development, or on the server) — that each record opens and `decode` accepts it.
    pub fn verify(
        &self,
        opening: Option<&OpeningKey>,
        decode: impl Fn(&[u8]) -> std::result::Result<(), String>,
    ) -> Result<VerifyReport> {
        let mut report = VerifyReport {
            integrity: self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?,
            ..VerifyReport::default()
        };
        let fk: i64 =
            self.conn
                .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
        if fk > 0 {
            report.problems.push(format!("{fk} broken references"));
        }
        if let Some(problem) = self.verify_audit()? {
            report.problems.push(problem);
        }
        let mut stmt = self.conn.prepare(
            "SELECT receipt_no, sealed, sealed_sha256, sealed_len, purged_at FROM records ORDER BY receipt_no",
        )?;
        let mut rows = stmt.query([])?;
        let mut expected_no = 1;
        while let Some(r) = rows.next()? {
            report.records += 1;
            let no: i64 = r.get(0)?;
            if no != expected_no {
                report
                    .problems
                    .push(format!("receipt numbers jump from {} to {no}", expected_no - 1));
            }
            expected_no = no + 1;
            let sealed: Option<Vec<u8>> = r.get(1)?;
            let digest: Vec<u8> = r.get(2)?;
            let len: i64 = r.get(3)?;
            let purged: Option<i64> = r.get(4)?;
            let Some(sealed) = sealed else {
                if purged.is_none() {
                    report.problems.push(format!("receipt {no}: sealed record missing"));
                }
                continue;
            };
            if sealed.len() as i64 != len || Sha256::digest(&sealed).as_slice() != digest.as_slice()
            {
                report.problems.push(format!("receipt {no}: sealed record changed since commit"));
                continue;
            }
            if let Some(key) = opening {
                match key.open(&sealed) {
                    Ok(plain) => match decode(&plain) {
                        Ok(()) => report.opened += 1,
                        Err(e) => {
                            report.problems.push(format!("receipt {no}: does not decode: {e}"))
                        }
                    },
                    Err(_) => report.problems.push(format!("receipt {no}: cannot be opened")),
                }
            }
        }
        Ok(report)
    }

    fn state_of(tx: &Connection, id: &RecordId) -> Result<(i64, State)> {
        let row: Option<(i64, String)> = tx
            .query_row(
                "SELECT receipt_no, state FROM records WHERE record_id = ?1",
                params![&id[..]],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (no, state) = row.ok_or_else(|| Error::NotFound(hex::encode(id)))?;
        Ok((no, State::parse(&state)?))
    }

    fn state_by_receipt(tx: &Connection, receipt_no: i64) -> Result<State> {
        let state: Option<String> = tx
            .query_row(
                "SELECT state FROM records WHERE receipt_no = ?1",
                params![receipt_no],
                |r| r.get(0),
            )
            .optional()?;
        State::parse(&state.ok_or_else(|| Error::NotFound(format!("receipt {receipt_no}")))?)
    }

    /// Takes the next value of a persistent counter (1, 2, 3, ...), committed before it is
    /// returned: the uploader's batch counter survives crashes and never repeats.
    pub fn next_counter(&mut self, name: &str) -> Result<u64> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let key = format!("counter:{name}");
        let current: Option<String> = tx
            .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| r.get(0))
            .optional()?;
        let current: u64 = match current {
            Some(v) => {
                v.parse().map_err(|_| Error::Corrupt(format!("counter {name} is not a number")))?
            }
            None => 0,
        };
        let next = current + 1;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, next.to_string()],
        )?;
        tx.commit()?;
        Ok(next)
    }

    /// Reads a small non-personal setting kept with the outbox (e.g. the last sync time).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                params![format!("setting:{key}")],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Writes a small non-personal setting (committed when it returns).
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![format!("setting:{key}"), value],
        )?;
        Ok(())
    }

    /// Copies the pages waiting in the WAL into the database once at least
    /// [`CHECKPOINT_PAGES`] wait, without waiting for anyone (a passive checkpoint), and
    /// notes the time in the outbox; returns whether it ran. Call it when idle (the uploader
    /// does after each sync): an enqueue's commit then has no checkpoint to do.
    pub fn checkpoint_if_due(&mut self, now: Timestamp) -> Result<bool> {
        let counters = |r: &rusqlite::Row<'_>| Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?));
        // NOOP only reads the WAL's counters (pages in it, pages copied) from shared memory.
        let (in_wal, copied) = self.conn.query_row("PRAGMA wal_checkpoint(NOOP)", [], counters)?;
        if in_wal - copied < CHECKPOINT_PAGES {
            return Ok(false);
        }
        let (in_wal, copied) =
            self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], counters)?;
        if copied == in_wal {
            // All copied: the next commit starts the WAL again from its beginning, and that
            // commit also syncs the WAL's header, a second fsync. Let it be this small one,
            // at idle, rather than the next customer's enqueue.
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES ('checkpoint:last_at', ?1) \
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![now.to_string()],
            )?;
        }
        Ok(true)
    }

    /// Caps the database at `pages` pages: a write beyond fails with [`Error::DiskFull`] and
    /// changes nothing. Keeps the outbox from filling a small data partition; tests use it to
    /// make a full disk on demand. Returns the cap now in force.
    pub fn limit_pages(&self, pages: i64) -> Result<i64> {
        Ok(self.conn.pragma_update_and_check(None, "max_page_count", pages, |r| r.get(0))?)
    }
}
