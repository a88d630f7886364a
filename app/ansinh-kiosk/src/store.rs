//! The seams to the device: where a submitted enrollment is committed, and what staff screens
//! read. Two implementations: [`MemoryStore`] (tests, screenshots) and [`DeviceStore`] (the
//! device's data directory: the durable, sealed outbox of `ansinh-device`).

use std::collections::BTreeMap;

use ansinh_core::{Date, Dong, Month, PolicyTable};
use ansinh_device::DataDir;
use ansinh_device::enroll::{
    CollectionPoint, CommitOptions, Duplicates, EarlierPayment, EnrollError, amounts, commit,
    mask_name, paid_periods,
};
use ansinh_enrollment::Enrollment;
use ansinh_outbox::{Outbox, State};
use ansinh_uploader::Policy;
use ansinh_uploader::background::Control;
use std::sync::Arc;

use crate::delivery::{Delivery, RegistrationProblem};

use crate::clock::Timestamp;

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
}

/// Queue and sync status for staff.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueStatus {
    /// Waiting to be sent.
    pub queued: i64,
    /// Out to the server.
    pub sending: i64,
    /// Held by the server.
    pub acknowledged: i64,
    /// Needing a person.
    pub quarantined: i64,
    /// Cancelled before upload.
    pub voided: i64,
    /// Age of the oldest record the server does not hold, seconds.
    pub oldest_unsent_age: Option<i64>,
    /// Last acknowledgement.
    pub last_acknowledged_at: Option<Timestamp>,
    /// Records are sealed to a development key (this device cannot send to a real server).
    pub development_key: bool,
    /// The collection server this device is registered with, if it is.
    pub server: Option<String>,
    /// When the device last completed an exchange with the server (network or USB).
    pub last_sync: Option<Timestamp>,
    /// Why the last attempt failed, or why the device is not registered.
    pub last_error: Option<String>,
    /// Why the server refuses this device (revoked, unknown), until it accepts again.
    pub blocked: Option<String>,
    /// Records have waited the alarm period with no sync: staff must find a network or carry
    /// a USB bundle.
    pub alarm: bool,
    /// The alarm period, days.
    pub alarm_after_days: i64,
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

/// End-of-shift totals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShiftTotals {
    /// Receipts issued.
    pub receipts: i64,
    /// Cash collected.
    pub collected: Dong,
    /// Voids.
    pub voids: i64,
    /// Cash returned on voids.
    pub voided: Dong,
    /// Collected by scheme.
    pub by_scheme: BTreeMap<String, (i64, Dong)>,
    /// The receipts of the shift, newest first (for reprints).
    pub list: Vec<ShiftReceipt>,
}

/// A receipt of the shift, as the reprint list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShiftReceipt {
    /// Receipt number.
    pub receipt_no: i64,
    /// Masked name.
    pub masked_name: String,
    /// Scheme code.
    pub scheme: String,
    /// Amount, đồng.
    pub amount: Dong,
    /// Voided since (not reprinted).
    pub voided: bool,
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
}

/// What the staff screens read and change.
pub trait StaffData {
    /// Queue counts and sync status.
    fn queue(&self, now: Timestamp) -> Result<QueueStatus, StoreError>;
    /// Quarantined records.
    fn quarantined(&self) -> Result<Vec<QuarantinedRecord>, StoreError>;
    /// Puts a quarantined record back in the queue.
    fn release(&mut self, receipt_no: i64, now: Timestamp) -> Result<(), StoreError>;
    /// Totals since the shift began.
    fn shift_totals(&self, since: Timestamp) -> Result<ShiftTotals, StoreError>;
    /// Participants due to renew (the list the collection server last sent).
    fn renewals_due(&self) -> Result<Renewals, StoreError>;
    /// Asks the delivery worker to sync now; false when this store has none.
    fn sync_now(&self) -> bool;
    /// A committed record's receipt as a picture (`copy` for reprints).
    fn receipt_picture(
        &self,
        receipt_no: i64,
        copy: bool,
        width: ansinh_receipt::Width,
    ) -> Result<ansinh_receipt::Bitmap, StoreError>;
    /// When the current shift started, if one was started on this device.
    fn shift_start(&self) -> Option<Timestamp>;
    /// Starts a new shift at `at` (kept across restarts and power cuts).
    fn start_shift(&mut self, at: Timestamp) -> Result<(), StoreError>;
    /// The settings.
    fn settings(&self) -> Settings;
    /// Saves the settings.
    fn save_settings(&mut self, s: &Settings) -> Result<(), StoreError>;
}

/// Both seams, as the app holds them.
pub trait Store: EnrollmentStore + StaffData {}
impl<T: EnrollmentStore + StaffData> Store for T {}

/// One record held by [`MemoryStore`].
#[derive(Clone, Debug)]
pub struct MemoryRecord {
    /// The enrollment as submitted.
    pub enrollment: Enrollment,
    /// Its commit.
    pub committed: Committed,
    /// Its state.
    pub state: State,
    /// When.
    pub at: Timestamp,
    /// Masked name.
    pub masked_name: String,
    /// Why quarantined.
    pub reason: String,
    /// Whom it paid for and which months: personal ID (kept in memory only), scheme, first
    /// and last month.
    pub paid: Vec<(String, &'static str, Month, Month)>,
}

/// An in-memory store: prices enrollments and notices possible double payments exactly as the
/// device does, keeps them in a list.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    /// Records, in receipt order.
    pub records: Vec<MemoryRecord>,
    /// Renewals to show.
    pub renewals: Renewals,
    /// Settings.
    pub settings: Settings,
    /// Makes the next submit fail with this error (tests).
    pub fail_next: Option<StoreError>,
    /// The delivery fields of [`StaffData::queue`] (server, last sync, last error); the counts
    /// and the alarm are computed from `records`.
    pub delivery: QueueStatus,
    /// How many times staff asked to sync now.
    pub sync_requests: std::cell::Cell<u32>,
    /// The shift start.
    pub shift_start: Option<Timestamp>,
}

impl EnrollmentStore for MemoryStore {
    fn submit(
        &mut self,
        enrollment: &Enrollment,
        table: &PolicyTable<'_>,
        today: Date,
        now: Timestamp,
        duplicates: Duplicates,
    ) -> Result<Committed, StoreError> {
        if let Some(e) = self.fail_next.take() {
            return Err(e);
        }
        let a = amounts(enrollment, table, today).map_err(StoreError::permanent)?;
        let periods = paid_periods(enrollment, &a);
        let mut earlier = Vec::new();
        for p in &periods {
            for r in self.records.iter().filter(|r| r.state != State::Voided) {
                for (id, scheme, from, until) in &r.paid {
                    if id == p.personal_id && *scheme == p.scheme && p.overlaps(*from, *until) {
                        earlier.push(EarlierPayment {
                            member: p.member,
                            masked_name: mask_name(p.full_name),
                            scheme: p.scheme.to_string(),
                            receipt_no: r.committed.receipt_no,
                            state: r.state,
                            collected_at: r.at,
                            from: *from,
                            until: *until,
                            amount: r.committed.amount,
                        });
                    }
                }
            }
        }
        if !earlier.is_empty() && duplicates == Duplicates::Refuse {
            return Err(StoreError::of(EnrollError::PossibleDuplicate(earlier)));
        }
        let paid = periods
            .iter()
            .map(|p| (p.personal_id.to_string(), p.scheme, p.from, p.until()))
            .collect();
        let receipt_no = i64::try_from(self.records.len()).unwrap_or(i64::MAX) + 1;
        let mut record_id = [0u8; 16];
        record_id[..8].copy_from_slice(&receipt_no.to_be_bytes());
        let committed =
            Committed { record_id, receipt_no, amount: a.amount, policy_version: a.policy_version };
        let masked_name = match enrollment {
            Enrollment::Voluntary(v) => mask_name(&v.person.full_name),
            Enrollment::Household(h) => mask_name(&h.head.full_name),
        };
        self.records.push(MemoryRecord {
            enrollment: enrollment.clone(),
            committed: committed.clone(),
            state: State::Queued,
            at: now,
            masked_name,
            reason: String::new(),
            paid,
        });
        Ok(committed)
    }
}

impl StaffData for MemoryStore {
    fn queue(&self, now: Timestamp) -> Result<QueueStatus, StoreError> {
        let count = |s: State| self.records.iter().filter(|r| r.state == s).count() as i64;
        let unsent = |r: &&MemoryRecord| {
            matches!(r.state, State::Queued | State::Sending | State::Quarantined)
        };
        Ok(QueueStatus {
            queued: count(State::Queued),
            sending: count(State::Sending),
            acknowledged: count(State::Acknowledged),
            quarantined: count(State::Quarantined),
            voided: count(State::Voided),
            oldest_unsent_age: self.records.iter().filter(unsent).map(|r| now - r.at).max(),
            last_acknowledged_at: self.delivery.last_acknowledged_at,
            development_key: self.delivery.development_key,
            server: self.delivery.server.clone(),
            last_sync: self.delivery.last_sync,
            last_error: self.delivery.last_error.clone(),
            blocked: self.delivery.blocked.clone(),
            // The uploader's rule: records have waited the alarm period since the later of
            // their commit and the last sync.
            alarm: self.records.iter().filter(unsent).any(|r| {
                now - r.at.max(self.delivery.last_sync.unwrap_or(r.at))
                    >= self.delivery.alarm_after_days * 86_400
            }),
            alarm_after_days: self.delivery.alarm_after_days,
        })
    }
    fn quarantined(&self) -> Result<Vec<QuarantinedRecord>, StoreError> {
        Ok(self
            .records
            .iter()
            .filter(|r| r.state == State::Quarantined)
            .map(|r| QuarantinedRecord {
                receipt_no: r.committed.receipt_no,
                masked_name: r.masked_name.clone(),
                scheme: r.enrollment.scheme().into(),
                amount: r.committed.amount,
                reason: r.reason.clone(),
            })
            .collect())
    }
    fn release(&mut self, receipt_no: i64, _now: Timestamp) -> Result<(), StoreError> {
        match self.records.iter_mut().find(|r| r.committed.receipt_no == receipt_no) {
            Some(r) if r.state == State::Quarantined => {
                r.state = State::Queued;
                Ok(())
            }
            _ => Err(StoreError::permanent(format!("receipt {receipt_no} is not quarantined"))),
        }
    }
    fn shift_totals(&self, since: Timestamp) -> Result<ShiftTotals, StoreError> {
        let mut t = ShiftTotals::default();
        for r in self.records.iter().filter(|r| r.at >= since) {
            t.receipts += 1;
            t.collected += r.committed.amount;
            let e = t.by_scheme.entry(r.enrollment.scheme().into()).or_default();
            e.0 += 1;
            e.1 += r.committed.amount;
            if r.state == State::Voided {
                t.voids += 1;
                t.voided += r.committed.amount;
            }
            t.list.push(ShiftReceipt {
                receipt_no: r.committed.receipt_no,
                masked_name: r.masked_name.clone(),
                scheme: r.enrollment.scheme().into(),
                amount: r.committed.amount,
                voided: r.state == State::Voided,
            });
        }
        t.list.reverse();
        Ok(t)
    }
    fn renewals_due(&self) -> Result<Renewals, StoreError> {
        Ok(self.renewals.clone())
    }
    fn sync_now(&self) -> bool {
        self.sync_requests.set(self.sync_requests.get() + 1);
        true
    }
    fn receipt_picture(
        &self,
        receipt_no: i64,
        copy: bool,
        width: ansinh_receipt::Width,
    ) -> Result<ansinh_receipt::Bitmap, StoreError> {
        let r = self
            .records
            .iter()
            .find(|r| r.committed.receipt_no == receipt_no)
            .ok_or_else(|| StoreError::permanent(format!("no receipt {receipt_no}")))?;
        if r.state == State::Voided {
            return Err(StoreError::permanent(format!("receipt {receipt_no} was voided")));
        }
        let fields = ansinh_receipt::qr::Fields {
            record_id: r.committed.record_id,
            receipt_no: receipt_no.unsigned_abs(),
            amount: r.committed.amount,
            device_id: 0,
        };
        // The in-memory store has no device keys: a fixed key, for screens and tests only.
        let qr =
            ansinh_receipt::qr::payload(&fields, &[0x42; 32]).map_err(StoreError::permanent)?;
        let time = ansinh_device::receipt::printed_time(r.at);
        let receipt = ansinh_receipt::Receipt {
            collection_point: &self.settings.collection_point,
            agent_code: &self.settings.agent_code,
            date_time: &time,
            receipt_no: fields.receipt_no,
            masked_name: &r.masked_name,
            masked_id: "",
            scheme: ansinh_receipt::Scheme::from_code(r.enrollment.scheme())
                .unwrap_or(ansinh_receipt::Scheme::Voluntary),
            period_from: "",
            period_to: "",
            months: 0,
            gross: r.committed.amount,
            support_national: 0,
            support_local: 0,
            amount: r.committed.amount,
            policy_version: &r.committed.policy_version,
            estimate: false,
            acknowledged: r.state == State::Acknowledged,
            copy,
            qr: &qr,
        };
        ansinh_receipt::render_receipt(&receipt, width).map_err(StoreError::permanent)
    }
    fn shift_start(&self) -> Option<Timestamp> {
        self.shift_start
    }
    fn start_shift(&mut self, at: Timestamp) -> Result<(), StoreError> {
        self.shift_start = Some(at);
        Ok(())
    }
    fn settings(&self) -> Settings {
        self.settings.clone()
    }
    fn save_settings(&mut self, s: &Settings) -> Result<(), StoreError> {
        self.settings = s.clone();
        Ok(())
    }
}

/// Setting keys in the outbox's settings table.
const KEY_POINT: &str = "kiosk.collection_point";
const KEY_AGENT: &str = "kiosk.agent_code";
const KEY_SERVER: &str = "kiosk.server_url";
const KEY_PIN: &str = "kiosk.staff_pin_hash";
const KEY_SHIFT: &str = "kiosk.shift_start";

/// The device: the data directory's outbox (SQLite, WAL, synchronous=FULL, sealed records).
pub struct DeviceStore {
    dir: DataDir,
    outbox: Outbox,
    development_key: bool,
    defaults: Settings,
    policy: Policy,
    delivery: Option<Arc<Control>>,
    registration_problem: Option<RegistrationProblem>,
}

impl DeviceStore {
    /// Opens (creating) the data directory and its outbox; `defaults` are the configuration's
    /// settings, used until staff change them on the device.
    pub fn open(dir: DataDir, now: Timestamp, defaults: Settings) -> anyhow::Result<Self> {
        let (outbox, source) = dir.outbox(now)?;
        Ok(Self {
            dir,
            outbox,
            development_key: source == ansinh_device::KeySource::Development,
            defaults,
            policy: Policy::default(),
            delivery: None,
            registration_problem: None,
        })
    }

    /// Connects the delivery worker: commits wake it, staff read its registration problem,
    /// and the sync alarm uses its policy.
    pub fn with_delivery(mut self, delivery: &Delivery, policy: Policy) -> Self {
        self.delivery = Some(delivery.control());
        self.registration_problem = Some(delivery.problem());
        self.policy = policy;
        self
    }

    /// Reopens the outbox when the sealing key changed under it (the delivery worker
    /// registered the device, so new records must be sealed to the server's key).
    fn follow_sealing_key(&mut self, now: Timestamp) -> Result<(), StoreError> {
        let (key, source) = self.dir.sealing_key().map_err(outbox_err)?;
        if &key != self.outbox.sealing_key() {
            let (outbox, source) = self.dir.outbox(now).map_err(outbox_err)?;
            self.outbox = outbox;
            self.development_key = source == ansinh_device::KeySource::Development;
        } else {
            self.development_key = source == ansinh_device::KeySource::Development;
        }
        Ok(())
    }

    /// The outbox (tests, the uploader).
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    fn get(&self, key: &str, default: &str) -> String {
        self.outbox.setting(key).ok().flatten().unwrap_or_else(|| default.to_string())
    }
}

fn outbox_err(e: impl Into<ansinh_device::Error>) -> StoreError {
    let e: ansinh_device::Error = e.into();
    StoreError { retryable: e.is_retryable(), message: e.to_string(), earlier: vec![] }
}

impl EnrollmentStore for DeviceStore {
    fn submit(
        &mut self,
        enrollment: &Enrollment,
        table: &PolicyTable<'_>,
        today: Date,
        now: Timestamp,
        duplicates: Duplicates,
    ) -> Result<Committed, StoreError> {
        self.follow_sealing_key(now)?;
        let s = self.settings();
        let point = CollectionPoint {
            device_id: self.dir.registration().ok().flatten().map_or(0, |r| r.device_id),
            name: s.collection_point,
            agent_code: s.agent_code,
        };
        let pseudonyms = self.dir.pseudonym_key().map_err(outbox_err)?;
        let options = CommitOptions { duplicates, ..CommitOptions::new(&pseudonyms) };
        let (c, a) = commit(&mut self.outbox, enrollment, table, today, now, &point, &options)
            .map_err(StoreError::of)?;
        if let Some(d) = &self.delivery {
            d.wake();
        }
        Ok(Committed {
            record_id: c.record_id,
            receipt_no: c.receipt_no,
            amount: a.amount,
            policy_version: a.policy_version,
        })
    }
}

impl StaffData for DeviceStore {
    fn queue(&self, now: Timestamp) -> Result<QueueStatus, StoreError> {
        let s = self.outbox.stats(now).map_err(outbox_err)?;
        let sync = ansinh_uploader::status_of(&self.outbox, now, &self.policy).map_err(|e| {
            StoreError { retryable: e.is_retryable(), message: e.to_string(), earlier: vec![] }
        })?;
        let registration = self.dir.registration().map_err(outbox_err)?;
        let problem = self
            .registration_problem
            .as_ref()
            .and_then(|p| p.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone());
        Ok(QueueStatus {
            queued: s.queued,
            sending: s.sending,
            acknowledged: s.acknowledged,
            quarantined: s.quarantined,
            voided: s.voided,
            oldest_unsent_age: s.oldest_unsent_age,
            last_acknowledged_at: s.last_acknowledged_at,
            development_key: self.development_key,
            server: registration.map(|r| r.server_url),
            last_sync: sync.last_sync,
            last_error: problem.or(sync.last_error),
            blocked: sync.blocked,
            alarm: sync.alarm,
            alarm_after_days: self.policy.alarm_after_days,
        })
    }
    fn quarantined(&self) -> Result<Vec<QuarantinedRecord>, StoreError> {
        let rows = self.outbox.list(Some(State::Quarantined)).map_err(outbox_err)?;
        Ok(rows
            .into_iter()
            .map(|r| QuarantinedRecord {
                receipt_no: r.receipt_no,
                masked_name: r.summary.masked_name,
                scheme: r.summary.scheme,
                amount: r.summary.amount,
                reason: r.quarantine_reason.unwrap_or_default(),
            })
            .collect())
    }
    fn release(&mut self, receipt_no: i64, now: Timestamp) -> Result<(), StoreError> {
        self.outbox.release(receipt_no, now).map_err(outbox_err)
    }
    fn shift_totals(&self, since: Timestamp) -> Result<ShiftTotals, StoreError> {
        let mut t = ShiftTotals::default();
        for j in self.outbox.journal(since).map_err(outbox_err)? {
            if j.kind == "void" {
                t.voids += 1;
                t.voided += j.amount;
                if let Some(r) = t.list.iter_mut().find(|r| r.receipt_no == j.receipt_no) {
                    r.voided = true;
                }
            } else {
                t.list.push(ShiftReceipt {
                    receipt_no: j.receipt_no,
                    masked_name: j.summary.masked_name.clone(),
                    scheme: j.summary.scheme.clone(),
                    amount: j.amount,
                    voided: false,
                });
                t.receipts += 1;
                t.collected += j.amount;
                let e = t.by_scheme.entry(j.summary.scheme.clone()).or_default();
                e.0 += 1;
                e.1 += j.amount;
            }
        }
        t.list.reverse();
        Ok(t)
    }
    fn renewals_due(&self) -> Result<Renewals, StoreError> {
        let list = ansinh_uploader::cached_renewals(&self.dir).map_err(|e| StoreError {
            retryable: e.is_retryable(),
            message: e.to_string(),
            earlier: vec![],
        })?;
        Ok(list.map_or_else(Renewals::default, |l| Renewals {
            fetched_at: Some(l.fetched_at),
            due: l
                .due
                .into_iter()
                .map(|d| RenewalDue {
                    masked_name: d.masked_name,
                    scheme: d.scheme,
                    paid_until: d.paid_until,
                    phone: d.phone,
                })
                .collect(),
        }))
    }
    fn receipt_picture(
        &self,
        receipt_no: i64,
        copy: bool,
        width: ansinh_receipt::Width,
    ) -> Result<ansinh_receipt::Bitmap, StoreError> {
        ansinh_device::receipt::draw_receipt(&self.dir, &self.outbox, receipt_no, copy, width)
            .map(|(picture, _)| picture)
            .map_err(|e| StoreError {
                retryable: e.is_retryable(),
                message: e.to_string(),
                earlier: vec![],
            })
    }
    fn shift_start(&self) -> Option<Timestamp> {
        self.outbox.setting(KEY_SHIFT).ok().flatten().and_then(|v| v.parse().ok())
    }
    fn start_shift(&mut self, at: Timestamp) -> Result<(), StoreError> {
        self.outbox.set_setting(KEY_SHIFT, &at.to_string()).map_err(outbox_err)
    }
    fn sync_now(&self) -> bool {
        self.delivery.as_ref().is_some_and(|d| {
            d.wake();
            true
        })
    }
    fn settings(&self) -> Settings {
        Settings {
            collection_point: self.get(KEY_POINT, &self.defaults.collection_point),
            agent_code: self.get(KEY_AGENT, &self.defaults.agent_code),
            server_url: self.get(KEY_SERVER, &self.defaults.server_url),
            staff_pin_hash: self.get(KEY_PIN, &self.defaults.staff_pin_hash),
        }
    }
    fn save_settings(&mut self, s: &Settings) -> Result<(), StoreError> {
        for (k, v) in [
            (KEY_POINT, &s.collection_point),
            (KEY_AGENT, &s.agent_code),
            (KEY_SERVER, &s.server_url),
            (KEY_PIN, &s.staff_pin_hash),
        ] {
            self.outbox.set_setting(k, v).map_err(outbox_err)?;
        }
        Ok(())
    }
}
