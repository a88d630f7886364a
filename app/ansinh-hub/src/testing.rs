//! Test utilities (feature `testing`): a hub on loopback ([`LoopbackHub`]) and a
//! fault-injecting HTTP/1.1 proxy to put in front of it.
//!
//! The backend: a hub started here keeps its records in SQLite (`hub.sqlite` in its data
//! directory), or with `ANSINH_TEST_BACKEND=postgres` in a PostgreSQL database of its own,
//! created on the server `ANSINH_TEST_POSTGRES` names ([`test_database`]); `tests/run.sh` runs
//! the end-to-end suites both ways.
//!
//! [`FaultProxy`] sits between a device and the hub on 127.0.0.1 and, per request, chosen by
//! a seeded generator: drops the connection before forwarding, cuts the request half way,
//! cuts the answer half way (after the server acted), sends the request to the server twice,
//! delays it, and throttles every byte to a given rate (a 2G link). It counts what it did, so a
//! test can assert that the faults really happened.
//!
//! It reads one request per connection (headers and a `Content-Length` body), forwards it
//! with `Connection: close` and relays the answer read to the end: enough for the hub's
//! protocol, not a general proxy.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

mod loopback;

pub use loopback::LoopbackHub;

/// The file in a test hub's data directory naming its PostgreSQL database, so that a hub
/// restarted on the same directory (or the `ansinh-hub` command run on it) finds its records.
const TEST_DATABASE_FILE: &str = "test-database-url";

/// Whether the tests run the hub on PostgreSQL (`ANSINH_TEST_BACKEND=postgres`).
pub fn on_postgres() -> bool {
    std::env::var("ANSINH_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

/// The database a test hub on the data directory `dir` keeps its records in: `None` for
/// SQLite (`dir/hub.sqlite`); with `ANSINH_TEST_BACKEND=postgres`, the URL of a PostgreSQL
/// database made for this directory on first use (on the server `ANSINH_TEST_POSTGRES` names)
/// and remembered in it. An error when PostgreSQL is asked for and no server is named.
pub fn test_database(dir: &std::path::Path) -> crate::Result<Option<String>> {
    if !on_postgres() {
        return Ok(None);
    }
    let file = dir.join(TEST_DATABASE_FILE);
    match std::fs::read_to_string(&file) {
        Ok(url) => return Ok(Some(url.trim().to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(crate::error::io(&file)(e)),
    }
    let admin = std::env::var("ANSINH_TEST_POSTGRES").map_err(|_| {
        crate::Error::Invalid(
            "ANSINH_TEST_BACKEND=postgres needs ANSINH_TEST_POSTGRES (bash tests/postgres.sh start DIR prints it)".into(),
        )
    })?;
    let url = crate::store::create_scratch_database(&admin)?;
    std::fs::create_dir_all(dir).map_err(crate::error::io(dir))?;
    std::fs::write(&file, &url).map_err(crate::error::io(&file))?;
    Ok(Some(url))
}

/// The PostgreSQL server the tests use (`ANSINH_TEST_POSTGRES`, its admin URL), or `None`
/// (after a notice on standard error) where there is none and none is required; an error when
/// one is required (`ANSINH_REQUIRE_POSTGRES=1`, as `tests/run.sh` sets, or `CI=true`).
pub fn postgres_server() -> crate::Result<Option<String>> {
    crate::store::postgres_admin_url()
}

/// A new, empty PostgreSQL database on the server `admin_url` names; its URL.
pub fn scratch_database(admin_url: &str) -> crate::Result<String> {
    crate::store::create_scratch_database(admin_url)
}

/// The size in bytes of a test hub's database: its SQLite files (database and write-ahead
/// log), or PostgreSQL's `pg_database_size`.
pub fn database_size(dir: &std::path::Path) -> crate::Result<u64> {
    if let Some(url) = test_database(dir)? {
        let size = crate::store::PostgresStore::scratch(&url)?
            .probe("SELECT pg_database_size(current_database())")?;
        return Ok(size.first().map_or(0, |n| u64::try_from(*n).unwrap_or(0)));
    }
    Ok(["hub.sqlite", "hub.sqlite-wal"]
        .iter()
        .map(|name| std::fs::metadata(dir.join(name)).map_or(0, |m| m.len()))
        .sum())
}

/// Everything a test hub's database holds, as someone who copies it would have it: the bytes of
/// its SQLite files (with the permissions of each checked by `check_file`), or PostgreSQL's
/// tables as `pg_dump` writes them (binary columns in hex).
pub fn database_bytes(
    dir: &std::path::Path,
    check_file: &dyn Fn(&std::path::Path),
) -> crate::Result<Vec<u8>> {
    if let Some(url) = test_database(dir)? {
        let out = std::process::Command::new("pg_dump")
            .args(["--no-owner", &url])
            .output()
            .map_err(crate::error::io(std::path::Path::new("pg_dump")))?;
        if !out.status.success() {
            return Err(crate::Error::Invalid(format!(
                "pg_dump failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        return Ok(out.stdout);
    }
    let mut all = vec![];
    for name in ["hub.sqlite", "hub.sqlite-wal", "hub.sqlite-shm"] {
        let path = dir.join(name);
        if path.exists() {
            check_file(&path);
            all.extend(std::fs::read(&path).map_err(crate::error::io(&path))?);
        }
    }
    Ok(all)
}

/// The store a test hub on `dir` uses ([`test_database`]): for tests that build a
/// [`crate::Hub`] themselves.
pub fn test_store(dir: &std::path::Path) -> crate::Result<Arc<dyn crate::Store>> {
    Ok(match test_database(dir)? {
        Some(url) => Arc::new(crate::PostgresStore::open(&url)?),
        None => Arc::new(crate::SqliteStore::open(&dir.join("hub.sqlite"))?),
    })
}

/// A TCP proxy on 127.0.0.1 that hands each new connection to the next of several servers in
/// turn, as a load balancer in front of several hubs; a server that refuses the connection (it
/// is down) is skipped for the next one. Bytes are relayed as they are, both ways.
pub struct RoundRobinProxy {
    addr: SocketAddr,
    served: Arc<Mutex<Vec<u64>>>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for RoundRobinProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoundRobinProxy").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl RoundRobinProxy {
    /// Starts the proxy on 127.0.0.1 (a free port) in front of `upstreams`.
    pub async fn start(upstreams: Vec<SocketAddr>) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let served = Arc::new(Mutex::new(vec![0; upstreams.len()]));
        let counts = Arc::clone(&served);
        let task = tokio::spawn(async move {
            let mut next = 0usize;
            while let Ok((client, _)) = listener.accept().await {
                let first = next;
                next = next.wrapping_add(1);
                let (upstreams, counts) = (upstreams.clone(), Arc::clone(&counts));
                tokio::spawn(async move {
                    // A failed relay is one of the faults the devices must survive.
                    let _ = relay(client, &upstreams, first, &counts).await;
                });
            }
        });
        Ok(Self { addr, served, task })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Connections handed to each server so far, in the order given.
    pub fn served(&self) -> Vec<u64> {
        self.served.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

impl Drop for RoundRobinProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Connects `client` to the first of `upstreams` (from `first` on, round the list) that
/// accepts, and relays until either side closes.
async fn relay(
    mut client: TcpStream,
    upstreams: &[SocketAddr],
    first: usize,
    served: &Mutex<Vec<u64>>,
) -> std::io::Result<()> {
    for i in 0..upstreams.len() {
        let at = (first + i) % upstreams.len();
        let connect = TcpStream::connect(upstreams[at]);
        let Ok(Ok(mut server)) = tokio::time::timeout(Duration::from_secs(2), connect).await else {
            continue;
        };
        if let Some(n) =
            served.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_mut(at)
        {
            *n += 1;
        }
        tokio::io::copy_bidirectional(&mut client, &mut server).await?;
        return Ok(());
    }
    Err(std::io::Error::other("no server accepted the connection"))
}

/// Which faults to inject, and how often (per mille of requests).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    /// Seed of the generator choosing the faults (same seed, same sequence per connection order).
    pub seed: u64,
    /// Close the device's connection without forwarding anything.
    pub drop_permille: u32,
    /// Forward half of the request, then close both sides.
    pub cut_request_permille: u32,
    /// Forward the request, then deliver only half of the answer.
    pub cut_response_permille: u32,
    /// Send the request to the server twice (the device sees the first answer).
    pub duplicate_permille: u32,
    /// Delay each request by up to this many milliseconds.
    pub max_delay_ms: u64,
    /// Throttle both directions to this many bytes per second.
    pub bytes_per_sec: Option<u64>,
}

/// What the proxy did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxyStats {
    /// Requests read from devices.
    pub requests: u64,
    /// Dropped before forwarding.
    pub dropped: u64,
    /// Cut mid-request.
    pub cut_requests: u64,
    /// Cut mid-response.
    pub cut_responses: u64,
    /// Sent to the server twice.
    pub duplicated: u64,
    /// Answers relayed whole.
    pub relayed: u64,
    /// Bytes sent to the server.
    pub bytes_up: u64,
    /// Bytes sent to devices.
    pub bytes_down: u64,
}

/// The largest request or answer the proxy handles (the protocol's bound plus headers).
const MAX_MESSAGE_BYTES: usize = ansinh_wire::MAX_BODY_BYTES + 64 * 1024;
/// Longest wait for the server's answer.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(60);

struct Shared {
    upstream: Mutex<SocketAddr>,
    stats: Mutex<ProxyStats>,
    rng: Mutex<u64>,
    faults: Faults,
}

impl Shared {
    /// splitmix64: a small, seedable generator (no dependency for tests).
    fn next(&self) -> u64 {
        let mut s = self.rng.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn stat(&self, f: impl FnOnce(&mut ProxyStats)) {
        f(&mut self.stats.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    }
}

/// A running fault-injecting proxy.
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FaultProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultProxy").field("addr", &self.addr).finish_non_exhaustive()
    }
}

/// What to do with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    Drop,
    CutRequest,
    CutResponse,
    Duplicate,
    None,
}

impl FaultProxy {
    /// Starts a proxy on 127.0.0.1 (a free port) forwarding to `upstream`.
    pub async fn start(upstream: SocketAddr, faults: Faults) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            upstream: Mutex::new(upstream),
            stats: Mutex::new(ProxyStats::default()),
            rng: Mutex::new(faults.seed),
            faults,
        });
        let s = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let s = Arc::clone(&s);
                tokio::spawn(async move {
                    // A failed relay is one of the faults the device must survive.
                    let _ = handle(client, s).await;
                });
            }
        });
        Ok(Self { addr, shared, task })
    }

    /// The proxy's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Sends later requests to another server address (a restarted server).
    pub fn set_upstream(&self, upstream: SocketAddr) {
        *self.shared.upstream.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = upstream;
    }

    /// What the proxy did so far.
    pub fn stats(&self) -> ProxyStats {
        self.shared.stats.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Stops accepting connections.
    pub fn stop(&self) {
        self.task.abort();
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Reads one request: returns it with `Connection: close`, or `None` at a clean end.
async fn read_request(client: &mut TcpStream) -> std::io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 * 1024 {
            return Err(std::io::Error::other("headers too long"));
        }
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut length = 0usize;
    let mut lines = vec![];
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().map_err(|_| std::io::Error::other("bad length"))?;
        }
        if !lower.starts_with("connection:") {
            lines.push(line.to_string());
        }
    }
    if length > MAX_MESSAGE_BYTES {
        return Err(std::io::Error::other("request too large"));
    }
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::Error::other("request cut by the client"));
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let mut out = lines.join("\r\n").into_bytes();
    out.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    out.extend_from_slice(&body[..length]);
    Ok(Some(out))
}

/// Writes `bytes`, throttled to `rate` bytes per second if set.
async fn write_throttled(
    to: &mut TcpStream,
    bytes: &[u8],
    rate: Option<u64>,
) -> std::io::Result<()> {
    let Some(rate) = rate.filter(|r| *r > 0) else { return to.write_all(bytes).await };
    // 20 slices a second: smooth enough for a 2G link's timing.
    let slice = usize::try_from(rate / 20).unwrap_or(usize::MAX).max(1);
    for part in bytes.chunks(slice) {
        to.write_all(part).await?;
        let micros = u64::try_from(part.len()).unwrap_or(u64::MAX).saturating_mul(1_000_000) / rate;
        tokio::time::sleep(Duration::from_micros(micros)).await;
    }
    Ok(())
}

/// Sends a request to the server and reads its whole answer.
async fn exchange(shared: &Shared, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let upstream = *shared.upstream.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut server = TcpStream::connect(upstream).await?;
    write_throttled(&mut server, request, shared.faults.bytes_per_sec).await?;
    shared.stat(|s| s.bytes_up += u64::try_from(request.len()).unwrap_or(0));
    let mut answer = Vec::new();
    let read = async {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            let n = server.read(&mut chunk).await?;
            if n == 0 || answer.len() > MAX_MESSAGE_BYTES {
                return Ok::<_, std::io::Error>(());
            }
            answer.extend_from_slice(&chunk[..n]);
        }
    };
    tokio::time::timeout(UPSTREAM_TIMEOUT, read)
        .await
        .map_err(|_| std::io::Error::other("server timeout"))??;
    Ok(answer)
}

async fn handle(mut client: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let Some(request) = read_request(&mut client).await? else { return Ok(()) };
    shared.stat(|s| s.requests += 1);
    let f = &shared.faults;
    let roll = u32::try_from(shared.next() % 1000).unwrap_or(0);
    let mut edge = 0;
    let mut pick = |permille: u32, fault: Fault| {
        let hit = roll >= edge && roll < edge + permille;
        edge += permille;
        hit.then_some(fault)
    };
    let fault = pick(f.drop_permille, Fault::Drop)
        .or_else(|| pick(f.cut_request_permille, Fault::CutRequest))
        .or_else(|| pick(f.cut_response_permille, Fault::CutResponse))
        .or_else(|| pick(f.duplicate_permille, Fault::Duplicate))
        .unwrap_or(Fault::None);
    if f.max_delay_ms > 0 {
        let ms = shared.next() % (f.max_delay_ms + 1);
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    match fault {
        Fault::Drop => {
            shared.stat(|s| s.dropped += 1);
            return Ok(());
        }
        Fault::CutRequest => {
            shared.stat(|s| s.cut_requests += 1);
            let upstream =
                *shared.upstream.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let mut server = TcpStream::connect(upstream).await?;
            server.write_all(&request[..request.len() / 2]).await?;
            server.shutdown().await?;
            // Let the server see the cut body before the device's side closes too.
            let mut sink = Vec::new();
            let _ =
                tokio::time::timeout(Duration::from_secs(5), server.read_to_end(&mut sink)).await;
            return Ok(());
        }
        Fault::CutResponse | Fault::Duplicate | Fault::None => {}
    }
    let answer = exchange(&shared, &request).await?;
    if fault == Fault::Duplicate {
        shared.stat(|s| s.duplicated += 1);
        let _ = exchange(&shared, &request).await;
    }
    let rate = f.bytes_per_sec;
    if fault == Fault::CutResponse {
        shared.stat(|s| s.cut_responses += 1);
        let half = &answer[..answer.len() / 2];
        write_throttled(&mut client, half, rate).await?;
        shared.stat(|s| s.bytes_down += u64::try_from(half.len()).unwrap_or(0));
        return Ok(());
    }
    write_throttled(&mut client, &answer, rate).await?;
    client.shutdown().await?;
    shared.stat(|s| {
        s.relayed += 1;
        s.bytes_down += u64::try_from(answer.len()).unwrap_or(0);
    });
    Ok(())
}
