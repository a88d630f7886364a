//! A server and a device on one machine, through the `ansinh` command: register with a
//! one-time token, enqueue, sync; and the USB route: export, import on the server, import-ack.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use ansinh_hub::{AppState, EnrollmentRules, Hub, HubKeys, SqliteStore};

mod common;
use common::json_of;

type R = Result<(), Box<dyn std::error::Error>>;

/// 22 November 2026, 10:00 in Viet Nam: the fixtures' collection day.
const NOW: i64 = 1_795_316_400;

fn ansinh(args: &[&str], stdin_file: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ansinh"));
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    if let Some(f) = stdin_file {
        cmd.stdin(std::fs::File::open(f).unwrap_or_else(|e| panic!("{e}")));
    }
    cmd.output().unwrap_or_else(|e| panic!("run ansinh: {e}"))
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(name)
}

struct Server {
    addr: SocketAddr,
    state: AppState,
    _stop: tokio::sync::oneshot::Sender<()>,
}

fn start(rt: &tokio::runtime::Runtime, dir: &Path) -> Result<Server, Box<dyn std::error::Error>> {
    let (keys, _) = HubKeys::load_or_create(dir)?;
    let store = SqliteStore::open(&dir.join("hub.sqlite"))?;
    let hub = Hub::new(Arc::new(store), keys, Arc::new(EnrollmentRules::new()));
    let state = AppState { hub: Arc::new(hub), clock: Arc::new(|| NOW) };
    let listener = rt.block_on(tokio::net::TcpListener::bind(("127.0.0.1", 0)))?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    rt.spawn(ansinh_hub::run(listener, state.clone(), async move {
        let _ = rx.await;
    }));
    Ok(Server { addr, state, _stop: tx })
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

    let token = server.state.hub.create_token("Bưu điện Hà Đông", 3600, NOW)?;
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
        let out = ansinh(&["enqueue", "--data-dir", &d, "--on", "2026-11-22"], Some(&fixture(f)));
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
    let check = server.state.hub.verify_receipt(qr)?;
    assert!(check.held && check.receipt_no == 1 && check.amount == 330_000, "{check:?}");
    assert!(server.state.hub.verify_receipt(&qr.replace(":330000:", ":3300000:")).is_err());

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
    let imported = server.state.hub.import_bundle_file(&bundle, NOW)?;
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
