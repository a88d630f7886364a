//! What the hub reads from a record once it has opened it: any bytes a registered device
//! sealed, through the record rules (`EnrollmentRules`: decode, validate again, price again
//! with the table the record names).
//!
//! Each input is checked as it is and, when it decodes and can be priced, once more with the
//! amount a device would have charged (so that records the fuzzer derives from the golden
//! envelopes, which carry other amounts, get past the price check).
//!
//! A record the rules accept is one the hub can use everywhere: it has one period per
//! participant, each ending no earlier than it starts; its collection-list rows, one per
//! participant, add up to the cash collected; each participant has a renewal reminder ending
//! with their period, and a masked name; and there is nothing past the last participant.
#![no_main]

use std::sync::OnceLock;

use ansinh_core::{Date, PolicyTable};
use ansinh_enrollment::envelope;
use ansinh_enrollment::price::price;
use ansinh_hub::{EnrollmentRules, RecordRules};
use libfuzzer_sys::fuzz_target;

/// `YYYY-MM`.
fn is_month(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit())
        && (1..=12).contains(&text[5..].parse::<u8>().unwrap_or(0))
}

/// Every table the hub holds, as `ansinh_core::known_table` finds them (opened once).
fn tables() -> &'static [PolicyTable<'static>] {
    static TABLES: OnceLock<Vec<PolicyTable<'static>>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let history = ansinh_core::HISTORY_TABLE_BYTES.iter();
        let mut all = vec![ansinh_core::default_table()];
        all.extend(history.filter_map(|b| PolicyTable::from_bytes(b).ok()));
        all
    })
}

/// The record with the amount a device would have charged for it, if that differs.
fn priced_as_on_the_device(data: &[u8]) -> Option<Vec<u8>> {
    let mut record = envelope::decode(data).ok()?;
    let c = &record.collection;
    let table = tables().iter().find(|t| t.version == c.policy_version.as_str())?;
    let today = Date::in_vietnam(c.at).ok()?;
    let amount = price(&record.enrollment, table, today).ok()?.amount;
    if amount == c.amount {
        return None;
    }
    record.collection.amount = amount;
    envelope::encode_to_vec(&record).ok()
}

fn check(rules: &EnrollmentRules, plaintext: &[u8]) {
    // Sent under the id the record carries, so that a record that decodes is validated.
    let record_id = envelope::decode(plaintext).map_or([0; 16], |r| r.collection.record_id);
    let Ok(checked) = rules.check(&record_id, plaintext) else {
        return;
    };
    assert!(matches!(checked.scheme.as_str(), "voluntary-si" | "household-bhyt"));
    assert!(!checked.periods.is_empty(), "an accepted record with nobody in it");
    for p in &checked.periods {
        assert!(is_month(&p.from) && is_month(&p.until), "period {} – {}", p.from, p.until);
        assert!(p.from <= p.until, "a period ending before it starts: {} – {}", p.from, p.until);
    }
    let rows = rules.list_rows(plaintext).expect("an accepted record has its list rows");
    assert_eq!(rows.len(), checked.periods.len(), "not one list row per participant");
    let paid: u64 = rows.iter().map(|r| r.amount_paid).sum();
    assert_eq!(paid, checked.amount, "the list rows do not add up to the cash collected");
    for (i, period) in checked.periods.iter().enumerate() {
        let due = rules.renewal(plaintext, i).expect("each participant has a reminder");
        assert_eq!(due.paid_until, period.until, "the reminder and the record disagree");
        assert_eq!(due.scheme, checked.scheme);
        assert!(rules.participant(plaintext, i).is_some(), "participant {i} is missing");
    }
    let past = checked.periods.len();
    assert!(
        rules.renewal(plaintext, past).is_none() && rules.participant(plaintext, past).is_none()
    );
}

fuzz_target!(|data: &[u8]| {
    static RULES: OnceLock<EnrollmentRules> = OnceLock::new();
    let rules = RULES.get_or_init(EnrollmentRules::new);
    check(rules, data);
    if let Some(priced) = priced_as_on_the_device(data) {
        check(rules, &priced);
    }
});
