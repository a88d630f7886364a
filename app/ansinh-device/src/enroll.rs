//! Committing a validated enrollment: its amount from the policy table, the collection
//! metadata, the envelope, and the sealed commit in the outbox. Used by `ansinh enqueue` and
//! the kiosk's submit button alike, so both take money the same way.

use ansinh_core::{Date, Dong, PolicyTable};
use ansinh_enrollment::price::price;
use ansinh_enrollment::record::{Collection, Enrollment, Record};
use ansinh_enrollment::wire;
use ansinh_outbox::{Committed, NewRecord, Outbox, Summary, Timestamp};
use ansinh_receipt::mask_id;
use zeroize::Zeroizing;

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
    pub start_month: ansinh_core::Month,
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
    Wire(#[from] ansinh_enrollment::wire::WireError),
    /// The outbox refused the commit (nothing was written).
    #[error(transparent)]
    Outbox(#[from] ansinh_outbox::Error),
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

/// Commits a validated enrollment: returns once it is durable, with its record id and receipt
/// number; nothing may claim success before this returns.
pub fn commit(
    outbox: &mut Outbox,
    enrollment: &Enrollment,
    table: &PolicyTable<'_>,
    today: Date,
    now: Timestamp,
    point: &CollectionPoint,
    corrects: Option<[u8; 16]>,
) -> Result<(Committed, Amounts), EnrollError> {
    let amounts = amounts(enrollment, table, today)?;
    let (masked, masked_id) = match enrollment {
        Enrollment::Voluntary(v) => {
            (mask_name(&v.person.full_name), mask_id(&v.person.personal_id))
        }
        Enrollment::Household(h) => (mask_name(&h.head.full_name), mask_id(&h.head.personal_id)),
    };
    let start = amounts.start_month;
    let record_id = ansinh_outbox::new_record_id();
    let committed = outbox.enqueue(now, |receipt_no| {
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
        let bytes = wire::encode_to_vec(&record)?;
        Ok::<_, EnrollError>(NewRecord {
            record_id,
            summary: Summary {
                scheme: enrollment.scheme().to_string(),
                mode: amounts.mode.clone(),
                amount: amounts.amount,
                gross: amounts.gross,
                support_national: amounts.support_national,
                support_local: amounts.support_local,
                masked_name: masked.clone(),
                policy_version: amounts.policy_version.clone(),
                masked_id: masked_id.to_string(),
                period_from: format!("{:02}/{}", start.number(), start.year()),
                months: amounts.months,
                collection_point: point.name.clone(),
                agent_code: point.agent_code.clone(),
                estimate: amounts.estimate,
            },
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
