//! The same person paying twice at one counter: the device names the earlier receipt and
//! takes nothing until staff confirm; voided records do not count; each household member is
//! compared with their own health insurance payments; a correction does not warn about the
//! record it replaces; and the outbox keeps a keyed pseudonym of the ID, never the ID.

use std::path::Path;

use ansinh_core::{Date, PolicyTable};
use ansinh_device::enroll::{
    Amounts, CollectionPoint, CommitOptions, Duplicates, EarlierPayment, EnrollError, commit,
};
use ansinh_device::{DataDir, PseudonymKey};
use ansinh_enrollment::Enrollment;
use ansinh_enrollment::json::EnrollmentJson;
use ansinh_enrollment::record::PaymentMode;
use ansinh_outbox::{Outbox, State};

type R = Result<(), Box<dyn std::error::Error>>;
type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// 22 November 2026, 10:00 in Viet Nam.
const NOW: i64 = 1_795_316_400;
const VOLUNTARY_ID: &str = "001179012345";
const SPOUSE_ID: &str = "001188009876";

fn today() -> Res<Date> {
    Ok("2026-11-22".parse().map_err(|_| "date")?)
}

fn fixture(name: &str) -> Res<Enrollment> {
    EnrollmentJson::parse(&ansinh_tests::fixtures::text(name)?)?
        .validate(&ansinh_core::default_table(), today()?)
        .map_err(|p| format!("{p:?}").into())
}

/// A counter: its data directory, outbox and pseudonym key.
struct Counter {
    dir: DataDir,
    outbox: Outbox,
    pseudonyms: PseudonymKey,
    table: PolicyTable<'static>,
    today: Date,
}

impl Counter {
    fn open(root: &Path) -> Res<Self> {
        let dir = DataDir::open(root)?;
        let (outbox, _) = dir.outbox()?;
        let pseudonyms = dir.pseudonym_key()?;
        Ok(Self { dir, outbox, pseudonyms, table: ansinh_core::default_table(), today: today()? })
    }

    fn take(
        &mut self,
        e: &Enrollment,
        duplicates: Duplicates,
        corrects: Option<[u8; 16]>,
    ) -> Result<(ansinh_outbox::Committed, Amounts), EnrollError> {
        let point = CollectionPoint {
            device_id: 0,
            name: "Bưu điện xã Thanh Trì".into(),
            agent_code: "DL-0001".into(),
        };
        let options =
            CommitOptions { corrects, duplicates, ..CommitOptions::new(&self.pseudonyms) };
        commit(&mut self.outbox, e, &self.table, self.today, NOW, &point, &options)
    }

    /// Commits, refusing a possible double payment; the receipt number.
    fn enroll(&mut self, e: &Enrollment) -> Res<i64> {
        Ok(self.take(e, Duplicates::Refuse, None)?.0.receipt_no)
    }

    /// The earlier payments a refused commit named (and checks nothing was written).
    fn refused(&mut self, e: &Enrollment) -> Res<Vec<EarlierPayment>> {
        let before = self.outbox.list(None)?.len();
        match self.take(e, Duplicates::Refuse, None) {
            Err(EnrollError::PossibleDuplicate(earlier)) => {
                assert_eq!(self.outbox.list(None)?.len(), before, "nothing written");
                Ok(earlier)
            }
            other => Err(format!("expected a possible double payment, got {other:?}").into()),
        }
    }
}

fn receipts(earlier: &[EarlierPayment]) -> Vec<(usize, i64, String)> {
    earlier.iter().map(|e| (e.member, e.receipt_no, e.period())).collect()
}

#[test]
fn a_second_payment_for_the_same_months_waits_for_staff() -> R {
    let tmp = tempfile::tempdir()?;
    let mut counter = Counter::open(tmp.path())?;
    let voluntary = fixture("enrollment.json")?;
    assert_eq!(counter.enroll(&voluntary)?, 1);

    // The same enrollment again: refused, naming receipt 1 and the months it paid for.
    let earlier = counter.refused(&voluntary)?;
    assert_eq!(receipts(&earlier), [(0, 1, "12/2026–02/2027".to_string())]);
    let e = &earlier[0];
    assert_eq!(
        (e.masked_name.as_str(), e.scheme.as_str(), e.state, e.amount, e.collected_at),
        ("NGUYỄN T** H*** N****", "voluntary-si", State::Queued, 330_000, NOW)
    );
    let message = EnrollError::PossibleDuplicate(earlier.clone()).to_string();
    assert_eq!(message, "possible double payment: already paid on receipt 1 (12/2026–02/2027)");

    // Staff confirm: committed with the next receipt number (the refusal used none), and the
    // audit trail names the receipt they were shown.
    let (second, _) = counter.take(&voluntary, Duplicates::Confirmed, None)?;
    assert_eq!(second.receipt_no, 2);
    let line = counter
        .outbox
        .audit_trail()?
        .into_iter()
        .find(|a| a.event == "overlap_confirmed")
        .ok_or("no audit line")?;
    assert_eq!(
        (line.receipt_no, line.detail.as_str()),
        (Some(2), "staff confirmed; overlaps receipts 1")
    );
    // A third time, both are named.
    assert_eq!(
        receipts(&counter.refused(&voluntary)?).iter().map(|r| r.1).collect::<Vec<_>>(),
        [1, 2]
    );

    // November alone, paid monthly, has no month in common with December–February.
    let mut november = voluntary.clone();
    if let Enrollment::Voluntary(v) = &mut november {
        v.choices.mode = PaymentMode::Periodic(1);
        v.choices.start_month = "2026-11".parse().map_err(|_| "month")?;
    }
    assert_eq!(counter.enroll(&november)?, 3);
    // December alone has.
    let mut december = november.clone();
    if let Enrollment::Voluntary(v) = &mut december {
        v.choices.start_month = "2026-12".parse().map_err(|_| "month")?;
    }
    let earlier = counter.refused(&december)?;
    assert_eq!(
        receipts(&earlier),
        [(0, 1, "12/2026–02/2027".to_string()), (0, 2, "12/2026–02/2027".to_string())]
    );
    Ok(())
}

#[test]
fn a_voided_payment_does_not_count() -> R {
    let tmp = tempfile::tempdir()?;
    let mut counter = Counter::open(tmp.path())?;
    let voluntary = fixture("enrollment.json")?;
    assert_eq!(counter.enroll(&voluntary)?, 1);
    counter.outbox.void(1, "Nhập nhầm mức thu nhập", NOW + 60)?;
    assert_eq!(counter.enroll(&voluntary)?, 2, "taken again without a warning");
    Ok(())
}

#[test]
fn each_household_member_is_compared_with_their_own_health_insurance() -> R {
    let tmp = tempfile::tempdir()?;
    let mut counter = Counter::open(tmp.path())?;
    let household = fixture("household.json")?;
    assert_eq!(counter.enroll(&household)?, 1);
    assert_eq!(counter.enroll(&fixture("enrollment.json")?)?, 2, "another person and scheme");

    // Another household: the voluntary participant (no health insurance yet) and the first
    // household's spouse, whose card is paid to November 2027.
    let mut other = household.clone();
    if let Enrollment::Household(h) = &mut other {
        h.members.truncate(2);
        h.members[0].personal_id = VOLUNTARY_ID.try_into().map_err(|_| "id")?;
        h.members[0].full_name = "NGUYỄN THỊ HỒNG NHUNG".try_into().map_err(|_| "name")?;
        h.members[1].months = 6;
        h.start_month = "2027-03".parse().map_err(|_| "month")?;
    }
    let earlier = counter.refused(&other)?;
    assert_eq!(receipts(&earlier), [(1, 1, "12/2026–11/2027".to_string())]);
    assert_eq!(
        (earlier[0].masked_name.as_str(), earlier[0].scheme.as_str()),
        ("LÊ T** T** H****", "household-bhyt")
    );
    // The whole household again: every member is named, on the one receipt.
    let again = counter.refused(&household)?;
    assert_eq!(
        again.iter().map(|e| (e.member, e.receipt_no)).collect::<Vec<_>>(),
        [(0, 1), (1, 1), (2, 1)]
    );
    let message = EnrollError::PossibleDuplicate(again).to_string();
    assert_eq!(message, "possible double payment: already paid on receipt 1 (12/2026–11/2027)");
    Ok(())
}

#[test]
fn a_correction_does_not_warn_about_the_record_it_replaces() -> R {
    let tmp = tempfile::tempdir()?;
    let mut counter = Counter::open(tmp.path())?;
    let voluntary = fixture("enrollment.json")?;
    let (first, _) = counter.take(&voluntary, Duplicates::Refuse, None)?;
    counter.outbox.acknowledge(&[first.record_id], NOW + 600)?;
    let (fix, _) = counter.take(&voluntary, Duplicates::Refuse, Some(first.record_id))?;
    assert_eq!(fix.receipt_no, 2);
    // Anything else for those months is named, the correction included.
    let earlier = counter.refused(&voluntary)?;
    assert_eq!(
        earlier.iter().map(|e| (e.receipt_no, e.state)).collect::<Vec<_>>(),
        [(1, State::Acknowledged), (2, State::Queued)]
    );
    Ok(())
}

#[test]
fn the_outbox_keeps_a_keyed_pseudonym_never_the_id() -> R {
    let tmp = tempfile::tempdir()?;
    let mut counter = Counter::open(tmp.path())?;
    counter.enroll(&fixture("enrollment.json")?)?;
    counter.enroll(&fixture("household.json")?)?;

    let pseudonym = counter.pseudonyms.pseudonym(VOLUNTARY_ID);
    assert_eq!(pseudonym, counter.dir.pseudonym_key()?.pseudonym(VOLUNTARY_ID), "kept on disk");
    let (from, until) = (1523, 1525); // December 2026 to February 2027, months since 1900
    let found = counter.outbox.overlapping_payments(&pseudonym, "voluntary-si", from, until)?;
    assert_eq!(found.iter().map(|p| p.receipt_no).collect::<Vec<_>>(), [1]);

    let mut files = Vec::new();
    for entry in std::fs::read_dir(tmp.path())? {
        let path = entry?.path();
        if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("outbox.sqlite"))
        {
            files.push(std::fs::read(&path)?);
        }
    }
    let all: Vec<u8> = files.concat();
    let holds = |needle: &[u8]| all.windows(needle.len()).any(|w| w == needle);
    assert!(holds(&pseudonym), "the pseudonym is what is kept");
    for id in [VOLUNTARY_ID, SPOUSE_ID, "001085004567", "001215004321"] {
        assert!(!holds(id.as_bytes()), "an ID in clear");
        let plain: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(id.as_bytes()).into();
        assert!(!holds(&plain), "an unkeyed hash of an ID, which anyone could recompute");
        assert!(!holds(hex::encode(plain).as_bytes()));
    }
    Ok(())
}
