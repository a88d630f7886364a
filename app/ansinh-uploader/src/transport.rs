//! How requests reach the collection server: the [`Transport`] trait, its HTTP implementation
//! ([`HttpTransport`], ureq over rustls).
//!
//! The rest of the uploader only sees status codes and bodies, so its tests use a fake
//! transport that plays the server, and the real one is a few lines over ureq.
//!
//! The device talks to its server only over HTTPS, certificates verified by rustls against
//! Mozilla's roots (webpki-roots) or, for a server with a certificate from a private authority,
//! that authority alone ([`ServerTrust`]); no setting turns verification off. Plain HTTP is
//! allowed only to a loopback host ([`check_server_url`]), so tests and a hub on the same
//! machine work; redirects are never followed (the protocol has none, and one could lead to
//! plain HTTP).

use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::plan::Answer;

/// Whom the device trusts to certify its server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ServerTrust {
    /// The public web's authorities (Mozilla's root store, built in).
    #[default]
    PublicRoots,
    /// Only the authorities of this PEM file (a ministry's or province's private CA): a
    /// certificate from any public authority is refused for this server.
    PrivateCa(Vec<u8>),
}

impl ServerTrust {
    /// The private authorities from PEM text; refused unless it holds at least one
    /// certificate and nothing unreadable.
    pub fn private_ca(pem: &[u8]) -> Result<Self> {
        let trust = Self::PrivateCa(pem.to_vec());
        trust.roots()?;
        Ok(trust)
    }

    fn roots(&self) -> Result<ureq::tls::RootCerts> {
        let Self::PrivateCa(pem) = self else { return Ok(ureq::tls::RootCerts::WebPki) };
        let mut certs = Vec::new();
        for item in ureq::tls::parse_pem(pem) {
            match item {
                Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c),
                Ok(_) => {}
                Err(e) => return Err(Error::CaFile(format!("not a PEM certificate file: {e}"))),
            }
        }
        if certs.is_empty() {
            return Err(Error::CaFile("no certificate in the CA file".into()));
        }
        Ok(ureq::tls::RootCerts::Specific(Arc::new(certs)))
    }
}

/// Refuses a server URL the device must not talk to: anything but `https://`, except
/// `http://` to a loopback host (`127.0.0.0/8`, `::1`, `localhost`). Checked before any
/// request, so nothing (not even the provisioning token) leaves the device in clear.
pub fn check_server_url(url: &str) -> Result<()> {
    match ansinh_wire::provisioning::server_url_refusal(url) {
        None => Ok(()),
        Some(why) => Err(Error::InsecureServerUrl { url: url.to_string(), why: why.into() }),
    }
}

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
    /// including reading its answer, must finish within `timeout`, certificates checked
    /// against the public roots. Refused as [`check_server_url`] says.
    pub fn new(base_url: &str, timeout: Duration) -> Result<Self> {
        Self::with_trust(base_url, timeout, &ServerTrust::PublicRoots)
    }

    /// [`HttpTransport::new`] with the authorities in `trust`.
    pub fn with_trust(base_url: &str, timeout: Duration, trust: &ServerTrust) -> Result<Self> {
        check_server_url(base_url)?;
        let tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::Rustls)
            .root_certs(trust.roots()?)
            .build();
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .timeout_connect(Some(timeout.min(Duration::from_secs(30))))
            // Statuses are answers to judge, not errors.
            .http_status_as_error(false)
            // A redirect is an answer to judge (never followed: it could lead off HTTPS).
            .max_redirects(0)
            .https_only(base_url.trim().to_ascii_lowercase().starts_with("https://"))
            .tls_config(tls)
            .build();
        Ok(Self { base: base_url.trim().trim_end_matches('/').to_string(), agent: config.into() })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http() {
        for ok in [
            "https://hub.example",
            "HTTPS://hub.example:8443/",
            "https://10.0.0.5:8040",
            "http://127.0.0.1:8040",
            "http://127.9.8.7",
            "http://localhost:8040/",
            "http://LOCALHOST",
            "http://[::1]:8040",
            "http://[::ffff:127.0.0.1]:80",
        ] {
            assert!(check_server_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://hub.example",
            "http://10.0.0.5:8040",
            "http://192.168.1.1",
            "http://[2001:db8::1]",
            "http://localhost.evil.example",
            "http://127.0.0.1.evil.example",
            "http://user:pw@127.0.0.1",
            "https://user@hub.example",
            "ftp://hub.example",
            "hub.example",
            "",
            "file:///etc/passwd",
        ] {
            let e = check_server_url(bad).err();
            assert!(matches!(e, Some(Error::InsecureServerUrl { .. })), "{bad}: {e:?}");
            assert!(HttpTransport::new(bad, Duration::from_secs(1)).is_err(), "{bad}");
        }
        let e = check_server_url("http://hub.example").err().map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains("https://")));
    }

    #[test]
    fn a_ca_file_must_hold_a_certificate() {
        assert!(matches!(ServerTrust::private_ca(b""), Err(Error::CaFile(_))));
        assert!(matches!(ServerTrust::private_ca(b"hello"), Err(Error::CaFile(_))));
        let damaged = b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n";
        assert!(matches!(ServerTrust::private_ca(damaged), Err(Error::CaFile(_))));
    }
}
