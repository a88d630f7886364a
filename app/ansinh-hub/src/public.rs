//! The public receipt page, `GET /R/2/…` (and `/r/2/…`): what a citizen's phone opens from the
//! QR code of a receipt (`ansinh_wire::receipt_qr`, URL form). No login; it says in plain
//! Vietnamese whether the payment on that receipt has reached the collection organisation.
//!
//! - The code is checked by [`Hub::check_receipt`], the same check as `verify-receipt`: an
//!   unknown device, a wrong MAC and a code that does not parse get the same refusal page, so
//!   the page tells a forger nothing about which devices exist.
//! - It shows only what the receipt itself prints: the receipt number, the amount, the
//!   collection point, and the day the hub received the record. No name, ID or address.
//! - Answers are never stored (`Cache-Control: no-store`, set for every answer by the
//!   router), leak no URL to other sites (`Referrer-Policy: no-referrer`), load nothing and run
//!   nothing (a CSP allowing only the page's own inline style, by its hash), and may not be
//!   framed.
//! - Rate-limited per client address ([`RateLimiter`]): each check costs the hub a MAC and a
//!   lookup, and a guesser must not get many tries.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{LazyLock, Mutex, PoisonError};

use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::civil::Day;
use crate::error::Error;
use crate::http::AppState;
use crate::hub::{Hub, ReceiptCheck};
use crate::pages::{dong, esc};

/// Checks per client address in a minute, by default.
pub const CHECKS_PER_MINUTE: u32 = 30;
/// Client addresses remembered at once, by default: about 64 bytes each, so under a megabyte.
pub const MAX_CLIENTS: usize = 10_000;
/// Days a device normally takes to send a record, by default: the device alarms its staff
/// after 3 days without a sync (`ansinh_uploader::RetryPolicy::alarm_after_days`).
pub const NORMAL_DAYS: u32 = 3;
/// The rate limit's window, seconds.
const WINDOW_SECS: i64 = 60;

/// How the public receipt page answers: what it tells the citizen and how often it may be asked.
#[derive(Debug)]
pub struct ReceiptPage {
    /// Whom to call when a payment never arrives (the hub's `serve --public-contact`); empty:
    /// the page says to ask the social insurance office.
    pub contact: String,
    /// Days a record normally takes to arrive.
    pub normal_days: u32,
    /// A TLS proxy in front sets `X-Forwarded-For` (`serve --behind-tls-proxy`): the client
    /// is the address it appended. Otherwise the header is the client's own word and ignored.
    pub trust_forwarded_for: bool,
    /// Checks per client.
    pub limiter: RateLimiter,
}

impl Default for ReceiptPage {
    fn default() -> Self {
        Self {
            contact: String::new(),
            normal_days: NORMAL_DAYS,
            trust_forwarded_for: false,
            limiter: RateLimiter::new(CHECKS_PER_MINUTE, MAX_CLIENTS),
        }
    }
}

/// A fixed one-minute window of checks per client, in bounded memory: at most `max_clients`
/// addresses are remembered; when that many are within their minute, new addresses share one
/// overflow window, so an attacker cycling addresses exhausts only that window, never the
/// memory, and clients already remembered keep their own. IPv6 clients count by their /64
/// network, which one subscriber usually holds whole.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    max_clients: usize,
    state: Mutex<Windows>,
}

#[derive(Debug, Default)]
struct Windows {
    clients: HashMap<IpAddr, Window>,
    overflow: Window,
    /// When expired windows were last dropped (at most once a second, so a flood of new
    /// addresses does not scan the map on every request).
    purged_at: i64,
}

#[derive(Clone, Copy, Debug, Default)]
struct Window {
    start: i64,
    count: u32,
}

impl Window {
    fn take(&mut self, now: i64, limit: u32) -> bool {
        if now.saturating_sub(self.start) >= WINDOW_SECS || now < self.start {
            *self = Window { start: now, count: 0 };
        }
        if self.count >= limit {
            return false;
        }
        self.count += 1;
        true
    }
}

/// The address a limit applies to: IPv4 as it is, IPv6 by its /64.
fn client_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let network = u128::from(v6) & !u128::from(u64::MAX);
            IpAddr::V6(Ipv6Addr::from(network))
        }
        v4 => v4,
    }
}

impl RateLimiter {
    /// At most `per_minute` checks a minute for each client; `max_clients` remembered.
    pub fn new(per_minute: u32, max_clients: usize) -> Self {
        Self { per_minute, max_clients: max_clients.max(1), state: Mutex::default() }
    }

    /// Whether `client` may make one more check at `now` (and counts it).
    pub fn allow(&self, client: IpAddr, now: i64) -> bool {
        let key = client_key(client);
        // A panic elsewhere while holding the lock leaves counts, never broken invariants.
        let mut w = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let w = &mut *w;
        if !w.clients.contains_key(&key)
            && w.clients.len() >= self.max_clients
            && w.purged_at != now
        {
            w.purged_at = now;
            w.clients.retain(|_, c| now.saturating_sub(c.start) < WINDOW_SECS && now >= c.start);
        }
        let limit = self.per_minute;
        if w.clients.len() < self.max_clients || w.clients.contains_key(&key) {
            w.clients.entry(key).or_default().take(now, limit)
        } else {
            w.overflow.take(now, limit)
        }
    }

    /// Client addresses remembered now.
    pub fn remembered(&self) -> usize {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).clients.len()
    }
}

/// The client's address: the socket's peer, or behind a trusted TLS proxy the last address
/// of `X-Forwarded-For` (the one the proxy appended; those before it are the client's word).
/// Without either (a request through the router alone) one shared "unknown" client.
fn client_address(headers: &HeaderMap, peer: Option<SocketAddr>, trust_proxy: bool) -> IpAddr {
    if trust_proxy {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .and_then(|a| {
                a.parse::<IpAddr>().ok().or_else(|| a.parse::<SocketAddr>().ok().map(|s| s.ip()))
            });
        if let Some(ip) = forwarded {
            return ip;
        }
    }
    peer.map_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED), |p| p.ip())
}

/// `GET /R/{*route}` and `/r/{*route}`.
pub(crate) async fn receipt(
    State(state): State<AppState>,
    route: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let page = &state.receipts;
    let client = client_address(request.headers(), peer, page.trust_forwarded_for);
    let now = (state.clock)();
    if !page.limiter.allow(client, now) {
        let mut r = answer(StatusCode::TOO_MANY_REQUESTS, &too_many());
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        return r;
    }
    // A path that does not even decode (bad percent-escapes) is garbage like any other.
    let code = route.ok().and_then(|Path(r)| ansinh_wire::receipt_qr::Code::from_route(&r).ok());
    let Some(code) = code else {
        return answer(StatusCode::NOT_FOUND, &refused(&page.contact));
    };
    let hub = std::sync::Arc::clone(&state.hub);
    let checked = tokio::task::spawn_blocking(move || Hub::check_receipt(&hub, &code)).await;
    match checked {
        Ok(Ok(check)) => answer(StatusCode::OK, &status(&check, page)),
        Ok(Err(Error::Invalid(_))) => answer(StatusCode::NOT_FOUND, &refused(&page.contact)),
        Ok(Err(e)) => {
            eprintln!("ansinh-hub: receipt page: internal error: {e}");
            answer(StatusCode::SERVICE_UNAVAILABLE, &busy())
        }
        Err(_) => answer(StatusCode::SERVICE_UNAVAILABLE, &busy()),
    }
}

fn answer(status: StatusCode, html: &str) -> Response {
    let mut r = (status, Html(html.to_string())).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, CSP.clone());
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    r
}

/// Large text on a narrow screen; long words (a collection point's name) wrap rather than
/// widen the page.
const STYLE: &str = "body{font-family:'Noto Sans',system-ui,sans-serif;margin:1rem;color:#1b1b1b;\
font-size:1.25rem;line-height:1.5;overflow-wrap:anywhere}h1{font-size:1.5rem;margin:.5rem 0}\
.answer{font-size:1.9rem;font-weight:bold;margin:1rem 0;padding:.6rem .8rem;border-radius:.4rem}\
.ok{background:#dff3e4;color:#0d5a26}.wait{background:#fff1c7;color:#6b4a00}\
.bad{background:#fbe0e0;color:#8a1616}dl{margin:1rem 0}dt{font-weight:bold;margin-top:.6rem}\
dd{margin:0}p{margin:.7rem 0}";

/// Nothing but the page's own style: no script, image, font, form, frame or base.
static CSP: LazyLock<HeaderValue> = LazyLock::new(|| {
    let hash = base64(&Sha256::digest(STYLE.as_bytes()));
    let policy = format!(
        "default-src 'none'; style-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'; \
         frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
});

/// Standard base64 with padding, as CSP hashes are written.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(
                    ALPHABET[usize::try_from(n >> (18 - 6 * i) & 63).unwrap_or(0)],
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <title>{t}</title><style>{STYLE}</style></head><body>\n<h1>{t}</h1>\n{body}\n</body></html>\n",
        t = esc(title)
    )
}

/// Whom to call, as a sentence's end.
fn whom(contact: &str) -> String {
    if contact.trim().is_empty() {
        "hỏi cơ quan bảo hiểm xã hội nơi bạn ở".to_string()
    } else {
        format!("gọi {}", esc(contact.trim()))
    }
}

fn status(c: &ReceiptCheck, page_config: &ReceiptPage) -> String {
    let mut details = format!(
        "<dl><dt>Số biên lai</dt><dd id=\"receipt-no\">{}</dd>\
         <dt>Số tiền</dt><dd id=\"amount\">{} đồng</dd>",
        c.receipt_no,
        dong(i64::try_from(c.amount).unwrap_or(i64::MAX)),
    );
    if !c.collection_point.trim().is_empty() {
        details.push_str(&format!(
            "<dt>Điểm thu</dt><dd id=\"collection-point\">{}</dd>",
            esc(&c.collection_point)
        ));
    }
    details.push_str("</dl>");
    let body = match c.received_at {
        // The code is the device's own, but what it printed is not what it sent: the agent's
        // device gave the citizen a receipt for another amount (or number) than it reported.
        Some(_) if !c.mismatches.is_empty() => format!(
            "<p class=\"answer bad\" id=\"status\" data-status=\"mismatch\">Không khớp</p>\
             <p>Cơ quan bảo hiểm xã hội đã nhận một khoản thu từ điểm thu này, nhưng {what} \
             trên biên lai khác với khoản đã nhận.</p>{details}\
             <p>Hãy giữ biên lai này và mang đến cơ quan bảo hiểm xã hội hoặc {whom}.</p>",
            what = mismatch_words(&c.mismatches),
            whom = whom(&page_config.contact),
        ),
        Some(at) => format!(
            "<p class=\"answer ok\" id=\"status\" data-status=\"received\">Đã nhận ngày {}</p>\
             <p>Cơ quan bảo hiểm xã hội đã nhận khoản tiền ghi trên biên lai này.</p>{details}\
             <p>Hãy giữ biên lai này.</p>",
            Day::of(at).vn()
        ),
        None => format!(
            "<p class=\"answer wait\" id=\"status\" data-status=\"not-yet\">Chưa nhận</p>\
             <p>Biên lai này là thật, nhưng khoản tiền chưa được gửi đến cơ quan bảo hiểm xã hội.</p>\
             {details}\
             <p>Điểm thu gửi tiền đi khi máy có mạng, thường trong vòng {days} ngày. \
             Bạn không cần làm gì, hãy kiểm tra lại sau.</p>\
             <p>Nếu sau {days} ngày vẫn chưa nhận, hãy mang biên lai đến điểm thu hoặc {whom}.</p>",
            days = page_config.normal_days,
            whom = whom(&page_config.contact),
        ),
    };
    page("Kiểm tra biên lai", &body)
}

/// The differing fields, as the citizen reads them on the receipt.
fn mismatch_words(fields: &[String]) -> String {
    let words: Vec<&str> = fields
        .iter()
        .map(|f| match f.as_str() {
            "amount" => "số tiền",
            "receipt_no" => "số biên lai",
            _ => "nội dung",
        })
        .collect();
    words.join(" và ")
}

fn refused(contact: &str) -> String {
    page(
        "Kiểm tra biên lai",
        &format!(
            "<p class=\"answer bad\" id=\"status\" data-status=\"refused\">Không kiểm tra được</p>\
             <p>Mã này không phải mã của một biên lai thật, hoặc đã bị sửa.</p>\
             <p>Nếu bạn đã nộp tiền và có biên lai, hãy mang biên lai đến điểm thu hoặc {}.</p>",
            whom(contact)
        ),
    )
}

fn too_many() -> String {
    page(
        "Kiểm tra biên lai",
        "<p class=\"answer wait\" id=\"status\" data-status=\"too-many\">Xin đợi một phút</p>\
         <p>Có quá nhiều lần kiểm tra từ máy của bạn. Hãy đợi một phút rồi thử lại.</p>",
    )
}

fn busy() -> String {
    page(
        "Kiểm tra biên lai",
        "<p class=\"answer wait\" id=\"status\" data-status=\"busy\">Máy chủ đang bận</p>\
         <p>Hãy thử lại sau ít phút.</p>",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_csp_hashes_write_it() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&Sha256::digest(b"")), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }

    #[test]
    fn a_client_gets_its_checks_per_minute_then_waits() {
        let limiter = RateLimiter::new(3, 100);
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        assert!((0..3).all(|_| limiter.allow(a, 1000)));
        assert!(!limiter.allow(a, 1059), "a fourth within the minute");
        assert!(limiter.allow(b, 1059), "another client is not held back");
        assert!(limiter.allow(a, 1060), "a new minute");
        // One IPv6 subscriber's /64 is one client.
        let v6 = |last: u16| IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 2, 0, 0, 0, last));
        assert!((0..3).all(|i| limiter.allow(v6(i), 2000)));
        assert!(!limiter.allow(v6(99), 2000));
    }

    #[test]
    fn cycling_addresses_cannot_grow_the_memory() {
        let limiter = RateLimiter::new(2, 50);
        let known: IpAddr = [192, 168, 0, 1].into();
        assert!(limiter.allow(known, 0));
        let mut allowed = 0;
        for i in 0..10_000u32 {
            if limiter.allow(IpAddr::from(i.to_be_bytes()), 1) {
                allowed += 1;
            }
        }
        assert_eq!(limiter.remembered(), 50);
        // 49 new clients got their own window; the rest share one overflow window of 2.
        assert_eq!(allowed, 49 + 2);
        assert!(limiter.allow(known, 2), "a remembered client keeps its own window");
        // A minute later the expired windows make room again.
        assert!(limiter.allow(IpAddr::from([172, 16, 0, 1]), 120));
        assert!(limiter.remembered() <= 50);
    }

    #[test]
    fn the_client_is_the_socket_unless_a_trusted_proxy_says() {
        let peer: SocketAddr = "203.0.113.7:5000".parse().unwrap_or_else(|_| unreachable!());
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("1.2.3.4, 198.51.100.9"));
        assert_eq!(client_address(&headers, Some(peer), false), peer.ip());
        assert_eq!(
            client_address(&headers, Some(peer), true),
            IpAddr::from([198, 51, 100, 9]),
            "the address the proxy appended, not the client's own claim"
        );
        headers.insert("x-forwarded-for", HeaderValue::from_static("garbage"));
        assert_eq!(client_address(&headers, Some(peer), true), peer.ip());
    }
}
