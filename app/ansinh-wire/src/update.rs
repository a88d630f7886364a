//! Software updates as they travel from the hub to devices (see `PROTOCOL.md`, "Software
//! updates").
//!
//! An update is a RAUC bundle (`ansinh-<version>.raucb`), signed when the image is built; the
//! hub stores it and serves it by byte ranges (`GET /v1/update/bundle/{version}`). Before
//! downloading, a device asks `GET /v1/update/latest?have=VERSION` and gets an
//! [`UpdateOffer`]: the newest version, its size and SHA-256, so it can resume a cut download
//! and check what it got. The offer is not signed: the bundle's own signature, checked by RAUC
//! against the keyring in the device's read-only root before anything is installed, is what
//! makes an update genuine; size and hash only make the download complete and exact.
//!
//! Versions are `MAJOR.MINOR.PATCH` as the `semver` crate orders them ([`parse_version`]).

use serde::{Deserialize, Serialize};

use crate::Error;

/// Format version carried first in the offer.
pub const UPDATE_FORMAT_VERSION: u16 = 1;
/// Largest bundle the hub takes and a device downloads (a whole disk image is under 300 MB).
pub const MAX_BUNDLE_BYTES: u64 = 1024 * 1024 * 1024;
/// Longest version text, bytes.
pub const MAX_VERSION_BYTES: usize = 32;
/// Largest encoded offer (a few dozen bytes in practice).
pub const MAX_OFFER_BYTES: usize = 128;

/// The hub's newest bundle, as a device learns of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateOffer {
    /// [`UPDATE_FORMAT_VERSION`].
    pub format: u16,
    /// The bundle's version, `MAJOR.MINOR.PATCH`.
    pub version: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256.
    pub sha256: [u8; 32],
}

/// A version as updates order it (`1.2.0` < `1.10.0`), or `None` if `text` is not
/// `MAJOR.MINOR.PATCH` (with an optional pre-release or build suffix, as semver allows).
pub fn parse_version(text: &str) -> Option<semver::Version> {
    if text.len() > MAX_VERSION_BYTES {
        return None;
    }
    semver::Version::parse(text).ok()
}

/// The file name of the bundle of `version`: `ansinh-<version>.raucb`.
pub fn bundle_file_name(version: &str) -> String {
    format!("ansinh-{version}.raucb")
}

/// The version in a bundle's file name `ansinh-<version>.raucb`, if it is one.
pub fn version_of_file_name(name: &str) -> Option<semver::Version> {
    parse_version(name.strip_prefix("ansinh-")?.strip_suffix(".raucb")?)
}

fn check(offer: &UpdateOffer) -> Result<(), Error> {
    if parse_version(&offer.version).is_none() {
        return Err(Error::Malformed);
    }
    if offer.size == 0 || offer.size > MAX_BUNDLE_BYTES {
        return Err(Error::TooLarge("update bundle"));
    }
    Ok(())
}

/// Encodes an offer (postcard), refusing a version that is not `MAJOR.MINOR.PATCH` and a size
/// of nothing or over [`MAX_BUNDLE_BYTES`].
pub fn encode_offer(offer: &UpdateOffer) -> Result<Vec<u8>, Error> {
    check(offer)?;
    postcard::to_stdvec(offer).map_err(|_| Error::Malformed)
}

/// Decodes an offer: the format version first (another is refused as such), then the whole
/// offer, strictly (no trailing bytes), bounds checked.
pub fn decode_offer(bytes: &[u8]) -> Result<UpdateOffer, Error> {
    if bytes.len() > MAX_OFFER_BYTES {
        return Err(Error::TooLarge("update offer"));
    }
    let (format, _): (u16, _) = postcard::take_from_bytes(bytes).map_err(|_| Error::Malformed)?;
    if format != UPDATE_FORMAT_VERSION {
        return Err(Error::UnsupportedVersion(format));
    }
    let (offer, rest): (UpdateOffer, _) =
        postcard::take_from_bytes(bytes).map_err(|_| Error::Malformed)?;
    if !rest.is_empty() {
        return Err(Error::Malformed);
    }
    check(&offer)?;
    Ok(offer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer() -> UpdateOffer {
        UpdateOffer {
            format: UPDATE_FORMAT_VERSION,
            version: "1.2.0".into(),
            size: 5_000_000,
            sha256: [7; 32],
        }
    }

    #[test]
    fn an_offer_round_trips_and_every_damage_is_refused() -> Result<(), Error> {
        let bytes = encode_offer(&offer())?;
        assert_eq!(decode_offer(&bytes)?, offer());
        for cut in 0..bytes.len() {
            assert!(decode_offer(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode_offer(&longer).err(), Some(Error::Malformed));
        let mut future = bytes.clone();
        future[0] = 2;
        assert_eq!(decode_offer(&future).err(), Some(Error::UnsupportedVersion(2)));
        Ok(())
    }

    #[test]
    fn versions_sizes_and_names_are_checked() {
        for bad in ["", "1.2", "v1.2.0", "1.2.0.4", "01.2.0", &"1".repeat(40)] {
            let o = UpdateOffer { version: bad.into(), ..offer() };
            assert_eq!(encode_offer(&o).err(), Some(Error::Malformed), "{bad:?}");
        }
        for size in [0, MAX_BUNDLE_BYTES + 1] {
            let o = UpdateOffer { size, ..offer() };
            assert_eq!(encode_offer(&o).err(), Some(Error::TooLarge("update bundle")));
        }
        let order = |a: &str, b: &str| parse_version(a).zip(parse_version(b)).map(|(a, b)| a < b);
        assert_eq!(order("1.2.0", "1.10.0"), Some(true));
        assert_eq!(order("1.2.0-rc.1", "1.2.0"), Some(true));
        assert_eq!(order("2.0.0", "1.99.99"), Some(false));
        assert_eq!(bundle_file_name("1.2.0"), "ansinh-1.2.0.raucb");
        assert_eq!(version_of_file_name("ansinh-1.2.0.raucb"), parse_version("1.2.0"));
        for name in ["ansinh-1.2.raucb", "other-1.2.0.raucb", "ansinh-1.2.0.raucb.part"] {
            assert_eq!(version_of_file_name(name), None, "{name}");
        }
    }
}
