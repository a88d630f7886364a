//! The hub's keys, in `DIR/keys/`, made on first start:
//!
//! - `sealing.key`: the X25519 secret that opens every record devices seal. Lose it and no
//!   record ever sent to this server can be read again. The box key kept beside each record
//!   (so that lists open it without the multiplication) is wrapped under a key derived from
//!   it (`ansinh_wire::OpeningKey::open_and_wrap_key`): the database alone opens nothing.
//! - `signing.key`: the Ed25519 key that signs acknowledgements; devices trust only it.
//! - `admin.token`: the password of the admin pages (`/admin/*`), user `admin`.
//! - `receipt-master.key`: 32 random bytes from which each device's receipt key (the MAC key
//!   of its receipt QR codes) is derived, HKDF-SHA256 with info `ansinh/receipt-key/v1` and
//!   the device id (u64, big-endian); the key of a device registered before, which it made
//!   itself, is kept in the database only wrapped under a key derived from it (info
//!   `ansinh/receipt-key-wrap/v1`). So the database alone never yields a receipt key. Lose it
//!   and no receipt can be checked.
//! - `config.key`: the Ed25519 key that signs device configurations for USB sticks
//!   (`ansinh-hub config sign`); devices learn its public half at registration. Made on first
//!   start, also next to older keys (no device depends on it before it exists).
//! - `policy-signing.key`: the Ed25519 key that signs published policy tables (`ansinh-hub
//!   policy`), apart from every other key so that it can live offline: the hub itself needs
//!   only its public half, `policy-signing.pub` (64 hex digits), which devices learn at
//!   registration. Made on first start (also next to older keys) when neither file exists;
//!   move `policy-signing.key` to offline media and sign tables there with `ansinh-hub policy
//!   sign --key FILE`. Replacing it strands the devices registered before (they pin it).
//!
//! The provisioning token carries [`HubKeys::fingerprint`] of the four public keys, so a
//! device registers only with this server.
//!
//! Files are written with mode 0600 (directory 0700) through a temporary file, fsync, a rename
//! and an fsync of the directory (`ansinh_storage::durable`). A missing sealing or signing key next to an existing one is an error, never a
//! silent new key: that would strand every record or device.

use std::fs;
use std::path::{Path, PathBuf};

use ansinh_wire::OpeningKey;
use ed25519_dalek::SigningKey;
use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result, io};

/// The hub's secrets.
pub struct HubKeys {
    /// Opens sealed records.
    pub opening: OpeningKey,
    /// Signs acknowledgements.
    pub signing: SigningKey,
    /// Signs device configurations.
    pub config: SigningKey,
    /// Verifies published policy tables (the public half; the private one may be offline).
    pub policy: ed25519_dalek::VerifyingKey,
    /// Signs policy tables, when its private half is on this machine.
    pub policy_signing: Option<SigningKey>,
    admin_token_sha256: [u8; 32],
    pseudonym: Zeroizing<[u8; 32]>,
    receipt_master: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for HubKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubKeys")
            .field("sealing_key", &self.opening.sealing_key())
            .field("signing_key", &hex::encode(self.signing.verifying_key().to_bytes()))
            .finish_non_exhaustive()
    }
}

/// The key files, to print where they are and how to back them up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFiles {
    /// The keys directory.
    pub dir: PathBuf,
    /// `sealing.key`.
    pub sealing: PathBuf,
    /// `signing.key`.
    pub signing: PathBuf,
    /// `admin.token`.
    pub admin_token: PathBuf,
    /// `receipt-master.key`.
    pub receipt_master: PathBuf,
    /// `config.key`.
    pub config: PathBuf,
    /// `policy-signing.key` (may be kept offline).
    pub policy: PathBuf,
    /// `policy-signing.pub`.
    pub policy_public: PathBuf,
}

impl KeyFiles {
    /// Every key file, in the order `ansinh-hub keys` lists them.
    pub fn all(&self) -> [&Path; 7] {
        [
            &self.sealing,
            &self.signing,
            &self.admin_token,
            &self.receipt_master,
            &self.config,
            &self.policy,
            &self.policy_public,
        ]
    }

    /// The files under `data_dir/keys`.
    pub fn in_dir(data_dir: &Path) -> Self {
        let dir = data_dir.join("keys");
        Self {
            sealing: dir.join("sealing.key"),
            signing: dir.join("signing.key"),
            admin_token: dir.join("admin.token"),
            receipt_master: dir.join("receipt-master.key"),
            config: dir.join("config.key"),
            policy: dir.join("policy-signing.key"),
            policy_public: dir.join("policy-signing.pub"),
            dir,
        }
    }

    /// What to tell the operator after the keys were created.
    pub fn first_start_message(&self) -> String {
        format!(
            "ansinh-hub: created the server's keys (files readable by this user only):\n\
             \x20 {}  opens every record devices send: without it they can never be read\n\
             \x20 {}  signs acknowledgements: devices trust only this key\n\
             \x20 {}  password of the admin pages (user \"admin\")\n\
             \x20 {}  makes every device's receipt key: without it no receipt can be checked\n\
             \x20 {}  signs device configurations for USB sticks\n\
             \x20 {}  signs policy tables: may live offline (the hub needs only {})\n\
             Back up now: copy the folder {} to offline media kept apart from the server \
             (e.g. tar czf hub-keys.tgz -C {} keys) and restore it before restoring the database.\n",
            self.sealing.display(),
            self.signing.display(),
            self.admin_token.display(),
            self.receipt_master.display(),
            self.config.display(),
            self.policy.display(),
            self.policy_public.display(),
            self.dir.display(),
            self.dir.parent().unwrap_or(Path::new(".")).display(),
        )
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    ansinh_storage::durable::write_private(path, bytes).map_err(io(path))
}

fn read(path: &Path) -> Result<Option<Zeroizing<String>>> {
    match fs::read_to_string(path) {
        Ok(s) => Ok(Some(Zeroizing::new(s))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Io { path: path.to_path_buf(), source: e }),
    }
}

fn read_signing_key(path: &Path) -> Result<SigningKey> {
    let text = read(path)?.ok_or_else(|| damaged(path, "missing"))?;
    let mut bytes = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(text.trim(), bytes.as_mut()).map_err(|e| damaged(path, e))?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// The policy key: its public half (`policy-signing.pub`, written from the private one when
/// missing), and the private half when it is here. Two halves that do not match are an error.
fn read_policy_keys(files: &KeyFiles) -> Result<(ed25519_dalek::VerifyingKey, Option<SigningKey>)> {
    let private = match read(&files.policy)? {
        Some(_) => Some(read_signing_key(&files.policy)?),
        None => None,
    };
    let public = match read(&files.policy_public)? {
        Some(text) => Some(
            ansinh_wire::verifying_key_from_hex(&text)
                .map_err(|e| damaged(&files.policy_public, e))?,
        ),
        None => None,
    };
    match (public, private) {
        (Some(p), Some(k)) if p != k.verifying_key() => Err(damaged(
            &files.policy_public,
            "is not the public half of policy-signing.key: restore the pair from the backup",
        )),
        (Some(p), k) => Ok((p, k)),
        (None, Some(k)) => {
            write_private(
                &files.policy_public,
                hex::encode(k.verifying_key().to_bytes()).as_bytes(),
            )?;
            Ok((k.verifying_key(), Some(k)))
        }
        (None, None) => Err(damaged(&files.policy_public, "missing: restore it from the backup")),
    }
}

/// Reads a policy-signing key file (`ansinh-hub policy keygen` writes one): 64 hex digits.
pub fn read_policy_signing_key(path: &Path) -> Result<SigningKey> {
    read_signing_key(path)
}

/// Makes a new policy-signing key: the private half in `path` (mode 0600), the public half in
/// `path.pub`; refused if `path` exists (a key in use is never overwritten).
pub fn create_policy_signing_key(path: &Path) -> Result<ed25519_dalek::VerifyingKey> {
    if path.exists() {
        return Err(damaged(path, "exists already: a policy key is never overwritten"));
    }
    let key = ansinh_wire::generate_signing_key();
    write_private(path, Zeroizing::new(hex::encode(key.to_bytes())).as_bytes())?;
    let mut public = path.as_os_str().to_owned();
    public.push(".pub");
    write_private(Path::new(&public), hex::encode(key.verifying_key().to_bytes()).as_bytes())?;
    Ok(key.verifying_key())
}

fn damaged(path: &Path, what: impl ToString) -> Error {
    Error::Key { path: path.to_path_buf(), what: what.to_string() }
}

fn random_32() -> Zeroizing<[u8; 32]> {
    let mut b = Zeroizing::new([0u8; 32]);
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, b.as_mut());
    b
}

impl HubKeys {
    /// Loads the keys from `data_dir/keys`, creating them on first start. Returns the keys and
    /// whether they were just created (then print [`KeyFiles::first_start_message`]).
    pub fn load_or_create(data_dir: &Path) -> Result<(Self, bool)> {
        let files = KeyFiles::in_dir(data_dir);
        fs::create_dir_all(&files.dir).map_err(io(&files.dir))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&files.dir, fs::Permissions::from_mode(0o700))
                .map_err(io(&files.dir))?;
        }
        let sealing = read(&files.sealing)?;
        let signing = read(&files.signing)?;
        let created = match (&sealing, &signing) {
            (None, None) => {
                let opening = OpeningKey::generate();
                write_private(&files.sealing, opening.to_hex().as_bytes())?;
                let key = ansinh_wire::generate_signing_key();
                write_private(
                    &files.signing,
                    Zeroizing::new(hex::encode(key.to_bytes())).as_bytes(),
                )?;
                true
            }
            (Some(_), Some(_)) => false,
            (None, Some(_)) => {
                return Err(damaged(&files.sealing, "missing: restore it from the backup"));
            }
            (Some(_), None) => {
                return Err(damaged(&files.signing, "missing: restore it from the backup"));
            }
        };
        let mut token_created = false;
        if read(&files.admin_token)?.is_none() {
            write_private(&files.admin_token, hex::encode(*random_32()).as_bytes())?;
            token_created = true;
        }
        // Made on first start, and on the first start of a hub older than it (whose devices'
        // keys are then wrapped under it); `crate::open` refuses to make it anew while devices
        // depend on a lost one.
        let mut master_created = false;
        if read(&files.receipt_master)?.is_none() {
            write_private(
                &files.receipt_master,
                Zeroizing::new(hex::encode(*random_32())).as_bytes(),
            )?;
            master_created = true;
        }
        let mut config_created = false;
        if read(&files.config)?.is_none() {
            let key = ansinh_wire::generate_signing_key();
            write_private(&files.config, Zeroizing::new(hex::encode(key.to_bytes())).as_bytes())?;
            config_created = true;
        }
        let mut policy_created = false;
        if read(&files.policy)?.is_none() && read(&files.policy_public)?.is_none() {
            let key = ansinh_wire::generate_signing_key();
            write_private(&files.policy, Zeroizing::new(hex::encode(key.to_bytes())).as_bytes())?;
            write_private(
                &files.policy_public,
                hex::encode(key.verifying_key().to_bytes()).as_bytes(),
            )?;
            policy_created = true;
        }
        let keys = Self::load(&files)?;
        Ok((keys, created || token_created || master_created || config_created || policy_created))
    }

    fn load(files: &KeyFiles) -> Result<Self> {
        let sealing = read(&files.sealing)?.ok_or_else(|| damaged(&files.sealing, "missing"))?;
        let opening = OpeningKey::from_hex(&sealing).map_err(|e| damaged(&files.sealing, e))?;
        let signing = read_signing_key(&files.signing)?;
        let config = read_signing_key(&files.config)?;
        let (policy, policy_signing) = read_policy_keys(files)?;
        let token =
            read(&files.admin_token)?.ok_or_else(|| damaged(&files.admin_token, "missing"))?;
        if token.trim().len() < 16 {
            return Err(damaged(&files.admin_token, "shorter than 16 characters"));
        }
        let admin_token_sha256 = Sha256::digest(token.trim().as_bytes()).into();
        // Pseudonyms of participants (to find a person's latest payment without storing
        // their ID in clear) are keyed by a value derived from the sealing secret: one fewer
        // file to back up, and useless without that secret.
        let mut h = Sha256::new();
        h.update(b"ansinh-hub/pseudonym/v1\0");
        h.update(opening.to_hex().as_bytes());
        let pseudonym = Zeroizing::new(h.finalize().into());
        let master_hex = read(&files.receipt_master)?
            .ok_or_else(|| damaged(&files.receipt_master, "missing"))?;
        let mut receipt_master = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(master_hex.trim(), receipt_master.as_mut())
            .map_err(|e| damaged(&files.receipt_master, e))?;
        Ok(Self {
            opening,
            signing,
            config,
            policy,
            policy_signing,
            admin_token_sha256,
            pseudonym,
            receipt_master,
        })
    }

    /// Keys made in memory (tests and benchmarks), with this admin token.
    pub fn ephemeral(admin_token: &str) -> Self {
        let opening = OpeningKey::generate();
        let mut h = Sha256::new();
        h.update(b"ansinh-hub/pseudonym/v1\0");
        h.update(opening.to_hex().as_bytes());
        let policy = ansinh_wire::generate_signing_key();
        Self {
            opening,
            signing: ansinh_wire::generate_signing_key(),
            config: ansinh_wire::generate_signing_key(),
            policy: policy.verifying_key(),
            policy_signing: Some(policy),
            admin_token_sha256: Sha256::digest(admin_token.as_bytes()).into(),
            pseudonym: Zeroizing::new(h.finalize().into()),
            receipt_master: random_32(),
        }
    }

    /// 32 bytes derived from the receipt master key for device `device_id` under `purpose`.
    fn derived(&self, purpose: &[u8], device_id: u64) -> Zeroizing<[u8; 32]> {
        let mut info = Vec::with_capacity(purpose.len() + 8);
        info.extend_from_slice(purpose);
        info.extend_from_slice(&device_id.to_be_bytes());
        let mut out = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA256's limit (255 × 32): this cannot fail.
        let _ =
            Hkdf::<Sha256>::new(None, self.receipt_master.as_slice()).expand(&info, out.as_mut());
        out
    }

    /// Device `device_id`'s receipt key: HKDF-SHA256(master, info = `ansinh/receipt-key/v1`
    /// || device id, big-endian), 32 bytes.
    pub fn receipt_key(&self, device_id: u64) -> Zeroizing<[u8; 32]> {
        self.derived(b"ansinh/receipt-key/v1", device_id)
    }

    /// Wraps (or unwraps: the same operation) a 32-byte receipt key a device registered before
    /// the master key holds: XOR with HKDF-SHA256(master, info = `ansinh/receipt-key-wrap/v1`
    /// || device id). A one-time pad per device, as each wrapped key is random and wrapped once.
    pub fn wrap_receipt_key(&self, device_id: u64, key: &[u8; 32]) -> Zeroizing<[u8; 32]> {
        let mut out = self.derived(b"ansinh/receipt-key-wrap/v1", device_id);
        for (o, k) in out.iter_mut().zip(key) {
            *o ^= k;
        }
        out
    }

    /// Whether `candidate` is the admin token (compared as hashes, so timing reveals nothing
    /// about the token).
    pub fn is_admin_token(&self, candidate: &str) -> bool {
        let h: [u8; 32] = Sha256::digest(candidate.trim().as_bytes()).into();
        h == self.admin_token_sha256
    }

    /// A stable pseudonym for a participant's identifier (personal ID), so the hub can find a
    /// person's latest payment without keeping the ID in clear.
    pub fn pseudonym(&self, identifier: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.pseudonym.as_slice());
        h.update(identifier.as_bytes());
        hex::encode(&h.finalize()[..16])
    }

    /// The sealing key devices seal to, hex.
    pub fn sealing_key_hex(&self) -> String {
        self.opening.sealing_key().to_hex()
    }

    /// The acknowledgement key devices verify with, hex.
    pub fn signing_key_hex(&self) -> String {
        hex::encode(self.signing.verifying_key().to_bytes())
    }

    /// The configuration key devices verify USB configurations with, hex.
    pub fn config_key_hex(&self) -> String {
        hex::encode(self.config.verifying_key().to_bytes())
    }

    /// The policy key devices verify published tables with, hex.
    pub fn policy_key_hex(&self) -> String {
        hex::encode(self.policy.to_bytes())
    }

    /// The fingerprint of the four public keys that provisioning tokens carry.
    pub fn fingerprint(&self) -> ansinh_wire::provisioning::KeyFingerprint {
        ansinh_wire::provisioning::KeyFingerprint::with_policy(
            &self.signing.verifying_key(),
            &self.opening.sealing_key(),
            &self.config.verifying_key(),
            &self.policy,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_start_creates_private_keys_then_loads_them() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(io(Path::new("tmp")))?;
        let (keys, created) = HubKeys::load_or_create(tmp.path())?;
        assert!(created);
        let (again, created) = HubKeys::load_or_create(tmp.path())?;
        assert!(!created);
        assert_eq!(again.sealing_key_hex(), keys.sealing_key_hex());
        assert_eq!(again.signing_key_hex(), keys.signing_key_hex());
        assert_eq!(again.config_key_hex(), keys.config_key_hex());
        assert_eq!(again.fingerprint(), keys.fingerprint());
        assert_eq!(again.pseudonym("001179012345"), keys.pseudonym("001179012345"));
        assert_eq!(*again.receipt_key(7), *keys.receipt_key(7));
        assert_ne!(*keys.receipt_key(7), *keys.receipt_key(8), "one key per device");
        let legacy = [0x5A; 32];
        let wrapped = keys.wrap_receipt_key(7, &legacy);
        assert_ne!(*wrapped, legacy);
        assert_eq!(*again.wrap_receipt_key(7, &wrapped), legacy, "unwrapped by the same keys");
        assert_ne!(*keys.wrap_receipt_key(8, &wrapped), legacy, "and only for its device");
        let files = KeyFiles::in_dir(tmp.path());
        let token = fs::read_to_string(&files.admin_token).map_err(io(&files.admin_token))?;
        assert!(keys.is_admin_token(&token));
        assert!(!keys.is_admin_token("admin"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for f in files.all() {
                let mode = fs::metadata(f).map_err(io(f))?.permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "{}", f.display());
            }
            let mode = fs::metadata(&files.dir).map_err(io(&files.dir))?.permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        let message = files.first_start_message();
        assert!(message.contains(&files.sealing.display().to_string()));
        assert!(message.contains("Back up"));
        Ok(())
    }

    /// The derivation PROTOCOL.md states, against an independent computation (RFC 5869 with
    /// Python's hmac): master 32 bytes of 07, device 3.
    #[test]
    fn the_receipt_key_is_hkdf_sha256_of_the_master_key_and_the_device_id() {
        let mut keys = HubKeys::ephemeral("admin-token-for-tests");
        keys.receipt_master = Zeroizing::new([7; 32]);
        assert_eq!(
            hex::encode(*keys.receipt_key(3)),
            "6c0411203ecb150e40ef8d79ec289cdf15c24f0e4c9bf5441ccde2a6087d4751"
        );
    }

    /// A hub whose keys predate the configuration key gets one on its next start; the other
    /// keys, and so the devices registered before, stay as they were.
    #[test]
    fn an_older_hub_gains_a_config_key() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(io(Path::new("tmp")))?;
        let (keys, _) = HubKeys::load_or_create(tmp.path())?;
        let files = KeyFiles::in_dir(tmp.path());
        fs::remove_file(&files.config).map_err(io(&files.config))?;
        let (again, created) = HubKeys::load_or_create(tmp.path())?;
        assert!(created, "the new key is announced");
        assert_eq!(again.signing_key_hex(), keys.signing_key_hex());
        assert_eq!(again.sealing_key_hex(), keys.sealing_key_hex());
        assert_ne!(again.config_key_hex(), keys.config_key_hex());
        Ok(())
    }

    /// The policy key's private half may be taken offline: the hub keeps working with the
    /// public half, and the two halves must match.
    #[test]
    fn the_policy_key_can_live_offline() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(io(Path::new("tmp")))?;
        let (keys, _) = HubKeys::load_or_create(tmp.path())?;
        assert!(keys.policy_signing.is_some());
        let files = KeyFiles::in_dir(tmp.path());
        let offline = tmp.path().join("offline-policy.key");
        fs::rename(&files.policy, &offline).map_err(io(&files.policy))?;
        let (again, created) = HubKeys::load_or_create(tmp.path())?;
        assert!(!created, "no new key while the public half is here");
        assert!(again.policy_signing.is_none());
        assert_eq!(again.policy, keys.policy);
        assert_eq!(again.fingerprint(), keys.fingerprint());
        assert_eq!(read_policy_signing_key(&offline)?.verifying_key(), keys.policy);
        let made = create_policy_signing_key(&tmp.path().join("other.key"))?;
        assert!(create_policy_signing_key(&tmp.path().join("other.key")).is_err());
        fs::write(&files.policy_public, hex::encode(made.to_bytes()))
            .map_err(io(&files.policy_public))?;
        fs::rename(&offline, &files.policy).map_err(io(&files.policy))?;
        let e = HubKeys::load_or_create(tmp.path()).err();
        assert!(
            matches!(&e, Some(Error::Key { path, .. }) if *path == files.policy_public),
            "{e:?}"
        );
        Ok(())
    }

    #[test]
    fn a_lost_key_is_never_replaced_silently() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(io(Path::new("tmp")))?;
        HubKeys::load_or_create(tmp.path())?;
        let files = KeyFiles::in_dir(tmp.path());
        fs::remove_file(&files.sealing).map_err(io(&files.sealing))?;
        let e = HubKeys::load_or_create(tmp.path()).err();
        assert!(matches!(&e, Some(Error::Key { path, .. }) if *path == files.sealing), "{e:?}");
        Ok(())
    }
}
