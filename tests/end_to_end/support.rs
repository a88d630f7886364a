//! Fixtures of the end-to-end suite: a hub on 127.0.0.1 over a temporary data directory,
//! devices that register with it and enqueue the repository's fixture enrollments exactly as
//! the kiosk does, a clock the test moves, and plain HTTP requests.
//!
//! Shared with the tests that run the `ansinh-hub` command, which stay in ansinh-hub (only
//! there does Cargo build that binary for a test): `app/ansinh-hub/tests/e2e/main.rs`
//! includes this file, as does its sync benchmark.

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ansinh_device::DataDir;
pub(crate) use ansinh_device::clock::FakeClock;
use ansinh_device::enroll::{CollectionPoint, CommitOptions, Duplicates, commit};
use ansinh_enrollment::json::EnrollmentJson;
use ansinh_enrollment::record::Enrollment;
use ansinh_hub::testing::LoopbackHub;
use ansinh_outbox::{RecordId, Timestamp};
use ansinh_uploader::{HttpTransport, RetryPolicy, SyncReport, sync_once};

pub(crate) type TestResult = Result<(), Box<dyn std::error::Error>>;
pub(crate) type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// 22 November 2026, 10:00 in Vietnam: the fixtures' collection day (their start month,
/// December 2026, is valid from then), and the hub's "now".
pub(crate) const NOW: Timestamp = 1_795_316_400;
pub(crate) const TODAY: &str = "2026-11-22";
pub(crate) const MONTH: &str = "2026-11";
/// The fixtures' communes.
pub(crate) const VOLUNTARY_COMMUNE: &str = "09556";
pub(crate) const HOUSEHOLD_COMMUNE: &str = "00004";
pub(crate) const AGENT: &str = "AG01";

pub(crate) fn fixture(name: &str) -> PathBuf {
    ansinh_tests::fixtures::path(name)
}

/// A tokio runtime for the hub and the proxy; the test thread stays free for the blocking
/// uploader, as on a device.
pub(crate) fn runtime() -> Res<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?)
}

/// A running hub whose clock stands at [`NOW`] until the test moves it.
pub(crate) struct Server(LoopbackHub);

impl Deref for Server {
    type Target = LoopbackHub;

    fn deref(&self) -> &LoopbackHub {
        &self.0
    }
}

impl Server {
    /// Starts a hub on `dir` (keys created on first start) listening on `port` (0: any).
    pub(crate) fn start(rt: &tokio::runtime::Runtime, dir: &Path, port: u16) -> Res<Self> {
        Ok(Self(LoopbackHub::start(rt, dir, port, Some(NOW))?))
    }

    /// A one-time registration token for a device serving the fixtures' communes.
    pub(crate) fn token(&self) -> Res<String> {
        Ok(self.0.assigned_token("test", &fixture_communes())?)
    }

    /// Graceful stop: requests in flight finish.
    pub(crate) fn stop(self, rt: &tokio::runtime::Runtime) -> Res<()> {
        Ok(self.0.stop(rt)?)
    }
}

/// An assignment to the fixtures' communes (any agent).
pub(crate) fn fixture_communes() -> ansinh_wire::Assignment {
    ansinh_wire::Assignment {
        collection_point: "Điểm thu BĐVHX Thanh Trì".into(),
        communes: vec![VOLUNTARY_COMMUNE.into(), HOUSEHOLD_COMMUNE.into()],
        agents: vec![],
    }
}

/// The test clock, standing at [`NOW`].
pub(crate) fn test_clock() -> FakeClock {
    FakeClock::at_time(NOW)
}

/// A device registered with the hub at `url`.
pub(crate) fn device(root: &Path, name: &str, url: &str, token: &str) -> Res<DataDir> {
    let dir = DataDir::open(root.join(name))?;
    ansinh_uploader::register(&dir, url, token, "Bưu điện xã Thanh Trì")?;
    Ok(dir)
}

/// The fixture enrollments, validated on the fixtures' day.
pub(crate) fn enrollments() -> Res<(Enrollment, Enrollment)> {
    let table = ansinh_core::default_table();
    let today = TODAY.parse().map_err(|_| "date")?;
    let load = |name: &str| -> Res<Enrollment> {
        let text = std::fs::read_to_string(fixture(name))?;
        EnrollmentJson::parse(&text)?
            .validate(&table, today)
            .map_err(|p| format!("{name} does not validate: {p:?}").into())
    };
    Ok((load("enrollment.json")?, load("household.json")?))
}

/// Commits `n` enrollments as the kiosk does (every fifth a household); returns their ids.
/// The same people pay again and again: staff confirmed each possible double payment.
pub(crate) fn enqueue(dir: &DataDir, n: usize) -> Res<Vec<RecordId>> {
    let (voluntary, household) = enrollments()?;
    let list: Vec<&Enrollment> =
        (0..n).map(|i| if i % 5 == 4 { &household } else { &voluntary }).collect();
    commit_each(dir, &list)
}

/// Commits each enrollment as the kiosk does, a second apart from [`NOW`], staff having
/// confirmed every possible double payment; returns their ids.
pub(crate) fn commit_each(dir: &DataDir, enrollments: &[&Enrollment]) -> Res<Vec<RecordId>> {
    let table = ansinh_core::default_table();
    let today = TODAY.parse().map_err(|_| "date")?;
    let reg = dir.registration()?.ok_or("not registered")?;
    let point = CollectionPoint {
        device_id: reg.device_id,
        name: "Bưu điện xã Thanh Trì".into(),
        agent_code: AGENT.into(),
    };
    let (mut outbox, _) = dir.outbox()?;
    let pseudonyms = dir.pseudonym_key()?;
    let confirmed =
        CommitOptions { duplicates: Duplicates::Confirmed, ..CommitOptions::new(&pseudonyms) };
    let mut ids = Vec::with_capacity(enrollments.len());
    for (i, e) in enrollments.iter().enumerate() {
        let at = NOW + i64::try_from(i).unwrap_or(0);
        let (c, _) = commit(&mut outbox, e, &table, today, at, &point, &confirmed)?;
        ids.push(c.record_id);
    }
    Ok(ids)
}

/// Syncs through `url` until nothing is unsent, moving the clock past every backoff; at most
/// `rounds` syncs. Returns the reports.
pub(crate) fn sync_until_done(
    dir: &DataDir,
    url: &str,
    clock: &FakeClock,
    policy: &RetryPolicy,
    rounds: usize,
) -> Res<Vec<SyncReport>> {
    let mut transport = HttpTransport::new(url, Duration::from_secs(10))?;
    let mut reports = vec![];
    for _ in 0..rounds {
        let r = sync_once(dir, &mut transport, clock, policy)?;
        let done = r.status.unsent == 0;
        reports.push(r);
        if done {
            return Ok(reports);
        }
        clock.advance(policy.max_delay_secs + 1);
    }
    Err(format!("still unsent after {rounds} syncs: {:?}", reports.last().map(|r| &r.status))
        .into())
}

/// States of a device's records.
pub(crate) fn acknowledged(dir: &DataDir) -> Res<usize> {
    let (outbox, _) = dir.outbox()?;
    Ok(outbox.list(Some(ansinh_outbox::State::Acknowledged))?.len())
}

/// The admin token of a hub data directory.
pub(crate) fn admin_token(dir: &Path) -> Res<String> {
    Ok(std::fs::read_to_string(dir.join("keys").join("admin.token"))?.trim().to_string())
}

/// A hub with one device whose 10 records (8 voluntary, 2 households of 3) are held.
pub(crate) fn populated(rt: &tokio::runtime::Runtime, root: &Path) -> Res<(Server, DataDir)> {
    let server = Server::start(rt, &root.join("hub"), 0)?;
    let dir = device(root, "device", &server.url(), &server.token()?)?;
    enqueue(&dir, 10)?;
    sync_until_done(&dir, &server.url(), &test_clock(), &RetryPolicy::default(), 2)?;
    Ok((server, dir))
}

/// Headless Chromium, for the tests that look at a page as a browser draws it.
pub(crate) fn chromium() -> Res<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in ["/usr/bin", "/usr/local/bin", "/snap/bin"] {
            let p = PathBuf::from(dir).join(name);
            if p.exists() {
                return Ok(p);
            }
        }
    }
    Err("headless Chromium is needed for the dashboard test: apt-get install chromium".into())
}

/// An HTTP client that returns every status as an answer and follows no redirect.
pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// An answer.
pub(crate) struct Got {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// GET `url`, with `auth` as the `authorization` header.
pub(crate) fn get(url: &str, auth: Option<&str>) -> Res<Got> {
    let mut request = agent().get(url);
    if let Some(a) = auth {
        request = request.header("authorization", a);
    }
    let mut r = request.call()?;
    let headers = r
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    Ok(Got { status: r.status().as_u16(), headers, body: r.body_mut().read_to_vec()? })
}
