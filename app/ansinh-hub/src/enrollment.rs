//! The real record rules: `ansinh-enrollment` envelopes, validated again with the same rules
//! as on the device, priced with the same policy table (`ansinh-core`).
//!
//! - Validation runs on the collection day (the record's own time, in Vietnam), not on the
//!   day it arrives: a record collected on the last day of a month and carried in on a USB
//!   stick a week later is judged by the rules of the day it was taken.
//! - The record is validated and re-priced with exactly the policy table it names (the current
//!   built-in table, an earlier one compiled in, `ansinh_core::known_table`, or one published
//!   on this hub, [`RecordRules::add_policy_table`]), through the same
//!   `ansinh_enrollment::price::price` the device charged with; the amount collected must equal
//!   it. A table version the hub does not hold is refused, never waved through.
//! - Rejection codes: `does_not_decode`, `invalid:<field>:<code>` with the validator's field
//!   path and code, `invalid:collection.policy_version:unknown`.

use ansinh_core::bhyt::household;
use ansinh_core::quote::{Quote, quote};
use ansinh_core::{Date, Dong, Month, PolicyTable};
use ansinh_enrollment::envelope;
use ansinh_enrollment::json::EnrollmentJson;
use ansinh_enrollment::price::{enrollment_request, price};
use ansinh_enrollment::record::{Enrollment, Record, purpose};
use ansinh_wire::{RecordId, RenewalDue};

use crate::civil::Day;
use crate::rules::{Checked, ListRow, Participant, Period, RecordRules};

/// Rules over `ansinh-enrollment` records and every policy table this program holds.
pub struct EnrollmentRules {
    /// The current built-in table first, then the earlier compiled-in ones, then the tables
    /// published on this hub (added while it runs).
    tables: std::sync::RwLock<Vec<PolicyTable<'static>>>,
}

impl EnrollmentRules {
    fn tables(&self) -> std::sync::RwLockReadGuard<'_, Vec<PolicyTable<'static>>> {
        self.tables.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl std::fmt::Debug for EnrollmentRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let versions: Vec<&str> = self.tables().iter().map(|t| t.version).collect();
        f.debug_struct("EnrollmentRules").field("policies", &versions).finish()
    }
}

impl Default for EnrollmentRules {
    fn default() -> Self {
        Self::new()
    }
}

/// `NGUYỄN THỊ HỒNG NHUNG` → `NGUYỄN T** H*** N****` (the device's masking, so staff see
/// the same text on both sides).
pub(crate) fn mask_name(name: &str) -> String {
    let mut out = String::new();
    for (i, word) in name.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let mut chars = word.chars();
        if i == 0 {
            out.push_str(word);
        } else if let Some(first) = chars.next() {
            out.push(first);
            out.extend(chars.map(|_| '*'));
        }
    }
    out
}

fn collection_day(at: i64) -> Option<Date> {
    Date::in_vietnam(at).ok()
}

fn month_text(m: Month) -> String {
    format!("{:04}-{:02}", m.year(), m.number())
}

fn month_vn(m: Month) -> String {
    format!("{:02}/{:04}", m.number(), m.year())
}

/// The last month paid: the first month plus the months paid, less one.
fn until(start: Month, months: u32) -> String {
    start.plus(months.saturating_sub(1)).map_or_else(|| month_text(start), month_text)
}

fn pct(bp: u32) -> String {
    if bp.is_multiple_of(100) {
        (bp / 100).to_string()
    } else {
        format!("{},{:02}", bp / 100, bp % 100)
    }
}

/// The payment mode's number in Law 41/2024 Art 36(2) (policy.md §4.1).
fn mode_number(mode: ansinh_enrollment::record::PaymentMode) -> &'static str {
    use ansinh_enrollment::record::PaymentMode;
    match mode {
        PaymentMode::Periodic(1) => "1",
        PaymentMode::Periodic(3) => "2",
        PaymentMode::Periodic(6) => "3",
        PaymentMode::Periodic(12) => "4",
        // No other period is in the law; a table allowing one has no number for it.
        PaymentMode::Periodic(_) => "",
        PaymentMode::Advance(_) => "5",
        PaymentMode::BackpayUnchecked(_) | PaymentMode::Backpay { .. } => "6",
    }
}

fn address(a: &ansinh_enrollment::record::Address) -> String {
    let commune = ansinh_geo::commune(&a.commune_code).map_or(a.commune_code.as_str(), |c| c.name);
    let province =
        ansinh_geo::province(&a.province_code).map_or(a.province_code.as_str(), |p| p.name);
    format!("{}, {}, {}", a.line, commune, province)
}

impl EnrollmentRules {
    /// Rules with the policy tables compiled into this program.
    pub fn new() -> Self {
        let mut tables = vec![ansinh_core::default_table()];
        tables.extend(
            ansinh_core::HISTORY_TABLE_BYTES.iter().filter_map(|b| PolicyTable::from_bytes(b).ok()),
        );
        Self { tables: std::sync::RwLock::new(tables) }
    }

    fn decode(plaintext: &[u8]) -> Result<Record, String> {
        envelope::decode(plaintext).map_err(|_| "does_not_decode".to_string())
    }

    /// The table a record names, the one it was priced with, among `tables` (read from
    /// [`EnrollmentRules::tables`] and held while the record is read: copying a table for
    /// each record was 40 % of reading a list row).
    fn table_for<'t>(
        tables: &'t [PolicyTable<'static>],
        version: &str,
    ) -> Result<&'t PolicyTable<'static>, String> {
        tables
            .iter()
            .find(|t| t.version == version)
            .ok_or_else(|| "invalid:collection.policy_version:unknown".to_string())
    }

    /// The voluntary quote behind a record, with its table, for the list columns (support
    /// shares) — the same request the price is made from.
    fn voluntary_quote(
        table: &PolicyTable<'static>,
        v: &ansinh_enrollment::record::VoluntaryEnrollment,
        today: Date,
    ) -> Result<Quote<'static>, ansinh_core::Error> {
        quote(table, &enrollment_request(v, today))
    }

    /// Each member's premium for the household, in order.
    fn household_premiums(
        table: &PolicyTable<'static>,
        h: &ansinh_enrollment::record::HouseholdEnrollment,
        today: Date,
    ) -> Result<Vec<(Dong, u32)>, ansinh_core::Error> {
        let n = u16::try_from(h.members.len()).unwrap_or(u16::MAX);
        let rates = household(table, today, n, 12)?;
        Ok(h.members
            .iter()
            .zip(rates.members.iter())
            .map(|(m, r)| (r.monthly * Dong::from(m.months), r.share_bp))
            .collect())
    }
}

impl RecordRules for EnrollmentRules {
    fn add_policy_table(&self, compiled: &[u8]) -> Result<bool, String> {
        let probe = PolicyTable::from_bytes(compiled).map_err(|e| e.to_string())?;
        if self.tables().iter().any(|t| t.version == probe.version) {
            return Ok(false);
        }
        // A published table lives as long as the hub: its bytes are leaked once, so that it
        // is a `PolicyTable<'static>` like the compiled-in ones (a few a year, tens of kB).
        let bytes: &'static [u8] = Box::leak(compiled.to_vec().into_boxed_slice());
        let table = PolicyTable::from_bytes(bytes).map_err(|e| e.to_string())?;
        let mut tables = self.tables.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if tables.iter().any(|t| t.version == table.version) {
            return Ok(false);
        }
        tables.push(table);
        Ok(true)
    }

    fn check(&self, record_id: &RecordId, plaintext: &[u8]) -> Result<Checked, String> {
        let record = Self::decode(plaintext)?;
        let c = &record.collection;
        if &c.record_id != record_id {
            return Err("invalid:collection.record_id:mismatch".into());
        }
        let today = collection_day(c.at).ok_or("invalid:collection.at:bad_date")?;
        let tables = self.tables();
        let table = Self::table_for(&tables, c.policy_version.as_str())?;
        let again = EnrollmentJson::from_enrollment(&record.enrollment).validate(table, today);
        if let Err(problems) = again {
            let first = problems.iter().next();
            return Err(first.map_or_else(
                || "invalid:record:invalid".to_string(),
                |p| format!("invalid:{}:{}", p.field, p.code.as_str()),
            ));
        }
        let priced = price(&record.enrollment, table, today).map_err(|e| {
            let field = match record.enrollment {
                Enrollment::Voluntary(_) => "choices.mode",
                Enrollment::Household(_) => "household.members",
            };
            format!("invalid:{field}:{}", e.code())
        })?;
        if priced.amount != c.amount {
            return Err("invalid:collection.amount:mismatch".into());
        }
        let (commune_code, periods) = match &record.enrollment {
            Enrollment::Voluntary(v) => {
                let start = v.choices.start_month;
                let period = Period {
                    personal_id: v.person.personal_id.to_string(),
                    from: month_text(start),
                    until: until(start, priced.months),
                };
                (v.person.address.commune_code.to_string(), vec![period])
            }
            Enrollment::Household(h) => {
                let periods = h
                    .members
                    .iter()
                    .map(|m| Period {
                        personal_id: m.personal_id.to_string(),
                        from: month_text(h.start_month),
                        until: until(h.start_month, u32::from(m.months)),
                    })
                    .collect();
                (h.head.address.commune_code.to_string(), periods)
            }
        };
        Ok(Checked {
            device_id: c.device_id,
            scheme: record.enrollment.scheme().to_string(),
            commune_code,
            agent_code: c.agent_code.to_string(),
            collected_at: c.at,
            amount: c.amount,
            receipt_no: u64::from(c.receipt_no),
            periods,
        })
    }

    fn list_rows(&self, plaintext: &[u8]) -> Result<Vec<ListRow>, String> {
        let record = Self::decode(plaintext)?;
        let c = &record.collection;
        let today = collection_day(c.at).ok_or("invalid:collection.at:bad_date")?;
        let tables = self.tables();
        let table = Self::table_for(&tables, c.policy_version.as_str())?;
        let receipt_date = Day::of(c.at).vn();
        match &record.enrollment {
            Enrollment::Voluntary(v) => {
                let q = Self::voluntary_quote(table, v, today).map_err(|e| e.code().to_string())?;
                let p = &v.person;
                let mut notes = vec![v.choices.group.name_vi().to_string()];
                if let Some(g) = ansinh_geo::ethnic_group(&p.ethnicity) {
                    notes.push(format!("dân tộc {}", g.name));
                }
                notes.push(format!("sinh {}", ansinh_enrollment::json::birth_text(p.birth_date)));
                if let Some(phone) = &p.phone {
                    notes.push(format!("ĐT {phone}"));
                }
                if c.corrects.is_some() {
                    notes.push("điều chỉnh".into());
                }
                Ok(vec![ListRow {
                    full_name: p.full_name.to_string(),
                    si_code: p.legacy_si_code.as_ref().map(|s| s.to_string()).unwrap_or_default(),
                    personal_id: p.personal_id.to_string(),
                    birth_date: ansinh_enrollment::json::birth_text(p.birth_date),
                    address: address(&p.address),
                    province_code: p.address.province_code.to_string(),
                    commune_code: p.address.commune_code.to_string(),
                    receipt_date,
                    receipt_no: c.receipt_no.to_string(),
                    income: Some(v.choices.income),
                    months: u32::from(q.months),
                    payment_mode: mode_number(v.choices.mode).to_string(),
                    contribution_pct: pct(q.rate_bp),
                    from_month: month_vn(v.choices.start_month),
                    amount_due: q.gross,
                    amount_paid: c.amount,
                    national_pct: pct(q.support_national_bp),
                    national_amount: q.support_national,
                    local_pct: pct(q.support_local_bp),
                    local_amount: q.support_local,
                    other_pct: "0".into(),
                    other_amount: 0,
                    collector_code: c.agent_code.to_string(),
                    notes: notes.join("; "),
                    ..ListRow::default()
                }])
            }
            Enrollment::Household(h) => {
                let premiums =
                    Self::household_premiums(table, h, today).map_err(|e| e.code().to_string())?;
                Ok(h.members
                    .iter()
                    .zip(premiums)
                    .map(|(m, (amount, share_bp))| ListRow {
                        full_name: m.full_name.to_string(),
                        si_code: m
                            .legacy_si_code
                            .as_ref()
                            .map(|s| s.to_string())
                            .unwrap_or_default(),
                        personal_id: m.personal_id.to_string(),
                        birth_date: ansinh_enrollment::json::birth_text(m.birth_date),
                        sex: match m.sex {
                            ansinh_core::person::Sex::Male => "Nam".into(),
                            ansinh_core::person::Sex::Female => "Nữ".into(),
                        },
                        relationship: m.relationship.name_vi().to_string(),
                        address: address(&h.head.address),
                        province_code: h.head.address.province_code.to_string(),
                        commune_code: h.head.address.commune_code.to_string(),
                        kcb_code: m.kcb_code.to_string(),
                        receipt_date: receipt_date.clone(),
                        receipt_no: c.receipt_no.to_string(),
                        income: None,
                        months: u32::from(m.months),
                        from_month: month_vn(h.start_month),
                        amount_due: amount,
                        amount_paid: amount,
                        national_pct: "0".into(),
                        local_pct: "0".into(),
                        other_pct: "0".into(),
                        collector_code: c.agent_code.to_string(),
                        notes: format!("mức đóng {}% người thứ nhất", pct(share_bp)),
                        ..ListRow::default()
                    })
                    .collect())
            }
        }
    }

    fn renewal(&self, plaintext: &[u8], index: usize) -> Option<RenewalDue> {
        let record = Self::decode(plaintext).ok()?;
        let c = &record.collection;
        let today = collection_day(c.at)?;
        let tables = self.tables();
        let table = Self::table_for(&tables, c.policy_version.as_str()).ok()?;
        match &record.enrollment {
            Enrollment::Voluntary(v) if index == 0 => {
                let q = Self::voluntary_quote(table, v, today).ok()?;
                let reminders = v.consent.purposes & purpose::REMINDERS != 0;
                Some(RenewalDue {
                    masked_name: mask_name(&v.person.full_name),
                    scheme: "voluntary-si".into(),
                    paid_until: until(v.choices.start_month, u32::from(q.months)),
                    commune_code: v.person.address.commune_code.to_string(),
                    phone: if reminders {
                        v.person.phone.as_ref().map(|p| p.to_string())
                    } else {
                        None
                    },
                    last_receipt_no: Some(i64::from(c.receipt_no)),
                })
            }
            Enrollment::Household(h) => {
                let m = h.members.get(index)?;
                let reminders = h.consent.purposes & purpose::REMINDERS != 0;
                Some(RenewalDue {
                    masked_name: mask_name(&m.full_name),
                    scheme: "household-bhyt".into(),
                    paid_until: until(h.start_month, u32::from(m.months)),
                    commune_code: h.head.address.commune_code.to_string(),
                    // The household is called through its head.
                    phone: if reminders {
                        h.head.phone.as_ref().map(|p| p.to_string())
                    } else {
                        None
                    },
                    last_receipt_no: Some(i64::from(c.receipt_no)),
                })
            }
            Enrollment::Voluntary(_) => None,
        }
    }

    fn participant(&self, plaintext: &[u8], index: usize) -> Option<Participant> {
        let record = Self::decode(plaintext).ok()?;
        let name = match &record.enrollment {
            Enrollment::Voluntary(v) if index == 0 => &v.person.full_name,
            Enrollment::Voluntary(_) => return None,
            Enrollment::Household(h) => &h.members.get(index)?.full_name,
        };
        Some(Participant {
            masked_name: mask_name(name),
            receipt_no: i64::from(record.collection.receipt_no),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_masked_like_on_the_device() {
        assert_eq!(mask_name("NGUYỄN THỊ HỒNG NHUNG"), "NGUYỄN T** H*** N****");
        assert_eq!(mask_name("LÊ"), "LÊ");
    }

    #[test]
    fn periods_end_months_paid_after_the_start() -> Result<(), String> {
        let start: Month = "2026-12".parse().map_err(|_| "month")?;
        assert_eq!(until(start, 3), "2027-02");
        assert_eq!(until(start, 1), "2026-12");
        assert_eq!(until(start, 12), "2027-11");
        assert_eq!(pct(4000), "40");
        assert_eq!(pct(4550), "45,50");
        Ok(())
    }

    #[test]
    fn garbage_does_not_decode() {
        let rules = EnrollmentRules::new();
        assert_eq!(rules.check(&[0; 16], b"garbage").err().as_deref(), Some("does_not_decode"));
        assert_eq!(rules.list_rows(b"").err().as_deref(), Some("does_not_decode"));
        assert_eq!(rules.renewal(b"", 0), None);
        assert_eq!(rules.participant(b"", 0), None);
    }
}
