//! `ansinh validate` and `ansinh enqueue`: an enrollment in its JSON form from standard input.

use std::io::Read;
use std::path::PathBuf;

use ansinh_core::{Date, PolicyTable};
use ansinh_device::enroll::{
    CollectionPoint, CommitOptions, Duplicates, EarlierPayment, EnrollError, commit,
};
use ansinh_device::{DataDir, KeySource};
use ansinh_enrollment::Problems;
use ansinh_enrollment::json::EnrollmentJson;
use ansinh_outbox::Outbox;
use ansinh_text::{Locale, tr};
use clap::Args;
use serde_json::{Value, json};

use crate::device::now;
use crate::input::{InputError, Parse, shell_word};
use crate::{Failure, Outcome};

#[derive(Args)]
pub(crate) struct ValidateArgs {
    /// The date to validate on, YYYY-MM-DD (default: today in Viet Nam).
    #[arg(long)]
    on: Option<String>,
}

#[derive(Args)]
pub(crate) struct EnqueueArgs {
    /// The device's data directory.
    #[arg(long)]
    pub(crate) data_dir: PathBuf,
    /// The date of collection, YYYY-MM-DD (default: today in Viet Nam).
    #[arg(long)]
    on: Option<String>,
    /// Collection point name printed on receipts; the device remembers it (the kiosk's
    /// setting) for later records.
    #[arg(long)]
    collection_point: Option<String>,
    /// Agent code printed on receipts; remembered like --collection-point.
    #[arg(long, visible_alias = "agent")]
    agent_code: Option<String>,
    /// This record corrects an uploaded one (its record id, 32 hex digits).
    #[arg(long)]
    corrects: Option<String>,
    /// Staff confirm a second payment of the same person for months the device already holds
    /// a payment of (without it, such a payment is refused, naming the earlier receipt).
    #[arg(long)]
    confirm_duplicate: bool,
    /// Offline demonstration on a device without a server key: the record is sealed to the
    /// development key and can never be sent. Without it such a device takes no enrollment.
    #[arg(long)]
    demo: bool,
}

/// Today's date in Viet Nam (UTC+7, no daylight saving), from the system clock.
pub(crate) fn today_vn() -> Date {
    Date::in_vietnam(now())
        .unwrap_or_else(|_| Date::new(2026, 1, 1).unwrap_or_else(|_| unreachable!()))
}

/// 10:00 in Viet Nam on `d`, in seconds since the Unix epoch: the collection time recorded
/// when a date is given on the command line (tests and back-office entry).
fn ten_am_vn(d: Date) -> i64 {
    d.epoch_days() * 86_400 + 3 * 3600
}

fn day(on: &Option<String>, lang: Locale) -> Result<Date, Failure> {
    match on {
        Some(s) => Ok(Parse(lang).date("on", s)?),
        None => Ok(today_vn()),
    }
}

/// Every problem, as the JSON the CLI prints and the kiosk shows.
fn problems_json(p: &Problems, lang: Locale) -> Value {
    let list: Vec<Value> = p
        .iter()
        .map(|p| json!({"field": p.field.as_str(), "code": p.code.as_str(), "message": p.message(lang.core()).to_string()}))
        .collect();
    json!({"errors": list, "unlisted": p.unlisted()})
}

/// Reads and validates the record on standard input: the enrollment, or an outcome to print.
fn read_valid(
    table: &PolicyTable<'_>,
    today: Date,
    lang: Locale,
) -> Result<Result<ansinh_enrollment::Enrollment, Outcome>, Failure> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let parsed = match EnrollmentJson::parse(&text) {
        Ok(p) => p,
        Err(e) => {
            let message = tr!(lang, "cli-record-invalid-json", reason = e.to_string());
            return Err(Failure::Input(InputError {
                field: String::new(),
                code: "invalid_json",
                message,
            }));
        }
    };
    match parsed.validate(table, today) {
        Ok(e) => Ok(Ok(e)),
        Err(p) => {
            let text: String = p
                .iter()
                .map(|p| {
                    format!(
                        "{} ({}): {}\n",
                        tr!(lang, "cli-error"),
                        p.field,
                        p.message(lang.core())
                    )
                })
                .collect();
            Ok(Err(Outcome::Rejected(problems_json(&p, lang), text)))
        }
    }
}

pub(crate) fn validate(
    table: &PolicyTable<'_>,
    a: &ValidateArgs,
    lang: Locale,
) -> Result<Outcome, Failure> {
    let today = day(&a.on, lang)?;
    match read_valid(table, today, lang)? {
        Ok(e) => {
            let normal = serde_json::to_value(EnrollmentJson::from_enrollment(&e))?;
            let text = serde_json::to_string_pretty(&normal)?;
            Ok(Outcome::Done(normal, text))
        }
        Err(outcome) => Ok(outcome),
    }
}

/// The collection point and agent code of a new record: the flags, else what the device
/// remembers; flags given are remembered. Without both, a receipt could not say where and by
/// whom the money was taken, so the record is refused.
fn collection_point(
    data: &DataDir,
    outbox: &mut Outbox,
    a: &EnqueueArgs,
    lang: Locale,
) -> Result<CollectionPoint, Failure> {
    let stored = CollectionPoint::stored(data, outbox).map_err(|e| Failure::Other(e.into()))?;
    let given = |flag: &Option<String>| {
        flag.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
    };
    let point = CollectionPoint {
        device_id: stored.device_id,
        name: given(&a.collection_point).unwrap_or_else(|| stored.name.clone()),
        agent_code: given(&a.agent_code).unwrap_or_else(|| stored.agent_code.clone()),
    };
    let missing: Vec<(&str, &str, &str)> = [
        (
            "collection-point",
            point.name.as_str(),
            tr!(lang, "cli-enqueue-collection-point"),
            "\"Bưu điện xã Thanh Trì\"",
        ),
        ("agent-code", point.agent_code.as_str(), tr!(lang, "cli-enqueue-agent-code"), "DL-0001"),
    ]
    .into_iter()
    .filter(|(_, value, _, _)| value.trim().is_empty())
    .map(|(field, _, what, example)| (field, what, example))
    .collect();
    if let Some((field, _, _)) = missing.first() {
        let what: Vec<String> = missing.iter().map(|(f, w, _)| format!("{w} (--{f})")).collect();
        let example: Vec<String> = missing.iter().map(|(f, _, e)| format!("--{f} {e}")).collect();
        let command =
            format!("ansinh enqueue --data-dir {} {}", shell_word(&a.data_dir), example.join(" "));
        let what = what.join(&format!(" {} ", tr!(lang, "cli-and")));
        let message = tr!(
            lang,
            "cli-enqueue-no-collection-point",
            what = what,
            count = missing.len(),
            command = command
        );
        return Err(Failure::Input(InputError {
            field: (*field).into(),
            code: "missing_argument",
            message,
        }));
    }
    if point != stored {
        point.remember(outbox).map_err(|e| Failure::Other(e.into()))?;
    }
    Ok(point)
}

pub(crate) fn enqueue(
    table: &PolicyTable<'_>,
    a: &EnqueueArgs,
    lang: Locale,
) -> Result<Outcome, Failure> {
    let today = day(&a.on, lang)?;
    let corrects = match &a.corrects {
        None => None,
        Some(hex_id) => {
            let mut id = [0u8; 16];
            hex::decode_to_slice(hex_id.trim(), &mut id).map_err(|_| {
                Failure::Input(InputError {
                    field: "corrects".into(),
                    code: "invalid_record_id",
                    message: tr!(lang, "cli-enqueue-invalid-record-id").into(),
                })
            })?;
            Some(id)
        }
    };
    let enrollment = match read_valid(table, today, lang)? {
        Ok(e) => e,
        Err(outcome) => return Ok(outcome),
    };
    let data = DataDir::open(&a.data_dir).map_err(|e| Failure::Other(e.into()))?;
    let (mut outbox, source) = data.outbox().map_err(|e| Failure::Other(e.into()))?;
    // Money taken against a record no server can open would never reach the office: a real
    // enrollment needs the server's key, a demonstration says so.
    match (source, a.demo) {
        (KeySource::Development, false) => {
            return Err(Failure::Input(InputError {
                field: "data-dir".into(),
                code: "not_provisioned",
                message: tr!(lang, "cli-enqueue-not-provisioned").into(),
            }));
        }
        (KeySource::Provisioned, true) => {
            return Err(Failure::Input(InputError {
                field: "demo".into(),
                code: "demo_on_provisioned_device",
                message: tr!(lang, "cli-enqueue-demo-registered").into(),
            }));
        }
        _ => {}
    }
    crate::device::check_clock(&outbox, &a.data_dir, lang)?;
    let point = collection_point(&data, &mut outbox, a, lang)?;
    let at = if a.on.is_some() { ten_am_vn(today) } else { now() };
    let pseudonyms = data.pseudonym_key().map_err(|e| Failure::Other(e.into()))?;
    let options = CommitOptions {
        corrects,
        duplicates: if a.confirm_duplicate { Duplicates::Confirmed } else { Duplicates::Refuse },
        ..CommitOptions::new(&pseudonyms)
    };
    let result = commit(&mut outbox, &enrollment, table, today, at, &point, &options);
    if let Err(EnrollError::PossibleDuplicate(earlier)) = &result {
        return Ok(possible_duplicate(earlier, lang));
    }
    let (committed, amounts) = result.map_err(|e| match e {
        EnrollError::Outbox(ansinh_outbox::Error::WrongState { .. }) => {
            Failure::Input(InputError {
                field: "corrects".into(),
                code: "correction_before_upload",
                message: tr!(lang, "cli-enqueue-correction-before-upload").into(),
            })
        }
        EnrollError::Outbox(ansinh_outbox::Error::NotFound(_)) => Failure::Input(InputError {
            field: "corrects".into(),
            code: "record_not_found",
            message: tr!(lang, "cli-enqueue-record-not-found").into(),
        }),
        other => Failure::Other(other.into()),
    })?;
    let id = hex::encode(committed.record_id);
    let value = json!({
        "record_id": id,
        "receipt_no": committed.receipt_no,
        "scheme": enrollment.scheme(),
        "mode": amounts.mode,
        "amount": amounts.amount,
        "gross": amounts.gross,
        "support_national": amounts.support_national,
        "support_local": amounts.support_local,
        "policy_version": amounts.policy_version,
        "estimate": amounts.estimate,
        "key_source": source,
        "collection_point": point.name,
        "agent_code": point.agent_code,
    });
    let text = format!(
        "{id} {} {} {} {}",
        committed.receipt_no,
        amounts.amount,
        enrollment.scheme(),
        amounts.mode
    );
    Ok(Outcome::Done(value, text))
}

/// The refusal of a possible double payment (exit 2): each earlier receipt with its months, and
/// how staff confirm.
fn possible_duplicate(earlier: &[EarlierPayment], lang: Locale) -> Outcome {
    let mut lines: Vec<String> = earlier
        .iter()
        .map(|e| {
            let household = e.scheme == "household-bhyt";
            let who = if household {
                tr!(lang, "cli-duplicate-member", name = e.masked_name.as_str())
            } else {
                tr!(lang, "cli-duplicate-this-person").to_string()
            };
            let scheme = if household {
                tr!(lang, "cli-duplicate-household")
            } else {
                tr!(lang, "cli-duplicate-voluntary")
            };
            tr!(
                lang,
                "cli-duplicate-earlier",
                who = who,
                receipt = e.receipt_no,
                period = e.period(),
                scheme = scheme
            )
        })
        .collect();
    lines.push(tr!(lang, "cli-duplicate-what-to-do").into());
    let month = |m: ansinh_core::Month| format!("{}-{:02}", m.year(), m.number());
    let list: Vec<Value> = earlier
        .iter()
        .map(|e| {
            json!({
                "member": e.member,
                "masked_name": e.masked_name,
                "scheme": e.scheme,
                "receipt_no": e.receipt_no,
                "state": e.state.as_str(),
                "from": month(e.from),
                "until": month(e.until),
                "amount": e.amount,
            })
        })
        .collect();
    let value = json!({"error": {
        "field": "confirm-duplicate",
        "code": "possible_double_payment",
        "message": lines.join(" "),
        "earlier": list,
    }});
    Outcome::Rejected(value, lines.join("\n") + "\n")
}
