//! Software update bundles with the real `ansinh-hub update` command: publish (refusing an
//! older or equal version, a file named for another version, a file too small to be a bundle),
//! list, the audit line; then served by a hub on the same data: the offer devices read
//! (`/v1/update/latest`), and the bundle whole or by byte ranges (`206`, `416`).

use sha2::{Digest, Sha256};

use crate::support::*;

/// Bytes that start like a RAUC bundle (squashfs magic), `len` long, never repeating within a
/// database row (so a row read at the wrong place is seen).
fn bundle_bytes(len: usize, seed: u8) -> Vec<u8> {
    let mut bytes: Vec<u8> =
        (0..len).map(|i| (i as u64).wrapping_mul(2_654_435_761).to_le_bytes()[1] ^ seed).collect();
    bytes[..4].copy_from_slice(b"hsqs");
    bytes
}

fn run(data: &std::path::Path, args: &[&str]) -> Res<(bool, String, String)> {
    let out = crate::hub_command(data)?.args(args).output()?;
    Ok((out.status.success(), String::from_utf8(out.stdout)?, String::from_utf8(out.stderr)?))
}

fn header<'g>(got: &'g Got, name: &str) -> Option<&'g str> {
    got.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

fn get_range(url: &str, range: &str) -> Res<Got> {
    let mut r = agent().get(url).header("range", range).call()?;
    let headers = r
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    Ok(Got { status: r.status().as_u16(), headers, body: r.body_mut().read_to_vec()? })
}

#[test]
fn a_bundle_is_published_once_newer_and_served_by_ranges() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("hub");
    let files = tmp.path().join("out");
    std::fs::create_dir_all(&files)?;
    // Two rows and a half of the database.
    let bytes = bundle_bytes(2 * ansinh_hub::BUNDLE_CHUNK_BYTES + 512 * 1024, 7);
    let file = files.join("ansinh-1.2.0.raucb");
    std::fs::write(&file, &bytes)?;
    let f = file.to_str().ok_or("path")?;

    let (ok, stdout, stderr) = run(&data, &["update", "publish", f, "--version", "1.2.0"])?;
    assert!(ok, "{stderr}");
    assert_eq!(stdout, "1.2.0\n");
    let sha = hex::encode(Sha256::digest(&bytes));
    assert!(stderr.contains(&sha) && stderr.contains(&bytes.len().to_string()), "{stderr}");

    // Refused, each saying why, and nothing stored.
    let older = files.join("ansinh-1.1.0.raucb");
    std::fs::write(&older, bundle_bytes(10_000, 1))?;
    let tiny = files.join("ansinh-1.3.0.raucb");
    std::fs::write(&tiny, b"hsqs")?;
    for (path, version, why) in [
        (f, "1.2.0", "not newer than 1.2.0"),
        (older.to_str().ok_or("path")?, "1.1.0", "not newer than 1.2.0"),
        (f, "1.3.0", "named for another version"),
        (tiny.to_str().ok_or("path")?, "1.3.0", "between 4096 bytes and 1 GiB"),
        (f, "1.3", "MAJOR.MINOR.PATCH"),
    ] {
        let (ok, _, stderr) = run(&data, &["update", "publish", path, "--version", version])?;
        assert!(!ok && stderr.contains(why), "{path} {version}: {stderr}");
    }
    let (ok, list, _) = run(&data, &["update", "list"])?;
    assert!(ok);
    assert_eq!(list.lines().count(), 1, "{list}");
    assert!(list.starts_with(&format!("1.2.0  {} bytes  sha256 {sha}", bytes.len())), "{list}");
    let (_, audit, _) = run(&data, &["audit", "--hub"])?;
    let published: Vec<&str> = audit.lines().filter(|l| l.contains("update_published")).collect();
    assert_eq!(published.len(), 1, "{audit}");
    assert!(published[0].contains(&format!("version=1.2.0 size={} sha256={sha}", bytes.len())));

    let rt = runtime()?;
    let server = Server::start(&rt, &data, 0)?;
    let url = server.url();

    // The offer: the newest bundle, unless the device runs it or a later one.
    let offer = get(&format!("{url}/v1/update/latest"), None)?;
    assert_eq!(offer.status, 200);
    let decoded = ansinh_wire::update::decode_offer(&offer.body)?;
    assert_eq!(decoded.version, "1.2.0");
    assert_eq!(decoded.size, bytes.len() as u64);
    assert_eq!(hex::encode(decoded.sha256), sha);
    assert_eq!(get(&format!("{url}/v1/update/latest?have=1.1.9"), None)?.status, 200);
    for have in ["1.2.0", "1.10.0"] {
        let got = get(&format!("{url}/v1/update/latest?have={have}"), None)?;
        assert_eq!((got.status, got.body.len()), (204, 0), "{have}");
    }

    // The whole bundle, and ranges anywhere, across rows, to the end.
    let at = format!("{url}/v1/update/bundle/1.2.0");
    let whole = get(&at, None)?;
    assert_eq!(whole.status, 200);
    assert!(whole.body == bytes, "the whole bundle differs");
    assert_eq!(header(&whole, "accept-ranges"), Some("bytes"));
    assert_eq!(header(&whole, "cache-control"), Some("no-store"));
    let size = bytes.len();
    let row = ansinh_hub::BUNDLE_CHUNK_BYTES;
    for (range, from, to) in [
        ("bytes=0-99".to_string(), 0, 99),
        (format!("bytes={}-{}", row - 10, row + 9), row - 10, row + 9),
        (format!("bytes={}-", 2 * row + 5), 2 * row + 5, size - 1),
        ("bytes=-10".to_string(), size - 10, size - 1),
        (format!("bytes=100-{}", size + 1000), 100, size - 1),
    ] {
        let got = get_range(&at, &range)?;
        assert_eq!(got.status, 206, "{range}");
        assert!(got.body == bytes[from..=to], "{range}: other bytes");
        let expected = format!("bytes {from}-{to}/{size}");
        assert_eq!(header(&got, "content-range"), Some(expected.as_str()), "{range}");
    }
    let beyond = get_range(&at, &format!("bytes={size}-"))?;
    assert_eq!(beyond.status, 416);
    assert_eq!(header(&beyond, "content-range"), Some(format!("bytes */{size}").as_str()));
    assert_eq!(get(&format!("{url}/v1/update/bundle/9.9.9"), None)?.status, 404);
    server.stop(&rt)?;
    Ok(())
}
