//! Receipts and the shift report through the `ansinh` command, as an agent at the counter
//! would: a reprint to PNG, to an ESC/POS file and to a (loopback) network printer, the QR code
//! verifying with the device's key; a voided receipt refused; the shift report's totals.

use std::path::Path;

use ansinh_escpos::fake::{FakePrinter, State, parse};

use crate::common::{demo_enqueue_args, json_of, run};

type R = Result<(), Box<dyn std::error::Error>>;

fn fixture_text(name: &str) -> String {
    ansinh_tests::fixtures::text(name).unwrap_or_default()
}

fn enqueue(dir: &Path, fixture: &str) -> i64 {
    let json = fixture_text(fixture);
    let d = dir.to_string_lossy();
    let out = run(&demo_enqueue_args(&d), &json);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .nth(1)
        .and_then(|w| w.parse().ok())
        .unwrap_or(-1)
}

#[test]
fn a_reprint_to_png_escpos_and_a_printer() -> R {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().to_string_lossy().to_string();
    let no = enqueue(tmp.path(), "enrollment.json");
    let printer = FakePrinter::start(State::Ready)?;
    let (png, escpos) = (tmp.path().join("r.png"), tmp.path().join("r.bin"));
    let out = run(
        &[
            "receipt",
            "--data-dir",
            &d,
            "--receipt",
            &no.to_string(),
            "--png",
            &png.to_string_lossy(),
            "--escpos",
            &escpos.to_string_lossy(),
            "--printer",
            &printer.address(),
            "--json",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out);
    assert_eq!(v["copy"], true, "a reprint says so");
    assert_eq!(v["width_dots"], 384);
    assert_eq!(v["printer_status"], "ready");

    // The QR payload verifies with this device's receipt key and carries the amount.
    let key = ansinh_device::DataDir::open(tmp.path())?.receipt_key()?;
    let fields = ansinh_wire::receipt_qr::verify(v["qr"].as_str().ok_or("qr")?, &key)?;
    assert_eq!((fields.receipt_no, fields.amount), (no.unsigned_abs(), 330_000));

    // The ESC/POS file and the network printer got the same picture as the PNG.
    let from_file = parse(&std::fs::read(&escpos)?);
    assert_eq!(from_file.len(), 1);
    assert_eq!(u64::from(from_file[0].height), v["height_dots"].as_u64().ok_or("height")?);
    let mut got = printer.printed();
    for _ in 0..100 {
        if !got.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        got = printer.printed();
    }
    assert_eq!(got.len(), 1);
    assert!(got[0].rows == from_file[0].rows && got[0].cut);
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png)?));
    let mut reader = decoder.read_info()?;
    let mut buf = vec![0; reader.output_buffer_size().ok_or("size")?];
    let info = reader.next_frame(&mut buf)?;
    let inverted: Vec<u8> = buf[..info.buffer_size()].iter().map(|b| !b).collect();
    assert!(inverted == from_file[0].rows, "the PNG is the printed picture");
    Ok(())
}

#[test]
fn a_voided_receipt_is_not_reprinted_and_the_shift_adds_up() -> R {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().to_string_lossy().to_string();
    let first = enqueue(tmp.path(), "enrollment.json");
    enqueue(tmp.path(), "household.json");
    let void = run(
        &["void", "--data-dir", &d, "--receipt", &first.to_string(), "--reason", "Nhập nhầm"],
        "",
    );
    assert_eq!(void.status.code(), Some(0), "{}", String::from_utf8_lossy(&void.stderr));

    let png = tmp.path().join("x.png").to_string_lossy().to_string();
    let out = run(
        &["receipt", "--data-dir", &d, "--receipt", &first.to_string(), "--png", &png, "--json"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("voided"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = run(&["receipt", "--data-dir", &d, "--receipt", "99", "--png", &png], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Không có biên lai số 99"));

    let csv = tmp.path().join("shift.csv");
    let report_png = tmp.path().join("shift.png");
    let out = run(
        &[
            "shift-report",
            "--data-dir",
            &d,
            "--from",
            "2026-11-22",
            "--csv",
            &csv.to_string_lossy(),
            "--png",
            &report_png.to_string_lossy(),
            "--json",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out);
    assert_eq!(v["receipts"], 2);
    assert_eq!(v["collected"], 330_000 + 3_142_260);
    assert_eq!(v["voids"][0]["receipt_no"], first);
    assert_eq!(v["voids"][0]["reason"], "Nhập nhầm");
    assert_eq!(v["cash_to_hand_in"], 3_142_260);
    assert_eq!(v["by_scheme"]["household-bhyt"]["amount"], 3_142_260);
    assert_eq!(v["reconciled"], true);
    let text = std::fs::read_to_string(&csv)?;
    assert!(text.contains(&format!("huy,{first},")) && text.contains("tong_nop,2,,,,,3142260,"));
    assert!(std::fs::metadata(&report_png)?.len() > 1000);

    // A second agent's receipt: each agent's shift holds only theirs.
    let fixture = ansinh_tests::fixtures::text("enrollment.json")?;
    let mut second = demo_enqueue_args(&d);
    let agent = second.iter().position(|a| *a == "DL-0007").unwrap_or(0);
    second[agent] = "DL-0008";
    second.push("--confirm-duplicate");
    assert_eq!(run(&second, &fixture).status.code(), Some(0));
    let shift = |agent: &str| {
        let args =
            ["shift-report", "--data-dir", &d, "--from", "2026-11-22", "--agent", agent, "--json"];
        json_of(&run(&args, ""))
    };
    let (seventh, eighth) = (shift("DL-0007"), shift("DL-0008"));
    assert_eq!((seventh["receipts"].as_i64(), eighth["receipts"].as_i64()), (Some(2), Some(1)));
    assert_eq!(
        (seventh["reconciled"].as_bool(), eighth["reconciled"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(eighth["collected"], 330_000);
    Ok(())
}

/// The receipt of `receipt_no` as this device draws it, as PNG bytes, with the collection point
/// and agent code replaced by `point` when given.
fn drawn(
    dir: &Path,
    receipt_no: i64,
    point: Option<(&str, &str)>,
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let data = ansinh_device::DataDir::open(dir)?;
    let (outbox, _) = data.outbox()?;
    let mut row = outbox.get(receipt_no)?;
    if let Some((name, agent)) = point {
        row.summary.collection_point = name.into();
        row.summary.agent_code = agent.into();
    }
    let (picture, _) =
        ansinh_device::receipt::draw(&data, &row, true, ansinh_receipt::Width::Mm58)?;
    Ok(picture.to_png()?)
}

#[test]
fn the_receipt_shows_the_collection_point_and_agent_the_device_remembers() -> R {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().to_string_lossy().to_string();
    let json = fixture_text("enrollment.json");
    let enqueue = |extra: &[&str]| {
        let mut args = vec!["enqueue", "--demo", "--data-dir", &d, "--on", "2026-11-22"];
        args.extend_from_slice(extra);
        run(&args, &json)
    };

    // A device never told where it collects refuses, naming both settings, in both languages.
    let out = enqueue(&[]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("điểm thu (--collection-point)") && err.contains("(--agent-code)"),
        "{err}"
    );
    let out = enqueue(&["--lang", "en"]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(err.contains("collection point") && err.contains("--agent-code"), "{err}");
    // Only the agent missing: only the agent named.
    let out = enqueue(&["--collection-point", "Bưu điện Hà Đông", "--json"]);
    let v = json_of(&out);
    assert_eq!((out.status.code(), v["error"]["field"].as_str()), (Some(2), Some("agent-code")));
    assert!(!v["error"]["message"].as_str().unwrap_or("").contains("--collection-point"), "{v}");
    let q = json_of(&run(&["queue", "--data-dir", &d, "--json"], ""));
    assert_eq!(q["counts"]["queued"], 0, "nothing committed without them");

    // Given once (`--agent` is short for `--agent-code`), the device remembers them.
    let out = enqueue(&["--collection-point", "Bưu điện Hà Đông", "--agent", "DL-0007"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // The same person again on purpose (staff confirm the second payment).
    let out = enqueue(&["--json", "--confirm-duplicate"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let v = json_of(&out);
    assert_eq!(
        (v["collection_point"].as_str(), v["agent_code"].as_str()),
        (Some("Bưu điện Hà Đông"), Some("DL-0007"))
    );

    // The receipt of the record enqueued without them shows them: in its data and its picture.
    let png = tmp.path().join("r2.png");
    let out = run(
        &["receipt", "--data-dir", &d, "--receipt", "2", "--png", &png.to_string_lossy(), "--json"],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out);
    assert_eq!(
        (v["collection_point"].as_str(), v["agent_code"].as_str()),
        (Some("Bưu điện Hà Đông"), Some("DL-0007"))
    );
    let printed = std::fs::read(&png)?;
    assert!(printed == drawn(tmp.path(), 2, Some(("Bưu điện Hà Đông", "DL-0007")))?);
    assert!(printed != drawn(tmp.path(), 2, Some(("", "")))?, "the picture shows them");

    // New flags replace the remembered ones for this and later records.
    let out = enqueue(&["--agent-code", "DL-0008", "--confirm-duplicate"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&enqueue(&["--json", "--confirm-duplicate"]));
    assert_eq!(
        (v["collection_point"].as_str(), v["agent_code"].as_str()),
        (Some("Bưu điện Hà Đông"), Some("DL-0008"))
    );
    Ok(())
}

#[test]
fn enqueue_uses_the_collection_point_the_kiosk_saved() -> R {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().to_string_lossy().to_string();
    {
        // As the kiosk's settings screen saves them, in the same data directory.
        let (mut outbox, _) = ansinh_device::DataDir::open(tmp.path())?.outbox()?;
        outbox.set_setting("kiosk.collection_point", "UBND xã Thanh Trì")?;
        outbox.set_setting("kiosk.agent_code", "DL-0001")?;
    }
    let out = run(
        &["enqueue", "--demo", "--data-dir", &d, "--on", "2026-11-22", "--json"],
        &fixture_text("household.json"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let v = json_of(&out);
    assert_eq!(
        (v["collection_point"].as_str(), v["agent_code"].as_str()),
        (Some("UBND xã Thanh Trì"), Some("DL-0001"))
    );
    Ok(())
}
