//! Auto-repeat of a held button (the steppers' − and +, the keyboard's backspace): the press
//! steps once at once; held past [`HOLD_DELAY`], it steps again every [`REPEAT_EVERY`] until
//! released. From birth year 1981 to 1962 is then one press held about 2.3 s, not 19 taps.
//!
//! The schedule is here; the adapter (`ui::hold`) arms a timer for each [`Hold::wait`] and
//! steps when it fires, so the tests drive it on a mock clock, never by sleeping.

use std::time::Duration;

/// How long a press is held before it repeats: long enough that an ordinary tap (about
/// 100–300 ms on a touch panel) never steps twice, the usual keyboard auto-repeat delay.
pub const HOLD_DELAY: Duration = Duration::from_millis(500);

/// The step rate while held (10 a second): slow enough to let go on the value wanted, which is
/// shown at every step.
pub const REPEAT_EVERY: Duration = Duration::from_millis(100);

/// A held press stops by itself after this many repeats (a minute): a touch panel that loses
/// the release must not step for ever.
pub const MAX_REPEATS: u32 = 600;

/// One press of a repeating button.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hold {
    held: bool,
    repeats: u32,
}

impl Hold {
    /// The finger comes down: the caller steps once now, then waits [`Hold::wait`].
    pub fn press(&mut self) {
        *self = Self { held: true, repeats: 0 };
    }

    /// The finger is lifted (or the press cancelled).
    pub fn release(&mut self) {
        self.held = false;
    }

    /// Whether the button is held.
    pub const fn held(&self) -> bool {
        self.held
    }

    /// How long to wait before the next step: the hold delay before the first repeat, the
    /// repeat interval after it.
    pub const fn wait(&self) -> Duration {
        if self.repeats == 0 { HOLD_DELAY } else { REPEAT_EVERY }
    }

    /// The wait is over: whether to step again (still held, and not held too long).
    pub fn elapsed(&mut self) -> bool {
        if !self.held || self.repeats >= MAX_REPEATS {
            self.held = false;
            return false;
        }
        self.repeats += 1;
        true
    }
}

/// The steps a press makes when held for `held` (the press itself is one).
pub fn steps_when_held(held: Duration) -> u32 {
    match held.checked_sub(HOLD_DELAY) {
        None => 1,
        Some(more) => {
            let repeats = 1 + more.as_millis() / REPEAT_EVERY.as_millis();
            1 + u32::try_from(repeats).unwrap_or(u32::MAX).min(MAX_REPEATS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drives a hold on a test clock: the steps made while held for `held`.
    fn hold_for(held: Duration) -> u32 {
        let mut h = Hold::default();
        h.press();
        let (mut now, mut steps) = (Duration::ZERO, 1);
        loop {
            let due = now + h.wait();
            if due > held {
                h.release();
                assert!(!h.elapsed(), "no step after the release");
                return steps;
            }
            now = due;
            if h.elapsed() {
                steps += 1;
            }
        }
    }

    #[test]
    fn a_tap_steps_once_a_hold_repeats_at_a_fixed_rate() {
        assert_eq!(hold_for(Duration::from_millis(300)), 1, "a tap");
        assert_eq!(hold_for(HOLD_DELAY), 2);
        // 1981 → 1962: 19 steps, one press held 2.3 s.
        let held = HOLD_DELAY + 17 * REPEAT_EVERY;
        assert_eq!(hold_for(held), 19);
        assert_eq!(steps_when_held(held), 19);
        for ms in [0, 499, 500, 650, 1_000, 2_345, 10_000] {
            let d = Duration::from_millis(ms);
            assert_eq!(hold_for(d), steps_when_held(d), "{ms} ms");
        }
    }

    #[test]
    fn a_lost_release_stops_by_itself() {
        let mut h = Hold::default();
        h.press();
        let mut repeats = 0;
        while h.elapsed() {
            repeats += 1;
        }
        assert_eq!(repeats, MAX_REPEATS);
        assert!(!h.held());
    }
}
