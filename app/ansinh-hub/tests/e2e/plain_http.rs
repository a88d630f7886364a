//! Plain HTTP only where nobody else listens: `ansinh-hub serve` (and `ansinh_hub::serve`)
//! refuse a non-loopback address unless told that a TLS reverse proxy faces the network
//! (issue "Trust", point 7).

use std::io::{Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

/// The exit status of `child` if it ends within `within`; otherwise it is killed and `None`.
fn exit_within(child: &mut Child, within: Duration) -> Res<Option<ExitStatus>> {
    let start = Instant::now();
    while start.elapsed() < within {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill()?;
    child.wait()?;
    Ok(None)
}

fn stderr_of(child: &mut Child) -> Res<String> {
    let mut text = String::new();
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut text)?;
    }
    Ok(text)
}

fn healthy(port: u16) -> bool {
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return false };
    let mut answer = String::new();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").is_ok()
        && s.read_to_string(&mut answer).is_ok()
        && answer.starts_with("HTTP/1.1 200")
}

fn serve(data: &std::path::Path, args: &[&str]) -> Res<Child> {
    Ok(Command::new(env!("CARGO_BIN_EXE_ansinh-hub"))
        .arg("--data-dir")
        .arg(data)
        .arg("serve")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?)
}

#[test]
fn plain_http_on_a_public_address_needs_a_tls_proxy_in_front() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("hub");

    let mut refused = serve(&data, &["--listen", "0.0.0.0:0"])?;
    let status = exit_within(&mut refused, Duration::from_secs(20))?;
    let err = stderr_of(&mut refused)?;
    assert!(status.is_some_and(|s| !s.success()), "it served plain HTTP on 0.0.0.0: {err}");
    assert!(err.contains("not a loopback address"), "{err}");
    assert!(err.contains("--behind-tls-proxy"), "says what to do: {err}");
    assert!(!data.exists(), "nothing is created for a refused start");

    // Told that a TLS proxy is in front, it serves on every address (loopback among them).
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let listen = format!("0.0.0.0:{port}");
    let mut proxied = serve(&data, &["--listen", &listen, "--behind-tls-proxy"])?;
    let mut up = false;
    for _ in 0..200 {
        if healthy(port) {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let killed = Command::new("kill").args(["-TERM", &proxied.id().to_string()]).status()?;
    let status = exit_within(&mut proxied, Duration::from_secs(20))?;
    let err = stderr_of(&mut proxied)?;
    assert!(up, "it did not serve behind a TLS proxy: {err}");
    assert!(killed.success());
    assert!(status.is_some_and(|s| s.success()), "{status:?}: {err}");
    Ok(())
}

/// The library refuses the same way, before serving anything.
#[test]
fn the_library_refuses_a_public_listener_too() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let (hub, _) = ansinh_hub::open(&tmp.path().join("hub"))?;
    let state = ansinh_hub::AppState::new(hub);
    let listener = rt.block_on(tokio::net::TcpListener::bind("0.0.0.0:0"))?;
    let served = rt.block_on(async {
        tokio::time::timeout(
            Duration::from_secs(10),
            ansinh_hub::run(listener, state, std::future::pending()),
        )
        .await
    });
    let err = served.map_err(|_| "it served plain HTTP on 0.0.0.0")?.err().ok_or("no error")?;
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("--behind-tls-proxy"), "{err}");
    Ok(())
}
