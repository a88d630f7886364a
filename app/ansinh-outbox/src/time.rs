//! The latest trustworthy time the device has seen, kept beside the records so a clock that
//! went back (a power cut that reset it) can be noticed: the server time of each verified
//! acknowledgement, the time of each commit, a clerk's confirmation. Judging the clock with it
//! is the device's business (`ansinh_device::clock::trust`); this only keeps the evidence.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::error::{Error, Result};
use crate::outbox::{Outbox, Timestamp, audit};

/// The latest trustworthy time (`meta` key).
const TRUSTED: &str = "time:trusted";
/// The last time known right with the device's uptime then (`meta` key): `AT BOOT UPTIME`.
const REFERENCE: &str = "time:reference";

/// A time known right and where the device's monotonic clock stood then: while the device has
/// not restarted, the time now is `at` plus the uptime elapsed since.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeReference {
    /// The time known right, Unix seconds.
    pub at: Timestamp,
    /// The boot it was seen in (the kernel's boot id).
    pub boot: String,
    /// Seconds since that boot when it was seen.
    pub uptime: i64,
}

/// What the outbox knows of the time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimeEvidence {
    /// The latest trustworthy time seen (`None`: none yet, a new device).
    pub trusted: Option<Timestamp>,
    /// The last time known right with its uptime (`None`: no network acknowledgement or
    /// confirmation yet).
    pub reference: Option<TimeReference>,
}

fn read(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| r.get(0))
        .optional()?)
}

fn write(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) \
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

fn trusted(conn: &Connection) -> Result<Option<Timestamp>> {
    read(conn, TRUSTED)?
        .map(|v| v.parse().map_err(|_| Error::Corrupt("the trusted time is not a number".into())))
        .transpose()
}

/// Raises the latest trustworthy time to `at` (never lowers it), inside the caller's
/// transaction.
pub(crate) fn raise_trusted(conn: &Connection, at: Timestamp) -> Result<()> {
    if trusted(conn)?.is_none_or(|t| t < at) {
        write(conn, TRUSTED, &at.to_string())?;
    }
    Ok(())
}

fn write_reference(conn: &Connection, r: &TimeReference) -> Result<()> {
    write(conn, REFERENCE, &format!("{} {} {}", r.at, r.boot, r.uptime))
}

fn parse_reference(v: &str) -> Result<TimeReference> {
    let bad = || Error::Corrupt("the time reference is damaged".into());
    let mut parts = v.split(' ');
    let (Some(at), Some(boot), Some(uptime), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    Ok(TimeReference {
        at: at.parse().map_err(|_| bad())?,
        boot: boot.to_string(),
        uptime: uptime.parse().map_err(|_| bad())?,
    })
}

impl Outbox {
    /// The latest trustworthy time and the last time reference.
    pub fn time_evidence(&self) -> Result<TimeEvidence> {
        let reference = read(&self.conn, REFERENCE)?.as_deref().map(parse_reference).transpose()?;
        Ok(TimeEvidence { trusted: trusted(&self.conn)?, reference })
    }

    /// Notes the server time of a verified acknowledgement: it raises the latest trustworthy
    /// time, and with `reference` (a network answer, received just now; not a USB
    /// acknowledgement, which may have waited days on its stick) becomes the time reference.
    pub fn note_server_time(
        &mut self,
        server_time: Timestamp,
        reference: Option<&TimeReference>,
    ) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        raise_trusted(&tx, server_time)?;
        if let Some(r) = reference {
            write_reference(&tx, r)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A clerk confirms that the device's clock is right at `now`: `now` becomes the latest
    /// trustworthy time (even if earlier than the one kept, which the clerk overrules) and the
    /// time reference (or there is none, without `reference`), committed with an audit entry
    /// naming the clerk ([`Outbox::act_as`]). Returns the entry's `seq`.
    pub fn confirm_time(
        &mut self,
        now: Timestamp,
        reference: Option<&TimeReference>,
    ) -> Result<u64> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before = trusted(&tx)?.map_or_else(|| "none".to_string(), |t| t.to_string());
        write(&tx, TRUSTED, &now.to_string())?;
        match reference {
            Some(r) => write_reference(&tx, r)?,
            None => {
                tx.execute("DELETE FROM meta WHERE key = ?1", params![REFERENCE])?;
            }
        }
        let detail = format!("device time {now} confirmed; trusted time was {before}");
        let seq = audit(&tx, &self.actor, now, "clock_confirmed", None, &detail)?;
        tx.commit()?;
        Ok(seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_wire::OpeningKey;

    fn outbox(dir: &tempfile::TempDir) -> Result<Outbox> {
        Outbox::open(&dir.path().join("outbox.sqlite"), OpeningKey::generate().sealing_key())
    }

    #[test]
    fn server_times_only_raise_the_trusted_time_and_a_clerk_overrules_it() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let mut o = outbox(&dir)?;
        assert_eq!(o.time_evidence()?, TimeEvidence::default(), "a new device knows nothing");
        o.note_server_time(1_000, None)?;
        o.note_server_time(900, None)?;
        assert_eq!(o.time_evidence()?.trusted, Some(1_000), "an older ack never lowers it");
        let r = TimeReference { at: 1_200, boot: "b-1".into(), uptime: 60 };
        o.note_server_time(1_200, Some(&r))?;
        assert_eq!(o.time_evidence()?, TimeEvidence { trusted: Some(1_200), reference: Some(r) });
        o.act_as("CLERK-1");
        let seq = o.confirm_time(500, None)?;
        assert_eq!(o.time_evidence()?, TimeEvidence { trusted: Some(500), reference: None });
        let entry = o.audit_entries(seq - 1, 1)?;
        assert_eq!(entry.len(), 1);
        assert_eq!(
            (entry[0].agent_code.as_str(), entry[0].event.as_str()),
            ("CLERK-1", "clock_confirmed")
        );
        drop(o);
        let o = outbox(&dir)?;
        assert_eq!(o.time_evidence()?.trusted, Some(500), "kept across a restart");
        Ok(())
    }
}
