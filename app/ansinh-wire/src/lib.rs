//! # ansinh-wire: the upload protocol between devices and the collection server
//!
//! The contract both sides compile against; `PROTOCOL.md` describes it for humans and other
//! implementations. In short:
//!
//! - A device registers once with a one-time token and its Ed25519 public key, and receives its
//!   device id, the server's sealing key (X25519), the server's signing key (Ed25519) and a
//!   receipt key (HMAC for receipt QR codes), with what hub staff assigned it to
//!   ([`Assignment`]). See [`RegisterRequest`], [`RegisterResponse`].
//! - Enrollments travel as already-sealed records in a [`BatchBody`], postcard-encoded, signed
//!   by the device key ([`sign_batch`]) with a strictly increasing counter (network) or a random
//!   bundle id (USB carry-out): a replayed batch is refused.
//! - The server answers each record with an [`Outcome`] in an [`AckBody`] signed by the
//!   server's key ([`sign_ack`]), so a forged acknowledgement cannot make a device forget an
//!   unsent record.
//! - Everything is bounded: [`MAX_BODY_BYTES`], [`MAX_RECORDS`], [`MAX_SEALED_BYTES`]; the
//!   decoders reject oversized, truncated, unknown-version and garbage input with an error.
//! - Each record is sealed to the server's key on the device ([`SealingKey::seal`]) and
//!   opened only by the server ([`OpeningKey::open`]): see [`seal`](mod@seal).
//! - The provisioning token carries a fingerprint of the server's keys, which the device
//!   checks the registration answer against: see [`provisioning`].
//! - A paper receipt carries a QR code the server can check: its payload and MAC are in
//!   [`receipt_qr`].
//! - A published policy table travels signed by the hub's policy key, a key of its own whose
//!   private half may live offline: see [`policy`](mod@policy).
//! - The device's audit trail is a hash chain of [`AuditEntry`]s the server can check
//!   ([`verify_chain`]): see [`audit`](mod@audit).
//! - Once per sync round (and beside each USB export) the device sends a signed
//!   [`HealthReport`] of itself, its own message with its own format version; the server
//!   answers with its signed time: see [`health`](mod@health).
//! - The hub names its newest software update bundle in a small unsigned document (version,
//!   size, SHA-256) and serves the bundle by byte ranges; the bundle's own RAUC signature is
//!   what a device trusts: see [`update`](mod@update).
//!
//! Signatures cover the exact encoded bytes, prefixed with a domain tag per message kind, so
//! no message can be replayed as another kind. They are checked strictly
//! (`VerifyingKey::verify_strict`): a weak (small-order) key or a small-order `R` never
//! verifies, so no signature can be made without the secret key; a weak key is refused as
//! soon as it is read ([`verifying_key_from_hex`]).
//!
//! May depend on: serde, postcard, ed25519-dalek, crypto_box (sealed boxes),
//! curve25519-dalek (its precomputed tables, an opening's X25519 without AWS-LC), aws-lc-rs
//! (feature `aws-lc`: the collection server's X25519), crypto_secretbox (a box's
//! cipher, and the wrap of a kept box key) and blake2 (a box's nonce when opening),
//! hmac, sha2, rand_core, zeroize, hex, semver (update versions), thiserror. Nothing from the
//! workspace.

pub mod audit;
pub mod health;
pub mod policy;
pub mod provisioning;
pub mod receipt_qr;
pub mod seal;
pub mod update;

pub use audit::{AUDIT_GENESIS, AuditEntry, ChainBreak, verify_chain};
pub use health::{
    HealthAck, HealthReport, UnverifiedHealth, open_health_ack, sign_health, sign_health_ack,
};
pub use seal::{OpeningKey, SEAL_OVERHEAD, SealingKey, WRAPPED_KEY_BYTES};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// Protocol version carried first in every body. Version 2 added the audit trail to batches
/// and bundles ([`BatchBody::audit`]) and its acknowledgement ([`AckBody::audit_through`]);
/// version 3 the server's epoch to acknowledgements ([`AckBody::epoch`]).
pub const PROTOCOL_VERSION: u16 = 3;
/// Largest signed message accepted (an HTTP body or a USB bundle).
pub const MAX_BODY_BYTES: usize = 512 * 1024;
/// Most records in one batch.
pub const MAX_RECORDS: usize = 1000;
/// Largest sealed record (an enveloped household enrollment is a few kB).
pub const MAX_SEALED_BYTES: usize = 16 * 1024;
/// Most audit entries in one batch (a device sends the rest in the next).
pub const MAX_AUDIT_ENTRIES: usize = 500;
/// Longest text field of an audit entry (agent code, event, detail), bytes.
pub const MAX_AUDIT_TEXT: usize = 256;

/// Domain tag of device-signed batches and bundles.
const BATCH_DOMAIN: &[u8] = b"ansinh/batch/v1\0";
/// Domain tag of server-signed acknowledgements.
const ACK_DOMAIN: &[u8] = b"ansinh/ack/v1\0";
/// Domain tag of device-signed GET requests.
const REQUEST_DOMAIN: &[u8] = b"ansinh/request/v1\0";

/// A 128-bit record id made on the device; the server's idempotency key.
pub type RecordId = [u8; 16];

/// Why a message, a key, a sealed record or a receipt code was refused. Every variant is
/// permanent for that input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Larger than [`MAX_BODY_BYTES`], or a record or count over its bound.
    #[error("message too large: {0}")]
    TooLarge(&'static str),
    /// Not a message of this protocol (truncated, garbage, trailing bytes).
    #[error("malformed message")]
    Malformed,
    /// A protocol version this program does not speak.
    #[error("unsupported protocol version {0}")]
    UnsupportedVersion(u16),
    /// The signature does not verify with the key given.
    #[error("bad signature")]
    BadSignature,
    /// A key is not a valid key of its kind (for Ed25519: not a point of the curve, or a weak,
    /// small-order key, for which signatures can be forged).
    #[error("invalid key")]
    InvalidKey,
    /// A sealing or opening key is not 64 hex digits, or a record cannot be sealed or opened
    /// (wrong key or damaged).
    #[error("sealed record: {0}")]
    Seal(&'static str),
    /// The receipt key is missing or shorter than [`receipt_qr::MIN_KEY_BYTES`].
    #[error("the receipt key is unusable")]
    ReceiptKey,
    /// The text is not a receipt QR code of this format.
    #[error("not an ansinh receipt code")]
    NotAReceiptCode,
    /// The receipt code's MAC does not match: forged, altered, or another device's key.
    #[error("the receipt code does not verify")]
    BadReceiptMac,
    /// Not a provisioning token, or one that cannot pin the server's keys
    /// ([`provisioning::ProvisioningToken`]).
    #[error("provisioning token: {0}")]
    Token(&'static str),
    /// The server's keys are not those the provisioning token names: another server, or one
    /// in the way.
    #[error(
        "the collection server's keys do not match the provisioning token (token fingerprint {expected}, server's keys {got}): this is not the server the token was made for"
    )]
    KeyMismatch {
        /// The fingerprint the token carries.
        expected: String,
        /// The fingerprint of the keys the server sent, or what was wrong with them.
        got: String,
    },
}

impl Error {
    /// Resending the same bytes can never succeed.
    pub const fn is_retryable(&self) -> bool {
        false
    }
}

/// How a batch travels, and what makes it unique for replay protection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    /// Over the network: the device's counter, strictly increasing, persisted before sending.
    Network {
        /// Batch counter.
        counter: u64,
    },
    /// On a USB stick: a random bundle id; importing the same bundle twice changes nothing.
    Usb {
        /// Random id of the bundle.
        bundle_id: [u8; 16],
        /// When the bundle was written (seconds since the Unix epoch).
        created_at: i64,
    },
}

/// One sealed enrollment as committed on the device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedRecord {
    /// Record id.
    pub record_id: RecordId,
    /// Sealed envelope bytes (opened only by the server's sealing key).
    pub sealed: Vec<u8>,
}

/// A batch of sealed records from one device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchBody {
    /// [`PROTOCOL_VERSION`].
    pub version: u16,
    /// The sender's device id.
    pub device_id: u64,
    /// Network counter or USB bundle id.
    pub channel: Channel,
    /// The records.
    pub records: Vec<SealedRecord>,
    /// The device's audit entries after the last one the server acknowledged, oldest first,
    /// at most [`MAX_AUDIT_ENTRIES`] (since version 2).
    pub audit: Vec<AuditEntry>,
}

/// What the server did with one record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Stored now.
    Accepted,
    /// Already held with the same bytes: success, nothing changed.
    Duplicate,
    /// Already held with different bytes under the same id: quarantined on both sides.
    Conflict,
    /// Refused; the code says why (`cannot_open`, `does_not_decode`, `invalid:<field>:<code>`).
    Rejected {
        /// Stable reason code; never server internals.
        code: String,
    },
}

impl Outcome {
    /// The device may mark the record acknowledged (the server holds exactly these bytes).
    pub const fn is_held(&self) -> bool {
        matches!(self, Outcome::Accepted | Outcome::Duplicate)
    }
}

/// The server's answer for one record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordResult {
    /// Record id.
    pub record_id: RecordId,
    /// Outcome.
    pub outcome: Outcome,
}

/// The server's signed answer to a batch or bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckBody {
    /// [`PROTOCOL_VERSION`].
    pub version: u16,
    /// The device the batch came from.
    pub device_id: u64,
    /// The batch's channel (counter or bundle id), so an ack matches one batch only.
    pub channel: Channel,
    /// One result per record, in batch order.
    pub results: Vec<RecordResult>,
    /// The highest audit `seq` the server holds for this device (0: none); the device sends
    /// the entries after it next time (since version 2).
    pub audit_through: u64,
    /// The server's clock when it answered, Unix seconds (since version 2): signed with the
    /// rest, so the device can trust it to check its own clock.
    pub server_time: i64,
    /// The server's epoch (since version 3): random, and new each time the server's database
    /// is restored from a backup. A device that sees it change sends again every record it
    /// holds as acknowledged (not yet purged): the restored server may have lost them.
    pub epoch: [u8; 16],
}

/// A message with the signature over its exact body bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Signed {
    body: Vec<u8>,
    signature: Vec<u8>,
}

fn sign(domain: &[u8], body: Vec<u8>, key: &SigningKey) -> Result<Vec<u8>, Error> {
    let signature = key.sign(&[domain, &body].concat()).to_bytes().to_vec();
    let bytes = postcard::to_stdvec(&Signed { body, signature }).map_err(|_| Error::Malformed)?;
    if bytes.len() > MAX_BODY_BYTES {
        return Err(Error::TooLarge("message"));
    }
    Ok(bytes)
}

fn split(bytes: &[u8]) -> Result<Signed, Error> {
    if bytes.len() > MAX_BODY_BYTES {
        return Err(Error::TooLarge("message"));
    }
    let (signed, rest): (Signed, _) =
        postcard::take_from_bytes(bytes).map_err(|_| Error::Malformed)?;
    if !rest.is_empty() || signed.signature.len() != 64 {
        return Err(Error::Malformed);
    }
    Ok(signed)
}

fn verify(domain: &[u8], signed: &Signed, key: &VerifyingKey) -> Result<(), Error> {
    let sig: [u8; 64] = signed.signature.as_slice().try_into().map_err(|_| Error::Malformed)?;
    // Strict: the lax check accepts, for a weak key, a signature anyone can make.
    key.verify_strict(&[domain, &signed.body].concat(), &Signature::from_bytes(&sig))
        .map_err(|_| Error::BadSignature)
}

fn decode_body<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, Error> {
    // The version is the first field of every body: read it alone first so that a newer
    // layout is reported as a version, not as garbage.
    let (version, _): (u16, _) = postcard::take_from_bytes(body).map_err(|_| Error::Malformed)?;
    if version != PROTOCOL_VERSION {
        return Err(Error::UnsupportedVersion(version));
    }
    let (value, rest) = postcard::take_from_bytes(body).map_err(|_| Error::Malformed)?;
    if !rest.is_empty() {
        return Err(Error::Malformed);
    }
    Ok(value)
}

/// Encodes and signs a batch with the device key.
pub fn sign_batch(batch: &BatchBody, device_key: &SigningKey) -> Result<Vec<u8>, Error> {
    check_batch(batch)?;
    sign(BATCH_DOMAIN, postcard::to_stdvec(batch).map_err(|_| Error::Malformed)?, device_key)
}

fn check_batch(batch: &BatchBody) -> Result<(), Error> {
    if batch.records.len() > MAX_RECORDS {
        return Err(Error::TooLarge("too many records"));
    }
    if batch.records.iter().any(|r| r.sealed.len() > MAX_SEALED_BYTES) {
        return Err(Error::TooLarge("sealed record"));
    }
    if batch.audit.len() > MAX_AUDIT_ENTRIES {
        return Err(Error::TooLarge("too many audit entries"));
    }
    let long = |e: &AuditEntry| {
        [&e.agent_code, &e.event, &e.detail].iter().any(|t| t.len() > MAX_AUDIT_TEXT)
    };
    if batch.audit.iter().any(long) {
        return Err(Error::TooLarge("audit entry"));
    }
    Ok(())
}

/// A batch read from the wire, not yet checked against its device's key.
#[derive(Debug)]
pub struct UnverifiedBatch {
    signed: Signed,
    /// The decoded batch (trust it only after [`UnverifiedBatch::verify`]).
    pub body: BatchBody,
}

impl UnverifiedBatch {
    /// Decodes a signed batch, bounded; the caller then looks up `body.device_id`'s key.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let signed = split(bytes)?;
        let body: BatchBody = decode_body(&signed.body)?;
        check_batch(&body)?;
        Ok(Self { signed, body })
    }

    /// Checks the device's signature and returns the batch.
    pub fn verify(self, device_key: &VerifyingKey) -> Result<BatchBody, Error> {
        verify(BATCH_DOMAIN, &self.signed, device_key)?;
        Ok(self.body)
    }
}

/// Encodes and signs an acknowledgement with the server key.
pub fn sign_ack(ack: &AckBody, server_key: &SigningKey) -> Result<Vec<u8>, Error> {
    sign(ACK_DOMAIN, postcard::to_stdvec(ack).map_err(|_| Error::Malformed)?, server_key)
}

/// Decodes an acknowledgement and checks the server's signature.
pub fn open_ack(bytes: &[u8], server_key: &VerifyingKey) -> Result<AckBody, Error> {
    let signed = split(bytes)?;
    verify(ACK_DOMAIN, &signed, server_key)?;
    decode_body(&signed.body)
}

/// The text a device signs to authenticate a request without a body (e.g. downloading the
/// renewal-due list): method, path and time, with the request domain tag.
fn request_message(device_id: u64, method: &str, path: &str, time: i64) -> Vec<u8> {
    [REQUEST_DOMAIN, format!("{device_id}\n{method}\n{path}\n{time}").as_bytes()].concat()
}

/// Signature (hex) for a request; sent with the device id and time in headers (PROTOCOL.md).
pub fn sign_request(
    key: &SigningKey,
    device_id: u64,
    method: &str,
    path: &str,
    time: i64,
) -> String {
    hex::encode(key.sign(&request_message(device_id, method, path, time)).to_bytes())
}

/// Checks a request signature.
pub fn verify_request(
    key: &VerifyingKey,
    device_id: u64,
    method: &str,
    path: &str,
    time: i64,
    signature_hex: &str,
) -> Result<(), Error> {
    let mut sig = [0u8; 64];
    hex::decode_to_slice(signature_hex, &mut sig).map_err(|_| Error::Malformed)?;
    key.verify_strict(&request_message(device_id, method, path, time), &Signature::from_bytes(&sig))
        .map_err(|_| Error::BadSignature)
}

/// A new random Ed25519 key (a device's identity, or the server's).
pub fn generate_signing_key() -> SigningKey {
    SigningKey::generate(&mut rand_core::OsRng)
}

/// An Ed25519 public key from 64 hex digits. A weak (small-order) key is refused: signatures
/// under it could be made by anyone.
pub fn verifying_key_from_hex(text: &str) -> Result<VerifyingKey, Error> {
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut bytes).map_err(|_| Error::InvalidKey)?;
    let key = VerifyingKey::from_bytes(&bytes).map_err(|_| Error::InvalidKey)?;
    if key.is_weak() {
        return Err(Error::InvalidKey);
    }
    Ok(key)
}

/// A device's registration request (JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRequest {
    /// The one-time token staff created on the server.
    pub token: String,
    /// The device's Ed25519 public key, 64 hex digits.
    pub device_public_key: String,
    /// A label for staff (collection point name); no personal data.
    pub label: String,
}

/// The server's answer to a registration (JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterResponse {
    /// The device's id.
    pub device_id: u64,
    /// The server's X25519 sealing key, 64 hex digits: devices seal every record to it.
    pub sealing_key: String,
    /// The server's Ed25519 key, 64 hex digits: devices verify acknowledgements with it.
    pub server_signing_key: String,
    /// A 32-byte key (64 hex digits) for the MAC on this device's receipt QR codes.
    pub receipt_key: String,
    /// What hub staff assigned the device to (empty from older servers).
    #[serde(default)]
    pub assignment: Assignment,
    /// The server's Ed25519 configuration key, 64 hex digits: devices accept a configuration
    /// from a USB stick only with its signature. Empty from servers older than it (a device
    /// then refuses the registration: the token's fingerprint covers this key).
    #[serde(default)]
    pub config_signing_key: String,
    /// The server's Ed25519 policy key, 64 hex digits: devices install a published policy
    /// table only with its signature. Empty from servers older than it; covered by the
    /// token's fingerprint when present (`provisioning::KeyFingerprint::with_policy`).
    #[serde(default)]
    pub policy_signing_key: String,
}

/// What hub staff assigned the device to (registration answer; empty from older servers).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// The collection point's name, printed on receipts.
    pub collection_point: String,
    /// Official 5-digit codes of the communes the device serves.
    pub communes: Vec<String>,
    /// The agents and clerks who may work on the device.
    pub agents: Vec<AgentAccount>,
}

/// One person who may work on a device.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentAccount {
    /// Agent code, e.g. `DL-0001`.
    pub code: String,
    /// Full name, for the staff screens and the shift report.
    pub name: String,
}

/// A participant whose paid period ends soon, for agents to remind (JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewalDue {
    /// Masked name, e.g. `NGUYỄN T*** H*** N****`.
    pub masked_name: String,
    /// `voluntary-si` or `household-bhyt`.
    pub scheme: String,
    /// Last month paid, `YYYY-MM`.
    pub paid_until: String,
    /// Official commune code.
    pub commune_code: String,
    /// Phone to call, when the person gave one.
    pub phone: Option<String>,
    /// Receipt number of the last payment on this device's collection point, if any.
    pub last_receipt_no: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(counter: u64, n: usize) -> BatchBody {
        BatchBody {
            version: PROTOCOL_VERSION,
            device_id: 7,
            channel: Channel::Network { counter },
            records: (0..n)
                .map(|i| u8::try_from(i % 256).unwrap_or(0))
                .map(|i| SealedRecord { record_id: [i; 16], sealed: vec![0xAB; 100] })
                .collect(),
            audit: vec![AuditEntry::new(AUDIT_GENESIS, 1, 1_000, "DL-0001", "login", None, "")],
        }
    }

    #[test]
    fn batches_round_trip_and_forgery_is_refused() -> Result<(), Error> {
        let device = generate_signing_key();
        let bytes = sign_batch(&batch(1, 3), &device)?;
        let got = UnverifiedBatch::decode(&bytes)?.verify(&device.verifying_key())?;
        assert_eq!(got, batch(1, 3));
        let other = generate_signing_key();
        assert_eq!(
            UnverifiedBatch::decode(&bytes)?.verify(&other.verifying_key()).err(),
            Some(Error::BadSignature)
        );
        // One flipped byte anywhere: refused, never a panic.
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x01;
            let r = UnverifiedBatch::decode(&b).and_then(|u| u.verify(&device.verifying_key()));
            assert!(r.is_err(), "flip at {i} accepted");
        }
        Ok(())
    }

    #[test]
    fn an_ack_cannot_pass_as_a_batch() -> Result<(), Error> {
        let key = generate_signing_key();
        let ack = AckBody {
            version: PROTOCOL_VERSION,
            device_id: 7,
            channel: Channel::Network { counter: 1 },
            results: vec![],
            audit_through: 1,
            server_time: 1_800_000_000,
            epoch: [0x22; 16],
        };
        let bytes = sign_ack(&ack, &key)?;
        assert_eq!(open_ack(&bytes, &key.verifying_key())?, ack);
        let as_batch = UnverifiedBatch::decode(&bytes).and_then(|u| u.verify(&key.verifying_key()));
        assert!(as_batch.is_err());
        Ok(())
    }

    #[test]
    fn truncated_oversized_and_unknown_versions_are_refused() -> Result<(), Error> {
        let device = generate_signing_key();
        let bytes = sign_batch(&batch(1, 2), &device)?;
        for cut in 0..bytes.len() {
            assert!(UnverifiedBatch::decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert_eq!(UnverifiedBatch::decode(&trailing).err(), Some(Error::Malformed));
        assert_eq!(
            UnverifiedBatch::decode(&vec![0; MAX_BODY_BYTES + 1]).err(),
            Some(Error::TooLarge("message"))
        );
        let mut future = batch(1, 1);
        future.version = PROTOCOL_VERSION + 1;
        let signed = sign(
            BATCH_DOMAIN,
            postcard::to_stdvec(&future).map_err(|_| Error::Malformed)?,
            &device,
        )?;
        assert_eq!(
            UnverifiedBatch::decode(&signed).err(),
            Some(Error::UnsupportedVersion(PROTOCOL_VERSION + 1))
        );
        // A version 2 batch (as version 3's but for the version) from a device not updated yet.
        let mut v2 = batch(1, 1);
        v2.version = 2;
        let signed =
            sign(BATCH_DOMAIN, postcard::to_stdvec(&v2).map_err(|_| Error::Malformed)?, &device)?;
        assert_eq!(UnverifiedBatch::decode(&signed).err(), Some(Error::UnsupportedVersion(2)));
        // A version 1 body (no audit field) from a device not updated yet: its version is
        // named, so the server can tell the device to update.
        let v1 = hex_bytes("01ac020005011111111111111111111111111111111103010203");
        let signed = sign(BATCH_DOMAIN, v1, &device)?;
        assert_eq!(UnverifiedBatch::decode(&signed).err(), Some(Error::UnsupportedVersion(1)));
        assert_eq!(
            sign_batch(&batch(1, MAX_RECORDS + 1), &device).err(),
            Some(Error::TooLarge("too many records"))
        );
        let mut chatty = batch(1, 1);
        chatty.audit = vec![chatty.audit[0].clone(); MAX_AUDIT_ENTRIES + 1];
        assert_eq!(
            sign_batch(&chatty, &device).err(),
            Some(Error::TooLarge("too many audit entries"))
        );
        chatty.audit.truncate(1);
        chatty.audit[0].detail = "x".repeat(MAX_AUDIT_TEXT + 1);
        assert_eq!(sign_batch(&chatty, &device).err(), Some(Error::TooLarge("audit entry")));
        Ok(())
    }

    #[test]
    fn request_signatures() -> Result<(), Error> {
        let key = generate_signing_key();
        let sig = sign_request(&key, 7, "GET", "/v1/renewals", 1_800_000_000);
        verify_request(&key.verifying_key(), 7, "GET", "/v1/renewals", 1_800_000_000, &sig)?;
        let wrong =
            verify_request(&key.verifying_key(), 8, "GET", "/v1/renewals", 1_800_000_000, &sig);
        assert_eq!(wrong.err(), Some(Error::BadSignature));
        Ok(())
    }

    /// Weak (small-order) Ed25519 public keys: the identity and the point of order 2.
    const WEAK_KEYS: [&str; 2] = [
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ];

    /// The signature anyone can make for any message under the identity key: R = identity,
    /// s = 0 (the lax check accepts it).
    fn forged_signature() -> [u8; 64] {
        let mut sig = [0u8; 64];
        sig[0] = 1;
        sig
    }

    fn identity_key() -> Result<VerifyingKey, Error> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(WEAK_KEYS[0], &mut bytes).map_err(|_| Error::InvalidKey)?;
        VerifyingKey::from_bytes(&bytes).map_err(|_| Error::InvalidKey)
    }

    #[test]
    fn weak_keys_are_refused_and_never_verify() -> Result<(), Error> {
        for weak in WEAK_KEYS {
            assert_eq!(verifying_key_from_hex(weak).err(), Some(Error::InvalidKey), "{weak}");
        }
        let real = hex::encode(generate_signing_key().verifying_key().to_bytes());
        assert!(verifying_key_from_hex(&real).is_ok());

        // A weak key already held (say, registered by an older server): the forged signature
        // passes the lax check but not the strict one, for every kind of message.
        let weak = identity_key()?;
        let message = [BATCH_DOMAIN, b"anything"].concat();
        assert!(
            ed25519_dalek::Verifier::verify(
                &weak,
                &message,
                &Signature::from_bytes(&forged_signature())
            )
            .is_ok(),
            "the forgery this test is about"
        );
        let body = postcard::to_stdvec(&batch(1, 1)).map_err(|_| Error::Malformed)?;
        let forged = postcard::to_stdvec(&Signed { body, signature: forged_signature().to_vec() })
            .map_err(|_| Error::Malformed)?;
        let as_batch = UnverifiedBatch::decode(&forged)?.verify(&weak);
        assert_eq!(as_batch.err(), Some(Error::BadSignature));
        let ack = AckBody {
            version: PROTOCOL_VERSION,
            device_id: 7,
            channel: Channel::Network { counter: 1 },
            results: vec![],
            audit_through: 0,
            server_time: 1_800_000_000,
            epoch: [0x22; 16],
        };
        let body = postcard::to_stdvec(&ack).map_err(|_| Error::Malformed)?;
        let forged = postcard::to_stdvec(&Signed { body, signature: forged_signature().to_vec() })
            .map_err(|_| Error::Malformed)?;
        assert_eq!(open_ack(&forged, &weak).err(), Some(Error::BadSignature));
        let request = verify_request(
            &weak,
            7,
            "GET",
            "/v1/renewals",
            1_800_000_000,
            &hex::encode(forged_signature()),
        );
        assert_eq!(request.err(), Some(Error::BadSignature));
        Ok(())
    }

    fn hex_bytes(text: &str) -> Vec<u8> {
        hex::decode(text).unwrap_or_default()
    }

    /// The wire format is a contract: these bytes must not change within protocol version 3
    /// (PROTOCOL.md shows the same example).
    #[test]
    fn golden_batch_body_bytes() -> Result<(), Error> {
        let entry =
            AuditEntry::new(AUDIT_GENESIS, 1, 1_800_000_000, "DL-1", "reprint", Some(7), "");
        let body = BatchBody {
            version: PROTOCOL_VERSION,
            device_id: 300,
            channel: Channel::Network { counter: 5 },
            records: vec![SealedRecord { record_id: [0x11; 16], sealed: vec![1, 2, 3] }],
            audit: vec![entry.clone()],
        };
        let bytes = postcard::to_stdvec(&body).map_err(|_| Error::Malformed)?;
        // version 3, device 300 (varint ac 02), Network (variant 0), counter 5, one record:
        // 16 id bytes, then the sealed bytes with their length; then one audit entry: seq 1,
        // at (zigzag varint), agent, event, receipt (Some 7, zigzag 0e), detail, prev_hash
        // (32 bytes, no length) and hash.
        let head = "03ac020005011111111111111111111111111111111103010203";
        let audit = "010180c8ceb40d04444c2d310772657072696e74010e00";
        let expected = format!("{head}{audit}{}{}", "00".repeat(32), hex::encode(entry.hash));
        assert_eq!(hex::encode(&bytes), expected);
        assert_eq!(
            hex::encode(entry.hash),
            "c081f9c7dcca164a6e2c30f6171c854ca49ac3a55409cb6df9da54938a938d87",
            "the chain's hash of this entry (PROTOCOL.md)"
        );
        Ok(())
    }

    #[test]
    fn golden_ack_body_bytes() -> Result<(), Error> {
        let ack = AckBody {
            version: PROTOCOL_VERSION,
            device_id: 300,
            channel: Channel::Network { counter: 5 },
            results: vec![RecordResult { record_id: [0x11; 16], outcome: Outcome::Accepted }],
            audit_through: 1,
            server_time: 1_800_000_000,
            epoch: [0x22; 16],
        };
        let bytes = postcard::to_stdvec(&ack).map_err(|_| Error::Malformed)?;
        // version 3, device 300, Network counter 5, one result: id, Accepted (variant 0);
        // audit_through 1; server_time 1 800 000 000 (zigzag varint); the epoch's 16 bytes (an
        // array: no length).
        assert_eq!(
            hex::encode(bytes),
            format!(
                "{}{}",
                "03ac0200050111111111111111111111111111111111000180c8ceb40d",
                "22".repeat(16)
            )
        );
        Ok(())
    }
}
