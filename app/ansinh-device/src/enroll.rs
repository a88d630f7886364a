//! Committing a validated enrollment: its amount from the policy table, the collection
//! metadata, the envelope, and the sealed commit in the outbox. Used by `ansinh enqueue` and
//! the kiosk's submit button alike, so both take money the same way.
//!
//! Before the money is taken, the device looks for an earlier payment of the same person, for
//! the same scheme and at least one month in common ([`earlier_payments`]): a voluntary
//! participant by their personal ID, each household member by theirs against health insurance
//! payments. People are compared by a keyed pseudonym of the ID ([`PseudonymKey`]), which is
//! what the outbox keeps with each record, with the months paid. [`commit`] refuses such a
//! payment with [`EnrollError::PossibleDuplicate`], naming the earlier receipts, unless staff
//! confirmed it ([`Duplicates::Confirmed`]); voided records do not count.

use ansinh_core::{Date, Dong, Month, PolicyTable};
use ansinh_enrollment::envelope;
use ansinh_enrollment::price::price;
use ansinh_enrollment::record::{Collection, Enrollment, Record};
use ansinh_outbox::{Committed, NewRecord, Outbox, Payment, State, Summary, Timestamp};
use ansinh_receipt::mask_id;
use zeroize::Zeroizing;

use crate::PseudonymKey;

/// What a payment comes to: the amounts of the receipt and the journal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Amounts {
    /// Cash collected.
    pub amount: Dong,
    /// Contribution before support.
    pub gross: Dong,
    /// National support.
    pub support_national: Dong,
    /// Provincial support.
    pub support_local: Dong,
    /// Mode as shown (`3`, `advance-2`, `bhyt-12`).
    pub mode: String,
    /// Policy table version used.
    pub policy_version: String,
    /// Whether an unverified parameter was used.
    pub estimate: bool,
    /// First month paid for.
    pub start_month: Month,
    /// Months paid for (a household: its longest member's).
    pub months: u32,
}

/// Why an enrollment could not be priced or committed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnrollError {
    /// The payment rules refuse it (should have been caught by validation).
    #[error("payment: {0}")]
    Payment(ansinh_core::Error),
    /// The record does not fit its envelope.
    #[error("envelope: {0}")]
    Envelope(#[from] ansinh_enrollment::envelope::EnvelopeError),
    /// The outbox refused the commit (nothing was written).
    #[error(transparent)]
    Outbox(#[from] ansinh_outbox::Error),
    /// The device already holds a payment of this person for the same scheme and some of the
    /// same months; nothing was written. Staff may confirm ([`Duplicates::Confirmed`]).
    #[error("possible double payment: {}", receipts(.0))]
    PossibleDuplicate(Vec<EarlierPayment>),
}

/// `receipt 3 (12/2026–02/2027)`, for the error message (no names).
fn receipts(earlier: &[EarlierPayment]) -> String {
    let mut list: Vec<String> = Vec::new();
    for e in earlier {
        let r = format!("receipt {} ({})", e.receipt_no, e.period());
        // A household's members share their receipts: each once.
        if !list.contains(&r) {
            list.push(r);
        }
    }
    format!("already paid on {}", list.join(", "))
}

/// What staff answered when the device holds an earlier payment of the same person, scheme
/// and months.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Duplicates {
    /// Commit nothing and name the earlier receipts ([`EnrollError::PossibleDuplicate`]).
    #[default]
    Refuse,
    /// Staff saw them and confirmed: commit (the audit trail names the earlier receipts).
    Confirmed,
}

/// What [`commit`] needs besides the enrollment and the collection point.
#[derive(Clone, Copy, Debug)]
pub struct CommitOptions<'a> {
    /// This device's pseudonym key ([`crate::DataDir::pseudonym_key`]).
    pub pseudonyms: &'a PseudonymKey,
    /// For a correction after upload: the record it corrects (its payment is not an earlier
    /// payment of this one: it is replaced).
    pub corrects: Option<[u8; 16]>,
    /// Whether staff confirmed a possible double payment.
    pub duplicates: Duplicates,
}

impl<'a> CommitOptions<'a> {
    /// A new enrollment, refused if it may be a double payment.
    pub const fn new(pseudonyms: &'a PseudonymKey) -> Self {
        Self { pseudonyms, corrects: None, duplicates: Duplicates::Refuse }
    }
}

/// An earlier payment on this device of a person in the enrollment being taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EarlierPayment {
    /// Which person of the enrollment: 0 for voluntary SI, the member's place in a household.
    pub member: usize,
    /// That person's masked name.
    pub masked_name: String,
    /// `voluntary-si` or `household-bhyt`.
    pub scheme: String,
    /// The earlier receipt.
    pub receipt_no: i64,
    /// Its state (queued, sent, acknowledged, quarantined).
    pub state: State,
    /// When it was taken.
    pub collected_at: Timestamp,
    /// First month it paid for.
    pub from: Month,
    /// Last month it paid for.
    pub until: Month,
    /// Cash collected on it.
    pub amount: Dong,
}

impl EarlierPayment {
    /// `12/2026–02/2027` (one month: `12/2026`).
    pub fn period(&self) -> String {
        let m = |m: Month| format!("{:02}/{}", m.number(), m.year());
        if self.from == self.until {
            m(self.from)
        } else {
            format!("{}–{}", m(self.from), m(self.until))
        }
    }
}

/// One person's part of an enrollment: whom it pays for, which scheme and months.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaidPeriod<'e> {
    /// 0 for voluntary SI, the member's place in a household.
    pub member: usize,
    /// The person's personal ID (for the pseudonym; never stored).
    pub personal_id: &'e str,
    /// The person's full name (masked before it is shown).
    pub full_name: &'e str,
    /// `voluntary-si` or `household-bhyt`.
    pub scheme: &'static str,
    /// First month paid.
    pub from: Month,
    /// Months paid.
    pub months: u32,
}

impl PaidPeriod<'_> {
    /// The last month paid.
    pub fn until(&self) -> Month {
        self.from.plus(self.months.saturating_sub(1)).unwrap_or(self.from)
    }

    /// Whether the two periods have a month in common (people are not compared here).
    pub fn overlaps(&self, from: Month, until: Month) -> bool {
        self.from <= until && from <= self.until()
    }
}

/// Whom an enrollment pays for and which months: the person of a voluntary enrollment (the
/// months of its payment mode from the start month, as on the receipt), or each member of a
/// household for their own months.
pub fn paid_periods<'e>(enrollment: &'e Enrollment, amounts: &Amounts) -> Vec<PaidPeriod<'e>> {
    match enrollment {
        Enrollment::Voluntary(v) => vec![PaidPeriod {
            member: 0,
            personal_id: v.person.personal_id.as_str(),
            full_name: v.person.full_name.as_str(),
            scheme: enrollment.scheme(),
            from: amounts.start_month,
            months: amounts.months,
        }],
        Enrollment::Household(h) => h
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| PaidPeriod {
                member: i,
                personal_id: m.personal_id.as_str(),
                full_name: m.full_name.as_str(),
                scheme: enrollment.scheme(),
                from: h.start_month,
                months: u32::from(m.months),
            })
            .collect(),
    }
    .into_iter()
    .filter(|p| p.months > 0)
    .collect()
}

/// Earlier payments on this device that overlap what `enrollment` pays for, person by person
/// (see the module docs); `except` is a record being corrected.
pub fn earlier_payments(
    outbox: &Outbox,
    pseudonyms: &PseudonymKey,
    enrollment: &Enrollment,
    amounts: &Amounts,
    except: Option<[u8; 16]>,
) -> Result<Vec<EarlierPayment>, EnrollError> {
    let mut found = Vec::new();
    for p in paid_periods(enrollment, amounts) {
        let until = p.until();
        let person = pseudonyms.pseudonym(p.personal_id);
        for e in outbox.overlapping_payments(&person, p.scheme, p.from.index(), until.index())? {
            if Some(e.record_id) == except {
                continue;
            }
            let from = Month::from_index(e.first_month).unwrap_or(p.from);
            found.push(EarlierPayment {
                member: p.member,
                masked_name: mask_name(p.full_name),
                scheme: p.scheme.to_string(),
                receipt_no: e.receipt_no,
                state: e.state,
                collected_at: e.created_at,
                from,
                until: from.plus(e.months.saturating_sub(1)).unwrap_or(from),
                amount: e.amount,
            });
        }
    }
    Ok(found)
}

impl EnrollError {
    /// Only a busy or full outbox may succeed on retry.
    pub fn is_retryable(&self) -> bool {
        matches!(self, EnrollError::Outbox(e) if e.is_retryable())
    }
}

/// Prices an enrollment paid on `today` with the policy table: the one
/// [`ansinh_enrollment::price::price`] that the validator and the collection server use too,
/// owned for the journal and the receipt.
pub fn amounts(
    e: &Enrollment,
    table: &PolicyTable<'_>,
    today: Date,
) -> Result<Amounts, EnrollError> {
    let p = price(e, table, today).map_err(EnrollError::Payment)?;
    Ok(Amounts {
        amount: p.amount,
        gross: p.gross,
        support_national: p.support_national,
        support_local: p.support_local,
        mode: p.kind.to_string(),
        policy_version: p.policy_version.to_string(),
        estimate: p.estimate,
        start_month: p.start_month,
        months: p.months,
    })
}

/// `NGUYỄN THỊ HỒNG NHUNG` → `NGUYỄN T*** H*** N****`: enough for staff to find a record,
/// not enough to identify a person.
pub fn mask_name(name: &str) -> String {
    let mut out = String::new();
    for (i, word) in name.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if i == 0 {
            out.push_str(word);
        } else {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.push(first);
                out.extend(chars.map(|_| '*'));
            }
        }
    }
    out
}

/// Who collected and where (shown on receipts and reports).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CollectionPoint {
    /// Device id (0 before registration).
    pub device_id: u64,
    /// Collection point name.
    pub name: String,
    /// Agent code.
    pub agent_code: String,
}

/// The outbox settings that hold the device's collection point and agent code. The kiosk's
/// settings screen saves them under these keys and `ansinh enqueue` reads and sets the same
/// ones, so receipts from either say the same place and person.
pub const SETTING_COLLECTION_POINT: &str = "kiosk.collection_point";
/// See [`SETTING_COLLECTION_POINT`].
pub const SETTING_AGENT_CODE: &str = "kiosk.agent_code";

impl CollectionPoint {
    /// What the device has stored: its registered id, and the collection point and agent code
    /// (empty when never set).
    pub fn stored(dir: &crate::DataDir, outbox: &Outbox) -> crate::Result<Self> {
        Ok(Self {
            device_id: dir.registration()?.map_or(0, |r| r.device_id),
            name: outbox.setting(SETTING_COLLECTION_POINT)?.unwrap_or_default(),
            agent_code: outbox.setting(SETTING_AGENT_CODE)?.unwrap_or_default(),
        })
    }

    /// Stores the collection point and agent code for the next records.
    pub fn remember(&self, outbox: &mut Outbox) -> crate::Result<()> {
        outbox.set_setting(SETTING_COLLECTION_POINT, &self.name)?;
        outbox.set_setting(SETTING_AGENT_CODE, &self.agent_code)?;
        Ok(())
    }
}

fn bounded<const N: usize>(s: &str) -> heapless::String<N> {
    // Settings longer than their capacity are cut at a character boundary: they label the
    // collection point, they are not the citizen's data.
    let mut out = heapless::String::new();
    for c in s.chars() {
        if out.push(c).is_err() {
            break;
        }
    }
    out
}

/// What the outbox keeps in clear about a record, for staff screens, receipts and the cash
/// journal: the amounts, and the name and ID masked.
pub fn summary(enrollment: &Enrollment, amounts: &Amounts, point: &CollectionPoint) -> Summary {
    let (masked_name, masked_id) = match enrollment {
        Enrollment::Voluntary(v) => {
            (mask_name(&v.person.full_name), mask_id(&v.person.personal_id))
        }
        Enrollment::Household(h) => (mask_name(&h.head.full_name), mask_id(&h.head.personal_id)),
    };
    let start = amounts.start_month;
    Summary {
        scheme: enrollment.scheme().to_string(),
        mode: amounts.mode.clone(),
        amount: amounts.amount,
        gross: amounts.gross,
        support_national: amounts.support_national,
        support_local: amounts.support_local,
        masked_name,
        policy_version: amounts.policy_version.clone(),
        masked_id: masked_id.to_string(),
        period_from: format!("{:02}/{}", start.number(), start.year()),
        months: amounts.months,
        collection_point: point.name.clone(),
        agent_code: point.agent_code.clone(),
        estimate: amounts.estimate,
    }
}

/// Commits a validated enrollment: returns once it is durable, with its record id and receipt
/// number; nothing may claim success before this returns. A possible double payment is
/// refused unless staff confirmed it (see the module docs).
pub fn commit(
    outbox: &mut Outbox,
    enrollment: &Enrollment,
    table: &PolicyTable<'_>,
    today: Date,
    now: Timestamp,
    point: &CollectionPoint,
    options: &CommitOptions<'_>,
) -> Result<(Committed, Amounts), EnrollError> {
    let corrects = options.corrects;
    let amounts = amounts(enrollment, table, today)?;
    let earlier = earlier_payments(outbox, options.pseudonyms, enrollment, &amounts, corrects)?;
    if !earlier.is_empty() && options.duplicates == Duplicates::Refuse {
        return Err(EnrollError::PossibleDuplicate(earlier));
    }
    let mut confirmed: Vec<i64> = earlier.iter().map(|e| e.receipt_no).collect();
    confirmed.sort_unstable();
    confirmed.dedup();
    let payments: Vec<Payment> = paid_periods(enrollment, &amounts)
        .iter()
        .map(|p| Payment {
            person: options.pseudonyms.pseudonym(p.personal_id),
            scheme: p.scheme.to_string(),
            first_month: p.from.index(),
            months: p.months,
        })
        .collect();
    let summary = summary(enrollment, &amounts, point);
    let record_id = ansinh_outbox::new_record_id();
    let committed = outbox.enqueue_paying(now, &payments, &confirmed, |receipt_no| {
        let record = Record {
            enrollment: enrollment.clone(),
            collection: Collection {
                record_id,
                device_id: point.device_id,
                collection_point: bounded(&point.name),
                agent_code: bounded(&point.agent_code),
                at: now,
                receipt_no: u32::try_from(receipt_no).unwrap_or(u32::MAX),
                amount: amounts.amount,
                policy_version: bounded(&amounts.policy_version),
                corrects,
            },
        };
        let bytes = envelope::encode_to_vec(&record)?;
        Ok::<_, EnrollError>(NewRecord {
            record_id,
            summary: summary.clone(),
            plaintext: Zeroizing::new(bytes),
            corrects,
        })
    })?;
    Ok((committed, amounts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_names() {
        assert_eq!(mask_name("NGUYỄN THỊ HỒNG NHUNG"), "NGUYỄN T** H*** N****");
        assert_eq!(mask_name("H'HEN NIÊ"), "H'HEN N**");
        assert_eq!(mask_name("LÊ"), "LÊ");
    }
}
