//! The HTTP face of the hub: [`app`] builds the router (testable without a socket);
//! `serve.rs` puts it on a socket.
//!
//! - Device endpoints (`/v1/*`, PROTOCOL.md) are authenticated by signatures; errors are JSON
//!   `{"error": {"code", "message"}}` with the protocol's codes and never carry internals: an
//!   internal failure is logged here and answered `500 internal`.
//! - Admin pages (`/admin/*`) need the admin token made on first start (`DIR/keys/admin.token`),
//!   as HTTP Basic (user `admin`) or `Authorization: Bearer`; a form post from another site is
//!   refused (`Sec-Fetch-Site` / `Origin`), so a logged-in browser cannot be made to revoke a
//!   device by a foreign page.
//! - No answer may be kept by a browser or a proxy (`Cache-Control: no-store`): lists,
//!   renewals, registration keys and admin pages carry personal data or secrets. Admin pages
//!   may not be framed by another site (`Content-Security-Policy: frame-ancestors 'none'`,
//!   `X-Frame-Options: DENY`), so a foreign page cannot trick a logged-in admin into clicks.
//! - The public receipt page (`/R/…`, no login; `public.rs`) is what a citizen's phone opens
//!   from a receipt's QR code.
//! - The store is blocking: every call runs on tokio's blocking pool.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FailedToBufferBody};
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::civil::{self, Day};
use crate::error::Error;
use crate::exports;
use crate::hub::{Hub, HubError, List, Refusal};
use crate::lists::ListFormat;
use crate::pages;
use crate::public::{self, ReceiptPage};
use crate::store::Scope;

/// Who the hub's log names for an action through the admin pages (the one admin user).
const ADMIN: &str = "admin";

/// Seconds since the Unix epoch; injected so tests choose the day.
pub type ClockFn = Arc<dyn Fn() -> i64 + Send + Sync>;

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    /// The hub.
    pub hub: Arc<Hub>,
    /// The clock.
    pub clock: ClockFn,
    /// The public receipt page's wording and rate limit (shared by every clone).
    pub receipts: Arc<ReceiptPage>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("hub", &self.hub).finish_non_exhaustive()
    }
}

impl AppState {
    /// State over `hub` with the system clock.
    pub fn new(hub: Hub) -> Self {
        Self { hub: Arc::new(hub), clock: Arc::new(system_now), receipts: Arc::default() }
    }
}

/// The system clock.
pub fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A handler's failure.
#[derive(Debug)]
pub enum AppError {
    /// A protocol refusal (JSON, with its status and code).
    Refused(Refusal),
    /// A bad admin input (HTML page, 400).
    BadInput(String),
    /// No such thing (404).
    NotFound,
    /// The server failed: logged, answered without detail.
    Internal(Error),
}

impl From<HubError> for AppError {
    fn from(e: HubError) -> Self {
        match e {
            HubError::Refused(r) => AppError::Refused(r),
            HubError::Internal(e) => AppError::Internal(e),
        }
    }
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid(m) => AppError::BadInput(m),
            e => AppError::Internal(e),
        }
    }
}

fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "error": { "code": code, "message": message } });
    (status, axum::Json(body)).into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::Refused(r) => {
                let mut response = json_error(
                    StatusCode::from_u16(r.status()).unwrap_or(StatusCode::BAD_REQUEST),
                    r.code(),
                    r.message(),
                );
                if r == Refusal::RateLimited {
                    // The quota is per minute.
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
                }
                response
            }
            AppError::BadInput(m) => {
                (StatusCode::BAD_REQUEST, Html(pages::message("Không hợp lệ", &m))).into_response()
            }
            AppError::NotFound => {
                json_error(StatusCode::NOT_FOUND, "not_found", "no such resource")
            }
            AppError::Internal(e) => {
                // The only place internals go: the server's log (no personal data: errors carry
                // codes, paths and database messages, never record contents).
                eprintln!("ansinh-hub: internal error: {e}");
                let status = if e.is_retryable() {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::INTERNAL_SERVER_ERROR
                };
                json_error(status, "internal", "the server could not do this now; try again later")
            }
        }
    }
}

/// Runs `f` on the blocking pool with the hub.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Hub, i64) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let hub = Arc::clone(&state.hub);
    let now = (state.clock)();
    tokio::task::spawn_blocking(move || f(&hub, now))
        .await
        .map_err(|_| AppError::Internal(Error::Corrupt("a worker task failed".into())))?
}

/// The router: device endpoints, admin pages, health check.
pub fn app(state: AppState) -> Router {
    let devices = Router::new()
        .route("/v1/devices/register", post(register))
        .route("/v1/batches", post(batches))
        .route("/v1/health", post(health))
        .route("/v1/renewals", get(renewals))
        .route("/v1/policy/latest", get(policy_latest))
        .route("/v1/update/latest", get(update_latest))
        .route("/v1/update/bundle/{version}", get(update_bundle))
        // The protocol's bound; a larger body is refused with 413 before it is read whole.
        .layer(DefaultBodyLimit::max(ansinh_wire::MAX_BODY_BYTES));
    let admin = Router::new()
        .route("/admin", get(admin_index))
        .route("/admin/tokens", post(admin_create_token))
        .route("/admin/devices/{id}/revoke", post(admin_revoke))
        .route("/admin/dashboard", get(admin_dashboard))
        .route("/admin/progress.json", get(admin_progress))
        .route("/admin/targets", post(admin_target))
        .route("/admin/exports", get(admin_export))
        .route("/admin/exports/double-payments", get(admin_double_payments))
        .route("/admin/renewals", get(admin_renewals))
        .route("/admin/lapsed", get(admin_lapsed))
        .route("/admin/lapsed.csv", get(admin_lapsed_csv))
        .route("/admin/audit", get(admin_audit))
        .route("/admin/devices/{id}/audit", get(admin_device_audit))
        .route("/admin/fleet", get(admin_fleet))
        .layer(DefaultBodyLimit::max(64 * 1024))
        .route_layer(middleware::from_fn_with_state(state.clone(), admin_guard))
        // Outside the guard: the login page is not framed either.
        .route_layer(middleware::map_response(no_framing));
    Router::new()
        .merge(devices)
        .merge(admin)
        .route("/healthz", get(|| async { "ok" }))
        // The receipt QR code's link, upper-case as printed; lower case for people who type.
        .route("/R/{*route}", get(public::receipt))
        .route("/r/{*route}", get(public::receipt))
        .fallback(|| async { AppError::NotFound })
        .layer(middleware::map_response(no_store))
        .with_state(state)
}

/// Every answer: never stored by a browser or a proxy.
async fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Admin answers: never shown inside another site's frame.
async fn no_framing(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("frame-ancestors 'none'"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, AppError> {
    match body {
        Ok(b) => Ok(b),
        Err(BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_))) => {
            Err(AppError::Refused(Refusal::TooLarge))
        }
        // A body cut short or unreadable: nothing was stored.
        Err(_) => Err(AppError::Refused(Refusal::Malformed)),
    }
}

async fn register(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let body = body_bytes(body)?;
    let request: ansinh_wire::RegisterRequest =
        serde_json::from_slice(&body).map_err(|_| AppError::Refused(Refusal::Malformed))?;
    let answer = blocking(&state, move |hub, now| Ok(hub.register(&request, now)?)).await?;
    Ok(axum::Json(answer).into_response())
}

async fn batches(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let body = body_bytes(body)?;
    let ack = blocking(&state, move |hub, now| Ok(hub.ingest_batch(&body, now)?)).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], ack).into_response())
}

/// A device's health report (`crate::fleet`): answered with the hub's signed time.
async fn health(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let body = body_bytes(body)?;
    let ack = blocking(&state, move |hub, now| Ok(hub.ingest_health(&body, now)?)).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], ack).into_response())
}

#[derive(Deserialize)]
struct WithinDays {
    within_days: Option<u32>,
}

fn header_text<'h>(headers: &'h HeaderMap, name: &str) -> &'h str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

async fn renewals(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<WithinDays>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let Ok(Query(q)) = query else { return Err(AppError::Refused(Refusal::Malformed)) };
    let days = q.within_days.unwrap_or(30);
    if !(1..=crate::hub::MAX_RENEWAL_DAYS).contains(&days) {
        return Err(AppError::Refused(Refusal::Malformed));
    }
    let device = header_text(&headers, "x-ansinh-device").to_string();
    let time = header_text(&headers, "x-ansinh-time").to_string();
    let signature = header_text(&headers, "x-ansinh-signature").to_string();
    let due = blocking(&state, move |hub, now| {
        let id =
            hub.authenticate_request(&device, &time, &signature, "GET", "/v1/renewals", now)?;
        Ok(hub.renewals(Some(id), days, now)?)
    })
    .await?;
    Ok(axum::Json(due).into_response())
}

/// `GET /v1/policy/latest?have=VERSION`: query of [`policy_latest`].
#[derive(Deserialize)]
struct Have {
    have: Option<String>,
}

/// The policy table published last, signed (public data: no device signature needed, the
/// table's own signature is what a device checks); 204 when none is published or the device
/// says it has it.
async fn policy_latest(
    State(state): State<AppState>,
    query: Result<Query<Have>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let Ok(Query(q)) = query else { return Err(AppError::Refused(Refusal::Malformed)) };
    let latest = blocking(&state, move |hub, _| Ok(hub.store().latest_policy()?)).await?;
    Ok(match latest {
        Some(p) if q.have.as_deref() != Some(p.version.as_str()) => {
            ([(header::CONTENT_TYPE, "application/octet-stream")], p.signed).into_response()
        }
        _ => StatusCode::NO_CONTENT.into_response(),
    })
}

/// The newest published update bundle: its version, size and SHA-256
/// (`ansinh_wire::update::UpdateOffer`; public, like the policy table: the bundle's own
/// signature is what a device checks); 204 when none is published or the device says it runs
/// that version or a later one.
async fn update_latest(
    State(state): State<AppState>,
    query: Result<Query<Have>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let Ok(Query(q)) = query else { return Err(AppError::Refused(Refusal::Malformed)) };
    let latest = blocking(&state, move |hub, _| Ok(hub.store().latest_bundle()?)).await?;
    Ok(match latest {
        Some(b) if crate::update::is_news(&b.version, q.have.as_deref()) => {
            let offer = ansinh_wire::update::encode_offer(&crate::update::offer_of(&b))
                .map_err(|e| AppError::Internal(Error::Corrupt(format!("update offer: {e}"))))?;
            ([(header::CONTENT_TYPE, "application/octet-stream")], offer).into_response()
        }
        _ => StatusCode::NO_CONTENT.into_response(),
    })
}

/// A published bundle, whole (200) or the byte range asked for (206 with `Content-Range`;
/// 416 for a range beginning at or beyond its end), streamed from the database a row at a
/// time.
async fn update_bundle(
    State(state): State<AppState>,
    Path(version): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let v = version.clone();
    let bundle = blocking(&state, move |hub, _| Ok(hub.update_bundle(&v)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let size = bundle.size;
    let range = headers.get(header::RANGE).and_then(|r| r.to_str().ok());
    let (status, start, end) = match crate::update::wanted(range, size) {
        crate::update::Wanted::Whole => (StatusCode::OK, 0, size - 1),
        crate::update::Wanted::Part { start, end } => (StatusCode::PARTIAL_CONTENT, start, end),
        crate::update::Wanted::Unsatisfiable => {
            let mut r = json_error(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "range_not_satisfiable",
                "the range begins at or beyond the end of the bundle",
            );
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return Ok(r);
        }
    };
    let body = bundle_body(&state, version, start, end);
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(v) = HeaderValue::from_str(&(end - start + 1).to_string()) {
        h.insert(header::CONTENT_LENGTH, v);
    }
    if status == StatusCode::PARTIAL_CONTENT
        && let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{size}"))
    {
        h.insert(header::CONTENT_RANGE, v);
    }
    Ok(response)
}

/// Bytes `start..=end` of a bundle as a body that a blocking task fills one database row at
/// a time (two rows in flight at most, so a 300 MB bundle never sits in memory).
fn bundle_body(state: &AppState, version: String, start: u64, end: u64) -> axum::body::Body {
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    let hub = Arc::clone(&state.hub);
    tokio::task::spawn_blocking(move || {
        let chunk = crate::store::BUNDLE_CHUNK_BYTES as u64;
        let mut at = start;
        while at <= end {
            let index = at / chunk;
            let piece = match hub.store().bundle_chunk(&version, index) {
                Ok(Some(data)) => {
                    let from = usize::try_from(at - index * chunk).unwrap_or(usize::MAX);
                    let to = usize::try_from((end + 1).min((index + 1) * chunk) - index * chunk)
                        .unwrap_or(usize::MAX);
                    match data.get(from..to) {
                        Some(p) => Ok(Bytes::copy_from_slice(p)),
                        None => Err(format!("row {index} of bundle {version} is short")),
                    }
                }
                Ok(None) => Err(format!("row {index} of bundle {version} is missing")),
                Err(e) => Err(e.to_string()),
            };
            let failed = piece.is_err();
            if let Err(why) = &piece {
                eprintln!("ansinh-hub: internal error: {why}");
            }
            // The client left: nothing more to send.
            if tx.blocking_send(piece).is_err() || failed {
                return;
            }
            at = (index + 1) * chunk;
        }
    });
    axum::body::Body::new(ChannelBody { rx, left: end - start + 1 })
}

/// A response body fed through a channel; its exact length is known in advance.
struct ChannelBody {
    rx: tokio::sync::mpsc::Receiver<Result<Bytes, String>>,
    left: u64,
}

impl axum::body::HttpBody for ChannelBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
        match self.rx.poll_recv(cx) {
            std::task::Poll::Ready(Some(Ok(bytes))) => {
                self.left = self.left.saturating_sub(bytes.len() as u64);
                std::task::Poll::Ready(Some(Ok(hyper::body::Frame::data(bytes))))
            }
            // The connection is cut: the client sees a short body and resumes from what it has.
            std::task::Poll::Ready(Some(Err(why))) => std::task::Poll::Ready(Some(Err(why.into()))),
            std::task::Poll::Ready(None) => std::task::Poll::Ready(None),
            std::task::Poll::Pending => std::task::Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        hyper::body::SizeHint::with_exact(self.left)
    }
}

// ---------------------------------------------------------------------------------------
// Admin.

/// Decodes standard base64 (for HTTP Basic), or `None`.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.trim().bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xFF).ok()?);
        }
    }
    Some(out)
}

fn admin_token_of(headers: &HeaderMap) -> Option<String> {
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    if let Some(token) = auth.strip_prefix("Bearer ") {
        return Some(token.trim().to_string());
    }
    let decoded = String::from_utf8(base64_decode(auth.strip_prefix("Basic ")?)?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    (user == "admin").then(|| password.to_string())
}

/// A state-changing request must come from our own pages (or from a script, which sends no
/// browser headers).
fn same_origin(headers: &HeaderMap) -> bool {
    let site = header_text(headers, "sec-fetch-site");
    if !site.is_empty() && site != "same-origin" && site != "none" {
        return false;
    }
    match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        None => true,
        Some(origin) => {
            let host = header_text(headers, "host");
            let bare = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://"));
            !host.is_empty() && bare == Some(host)
        }
    }
}

async fn admin_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let ok = admin_token_of(request.headers()).is_some_and(|t| state.hub.keys().is_admin_token(&t));
    if !ok {
        let mut r = (
            StatusCode::UNAUTHORIZED,
            Html(pages::message("Cần đăng nhập", "Đăng nhập với tên admin và mã quản trị.")),
        )
            .into_response();
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"ansinh-hub admin\", charset=\"UTF-8\""),
        );
        return r;
    }
    if request.method() != Method::GET && !same_origin(request.headers()) {
        return (
            StatusCode::FORBIDDEN,
            Html(pages::message("Bị từ chối", "Yêu cầu không đến từ trang quản trị này.")),
        )
            .into_response();
    }
    next.run(request).await
}

fn this_month(state: &AppState) -> String {
    Day::of((state.clock)()).month_text()
}

fn month_or_now(state: &AppState, month: Option<String>) -> Result<String, AppError> {
    match month.filter(|m| !m.is_empty()) {
        None => Ok(this_month(state)),
        Some(m) if civil::parse_month(&m).is_some() => Ok(m),
        Some(m) => Err(AppError::BadInput(format!("{m:?} không phải là tháng (YYYY-MM)"))),
    }
}

async fn admin_page(state: &AppState, new_token: Option<String>) -> Result<Response, AppError> {
    let month = this_month(state);
    let html = blocking(state, move |hub, _| {
        let s = hub.store();
        let mut devices = vec![];
        for d in s.devices()? {
            let assigned = s.assignment(d.id)?;
            devices.push((d, assigned));
        }
        Ok(pages::admin_index(&s.tokens()?, &devices, &s.problems()?, &month, new_token.as_deref()))
    })
    .await?;
    Ok(Html(html).into_response())
}

async fn admin_index(State(state): State<AppState>) -> Result<Response, AppError> {
    admin_page(&state, None).await
}

#[derive(Deserialize)]
struct NewToken {
    label: String,
    valid_hours: Option<i64>,
}

async fn admin_create_token(
    State(state): State<AppState>,
    form: Result<axum::Form<NewToken>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Ok(axum::Form(form)) = form else {
        return Err(AppError::BadInput("thiếu ghi chú".into()));
    };
    let hours = form.valid_hours.unwrap_or(24).clamp(1, 720);
    let token = blocking(&state, move |hub, now| {
        let token = hub.create_token(&form.label, hours * 3600, now)?;
        let detail = format!("label={} valid_hours={hours}", form.label);
        hub.store().log_action(ADMIN, "token_created", &detail, now)?;
        Ok(token)
    })
    .await?;
    admin_page(&state, Some(token)).await
}

async fn admin_revoke(
    State(state): State<AppState>,
    Path(id): Path<u64>,
) -> Result<Response, AppError> {
    let found = blocking(&state, move |hub, now| {
        let found = hub.store().revoke_device(id, now)?;
        if found {
            hub.store().log_action(ADMIN, "device_revoked", &format!("device={id}"), now)?;
        }
        Ok(found)
    })
    .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/admin").into_response())
}

#[derive(Deserialize)]
struct MonthQuery {
    month: Option<String>,
}

async fn admin_dashboard(
    State(state): State<AppState>,
    Query(q): Query<MonthQuery>,
) -> Result<Response, AppError> {
    let month = month_or_now(&state, q.month)?;
    let html = blocking(&state, move |hub, now| {
        Ok(pages::dashboard(&hub.progress(&month, now)?, &hub.double_payments(&month)?))
    })
    .await?;
    Ok(Html(html).into_response())
}

/// Possible double payments of a month, as CSV for follow-up.
async fn admin_double_payments(
    State(state): State<AppState>,
    Query(q): Query<MonthQuery>,
) -> Result<Response, AppError> {
    let month = month_or_now(&state, q.month)?;
    let name = format!("double-payments_{month}.csv");
    let bytes = blocking(&state, move |hub, now| {
        let csv = exports::double_payments_csv(&hub.double_payments(&month)?)?;
        let detail = format!("list=double-payments month={month} format=csv");
        hub.store().log_action(ADMIN, "export", &detail, now)?;
        Ok(csv)
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

async fn admin_progress(
    State(state): State<AppState>,
    Query(q): Query<MonthQuery>,
) -> Result<Response, AppError> {
    let month = month_or_now(&state, q.month)?;
    let progress = blocking(&state, move |hub, now| Ok(hub.progress(&month, now)?)).await?;
    Ok(axum::Json(progress).into_response())
}

#[derive(Deserialize)]
struct TargetForm {
    month: String,
    scope: String,
    key: String,
    target: Option<String>,
}

async fn admin_target(
    State(state): State<AppState>,
    form: Result<axum::Form<TargetForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Ok(axum::Form(f)) = form else {
        return Err(AppError::BadInput("thiếu thông tin".into()));
    };
    let month = month_or_now(&state, Some(f.month))?;
    let Some(scope) = Scope::of_str(&f.scope) else {
        return Err(AppError::BadInput("loại chỉ tiêu không hợp lệ".into()));
    };
    let key = f.key.trim().to_string();
    if key.is_empty() || key.len() > 16 || !key.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::BadInput("mã không hợp lệ".into()));
    }
    let target = match f.target.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(
            t.parse::<i64>()
                .ok()
                .filter(|n| (0..=10_000_000).contains(n))
                .ok_or_else(|| AppError::BadInput("chỉ tiêu phải là số không âm".into()))?,
        ),
    };
    let m = month.clone();
    blocking(&state, move |hub, _| Ok(hub.store().set_target(scope, &key, &m, target)?)).await?;
    Ok(Redirect::to(&format!("/admin/dashboard?month={month}")).into_response())
}

#[derive(Deserialize)]
struct ExportQuery {
    list: String,
    commune: Option<String>,
    month: Option<String>,
    format: Option<String>,
}

async fn admin_export(
    State(state): State<AppState>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, AppError> {
    let list = match q.list.to_ascii_lowercase().as_str() {
        "d05" | "d05-ts" => List::D05,
        "d03" | "d03-ts" => List::D03,
        _ => return Err(AppError::BadInput("danh sách phải là d05 hoặc d03".into())),
    };
    let month = month_or_now(&state, q.month)?;
    let commune = q.commune.filter(|c| !c.trim().is_empty()).map(|c| c.trim().to_string());
    let format = match q.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => ListFormat::Xlsx,
        "csv" => ListFormat::Csv,
        "xml" if list == List::D05 => ListFormat::Xml,
        "xml" => {
            return Err(AppError::BadInput(
                "chỉ danh sách D05-TS có dạng XML; D03-TS tải về dạng xlsx hoặc csv".into(),
            ));
        }
        _ => return Err(AppError::BadInput("định dạng phải là xlsx, csv hoặc xml".into())),
    };
    let name = format!(
        "{}_{}_{}.{}",
        list.name(),
        commune.as_deref().unwrap_or("all"),
        month,
        format.extension()
    );
    let (c, m) = (commune.clone(), month.clone());
    blocking(&state, move |hub, now| {
        let rows = hub.list_len(list, c.as_deref(), &m)?;
        let detail = format!(
            "list={} commune={} month={m} format={} rows={rows}",
            list.name(),
            c.as_deref().unwrap_or("all"),
            format.extension()
        );
        // Logged before the file leaves: an export that was handed out is never unlogged.
        hub.store().log_action(ADMIN, "export", &detail, now)?;
        Ok(())
    })
    .await?;
    let title = format!(
        "{} — xã {} — tháng {}",
        list.name(),
        commune.as_deref().unwrap_or("(tất cả)"),
        month
    );
    // Written as it is read, on the blocking pool, into the response as it goes.
    let body = streamed(&state, move |hub, out| {
        hub.write_list(list, commune.as_deref(), &month, format, &title, out).map(|_| ())
    });
    let content_type = match format {
        ListFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ListFormat::Xml => "application/xml; charset=utf-8",
        ListFormat::Csv => "text/csv; charset=utf-8",
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response())
}

/// Bytes written to a response as they come: whole chunks of [`CHUNK`] bytes go over a
/// channel of a few chunks, so a slow client slows the writer rather than filling memory.
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

/// Bytes sent to the client at a time.
const CHUNK: usize = 64 * 1024;

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client left"))
    }
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// The receiving end, as a response body.
struct ListBody(tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>);

impl axum::body::HttpBody for ListBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, std::io::Error>>> {
        self.0.poll_recv(cx).map(|chunk| chunk.map(|c| c.map(hyper::body::Frame::data)))
    }
}

/// A body that `write` fills on the blocking pool. A failure midway is logged and ends the
/// body with an error, so the client sees a broken download, never a short file.
fn streamed(
    state: &AppState,
    write: impl FnOnce(&Hub, &mut ChannelWriter) -> Result<(), Error> + Send + 'static,
) -> axum::body::Body {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let hub = Arc::clone(&state.hub);
    tokio::task::spawn_blocking(move || {
        let mut out = ChannelWriter { tx: tx.clone(), buf: Vec::with_capacity(CHUNK) };
        let done = write(&hub, &mut out).and_then(|()| {
            std::io::Write::flush(&mut out).map_err(|e| Error::Export(e.to_string()))
        });
        if let Err(e) = done {
            eprintln!("ansinh-hub: internal error: a list stopped midway: {e}");
            let _ = tx.blocking_send(Err(std::io::Error::other("the list could not be written")));
        }
    });
    axum::body::Body::new(ListBody(rx))
}

async fn admin_renewals(
    State(state): State<AppState>,
    Query(q): Query<WithinDays>,
) -> Result<Response, AppError> {
    let days = q.within_days.unwrap_or(30).clamp(1, crate::hub::MAX_RENEWAL_DAYS);
    let due = blocking(&state, move |hub, now| {
        // The whole list, with names and phones: who looked at it is logged like a download.
        hub.store().log_action(ADMIN, "renewals_view", &format!("within_days={days}"), now)?;
        Ok(hub.renewals(None, days, now)?)
    })
    .await?;
    Ok(Html(pages::renewals(&due, days)).into_response())
}

#[derive(Deserialize)]
struct LapsedQuery {
    commune: Option<String>,
    agent: Option<String>,
}

impl LapsedQuery {
    /// The commune and agent asked for (blank: any), checked.
    fn checked(self) -> Result<(Option<String>, Option<String>), AppError> {
        let given = |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let (commune, agent) = (given(self.commune), given(self.agent));
        if let Some(c) = &commune
            && (c.len() != 5 || !c.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(AppError::BadInput("mã xã phải gồm 5 chữ số".into()));
        }
        if let Some(a) = &agent
            && (a.len() > 16 || !a.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        {
            return Err(AppError::BadInput(
                "mã nhân viên thu chỉ gồm chữ, số và dấu -, tối đa 16 ký tự".into(),
            ));
        }
        Ok((commune, agent))
    }
}

/// The participants to follow up, masked as the renewal list; who looked is logged.
async fn admin_lapsed(
    State(state): State<AppState>,
    Query(q): Query<LapsedQuery>,
) -> Result<Response, AppError> {
    let (commune, agent) = q.checked()?;
    let html = blocking(&state, move |hub, now| {
        let detail = format!(
            "commune={} agent={}",
            commune.as_deref().unwrap_or("all"),
            agent.as_deref().unwrap_or("all")
        );
        hub.store().log_action(ADMIN, "lapsed_view", &detail, now)?;
        let rows = hub.lapsed(commune.as_deref(), agent.as_deref(), now)?;
        Ok(pages::lapsed(&rows, commune.as_deref(), agent.as_deref(), hub.lapse_grace_months()))
    })
    .await?;
    Ok(Html(html).into_response())
}

/// The same list as CSV, for the agent.
async fn admin_lapsed_csv(
    State(state): State<AppState>,
    Query(q): Query<LapsedQuery>,
) -> Result<Response, AppError> {
    let (commune, agent) = q.checked()?;
    let name = format!(
        "dung-dong_{}_{}.csv",
        commune.as_deref().unwrap_or("all"),
        agent.as_deref().unwrap_or("all")
    );
    let bytes = blocking(&state, move |hub, now| {
        Ok(hub.lapsed_export(commune.as_deref(), agent.as_deref(), ADMIN, now)?.0)
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

/// The hub's own log and the list of device trails.
async fn admin_audit(State(state): State<AppState>) -> Result<Response, AppError> {
    let html = blocking(&state, move |hub, _| {
        Ok(pages::hub_audit(&hub.store().actions()?, &hub.store().devices()?))
    })
    .await?;
    Ok(Html(html).into_response())
}

/// Every device with its last contact, health report and alarms.
async fn admin_fleet(State(state): State<AppState>) -> Result<Response, AppError> {
    let html = blocking(&state, move |hub, now| {
        Ok(pages::fleet(&hub.fleet(now)?, &hub.fleet_thresholds(), now))
    })
    .await?;
    Ok(Html(html).into_response())
}

/// One device's audit trail as it sent it, with the refusals flagged.
async fn admin_device_audit(
    State(state): State<AppState>,
    Path(id): Path<u64>,
) -> Result<Response, AppError> {
    let html = blocking(&state, move |hub, _| {
        let Some(device) = hub.store().device(id)? else { return Ok(None) };
        let (entries, problems) = hub.store().device_audit(id)?;
        Ok(Some(pages::device_audit(&device, &entries, &problems)))
    })
    .await?;
    Ok(Html(html.ok_or(AppError::NotFound)?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_decoded() {
        assert_eq!(base64_decode("YWRtaW46c2VjcmV0"), Some(b"admin:secret".to_vec()));
        assert_eq!(base64_decode("YQ=="), Some(b"a".to_vec()));
        assert_eq!(base64_decode("!!"), None);
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic YWRtaW46c2VjcmV0"));
        assert_eq!(admin_token_of(&h).as_deref(), Some("secret"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert_eq!(admin_token_of(&h).as_deref(), Some("abc"));
        // Another user name is not the admin.
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic cm9vdDpzZWNyZXQ="));
        assert_eq!(admin_token_of(&h), None);
    }

    #[test]
    fn cross_site_posts_are_told_apart() {
        let mut h = HeaderMap::new();
        assert!(same_origin(&h), "a script sends no browser headers");
        h.insert("host", HeaderValue::from_static("127.0.0.1:8040"));
        h.insert(header::ORIGIN, HeaderValue::from_static("http://127.0.0.1:8040"));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(same_origin(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!same_origin(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("http://127.0.0.1:8040"));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&h));
    }
}
