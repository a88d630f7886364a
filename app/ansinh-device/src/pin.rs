//! The staff PIN: an Argon2id hash (PHC string) and a lockout after repeated failures, kept
//! per account in the outbox ([`ansinh_outbox::LockState`]) by the kiosk and the command.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use rand_core::RngCore;

use crate::clock::Timestamp;
use ansinh_outbox::LockState;

/// The PIN a device uses until staff set their own (development only; the staff screens say so).
pub const DEVELOPMENT_PIN: &str = "123456";
/// Digits in a PIN.
pub const PIN_DIGITS: usize = 6;
/// Failures in a row before the PIN locks.
pub const MAX_FAILURES: u32 = 5;
/// First lock, seconds; each further lock doubles, up to [`MAX_LOCK_SECS`].
pub const LOCK_SECS: i64 = 300;
/// Longest lock.
pub const MAX_LOCK_SECS: i64 = 3600;

/// Argon2id costs for a new hash: OWASP's minimum (19 MiB, 2 passes); a check takes well under
/// a second on a kiosk's CPU in a release build.
pub fn default_params() -> Params {
    Params::new(19 * 1024, 2, 1, None).unwrap_or_default()
}

/// Hashes a PIN with a fresh random salt.
pub fn hash_pin(pin: &str, params: Params) -> Result<String, String> {
    let mut salt = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut salt);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_with_salt(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// What a PIN attempt gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// Right PIN.
    Accepted,
    /// Wrong PIN; this many tries before the lock.
    Wrong {
        /// Tries left.
        left: u32,
    },
    /// Locked until then (the attempt was not even checked).
    Locked {
        /// Seconds since the epoch.
        until: Timestamp,
    },
}

/// The PIN check with its lockout state.
#[derive(Clone, Debug)]
pub struct PinLock {
    /// `None`: the device has no PIN of its own and takes [`DEVELOPMENT_PIN`]. That PIN is
    /// public, so hashing it would protect nothing, and it would cost every start an Argon2
    /// run (tens of milliseconds before the first frame).
    hash: Option<String>,
    failures: u32,
    locks: u32,
    locked_until: Option<Timestamp>,
}

impl PinLock {
    /// Checks PINs against `hash` (a PHC string).
    pub fn new(hash: String) -> Self {
        Self::with_state(hash, LockState::default())
    }

    /// Checks PINs against `hash`, going on from a lockout kept in the outbox.
    pub fn with_state(hash: String, state: LockState) -> Self {
        Self {
            hash: Some(hash),
            failures: state.failures,
            locks: state.locks,
            locked_until: state.locked_until,
        }
    }

    /// The lockout as it is now, to keep in the outbox.
    pub fn state(&self) -> LockState {
        LockState { failures: self.failures, locks: self.locks, locked_until: self.locked_until }
    }

    /// Checks PINs against [`DEVELOPMENT_PIN`], with the same lockout. Only on a device in
    /// development (demo) mode (the kiosk's staff controller decides).
    pub fn development() -> Self {
        Self { hash: None, failures: 0, locks: 0, locked_until: None }
    }

    /// The hash in use (`None`: the development PIN).
    pub fn hash(&self) -> Option<&str> {
        self.hash.as_deref()
    }

    /// Replaces the hash (after a PIN change).
    pub fn set_hash(&mut self, hash: String) {
        self.hash = Some(hash);
    }

    /// Until when the PIN is locked, if it is at `now`.
    pub fn locked_until(&self, now: Timestamp) -> Option<Timestamp> {
        self.locked_until.filter(|u| *u > now)
    }

    /// Checks a PIN at `now`.
    pub fn attempt(&mut self, pin: &str, now: Timestamp) -> Attempt {
        if let Some(until) = self.locked_until(now) {
            return Attempt::Locked { until };
        }
        let ok = match &self.hash {
            Some(hash) => Argon2::default().verify_password(pin.as_bytes(), hash.as_str()).is_ok(),
            None => pin == DEVELOPMENT_PIN,
        };
        if ok {
            self.failures = 0;
            self.locks = 0;
            self.locked_until = None;
            return Attempt::Accepted;
        }
        self.failures += 1;
        if self.failures >= MAX_FAILURES {
            self.failures = 0;
            let secs = (LOCK_SECS << self.locks.min(8)).min(MAX_LOCK_SECS);
            self.locks += 1;
            let until = now + secs;
            self.locked_until = Some(until);
            return Attempt::Locked { until };
        }
        Attempt::Wrong { left: MAX_FAILURES - self.failures }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cheap costs so the debug-build tests stay fast (the hash string carries its costs).
    pub(crate) fn test_params() -> Params {
        Params::new(256, 1, 1, None).unwrap_or_default()
    }

    #[test]
    fn right_pin_wrong_pin_and_lockout() -> Result<(), String> {
        let mut lock = PinLock::new(hash_pin("246810", test_params())?);
        assert!(lock.hash().is_some_and(|h| h.starts_with("$argon2id$")));
        assert_eq!(lock.attempt("246810", 100), Attempt::Accepted);
        for left in (1..MAX_FAILURES).rev() {
            assert_eq!(lock.attempt("000000", 100), Attempt::Wrong { left });
        }
        assert_eq!(lock.attempt("000000", 100), Attempt::Locked { until: 100 + LOCK_SECS });
        assert_eq!(
            lock.attempt("246810", 101),
            Attempt::Locked { until: 100 + LOCK_SECS },
            "even the right PIN waits out the lock"
        );
        let later = 100 + LOCK_SECS;
        for _ in 0..MAX_FAILURES - 1 {
            lock.attempt("1", later);
        }
        assert_eq!(
            lock.attempt("1", later),
            Attempt::Locked { until: later + 2 * LOCK_SECS },
            "the second lock is longer"
        );
        assert_eq!(lock.attempt("246810", later + 2 * LOCK_SECS), Attempt::Accepted);
        Ok(())
    }

    #[test]
    fn a_lock_kept_and_read_back_goes_on_where_it_stopped() -> Result<(), String> {
        let hash = hash_pin("246810", test_params())?;
        let mut lock = PinLock::new(hash.clone());
        for _ in 0..MAX_FAILURES {
            lock.attempt("000000", 100);
        }
        let kept = lock.state();
        assert_eq!(kept, LockState { failures: 0, locks: 1, locked_until: Some(100 + LOCK_SECS) });
        let mut again = PinLock::with_state(hash, kept);
        assert_eq!(again.attempt("246810", 200), Attempt::Locked { until: 100 + LOCK_SECS });
        for _ in 0..MAX_FAILURES - 1 {
            again.attempt("1", 100 + LOCK_SECS);
        }
        assert_eq!(
            again.attempt("1", 100 + LOCK_SECS),
            Attempt::Locked { until: 100 + 3 * LOCK_SECS },
            "the second lock doubles, as if nothing had restarted"
        );
        Ok(())
    }

    #[test]
    fn development_pin_has_the_same_lockout() {
        let mut lock = PinLock::development();
        assert_eq!(lock.hash(), None);
        assert_eq!(lock.attempt(DEVELOPMENT_PIN, 100), Attempt::Accepted);
        for left in (1..MAX_FAILURES).rev() {
            assert_eq!(lock.attempt("654321", 100), Attempt::Wrong { left });
        }
        assert_eq!(lock.attempt("654321", 100), Attempt::Locked { until: 100 + LOCK_SECS });
        assert_eq!(lock.attempt(DEVELOPMENT_PIN, 101), Attempt::Locked { until: 100 + LOCK_SECS });
        lock.set_hash(hash_pin("246810", test_params()).unwrap_or_default());
        assert_eq!(lock.attempt(DEVELOPMENT_PIN, 100 + LOCK_SECS), Attempt::Wrong { left: 4 });
    }
}
