//! The `ansinh-hub` command as staff script it: a token captured with `$(...)`, the first
//! start and a stop by SIGTERM, a collection list exported to a file.

use std::process::Command;
use std::time::Duration;

use crate::support::*;

#[test]
fn a_token_is_the_whole_standard_output_and_registers_a_device() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("hub");
    let mut tokens = vec![];
    // The first run also creates the keys and says so; neither run may put it on stdout.
    for label in ["Bưu điện Hà Đông", "Xã A"] {
        let out = crate::hub_command(&data)?.args(["token", "--label", label]).output()?;
        let (stdout, stderr) = (String::from_utf8(out.stdout)?, String::from_utf8(out.stderr)?);
        assert!(out.status.success(), "{stderr}");
        // What `TOKEN=$(ansinh-hub token ...)` keeps: the token, on one line, and nothing else.
        let token = stdout.strip_suffix('\n').ok_or("no newline")?;
        // SECRET.FINGERPRINT: 32 hex digits each, the fingerprint that of this hub's keys.
        let parsed = ansinh_wire::provisioning::ProvisioningToken::parse(token)?;
        assert_eq!(parsed.to_text(), token, "stdout is not one token: {stdout:?}");
        assert!(parsed.fingerprint.is_some(), "no key fingerprint: {stdout:?}");
        // The advice goes to stderr: the whole command for the device, with this token.
        let advice = stderr.lines().find(|l| l.contains("ansinh register")).unwrap_or_default();
        assert!(
            advice.contains(&format!(
                "ansinh register --data-dir DIR --server https://HOST --token {token} --label "
            )) && advice.contains(label),
            "{stderr}"
        );
        tokens.push(token.to_string());
    }
    let rt = runtime()?;
    let server = Server::start(&rt, &data, 0)?;
    for (i, token) in tokens.iter().enumerate() {
        let dir = ansinh_device::DataDir::open(tmp.path().join(format!("device{i}")))?;
        ansinh_uploader::register(&dir, &server.url(), token, "x")?;
    }
    server.stop(&rt)?;
    Ok(())
}

#[test]
fn first_start_makes_private_keys_and_serve_stops_on_sigterm() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("hub");
    let out = crate::hub_command(&data)?.args(["token", "--label", "Xã A"]).output()?;
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr)?;
    for f in ["sealing.key", "signing.key", "admin.token", "config.key"] {
        let path = data.join("keys").join(f);
        assert!(err.contains(&path.display().to_string()), "{f} not named: {err}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
        }
    }
    assert!(err.contains("Back up"));
    let token = String::from_utf8(out.stdout)?.trim().to_string();
    assert_eq!(token.len(), 32 + 1 + 32, "SECRET.FINGERPRINT: {token}");

    // One command to start; SIGTERM stops it cleanly.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut child = crate::hub_command(&data)?
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let url = format!("http://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..200 {
        if get(&format!("{url}/healthz"), None).is_ok_and(|g| g.status == 200) {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let registered = if up {
        let dir = ansinh_device::DataDir::open(tmp.path().join("device"))?;
        ansinh_uploader::register(&dir, &url, &token, "Xã A").map(|r| r.device_id).ok()
    } else {
        None
    };
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status()?;
    let status = child.wait()?;
    assert!(up, "the server did not come up");
    assert_eq!(registered, Some(1));
    assert!(killed.success());
    assert!(status.success(), "exit status after SIGTERM: {status:?}");
    // No new keys on the second start.
    let again = crate::hub_command(&data)?.arg("keys").output()?;
    assert!(String::from_utf8(again.stderr)?.is_empty());
    Ok(())
}

/// The D05-TS list from the command line is the list the hub holds (the same list over HTTP,
/// as CSV and XLSX, is checked in ansinh-tests' `end_to_end/reports.rs`).
#[test]
fn the_d05_list_from_the_command_line_is_the_hubs() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let (server, _) = populated(&rt, tmp.path())?;

    // The same list from the command line.
    let out = tmp.path().join("d05.csv");
    let status = crate::hub_command(&tmp.path().join("hub"))?
        .args(["export", "d05", "--month", MONTH, "--out"])
        .arg(&out)
        .output()?;
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    assert_eq!(std::fs::read_to_string(&out)?, text_of_d05(&server)?);
    // And as XML for electronic submission: the same rows, written by the same writer; the
    // D03-TS list has no XML form and says so.
    let export = |list: &str, out: &std::path::Path| -> Res<std::process::Output> {
        Ok(crate::hub_command(&tmp.path().join("hub"))?
            .args(["export", list, "--month", MONTH, "--out"])
            .arg(out)
            .output()?)
    };
    let xml = tmp.path().join("d05.xml");
    let status = export("d05", &xml)?;
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let rows = server.hub().list_rows(ansinh_hub::List::D05, None, MONTH)?;
    let want = ansinh_hub::exports::to_xml(ansinh_hub::List::D05, MONTH, None, &rows)?;
    assert_eq!(std::fs::read(&xml)?, want);
    assert_eq!(String::from_utf8(want)?.matches("<NguoiThamGia>").count(), rows.len());
    let d03 = export("d03", &tmp.path().join("d03.xml"))?;
    assert!(!d03.status.success());
    assert!(String::from_utf8(d03.stderr)?.contains("only D05-TS has an XML form"));
    server.stop(&rt)?;

    // The export is in the hub's own log, and the device's trail came with its records.
    let audit = |args: &[&str]| -> Res<serde_json::Value> {
        let out = crate::hub_command(&tmp.path().join("hub"))?
            .arg("audit")
            .args(args)
            .arg("--json")
            .output()?;
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        Ok(serde_json::from_slice(&out.stdout)?)
    };
    let hub = audit(&["--hub"])?;
    let first = &hub["actions"][0];
    assert_eq!(
        (first["actor"].as_str(), first["action"].as_str()),
        (Some("command line"), Some("export"))
    );
    assert!(first["detail"].as_str().unwrap_or("").contains("list=D05-TS"), "{hub}");
    let device = audit(&["--device", "1"])?;
    let entries = device["entries"].as_array().map_or(0, Vec::len);
    assert!(entries >= 10, "the enqueues of the device's 10 records: {device}");
    assert_eq!(device["entries"][0]["seq"], 1);
    assert_eq!(device["refused"].as_array().map(Vec::len), Some(0));
    Ok(())
}

fn text_of_d05(server: &Server) -> Res<String> {
    let rows = server.hub().list_rows(ansinh_hub::List::D05, None, MONTH)?;
    Ok(String::from_utf8(ansinh_hub::exports::to_csv(ansinh_hub::List::D05, &rows)?)?)
}

/// Staff assign a device with its token (collection point, communes, agents), see it in
/// `devices`, change it with `device assign`; a bad commune code is refused; a record outside
/// the assignment is accepted and listed by `problems`.
#[test]
fn devices_are_assigned_with_their_token_and_reassigned() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("hub");
    let run = |args: &[&str]| -> Res<(bool, String, String)> {
        let out = crate::hub_command(&data)?.args(args).output()?;
        Ok((out.status.success(), String::from_utf8(out.stdout)?, String::from_utf8(out.stderr)?))
    };
    let (ok, _, err) = run(&["token", "--label", "x", "--commune", "123"])?;
    assert!(!ok && err.contains("not a commune code"), "{err}");
    let (ok, _, err) = run(&["token", "--label", "x", "--agent", "DL-0001"])?;
    assert!(!ok && err.contains("CODE:NAME"), "{err}");
    let (ok, token, err) = run(&[
        "token",
        "--label",
        "Xã A",
        "--collection-point",
        "Bưu điện xã A",
        "--commune",
        HOUSEHOLD_COMMUNE,
        "--agent",
        "DL-0001:Nguyễn Văn A",
    ])?;
    assert!(ok, "{err}");

    let rt = runtime()?;
    let server = Server::start(&rt, &data, 0)?;
    let dir = device(tmp.path(), "device", &server.url(), token.trim())?;
    let id = dir.registration()?.ok_or("registered")?.device_id.to_string();
    // The fixture's voluntary enrollment: another commune, another agent.
    enqueue(&dir, 1)?;
    let policy = ansinh_uploader::RetryPolicy::default();
    let reports = sync_until_done(&dir, &server.url(), &test_clock(), &policy, 2)?;
    assert_eq!(reports[0].acknowledged, 1);

    let (ok, out, err) = run(&["devices"])?;
    assert!(ok, "{err}");
    assert!(
        out.contains("Bưu điện xã A")
            && out.contains(HOUSEHOLD_COMMUNE)
            && out.contains("DL-0001 Nguyễn Văn A"),
        "{out}"
    );
    let (ok, out, _) = run(&["problems"])?;
    assert!(ok && out.contains("review:unassigned_commune,unassigned_agent"), "{out}");
    let (ok, out, err) = run(&["device", "assign", &id, "--commune", VOLUNTARY_COMMUNE])?;
    assert!(
        ok && out.contains(VOLUNTARY_COMMUNE) && !out.contains(HOUSEHOLD_COMMUNE),
        "{out}{err}"
    );
    let (ok, out, _) = run(&["devices"])?;
    assert!(ok && out.contains(VOLUNTARY_COMMUNE) && !out.contains("DL-0001"), "{out}");
    let (ok, _, err) = run(&["device", "assign", "999", "--commune", VOLUNTARY_COMMUNE])?;
    assert!(!ok && err.contains("no device 999"), "{err}");
    server.stop(&rt)?;
    Ok(())
}

/// Issue "Trust" 4: `verify-receipt` opens the record the receipt names and compares: a code
/// with the device's genuine MAC but another amount (or receipt number) than the record's is
/// said to differ, with a non-zero exit; the genuine code passes.
#[test]
fn verify_receipt_says_what_differs_from_the_record() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("hub");
    let rt = runtime()?;
    let server = Server::start(&rt, &data, 0)?;
    let dir = device(tmp.path(), "device", &server.url(), &server.token()?)?;
    let ids = enqueue(&dir, 1)?;
    let policy = ansinh_uploader::RetryPolicy::default();
    sync_until_done(&dir, &server.url(), &test_clock(), &policy, 2)?;
    let (outbox, _) = dir.outbox()?;
    let row = outbox.get(1)?;
    let key = dir.receipt_key()?;
    let genuine = ansinh_wire::receipt_qr::Fields {
        record_id: ids[0],
        receipt_no: 1,
        amount: row.summary.amount,
        device_id: dir.registration()?.ok_or("registered")?.device_id,
    };
    let check = |fields: &ansinh_wire::receipt_qr::Fields| -> Res<(bool, serde_json::Value)> {
        let payload = ansinh_wire::receipt_qr::payload(fields, &key)?;
        let out =
            crate::hub_command(&data)?.args(["verify-receipt", "--json", &payload]).output()?;
        Ok((out.status.success(), serde_json::from_slice(&out.stdout)?))
    };
    let (ok, json) = check(&genuine)?;
    assert!(ok, "{json}");
    assert_eq!(
        (json["held"].clone(), json["mismatches"].clone()),
        (true.into(), serde_json::json!([]))
    );
    let more = ansinh_wire::receipt_qr::Fields { amount: genuine.amount + 100_000, ..genuine };
    let (ok, json) = check(&more)?;
    assert!(!ok, "a changed amount passed: {json}");
    assert_eq!(json["mismatches"], serde_json::json!(["amount"]));
    let other = ansinh_wire::receipt_qr::Fields { receipt_no: 7, ..genuine };
    let (ok, json) = check(&other)?;
    assert!(!ok);
    assert_eq!(json["mismatches"], serde_json::json!(["receipt_no"]));
    server.stop(&rt)?;
    Ok(())
}

/// `config sign` writes FILE.sig with the hub's configuration key; a device registered with
/// this hub accepts the stick's file with it, and refuses the file changed or the signature of
/// another hub.
#[test]
fn a_signed_usb_configuration_is_accepted_by_this_hubs_devices_only() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("hub");
    let file = tmp.path().join("ansinh.toml");
    let text = "collection_point = \"Chợ Hà Đông\"\nidle_seconds = 120\n";
    std::fs::write(&file, text)?;
    let sign = |data: &std::path::Path| -> TestResult {
        let out = crate::hub_command(data)?.args(["config", "sign"]).arg(&file).output()?;
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        Ok(())
    };
    sign(&data)?;
    let signature = std::fs::read(tmp.path().join("ansinh.toml.sig"))?;

    let rt = runtime()?;
    let server = Server::start(&rt, &data, 0)?;
    let dir = ansinh_device::DataDir::open(tmp.path().join("device"))?;
    ansinh_uploader::register(&dir, &server.url(), &server.token()?, "x")?;
    server.stop(&rt)?;
    let reg = dir.registration()?;
    let usb =
        ansinh_device::config::Config::from_usb(text.as_bytes(), Some(&signature), reg.as_ref())?;
    assert_eq!(usb.idle_seconds, Some(120));
    let changed = text.replace("120", "3600");
    assert!(
        ansinh_device::config::Config::from_usb(changed.as_bytes(), Some(&signature), reg.as_ref())
            .is_err()
    );
    sign(&tmp.path().join("other-hub"))?;
    let foreign = std::fs::read(tmp.path().join("ansinh.toml.sig"))?;
    assert!(
        ansinh_device::config::Config::from_usb(text.as_bytes(), Some(&foreign), reg.as_ref())
            .is_err()
    );
    Ok(())
}

fn hub_command(data: &std::path::Path, args: &[&std::ffi::OsStr]) -> Res<(bool, String, String)> {
    let out = crate::hub_command(data)?.args(args).output()?;
    Ok((out.status.success(), String::from_utf8(out.stdout)?, String::from_utf8(out.stderr)?))
}

/// The policy key's private half kept offline: a table is signed there (`policy sign --key`)
/// and the signed file published on the hub, which has only the public half; a TOML table is
/// then refused on the hub (nothing to sign it with), and devices take the published table.
#[test]
fn a_table_signed_offline_is_published_and_reaches_a_device() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("hub");
    let (ok, token, err) =
        hub_command(&data, &["token".as_ref(), "--label".as_ref(), "Xã A".as_ref()])?;
    assert!(ok, "{err}");
    assert!(err.contains("policy-signing.key"), "the new key is announced: {err}");
    let offline = tmp.path().join("offline.key");
    std::fs::rename(data.join("keys/policy-signing.key"), &offline)?;
    let source = include_str!("../../../ansinh-core/policy/policy.toml").replacen(
        "version = \"VN-2026-12-06\"",
        "version = \"VN-2026-12-20\"",
        1,
    );
    let table = tmp.path().join("VN-2026-12-20.toml");
    std::fs::write(&table, source)?;
    let (ok, _, err) =
        hub_command(&data, &["policy".as_ref(), "publish".as_ref(), table.as_os_str()])?;
    assert!(!ok && err.contains("policy sign --key"), "{err}");
    let signed = tmp.path().join("VN-2026-12-20.signed");
    let (ok, _, err) = hub_command(
        &data,
        &[
            "policy".as_ref(),
            "sign".as_ref(),
            "--key".as_ref(),
            offline.as_os_str(),
            table.as_os_str(),
            "-o".as_ref(),
            signed.as_os_str(),
        ],
    )?;
    assert!(ok, "{err}");
    let (ok, out, err) =
        hub_command(&data, &["policy".as_ref(), "publish".as_ref(), signed.as_os_str()])?;
    assert_eq!((ok, out.as_str()), (true, "VN-2026-12-20\n"), "{err}");
    let (ok, _, err) =
        hub_command(&data, &["policy".as_ref(), "publish".as_ref(), signed.as_os_str()])?;
    assert!(!ok && err.contains("not later"), "published once: {err}");
    let (_, list, _) = hub_command(&data, &["policy".as_ref(), "list".as_ref()])?;
    assert!(list.starts_with("VN-2026-12-20  valid until 2026-12-31"), "{list}");
    // A new key pair for another hub: never over an existing file.
    let other = tmp.path().join("other.key");
    let (ok, public, _) = hub_command(
        &data,
        &["policy".as_ref(), "keygen".as_ref(), "--out".as_ref(), other.as_os_str()],
    )?;
    assert!(ok && public.trim().len() == 64);
    assert_eq!(std::fs::read_to_string(tmp.path().join("other.key.pub"))?, public.trim());
    let (ok, _, _) = hub_command(
        &data,
        &["policy".as_ref(), "keygen".as_ref(), "--out".as_ref(), other.as_os_str()],
    )?;
    assert!(!ok);

    let rt = runtime()?;
    let server = Server::start(&rt, &data, 0)?;
    let dir = ansinh_device::DataDir::open(tmp.path().join("device"))?;
    ansinh_uploader::register(&dir, &server.url(), token.trim(), "x")?;
    let mut transport =
        ansinh_uploader::HttpTransport::new(&server.url(), Duration::from_secs(10))?;
    let fetched = ansinh_uploader::policy::fetch_policy(&dir, &mut transport, &test_clock())?;
    assert_eq!(
        fetched,
        ansinh_uploader::policy::PolicyFetch::Installed { version: "VN-2026-12-20".into() }
    );
    server.stop(&rt)?;
    Ok(())
}
