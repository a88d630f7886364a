//! Where "now" comes from, for every part of the device (kiosk, uploader, CLI): the one place
//! that reads the system clock, and a clock for tests that moves only when told to.
//!
//! Controllers and the uploader never read the system clock themselves: they take a
//! [`Clock`] (or `now`/`today` as parameters from one), so tests can move time by hand.

use std::cell::Cell;
use std::time::{SystemTime, UNIX_EPOCH};

use ansinh_core::Date;

/// Seconds since the Unix epoch.
pub type Timestamp = i64;

/// Where "now" comes from.
pub trait Clock {
    /// Seconds since the Unix epoch.
    fn now(&self) -> Timestamp;
    /// Today's date at the counter (Vietnam time).
    fn today(&self) -> Date {
        vietnam_date(self.now())
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
}

/// A clock that moves only when told to (tests, screenshots).
#[derive(Debug)]
pub struct FakeClock {
    now: Cell<Timestamp>,
}

impl FakeClock {
    /// A clock standing at 09:00 Vietnam time on `date`.
    pub fn at(date: Date) -> Self {
        Self::at_time(date.vietnam_midnight() + 9 * 3600)
    }
    /// A clock standing at Unix time `now`.
    pub fn at_time(now: Timestamp) -> Self {
        Self { now: Cell::new(now) }
    }
    /// Moves the clock forward (or back, for a negative `secs`).
    pub fn advance(&self, secs: i64) {
        self.now.set(self.now.get() + secs);
    }
    /// Sets the clock.
    pub fn set(&self, now: Timestamp) {
        self.now.set(now);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Timestamp {
        self.now.get()
    }
}

impl<C: Clock + ?Sized> Clock for std::rc::Rc<C> {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
    fn today(&self) -> Date {
        (**self).today()
    }
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
}
