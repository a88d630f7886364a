//! What an attacker reaching a real hub on loopback can try, and what the hub does (the
//! project's issue "Trust", points 5–7; points 1–4 in `binding`). Everything goes through a
//! socket, as from outside:
//!
//! - formulas typed into an enrollment at the counter reach the exported CSV as text;
//! - weak device keys are refused at registration, and one held from before cannot be forged
//!   for; an unknown device id is answered exactly as a bad signature; request times at the
//!   ends of `i64` are refused, not overflowed;
//! - half a request head, or a body slower than the timeout, is cut off; connections beyond the
//!   limit wait without slowing the others; a stop finishes the request in flight and ends even
//!   with a stalled client; every answer says `no-store`, admin pages may not be framed.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::time::{Duration, Instant};

use ansinh_device::DataDir;
use ansinh_enrollment::json::EnrollmentJson;
use ansinh_hub::ServeOptions;
use ansinh_hub::testing::LoopbackHub;
use ansinh_uploader::RetryPolicy;
use ansinh_wire::{BatchBody, Channel, PROTOCOL_VERSION, RegisterRequest, SealedRecord};
use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};

use crate::support::*;

mod binding;

/// A hub on 127.0.0.1 served with chosen limits, its clock at [`NOW`].
struct Hub(LoopbackHub);

impl Deref for Hub {
    type Target = LoopbackHub;

    fn deref(&self) -> &LoopbackHub {
        &self.0
    }
}

impl DerefMut for Hub {
    fn deref_mut(&mut self) -> &mut LoopbackHub {
        &mut self.0
    }
}

impl Hub {
    fn start(rt: &tokio::runtime::Runtime, dir: &Path, options: ServeOptions) -> Res<Self> {
        Ok(Self(LoopbackHub::start_with(rt, dir, 0, Some(NOW), options)?))
    }

    /// Registers `key` over HTTP with a fresh token; the device id.
    fn register(&self, key: &SigningKey) -> Res<u64> {
        let request = RegisterRequest {
            token: self.state.hub.create_token("t", 3600, NOW)?,
            device_public_key: hex::encode(key.verifying_key().to_bytes()),
            label: "Xã A".into(),
        };
        let answer =
            send(self.addr, "POST", "/v1/devices/register", &[], &serde_json::to_vec(&request)?)?;
        assert_eq!(answer.status, 200, "{}", answer.text());
        Ok(serde_json::from_slice::<ansinh_wire::RegisterResponse>(&answer.body)?.device_id)
    }

    fn totals(&self) -> Res<ansinh_hub::Totals> {
        Ok(self.state.hub.store().totals()?)
    }
}

/// Short limits, so that the tests wait seconds, not minutes.
fn quick() -> ServeOptions {
    ServeOptions {
        header_timeout: Duration::from_secs(1),
        body_timeout: Duration::from_secs(2),
        max_connections: 64,
        shutdown_grace: Duration::from_secs(5),
        behind_tls_proxy: false,
    }
}

/// An HTTP answer read off the socket.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn error_code(&self) -> String {
        serde_json::from_slice::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|v| v["error"]["code"].as_str().map(String::from))
            .unwrap_or_default()
    }
}

fn connect(addr: SocketAddr) -> Res<TcpStream> {
    let stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(15)))?;
    Ok(stream)
}

/// The head of a request with `headers` and a body of `length` bytes.
fn head(method: &str, path: &str, headers: &[(&str, &str)], length: usize) -> Vec<u8> {
    let mut text =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {length}\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.into_bytes()
}

/// Reads up to the end of a line (`\r\n`, kept).
fn read_line(stream: &mut TcpStream) -> Res<Vec<u8>> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n") {
        if stream.read(&mut byte)? == 0 {
            return Err(format!("connection closed after {} bytes of a line", buf.len()).into());
        }
        buf.push(byte[0]);
    }
    Ok(buf)
}

/// Reads one answer: a body of `Content-Length` bytes, or chunked (the collection lists,
/// written as they are read).
fn read_answer(stream: &mut TcpStream) -> Res<Answer> {
    let mut buf = Vec::new();
    while !buf.ends_with(b"\r\n\r\n") {
        buf.extend_from_slice(&read_line(stream)?);
    }
    let text = String::from_utf8(buf)?;
    let mut lines = text.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).ok_or("no status")?.parse()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let header = |name: &str| {
        headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
    };
    if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        let mut body = vec![];
        loop {
            let line = String::from_utf8(read_line(stream)?)?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)?;
            let mut chunk = vec![0u8; size + 2];
            if size == 0 {
                // The last chunk: no trailers from the hub, only the closing line.
                read_line(stream)?;
                return Ok(Answer { status, headers, body });
            }
            stream.read_exact(&mut chunk)?;
            body.extend_from_slice(&chunk[..size]);
        }
    }
    let length: usize =
        header("content-length").ok_or("neither a content-length nor chunked")?.parse()?;
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)?;
    Ok(Answer { status, headers, body })
}

/// One request on its own connection.
fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Res<Answer> {
    let mut stream = connect(addr)?;
    let mut all = vec![("Connection", "close")];
    all.extend_from_slice(headers);
    stream.write_all(&head(method, path, &all, body.len()))?;
    stream.write_all(body)?;
    read_answer(&mut stream)
}

/// Whether the server closed `stream` (end of file or reset) within `within`; the time it took.
fn closed_within(stream: &mut TcpStream, within: Duration) -> Res<Option<Duration>> {
    let start = Instant::now();
    stream.set_read_timeout(Some(within))?;
    let mut sink = [0u8; 4096];
    loop {
        match stream.read(&mut sink) {
            Ok(0) => return Ok(Some(start.elapsed())),
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(None);
            }
            Err(_) => return Ok(Some(start.elapsed())),
        }
    }
}

// ---------------------------------------------------------------------------------------
// 5. Formulas in exports.

/// Commits, as the kiosk does, one enrollment per address line (the fixture person otherwise).
fn enqueue_with_addresses(dir: &DataDir, lines: &[&str]) -> Res<()> {
    let table = ansinh_core::default_table();
    let today = TODAY.parse().map_err(|_| "date")?;
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("enrollment.json"))?)?;
    let mut enrollments = Vec::new();
    for line in lines {
        json["person"]["address"]["line"] = serde_json::Value::from(*line);
        enrollments.push(
            EnrollmentJson::parse(&json.to_string())?
                .validate(&table, today)
                .map_err(|p| format!("{line:?} does not validate: {p:?}"))?,
        );
    }
    commit_each(dir, &enrollments.iter().collect::<Vec<_>>())?;
    Ok(())
}

/// Issue "Trust" 5: an address typed at the counter as a formula goes device → outbox →
/// uploader → hub, and the hub's CSV export (admin HTTP) gives it back as text.
#[test]
fn formulas_typed_at_the_counter_reach_the_exported_csv_as_text() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub_dir = tmp.path().join("hub");
    let hub = Hub::start(&rt, &hub_dir, ServeOptions::default())?;
    let token = hub.state.hub.create_token("t", 3600, NOW)?;
    let dir = device(tmp.path(), "device", &hub.url(), &token)?;
    let lines = [
        "=HYPERLINK(\"http://x\",\"y\")",
        "+cmd|' /C calc'!A0",
        "@SUM(1)",
        "-12 Lê Lợi",
        "\t=1+2",
        "\r=1+2",
    ];
    enqueue_with_addresses(&dir, &lines)?;
    sync_until_done(&dir, &hub.url(), &test_clock(), &RetryPolicy::default(), 5)?;
    assert_eq!(hub.totals()?.records, i64::try_from(lines.len())?);

    let auth = format!("Bearer {}", admin_token(&hub_dir)?);
    let path = format!("/admin/exports?list=d05&month={MONTH}&format=csv");
    let answer = send(hub.addr, "GET", &path, &[("Authorization", &auth)], b"")?;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let text = answer.text();
    let text = text.strip_prefix('\u{feff}').ok_or("no BOM")?;
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(text.as_bytes()).records().collect::<Result<_, _>>()?;
    assert_eq!(rows.len(), lines.len());
    for (row, line) in rows.iter().zip(lines) {
        let address = row.get(4).ok_or("no address cell")?;
        // The spreadsheets' text mark, then the address as typed (the device trims it).
        let as_text = address.strip_prefix('\'').ok_or_else(|| format!("{address:?} runs"))?;
        assert!(as_text.starts_with(line.trim()), "{address:?} for {line:?}");
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?} in {row:?}");
        }
        // Amounts are still numbers.
        assert!(row.get(10).is_some_and(|c| c.parse::<u64>().is_ok()), "{row:?}");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 6. Signatures.

/// Weak (small-order) Ed25519 public keys: the identity and the point of order 2.
const WEAK_KEYS: [&str; 2] = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
];

/// The signature anyone can make, for any message, under the identity key: R = identity,
/// s = 0.
fn forged_signature() -> [u8; 64] {
    let mut sig = [0u8; 64];
    sig[0] = 1;
    sig
}

/// A network batch of `device_id` whose records are garbage (a refusal never opens them).
fn batch(device_id: u64, counter: u64) -> BatchBody {
    BatchBody {
        version: PROTOCOL_VERSION,
        device_id,
        channel: Channel::Network { counter },
        records: vec![SealedRecord { record_id: [7; 16], sealed: vec![0xAB; 80] }],
        audit: vec![],
    }
}

/// `batch` signed by `key`.
fn signed(batch: &BatchBody, key: &SigningKey) -> Res<Vec<u8>> {
    Ok(ansinh_wire::sign_batch(batch, key)?)
}

/// `batch` with the forged signature (the signature is the message's last 64 bytes).
fn forged(batch: &BatchBody) -> Res<Vec<u8>> {
    let mut bytes = signed(batch, &ansinh_wire::generate_signing_key())?;
    let at = bytes.len() - 64;
    bytes[at..].copy_from_slice(&forged_signature());
    Ok(bytes)
}

fn renewals(addr: SocketAddr, device: &str, time: i64, signature: &str) -> Res<Answer> {
    let time = time.to_string();
    send(
        addr,
        "GET",
        "/v1/renewals?within_days=30",
        &[("X-Ansinh-Device", device), ("X-Ansinh-Time", &time), ("X-Ansinh-Signature", signature)],
        b"",
    )
}

#[test]
fn weak_device_keys_are_refused_at_registration() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub = Hub::start(&rt, &tmp.path().join("hub"), quick())?;
    let token = hub.state.hub.create_token("t", 3600, NOW)?;
    for weak in WEAK_KEYS {
        let request = RegisterRequest {
            token: token.clone(),
            device_public_key: weak.into(),
            label: "x".into(),
        };
        let answer =
            send(hub.addr, "POST", "/v1/devices/register", &[], &serde_json::to_vec(&request)?)?;
        assert_eq!((answer.status, answer.error_code().as_str()), (400, "invalid_key"), "{weak}");
        assert!(answer.text().contains("weak"), "the message says why: {}", answer.text());
    }
    assert!(hub.state.hub.store().devices()?.is_empty());
    // The token was not used up: the device registers with a real key.
    let request = RegisterRequest {
        token,
        device_public_key: hex::encode(
            ansinh_wire::generate_signing_key().verifying_key().to_bytes(),
        ),
        label: "x".into(),
    };
    let answer =
        send(hub.addr, "POST", "/v1/devices/register", &[], &serde_json::to_vec(&request)?)?;
    assert_eq!(answer.status, 200, "{}", answer.text());
    Ok(())
}

/// A weak key registered before this check (by an older hub) is held: the signature anyone
/// can make for it is still refused, for batches and for requests.
#[test]
fn nobody_can_sign_for_a_weak_key_held_from_before() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub = Hub::start(&rt, &tmp.path().join("hub"), quick())?;
    let store = hub.state.hub.store();
    let sha: [u8; 32] = Sha256::digest(b"an older hub's token").into();
    store.create_token(sha, "an o", "x", &ansinh_wire::Assignment::default(), NOW, NOW + 3600)?;
    let mut identity = [0u8; 32];
    hex::decode_to_slice(WEAK_KEYS[0], &mut identity)?;
    let id = store.register_device(sha, NOW, "x", identity)?.ok_or("registered")?.id;

    let answer = send(hub.addr, "POST", "/v1/batches", &[], &forged(&batch(id, 1))?)?;
    assert_eq!((answer.status, answer.error_code().as_str()), (401, "bad_signature"));
    assert_eq!(hub.totals()?, ansinh_hub::Totals::default(), "nothing stored");
    assert_eq!(store.device(id)?.ok_or("device")?.last_counter, 0);

    let answer = renewals(hub.addr, &id.to_string(), NOW, &hex::encode(forged_signature()))?;
    assert_eq!((answer.status, answer.error_code().as_str()), (401, "bad_signature"));
    Ok(())
}

/// An unknown device id and a known one with a bad signature get the same answer, byte for
/// byte: nobody learns which device ids exist.
#[test]
fn an_unknown_device_is_answered_exactly_as_a_bad_signature() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub = Hub::start(&rt, &tmp.path().join("hub"), quick())?;
    let key = ansinh_wire::generate_signing_key();
    let id = hub.register(&key)?;
    let stranger = ansinh_wire::generate_signing_key();
    let unknown = id + 1000;

    let same = |a: &Answer, b: &Answer, what: &str| {
        let strip = |h: &[(String, String)]| -> Vec<(String, String)> {
            h.iter().filter(|(n, _)| !n.eq_ignore_ascii_case("date")).cloned().collect()
        };
        assert_eq!(a.status, b.status, "{what}");
        assert_eq!(strip(&a.headers), strip(&b.headers), "{what}");
        assert_eq!(a.body, b.body, "{what}");
    };
    let bad = send(hub.addr, "POST", "/v1/batches", &[], &signed(&batch(id, 1), &stranger)?)?;
    assert_eq!((bad.status, bad.error_code().as_str()), (401, "bad_signature"));
    for (what, bytes) in [
        ("unknown, signed by a stranger", signed(&batch(unknown, 1), &stranger)?),
        ("unknown, signed by a real device's key", signed(&batch(unknown, 1), &key)?),
        ("unknown, forged", forged(&batch(unknown, 1))?),
    ] {
        same(&send(hub.addr, "POST", "/v1/batches", &[], &bytes)?, &bad, what);
    }

    let bad = renewals(
        hub.addr,
        &id.to_string(),
        NOW,
        &ansinh_wire::sign_request(&stranger, id, "GET", "/v1/renewals", NOW),
    )?;
    assert_eq!((bad.status, bad.error_code().as_str()), (401, "bad_signature"));
    let own = ansinh_wire::sign_request(&stranger, unknown, "GET", "/v1/renewals", NOW);
    same(&renewals(hub.addr, &unknown.to_string(), NOW, &own)?, &bad, "unknown device");
    same(&renewals(hub.addr, "not-a-number", NOW, &own)?, &bad, "unreadable device id");
    assert_eq!(hub.totals()?, ansinh_hub::Totals::default());
    Ok(())
}

/// A request signed with a time at either end of `i64` is refused as any stale request,
/// never overflowing the server's arithmetic.
#[test]
fn request_times_at_the_ends_of_i64_are_refused() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub = Hub::start(&rt, &tmp.path().join("hub"), quick())?;
    let key = ansinh_wire::generate_signing_key();
    let id = hub.register(&key)?;
    let sign = |t: i64| ansinh_wire::sign_request(&key, id, "GET", "/v1/renewals", t);
    assert_eq!(renewals(hub.addr, &id.to_string(), NOW, &sign(NOW))?.status, 200);
    for time in [i64::MIN, i64::MIN + 1, -1, i64::MAX - 1, i64::MAX] {
        let answer = renewals(hub.addr, &id.to_string(), time, &sign(time))?;
        assert_eq!(
            (answer.status, answer.error_code().as_str()),
            (401, "bad_signature"),
            "time {time}: {}",
            answer.text()
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 7. HTTP.

/// A client that sends half a request head, or nothing at all, is cut off within the header
/// timeout; a whole request still works.
#[test]
fn half_a_request_head_is_cut_off_within_the_header_timeout() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub = Hub::start(&rt, &tmp.path().join("hub"), quick())?;
    let mut half = connect(hub.addr)?;
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")?;
    let mut silent = connect(hub.addr)?;
    for (what, stream) in [("half a head", &mut half), ("nothing", &mut silent)] {
        let closed = closed_within(stream, Duration::from_secs(6))?;
        let took = closed.ok_or_else(|| format!("{what}: still open after 6 s"))?;
        assert!(took < Duration::from_secs(4), "{what}: closed only after {took:?}");
    }
    assert_eq!(send(hub.addr, "GET", "/healthz", &[], b"")?.status, 200);
    Ok(())
}

/// A body that arrives slower than the body timeout allows is cut off with `408 timeout`
/// within the timeout, even while bytes keep trickling in.
#[test]
fn a_body_slower_than_the_body_timeout_is_cut_off() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub = Hub::start(&rt, &tmp.path().join("hub"), quick())?;
    let mut slow = connect(hub.addr)?;
    slow.write_all(&head("POST", "/v1/batches", &[], 4_000))?;
    let start = Instant::now();
    let trickle = {
        let mut writer = slow.try_clone()?;
        std::thread::spawn(move || {
            // One byte every 200 ms: 4,000 bytes would take 13 minutes.
            for _ in 0..40 {
                if writer.write_all(b"x").is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        })
    };
    let answer = read_answer(&mut slow);
    let took = start.elapsed();
    let answer = answer?;
    assert_eq!(
        (answer.status, answer.error_code().as_str()),
        (408, "timeout"),
        "{}",
        answer.text()
    );
    assert_eq!(answer.header("connection"), Some("close"));
    assert!(took < Duration::from_secs(4), "answered after {took:?}");
    assert!(
        closed_within(&mut slow, Duration::from_secs(3))?.is_some(),
        "the connection stays open"
    );
    let _ = trickle.join();
    assert_eq!(hub.totals()?, ansinh_hub::Totals::default());
    Ok(())
}

/// With a limit of two connections, a third waits (it is neither answered nor refused) while
/// the two are served as before, and is served once one of them closes.
#[test]
fn connections_beyond_the_limit_wait_without_harming_the_others() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let options =
        ServeOptions { max_connections: 2, header_timeout: Duration::from_secs(10), ..quick() };
    let hub = Hub::start(&rt, &tmp.path().join("hub"), options)?;
    let health = head("GET", "/healthz", &[], 0);
    let mut first = connect(hub.addr)?;
    let mut second = connect(hub.addr)?;
    for stream in [&mut first, &mut second] {
        stream.write_all(&health)?;
        assert_eq!(read_answer(stream)?.status, 200);
    }
    let mut third = connect(hub.addr)?;
    third.write_all(&health)?;
    third.set_read_timeout(Some(Duration::from_millis(1500)))?;
    let mut byte = [0u8; 1];
    match third.read(&mut byte) {
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) => {}
        other => {
            return Err(
                format!("the third connection was served beyond the limit: {other:?}").into()
            );
        }
    }
    // The two within the limit are not slowed.
    for stream in [&mut first, &mut second] {
        let start = Instant::now();
        stream.write_all(&health)?;
        assert_eq!(read_answer(stream)?.status, 200);
        assert!(start.elapsed() < Duration::from_secs(1), "{:?}", start.elapsed());
    }
    drop(first);
    third.set_read_timeout(Some(Duration::from_secs(5)))?;
    assert_eq!(read_answer(&mut third)?.status, 200, "served once a connection closed");
    Ok(())
}

/// A stop lets the request in flight finish and always ends: a registration whose body is
/// half sent when the stop comes is completed, committed and answered; a kept-alive idle
/// connection is closed at once; new connections are no longer served; a client stalled
/// mid-body is dropped after the grace period (the body timeout is far longer), and the server
/// returns.
#[test]
fn a_stop_finishes_the_request_in_flight_and_ends_despite_a_stalled_client() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let options = ServeOptions {
        body_timeout: Duration::from_secs(600),
        shutdown_grace: Duration::from_secs(3),
        ..quick()
    };
    let mut hub = Hub::start(&rt, &tmp.path().join("hub"), options)?;
    let mut idle = connect(hub.addr)?;
    idle.write_all(&head("GET", "/healthz", &[], 0))?;
    assert_eq!(read_answer(&mut idle)?.status, 200);
    let mut stalled = connect(hub.addr)?;
    stalled.write_all(&head("POST", "/v1/batches", &[], 1_000))?;
    stalled.write_all(&[1; 10])?;

    let request = serde_json::to_vec(&RegisterRequest {
        token: hub.state.hub.create_token("t", 3600, NOW)?,
        device_public_key: hex::encode(
            ansinh_wire::generate_signing_key().verifying_key().to_bytes(),
        ),
        label: "Xã A".into(),
    })?;
    let (part, rest) = request.split_at(request.len() / 2);
    let mut in_flight = connect(hub.addr)?;
    in_flight.write_all(&head("POST", "/v1/devices/register", &[], request.len()))?;
    in_flight.write_all(part)?;
    std::thread::sleep(Duration::from_millis(300));
    let stop = Instant::now();
    hub.signal_stop();
    std::thread::sleep(Duration::from_millis(300));
    assert!(closed_within(&mut idle, Duration::from_secs(1))?.is_some(), "idle connection kept");
    let late = TcpStream::connect(hub.addr).and_then(|mut s| {
        s.set_read_timeout(Some(Duration::from_secs(1)))?;
        s.write_all(&head("GET", "/healthz", &[("Connection", "close")], 0))?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).map(|_| buf)
    });
    assert!(
        late.is_err() || late.as_ref().is_ok_and(Vec::is_empty),
        "served after the stop: {late:?}"
    );

    in_flight.write_all(rest)?;
    let answer = read_answer(&mut in_flight)?;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let registered: ansinh_wire::RegisterResponse = serde_json::from_slice(&answer.body)?;
    let device = hub.state.hub.store().device(registered.device_id)?;
    assert!(device.is_some(), "the registration answered was committed");

    assert!(hub.stopped_within(&rt, Duration::from_secs(8))?, "the stop never ended");
    assert!(stop.elapsed() >= Duration::from_millis(2500), "the grace period was not given");
    assert!(closed_within(&mut stalled, Duration::from_secs(1))?.is_some(), "stalled client kept");
    Ok(())
}

/// Every answer that may carry personal data or keys says `Cache-Control: no-store` (all of
/// them do, errors included); every admin page, the login refusal too, forbids framing.
#[test]
fn answers_are_never_cached_and_admin_pages_never_framed() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let hub_dir = tmp.path().join("hub");
    let hub = Hub::start(&rt, &hub_dir, quick())?;
    let key = ansinh_wire::generate_signing_key();
    let id = hub.register(&key)?;
    let token = hub.state.hub.create_token("t", 3600, NOW)?;
    let register = serde_json::to_vec(&RegisterRequest {
        token,
        device_public_key: hex::encode(
            ansinh_wire::generate_signing_key().verifying_key().to_bytes(),
        ),
        label: "x".into(),
    })?;
    let auth = format!("Bearer {}", admin_token(&hub_dir)?);
    let admin = [("Authorization", auth.as_str())];
    let month = format!("month={MONTH}");
    let sig = ansinh_wire::sign_request(&key, id, "GET", "/v1/renewals", NOW);

    let device_answers = [
        ("register", send(hub.addr, "POST", "/v1/devices/register", &[], &register)?),
        ("batch", send(hub.addr, "POST", "/v1/batches", &[], &signed(&batch(id, 1), &key)?)?),
        ("refused batch", send(hub.addr, "POST", "/v1/batches", &[], b"garbage")?),
        ("renewals", renewals(hub.addr, &id.to_string(), NOW, &sig)?),
        ("health", send(hub.addr, "GET", "/healthz", &[], b"")?),
        ("no such page", send(hub.addr, "GET", "/nothing", &[], b"")?),
    ];
    let admin_pages = [
        ("admin", send(hub.addr, "GET", "/admin", &admin, b"")?),
        ("login refused", send(hub.addr, "GET", "/admin", &[], b"")?),
        ("dashboard", send(hub.addr, "GET", &format!("/admin/dashboard?{month}"), &admin, b"")?),
        ("renewals page", send(hub.addr, "GET", "/admin/renewals", &admin, b"")?),
        ("progress", send(hub.addr, "GET", &format!("/admin/progress.json?{month}"), &admin, b"")?),
        (
            "csv",
            send(
                hub.addr,
                "GET",
                &format!("/admin/exports?list=d05&{month}&format=csv"),
                &admin,
                b"",
            )?,
        ),
        (
            "xlsx",
            send(
                hub.addr,
                "GET",
                &format!("/admin/exports?list=d03&{month}&format=xlsx"),
                &admin,
                b"",
            )?,
        ),
        (
            "double payments",
            send(hub.addr, "GET", &format!("/admin/exports/double-payments?{month}"), &admin, b"")?,
        ),
        ("bad input", send(hub.addr, "GET", "/admin/dashboard?month=nope", &admin, b"")?),
    ];
    for (what, answer) in device_answers.iter().chain(&admin_pages) {
        assert!(answer.status != 0);
        assert_eq!(answer.header("cache-control"), Some("no-store"), "{what}: {answer:?}");
    }
    assert_eq!(device_answers[0].1.status, 200, "the registration answer carries keys");
    assert_eq!(device_answers[3].1.status, 200, "the renewal list carries names and phones");
    for (what, answer) in &admin_pages {
        assert_eq!(
            answer.header("content-security-policy"),
            Some("frame-ancestors 'none'"),
            "{what}: {answer:?}"
        );
        assert_eq!(answer.header("x-frame-options"), Some("DENY"), "{what}");
    }
    assert_eq!(admin_pages[1].1.status, 401);
    Ok(())
}
