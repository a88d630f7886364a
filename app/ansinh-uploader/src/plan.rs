//! The uploader's decisions, with no I/O (the sans-I/O core, after Glean's upload manager).
//!
//! - [`judge`] turns what came back from one attempt ([`Answer`]) into a [`Verdict`] on the
//!   batch: acknowledged, retry later, split, hold one record, or blocked (the device itself
//!   is refused). Every failure is classed retryable or permanent ([`Verdict::class`]).
//! - Only the server's signature quarantines a record: a per-record conflict or rejection in a
//!   verified acknowledgement. An unsigned error answer (a proxy's, a captive portal's, an
//!   attacker's) may delay records or block the device, never take a record out of the queue.
//! - [`plan_records`] turns a verified acknowledgement into what happens to each record.
//! - [`backoff_secs`] is the wait after consecutive failures: exponential, capped, jittered.
//!
//! Time and randomness are parameters, so every decision is tested with plain values.

use ansinh_wire::{AckBody, Channel, Outcome, RecordId};
use ed25519_dalek::VerifyingKey;

/// How the uploader sends and retries: batch sizes, the backoff after failures, the request
/// timeout and when staff are alarmed; each with the reason for its default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Sealed bytes per batch. 32 KiB is about 4 s on a 64 kbit/s 2G link: short enough that a
    /// cut connection wastes little, long enough that the per-request overhead stays small.
    pub batch_bytes: usize,
    /// Batches per sync at most, so one sync always ends (1,000 records need about 40).
    pub max_batches_per_sync: u32,
    /// First wait after a failure. Ten seconds rides out a dropped packet or a cell handover.
    pub base_delay_secs: i64,
    /// Longest wait. Thirty minutes: a site that comes back online sends within half an hour.
    pub max_delay_secs: i64,
    /// Staff are alarmed once records have waited this many days without a sync.
    pub alarm_after_days: i64,
    /// Longest time one request may take, answer included. One 32 KiB batch takes about 4 s
    /// at 64 kbit/s; a minute covers a slow 2G link with retransmissions and gives up on a
    /// hung connection well before the next attempt.
    pub request_timeout_secs: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            batch_bytes: 32 * 1024,
            max_batches_per_sync: 200,
            base_delay_secs: 10,
            max_delay_secs: 30 * 60,
            alarm_after_days: 3,
            request_timeout_secs: 60,
        }
    }
}

/// What one attempt to send a batch produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The server answered with this status and body.
    Http {
        /// HTTP status.
        status: u16,
        /// Body bytes.
        body: Vec<u8>,
    },
    /// No complete answer: connection refused, timeout, cut mid-request or mid-response.
    NoAnswer(String),
}

/// Whether a failure may go away by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Try again later with the same records.
    Retryable,
    /// Trying again unchanged cannot succeed: a person must act.
    Permanent,
}

/// What to do with a batch after an attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A verified acknowledgement for exactly this batch.
    Acknowledged(AckBody),
    /// Put the records back and wait (network down, server error, replay, forged answer).
    Retry(String),
    /// The server refused the batch as a whole: send the records in smaller batches so that a
    /// record it cannot take is found and quarantined alone.
    Split(String),
    /// A one-record batch refused as a whole by an unsigned answer: the record waits the
    /// longest delay (staff see why) while the rest of the queue goes on. Never a quarantine:
    /// anyone on the path can send a 400.
    Hold(String),
    /// The server refuses this device (revoked, unknown, protocol too old): stop sending,
    /// keep the records queued, tell staff.
    Blocked(String),
}

impl Verdict {
    /// The class of the failure (an acknowledgement is not a failure: `None`).
    pub fn class(&self) -> Option<Class> {
        match self {
            Verdict::Acknowledged(_) => None,
            Verdict::Retry(_) | Verdict::Split(_) | Verdict::Hold(_) => Some(Class::Retryable),
            Verdict::Blocked(_) => Some(Class::Permanent),
        }
    }
}

/// The server's error body: `{"error": {"code", "message"}}`.
pub(crate) fn error_code(body: &[u8]) -> (String, String) {
    #[derive(serde::Deserialize)]
    struct Inner {
        code: String,
        #[serde(default)]
        message: String,
    }
    #[derive(serde::Deserialize)]
    struct Outer {
        error: Inner,
    }
    match serde_json::from_slice::<Outer>(body) {
        Ok(o) => (o.error.code, o.error.message),
        Err(_) => (String::new(), String::new()),
    }
}

/// Judges one attempt to send a batch of `records` records on `channel` for `device_id`.
pub fn judge(
    answer: &Answer,
    device_id: u64,
    channel: Channel,
    records: usize,
    server_key: &VerifyingKey,
) -> Verdict {
    let (status, body) = match answer {
        Answer::NoAnswer(why) => return Verdict::Retry(format!("no answer: {why}")),
        Answer::Http { status, body } => (*status, body),
    };
    let whole_batch = |reason: String| {
        if records > 1 { Verdict::Split(reason) } else { Verdict::Hold(reason) }
    };
    match status {
        200 => match ansinh_wire::open_ack(body, server_key) {
            Ok(ack) if ack.device_id == device_id && ack.channel == channel => {
                Verdict::Acknowledged(ack)
            }
            // An ack for another batch (a proxy mixing answers up): the server may or may not
            // hold the records; resending is safe because it deduplicates by record id.
            Ok(_) => Verdict::Retry("acknowledgement for another batch".into()),
            // Forged, damaged or not an ack at all (a captive portal's page): never trusted.
            Err(e) => Verdict::Retry(format!("acknowledgement refused: {e}")),
        },
        400 => {
            let (code, _) = error_code(body);
            if code == "unsupported_version" {
                Verdict::Blocked(
                    "unsupported_version: the collection server needs a newer version of ansinh"
                        .into(),
                )
            } else {
                whole_batch(format!("refused by the server: {}", or_status(&code, status)))
            }
        }
        413 => whole_batch("too_large: refused by the server as too large".into()),
        401 | 403 => {
            let (code, message) = error_code(body);
            Verdict::Blocked(format!("{}: {message}", or_status(&code, status)))
        }
        // A replay means this counter was already used (a duplicated request reached the server
        // first, or the device was restored from a backup): the next attempt has a new counter.
        409 => Verdict::Retry("replayed_batch".into()),
        _ => Verdict::Retry(format!("HTTP {status}")),
    }
}

fn or_status(code: &str, status: u16) -> String {
    if code.is_empty() { format!("HTTP {status}") } else { code.to_string() }
}

/// What happens to each record of an acknowledged batch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordPlan {
    /// The server holds them (accepted now or before): acknowledged, never sent again.
    pub acknowledge: Vec<RecordId>,
    /// Of those, how many the server already held (duplicates).
    pub duplicates: usize,
    /// Conflicts and rejections, with the reason staff see.
    pub quarantine: Vec<(RecordId, String)>,
    /// Sent but missing from the acknowledgement: back to the queue.
    pub retry: Vec<RecordId>,
}

/// The plan for the records `sent` given a verified acknowledgement.
pub fn plan_records(sent: &[RecordId], ack: &AckBody) -> RecordPlan {
    let mut plan = RecordPlan::default();
    for id in sent {
        // The first result for an id counts; results for ids not sent are ignored.
        match ack.results.iter().find(|r| &r.record_id == id).map(|r| &r.outcome) {
            Some(Outcome::Accepted) => plan.acknowledge.push(*id),
            Some(Outcome::Duplicate) => {
                plan.acknowledge.push(*id);
                plan.duplicates += 1;
            }
            Some(Outcome::Conflict) => plan.quarantine.push((
                *id,
                "conflict: the collection server holds different data under this record id".into(),
            )),
            Some(Outcome::Rejected { code }) => {
                plan.quarantine.push((*id, format!("rejected by the collection server: {code}")));
            }
            None => plan.retry.push(*id),
        }
    }
    plan
}

/// Seconds to wait after `failures` consecutive failures (1 or more): the base delay doubled
/// per failure up to the cap, then "equal jitter" (half fixed, half random from `random`), so
/// that devices cut off together by one outage do not all come back in the same second.
pub fn backoff_secs(failures: u32, policy: &RetryPolicy, random: u64) -> i64 {
    let base = policy.base_delay_secs.max(1);
    let cap = policy.max_delay_secs.max(base);
    let shift = failures.saturating_sub(1).min(30);
    let delay = base.saturating_mul(1_i64 << shift).min(cap);
    let half = delay / 2;
    let spread = u64::try_from(delay - half).unwrap_or(0) + 1;
    half + i64::try_from(random % spread).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_wire::{PROTOCOL_VERSION, RecordResult, generate_signing_key, sign_ack};

    fn ack(device_id: u64, counter: u64, results: Vec<RecordResult>) -> AckBody {
        AckBody {
            version: PROTOCOL_VERSION,
            device_id,
            channel: Channel::Network { counter },
            results,
            audit_through: 0,
            server_time: 1_800_000_000,
            epoch: [0; 16],
        }
    }

    fn http(status: u16, body: &[u8]) -> Answer {
        Answer::Http { status, body: body.to_vec() }
    }

    #[test]
    fn a_signed_matching_ack_is_accepted_and_nothing_else() -> Result<(), ansinh_wire::Error> {
        let server = generate_signing_key();
        let key = server.verifying_key();
        let ch = Channel::Network { counter: 7 };
        let good = sign_ack(&ack(3, 7, vec![]), &server)?;
        assert!(matches!(judge(&http(200, &good), 3, ch, 2, &key), Verdict::Acknowledged(_)));
        // Another batch's ack, another device's ack, a forged ack, a portal page: retry.
        let other = sign_ack(&ack(3, 8, vec![]), &server)?;
        let device = sign_ack(&ack(4, 7, vec![]), &server)?;
        let forged = sign_ack(&ack(3, 7, vec![]), &generate_signing_key())?;
        for body in [other, device, forged, b"<html>login</html>".to_vec()] {
            let v = judge(&http(200, &body), 3, ch, 2, &key);
            assert!(matches!(v, Verdict::Retry(_)), "{v:?}");
            assert_eq!(v.class(), Some(Class::Retryable));
        }
        Ok(())
    }

    #[test]
    fn statuses_are_classed() {
        let key = generate_signing_key().verifying_key();
        let ch = Channel::Network { counter: 1 };
        let err = |code: &str| format!(r#"{{"error":{{"code":"{code}","message":"m"}}}}"#);
        let cases: Vec<(Answer, usize, &str)> = vec![
            (Answer::NoAnswer("timeout".into()), 5, "retry"),
            (http(500, b""), 5, "retry"),
            (http(502, b"bad gateway"), 5, "retry"),
            (http(429, b""), 5, "retry"),
            (http(429, err("rate_limited").as_bytes()), 1, "retry"),
            (http(404, b""), 5, "retry"),
            (http(409, err("replayed_batch").as_bytes()), 5, "retry"),
            (http(413, err("too_large").as_bytes()), 5, "split"),
            (http(413, err("too_large").as_bytes()), 1, "hold"),
            (http(400, err("malformed").as_bytes()), 5, "split"),
            (http(400, b"garbage"), 1, "hold"),
            (http(400, err("malformed").as_bytes()), 1, "hold"),
            (http(400, err("malformed").as_bytes()), 0, "hold"),
            (http(400, err("unsupported_version").as_bytes()), 5, "blocked"),
            (http(401, err("unknown_device").as_bytes()), 5, "blocked"),
            (http(401, err("bad_signature").as_bytes()), 1, "blocked"),
            (http(403, err("device_revoked").as_bytes()), 5, "blocked"),
        ];
        for (answer, n, want) in cases {
            let got = match judge(&answer, 1, ch, n, &key) {
                Verdict::Acknowledged(_) => "ack",
                Verdict::Retry(_) => "retry",
                Verdict::Split(_) => "split",
                Verdict::Hold(_) => "hold",
                Verdict::Blocked(_) => "blocked",
            };
            assert_eq!(got, want, "{answer:?} with {n} records");
        }
        let revoked = judge(&http(403, err("device_revoked").as_bytes()), 1, ch, 1, &key);
        assert_eq!(revoked, Verdict::Blocked("device_revoked: m".into()));
        assert_eq!(revoked.class(), Some(Class::Permanent));
    }

    #[test]
    fn each_record_gets_its_outcome() {
        let ids: Vec<RecordId> = (1..=5u8).map(|i| [i; 16]).collect();
        let results = vec![
            RecordResult { record_id: ids[0], outcome: Outcome::Accepted },
            RecordResult { record_id: ids[1], outcome: Outcome::Duplicate },
            RecordResult { record_id: ids[2], outcome: Outcome::Conflict },
            RecordResult {
                record_id: ids[3],
                outcome: Outcome::Rejected { code: "invalid:personal_id:checksum".into() },
            },
            // Not sent: ignored.
            RecordResult { record_id: [9; 16], outcome: Outcome::Accepted },
        ];
        let plan = plan_records(&ids, &ack(1, 1, results));
        assert_eq!(plan.acknowledge, vec![ids[0], ids[1]]);
        assert_eq!(plan.duplicates, 1);
        assert_eq!(plan.quarantine.len(), 2);
        assert!(plan.quarantine[0].1.starts_with("conflict"));
        assert!(plan.quarantine[1].1.ends_with("invalid:personal_id:checksum"));
        assert_eq!(plan.retry, vec![ids[4]]);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_bounded_jitter() {
        let p = RetryPolicy { base_delay_secs: 10, max_delay_secs: 600, ..RetryPolicy::default() };
        // Without randomness (random = 0) the wait is the fixed half.
        let fixed: Vec<i64> = (1..=8).map(|f| backoff_secs(f, &p, 0)).collect();
        assert_eq!(fixed, vec![5, 10, 20, 40, 80, 160, 300, 300]);
        for failures in [1, 2, 5, 40, u32::MAX] {
            for random in [0, 1, 7, 1_000_003, u64::MAX] {
                let d = backoff_secs(failures, &p, random);
                let full = (10_i64 << (failures - 1).min(30)).min(600);
                assert!(d >= full / 2 && d <= full, "failures {failures}: {d}");
            }
        }
    }
}
