//! The hub on a socket: [`serve`] runs the router of [`crate::app`] over HTTP/1.1 with the
//! limits of [`ServeOptions`], so that a slow or hostile client cannot hold the server:
//!
//! - the request head must arrive within `header_timeout` (hyper's header read timeout; it
//!   also closes a kept-alive connection left idle that long);
//! - the whole body within `body_timeout` of its head, else `408 timeout` and the connection
//!   is closed;
//! - at most `max_connections` connections are served at once; more wait in the listening
//!   socket's queue until one closes, so those being served are not slowed;
//! - a stop finishes the requests in flight, closes idle connections, and after
//!   `shutdown_grace` drops whatever is left: it always ends;
//! - plain HTTP only on a loopback address, unless `behind_tls_proxy` says a TLS reverse proxy
//!   faces the network (registration answers carry keys, lists carry personal data).

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tower::ServiceExt;

use crate::error::{Error, Result};
use crate::http::{AppState, app};

/// The limits of a served hub. [`Default`] is what `ansinh-hub serve` uses unless told
/// otherwise (its flags: the hub's README, "HTTP limits").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServeOptions {
    /// Longest wait for a request's head (its line and headers), and longest idle time of a
    /// kept-alive connection. Default 20 s.
    pub header_timeout: Duration,
    /// Longest wait for a request's whole body, from its head. Default 120 s: the largest
    /// batch (512 KiB) at 5 kB/s, a poor 2G link.
    pub body_timeout: Duration,
    /// Most connections served at once; more wait to be accepted. Default 256.
    pub max_connections: usize,
    /// How long a stop waits for requests in flight before dropping them. Default 30 s.
    pub shutdown_grace: Duration,
    /// A TLS reverse proxy faces the network: plain HTTP may listen on a non-loopback address.
    pub behind_tls_proxy: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(20),
            body_timeout: Duration::from_secs(120),
            max_connections: 256,
            shutdown_grace: Duration::from_secs(30),
            behind_tls_proxy: false,
        }
    }
}

/// Whether plain HTTP may be served on `addr`: on loopback, or behind a TLS proxy
/// ([`Error::PlainHttp`] says what to do instead).
pub fn check_listen_address(addr: SocketAddr, behind_tls_proxy: bool) -> Result<()> {
    if behind_tls_proxy || addr.ip().to_canonical().is_loopback() {
        return Ok(());
    }
    Err(Error::PlainHttp(addr))
}

/// Serves `app(state)` on `listener` with the default [`ServeOptions`] until `shutdown`
/// completes, then finishes the requests in flight (an ingest that started is committed and
/// answered).
pub async fn run(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve(listener, state, &ServeOptions::default(), shutdown).await
}

/// Serves `app(state)` on `listener` with `options` until `shutdown` completes; then stops
/// accepting, lets the requests in flight finish for up to `options.shutdown_grace`, and
/// returns. Refuses (`InvalidInput`, before serving anything) a non-loopback listener unless
/// `options.behind_tls_proxy`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    options: &ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    check_listen_address(listener.local_addr()?, options.behind_tls_proxy)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let router = app(state);
    let slots = Arc::new(tokio::sync::Semaphore::new(options.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut connections = tokio::task::JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A free slot first, then the connection: beyond the limit, clients wait in the
        // listening socket's queue and their header timeout has not started.
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service =
            ConnectionService { router: router.clone(), body_timeout: options.body_timeout, peer };
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(options.header_timeout)
            .serve_connection(
                TokioIo::new(stream),
                hyper::service::service_fn(move |r| service.clone().call(r)),
            );
        let connection = graceful.watch(connection);
        connections.spawn(async move {
            // A client that goes away or breaks the protocol: nothing to report.
            let _ = connection.await;
            drop(slot);
        });
        // Forget the connections that are done.
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    // Idle connections close now, busy ones after their answer.
    if tokio::time::timeout(options.shutdown_grace, graceful.shutdown()).await.is_err() {
        while connections.try_join_next().is_some() {}
        eprintln!(
            "ansinh-hub: {} connection(s) still open after {} s; closing them",
            connections.len(),
            options.shutdown_grace.as_secs()
        );
    }
    connections.shutdown().await;
    Ok(())
}

/// After a failed accept: a client that left before it was accepted is nothing; anything else
/// (out of file descriptors) is logged and waited out briefly instead of spinning.
async fn accept_failed(e: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if !matches!(e.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        eprintln!("ansinh-hub: accepting a connection failed: {e}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// One connection's requests: the router, with each body read under its deadline.
#[derive(Clone)]
struct ConnectionService {
    router: axum::Router,
    body_timeout: Duration,
    /// The client's address, for handlers that need it (the public page's rate limit).
    peer: SocketAddr,
}

impl ConnectionService {
    async fn call(
        self,
        request: Request<Incoming>,
    ) -> std::result::Result<Response<Body>, std::convert::Infallible> {
        let timed_out = Arc::new(AtomicBool::new(false));
        let mut request = request.map(|body| {
            Body::new(DeadlineBody {
                inner: body,
                deadline: Box::pin(tokio::time::sleep(self.body_timeout)),
                timed_out: Arc::clone(&timed_out),
            })
        });
        request.extensions_mut().insert(axum::extract::ConnectInfo(self.peer));
        let response = self.router.oneshot(request).await?;
        if timed_out.load(Ordering::SeqCst) {
            // Whatever the handler made of a body cut short, the client hears why, and the
            // connection closes (the rest of its body is never read).
            return Ok(body_timeout_response());
        }
        Ok(response)
    }
}

/// `408 timeout`, closing the connection.
fn body_timeout_response() -> Response<Body> {
    let body = serde_json::json!({ "error": {
        "code": "timeout",
        "message": "the request body did not arrive in time; try again",
    }});
    let mut response = (StatusCode::REQUEST_TIMEOUT, axum::Json(body)).into_response();
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The body did not arrive within the body timeout.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
struct BodyTimedOut;

/// A request body that fails once its deadline passes before its end.
struct DeadlineBody {
    inner: Incoming,
    deadline: Pin<Box<tokio::time::Sleep>>,
    timed_out: Arc<AtomicBool>,
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<std::result::Result<Frame<Bytes>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            self.timed_out.store(true, Ordering::SeqCst);
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_on_loopback_unless_behind_a_tls_proxy() {
        for local in ["127.0.0.1:8040", "127.8.9.10:1", "[::1]:8040", "[::ffff:127.0.0.1]:80"] {
            let addr: SocketAddr = local.parse().unwrap_or_else(|_| panic!("{local}"));
            assert!(check_listen_address(addr, false).is_ok(), "{local}");
        }
        for public in ["0.0.0.0:8040", "192.168.1.10:8040", "[::]:8040", "[2001:db8::1]:443"] {
            let addr: SocketAddr = public.parse().unwrap_or_else(|_| panic!("{public}"));
            let refused = check_listen_address(addr, false).err().map(|e| e.to_string());
            assert!(
                refused.as_deref().is_some_and(|e| e.contains("--behind-tls-proxy")),
                "{public}: {refused:?}"
            );
            assert!(check_listen_address(addr, true).is_ok(), "{public}");
        }
    }
}
