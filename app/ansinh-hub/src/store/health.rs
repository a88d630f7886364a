//! The latest health report of each device (`ansinh_wire::health`), as the fleet page and
//! `ansinh-hub devices` show it: one row per device, replaced only by a report of a higher
//! `seq` (a report replayed, or carried late on a USB stick, never replaces a newer one).

use ansinh_wire::HealthReport;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::{SqliteStore, Timestamp};
use crate::error::{Error, Result};

/// How a report reached the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// `POST /v1/health`: received as it was made.
    Network,
    /// A `.health` file from a USB stick: made when the stick was written.
    Usb,
}

impl Via {
    /// Stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Via::Network => "network",
            Via::Usb => "usb",
        }
    }
}

/// A device's latest health report, as held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HeldHealth {
    /// The report, as the device signed it.
    pub report: HealthReport,
    /// When the hub received it.
    pub received_at: Timestamp,
    /// How.
    pub via: Via,
}

/// The health reports the hub keeps (part of [`super::Store`]).
pub trait HealthLog {
    /// Keeps `held` as its device's latest report unless the device's report held already has
    /// the same or a higher `seq`; whether it was kept.
    fn put_health(&self, held: &HeldHealth) -> Result<bool>;
    /// Every device's latest report, by device id.
    fn health_reports(&self) -> Result<Vec<HeldHealth>>;
}

/// The migration that adds the table (appended to the store's migrations).
pub(super) const MIGRATION: &str = r"
    CREATE TABLE device_health (
        device_id   INTEGER PRIMARY KEY REFERENCES devices(id),
        seq         INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        via         TEXT NOT NULL CHECK (via IN ('network', 'usb')),
        report      TEXT NOT NULL
    );
";

impl HealthLog for SqliteStore {
    fn put_health(&self, held: &HeldHealth) -> Result<bool> {
        let device =
            i64::try_from(held.report.device_id).map_err(|_| Error::Invalid("device id".into()))?;
        let seq = i64::try_from(held.report.seq)
            .map_err(|_| Error::Invalid("health report seq".into()))?;
        let json = serde_json::to_string(&held.report)
            .map_err(|e| Error::Corrupt(format!("health report: {e}")))?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: Option<i64> = tx
            .query_row("SELECT seq FROM device_health WHERE device_id = ?1", params![device], |r| {
                r.get(0)
            })
            .optional()?;
        if current.is_some_and(|c| c >= seq) {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO device_health (device_id, seq, received_at, via, report) \
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(device_id) DO UPDATE SET \
             seq = excluded.seq, received_at = excluded.received_at, via = excluded.via, \
             report = excluded.report",
            params![device, seq, held.received_at, held.via.as_str(), json],
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn health_reports(&self) -> Result<Vec<HeldHealth>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT received_at, via, report FROM device_health ORDER BY device_id")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?;
        rows.map(|row| {
            let (received_at, via, json) = row?;
            let report = serde_json::from_str(&json)
                .map_err(|e| Error::Corrupt(format!("held health report: {e}")))?;
            let via = if via == "usb" { Via::Usb } else { Via::Network };
            Ok(HeldHealth { report, received_at, via })
        })
        .collect()
    }
}
