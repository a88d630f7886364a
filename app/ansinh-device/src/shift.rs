//! End-of-shift reconciliation: what the agent collected, by scheme, payment mode and means of
//! payment, the voids with their reasons, and the cash to hand in, from the cash journal; then
//! checked against the records themselves, so a journal that does not match the outbox is
//! flagged instead of trusted.
//!
//! Conventions: totals count the receipts issued in the shift (a voided receipt was issued and
//! is listed among the voids); cash to hand in is collected minus voided, and when a shift
//! voids more than it collects (receipts of an earlier shift), the difference is cash paid out. Every sum is integer
//! đồng with checked addition.

use std::collections::BTreeMap;

use ansinh_core::policy::VietnamTime;
use ansinh_outbox::{JournalEntry, Outbox, State, Timestamp};

/// How the citizen paid. Only cash is taken today; card and transfer would be new variants.
pub const PAYMENT_CASH: &str = "cash";

/// A count and a sum.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Receipts.
    pub count: u64,
    /// Sum, đồng.
    pub amount: u64,
}

impl Tally {
    fn add(&mut self, amount: u64) -> Result<(), ShiftError> {
        self.count += 1;
        self.amount = self.amount.checked_add(amount).ok_or(ShiftError::Overflow)?;
        Ok(())
    }
}

/// A voided receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Void {
    /// Receipt number.
    pub receipt_no: i64,
    /// Cash returned, đồng.
    pub amount: u64,
    /// Why.
    pub reason: String,
    /// When.
    pub at: Timestamp,
}

/// One shift's reconciliation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShiftReport {
    /// Start (inclusive).
    pub from: Timestamp,
    /// End (exclusive).
    pub until: Timestamp,
    /// Receipts issued, by scheme code.
    pub by_scheme: BTreeMap<String, Tally>,
    /// By payment mode (`1`, `3`, `advance-2`, `bhyt-12`).
    pub by_mode: BTreeMap<String, Tally>,
    /// By means of payment.
    pub by_payment: BTreeMap<String, Tally>,
    /// All receipts issued.
    pub collected: Tally,
    /// Voids in the shift.
    pub voids: Vec<Void>,
    /// Collected minus voided, đồng (0 when the voids are larger).
    pub cash_to_hand_in: u64,
    /// Voided beyond what the shift collected, đồng: cash paid back for receipts of earlier
    /// shifts (a record can be voided until it is sent, even the next day).
    pub cash_paid_out: u64,
    /// Records the server does not hold yet (whole outbox).
    pub unsent: u64,
    /// Where the journal and the records disagree (empty: they match).
    pub mismatches: Vec<String>,
    /// The journal lines, oldest first (the CSV's rows).
    pub lines: Vec<JournalEntry>,
    /// The agent whose shift it is (empty: every agent's receipts in the period).
    pub agent_code: String,
}

/// A record as the reconciliation checks it against the journal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordState {
    /// Receipt number.
    pub receipt_no: i64,
    /// When it was committed.
    pub created_at: Timestamp,
    /// Its state now.
    pub state: State,
}

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ShiftError {
    /// Reading the outbox failed.
    #[error(transparent)]
    Outbox(#[from] ansinh_outbox::Error),
    /// A sum does not fit 64 bits (a damaged journal).
    #[error("a shift total overflows")]
    Overflow,
    /// Writing the CSV failed.
    #[error("shift CSV: {0}")]
    Csv(String),
}

impl ShiftError {
    /// A busy outbox may answer later; the rest needs a person.
    pub fn is_retryable(&self) -> bool {
        matches!(self, ShiftError::Outbox(e) if e.is_retryable())
    }
}

impl ShiftReport {
    /// The shift from `from` (inclusive) to `until` (exclusive), checked against the records.
    pub fn from_outbox(
        outbox: &Outbox,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<Self, ShiftError> {
        let records: Vec<RecordState> = outbox
            .list(None)?
            .into_iter()
            .map(|row| RecordState {
                receipt_no: row.receipt_no,
                created_at: row.created_at,
                state: row.state,
            })
            .collect();
        let unsent = outbox.stats(until)?.unsent().unsigned_abs();
        Self::from_journal(from, until, outbox.journal(from)?, &records, unsent)
    }

    /// `agent`'s shift from `from` (inclusive) to `until` (exclusive): only the receipts
    /// that carry their agent code, checked against their records (`""`: every agent's, as
    /// [`ShiftReport::from_outbox`]). A shift belongs to the agent who opened it.
    pub fn of_agent(
        outbox: &Outbox,
        agent: &str,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<Self, ShiftError> {
        let mine = |s: &ansinh_outbox::Summary| agent.is_empty() || s.agent_code == agent;
        let records: Vec<RecordState> = outbox
            .list(None)?
            .into_iter()
            .filter(|row| mine(&row.summary))
            .map(|row| RecordState {
                receipt_no: row.receipt_no,
                created_at: row.created_at,
                state: row.state,
            })
            .collect();
        let unsent = outbox.stats(until)?.unsent().unsigned_abs();
        let lines = outbox.journal(from)?.into_iter().filter(|j| mine(&j.summary)).collect();
        let mut report = Self::from_journal(from, until, lines, &records, unsent)?;
        report.agent_code = agent.to_string();
        Ok(report)
    }

    /// The shift from `from` (inclusive) to `until` (exclusive) out of cash journal lines
    /// (any others are skipped), checked against the records' states; `unsent` is the
    /// whole outbox's count. [`ShiftReport::from_outbox`] reads these from the outbox; a
    /// store that keeps its records elsewhere (the kiosk's in-memory twin) passes its own.
    pub fn from_journal(
        from: Timestamp,
        until: Timestamp,
        lines: Vec<JournalEntry>,
        records: &[RecordState],
        unsent: u64,
    ) -> Result<Self, ShiftError> {
        let mut r = ShiftReport { from, until, ..ShiftReport::default() };
        let lines: Vec<JournalEntry> =
            lines.into_iter().filter(|j| j.at >= from && j.at < until).collect();
        let mut voided: u64 = 0;
        for j in &lines {
            match j.kind.as_str() {
                "collect" => {
                    r.collected.add(j.amount)?;
                    r.by_scheme.entry(j.summary.scheme.clone()).or_default().add(j.amount)?;
                    r.by_mode.entry(j.summary.mode.clone()).or_default().add(j.amount)?;
                    r.by_payment.entry(PAYMENT_CASH.into()).or_default().add(j.amount)?;
                    if j.amount != j.summary.amount {
                        r.mismatches.push(format!(
                            "receipt {}: journal {} đ, record {} đ",
                            j.receipt_no, j.amount, j.summary.amount
                        ));
                    }
                }
                _ => {
                    voided = voided.checked_add(j.amount).ok_or(ShiftError::Overflow)?;
                    r.voids.push(Void {
                        receipt_no: j.receipt_no,
                        amount: j.amount,
                        reason: j.reason.clone().unwrap_or_default(),
                        at: j.at,
                    });
                }
            }
        }
        // Every record made in the shift has its collect line; every voided one its void line.
        for row in records {
            if row.created_at < from || row.created_at >= until {
                continue;
            }
            let has =
                |kind: &str| lines.iter().any(|j| j.receipt_no == row.receipt_no && j.kind == kind);
            if !has("collect") {
                r.mismatches.push(format!("receipt {}: no cash journal line", row.receipt_no));
            }
            if row.state == State::Voided && !has("void") {
                r.mismatches
                    .push(format!("receipt {}: voided without a journal line", row.receipt_no));
            }
        }
        r.cash_to_hand_in = r.collected.amount.saturating_sub(voided);
        r.cash_paid_out = voided.saturating_sub(r.collected.amount);
        r.unsent = unsent;
        r.lines = lines;
        Ok(r)
    }

    /// Voided total, đồng.
    pub fn voided(&self) -> u64 {
        self.voids.iter().map(|v| v.amount).sum()
    }

    /// The journal as CSV for the office's spreadsheet: one row per journal line, then the
    /// totals (`tong_tra_lai`: cash paid out beyond the shift's collections). Columns: `loai_dong` (`thu` collected, `huy` voided, `tong_*` totals),
    /// `so_bien_lai`, `thoi_gian` (Viet Nam time, `YYYY-MM-DD HH:MM`), `loai_hinh` (scheme code), `phuong_thuc`
    /// (payment mode), `thanh_toan` (means of payment), `so_tien` (đồng), `ly_do` (void reason).
    pub fn to_csv(&self) -> Result<Vec<u8>, ShiftError> {
        let csv_err = |e: csv::Error| ShiftError::Csv(e.to_string());
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "loai_dong",
            "so_bien_lai",
            "thoi_gian",
            "loai_hinh",
            "phuong_thuc",
            "thanh_toan",
            "so_tien",
            "ly_do",
        ])
        .map_err(csv_err)?;
        for j in &self.lines {
            let kind = if j.kind == "collect" { "thu" } else { "huy" };
            w.write_record([
                kind,
                &j.receipt_no.to_string(),
                &local_time(j.at),
                &j.summary.scheme,
                &j.summary.mode,
                PAYMENT_CASH,
                &j.amount.to_string(),
                j.reason.as_deref().unwrap_or(""),
            ])
            .map_err(csv_err)?;
        }
        let totals = [
            ("tong_thu", self.collected.count, self.collected.amount),
            ("tong_huy", u64::try_from(self.voids.len()).unwrap_or(u64::MAX), self.voided()),
            ("tong_nop", self.collected.count, self.cash_to_hand_in),
            ("tong_tra_lai", 0, self.cash_paid_out),
        ];
        for (kind, count, amount) in totals {
            w.write_record([kind, &count.to_string(), "", "", "", "", &amount.to_string(), ""])
                .map_err(csv_err)?;
        }
        w.into_inner().map_err(|e| ShiftError::Csv(e.to_string()))
    }
}

/// `2026-11-22 08:00`, Viet Nam time (`ansinh_core::policy::VietnamTime`): sorts as text in a
/// sheet; `?` for a clock outside the years 1900–2399, which only a broken clock reports.
pub fn local_time(at: Timestamp) -> String {
    VietnamTime::at(at).map_or_else(|_| "?".to_string(), |t| t.to_string())
}
