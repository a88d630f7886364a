//! What the hub needs to know about a record's contents, behind one trait: [`RecordRules`].
//!
//! The hub itself opens sealed records (its key) and stores them; deciding whether the
//! plaintext is a valid enrollment, and reading the fields that lists, tallies and renewal
//! reminders need, belongs to the record crate. Keeping it behind this trait keeps the ingest,
//! storage and protocol code independent of the record format, and lets their tests run on
//! plain bytes.

use ansinh_wire::{RecordId, RenewalDue};

/// A participant's paid period, as read from a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    /// The participant's personal ID (hashed to a pseudonym before anything is stored).
    pub personal_id: String,
    /// First month paid, `YYYY-MM`.
    pub from: String,
    /// Last month paid, `YYYY-MM` (first month + months paid − 1).
    pub until: String,
}

/// What the hub keeps in clear about a valid record (no names, no IDs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The collecting device the record names (0: collected before the device registered).
    /// The hub accepts a record only from that device (or, for 0, from the device sending it).
    pub device_id: u64,
    /// `voluntary-si` or `household-bhyt`.
    pub scheme: String,
    /// Official commune code of the participant's (household's) address.
    pub commune_code: String,
    /// Code of the collecting agent.
    pub agent_code: String,
    /// When collected (seconds since the Unix epoch, device time).
    pub collected_at: i64,
    /// Cash collected, đồng.
    pub amount: u64,
    /// The receipt number the device printed (checked against a receipt's QR code).
    pub receipt_no: u64,
    /// One period per participant.
    pub periods: Vec<Period>,
}

/// One row of a collection list (D05-TS for voluntary SI, D03-TS for household health
/// insurance), columns as in policy.md §8.4. Amounts in đồng, rates in percent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListRow {
    /// B: full name.
    pub full_name: String,
    /// C: social insurance code (legacy 10 digits), if the person has one.
    pub si_code: String,
    /// 1: personal identification number.
    pub personal_id: String,
    /// Date of birth as declared (D03-TS).
    pub birth_date: String,
    /// Sex (D03-TS).
    pub sex: String,
    /// 2: address.
    pub address: String,
    /// Province code of the address (2 digits; the XML list's `Matinh_DangSS`).
    pub province_code: String,
    /// Commune code of the address (5 digits; the XML list's `Maxa_DangSS`).
    pub commune_code: String,
    /// 3: receipt date, `DD/MM/YYYY`.
    pub receipt_date: String,
    /// 4: receipt number.
    pub receipt_no: String,
    /// 5: monthly income on which SI is paid (voluntary SI only).
    pub income: Option<u64>,
    /// 6: number of months paid.
    pub months: u32,
    /// The payment mode as numbered in Law 41/2024 Art 36(2): `1` monthly, `2` every 3
    /// months, `3` every 6, `4` every 12, `5` future years at once, `6` missing months at
    /// retirement age (voluntary SI only; the XML list's `Phuongthuc`).
    pub payment_mode: String,
    /// The contribution rate, percent, from the policy table (voluntary SI only; the XML
    /// list's `Tyle`).
    pub contribution_pct: String,
    /// 7: from month, `MM/YYYY`.
    pub from_month: String,
    /// 8: amount due per the rules.
    pub amount_due: u64,
    /// 9: amount paid by the participant.
    pub amount_paid: u64,
    /// 10–11: national budget support, percent and amount.
    pub national_pct: String,
    /// 11.
    pub national_amount: u64,
    /// 12–13: local budget support, percent and amount.
    pub local_pct: String,
    /// 13.
    pub local_amount: u64,
    /// 14–15: other support, percent and amount.
    pub other_pct: String,
    /// 15.
    pub other_amount: u64,
    /// 16: collector staff code.
    pub collector_code: String,
    /// Initial health-care registration place (D03-TS).
    pub kcb_code: String,
    /// Relationship to the head of household (D03-TS).
    pub relationship: String,
    /// 17: notes (support group, ethnicity, new/renewal, phone, birth date).
    pub notes: String,
}

/// One participant of a record as staff may see it, for a follow-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Participant {
    /// Masked name (`NGUYỄN T** H*** N****`).
    pub masked_name: String,
    /// The receipt number the device printed.
    pub receipt_no: i64,
}

/// Decides and reads record contents for the hub. Implementations are pure: no I/O, no clock.
pub trait RecordRules: Send + Sync {
    /// Makes a published policy table (compiled bytes, already checked and verified) one the
    /// rules check records with; true if it was new. Rules that do not price records keep
    /// nothing and say false.
    fn add_policy_table(&self, compiled: &[u8]) -> Result<bool, String> {
        let _ = compiled;
        Ok(false)
    }

    /// Decodes and validates an opened record sent under `record_id`. A refusal is a stable
    /// code: `does_not_decode`, or `invalid:<field>:<code>` (never personal data).
    fn check(&self, record_id: &RecordId, plaintext: &[u8]) -> Result<Checked, String>;

    /// The rows a record contributes to its collection list (one per participant).
    fn list_rows(&self, plaintext: &[u8]) -> Result<Vec<ListRow>, String>;

    /// The reminder for participant `index` of a record (masked name, phone if consented).
    fn renewal(&self, plaintext: &[u8], index: usize) -> Option<RenewalDue>;

    /// Participant `index` of a record: masked name and receipt number.
    fn participant(&self, plaintext: &[u8], index: usize) -> Option<Participant>;
}
