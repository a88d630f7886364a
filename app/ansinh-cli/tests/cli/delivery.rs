//! A server and a device on one machine, through the `ansinh` command: register with a
//! one-time token, enqueue, sync; and the USB route: export, import on the server, import-ack.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use ansinh_hub::testing::LoopbackHub;

use crate::common::{enqueue_args, json_of};

type R = Result<(), Box<dyn std::error::Error>>;

/// The hub's time: the system clock, which the command reads too (a hub whose time is days
/// away from the device's stops its enrollment, as the device's clock check should).
fn now() -> i64 {
    ansinh_hub::system_now()
}

fn ansinh(args: &[&str], stdin_file: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ansinh"));
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    if let Some(f) = stdin_file {
        cmd.stdin(std::fs::File::open(f).unwrap_or_else(|e| panic!("{e}")));
    }
    cmd.output().unwrap_or_else(|e| panic!("run ansinh: {e}"))
}

fn fixture(name: &str) -> std::path::PathBuf {
    ansinh_tests::fixtures::path(name)
}

/// A hub on loopback following the system clock (the records are dated by `--on`).
fn start(rt: &tokio::runtime::Runtime, dir: &Path) -> Result<LoopbackHub, ansinh_hub::Error> {
    LoopbackHub::start(rt, dir, 0, None)
}

#[test]
fn register_enqueue_sync_then_usb_carry_out() -> R {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let hub_dir = tempfile::tempdir()?;
    let server = start(&rt, hub_dir.path())?;
    let url = format!("http://{}", server.addr);
    let dev = tempfile::tempdir()?;
    let d = dev.path().to_string_lossy().to_string();

    // Not registered yet: sync says what is missing.
    let out = ansinh(&["sync", "--data-dir", &d, "--json"], None);
    assert_eq!(out.status.code(), Some(2));

    let token = server.state.hub.create_token("Bưu điện Hà Đông", 3600, now())?;
    let out = ansinh(
        &[
            "register",
            "--data-dir",
            &d,
            "--server",
            &url,
            "--token",
            &token,
            "--label",
            "Bưu điện Hà Đông",
            "--json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // A one-time token works once.
    let other = tempfile::tempdir()?;
    let o = other.path().to_string_lossy().to_string();
    let again = ansinh(
        &["register", "--data-dir", &o, "--server", &url, "--token", &token, "--label", "x"],
        None,
    );
    assert_eq!(again.status.code(), Some(1));

    for f in ["enrollment.json", "household.json"] {
        let out = ansinh(&enqueue_args(&d), Some(&fixture(f)));
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let out = ansinh(&["sync", "--data-dir", &d, "--json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let report = json_of(&out);
    assert_eq!(
        (report["acknowledged"].as_u64(), report["status"]["unsent"].as_i64()),
        (Some(2), Some(0))
    );
    // Nothing left to send; a second sync sends nothing and holds nothing twice.
    let report = json_of(&ansinh(&["sync", "--data-dir", &d, "--json"], None));
    assert_eq!(report["acknowledged"].as_u64(), Some(0));
    let q = json_of(&ansinh(&["queue", "--data-dir", &d, "--json"], None));
    assert_eq!(q["counts"]["acknowledged"].as_i64(), Some(2));

    // The citizen's receipt: the server recognises its QR code (the device's key from the
    // registration), the record has arrived, and an altered amount is refused.
    let png = dev.path().join("receipt.png").to_string_lossy().to_string();
    let printed = json_of(&ansinh(
        &["receipt", "--data-dir", &d, "--receipt", "1", "--png", &png, "--json"],
        None,
    ));
    let qr = printed["qr"].as_str().ok_or("no qr")?;
    // A registered device prints a link to its server's public receipt page.
    assert!(qr.starts_with(&server.url().to_ascii_uppercase()), "{qr}");
    let check = server.state.hub.verify_receipt(qr)?;
    assert!(check.held && check.receipt_no == 1 && check.amount == 330_000, "{check:?}");
    let altered = qr.replace("/330000/", "/3300000/");
    assert_ne!(altered, qr);
    assert!(server.state.hub.verify_receipt(&altered).is_err());

    // No network: the next enrollment goes on a USB stick. (The same person again, for
    // November alone, a month the first payment did not cover.)
    let november = dev.path().join("november.json");
    std::fs::write(
        &november,
        std::fs::read_to_string(fixture("enrollment.json"))?
            .replace("\"mode\": \"3\"", "\"mode\": \"1\"")
            .replace("\"start_month\": \"2026-12\"", "\"start_month\": \"2026-11\""),
    )?;
    let out = ansinh(&["enqueue", "--data-dir", &d, "--on", "2026-11-22"], Some(&november));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let usb = tempfile::tempdir()?;
    let bundle = usb.path().join("xa-ha-dong.bundle");
    let b = bundle.to_string_lossy().to_string();
    let exported = json_of(&ansinh(&["export", "--data-dir", &d, "--to", &b, "--json"], None));
    assert_eq!(exported["records"].as_u64(), Some(1));
    // The server's staff run `ansinh-hub import`, which writes the acknowledgement beside it.
    let imported = server.state.hub.import_bundle_file(&bundle, now())?;
    assert_eq!(imported.accepted, 1);
    let ack = usb.path().join("xa-ha-dong.bundle.ack").to_string_lossy().to_string();
    let report = json_of(&ansinh(&["import-ack", "--data-dir", &d, &ack, "--json"], None));
    assert_eq!(report["acknowledged"].as_u64(), Some(1));
    let report = json_of(&ansinh(&["import-ack", "--data-dir", &d, &ack, "--json"], None));
    assert_eq!(
        (report["acknowledged"].as_u64(), report["already_acknowledged"].as_u64()),
        (Some(0), Some(1))
    );
    let q = json_of(&ansinh(&["queue", "--data-dir", &d, "--json"], None));
    assert_eq!(
        (q["counts"]["acknowledged"].as_i64(), q["counts"]["unsent"].as_i64()),
        (Some(3), Some(0))
    );
    Ok(())
}

/// Points the device's registration at `url` (the server moved).
fn move_server(dev: &Path, url: &str) -> R {
    let path = dev.join("registration.json");
    let mut reg: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    reg["server_url"] = url.into();
    std::fs::write(&path, serde_json::to_vec(&reg)?)?;
    Ok(())
}

/// The number of records in `state`, as `ansinh queue` counts them.
fn count(d: &str, state: &str) -> Option<i64> {
    json_of(&ansinh(&["queue", "--data-dir", d, "--json"], None))["counts"][state].as_i64()
}

#[test]
fn queue_enqueue_and_a_second_sync_leave_a_sync_in_flight_alone() -> R {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let hub_dir = tempfile::tempdir()?;
    let server = start(&rt, hub_dir.path())?;
    let hub_url = format!("http://{}", server.addr);
    let dev = tempfile::tempdir()?;
    let d = dev.path().to_string_lossy().to_string();
    let token = server.state.hub.create_token("Bưu điện Hà Đông", 3600, now())?;
    let register =
        ["register", "--data-dir", &d, "--server", &hub_url, "--token", &token, "--label", "Xã A"];
    let out = ansinh(&register, None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = ansinh(&enqueue_args(&d), Some(&fixture("enrollment.json")));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    // The server moves to an address that takes the request and never answers: the sync
    // (another process) stays in flight with its batch out.
    let hung = std::net::TcpListener::bind("127.0.0.1:0")?;
    move_server(dev.path(), &format!("http://{}", hung.local_addr()?))?;
    let mut in_flight = Command::new(env!("CARGO_BIN_EXE_ansinh"))
        .args(["sync", "--data-dir", &d, "--json"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(hung.accept().map(|(stream, _)| stream));
    });
    // Connected: the batch was claimed (committed) before the request went out.
    let _request = rx.recv_timeout(std::time::Duration::from_secs(60))??;
    assert_eq!(count(&d, "sending"), Some(1));

    // Staff look at the queue and take the next citizen meanwhile: the batch stays out.
    let november = dev.path().join("november.json");
    std::fs::write(
        &november,
        std::fs::read_to_string(fixture("enrollment.json"))?
            .replace("\"mode\": \"3\"", "\"mode\": \"1\"")
            .replace("\"start_month\": \"2026-12\"", "\"start_month\": \"2026-11\""),
    )?;
    let out = ansinh(&["enqueue", "--data-dir", &d, "--on", "2026-11-22"], Some(&november));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!((count(&d, "sending"), count(&d, "queued")), (Some(1), Some(1)));
    // A second sync is refused, in the user's language, and sends nothing.
    let second = ansinh(&["sync", "--data-dir", &d, "--lang", "en"], None);
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{err}");
    assert!(err.contains("another process (the kiosk) is sending"), "{err}");
    assert_eq!((count(&d, "sending"), count(&d, "queued")), (Some(1), Some(1)));

    // The syncing process dies with its batch out; the queue still shows it as sent...
    in_flight.kill()?;
    in_flight.wait()?;
    assert_eq!(count(&d, "sending"), Some(1));
    // ...until the next sender takes over: it recovers the batch and sends everything.
    move_server(dev.path(), &hub_url)?;
    let report = json_of(&ansinh(&["sync", "--data-dir", &d, "--json"], None));
    assert_eq!(
        (report["acknowledged"].as_u64(), report["status"]["unsent"].as_i64()),
        (Some(2), Some(0)),
        "{report}"
    );
    Ok(())
}

/// The long options a command's `--help` lists.
fn options_of(subcommand: &str) -> Vec<String> {
    let help = ansinh(&[subcommand, "--help"], None);
    String::from_utf8_lossy(&help.stdout)
        .split_whitespace()
        .filter(|w| w.starts_with("--"))
        .map(|w| w.trim_end_matches(',').to_string())
        .collect()
}

#[test]
fn an_unregistered_device_is_told_the_command_that_registers_it() -> R {
    let dev = tempfile::tempdir()?;
    let d = dev.path().to_string_lossy().to_string();
    let register_options = options_of("register");
    for (lang, says) in [("vi", "chưa đăng ký"), ("en", "not registered")] {
        for command in ["sync", "export"] {
            let mut args = vec![command, "--data-dir", &d, "--lang", lang];
            let usb = dev.path().join("b.bundle").to_string_lossy().to_string();
            if command == "export" {
                args.extend(["--to", &usb]);
            }
            let out = ansinh(&args, None);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{command} --lang {lang}: {err}");
            assert!(err.contains(says), "{command} --lang {lang}: {err}");
            // The command to run, for this data directory, with the options `register` has.
            let shown = err
                .split("ansinh register ")
                .nth(1)
                .ok_or_else(|| format!("no `ansinh register` command shown: {err}"))?;
            assert!(shown.starts_with(&format!("--data-dir {d} --server ")), "{err}");
            let flags: Vec<&str> =
                shown.split_whitespace().filter(|w| w.starts_with("--")).collect();
            for flag in ["--data-dir", "--server", "--token", "--label"] {
                assert!(flags.contains(&flag), "{flag} missing from: {err}");
            }
            for flag in flags {
                assert!(register_options.iter().any(|o| o == flag), "`register` has no {flag}");
            }
        }
    }
    let out = ansinh(&["sync", "--data-dir", &d, "--json"], None);
    assert_eq!(out.status.code(), Some(2));
    let v = json_of(&out);
    assert_eq!(v["error"]["code"], "not_registered");
    assert!(v["error"]["message"].as_str().unwrap_or("").contains("ansinh register --data-dir"));
    Ok(())
}

/// Registers a new device in `dir` with `server`.
fn registered(server: &LoopbackHub, dir: &str) -> R {
    let token = server.state.hub.create_token("Bưu điện Hà Đông", 3600, now())?;
    let url = format!("http://{}", server.addr);
    let out = ansinh(
        &["register", "--data-dir", dir, "--server", &url, "--token", &token, "--label", "x"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    Ok(())
}

fn enqueued(dir: &str, fixture_name: &str) {
    let out = ansinh(&enqueue_args(dir), Some(&fixture(fixture_name)));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The files in `dir` whose names end in `suffix`, sorted.
fn files_in(dir: &Path, suffix: &str) -> Result<Vec<std::path::PathBuf>, std::io::Error> {
    let mut files = vec![];
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.to_string_lossy().ends_with(suffix) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

#[test]
fn a_usb_stick_given_as_a_folder_carries_bundles_and_acknowledgements() -> R {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let hub_dir = tempfile::tempdir()?;
    let server = start(&rt, hub_dir.path())?;
    let (one, two) = (tempfile::tempdir()?, tempfile::tempdir()?);
    let (d1, d2) =
        (one.path().to_string_lossy().to_string(), two.path().to_string_lossy().to_string());
    registered(&server, &d1)?;
    registered(&server, &d2)?;
    let stick = tempfile::tempdir()?;
    let usb = stick.path().to_string_lossy().to_string();

    // Device 1 exports to the stick: a bundle named for it and the time, its path printed.
    enqueued(&d1, "enrollment.json");
    let out = ansinh(&["export", "--data-dir", &d1, "--to", &usb], None);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let first = files_in(stick.path(), ".bundle")?;
    assert_eq!(first.len(), 1, "{first:?}");
    let name = first[0].file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    assert!(name.starts_with("ansinh-device-1-2"), "{name}");
    assert!(text.contains(&first[0].display().to_string()), "{text}");
    let first_bytes = std::fs::read(&first[0])?;
    // Again, with one more record: a second bundle; the first is left as it was.
    enqueued(&d1, "household.json");
    let v = json_of(&ansinh(&["export", "--data-dir", &d1, "--to", &usb, "--json"], None));
    let second = v["files"][0].as_str().ok_or("no file")?.to_string();
    assert_eq!(v["records"].as_u64(), Some(2));
    assert!(second != first[0].display().to_string() && Path::new(&second).exists(), "{v}");
    assert!(std::fs::read(&first[0])? == first_bytes);
    // Device 2 uses the same stick.
    enqueued(&d2, "enrollment.json");
    let v = json_of(&ansinh(&["export", "--data-dir", &d2, "--to", &usb, "--json"], None));
    assert!(v["files"][0].as_str().unwrap_or("").contains("ansinh-device-2-"), "{v}");

    // Before the server has seen the stick: no acknowledgement for this device, exit 2.
    let out = ansinh(&["import-ack", "--data-dir", &d1, &usb, "--lang", "en"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("No acknowledgement"));

    // The server imports every bundle on the stick (`ansinh-hub import /media/usb`).
    for bundle in files_in(stick.path(), ".bundle")? {
        server.state.hub.import_bundle_file(&bundle, now())?;
    }
    // Each device takes its own acknowledgements from the stick.
    let v = json_of(&ansinh(&["import-ack", "--data-dir", &d1, &usb, "--json"], None));
    assert_eq!(
        (
            v["acknowledged"].as_u64(),
            v["files"].as_array().map(Vec::len),
            v["others"].as_array().map(Vec::len)
        ),
        (Some(2), Some(2), Some(1)),
        "{v}"
    );
    let out = ansinh(&["import-ack", "--data-dir", &d2, &usb], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Máy chủ đã nhận 1 hồ sơ"));
    for (d, held) in [(&d1, 2), (&d2, 1)] {
        let q = json_of(&ansinh(&["queue", "--data-dir", d, "--json"], None));
        assert_eq!(
            (q["counts"]["acknowledged"].as_i64(), q["counts"]["unsent"].as_i64()),
            (Some(held), Some(0))
        );
    }
    // Nothing unsent any more: no bundle, only the device's health report (so the hub still
    // hears from it), and the device says so.
    let before = files_in(stick.path(), "")?;
    let out = ansinh(&["export", "--data-dir", &d1, "--to", &usb], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        text.contains("Không có hồ sơ chưa gửi: chỉ ghi báo cáo tình trạng thiết bị"),
        "{text}"
    );
    let new: Vec<_> =
        files_in(stick.path(), "")?.into_iter().filter(|f| !before.contains(f)).collect();
    assert_eq!(new.len(), 1, "{new:?}");
    assert!(
        new[0].extension().is_some_and(|e| e == "health")
            && text.contains(&new[0].display().to_string())
    );
    Ok(())
}

/// `22/11/2026 09:05`, Viet Nam time, from Unix seconds.
fn vietnam_form(at: i64) -> Result<String, Box<dyn std::error::Error>> {
    let t = ansinh_core::policy::VietnamTime::at(at).map_err(|e| format!("{e:?}"))?;
    Ok(t.form().to_string())
}

#[test]
fn sync_exits_non_zero_while_records_stay_unsent_and_says_when_the_next_try_is() -> R {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let hub_dir = tempfile::tempdir()?;
    let server = start(&rt, hub_dir.path())?;
    let dev = tempfile::tempdir()?;
    let d = dev.path().to_string_lossy().to_string();
    registered(&server, &d)?;
    enqueued(&d, "enrollment.json");
    enqueued(&d, "household.json");

    // No network: a port nobody listens on.
    let nowhere = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    move_server(dev.path(), &format!("http://{nowhere}"))?;
    let out = ansinh(&["sync", "--data-dir", &d, "--json"], None);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json_of(&out);
    assert_eq!(report["status"]["unsent"].as_i64(), Some(2), "{report}");
    let next = report["status"]["next_attempt_at"].as_i64().ok_or("no next attempt")?;
    let out = ansinh(&["sync", "--data-dir", &d], None);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("Đã gửi 1 lô, 0 hồ sơ"), "{text}");
    assert!(text.contains("Còn chưa gửi: 2"), "{text}");
    // The second sync, asked for during the first one's back-off, tried again: the next try
    // is its own, after it.
    let line = text
        .lines()
        .find(|l| l.starts_with("Lần tự động gửi lại tiếp theo: "))
        .ok_or_else(|| format!("no next try: {text}"))?;
    assert!(line.ends_with(" (giờ Việt Nam)"), "{line}");
    let shown = line
        .trim_start_matches("Lần tự động gửi lại tiếp theo: ")
        .trim_end_matches(" (giờ Việt Nam)")
        .replace(['\u{2068}', '\u{2069}'], "");
    // A minute or so after the first sync's next try (the back-off doubled), never before.
    let minutes: Vec<String> =
        (0..=60).map(|m| vietnam_form(next + 60 * m)).collect::<Result<_, _>>()?;
    assert!(minutes.contains(&shown), "{line}, first next try {}", minutes[0]);

    // The network is back: everything is sent and the exit is 0.
    move_server(dev.path(), &server.url())?;
    let out = ansinh(&["sync", "--data-dir", &d, "--json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let report = json_of(&out);
    assert_eq!(
        (report["acknowledged"].as_u64(), report["status"]["unsent"].as_i64()),
        (Some(2), Some(0)),
        "{report}"
    );
    assert!(report["status"]["next_attempt_at"].is_null(), "{report}");
    Ok(())
}

/// `ansinh policy install` from a USB stick: a table signed by the hub's policy key is
/// installed, the next `enqueue` is priced with it and `ansinh policy --data-dir` says where it
/// came from and what it changed; the same file again, or a changed one, is refused (exit 2,
/// in the language asked for) and the table in use stays.
#[test]
fn a_signed_table_from_a_usb_stick_prices_the_next_enrollment() -> R {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let hub_dir = tempfile::tempdir()?;
    let server = start(&rt, hub_dir.path())?;
    let dev = tempfile::tempdir()?;
    let d = dev.path().to_string_lossy().to_string();
    registered(&server, &d)?;
    let before = ansinh(&enqueue_args(&d), Some(&fixture("enrollment.json")));
    assert_eq!(before.status.code(), Some(0), "{}", String::from_utf8_lossy(&before.stderr));
    let amount_before =
        String::from_utf8(before.stdout)?.split(' ').nth(2).unwrap_or("").to_string();

    let source = include_str!("../../../ansinh-core/policy/policy.toml")
        .replacen("version = \"VN-2026-12-06\"", "version = \"VN-2026-12-20\"", 1)
        .replacen(
            "near_poor_bp = 4000\nethnic_minority_bp = 3000",
            "near_poor_bp = 4500\nethnic_minority_bp = 3000",
            1,
        );
    let key = server.state.hub.keys().policy_signing.clone().ok_or("no policy key")?;
    let signed = ansinh_hub::policy::sign_table(&source, &key, now())?;
    let stick = dev.path().join("VN-2026-12-20.signed");
    std::fs::write(&stick, &signed)?;
    let file = stick.to_string_lossy().to_string();
    let out = ansinh(&["policy", "install", "--data-dir", &d, &file], None);
    let text = String::from_utf8(out.stdout)?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("Đã cài bảng chính sách VN-2026-12-20"), "{text}");
    assert!(text.contains("Thay đổi so với bảng VN-2026-12-06"), "{text}");
    assert!(text.contains("Nhà nước hỗ trợ (thay đổi) 01/07/2025"), "{text}");

    let mut args = enqueue_args(&d);
    args.push("--confirm-duplicate");
    let after = ansinh(&args, Some(&fixture("enrollment.json")));
    assert_eq!(after.status.code(), Some(0), "{}", String::from_utf8_lossy(&after.stderr));
    let amount_after = String::from_utf8(after.stdout)?.split(' ').nth(2).unwrap_or("").to_string();
    assert!(
        amount_after.parse::<u64>()? < amount_before.parse::<u64>()?,
        "{amount_after} {amount_before}"
    );

    let out = ansinh(&["policy", "--data-dir", &d, "--json"], None);
    let v = json_of(&out);
    assert_eq!(v["version"], "VN-2026-12-20");
    assert_eq!(v["origin"]["source"], "usb");
    assert_eq!(v["previous"], "VN-2026-12-06");
    assert_eq!(v["changes"][0]["param"], "support_national");

    for (lang, says) in [("vi", "không mới hơn"), ("en", "not later than")] {
        let again = ansinh(&["policy", "install", "--data-dir", &d, &file, "--lang", lang], None);
        assert_eq!(again.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&again.stderr).contains(says), "{lang}");
    }
    let mut tampered = signed.clone();
    let at = tampered.len() / 2;
    tampered[at] ^= 1;
    std::fs::write(&stick, &tampered)?;
    let out = ansinh(&["policy", "install", "--data-dir", &d, &file, "--json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json_of(&out)["error"]["code"], "policy_refused");
    let v = json_of(&ansinh(&["policy", "--data-dir", &d, "--json"], None));
    assert_eq!(v["version"], "VN-2026-12-20", "the table in use stays");
    server.stop(&rt)?;
    Ok(())
}
