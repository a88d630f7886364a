//! Software updates on the device: the files the kiosk (user `ansinh`) and the root side
//! (`ansinh update install|reboot`, run by systemd units of the image) share in the data
//! directory, and what each side does with them.
//!
//! ```text
//! DIR/updates/offer.json                what the hub last offered (version, size, SHA-256)
//! DIR/updates/ansinh-<v>.raucb.part     a download in progress, resumed from its length
//! DIR/updates/ansinh-<v>.raucb          a complete download, size and SHA-256 checked
//! DIR/updates/install-request           kiosk → root: the absolute path of a bundle to install
//! DIR/updates/reboot-request            kiosk → root: reboot into the installed slot
//! DIR/updates/state.json                root → kiosk: the last install and its outcome
//! DIR/updates/install/                  root only: the bundle being installed
//! ```
//!
//! The kiosk writes a request only at an idle reset (no citizen session, nothing being
//! entered: [`at_idle_reset`]); the root side checks everything again ([`install`]): the
//! bundle's place, its RAUC signature and `compatible` ([`BundleVerifier`]), a version newer
//! than the one running, and only then hands it to RAUC ([`Installer`]), which writes the
//! inactive slot alone. At most one complete bundle waits: finishing a download deletes the
//! others. An install a restart cut reads as a failed try in the next boot
//! ([`Updates::state`]); a failed version is tried again, [`MAX_INSTALL_ATTEMPTS`] times in all.
//!
//! The outbox rule: an app refuses an outbox whose schema is newer than its own
//! (`ansinh_storage::open_sqlite`), so a slot that falls back to an older version never runs
//! on an outbox a newer one migrated (see the README, "Software updates").

use std::fs;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use ansinh_wire::update::{UpdateOffer, bundle_file_name, parse_version, version_of_file_name};
use serde::{Deserialize, Serialize};
use sha2::Digest;

use crate::{Result, damaged, io};

/// The image's release file (`VERSION=<v>`), written by `kiosk-image/build.sh`.
pub const RELEASE_FILE: &str = "/etc/ansinh-release";
/// The RAUC keyring in the image's read-only root.
pub const KEYRING: &str = "/etc/rauc/keyring.pem";
/// What the image's bundles must be made for (`[update] compatible=` of the manifest).
pub const COMPATIBLE: &str = "ansinh-kiosk-x86_64";
/// The kiosk's request to install (content: the bundle's absolute path).
pub const INSTALL_REQUEST: &str = "install-request";
/// The kiosk's request to reboot into the installed slot.
pub const REBOOT_REQUEST: &str = "reboot-request";
/// The root side's record of the last install.
pub const STATE_FILE: &str = "state.json";
/// Format of `state.json`.
pub const STATE_FORMAT: u16 = 1;
/// Where Linux says which boot this is (a new random id at every boot).
pub const BOOT_ID_FILE: &str = "/proc/sys/kernel/random/boot_id";
/// How often one version is tried when RAUC fails or a restart cuts its install: a power cut
/// is retried, a disk that fails every time is not downloaded again and again.
pub const MAX_INSTALL_ATTEMPTS: u32 = 3;

/// The version this software runs: `VERSION=` of `release_file` when it has one (the image),
/// else this program's own version (a development machine).
pub fn running_version(release_file: &Path) -> String {
    fs::read_to_string(release_file)
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix("VERSION="))
                .map(|v| v.trim().trim_matches('"').to_string())
        })
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_string())
}

/// What the hub last offered, as the uploader keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubOffer {
    /// When the device asked (device clock, Unix seconds).
    pub checked_at: i64,
    /// The newest version the hub has.
    pub version: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, hex.
    pub sha256: String,
    /// Why the download of this very bundle was refused (its bytes did not match), if it was:
    /// it is not downloaded again until the hub offers another.
    #[serde(default)]
    pub problem: Option<String>,
}

impl HubOffer {
    /// The offer `offer`, asked at `now`.
    pub fn of(offer: &UpdateOffer, now: i64) -> Self {
        Self {
            checked_at: now,
            version: offer.version.clone(),
            size: offer.size,
            sha256: hex::encode(offer.sha256),
            problem: None,
        }
    }

    /// Whether it is the same bundle as `offer` (version, size and hash).
    pub fn is(&self, offer: &UpdateOffer) -> bool {
        self.version == offer.version
            && self.size == offer.size
            && self.sha256 == hex::encode(offer.sha256)
    }
}

/// Where the last install stands (`state.json`, written by the root side).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// RAUC is writing the inactive slot.
    Installing,
    /// Written; the device runs it after a reboot (at the next idle reset).
    Installed,
    /// The reboot into it was started.
    Rebooting,
    /// Not installed: the bundle was refused (signature, compatible, version, place).
    Refused,
    /// Not installed: RAUC failed.
    Failed,
}

/// The last install, as the root side records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallState {
    /// [`STATE_FORMAT`].
    pub format: u16,
    /// Where it stands.
    pub phase: Phase,
    /// The bundle's version (as its manifest says; as its name says when it could not be read).
    pub version: String,
    /// The bundle, as asked for.
    pub bundle: String,
    /// When (Unix seconds).
    pub at: i64,
    /// Why it was refused or failed: [`Refusal::code`], for the words staff read.
    #[serde(default)]
    pub code: Option<String>,
    /// Why it was refused or failed, in detail (English, for a technician).
    #[serde(default)]
    pub reason: Option<String>,
    /// The boot the install ran in ([`BOOT_ID_FILE`]): an install still `installing` in
    /// another boot was cut by a restart (a power cut), and counts as failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot: Option<String>,
    /// How many times this version was tried (failed tries included), 1 for the first.
    #[serde(default = "first_attempt")]
    pub attempts: u32,
}

fn first_attempt() -> u32 {
    1
}

impl InstallState {
    /// Whether nothing more is to be done with `version` (not downloaded, not asked for
    /// again): it is installed, or was refused, or failed [`MAX_INSTALL_ATTEMPTS`] times.
    pub fn settles(&self, version: &str) -> bool {
        self.version == version
            && match self.phase {
                Phase::Installed | Phase::Rebooting | Phase::Refused => true,
                Phase::Failed => self.attempts >= MAX_INSTALL_ATTEMPTS,
                Phase::Installing => false,
            }
    }
}

/// The updates folder of a data directory. Opening it creates nothing: the root side must not
/// make files the kiosk cannot use.
#[derive(Clone, Debug)]
pub struct Updates {
    dir: PathBuf,
    /// This boot's id, when the system says it.
    boot: Option<String>,
}

/// A bundle waiting to be installed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Its version, from its name (`None`: a `*.raucb` on a stick named otherwise).
    pub version: Option<semver::Version>,
    /// The file.
    pub path: PathBuf,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| damaged(path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(path)(e)),
    }
}

fn remove_if_there(path: &Path) -> Result<bool> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io(path)(e)),
    }
}

fn sync_dir(dir: &Path) -> Result<()> {
    fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
}

/// The SHA-256 and length of a file.
pub fn file_sha256(path: &Path) -> Result<([u8; 32], u64)> {
    let mut file = fs::File::open(path).map_err(io(path))?;
    let (mut hash, mut len, mut buf) = (sha2::Sha256::new(), 0u64, vec![0; 1 << 16]);
    loop {
        let n = file.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            return Ok((hash.finalize().into(), len));
        }
        hash.update(&buf[..n]);
        len += n as u64;
    }
}

impl Updates {
    /// The updates folder of the data directory at `data_root`.
    pub fn of(data_root: &Path) -> Self {
        let boot = fs::read_to_string(BOOT_ID_FILE).ok().map(|id| id.trim().to_string());
        Self { dir: data_root.join("updates"), boot: boot.filter(|id| !id.is_empty()) }
    }

    /// The same as seen in the boot `boot` (tests: a restart is a new id).
    pub fn in_boot(data_root: &Path, boot: &str) -> Self {
        Self { dir: data_root.join("updates"), boot: Some(boot.to_string()) }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Creates the folder if it is missing, owned like the data directory (the root side may
    /// be the first to need it).
    pub fn create(&self) -> Result<()> {
        if self.dir.is_dir() {
            return Ok(());
        }
        fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        self.chown_like_parent(&self.dir)
    }

    /// Gives `path` the owner of the data directory (when run as root; a no-op otherwise).
    fn chown_like_parent(&self, path: &Path) -> Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let parent = self.dir.parent().unwrap_or(&self.dir);
            let owner = fs::metadata(parent).map_err(io(parent))?;
            let mine = fs::metadata(path).map_err(io(path))?;
            if (mine.uid(), mine.gid()) != (owner.uid(), owner.gid()) {
                std::os::unix::fs::chown(path, Some(owner.uid()), Some(owner.gid()))
                    .map_err(io(path))?;
            }
        }
        Ok(())
    }

    /// The complete bundle of `version`.
    pub fn bundle_path(&self, version: &str) -> PathBuf {
        self.dir.join(bundle_file_name(version))
    }

    /// The download in progress of `version`.
    pub fn part_path(&self, version: &str) -> PathBuf {
        self.dir.join(format!("{}.part", bundle_file_name(version)))
    }

    /// What the hub last offered.
    pub fn offer(&self) -> Result<Option<HubOffer>> {
        read_json(&self.dir.join("offer.json"))
    }

    /// Keeps what the hub offered.
    pub fn note_offer(&self, offer: &HubOffer) -> Result<()> {
        self.create()?;
        let path = self.dir.join("offer.json");
        let json = serde_json::to_vec_pretty(offer).map_err(|e| damaged(&path, e))?;
        crate::write_private(&path, &json)
    }

    /// The hub has nothing newer: forgets its last offer and any download of it.
    pub fn clear_offer(&self) -> Result<()> {
        if let Some(old) = self.offer()? {
            remove_if_there(&self.part_path(&old.version))?;
        }
        remove_if_there(&self.dir.join("offer.json"))?;
        Ok(())
    }

    /// How many bytes of `version` are downloaded so far.
    pub fn downloaded(&self, version: &str) -> Result<u64> {
        match fs::metadata(self.part_path(version)) {
            Ok(m) => Ok(m.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(io(&self.part_path(version))(e)),
        }
    }

    /// Writes `bytes` at `offset` of the download of `offer` (what lies beyond is dropped
    /// first) and makes it durable; the length afterwards. A range past the offer's size is
    /// refused.
    pub fn write_range(&self, offer: &UpdateOffer, offset: u64, bytes: &[u8]) -> Result<u64> {
        let path = self.part_path(&offer.version);
        if offset + bytes.len() as u64 > offer.size {
            return Err(damaged(&path, "the hub sent more than the bundle's size"));
        }
        self.create()?;
        let mut file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io(&path))?;
        file.set_len(offset).map_err(io(&path))?;
        file.seek(SeekFrom::Start(offset)).map_err(io(&path))?;
        file.write_all(bytes).map_err(io(&path))?;
        // Each range durable before the next is asked: after a power cut the length is the
        // point to resume from (and a wrong byte is caught by the hash at the end anyway).
        file.sync_all().map_err(io(&path))?;
        Ok(offset + bytes.len() as u64)
    }

    /// A download of `offer` that reached its size: checks its size and SHA-256, then renames
    /// it to `ansinh-<v>.raucb` durably (fsync of the file, the rename, fsync of the folder)
    /// and deletes every other bundle and download. `Err` inside: the bytes did not match (the
    /// download is deleted; why, for staff).
    pub fn finish(&self, offer: &UpdateOffer) -> Result<std::result::Result<PathBuf, String>> {
        let part = self.part_path(&offer.version);
        let (sha, len) = file_sha256(&part)?;
        if len != offer.size || sha != offer.sha256 {
            remove_if_there(&part)?;
            return Ok(Err(format!(
                "the downloaded bundle {} does not match what the hub announced ({len} of {} bytes, SHA-256 {})",
                offer.version,
                offer.size,
                if sha == offer.sha256 { "equal" } else { "different" }
            )));
        }
        fs::File::open(&part).and_then(|f| f.sync_all()).map_err(io(&part))?;
        let done = self.bundle_path(&offer.version);
        fs::rename(&part, &done).map_err(io(&done))?;
        sync_dir(&self.dir)?;
        self.keep_only(Some(&done))?;
        Ok(Ok(done))
    }

    /// Deletes every bundle and download in the folder but `keep`: at most one waits.
    pub fn keep_only(&self, keep: Option<&Path>) -> Result<()> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io(&self.dir)(e)),
        };
        for entry in entries {
            let path = entry.map_err(io(&self.dir))?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let ours = name.ends_with(".raucb") || name.ends_with(".raucb.part");
            if ours && Some(path.as_path()) != keep && path.is_file() {
                remove_if_there(&path)?;
            }
        }
        Ok(())
    }

    /// The complete downloaded bundle, if one waits (the newest, should several).
    pub fn ready(&self) -> Result<Option<Candidate>> {
        Ok(bundles_in(&self.dir)?.into_iter().find(|c| c.version.is_some()))
    }

    /// The root side's record of the last install. An install `installing` in another boot
    /// never finished (a restart cut it: RAUC leaves the slot it was writing unbootable, the
    /// one running is untouched), and reads as failed: it is tried again.
    pub fn state(&self) -> Result<Option<InstallState>> {
        let state: Option<InstallState> = read_json(&self.dir.join(STATE_FILE))?;
        Ok(state.map(|mut s| {
            if s.phase == Phase::Installing && self.boot.is_some() && s.boot != self.boot {
                s.phase = Phase::Failed;
                s.code = Some(Refusal::Failed(String::new()).code().to_string());
                s.reason = Some("the device restarted while it was being installed".to_string());
            }
            s
        }))
    }

    /// Records the last install durably, readable by the kiosk (owned like the data
    /// directory).
    pub fn write_state(&self, state: &InstallState) -> Result<()> {
        self.create()?;
        let path = self.dir.join(STATE_FILE);
        let json = serde_json::to_vec_pretty(state).map_err(|e| damaged(&path, e))?;
        crate::write_private(&path, &json)?;
        self.chown_like_parent(&path)
    }

    /// Whether the kiosk's request `name` waits.
    pub fn has_request(&self, name: &str) -> bool {
        self.dir.join(name).exists()
    }

    /// Writes a request (the kiosk's side): `content` in the file `name`, durably.
    pub fn write_request(&self, name: &str, content: &str) -> Result<()> {
        self.create()?;
        crate::write_private(&self.dir.join(name), content.as_bytes())
    }

    /// Reads and removes a request (the root side's): its content, if it was there.
    pub fn take_request(&self, name: &str) -> Result<Option<String>> {
        let path = self.dir.join(name);
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&path)(e)),
        };
        remove_if_there(&path)?;
        sync_dir(&self.dir)?;
        Ok(Some(text.trim().to_string()))
    }
}

/// The `*.raucb` files of `dir`, newest version first (unnamed versions last).
pub fn bundles_in(dir: &Path) -> Result<Vec<Candidate>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(dir)(e)),
    };
    let mut found = Vec::new();
    for entry in entries {
        let path = entry.map_err(io(dir))?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        if name.ends_with(".raucb") && path.is_file() {
            found.push(Candidate { version: version_of_file_name(&name), path });
        }
    }
    found.sort_by(|a, b| b.version.cmp(&a.version).then_with(|| a.path.cmp(&b.path)));
    Ok(found)
}

/// What staff read of software updates (the staff screen, `ansinh update status`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Status {
    /// Nothing newer is known.
    UpToDate {
        /// The version running.
        running: String,
    },
    /// A newer version is being downloaded from the hub.
    Downloading {
        /// Its version.
        version: String,
        /// How much is there, percent (0–100, rounded down).
        percent: u8,
    },
    /// A checked bundle waits for the next idle reset to be installed.
    Ready {
        /// Its version (`None`: a stick's bundle named otherwise).
        version: Option<String>,
    },
    /// RAUC is writing it, or the kiosk asked for it and the root side has not answered yet.
    Installing {
        /// Its version.
        version: String,
    },
    /// Written to the other slot: the device runs it after the reboot at the next idle reset.
    WaitingForReboot {
        /// Its version.
        version: String,
    },
    /// The reboot into it happened, but the device runs another version: the new one did not
    /// start properly and the box went back to the slot before.
    FellBack {
        /// The version installed.
        version: String,
        /// The version running.
        running: String,
    },
    /// Refused or failed, and why.
    Refused {
        /// Its version.
        version: String,
        /// Why, as a code ([`Refusal::code`], or `download`: the bytes did not match).
        code: String,
        /// Why, in detail (English).
        reason: String,
    },
}

/// Whether `state` settles the bundle of `version` (installed, refused or failed): it is not
/// asked for again.
fn settled(state: Option<&InstallState>, version: Option<&semver::Version>, path: &Path) -> bool {
    state.is_some_and(|s| {
        let same = match version {
            Some(v) => parse_version(&s.version).as_ref() == Some(v),
            None => Path::new(&s.bundle) == path,
        };
        same && s.settles(&s.version)
    })
}

/// The newest bundle worth asking root to install: the download waiting in `updates`, or a
/// `*.raucb` on the stick at `usb_dir`, newer than `running` and not installed, refused or
/// failed [`MAX_INSTALL_ATTEMPTS`] times before.
pub fn candidate(
    updates: &Updates,
    running: &str,
    usb_dir: Option<&Path>,
) -> Result<Option<Candidate>> {
    let state = updates.state()?;
    let running = parse_version(running);
    let mut all = bundles_in(updates.path())?;
    if let Some(usb) = usb_dir {
        // A stick pulled out or unreadable is no reason to fail: nothing on it then.
        all.extend(bundles_in(usb).unwrap_or_default());
    }
    all.sort_by(|a, b| b.version.cmp(&a.version));
    Ok(all.into_iter().find(|c| {
        let newer = match (&c.version, &running) {
            (Some(v), Some(r)) => v > r,
            // A version the name does not say: root reads it from the manifest and decides.
            (None, _) | (_, None) => true,
        };
        newer && !settled(state.as_ref(), c.version.as_ref(), &c.path)
    }))
}

/// What the kiosk wrote at an idle reset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requested {
    /// Nothing to do.
    Nothing,
    /// `install-request`, naming this bundle.
    Install(PathBuf),
    /// `reboot-request`: an update is installed and waits for the reboot.
    Reboot,
}

/// The kiosk's part, at an idle reset (no citizen session in progress, nothing being
/// entered): a `reboot-request` when the root side says an update is installed (the install
/// was asked for at an earlier idle reset), else an `install-request` for the newest
/// [`candidate`]; never a second request while one waits.
pub fn at_idle_reset(
    updates: &Updates,
    running: &str,
    usb_dir: Option<&Path>,
) -> Result<Requested> {
    if updates.has_request(INSTALL_REQUEST) || updates.has_request(REBOOT_REQUEST) {
        return Ok(Requested::Nothing);
    }
    let state = updates.state()?;
    match state.as_ref().map(|s| s.phase) {
        Some(Phase::Installed) => {
            updates.write_request(REBOOT_REQUEST, "reboot\n")?;
            return Ok(Requested::Reboot);
        }
        Some(Phase::Installing) => return Ok(Requested::Nothing),
        _ => {}
    }
    let Some(c) = candidate(updates, running, usb_dir)? else { return Ok(Requested::Nothing) };
    let path = fs::canonicalize(&c.path).map_err(io(&c.path))?;
    updates.write_request(INSTALL_REQUEST, &format!("{}\n", path.display()))?;
    Ok(Requested::Install(path))
}

/// Where updates stand, for staff.
pub fn status(updates: &Updates, running: &str, usb_dir: Option<&Path>) -> Result<Status> {
    let state = updates.state()?;
    if let Some(s) = &state {
        let newer_than_running = match (parse_version(&s.version), parse_version(running)) {
            (Some(v), Some(r)) => v > r,
            _ => s.version != running,
        };
        match s.phase {
            Phase::Installing => return Ok(Status::Installing { version: s.version.clone() }),
            Phase::Installed => {
                return Ok(Status::WaitingForReboot { version: s.version.clone() });
            }
            Phase::Rebooting if newer_than_running => {
                return Ok(Status::FellBack {
                    version: s.version.clone(),
                    running: running.to_string(),
                });
            }
            // Said until something newer happens: a bundle arrived or is downloading.
            Phase::Refused | Phase::Failed
                if candidate(updates, running, usb_dir)?.is_none() && !downloading(updates, s)? =>
            {
                return Ok(Status::Refused {
                    version: s.version.clone(),
                    code: s.code.clone().unwrap_or_default(),
                    reason: s.reason.clone().unwrap_or_default(),
                });
            }
            _ => {}
        }
    }
    if updates.has_request(INSTALL_REQUEST) {
        let version = updates
            .ready()?
            .and_then(|c| c.version)
            .map_or_else(|| "?".to_string(), |v| v.to_string());
        return Ok(Status::Installing { version });
    }
    if let Some(c) = candidate(updates, running, usb_dir)? {
        return Ok(Status::Ready { version: c.version.map(|v| v.to_string()) });
    }
    if let Some(offer) = updates.offer()? {
        let newer = match (parse_version(&offer.version), parse_version(running)) {
            (Some(v), Some(r)) => v > r,
            _ => false,
        };
        if newer {
            if let Some(reason) = offer.problem {
                let code = "download".to_string();
                return Ok(Status::Refused { version: offer.version, code, reason });
            }
            let got = updates.downloaded(&offer.version)?;
            let percent = u8::try_from(got.saturating_mul(100) / offer.size.max(1)).unwrap_or(100);
            return Ok(Status::Downloading { version: offer.version, percent: percent.min(100) });
        }
    }
    Ok(Status::UpToDate { running: running.to_string() })
}

/// Whether a download of a version newer than the refused one is under way.
fn downloading(updates: &Updates, refused: &InstallState) -> Result<bool> {
    Ok(updates.offer()?.is_some_and(|o| {
        o.problem.is_none()
            && match (parse_version(&o.version), parse_version(&refused.version)) {
                (Some(o), Some(r)) => o > r,
                _ => false,
            }
    }))
}

// ---------------------------------------------------------------------------------------
// The root side: `ansinh update install|reboot`.

/// What a bundle's manifest says, once its signature verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleInfo {
    /// `[update] compatible=`.
    pub compatible: String,
    /// `[update] version=`.
    pub version: String,
}

/// Checks a bundle's signature and reads its manifest.
pub trait BundleVerifier {
    /// The manifest of `bundle` when its signature verifies, else why not.
    fn verify(&self, bundle: &Path) -> std::result::Result<BundleInfo, String>;
}

/// Writes a bundle to the inactive slot, and reboots.
pub trait Installer {
    /// Installs `bundle` (RAUC writes only the slot not booted); why not, if it failed.
    fn install(&mut self, bundle: &Path) -> std::result::Result<(), String>;
    /// Reboots the machine; why not, if it could not.
    fn reboot(&mut self) -> std::result::Result<(), String>;
}

/// The last line a command wrote on standard error, for a message.
fn last_line(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}

/// [`BundleVerifier`] by `rauc info --keyring KEYRING --output-format=json`.
#[derive(Clone, Debug)]
pub struct RaucVerifier {
    /// The keyring (the image's `/etc/rauc/keyring.pem`).
    pub keyring: PathBuf,
}

impl BundleVerifier for RaucVerifier {
    fn verify(&self, bundle: &Path) -> std::result::Result<BundleInfo, String> {
        let out = std::process::Command::new("rauc")
            .arg("info")
            .arg("--keyring")
            .arg(&self.keyring)
            .arg("--output-format=json")
            .arg(bundle)
            .output()
            .map_err(|e| format!("rauc could not be run: {e}"))?;
        if !out.status.success() {
            return Err(last_line(&out.stderr));
        }
        #[derive(Deserialize)]
        struct Info {
            compatible: Option<String>,
            version: Option<String>,
        }
        let info: Info = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("rauc info printed no manifest: {e}"))?;
        Ok(BundleInfo {
            compatible: info.compatible.unwrap_or_default(),
            version: info.version.unwrap_or_default(),
        })
    }
}

/// [`Installer`] by `rauc install BUNDLE` and `systemctl reboot`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RaucInstaller;

fn run(command: &mut std::process::Command) -> std::result::Result<(), String> {
    let out = command.output().map_err(|e| format!("{command:?} could not be run: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{} ({})", last_line(&out.stderr), out.status))
    }
}

impl Installer for RaucInstaller {
    fn install(&mut self, bundle: &Path) -> std::result::Result<(), String> {
        run(std::process::Command::new("rauc").arg("install").arg(bundle))
    }

    fn reboot(&mut self) -> std::result::Result<(), String> {
        run(std::process::Command::new("systemctl").arg("reboot"))
    }
}

/// Why a bundle is not installed (recorded in `state.json`, said by the command).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The request names a file outside the updates folder and the stick.
    #[error("{0} is neither in the updates folder nor on the USB stick: not installed")]
    Place(String),
    /// The file is not there.
    #[error("{0} does not exist")]
    Missing(String),
    /// RAUC refused its signature (or could not read it).
    #[error("the bundle's signature does not verify: {0}")]
    Signature(String),
    /// Made for another device.
    #[error("the bundle is for {found}, not for this device ({COMPATIBLE})")]
    Incompatible {
        /// Its `compatible`.
        found: String,
    },
    /// Its version cannot be read.
    #[error("the bundle's version {0:?} is not MAJOR.MINOR.PATCH")]
    Version(String),
    /// Not newer than the version running: a downgrade, or the same.
    #[error("version {offered} is not newer than {running}, which this device runs: not installed")]
    NotNewer {
        /// The bundle's version.
        offered: String,
        /// The version running.
        running: String,
    },
    /// RAUC failed while installing.
    #[error("RAUC could not install it: {0}")]
    Failed(String),
}

impl Refusal {
    /// A short stable code of the kind of refusal (`state.json`, the words staff read).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Place(_) => "place",
            Refusal::Missing(_) => "missing",
            Refusal::Signature(_) => "signature",
            Refusal::Incompatible { .. } => "incompatible",
            Refusal::Version(_) => "version",
            Refusal::NotNewer { .. } => "not-newer",
            Refusal::Failed(_) => "failed",
        }
    }
}

/// What [`install`] needs to know.
#[derive(Clone, Debug)]
pub struct InstallOptions {
    /// The version running (from the release file: [`running_version`]).
    pub running: String,
    /// The USB stick's mount folder, whose bundles may be installed too.
    pub usb_dir: Option<PathBuf>,
    /// Install this file, not the kiosk's request (a person at the console, the boot test):
    /// the same checks but the place.
    pub bundle: Option<PathBuf>,
    /// Now (Unix seconds), for `state.json`.
    pub now: i64,
}

/// What [`install`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Installed {
    /// No request waited (and no bundle was given).
    NoRequest,
    /// Installed: this version runs after the reboot.
    Done {
        /// Its version.
        version: String,
    },
    /// Not installed, and why.
    Refused(Refusal),
}

fn inside(path: &Path, dir: &Path) -> bool {
    fs::canonicalize(dir).is_ok_and(|d| path.starts_with(d))
}

/// The root side of the contract: takes the kiosk's `install-request` (or `options.bundle`),
/// checks the bundle's place, signature, `compatible` and version, installs it with RAUC and
/// records the outcome in `state.json`. A downloaded bundle is moved into `install/` (root
/// only) before it is checked, so the kiosk's user cannot swap it between the check and RAUC,
/// and deleted once done with.
pub fn install(
    updates: &Updates,
    options: &InstallOptions,
    verifier: &dyn BundleVerifier,
    installer: &mut dyn Installer,
) -> Result<Installed> {
    let asked = match &options.bundle {
        Some(b) => b.display().to_string(),
        None => match updates.take_request(INSTALL_REQUEST)? {
            Some(text) => text,
            None => return Ok(Installed::NoRequest),
        },
    };
    let named =
        version_of_file_name(Path::new(&asked).file_name().and_then(|n| n.to_str()).unwrap_or(""))
            .map_or_else(|| "?".to_string(), |v| v.to_string());
    // A try of the version that failed before (or was cut by a restart) counts on from it.
    let earlier = updates.state()?.filter(|s| s.phase == Phase::Failed);
    let mut state = InstallState {
        format: STATE_FORMAT,
        phase: Phase::Installing,
        version: named,
        bundle: asked.clone(),
        at: options.now,
        code: None,
        reason: None,
        boot: updates.boot.clone(),
        attempts: 1,
    };
    let counted = |state: &mut InstallState| {
        state.attempts = earlier
            .as_ref()
            .filter(|e| e.version == state.version)
            .map_or(1, |e| e.attempts.saturating_add(1));
    };
    // Counted before RAUC starts, so that a try a restart cuts is counted too (and again
    // once the manifest has named the version).
    counted(&mut state);
    let outcome = checked_install(updates, options, &asked, verifier, installer, &mut state);
    counted(&mut state);
    state.at = options.now;
    match &outcome {
        Ok(()) => state.phase = Phase::Installed,
        Err(r) => {
            state.phase =
                if matches!(r, Refusal::Failed(_)) { Phase::Failed } else { Phase::Refused };
            state.code = Some(r.code().to_string());
            state.reason = Some(r.to_string());
        }
    }
    updates.write_state(&state)?;
    Ok(match outcome {
        Ok(()) => Installed::Done { version: state.version },
        Err(r) => Installed::Refused(r),
    })
}

fn checked_install(
    updates: &Updates,
    options: &InstallOptions,
    asked: &str,
    verifier: &dyn BundleVerifier,
    installer: &mut dyn Installer,
    state: &mut InstallState,
) -> std::result::Result<(), Refusal> {
    let path = fs::canonicalize(asked).map_err(|_| Refusal::Missing(asked.to_string()))?;
    let in_updates = inside(&path, updates.path());
    let on_stick = options.usb_dir.as_deref().is_some_and(|u| inside(&path, u));
    if options.bundle.is_none() && !in_updates && !on_stick {
        return Err(Refusal::Place(asked.to_string()));
    }
    if !path.is_file() {
        return Err(Refusal::Missing(asked.to_string()));
    }
    // Out of the kiosk user's reach from here on (a rename: no copy of hundreds of MB).
    let (path, staged) = if in_updates { (stage(updates, &path)?, true) } else { (path, false) };
    let result = verify_and_install(options, &path, verifier, installer, state, updates);
    if staged {
        let _ = fs::remove_file(&path);
    }
    result
}

/// Moves a downloaded bundle into `install/`, a folder only root enters.
fn stage(updates: &Updates, path: &Path) -> std::result::Result<PathBuf, Refusal> {
    let failed = |e: std::io::Error| Refusal::Failed(format!("preparing the bundle: {e}"));
    let dir = updates.path().join("install");
    fs::create_dir_all(&dir).map_err(failed)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).map_err(failed)?;
    }
    // Installs run one at a time: what is left here is a bundle whose install a restart cut.
    for entry in fs::read_dir(&dir).map_err(failed)? {
        let left = entry.map_err(failed)?.path();
        if left.is_file() {
            fs::remove_file(&left).map_err(failed)?;
        }
    }
    let to = dir.join(path.file_name().unwrap_or_default());
    fs::rename(path, &to).map_err(failed)?;
    Ok(to)
}

fn verify_and_install(
    options: &InstallOptions,
    path: &Path,
    verifier: &dyn BundleVerifier,
    installer: &mut dyn Installer,
    state: &mut InstallState,
    updates: &Updates,
) -> std::result::Result<(), Refusal> {
    let info = verifier.verify(path).map_err(Refusal::Signature)?;
    if !info.version.is_empty() {
        state.version.clone_from(&info.version);
    }
    if info.compatible != COMPATIBLE {
        return Err(Refusal::Incompatible { found: info.compatible });
    }
    let offered = parse_version(&info.version).ok_or(Refusal::Version(info.version.clone()))?;
    let newer = parse_version(&options.running).is_none_or(|running| offered > running);
    if !newer {
        return Err(Refusal::NotNewer {
            offered: info.version.clone(),
            running: options.running.clone(),
        });
    }
    // Staff see "installing" while RAUC writes (a few minutes for a whole root).
    let _ = updates.write_state(state);
    installer.install(path).map_err(Refusal::Failed)
}

/// What [`reboot`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rebooted {
    /// No request waited.
    NoRequest,
    /// Nothing installed waits for a reboot: the request is dropped.
    NothingInstalled,
    /// The reboot was started.
    Started {
        /// The version the device boots into.
        version: String,
    },
    /// `systemctl reboot` failed (why): the update stays installed, and the next idle reset
    /// asks again.
    Failed(String),
}

/// The root side of `reboot-request`: removes it, and reboots when `state.json` says an update
/// is installed and waits for it (recording that the reboot started).
pub fn reboot(updates: &Updates, now: i64, installer: &mut dyn Installer) -> Result<Rebooted> {
    if updates.take_request(REBOOT_REQUEST)?.is_none() {
        return Ok(Rebooted::NoRequest);
    }
    let Some(mut state) = updates.state()?.filter(|s| s.phase == Phase::Installed) else {
        return Ok(Rebooted::NothingInstalled);
    };
    state.phase = Phase::Rebooting;
    state.at = now;
    updates.write_state(&state)?;
    if let Err(why) = installer.reboot() {
        // Still installed: the next idle reset asks again.
        state.phase = Phase::Installed;
        state.reason = Some(why.clone());
        updates.write_state(&state)?;
        return Ok(Rebooted::Failed(why));
    }
    Ok(Rebooted::Started { version: state.version })
}
