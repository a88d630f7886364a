//! The signed policy table message (`ansinh_wire::policy`, PROTOCOL.md "Policy tables"): its
//! bytes pinned by `tests/golden/wire/policy.signed` (with a hex dump beside it), under a fixed
//! key (Ed25519 signatures are deterministic), and opened back only with that key.

use ansinh_tests::golden;
use ansinh_wire::policy::{POLICY_FORMAT_VERSION, PolicyBody, open_policy, sign_policy};
use ed25519_dalek::SigningKey;

/// The example of PROTOCOL.md: a table of three bytes (a real table is tens of kB).
fn example() -> PolicyBody {
    PolicyBody {
        format: POLICY_FORMAT_VERSION,
        table_version: "VN-2027-01-15".into(),
        valid_until: "2027-06-30".into(),
        published_at: 1_800_000_000,
        table: vec![1, 2, 3],
    }
}

#[test]
fn the_signed_table_message_is_byte_exact() -> Result<(), Box<dyn std::error::Error>> {
    let key = SigningKey::from_bytes(&[0x50; 32]);
    let signed = sign_policy(&example(), &key)?;
    golden::check_bytes("wire/policy.signed", &signed)?;
    let hex: Vec<String> = signed.chunks(32).map(hex::encode).collect();
    golden::check_bytes("wire/policy.signed.hex", (hex.join("\n") + "\n").as_bytes())?;
    assert_eq!(open_policy(&signed, &key.verifying_key())?, example());
    // The body, then the 64-byte signature, each with its length (PROTOCOL.md).
    assert_eq!(signed[0] as usize, signed.len() - 1 - 1 - 64);
    assert!(open_policy(&signed, &SigningKey::from_bytes(&[0x51; 32]).verifying_key()).is_err());
    Ok(())
}
