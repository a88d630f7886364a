//! The in-memory store: tests and screenshots, with the same double-payment check as the
//! device.

use super::*;

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
    /// What the outbox would keep in clear (`ansinh_device::enroll::summary`).
    pub summary: Summary,
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
    /// The delivery fields of [`StaffData::queue`] (server, last sync, last error, last
    /// acknowledgement, alarm period); the counts and the alarm are computed from `records`.
    pub delivery: QueueStatus,
    /// How many times staff asked to sync now.
    pub sync_requests: std::cell::Cell<u32>,
    /// The device is not registered with a collection server (tests of "sync now").
    pub unregistered: bool,
    /// No server key is provisioned (tests of the enrollment gate; default: provisioned).
    pub no_server_key: bool,
    /// Each agent's shift start (`""`: development mode's one shift).
    pub shift_starts: std::collections::BTreeMap<String, Timestamp>,
    /// The agent whose shift is on (empty: the settings' agent code).
    pub shift_agent: String,
    /// Staff accounts.
    pub accounts: Vec<Account>,
    /// The agent acting.
    pub actor: String,
    /// The audit trail: agent, event, receipt, detail.
    pub trail: Vec<(String, String, Option<i64>, String)>,
    /// What the device keeps of the time, as the outbox does: raised by each commit, set by
    /// a clerk's confirmation.
    pub time: TimeEvidence,
    /// The printer's state as the kiosk last noted it.
    pub printer: Option<ansinh_wire::health::PrinterState>,
}

impl MemoryStore {
    fn account_mut(&mut self, code: &str) -> Result<&mut Account, StoreError> {
        self.accounts
            .iter_mut()
            .find(|a| a.code == code)
            .ok_or_else(|| StoreError::permanent(format!("no account {code}")))
    }

    fn audit(&mut self, agent: &str, event: &str, receipt_no: Option<i64>, detail: &str) {
        self.trail.push((agent.into(), event.into(), receipt_no, detail.into()));
    }
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
        let committed = Committed {
            record_id,
            receipt_no,
            amount: a.amount,
            policy_version: a.policy_version.clone(),
        };
        let point = CollectionPoint {
            device_id: 0,
            name: self.settings.collection_point.clone(),
            agent_code: if self.shift_agent.is_empty() {
                self.settings.agent_code.clone()
            } else {
                self.shift_agent.clone()
            },
        };
        self.time.trusted = Some(self.time.trusted.map_or(now, |t| t.max(now)));
        self.records.push(MemoryRecord {
            enrollment: enrollment.clone(),
            committed: committed.clone(),
            state: State::Queued,
            at: now,
            summary: summary(enrollment, &a, &point),
            reason: String::new(),
            paid,
        });
        Ok(committed)
    }

    fn server_key_provisioned(&self) -> bool {
        !self.no_server_key
    }

    fn time_evidence(&self) -> Result<TimeEvidence, StoreError> {
        Ok(self.time.clone())
    }

    fn confirm_clock(
        &mut self,
        agent: &str,
        now: Timestamp,
        reference: Option<&TimeReference>,
    ) -> Result<(), StoreError> {
        self.time = TimeEvidence { trusted: Some(now), reference: reference.cloned() };
        self.audit(agent, "clock_confirmed", None, &now.to_string());
        Ok(())
    }

    fn note_printer(&mut self, state: ansinh_wire::health::PrinterState) -> Result<(), StoreError> {
        self.printer = Some(state);
        Ok(())
    }
}

impl StaffData for MemoryStore {
    fn queue(&self, now: Timestamp) -> Result<QueueStatus, StoreError> {
        let count = |s: State| self.records.iter().filter(|r| r.state == s).count() as i64;
        let unsent = |r: &&MemoryRecord| {
            matches!(r.state, State::Queued | State::Sending | State::Quarantined)
        };
        let stats = Stats {
            queued: count(State::Queued),
            sending: count(State::Sending),
            acknowledged: count(State::Acknowledged),
            quarantined: count(State::Quarantined),
            voided: count(State::Voided),
            oldest_unsent_age: self.records.iter().filter(unsent).map(|r| now - r.at).max(),
            last_acknowledged_at: self.delivery.stats.last_acknowledged_at,
            next_attempt_at: self.delivery.stats.next_attempt_at,
        };
        let d = &self.delivery;
        let policy = RetryPolicy { alarm_after_days: d.alarm_after_days, ..RetryPolicy::default() };
        let sync = SyncStatus::from_stats(
            &stats,
            d.sync.last_sync,
            d.sync.last_error.clone(),
            d.sync.blocked.clone(),
            now,
            &policy,
        );
        Ok(QueueStatus { stats, sync, ..d.clone() })
    }
    fn quarantined(&self) -> Result<Vec<QuarantinedRecord>, StoreError> {
        Ok(self
            .records
            .iter()
            .filter(|r| r.state == State::Quarantined)
            .map(|r| QuarantinedRecord {
                receipt_no: r.committed.receipt_no,
                masked_name: r.summary.masked_name.clone(),
                scheme: r.summary.scheme.clone(),
                amount: r.committed.amount,
                reason: r.reason.clone(),
            })
            .collect())
    }
    fn release(&mut self, receipt_no: i64, _now: Timestamp) -> Result<(), StoreError> {
        match self.records.iter_mut().find(|r| r.committed.receipt_no == receipt_no) {
            Some(r) if r.state == State::Quarantined => {
                r.state = State::Queued;
                let actor = self.actor.clone();
                self.audit(&actor, "released_from_quarantine", Some(receipt_no), "");
                Ok(())
            }
            _ => Err(StoreError::permanent(format!("receipt {receipt_no} is not quarantined"))),
        }
    }
    fn shift_report(
        &self,
        agent: &str,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<ShiftReport, StoreError> {
        let mine = |r: &&MemoryRecord| agent.is_empty() || r.summary.agent_code == agent;
        // This store's cash journal: each record's collect line and, once voided, its void
        // line (at the commit time: this store does not keep when it was voided).
        let line = |r: &MemoryRecord, kind: &str| JournalEntry {
            receipt_no: r.committed.receipt_no,
            kind: kind.into(),
            amount: r.committed.amount,
            reason: None,
            at: r.at,
            summary: r.summary.clone(),
        };
        let mut lines = Vec::new();
        for r in self.records.iter().filter(mine) {
            lines.push(line(r, "collect"));
            if r.state == State::Voided {
                lines.push(line(r, "void"));
            }
        }
        let records: Vec<RecordState> = self
            .records
            .iter()
            .filter(mine)
            .map(|r| RecordState {
                receipt_no: r.committed.receipt_no,
                created_at: r.at,
                state: r.state,
            })
            .collect();
        let unsent = self.queue(until)?.stats.unsent().unsigned_abs();
        let mut report = ShiftReport::from_journal(from, until, lines, &records, unsent)
            .map_err(StoreError::permanent)?;
        report.agent_code = agent.to_string();
        Ok(report)
    }
    fn renewals_due(&self) -> Result<Renewals, StoreError> {
        Ok(self.renewals.clone())
    }
    fn sync_now(&self) -> SyncRequest {
        self.sync_requests.set(self.sync_requests.get() + 1);
        if self.unregistered { SyncRequest::NotRegistered(None) } else { SyncRequest::Started }
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
        let fields = ansinh_wire::receipt_qr::Fields {
            record_id: r.committed.record_id,
            receipt_no: receipt_no.unsigned_abs(),
            amount: r.committed.amount,
            device_id: 0,
        };
        // The in-memory store has no device keys: a fixed key, for screens and tests only.
        let qr = ansinh_wire::receipt_qr::payload(&fields, &[0x42; 32])
            .map_err(StoreError::permanent)?;
        let time = ansinh_device::receipt::printed_time(r.at);
        let receipt = ansinh_receipt::Receipt {
            collection_point: &self.settings.collection_point,
            agent_code: &r.summary.agent_code,
            date_time: &time,
            receipt_no: fields.receipt_no,
            masked_name: &r.summary.masked_name,
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
    fn shift_start(&self, agent: &str) -> Option<Timestamp> {
        self.shift_starts.get(agent).copied()
    }
    fn start_shift(&mut self, agent: &str, at: Timestamp) -> Result<(), StoreError> {
        self.shift_starts.insert(agent.to_string(), at);
        let actor = self.actor.clone();
        self.audit(&actor, "shift_started", None, "");
        Ok(())
    }
    fn set_shift_agent(&mut self, agent: &str) -> Result<(), StoreError> {
        self.shift_agent = agent.to_string();
        Ok(())
    }
    fn development_device(&self) -> bool {
        self.no_server_key && self.accounts.is_empty()
    }
    fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let mut accounts = self.accounts.clone();
        accounts.sort_by(|a, b| (&a.name, &a.code).cmp(&(&b.name, &b.code)));
        Ok(accounts)
    }
    fn add_account(
        &mut self,
        code: &str,
        name: &str,
        role: Role,
        pin_hash: Option<&str>,
        _now: Timestamp,
    ) -> Result<(), StoreError> {
        let (code, name) = (code.trim(), name.trim());
        if code.is_empty() || name.is_empty() {
            return Err(StoreError::permanent("an account needs a code and a name"));
        }
        if self.accounts.iter().any(|a| a.code == code) {
            return Err(StoreError::permanent(ansinh_outbox::Error::AccountExists(code.into())));
        }
        self.accounts.push(Account {
            code: code.into(),
            name: name.into(),
            role,
            pin_hash: pin_hash.map(Into::into),
            must_change: false,
            from_hub: false,
            lock: LockState::default(),
        });
        let actor = self.actor.clone();
        self.audit(&actor, "account_added", None, &format!("{code} {}", role.as_str()));
        Ok(())
    }
    fn set_pin_hash(
        &mut self,
        code: &str,
        pin_hash: &str,
        must_change: bool,
        _now: Timestamp,
    ) -> Result<(), StoreError> {
        let a = self.account_mut(code)?;
        a.pin_hash = Some(pin_hash.into());
        a.must_change = must_change;
        a.lock = LockState::default();
        let actor = self.actor.clone();
        let event = if actor == code { "pin_changed" } else { "pin_reset" };
        self.audit(&actor, event, None, code);
        Ok(())
    }
    fn record_login_attempt(
        &mut self,
        code: &str,
        lock: LockState,
        event: &str,
        _now: Timestamp,
    ) -> Result<(), StoreError> {
        self.account_mut(code)?.lock = lock;
        self.audit(code, event, None, "");
        Ok(())
    }
    fn act_as(&mut self, code: &str) {
        self.actor = code.to_string();
    }
    fn record_action(
        &mut self,
        event: &str,
        receipt_no: Option<i64>,
        detail: &str,
        _now: Timestamp,
    ) -> Result<(), StoreError> {
        let actor = self.actor.clone();
        self.audit(&actor, event, receipt_no, detail);
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
