//! The background loop the kiosk runs on a thread: sync, wait until the next attempt is due
//! (or a new record wakes it), sync again, until told to stop. The loop takes the outbox's
//! sender role at its first sync of a registered device and holds it until it stops, so the
//! records a dead sender left `sending` are recovered once, and `ansinh sync` meanwhile is
//! refused instead of sending the same records.

use std::sync::{Condvar, Mutex};
use std::time::Duration;

use ansinh_device::DataDir;
use ansinh_outbox::Sender;

use crate::error::Result;
use crate::plan::RetryPolicy;
use crate::sync::{SyncReport, identity, sync_http, take_sender};
use ansinh_device::clock::{Clock, SystemClock};

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

    fn set(&self, change: impl FnOnce(&mut Flags)) {
        let mut flags = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        change(&mut flags);
        self.changed.notify_all();
    }

    fn stopped(&self) -> bool {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).stop
    }

    /// Waits up to `timeout` or until stopped or woken; returns false once stopped. Also for
    /// callers' own waits (a registration retry), so `stop` ends those too.
    pub fn wait(&self, timeout: Duration) -> bool {
        let flags = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (mut flags, _) = self
            .changed
            .wait_timeout_while(flags, timeout, |f| !f.stop && !f.wake)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        flags.wake = false;
        !flags.stop
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
        let report = sync_holding(dir, &mut sender, policy);
        on_report(&report);
        if !control.wait(next_wait(&report, SystemClock.now(), poll)) {
            break;
        }
    }
}

/// One sync, taking the sender role first if `sender` does not hold it yet (another process
/// holding it is a retryable failure: the loop tries again later).
fn sync_holding(
    dir: &DataDir,
    sender: &mut Option<Sender>,
    policy: &RetryPolicy,
) -> Result<SyncReport> {
    let id = identity(dir)?;
    let held = match sender {
        Some(held) => held,
        None => sender.insert(take_sender(dir, SystemClock.now())?),
    };
    sync_http(dir, &id, held, policy)
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
