//! Test utilities (feature `testing`): a hub on loopback ([`LoopbackHub`]) and a
//! fault-injecting HTTP/1.1 proxy to put in front of it.
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
