//! Sealing personal data to the collection server's public key: how every record travels.
//!
//! A sealed box (X25519 + XSalsa20-Poly1305 with an ephemeral sender key, the libsodium
//! `crypto_box_seal` construction, sealed with the `crypto_box` crate and opened the same way
//! with the server's shared secret worked out faster, see `OpeningKey`): only the holder of the
//! server's secret key can open it, so a stolen device cannot read its queued enrollments, and
//! the device itself cannot either once the plaintext buffer is wiped. The device's outbox
//! seals at enqueue; the collection server opens.

use crypto_box::aead::Aead;
use crypto_box::{PublicKey, SecretKey};
use crypto_secretbox::{Kdf, KeyInit, XSalsa20Poly1305};
use curve25519_dalek::montgomery::MontgomeryPoint;
use curve25519_dalek::scalar::Scalar;
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
    /// The secret as crypto_box multiplies by it (clamped, reduced modulo the group order).
    scalar: Scalar,
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
        let scalar = secret.to_scalar();
        Self { secret, scalar, public }
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
    /// BLAKE2b-192(ephemeral key ‖ server key), with the key HSalsa20(shared secret) as
    /// `crypto_box` derives it, from a shared secret worked out as `crypto_box` does but faster.
    pub fn open(&self, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
        use blake2::Digest;
        let damaged = || Error::Seal("cannot open: wrong key or damaged");
        let (ephemeral, boxed) = sealed.split_at_checked(32).ok_or_else(damaged)?;
        let ephemeral: [u8; 32] = ephemeral.try_into().map_err(|_| damaged())?;
        let mut hasher = blake2::Blake2b::<blake2::digest::consts::U24>::new();
        hasher.update(ephemeral);
        hasher.update(self.public.as_bytes());
        let nonce = hasher.finalize();
        let shared = Zeroizing::new(self.shared_secret(MontgomeryPoint(ephemeral)));
        let key =
            Zeroizing::new(<XSalsa20Poly1305 as Kdf>::kdf((&shared.0).into(), &Default::default()));
        XSalsa20Poly1305::new(&key)
            .decrypt(&nonce, boxed)
            .map(Zeroizing::new)
            .map_err(|_| damaged())
    }

    /// The X25519 shared secret with a sender's ephemeral key, exactly as `crypto_box`
    /// computes it (the Montgomery ladder by the reduced scalar), but on x86-64 through the
    /// Edwards form of the point: there curve25519-dalek multiplies with AVX2 (chosen at run
    /// time), a quarter less CPU than the ladder's serial arithmetic, and one multiplication
    /// per record is most of the hub's ingest. Both are constant-time in the secret; a key
    /// with no Edwards form (a point of the twist, sent by no honest device) takes the
    /// ladder, which reveals nothing but that the sender's public key is not on the curve.
    fn shared_secret(&self, ephemeral: MontgomeryPoint) -> MontgomeryPoint {
        #[cfg(target_arch = "x86_64")]
        if let Some(point) = ephemeral.to_edwards(0) {
            // ±P have the same Montgomery u, so the sign chosen above does not matter.
            return (point * self.scalar).to_montgomery();
        }
        ephemeral * self.scalar
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

    /// The shared secret through the Edwards form equals `crypto_box`'s own (the ladder by
    /// the same scalar) for senders' keys of every kind: random ones, the points of small
    /// order, points of the twist, u = −1 (no Edwards form), non-canonical encodings and a
    /// set top bit.
    #[test]
    fn the_shared_secret_is_crypto_boxs_for_every_kind_of_key() {
        use curve25519_dalek::constants::X25519_BASEPOINT;
        let server = OpeningKey::generate();
        let mut keys = vec![];
        for i in 0..200u32 {
            let mut s = [0x5Au8; 32];
            s[..4].copy_from_slice(&i.to_le_bytes());
            keys.push(X25519_BASEPOINT.mul_clamped(s).0);
        }
        // p − 1 (u = −1), p, p + 1, 2^255 − 1, u = 0 and 1 (small order) and the two
        // points of order 8.
        let mut odd = vec![[0xFFu8; 32], [0xFF; 32], [0xFF; 32], [0xFF; 32], [0; 32], [0; 32]];
        for (k, low) in odd.iter_mut().zip([0xEC, 0xED, 0xEE]) {
            k[0] = low;
            k[31] = 0x7F;
        }
        odd[5][0] = 1;
        let eighth = [
            hex_key("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
            hex_key("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
        ];
        for k in eighth {
            assert!(MontgomeryPoint(k).to_edwards(0).is_some_and(|p| p.is_small_order()));
        }
        odd.extend(eighth);
        // Small u, about half of them on the twist.
        for u in 2..40u8 {
            let mut k = [0u8; 32];
            k[0] = u;
            odd.push(k);
        }
        let twist = odd.iter().filter(|k| MontgomeryPoint(**k).to_edwards(0).is_none()).count();
        assert!(twist > 5, "points of the twist: {twist}");
        for k in odd {
            let mut high = k;
            high[31] |= 0x80;
            keys.extend([k, high]);
        }
        for k in keys {
            let point = MontgomeryPoint(k);
            assert_eq!(server.shared_secret(point), point * server.scalar, "{}", hex::encode(k));
        }
    }

    fn hex_key(text: &str) -> [u8; 32] {
        let mut k = [0; 32];
        hex::decode_to_slice(text, &mut k).unwrap_or_default();
        k
    }

    /// Boxes sealed by `crypto_box` to many keys open with this construction, and with
    /// `crypto_box`'s own `unseal`, to the same bytes.
    #[test]
    fn many_boxes_open_as_crypto_box_opens_them() -> Result<(), Error> {
        for n in 0..50usize {
            let server = OpeningKey::generate();
            let plain = vec![u8::try_from(n).unwrap_or(0); n * 7];
            let sealed = server.sealing_key().seal(&plain)?;
            let ours = server.open(&sealed)?;
            let theirs = server.secret.unseal(&sealed).map_err(|_| Error::Seal("unseal"))?;
            assert_eq!((ours.as_slice(), theirs.as_slice()), (plain.as_slice(), plain.as_slice()));
        }
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
