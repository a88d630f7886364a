//! The versioned envelope of an enrollment record (`ansinh_enrollment::envelope`): its bytes
//! pinned by the goldens in `tests/golden/wire/` (schema 2, with a hex dump beside each;
//! `UPDATE_GOLDEN=1` rewrites them) and the schema 1 envelopes still read; the largest
//! household fits; the decoder refuses bad input and never panics.

// The fixed-capacity problem list is returned by value, as the library does.
#![allow(clippy::result_large_err)]

use ansinh_core::{Date, default_table};
use ansinh_enrollment::Problems;
use ansinh_enrollment::envelope::{self, EnvelopeError, MAX_ENCODED_LEN};
use ansinh_enrollment::json::EnrollmentJson;
use ansinh_enrollment::record::{Collection, Enrollment, MAX_MEMBERS, NAME_BYTES, Record};
use ansinh_tests::golden;
use serde_json::Value;

fn today() -> Date {
    Date::new(2026, 11, 22).unwrap_or_else(|e| panic!("{e}"))
}

fn fixture(name: &str) -> Value {
    let text = ansinh_tests::fixtures::text(name).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn check(v: &Value) -> Result<Enrollment, Problems> {
    let parsed: EnrollmentJson =
        serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}"));
    parsed.validate(&default_table(), today())
}

fn record(enrollment: Enrollment) -> Record {
    Record {
        enrollment,
        collection: Collection {
            record_id: [0x5A; 16],
            device_id: 7,
            collection_point: heapless::String::try_from("Bưu điện Hà Đông").unwrap_or_default(),
            agent_code: heapless::String::try_from("DL-0001").unwrap_or_default(),
            at: 1_795_314_600,
            receipt_no: 42,
            amount: 594_000,
            policy_version: heapless::String::try_from("VN-2026-11-22").unwrap_or_default(),
            corrects: None,
        },
    }
}

/// Compares with `tests/golden/wire/NAME.bin` and its hex dump `NAME.hex` (32 bytes a line,
/// for reading a change in review).
fn check_golden(name: &str, bytes: &[u8]) -> Result<(), ansinh_tests::Error> {
    golden::check_bytes(&format!("wire/{name}.bin"), bytes)?;
    let hex: Vec<String> = bytes.chunks(32).map(hex::encode).collect();
    golden::check_bytes(&format!("wire/{name}.hex"), (hex.join("\n") + "\n").as_bytes())
}

#[test]
fn envelope_golden_bytes_and_round_trip() -> Result<(), Box<dyn std::error::Error>> {
    for (name, file) in [("enrollment", "enrollment.json"), ("household", "household.json")] {
        let rec = record(check(&fixture(file)).map_err(|p| format!("{p:?}"))?);
        let bytes = envelope::encode_to_vec(&rec)?;
        check_golden(name, &bytes)?;
        assert_eq!(envelope::decode(&bytes)?, rec);
    }
    Ok(())
}

/// Schema 1 envelopes from devices not yet updated still decode (back-pay without the months
/// paid decodes too, as `BackpayUnchecked`, which pricing refuses).
#[test]
fn schema_1_envelopes_are_still_read() -> Result<(), Box<dyn std::error::Error>> {
    for (name, file) in [("enrollment", "enrollment.json"), ("household", "household.json")] {
        let rec = record(check(&fixture(file)).map_err(|p| format!("{p:?}"))?);
        let v1 = std::fs::read(golden::path(&format!("wire/v1/{name}.bin")))?;
        assert_eq!(v1[0], 1);
        assert_eq!(envelope::decode(&v1)?, rec, "{name}");
    }
    // A schema 1 back-payment: priced, it is refused for want of the months already paid.
    let Enrollment::Voluntary(mut v) =
        check(&fixture("enrollment.json")).map_err(|p| format!("{p:?}"))?
    else {
        return Err("voluntary".into());
    };
    v.choices.mode = ansinh_enrollment::record::PaymentMode::BackpayUnchecked(12);
    let e = Enrollment::Voluntary(v);
    let priced = ansinh_enrollment::price::price(&e, &default_table(), today());
    assert_eq!(priced.map(|p| p.amount), Err(ansinh_core::Error::BackpayNeedsPaidMonths));
    Ok(())
}

#[test]
fn the_largest_household_fits_the_envelope() -> Result<(), Box<dyn std::error::Error>> {
    let Enrollment::Household(mut h) =
        check(&fixture("household.json")).map_err(|p| format!("{p:?}"))?
    else {
        return Err("household".into());
    };
    let long_name: heapless::String<NAME_BYTES> =
        heapless::String::try_from("Ễ".repeat(NAME_BYTES / 3).as_str())?;
    h.head.full_name = long_name.clone();
    let template = h.members[0].clone();
    h.members.clear();
    for _ in 0..MAX_MEMBERS {
        let mut m = template.clone();
        m.full_name = long_name.clone();
        m.legacy_si_code = Some(heapless::String::try_from("0123456789")?);
        m.guardian = Some(ansinh_enrollment::record::Guardian {
            full_name: long_name.clone(),
            personal_id: Some(heapless::String::try_from("001085004567")?),
            relationship: ansinh_enrollment::record::Relationship::Parent,
        });
        h.members.push(m).map_err(|_| "capacity")?;
    }
    let bytes = envelope::encode_to_vec(&record(Enrollment::Household(h)))?;
    assert!(bytes.len() <= MAX_ENCODED_LEN, "{} bytes", bytes.len());
    Ok(())
}

#[test]
fn the_decoder_refuses_bad_input() -> Result<(), Box<dyn std::error::Error>> {
    let rec = record(check(&fixture("enrollment.json")).map_err(|p| format!("{p:?}"))?);
    let bytes = envelope::encode_to_vec(&rec)?;
    for cut in 0..bytes.len() {
        assert!(envelope::decode(&bytes[..cut]).is_err(), "truncated at {cut}");
    }
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert_eq!(envelope::decode(&trailing), Err(EnvelopeError::Malformed));
    let mut future = bytes.clone();
    future[0] = 3;
    assert_eq!(envelope::decode(&future), Err(EnvelopeError::UnknownVersion(3)));
    assert_eq!(envelope::decode(&vec![1; MAX_ENCODED_LEN + 1]), Err(EnvelopeError::TooLarge));
    assert!(envelope::decode(b"not an envelope at all").is_err());
    Ok(())
}

mod fuzzish {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
            let _ = envelope::decode(&bytes);
        }

        #[test]
        fn mutated_goldens_never_panic(flips in prop::collection::vec((0usize..2000, any::<u8>()), 1..8)) {
            let mut bytes = std::fs::read(golden::path("wire/household.bin")).unwrap_or_default();
            for (at, x) in flips {
                if !bytes.is_empty() {
                    let i = at % bytes.len();
                    bytes[i] ^= x;
                }
            }
            if let Ok(rec) = envelope::decode(&bytes) {
                // Whatever decodes round-trips as a value.
                let again = envelope::encode_to_vec(&rec).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(envelope::decode(&again).ok(), Some(rec));
            }
        }
    }
}
