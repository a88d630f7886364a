//! HTTP requests to the collection server through its whole router (`ansinh_hub::app`), as
//! any client may send them: the device endpoints (the registration JSON, signed batches, the
//! renewal request with its signed headers and query) and the admin pages (Basic or Bearer
//! credentials, queries, forms, path parameters).
//!
//! The input chooses a method, a path (one of the routes, or any text) with any query, up to
//! four headers and a body. Flags add what the fuzzer cannot make itself: the admin token, the
//! device's signature over the request, the body signed as a batch by the device (then posted
//! to `/v1/batches`), its records sealed to the hub. The hub has one registered device (the
//! target's key) and a fixed clock.
//!
//! - No request makes the server fail (5xx).
//! - Nothing succeeds without what it needs: registration never (the fuzzer cannot know a
//!   token), a batch only signed by the device, the renewal list only with the device's
//!   signature, the admin pages only with the admin token; the health check always.
//! - A refusal on a device endpoint is the protocol's JSON error, which devices read.
//! - An accepted batch is answered with an acknowledgement the hub signed, for that batch,
//!   one result per record in order, and the same batch sent again is refused as a replay;
//!   an accepted renewal request is answered with a renewal list.
#![no_main]

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use ansinh_hub::{AppState, EnrollmentRules, Hub, HubKeys, SqliteStore, app};
use ansinh_wire::{
    BatchBody, Channel, RegisterRequest, RenewalDue, SealingKey, open_ack, sign_batch,
    sign_request, verifying_key_from_hex,
};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use ed25519_dalek::{SigningKey, VerifyingKey};
use libfuzzer_sys::arbitrary::{Result as ArbitraryResult, Unstructured};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

/// The hub's clock: 2026-11-18.
const NOW: i64 = 1_795_000_000;
/// The admin token (only its hash is compared, so the fuzzer cannot learn it).
const ADMIN_TOKEN: &str = "fuzz-admin-token-0123456789abcdef";

const ADMIN_BEARER: u8 = 1;
const ADMIN_BASIC: u8 = 1 << 1;
const SIGN_REQUEST: u8 = 1 << 2;
const SIGN_BATCH: u8 = 1 << 3;
const SEAL_RECORDS: u8 = 1 << 4;
const ANY_PATH: u8 = 1 << 5;
const ANY_HEADER_NAME: u8 = 1 << 6;

const METHODS: &[Method] = &[
    Method::GET,
    Method::POST,
    Method::HEAD,
    Method::PUT,
    Method::DELETE,
    Method::OPTIONS,
    Method::PATCH,
];
const ROUTES: &[&str] = &[
    "/v1/devices/register",
    "/v1/batches",
    "/v1/renewals",
    "/healthz",
    "/admin",
    "/admin/tokens",
    "/admin/devices/{id}/revoke",
    "/admin/dashboard",
    "/admin/progress.json",
    "/admin/targets",
    "/admin/exports",
    "/admin/exports/double-payments",
    "/admin/renewals",
    "/admin/lapsed",
    "/admin/lapsed.csv",
];
const HEADER_NAMES: &[&str] = &[
    "content-type",
    "authorization",
    "origin",
    "host",
    "sec-fetch-site",
    "x-ansinh-device",
    "x-ansinh-time",
    "x-ansinh-signature",
];
/// The codes of the protocol's JSON errors (PROTOCOL.md), and the router's `not_found`.
const ERROR_CODES: &[&str] = &[
    "malformed",
    "unsupported_version",
    "invalid_key",
    "invalid_token",
    "unknown_device",
    "bad_signature",
    "rate_limited",
    "device_revoked",
    "replayed_batch",
    "too_large",
    "not_found",
];

/// A hub with one registered device, served by its router.
struct Served {
    runtime: tokio::runtime::Runtime,
    router: Router,
    state: AppState,
    device: SigningKey,
    device_id: u64,
    hub_key: VerifyingKey,
    sealing: SealingKey,
    database: PathBuf,
}

impl Served {
    /// A fresh hub on a new database under TMPDIR (the smoke script points it at a folder it
    /// removes afterwards).
    fn start(generation: u32) -> Self {
        let dir = std::env::temp_dir().join(format!("ansinh-hub-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let database = dir.join(format!("hub-{generation}.sqlite"));
        let store = SqliteStore::open(&database).expect("the hub's database opens");
        let hub = Hub::new(
            Arc::new(store),
            HubKeys::ephemeral(ADMIN_TOKEN),
            Arc::new(EnrollmentRules::new()),
        );
        let device = SigningKey::from_bytes(&[0x5d; 32]);
        let token = hub.create_token("fuzz", 3600, NOW).expect("a registration token");
        let request = RegisterRequest {
            token,
            device_public_key: hex::encode(device.verifying_key().as_bytes()),
            label: "fuzz".into(),
        };
        let answer = hub.register(&request, NOW).expect("the device registers");
        let hub_key = verifying_key_from_hex(&answer.server_signing_key).expect("the hub's key");
        let sealing = SealingKey::from_hex(&answer.sealing_key).expect("the sealing key");
        let state =
            AppState { hub: Arc::new(hub), clock: Arc::new(|| NOW), receipts: Arc::default() };
        let runtime =
            tokio::runtime::Builder::new_current_thread().build().expect("a tokio runtime");
        Self {
            runtime,
            router: app(state.clone()),
            state,
            device,
            device_id: answer.device_id,
            hub_key,
            sealing,
            database,
        }
    }

    /// Whether an admin request revoked the device: later batches could never be accepted.
    fn device_revoked(&self) -> bool {
        let device = self.state.hub.store().device(self.device_id).expect("the store answers");
        device.is_none_or(|d| d.revoked_at.is_some())
    }

    fn send(&self, request: Request<Body>) -> (StatusCode, Vec<u8>) {
        self.runtime.block_on(async {
            let response = self.router.clone().oneshot(request).await.expect("the router answers");
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("the answer's body");
            (status, body.to_vec())
        })
    }
}

/// Standard base64, for HTTP Basic credentials.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A request as sent, so that it can be sent again.
struct Built {
    method: Method,
    uri: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Vec<u8>,
}

impl Built {
    fn request(&self) -> Option<Request<Body>> {
        let mut builder = Request::builder().method(self.method.clone()).uri(&self.uri);
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        builder.body(Body::from(self.body.clone())).ok()
    }
}

/// What the target added to a request, to judge the answer by.
struct Sent {
    method: Method,
    path: String,
    admin: bool,
    signed_request: bool,
    batch: Option<BatchBody>,
}

fn request(u: &mut Unstructured, served: &Served) -> ArbitraryResult<Option<(Built, Sent)>> {
    let flags: u8 = u.arbitrary()?;
    let sign_batch_body = flags & SIGN_BATCH != 0;
    let mut method = u.choose(METHODS)?.clone();
    let path = if sign_batch_body {
        method = Method::POST;
        "/v1/batches".to_string()
    } else if flags & ANY_PATH != 0 {
        u.arbitrary::<String>()?
    } else {
        let id: u64 = u.arbitrary()?;
        u.choose(ROUTES)?.replace("{id}", &id.to_string())
    };
    let query: Option<String> = u.arbitrary()?;
    let uri = match &query {
        Some(q) => format!("{path}?{q}"),
        None => path,
    };
    let Ok(parsed) = uri.parse::<axum::http::Uri>() else { return Ok(None) };
    let path = parsed.path().to_string();
    let mut headers = vec![];
    for _ in 0..u.int_in_range(0..=4)? {
        let name = if flags & ANY_HEADER_NAME != 0 {
            u.arbitrary::<String>()?
        } else {
            (*u.choose(HEADER_NAMES)?).to_string()
        };
        let value: String = u.arbitrary()?;
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            headers.push((n, v));
        }
    }
    let admin = flags & (ADMIN_BEARER | ADMIN_BASIC) != 0;
    let authorization = if flags & ADMIN_BASIC != 0 {
        Some(format!("Basic {}", base64(format!("admin:{ADMIN_TOKEN}").as_bytes())))
    } else if flags & ADMIN_BEARER != 0 {
        Some(format!("Bearer {ADMIN_TOKEN}"))
    } else {
        None
    };
    let mut added = vec![];
    if let Some(a) = authorization {
        added.push(("authorization", a));
    }
    let signed_request = flags & SIGN_REQUEST != 0;
    if signed_request {
        let time = NOW + i64::from(u.arbitrary::<i32>()?);
        let signature =
            sign_request(&served.device, served.device_id, method.as_str(), &path, time);
        added.push(("x-ansinh-device", served.device_id.to_string()));
        added.push(("x-ansinh-time", time.to_string()));
        added.push(("x-ansinh-signature", signature));
    }
    for (name, value) in added {
        let value = HeaderValue::try_from(value).expect("a header value made here");
        headers.push((HeaderName::from_static(name), value));
    }
    let rest = u.bytes(u.len())?;
    let mut batch = None;
    let mut body = rest.to_vec();
    if sign_batch_body && let Ok((mut b, _)) = postcard::take_from_bytes::<BatchBody>(rest) {
        // Signed by this device, so sent as this device.
        b.device_id = served.device_id;
        if flags & SEAL_RECORDS != 0 {
            for r in &mut b.records {
                r.sealed = served.sealing.seal(&r.sealed).expect("a record seals");
            }
        }
        if let Ok(signed) = sign_batch(&b, &served.device) {
            body = signed;
            batch = Some(b);
        }
    }
    let built = Built { method: method.clone(), uri, headers, body };
    Ok(Some((built, Sent { method, path, admin, signed_request, batch })))
}

fn judge(served: &Served, sent: &Sent, status: StatusCode, body: &[u8]) {
    let what = format!("{} {} answered {status}", sent.method, sent.path);
    assert!(!status.is_server_error(), "{what}: {}", String::from_utf8_lossy(body));
    if status.is_success() || status.is_redirection() {
        match sent.path.as_str() {
            "/healthz" => {}
            "/v1/devices/register" => panic!("{what}: registered without a token"),
            "/v1/batches" => {
                assert!(sent.batch.is_some(), "{what}: a batch the device did not sign")
            }
            "/v1/renewals" => {
                assert!(sent.signed_request, "{what}: without the device's signature")
            }
            _ => assert!(sent.admin, "{what}: without the admin token"),
        }
    }
    // An answer to HEAD has no body.
    if sent.method == Method::HEAD {
        return;
    }
    if sent.path.starts_with("/v1/")
        && status.is_client_error()
        && status != StatusCode::METHOD_NOT_ALLOWED
    {
        let error: serde_json::Value = serde_json::from_slice(body)
            .unwrap_or_else(|_| panic!("{what}: not the protocol's JSON error"));
        let code = error["error"]["code"].as_str().unwrap_or_default();
        assert!(ERROR_CODES.contains(&code), "{what}: error code {code:?}");
    }
    if status == StatusCode::OK && sent.path == "/v1/renewals" {
        let list = serde_json::from_slice::<Vec<RenewalDue>>(body);
        assert!(list.is_ok(), "{what}: not a renewal list");
    }
    if status == StatusCode::OK && sent.path == "/v1/batches" {
        let Some(batch) = &sent.batch else { return };
        let ack = open_ack(body, &served.hub_key).expect("the acknowledgement opens");
        assert_eq!((ack.device_id, ack.channel), (batch.device_id, batch.channel));
        let ids: Vec<_> = ack.results.iter().map(|r| r.record_id).collect();
        let sent_ids: Vec<_> = batch.records.iter().map(|r| r.record_id).collect();
        assert_eq!(ids, sent_ids, "not one result per record, in order");
        assert!(matches!(batch.channel, Channel::Network { .. }), "a bundle accepted over HTTP");
    }
}

fuzz_target!(|data: &[u8]| {
    static SERVED: OnceLock<Mutex<(u32, Served)>> = OnceLock::new();
    let mut guard = SERVED
        .get_or_init(|| Mutex::new((0, Served::start(0))))
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (generation, served) = &mut *guard;
    let mut u = Unstructured::new(data);
    let Ok(Some((built, sent))) = request(&mut u, served) else { return };
    let Some(request) = built.request() else { return };
    let (status, body) = served.send(request);
    judge(served, &sent, status, &body);
    if status == StatusCode::OK && sent.path == "/v1/batches" && sent.batch.is_some() {
        let again = built.request().expect("the same request again");
        let (status, body) = served.send(again);
        let code = serde_json::from_slice::<serde_json::Value>(&body)
            .map(|e| e["error"]["code"].as_str().unwrap_or_default().to_string());
        assert_eq!(
            (status, code.ok().as_deref()),
            (StatusCode::CONFLICT, Some("replayed_batch")),
            "a batch sent twice was not refused as a replay"
        );
    }
    if served.device_revoked() {
        // Start again with a device that can send: the rest of the run would only see
        // refusals.
        let old = served.database.clone();
        *generation += 1;
        *served = Served::start(*generation);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", old.display()));
        }
    }
});
