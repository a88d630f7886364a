//! A published policy table as it travels from the hub to devices (network or USB stick),
//! signed with the hub's policy key (see `PROTOCOL.md`, "Policy tables").
//!
//! The table itself is opaque here (the compiled postcard bytes of `ansinh-policy`); this
//! module only carries it with the facts a device needs before opening it (its version, the
//! last day it is confirmed, when it was published) under one Ed25519 signature. The policy
//! key is separate from the hub's other keys so that its private half can be kept offline:
//! a table is signed once, where the key is, and the signed file is published anywhere.

use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::{Error, MAX_BODY_BYTES, Signed, split, verify};

/// Format version carried first in the body.
pub const POLICY_FORMAT_VERSION: u16 = 1;
/// Domain tag of policy table signatures.
const POLICY_DOMAIN: &[u8] = b"ansinh/policy/v1\0";
/// Largest compiled table carried (the policy crate's own bound).
pub const MAX_TABLE_BYTES: usize = 64 * 1024;
/// Longest table version id, bytes.
pub const MAX_VERSION_BYTES: usize = 64;

/// A published table: what the hub signs and devices check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyBody {
    /// [`POLICY_FORMAT_VERSION`].
    pub format: u16,
    /// The table's version id (the same as inside the table).
    pub table_version: String,
    /// The last day its parameters are confirmed, `YYYY-MM-DD` (the same as inside the table).
    pub valid_until: String,
    /// When it was signed for publication, Unix seconds.
    pub published_at: i64,
    /// The compiled table (postcard bytes of `ansinh_policy::PolicyTable`).
    pub table: Vec<u8>,
}

fn check(body: &PolicyBody) -> Result<(), Error> {
    if body.table.len() > MAX_TABLE_BYTES {
        return Err(Error::TooLarge("policy table"));
    }
    if body.table_version.is_empty()
        || body.table_version.len() > MAX_VERSION_BYTES
        || body.table_version.chars().any(char::is_control)
    {
        return Err(Error::Malformed);
    }
    let date = body.valid_until.as_bytes();
    let digits =
        [0, 1, 2, 3, 5, 6, 8, 9].iter().all(|&i| date.get(i).is_some_and(u8::is_ascii_digit));
    if date.len() != 10 || date[4] != b'-' || date[7] != b'-' || !digits {
        return Err(Error::Malformed);
    }
    Ok(())
}

/// Encodes and signs a published table with the policy key: the file a hub serves and a USB
/// stick carries.
pub fn sign_policy(body: &PolicyBody, key: &SigningKey) -> Result<Vec<u8>, Error> {
    check(body)?;
    let bytes = postcard::to_stdvec(body).map_err(|_| Error::Malformed)?;
    crate::sign(POLICY_DOMAIN, bytes, key)
}

fn decode(signed: &Signed) -> Result<PolicyBody, Error> {
    let (format, _): (u16, _) =
        postcard::take_from_bytes(&signed.body).map_err(|_| Error::Malformed)?;
    if format != POLICY_FORMAT_VERSION {
        return Err(Error::UnsupportedVersion(format));
    }
    let (body, rest): (PolicyBody, _) =
        postcard::take_from_bytes(&signed.body).map_err(|_| Error::Malformed)?;
    if !rest.is_empty() {
        return Err(Error::Malformed);
    }
    check(&body)?;
    Ok(body)
}

/// Decodes a signed table and checks its signature with the policy key.
pub fn open_policy(bytes: &[u8], key: &VerifyingKey) -> Result<PolicyBody, Error> {
    let signed = split(bytes)?;
    verify(POLICY_DOMAIN, &signed, key)?;
    decode(&signed)
}

/// Decodes a signed table without checking the signature: only to name what was refused (its
/// claimed version) to staff. Never use its contents.
pub fn peek_policy(bytes: &[u8]) -> Result<PolicyBody, Error> {
    decode(&split(bytes)?)
}

/// Largest signed table file (the body bound of the protocol).
pub const MAX_SIGNED_POLICY_BYTES: usize = MAX_BODY_BYTES;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate_signing_key;

    fn body() -> PolicyBody {
        PolicyBody {
            format: POLICY_FORMAT_VERSION,
            table_version: "VN-2027-01-15".into(),
            valid_until: "2027-06-30".into(),
            published_at: 1_800_000_000,
            table: vec![1, 2, 3],
        }
    }

    #[test]
    fn a_signed_table_opens_only_with_the_policy_key_and_unchanged() -> Result<(), Error> {
        let key = generate_signing_key();
        let bytes = sign_policy(&body(), &key)?;
        assert_eq!(open_policy(&bytes, &key.verifying_key())?, body());
        assert_eq!(peek_policy(&bytes)?, body());
        let other = generate_signing_key().verifying_key();
        assert_eq!(open_policy(&bytes, &other).err(), Some(Error::BadSignature));
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x40;
            assert!(open_policy(&b, &key.verifying_key()).is_err(), "flip at {i} accepted");
        }
        for cut in 0..bytes.len() {
            assert!(open_policy(&bytes[..cut], &key.verifying_key()).is_err(), "cut at {cut}");
        }
        // An acknowledgement's signature over the same body bytes is no table's.
        let body_bytes = postcard::to_stdvec(&body()).map_err(|_| Error::Malformed)?;
        let as_ack = crate::sign(crate::ACK_DOMAIN, body_bytes, &key)?;
        assert_eq!(open_policy(&as_ack, &key.verifying_key()).err(), Some(Error::BadSignature));
        Ok(())
    }

    #[test]
    fn bounds_and_versions_are_checked() -> Result<(), Error> {
        let key = generate_signing_key();
        let mut big = body();
        big.table = vec![0; MAX_TABLE_BYTES + 1];
        assert_eq!(sign_policy(&big, &key).err(), Some(Error::TooLarge("policy table")));
        for (version, until) in
            [("", "2027-06-30"), ("VN\n", "2027-06-30"), ("VN-2027-01-15", "2027/06/30")]
        {
            let b =
                PolicyBody { table_version: version.into(), valid_until: until.into(), ..body() };
            assert_eq!(sign_policy(&b, &key).err(), Some(Error::Malformed), "{version} {until}");
        }
        let future = PolicyBody { format: 2, ..body() };
        let bytes = crate::sign(
            POLICY_DOMAIN,
            postcard::to_stdvec(&future).map_err(|_| Error::Malformed)?,
            &key,
        )?;
        assert_eq!(
            open_policy(&bytes, &key.verifying_key()).err(),
            Some(Error::UnsupportedVersion(2))
        );
        Ok(())
    }

    /// The bytes PROTOCOL.md shows (the body; the signature is deterministic Ed25519).
    #[test]
    fn golden_policy_body_bytes() -> Result<(), Error> {
        let bytes = postcard::to_stdvec(&body()).map_err(|_| Error::Malformed)?;
        // format 1, version (length 13, text), valid_until (length 10, text), published_at
        // 1 800 000 000 (zigzag varint), table (length 3, bytes).
        assert_eq!(
            hex::encode(bytes),
            "01 0d 564e2d323032372d30312d3135 0a 323032372d30362d3330 80c8ceb40d 03 010203"
                .replace(' ', "")
        );
        Ok(())
    }
}
