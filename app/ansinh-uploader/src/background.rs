//! The background loop the kiosk runs on a thread: sync, wait until the next attempt is due
//! (or a new record wakes it), sync again, until told to stop. The loop takes the outbox's
//! sender role at its first sync of a registered device and holds it until it stops, so the
//! records a dead sender left `sending` are recovered once, and `ansinh sync` meanwhile is
//! refused instead of sending the same records.
//!
//! Automatic tries keep their back-off, but while records wait one out the loop probes the
//! server cheaply every [`PROBE_INTERVAL`] and syncs as soon as it answers; a sync staff ask
//! for ([`Control::sync_now`]) sends every queued record at once, whatever its back-off.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use ansinh_device::DataDir;
use ansinh_outbox::Sender;

use crate::error::Result;
use crate::plan::RetryPolicy;
use crate::sync::{SyncReport, due_now, identity, policy_http, probe, sync_http, take_sender};
use crate::transport::HttpTransport;
use ansinh_device::clock::{Clock, SystemClock};

/// How often the loop probes the server while records wait out a back-off (up to
/// `RetryPolicy::max_delay_secs`, 30 minutes). Thirty seconds: an agent who walks into the
/// commune office's wifi sees the records leave within half a minute, for one tiny request
/// (`GET /healthz`, well under a kilobyte with headers) per interval instead of a full batch.
pub const PROBE_INTERVAL: Duration = Duration::from_secs(30);

/// Longest a probe may take. A hub answers `/healthz` at once; five seconds covers a slow 2G
/// round trip, and a probe that takes longer says the network is not back yet.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Tells a running [`run`] loop to stop, or to sync now (a record was just committed).
#[derive(Debug, Default)]
pub struct Control {
    state: Mutex<Flags>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct Flags {
    stop: bool,
    wake: bool,
    /// A person asked for the next sync: it ignores the back-off.
    asked: bool,
}

/// Why a wait ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Woke {
    Stopped,
    Woken,
    TimedOut,
}

impl Control {
    /// A control for one loop.
    pub fn new() -> Self {
        Self::default()
    }

    /// Ends the loop after the sync in progress, if any.
    pub fn stop(&self) {
        self.set(|f| f.stop = true);
    }

    /// Starts a sync now instead of at the next due time.
    pub fn wake(&self) {
        self.set(|f| f.wake = true);
    }

    /// A person asks for a sync ("Đồng bộ ngay"): starts one now that sends every queued
    /// record, whatever its back-off.
    pub fn sync_now(&self) {
        self.set(|f| {
            f.wake = true;
            f.asked = true;
        });
    }

    /// Whether a person asked for a sync since the last call (and forgets it).
    fn take_asked(&self) -> bool {
        let mut flags = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        std::mem::take(&mut flags.asked)
    }

    fn set(&self, change: impl FnOnce(&mut Flags)) {
        let mut flags = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        change(&mut flags);
        self.changed.notify_all();
    }

    /// Whether a stop, a new record or a person waits (the update step yields to them).
    fn pending(&self) -> bool {
        let flags = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        flags.stop || flags.wake
    }

    fn stopped(&self) -> bool {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).stop
    }

    /// Waits up to `timeout` or until stopped or woken; returns false once stopped. Also for
    /// callers' own waits (a registration retry), so `stop` ends those too.
    pub fn wait(&self, timeout: Duration) -> bool {
        self.wait_for(timeout) != Woke::Stopped
    }

    fn wait_for(&self, timeout: Duration) -> Woke {
        let flags = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (mut flags, _) = self
            .changed
            .wait_timeout_while(flags, timeout, |f| !f.stop && !f.wake)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let woken = std::mem::take(&mut flags.wake);
        if flags.stop {
            Woke::Stopped
        } else if woken {
            Woke::Woken
        } else {
            Woke::TimedOut
        }
    }
}

/// How long to wait before the next sync: until the records put back are due, but at least a
/// second (no busy loop) and at most `poll` (new records are picked up within that).
pub fn next_wait(report: &Result<SyncReport>, now: i64, poll: Duration) -> Duration {
    match report {
        Ok(r) => match r.next_attempt_at {
            Some(at) => {
                let secs = u64::try_from(at - now).unwrap_or(0).max(1);
                Duration::from_secs(secs).min(poll)
            }
            None => poll,
        },
        Err(_) => poll,
    }
}

/// Runs syncs with the registered server until `control` says stop, handing each result to
/// `on_report` (the kiosk updates its staff screen). Waits `poll` between syncs when nothing is
/// due; an unregistered device just waits.
pub fn run(
    dir: &DataDir,
    policy: &RetryPolicy,
    poll: Duration,
    control: &Control,
    mut on_report: impl FnMut(&Result<SyncReport>),
) {
    let mut sender = None;
    while !control.stopped() {
        let asked = control.take_asked();
        let report = sync_holding(dir, &mut sender, policy, asked, control);
        on_report(&report);
        if !wait_or_probe(dir, sender.as_ref(), &report, poll, control) {
            break;
        }
    }
}

/// Waits until the next sync is due, a new record or a person wakes the loop, or — while the
/// records of a failed sync wait out their back-off — a probe every [`PROBE_INTERVAL`] finds
/// the server again (the probe made them due). False once stopped.
fn wait_or_probe(
    dir: &DataDir,
    sender: Option<&Sender>,
    report: &Result<SyncReport>,
    poll: Duration,
    control: &Control,
) -> bool {
    // Only a network failure is worth probing for: a refused device stays refused.
    let backing_off = matches!(report, Ok(r) if r.failure.as_ref().is_some_and(|f| f.retryable));
    let due = Instant::now() + next_wait(report, SystemClock.now(), poll);
    loop {
        let left = due.saturating_duration_since(Instant::now());
        let step = if backing_off { left.min(PROBE_INTERVAL) } else { left };
        match control.wait_for(step) {
            Woke::Stopped => return false,
            Woke::Woken => return true,
            Woke::TimedOut => {}
        }
        if Instant::now() >= due {
            return true;
        }
        let (Some(held), Ok(id)) = (sender, identity(dir)) else { continue };
        // The same server and trust as a sync: a probe never talks to anyone else.
        let Ok(mut transport) = HttpTransport::with_trust(&id.server_url, PROBE_TIMEOUT, &id.trust)
        else {
            continue;
        };
        if matches!(probe(dir, held, &mut transport, &SystemClock), Ok(true)) {
            return true;
        }
    }
}

/// One sync, taking the sender role first if `sender` does not hold it yet (another process
/// holding it is a retryable failure: the loop tries again later). A sync a person `asked` for
/// first makes every record waiting out a back-off due.
fn sync_holding(
    dir: &DataDir,
    sender: &mut Option<Sender>,
    policy: &RetryPolicy,
    asked: bool,
    control: &Control,
) -> Result<SyncReport> {
    let id = identity(dir)?;
    let held = match sender {
        Some(held) => held,
        None => sender.insert(take_sender(dir, SystemClock.now())?),
    };
    if asked {
        due_now(dir, held, SystemClock.now())?;
    }
    let mut report = sync_http(dir, &id, held, policy)?;
    // An idle device asks for a newer policy table now and then, and whenever staff ask.
    if report.policy.is_none() && (asked || crate::policy::policy_check_due(dir, SystemClock.now()))
    {
        report.policy = Some(policy_http(&id, dir, policy));
    }
    // The hub answered this round: the update step, after the records, yielding to the next.
    if report.health_at.is_some() {
        report.update = Some(update_http(&id, dir, policy, control));
    }
    Ok(report)
}

/// One update step over HTTP with the registered server ([`crate::update::fetch_update`]),
/// range after range until a record or a stop waits.
fn update_http(
    id: &crate::sync::Identity,
    dir: &DataDir,
    policy: &RetryPolicy,
    control: &Control,
) -> crate::update::UpdateFetch {
    use crate::update::{UpdateFetch, fetch_update};
    let running = ansinh_device::update::running_version(std::path::Path::new(
        ansinh_device::update::RELEASE_FILE,
    ));
    let timeout = Duration::from_secs(policy.request_timeout_secs);
    match HttpTransport::with_trust(&id.server_url, timeout, &id.trust) {
        Ok(mut transport) => {
            fetch_update(dir.root(), &mut transport, &SystemClock, &running, &mut || {
                !control.pending()
            })
            .unwrap_or_else(|e| UpdateFetch::Failed { reason: e.to_string() })
        }
        Err(e) => UpdateFetch::Failed { reason: e.to_string() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use std::sync::Arc;

    #[test]
    fn waits_until_due_within_bounds() {
        let poll = Duration::from_secs(60);
        let at = |t: Option<i64>| Ok(SyncReport { next_attempt_at: t, ..SyncReport::default() });
        assert_eq!(next_wait(&at(None), 100, poll), poll);
        assert_eq!(next_wait(&at(Some(130)), 100, poll), Duration::from_secs(30));
        assert_eq!(next_wait(&at(Some(90)), 100, poll), Duration::from_secs(1));
        assert_eq!(next_wait(&at(Some(10_000)), 100, poll), poll);
        assert_eq!(next_wait(&Err(Error::NotRegistered), 100, poll), poll);
    }

    #[test]
    fn a_sync_asked_for_wakes_the_loop_once_and_is_remembered_once() {
        let control = Control::new();
        assert_eq!(control.wait_for(Duration::from_millis(1)), Woke::TimedOut);
        control.wake();
        assert_eq!(control.wait_for(Duration::from_secs(60)), Woke::Woken);
        assert!(!control.take_asked(), "a new record is no person asking");
        control.sync_now();
        assert_eq!(control.wait_for(Duration::from_secs(60)), Woke::Woken);
        assert!(control.take_asked());
        assert!(!control.take_asked(), "one ask, one sync ignoring the back-off");
        control.stop();
        assert_eq!(control.wait_for(Duration::from_secs(60)), Woke::Stopped);
    }

    #[test]
    fn an_unregistered_loop_stops_when_told() -> std::result::Result<(), Box<dyn std::error::Error>>
    {
        let tmp = tempfile::tempdir()?;
        let dir = DataDir::open(tmp.path())?;
        let control = Arc::new(Control::new());
        let c = Arc::clone(&control);
        let (tx, rx) = std::sync::mpsc::channel();
        let worker = std::thread::spawn(move || {
            run(&dir, &RetryPolicy::default(), Duration::from_secs(600), &c, |r| {
                let _ = tx.send(matches!(r, Err(Error::NotRegistered)));
            });
        });
        assert!(rx.recv_timeout(Duration::from_secs(10))?);
        control.wake();
        assert!(rx.recv_timeout(Duration::from_secs(10))?, "wake starts a sync at once");
        control.stop();
        worker.join().map_err(|_| "the loop panicked")?;
        Ok(())
    }

    #[test]
    fn the_loop_holds_the_sender_role_until_it_stops()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let dir = DataDir::open(tmp.path())?;
        // Registered, with nothing to send: each sync takes no request.
        let answer = ansinh_wire::RegisterResponse {
            device_id: 1,
            sealing_key: ansinh_wire::OpeningKey::generate().sealing_key().to_hex(),
            server_signing_key: hex::encode(
                ansinh_wire::generate_signing_key().verifying_key().to_bytes(),
            ),
            receipt_key: "ab".repeat(32),
            assignment: ansinh_wire::Assignment::default(),
            config_signing_key: String::new(),
            policy_signing_key: String::new(),
        };
        dir.provision("http://127.0.0.1:9", &answer)?;
        let control = Arc::new(Control::new());
        let (c, loop_dir) = (Arc::clone(&control), dir.clone());
        let (tx, rx) = std::sync::mpsc::channel();
        let worker = std::thread::spawn(move || {
            run(&loop_dir, &RetryPolicy::default(), Duration::from_secs(600), &c, |r| {
                let _ = tx.send(r.as_ref().map(|r| r.batches).map_err(ToString::to_string));
            });
        });
        assert_eq!(rx.recv_timeout(Duration::from_secs(30))?, Ok(0), "a first sync, nothing sent");
        // Between syncs the loop still holds the role: another sender is refused.
        let refused = take_sender(&dir, 0).map(|_| ());
        assert!(
            matches!(refused, Err(Error::Outbox(ansinh_outbox::Error::SenderBusy))),
            "{refused:?}"
        );
        control.stop();
        worker.join().map_err(|_| "the loop panicked")?;
        take_sender(&dir, 0)?;
        Ok(())
    }
}
