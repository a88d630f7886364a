//! Software updates: RAUC bundles (`ansinh-<version>.raucb`, signed when the kiosk image is
//! built) published on the hub ([`Hub::publish_update`], `ansinh-hub update publish`), kept in
//! the database in rows of 1 MiB so that every hub on a shared PostgreSQL database serves
//! them, and served to devices: `GET /v1/update/latest?have=V` names the newest
//! ([`ansinh_wire::update::UpdateOffer`]) and `GET /v1/update/bundle/{version}` streams it,
//! from any byte offset (`Range`), so that a device resumes a cut download.
//!
//! The hub does not check the bundle's signature (the device's root does, with the keyring of
//! its read-only root file system); it refuses what is obviously not a bundle of this version
//! (name, size, the squashfs header every RAUC bundle starts with) and a version not newer
//! than every one published before, so "the latest" is the one published last.

use std::io::Read;
use std::path::Path;

use ansinh_wire::update::{
    MAX_BUNDLE_BYTES, UPDATE_FORMAT_VERSION, UpdateOffer, bundle_file_name, parse_version,
    version_of_file_name,
};

use crate::error::{Error, Result, io};
use crate::hub::Hub;
use crate::store::{PublishedBundle, Timestamp};

/// The smallest file taken for a bundle: a RAUC bundle holds at least a squashfs image (padded
/// to 4 KiB) and a CMS signature with its certificate.
pub const MIN_BUNDLE_BYTES: u64 = 4096;

/// What every RAUC bundle starts with: the squashfs superblock's magic number.
const SQUASHFS_MAGIC: &[u8; 4] = b"hsqs";

/// Checks that `path` can be the bundle of `version`: a semver version, a `*.raucb` name (when
/// it names a version, that one), a plausible size, a squashfs header. Returns its size.
pub fn check_bundle_file(path: &Path, version: &str) -> Result<u64> {
    if parse_version(version).is_none() {
        return Err(Error::Invalid(format!(
            "version {version:?} is not MAJOR.MINOR.PATCH (for example 1.4.0)"
        )));
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if !name.ends_with(".raucb") {
        return Err(Error::Invalid(format!(
            "{} is not a RAUC bundle file (*.raucb; kiosk-image/build.sh writes {})",
            path.display(),
            bundle_file_name(version)
        )));
    }
    if name.starts_with("ansinh-") && version_of_file_name(name) != parse_version(version) {
        return Err(Error::Invalid(format!(
            "{name} is named for another version than {version}: publish it with the version in its name"
        )));
    }
    let mut file = std::fs::File::open(path).map_err(io(path))?;
    let size = file.metadata().map_err(io(path))?.len();
    if !(MIN_BUNDLE_BYTES..=MAX_BUNDLE_BYTES).contains(&size) {
        return Err(Error::Invalid(format!(
            "{} is {size} bytes: a bundle is between {MIN_BUNDLE_BYTES} bytes and 1 GiB",
            path.display()
        )));
    }
    let mut magic = [0; 4];
    file.read_exact(&mut magic).map_err(io(path))?;
    if &magic != SQUASHFS_MAGIC {
        return Err(Error::Invalid(format!(
            "{} does not start like a RAUC bundle (no squashfs header)",
            path.display()
        )));
    }
    Ok(size)
}

/// The offer a device reads for `bundle`.
pub fn offer_of(bundle: &PublishedBundle) -> UpdateOffer {
    UpdateOffer {
        format: UPDATE_FORMAT_VERSION,
        version: bundle.version.clone(),
        size: bundle.size,
        sha256: bundle.sha256,
    }
}

/// Whether a device that says it runs `have` should be offered `latest`: unless it names that
/// version or a later one.
pub fn is_news(latest: &str, have: Option<&str>) -> bool {
    let Some(have) = have else { return true };
    match (parse_version(latest), parse_version(have)) {
        (Some(latest), Some(have)) => latest > have,
        _ => latest != have,
    }
}

impl Hub {
    /// Publishes the bundle at `path` as `version` ([`check_bundle_file`], newer than every
    /// bundle published before), stored in the database, and logs it in the hub's audit log
    /// as done by `actor`. Returns what was stored.
    pub fn publish_update(
        &self,
        path: &Path,
        version: &str,
        actor: &str,
        now: Timestamp,
    ) -> Result<PublishedBundle> {
        let size = check_bundle_file(path, version)?;
        let wanted = parse_version(version).ok_or_else(|| Error::Invalid(version.into()))?;
        for earlier in self.store().bundles()? {
            if parse_version(&earlier.version).is_some_and(|v| v >= wanted) {
                return Err(Error::Invalid(format!(
                    "version {version} is not newer than {}, which this hub already publishes",
                    earlier.version
                )));
            }
        }
        let mut file = std::fs::File::open(path).map_err(io(path))?;
        let bundle = self
            .store()
            .publish_bundle(version, now, &mut file)?
            .ok_or_else(|| Error::Invalid(format!("version {version} is published already")))?;
        if bundle.size != size {
            // Stored as read; the operator learns the file was being written meanwhile.
            eprintln!(
                "ansinh-hub: {} changed size while it was published ({size} then {} bytes)",
                path.display(),
                bundle.size
            );
        }
        let detail = format!(
            "version={} size={} sha256={}",
            bundle.version,
            bundle.size,
            hex::encode(bundle.sha256)
        );
        self.store().log_action(actor, "update_published", &detail, now)?;
        Ok(bundle)
    }

    /// The published bundle of `version`, if any.
    pub fn update_bundle(&self, version: &str) -> Result<Option<PublishedBundle>> {
        Ok(self.store().bundles()?.into_iter().find(|b| b.version == version))
    }
}

/// The part of a bundle a request asks for (`Range`, RFC 9110 §14).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wanted {
    /// No range, or one this server does not serve (several ranges, another unit): the whole
    /// bundle (200), as RFC 9110 allows.
    Whole,
    /// Bytes `start..=end` (206).
    Part {
        /// First byte.
        start: u64,
        /// Last byte, included.
        end: u64,
    },
    /// A range that begins at or beyond the end (416).
    Unsatisfiable,
}

/// Reads a `Range` header value for a bundle of `size` bytes.
pub fn wanted(range: Option<&str>, size: u64) -> Wanted {
    let Some(spec) = range.and_then(|r| r.trim().strip_prefix("bytes=")) else {
        return Wanted::Whole;
    };
    if spec.contains(',') {
        return Wanted::Whole;
    }
    let Some((first, last)) = spec.split_once('-') else { return Wanted::Whole };
    let number = |t: &str| -> Option<u64> {
        let t = t.trim();
        (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok())?
    };
    match (first.trim().is_empty(), number(first), number(last)) {
        // `-N`: the last N bytes.
        (true, _, Some(n)) if n > 0 && size > 0 => {
            Wanted::Part { start: size - n.min(size), end: size - 1 }
        }
        (true, _, _) => Wanted::Unsatisfiable,
        (false, Some(start), _) if start >= size => Wanted::Unsatisfiable,
        (false, Some(start), None) if last.trim().is_empty() => {
            Wanted::Part { start, end: size - 1 }
        }
        (false, Some(start), Some(end)) if end >= start => {
            Wanted::Part { start, end: end.min(size - 1) }
        }
        _ => Wanted::Whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        let w = |r: &str| wanted(Some(r), 1000);
        assert_eq!(wanted(None, 1000), Wanted::Whole);
        assert_eq!(w("bytes=0-99"), Wanted::Part { start: 0, end: 99 });
        assert_eq!(w("bytes=500-"), Wanted::Part { start: 500, end: 999 });
        assert_eq!(w("bytes=900-5000"), Wanted::Part { start: 900, end: 999 });
        assert_eq!(w("bytes=-100"), Wanted::Part { start: 900, end: 999 });
        assert_eq!(w("bytes=-5000"), Wanted::Part { start: 0, end: 999 });
        assert_eq!(w("bytes=999-999"), Wanted::Part { start: 999, end: 999 });
        for beyond in ["bytes=1000-", "bytes=1000-2000", "bytes=-0"] {
            assert_eq!(w(beyond), Wanted::Unsatisfiable, "{beyond}");
        }
        for ignored in ["items=0-1", "bytes=0-1,5-6", "bytes=5-1", "bytes=a-b", "bytes=", "bytes=-"]
        {
            assert!(matches!(w(ignored), Wanted::Whole | Wanted::Unsatisfiable), "{ignored}");
        }
        assert_eq!(w("bytes=5-1"), Wanted::Whole);
    }

    #[test]
    fn only_a_newer_version_is_news() {
        assert!(is_news("1.2.0", None));
        assert!(is_news("1.2.0", Some("1.1.9")));
        assert!(is_news("1.10.0", Some("1.9.0")));
        assert!(!is_news("1.2.0", Some("1.2.0")));
        assert!(!is_news("1.2.0", Some("1.3.0")), "a device ahead of the hub");
        assert!(is_news("1.2.0", Some("unknown")));
    }

    #[test]
    fn files_that_cannot_be_a_bundle_are_refused() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(|e| Error::Invalid(e.to_string()))?;
        let write = |name: &str, bytes: &[u8]| -> Result<std::path::PathBuf> {
            let p = tmp.path().join(name);
            std::fs::write(&p, bytes).map_err(io(&p))?;
            Ok(p)
        };
        let mut good = b"hsqs".to_vec();
        good.resize(5000, 0);
        let ok = write("ansinh-1.2.0.raucb", &good)?;
        assert_eq!(check_bundle_file(&ok, "1.2.0")?, 5000);
        let refused = |path: &Path, version: &str| {
            check_bundle_file(path, version).err().map(|e| e.to_string()).unwrap_or_default()
        };
        assert!(refused(&ok, "1.3.0").contains("another version"));
        assert!(refused(&ok, "1.2").contains("MAJOR.MINOR.PATCH"));
        assert!(refused(&write("bundle.tar", &good)?, "1.2.0").contains("*.raucb"));
        assert!(refused(&write("small.raucb", b"hsqs")?, "1.2.0").contains("between"));
        let mut other = good.clone();
        other[0] = b'P';
        assert!(refused(&write("x.raucb", &other)?, "1.2.0").contains("squashfs"));
        // Another name is fine when it names no version.
        assert_eq!(check_bundle_file(&write("kiosk.raucb", &good)?, "1.2.0")?, 5000);
        Ok(())
    }
}
