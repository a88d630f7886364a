//! Where "now" comes from, for every part of the device (kiosk, uploader, CLI): the one place
//! that reads the system clock, and a clock for tests that moves only when told to.
//!
//! Controllers and the uploader never read the system clock themselves: they take a
//! [`Clock`] (or `now`/`today` as parameters from one), so tests can move time by hand.
//!
//! [`trust`] judges the clock against the latest trustworthy time the outbox keeps
//! ([`ansinh_outbox::TimeEvidence`]): enrollment stops while it is not [`ClockTrust::Trusted`].

use std::cell::Cell;
use std::time::{SystemTime, UNIX_EPOCH};

use ansinh_core::Date;
use ansinh_outbox::{Outbox, TimeEvidence, TimeReference};

/// Seconds since the Unix epoch.
pub type Timestamp = i64;

/// Where the device's monotonic clock stands: seconds since a boot, which setting the clock
/// does not move.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uptime {
    /// The boot (the kernel's boot id).
    pub boot: String,
    /// Seconds since it.
    pub secs: i64,
}

/// Where "now" comes from.
pub trait Clock {
    /// Seconds since the Unix epoch.
    fn now(&self) -> Timestamp;
    /// Today's date at the counter (Vietnam time).
    fn today(&self) -> Date {
        vietnam_date(self.now())
    }
    /// The monotonic clock, where there is one (`None`: the time elapsed is unknown).
    fn uptime(&self) -> Option<Uptime> {
        None
    }
}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
    /// Linux's boot id and `/proc/uptime` (which counts suspended time too, as the wall clock
    /// does).
    fn uptime(&self) -> Option<Uptime> {
        let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
        let uptime = std::fs::read_to_string("/proc/uptime").ok()?;
        // `12345.67 …`: whole seconds are plenty against bounds of minutes and hours.
        let secs = uptime.split_whitespace().next()?.split('.').next()?.parse().ok()?;
        Some(Uptime { boot: boot.trim().to_string(), secs })
    }
}

/// A clock that moves only when told to (tests, screenshots).
#[derive(Debug)]
pub struct FakeClock {
    now: Cell<Timestamp>,
    /// Seconds elapsed since the clock was made: [`FakeClock::advance`] moves it (time
    /// passes), [`FakeClock::set`] does not (the clock is set).
    elapsed: Cell<i64>,
}

impl FakeClock {
    /// A clock standing at 09:00 Vietnam time on `date`.
    pub fn at(date: Date) -> Self {
        Self::at_time(date.vietnam_midnight() + 9 * 3600)
    }
    /// A clock standing at Unix time `now`.
    pub fn at_time(now: Timestamp) -> Self {
        Self { now: Cell::new(now), elapsed: Cell::new(0) }
    }
    /// Moves the clock forward (or back, for a negative `secs`); its uptime moves forward
    /// as much (time passed), never back.
    pub fn advance(&self, secs: i64) {
        self.now.set(self.now.get() + secs);
        self.elapsed.set(self.elapsed.get() + secs.max(0));
    }
    /// Sets the clock, as a person or a reset does: its uptime does not move.
    pub fn set(&self, now: Timestamp) {
        self.now.set(now);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Timestamp {
        self.now.get()
    }
    fn uptime(&self) -> Option<Uptime> {
        Some(Uptime { boot: "fake".into(), secs: self.elapsed.get() })
    }
}

impl<C: Clock + ?Sized> Clock for std::rc::Rc<C> {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
    fn today(&self) -> Date {
        (**self).today()
    }
    fn uptime(&self) -> Option<Uptime> {
        (**self).uptime()
    }
}

/// How far the clock may stand before the latest trustworthy time: NTP steps a clock back by
/// seconds, and a commit's time and a hub's time come from two clocks that differ a little;
/// a reset after a power cut goes back days or years.
pub const BEHIND_TOLERANCE_SECS: i64 = 5 * 60;

/// How far the clock may drift from the last time known right plus the uptime elapsed since:
/// a day, so a cheap clock's drift between syncs or a time zone mistake of a few hours never
/// stops a counter, while a wrong date does (a day moves the receipt's date and the months
/// paid for).
pub const DRIFT_BOUND_SECS: i64 = 24 * 3600;

/// What the device makes of its clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockTrust {
    /// Nothing says it is wrong: enrollment may go on.
    Trusted,
    /// It stands before the latest trustworthy time (by more than [`BEHIND_TOLERANCE_SECS`]).
    Behind {
        /// The time the clock shows.
        now: Timestamp,
        /// The latest trustworthy time.
        trusted: Timestamp,
    },
    /// It is more than [`DRIFT_BOUND_SECS`] away from the last time known right plus the
    /// uptime elapsed since (same boot only).
    Drifted {
        /// The time the clock shows.
        now: Timestamp,
        /// The time it should show.
        expected: Timestamp,
    },
}

impl ClockTrust {
    /// Whether enrollment may go on.
    pub fn is_trusted(self) -> bool {
        self == ClockTrust::Trusted
    }
    /// The latest time the device trusts, to show beside the clock's: the latest trustworthy
    /// time or the expected time (`None` when trusted).
    pub fn trusted_time(self) -> Option<Timestamp> {
        match self {
            ClockTrust::Trusted => None,
            ClockTrust::Behind { trusted, .. } => Some(trusted),
            ClockTrust::Drifted { expected, .. } => Some(expected),
        }
    }
}

/// Judges `clock` against what `outbox` keeps of the time: the one check the kiosk and the
/// command make before an enrollment. After a restart the uptime of the last reference means
/// nothing, and only the latest trustworthy time applies.
pub fn trust(outbox: &Outbox, clock: &dyn Clock) -> Result<ClockTrust, ansinh_outbox::Error> {
    Ok(judge(outbox.time_evidence()?, clock))
}

/// [`trust`] on evidence already read (the kiosk's in-memory store keeps its own).
pub fn judge(evidence: TimeEvidence, clock: &dyn Clock) -> ClockTrust {
    let now = clock.now();
    if let Some(trusted) = evidence.trusted
        && now < trusted.saturating_sub(BEHIND_TOLERANCE_SECS)
    {
        return ClockTrust::Behind { now, trusted };
    }
    if let (Some(r), Some(up)) = (evidence.reference, clock.uptime())
        && r.boot == up.boot
        && up.secs >= r.uptime
    {
        let expected = r.at.saturating_add(up.secs - r.uptime);
        if now.abs_diff(expected) > DRIFT_BOUND_SECS.unsigned_abs() {
            return ClockTrust::Drifted { now, expected };
        }
    }
    ClockTrust::Trusted
}

/// The time reference for a time known right now (`at`): with the clock's uptime, or `None`
/// without a monotonic clock.
pub fn reference(clock: &dyn Clock, at: Timestamp) -> Option<TimeReference> {
    clock.uptime().map(|u| TimeReference { at, boot: u.boot, uptime: u.secs })
}

/// A clerk confirms the date the clock shows (an audited staff action, naming the agent the
/// outbox acts as): it becomes the latest trustworthy time and the reference.
pub fn confirm(outbox: &mut Outbox, clock: &dyn Clock) -> Result<u64, ansinh_outbox::Error> {
    let now = clock.now();
    outbox.confirm_time(now, reference(clock, now).as_ref())
}

/// The date in Viet Nam at `at` ([`Date::in_vietnam`]), saturating to 2026-01-01 for a clock
/// outside the policy table's years 1900–2399, which only a broken clock reports.
pub fn vietnam_date(at: Timestamp) -> Date {
    Date::in_vietnam(at)
        .unwrap_or_else(|_| Date::new(2026, 1, 1).unwrap_or_else(|_| unreachable!()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        let offset = ansinh_core::policy::VIETNAM_OFFSET_SECS;
        for (s, expect) in [(-offset, "1970-01-01"), (1_795_314_600, "2026-11-22")] {
            assert_eq!(vietnam_date(s).to_string(), expect);
        }
        let d: Date = "2028-02-29".parse().unwrap_or_else(|_| unreachable!());
        assert_eq!(vietnam_date(d.vietnam_midnight()), d);
        let clock = FakeClock::at(d);
        assert_eq!(clock.today(), d);
        clock.advance(15 * 3600);
        assert_eq!(clock.today().to_string(), "2028-03-01", "midnight in Vietnam, not UTC");
        clock.set(0);
        assert_eq!(clock.today().to_string(), "1970-01-01");
        assert_eq!(vietnam_date(i64::MIN / 2).to_string(), "2026-01-01", "a broken clock");
    }

    #[test]
    fn setting_a_fake_clock_does_not_move_its_uptime() {
        let clock = FakeClock::at_time(1_000);
        clock.advance(60);
        clock.set(10);
        clock.advance(-5);
        assert_eq!(clock.uptime().map(|u| u.secs), Some(60));
        assert_eq!(clock.now(), 5);
    }

    #[test]
    fn the_system_clock_has_an_uptime_on_linux() {
        let (a, b) = (SystemClock.uptime(), SystemClock.uptime());
        assert!(a.is_some(), "/proc/uptime and the boot id are readable");
        let (a, b) = (a.unwrap_or_else(|| unreachable!()), b.unwrap_or_else(|| unreachable!()));
        assert_eq!(a.boot, b.boot);
        assert!(b.secs >= a.secs && a.secs > 0);
    }

    fn outbox(dir: &tempfile::TempDir) -> Result<Outbox, ansinh_outbox::Error> {
        let key = ansinh_wire::OpeningKey::generate().sealing_key();
        Outbox::open(&dir.path().join("outbox.sqlite"), key)
    }

    #[test]
    fn a_clock_behind_the_trusted_time_or_far_from_the_reference_is_not_trusted()
    -> Result<(), ansinh_outbox::Error> {
        let dir = tempfile::tempdir()?;
        let mut o = outbox(&dir)?;
        let t = 1_800_000_000;
        let clock = FakeClock::at_time(t);
        assert_eq!(trust(&o, &clock)?, ClockTrust::Trusted, "a new device has nothing to go by");
        o.note_server_time(t, reference(&clock, t).as_ref())?;
        clock.set(t - BEHIND_TOLERANCE_SECS);
        assert_eq!(trust(&o, &clock)?, ClockTrust::Trusted, "within the tolerance");
        clock.set(t - 3 * 86_400);
        assert_eq!(trust(&o, &clock)?, ClockTrust::Behind { now: t - 3 * 86_400, trusted: t });
        clock.set(t);
        clock.advance(3600);
        assert_eq!(trust(&o, &clock)?, ClockTrust::Trusted, "an hour passed, the clock right");
        clock.set(t + 3600 + 2 * 86_400);
        assert_eq!(
            trust(&o, &clock)?,
            ClockTrust::Drifted { now: t + 3600 + 2 * 86_400, expected: t + 3600 }
        );
        assert_eq!(
            trust(&o, &FakeClock::at_time(t + 2 * 86_400))?,
            ClockTrust::Drifted { now: t + 2 * 86_400, expected: t }
        );
        assert_eq!(
            trust(&o, &SystemClockAt(t + 2 * 86_400))?,
            ClockTrust::Trusted,
            "another boot: the uptime since the reference is unknown, ahead is not judged"
        );
        o.act_as("CLERK-1");
        confirm(&mut o, &clock)?;
        assert_eq!(trust(&o, &clock)?, ClockTrust::Trusted, "a clerk confirmed the date");
        Ok(())
    }

    /// A clock of another boot.
    struct SystemClockAt(Timestamp);
    impl Clock for SystemClockAt {
        fn now(&self) -> Timestamp {
            self.0
        }
        fn uptime(&self) -> Option<Uptime> {
            Some(Uptime { boot: "another".into(), secs: 5 })
        }
    }
}
