//! The seams to the device: where a submitted enrollment is committed, and what staff screens
//! read. Two implementations: [`MemoryStore`] (tests, screenshots; `memory.rs`) and
//! [`DeviceStore`] (the device's data directory: the durable, sealed outbox of
//! `ansinh-device`; `device.rs`).

use ansinh_core::{Date, Dong, Month, PolicyTable};
use ansinh_device::DataDir;
use ansinh_device::enroll::{
    CollectionPoint, CommitOptions, Duplicates, EarlierPayment, EnrollError, amounts, commit,
    mask_name, paid_periods, summary,
};
use ansinh_device::shift::{RecordState, ShiftReport};
use ansinh_enrollment::Enrollment;
use ansinh_outbox::{
    Account, JournalEntry, LockState, Outbox, Role, State, Stats, Summary, TimeEvidence,
    TimeReference,
};
use ansinh_uploader::background::Control;
use ansinh_uploader::{RetryPolicy, SyncStatus};
use std::sync::Arc;

use crate::delivery::{Delivery, LastSent, RegistrationProblem};

use ansinh_device::clock::Timestamp;

mod device;
mod memory;

pub use device::DeviceStore;
pub use memory::{MemoryRecord, MemoryStore};

/// What a successful submit returns: only once the record is durable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Committed {
    /// The record's id.
    pub record_id: [u8; 16],
    /// Receipt number on this device (gapless).
    pub receipt_no: i64,
    /// Cash to collect, đồng.
    pub amount: Dong,
    /// Policy table version the amount was computed with.
    pub policy_version: String,
}

/// Why a store operation failed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoreError {
    /// Retrying may help (busy, disk full); otherwise a person must act.
    pub retryable: bool,
    /// What happened (never personal data).
    pub message: String,
    /// A submit refused as a possible double payment: the earlier payments of the same people
    /// and months on this device (staff may confirm). Empty for any other failure.
    pub earlier: Vec<EarlierPayment>,
}

impl StoreError {
    fn permanent(e: impl std::fmt::Display) -> Self {
        Self { message: e.to_string(), ..Self::default() }
    }

    fn of(e: EnrollError) -> Self {
        let (retryable, message) = (e.is_retryable(), e.to_string());
        match e {
            EnrollError::PossibleDuplicate(earlier) => Self { retryable, message, earlier },
            _ => Self { retryable, message, earlier: vec![] },
        }
    }
}

/// Where the wizard's submit commits an enrollment.
pub trait EnrollmentStore {
    /// Prices and commits a validated enrollment; returns once it is durable. A possible
    /// double payment is refused (with [`StoreError::earlier`]) unless staff confirmed it.
    fn submit(
        &mut self,
        enrollment: &Enrollment,
        table: &PolicyTable<'_>,
        today: Date,
        now: Timestamp,
        duplicates: Duplicates,
    ) -> Result<Committed, StoreError>;

    /// Whether the collection server's sealing key is installed. Without it the device takes
    /// no enrollment, except in the offline demonstration mode: money taken against a record
    /// no server can open would never reach the office.
    fn server_key_provisioned(&self) -> bool;

    /// The policy table the device prices with (built-in, or a published table installed
    /// from a sync or a USB stick: `ansinh_device::policy`), with what staff read of it.
    fn active_policy(&self) -> ansinh_device::policy::ActivePolicy {
        ansinh_device::policy::ActivePolicy {
            table: Box::new(ansinh_core::default_table()),
            origin: ansinh_device::policy::Origin::BuiltIn,
            previous: None,
            problem: None,
        }
    }

    /// What the collection server last said of its newest policy table.
    fn hub_policy(&self) -> Option<ansinh_device::policy::HubPolicy> {
        None
    }

    /// What the device keeps of the time (the latest trustworthy time, the last reference),
    /// by which `ansinh_device::clock::judge` decides whether the wizard may start.
    fn time_evidence(&self) -> Result<TimeEvidence, StoreError>;

    /// A clerk (`agent`) confirms the date and time the clock shows, `now` (with its
    /// `reference`): an audited staff action.
    fn confirm_clock(
        &mut self,
        agent: &str,
        now: Timestamp,
        reference: Option<&TimeReference>,
    ) -> Result<(), StoreError>;

    /// Keeps the printer's state as the last print left it (or at start: none configured,
    /// or not known yet), for the device's health report to the hub.
    fn note_printer(&mut self, state: ansinh_wire::health::PrinterState) -> Result<(), StoreError>;
}

/// Queue and sync status for staff: the outbox's counts and the uploader's status as the
/// libraries report them, and what only the device knows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueStatus {
    /// The outbox's counts and ages.
    pub stats: Stats,
    /// The uploader's status (last sync, last failure, refusal, alarm); a registration
    /// problem of the delivery worker is its `last_error`.
    pub sync: SyncStatus,
    /// Records are sealed to a development key (this device cannot send to a real server).
    pub development_key: bool,
    /// The collection server this device is registered with, if it is.
    pub server: Option<String>,
    /// The alarm period, days (the retry policy's).
    pub alarm_after_days: i64,
    /// Records the server acknowledged in the delivery worker's last sync, once one ran.
    pub last_sent: Option<usize>,
}

/// A quarantined record as staff see it (masked name, no ID).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuarantinedRecord {
    /// Receipt number.
    pub receipt_no: i64,
    /// Masked name.
    pub masked_name: String,
    /// `voluntary-si` / `household-bhyt`.
    pub scheme: String,
    /// Amount collected.
    pub amount: Dong,
    /// Why.
    pub reason: String,
}

/// A participant whose paid period ends soon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenewalDue {
    /// Masked name.
    pub masked_name: String,
    /// Scheme.
    pub scheme: String,
    /// Last month paid, `YYYY-MM`.
    pub paid_until: String,
    /// Phone to call, if given.
    pub phone: Option<String>,
}

/// The renewal-due list as last downloaded from the collection server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Renewals {
    /// When it was downloaded (None: never).
    pub fetched_at: Option<Timestamp>,
    /// Participants due, soonest first.
    pub due: Vec<RenewalDue>,
}

/// The device's settings that staff edit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Collection point name (on receipts).
    pub collection_point: String,
    /// Agent code.
    pub agent_code: String,
    /// Collection server URL.
    pub server_url: String,
    /// The staff PIN's Argon2 hash (PHC string); empty = the development PIN.
    pub staff_pin_hash: String,
    /// The ethnic group most people at this collection point belong to, by name ("Kinh",
    /// "Tày"): the wizard chooses it in advance, marked for staff to ask; empty: none.
    pub usual_ethnicity: String,
}

/// What staff asking for a sync now did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncRequest {
    /// The delivery worker sends now.
    Started,
    /// The device is not registered with a collection server, so nothing can be sent (with
    /// the last registration attempt's failure, if any).
    NotRegistered(Option<String>),
    /// This store has no delivery worker.
    NoDelivery,
}

/// What the staff screens read and change.
pub trait StaffData {
    /// Queue counts and sync status.
    fn queue(&self, now: Timestamp) -> Result<QueueStatus, StoreError>;
    /// Quarantined records.
    fn quarantined(&self) -> Result<Vec<QuarantinedRecord>, StoreError>;
    /// Puts a quarantined record back in the queue.
    fn release(&mut self, receipt_no: i64, now: Timestamp) -> Result<(), StoreError>;
    /// `agent`'s shift (`""`: every agent's) from `from` (inclusive) to `until` (exclusive),
    /// as `ansinh-device` makes it: totals with checked sums, voids, cash to hand in, the
    /// journal's lines (the reprint list) and any mismatch with the records.
    fn shift_report(
        &self,
        agent: &str,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<ShiftReport, StoreError>;
    /// Participants due to renew (the list the collection server last sent).
    fn renewals_due(&self) -> Result<Renewals, StoreError>;
    /// Asks the delivery worker to sync now, and says whether it can send anything.
    fn sync_now(&self) -> SyncRequest;
    /// A committed record's receipt as a picture (`copy` for reprints).
    fn receipt_picture(
        &self,
        receipt_no: i64,
        copy: bool,
        width: ansinh_receipt::Width,
    ) -> Result<ansinh_receipt::Bitmap, StoreError>;
    /// When `agent`'s current shift started, if they started one on this device (`""`: the
    /// device's one shift in development mode).
    fn shift_start(&self, agent: &str) -> Option<Timestamp>;
    /// Starts a new shift of `agent` at `at` (kept across restarts and power cuts).
    fn start_shift(&mut self, agent: &str, at: Timestamp) -> Result<(), StoreError>;
    /// From now on the records committed carry `agent`'s code (the agent whose shift is on;
    /// kept across restarts). Until an agent logs in, the settings' agent code.
    fn set_shift_agent(&mut self, agent: &str) -> Result<(), StoreError>;
    /// No account yet and no collection server's key provisioned: in the offline
    /// demonstration (`--demo`, the caller's to know) the development PIN opens staff mode.
    fn development_device(&self) -> bool;
    /// Staff accounts, by name.
    fn accounts(&self) -> Result<Vec<Account>, StoreError>;
    /// Adds an account (`pin_hash` `None`: a clerk sets the first PIN later).
    fn add_account(
        &mut self,
        code: &str,
        name: &str,
        role: Role,
        pin_hash: Option<&str>,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Sets an account's PIN hash, clearing its lock; `must_change` at the next login.
    fn set_pin_hash(
        &mut self,
        code: &str,
        pin_hash: &str,
        must_change: bool,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Keeps a login attempt: the account's lockout and its audit entry, together.
    fn record_login_attempt(
        &mut self,
        code: &str,
        lock: LockState,
        event: &str,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// The staff member acting from now on (`""`: nobody), named by the audit trail.
    fn act_as(&mut self, code: &str);
    /// Appends a staff action to the audit trail (no personal data in `detail`).
    fn record_action(
        &mut self,
        event: &str,
        receipt_no: Option<i64>,
        detail: &str,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// The settings.
    fn settings(&self) -> Settings;
    /// Saves the settings.
    fn save_settings(&mut self, s: &Settings) -> Result<(), StoreError>;
}

/// Both seams, as the app holds them.
pub trait Store: EnrollmentStore + StaffData {}
impl<T: EnrollmentStore + StaffData> Store for T {}
