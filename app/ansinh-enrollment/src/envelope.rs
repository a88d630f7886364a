//! The versioned envelope of an enrollment record: a schema version, then the record, in
//! postcard. These are the bytes a device seals and the collection server opens.
//!
//! The version comes first and is read alone, so that a record from a newer schema is refused
//! as such rather than misread. The decoder refuses oversized, truncated, trailing and garbage
//! input with an error and never panics (postcard reports every malformed input as an error,
//! and every capacity is checked while decoding). Golden tests pin the exact bytes.

use serde::{Deserialize, Serialize};

use crate::record::Record;

/// The schema version this program writes.
///
/// 2: back-pay carries the months already paid (`PaymentMode::Backpay`). Schema 1 bytes are a
/// subset of schema 2 (the new mode is a new variant), so both are read.
pub const SCHEMA_VERSION: u16 = 2;

/// Every schema version this program reads.
pub const READ_VERSIONS: [u16; 2] = [1, 2];

/// The largest encoded envelope: a 20-member household with every field at its capacity is
/// about 11 KiB; a sealed envelope must stay under the upload protocol's 16 KiB per record.
pub const MAX_ENCODED_LEN: usize = 12 * 1024;

/// Why an envelope cannot be encoded or decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// More than [`MAX_ENCODED_LEN`] bytes, or the buffer is too small to encode into.
    #[error("envelope too large")]
    TooLarge,
    /// A schema version this program does not read.
    #[error("unknown schema version {0}")]
    UnknownVersion(u16),
    /// Not an envelope (truncated, garbage, or trailing bytes).
    #[error("malformed envelope")]
    Malformed,
}

impl EnvelopeError {
    /// The same bytes never decode later: permanent.
    pub const fn is_retryable(&self) -> bool {
        false
    }
}

#[derive(Serialize)]
struct EnvelopeRef<'r> {
    schema_version: u16,
    record: &'r Record,
}

#[derive(Deserialize)]
struct Envelope {
    schema_version: u16,
    record: Record,
}

/// Encodes `record` into `buf`; returns the bytes written.
pub fn encode<'b>(record: &Record, buf: &'b mut [u8]) -> Result<&'b [u8], EnvelopeError> {
    let env = EnvelopeRef { schema_version: SCHEMA_VERSION, record };
    let used = postcard::to_slice(&env, buf).map_err(|_| EnvelopeError::TooLarge)?;
    if used.len() > MAX_ENCODED_LEN {
        return Err(EnvelopeError::TooLarge);
    }
    Ok(used)
}

/// Decodes an envelope.
pub fn decode(bytes: &[u8]) -> Result<Record, EnvelopeError> {
    if bytes.len() > MAX_ENCODED_LEN {
        return Err(EnvelopeError::TooLarge);
    }
    let (version, _) =
        postcard::take_from_bytes::<u16>(bytes).map_err(|_| EnvelopeError::Malformed)?;
    if !READ_VERSIONS.contains(&version) {
        return Err(EnvelopeError::UnknownVersion(version));
    }
    let (env, rest) =
        postcard::take_from_bytes::<Envelope>(bytes).map_err(|_| EnvelopeError::Malformed)?;
    if !rest.is_empty() || env.schema_version != version {
        return Err(EnvelopeError::Malformed);
    }
    // Schema 1 never held the new back-pay mode: such bytes are not a schema 1 record.
    if version == 1
        && let crate::record::Enrollment::Voluntary(v) = &env.record.enrollment
        && matches!(v.choices.mode, crate::record::PaymentMode::Backpay { .. })
    {
        return Err(EnvelopeError::Malformed);
    }
    Ok(env.record)
}

/// [`encode`] into a new vector (std).
#[cfg(feature = "std")]
pub fn encode_to_vec(record: &Record) -> Result<std::vec::Vec<u8>, EnvelopeError> {
    let mut buf = std::vec![0u8; MAX_ENCODED_LEN];
    let n = encode(record, &mut buf)?.len();
    buf.truncate(n);
    Ok(buf)
}
