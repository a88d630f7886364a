//! Publishing policy tables: a table edited as TOML is checked (the same checks as the build:
//! gaps, overlaps, sources, plausible values, `valid_until`), signed with the policy key
//! (possibly offline, [`sign_table`]), and published ([`Hub::publish_policy`]): kept for ever
//! in the store, served to devices (`GET /v1/policy/latest`) and used to check the records
//! priced with it.
//!
//! Order: a table is published only when its version is later than the hub's built-in table
//! and every table published before (`ansinh_policy::version_order`), so "the latest" is
//! simply the one published last, and a device can check the same order on its own.

use std::cmp::Ordering;

use ansinh_core::PolicyTable;
use ansinh_core::policy::{compile_toml, version_order};
use ansinh_wire::policy::{POLICY_FORMAT_VERSION, PolicyBody, open_policy, sign_policy};
use ed25519_dalek::SigningKey;

use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::store::{PublishedPolicy, Timestamp};

/// Compiles and checks a TOML table and signs it with the policy key: the signed file to
/// publish (runs anywhere the key is, e.g. offline: `ansinh-hub policy sign`).
pub fn sign_table(toml: &str, key: &SigningKey, now: Timestamp) -> Result<Vec<u8>> {
    let compiled = compile_toml(toml).map_err(|e| Error::Invalid(e.to_string()))?;
    let table = PolicyTable::from_bytes(&compiled).map_err(|e| Error::Invalid(e.to_string()))?;
    if !ansinh_core::policy::is_orderable(table.version) {
        return Err(Error::Invalid(format!(
            "version {:?} cannot be ordered: it must read PREFIX-YYYY-MM-DD, optionally followed by a suffix (VN-2027-01-15, VN-2027-01-15.2)",
            table.version
        )));
    }
    let (table_version, valid_until) = (table.version.to_string(), table.valid_until.to_string());
    drop(table);
    let body = PolicyBody {
        format: POLICY_FORMAT_VERSION,
        table_version,
        valid_until,
        published_at: now,
        table: compiled,
    };
    sign_policy(&body, key).map_err(|e| Error::Invalid(format!("signing the table: {e}")))
}

/// Checks a signed table as a device will: the signature under `key`, the table valid, the
/// envelope's version and `valid_until` those of the table inside. Returns the envelope.
pub fn check_signed(signed: &[u8], key: &ed25519_dalek::VerifyingKey) -> Result<PolicyBody> {
    let body = open_policy(signed, key).map_err(|e| {
        Error::Invalid(format!("the signed table does not verify with this hub's policy key: {e}"))
    })?;
    let table = PolicyTable::from_bytes(&body.table).map_err(|e| Error::Invalid(e.to_string()))?;
    let matches =
        table.version == body.table_version && table.valid_until.to_string() == body.valid_until;
    drop(table);
    if !matches {
        return Err(Error::Invalid(
            "the signed envelope's version or valid_until is not the table's".into(),
        ));
    }
    Ok(body)
}

impl Hub {
    /// Publishes a signed table (see the module docs): refused unless it verifies with this
    /// hub's policy key, is valid, and is later than the built-in table and every table
    /// published before. Returns what was stored.
    pub fn publish_policy(&self, signed: &[u8]) -> Result<PublishedPolicy> {
        let body = check_signed(signed, &self.keys().policy)?;
        let builtin = ansinh_core::default_table();
        let mut earlier = vec![builtin.version.to_string()];
        earlier.extend(self.store().policy_tables()?.into_iter().map(|p| p.version));
        for v in &earlier {
            match version_order(&body.table_version, v) {
                Some(Ordering::Greater) => {}
                Some(_) => {
                    return Err(Error::Invalid(format!(
                        "table {} is not later than {v}, which this hub already has",
                        body.table_version
                    )));
                }
                None => {
                    return Err(Error::Invalid(format!(
                        "table {} cannot be ordered against {v} (another prefix or form)",
                        body.table_version
                    )));
                }
            }
        }
        let published = PublishedPolicy {
            version: body.table_version.clone(),
            valid_until: body.valid_until.clone(),
            published_at: body.published_at,
            signed: signed.to_vec(),
        };
        if !self.store().publish_policy(&published)? {
            return Err(Error::Invalid(format!(
                "table {} is published already",
                published.version
            )));
        }
        self.rules().add_policy_table(&body.table).map_err(Error::Invalid)?;
        Ok(published)
    }

    /// Signs a TOML table with the policy key held by this hub and publishes it; refused when
    /// the key's private half is kept offline (then sign there and publish the signed file).
    pub fn publish_policy_toml(&self, toml: &str, now: Timestamp) -> Result<PublishedPolicy> {
        let key = self.keys().policy_signing.as_ref().ok_or_else(|| {
            Error::Invalid(
                "the policy key's private half is not on this hub (keys/policy-signing.key): sign the table where it is kept (ansinh-hub policy sign --key FILE TABLE.toml -o TABLE.signed) and publish TABLE.signed".into(),
            )
        })?;
        self.publish_policy(&sign_table(toml, key, now)?)
    }

    /// Makes every published table one the record rules know (at start, and when another
    /// process, `ansinh-hub policy publish`, published one meanwhile); how many were new.
    pub fn load_published_policies(&self) -> Result<usize> {
        let mut added = 0;
        for p in self.store().policy_tables()? {
            let body = check_signed(&p.signed, &self.keys().policy)?;
            if self.rules().add_policy_table(&body.table).map_err(Error::Invalid)? {
                added += 1;
            }
        }
        Ok(added)
    }
}
