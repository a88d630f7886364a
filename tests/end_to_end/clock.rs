//! The hub's time travels in its signed acknowledgement and the device keeps it: a device
//! whose clock stands days before the hub's takes no enrollment until its clock is set right.

use ansinh_device::clock::{Clock, ClockTrust, trust};
use ansinh_uploader::{HttpTransport, RetryPolicy, sync_once};

use crate::support::*;

const DAY: i64 = 86_400;

#[test]
fn the_hub_time_arrives_in_the_ack_and_a_clock_behind_it_stops_enrollment() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    let dir = device(tmp.path(), "device", &server.url(), &server.token()?)?;
    let mut transport = HttpTransport::new(&server.url(), std::time::Duration::from_secs(10))?;
    let policy = RetryPolicy::default();

    // The device's clock and the hub's agree: the hub's time is kept and nothing is wrong.
    enqueue(&dir, 1)?;
    let clock = test_clock();
    server.set_now(NOW + 30);
    let report = sync_once(&dir, &mut transport, &clock, &policy)?;
    assert_eq!(report.acknowledged, 1);
    let (outbox, _) = dir.outbox()?;
    let kept = outbox.time_evidence()?;
    assert_eq!(kept.trusted, Some(NOW + 30), "the hub's signed time, later than the commit");
    assert_eq!(kept.reference.map(|r| r.at), Some(NOW + 30));
    assert_eq!(trust(&outbox, &clock)?, ClockTrust::Trusted);

    // The device's clock was reset: it stands ten days before the hub's.
    let hub_now = NOW + 10 * DAY;
    server.set_now(hub_now);
    commit_each(&dir, &[&enrollments()?.0])?;
    let report = sync_once(&dir, &mut transport, &clock, &policy)?;
    assert_eq!(report.acknowledged, 1);
    assert_eq!(outbox.time_evidence()?.trusted, Some(hub_now));
    assert_eq!(
        trust(&outbox, &clock)?,
        ClockTrust::Behind { now: clock.now(), trusted: hub_now },
        "enrollment stops"
    );

    // The clock set right: enrollment goes on.
    clock.set(hub_now + 5);
    assert_eq!(trust(&outbox, &clock)?, ClockTrust::Trusted);
    server.stop(&rt)?;
    Ok(())
}
