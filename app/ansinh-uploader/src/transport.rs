//! How requests reach the collection server: the [`Transport`] trait, its HTTP implementation
//! ([`HttpTransport`], ureq).
//!
//! The rest of the uploader only sees status codes and bodies, so its tests use a fake
//! transport that plays the server, and the real one is a few lines over ureq.

use std::time::Duration;

use crate::plan::Answer;

/// One request to the collection server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Path and query, e.g. `/v1/batches`.
    pub path: String,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
    /// Content type of the body (POST).
    pub content_type: &'static str,
    /// Body (POST).
    pub body: Vec<u8>,
}

impl Request {
    /// A POST of `body`.
    pub fn post(path: &str, content_type: &'static str, body: Vec<u8>) -> Self {
        Self { method: "POST", path: path.into(), headers: vec![], content_type, body }
    }

    /// A GET with headers.
    pub fn get(path: &str, headers: Vec<(&'static str, String)>) -> Self {
        Self { method: "GET", path: path.into(), headers, content_type: "", body: vec![] }
    }
}

/// Sends requests to one collection server.
pub trait Transport {
    /// Sends `request` and returns the status and body, or [`Answer::NoAnswer`] when no complete
    /// answer came back (never an error: every way of failing is an answer to judge).
    fn send(&mut self, request: &Request) -> Answer;
}

/// The largest answer read from the server: an acknowledgement of a full batch is about
/// 30 KiB, a renewal list a few hundred KiB; anything bigger is not from our server.
const MAX_ANSWER_BYTES: u64 = 4 * 1024 * 1024;

/// The real transport: HTTP(S) with ureq, one agent (connection pool) per server.
pub struct HttpTransport {
    base: String,
    agent: ureq::Agent,
}

impl std::fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpTransport").field("base", &self.base).finish()
    }
}

impl HttpTransport {
    /// A transport to `base_url` (e.g. `https://hub.example:8040`) where every request,
    /// including reading its answer, must finish within `timeout`.
    pub fn new(base_url: &str, timeout: Duration) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .timeout_connect(Some(timeout.min(Duration::from_secs(30))))
            // Statuses are answers to judge, not errors.
            .http_status_as_error(false)
            .build();
        Self { base: base_url.trim_end_matches('/').to_string(), agent: config.into() }
    }
}

impl Transport for HttpTransport {
    fn send(&mut self, request: &Request) -> Answer {
        let url = format!("{}{}", self.base, request.path);
        let result = if request.method == "POST" {
            self.agent
                .post(&url)
                .header("content-type", request.content_type)
                .send(request.body.as_slice())
        } else {
            let mut get = self.agent.get(&url);
            for (name, value) in &request.headers {
                get = get.header(*name, value.as_str());
            }
            get.call()
        };
        let mut response = match result {
            Ok(r) => r,
            Err(e) => return Answer::NoAnswer(e.to_string()),
        };
        let status = response.status().as_u16();
        match response.body_mut().with_config().limit(MAX_ANSWER_BYTES).read_to_vec() {
            Ok(body) => Answer::Http { status, body },
            // A body cut short is no answer: the server may or may not have acted.
            Err(e) => Answer::NoAnswer(format!("answer cut short: {e}")),
        }
    }
}
