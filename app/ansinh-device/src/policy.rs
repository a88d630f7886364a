//! The policy table the device prices with: the built-in one, or a newer table published by
//! the hub and installed from a sync or a USB stick.
//!
//! ```text
//! DIR/policy/current.json    the installed table: the signed file as received, when, from where
//! DIR/policy/previous.json   the table it replaced (for "what changed")
//! DIR/policy/hub.json        what the hub last said of its newest table, and why it is not
//!                            installed (if it is not)
//! ```
//!
//! Installing ([`DataDir::install_policy`]) checks everything before anything is written: the
//! signature under the policy key pinned at registration, the table valid (gaps, overlaps,
//! sources, plausible values), its envelope matching it, and its version later than the table
//! in use and the built-in one (`ansinh_policy::version_order`). Then the current file is
//! copied to `previous.json` and the new one written over `current.json`, each with the
//! durable write (temporary file, fsync, rename, fsync of the directory): a power cut at any
//! point leaves a valid current table, the old one or the new one.
//!
//! Loading ([`DataDir::active_policy`]) never fails: a missing file means the built-in table; a
//! damaged or no longer verifiable file (or one older than a newer built-in table after a
//! software update) falls back to the previous installed table or the built-in one, and says
//! why, for staff.
//!
//! Amounts are estimates ([`Freshness`]) on a day past the table's `valid_until`, or when the
//! hub has a newer table the device has not installed.

use std::cmp::Ordering;
use std::path::PathBuf;
use std::sync::Mutex;

use ansinh_core::policy::version_order;
use ansinh_core::{Date, PolicyTable};
use ansinh_wire::policy::{PolicyBody, open_policy, peek_policy};
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use crate::{DataDir, Result, io, read_optional};

/// Where an installed table came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// Fetched from the hub during a sync.
    Sync,
    /// Read from a USB stick (`ansinh policy install`, the kiosk's stick).
    Usb,
    /// Read from the device's own configuration partition (the kiosk's `--policy FILE`): the
    /// table a device was prepared with, installed once registration pins the policy key.
    Configuration,
}

/// One installed table as kept on disk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Stored {
    /// When the device installed it, Unix seconds (device clock).
    received_at: i64,
    /// From where.
    source: Source,
    /// The signed file, hex.
    signed: String,
}

/// Where the table in use comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into this program.
    BuiltIn,
    /// Installed from a published, signed table.
    Installed {
        /// When the device installed it (device clock, Unix seconds).
        received_at: i64,
        /// From where.
        source: Source,
        /// When the hub signed it for publication.
        published_at: i64,
    },
}

impl Origin {
    /// For an installed table: when it was received, from where, and when it was published
    /// (as `ansinh_text::policy_origin` words it); `None` for the built-in one.
    pub fn installed(&self) -> Option<(i64, Source, i64)> {
        match self {
            Origin::BuiltIn => None,
            Origin::Installed { received_at, source, published_at } => {
                Some((*received_at, *source, *published_at))
            }
        }
    }
}

/// The table the device prices with now, with what staff need to know about it. Tables are
/// boxed: each is tens of kB, too much to move around on a thread's stack.
#[derive(Clone, Debug)]
pub struct ActivePolicy {
    /// The table.
    pub table: Box<PolicyTable<'static>>,
    /// Built-in or installed.
    pub origin: Origin,
    /// The table in use before it (the built-in one before the first installed table): what
    /// changed is the difference ([`ansinh_core::policy::diff`]).
    pub previous: Option<Box<PolicyTable<'static>>>,
    /// Why an installed table is not in use (damaged, no longer verifiable, older than the
    /// built-in table): for staff.
    pub problem: Option<String>,
}

/// What the hub last said of its newest table (kept by the uploader at each sync).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubPolicy {
    /// When the device asked (device clock, Unix seconds).
    pub checked_at: i64,
    /// The newest table the hub has, when it is not the one in use (as the hub named it).
    pub newest: Option<String>,
    /// Why the device did not install it, if it did not.
    pub problem: Option<String>,
}

/// Why amounts are estimates, for the citizen screens (the mark) and staff (the reasons).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Freshness {
    /// Past the table's `valid_until`: that day.
    pub past_valid_until: Option<Date>,
    /// The hub has a newer table the device has not installed: its version, and why not.
    pub newer_on_hub: Option<(String, Option<String>)>,
}

impl Freshness {
    /// Every amount must be marked as an estimate.
    pub fn is_estimate(&self) -> bool {
        self.past_valid_until.is_some() || self.newer_on_hub.is_some()
    }

    /// Judges the table in use on `today`, with what the hub last said.
    pub fn judge(table: &PolicyTable<'_>, hub: Option<&HubPolicy>, today: Date) -> Self {
        let past_valid_until =
            (!ansinh_core::table_known_on(table, today)).then_some(table.valid_until);
        let newer_on_hub = hub.and_then(|h| {
            let newest = h.newest.as_deref()?;
            // A version that cannot be ordered is not newer for sure; one the hub names that
            // the device cannot install is, for the estimate's sake, assumed newer.
            match version_order(newest, table.version) {
                Some(Ordering::Less | Ordering::Equal) => None,
                _ => Some((newest.to_string(), h.problem.clone())),
            }
        });
        Self { past_valid_until, newer_on_hub }
    }
}

/// Why a table was not installed. Permanent for that file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refused {
    /// The device learned no policy key at registration (an older hub, or a token made
    /// before the hub had one): it cannot tell a genuine table.
    #[error(
        "this device has no policy key from its registration (registered with an older hub or token): it cannot accept policy tables; register again with a new token"
    )]
    NoPolicyKey,
    /// Not a signed table, or the signature does not verify with the pinned policy key.
    #[error("the table's signature does not verify: {0}")]
    BadSignature(String),
    /// The table inside is invalid, or does not match its envelope.
    #[error("the table is invalid: {0}")]
    Invalid(String),
    /// Not later than the table in use (or the built-in one).
    #[error("table {offered} is not later than {current}, which the device already has")]
    NotNewer {
        /// The version offered.
        offered: String,
        /// The version it was compared with.
        current: String,
    },
}

/// The distinct tables this process loaded, leaked once each so that they are
/// `PolicyTable<'static>` like the built-in one (a handful in a device's life).
static LOADED: Mutex<Vec<&'static [u8]>> = Mutex::new(Vec::new());

fn leak(bytes: &[u8]) -> &'static [u8] {
    let mut loaded = LOADED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(b) = loaded.iter().find(|b| **b == bytes) {
        return b;
    }
    let b: &'static [u8] = Box::leak(bytes.to_vec().into_boxed_slice());
    loaded.push(b);
    b
}

/// Checks a signed table (signature, validity, envelope) and opens it.
fn verify(
    signed: &[u8],
    key: &VerifyingKey,
) -> Result<(PolicyBody, Box<PolicyTable<'static>>), Refused> {
    let body = open_policy(signed, key).map_err(|e| Refused::BadSignature(e.to_string()))?;
    let table = PolicyTable::from_bytes(leak(&body.table))
        .map(Box::new)
        .map_err(|e| Refused::Invalid(e.to_string()))?;
    if table.version != body.table_version || table.valid_until.to_string() != body.valid_until {
        return Err(Refused::Invalid(
            "the envelope's version or valid_until is not the table's".into(),
        ));
    }
    Ok((body, table))
}

/// Whether `offered` is later than `current`.
fn check_newer(offered: &str, current: &str) -> Result<(), Refused> {
    match version_order(offered, current) {
        Some(Ordering::Greater) => Ok(()),
        _ => Err(Refused::NotNewer { offered: offered.into(), current: current.into() }),
    }
}

impl DataDir {
    fn policy_path(&self, name: &str) -> PathBuf {
        self.root.join("policy").join(name)
    }

    /// The policy key pinned at registration, if the device has one.
    pub fn policy_key(&self) -> Result<Option<VerifyingKey>> {
        let Some(reg) = self.registration()? else { return Ok(None) };
        if reg.policy_signing_key.is_empty() {
            return Ok(None);
        }
        let path = self.root.join("registration.json");
        ansinh_wire::verifying_key_from_hex(&reg.policy_signing_key)
            .map(Some)
            .map_err(|e| crate::damaged(&path, e))
    }

    fn read_stored(&self, name: &str) -> Result<Option<Stored>, String> {
        let path = self.policy_path(name);
        let text = read_optional(&path).map_err(|e| e.to_string())?;
        text.map(|t| serde_json::from_str(&t).map_err(|e| format!("{}: {e}", path.display())))
            .transpose()
    }

    fn open_stored(
        &self,
        name: &str,
        key: Option<&VerifyingKey>,
    ) -> Result<Option<(Stored, PolicyBody, Box<PolicyTable<'static>>)>, String> {
        let Some(stored) = self.read_stored(name)? else { return Ok(None) };
        let key = key.ok_or_else(|| Refused::NoPolicyKey.to_string())?;
        let signed = hex::decode(&stored.signed).map_err(|e| format!("{name}: {e}"))?;
        let (body, table) = verify(&signed, key).map_err(|e| e.to_string())?;
        Ok(Some((stored, body, table)))
    }

    /// The table to price with now (see the module docs); never fails.
    pub fn active_policy(&self) -> ActivePolicy {
        let builtin = Box::new(ansinh_core::default_table());
        let key = self.policy_key().ok().flatten();
        let mut problem = None;
        for name in ["current.json", "previous.json"] {
            match self.open_stored(name, key.as_ref()) {
                Ok(None) => {
                    if name == "current.json" {
                        break;
                    }
                }
                Ok(Some((stored, body, table))) => {
                    if check_newer(table.version, builtin.version).is_err() {
                        // A software update brought a table at least as new.
                        problem.get_or_insert(format!(
                            "the installed table {} is not later than the built-in {}",
                            table.version, builtin.version
                        ));
                        break;
                    }
                    let previous = if name == "current.json" {
                        match self.open_stored("previous.json", key.as_ref()) {
                            Ok(Some((_, _, p))) => Some(p),
                            _ => Some(builtin.clone()),
                        }
                    } else {
                        Some(builtin.clone())
                    };
                    return ActivePolicy {
                        table,
                        origin: Origin::Installed {
                            received_at: stored.received_at,
                            source: stored.source,
                            published_at: body.published_at,
                        },
                        previous,
                        problem,
                    };
                }
                Err(why) => {
                    problem.get_or_insert(format!("the installed table is not used: {why}"));
                }
            }
        }
        ActivePolicy { table: builtin, origin: Origin::BuiltIn, previous: None, problem }
    }

    /// Checks and installs a signed table (see the module docs); returns the new active
    /// table. A refused table changes nothing.
    pub fn install_policy(
        &self,
        signed: &[u8],
        source: Source,
        now: i64,
    ) -> Result<std::result::Result<ActivePolicy, Refused>> {
        self.install_policy_with(signed, source, now, &|path, bytes| {
            ansinh_storage::durable::write_private(path, bytes)
        })
    }

    /// [`DataDir::install_policy`] writing through `write` (tests put a crash in it).
    fn install_policy_with(
        &self,
        signed: &[u8],
        source: Source,
        now: i64,
        write: &dyn Fn(&std::path::Path, &[u8]) -> std::io::Result<()>,
    ) -> Result<std::result::Result<ActivePolicy, Refused>> {
        let Some(key) = self.policy_key()? else { return Ok(Err(Refused::NoPolicyKey)) };
        let (_, table) = match verify(signed, &key) {
            Ok(v) => v,
            Err(r) => return Ok(Err(r)),
        };
        let active = self.active_policy();
        for current in [active.table.version, ansinh_core::default_table().version] {
            if let Err(r) = check_newer(table.version, current) {
                return Ok(Err(r));
            }
        }
        let dir = self.root.join("policy");
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let current = self.policy_path("current.json");
        // Only a sound current table is kept as the previous one: a damaged file is not.
        if matches!(self.open_stored("current.json", Some(&key)), Ok(Some(_)))
            && let Some(text) = read_optional(&current)?
        {
            let previous = self.policy_path("previous.json");
            write(&previous, text.as_bytes()).map_err(io(&previous))?;
        }
        let stored = Stored { received_at: now, source, signed: hex::encode(signed) };
        let json = serde_json::to_vec(&stored).map_err(|e| crate::damaged(&current, e))?;
        write(&current, &json).map_err(io(&current))?;
        Ok(Ok(self.active_policy()))
    }

    /// What the hub last said of its newest table.
    pub fn hub_policy(&self) -> Result<Option<HubPolicy>> {
        let path = self.policy_path("hub.json");
        read_optional(&path)?
            .map(|t| serde_json::from_str(&t).map_err(|e| crate::damaged(&path, e)))
            .transpose()
    }

    /// Keeps what the hub said of its newest table (the uploader, at each sync).
    pub fn note_hub_policy(&self, report: &HubPolicy) -> Result<()> {
        let dir = self.root.join("policy");
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let path = self.policy_path("hub.json");
        let json = serde_json::to_vec(report).map_err(|e| crate::damaged(&path, e))?;
        crate::write_private(&path, &json)
    }

    /// The table in use judged on `today` with what the hub last said (an unreadable hub
    /// report counts as none).
    pub fn policy_freshness(&self, table: &PolicyTable<'_>, today: Date) -> Freshness {
        Freshness::judge(table, self.hub_policy().ok().flatten().as_ref(), today)
    }
}

/// The version a signed file claims, unverified: only to name a refused table to staff.
pub fn claimed_version(signed: &[u8]) -> Option<String> {
    peek_policy(signed).ok().map(|b| b.table_version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_wire::policy::{POLICY_FORMAT_VERSION, sign_policy};
    use ed25519_dalek::SigningKey;

    /// A table as a hub would publish it: the built-in source with another version.
    fn signed_table(key: &SigningKey, version: &str) -> Vec<u8> {
        let source = include_str!("../../ansinh-core/policy/policy.toml");
        let text =
            source.replacen("version = \"VN-2026-12-06\"", &format!("version = \"{version}\""), 1);
        let compiled = ansinh_core::policy::compile_toml(&text).unwrap_or_default();
        let body = PolicyBody {
            format: POLICY_FORMAT_VERSION,
            table_version: version.into(),
            valid_until: "2026-12-31".into(),
            published_at: 1_800_000_000,
            table: compiled,
        };
        sign_policy(&body, key).unwrap_or_default()
    }

    fn registered(key: Option<&SigningKey>) -> Result<(tempfile::TempDir, DataDir)> {
        let tmp = tempfile::tempdir().map_err(io(std::path::Path::new("/tmp")))?;
        let data = DataDir::open(tmp.path())?;
        let signing = ansinh_wire::generate_signing_key();
        let answer = ansinh_wire::RegisterResponse {
            device_id: 1,
            sealing_key: ansinh_wire::OpeningKey::generate().sealing_key().to_hex(),
            server_signing_key: hex::encode(signing.verifying_key().to_bytes()),
            receipt_key: "ab".repeat(32),
            assignment: ansinh_wire::Assignment::default(),
            config_signing_key: String::new(),
            policy_signing_key: key
                .map(|k| hex::encode(k.verifying_key().to_bytes()))
                .unwrap_or_default(),
        };
        data.provision("http://127.0.0.1:8040", &answer)?;
        Ok((tmp, data))
    }

    #[test]
    fn a_newer_signed_table_is_installed_and_the_old_one_kept() -> Result<()> {
        let key = ansinh_wire::generate_signing_key();
        let (_tmp, data) = registered(Some(&key))?;
        assert_eq!(data.active_policy().origin, Origin::BuiltIn);
        let first = data.install_policy(&signed_table(&key, "VN-2027-01-15"), Source::Usb, 100)?;
        let first = first.map_err(|r| crate::damaged(data.root(), r))?;
        assert_eq!(first.table.version, "VN-2027-01-15");
        assert_eq!(first.previous.as_ref().map(|p| p.version), Some("VN-2026-12-06"));
        let second =
            data.install_policy(&signed_table(&key, "VN-2027-02-01"), Source::Sync, 200)?;
        let second = second.map_err(|r| crate::damaged(data.root(), r))?;
        assert_eq!(second.previous.as_ref().map(|p| p.version), Some("VN-2027-01-15"));
        assert!(matches!(
            second.origin,
            Origin::Installed {
                received_at: 200,
                source: Source::Sync,
                published_at: 1_800_000_000
            }
        ));
        // Older, the same, another key, a flipped byte: refused, nothing changes.
        let older = data.install_policy(&signed_table(&key, "VN-2027-01-20"), Source::Usb, 300)?;
        assert!(matches!(older, Err(Refused::NotNewer { .. })), "{older:?}");
        let same = data.install_policy(&signed_table(&key, "VN-2027-02-01"), Source::Usb, 300)?;
        assert!(matches!(same, Err(Refused::NotNewer { .. })));
        let other = ansinh_wire::generate_signing_key();
        let forged =
            data.install_policy(&signed_table(&other, "VN-2027-03-01"), Source::Usb, 300)?;
        assert!(matches!(forged, Err(Refused::BadSignature(_))));
        let mut tampered = signed_table(&key, "VN-2027-03-01");
        let middle = tampered.len() / 2;
        tampered[middle] ^= 1;
        let r = data.install_policy(&tampered, Source::Usb, 300)?;
        assert!(matches!(r, Err(Refused::BadSignature(_))), "{r:?}");
        assert_eq!(data.active_policy().table.version, "VN-2027-02-01");
        Ok(())
    }

    #[test]
    fn a_device_without_a_policy_key_refuses_every_table() -> Result<()> {
        let key = ansinh_wire::generate_signing_key();
        let (_tmp, data) = registered(None)?;
        let r = data.install_policy(&signed_table(&key, "VN-2027-01-15"), Source::Usb, 1)?;
        assert_eq!(r.err(), Some(Refused::NoPolicyKey));
        assert!(Refused::NoPolicyKey.to_string().contains("register again"));
        Ok(())
    }

    /// A crash between writing the new file and renaming it over the old one: the temporary
    /// file is left, the old table stays in use, and the next install works.
    #[test]
    fn a_crash_before_the_rename_leaves_the_old_table() -> Result<()> {
        let key = ansinh_wire::generate_signing_key();
        let (_tmp, data) = registered(Some(&key))?;
        data.install_policy(&signed_table(&key, "VN-2027-01-15"), Source::Usb, 1)?
            .map_err(|r| crate::damaged(data.root(), r))?;
        let crash = |path: &std::path::Path, bytes: &[u8]| -> std::io::Result<()> {
            if path.ends_with("current.json") {
                // Written and synced, then the power goes before the rename.
                std::fs::write(path.with_file_name(".current.json.1.0.tmp"), bytes)?;
                return Err(std::io::Error::other("power cut"));
            }
            ansinh_storage::durable::write_private(path, bytes)
        };
        let r =
            data.install_policy_with(&signed_table(&key, "VN-2027-02-01"), Source::Usb, 2, &crash);
        assert!(r.is_err());
        let active = data.active_policy();
        assert_eq!((active.table.version, active.problem), ("VN-2027-01-15", None));
        data.install_policy(&signed_table(&key, "VN-2027-02-01"), Source::Usb, 3)?
            .map_err(|r| crate::damaged(data.root(), r))?;
        assert_eq!(data.active_policy().table.version, "VN-2027-02-01");
        Ok(())
    }

    #[test]
    fn a_damaged_installed_table_falls_back_and_says_so() -> Result<()> {
        let key = ansinh_wire::generate_signing_key();
        let (_tmp, data) = registered(Some(&key))?;
        data.install_policy(&signed_table(&key, "VN-2027-01-15"), Source::Usb, 1)?
            .map_err(|r| crate::damaged(data.root(), r))?;
        data.install_policy(&signed_table(&key, "VN-2027-02-01"), Source::Usb, 2)?
            .map_err(|r| crate::damaged(data.root(), r))?;
        let current = data.policy_path("current.json");
        let text = std::fs::read_to_string(&current).map_err(io(&current))?;
        std::fs::write(&current, &text[..text.len() / 2]).map_err(io(&current))?;
        let active = data.active_policy();
        assert_eq!(active.table.version, "VN-2027-01-15", "the previous table");
        assert!(active.problem.is_some_and(|p| p.contains("not used")));
        std::fs::remove_file(data.policy_path("previous.json")).map_err(io(&current))?;
        let active = data.active_policy();
        assert_eq!((active.table.version, active.origin), ("VN-2026-12-06", Origin::BuiltIn));
        Ok(())
    }

    #[test]
    fn amounts_are_estimates_past_valid_until_or_with_a_newer_table_on_the_hub() -> Result<()> {
        let table = ansinh_core::default_table();
        let day =
            |s: &str| s.parse::<Date>().map_err(|e| crate::damaged(std::path::Path::new(s), e));
        assert!(!Freshness::judge(&table, None, day("2026-12-31")?).is_estimate());
        let past = Freshness::judge(&table, None, day("2027-01-01")?);
        assert_eq!(past.past_valid_until, Some(day("2026-12-31")?));
        let hub = HubPolicy {
            checked_at: 1,
            newest: Some("VN-2027-01-15".into()),
            problem: Some("no policy key".into()),
        };
        let newer = Freshness::judge(&table, Some(&hub), day("2026-12-10")?);
        assert_eq!(
            newer.newer_on_hub,
            Some(("VN-2027-01-15".into(), Some("no policy key".into())))
        );
        let same = HubPolicy { newest: Some("VN-2026-12-06".into()), ..hub };
        assert!(!Freshness::judge(&table, Some(&same), day("2026-12-10")?).is_estimate());
        Ok(())
    }
}
