//! Staff accounts kept with the outbox: who may work on the device, their PIN hash (made by
//! the caller; the outbox never sees a PIN) and their lockout, each change committed with its
//! audit entry so that a failure and its lock survive a restart or a power cut together.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::error::{Error, Result};
use crate::outbox::{Outbox, Timestamp, audit};

/// What an account may do on the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Works the queue and the shift, reprints, voids, syncs.
    Agent,
    /// Also adds accounts, resets PINs and changes settings.
    Clerk,
}

impl Role {
    /// The name stored in the database and shown in the trail.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Clerk => "clerk",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "agent" => Ok(Role::Agent),
            "clerk" => Ok(Role::Clerk),
            other => Err(Error::Corrupt(format!("unknown staff role {other}"))),
        }
    }
}

/// The PIN lockout of one account, as kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LockState {
    /// Wrong PINs in a row since the last lock or success.
    pub failures: u32,
    /// Locks so far in a row (each lasts longer).
    pub locks: u32,
    /// Locked until then, if a lock was set.
    pub locked_until: Option<Timestamp>,
}

/// One person who may work on the device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Agent code, e.g. `DL-0001`.
    pub code: String,
    /// Full name (staff screens and the shift report; never in the audit trail).
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// Their PIN's hash (a PHC string); `None`: no PIN yet, a clerk sets the first.
    pub pin_hash: Option<String>,
    /// They must choose a PIN of their own at the next login (a clerk set this one).
    pub must_change: bool,
    /// Listed by the collection server's assignment (not made on the device).
    pub from_hub: bool,
    /// Their lockout.
    pub lock: LockState,
}

const ACCOUNT_COLUMNS: &str =
    "code, name, role, pin_hash, must_change, from_hub, failures, locks, locked_until";

fn account_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Account, String)> {
    let role: String = r.get(2)?;
    Ok((
        Account {
            code: r.get(0)?,
            name: r.get(1)?,
            role: Role::Agent,
            pin_hash: r.get(3)?,
            must_change: r.get(4)?,
            from_hub: r.get(5)?,
            lock: LockState { failures: r.get(6)?, locks: r.get(7)?, locked_until: r.get(8)? },
        },
        role,
    ))
}

fn finish((mut account, role): (Account, String)) -> Result<Account> {
    account.role = Role::parse(&role)?;
    Ok(account)
}

impl Outbox {
    /// Every account, by name.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM staff ORDER BY name, code");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], account_from)?;
        rows.map(|r| finish(r?)).collect()
    }

    /// One account by code.
    pub fn account(&self, code: &str) -> Result<Account> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM staff WHERE code = ?1");
        let row = self.conn.query_row(&sql, params![code], account_from).optional()?;
        finish(row.ok_or_else(|| Error::NotFound(format!("account {code}")))?)
    }

    /// Adds an account (made on the device: the first clerk at first boot, or by a clerk),
    /// with its audit entry naming the one acting. `pin_hash` `None`: a clerk sets it later.
    pub fn add_account(
        &mut self,
        code: &str,
        name: &str,
        role: Role,
        pin_hash: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        let (code, name) = (code.trim(), name.trim());
        if code.is_empty() || name.is_empty() {
            return Err(Error::Build("an account needs a code and a name".into()));
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "INSERT INTO staff (code, name, role, pin_hash, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT(code) DO NOTHING",
            params![code, name, role.as_str(), pin_hash, now],
        )?;
        if n == 0 {
            return Err(Error::AccountExists(code.into()));
        }
        let detail = format!("{code} {}", role.as_str());
        audit(&tx, &self.actor, now, "account_added", None, &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Adds the agents the collection server assigned to the device that it does not hold
    /// yet, as agents without a PIN (a clerk sets their first); returns how many were added.
    /// Accounts already held keep their role, PIN and lock.
    pub fn add_hub_agents(&mut self, agents: &[(String, String)], now: Timestamp) -> Result<usize> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut added = 0;
        for (code, name) in agents {
            let (code, name) = (code.trim(), name.trim());
            if code.is_empty() || name.is_empty() {
                continue;
            }
            let n = tx.execute(
                "INSERT INTO staff (code, name, role, from_hub, created_at, updated_at) \
                 VALUES (?1, ?2, 'agent', 1, ?3, ?3) ON CONFLICT(code) DO NOTHING",
                params![code, name, now],
            )?;
            if n > 0 {
                audit(&tx, "", now, "account_from_hub", None, code)?;
                added += 1;
            }
        }
        tx.commit()?;
        Ok(added)
    }

    /// Sets an account's PIN hash, clearing its lockout. `must_change`: a clerk set it for
    /// someone else, who must choose their own at the next login. Audited as `pin_reset`
    /// (someone else's) or `pin_changed` (one's own).
    pub fn set_pin_hash(
        &mut self,
        code: &str,
        pin_hash: &str,
        must_change: bool,
        now: Timestamp,
    ) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE staff SET pin_hash = ?2, must_change = ?3, failures = 0, locks = 0, \
             locked_until = NULL, updated_at = ?4 WHERE code = ?1",
            params![code, pin_hash, must_change, now],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!("account {code}")));
        }
        let event = if self.actor == code { "pin_changed" } else { "pin_reset" };
        audit(&tx, &self.actor, now, event, None, code)?;
        tx.commit()?;
        Ok(())
    }

    /// Keeps a login attempt's outcome: the account's new lockout and the audit entry
    /// (`event`, e.g. `login`, `pin_failed`, `locked_out`) in one transaction, so a failure is
    /// never counted without being recorded, nor recorded without being counted. The entry
    /// names the account as acting.
    pub fn record_login_attempt(
        &mut self,
        code: &str,
        lock: LockState,
        event: &str,
        detail: &str,
        now: Timestamp,
    ) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE staff SET failures = ?2, locks = ?3, locked_until = ?4, updated_at = ?5 \
             WHERE code = ?1",
            params![code, lock.failures, lock.locks, lock.locked_until, now],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!("account {code}")));
        }
        audit(&tx, code, now, event, None, detail)?;
        tx.commit()?;
        Ok(())
    }
}
