//! The device commands as staff use them: validate, enqueue, queue, queue verify, void and
//! release; and the outbox on disk holds no name or personal ID in clear.

use std::path::Path;

use crate::common::{demo_enqueue_args, enqueue_args, json_of, run};

type R = Result<(), Box<dyn std::error::Error>>;

fn fixture(name: &str) -> String {
    ansinh_tests::fixtures::text(name).unwrap_or_else(|e| panic!("{e}"))
}

fn enqueue(dir: &Path, fixture_name: &str) -> (String, i64) {
    let d = dir.to_string_lossy();
    let out = run(&demo_enqueue_args(&d), &fixture(fixture_name));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let line = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(line.lines().count(), 1, "one line: {line}");
    let mut words = line.split_whitespace();
    let id = words.next().unwrap_or_default().to_string();
    let receipt = words.next().and_then(|w| w.parse().ok()).unwrap_or(-1);
    assert_eq!(id.len(), 32, "the line starts with the record id: {line}");
    (id, receipt)
}

#[test]
fn the_fixtures_validate_and_print_the_normalised_record() {
    for name in ["enrollment.json", "household.json"] {
        let out = run(&["validate", "--on", "2026-11-22", "--json"], &fixture(name));
        assert_eq!(out.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&out.stdout));
        let v = json_of(&out);
        assert!(v["scheme"].is_string());
    }
    let v =
        json_of(&run(&["validate", "--on", "2026-11-22", "--json"], &fixture("enrollment.json")));
    assert_eq!(v["person"]["full_name"], "NGUYỄN THỊ HỒNG NHUNG");
    assert_eq!(v["person"]["phone"], "0912345678");
}

#[test]
fn an_invalid_record_lists_every_problem_and_exits_2() {
    let bad = fixture("enrollment.json")
        .replace("\"0912 345 678\"", "\"12\"")
        .replace("\"001179012345\"", "\"001079012345\"")
        .replace("\"income\": 2000000", "\"income\": 100");
    let out = run(&["validate", "--on", "2026-11-22", "--json"], &bad);
    assert_eq!(out.status.code(), Some(2));
    let v = json_of(&out);
    let got: Vec<(String, String)> = v["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or("").into(),
                        e["code"].as_str().unwrap_or("").into(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        got,
        [
            ("person.personal_id".to_string(), "id_sex_century_mismatch".to_string()),
            ("person.phone".into(), "bad_phone".into()),
            ("choices.income".into(), "income_out_of_range".into()),
        ]
    );
    assert!(v["errors"][0]["message"].as_str().unwrap_or("").starts_with("Số định danh cá nhân:"));
    // Enqueue refuses it the same way and writes nothing.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path().to_string_lossy();
    let out = run(&["enqueue", "--demo", "--data-dir", &d, "--on", "2026-11-22"], &bad);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Lỗi (person.phone)"));
    let q = json_of(&run(&["queue", "--data-dir", &d, "--json"], ""));
    assert_eq!(q["counts"]["queued"], 0);
}

#[test]
fn enqueue_queue_verify_void_release() -> R {
    let dir = tempfile::tempdir()?;
    let d = dir.path().to_string_lossy().to_string();
    let (first, r1) = enqueue(dir.path(), "enrollment.json");
    let (_, r2) = enqueue(dir.path(), "household.json");
    assert_eq!((r1, r2), (1, 2), "receipt numbers are gapless");

    let q = json_of(&run(&["queue", "--data-dir", &d, "--json"], ""));
    assert_eq!(
        (q["counts"]["queued"].as_i64(), q["key_source"].as_str()),
        (Some(2), Some("development"))
    );
    let records = q["records"].as_array().cloned().unwrap_or_default();
    let voluntary = records.iter().find(|r| r["receipt_no"] == 1).cloned().unwrap_or_default();
    assert_eq!(voluntary["record_id"], first.as_str());
    // Near-poor in Hà Nội, 3 months at 2,000,000: 1,320,000 − 396,000 − 594,000.
    assert_eq!(
        (voluntary["amount"].as_u64(), voluntary["gross"].as_u64()),
        (Some(330_000), Some(1_320_000))
    );
    assert_eq!(voluntary["masked_name"], "NGUYỄN T** H*** N****");
    let household = records.iter().find(|r| r["receipt_no"] == 2).cloned().unwrap_or_default();
    assert_eq!(
        (household["amount"].as_u64(), household["mode"].as_str()),
        (Some(3_142_260), Some("bhyt-12"))
    );

    let out = run(&["queue", "verify", "--data-dir", &d, "--json"], "");
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_eq!(
        (v["ok"].as_bool(), v["records"].as_i64(), v["opened_and_decoded"].as_i64()),
        (Some(true), Some(2), Some(2))
    );

    // Staff void the household record before upload, with a reason.
    let out =
        run(&["void", "--data-dir", &d, "--receipt", "2", "--reason", "Khách đổi ý", "--json"], "");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let out = run(&["void", "--data-dir", &d, "--receipt", "2", "--reason", "again", "--json"], "");
    assert_eq!(
        (out.status.code(), json_of(&out)["error"]["code"].as_str()),
        (Some(2), Some("wrong_state"))
    );
    let out = run(&["void", "--data-dir", &d, "--receipt", "9", "--reason", "x", "--json"], "");
    assert_eq!(json_of(&out)["error"]["code"], "receipt_not_found");
    let out = run(&["queue", "release", "--receipt", "1", "--data-dir", &d, "--json"], "");
    assert_eq!(
        json_of(&out)["error"]["code"],
        "wrong_state",
        "only quarantined records are released"
    );
    let q = json_of(&run(&["queue", "--data-dir", &d, "--json"], ""));
    assert_eq!(
        (q["counts"]["queued"].as_i64(), q["counts"]["voided"].as_i64()),
        (Some(1), Some(1))
    );
    // The next enqueue gets the next number: voids leave no gap. (The voided household's
    // payment no longer counts: taking it again is not a double payment.)
    assert_eq!(enqueue(dir.path(), "household.json").1, 3);
    Ok(())
}

#[test]
fn the_same_person_paying_again_is_refused_until_staff_confirm() -> R {
    let dir = tempfile::tempdir()?;
    let d = dir.path().to_string_lossy().to_string();
    let args = ["enqueue", "--demo", "--data-dir", &d, "--on", "2026-11-22"];
    assert_eq!(enqueue(dir.path(), "enrollment.json").1, 1);

    // The same enrollment again: refused, naming the earlier receipt and its months.
    let out = run(&args, &fixture("enrollment.json"));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("người này đã có biên nhận số 1 cho kỳ 12/2026–02/2027 (BHXH tự nguyện)"),
        "{err}"
    );
    assert!(err.contains("--confirm-duplicate"), "{err}");
    assert!(out.stdout.is_empty());
    let out = run(&[&args[..], &["--json", "--lang", "en"]].concat(), &fixture("enrollment.json"));
    assert_eq!(out.status.code(), Some(2));
    let v = json_of(&out);
    assert_eq!(v["error"]["code"], "possible_double_payment");
    assert_eq!(v["error"]["field"], "confirm-duplicate");
    let message = v["error"]["message"].as_str().unwrap_or("");
    assert!(message.contains("this person already has receipt 1 for 12/2026–02/2027"), "{message}");
    let earlier = &v["error"]["earlier"][0];
    assert_eq!(
        (earlier["receipt_no"].as_i64(), earlier["from"].as_str(), earlier["until"].as_str()),
        (Some(1), Some("2026-12"), Some("2027-02"))
    );
    assert_eq!(
        (earlier["state"].as_str(), earlier["amount"].as_u64()),
        (Some("queued"), Some(330_000))
    );
    let q = json_of(&run(&["queue", "--data-dir", &d, "--json"], ""));
    assert_eq!(q["counts"]["queued"], 1, "nothing was taken");

    // Staff confirm: taken, with the next receipt number.
    let out = run(&[&args[..], &["--confirm-duplicate"]].concat(), &fixture("enrollment.json"));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).split_whitespace().nth(1), Some("2"));
    // A third time both receipts are named.
    let v = json_of(&run(&[&args[..], &["--json"]].concat(), &fixture("enrollment.json")));
    let named: Vec<i64> = v["error"]["earlier"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["receipt_no"].as_i64()).collect())
        .unwrap_or_default();
    assert_eq!(named, [1, 2]);

    // A household: each member against their own health insurance payments.
    assert_eq!(enqueue(dir.path(), "household.json").1, 3, "other people, other scheme");
    let out = run(&args, &fixture("household.json"));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("thành viên LÊ T** T** H**** đã có biên nhận số 3 cho kỳ 12/2026–11/2027"),
        "{err}"
    );

    // Once both receipts are voided, the person may pay for those months again.
    for no in ["1", "2"] {
        let out = run(&["void", "--data-dir", &d, "--receipt", no, "--reason", "Trùng"], "");
        assert_eq!(out.status.code(), Some(0));
    }
    assert_eq!(enqueue(dir.path(), "enrollment.json").1, 4);
    Ok(())
}

#[test]
fn a_damaged_record_fails_verify() -> R {
    let dir = tempfile::tempdir()?;
    let d = dir.path().to_string_lossy().to_string();
    enqueue(dir.path(), "enrollment.json");
    // Flip one byte of the sealed record, as a failing flash cell would.
    assert!(damage_record(&dir.path().join("outbox.sqlite"))?);
    let out = run(&["queue", "verify", "--data-dir", &d, "--json"], "");
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["ok"], false);
    assert!(v["problems"][0].as_str().unwrap_or("").contains("changed since commit"));
    Ok(())
}

/// Flips one bit of receipt 1's sealed record, as a failing flash cell would.
fn damage_record(db: &Path) -> Result<bool, Box<dyn std::error::Error>> {
    let conn = rusqlite::Connection::open(db)?;
    let mut sealed: Vec<u8> =
        conn.query_row("SELECT sealed FROM records WHERE receipt_no = 1", [], |r| r.get(0))?;
    sealed[40] ^= 0x01;
    conn.execute("UPDATE records SET sealed = ?1 WHERE receipt_no = 1", [&sealed])?;
    Ok(true)
}

#[test]
fn the_database_and_its_wal_hold_no_name_or_id_in_clear() -> R {
    let dir = tempfile::tempdir()?;
    enqueue(dir.path(), "enrollment.json");
    enqueue(dir.path(), "household.json");
    let needles: [&[u8]; 8] = [
        "NGUYỄN THỊ HỒNG NHUNG".as_bytes(),
        "Nguyễn Thị Hồng Nhung".as_bytes(),
        "HỒNG NHUNG".as_bytes(),
        b"001179012345",
        b"0912345678",
        "LÊ THỊ THU HƯƠNG".as_bytes(),
        b"001188009876",
        b"001215004321",
    ];
    let mut checked = 0;
    for entry in std::fs::read_dir(dir.path())? {
        let path = entry?.path();
        if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("outbox.sqlite"))
        {
            let bytes = std::fs::read(&path)?;
            for needle in needles {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle),
                    "{} holds personal data in clear",
                    path.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 1);
    Ok(())
}

#[test]
fn provisioning_a_server_key() -> R {
    let dir = tempfile::tempdir()?;
    let d = dir.path().to_string_lossy().to_string();
    let server_key = "4f".repeat(32);
    let out = run(&["provision", "--data-dir", &d, "--sealing-key", "abc", "--json"], "");
    assert_eq!(
        (out.status.code(), json_of(&out)["error"]["field"].as_str()),
        (Some(2), Some("sealing-key"))
    );
    // No server key: no enrollment, unless as a demonstration, and it says how to proceed.
    let out = run(
        &enqueue_args(&d).into_iter().chain(["--json"]).collect::<Vec<_>>(),
        &fixture("enrollment.json"),
    );
    let refused = json_of(&out);
    assert_eq!(
        (out.status.code(), refused["error"]["code"].as_str()),
        (Some(2), Some("not_provisioned"))
    );
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("ansinh register") && message.contains("--demo"), "{message}");
    assert!(
        json_of(&run(&["queue", "--data-dir", &d, "--json"], ""))["records"]
            .as_array()
            .is_none_or(Vec::is_empty)
    );
    // Records sealed to the development key and not sent block provisioning.
    enqueue(dir.path(), "enrollment.json");
    let out = run(&["provision", "--data-dir", &d, "--sealing-key", &server_key], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("development key"));
    run(&["void", "--data-dir", &d, "--receipt", "1", "--reason", "thử nghiệm"], "");
    let out = run(&["provision", "--data-dir", &d, "--sealing-key", &server_key, "--json"], "");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let q = json_of(&run(&["queue", "--data-dir", &d, "--json"], ""));
    assert_eq!(q["key_source"], "provisioned");
    // A device with a server key takes real enrollments only.
    let out = run(&demo_enqueue_args(&d), &fixture("household.json"));
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    // New records are sealed to the server: the device can no longer open them.
    let out = run(&enqueue_args(&d), &fixture("household.json"));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&run(&["queue", "verify", "--data-dir", &d, "--json"], ""));
    assert_eq!((v["ok"].as_bool(), v["opened_and_decoded"].as_i64()), (Some(true), Some(0)));
    Ok(())
}

#[test]
fn corrections_refer_to_uploaded_records_and_purge_keeps_the_journal() -> R {
    let dir = tempfile::tempdir()?;
    let d = dir.path().to_string_lossy().to_string();
    let (first, _) = enqueue(dir.path(), "enrollment.json");
    // Not uploaded yet: a correction is refused (void instead).
    let out = run(
        &[
            "enqueue",
            "--demo",
            "--data-dir",
            &d,
            "--on",
            "2026-11-22",
            "--corrects",
            &first,
            "--json",
        ],
        &fixture("enrollment.json"),
    );
    assert_eq!(
        (out.status.code(), json_of(&out)["error"]["code"].as_str()),
        (Some(2), Some("correction_before_upload"))
    );
    // The server acknowledges it (as the uploader would), then a correction refers to it.
    let id: Vec<u8> =
        (0..16).map(|i| u8::from_str_radix(&first[2 * i..2 * i + 2], 16).unwrap_or(0)).collect();
    let conn = rusqlite::Connection::open(dir.path().join("outbox.sqlite"))?;
    conn.execute(
        "UPDATE records SET state = 'acknowledged', acknowledged_at = 1 WHERE record_id = ?1",
        [&id],
    )?;
    drop(conn);
    let out = run(
        &[
            "enqueue",
            "--demo",
            "--data-dir",
            &d,
            "--on",
            "2026-11-22",
            "--corrects",
            &first,
            "--json",
        ],
        &fixture("enrollment.json"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let q = json_of(&run(&["queue", "--data-dir", &d, "--json"], ""));
    let correction = q["records"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["receipt_no"] == 2).cloned())
        .unwrap_or_default();
    assert_eq!(correction["corrects"], first.as_str());
    // Purge: the acknowledged record loses its personal data, keeps its amount.
    let out = run(&["queue", "purge", "--data-dir", &d, "--retention-days", "30", "--json"], "");
    assert_eq!(json_of(&out)["purged"], 1);
    let q = json_of(&run(&["queue", "--data-dir", &d, "--json"], ""));
    let purged = q["records"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["receipt_no"] == 1).cloned())
        .unwrap_or_default();
    assert_eq!(
        (purged["purged"].as_bool(), purged["masked_name"].as_str(), purged["amount"].as_u64()),
        (Some(true), Some(""), Some(330_000))
    );
    Ok(())
}

#[test]
fn once_the_device_has_accounts_void_and_release_need_the_agent_and_their_pin() -> R {
    let dir = tempfile::tempdir()?;
    let d = dir.path().to_string_lossy().to_string();
    let (_, receipt) = enqueue(dir.path(), "enrollment.json");
    let cheap = argon2::Params::new(256, 1, 1, None).unwrap_or_default();
    let hash = ansinh_device::pin::hash_pin("246810", cheap)?;
    {
        let (mut outbox, _) = ansinh_device::DataDir::open(dir.path())?.outbox()?;
        outbox.add_account("DL-0001", "Lê Thị An", ansinh_outbox::Role::Agent, Some(&hash), 1)?;
    }
    let void = |extra: &[&str], pin: &str| {
        let receipt = receipt.to_string();
        let mut args = vec!["void", "--data-dir", &d, "--receipt", &receipt, "--reason", "nhầm"];
        args.extend_from_slice(extra);
        args.push("--json");
        run(&args, pin)
    };
    let out = void(&[], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json_of(&out)["error"]["field"], "agent", "who acts must be said");
    let out = void(&["--agent", "DL-0001"], "111111\n");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json_of(&out)["error"]["code"], "wrong_pin");
    let out = void(&["--agent", "DL-0001"], "246810\n");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));

    let (outbox, _) = ansinh_device::DataDir::open(dir.path())?.outbox()?;
    let trail: Vec<_> = outbox
        .audit_trail()?
        .into_iter()
        .filter(|a| a.agent_code == "DL-0001")
        .map(|a| (a.event, a.receipt_no))
        .collect();
    assert_eq!(
        trail,
        [("pin_failed".into(), None), ("login".into(), None), ("voided".into(), Some(receipt))]
    );
    let verify = run(&["queue", "verify", "--data-dir", &d], "");
    assert_eq!(verify.status.code(), Some(0), "{}", String::from_utf8_lossy(&verify.stdout));
    Ok(())
}

/// The day `days` from today in Viet Nam, `YYYY-MM-DD`.
fn day_from_today(days: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    ansinh_core::Date::in_vietnam(now + days * 86_400)
        .map_or_else(|e| panic!("{e:?}"), |d| d.to_string())
}

#[test]
fn a_clock_behind_the_last_commit_stops_enqueue_until_a_clerk_confirms() -> R {
    let dir = tempfile::tempdir()?;
    let d = dir.path().to_string_lossy().to_string();
    // A commit at day D (back-office entry dated three days from the system clock's today):
    // the system clock now stands three days before the latest commit, as after a reset.
    let later = day_from_today(3);
    let mut args = demo_enqueue_args(&d);
    let on = args.iter().position(|a| *a == "--on").map_or(0, |i| i + 1);
    args[on] = &later;
    let out = run(&args, &fixture("enrollment.json"));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    let refused = run(&demo_enqueue_args(&d), &fixture("household.json"));
    assert_eq!(refused.status.code(), Some(2), "{}", String::from_utf8_lossy(&refused.stdout));
    let message = String::from_utf8_lossy(&refused.stderr).to_string();
    assert!(message.contains("Đồng hồ của máy đang chỉ"), "{message}");
    assert!(message.contains("ansinh clock --confirm"), "says what to do: {message}");
    let (y, m, dd) = (&later[..4], &later[5..7], &later[8..]);
    assert!(message.contains(&format!("{dd}/{m}/{y} 10:00")), "the trusted date: {message}");
    let status = run(&["clock", "--data-dir", &d, "--json"], "");
    assert_eq!(status.status.code(), Some(2));
    assert_eq!(json_of(&status)["error"]["code"], "clock_untrusted");

    let confirmed = run(&["clock", "--confirm", "--data-dir", &d], "");
    assert_eq!(confirmed.status.code(), Some(0), "{}", String::from_utf8_lossy(&confirmed.stderr));
    let out = run(&demo_enqueue_args(&d), &fixture("household.json"));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let trail = run(&["queue", "--data-dir", &d, "verify"], "");
    assert_eq!(trail.status.code(), Some(0), "the trail stays whole");
    Ok(())
}

#[test]
fn once_the_device_has_accounts_only_a_clerk_confirms_the_date() -> R {
    let dir = tempfile::tempdir()?;
    let d = dir.path().to_string_lossy().to_string();
    let cheap = argon2::Params::new(256, 1, 1, None).unwrap_or_default();
    let (agent, clerk) = (
        ansinh_device::pin::hash_pin("246810", cheap.clone())?,
        ansinh_device::pin::hash_pin("135790", cheap)?,
    );
    {
        let (mut outbox, _) = ansinh_device::DataDir::open(dir.path())?.outbox()?;
        outbox.add_account("DL-0001", "Lê Thị An", ansinh_outbox::Role::Agent, Some(&agent), 1)?;
        outbox.add_account(
            "QL-0001",
            "Trần Văn Bình",
            ansinh_outbox::Role::Clerk,
            Some(&clerk),
            1,
        )?;
    }
    let confirm = |code: &str, pin: &str| {
        run(&["clock", "--confirm", "--data-dir", &d, "--agent", code, "--json"], pin)
    };
    let out = confirm("DL-0001", "246810\n");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json_of(&out)["error"]["code"], "clerk_only");
    let out = confirm("QL-0001", "111111\n");
    assert_eq!(json_of(&out)["error"]["code"], "wrong_pin");
    let out = confirm("QL-0001", "135790\n");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(json_of(&out)["confirmed"], true);
    let (outbox, _) = ansinh_device::DataDir::open(dir.path())?.outbox()?;
    let confirmed: Vec<_> = outbox
        .audit_trail()?
        .into_iter()
        .filter(|a| a.event == "clock_confirmed")
        .map(|a| a.agent_code)
        .collect();
    assert_eq!(confirmed, ["QL-0001"]);
    Ok(())
}
