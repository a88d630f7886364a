//! The outbox as the counter and the uploader use it: enqueue, states, voids, corrections,
//! quarantine, purge, statistics, a full disk, and no personal data in clear on disk.

use std::path::Path;

use ansinh_outbox::{
    CHECKPOINT_PAGES, Error, NewRecord, Outbox, Payment, RecordId, State, Summary, new_record_id,
};
use ansinh_wire::OpeningKey;
use zeroize::Zeroizing;

type R = Result<(), Box<dyn std::error::Error>>;

const NAME: &str = "NGUYỄN THỊ HỒNG NHUNG";
const ID: &str = "001179012345";

fn summary(amount: u64) -> Summary {
    Summary {
        scheme: "voluntary-si".into(),
        mode: "3".into(),
        amount,
        gross: 990_000,
        support_national: 396_000,
        support_local: 0,
        masked_name: "NGUYỄN T*** H*** N****".into(),
        policy_version: "VN-2026-11-22".into(),
        ..Summary::default()
    }
}

fn record(receipt_no: i64, id: RecordId, corrects: Option<RecordId>) -> NewRecord {
    NewRecord {
        record_id: id,
        summary: summary(594_000),
        plaintext: Zeroizing::new(
            format!("{receipt_no}|{NAME}|{ID}|{}", "x".repeat(300)).into_bytes(),
        ),
        corrects,
    }
}

fn enqueue(outbox: &mut Outbox, now: i64) -> Result<(i64, RecordId), Error> {
    let id = new_record_id();
    let c = outbox.enqueue(now, |no| Ok::<_, String>(record(no, id, None)))?;
    Ok((c.receipt_no, id))
}

fn setup(dir: &Path) -> Result<(Outbox, OpeningKey), Error> {
    let key = OpeningKey::generate();
    let outbox = Outbox::open(&dir.join("outbox.sqlite"), key.sealing_key())?;
    Ok((outbox, key))
}

fn decode_ok(plain: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(plain).map_err(|e| e.to_string())?;
    if text.contains(NAME) { Ok(()) } else { Err("unexpected content".into()) }
}

#[test]
fn receipts_are_gapless_and_records_open_with_the_server_key() -> R {
    let dir = tempfile::tempdir()?;
    let (mut outbox, key) = setup(dir.path())?;
    for expected in 1..=5 {
        assert_eq!(enqueue(&mut outbox, 1_000)?.0, expected);
    }
    // A build failure writes nothing and uses no receipt number.
    let failed = outbox.enqueue(1_001, |_| Err::<NewRecord, _>("invalid record"));
    assert!(matches!(failed, Err(Error::Build(ref m)) if m == "invalid record"));
    assert_eq!(enqueue(&mut outbox, 1_002)?.0, 6);
    let report = outbox.verify(Some(&key), decode_ok)?;
    assert!(report.is_ok(), "{report:?}");
    assert_eq!((report.records, report.opened), (6, 6));
    // Without the key the device can still check the bytes are unchanged.
    let blind = outbox.verify(None, decode_ok)?;
    assert!(blind.is_ok() && blind.opened == 0);
    let journal = outbox.journal(0)?;
    assert_eq!(journal.len(), 6);
    assert!(journal.iter().all(|j| j.kind == "collect" && j.amount == 594_000));
    Ok(())
}

#[test]
fn delivery_states_and_exactly_once() -> R {
    let dir = tempfile::tempdir()?;
    let (mut outbox, _key) = setup(dir.path())?;
    let sender = outbox.take_sender(1_000)?;
    let ids: Vec<RecordId> =
        (0..4).map(|_| enqueue(&mut outbox, 1_000).map(|r| r.1)).collect::<Result<_, _>>()?;
    // Batches are bounded by bytes, always at least one record.
    let first = outbox.claim_batch(&sender, 1_010, 1)?;
    assert_eq!(first.len(), 1);
    let rest = outbox.claim_batch(&sender, 1_010, 1 << 20)?;
    assert_eq!(rest.len(), 3);
    assert!(
        outbox.claim_batch(&sender, 1_010, 1 << 20)?.is_empty(),
        "nothing is sent twice at once"
    );
    // The server acknowledges two; the other two failed and retry later.
    assert_eq!(outbox.acknowledge(&ids[..2], 1_020)?, 2);
    assert_eq!(outbox.acknowledge(&ids[..2], 1_021)?, 0, "acknowledging again changes nothing");
    outbox.retry_later(&ids[2..], 1_020, 1_080, "timeout")?;
    assert!(outbox.claim_batch(&sender, 1_030, 1 << 20)?.is_empty(), "not before the backoff");
    assert_eq!(outbox.stats(1_030)?.next_attempt_at, Some(1_080));
    let again = outbox.claim_batch(&sender, 1_080, 1 << 20)?;
    assert_eq!(again.iter().map(|o| o.record_id).collect::<Vec<_>>(), ids[2..].to_vec());
    // An acknowledged record is never handed out again.
    outbox.acknowledge(&ids[2..], 1_090)?;
    assert!(outbox.claim_batch(&sender, 9_999, 1 << 20)?.is_empty());
    let stats = outbox.stats(2_000)?;
    assert_eq!(
        (stats.acknowledged, stats.unsent(), stats.last_acknowledged_at),
        (4, 0, Some(1_090))
    );
    assert_eq!(stats.oldest_unsent_age, None);
    assert_eq!(stats.next_attempt_at, None, "nothing queued, nothing to try");
    Ok(())
}

#[test]
fn a_sync_asked_for_makes_records_waiting_out_a_backoff_due_now() -> R {
    let dir = tempfile::tempdir()?;
    let (mut outbox, _key) = setup(dir.path())?;
    let sender = outbox.take_sender(1_000)?;
    let ids: Vec<RecordId> =
        (0..3).map(|_| enqueue(&mut outbox, 1_000).map(|r| r.1)).collect::<Result<_, _>>()?;
    assert_eq!(outbox.claim_batch(&sender, 1_000, 1 << 20)?.len(), 3);
    outbox.retry_later(&ids[..2], 1_000, 2_800, "no answer")?;
    outbox.quarantine(&ids[2], "conflict", 1_000)?;
    assert!(outbox.claim_batch(&sender, 1_010, 1 << 20)?.is_empty(), "backing off");
    // Only this outbox's sender may do it.
    let elsewhere = tempfile::tempdir()?;
    let wrong = setup(elsewhere.path())?.0.take_sender(1_010)?;
    assert!(matches!(outbox.due_now(&wrong, 1_010), Err(Error::NotSender)));
    assert_eq!(outbox.due_now(&sender, 1_010)?, 2, "the quarantined record is not touched");
    assert_eq!(outbox.stats(1_010)?.next_attempt_at, Some(1_010));
    let sent = outbox.claim_batch(&sender, 1_010, 1 << 20)?;
    assert_eq!(sent.iter().map(|o| o.record_id).collect::<Vec<_>>(), ids[..2].to_vec());
    assert_eq!(outbox.get(3)?.state, State::Quarantined);
    assert_eq!(outbox.due_now(&sender, 1_020)?, 0, "nothing waits any more");
    Ok(())
}

#[test]
fn opening_the_outbox_elsewhere_leaves_a_batch_in_flight_alone() -> R {
    let dir = tempfile::tempdir()?;
    let (mut outbox, key) = setup(dir.path())?;
    enqueue(&mut outbox, 1_000)?;
    let sender = outbox.take_sender(1_000)?;
    assert_eq!(outbox.claim_batch(&sender, 1_000, 1 << 20)?.len(), 1);
    // Staff look at the queue, another record is taken, while the batch is out.
    let mut elsewhere = Outbox::open(&dir.path().join("outbox.sqlite"), key.sealing_key())?;
    enqueue(&mut elsewhere, 1_050)?;
    assert_eq!(elsewhere.get(1)?.state, State::Sending);
    assert_eq!((elsewhere.stats(1_060)?.sending, elsewhere.stats(1_060)?.queued), (1, 1));
    assert!(!elsewhere.audit_trail()?.iter().any(|a| a.event == "recovered_in_flight"));
    // The sender's answer still lands on the record it sent.
    assert_eq!(outbox.acknowledge(&[elsewhere.get(1)?.record_id], 1_070)?, 1);
    Ok(())
}

#[test]
fn one_sender_at_a_time_and_the_next_recovers_what_a_dead_one_left() -> R {
    let dir = tempfile::tempdir()?;
    let (mut outbox, key) = setup(dir.path())?;
    enqueue(&mut outbox, 1_000)?;
    enqueue(&mut outbox, 1_000)?;
    let first = outbox.take_sender(1_000)?;
    assert_eq!(outbox.claim_batch(&first, 1_000, 1 << 20)?.len(), 2);
    let mut other = Outbox::open(&dir.path().join("outbox.sqlite"), key.sealing_key())?;
    let refused = other.take_sender(1_010).map(|_| ());
    assert!(matches!(refused, Err(Error::SenderBusy)), "{refused:?}");
    assert!(refused.is_err_and(|e| e.is_retryable()));
    assert_eq!(other.stats(1_010)?.sending, 2, "a refused sender recovers nothing");
    // The first sender dies with its batch out: no retry_later, no acknowledgement.
    drop(first);
    drop(outbox);
    let second = other.take_sender(1_100)?;
    assert_eq!((other.get(1)?.state, other.get(2)?.state), (State::Queued, State::Queued));
    let recovered: Vec<_> =
        other.audit_trail()?.into_iter().filter(|a| a.event == "recovered_in_flight").collect();
    assert_eq!(recovered.len(), 1);
    assert_eq!(
        (recovered[0].at, recovered[0].detail.as_str()),
        (1_100, "2 records back to queued")
    );
    assert_eq!(other.claim_batch(&second, 1_100, 1 << 20)?.len(), 2, "sent again");
    Ok(())
}

#[test]
fn a_sender_role_claims_only_in_its_own_outbox() -> R {
    let (a, b) = (tempfile::tempdir()?, tempfile::tempdir()?);
    let (mut outbox_a, _) = setup(a.path())?;
    let (mut outbox_b, _) = setup(b.path())?;
    enqueue(&mut outbox_b, 1_000)?;
    let sender_a = outbox_a.take_sender(1_000)?;
    let wrong = outbox_b.claim_batch(&sender_a, 1_000, 1 << 20).map(|v| v.len());
    assert!(matches!(wrong, Err(Error::NotSender)), "{wrong:?}");
    assert_eq!(outbox_b.get(1)?.state, State::Queued);
    Ok(())
}

#[test]
fn stats_report_oldest_unsent_and_counts_in_one_query() -> R {
    let dir = tempfile::tempdir()?;
    let (mut outbox, _key) = setup(dir.path())?;
    let (_, a) = enqueue(&mut outbox, 1_000)?;
    enqueue(&mut outbox, 1_500)?;
    outbox.quarantine(&a, "server: conflict (different bytes)", 1_600)?;
    let s = outbox.stats(2_000)?;
    assert_eq!((s.queued, s.quarantined, s.unsent(), s.oldest_unsent_age), (1, 1, 2, Some(1_000)));
    Ok(())
}

#[test]
fn quarantine_is_visible_retryable_exportable_never_deleted() -> R {
    let dir = tempfile::tempdir()?;
    let (mut outbox, _key) = setup(dir.path())?;
    let sender = outbox.take_sender(1_000)?;
    let (no, id) = enqueue(&mut outbox, 1_000)?;
    assert!(matches!(outbox.quarantine(&id, " ", 1_001), Err(Error::ReasonRequired)));
    outbox.quarantine(&id, "rejected: unknown commune", 1_001)?;
    let listed = outbox.list(Some(State::Quarantined))?;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].quarantine_reason.as_deref(), Some("rejected: unknown commune"));
    assert_eq!(outbox.unsent()?.len(), 1, "a quarantined record can be carried out on USB");
    assert!(outbox.claim_batch(&sender, 9_999, 1 << 20)?.is_empty(), "not sent while quarantined");
    outbox.release(no, 1_002)?;
    assert_eq!(outbox.claim_batch(&sender, 1_003, 1 << 20)?.len(), 1);
    assert!(matches!(outbox.release(no, 1_004), Err(Error::WrongState { .. })));
    Ok(())
}

#[test]
fn voids_before_upload_only_and_corrections_after() -> R {
    let dir = tempfile::tempdir()?;
    let (mut outbox, _key) = setup(dir.path())?;
    let sender = outbox.take_sender(1_000)?;
    let (first, first_id) = enqueue(&mut outbox, 1_000)?;
    let (second, second_id) = enqueue(&mut outbox, 1_000)?;
    assert!(matches!(outbox.void(first, "", 1_001), Err(Error::ReasonRequired)));
    outbox.void(first, "sai mức thu nhập (wrong income)", 1_001)?;
    assert_eq!(outbox.get(first)?.state, State::Voided);
    assert!(outbox.claim_batch(&sender, 9_999, 1 << 20)?.iter().all(|o| o.receipt_no != first));
    let journal = outbox.journal(0)?;
    let void = journal.iter().find(|j| j.kind == "void").ok_or("no void line")?;
    assert_eq!(
        (void.receipt_no, void.amount, void.reason.as_deref()),
        (first, 594_000, Some("sai mức thu nhập (wrong income)"))
    );
    // After upload a record cannot be voided, and a correction refers to it.
    outbox.acknowledge(&[second_id], 1_010)?;
    assert!(matches!(outbox.void(second, "late", 1_011), Err(Error::WrongState { .. })));
    let fix_id = new_record_id();
    let fix = outbox.enqueue(1_012, |no| Ok::<_, String>(record(no, fix_id, Some(second_id))))?;
    assert_eq!(outbox.get(fix.receipt_no)?.corrects, Some(second_id));
    // A correction of a record not yet uploaded is refused: void it instead.
    let (_, queued_id) = enqueue(&mut outbox, 1_013)?;
    let early =
        outbox.enqueue(1_014, |no| Ok::<_, String>(record(no, new_record_id(), Some(queued_id))));
    assert!(matches!(early, Err(Error::WrongState { .. })));
    assert!(matches!(
        outbox.enqueue(1_014, |no| Ok::<_, String>(record(no, new_record_id(), Some(first_id)))),
        Err(Error::WrongState { .. })
    ));
    let trail = outbox.audit_trail()?;
    assert!(trail.iter().any(|a| a.event == "voided" && a.receipt_no == Some(first)));
    Ok(())
}

#[test]
fn purge_after_retention_keeps_a_non_personal_line() -> R {
    let dir = tempfile::tempdir()?;
    let (mut outbox, key) = setup(dir.path())?;
    let (no, id) = enqueue(&mut outbox, 1_000)?;
    enqueue(&mut outbox, 1_000)?;
    outbox.acknowledge(&[id], 2_000)?;
    assert_eq!(outbox.purge_acknowledged(86_400, 50_000)?, 0, "not before the retention");
    assert_eq!(outbox.purge_acknowledged(86_400, 2_000 + 86_400)?, 1);
    let row = outbox.get(no)?;
    assert!(row.purged && row.summary.masked_name.is_empty());
    assert_eq!(outbox.sealed(no)?, None);
    assert_eq!(row.summary.amount, 594_000, "the cash figures stay for the journal");
    let report = outbox.verify(Some(&key), decode_ok)?;
    assert!(report.is_ok(), "{report:?}");
    let line =
        outbox.audit_trail()?.into_iter().find(|a| a.event == "purged").ok_or("no purge line")?;
    assert!(!line.detail.contains("NGUY") && !line.detail.contains(ID));
    Ok(())
}

/// The server was restored from a backup: every acknowledged record still held goes back to
/// the queue, due now; a purged one cannot (its sealed bytes are gone) and stays as it is.
#[test]
fn acknowledged_records_still_held_are_queued_again() -> R {
    let dir = tempfile::tempdir()?;
    let (mut outbox, key) = setup(dir.path())?;
    let (purged, old) = enqueue(&mut outbox, 1_000)?;
    let (held, recent) = enqueue(&mut outbox, 1_000)?;
    let (queued, _) = enqueue(&mut outbox, 1_000)?;
    outbox.acknowledge(&[old], 2_000)?;
    outbox.purge_acknowledged(86_400, 2_000 + 86_400)?;
    outbox.acknowledge(&[recent], 90_000)?;
    assert_eq!(outbox.requeue_acknowledged(90_100, "the server was restored")?, 1);
    assert_eq!(outbox.get(held)?.state, State::Queued);
    assert_eq!(outbox.get(purged)?.state, State::Acknowledged);
    let unsent: Vec<i64> = outbox.unsent()?.iter().map(|o| o.receipt_no).collect();
    assert_eq!(unsent, [held, queued]);
    assert_eq!(outbox.requeue_acknowledged(90_200, "again")?, 0, "nothing left to send again");
    let line = outbox.audit_trail()?.into_iter().find(|a| a.event == "requeued_acknowledged");
    assert_eq!(line.map(|a| a.detail), Some("1 records: the server was restored".into()));
    assert!(outbox.verify(Some(&key), decode_ok)?.is_ok());
    Ok(())
}

#[test]
fn a_full_disk_fails_clearly_and_leaves_the_database_valid() -> R {
    let dir = tempfile::tempdir()?;
    let (mut outbox, key) = setup(dir.path())?;
    enqueue(&mut outbox, 1_000)?;
    let pages: i64 = outbox.limit_pages(i64::MAX)?;
    assert!(pages > 0);
    // Room for only a few more pages.
    let used = {
        let size = std::fs::metadata(dir.path().join("outbox.sqlite"))?.len() as i64;
        size / 4096 + 2
    };
    outbox.limit_pages(used)?;
    let mut committed = 1;
    let err = loop {
        match enqueue(&mut outbox, 1_001) {
            Ok(_) => committed += 1,
            Err(e) => break e,
        }
        assert!(committed < 10_000, "the page limit never bit");
    };
    assert!(matches!(err, Error::DiskFull), "{err:?}");
    assert!(err.is_retryable());
    assert!(err.to_string().contains("disk is full"), "{err}");
    let report = outbox.verify(Some(&key), decode_ok)?;
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.records, committed);
    // Space freed: the next enqueue gets the next receipt number.
    outbox.limit_pages(1 << 30)?;
    assert_eq!(enqueue(&mut outbox, 1_002)?.0, committed + 1);
    Ok(())
}

#[test]
fn no_name_or_personal_id_in_clear_on_disk() -> R {
    let dir = tempfile::tempdir()?;
    let (mut outbox, _key) = setup(dir.path())?;
    for _ in 0..20 {
        enqueue(&mut outbox, 1_000)?;
    }
    for file in ["outbox.sqlite", "outbox.sqlite-wal"] {
        let bytes = std::fs::read(dir.path().join(file))?;
        for needle in [NAME.as_bytes(), ID.as_bytes(), "HỒNG".as_bytes()] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{file} holds personal data in clear"
            );
        }
    }
    Ok(())
}

fn paying(
    outbox: &mut Outbox,
    now: i64,
    payments: &[Payment],
    confirmed: &[i64],
) -> Result<i64, Error> {
    let id = new_record_id();
    let c = outbox
        .enqueue_paying(now, payments, confirmed, |no| Ok::<_, String>(record(no, id, None)))?;
    Ok(c.receipt_no)
}

fn paid(person: u8, scheme: &str, first_month: u32, months: u32) -> Payment {
    Payment { person: [person; 32], scheme: scheme.into(), first_month, months }
}

/// Receipt numbers of `person`'s payments for `scheme` covering any month of `from..=until`.
fn overlaps(
    outbox: &Outbox,
    person: u8,
    scheme: &str,
    from: u32,
    until: u32,
) -> Result<Vec<i64>, Error> {
    Ok(outbox
        .overlapping_payments(&[person; 32], scheme, from, until)?
        .iter()
        .map(|p| p.receipt_no)
        .collect())
}

#[test]
fn overlapping_payments_are_the_same_person_scheme_and_months_until_voided_or_purged() -> R {
    let dir = tempfile::tempdir()?;
    let (mut outbox, _key) = setup(dir.path())?;
    let (si, bhyt) = ("voluntary-si", "household-bhyt");
    // Person 1 pays months 100–102 of voluntary SI; then a household pays 12 months for
    // person 2 and person 1.
    assert_eq!(paying(&mut outbox, 1_000, &[paid(1, si, 100, 3)], &[])?, 1);
    let household = [paid(2, bhyt, 100, 12), paid(1, bhyt, 100, 12)];
    assert_eq!(paying(&mut outbox, 1_001, &household, &[])?, 2);

    assert_eq!(overlaps(&outbox, 1, si, 102, 104)?, [1], "one month in common is enough");
    assert!(overlaps(&outbox, 1, si, 103, 105)?.is_empty(), "the next months are free");
    assert!(overlaps(&outbox, 1, si, 97, 99)?.is_empty(), "so are the months before");
    assert!(overlaps(&outbox, 2, si, 100, 102)?.is_empty(), "another person");
    assert_eq!(overlaps(&outbox, 1, bhyt, 111, 111)?, [2], "health insurance is its own");
    let found = outbox.overlapping_payments(&[1; 32], si, 100, 100)?;
    assert_eq!(
        (found[0].state, found[0].first_month, found[0].months, found[0].amount),
        (State::Queued, 100, 3, 594_000),
        "what staff are shown"
    );

    // Staff confirmed a second payment: committed, kept, and in the audit trail.
    assert_eq!(paying(&mut outbox, 1_002, &[paid(1, si, 101, 1)], &[1])?, 3);
    assert_eq!(overlaps(&outbox, 1, si, 101, 101)?, [1, 3]);
    let line = outbox
        .audit_trail()?
        .into_iter()
        .find(|a| a.event == "overlap_confirmed")
        .ok_or("no audit line")?;
    assert_eq!(
        (line.receipt_no, line.detail.as_str()),
        (Some(3), "staff confirmed; overlaps receipts 1")
    );

    // A voided record no longer counts.
    outbox.void(1, "nhập nhầm", 1_003)?;
    assert_eq!(overlaps(&outbox, 1, si, 100, 102)?, [3]);
    // Purge takes the pseudonyms with the rest of the personal data.
    let ids: Vec<RecordId> =
        outbox.list(None)?.iter().filter(|r| r.receipt_no == 2).map(|r| r.record_id).collect();
    outbox.acknowledge(&ids, 2_000)?;
    assert_eq!(overlaps(&outbox, 1, bhyt, 100, 111)?, [2], "acknowledged still counts");
    assert_eq!(outbox.purge_acknowledged(86_400, 2_000 + 86_400)?, 1);
    assert!(overlaps(&outbox, 1, bhyt, 100, 111)?.is_empty());
    assert!(overlaps(&outbox, 2, bhyt, 100, 111)?.is_empty());
    Ok(())
}

#[test]
fn the_idle_checkpoint_runs_once_enough_waits_and_keeps_the_wal_short() -> R {
    let dir = tempfile::tempdir()?;
    let (mut outbox, _key) = setup(dir.path())?;
    let size = |name: &str| std::fs::metadata(dir.path().join(name)).map(|m| m.len());
    // Each enqueue adds four to six pages to the WAL: enough for one checkpoint.
    let per_checkpoint = usize::try_from(CHECKPOINT_PAGES / 3)?;
    enqueue(&mut outbox, 1_000)?;
    let database = size("outbox.sqlite")?;
    assert!(!outbox.checkpoint_if_due(1_001)?, "too little waits");
    assert_eq!(size("outbox.sqlite")?, database, "nothing was copied into the database");
    for _ in 0..per_checkpoint {
        enqueue(&mut outbox, 1_002)?;
    }
    assert!(outbox.checkpoint_if_due(1_003)?);
    assert!(size("outbox.sqlite")? > database, "the records are in the database file now");
    assert!(!outbox.checkpoint_if_due(1_004)?, "and nothing waits any more");
    // Round after round the WAL starts again from its beginning: it does not grow.
    let wal = size("outbox.sqlite-wal")?;
    for round in 0..4 {
        for _ in 0..per_checkpoint {
            enqueue(&mut outbox, 1_010)?;
        }
        assert!(outbox.checkpoint_if_due(1_011)?, "round {round}");
        assert!(size("outbox.sqlite-wal")? <= wal + 8 * 4096, "round {round}");
    }
    assert_eq!(outbox.verify(None, decode_ok)?.records, 1 + 5 * per_checkpoint as i64);
    Ok(())
}

#[test]
fn counters_and_settings_persist() -> R {
    let dir = tempfile::tempdir()?;
    let (mut outbox, key) = setup(dir.path())?;
    assert_eq!((outbox.next_counter("batch")?, outbox.next_counter("batch")?), (1, 2));
    assert_eq!(outbox.next_counter("other")?, 1);
    outbox.set_setting("last_sync", "1700000000")?;
    drop(outbox);
    let mut outbox = Outbox::open(&dir.path().join("outbox.sqlite"), key.sealing_key())?;
    assert_eq!(outbox.next_counter("batch")?, 3);
    assert_eq!(outbox.setting("last_sync")?.as_deref(), Some("1700000000"));
    assert_eq!(outbox.setting("missing")?, None);
    Ok(())
}
