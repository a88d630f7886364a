//! The path devices use in the field: HTTPS with a certificate from the server's authority, a
//! provisioning token that pins the server's keys. The hub sits behind a TLS listener the test
//! starts (rustls, a certificate authority made here with rcgen), as behind the reverse proxy
//! of a real deployment; the device is the real uploader over ureq and rustls.
//!
//! The same device refuses a server whose certificate is not from its authority, a plain
//! `http://` server off this machine, and a server whose keys are not those of its token: and
//! each refusal stores and provisions nothing.

use std::net::SocketAddr;
use std::sync::Arc;

use ansinh_device::DataDir;
use ansinh_uploader::{Error, RetryPolicy, ServerTrust, register_trusting};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, pki_types::PrivateKeyDer};

use crate::support::{Res, Server, TestResult, acknowledged, enqueue, runtime};

/// A certificate authority of the test.
struct Authority {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Authority {
    fn new(name: &str) -> Res<Self> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(rcgen::DnType::CommonName, name);
        Ok(Self { issuer: CertifiedIssuer::self_signed(params, KeyPair::generate()?)? })
    }

    fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A server certificate for `localhost` and its key, as rustls serves them.
    fn server_config(&self) -> Res<Arc<rustls::ServerConfig>> {
        let key = KeyPair::generate()?;
        let cert =
            CertificateParams::new(vec!["localhost".to_string()])?.signed_by(&key, &self.issuer)?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )?;
        Ok(Arc::new(config))
    }
}

/// A TLS listener on 127.0.0.1 that hands every connection, decrypted, to `upstream`: the
/// reverse proxy of a deployment. Runs until the runtime stops.
fn tls_front(
    rt: &tokio::runtime::Runtime,
    config: Arc<rustls::ServerConfig>,
    upstream: SocketAddr,
) -> Res<String> {
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0"))?;
    let port = listener.local_addr()?.port();
    let acceptor = TlsAcceptor::from(config);
    rt.spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that fails the handshake (the point of some tests) just goes away.
                let Ok(mut tls) = acceptor.accept(client).await else { return };
                let Ok(mut hub) = TcpStream::connect(upstream).await else { return };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut hub).await;
            });
        }
    });
    // The certificate names localhost: the device checks the name too.
    Ok(format!("https://localhost:{port}"))
}

fn hub_addr(server: &Server) -> Res<SocketAddr> {
    let url = server.url();
    let host = url.strip_prefix("http://").ok_or("the loopback hub speaks plain HTTP")?;
    Ok(host.trim_end_matches('/').parse()?)
}

fn assert_nothing_stored(dir: &DataDir) -> TestResult {
    assert!(dir.registration()?.is_none(), "a registration was stored");
    assert!(!dir.is_provisioned(), "a server key was provisioned");
    assert!(!dir.root().join("server-ca.pem").exists(), "an authority was kept");
    Ok(())
}

fn hub_records(server: &Server) -> Res<i64> {
    Ok(server.hub().store().totals()?.records)
}

#[test]
fn one_sync_runs_over_https_with_the_servers_authority_and_pinned_keys() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    let ca = Authority::new("Test CA of the province")?;
    let url = tls_front(&rt, ca.server_config()?, hub_addr(&server)?)?;
    let trust = ServerTrust::private_ca(ca.pem().as_bytes())?;

    let dir = DataDir::open(tmp.path().join("device"))?;
    let reg = register_trusting(&dir, &url, &server.token()?, "Bưu điện xã A", &trust)?;
    assert_eq!(reg.server_url, url);
    assert!(dir.is_provisioned());
    enqueue(&dir, 3)?;
    // The real sync: the registered URL and the authority kept at registration.
    let report = ansinh_uploader::sync(&dir, &RetryPolicy::default())?;
    assert_eq!((report.acknowledged, report.failure), (3, None));
    assert_eq!(acknowledged(&dir)?, 3);
    assert_eq!(hub_records(&server)?, 3, "the hub holds the records");

    // The same device, its certificate authority kept: a server certificate from another
    // authority, in front of the same hub, is refused and nothing is sent.
    let rogue = Authority::new("Someone else's CA")?;
    let rogue_url = tls_front(&rt, rogue.server_config()?, hub_addr(&server)?)?;
    enqueue(&dir, 1)?;
    let mut transport = ansinh_uploader::HttpTransport::with_trust(
        &rogue_url,
        std::time::Duration::from_secs(10),
        &trust,
    )?;
    let clock = ansinh_device::clock::SystemClock;
    let refused =
        ansinh_uploader::sync_once(&dir, &mut transport, &clock, &RetryPolicy::default())?;
    let failure = refused.failure.ok_or("a sync through a foreign certificate succeeded")?;
    assert!(failure.retryable, "records wait; nothing is lost");
    assert!(failure.reason.to_lowercase().contains("certificate"), "{}", failure.reason);
    assert_eq!(hub_records(&server)?, 3, "nothing reached the hub");
    assert_eq!(refused.status.unsent, 1);
    server.stop(&rt)?;
    Ok(())
}

#[test]
fn a_device_refuses_foreign_certificates_plain_http_and_keys_the_token_does_not_name() -> TestResult
{
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    let ca = Authority::new("Test CA of the province")?;
    let trust = ServerTrust::private_ca(ca.pem().as_bytes())?;
    let dir = DataDir::open(tmp.path().join("device"))?;
    let token = server.token()?;

    // A certificate not from the device's authority (nor from a public one).
    let rogue = Authority::new("Someone else's CA")?;
    let rogue_url = tls_front(&rt, rogue.server_config()?, hub_addr(&server)?)?;
    for trusted in [&trust, &ServerTrust::PublicRoots] {
        let refused = register_trusting(&dir, &rogue_url, &token, "A", trusted);
        let why = refused.as_ref().err().map(ToString::to_string).unwrap_or_default();
        assert!(matches!(refused, Err(Error::Network(_))), "{why}");
        assert!(why.to_lowercase().contains("certificate"), "{why}");
        assert_nothing_stored(&dir)?;
    }
    // The test authority's certificate is no public one: without the authority, refused too.
    let url = tls_front(&rt, ca.server_config()?, hub_addr(&server)?)?;
    let refused = register_trusting(&dir, &url, &token, "A", &ServerTrust::PublicRoots);
    assert!(matches!(refused, Err(Error::Network(_))), "{refused:?}");
    assert_nothing_stored(&dir)?;

    // Plain HTTP off this machine: refused before any request.
    for plain in ["http://10.20.30.40:8040", "http://thu.example.vn"] {
        let refused = register_trusting(&dir, plain, &token, "A", &trust);
        assert!(matches!(refused, Err(Error::InsecureServerUrl { .. })), "{refused:?}");
        assert_nothing_stored(&dir)?;
    }

    // Another hub, reached with a token of its own but the fingerprint of ours (a server in
    // the way that obtained a token): its keys do not match, nothing is stored.
    let other = Server::start(&rt, &tmp.path().join("other-hub"), 0)?;
    let other_url = tls_front(&rt, ca.server_config()?, hub_addr(&other)?)?;
    let (_, ours) = token.split_once('.').ok_or("a token without fingerprint")?;
    let other_token = other.token()?;
    let (secret, _) = other_token.split_once('.').ok_or("a token without fingerprint")?;
    let refused = register_trusting(&dir, &other_url, &format!("{secret}.{ours}"), "A", &trust);
    assert!(
        matches!(
            refused,
            Err(Error::Protocol { source: ansinh_wire::Error::KeyMismatch { .. }, .. })
        ),
        "{refused:?}"
    );
    assert_nothing_stored(&dir)?;

    // The genuine server, over HTTPS, still registers the device.
    register_trusting(&dir, &url, &token, "A", &trust)?;
    assert!(dir.is_provisioned());
    assert_eq!(std::fs::read(dir.root().join("server-ca.pem"))?, ca.pem().into_bytes());
    other.stop(&rt)?;
    server.stop(&rt)?;
    Ok(())
}

/// The kept authority is readable by the device's user only, like its keys.
#[cfg(unix)]
#[test]
fn the_kept_authority_is_private() -> TestResult {
    use std::os::unix::fs::PermissionsExt;
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let server = Server::start(&rt, &tmp.path().join("hub"), 0)?;
    let ca = Authority::new("Test CA")?;
    let url = tls_front(&rt, ca.server_config()?, hub_addr(&server)?)?;
    let dir = DataDir::open(tmp.path().join("device"))?;
    let trust = ServerTrust::private_ca(ca.pem().as_bytes())?;
    register_trusting(&dir, &url, &server.token()?, "A", &trust)?;
    let mode = std::fs::metadata(dir.root().join("server-ca.pem"))?.permissions().mode();
    assert_eq!(mode & 0o077, 0);
    server.stop(&rt)?;
    Ok(())
}
