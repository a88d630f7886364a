//! Time for the kiosk: the one place that reads the system clock, and a fake for tests.
//!
//! Controllers never read the clock: they get `today` (a civil date in Vietnam) and `now`
//! (seconds since the Unix epoch) as parameters from the [`Clock`] the binary was built with.

use std::cell::Cell;
use std::time::{SystemTime, UNIX_EPOCH};

use ansinh_core::Date;

/// Seconds since the Unix epoch.
pub type Timestamp = i64;

/// Vietnam is UTC+7 all year (no daylight saving time).
pub const VIETNAM_OFFSET_SECS: i64 = 7 * 3600;

/// Where "now" comes from.
pub trait Clock {
    /// Seconds since the Unix epoch.
    fn now(&self) -> Timestamp;
    /// Today's date at the counter (Vietnam time).
    fn today(&self) -> Date {
        civil_date(self.now() + VIETNAM_OFFSET_SECS)
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
        Self { now: Cell::new(timestamp_of(date) + 9 * 3600) }
    }
    /// Moves the clock forward.
    pub fn advance(&self, secs: i64) {
        self.now.set(self.now.get() + secs);
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

/// The civil date of a count of seconds since 1970-01-01 00:00 (days-from-civil inverse,
/// H. Hinnant's algorithm; integer arithmetic only).
pub fn civil_date(secs: i64) -> Date {
    let days = secs.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let fallback = Date::new(2026, 1, 1).unwrap_or_else(|_| unreachable!());
    match (u16::try_from(y), u8::try_from(m), u8::try_from(d)) {
        (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d).unwrap_or(fallback),
        _ => fallback,
    }
}

/// Seconds since the epoch at 00:00 UTC+7 of `date`.
pub fn timestamp_of(date: Date) -> Timestamp {
    let (y, m, d) = (i64::from(date.year()), i64::from(date.month_number()), i64::from(date.day()));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 - VIETNAM_OFFSET_SECS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        for (s, expect) in [(0, "1970-01-01"), (1_795_314_600, "2026-11-22")] {
            assert_eq!(civil_date(s).to_string(), expect);
        }
        let d: Date = "2028-02-29".parse().unwrap_or_else(|_| unreachable!());
        assert_eq!(civil_date(timestamp_of(d) + VIETNAM_OFFSET_SECS), d);
        let clock = FakeClock::at(d);
        assert_eq!(clock.today(), d);
        clock.advance(15 * 3600);
        assert_eq!(clock.today().to_string(), "2028-03-01", "midnight in Vietnam, not UTC");
    }
}
