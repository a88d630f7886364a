//! Sealing personal data to the collection server's public key: how every record travels.
//!
//! A sealed box (X25519 + XSalsa20-Poly1305 with an ephemeral sender key, the libsodium
//! `crypto_box_seal` construction, sealed with the `crypto_box` crate and opened the same way
//! with the server's shared secret worked out faster, see `OpeningKey`): only the holder of the
//! server's secret key can open it, so a stolen device cannot read its queued enrollments, and
//! the device itself cannot either once the plaintext buffer is wiped. The device's outbox
//! seals at enqueue; the collection server opens.
//!
//! The hub's X25519 goes through AWS-LC (feature `aws-lc`, which the hub turns on): its
//! formally verified x86-64 and Arm assembly (s2n-bignum) takes 28 µs on the benchmark
//! machine, where curve25519-dalek takes 49 µs (its AVX2 Edwards multiplication, 35 µs, and
//! the point's conversions), and one multiplication per record was most of the hub's ingest
//! (BENCHMARKS.md). Builds without it (the kiosk, the fuzzers) work the same secret out with
//! curve25519-dalek. Both are RFC 7748's X25519, libsodium's too: the secret clamped, and a
//! sender's key whose shared secret is all zeros (a point of small order, sent by no honest
//! device: anyone could open such a box) is refused, as `crypto_box_seal_open` refuses it.
//!
//! Opening a box is an X25519 multiplication (tens of microseconds) and then a symmetric
//! XSalsa20-Poly1305 opening under the box's key (a microsecond or two). The server, which
//! opens each record once as it arrives and again for every list it writes, can keep that
//! key: [`OpeningKey::open_and_wrap_key`] gives it wrapped (XSalsa20-Poly1305 under a key
//! derived from the opening key, [`WRAPPED_KEY_BYTES`]), and
//! [`OpeningKey::open_with_wrapped_key`] opens the box again from it without the
//! multiplication. The wrapped key is useless without the opening key, and both the wrap and
//! the box are authenticated: a damaged or swapped key opens nothing.

use crypto_box::{PublicKey, SecretKey};
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::{Kdf, Key, Nonce, XSalsa20Poly1305};
#[cfg(any(test, not(feature = "aws-lc")))]
use curve25519_dalek::MontgomeryPoint;
use rand_core::OsRng;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::Error;

/// Bytes a sealed box adds to its plaintext (ephemeral public key + authentication tag).
pub const SEAL_OVERHEAD: usize = 48;

/// Bytes of a box's key wrapped for the server's storage: the key and an authentication tag.
pub const WRAPPED_KEY_BYTES: usize = 48;

/// The collection server's public key: what a device seals to.
#[derive(Clone, PartialEq, Eq)]
pub struct SealingKey(PublicKey);

/// The collection server's secret key: opens sealed records. Never on a production device.
/// Its public half is kept beside it: every box's nonce hashes it, and working it out again
/// (a base-point multiplication and an inversion) cost a sixth of each opening.
pub struct OpeningKey {
    secret: SecretKey,
    /// The secret as AWS-LC holds it for X25519 (wiped by AWS-LC when freed).
    #[cfg(feature = "aws-lc")]
    agreement: aws_lc_rs::agreement::PrivateKey,
    public: PublicKey,
    /// Wraps the boxes' keys the server keeps: derived from the secret, so no other key file
    /// to back up (its own key is wiped when dropped).
    wrapping: XSalsa20Poly1305,
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
        let mut h = Sha256::new();
        h.update(b"ansinh-wire/box-key-wrap/v1\0");
        h.update(secret.to_bytes());
        let key = Zeroizing::new(<[u8; 32]>::from(h.finalize()));
        let wrapping = XSalsa20Poly1305::new(Key::from_slice(key.as_ref()));
        #[cfg(feature = "aws-lc")]
        let agreement = {
            use aws_lc_rs::agreement::{PrivateKey, X25519};
            let bytes = Zeroizing::new(secret.to_bytes());
            // Any 32 bytes are an X25519 secret: this cannot fail.
            PrivateKey::from_private_key(&X25519, bytes.as_ref())
                .expect("32 bytes are an X25519 private key")
        };
        Self {
            secret,
            #[cfg(feature = "aws-lc")]
            agreement,
            public,
            wrapping,
        }
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
    /// BLAKE2b-192(ephemeral key ‖ server key) and the key HSalsa20(X25519(secret, ephemeral
    /// key)), the shared secret worked out as `crypto_box` does but faster.
    pub fn open(&self, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
        let (ephemeral, nonce, boxed) = self.parts(sealed)?;
        open_box(&*self.box_key(&ephemeral)?, &nonce, boxed)
    }

    /// [`OpeningKey::open`], and the box's key wrapped for storage beside the record
    /// ([`WRAPPED_KEY_BYTES`]), so that [`OpeningKey::open_with_wrapped_key`] opens it again
    /// without the multiplication. The wrap's nonce is the box's own: unique to its ephemeral
    /// key (a box with the same one has the same key, and the same wrapped key).
    pub fn open_and_wrap_key(
        &self,
        sealed: &[u8],
    ) -> Result<(Zeroizing<Vec<u8>>, [u8; WRAPPED_KEY_BYTES]), Error> {
        let (ephemeral, nonce, boxed) = self.parts(sealed)?;
        let key = self.box_key(&ephemeral)?;
        let plaintext = open_box(&key, &nonce, boxed)?;
        let wrapped = self
            .wrapping
            .encrypt(&nonce, key.as_slice())
            .ok()
            .and_then(|w| <[u8; WRAPPED_KEY_BYTES]>::try_from(w).ok())
            .ok_or(Error::Seal("wrapping a box's key failed"))?;
        Ok((plaintext, wrapped))
    }

    /// Opens a sealed record with its key as [`OpeningKey::open_and_wrap_key`] wrapped it:
    /// the same plaintext as [`OpeningKey::open`], a small fraction of the work. A wrapped key
    /// that is damaged, another record's or another server's is refused, never used.
    pub fn open_with_wrapped_key(
        &self,
        sealed: &[u8],
        wrapped: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        let (_, nonce, boxed) = self.parts(sealed)?;
        let refused =
            || Error::Seal("the record's kept key does not open it: damaged or not its own");
        let key = Zeroizing::new(self.wrapping.decrypt(&nonce, wrapped).map_err(|_| refused())?);
        if key.len() != 32 {
            return Err(refused());
        }
        open_box(Key::from_slice(&key), &nonce, boxed)
    }

    /// A sealed box's ephemeral public key, nonce and box.
    fn parts<'a>(&self, sealed: &'a [u8]) -> Result<([u8; 32], Nonce, &'a [u8]), Error> {
        use blake2::Digest;
        let damaged = || Error::Seal("cannot open: wrong key or damaged");
        let (ephemeral, boxed) = sealed.split_at_checked(32).ok_or_else(damaged)?;
        let ephemeral: [u8; 32] = ephemeral.try_into().map_err(|_| damaged())?;
        let mut hasher = blake2::Blake2b::<blake2::digest::consts::U24>::new();
        hasher.update(ephemeral);
        hasher.update(self.public.as_bytes());
        Ok((ephemeral, hasher.finalize(), boxed))
    }

    /// The key of the box sent with `ephemeral`: HSalsa20 of the X25519 shared secret, as
    /// `crypto_box` derives it.
    fn box_key(&self, ephemeral: &[u8; 32]) -> Result<Zeroizing<Key>, Error> {
        let shared = self.shared_secret(ephemeral)?;
        Ok(Zeroizing::new(XSalsa20Poly1305::kdf(
            Key::from_slice(shared.as_ref()),
            &Default::default(),
        )))
    }

    /// The X25519 shared secret with a sender's ephemeral key, through AWS-LC; refused when
    /// it is all zeros.
    #[cfg(feature = "aws-lc")]
    fn shared_secret(&self, ephemeral: &[u8; 32]) -> Result<Zeroizing<[u8; 32]>, Error> {
        use aws_lc_rs::agreement::{UnparsedPublicKey, X25519, agree};
        agree(&self.agreement, UnparsedPublicKey::new(&X25519, ephemeral), NO_SHARED_SECRET, |k| {
            let mut out = Zeroizing::new([0u8; 32]);
            out.copy_from_slice(k.get(..32).ok_or(NO_SHARED_SECRET)?);
            Ok(out)
        })
    }

    /// The X25519 shared secret with a sender's ephemeral key, through curve25519-dalek;
    /// refused when it is all zeros.
    #[cfg(not(feature = "aws-lc"))]
    fn shared_secret(&self, ephemeral: &[u8; 32]) -> Result<Zeroizing<[u8; 32]>, Error> {
        let secret = Zeroizing::new(self.secret.to_bytes());
        let shared = dalek_x25519(&secret, *ephemeral);
        if shared.iter().all(|b| *b == 0) {
            return Err(NO_SHARED_SECRET);
        }
        Ok(shared)
    }
}

/// A sender's key whose shared secret is all zeros: a point of small order.
const NO_SHARED_SECRET: Error = Error::Seal("cannot open: the sender's key is of small order");

/// RFC 7748's X25519 (the secret clamped, not reduced) through curve25519-dalek: on x86-64
/// through the Edwards form of the point, where it multiplies with AVX2 (chosen at run time),
/// a quarter less CPU than the ladder's serial arithmetic. Both are constant-time in the
/// secret; a key with no Edwards form (a point of the twist, sent by no honest device) takes
/// the ladder, which reveals nothing but that the sender's key is not on the curve.
#[cfg(any(test, not(feature = "aws-lc")))]
fn dalek_x25519(secret: &[u8; 32], ephemeral: [u8; 32]) -> Zeroizing<[u8; 32]> {
    let point = MontgomeryPoint(ephemeral);
    #[cfg(target_arch = "x86_64")]
    if let Some(edwards) = point.to_edwards(0) {
        // ±P have the same Montgomery u, so the sign chosen above does not matter.
        return Zeroizing::new(edwards.mul_clamped(*secret).to_montgomery().to_bytes());
    }
    Zeroizing::new(point.mul_clamped(*secret).to_bytes())
}

/// Opens `boxed` (tag, then ciphertext) under `key`.
fn open_box(key: &Key, nonce: &Nonce, boxed: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    XSalsa20Poly1305::new(key)
        .decrypt(nonce, boxed)
        .map(Zeroizing::new)
        .map_err(|_| Error::Seal("cannot open: wrong key or damaged"))
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

    /// RFC 7748's X25519 as curve25519-dalek's ladder computes it (`mul_clamped`): the
    /// reference both ways of opening are held to.
    fn reference_x25519(secret: &[u8; 32], ephemeral: [u8; 32]) -> [u8; 32] {
        MontgomeryPoint(ephemeral).mul_clamped(*secret).to_bytes()
    }

    /// RFC 7748, section 5.2, the first test vector: the hub's X25519 gives its output.
    #[test]
    fn the_shared_secret_is_rfc_7748s() -> Result<(), Error> {
        let secret = hex_key("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        let u = hex_key("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        let out = hex_key("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
        let server = OpeningKey::from_bytes(secret);
        assert_eq!(*server.shared_secret(&u)?, out);
        assert_eq!(*dalek_x25519(&secret, u), out);
        assert_eq!(reference_x25519(&secret, u), out);
        Ok(())
    }

    /// The shared secret, AWS-LC's in the hub and curve25519-dalek's through the Edwards form
    /// elsewhere, is the ladder's for senders' keys of every kind: random ones, the points of
    /// small order (refused: all zeros), points of the twist, u = −1 (no Edwards form),
    /// non-canonical encodings and a set top bit.
    #[test]
    fn the_shared_secret_is_the_ladders_for_every_kind_of_key() {
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
        let secret = Zeroizing::new(server.secret.to_bytes());
        let mut refused = 0;
        for k in keys {
            let expected = reference_x25519(&secret, k);
            assert_eq!(*dalek_x25519(&secret, k), expected, "{}", hex::encode(k));
            match server.shared_secret(&k) {
                Ok(shared) => assert_eq!(*shared, expected, "{}", hex::encode(k)),
                Err(_) => {
                    assert_eq!(expected, [0; 32], "{} refused", hex::encode(k));
                    refused += 1;
                }
            }
        }
        // u = 0, 1, −1, p and p + 1 (0 and 1 again) and the two points of order 8, each with
        // and without the top bit.
        assert_eq!(refused, 14);
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

    /// The box's key worked out here is libsodium's, for any 32 bytes a sender may put in the
    /// ephemeral key's place (points on the twist, of small order, with the top bit set):
    /// boxes made from the other side with RFC 7748's X25519 open, with and without a wrapped
    /// key, to the same plaintext, and a box whose shared secret is all zeros is refused.
    /// (`crypto_box` itself multiplies by the secret reduced modulo the group's order: the
    /// same for every honest sender's key, which lies in the prime-order subgroup.)
    #[test]
    fn boxes_open_as_crypto_box_opens_them() -> Result<(), Error> {
        let mut seed = [7u8; 32];
        for round in 0..300u32 {
            let server = OpeningKey::generate();
            // A real sealed box, and one with arbitrary bytes as the ephemeral key.
            let text = format!("record {round}: NGUYỄN VĂN AN 001079012345");
            let sealed = server.sealing_key().seal(text.as_bytes())?;
            seed = <[u8; 32]>::from(Sha256::digest(seed));
            let mut odd = seed;
            match round % 5 {
                0 => odd = [0; 32],
                1 => odd[31] |= 0x80,
                2 => {
                    odd = [
                        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                        0, 0, 0, 0, 0, 0, 0,
                    ]
                }
                _ => {}
            }
            let (_, nonce, _) =
                server.parts(&odd.iter().chain(&[0u8; 16]).copied().collect::<Vec<_>>())?;
            let shared = reference_x25519(&server.secret.to_bytes(), odd);
            let key = XSalsa20Poly1305::kdf(Key::from_slice(&shared), &Default::default());
            let boxed = XSalsa20Poly1305::new(&key)
                .encrypt(&nonce, text.as_bytes())
                .map_err(|_| Error::Seal("xsalsa20poly1305"))?;
            let odd_sealed: Vec<u8> = odd.iter().chain(&boxed).copied().collect();
            // An honest sender's box, as crypto_box seals and opens it.
            let theirs = server.secret.unseal(&sealed).map_err(|_| Error::Seal("unseal"))?;
            assert_eq!(theirs.as_slice(), text.as_bytes());
            let mut boxes = vec![sealed];
            if shared == [0; 32] {
                assert!(server.open(&odd_sealed).is_err(), "round {round}: small order");
                assert!(server.open_and_wrap_key(&odd_sealed).is_err());
            } else {
                boxes.push(odd_sealed);
            }
            for sealed in boxes {
                let (plain, wrapped) = server.open_and_wrap_key(&sealed)?;
                assert_eq!(plain.as_slice(), text.as_bytes(), "round {round}");
                assert_eq!(server.open(&sealed)?.as_slice(), text.as_bytes());
                assert_eq!(
                    server.open_with_wrapped_key(&sealed, &wrapped)?.as_slice(),
                    text.as_bytes()
                );
                // The same box wraps to the same bytes.
                assert_eq!(server.open_and_wrap_key(&sealed)?.1, wrapped);
            }
        }
        Ok(())
    }

    /// A wrapped key opens only its own record on its own server: flipped bits, another
    /// record's key, another server's, a truncated one are refused.
    #[test]
    fn a_wrapped_key_opens_only_its_own_record() -> Result<(), Error> {
        let server = OpeningKey::generate();
        let first = server.sealing_key().seal(b"first")?;
        let second = server.sealing_key().seal(b"second")?;
        let (_, key1) = server.open_and_wrap_key(&first)?;
        let (_, key2) = server.open_and_wrap_key(&second)?;
        assert_ne!(key1, key2);
        assert!(!key1.windows(8).any(|w| first.windows(8).any(|f| f == w)));
        assert_eq!(server.open_with_wrapped_key(&second, &key2)?.as_slice(), b"second");
        assert!(server.open_with_wrapped_key(&second, &key1).is_err(), "another record's key");
        for i in [0, 20, 47] {
            let mut damaged = key2;
            damaged[i] ^= 0x10;
            assert!(server.open_with_wrapped_key(&second, &damaged).is_err(), "bit flipped at {i}");
        }
        assert!(server.open_with_wrapped_key(&second, &key2[..40]).is_err());
        assert!(server.open_with_wrapped_key(&second, &[]).is_err());
        let other = OpeningKey::from_hex(&OpeningKey::generate().to_hex())?;
        assert!(other.open_with_wrapped_key(&second, &key2).is_err(), "another server");
        // The same server loaded again from its key file unwraps its keys.
        let again = OpeningKey::from_hex(&server.to_hex())?;
        assert_eq!(again.open_with_wrapped_key(&second, &key2)?.as_slice(), b"second");
        // A damaged box is refused even with its own key.
        let mut damaged = second.clone();
        damaged[50] ^= 1;
        assert!(server.open_with_wrapped_key(&damaged, &key2).is_err());
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
