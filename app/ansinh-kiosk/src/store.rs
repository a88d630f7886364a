//! The seams to the device: where a submitted enrollment is committed, and what staff screens
//! read. Two implementations: [`MemoryStore`] (tests, screenshots) and [`DeviceStore`] (the
//! device's data directory: the durable, sealed outbox of `ansinh-device`).

use std::collections::BTreeMap;

use ansinh_core::{Date, Dong, PolicyTable};
use ansinh_device::DataDir;
use ansinh_device::enroll::{CollectionPoint, amounts, commit, mask_name};
use ansinh_enrollment::Enrollment;
use ansinh_outbox::{Outbox, State};

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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError {
    /// Retrying may help (busy, disk full); otherwise a person must act.
    pub retryable: bool,
    /// What happened (never personal data).
    pub message: String,
}

impl StoreError {
    fn permanent(e: impl std::fmt::Display) -> Self {
        Self { retryable: false, message: e.to_string() }
    }
}

/// Where the wizard's submit commits an enrollment.
pub trait EnrollmentStore {
    /// Prices and commits a validated enrollment; returns once it is durable.
    fn submit(
        &mut self,
        enrollment: &Enrollment,
        table: &PolicyTable<'_>,
        today: Date,
        now: Timestamp,
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
    /// Participants due to renew.
    fn renewals_due(&self, today: Date) -> Result<Vec<RenewalDue>, StoreError>;
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
}

/// An in-memory store: prices enrollments exactly as the device does, keeps them in a list.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    /// Records, in receipt order.
    pub records: Vec<MemoryRecord>,
    /// Renewals to show.
    pub renewals: Vec<RenewalDue>,
    /// Settings.
    pub settings: Settings,
    /// Makes the next submit fail with this error (tests).
    pub fail_next: Option<StoreError>,
}

impl EnrollmentStore for MemoryStore {
    fn submit(
        &mut self,
        enrollment: &Enrollment,
        table: &PolicyTable<'_>,
        today: Date,
        now: Timestamp,
    ) -> Result<Committed, StoreError> {
        if let Some(e) = self.fail_next.take() {
            return Err(e);
        }
        let a = amounts(enrollment, table, today).map_err(StoreError::permanent)?;
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
            last_acknowledged_at: None,
            development_key: true,
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
        }
        Ok(t)
    }
    fn renewals_due(&self, _today: Date) -> Result<Vec<RenewalDue>, StoreError> {
        Ok(self.renewals.clone())
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

/// The device: the data directory's outbox (SQLite, WAL, synchronous=FULL, sealed records).
pub struct DeviceStore {
    dir: DataDir,
    outbox: Outbox,
    development_key: bool,
    defaults: Settings,
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
        })
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
    StoreError { retryable: e.is_retryable(), message: e.to_string() }
}

impl EnrollmentStore for DeviceStore {
    fn submit(
        &mut self,
        enrollment: &Enrollment,
        table: &PolicyTable<'_>,
        today: Date,
        now: Timestamp,
    ) -> Result<Committed, StoreError> {
        let s = self.settings();
        let point = CollectionPoint {
            device_id: self.dir.registration().ok().flatten().map_or(0, |r| r.device_id),
            name: s.collection_point,
            agent_code: s.agent_code,
        };
        let (c, a) = commit(&mut self.outbox, enrollment, table, today, now, &point, None)
            .map_err(|e| StoreError { retryable: e.is_retryable(), message: e.to_string() })?;
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
        Ok(QueueStatus {
            queued: s.queued,
            sending: s.sending,
            acknowledged: s.acknowledged,
            quarantined: s.quarantined,
            voided: s.voided,
            oldest_unsent_age: s.oldest_unsent_age,
            last_acknowledged_at: s.last_acknowledged_at,
            development_key: self.development_key,
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
            } else {
                t.receipts += 1;
                t.collected += j.amount;
                let e = t.by_scheme.entry(j.summary.scheme.clone()).or_default();
                e.0 += 1;
                e.1 += j.amount;
            }
        }
        Ok(t)
    }
    fn renewals_due(&self, _today: Date) -> Result<Vec<RenewalDue>, StoreError> {
        // The renewal list comes from the collection server (ansinh-uploader keeps the last one
        // downloaded as DIR/renewals.json); read it when it is there.
        let path = self.dir.root().join("renewals.json");
        let Ok(text) = std::fs::read_to_string(&path) else { return Ok(Vec::new()) };
        let v: serde_json::Value = serde_json::from_str(&text).map_err(StoreError::permanent)?;
        let due = v.get("due").and_then(|d| d.as_array()).cloned().unwrap_or_default();
        Ok(due
            .iter()
            .map(|d| {
                let s = |k: &str| d.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
                RenewalDue {
                    masked_name: s("masked_name"),
                    scheme: s("scheme"),
                    paid_until: s("paid_until"),
                    phone: d.get("phone").and_then(|x| x.as_str()).map(str::to_string),
                }
            })
            .collect())
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
