//! The uploader against a fake collection server (a `Transport` that plays the server's part of
//! PROTOCOL.md in memory), with a fake clock: every fault is injected on purpose.

use std::collections::{HashMap, VecDeque};

use ansinh_device::DataDir;
use ansinh_device::clock::{Clock, FakeClock};
use ansinh_outbox::{NewRecord, State, Summary, Timestamp};
use ansinh_uploader::plan::Answer;
use ansinh_uploader::{
    Error, Request, RetryPolicy, Transport, cached_renewals, export_bundle_at, fetch_renewals_with,
    import_ack_at, probe, register_with, sync_once, sync_once_as, sync_status, take_sender,
};
use ansinh_wire::provisioning::KeyFingerprint;
use ansinh_wire::{
    AckBody, Channel, OpeningKey, Outcome, PROTOCOL_VERSION, RecordId, RecordResult,
    RegisterRequest, RegisterResponse, RenewalDue, UnverifiedBatch,
};
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const T0: Timestamp = 1_800_000_000;

/// What the fake does with the next batch request.
#[derive(Clone, Debug)]
enum Fault {
    /// Store the records, then lose the answer.
    LoseAnswer,
    /// Do not even receive the request.
    Drop,
    /// Answer with this status and error code, storing nothing.
    Refuse(u16, &'static str),
    /// Answer 200 with an ack signed by another key.
    ForgeAck,
}

/// The secret of the fake server's one registration token.
const TOKEN_SECRET: &str = "0123456789abcdef0123456789abcdef";

struct FakeServer {
    signing: SigningKey,
    opening: OpeningKey,
    config: SigningKey,
    /// Answer registrations with these keys instead of its own (a server in the way).
    impostor: Option<SigningKey>,
    device_key: Option<VerifyingKey>,
    last_counter: u64,
    /// Record id → SHA-256 of the sealed bytes held.
    held: HashMap<RecordId, [u8; 32]>,
    /// How many times each record was stored (must stay 1).
    stores: HashMap<RecordId, u32>,
    /// Ids the server rejects, and ids whose batches it refuses as malformed.
    reject: Vec<RecordId>,
    poison: Vec<RecordId>,
    faults: VecDeque<Fault>,
    counters_seen: Vec<u64>,
    requests: u32,
    /// The highest audit entry held (the server's chain check is the hub's, tested there).
    audit_through: u64,
    /// The network is down: no request reaches the server.
    down: bool,
}

impl FakeServer {
    fn new() -> Self {
        Self {
            signing: ansinh_wire::generate_signing_key(),
            opening: OpeningKey::generate(),
            config: ansinh_wire::generate_signing_key(),
            impostor: None,
            device_key: None,
            last_counter: 0,
            held: HashMap::new(),
            stores: HashMap::new(),
            reject: vec![],
            poison: vec![],
            faults: VecDeque::new(),
            counters_seen: vec![],
            requests: 0,
            audit_through: 0,
            down: false,
        }
    }

    /// The registration token its staff would print: the secret and the keys' fingerprint.
    fn token(&self) -> String {
        let fingerprint = KeyFingerprint::of(
            &self.signing.verifying_key(),
            &self.opening.sealing_key(),
            &self.config.verifying_key(),
        );
        format!("{TOKEN_SECRET}.{}", fingerprint.to_hex())
    }

    fn error(status: u16, code: &str) -> Answer {
        let body = format!(r#"{{"error":{{"code":"{code}","message":"test"}}}}"#);
        Answer::Http { status, body: body.into_bytes() }
    }

    /// Stores a verified batch and returns its ack body (the server's per-record logic).
    fn store(
        &mut self,
        device_id: u64,
        channel: Channel,
        records: Vec<(RecordId, Vec<u8>)>,
    ) -> AckBody {
        let results = records
            .into_iter()
            .map(|(id, sealed)| {
                let hash: [u8; 32] = Sha256::digest(&sealed).into();
                let outcome = match self.held.get(&id) {
                    Some(h) if *h == hash => Outcome::Duplicate,
                    Some(_) => Outcome::Conflict,
                    None if self.reject.contains(&id) => {
                        Outcome::Rejected { code: "invalid:personal_id:checksum".into() }
                    }
                    None if self.opening.open(&sealed).is_err() => {
                        Outcome::Rejected { code: "cannot_open".into() }
                    }
                    None => {
                        self.held.insert(id, hash);
                        *self.stores.entry(id).or_default() += 1;
                        Outcome::Accepted
                    }
                };
                RecordResult { record_id: id, outcome }
            })
            .collect();
        AckBody {
            version: PROTOCOL_VERSION,
            device_id,
            channel,
            results,
            audit_through: self.audit_through,
            server_time: T0,
            epoch: [7; 16],
        }
    }

    fn batch(&mut self, bytes: &[u8]) -> Answer {
        let fault = self.faults.pop_front();
        if matches!(fault, Some(Fault::Drop)) {
            return Answer::NoAnswer("connection reset".into());
        }
        if let Some(Fault::Refuse(status, code)) = fault {
            return Self::error(status, code);
        }
        let Ok(unverified) = UnverifiedBatch::decode(bytes) else {
            return Self::error(400, "malformed");
        };
        let Some(key) = self.device_key else { return Self::error(401, "unknown_device") };
        let Ok(batch) = unverified.verify(&key) else { return Self::error(401, "bad_signature") };
        let Channel::Network { counter } = batch.channel else {
            return Self::error(400, "malformed");
        };
        self.counters_seen.push(counter);
        if counter <= self.last_counter {
            return Self::error(409, "replayed_batch");
        }
        if batch.records.iter().any(|r| self.poison.contains(&r.record_id)) {
            return Self::error(400, "malformed");
        }
        self.last_counter = counter;
        self.audit_through = batch.audit.last().map_or(self.audit_through, |e| e.seq);
        let records = batch.records.into_iter().map(|r| (r.record_id, r.sealed)).collect();
        let ack = self.store(batch.device_id, batch.channel, records);
        let signer = match fault {
            Some(Fault::ForgeAck) => ansinh_wire::generate_signing_key(),
            _ => self.signing.clone(),
        };
        let Ok(body) = ansinh_wire::sign_ack(&ack, &signer) else {
            return Self::error(500, "internal");
        };
        if matches!(fault, Some(Fault::LoseAnswer)) {
            return Answer::NoAnswer("connection cut mid-response".into());
        }
        Answer::Http { status: 200, body }
    }

    /// The server side of `ansinh-hub import`: ack file bytes for bundle file bytes.
    fn import(&mut self, bundle: &[u8]) -> Result<Vec<u8>, ansinh_wire::Error> {
        let key = self.device_key.ok_or(ansinh_wire::Error::BadSignature)?;
        let batch = UnverifiedBatch::decode(bundle)?.verify(&key)?;
        self.audit_through = batch.audit.last().map_or(self.audit_through, |e| e.seq);
        let records = batch.records.into_iter().map(|r| (r.record_id, r.sealed)).collect();
        let ack = self.store(batch.device_id, batch.channel, records);
        ansinh_wire::sign_ack(&ack, &self.signing)
    }
}

impl Transport for FakeServer {
    fn send(&mut self, request: &Request) -> Answer {
        self.requests += 1;
        if self.down {
            return Answer::NoAnswer("network unreachable".into());
        }
        match (request.method, request.path.as_str()) {
            ("GET", "/healthz") => Answer::Http { status: 200, body: b"ok".to_vec() },
            ("POST", "/v1/devices/register") => {
                let Ok(r) = serde_json::from_slice::<RegisterRequest>(&request.body) else {
                    return Self::error(400, "malformed");
                };
                if ansinh_wire::provisioning::token_secret(&r.token) != TOKEN_SECRET {
                    return Self::error(401, "invalid_token");
                }
                let Ok(key) = ansinh_wire::verifying_key_from_hex(&r.device_public_key) else {
                    return Self::error(400, "invalid_key");
                };
                self.device_key = Some(key);
                let answer = RegisterResponse {
                    device_id: 7,
                    sealing_key: self.opening.sealing_key().to_hex(),
                    server_signing_key: hex::encode(
                        self.impostor.as_ref().unwrap_or(&self.signing).verifying_key().to_bytes(),
                    ),
                    receipt_key: "cd".repeat(32),
                    assignment: ansinh_wire::Assignment::default(),
                    config_signing_key: hex::encode(self.config.verifying_key().to_bytes()),
                    policy_signing_key: String::new(),
                };
                Answer::Http { status: 200, body: serde_json::to_vec(&answer).unwrap_or_default() }
            }
            ("POST", "/v1/batches") => self.batch(&request.body),
            ("GET", path) if path.starts_with("/v1/renewals?within_days=") => {
                let header = |name: &str| {
                    request.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
                };
                let (Some(key), Some(dev), Some(time), Some(sig)) = (
                    self.device_key,
                    header("x-ansinh-device"),
                    header("x-ansinh-time"),
                    header("x-ansinh-signature"),
                ) else {
                    return Self::error(401, "bad_signature");
                };
                let (Ok(dev), Ok(time)) = (dev.parse(), time.parse()) else {
                    return Self::error(401, "bad_signature");
                };
                if ansinh_wire::verify_request(&key, dev, "GET", "/v1/renewals", time, &sig)
                    .is_err()
                {
                    return Self::error(401, "bad_signature");
                }
                let due = vec![RenewalDue {
                    masked_name: "NGUYỄN T*** H***".into(),
                    scheme: "voluntary-si".into(),
                    paid_until: "2027-01".into(),
                    commune_code: "00004".into(),
                    phone: None,
                    last_receipt_no: Some(3),
                }];
                Answer::Http { status: 200, body: serde_json::to_vec(&due).unwrap_or_default() }
            }
            _ => Self::error(404, "not_found"),
        }
    }
}

fn summary() -> Summary {
    Summary {
        scheme: "voluntary-si".into(),
        mode: "1".into(),
        amount: 330_000,
        gross: 330_000,
        support_national: 0,
        support_local: 0,
        masked_name: "N*** V** A".into(),
        policy_version: "TEST".into(),
        ..Summary::default()
    }
}

/// Enqueues `n` records of `size` plaintext bytes; returns their ids in receipt order.
fn enqueue(
    dir: &DataDir,
    n: usize,
    size: usize,
    now: Timestamp,
) -> Result<Vec<RecordId>, Box<dyn std::error::Error>> {
    let (mut outbox, _) = dir.outbox()?;
    let mut ids = vec![];
    for i in 0..n {
        let record_id = ansinh_outbox::new_record_id();
        outbox.enqueue(now, |_| {
            Ok::<_, String>(NewRecord {
                record_id,
                summary: summary(),
                plaintext: vec![u8::try_from(i % 251).unwrap_or(0); size].into(),
                corrects: None,
            })
        })?;
        ids.push(record_id);
    }
    Ok(ids)
}

fn registered(
    server: &mut FakeServer,
) -> Result<(tempfile::TempDir, DataDir), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let dir = DataDir::open(tmp.path())?;
    let token = server.token();
    register_with(&dir, server, "https://hub.test", &token, "Bưu điện xã A")?;
    Ok((tmp, dir))
}

fn states(dir: &DataDir) -> Result<HashMap<State, usize>, Box<dyn std::error::Error>> {
    let (outbox, _) = dir.outbox()?;
    let mut out = HashMap::new();
    for row in outbox.list(None)? {
        *out.entry(row.state).or_default() += 1;
    }
    Ok(out)
}

fn policy() -> RetryPolicy {
    RetryPolicy { batch_bytes: 4 * 1024, ..RetryPolicy::default() }
}

#[test]
fn registration_provisions_and_refuses_a_second_one() -> TestResult {
    let mut server = FakeServer::new();
    let tmp = tempfile::tempdir()?;
    let dir = DataDir::open(tmp.path())?;
    let token = server.token();
    let (_, fingerprint) = token.split_once('.').ok_or("no fingerprint")?;
    let wrong = format!("{}.{fingerprint}", "f".repeat(32));
    let refused = register_with(&dir, &mut server, "https://hub.test", &wrong, "A");
    assert!(
        matches!(&refused, Err(Error::Refused { status: 401, code, .. }) if code == "invalid_token"),
        "{refused:?}"
    );
    assert!(!refused.as_ref().err().is_some_and(Error::is_retryable));
    let reg = register_with(&dir, &mut server, "https://hub.test/", &token, "Bưu điện xã A")?;
    assert_eq!((reg.device_id, reg.server_url.as_str()), (7, "https://hub.test"));
    assert_eq!(dir.sealing_key()?.0, server.opening.sealing_key());
    let again = register_with(&dir, &mut server, "https://hub.test", &token, "A");
    assert!(matches!(again, Err(Error::AlreadyRegistered { device_id: 7, .. })));
    Ok(())
}

/// What registration must leave behind when it is refused: no registration, no server key,
/// nothing a later sync could use.
fn assert_nothing_stored(dir: &DataDir) -> TestResult {
    assert!(dir.registration()?.is_none(), "a registration was stored");
    assert!(!dir.is_provisioned(), "a sealing key was provisioned");
    assert!(!dir.root().join("server-ca.pem").exists());
    Ok(())
}

#[test]
fn registration_refuses_plain_http_and_unpinned_tokens_before_any_request() -> TestResult {
    let mut server = FakeServer::new();
    let tmp = tempfile::tempdir()?;
    let dir = DataDir::open(tmp.path())?;
    let token = server.token();
    for url in ["http://hub.test", "http://10.1.2.3:8040", "ftp://hub.test", "hub.test"] {
        let refused = register_with(&dir, &mut server, url, &token, "A");
        assert!(matches!(refused, Err(Error::InsecureServerUrl { .. })), "{url}: {refused:?}");
    }
    // The older token form (the secret alone) pins nothing: refused, saying why.
    let refused = register_with(&dir, &mut server, "https://hub.test", TOKEN_SECRET, "A");
    let why = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(why.contains("fingerprint"), "{why}");
    for garbage in ["", "one-time", "0123.4567"] {
        assert!(register_with(&dir, &mut server, "https://hub.test", garbage, "A").is_err());
    }
    assert_eq!(server.requests, 0, "nothing left the device");
    assert_nothing_stored(&dir)?;
    // Loopback plain HTTP is for tests and a hub on the same machine.
    register_with(&dir, &mut server, "http://127.0.0.1:8040", &token, "A")?;
    Ok(())
}

#[test]
fn a_server_whose_keys_differ_from_the_token_provisions_nothing() -> TestResult {
    let mut server = FakeServer::new();
    server.impostor = Some(ansinh_wire::generate_signing_key());
    let tmp = tempfile::tempdir()?;
    let dir = DataDir::open(tmp.path())?;
    let token = server.token();
    let refused = register_with(&dir, &mut server, "https://hub.test", &token, "A");
    assert!(
        matches!(
            &refused,
            Err(Error::Protocol { source: ansinh_wire::Error::KeyMismatch { .. }, .. })
        ),
        "{refused:?}"
    );
    let why = refused.as_ref().err().map(ToString::to_string).unwrap_or_default();
    assert!(why.contains("do not match the provisioning token"), "{why}");
    assert!(!refused.is_err_and(|e| e.is_retryable()), "permanent: staff must act");
    assert_nothing_stored(&dir)?;
    Ok(())
}

#[test]
fn registration_refuses_while_development_records_are_unsent() -> TestResult {
    let mut server = FakeServer::new();
    let tmp = tempfile::tempdir()?;
    let dir = DataDir::open(tmp.path())?;
    enqueue(&dir, 1, 100, T0)?;
    let token = server.token();
    let refused = register_with(&dir, &mut server, "https://hub.test", &token, "A");
    assert!(
        matches!(
            refused,
            Err(Error::Device(ansinh_device::Error::DevelopmentRecordsUnsent { count: 1 }))
        ),
        "{refused:?}"
    );
    assert_eq!(server.requests, 0, "the token is not spent");
    assert_nothing_stored(&dir)?;
    Ok(())
}

#[test]
fn an_unregistered_device_does_not_sync() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let dir = DataDir::open(tmp.path())?;
    let mut server = FakeServer::new();
    let clock = FakeClock::at_time(T0);
    assert!(matches!(sync_once(&dir, &mut server, &clock, &policy()), Err(Error::NotRegistered)));
    assert_eq!(server.requests, 0);
    Ok(())
}

#[test]
fn everything_is_sent_once_in_batches_by_bytes() -> TestResult {
    let mut server = FakeServer::new();
    let (_tmp, dir) = registered(&mut server)?;
    let ids = enqueue(&dir, 60, 500, T0)?;
    let clock = FakeClock::at_time(T0 + 10);
    let report = sync_once(&dir, &mut server, &clock, &policy())?;
    assert_eq!(report.acknowledged, 60);
    assert_eq!(report.duplicates, 0);
    assert!(report.failure.is_none());
    // 4 KiB batches of 548-byte sealed records: 7 per batch.
    assert_eq!(report.batches, 9);
    assert_eq!(report.status.unsent, 0);
    assert_eq!(report.status.last_ack, Some(T0 + 10));
    assert_eq!(server.held.len(), 60);
    assert!(ids.iter().all(|id| server.stores.get(id) == Some(&1)));
    // Counters strictly increase.
    assert!(server.counters_seen.windows(2).all(|w| w[0] < w[1]));
    // Nothing left: the next sync sends nothing at all.
    let before = server.requests;
    let again = sync_once(&dir, &mut server, &clock, &policy())?;
    assert_eq!((again.batches, server.requests), (0, before));
    Ok(())
}

#[test]
fn a_lost_answer_backs_off_then_resends_as_duplicate() -> TestResult {
    let mut server = FakeServer::new();
    let (_tmp, dir) = registered(&mut server)?;
    enqueue(&dir, 5, 200, T0)?;
    let clock = FakeClock::at_time(T0);
    server.faults.push_back(Fault::LoseAnswer);
    let report = sync_once(&dir, &mut server, &clock, &policy())?;
    let failure = report.failure.ok_or("expected a failure")?;
    assert!(failure.retryable, "{failure:?}");
    assert_eq!(report.acknowledged, 0);
    let next = report.next_attempt_at.ok_or("no next attempt")?;
    // First failure: between half the base delay and the base delay.
    assert!((T0 + 5..=T0 + 10).contains(&next), "{next}");
    assert_eq!(report.status.last_error.as_deref(), Some(failure.reason.as_str()));
    // Before the backoff is over nothing is sent.
    let requests = server.requests;
    assert_eq!(sync_once(&dir, &mut server, &clock, &policy())?.batches, 0);
    assert_eq!(server.requests, requests);
    clock.advance(11);
    let report = sync_once(&dir, &mut server, &clock, &policy())?;
    assert_eq!((report.acknowledged, report.duplicates), (5, 5));
    assert_eq!(report.status.last_error, None);
    assert!(server.stores.values().all(|n| *n == 1));
    Ok(())
}

#[test]
fn backoff_grows_with_consecutive_failures_and_resets_on_success() -> TestResult {
    let mut server = FakeServer::new();
    let (_tmp, dir) = registered(&mut server)?;
    enqueue(&dir, 1, 100, T0)?;
    let clock = FakeClock::at_time(T0);
    let mut waits = vec![];
    for _ in 0..6 {
        server.faults.push_back(Fault::Drop);
        let r = sync_once(&dir, &mut server, &clock, &policy())?;
        let next = r.next_attempt_at.ok_or("no next attempt")?;
        waits.push(next - clock.now());
        clock.advance(next - clock.now());
    }
    // Each wait lies in [d/2, d] for d = 10, 20, 40, 80, 160, 320 seconds.
    for (i, w) in waits.iter().enumerate() {
        let d = 10_i64 << i;
        assert!(*w >= d / 2 && *w <= d, "failure {}: waited {w}", i + 1);
    }
    let ok = sync_once(&dir, &mut server, &clock, &policy())?;
    assert_eq!(ok.acknowledged, 1);
    let (outbox, _) = dir.outbox()?;
    assert_eq!(outbox.setting("uploader.failures")?.as_deref(), Some("0"));
    Ok(())
}

#[test]
fn a_probe_that_reaches_the_server_ends_the_backoff() -> TestResult {
    let mut server = FakeServer::new();
    let (_tmp, dir) = registered(&mut server)?;
    enqueue(&dir, 3, 100, T0)?;
    let clock = FakeClock::at_time(T0);
    server.down = true;
    let mut next = T0;
    for _ in 0..15 {
        clock.advance(next - clock.now());
        next = sync_once(&dir, &mut server, &clock, &policy())?.next_attempt_at.ok_or("next")?;
    }
    assert!(next - clock.now() >= 15 * 60, "a long back-off: {}s", next - clock.now());
    let sender = take_sender(&dir, clock.now())?;
    // Still down: the probe changes nothing.
    assert!(!probe(&dir, &sender, &mut server, &clock)?);
    assert_eq!(sync_once_as(&dir, &sender, &mut server, &clock, &policy())?.batches, 0);
    // Back: one small request, no batch, and the records are due again.
    server.down = false;
    let (requests, counters) = (server.requests, server.counters_seen.len());
    assert!(probe(&dir, &sender, &mut server, &clock)?);
    assert_eq!((server.requests, server.counters_seen.len()), (requests + 1, counters));
    let (outbox, _) = dir.outbox()?;
    assert_eq!(outbox.setting("uploader.failures")?.as_deref(), Some("0"));
    assert_eq!(outbox.stats(clock.now())?.next_attempt_at, Some(clock.now()));
    drop(outbox);
    let report = sync_once_as(&dir, &sender, &mut server, &clock, &policy())?;
    assert_eq!((report.acknowledged, report.status.unsent), (3, 0));
    Ok(())
}

#[test]
fn a_forged_ack_is_never_believed() -> TestResult {
    let mut server = FakeServer::new();
    let (_tmp, dir) = registered(&mut server)?;
    enqueue(&dir, 3, 100, T0)?;
    let clock = FakeClock::at_time(T0);
    server.faults.push_back(Fault::ForgeAck);
    let report = sync_once(&dir, &mut server, &clock, &policy())?;
    assert_eq!(report.acknowledged, 0);
    assert!(
        report
            .failure
            .as_ref()
            .is_some_and(|f| f.retryable && f.reason.contains("acknowledgement"))
    );
    assert_eq!(states(&dir)?.get(&State::Queued), Some(&3));
    clock.advance(3600);
    assert_eq!(sync_once(&dir, &mut server, &clock, &policy())?.acknowledged, 3);
    Ok(())
}

#[test]
fn a_revoked_device_stops_and_keeps_its_records() -> TestResult {
    let mut server = FakeServer::new();
    let (_tmp, dir) = registered(&mut server)?;
    enqueue(&dir, 4, 100, T0)?;
    let clock = FakeClock::at_time(T0);
    server.faults.push_back(Fault::Refuse(403, "device_revoked"));
    let report = sync_once(&dir, &mut server, &clock, &policy())?;
    let failure = report.failure.ok_or("expected a failure")?;
    assert!(!failure.retryable);
    assert!(report.status.blocked.as_deref().is_some_and(|b| b.starts_with("device_revoked")));
    assert!(report.quarantined.is_empty(), "the records are not at fault");
    assert_eq!(states(&dir)?.get(&State::Queued), Some(&4));
    assert_eq!(report.batches, 1, "no further batch once refused");
    Ok(())
}

#[test]
fn conflicts_and_rejections_are_quarantined_the_rest_acknowledged() -> TestResult {
    let mut server = FakeServer::new();
    let (_tmp, dir) = registered(&mut server)?;
    let ids = enqueue(&dir, 4, 100, T0)?;
    // The server already holds record 0 with other bytes; it rejects record 1.
    server.held.insert(ids[0], [0xEE; 32]);
    server.reject.push(ids[1]);
    let clock = FakeClock::at_time(T0);
    let report = sync_once(&dir, &mut server, &clock, &policy())?;
    assert_eq!(report.acknowledged, 2);
    let reasons: Vec<(i64, &str)> =
        report.quarantined.iter().map(|q| (q.receipt_no, q.reason.as_str())).collect();
    assert_eq!(reasons.len(), 2);
    assert_eq!(reasons[0].0, 1);
    assert!(reasons[0].1.starts_with("conflict"));
    assert_eq!(reasons[1], (2, "rejected by the collection server: invalid:personal_id:checksum"));
    assert!(report.failure.is_none());
    assert_eq!((report.status.unsent, report.status.quarantined), (2, 2));
    // Quarantined records are not sent again by a sync.
    let again = sync_once(&dir, &mut server, &clock, &policy())?;
    assert_eq!(again.batches, 0);
    Ok(())
}

#[test]
fn a_batch_refused_whole_is_split_until_the_bad_record_is_alone() -> TestResult {
    let mut server = FakeServer::new();
    let (_tmp, dir) = registered(&mut server)?;
    let ids = enqueue(&dir, 16, 200, T0)?;
    server.poison.push(ids[9]);
    let clock = FakeClock::at_time(T0);
    let report = sync_once(
        &dir,
        &mut server,
        &clock,
        &RetryPolicy { batch_bytes: 64 * 1024, ..RetryPolicy::default() },
    )?;
    assert_eq!(report.acknowledged, 15);
    // An unsigned refusal (anyone on the path can send a 400) never quarantines: the record
    // waits the longest delay and staff see why.
    assert!(report.quarantined.is_empty(), "{:?}", report.quarantined);
    assert_eq!((report.status.unsent, report.status.quarantined), (1, 0));
    assert!(!server.held.contains_key(&ids[9]));
    let (outbox, _) = dir.outbox()?;
    let held = outbox.list(Some(State::Queued))?;
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].receipt_no, 10);
    assert!(
        held[0].last_error.as_deref().is_some_and(|e| e.contains("malformed")),
        "staff see why"
    );
    // Not sent again before the longest delay.
    let again = sync_once(&dir, &mut server, &clock, &policy())?;
    assert_eq!(again.batches, 0);
    clock.advance(RetryPolicy::default().max_delay_secs);
    server.poison.clear();
    let later = sync_once(&dir, &mut server, &clock, &policy())?;
    assert_eq!(later.acknowledged, 1);
    Ok(())
}

#[test]
fn one_process_sends_at_a_time() -> TestResult {
    let mut server = FakeServer::new();
    let (_tmp, dir) = registered(&mut server)?;
    enqueue(&dir, 3, 100, T0)?;
    let clock = FakeClock::at_time(T0);
    // The kiosk's delivery loop holds the role; `ansinh sync` comes along meanwhile.
    let held = take_sender(&dir, T0)?;
    let before = server.requests;
    let refused = sync_once(&dir, &mut server, &clock, &policy());
    assert!(matches!(refused, Err(Error::Outbox(ansinh_outbox::Error::SenderBusy))), "{refused:?}");
    assert!(refused.is_err_and(|e| e.is_retryable()), "it may try again later");
    assert_eq!(server.requests, before, "nothing sent");
    assert_eq!(states(&dir)?.get(&State::Queued), Some(&3));
    let report = sync_once_as(&dir, &held, &mut server, &clock, &policy())?;
    assert_eq!(report.acknowledged, 3);
    drop(held);
    assert_eq!(sync_once(&dir, &mut server, &clock, &policy())?.batches, 0, "nothing left");
    Ok(())
}

#[test]
fn a_crash_mid_send_resends_with_a_new_counter() -> TestResult {
    let mut server = FakeServer::new();
    let (_tmp, dir) = registered(&mut server)?;
    enqueue(&dir, 3, 100, T0)?;
    {
        // Claimed and never answered: the process died (its sender role goes with it).
        let (mut outbox, _) = dir.outbox()?;
        let sender = outbox.take_sender(T0)?;
        assert_eq!(outbox.claim_batch(&sender, T0, 1 << 20)?.len(), 3);
        assert_eq!(outbox.next_counter("uploader.batch")?, 1);
    }
    let clock = FakeClock::at_time(T0);
    let report = sync_once(&dir, &mut server, &clock, &policy())?;
    assert_eq!(report.acknowledged, 3);
    assert_eq!(server.counters_seen, vec![2]);
    Ok(())
}

#[test]
fn the_alarm_rings_after_n_days_without_sync() -> TestResult {
    let mut server = FakeServer::new();
    let (_tmp, dir) = registered(&mut server)?;
    let p = RetryPolicy { alarm_after_days: 2, ..policy() };
    assert!(!sync_status(&dir, T0, &p)?.alarm, "nothing waiting: no alarm");
    enqueue(&dir, 1, 100, T0)?;
    let s = sync_status(&dir, T0 + 2 * 86_400 - 1, &p)?;
    assert_eq!((s.unsent, s.oldest_unsent_age, s.alarm), (1, Some(2 * 86_400 - 1), false));
    assert!(sync_status(&dir, T0 + 2 * 86_400, &p)?.alarm);
    let clock = FakeClock::at_time(T0 + 3 * 86_400);
    let r = sync_once(&dir, &mut server, &clock, &p)?;
    assert_eq!(r.status.unsent, 0);
    assert!(!r.status.alarm);
    assert_eq!(r.status.last_sync, Some(T0 + 3 * 86_400));
    Ok(())
}

#[test]
fn usb_bundle_round_trip_is_idempotent() -> TestResult {
    let mut server = FakeServer::new();
    let (tmp, dir) = registered(&mut server)?;
    let ids = enqueue(&dir, 30, 300, T0)?;
    let clock = FakeClock::at_time(T0 + 60);
    let bundle = tmp.path().join("stick").join("ansinh.bundle");
    std::fs::create_dir_all(bundle.parent().ok_or("no parent")?)?;
    let export = export_bundle_at(&dir, &bundle, &clock)?;
    assert_eq!((export.records, export.files.len()), (30, 1));
    // Still unsent until the acknowledgement comes back.
    assert_eq!(states(&dir)?.get(&State::Queued), Some(&30));

    let ack = server.import(&std::fs::read(&bundle)?)?;
    let ack_path = tmp.path().join("stick").join("ansinh.bundle.ack");
    std::fs::write(&ack_path, &ack)?;
    let first = import_ack_at(&dir, &ack_path, &clock)?;
    assert_eq!((first.acknowledged, first.already_acknowledged), (30, 0));
    let second = import_ack_at(&dir, &ack_path, &clock)?;
    assert_eq!((second.acknowledged, second.already_acknowledged), (0, 30));
    // A second import on the server, then a network sync: nothing is held twice.
    server.import(&std::fs::read(&bundle)?)?;
    assert_eq!(sync_once(&dir, &mut server, &clock, &policy())?.batches, 0);
    assert!(ids.iter().all(|id| server.stores.get(id) == Some(&1)));
    let status = sync_status(&dir, clock.now(), &policy())?;
    assert_eq!((status.unsent, status.last_sync), (0, Some(T0 + 60)));
    Ok(())
}

#[test]
fn records_sent_over_the_network_after_an_export_are_not_duplicated() -> TestResult {
    let mut server = FakeServer::new();
    let (tmp, dir) = registered(&mut server)?;
    let ids = enqueue(&dir, 10, 300, T0)?;
    let clock = FakeClock::at_time(T0);
    let bundle = tmp.path().join("b.bundle");
    export_bundle_at(&dir, &bundle, &clock)?;
    assert_eq!(sync_once(&dir, &mut server, &clock, &policy())?.acknowledged, 10);
    let ack = server.import(&std::fs::read(&bundle)?)?;
    let ack_path = tmp.path().join("b.bundle.ack");
    std::fs::write(&ack_path, ack)?;
    let r = import_ack_at(&dir, &ack_path, &clock)?;
    assert_eq!((r.acknowledged, r.already_acknowledged), (0, 10));
    assert!(ids.iter().all(|id| server.stores.get(id) == Some(&1)));
    Ok(())
}

#[test]
fn foreign_and_forged_ack_files_are_refused() -> TestResult {
    let mut server = FakeServer::new();
    let (tmp, dir) = registered(&mut server)?;
    enqueue(&dir, 2, 100, T0)?;
    let clock = FakeClock::at_time(T0);
    let path = tmp.path().join("x.ack");
    // Signed by the server but for a bundle this device never wrote.
    let unknown = AckBody {
        version: PROTOCOL_VERSION,
        device_id: 7,
        channel: Channel::Usb { bundle_id: [1; 16], created_at: T0 },
        results: vec![],
        audit_through: 0,
        server_time: T0,
        epoch: [7; 16],
    };
    std::fs::write(&path, ansinh_wire::sign_ack(&unknown, &server.signing)?)?;
    assert!(matches!(import_ack_at(&dir, &path, &clock), Err(Error::ForeignAck(_))));
    // Another device's.
    let other = AckBody { device_id: 8, ..unknown.clone() };
    std::fs::write(&path, ansinh_wire::sign_ack(&other, &server.signing)?)?;
    assert!(matches!(import_ack_at(&dir, &path, &clock), Err(Error::ForeignAck(_))));
    // Forged.
    std::fs::write(&path, ansinh_wire::sign_ack(&unknown, &ansinh_wire::generate_signing_key())?)?;
    assert!(matches!(import_ack_at(&dir, &path, &clock), Err(Error::Protocol { .. })));
    std::fs::write(&path, b"garbage")?;
    assert!(matches!(import_ack_at(&dir, &path, &clock), Err(Error::Protocol { .. })));
    assert_eq!(states(&dir)?.get(&State::Queued), Some(&2));
    Ok(())
}

#[test]
fn many_records_make_several_bundles() -> TestResult {
    let mut server = FakeServer::new();
    let (tmp, dir) = registered(&mut server)?;
    enqueue(&dir, 1_200, 60, T0)?;
    let clock = FakeClock::at_time(T0);
    let export = export_bundle_at(&dir, &tmp.path().join("out.bundle"), &clock)?;
    assert_eq!(export.files, vec![tmp.path().join("out.bundle"), tmp.path().join("out-2.bundle")]);
    let mut acked = 0;
    for (i, file) in export.files.iter().enumerate() {
        let ack = server.import(&std::fs::read(file)?)?;
        let ack_path = tmp.path().join(format!("{i}.ack"));
        std::fs::write(&ack_path, ack)?;
        acked += import_ack_at(&dir, &ack_path, &clock)?.acknowledged;
    }
    assert_eq!(acked, 1_200);
    Ok(())
}

#[test]
fn renewals_are_signed_downloaded_and_kept() -> TestResult {
    let mut server = FakeServer::new();
    let (_tmp, dir) = registered(&mut server)?;
    assert_eq!(cached_renewals(&dir)?, None);
    let clock = FakeClock::at_time(T0);
    let list = fetch_renewals_with(&dir, &mut server, &clock, 30)?;
    assert_eq!(list.due.len(), 1);
    assert_eq!((list.fetched_at, list.within_days), (T0, 30));
    assert_eq!(cached_renewals(&dir)?, Some(list));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.root().join("renewals.json"))?.permissions().mode();
        assert_eq!(mode & 0o077, 0);
    }
    Ok(())
}

#[test]
fn a_folder_gets_a_bundle_named_for_the_device_and_time_never_an_existing_one() -> TestResult {
    let mut server = FakeServer::new();
    let (tmp, dir) = registered(&mut server)?;
    let stick = tmp.path().join("stick");
    std::fs::create_dir_all(&stick)?;
    enqueue(&dir, 3, 100, T0)?;
    let clock = FakeClock::at_time(T0);
    let first = export_bundle_at(&dir, &stick, &clock)?;
    // Device 7, 15:00:00 on 15 January 2027 in Viet Nam.
    let named = stick.join("ansinh-device-7-20270115-150000.bundle");
    assert_eq!((first.records, first.files.clone()), (3, vec![named.clone()]));
    let bytes = std::fs::read(&named)?;

    // The same second again (a second stick run, or a clock that did not move): a new name.
    enqueue(&dir, 2, 100, T0)?;
    let second = export_bundle_at(&dir, &stick, &clock)?;
    assert_eq!(second.records, 5);
    assert_eq!(second.files.len(), 1);
    assert!(second.files[0] != named && second.files[0].parent() == Some(stick.as_path()));
    assert!(second.files[0].to_string_lossy().ends_with(".bundle"), "{:?}", second.files);
    assert!(std::fs::read(&named)? == bytes, "the first bundle is left as it was");
    // Both are bundles the server takes.
    for file in [&named, &second.files[0]] {
        server.import(&std::fs::read(file)?)?;
    }
    Ok(())
}

#[test]
fn a_folder_of_acknowledgements_imports_every_one_for_this_device() -> TestResult {
    let mut server = FakeServer::new();
    let (tmp, dir) = registered(&mut server)?;
    let stick = tmp.path().join("stick");
    std::fs::create_dir_all(&stick)?;
    let clock = FakeClock::at_time(T0);
    let mut exported = vec![];
    for n in [4, 3] {
        enqueue(&dir, n, 100, T0)?;
        exported.extend(export_bundle_at(&dir, &stick, &clock)?.files);
        clock.advance(60);
    }
    // As `ansinh-hub import` leaves them: FILE.ack beside each bundle.
    for file in &exported {
        let ack = server.import(&std::fs::read(file)?)?;
        let mut name = file.clone().into_os_string();
        name.push(".ack");
        std::fs::write(name, ack)?;
    }
    // Another device's acknowledgement on the same stick, and a damaged one.
    let other = AckBody {
        version: PROTOCOL_VERSION,
        device_id: 8,
        channel: Channel::Usb { bundle_id: [1; 16], created_at: T0 },
        results: vec![],
        audit_through: 0,
        server_time: T0,
        epoch: [7; 16],
    };
    let other_path = stick.join("ansinh-device-8-20270115-150000.bundle.ack");
    std::fs::write(&other_path, ansinh_wire::sign_ack(&other, &server.signing)?)?;
    std::fs::write(stick.join("torn.bundle.ack"), b"garbage")?;

    let r = import_ack_at(&dir, &stick, &clock)?;
    // 4 records in the first bundle; the second holds them again (still unsent when it was
    // written) and 3 more: 7 records, 4 of them acknowledged twice.
    assert_eq!((r.acknowledged, r.already_acknowledged, r.files.len()), (7, 4, 2), "{r:?}");
    assert_eq!(r.others, vec![other_path]);
    assert_eq!(r.unreadable.len(), 1);
    assert!(r.unreadable[0].contains("torn.bundle.ack"), "{:?}", r.unreadable);
    assert_eq!(states(&dir)?.get(&State::Acknowledged), Some(&7));
    // Again: nothing new.
    let again = import_ack_at(&dir, &stick, &clock)?;
    assert_eq!((again.acknowledged, again.already_acknowledged), (0, 11));
    Ok(())
}
