//! The device's health report and the hub's answer (`ansinh_wire::health`): their bytes pinned
//! by `tests/golden/wire/health.bin` (the report's body), `health-signed.bin` (the whole signed
//! message, under a fixed key: Ed25519 signatures are deterministic) and `health-ack.bin`
//! (the answer's body), each with a hex dump beside it (PROTOCOL.md shows the same example).

use ansinh_tests::golden;
use ansinh_wire::health::{
    Battery, Charging, HEALTH_VERSION, HealthAck, HealthReport, PrinterState, RestartReason,
    UnverifiedHealth, open_health_ack, sign_health, sign_health_ack,
};
use ed25519_dalek::SigningKey;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The example of PROTOCOL.md: device 300's fifth report, a printer out of paper, a battery at
/// 18 % discharging, after a power cut.
fn example() -> HealthReport {
    HealthReport {
        version: HEALTH_VERSION,
        device_id: 300,
        seq: 5,
        made_at: 1_800_000_000,
        app_version: "0.1.0".into(),
        table_version: "VN-2026-12-06".into(),
        unsent: 3,
        oldest_unsent_age_secs: Some(7_200),
        quarantined: 1,
        printer: PrinterState::OutOfPaper,
        disk_free_bytes: Some(1 << 30),
        disk_total_bytes: Some(8 << 30),
        clock_offset_secs: Some(-90),
        battery: Some(Battery { percent: 18, charging: Charging::Discharging }),
        uptime_secs: Some(3_600),
        last_restart: RestartReason::Unclean,
    }
}

fn check_golden(name: &str, bytes: &[u8]) -> Result<(), ansinh_tests::Error> {
    golden::check_bytes(&format!("wire/{name}.bin"), bytes)?;
    let hex: Vec<String> = bytes.chunks(32).map(hex::encode).collect();
    golden::check_bytes(&format!("wire/{name}.hex"), (hex.join("\n") + "\n").as_bytes())
}

#[test]
fn health_report_golden_bytes() -> TestResult {
    let body = postcard_body(&example())?;
    check_golden("health", &body)?;
    // The fields in order (PROTOCOL.md): version 1, device 300 (ac 02), seq 5, made_at
    // (zig-zag varint), the two texts with their lengths, unsent 3, Some(7200), quarantined 1,
    // OutOfPaper (variant 4), Some(2^30), Some(2^33), Some(-90) (zig-zag b3 01), Some battery
    // (18, Discharging = 1), Some(3600), Unclean (variant 2).
    assert_eq!(
        hex::encode(&body),
        [
            "01",
            "ac02",
            "05",
            "80c8ceb40d",
            "05302e312e30",
            "0d564e2d323032362d31322d3036",
            "03",
            "01a038",
            "01",
            "04",
            "018080808004",
            "018080808020",
            "01b301",
            "011201",
            "01901c",
            "02",
        ]
        .concat()
    );
    let key = SigningKey::from_bytes(&[7; 32]);
    let signed = sign_health(&example(), &key)?;
    check_golden("health-signed", &signed)?;
    let read = UnverifiedHealth::decode(&signed)?.verify(&key.verifying_key())?;
    assert_eq!(read, example());
    Ok(())
}

#[test]
fn health_ack_golden_bytes() -> TestResult {
    let ack =
        HealthAck { version: HEALTH_VERSION, device_id: 300, seq: 5, server_time: 1_800_000_030 };
    let key = SigningKey::from_bytes(&[9; 32]);
    let signed = sign_health_ack(&ack, &key)?;
    assert_eq!(open_health_ack(&signed, &key.verifying_key())?, ack);
    // version 1, device 300, seq 5, server_time (zig-zag varint).
    let body = signed_body(&signed)?;
    check_golden("health-ack", &body)?;
    assert_eq!(hex::encode(&body), "01ac0205bcc8ceb40d");
    Ok(())
}

/// The body of a signed message: `Signed { body, signature }` is the body's length (varint),
/// the body, then the signature's length (64) and its bytes.
fn signed_body(signed: &[u8]) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let (len, used) = varint(signed)?;
    let body = signed.get(used..used + len).ok_or("short")?.to_vec();
    assert_eq!(signed.get(used + len), Some(&64u8), "then the signature's length");
    assert_eq!(signed.len(), used + len + 1 + 64);
    Ok(body)
}

fn varint(bytes: &[u8]) -> Result<(usize, usize), Box<dyn std::error::Error>> {
    let mut value = 0usize;
    for (i, b) in bytes.iter().enumerate().take(4) {
        value |= usize::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Ok((value, i + 1));
        }
    }
    Err("not a varint".into())
}

fn postcard_body(report: &HealthReport) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    // The signed message under any key holds the body as is.
    signed_body(&sign_health(report, &SigningKey::from_bytes(&[1; 32]))?)
}
