//! Everything the protocol refuses is refused with the right status and code, and stores
//! nothing. Through the router itself (no socket), as axum's testing example does.

use std::sync::Arc;

use ansinh_hub::{AppState, EnrollmentRules, Hub, HubKeys, Totals};
use ansinh_wire::{BatchBody, Channel, PROTOCOL_VERSION, RegisterRequest, SealedRecord};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use ed25519_dalek::SigningKey;
use tower::ServiceExt;

use crate::support::*;

struct Fixture {
    rt: tokio::runtime::Runtime,
    state: AppState,
    _tmp: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Res<Self> {
        let tmp = tempfile::tempdir()?;
        // SQLite or PostgreSQL, as the suite runs (ansinh_hub::testing).
        let store = ansinh_hub::testing::test_store(tmp.path())?;
        let hub = Hub::new(
            store,
            HubKeys::ephemeral("admin-token-for-tests"),
            Arc::new(EnrollmentRules::new()),
        );
        Ok(Self {
            rt: runtime()?,
            state: AppState {
                hub: Arc::new(hub),
                clock: Arc::new(|| NOW),
                receipts: Arc::default(),
            },
            _tmp: tmp,
        })
    }

    fn call(&self, request: Request<Body>) -> Res<(StatusCode, Vec<u8>)> {
        let app = ansinh_hub::app(self.state.clone());
        self.rt.block_on(async {
            let response = app.oneshot(request).await?;
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), 1 << 22).await?;
            Ok((status, body.to_vec()))
        })
    }

    fn post(&self, path: &str, content_type: &str, body: Vec<u8>) -> Res<(StatusCode, Vec<u8>)> {
        self.call(Request::post(path).header("content-type", content_type).body(Body::from(body))?)
    }

    fn register(&self, key: &SigningKey) -> Res<u64> {
        let token = self.state.hub.create_token("t", 3600, NOW)?;
        let request = RegisterRequest {
            token,
            device_public_key: hex::encode(key.verifying_key().to_bytes()),
            label: "Xã A".into(),
        };
        let (status, body) =
            self.post("/v1/devices/register", "application/json", serde_json::to_vec(&request)?)?;
        assert_eq!(status, StatusCode::OK);
        let answer: ansinh_wire::RegisterResponse = serde_json::from_slice(&body)?;
        Ok(answer.device_id)
    }

    /// A batch of one real fixture record sealed to this hub, priced as the device prices it.
    fn batch(&self, device_id: u64, channel: Channel) -> Res<BatchBody> {
        let table = ansinh_core::default_table();
        let amount = Self::price(&table)?;
        self.batch_priced(device_id, channel, table.version, amount)
    }

    /// The fixture record's price with `table` on its collection day.
    fn price(table: &ansinh_core::PolicyTable<'_>) -> Res<u64> {
        let (voluntary, _) = enrollments()?;
        let day = ansinh_core::Date::in_vietnam(NOW).map_err(|e| e.to_string())?;
        Ok(ansinh_device::enroll::amounts(&voluntary, table, day)?.amount)
    }

    /// A batch of one fixture record naming `version` and collecting `amount`.
    fn batch_priced(
        &self,
        device_id: u64,
        channel: Channel,
        version: &str,
        amount: u64,
    ) -> Res<BatchBody> {
        let (voluntary, _) = enrollments()?;
        let record_id = ansinh_outbox::new_record_id();
        let record = ansinh_enrollment::record::Record {
            enrollment: voluntary,
            collection: ansinh_enrollment::record::Collection {
                record_id,
                device_id,
                collection_point: "x".try_into().map_err(|_| "cap")?,
                agent_code: AGENT.try_into().map_err(|_| "cap")?,
                at: NOW,
                receipt_no: 1,
                amount,
                policy_version: version.try_into().map_err(|_| "cap")?,
                corrects: None,
            },
        };
        let plain =
            ansinh_enrollment::envelope::encode_to_vec(&record).map_err(|e| e.to_string())?;
        let sealed = self.state.hub.keys().opening.sealing_key().seal(&plain)?;
        Ok(BatchBody {
            version: PROTOCOL_VERSION,
            device_id,
            channel,
            records: vec![SealedRecord { record_id, sealed }],
            audit: vec![],
        })
    }

    fn totals(&self) -> Res<Totals> {
        Ok(self.state.hub.store().totals()?)
    }
}

/// Issue 12 item 5: the hub re-prices a record with the table it names — an earlier published
/// table included — and refuses a table it does not hold or an amount that differs.
#[test]
fn records_are_repriced_with_the_table_they_name() -> TestResult {
    let f = Fixture::new()?;
    let key = ansinh_wire::generate_signing_key();
    let id = f.register(&key)?;
    let send = |n: u64, version: &str, amount: u64| -> Res<ansinh_wire::Outcome> {
        let body = ansinh_wire::sign_batch(&f.batch_priced(id, net(n), version, amount)?, &key)?;
        let (status, answer) = f.post("/v1/batches", "application/octet-stream", body)?;
        assert_eq!(status, StatusCode::OK);
        let ack = ansinh_wire::open_ack(&answer, &f.state.hub.keys().signing.verifying_key())?;
        Ok(ack.results[0].outcome.clone())
    };
    let old = ansinh_core::known_table("VN-2026-11-22").ok_or("the earlier table is kept")?;
    let old_amount = Fixture::price(&old)?;
    assert!(send(1, "VN-2026-11-22", old_amount)?.is_held(), "priced by the earlier table");
    let wrong = send(2, "VN-2026-11-22", old_amount + 1)?;
    assert_eq!(
        wrong,
        ansinh_wire::Outcome::Rejected { code: "invalid:collection.amount:mismatch".into() }
    );
    let unknown = send(3, "VN-1999-01-01", old_amount)?;
    assert_eq!(
        unknown,
        ansinh_wire::Outcome::Rejected { code: "invalid:collection.policy_version:unknown".into() }
    );
    Ok(())
}

fn error_code(body: &[u8]) -> Res<String> {
    let v: serde_json::Value = serde_json::from_slice(body)?;
    Ok(v["error"]["code"].as_str().ok_or("no code")?.to_string())
}

fn net(counter: u64) -> Channel {
    Channel::Network { counter }
}

#[test]
fn forged_unknown_revoked_replayed_oversized_and_garbage_are_refused_storing_nothing() -> TestResult
{
    let f = Fixture::new()?;
    let key = ansinh_wire::generate_signing_key();
    let id = f.register(&key)?;
    let batches = |bytes: Vec<u8>| f.post("/v1/batches", "application/octet-stream", bytes);

    let good = ansinh_wire::sign_batch(&f.batch(id, net(1))?, &key)?;
    let (status, body) = batches(good.clone())?;
    assert_eq!(status, StatusCode::OK);
    let ack = ansinh_wire::open_ack(&body, &f.state.hub.keys().signing.verifying_key())?;
    assert_eq!(ack.results.len(), 1);
    assert!(ack.results[0].outcome.is_held());
    let held = f.totals()?;
    assert_eq!(held.records, 1);

    let forged =
        ansinh_wire::sign_batch(&f.batch(id, net(2))?, &ansinh_wire::generate_signing_key())?;
    let unknown = ansinh_wire::sign_batch(&f.batch(999, net(2))?, &key)?;
    let usb = ansinh_wire::sign_batch(
        &f.batch(id, Channel::Usb { bundle_id: [3; 16], created_at: NOW })?,
        &key,
    )?;
    let mut garbage = vec![0u8; 3_000];
    for (i, b) in garbage.iter_mut().enumerate() {
        *b = u8::try_from((i * 7919) % 251).unwrap_or(0);
    }
    // A batch whose body says protocol version 2: signed properly, refused as a version.
    let mut future = f.batch(id, net(3))?;
    future.version = ansinh_wire::PROTOCOL_VERSION + 1;
    let future = ansinh_wire::sign_batch(&future, &key)?;
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        ("forged signature", forged, StatusCode::UNAUTHORIZED, "bad_signature"),
        // Told apart from a bad signature, it would tell which device ids exist.
        ("unknown device", unknown, StatusCode::UNAUTHORIZED, "bad_signature"),
        ("replayed batch", good, StatusCode::CONFLICT, "replayed_batch"),
        ("USB bundle over the network", usb, StatusCode::BAD_REQUEST, "malformed"),
        ("garbage", garbage, StatusCode::BAD_REQUEST, "malformed"),
        ("empty", vec![], StatusCode::BAD_REQUEST, "malformed"),
        ("other version", future, StatusCode::BAD_REQUEST, "unsupported_version"),
        (
            "oversized",
            vec![1; ansinh_wire::MAX_BODY_BYTES + 1],
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        ),
    ];
    for (what, bytes, want_status, want_code) in cases {
        let (status, body) = batches(bytes)?;
        assert_eq!(status, want_status, "{what}");
        assert_eq!(error_code(&body)?, want_code, "{what}");
        assert_eq!(f.totals()?, held, "{what} stored something");
    }
    let device = f.state.hub.store().device(id)?.ok_or("device")?;
    assert_eq!(device.last_counter, 1, "no refused batch moved the counter");

    // Revoked: refused, even with a fresh counter.
    assert!(f.state.hub.store().revoke_device(id, NOW)?);
    let after = ansinh_wire::sign_batch(&f.batch(id, net(10))?, &key)?;
    let (status, body) = batches(after)?;
    assert_eq!((status, error_code(&body)?.as_str()), (StatusCode::FORBIDDEN, "device_revoked"));
    assert_eq!(f.totals()?, held);
    Ok(())
}

#[test]
fn errors_never_carry_internals() -> TestResult {
    let f = Fixture::new()?;
    let (status, body) = f.post("/v1/batches", "application/octet-stream", b"\x01\x02".to_vec())?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let text = String::from_utf8(body)?;
    let v: serde_json::Value = serde_json::from_str(&text)?;
    assert_eq!(v["error"]["code"], "malformed");
    for leak in ["postcard", "sqlite", "panicked", "src/", "Error("] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
    let (status, body) = f.call(Request::get("/no/such/page").body(Body::empty())?)?;
    assert_eq!((status, error_code(&body)?.as_str()), (StatusCode::NOT_FOUND, "not_found"));
    Ok(())
}

#[test]
fn registration_needs_a_fresh_token_and_a_real_key() -> TestResult {
    let f = Fixture::new()?;
    let key = hex::encode(ansinh_wire::generate_signing_key().verifying_key().to_bytes());
    let register = |token: &str, key: &str| {
        let r = RegisterRequest {
            token: token.into(),
            device_public_key: key.into(),
            label: "x".into(),
        };
        f.post("/v1/devices/register", "application/json", serde_json::to_vec(&r)?)
    };
    let (status, body) = register("not-a-token", &key)?;
    assert_eq!((status, error_code(&body)?.as_str()), (StatusCode::UNAUTHORIZED, "invalid_token"));
    let token = f.state.hub.create_token("t", 3600, NOW)?;
    let (status, body) = register(&token, "abcd")?;
    assert_eq!((status, error_code(&body)?.as_str()), (StatusCode::BAD_REQUEST, "invalid_key"));
    assert_eq!(register(&token, &key)?.0, StatusCode::OK);
    let other = hex::encode(ansinh_wire::generate_signing_key().verifying_key().to_bytes());
    let (status, body) = register(&token, &other)?;
    assert_eq!(
        (status, error_code(&body)?.as_str()),
        (StatusCode::UNAUTHORIZED, "invalid_token"),
        "used"
    );
    let (status, body) =
        f.post("/v1/devices/register", "application/json", b"{not json".to_vec())?;
    assert_eq!((status, error_code(&body)?.as_str()), (StatusCode::BAD_REQUEST, "malformed"));
    let expired = f.state.hub.create_token("t", 60, NOW - 3600)?;
    assert_eq!(register(&expired, &other)?.0, StatusCode::UNAUTHORIZED);
    assert_eq!(f.state.hub.store().devices()?.len(), 1);
    Ok(())
}

#[test]
fn renewal_requests_must_be_signed_recent_and_not_revoked() -> TestResult {
    let f = Fixture::new()?;
    let key = ansinh_wire::generate_signing_key();
    let id = f.register(&key)?;
    let get = |device: &str, time: i64, sig: &str| -> Res<(StatusCode, Vec<u8>)> {
        f.call(
            Request::get("/v1/renewals?within_days=30")
                .header("x-ansinh-device", device)
                .header("x-ansinh-time", time.to_string())
                .header("x-ansinh-signature", sig)
                .body(Body::empty())?,
        )
    };
    let sign = |t: i64| ansinh_wire::sign_request(&key, id, "GET", "/v1/renewals", t);
    assert_eq!(get(&id.to_string(), NOW, &sign(NOW))?.0, StatusCode::OK);
    let stale = NOW - ansinh_hub::MAX_REQUEST_SKEW_SECS - 1;
    let cases = [
        (get(&id.to_string(), stale, &sign(stale))?, StatusCode::UNAUTHORIZED, "bad_signature"),
        (get(&id.to_string(), NOW + 1, &sign(NOW))?, StatusCode::UNAUTHORIZED, "bad_signature"),
        (get("12345", NOW, &sign(NOW))?, StatusCode::UNAUTHORIZED, "bad_signature"),
        (get(&id.to_string(), NOW, "zz")?, StatusCode::UNAUTHORIZED, "bad_signature"),
    ];
    for ((status, body), want, code) in cases {
        assert_eq!((status, error_code(&body)?.as_str()), (want, code));
    }
    f.state.hub.store().revoke_device(id, NOW)?;
    let (status, body) = get(&id.to_string(), NOW, &sign(NOW))?;
    assert_eq!((status, error_code(&body)?.as_str()), (StatusCode::FORBIDDEN, "device_revoked"));
    Ok(())
}
