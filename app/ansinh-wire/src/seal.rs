//! Sealing personal data to the collection server's public key: how every record travels.
//!
//! A sealed box (X25519 + XSalsa20-Poly1305 with an ephemeral sender key, the libsodium
//! `crypto_box_seal` construction, from the `crypto_box` crate): only the holder of the
//! server's secret key can open it, so a stolen device cannot read its queued enrollments, and
//! the device itself cannot either once the plaintext buffer is wiped. The device's outbox
//! seals at enqueue; the collection server opens.

use crypto_box::aead::Aead;
use crypto_box::{PublicKey, SalsaBox, SecretKey};
use rand_core::OsRng;
use zeroize::Zeroizing;

use crate::Error;

/// Bytes a sealed box adds to its plaintext (ephemeral public key + authentication tag).
pub const SEAL_OVERHEAD: usize = 48;

/// The collection server's public key: what a device seals to.
#[derive(Clone, PartialEq, Eq)]
pub struct SealingKey(PublicKey);

/// The collection server's secret key: opens sealed records. Never on a production device.
/// Its public half is kept beside it: every box's nonce hashes it, and working it out again
/// (a base-point multiplication and an inversion) cost a sixth of each opening.
pub struct OpeningKey {
    secret: SecretKey,
    public: PublicKey,
}

impl SealingKey {
    /// From the 32 raw key bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(PublicKey::from(bytes))
    }

    /// From 64 hexadecimal digits (the form in key files and provisioning answers).
    pub fn from_hex(text: &str) -> Result<Self, Error> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut bytes)
            .map_err(|_| Error::Seal("a sealing key is 64 hex digits"))?;
        Ok(Self::from_bytes(bytes))
    }

    /// The 32 raw key bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        *self.0.as_bytes()
    }

    /// 64 hexadecimal digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }

    /// Seals `plaintext`; the result is `plaintext.len() + SEAL_OVERHEAD` bytes.
    pub fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>, Error> {
        self.0.seal(&mut OsRng, plaintext).map_err(|_| Error::Seal("sealing failed"))
    }
}

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealingKey({})", self.to_hex())
    }
}

impl OpeningKey {
    /// A new random key pair (the server's, or a development pair on one machine).
    pub fn generate() -> Self {
        Self::from_secret(SecretKey::generate(&mut OsRng))
    }

    /// From the 32 secret bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self::from_secret(SecretKey::from(bytes))
    }

    fn from_secret(secret: SecretKey) -> Self {
        let public = secret.public_key();
        Self { secret, public }
    }

    /// From 64 hexadecimal digits.
    pub fn from_hex(text: &str) -> Result<Self, Error> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim(), bytes.as_mut())
            .map_err(|_| Error::Seal("an opening key is 64 hex digits"))?;
        Ok(Self::from_bytes(*bytes))
    }

    /// 64 hexadecimal digits, wiped when dropped.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.secret.to_bytes()))
    }

    /// The matching public key.
    pub fn sealing_key(&self) -> SealingKey {
        SealingKey(self.public.clone())
    }

    /// Opens a sealed record; the plaintext is wiped when dropped. The libsodium
    /// `crypto_box_seal_open` construction, as `crypto_box`'s `unseal` but with the public
    /// key kept: the sender's ephemeral public key, then the box under the nonce
    /// BLAKE2b-192(ephemeral key ‖ server key).
    pub fn open(&self, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
        use blake2::Digest;
        let damaged = || Error::Seal("cannot open: wrong key or damaged");
        let (ephemeral, boxed) = sealed.split_at_checked(32).ok_or_else(damaged)?;
        let ephemeral: [u8; 32] = ephemeral.try_into().map_err(|_| damaged())?;
        let ephemeral = PublicKey::from(ephemeral);
        let mut hasher = blake2::Blake2b::<blake2::digest::consts::U24>::new();
        hasher.update(ephemeral.as_bytes());
        hasher.update(self.public.as_bytes());
        let nonce = hasher.finalize();
        SalsaBox::new(&ephemeral, &self.secret)
            .decrypt(&nonce, boxed)
            .map(Zeroizing::new)
            .map_err(|_| damaged())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_open_round_trip() -> Result<(), Error> {
        let server = OpeningKey::generate();
        let sealed = server.sealing_key().seal(b"NGUYEN THI HONG NHUNG 001179012345")?;
        assert_eq!(sealed.len(), 34 + SEAL_OVERHEAD);
        assert!(!sealed.windows(6).any(|w| w == b"NGUYEN"));
        assert_eq!(server.open(&sealed)?.as_slice(), b"NGUYEN THI HONG NHUNG 001179012345");
        // The same as crypto_box's own opening, for boxes sealed by crypto_box.
        assert_eq!(
            server.open(&sealed)?.as_slice(),
            server.secret.unseal(&sealed).map_err(|_| Error::Seal("unseal"))?
        );
        // Too short to hold a key and a tag: refused, never a panic.
        for len in [0, 1, 31, 32, 47] {
            assert!(server.open(&sealed[..len]).is_err(), "{len} bytes");
        }
        // Another key cannot open it; a flipped bit is detected.
        assert!(OpeningKey::generate().open(&sealed).is_err());
        let mut damaged = sealed.clone();
        damaged[60] ^= 1;
        assert!(server.open(&damaged).is_err());
        Ok(())
    }

    #[test]
    fn keys_round_trip_through_hex() -> Result<(), Error> {
        let server = OpeningKey::generate();
        let again = OpeningKey::from_hex(&server.to_hex())?;
        assert_eq!(again.sealing_key(), server.sealing_key());
        assert_eq!(SealingKey::from_hex(&server.sealing_key().to_hex())?, server.sealing_key());
        assert!(SealingKey::from_hex("abc").is_err());
        Ok(())
    }
}
