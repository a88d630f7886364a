//! Issue 12 item 5: one price. For every fixture and for generated records — incomes from the
//! floor to the ceiling, every mode and group, first months up to a year ahead, collection days
//! on both sides of 1 January 2027 — the amount the device charges is the amount the hub checks,
//! and one đồng more is refused.

use ansinh_core::Date;
use ansinh_enrollment::json::EnrollmentJson;
use ansinh_enrollment::record::{Collection, Record};
use ansinh_hub::{EnrollmentRules, RecordRules};
use serde_json::{Value, json};

use crate::support::{AGENT, NOW, Res, fixture};

const DAY: i64 = 86_400;

fn load(name: &str) -> Res<Value> {
    Ok(serde_json::from_str(&std::fs::read_to_string(fixture(name))?)?)
}

fn day_of(at: i64) -> Res<Date> {
    Ok(Date::in_vietnam(at).map_err(|e| e.to_string())?)
}

/// Validates `v` on the collection day, prices it as the device does, and has the hub check
/// it: returns whether the record was valid (an invalid draft is skipped by the caller).
fn agree(rules: &EnrollmentRules, v: &Value, at: i64) -> Res<bool> {
    let table = ansinh_core::default_table();
    let today = day_of(at)?;
    let parsed: EnrollmentJson = serde_json::from_value(v.clone())?;
    let Ok(enrollment) = parsed.validate(&table, today) else {
        return Ok(false);
    };
    let device = ansinh_device::enroll::amounts(&enrollment, &table, today)?;
    let record_id = ansinh_outbox::new_record_id();
    let mut record = Record {
        enrollment,
        collection: Collection {
            record_id,
            device_id: 7,
            collection_point: "Bưu điện xã Thanh Trì".try_into().map_err(|_| "cap")?,
            agent_code: AGENT.try_into().map_err(|_| "cap")?,
            at,
            receipt_no: 1,
            amount: device.amount,
            policy_version: table.version.try_into().map_err(|_| "cap")?,
            corrects: None,
        },
    };
    let bytes = ansinh_enrollment::envelope::encode_to_vec(&record).map_err(|e| e.to_string())?;
    let checked = rules.check(&record_id, &bytes).map_err(|e| format!("{e} for {v}"))?;
    assert_eq!(checked.amount, device.amount, "{v}");
    record.collection.amount += 1;
    let bytes = ansinh_enrollment::envelope::encode_to_vec(&record).map_err(|e| e.to_string())?;
    assert_eq!(
        rules.check(&record_id, &bytes).err().as_deref(),
        Some("invalid:collection.amount:mismatch"),
        "{v}"
    );
    Ok(true)
}

#[test]
fn device_and_hub_agree_on_every_fixture_and_generated_records() -> Res<()> {
    let rules = EnrollmentRules::new();
    let voluntary = load("enrollment.json")?;
    let household = load("household.json")?;
    assert!(agree(&rules, &voluntary, NOW)?);
    assert!(agree(&rules, &household, NOW)?);

    let mut checked = 0;
    // Every 15 days from the fixture's day to February 2027.
    for step in 0..6 {
        let at = NOW + step * 15 * DAY;
        let today = day_of(at)?;
        let month = today.month();
        let probe = ansinh_core::quote::quote(
            &ansinh_core::default_table(),
            &ansinh_core::quote::QuoteRequest::new(
                today,
                u64::MAX,
                ansinh_core::person::Group::Other,
                ansinh_core::quote::Mode::Periodic(1),
            ),
        );
        let Err(ansinh_core::Error::IncomeOutOfRange { floor, ceiling, .. }) = probe else {
            return Err("no bounds".into());
        };
        for income in [floor, 3_700_000, ceiling] {
            for mode in ["1", "3", "6", "12", "advance-2", "advance-5"] {
                for group in ["poor", "near-poor", "ethnic-minority", "island", "other"] {
                    for ahead in [0, 1, 12] {
                        let start = month.plus(ahead).ok_or("month")?;
                        let mut v = voluntary.clone();
                        v["choices"]["income"] = json!(income);
                        v["choices"]["mode"] = json!(mode);
                        v["choices"]["group"] = json!(group);
                        v["choices"]["start_month"] = json!(start.to_string());
                        if group == "ethnic-minority" {
                            v["person"]["ethnicity"] = json!("02");
                        }
                        if agree(&rules, &v, at)? {
                            checked += 1;
                        }
                    }
                }
            }
        }
        for members in 1..=3usize {
            for months in [3, 6, 12] {
                let mut v = household.clone();
                let all = v["household"]["members"].as_array().cloned().unwrap_or_default();
                let mut kept: Vec<Value> = all.into_iter().take(members).collect();
                for m in &mut kept {
                    m["months"] = json!(months);
                }
                v["household"]["members"] = Value::Array(kept);
                v["household"]["start_month"] = json!(month.plus(1).ok_or("month")?.to_string());
                if agree(&rules, &v, at)? {
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1_000, "{checked} generated records checked");
    Ok(())
}
