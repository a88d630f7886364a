//! Downloading the hub's newest software update: after a sync round that reached the hub, one
//! `GET /v1/update/latest?have=VERSION`, then the bundle in ranges of [`UPDATE_RANGE_BYTES`]
//! (`GET /v1/update/bundle/{version}` with `Range`) appended to
//! `DIR/updates/ansinh-<v>.raucb.part` (`ansinh_device::update`), which is where the next try
//! starts after a cut connection, a restart or a power cut. Complete, its size and SHA-256 are
//! checked against the offer and it becomes `ansinh-<v>.raucb`, the one bundle kept.
//!
//! Records come first: this is a separate step after the round's batches, and the caller's
//! `keep_going` is asked before every range, so a new record (or a stop) waits for one range
//! at most. A failure here is only reported; it never touches the outbox.

use std::path::Path;

use ansinh_device::clock::Clock;
use ansinh_device::update::{HubOffer, Updates};
use ansinh_wire::update::{UpdateOffer, decode_offer, parse_version};
use serde::Serialize;

use crate::error::Result;
use crate::plan::Answer;
use crate::transport::{Request, Transport};

/// The bytes asked for in one request: a quarter of a megabyte takes about 25 seconds on a
/// weak 2G link, within the request timeout, and a cut loses no more than that.
pub const UPDATE_RANGE_BYTES: u64 = 256 * 1024;

/// What one update step did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum UpdateFetch {
    /// The hub has nothing newer than the version running.
    UpToDate,
    /// Part of a newer version is downloaded; the next step goes on from there.
    Downloading {
        /// Its version.
        version: String,
        /// Bytes downloaded so far.
        have: u64,
        /// Its size.
        size: u64,
    },
    /// A newer version is downloaded whole and checked: it waits for an idle reset.
    Ready {
        /// Its version.
        version: String,
    },
    /// The hub's newest version was installed, refused or failed before: not downloaded again.
    Settled {
        /// Its version.
        version: String,
    },
    /// The offer or the bundle's bytes were wrong: not downloaded again until the hub offers
    /// another bundle.
    Refused {
        /// The version offered, if it could be read.
        version: Option<String>,
        /// Why.
        reason: String,
    },
    /// The hub could not be asked or the download was cut: tried again next time.
    Failed {
        /// What happened.
        reason: String,
    },
}

/// Asks the hub for its newest update and downloads it, range after range while `keep_going`
/// says so (see the module docs). `running` is the version this device runs.
pub fn fetch_update(
    data_root: &Path,
    transport: &mut dyn Transport,
    clock: &dyn Clock,
    running: &str,
    keep_going: &mut dyn FnMut() -> bool,
) -> Result<UpdateFetch> {
    let updates = Updates::of(data_root);
    let path = format!("/v1/update/latest?have={}", crate::policy::query_text(running));
    let offer = match transport.send(&Request::get(&path, vec![])) {
        Answer::Http { status: 204, .. } => {
            updates.clear_offer()?;
            return Ok(UpdateFetch::UpToDate);
        }
        Answer::Http { status: 200, body } => match decode_offer(&body) {
            Ok(offer) => offer,
            Err(e) => {
                let reason = format!("the hub's update offer is unreadable: {e}");
                return Ok(UpdateFetch::Refused { version: None, reason });
            }
        },
        Answer::Http { status, .. } => {
            return Ok(UpdateFetch::Failed { reason: format!("the hub answered {status}") });
        }
        Answer::NoAnswer(why) => return Ok(UpdateFetch::Failed { reason: why }),
    };
    let version = offer.version.clone();
    let newer = match (parse_version(&version), parse_version(running)) {
        (Some(v), Some(r)) => v > r,
        _ => false,
    };
    if !newer {
        return Ok(UpdateFetch::UpToDate);
    }
    // Installed, refused, or failed as often as a version is tried: not downloaded again. (A
    // failed try, or one a restart cut, deleted the bundle: it is downloaded again.)
    let settled = updates.state()?.is_some_and(|s| s.settles(&version));
    if settled {
        return Ok(UpdateFetch::Settled { version });
    }
    if updates.bundle_path(&version).is_file() {
        return Ok(UpdateFetch::Ready { version });
    }
    let known = updates.offer()?.filter(|o| o.is(&offer));
    if let Some(reason) = known.as_ref().and_then(|o| o.problem.clone()) {
        return Ok(UpdateFetch::Refused { version: Some(version), reason });
    }
    if known.is_none() {
        // Another bundle than the one being downloaded: its part (and any older bundle) goes.
        updates.keep_only(None)?;
    }
    updates.note_offer(&HubOffer::of(&offer, clock.now()))?;
    download(&updates, &offer, transport, keep_going)
}

fn download(
    updates: &Updates,
    offer: &UpdateOffer,
    transport: &mut dyn Transport,
    keep_going: &mut dyn FnMut() -> bool,
) -> Result<UpdateFetch> {
    let version = offer.version.clone();
    let mut have = updates.downloaded(&version)?;
    if have > offer.size {
        // Not this bundle's bytes: start again.
        updates.keep_only(None)?;
        have = 0;
    }
    let path = format!("/v1/update/bundle/{}", crate::policy::query_text(&version));
    while have < offer.size {
        if !keep_going() {
            return Ok(UpdateFetch::Downloading { version, have, size: offer.size });
        }
        let end = (have + UPDATE_RANGE_BYTES).min(offer.size) - 1;
        let request = Request::get(&path, vec![("range", format!("bytes={have}-{end}"))]);
        let body = match transport.send(&request) {
            Answer::Http { status: 206, body } if body.len() as u64 == end - have + 1 => body,
            // A hub (or a proxy) that ignores ranges: the whole bundle is as good from 0.
            Answer::Http { status: 200, body } if have == 0 && body.len() as u64 == offer.size => {
                body
            }
            Answer::Http { status: 404, .. } => {
                updates.clear_offer()?;
                let reason = format!("the hub no longer has version {version}");
                return Ok(UpdateFetch::Failed { reason });
            }
            Answer::Http { status, body } => {
                let reason =
                    format!("the hub answered {status} ({} bytes) for a range", body.len());
                return Ok(UpdateFetch::Failed { reason });
            }
            Answer::NoAnswer(why) => return Ok(UpdateFetch::Failed { reason: why }),
        };
        have = updates.write_range(offer, have, &body)?;
    }
    match updates.finish(offer)? {
        Ok(_) => Ok(UpdateFetch::Ready { version }),
        Err(reason) => {
            let mut kept = HubOffer::of(offer, updates.offer()?.map_or(0, |o| o.checked_at));
            kept.problem = Some(reason.clone());
            updates.note_offer(&kept)?;
            Ok(UpdateFetch::Refused { version: Some(version), reason })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_device::clock::FakeClock;
    use sha2::Digest;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    /// [`UPDATE_RANGE_BYTES`] as a length in memory.
    const RANGE: usize = 256 * 1024;

    /// A hub that offers `offered` and serves `bundle` by ranges (the same bytes unless a test
    /// changes them), and can be cut after some requests.
    struct Hub {
        offered: Vec<u8>,
        bundle: Vec<u8>,
        requests: usize,
        cut_after: Option<usize>,
        fetched: u64,
    }

    impl Transport for Hub {
        fn send(&mut self, request: &Request) -> Answer {
            self.requests += 1;
            if self.cut_after.is_some_and(|n| self.requests > n) {
                return Answer::NoAnswer("connection reset".into());
            }
            if request.path.starts_with("/v1/update/latest") {
                let offer = UpdateOffer {
                    format: 1,
                    version: "1.2.0".into(),
                    size: self.offered.len() as u64,
                    sha256: sha2::Sha256::digest(&self.offered).into(),
                };
                let body = ansinh_wire::update::encode_offer(&offer).unwrap_or_default();
                return Answer::Http { status: 200, body };
            }
            let range = request.headers.iter().find(|(n, _)| *n == "range").map(|(_, v)| v);
            let Some((a, b)) = range.and_then(|r| r.strip_prefix("bytes=")?.split_once('-')) else {
                return Answer::Http { status: 400, body: vec![] };
            };
            let (a, b): (usize, usize) = (a.parse().unwrap_or(0), b.parse().unwrap_or(0));
            let body = self.bundle[a..=b.min(self.bundle.len() - 1)].to_vec();
            self.fetched += body.len() as u64;
            Answer::Http { status: 206, body }
        }
    }

    fn hub(len: usize) -> Hub {
        let bundle: Vec<u8> = (0..len).map(|i| (i % 253).to_le_bytes()[0]).collect();
        Hub { offered: bundle.clone(), bundle, requests: 0, cut_after: None, fetched: 0 }
    }

    #[test]
    fn a_cut_download_resumes_where_it_stopped_and_ends_checked() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let clock = FakeClock::at_time(1_800_000_000);
        let mut h = hub(3 * RANGE + 100);
        h.cut_after = Some(3);
        let first = fetch_update(tmp.path(), &mut h, &clock, "1.1.0", &mut || true)?;
        assert!(matches!(first, UpdateFetch::Failed { .. }), "{first:?}");
        let updates = Updates::of(tmp.path());
        assert_eq!(updates.downloaded("1.2.0")?, 2 * UPDATE_RANGE_BYTES);
        // Staff see how far it got.
        let status = ansinh_device::update::status(&updates, "1.1.0", None)?;
        let expected =
            ansinh_device::update::Status::Downloading { version: "1.2.0".into(), percent: 66 };
        assert_eq!(status, expected);
        h.cut_after = None;
        let second = fetch_update(tmp.path(), &mut h, &clock, "1.1.0", &mut || true)?;
        assert_eq!(second, UpdateFetch::Ready { version: "1.2.0".into() });
        assert!(std::fs::read(updates.bundle_path("1.2.0"))? == h.bundle);
        assert!(!updates.part_path("1.2.0").exists());
        assert_eq!(h.fetched, h.bundle.len() as u64, "nothing fetched twice");
        // Done: the next round asks only for the offer.
        let before = h.requests;
        let third = fetch_update(tmp.path(), &mut h, &clock, "1.1.0", &mut || true)?;
        assert_eq!(third, UpdateFetch::Ready { version: "1.2.0".into() });
        assert_eq!(h.requests, before + 1);
        Ok(())
    }

    #[test]
    fn records_come_first_and_wrong_bytes_are_refused_once() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let clock = FakeClock::at_time(1_800_000_000);
        let mut h = hub(2 * RANGE);
        // A record waits after the first range: the step stops there.
        let mut ranges = 0;
        let mut once = || {
            ranges += 1;
            ranges <= 1
        };
        let stopped = fetch_update(tmp.path(), &mut h, &clock, "1.1.0", &mut once)?;
        let size = 2 * UPDATE_RANGE_BYTES;
        let expected =
            UpdateFetch::Downloading { version: "1.2.0".into(), have: UPDATE_RANGE_BYTES, size };
        assert_eq!(stopped, expected);
        // The bytes served change under the same offer: the hash says so at the end.
        h.bundle[RANGE + 1] ^= 1;
        let refused = fetch_update(tmp.path(), &mut h, &clock, "1.1.0", &mut || true)?;
        assert!(matches!(refused, UpdateFetch::Refused { .. }), "{refused:?}");
        let updates = Updates::of(tmp.path());
        assert!(!updates.part_path("1.2.0").exists() && !updates.bundle_path("1.2.0").exists());
        let status = ansinh_device::update::status(&updates, "1.1.0", None)?;
        assert!(matches!(status, ansinh_device::update::Status::Refused { .. }), "{status:?}");
        // Not downloaded again for the same offer.
        let before = h.fetched;
        let again = fetch_update(tmp.path(), &mut h, &clock, "1.1.0", &mut || true)?;
        assert!(matches!(again, UpdateFetch::Refused { .. }), "{again:?}");
        assert_eq!(h.fetched, before);
        // A device already running it (or a later one) downloads nothing.
        for running in ["1.2.0", "1.3.0"] {
            let mut h = hub(1000);
            let fetch = fetch_update(tmp.path(), &mut h, &clock, running, &mut || true)?;
            assert_eq!((fetch, h.fetched), (UpdateFetch::UpToDate, 0), "{running}");
        }
        Ok(())
    }

    #[test]
    fn a_bundle_whose_install_failed_is_downloaded_again_until_the_last_try() -> TestResult {
        use ansinh_device::update::{InstallState, MAX_INSTALL_ATTEMPTS, Phase, STATE_FORMAT};
        let tmp = tempfile::tempdir()?;
        let clock = FakeClock::at_time(1_800_000_000);
        let updates = Updates::of(tmp.path());
        for attempts in 1..=MAX_INSTALL_ATTEMPTS {
            // Root tried it and RAUC failed (or a restart cut it): the bundle is gone.
            std::fs::remove_file(updates.bundle_path("1.2.0")).ok();
            let failed = InstallState {
                format: STATE_FORMAT,
                phase: Phase::Failed,
                version: "1.2.0".into(),
                bundle: updates.bundle_path("1.2.0").display().to_string(),
                at: 1_800_000_000,
                code: Some("failed".into()),
                reason: Some("RAUC could not install it: Input/output error".into()),
                boot: None,
                attempts,
            };
            updates.write_state(&failed)?;
            let mut h = hub(RANGE + 10);
            let fetch = fetch_update(tmp.path(), &mut h, &clock, "1.1.0", &mut || true)?;
            if attempts < MAX_INSTALL_ATTEMPTS {
                assert_eq!(fetch, UpdateFetch::Ready { version: "1.2.0".into() }, "{attempts}");
                assert_eq!(h.fetched, h.bundle.len() as u64);
            } else {
                assert_eq!(fetch, UpdateFetch::Settled { version: "1.2.0".into() });
                assert_eq!(h.fetched, 0, "not downloaded after the last try");
            }
        }
        Ok(())
    }
}
