//! Privacy at a public counter: after an idle time (default 90 s, with a warning from 75 s)
//! the app clears every field and every screen state that holds personal data.

use ansinh_device::clock::Timestamp;

/// Default idle time before the reset, seconds.
pub const IDLE_RESET_SECS: i64 = 90;
/// Default idle time before the warning, seconds.
pub const IDLE_WARN_SECS: i64 = 75;

/// Where the idle timer stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idle {
    /// Someone is using it.
    Active,
    /// The warning is up: this many seconds to the reset.
    Warning(i64),
    /// Time is up: clear everything.
    Expired,
}

/// The idle timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    last_activity: Timestamp,
    warn_after: i64,
    reset_after: i64,
}

impl Session {
    /// A timer started at `now`.
    pub fn new(now: Timestamp, warn_after: i64, reset_after: i64) -> Self {
        Self { last_activity: now, warn_after: warn_after.min(reset_after), reset_after }
    }

    /// Someone touched the screen.
    pub fn touch(&mut self, now: Timestamp) {
        self.last_activity = now;
    }

    /// Where the timer stands at `now`.
    pub fn idle(&self, now: Timestamp) -> Idle {
        let idle = now - self.last_activity;
        if idle >= self.reset_after {
            Idle::Expired
        } else if idle >= self.warn_after {
            Idle::Warning(self.reset_after - idle)
        } else {
            Idle::Active
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_at_75_and_expires_at_90() {
        let mut s = Session::new(1000, IDLE_WARN_SECS, IDLE_RESET_SECS);
        assert_eq!(s.idle(1074), Idle::Active);
        assert_eq!(s.idle(1075), Idle::Warning(15));
        assert_eq!(s.idle(1089), Idle::Warning(1));
        assert_eq!(s.idle(1090), Idle::Expired);
        s.touch(1089);
        assert_eq!(s.idle(1090), Idle::Active);
    }
}
