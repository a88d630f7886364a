//! The device's store: the data directory's sealed outbox, its settings and the delivery
//! worker's status.

use super::*;

/// Setting keys in the outbox's settings table.
const KEY_POINT: &str = "kiosk.collection_point";
const KEY_AGENT: &str = "kiosk.agent_code";
const KEY_SERVER: &str = "kiosk.server_url";
const KEY_PIN: &str = "kiosk.staff_pin_hash";
const KEY_ETHNICITY: &str = "kiosk.usual_ethnicity";
const KEY_SHIFT: &str = "kiosk.shift_start";
/// The agent whose shift is on: the records committed carry their code.
const KEY_SHIFT_AGENT: &str = "kiosk.shift_agent";

/// Where an agent's shift start is kept (`""`: the device's one shift in development mode).
fn shift_key(agent: &str) -> String {
    if agent.is_empty() { KEY_SHIFT.to_string() } else { format!("{KEY_SHIFT}.{agent}") }
}

/// The device: the data directory's outbox (SQLite, WAL, synchronous=FULL, sealed records).
pub struct DeviceStore {
    dir: DataDir,
    outbox: Outbox,
    development_key: bool,
    defaults: Settings,
    policy: RetryPolicy,
    delivery: Option<Arc<Control>>,
    registration_problem: Option<RegistrationProblem>,
    last_sent: Option<LastSent>,
}

impl DeviceStore {
    /// Opens (creating) the data directory and its outbox; `defaults` are the configuration's
    /// settings, used until staff change them on the device.
    pub fn open(dir: DataDir, defaults: Settings) -> anyhow::Result<Self> {
        let (outbox, source) = dir.outbox()?;
        Ok(Self {
            dir,
            outbox,
            development_key: source == ansinh_device::KeySource::Development,
            defaults,
            policy: RetryPolicy::default(),
            delivery: None,
            registration_problem: None,
            last_sent: None,
        })
    }

    /// Connects the delivery worker: commits wake it, staff read its registration problem,
    /// and the sync alarm uses its policy.
    pub fn with_delivery(mut self, delivery: &Delivery, policy: RetryPolicy) -> Self {
        self.delivery = Some(delivery.control());
        self.registration_problem = Some(delivery.problem());
        self.last_sent = Some(delivery.last_sent());
        self.policy = policy;
        self
    }

    /// Reopens the outbox when the sealing key changed under it (the delivery worker
    /// registered the device, so new records must be sealed to the server's key).
    fn follow_sealing_key(&mut self) -> Result<(), StoreError> {
        let (key, source) = self.dir.sealing_key().map_err(outbox_err)?;
        if &key != self.outbox.sealing_key() {
            let (mut outbox, source) = self.dir.outbox().map_err(outbox_err)?;
            outbox.act_as(self.outbox.actor());
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
        self.follow_sealing_key()?;
        let s = self.settings();
        let shift_agent = self.outbox.setting(KEY_SHIFT_AGENT).ok().flatten().unwrap_or_default();
        let agent_code = if shift_agent.is_empty() { s.agent_code } else { shift_agent };
        let point = CollectionPoint {
            device_id: self.dir.registration().ok().flatten().map_or(0, |r| r.device_id),
            name: s.collection_point,
            agent_code: agent_code.clone(),
        };
        let pseudonyms = self.dir.pseudonym_key().map_err(outbox_err)?;
        let options = CommitOptions { duplicates, ..CommitOptions::new(&pseudonyms) };
        // The enqueue's audit entry names the agent collecting, logged in or not.
        let acting = self.outbox.actor().to_string();
        self.outbox.act_as(&agent_code);
        let committed = commit(&mut self.outbox, enrollment, table, today, now, &point, &options);
        self.outbox.act_as(&acting);
        let (c, a) = committed.map_err(StoreError::of)?;
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

    fn server_key_provisioned(&self) -> bool {
        self.dir.is_provisioned()
    }

    fn active_policy(&self) -> ansinh_device::policy::ActivePolicy {
        self.dir.active_policy()
    }

    fn hub_policy(&self) -> Option<ansinh_device::policy::HubPolicy> {
        self.dir.hub_policy().ok().flatten()
    }

    fn time_evidence(&self) -> Result<TimeEvidence, StoreError> {
        self.outbox.time_evidence().map_err(outbox_err)
    }

    fn confirm_clock(
        &mut self,
        agent: &str,
        now: Timestamp,
        reference: Option<&TimeReference>,
    ) -> Result<(), StoreError> {
        let acting = self.outbox.actor().to_string();
        self.outbox.act_as(agent);
        let confirmed = self.outbox.confirm_time(now, reference);
        self.outbox.act_as(&acting);
        confirmed.map(|_| ()).map_err(outbox_err)
    }

    fn note_printer(&mut self, state: ansinh_wire::health::PrinterState) -> Result<(), StoreError> {
        ansinh_device::health::note_printer(&mut self.outbox, state).map_err(outbox_err)
    }
}

impl StaffData for DeviceStore {
    fn queue(&self, now: Timestamp) -> Result<QueueStatus, StoreError> {
        let stats = self.outbox.stats(now).map_err(outbox_err)?;
        let mut sync =
            ansinh_uploader::status_of(&self.outbox, now, &self.policy).map_err(|e| {
                StoreError { retryable: e.is_retryable(), message: e.to_string(), earlier: vec![] }
            })?;
        let registration = self.dir.registration().map_err(outbox_err)?;
        let problem = self
            .registration_problem
            .as_ref()
            .and_then(|p| p.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone());
        sync.last_error = problem.or(sync.last_error);
        Ok(QueueStatus {
            stats,
            sync,
            development_key: self.development_key,
            server: registration.map(|r| r.server_url),
            alarm_after_days: self.policy.alarm_after_days,
            last_sent: self
                .last_sent
                .as_ref()
                .and_then(|s| *s.lock().unwrap_or_else(std::sync::PoisonError::into_inner)),
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
    fn shift_report(
        &self,
        agent: &str,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<ShiftReport, StoreError> {
        ShiftReport::of_agent(&self.outbox, agent, from, until).map_err(|e| StoreError {
            retryable: e.is_retryable(),
            message: e.to_string(),
            earlier: vec![],
        })
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
    fn shift_start(&self, agent: &str) -> Option<Timestamp> {
        self.outbox.setting(&shift_key(agent)).ok().flatten().and_then(|v| v.parse().ok())
    }
    fn start_shift(&mut self, agent: &str, at: Timestamp) -> Result<(), StoreError> {
        self.outbox.set_setting(&shift_key(agent), &at.to_string()).map_err(outbox_err)?;
        self.outbox.record_action("shift_started", None, "", at).map(drop).map_err(outbox_err)
    }
    fn set_shift_agent(&mut self, agent: &str) -> Result<(), StoreError> {
        self.outbox.set_setting(KEY_SHIFT_AGENT, agent).map_err(outbox_err)
    }
    fn development_device(&self) -> bool {
        // The staff controller asks this only in the demonstration (`--demo`). The key is read
        // again: the delivery worker may have registered the device since.
        let development_key = self
            .dir
            .sealing_key()
            .map_or(self.development_key, |(_, s)| s == ansinh_device::KeySource::Development);
        development_key && self.outbox.accounts().is_ok_and(|a| a.is_empty())
    }
    fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.outbox.accounts().map_err(outbox_err)
    }
    fn add_account(
        &mut self,
        code: &str,
        name: &str,
        role: Role,
        pin_hash: Option<&str>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.outbox.add_account(code, name, role, pin_hash, now).map_err(outbox_err)
    }
    fn set_pin_hash(
        &mut self,
        code: &str,
        pin_hash: &str,
        must_change: bool,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.outbox.set_pin_hash(code, pin_hash, must_change, now).map_err(outbox_err)
    }
    fn record_login_attempt(
        &mut self,
        code: &str,
        lock: LockState,
        event: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let detail = lock.locked_until.map(|u| format!("locked until {u}")).unwrap_or_default();
        self.outbox.record_login_attempt(code, lock, event, &detail, now).map_err(outbox_err)
    }
    fn act_as(&mut self, code: &str) {
        self.outbox.act_as(code);
    }
    fn record_action(
        &mut self,
        event: &str,
        receipt_no: Option<i64>,
        detail: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.outbox.record_action(event, receipt_no, detail, now).map(drop).map_err(outbox_err)
    }
    fn sync_now(&self) -> SyncRequest {
        let Some(d) = &self.delivery else { return SyncRequest::NoDelivery };
        // Woken even unregistered: a worker retrying its registration tries again now.
        d.sync_now();
        if matches!(self.dir.registration(), Ok(Some(_))) {
            return SyncRequest::Started;
        }
        let problem = self
            .registration_problem
            .as_ref()
            .and_then(|p| p.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone());
        SyncRequest::NotRegistered(problem)
    }
    fn settings(&self) -> Settings {
        Settings {
            collection_point: self.get(KEY_POINT, &self.defaults.collection_point),
            agent_code: self.get(KEY_AGENT, &self.defaults.agent_code),
            server_url: self.get(KEY_SERVER, &self.defaults.server_url),
            staff_pin_hash: self.get(KEY_PIN, &self.defaults.staff_pin_hash),
            usual_ethnicity: self.get(KEY_ETHNICITY, &self.defaults.usual_ethnicity),
        }
    }
    fn save_settings(&mut self, s: &Settings) -> Result<(), StoreError> {
        for (k, v) in [
            (KEY_POINT, &s.collection_point),
            (KEY_AGENT, &s.agent_code),
            (KEY_SERVER, &s.server_url),
            (KEY_PIN, &s.staff_pin_hash),
            (KEY_ETHNICITY, &s.usual_ethnicity),
        ] {
            self.outbox.set_setting(k, v).map_err(outbox_err)?;
        }
        Ok(())
    }
}
