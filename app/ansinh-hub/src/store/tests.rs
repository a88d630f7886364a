//! The semantics both stores share, tested on both: every test here runs once on SQLite (a
//! temporary file) and once on PostgreSQL (a fresh database on the server that
//! `ANSINH_TEST_POSTGRES` names, e.g. `postgres://app@%2Ftmp%2Fpg/postgres`; `tests/run.sh`
//! starts one). Without that variable the PostgreSQL half fails when `ANSINH_REQUIRE_POSTGRES=1`
//! or `CI=true`, and elsewhere is skipped with a notice on standard error.

use std::path::Path;
use std::sync::Arc;

use ansinh_wire::{AUDIT_GENESIS, AgentAccount, Assignment, AuditEntry, Channel, Outcome};
use sha2::{Digest, Sha256};

use super::*;
use crate::error::{Error, Result};

/// A store under test, and a way to look at its tables.
pub(crate) enum Backend {
    /// SQLite, in a temporary folder (removed when dropped).
    Sqlite { _dir: tempfile::TempDir, store: Arc<SqliteStore> },
    /// PostgreSQL, in a database of its own, with its URL (to open more stores on it).
    Postgres(String, Arc<PostgresStore>),
}

impl Backend {
    pub(crate) fn sqlite() -> Result<Self> {
        let tmp = tempfile::tempdir().map_err(crate::error::io(Path::new("tmp")))?;
        let s = SqliteStore::open(&tmp.path().join("hub.sqlite"))?;
        Ok(Backend::Sqlite { _dir: tmp, store: Arc::new(s) })
    }

    /// A fresh database on the test server; `None` (after a notice) when there is none here
    /// and none is required.
    pub(crate) fn postgres() -> Result<Option<Self>> {
        let Some(admin) = postgres_admin_url()? else { return Ok(None) };
        let url = create_scratch_database(&admin)?;
        let s = PostgresStore::open(&url)?;
        Ok(Some(Backend::Postgres(url, Arc::new(s))))
    }

    /// Folds what is stored into PostgreSQL's summaries, as a hub's reads do every few seconds
    /// (twice: a fold takes what the one before saw, once its transactions are over);
    /// nothing to do on SQLite.
    pub(crate) fn fold(&self) -> Result<()> {
        if let Backend::Postgres(_, s) = self {
            s.fold_now()?;
            s.fold_now()?;
        }
        Ok(())
    }

    /// The lapses of months `from..=until` with `grace` and the participants due in them, found
    /// from the payments themselves: PostgreSQL's reads rest on marks kept beside them, which
    /// must agree; SQLite has only this way.
    pub(crate) fn scanned(
        &self,
        grace: u32,
        from: &str,
        until: &str,
    ) -> Result<(Vec<Lapse>, Vec<DueParticipant>)> {
        match self {
            Backend::Sqlite { store: s, .. } => {
                Ok((s.lapses(grace, from, until)?, s.due_participants(None, from, until)?))
            }
            Backend::Postgres(_, s) => Ok((
                s.lapses_scanned(grace, from, until, None, None)?,
                s.due_scanned(None, from, until)?,
            )),
        }
    }

    /// Another store on the same database (its own connection): what it reads was committed.
    pub(crate) fn another(&self) -> Result<Box<dyn Store>> {
        Ok(match self {
            Backend::Sqlite { _dir, .. } => {
                Box::new(SqliteStore::open(&_dir.path().join("hub.sqlite"))?)
            }
            Backend::Postgres(url, _) => Box::new(PostgresStore::open(url)?),
        })
    }

    pub(crate) fn store(&self) -> &dyn Store {
        match self {
            Backend::Sqlite { store: s, .. } => s.as_ref(),
            Backend::Postgres(_, s) => s.as_ref(),
        }
    }

    /// Runs `sql` and returns the first row's integers (none: no row); fails as the database
    /// refuses the statement.
    pub(crate) fn probe(&self, sql: &str) -> Result<Vec<i64>> {
        match self {
            Backend::Sqlite { store: s, .. } => {
                let conn = s.conn();
                let mut stmt = conn.prepare(sql)?;
                let n = stmt.column_count();
                let mut rows = stmt.query([])?;
                let Some(r) = rows.next()? else { return Ok(vec![]) };
                Ok((0..n).map(|i| r.get::<_, i64>(i)).collect::<rusqlite::Result<_>>()?)
            }
            Backend::Postgres(_, s) => s.probe(sql),
        }
    }
}

/// Each named test function, once on each backend.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() -> crate::Result<()> {
                super::$name(&super::Backend::sqlite()?)
            }

            #[test]
            fn postgres() -> crate::Result<()> {
                match super::Backend::postgres()? {
                    Some(b) => super::$name(&b),
                    None => Ok(()),
                }
            }
        }
    )*};
}

on_both!(
    overlapping_payments_of_a_person_pair_with_the_earliest,
    records_are_keyed_by_device_and_id,
    records_outside_the_assignment_are_flagged_for_review,
    problems_keep_a_prefix_within_the_quota,
    a_token_registers_one_device_once,
    ingest_is_idempotent_and_refuses_replays,
    a_mixed_batch_stores_what_one_record_a_batch_stores,
    a_batch_failing_midway_stores_nothing,
    records_taken_as_they_come_are_stored_whole_and_in_order,
    batches_stored_at_once_are_each_whole_and_committed_on_return,
    tallies_and_due_participants,
    a_chain_is_stored_once_continued_and_a_break_is_refused_and_counted,
    a_days_quota_holds_entries_back_until_the_next_day_and_reasons_are_bounded,
    the_hubs_own_log_is_newest_first_and_append_only,
    published_policy_tables_are_kept_in_order_and_never_changed,
    update_bundles_are_kept_in_rows_with_their_size_and_hash,
    a_devices_newest_health_report_is_kept,
    a_plan_is_replaced_by_month_all_or_nothing,
    a_payment_not_renewed_within_the_grace_lapses_once,
    summaries_agree_with_the_records_before_and_after_each_fold,
    a_list_read_a_page_at_a_time_is_the_whole_list,
);

const QUOTA: AuditQuota = AuditQuota { per_day: 1_000, problems: 50 };

fn chain(n: u64) -> Vec<AuditEntry> {
    let mut prev = AUDIT_GENESIS;
    (1..=n)
        .map(|seq| {
            let e = AuditEntry::new(prev, seq, 100 + seq as i64, "DL-1", "login", None, "");
            prev = e.hash;
            e
        })
        .collect()
}

/// Ingests with room for every conflict and rejection.
fn ingest(
    s: &dyn Store,
    device: u64,
    channel: &Channel,
    at: Timestamp,
    records: Vec<Incoming>,
) -> Result<Ingested> {
    s.ingest(device, channel, at, records, &ProblemQuota { per_day: 1_000, stored: 1_000 })
}

fn device(s: &dyn Store, n: u8) -> Result<Device> {
    s.create_token([n; 32], "ab", "test", &Assignment::default(), 0, 100)?;
    s.register_device([n; 32], 1, "Xã A", [n; 32])?
        .ok_or_else(|| Error::Invalid("token refused".into()))
}

fn valid(id: u8, bytes: &[u8], commune: &str, person: &str, until: &str) -> Incoming {
    Incoming {
        record_id: [id; 16],
        sealed_sha256: Sha256::digest(bytes).into(),
        sealed: bytes.to_vec(),
        verdict: Ok(super::Facts {
            scheme: "voluntary-si".into(),
            commune_code: commune.into(),
            agent_code: "AG1".into(),
            collected_at: 1_800_000_000,
            day: "2027-01-15".into(),
            amount: 330_000,
            coverage: vec![Coverage {
                person_key: person.into(),
                paid_from: "2027-01".into(),
                paid_until: until.into(),
            }],
        }),
        wrapped_key: None,
    }
}

/// A valid record of `person` paying `from..=until` of `scheme`, collected at `at`.
fn paid(id: u8, scheme: &str, person: &str, from: &str, until: &str, at: i64) -> Incoming {
    let mut rec = valid(id, &[id], "00004", person, until);
    if let Ok(f) = &mut rec.verdict {
        f.scheme = scheme.into();
        f.collected_at = at;
        f.coverage[0].paid_from = from.into();
    }
    rec
}

fn overlapping_payments_of_a_person_pair_with_the_earliest(b: &Backend) -> Result<()> {
    let s = b.store();
    let (d1, d2) = (device(s, 1)?, device(s, 2)?);
    let net = |c| Channel::Network { counter: c };
    let (si, bhyt, t) = ("voluntary-si", "household-bhyt", 1_800_000_000);
    ingest(
        s,
        d1.id,
        &net(1),
        10,
        vec![
            paid(1, si, "p1", "2027-01", "2027-03", t),
            paid(3, si, "p1", "2027-04", "2027-06", t + 20),
            paid(4, si, "p2", "2027-01", "2027-03", t + 30),
        ],
    )?;
    ingest(
        s,
        d2.id,
        &net(1),
        11,
        vec![
            paid(2, si, "p1", "2027-03", "2027-03", t + 10),
            paid(5, bhyt, "p1", "2027-01", "2027-12", t + 40),
            paid(6, si, "p1", "2027-02", "2027-02", t + 50),
        ],
    )?;
    let found = s.overlaps("2027-01")?;
    let pairs: Vec<(u8, u64, u8, u64)> = found
        .iter()
        .map(|o| {
            (
                o.first.record.record_id[0],
                o.first.record.device_id,
                o.second.record.record_id[0],
                o.second.record.device_id,
            )
        })
        .collect();
    // 2 repeats March of 1 (another device); 6 repeats February of 1 and is paired with 1,
    // the earliest. 3 follows on, 4 is someone else, 5 is health insurance.
    assert_eq!(pairs, [(1, d1.id, 2, d2.id), (1, d1.id, 6, d2.id)]);
    let o = &found[0];
    assert_eq!(
        (o.scheme.as_str(), o.first.paid_from.as_str(), o.first.paid_until.as_str()),
        (si, "2027-01", "2027-03")
    );
    assert_eq!(
        (o.second.paid_from.as_str(), o.second.amount, o.second.collected_at, o.second.index),
        ("2027-03", 330_000, t + 10, 0)
    );
    assert!(s.overlaps("2027-02")?.is_empty(), "none was collected in February");
    assert_eq!(s.totals()?.records, 6, "every record is kept");
    Ok(())
}

/// Two devices may hold the same record id: each is its own record, neither a duplicate
/// nor a conflict of the other.
fn records_are_keyed_by_device_and_id(b: &Backend) -> Result<()> {
    let s = b.store();
    let (d1, d2) = (device(s, 1)?, device(s, 2)?);
    let net = |c| Channel::Network { counter: c };
    let a = ingest(s, d1.id, &net(1), 10, vec![valid(1, b"a", "00004", "p1", "2027-03")])?;
    let b = ingest(s, d2.id, &net(1), 11, vec![valid(1, b"b", "00004", "p1", "2027-03")])?;
    assert_eq!(a, Ingested::Stored { outcomes: vec![Outcome::Accepted], again: false });
    assert_eq!(b, a);
    let again = ingest(s, d1.id, &net(2), 12, vec![valid(1, b"a", "00004", "p1", "2027-03")])?;
    assert_eq!(again, Ingested::Stored { outcomes: vec![Outcome::Duplicate], again: false });
    assert_eq!(s.record(d1.id, &[1; 16])?.map(|h| h.sealed), Some(b"a".to_vec()));
    assert_eq!(s.record(d2.id, &[1; 16])?.map(|h| h.sealed), Some(b"b".to_vec()));
    // Many at once, in the order asked; one not held.
    let many = s.records(&[(d2.id, [1; 16]), (d1.id, [2; 16]), (d1.id, [1; 16])])?;
    let sealed: Vec<Option<Vec<u8>>> = many.into_iter().map(|h| h.map(|h| h.sealed)).collect();
    assert_eq!(sealed, [Some(b"b".to_vec()), None, Some(b"a".to_vec())]);
    assert_eq!(s.totals()?.conflicts, 0);
    Ok(())
}

/// A token's assignment reaches its device; a record outside it is accepted and flagged.
fn records_outside_the_assignment_are_flagged_for_review(b: &Backend) -> Result<()> {
    let s = b.store();
    let assignment = Assignment {
        collection_point: "Bưu điện xã A".into(),
        communes: vec!["00004".into(), "00007".into()],
        agents: vec![AgentAccount { code: "AG1".into(), name: "Nguyễn Văn A".into() }],
    };
    s.create_token([1; 32], "ab", "x", &assignment, 0, 100)?;
    let d = s.register_device([1; 32], 1, "x", [1; 32])?;
    let d = d.ok_or_else(|| Error::Invalid("token refused".into()))?;
    assert_eq!(s.assignment(d.id)?, assignment);
    let mut other_agent = valid(3, b"c", "00007", "p3", "2027-03");
    if let Ok(f) = &mut other_agent.verdict {
        f.agent_code = "AG9".into();
    }
    let got = ingest(
        s,
        d.id,
        &Channel::Network { counter: 1 },
        10,
        vec![
            valid(1, b"a", "00004", "p1", "2027-03"),
            valid(2, b"b", "09556", "p2", "2027-03"),
            other_agent,
        ],
    )?;
    let accepted = vec![Outcome::Accepted; 3];
    assert_eq!(got, Ingested::Stored { outcomes: accepted, again: false });
    assert_eq!((s.totals()?.records, s.totals()?.review), (3, 2));
    let mut codes: Vec<String> = s.problems()?.into_iter().map(|p| p.code).collect();
    codes.sort();
    assert_eq!(codes, ["review:unassigned_agent", "review:unassigned_commune"]);
    // Reassigned: the device now serves only 09556.
    let moved = Assignment { communes: vec!["09556".into()], ..Assignment::default() };
    assert!(s.assign_device(d.id, &moved)?);
    assert!(!s.assign_device(99, &moved)?);
    assert_eq!(s.assignment(d.id)?, moved);
    let due = s.due_participants(Some(d.id), "2027-03", "2027-03")?;
    assert_eq!(due.iter().map(|d| d.record.record_id[0]).collect::<Vec<_>>(), [2]);
    Ok(())
}

/// Rejected and conflicting records keep a hash, a length and a short prefix; past the
/// device's quota (per day, in all) nothing more is kept, and the outcome is the same.
fn problems_keep_a_prefix_within_the_quota(b: &Backend) -> Result<()> {
    let s = b.store();
    let d = device(s, 1)?;
    let quota = ProblemQuota { per_day: 2, stored: 3 };
    let junk = |id: u8| {
        let mut r = valid(id, &[id; 1_000], "00004", "p", "2027-03");
        r.verdict = Err("does_not_decode".into());
        r
    };
    let rejected = Outcome::Rejected { code: "does_not_decode".into() };
    let day = 1_800_000_000;
    for (counter, at, kept) in [(1, day, 2), (2, day + 60, 2), (3, day + 86_400, 3)] {
        let batch = (0..5).map(|i| junk(counter * 10 + i)).collect();
        let got =
            s.ingest(d.id, &Channel::Network { counter: counter.into() }, at, batch, &quota)?;
        let outcomes = vec![rejected.clone(); 5];
        assert_eq!(got, Ingested::Stored { outcomes, again: false });
        assert_eq!(s.totals()?.rejected, kept, "batch {counter}");
    }
    let kept = b.probe(
        "SELECT MAX(sealed_len), CAST(MAX(length(sealed_prefix)) AS BIGINT), \
         CAST((SELECT SUM(length(sealed_prefix)) FROM rejected) AS BIGINT) FROM rejected",
    )?;
    assert_eq!(kept, [1_000, PROBLEM_PREFIX_BYTES as i64, 3 * 64]);
    Ok(())
}

fn a_token_registers_one_device_once(b: &Backend) -> Result<()> {
    let s = b.store();
    s.create_token([1; 32], "ab", "Xã A", &Assignment::default(), 0, 100)?;
    assert_eq!(s.register_device([2; 32], 1, "x", [5; 32])?, None, "unknown");
    assert_eq!(s.register_device([1; 32], 100, "x", [5; 32])?, None, "expired");
    let d = s.register_device([1; 32], 50, "Xã A", [5; 32])?;
    assert_eq!(d.as_ref().map(|d| (d.id, d.last_counter)), Some((1, 0)));
    assert_eq!(s.register_device([1; 32], 51, "x", [6; 32])?, None, "used");
    let t = s.tokens()?;
    assert_eq!((t[0].used_at, t[0].device_id), (Some(50), Some(1)));
    assert!(s.revoke_device(1, 60)?);
    assert!(!s.revoke_device(99, 60)?);
    assert_eq!(s.device(1)?.and_then(|d| d.revoked_at), Some(60));
    Ok(())
}

fn ingest_is_idempotent_and_refuses_replays(b: &Backend) -> Result<()> {
    let s = b.store();
    let d = device(s, 1)?;
    let net = |c| Channel::Network { counter: c };
    let first = ingest(s, d.id, &net(1), 10, vec![valid(1, b"a", "00004", "p1", "2027-03")])?;
    assert_eq!(first, Ingested::Stored { outcomes: vec![Outcome::Accepted], again: false });
    assert_eq!(ingest(s, d.id, &net(1), 11, vec![])?, Ingested::Replayed);
    let mut rejected = valid(3, b"c", "00004", "p3", "2027-03");
    rejected.verdict = Err("does_not_decode".into());
    let second = ingest(
        s,
        d.id,
        &net(2),
        12,
        vec![
            valid(1, b"a", "00004", "p1", "2027-03"),
            valid(1, b"other", "00004", "p1", "2027-03"),
            rejected.clone(),
        ],
    )?;
    let want = vec![
        Outcome::Duplicate,
        Outcome::Conflict,
        Outcome::Rejected { code: "does_not_decode".into() },
    ];
    assert_eq!(second, Ingested::Stored { outcomes: want, again: false });
    // The same conflict and rejection again are not stored twice.
    ingest(s, d.id, &net(3), 13, vec![valid(1, b"other", "00004", "p1", "2027-03"), rejected])?;
    assert_eq!(
        s.totals()?,
        Totals { records: 1, conflicts: 1, rejected: 1, bundles: 0, review: 0 }
    );
    assert!(s.record(d.id, &[1; 16])?.is_some_and(|h| h.conflicted));
    let usb = Channel::Usb { bundle_id: [7; 16], created_at: 5 };
    let b1 = ingest(s, d.id, &usb, 14, vec![valid(2, b"b", "00004", "p2", "2027-03")])?;
    assert_eq!(b1, Ingested::Stored { outcomes: vec![Outcome::Accepted], again: false });
    let b2 = ingest(s, d.id, &usb, 15, vec![valid(2, b"b", "00004", "p2", "2027-03")])?;
    assert_eq!(b2, Ingested::Stored { outcomes: vec![Outcome::Duplicate], again: true });
    assert!(s.revoke_device(d.id, 16)?);
    assert_eq!(ingest(s, d.id, &net(9), 17, vec![])?, Ingested::Revoked);
    assert_eq!(ingest(s, 42, &net(9), 17, vec![])?, Ingested::Revoked);
    assert_eq!(s.totals()?.records, 2);
    Ok(())
}

/// Each held coverage row of `device` in arrival order (SQLite's rowid, PostgreSQL's `seq`):
/// its record id's first byte times 10 plus its participant index.
fn coverage_order(b: &Backend, device: u64) -> Result<Vec<i64>> {
    let (order, first_byte) = match b {
        Backend::Sqlite { .. } => ("rowid", "unicode(CAST(substr(record_id, 1, 1) AS TEXT))"),
        Backend::Postgres(..) => ("seq", "get_byte(record_id, 0)::BIGINT"),
    };
    let mut out = vec![];
    for k in 0.. {
        let row = b.probe(&format!(
            "SELECT {first_byte} * 10 + idx FROM coverage WHERE device_id = {device} \
             ORDER BY {order} LIMIT 1 OFFSET {k}"
        ))?;
        let Some(v) = row.first() else { break };
        out.push(*v);
    }
    Ok(out)
}

/// What is held of `device`: records (with their conflict and review flags, amounts and
/// participants), conflicting and rejected copies, coverage rows.
fn held_of(b: &Backend, device: u64) -> Result<Vec<i64>> {
    b.probe(&format!(
        "SELECT (SELECT COUNT(*) FROM records WHERE device_id = {device}), \
                (SELECT CAST(COALESCE(SUM(CASE WHEN conflicted THEN 1 ELSE 0 END), 0) AS BIGINT) \
                 FROM records WHERE device_id = {device}), \
                (SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM records WHERE device_id = {device}), \
                (SELECT CAST(COALESCE(SUM(participants), 0) AS BIGINT) FROM records WHERE device_id = {device}), \
                (SELECT COUNT(*) FROM records WHERE device_id = {device} AND review <> ''), \
                (SELECT COUNT(*) FROM conflicts WHERE device_id = {device}), \
                (SELECT COUNT(*) FROM rejected WHERE device_id = {device}), \
                (SELECT COUNT(*) FROM coverage WHERE device_id = {device})"
    ))
}

/// A batch mixing every outcome, records held before and copies within the batch itself,
/// stores what the same records sent one a batch store (the stores write a batch's accepted
/// records together): the same outcomes, rows, flags and coverage order.
fn a_mixed_batch_stores_what_one_record_a_batch_stores(b: &Backend) -> Result<()> {
    let s = b.store();
    let serves = Assignment { communes: vec!["00004".into()], ..Assignment::default() };
    let held_before =
        vec![valid(1, b"a", "00004", "p1", "2027-03"), valid(2, b"b", "00004", "p2", "2027-03")];
    let mut rejected = valid(4, b"d", "00004", "p4", "2027-03");
    rejected.verdict = Err("does_not_decode".into());
    let mut household = valid(6, b"f", "00007", "p6", "2027-03");
    if let Ok(f) = &mut household.verdict {
        f.scheme = BHYT.into();
        f.coverage = (0..3)
            .map(|i| Coverage {
                person_key: format!("h{i}"),
                paid_from: "2027-01".into(),
                paid_until: "2027-12".into(),
            })
            .collect();
    }
    let batch = vec![
        valid(3, b"c", "00004", "p3", "2027-03"),
        valid(1, b"a", "00004", "p1", "2027-03"),
        valid(2, b"other", "00004", "p2", "2027-03"),
        rejected,
        valid(5, b"e", "00004", "p5", "2027-03"),
        valid(3, b"c", "00004", "p3", "2027-03"),
        valid(5, b"e again", "00004", "p5", "2027-03"),
        household,
        valid(7, b"g", "00004", "p7", "2027-03"),
    ];
    let want = vec![
        Outcome::Accepted,
        Outcome::Duplicate,
        Outcome::Conflict,
        Outcome::Rejected { code: "does_not_decode".into() },
        Outcome::Accepted,
        Outcome::Duplicate,
        Outcome::Conflict,
        Outcome::Accepted,
        Outcome::Accepted,
    ];
    let (whole, each) = (device(s, 1)?.id, device(s, 2)?.id);
    for d in [whole, each] {
        assert!(s.assign_device(d, &serves)?);
        let got = ingest(s, d, &Channel::Network { counter: 1 }, 10, held_before.clone())?;
        assert_eq!(got, Ingested::Stored { outcomes: vec![Outcome::Accepted; 2], again: false });
    }
    let got = ingest(s, whole, &Channel::Network { counter: 2 }, 11, batch.clone())?;
    assert_eq!(got, Ingested::Stored { outcomes: want.clone(), again: false });
    let mut one_by_one = vec![];
    for (i, rec) in batch.into_iter().enumerate() {
        let counter = 2 + i as u64;
        match ingest(s, each, &Channel::Network { counter }, 11, vec![rec])? {
            Ingested::Stored { outcomes, .. } => one_by_one.extend(outcomes),
            other => return Err(Error::Invalid(format!("record {i}: {other:?}"))),
        }
    }
    assert_eq!(one_by_one, want);
    // 6 records (2 before), 2 conflicting of them flagged, the household for review (its
    // commune is not the device's), 2 conflicting copies, 1 rejection, 1 + 1 + 1 + 1 + 1 + 3
    // coverage rows (in the records' order).
    let amounts = 6 * 330_000;
    assert_eq!(held_of(b, whole)?, [6, 2, amounts, 8, 1, 2, 1, 8]);
    assert_eq!(held_of(b, each)?, held_of(b, whole)?);
    assert_eq!(coverage_order(b, whole)?, [10, 20, 30, 50, 60, 61, 62, 70]);
    assert_eq!(coverage_order(b, each)?, coverage_order(b, whole)?);
    assert!(s.record(whole, &[5; 16])?.is_some_and(|h| h.conflicted && h.sealed == b"e"));
    Ok(())
}

/// A batch whose storing fails after some of its records were written (here a record whose
/// amount does not fit the database's integers) stores nothing and leaves the counter where
/// it was: the device's next attempt with the same counter is taken.
fn a_batch_failing_midway_stores_nothing(b: &Backend) -> Result<()> {
    let s = b.store();
    let d = device(s, 1)?.id;
    let mut rejected = valid(2, b"b", "00004", "p2", "2027-03");
    rejected.verdict = Err("does_not_decode".into());
    let mut too_much = valid(3, b"c", "00004", "p3", "2027-03");
    if let Ok(f) = &mut too_much.verdict {
        f.amount = u64::MAX;
    }
    let first = valid(1, b"a", "00004", "p1", "2027-03");
    let net = Channel::Network { counter: 1 };
    let failed = ingest(s, d, &net, 10, vec![first.clone(), rejected.clone(), too_much]);
    assert!(matches!(failed, Err(Error::Invalid(_))), "{failed:?}");
    assert_eq!(s.totals()?, Totals::default());
    assert_eq!(held_of(b, d)?[..1], [0]);
    assert_eq!(s.device(d)?.map(|d| d.last_counter), Some(0));
    let got = ingest(s, d, &net, 11, vec![first, rejected])?;
    let want = vec![Outcome::Accepted, Outcome::Rejected { code: "does_not_decode".into() }];
    assert_eq!(got, Ingested::Stored { outcomes: want, again: false });
    assert_eq!((s.totals()?.records, s.totals()?.rejected), (1, 1));
    Ok(())
}

/// Records handed to the store one by one, each after a pause (still being opened when the
/// transaction started), are every one stored in the batch's order: a copy later in the
/// batch is the duplicate or conflict, never the first. A stream ending short, or failing
/// on its last record, stores nothing of the batch and leaves the counter where it was.
fn records_taken_as_they_come_are_stored_whole_and_in_order(b: &Backend) -> Result<()> {
    let s = b.store();
    let d = device(s, 1)?.id;
    let quota = ProblemQuota { per_day: 1_000, stored: 1_000 };
    let slowly = |records: Vec<Incoming>| {
        records.into_iter().inspect(|_| std::thread::sleep(std::time::Duration::from_millis(3)))
    };
    let first = valid(1, b"a", "00004", "p1", "2027-03");
    let other = valid(2, b"b", "00004", "p2", "2027-03");
    let changed = valid(1, b"a2", "00004", "p1", "2027-04");
    let mut too_much = valid(3, b"c", "00004", "p3", "2027-03");
    if let Ok(f) = &mut too_much.verdict {
        f.amount = u64::MAX;
    }
    let net = |counter| Channel::Network { counter };
    let batch = vec![first.clone(), other.clone(), changed.clone(), other.clone()];

    let short = s.ingest_stream(d, &net(1), 10, 5, &mut slowly(batch.clone()), &quota);
    assert!(matches!(short, Err(Error::Corrupt(_))), "{short:?}");
    let mut failing = batch.clone();
    failing.push(too_much);
    let failed = s.ingest_stream(d, &net(1), 10, 5, &mut slowly(failing), &quota);
    assert!(matches!(failed, Err(Error::Invalid(_))), "{failed:?}");
    assert_eq!(s.totals()?, Totals::default());
    assert_eq!(held_of(b, d)?, [0; 8]);
    assert_eq!(s.device(d)?.map(|d| d.last_counter), Some(0));

    let got = s.ingest_stream(d, &net(1), 10, 4, &mut slowly(batch), &quota)?;
    let want = vec![Outcome::Accepted, Outcome::Accepted, Outcome::Conflict, Outcome::Duplicate];
    assert_eq!(got, Ingested::Stored { outcomes: want, again: false });
    assert_eq!(s.device(d)?.map(|d| d.last_counter), Some(1));
    // The first copy of record 1 is the one held; the later one is kept as its conflict.
    let held = s.record(d, &[1; 16])?.ok_or_else(|| Error::Invalid("record 1 held".into()))?;
    assert_eq!(held.sealed, b"a");
    assert_eq!(held_of(b, d)?, [2, 1, 660_000, 2, 0, 1, 0, 2]);
    Ok(())
}

/// Devices uploading at once (a thread each, with reads in between): every batch is stored
/// whole, one failing midway stores nothing and leaves its device's counter, and each
/// batch stored is committed when its ingest returns (another connection reads it).
fn batches_stored_at_once_are_each_whole_and_committed_on_return(b: &Backend) -> Result<()> {
    let s = b.store();
    let devices: Vec<u64> = (1..=4).map(|n| Ok(device(s, n)?.id)).collect::<Result<_>>()?;
    let (batches, per_batch) = (6u8, 5u8);
    // Ids apart for each device (by its place in the list), batch and record.
    let record = |k: u8, c: u8, i: u8| {
        let id = k * 60 + c * 6 + i;
        valid(id, &[id, 1], "00004", &format!("p{id}"), "2027-03")
    };
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| -> Result<()> {
        let reader = scope.spawn(|| -> Result<()> {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                s.totals()?;
            }
            Ok(())
        });
        let senders: Vec<_> = devices
            .iter()
            .zip(0u8..)
            .map(|(&d, k)| {
                let record = &record;
                scope.spawn(move || -> Result<()> {
                    let other = b.another()?;
                    for c in 1..=batches {
                        let mut batch: Vec<Incoming> =
                            (0..per_batch).map(|i| record(k, c, i)).collect();
                        let fails = k == 0 && c == 3;
                        if let (true, Some(Ok(f))) =
                            (fails, batch.last_mut().map(|r| &mut r.verdict))
                        {
                            f.amount = u64::MAX;
                        }
                        let got = ingest(s, d, &Channel::Network { counter: c.into() }, 10, batch);
                        let first = other.record(d, &record(k, c, 0).record_id)?;
                        if fails {
                            assert!(matches!(got, Err(Error::Invalid(_))), "{got:?}");
                            assert!(first.is_none(), "device {d} batch {c}");
                        } else {
                            let want = vec![Outcome::Accepted; per_batch.into()];
                            assert_eq!(got?, Ingested::Stored { outcomes: want, again: false });
                            assert!(first.is_some(), "device {d} batch {c} read elsewhere");
                            assert_eq!(other.device(d)?.map(|d| d.last_counter), Some(c.into()));
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        let sent: Vec<Result<()>> = senders
            .into_iter()
            .map(|t| t.join().unwrap_or_else(|_| Err(Error::Invalid("a sender panicked".into()))))
            .collect();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        reader.join().unwrap_or_else(|_| Err(Error::Invalid("the reader panicked".into())))?;
        sent.into_iter().collect()
    })?;
    let all = devices.len() * usize::from(batches) * usize::from(per_batch);
    assert_eq!(s.totals()?.records, i64::try_from(all - usize::from(per_batch)).unwrap_or(-1));
    assert_eq!(held_of(b, devices[0])?[0], i64::from((batches - 1) * per_batch));
    Ok(())
}

fn tallies_and_due_participants(b: &Backend) -> Result<()> {
    let s = b.store();
    let d1 = device(s, 1)?;
    let d2 = device(s, 2)?;
    let net = |c| Channel::Network { counter: c };
    ingest(
        s,
        d1.id,
        &net(1),
        10,
        vec![valid(1, b"a", "00004", "p1", "2027-03"), valid(2, b"b", "00004", "p2", "2027-04")],
    )?;
    // p1 renewed in another commune through another device: no longer due.
    ingest(s, d2.id, &net(1), 10, vec![valid(3, b"c", "00007", "p1", "2027-09")])?;
    ingest(s, d2.id, &net(2), 10, vec![valid(4, b"d", "00007", "p4", "2027-03")])?;
    let serves = |communes: &[&str]| Assignment {
        communes: communes.iter().map(|c| c.to_string()).collect(),
        ..Assignment::default()
    };
    assert!(s.assign_device(d1.id, &serves(&["00004"]))?);
    let Tallies { communes, agents, days, total } = s.tallies("2027-01", "2027-01")?;
    let c: Vec<(&str, i64)> = communes.iter().map(|t| (t.key.as_str(), t.participants)).collect();
    assert_eq!(c, vec![("00004", 2), ("00007", 2)]);
    assert_eq!((agents.len(), days.len()), (1, 1));
    assert_eq!((total.records, total.amount, total.bhyt_members), (4, 1_320_000, 0));
    assert_eq!(s.tallies("2026-01", "2026-12")?.total.records, 0, "another year");
    assert_eq!(s.tallies("2026-12", "2027-02")?.total.records, 4, "a run of months");
    let due = s.due_participants(Some(d1.id), "2027-03", "2027-04")?;
    let ids: Vec<u8> = due.iter().map(|d| d.record.record_id[0]).collect();
    assert_eq!(ids, vec![2], "p1 renewed; p4 is in a commune device 1 is not assigned");
    assert!(s.due_participants(Some(d2.id), "2027-01", "2027-12")?.is_empty(), "none assigned");
    let all = s.due_participants(None, "2027-01", "2027-12")?;
    assert_eq!(all.iter().map(|d| d.record.record_id[0]).collect::<Vec<_>>(), vec![4, 2, 3]);
    assert_eq!(s.records_for_list("voluntary-si", Some("00007"), "2027-01")?.len(), 2);
    assert_eq!(s.records_for_list("household-bhyt", None, "2027-01")?.len(), 0);
    Ok(())
}

fn a_chain_is_stored_once_continued_and_a_break_is_refused_and_counted(b: &Backend) -> Result<()> {
    let s = b.store();
    let d = device(s, 1)?.id;
    let entries = chain(5);
    assert_eq!(
        s.append_audit(d, &entries[..3], QUOTA, 10)?,
        AuditAppend { through: 3, refused: None }
    );
    // An acknowledgement lost: the device sends 2..5 again; 2 and 3 are held already.
    assert_eq!(
        s.append_audit(d, &entries[1..], QUOTA, 11)?,
        AuditAppend { through: 5, refused: None }
    );
    assert_eq!(s.device_audit(d)?.0.len(), 5);

    let mut next = chain(7)[5..].to_vec();
    next[0].detail = "changed".into();
    let refused = s.append_audit(d, &next, QUOTA, 12)?;
    assert_eq!(refused.through, 5, "nothing of it stored");
    assert!(refused.refused.as_deref().is_some_and(|r| r.contains("entry 6 was changed")));
    s.append_audit(d, &next, QUOTA, 13)?;
    let gap = s.append_audit(d, &chain(7)[6..], QUOTA, 14)?;
    assert!(gap.refused.as_deref().is_some_and(|r| r.contains("entry 7 follows entry 5")));
    let mut other = entries[4].clone();
    other.at += 1;
    let rewritten = s.append_audit(d, &[other], QUOTA, 15)?;
    assert!(rewritten.refused.as_deref().is_some_and(|r| r.contains("differs")));

    let (held, problems) = s.device_audit(d)?;
    assert_eq!(held.len(), 5);
    assert_eq!(problems.len(), 3, "one row per reason: {problems:?}");
    let changed = problems.iter().find(|p| p.problem.contains("changed"));
    assert_eq!(changed.map(|p| (p.times, p.first_at, p.last_at)), Some((2, 12, 13)));
    assert!(b.probe("DELETE FROM device_audit").is_err(), "append-only");
    Ok(())
}

fn a_days_quota_holds_entries_back_until_the_next_day_and_reasons_are_bounded(
    b: &Backend,
) -> Result<()> {
    let s = b.store();
    let d = device(s, 1)?.id;
    let quota = AuditQuota { per_day: 4, problems: 2 };
    let entries = chain(6);
    let day = 86_400 * 20_000;
    assert_eq!(s.append_audit(d, &entries[..3], quota, day + 10)?.through, 3);
    // Two more would make 5 today: none of them is stored, the acknowledgement stays at 3.
    let held_back = s.append_audit(d, &entries[3..5], quota, day + 20)?;
    assert_eq!(held_back, AuditAppend { through: 3, refused: Some(AUDIT_QUOTA_REACHED.into()) });
    // The next day the device sends them again and they are taken.
    assert_eq!(s.append_audit(d, &entries[3..], quota, day + 86_400)?.through, 6);
    assert_eq!(s.device_audit(d)?.0.len(), 6, "nothing lost");

    // Distinct reasons past the quota are counted on one row, however many there are.
    let next = chain(40);
    for (i, gap) in next[8..].iter().enumerate() {
        s.append_audit(d, std::slice::from_ref(gap), quota, day + 86_400 + i as i64)?;
    }
    let problems = s.device_audit(d)?.1;
    assert_eq!(problems.len(), 3, "{problems:?}");
    let more = problems.iter().find(|p| p.problem == AUDIT_MORE_PROBLEMS);
    assert_eq!(more.map(|p| p.times), Some(31));
    Ok(())
}

fn the_hubs_own_log_is_newest_first_and_append_only(b: &Backend) -> Result<()> {
    let s = b.store();
    device(s, 1)?;
    s.log_action("admin", "export", "list=D05-TS month=2026-11", 10)?;
    s.log_action("device 1", "renewals_download", "within_days=30", 11)?;
    let actions = s.actions()?;
    assert_eq!(
        actions.iter().map(|a| (a.actor.as_str(), a.action.as_str())).collect::<Vec<_>>(),
        [("device 1", "renewals_download"), ("admin", "export")]
    );
    assert!(b.probe("UPDATE hub_audit SET actor = 'x'").is_err());
    Ok(())
}

/// The PostgreSQL database of a test and a second store on it (another hub process), or `None`
/// when PostgreSQL is skipped here.
/// A test's database (kept while the stores run) and two stores on it.
type TwoStores = (Backend, Arc<PostgresStore>, Arc<PostgresStore>);

fn two_postgres_stores() -> Result<Option<TwoStores>> {
    let Some(b) = Backend::postgres()? else { return Ok(None) };
    let Backend::Postgres(url, first) = &b else {
        return Err(Error::Invalid("not a PostgreSQL backend".into()));
    };
    let (first, second) = (Arc::clone(first), Arc::new(PostgresStore::open(url)?));
    Ok(Some((b, first, second)))
}

/// Runs `f` on both stores at the same moment (two threads behind a barrier), as two hubs
/// would; returns both results.
fn at_once<T: Send + 'static>(
    stores: [&Arc<PostgresStore>; 2],
    f: impl Fn(u8, &PostgresStore) -> Result<T> + Send + Sync + 'static,
) -> Result<[T; 2]> {
    let barrier = Arc::new(std::sync::Barrier::new(2));
    let f = Arc::new(f);
    let mut hub = 0;
    let handles = stores.map(|s| {
        let (s, barrier, f) = (Arc::clone(s), Arc::clone(&barrier), Arc::clone(&f));
        hub += 1;
        std::thread::spawn(move || {
            barrier.wait();
            f(hub, &s)
        })
    });
    let [a, b] = handles.map(|h| h.join().map_err(|_| Error::Corrupt("a thread panicked".into())));
    Ok([a??, b??])
}

/// PostgreSQL: opening again migrates nothing, and a newer schema is refused.
#[test]
fn postgres_a_newer_schema_is_refused() -> Result<()> {
    let Some(b) = Backend::postgres()? else { return Ok(()) };
    let Backend::Postgres(url, _) = &b else { return Err(Error::Invalid("backend".into())) };
    drop(PostgresStore::open(url)?);
    assert_eq!(b.probe("SELECT version FROM ansinh_schema")?, [POSTGRES_SCHEMA_VERSION]);
    b.probe(&format!("UPDATE ansinh_schema SET version = {}", POSTGRES_SCHEMA_VERSION + 1))?;
    let e = PostgresStore::open(url).err();
    assert!(matches!(e, Some(Error::SchemaTooNew { .. })), "{e:?}");
    Ok(())
}

/// PostgreSQL, two hubs on one database: the same device's batches arrive at both at the same
/// moment. The same counter is accepted by one and refused as a replay by the other; the same
/// records under two counters are stored once (one hub answers Accepted, the other Duplicate).
#[test]
fn postgres_two_stores_ingesting_one_device_at_once_store_everything_once() -> Result<()> {
    let Some((_b, first, second)) = two_postgres_stores()? else { return Ok(()) };
    let d = device(first.as_ref(), 1)?.id;
    let quota = ProblemQuota { per_day: 1_000, stored: 1_000 };
    const ROUNDS: u8 = 15;
    for round in 0..ROUNDS {
        let r = u64::from(round);
        let batch: Vec<Incoming> = (0..10u8)
            .map(|i| {
                let mut r = valid(i, &[i, round], "00004", "p", "2027-03");
                r.record_id[0] = round;
                r
            })
            .collect();
        let counter = 10 * r + 1;
        let got = at_once([&first, &second], move |_, s| {
            s.ingest(d, &Channel::Network { counter }, 10, batch.clone(), &quota)
        })?;
        let accepted = Ingested::Stored { outcomes: vec![Outcome::Accepted; 10], again: false };
        assert!(
            got.contains(&accepted) && got.contains(&Ingested::Replayed),
            "round {round}: {got:?}"
        );
        // Two counters, the same new records: one hub stores them, the other finds them held
        // (the device sent the batch again under a new counter before the first answer came).
        let batch: Vec<Incoming> = (0..10u8)
            .map(|i| {
                let mut r = valid(i, &[i, round, 1], "00004", "p", "2027-03");
                r.record_id[0] = round;
                r.record_id[1] = 0xEE;
                r
            })
            .collect();
        let got = at_once([&first, &second], move |hub, s| {
            // Two new counters; whichever hub takes the higher first makes the lower a replay.
            let counter = 10 * r + 1 + u64::from(hub);
            s.ingest(d, &Channel::Network { counter }, 11, batch.clone(), &quota)
        })?;
        let duplicate = Ingested::Stored { outcomes: vec![Outcome::Duplicate; 10], again: false };
        assert!(
            got.contains(&accepted)
                && (got.contains(&duplicate) || got.contains(&Ingested::Replayed)),
            "round {round}: {got:?}"
        );
    }
    assert_eq!(first.totals()?.records, i64::from(ROUNDS) * 20);
    Ok(())
}

/// PostgreSQL, two hubs on one database: the same registration token used at both at the same
/// moment registers one device.
#[test]
fn postgres_a_token_used_at_two_hubs_at_once_registers_one_device() -> Result<()> {
    let Some((_b, first, second)) = two_postgres_stores()? else { return Ok(()) };
    for n in 1..=10u8 {
        first.create_token([n; 32], "ab", "x", &Assignment::default(), 0, 100)?;
        let got = at_once([&first, &second], move |hub, s| {
            // Two devices (two keys) given the same token.
            let mut public_key = [n; 32];
            public_key[0] = hub;
            s.register_device([n; 32], 1, "x", public_key)
        })?;
        assert_eq!(got.iter().filter(|d| d.is_some()).count(), 1, "token {n}: {got:?}");
    }
    assert_eq!(second.devices()?.len(), 10);
    Ok(())
}

fn published_policy_tables_are_kept_in_order_and_never_changed(b: &Backend) -> Result<()> {
    let s = b.store();
    assert_eq!(s.latest_policy()?, None);
    let table = |version: &str, at: i64| PublishedPolicy {
        version: version.into(),
        valid_until: "2027-06-30".into(),
        published_at: at,
        signed: vec![1, 2, 3],
    };
    assert!(s.publish_policy(&table("VN-2027-01-15", 10))?);
    assert!(s.publish_policy(&table("VN-2027-07-01", 20))?);
    assert!(!s.publish_policy(&table("VN-2027-01-15", 30))?, "a version is published once");
    assert_eq!(s.latest_policy()?, Some(table("VN-2027-07-01", 20)));
    assert_eq!(s.policy_tables()?, vec![table("VN-2027-01-15", 10), table("VN-2027-07-01", 20)]);
    assert!(b.probe("DELETE FROM policy_tables").is_err(), "kept for ever");
    assert!(b.probe("UPDATE policy_tables SET published_at = 0").is_err(), "kept as published");
    assert_eq!(s.policy_tables()?.len(), 2);
    Ok(())
}

fn update_bundles_are_kept_in_rows_with_their_size_and_hash(b: &Backend) -> Result<()> {
    let s = b.store();
    assert_eq!(s.latest_bundle()?, None);
    // Two rows and a bit: the last row is short.
    let bytes: Vec<u8> =
        (0..2 * BUNDLE_CHUNK_BYTES + 1000).map(|i| (i % 251).to_le_bytes()[0]).collect();
    let published = s
        .publish_bundle("1.2.0", 10, &mut bytes.as_slice())?
        .ok_or_else(|| Error::Invalid("not stored".into()))?;
    assert_eq!(published.size, bytes.len() as u64);
    assert_eq!(published.sha256, <[u8; 32]>::from(Sha256::digest(&bytes)));
    assert_eq!(s.bundle_chunk("1.2.0", 0)?.as_deref(), Some(&bytes[..BUNDLE_CHUNK_BYTES]));
    assert_eq!(s.bundle_chunk("1.2.0", 2)?.as_deref(), Some(&bytes[2 * BUNDLE_CHUNK_BYTES..]));
    assert_eq!(s.bundle_chunk("1.2.0", 3)?, None);
    assert_eq!(s.bundle_chunk("1.3.0", 0)?, None);
    // A version is stored once: the second file is not even read.
    assert_eq!(s.publish_bundle("1.2.0", 20, &mut &b"other"[..])?, None);
    let small = s
        .publish_bundle("1.3.0", 30, &mut &b"hsqs and more"[..])?
        .ok_or_else(|| Error::Invalid("not stored".into()))?;
    assert_eq!(s.latest_bundle()?, Some(small.clone()));
    assert_eq!(s.bundles()?, vec![published, small]);
    // Nothing is stored of an empty file.
    assert!(matches!(s.publish_bundle("1.4.0", 40, &mut &b""[..]), Err(Error::Invalid(_))));
    assert_eq!(s.bundles()?.len(), 2);
    Ok(())
}

fn a_devices_newest_health_report_is_kept(b: &Backend) -> Result<()> {
    use ansinh_wire::health::{
        Battery, Charging, HEALTH_VERSION, HealthReport, PrinterState, RestartReason,
    };
    let s = b.store();
    let d = device(s, 1)?;
    let held = |seq: u64, printer: PrinterState, via: Via| HeldHealth {
        report: HealthReport {
            version: HEALTH_VERSION,
            device_id: d.id,
            seq,
            made_at: 1_800_000_000,
            app_version: "0.1.0".into(),
            table_version: "VN-2026-12-06".into(),
            unsent: 3,
            oldest_unsent_age_secs: Some(7_200),
            quarantined: 0,
            printer,
            disk_free_bytes: Some(4_000_000_000),
            disk_total_bytes: Some(8_000_000_000),
            clock_offset_secs: Some(-4),
            battery: Some(Battery { percent: 18, charging: Charging::Discharging }),
            uptime_secs: Some(600),
            last_restart: RestartReason::Unclean,
        },
        received_at: 1_800_000_000 + i64::try_from(seq).unwrap_or(0),
        via,
    };
    assert!(s.health_reports()?.is_empty());
    assert!(s.put_health(&held(2, PrinterState::OutOfPaper, Via::Network))?);
    assert!(!s.put_health(&held(1, PrinterState::Ready, Via::Usb))?, "an older report is not kept");
    assert!(!s.put_health(&held(2, PrinterState::Ready, Via::Usb))?, "nor the same one again");
    assert_eq!(s.health_reports()?, vec![held(2, PrinterState::OutOfPaper, Via::Network)]);
    assert!(s.put_health(&held(3, PrinterState::Ready, Via::Usb))?);
    assert_eq!(s.health_reports()?, vec![held(3, PrinterState::Ready, Via::Usb)]);
    Ok(())
}

fn target(month: &str, scope: Scope, key: &str, participants: i64, bhyt: Option<i64>) -> Target {
    Target { month: month.into(), scope, key: key.into(), participants, bhyt_members: bhyt }
}

/// Importing a month's plan replaces that month's targets (those set one by one too) and
/// leaves the other months; a plan the database refuses changes nothing.
fn a_plan_is_replaced_by_month_all_or_nothing(b: &Backend) -> Result<()> {
    let s = b.store();
    s.set_target(Scope::Commune, "00004", "2026-11", Some(10))?;
    s.set_target(Scope::Agent, "AG1", "2026-12", Some(3))?;
    let november = vec![
        target("2026-11", Scope::Province, "01", 500, Some(200)),
        target("2026-11", Scope::Commune, "00007", 40, None),
    ];
    s.replace_targets(&["2026-11".into()], &november)?;
    assert_eq!(
        s.targets("2026-11", "2026-12")?,
        [november[1].clone(), november[0].clone(), target("2026-12", Scope::Agent, "AG1", 3, None)]
    );
    // One by one again: the health insurance target stays.
    s.set_target(Scope::Province, "01", "2026-11", Some(450))?;
    assert_eq!(
        s.targets("2026-11", "2026-11")?[1],
        target("2026-11", Scope::Province, "01", 450, Some(200))
    );
    s.set_target(Scope::Province, "01", "2026-11", None)?;
    assert_eq!(s.targets("2026-11", "2026-11")?.len(), 1);
    // The same key twice: refused by the database, and nothing of it stored.
    let twice = vec![
        target("2026-12", Scope::Commune, "00004", 1, None),
        target("2026-12", Scope::Commune, "00004", 2, None),
    ];
    assert!(s.replace_targets(&["2026-12".into()], &twice).is_err());
    assert_eq!(s.targets("2026-12", "2026-12")?, [target("2026-12", Scope::Agent, "AG1", 3, None)]);
    assert!(s.targets("2027-01", "2027-12")?.is_empty());
    Ok(())
}

/// A record of `person` paying `scheme` up to `until`, collected on `day`.
fn paid_on(id: u8, scheme: &str, person: &str, until: &str, day: &str) -> Incoming {
    let mut rec = paid(id, scheme, person, until, until, 1_780_000_000 + i64::from(id));
    if let Ok(f) = &mut rec.verdict {
        f.day = day.into();
        f.agent_code = format!("AG{}", id % 2);
    }
    rec
}

/// With three months' grace: a payment ending in March lapses in July unless a later one was
/// collected by the end of June; a late renewal leaves the lapse counted but marks it renewed;
/// two payments ending the same month lapse once; each scheme lapses on its own.
fn a_payment_not_renewed_within_the_grace_lapses_once(b: &Backend) -> Result<()> {
    let s = b.store();
    let d = device(s, 1)?;
    let (si, bhyt) = ("voluntary-si", "household-bhyt");
    ingest(
        s,
        d.id,
        &Channel::Network { counter: 1 },
        10,
        vec![
            paid_on(1, si, "p1", "2026-03", "2026-01-10"),
            paid_on(2, si, "p2", "2026-03", "2026-01-10"),
            paid_on(3, si, "p2", "2026-06", "2026-06-30"),
            paid_on(4, si, "p3", "2026-03", "2026-01-10"),
            paid_on(5, si, "p3", "2026-10", "2026-07-01"),
            paid_on(6, si, "p4", "2026-03", "2026-01-10"),
            paid_on(7, si, "p4", "2026-03", "2026-01-11"),
            paid_on(8, bhyt, "p1", "2026-03", "2026-01-10"),
        ],
    )?;
    let found = s.lapses(3, "2026-01", "2026-12")?;
    let got: Vec<(u8, &str, &str, bool)> = found
        .iter()
        .map(|l| (l.record_id[0], l.paid_until.as_str(), l.lapsed_in.as_str(), l.renewed))
        .collect();
    assert_eq!(
        got,
        [
            (4, "2026-03", "2026-07", true),
            (8, "2026-03", "2026-07", false),
            (1, "2026-03", "2026-07", false),
            (7, "2026-03", "2026-07", false),
            (3, "2026-06", "2026-10", false),
        ]
    );
    assert_eq!((found[2].commune_code.as_str(), found[2].agent_code.as_str()), ("00004", "AG1"));
    assert_eq!((found[1].scheme.as_str(), found[1].index), (bhyt, 0));
    // Only the lapses of the months asked for; a longer grace moves them later, and p3's July
    // renewal is then in time.
    assert_eq!(s.lapses(3, "2026-08", "2026-10")?.len(), 1);
    let later: Vec<String> =
        s.lapses(5, "2026-01", "2026-12")?.into_iter().map(|l| l.lapsed_in).collect();
    assert_eq!(later, ["2026-09", "2026-09", "2026-09", "2026-12"]);
    let ag1: Vec<u8> = s
        .lapses_of(3, "2026-01", "2026-12", Some("00004"), Some("AG1"))?
        .iter()
        .map(|l| l.record_id[0])
        .collect();
    assert_eq!(ag1, [1, 7, 3], "one agent's, in the same order");
    assert_eq!(s.lapses_of(3, "2026-01", "2026-12", Some("00004"), None)?, found);
    assert!(s.lapses_of(3, "2026-01", "2026-12", Some("00007"), None)?.is_empty());
    let four = s.lapses(4, "2026-01", "2026-12")?;
    assert_eq!(four.iter().map(|l| l.record_id[0]).collect::<Vec<_>>(), [8, 1, 7, 3]);
    Ok(())
}

/// A payment of `person` (`scheme`, paying `from..=until`) collected on `day` in `commune` by
/// `agent`, with `members` participants.
#[allow(clippy::too_many_arguments)]
fn payment(
    id: u8,
    scheme: &str,
    person: &str,
    from: &str,
    until: &str,
    day: &str,
    commune: &str,
    agent: &str,
) -> Incoming {
    let mut rec = paid(id, scheme, person, from, until, 1_770_000_000 + i64::from(id) * 86_400);
    if let Ok(f) = &mut rec.verdict {
        f.day = day.into();
        f.commune_code = commune.into();
        f.agent_code = agent.into();
        f.amount = 100_000 * u64::from(id);
        if scheme == "household-bhyt" {
            f.coverage.push(Coverage {
                person_key: format!("{person}-child"),
                paid_from: from.into(),
                paid_until: until.into(),
            });
        }
    }
    rec
}

/// The tallies of `held` for months `from..=until`, counted here: what the store must say.
fn tallies_of(held: &[Facts], from: &str, until: &str) -> Tallies {
    use std::collections::BTreeMap;
    let mut by: [BTreeMap<String, Tally>; 3] = Default::default();
    let mut total = Tally {
        key: if from == until { from.to_string() } else { format!("{from}..{until}") },
        ..Tally::default()
    };
    for f in held.iter().filter(|f| &f.day[..7] >= from && &f.day[..7] <= until) {
        let participants = f.coverage.len() as i64;
        let bhyt = if f.scheme == BHYT { participants } else { 0 };
        for (i, key) in [&f.commune_code, &f.agent_code, &f.day].into_iter().enumerate() {
            let t = by[i]
                .entry(key.clone())
                .or_insert_with(|| Tally { key: key.clone(), ..Tally::default() });
            for t in [t, &mut total] {
                t.records += 1;
                t.participants += participants;
                t.amount += f.amount as i64;
                t.bhyt_members += bhyt;
            }
        }
        // The total was counted three times above.
        total.records -= 2;
        total.participants -= 2 * participants;
        total.amount -= 2 * f.amount as i64;
        total.bhyt_members -= 2 * bhyt;
    }
    let [communes, agents, days] = by.map(|m| m.into_values().collect());
    Tallies { communes, agents, days, total }
}

/// PostgreSQL answers tallies, lapse counts, double payments and totals from summaries it
/// folds now and then, plus what was stored since: before a fold, after one, with records
/// stored after it that renew a lapse or repeat a payment of someone summarised, and after
/// the next, every answer is the records' own (the lapses as listed, the tallies counted
/// here, the pairs found before any fold).
fn summaries_agree_with_the_records_before_and_after_each_fold(b: &Backend) -> Result<()> {
    let s = b.store();
    let (d1, d2) = (device(s, 1)?, device(s, 2)?);
    let (si, bhyt) = ("voluntary-si", "household-bhyt");
    let first = vec![
        payment(1, si, "p1", "2026-01", "2026-03", "2026-01-10", "00004", "AG1"),
        payment(2, si, "p2", "2026-01", "2026-03", "2026-01-12", "00004", "AG2"),
        payment(3, si, "p2", "2026-02", "2026-06", "2026-02-28", "00007", "AG2"),
        payment(4, bhyt, "p3", "2026-01", "2026-06", "2026-01-31", "00007", "AG3"),
        payment(5, si, "p4", "2026-03", "2026-03", "2026-03-01", "00004", "AG1"),
        payment(6, si, "p4", "2026-03", "2026-03", "2026-03-02", "00004", "AG3"),
    ];
    let second = vec![
        // p1 renews late (a lapse now renewed), p3 repeats January (a double payment of
        // someone already summarised), p5 is new.
        payment(7, si, "p1", "2026-09", "2026-11", "2026-08-20", "00007", "AG1"),
        payment(8, bhyt, "p3", "2026-01", "2026-03", "2026-03-15", "00004", "AG2"),
        payment(9, si, "p5", "2026-04", "2026-04", "2026-03-20", "00007", "AG3"),
    ];
    let mut held: Vec<Facts> = vec![];
    // Checks every answer against the records; the double payments found, by month.
    let check = |held: &[Facts]| -> Result<Vec<Vec<(u8, u8)>>> {
        for grace in [0, 1, 3, 4, 24, 30] {
            let key = |t: &LapseTally| {
                (t.commune_code.clone(), t.agent_code.clone(), t.paid_until.clone(), t.renewed)
            };
            let (lapses, due) = b.scanned(grace, "2026-01", "2027-12")?;
            assert_eq!(s.lapses(grace, "2026-01", "2027-12")?, lapses, "lapses, grace {grace}");
            assert_eq!(s.due_participants(None, "2026-01", "2027-12")?, due);
            let mut want = count_lapses(lapses);
            let mut got = s.lapse_tallies(grace, "2026-01", "2027-12")?;
            want.sort_by_key(key);
            got.sort_by_key(key);
            assert_eq!(got, want, "lapses counted, grace {grace}");
        }
        for (from, until) in
            [("2026-01", "2026-01"), ("2026-01", "2026-03"), ("2026-03", "2026-12")]
        {
            assert_eq!(s.tallies(from, until)?, tallies_of(held, from, until), "{from}..{until}");
        }
        assert_eq!(s.totals()?.records, held.len() as i64);
        ["2026-01", "2026-02", "2026-03"]
            .iter()
            .map(|m| {
                let pairs = s.overlaps(m)?;
                Ok(pairs
                    .iter()
                    .map(|o| (o.first.record.record_id[0], o.second.record.record_id[0]))
                    .collect())
            })
            .collect()
    };
    held.extend(first.iter().filter_map(|r| r.verdict.clone().ok()));
    ingest(s, d1.id, &Channel::Network { counter: 1 }, 10, first)?;
    let before = check(&held)?;
    // p2 pays February and March twice; p4 March twice.
    assert_eq!(before, vec![vec![], vec![(2, 3)], vec![(5, 6)]]);
    b.fold()?;
    assert_eq!(check(&held)?, before);
    held.extend(second.iter().filter_map(|r| r.verdict.clone().ok()));
    ingest(s, d2.id, &Channel::Network { counter: 1 }, 11, second)?;
    let after = check(&held)?;
    // p3's household repeats January, for both its members.
    assert_eq!(after, vec![vec![], vec![(2, 3)], vec![(5, 6), (4, 8), (4, 8)]]);
    b.fold()?;
    assert_eq!(check(&held)?, after);
    b.fold()?;
    assert_eq!(check(&held)?, after);
    Ok(())
}

/// A list read a page at a time, however small the pages, is the list read at once, in the
/// same order (collection day, time, device, id), and counts its participants before.
fn a_list_read_a_page_at_a_time_is_the_whole_list(b: &Backend) -> Result<()> {
    let s = b.store();
    let (d1, d2) = (device(s, 1)?, device(s, 2)?);
    let si = "voluntary-si";
    let mut records = vec![];
    for id in 1..=7u8 {
        let mut r =
            payment(id, si, &format!("p{id}"), "2026-03", "2026-03", "2026-03-05", "00004", "AG1");
        if let Ok(f) = &mut r.verdict {
            // Three at the same second: the device and the id order them.
            f.collected_at = 1_772_600_000 + i64::from(id / 3);
            f.day = if id == 7 { "2026-03-31".into() } else { "2026-03-05".into() };
        }
        records.push(r);
    }
    ingest(s, d2.id, &Channel::Network { counter: 1 }, 10, records[..4].to_vec())?;
    ingest(s, d1.id, &Channel::Network { counter: 1 }, 10, records[4..].to_vec())?;
    ingest(
        s,
        d1.id,
        &Channel::Network { counter: 2 },
        10,
        vec![payment(9, "household-bhyt", "h", "2026-03", "2026-03", "2026-03-06", "00004", "AG1")],
    )?;
    let whole = s.records_for_list(si, None, "2026-03")?;
    assert_eq!(whole.len(), 7);
    for size in [1, 2, 3, 7, 100] {
        let mut read: Vec<Held> = vec![];
        let mut after: Option<ListedRecord> = None;
        loop {
            let page = s.records_for_list_page(si, None, "2026-03", after.as_ref(), size)?;
            assert!(page.len() <= size);
            read.extend(page.iter().map(|r| r.held.clone()));
            match page.last() {
                Some(last) if page.len() == size => after = Some(last.clone()),
                _ => break,
            }
        }
        assert_eq!(read, whole, "pages of {size}");
    }
    assert_eq!(s.list_participants(si, None, "2026-03")?, 7);
    assert_eq!(s.list_participants("household-bhyt", Some("00004"), "2026-03")?, 2);
    assert_eq!(s.list_participants(si, Some("00007"), "2026-03")?, 0);
    assert!(s.records_for_list_page(si, None, "2026-04", None, 10)?.is_empty());
    Ok(())
}

/// With a read database (`--read-database`, a replica of the database): the admin pages'
/// reads come from it and every write goes to the database itself. Tested with a copy of the
/// database standing for the replica: what is stored after the copy is on the primary only,
/// and reads do not see it until the copy is made again; the hub's log is written to the
/// primary; a read database that is not at this schema is refused.
#[test]
fn postgres_reads_come_from_the_replica_and_writes_go_to_the_primary() -> Result<()> {
    let Some(admin) = postgres_admin_url()? else { return Ok(()) };
    let primary = create_scratch_database(&admin)?;
    let si = "voluntary-si";
    let first = vec![
        payment(1, si, "p1", "2026-01", "2026-01", "2026-01-10", "00004", "AG1"),
        payment(2, si, "p2", "2026-01", "2026-01", "2026-01-11", "00004", "AG1"),
    ];
    let d = {
        let s = PostgresStore::open(&primary)?;
        let d = device(&s, 1)?;
        ingest(&s, d.id, &Channel::Network { counter: 1 }, 10, first)?;
        d
    };
    let replica = copy_scratch_database(&admin, &primary)?;
    let s = PostgresStore::open_with_reads(&primary, Some(&replica))?;
    let late = payment(3, si, "p1", "2026-01", "2026-02", "2026-01-12", "00004", "AG1");
    ingest(&s, d.id, &Channel::Network { counter: 2 }, 11, vec![late])?;
    s.log_action("admin", "export", "list=D05-TS", 12)?;
    // Reads: the replica's two records.
    assert_eq!(s.totals()?.records, 2);
    assert_eq!(s.tallies("2026-01", "2026-01")?.total.records, 2);
    assert_eq!(s.records_for_list(si, None, "2026-01")?.len(), 2);
    assert_eq!(s.list_participants(si, None, "2026-01")?, 2);
    let due: Vec<u8> = s
        .due_participants(None, "2026-01", "2026-02")?
        .iter()
        .map(|p| p.record.record_id[0])
        .collect();
    assert_eq!(due, [1, 2], "p1's renewal is on the primary only");
    assert_eq!(s.lapse_tallies(0, "2026-02", "2026-02")?.iter().map(|t| t.count).sum::<i64>(), 2);
    // Writes: the primary's.
    let (p, r) = (PostgresStore::scratch(&primary)?, PostgresStore::scratch(&replica)?);
    assert_eq!(p.probe("SELECT COUNT(*) FROM records")?, [3]);
    assert_eq!(r.probe("SELECT COUNT(*) FROM records")?, [2]);
    assert_eq!(p.probe("SELECT COUNT(*) FROM hub_audit")?, [1]);
    assert_eq!(r.probe("SELECT COUNT(*) FROM hub_audit")?, [0]);
    // The replica catching up: reads follow.
    drop((s, p, r));
    let replica = copy_scratch_database(&admin, &primary)?;
    let s = PostgresStore::open_with_reads(&primary, Some(&replica))?;
    assert_eq!(s.totals()?.records, 3);
    assert_eq!(s.due_participants(None, "2026-01", "2026-02")?.len(), 2);
    let empty = create_scratch_database(&admin)?;
    let refused =
        PostgresStore::open_with_reads(&primary, Some(&empty)).err().map(|e| e.to_string());
    assert!(refused.is_some_and(|e| e.contains("replica")), "a database at no schema");
    Ok(())
}
