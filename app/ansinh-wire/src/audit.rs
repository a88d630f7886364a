//! The device's audit trail as it travels: one entry per staff or system action, each bound to
//! the one before by a SHA-256 hash, so the collection server (and `ansinh queue verify`) can
//! tell an entry changed, removed or inserted after the fact.
//!
//! `hash = SHA-256(AUDIT_DOMAIN || prev_hash || canonical fields)`, the canonical fields being
//! `seq` (u64, big-endian), `at` (i64, big-endian), `receipt_no` (one byte 0, or 1 and the i64
//! big-endian), then `agent_code`, `event` and `detail`, each as its UTF-8 length (u32,
//! big-endian) and bytes. The first entry (`seq` 1) follows [`AUDIT_GENESIS`].

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Domain tag of the audit chain's hashes.
const AUDIT_DOMAIN: &[u8] = b"ansinh/audit/v1\0";

/// The `prev_hash` of the first entry of a device's chain.
pub const AUDIT_GENESIS: [u8; 32] = [0; 32];

/// One entry of a device's audit trail. Never personal data: receipt numbers and agent codes
/// yes, names and ID numbers no.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the device's chain, from 1, without gaps.
    pub seq: u64,
    /// When (seconds since the Unix epoch, the device's clock).
    pub at: i64,
    /// The staff member who acted (empty: the device itself, e.g. an acknowledgement).
    pub agent_code: String,
    /// What happened (`login`, `pin_failed`, `voided`, ...).
    pub event: String,
    /// The receipt the action was about, if any.
    pub receipt_no: Option<i64>,
    /// Non-personal detail (a reason, a setting's name).
    pub detail: String,
    /// The previous entry's `hash` ([`AUDIT_GENESIS`] for `seq` 1).
    pub prev_hash: [u8; 32],
    /// [`AuditEntry::chain_hash`] when the entry was written.
    pub hash: [u8; 32],
}

impl AuditEntry {
    /// A new entry after `prev_hash`, its hash computed.
    pub fn new(
        prev_hash: [u8; 32],
        seq: u64,
        at: i64,
        agent_code: &str,
        event: &str,
        receipt_no: Option<i64>,
        detail: &str,
    ) -> Self {
        let mut entry = Self {
            seq,
            at,
            agent_code: agent_code.into(),
            event: event.into(),
            receipt_no,
            detail: detail.into(),
            prev_hash,
            hash: [0; 32],
        };
        entry.hash = entry.chain_hash();
        entry
    }

    /// The hash this entry's fields and `prev_hash` give (equal to `hash` unless changed).
    pub fn chain_hash(&self) -> [u8; 32] {
        let text = |h: &mut Sha256, s: &str| {
            // Lengths above u32 cannot occur in a bounded message; saturate rather than wrap.
            h.update(u32::try_from(s.len()).unwrap_or(u32::MAX).to_be_bytes());
            h.update(s.as_bytes());
        };
        let mut h = Sha256::new();
        h.update(AUDIT_DOMAIN);
        h.update(self.prev_hash);
        h.update(self.seq.to_be_bytes());
        h.update(self.at.to_be_bytes());
        match self.receipt_no {
            Some(no) => {
                h.update([1]);
                h.update(no.to_be_bytes());
            }
            None => h.update([0]),
        }
        text(&mut h, &self.agent_code);
        text(&mut h, &self.event);
        text(&mut h, &self.detail);
        h.finalize().into()
    }
}

/// Where and why a chain does not hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// An entry's `seq` is not the one after the last entry held.
    #[error("audit entry {found} follows entry {after}: entries are missing or repeated")]
    Gap {
        /// The `seq` of the last entry held (0: none).
        after: u64,
        /// The `seq` found.
        found: u64,
    },
    /// An entry's `prev_hash` is not the previous entry's hash.
    #[error("audit entry {0} does not follow the entry before it (prev_hash differs)")]
    Unlinked(u64),
    /// An entry's `hash` is not what its fields give: it was changed after it was written.
    #[error("audit entry {0} was changed after it was written (hash differs)")]
    Altered(u64),
}

/// Checks that `entries` continue a chain whose last entry held is `after` (`seq` and hash;
/// `None`: nothing held yet, the chain starts at `seq` 1 from [`AUDIT_GENESIS`]). Returns the
/// new last `seq` and hash.
pub fn verify_chain(
    after: Option<(u64, [u8; 32])>,
    entries: &[AuditEntry],
) -> Result<(u64, [u8; 32]), ChainBreak> {
    let (mut seq, mut hash) = after.unwrap_or((0, AUDIT_GENESIS));
    for e in entries {
        if e.seq != seq + 1 {
            return Err(ChainBreak::Gap { after: seq, found: e.seq });
        }
        if e.prev_hash != hash {
            return Err(ChainBreak::Unlinked(e.seq));
        }
        if e.chain_hash() != e.hash {
            return Err(ChainBreak::Altered(e.seq));
        }
        (seq, hash) = (e.seq, e.hash);
    }
    Ok((seq, hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: u64) -> Vec<AuditEntry> {
        let mut prev = AUDIT_GENESIS;
        (1..=n)
            .map(|seq| {
                let e =
                    AuditEntry::new(prev, seq, 1_000 + seq as i64, "DL-0001", "login", None, "");
                prev = e.hash;
                e
            })
            .collect()
    }

    #[test]
    fn a_chain_verifies_and_continues() -> Result<(), ChainBreak> {
        let entries = chain(4);
        let (seq, hash) = verify_chain(None, &entries[..2])?;
        assert_eq!(seq, 2);
        assert_eq!(verify_chain(Some((seq, hash)), &entries[2..])?, (4, entries[3].hash));
        Ok(())
    }

    #[test]
    fn changes_gaps_and_foreign_links_are_named() {
        let mut entries = chain(3);
        entries[1].detail = "receipt 7".into();
        assert_eq!(verify_chain(None, &entries), Err(ChainBreak::Altered(2)));
        let entries = chain(3);
        assert_eq!(
            verify_chain(None, &[entries[0].clone(), entries[2].clone()]),
            Err(ChainBreak::Gap { after: 1, found: 3 })
        );
        assert_eq!(verify_chain(Some((1, [9; 32])), &entries[1..]), Err(ChainBreak::Unlinked(2)));
        assert_eq!(
            verify_chain(None, &entries[1..]),
            Err(ChainBreak::Gap { after: 0, found: 2 }),
            "a device's chain starts at 1"
        );
    }

    #[test]
    fn every_field_is_in_the_hash() {
        let base = AuditEntry::new(AUDIT_GENESIS, 1, 5, "DL-1", "voided", Some(3), "x");
        let variants = [
            AuditEntry { seq: 2, ..base.clone() },
            AuditEntry { at: 6, ..base.clone() },
            AuditEntry { agent_code: "DL-2".into(), ..base.clone() },
            AuditEntry { event: "reprint".into(), ..base.clone() },
            AuditEntry { receipt_no: None, ..base.clone() },
            AuditEntry { receipt_no: Some(4), ..base.clone() },
            AuditEntry { detail: "y".into(), ..base.clone() },
            AuditEntry { prev_hash: [1; 32], ..base.clone() },
            // A byte moved from one text to the next must not hash the same.
            AuditEntry { agent_code: "DL-1v".into(), event: "oided".into(), ..base.clone() },
        ];
        for v in variants {
            assert_ne!(v.chain_hash(), base.hash, "{v:?}");
        }
    }
}
