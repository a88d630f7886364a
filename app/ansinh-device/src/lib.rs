//! # ansinh-device: the device's data directory and the operations on it
//!
//! One responsibility: a collection device's data directory ([`DataDir`]) and what is done
//! with it — its keys and registration, the enrollment commit with the double-payment check
//! ([`enroll`]), receipts drawn from the outbox ([`receipt`]), the shift report ([`shift`])
//! and the device's one clock ([`clock`]) with the check that stops enrollment while the
//! clock stands before the latest trustworthy time or far from the server's
//! ([`clock::trust`]). The kiosk and the `ansinh` command both work
//! through it; delivery to the server is `ansinh-uploader`'s.
//!
//! Everything a device keeps lives in one directory (on the kiosk image, the data partition):
//!
//! ```text
//! DIR/outbox.sqlite (+ -wal, -shm)   the outbox (crate ansinh-outbox)
//! DIR/outbox.sqlite-sender.lock      locked by the process sending the outbox (the uploader)
//! DIR/keys/sealing.pub               the collection server's sealing key (hex), once provisioned
//! DIR/keys/dev-opening.key           development only: the secret half of a local key pair
//! DIR/keys/device.key                this device's Ed25519 identity (hex), made on first use
//! DIR/keys/receipt.key               development only: the receipt QR key before registration
//! DIR/keys/pseudonym.key             the secret of this device's personal-ID pseudonyms
//! DIR/registration.json              device id, server URL and keys from the server
//! DIR/kiosk-run.state                running/stopped, and how the kiosk's last run started
//! DIR/policy/                        the installed policy table, the one before, the hub's word
//! DIR/updates/                       software updates: downloads, requests to root, its state
//! ```
//!
//! With no server key provisioned, [`DataDir::sealing_key`] creates a development key pair so
//! the whole flow works on one machine; records sealed to it are marked as such and can be
//! opened locally for `verify`. Provision a real server's key with [`DataDir::provision`]
//! (the `ansinh register` command) before taking real enrollments; that refuses while records
//! sealed to the development key are unsent ([`DataDir::check_provisionable`]) and deletes the
//! development key files once the real key is in place.
//!
//! Secret key files are written with mode 0600 through a temporary file, an fsync, a rename and
//! an fsync of the directory (`ansinh_storage::durable`), so a power cut leaves either the old
//! file or the new one.
//!
//! The collection point and agent code printed on receipts are outbox settings
//! ([`enroll::CollectionPoint::stored`]), shared by the kiosk and `ansinh enqueue`.
//!
//! [`enroll::commit`] prices a validated enrollment with the policy table and commits it,
//! refusing (until staff confirm) a payment of a person the device already holds a payment
//! of for the same scheme and months: people are compared by a keyed pseudonym of their ID
//! ([`PseudonymKey`]), never by the ID in clear.
//!
//! [`shift::ShiftReport`] reconciles a shift's cash journal with the records, of one agent or
//! all. [`pin`] checks a staff PIN (Argon2id) with its lockout.
//!
//! [`health`] gathers the device's health report for the hub (battery, free space, clock
//! offset, the printer's and the kiosk's last state, the outbox's counts) and keeps the kiosk's
//! run marker (`DIR/kiosk-run.state`: how its last run ended).
//! [`policy`]: the policy table the device prices with, the built-in one or a newer published
//! table installed from a sync or a USB stick (signed with the policy key pinned at
//! registration, switched atomically), and when amounts are estimates
//! ([`policy::Freshness`]).
//!
//! [`update`]: software updates — the download kept in the data directory (resumed, checked
//! by size and SHA-256), the kiosk's requests to the root side at an idle reset, and the root
//! side's checks (RAUC signature and `compatible`, no downgrade) before RAUC installs into the
//! inactive slot, behind the [`update::BundleVerifier`] and [`update::Installer`] traits.
//!
//! [`config::Config`] reads and checks the device's configuration file, and accepts one from a
//! USB stick only with the server's signature ([`config::Config::from_usb`]).
//!
//! May depend on: ansinh-core, ansinh-enrollment, ansinh-outbox, ansinh-receipt (drawing,
//! masking), ansinh-storage (the durable file write), ansinh-wire (keys, sealing, the receipt
//! QR payload, the provisioning token, configuration signatures), argon2, ed25519-dalek, hmac,
//! sha2, rand_core, serde(_json), toml, csv, hex, heapless, zeroize, rustix (statvfs),
//! semver (update versions), thiserror; runs `rauc` and `systemctl` (root side of updates).

pub mod clock;
pub mod config;
pub mod enroll;
pub mod health;
pub mod pin;
pub mod policy;
pub mod receipt;
pub mod shift;
pub mod update;

use std::fs;
use std::path::{Path, PathBuf};

use ansinh_outbox::Outbox;
use ansinh_wire::{OpeningKey, SealingKey};
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Why the data directory cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// A configuration file is refused (unreadable, a value out of range, a setting it may not
    /// carry, a missing or bad signature): see [`config`].
    #[error("configuration: {0}")]
    Config(String),
    /// A key or state file is damaged.
    #[error("{path}: {what}")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// A server key cannot be installed while records sealed to the development key wait to
    /// be sent: the server could never open them.
    #[error(
        "{count} records are sealed to the development key and not sent; void or export them before provisioning a server key"
    )]
    DevelopmentRecordsUnsent {
        /// How many.
        count: i64,
    },
    /// The outbox failed.
    #[error(transparent)]
    Outbox(#[from] ansinh_outbox::Error),
}

impl Error {
    /// Whether retrying may help (I/O and a busy or full outbox); a damaged file needs a person.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Io { .. } => true,
            Error::Damaged { .. } | Error::DevelopmentRecordsUnsent { .. } | Error::Config(_) => {
                false
            }
            Error::Outbox(e) => e.is_retryable(),
        }
    }
}

/// Result with the device error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where the sealing key came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeySource {
    /// Provisioned from the collection server.
    Provisioned,
    /// A local development pair: nothing sealed to it can reach a real server.
    Development,
}

/// What the server gave the device at registration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// Base URL of the collection server, e.g. `http://127.0.0.1:8040`.
    pub server_url: String,
    /// The device id.
    pub device_id: u64,
    /// The server's Ed25519 key (hex), which signs acknowledgements.
    pub server_signing_key: String,
    /// The receipt QR key (hex).
    pub receipt_key: String,
    /// The server's configuration key (hex), which signs configurations on USB sticks; empty
    /// for a registration older than it (then no USB configuration is accepted).
    #[serde(default)]
    pub config_signing_key: String,
    /// What hub staff assigned the device to (collection point, communes, agents); empty
    /// when registered with an older server or before this was kept.
    #[serde(default)]
    pub assignment: ansinh_wire::Assignment,
    /// The server's policy key (hex), which signs published policy tables, when the
    /// provisioning token pinned it; empty otherwise (then no table is installed).
    #[serde(default)]
    pub policy_signing_key: String,
}

/// The device's secret for pseudonyms of personal IDs: HMAC-SHA-256 of the ID under this
/// key. Without the key a pseudonym cannot be checked against a guessed ID (12 digits are
/// few enough to try them all against a plain hash); each device has its own.
pub struct PseudonymKey(Zeroizing<[u8; 32]>);

impl PseudonymKey {
    /// The pseudonym of `personal_id`.
    pub fn pseudonym(&self, personal_id: &str) -> ansinh_outbox::Pseudonym {
        use hmac::{Hmac, Mac};
        // Any key length is accepted by HMAC; this one is 32 bytes.
        let Ok(mut mac) = <Hmac<sha2::Sha256> as Mac>::new_from_slice(self.0.as_slice()) else {
            unreachable!("HMAC takes a key of any length")
        };
        mac.update(personal_id.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PseudonymKey(..)")
    }
}

/// A device's data directory.
#[derive(Clone, Debug)]
pub struct DataDir {
    root: PathBuf,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_path_buf(), source }
}

/// Writes `bytes` to `path` durably, mode 0600 (`ansinh_storage::durable`).
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    ansinh_storage::durable::write_private(path, bytes).map_err(io(path))
}

fn read_optional(path: &Path) -> Result<Option<Zeroizing<String>>> {
    match fs::read_to_string(path) {
        Ok(s) => Ok(Some(Zeroizing::new(s))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Io { path: path.to_path_buf(), source: e }),
    }
}

fn damaged(path: &Path, what: impl ToString) -> Error {
    Error::Damaged { path: path.to_path_buf(), what: what.to_string() }
}

impl DataDir {
    /// Opens (creating) the data directory.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        let keys = root.join("keys");
        fs::create_dir_all(&keys).map_err(io(&keys))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&keys, fs::Permissions::from_mode(0o700)).map_err(io(&keys))?;
        }
        Ok(Self { root })
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn key_path(&self, name: &str) -> PathBuf {
        self.root.join("keys").join(name)
    }

    /// The key records are sealed to: the provisioned server key, or a development pair made
    /// on first use.
    pub fn sealing_key(&self) -> Result<(SealingKey, KeySource)> {
        let provisioned = self.key_path("sealing.pub");
        if let Some(hex) = read_optional(&provisioned)? {
            let key = SealingKey::from_hex(&hex).map_err(|e| damaged(&provisioned, e))?;
            return Ok((key, KeySource::Provisioned));
        }
        let dev = self.key_path("dev-opening.key");
        let opening = match read_optional(&dev)? {
            Some(hex) => OpeningKey::from_hex(&hex).map_err(|e| damaged(&dev, e))?,
            None => {
                let key = OpeningKey::generate();
                write_private(&dev, key.to_hex().as_bytes())?;
                key
            }
        };
        Ok((opening.sealing_key(), KeySource::Development))
    }

    /// The development opening key, when the device runs on one.
    pub fn dev_opening_key(&self) -> Result<Option<OpeningKey>> {
        if self.key_path("sealing.pub").exists() {
            return Ok(None);
        }
        let dev = self.key_path("dev-opening.key");
        read_optional(&dev)?
            .map(|hex| OpeningKey::from_hex(&hex).map_err(|e| damaged(&dev, e)))
            .transpose()
    }

    /// This device's Ed25519 identity, made on first use.
    pub fn device_key(&self) -> Result<SigningKey> {
        let path = self.key_path("device.key");
        if let Some(hex) = read_optional(&path)? {
            let mut bytes = Zeroizing::new([0u8; 32]);
            hex::decode_to_slice(hex.trim(), bytes.as_mut()).map_err(|e| damaged(&path, e))?;
            return Ok(SigningKey::from_bytes(&bytes));
        }
        let key = ansinh_wire::generate_signing_key();
        write_private(&path, Zeroizing::new(hex::encode(key.to_bytes())).as_bytes())?;
        Ok(key)
    }

    /// The registration, once the device has registered.
    pub fn registration(&self) -> Result<Option<Registration>> {
        let path = self.root.join("registration.json");
        read_optional(&path)?
            .map(|text| serde_json::from_str(&text).map_err(|e| damaged(&path, e)))
            .transpose()
    }

    /// Whether a server's sealing key may be installed now: refused
    /// ([`Error::DevelopmentRecordsUnsent`]) while records sealed to the development key are
    /// unsent. Registration checks it before asking the server, so no token is spent on a
    /// device that could not take the key.
    pub fn check_provisionable(&self) -> Result<()> {
        if self.key_path("sealing.pub").exists() || !self.key_path("dev-opening.key").exists() {
            return Ok(());
        }
        let (outbox, _) = self.outbox()?;
        // The time only matters for ages, not for the count.
        let count = outbox.stats(0)?.unsent();
        if count > 0 {
            return Err(Error::DevelopmentRecordsUnsent { count });
        }
        Ok(())
    }

    /// The development key files go once a real key is installed: nothing may be sealed to
    /// them again, and what was sealed to them was voided, sent nowhere or exported.
    fn delete_development_keys(&self, names: &[&str]) -> Result<()> {
        for name in names {
            let path = self.key_path(name);
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::Io { path, source: e }),
            }
        }
        Ok(())
    }

    /// Stores what the server answered at registration, and provisions its sealing key;
    /// refused as [`DataDir::check_provisionable`] says. Deletes the development keys (the
    /// sealing pair and the receipt key).
    pub fn provision(
        &self,
        server_url: &str,
        answer: &ansinh_wire::RegisterResponse,
    ) -> Result<Registration> {
        self.check_provisionable()?;
        let sealing = self.key_path("sealing.pub");
        SealingKey::from_hex(&answer.sealing_key).map_err(|e| damaged(&sealing, e))?;
        ansinh_wire::verifying_key_from_hex(&answer.server_signing_key)
            .map_err(|e| damaged(&self.root.join("registration.json"), e))?;
        let registration = Registration {
            server_url: server_url.trim_end_matches('/').to_string(),
            device_id: answer.device_id,
            server_signing_key: answer.server_signing_key.clone(),
            receipt_key: answer.receipt_key.clone(),
            config_signing_key: answer.config_signing_key.clone(),
            assignment: answer.assignment.clone(),
            policy_signing_key: answer.policy_signing_key.clone(),
        };
        let json = serde_json::to_vec_pretty(&registration).map_err(|e| damaged(&sealing, e))?;
        // The sealing key first: once registration.json exists the device counts as
        // registered, and a record committed (or a power cut) between the two writes must
        // never be sealed to the development key.
        write_private(&sealing, answer.sealing_key.as_bytes())?;
        write_private(&self.root.join("registration.json"), &json)?;
        self.delete_development_keys(&["dev-opening.key", "receipt.key"])?;
        // The agents hub staff listed become accounts without a PIN (a clerk sets the first).
        let agents: Vec<(String, String)> =
            answer.assignment.agents.iter().map(|a| (a.code.clone(), a.name.clone())).collect();
        if !agents.is_empty() {
            let (mut outbox, _) = self.outbox()?;
            outbox.add_hub_agents(&agents, clock::Clock::now(&clock::SystemClock))?;
        }
        Ok(registration)
    }

    /// Provisions the collection server's sealing key by hand (from its operator, or a USB
    /// stick), for devices that register without a network. Refused while records sealed to
    /// the development key are unsent: the server could never open them.
    pub fn provision_sealing_key(&self, key: &SealingKey) -> Result<()> {
        self.check_provisionable()?;
        write_private(&self.key_path("sealing.pub"), key.to_hex().as_bytes())?;
        // The receipt key stays: without a registration it is still the one receipts use.
        self.delete_development_keys(&["dev-opening.key"])
    }

    /// Whether a server's sealing key is installed (the device may take real enrollments).
    pub fn is_provisioned(&self) -> bool {
        self.key_path("sealing.pub").exists()
    }

    /// The key for receipt QR MACs: the server's once registered, otherwise a local
    /// development key made on first use.
    pub fn receipt_key(&self) -> Result<Zeroizing<Vec<u8>>> {
        if let Some(r) = self.registration()? {
            let path = self.root.join("registration.json");
            return hex::decode(&r.receipt_key).map(Zeroizing::new).map_err(|e| damaged(&path, e));
        }
        let path = self.key_path("receipt.key");
        if let Some(hex) = read_optional(&path)? {
            return hex::decode(hex.trim()).map(Zeroizing::new).map_err(|e| damaged(&path, e));
        }
        let mut key = Zeroizing::new(vec![0u8; 32]);
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut key);
        write_private(&path, Zeroizing::new(hex::encode(&*key)).as_bytes())?;
        Ok(key)
    }

    /// The key of this device's personal-ID pseudonyms, made on first use. Losing it only
    /// means earlier payments are no longer recognised at the counter.
    pub fn pseudonym_key(&self) -> Result<PseudonymKey> {
        let path = self.key_path("pseudonym.key");
        let mut key = Zeroizing::new([0u8; 32]);
        if let Some(hex) = read_optional(&path)? {
            hex::decode_to_slice(hex.trim(), key.as_mut()).map_err(|e| damaged(&path, e))?;
            return Ok(PseudonymKey(key));
        }
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, key.as_mut());
        write_private(&path, Zeroizing::new(hex::encode(key.as_slice())).as_bytes())?;
        Ok(PseudonymKey(key))
    }

    /// Opens the outbox, sealing to [`DataDir::sealing_key`] (opening changes no record).
    pub fn outbox(&self) -> Result<(Outbox, KeySource)> {
        let (key, source) = self.sealing_key()?;
        Ok((Outbox::open(&self.root.join("outbox.sqlite"), key)?, source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_keys_then_provisioning() -> Result<()> {
        let dir = tempfile::tempdir().map_err(io(Path::new("/tmp")))?;
        let data = DataDir::open(dir.path())?;
        let (dev, source) = data.sealing_key()?;
        assert_eq!(source, KeySource::Development);
        assert_eq!(data.sealing_key()?.0, dev, "the development pair is made once");
        assert_eq!(data.dev_opening_key()?.map(|k| k.sealing_key()), Some(dev.clone()));
        let device = data.device_key()?;
        assert_eq!(data.device_key()?.to_bytes(), device.to_bytes());
        let local_receipt = data.receipt_key()?;
        assert_eq!(local_receipt.len(), 32);
        let id = "001179012345";
        let pseudonym = data.pseudonym_key()?.pseudonym(id);
        assert_eq!(data.pseudonym_key()?.pseudonym(id), pseudonym, "the key is made once");
        assert_ne!(data.pseudonym_key()?.pseudonym("001179012346"), pseudonym);
        let elsewhere = tempfile::tempdir().map_err(io(Path::new("/tmp")))?;
        let other = DataDir::open(elsewhere.path())?.pseudonym_key()?;
        assert_ne!(other.pseudonym(id), pseudonym, "each device has its own key");
        let plain: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(id.as_bytes()).into();
        assert_ne!(pseudonym, plain, "keyed: not a plain hash anyone could recompute");

        let server = OpeningKey::generate();
        let signing = ansinh_wire::generate_signing_key();
        let answer = ansinh_wire::RegisterResponse {
            device_id: 42,
            sealing_key: server.sealing_key().to_hex(),
            server_signing_key: hex::encode(signing.verifying_key().to_bytes()),
            receipt_key: "ab".repeat(32),
            assignment: ansinh_wire::Assignment {
                collection_point: "Bưu điện xã Thanh Trì".into(),
                communes: vec!["09556".into()],
                agents: vec![ansinh_wire::AgentAccount {
                    code: "DL-0001".into(),
                    name: "Lê Thị An".into(),
                }],
            },
            config_signing_key: String::new(),
            policy_signing_key: String::new(),
        };
        assert!(!data.is_provisioned());
        data.provision("http://127.0.0.1:8040/", &answer)?;
        assert!(data.is_provisioned());
        let (outbox, _) = data.outbox()?;
        let accounts = outbox.accounts()?;
        assert_eq!(accounts.len(), 1, "the hub's agent is an account on the device");
        assert_eq!((accounts[0].code.as_str(), accounts[0].pin_hash.as_ref()), ("DL-0001", None));
        assert_eq!(data.registration()?.map(|r| r.assignment.communes), Some(vec!["09556".into()]));
        assert_eq!(data.sealing_key()?, (server.sealing_key(), KeySource::Provisioned));
        assert!(data.dev_opening_key()?.is_none());
        for gone in ["dev-opening.key", "receipt.key"] {
            assert!(!data.key_path(gone).exists(), "{gone} is deleted");
        }
        let reg = data.registration()?.ok_or_else(|| damaged(dir.path(), "no registration"))?;
        assert_eq!((reg.device_id, reg.server_url.as_str()), (42, "http://127.0.0.1:8040"));
        assert_eq!(data.receipt_key()?.as_slice(), &[0xab; 32][..]);
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn secret_files_are_private() -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().map_err(io(Path::new("/tmp")))?;
        let data = DataDir::open(dir.path())?;
        data.sealing_key()?;
        data.device_key()?;
        data.pseudonym_key()?;
        for name in ["dev-opening.key", "device.key", "pseudonym.key"] {
            let mode =
                fs::metadata(data.key_path(name)).map_err(io(dir.path()))?.permissions().mode();
            assert_eq!(mode & 0o077, 0, "{name} is readable by others");
        }
        Ok(())
    }
}
