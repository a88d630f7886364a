//! What the device makes of the collection server's answer to a batch
//! (`ansinh_uploader::plan::judge`): any status and body, as a captive portal, a proxy or a
//! forger may send them, and, when the input says so, an acknowledgement the server signed (for
//! this batch or for any).
//!
//! - A batch counts as acknowledged only on a 200 with an acknowledgement the server signed,
//!   for this device and this batch, and then it is exactly that acknowledgement; every other
//!   answer is a failure with a class.
//! - A refusal of the device itself (401, 403, an unsupported protocol) stops sending; a batch
//!   refused whole (400, 413) is split, or held back when it is one record: an unsigned
//!   answer never quarantines.
//! - For an acknowledgement, every record sent lands in exactly one of acknowledged,
//!   quarantined or sent again.
#![no_main]

use ansinh_uploader::plan::{Answer, Verdict, judge, plan_records};
use ansinh_wire::{AckBody, Channel, sign_ack};
use ed25519_dalek::SigningKey;
use libfuzzer_sys::arbitrary::{Result as ArbitraryResult, Unstructured};
use libfuzzer_sys::fuzz_target;

const DEVICE_ID: u64 = 7;
/// Statuses the server answers with (PROTOCOL.md), and any other.
const STATUSES: &[u16] = &[200, 400, 401, 403, 409, 413, 500, 503];

struct Case {
    answer: Answer,
    channel: Channel,
    records: usize,
    /// The acknowledgement the server signed, when the body is one.
    signed: Option<AckBody>,
}

fn case(u: &mut Unstructured, server: &SigningKey) -> ArbitraryResult<Case> {
    let status = if u.arbitrary()? { *u.choose(STATUSES)? } else { u.arbitrary()? };
    let channel = Channel::Network { counter: u.arbitrary()? };
    let records = u.int_in_range(0..=1000)?;
    let sign: bool = u.arbitrary()?;
    let for_this_batch: bool = u.arbitrary()?;
    let rest = u.bytes(u.len())?;
    let mut signed = None;
    let mut body = rest.to_vec();
    if sign && let Ok((mut ack, _)) = postcard::take_from_bytes::<AckBody>(rest) {
        if for_this_batch {
            (ack.device_id, ack.channel) = (DEVICE_ID, channel);
        }
        body = sign_ack(&ack, server).expect("an acknowledgement within the bounds signs");
        signed = Some(ack);
    }
    Ok(Case { answer: Answer::Http { status, body }, channel, records, signed })
}

fuzz_target!(|data: &[u8]| {
    let server = SigningKey::from_bytes(&[0xa7; 32]);
    let Ok(c) = case(&mut Unstructured::new(data), &server) else { return };
    let Answer::Http { status, body } = &c.answer else { return };
    let verdict = judge(&c.answer, DEVICE_ID, c.channel, c.records, &server.verifying_key());
    assert_eq!(verdict.class().is_none(), matches!(verdict, Verdict::Acknowledged(_)));
    match &verdict {
        Verdict::Acknowledged(ack) => {
            assert_eq!(*status, 200);
            assert_eq!(Some(ack), c.signed.as_ref(), "acknowledged without the server's signature");
            assert_eq!((ack.device_id, ack.channel), (DEVICE_ID, c.channel), "another batch's ack");
            let mut sent: Vec<_> = ack.results.iter().map(|r| r.record_id).collect();
            sent.sort_unstable();
            sent.dedup();
            // A record the acknowledgement does not mention.
            let missing = (0..=u8::MAX).map(|b| [b; 16]).find(|id| !sent.contains(id));
            sent.extend(missing);
            let plan = plan_records(&sent, ack);
            let planned = plan.acknowledge.len() + plan.quarantine.len() + plan.retry.len();
            assert_eq!(planned, sent.len(), "a record in no plan, or in two");
            assert!(plan.duplicates <= plan.acknowledge.len());
            assert!(missing.is_none_or(|id| plan.retry.contains(&id)));
        }
        Verdict::Blocked(_) => {
            let error = serde_json::from_slice::<serde_json::Value>(body).unwrap_or_default();
            let unsupported = error["error"]["code"] == "unsupported_version";
            assert!(
                matches!(status, 401 | 403) || (*status == 400 && unsupported),
                "{status} blocked the device"
            );
        }
        Verdict::Split(_) => assert!(matches!(status, 400 | 413) && c.records > 1),
        // Never a quarantine: only a signed per-record outcome takes a record out of the queue.
        Verdict::Hold(_) => assert!(matches!(status, 400 | 413) && c.records <= 1),
        Verdict::Retry(_) => assert!(!matches!(status, 401 | 403 | 413)),
    }
});
