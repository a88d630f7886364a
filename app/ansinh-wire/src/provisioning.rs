//! The provisioning token and the fingerprint of the server's keys it carries, so that a
//! device trusts only the collection server its staff meant (see `PROTOCOL.md`, "Registration").
//!
//! A token reads `<secret>.<fingerprint>`: the secret is the 32 hex digits the server keeps a
//! hash of (one-time, it authorises the registration); the fingerprint is 32 hex digits, the
//! first 16 bytes of SHA-256 over a domain tag and the server's public keys (signing,
//! sealing, configuration, and since the policy key exists the policy key, under another
//! domain tag). At registration the device compares the keys the server answers
//! with the fingerprint and refuses anything else: a server reached through a wrong address, a
//! hijacked DNS name or a certificate authority that misissued cannot hand the device its own
//! keys. A token without a fingerprint (the older form) is still accepted by the server, but
//! a device refuses it, as it would have nothing to check the keys against.

use ed25519_dalek::VerifyingKey;
use sha2::{Digest, Sha256};

use crate::{Error, RegisterResponse, SealingKey};

/// Domain tag of the key fingerprint.
const FINGERPRINT_DOMAIN: &[u8] = b"ansinh/provisioning/v1\0";
/// Domain tag of the fingerprint that also covers the policy key.
const FINGERPRINT_POLICY_DOMAIN: &[u8] = b"ansinh/provisioning/v2\0";
/// Hex digits of the token's secret (16 random bytes).
pub const SECRET_HEX_DIGITS: usize = 32;
/// Bytes of the key fingerprint (128 bits: a second-preimage is out of reach).
pub const FINGERPRINT_BYTES: usize = 16;

/// The fingerprint of a collection server's public keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyFingerprint(pub [u8; FINGERPRINT_BYTES]);

impl KeyFingerprint {
    /// The fingerprint of the server's signing, sealing and configuration keys.
    pub fn of(signing: &VerifyingKey, sealing: &SealingKey, config: &VerifyingKey) -> Self {
        let mut h = Sha256::new();
        h.update(FINGERPRINT_DOMAIN);
        h.update(signing.as_bytes());
        h.update(sealing.to_bytes());
        h.update(config.as_bytes());
        let digest = h.finalize();
        let mut out = [0u8; FINGERPRINT_BYTES];
        out.copy_from_slice(&digest[..FINGERPRINT_BYTES]);
        Self(out)
    }

    /// The fingerprint of the four keys of a hub with a policy key: the three of [`Self::of`]
    /// and the policy key, under another domain tag (so neither form can pass as the other).
    pub fn with_policy(
        signing: &VerifyingKey,
        sealing: &SealingKey,
        config: &VerifyingKey,
        policy: &VerifyingKey,
    ) -> Self {
        let mut h = Sha256::new();
        h.update(FINGERPRINT_POLICY_DOMAIN);
        h.update(signing.as_bytes());
        h.update(sealing.to_bytes());
        h.update(config.as_bytes());
        h.update(policy.as_bytes());
        let digest = h.finalize();
        let mut out = [0u8; FINGERPRINT_BYTES];
        out.copy_from_slice(&digest[..FINGERPRINT_BYTES]);
        Self(out)
    }

    /// The four-key fingerprint of a registration answer that carries a policy key.
    pub fn of_answer_with_policy(answer: &RegisterResponse) -> Result<Self, Error> {
        let signing = crate::verifying_key_from_hex(&answer.server_signing_key)?;
        let sealing = SealingKey::from_hex(&answer.sealing_key)?;
        let config = crate::verifying_key_from_hex(&answer.config_signing_key)?;
        let policy = crate::verifying_key_from_hex(&answer.policy_signing_key)?;
        Ok(Self::with_policy(&signing, &sealing, &config, &policy))
    }

    /// The fingerprint of the keys in a registration answer; an answer whose keys are not
    /// keys (or a configuration key missing, as from a server older than this check) has none.
    pub fn of_answer(answer: &RegisterResponse) -> Result<Self, Error> {
        let signing = crate::verifying_key_from_hex(&answer.server_signing_key)?;
        let sealing = SealingKey::from_hex(&answer.sealing_key)?;
        let config = crate::verifying_key_from_hex(&answer.config_signing_key)?;
        Ok(Self::of(&signing, &sealing, &config))
    }

    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

/// A provisioning token as staff type or paste it.
#[derive(Clone, PartialEq, Eq)]
pub struct ProvisioningToken {
    /// The one-time secret (32 lower-case hex digits), what the server checks.
    pub secret: String,
    /// The fingerprint of the server's keys, when the token carries one.
    pub fingerprint: Option<KeyFingerprint>,
}

impl std::fmt::Debug for ProvisioningToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret registers a device until used: never in a log.
        f.debug_struct("ProvisioningToken")
            .field("fingerprint", &self.fingerprint.map(|k| k.to_hex()))
            .finish_non_exhaustive()
    }
}

impl ProvisioningToken {
    /// Reads `<secret>` or `<secret>.<fingerprint>` (surrounding blanks ignored, hex in
    /// either case). Anything else is [`Error::Token`].
    pub fn parse(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        let (secret, fingerprint) = match text.split_once('.') {
            Some((secret, fingerprint)) => (secret, Some(fingerprint)),
            None => (text, None),
        };
        if secret.len() != SECRET_HEX_DIGITS || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::Token("the secret before the dot is not 32 hex digits"));
        }
        let fingerprint = fingerprint
            .map(|f| {
                let mut bytes = [0u8; FINGERPRINT_BYTES];
                hex::decode_to_slice(f, &mut bytes).map_err(|_| {
                    Error::Token("the key fingerprint after the dot is not 32 hex digits")
                })?;
                Ok::<_, Error>(KeyFingerprint(bytes))
            })
            .transpose()?;
        Ok(Self { secret: secret.to_ascii_lowercase(), fingerprint })
    }

    /// The token as printed: `<secret>.<fingerprint>`, or the secret alone.
    pub fn to_text(&self) -> String {
        match &self.fingerprint {
            Some(f) => format!("{}.{}", self.secret, f.to_hex()),
            None => self.secret.clone(),
        }
    }

    /// Checks that the keys of a registration answer are the ones this token names: a token
    /// without a fingerprint, or keys that differ, is [`Error::KeyMismatch`] / [`Error::Token`].
    pub fn check_answer(&self, answer: &RegisterResponse) -> Result<(), Error> {
        let Some(expected) = self.fingerprint else {
            return Err(Error::Token(
                "the token has no fingerprint of the server's keys: ask the server's staff for a new token (ansinh-hub token)",
            ));
        };
        if self.pinned_policy_key(answer).is_some() {
            return Ok(());
        }
        // A token made before the hub had a policy key pins the three others: the answer is
        // accepted, its policy key is not trusted (`pinned_policy_key`).
        let got = KeyFingerprint::of_answer(answer).map_err(|_| Error::KeyMismatch {
            expected: expected.to_hex(),
            got: "keys missing or invalid".into(),
        })?;
        if got != expected {
            let got = KeyFingerprint::of_answer_with_policy(answer).unwrap_or(got);
            return Err(Error::KeyMismatch { expected: expected.to_hex(), got: got.to_hex() });
        }
        Ok(())
    }

    /// The answer's policy key, when this token's fingerprint covers it with the three other
    /// keys: the only policy key a device may trust. `None` for a token made before the hub
    /// had one, or an answer without one.
    pub fn pinned_policy_key(&self, answer: &RegisterResponse) -> Option<VerifyingKey> {
        let expected = self.fingerprint?;
        let got = KeyFingerprint::of_answer_with_policy(answer).ok()?;
        (got == expected)
            .then(|| crate::verifying_key_from_hex(&answer.policy_signing_key).ok())
            .flatten()
    }
}

/// Domain tag of configuration-file signatures.
const CONFIG_DOMAIN: &[u8] = b"ansinh/config/v1\0";

/// Signs a device configuration file for a USB stick with the server's configuration key: the
/// detached signature as written to `FILE.sig`, 128 hex digits and a newline.
pub fn sign_config(file: &[u8], key: &ed25519_dalek::SigningKey) -> String {
    use ed25519_dalek::Signer;
    let mut message = Vec::with_capacity(CONFIG_DOMAIN.len() + file.len());
    message.extend_from_slice(CONFIG_DOMAIN);
    message.extend_from_slice(file);
    format!("{}\n", hex::encode(key.sign(&message).to_bytes()))
}

/// Checks a detached configuration signature (`FILE.sig`, as [`sign_config`] writes it; blanks
/// around it ignored) over the exact bytes of the file, strictly, with the configuration key
/// the device learned at registration.
pub fn verify_config(file: &[u8], signature: &[u8], key: &VerifyingKey) -> Result<(), Error> {
    let text = std::str::from_utf8(signature).map_err(|_| Error::BadSignature)?;
    let mut bytes = [0u8; 64];
    hex::decode_to_slice(text.trim(), &mut bytes).map_err(|_| Error::BadSignature)?;
    let signature = ed25519_dalek::Signature::from_bytes(&bytes);
    let mut message = Vec::with_capacity(CONFIG_DOMAIN.len() + file.len());
    message.extend_from_slice(CONFIG_DOMAIN);
    message.extend_from_slice(file);
    key.verify_strict(&message, &signature).map_err(|_| Error::BadSignature)
}

/// Why a device must not talk to the server at `url`, if it must not: anything but
/// `https://`, except plain `http://` to a loopback host (`127.0.0.0/8`, `::1`, `localhost`),
/// and never a user name or password in the URL. Checked before anything is sent.
pub fn server_url_refusal(url: &str) -> Option<&'static str> {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else { return Some("not a URL") };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Some("a user name or password in the URL");
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((host, after)) => (host, after.strip_prefix(':')),
            None => return Some("not a URL"),
        },
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return Some("no host");
    }
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return Some("not a URL");
    }
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.to_canonical().is_loopback());
    match scheme.to_ascii_lowercase().as_str() {
        "https" => None,
        "http" if loopback => None,
        "http" => Some("plain http:// is allowed only to this machine (loopback); use https://"),
        _ => Some("only https:// servers are allowed"),
    }
}

/// The secret part of a token as the server hashes it: the text before a `.`, trimmed.
/// The server keeps the hash of the secret alone, so old tokens and new ones register alike.
pub fn token_secret(text: &str) -> &str {
    let text = text.trim();
    text.split_once('.').map_or(text, |(secret, _)| secret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{OpeningKey, generate_signing_key};

    fn answer(
        signing: &VerifyingKey,
        sealing: &SealingKey,
        config: &VerifyingKey,
    ) -> RegisterResponse {
        RegisterResponse {
            device_id: 1,
            sealing_key: sealing.to_hex(),
            server_signing_key: hex::encode(signing.as_bytes()),
            receipt_key: "ab".repeat(32),
            assignment: crate::Assignment::default(),
            config_signing_key: hex::encode(config.as_bytes()),
            policy_signing_key: String::new(),
        }
    }

    #[test]
    fn a_token_pins_the_policy_key_only_when_it_covers_it() -> Result<(), Error> {
        let signing = generate_signing_key().verifying_key();
        let sealing = OpeningKey::generate().sealing_key();
        let config = generate_signing_key().verifying_key();
        let policy = generate_signing_key().verifying_key();
        let mut with_policy = answer(&signing, &sealing, &config);
        with_policy.policy_signing_key = hex::encode(policy.as_bytes());
        let secret = "0123456789abcdef0123456789abcdef".to_string();
        let four = ProvisioningToken {
            secret: secret.clone(),
            fingerprint: Some(KeyFingerprint::with_policy(&signing, &sealing, &config, &policy)),
        };
        four.check_answer(&with_policy)?;
        assert_eq!(four.pinned_policy_key(&with_policy), Some(policy));
        // Another policy key, or none (a server in the way dropping it): refused.
        let mut swapped = with_policy.clone();
        swapped.policy_signing_key = hex::encode(generate_signing_key().verifying_key().as_bytes());
        assert!(matches!(four.check_answer(&swapped), Err(Error::KeyMismatch { .. })));
        assert_eq!(four.pinned_policy_key(&swapped), None);
        let dropped = answer(&signing, &sealing, &config);
        assert!(matches!(four.check_answer(&dropped), Err(Error::KeyMismatch { .. })));
        // A token made before the hub had a policy key: registers, the policy key untrusted.
        let three = ProvisioningToken {
            secret,
            fingerprint: Some(KeyFingerprint::of(&signing, &sealing, &config)),
        };
        three.check_answer(&with_policy)?;
        assert_eq!(three.pinned_policy_key(&with_policy), None);
        assert_ne!(
            KeyFingerprint::with_policy(&signing, &sealing, &config, &policy),
            KeyFingerprint::of(&signing, &sealing, &config)
        );
        Ok(())
    }

    #[test]
    fn a_token_pins_exactly_the_three_keys() -> Result<(), Error> {
        let signing = generate_signing_key().verifying_key();
        let sealing = OpeningKey::generate().sealing_key();
        let config = generate_signing_key().verifying_key();
        let fingerprint = KeyFingerprint::of(&signing, &sealing, &config);
        let token = ProvisioningToken {
            secret: "0123456789abcdef0123456789abcdef".into(),
            fingerprint: Some(fingerprint),
        };
        let parsed = ProvisioningToken::parse(&format!("  {}\n", token.to_text().to_uppercase()))?;
        assert_eq!(parsed, token);
        token.check_answer(&answer(&signing, &sealing, &config))?;
        let other = generate_signing_key().verifying_key();
        let other_sealing = OpeningKey::generate().sealing_key();
        for wrong in [
            answer(&other, &sealing, &config),
            answer(&signing, &other_sealing, &config),
            answer(&signing, &sealing, &other),
            // The keys swapped: the order counts.
            answer(&config, &sealing, &signing),
        ] {
            let e = token.check_answer(&wrong);
            assert!(matches!(e, Err(Error::KeyMismatch { .. })), "{e:?}");
        }
        let mut old_server = answer(&signing, &sealing, &config);
        old_server.config_signing_key.clear();
        assert!(matches!(token.check_answer(&old_server), Err(Error::KeyMismatch { .. })));
        Ok(())
    }

    #[test]
    fn a_token_without_fingerprint_reads_but_pins_nothing() -> Result<(), Error> {
        let old = ProvisioningToken::parse("0123456789ABCDEF0123456789abcdef")?;
        assert_eq!(old.fingerprint, None);
        assert_eq!(old.to_text(), "0123456789abcdef0123456789abcdef");
        let k = generate_signing_key().verifying_key();
        let e = old.check_answer(&answer(&k, &OpeningKey::generate().sealing_key(), &k));
        assert!(matches!(e, Err(Error::Token(why)) if why.contains("no fingerprint")), "{e:?}");
        Ok(())
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let secret = "0123456789abcdef0123456789abcdef";
        for bad in [
            "",
            ".",
            "0123",
            &format!("{secret}0"),
            &format!("{secret}."),
            &format!("{secret}.zz"),
            &format!("{secret}.{}", "0".repeat(31)),
            &format!("{secret}.{}", "0".repeat(34)),
            &format!("{secret}.{}.{}", "0".repeat(32), "0".repeat(32)),
            "g123456789abcdef0123456789abcdef",
            "０123456789abcdef0123456789abcde",
        ] {
            assert!(ProvisioningToken::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_config_signature_covers_the_exact_file_under_the_config_key() {
        let key = generate_signing_key();
        let file = b"idle_seconds = 120\n";
        let sig = sign_config(file, &key);
        assert_eq!(sig.len(), 129);
        assert_eq!(verify_config(file, sig.as_bytes(), &key.verifying_key()), Ok(()));
        assert_eq!(
            verify_config(file, format!("  {sig}  ").as_bytes(), &key.verifying_key()),
            Ok(())
        );
        let other = generate_signing_key().verifying_key();
        assert_eq!(verify_config(file, sig.as_bytes(), &other), Err(Error::BadSignature));
        assert_eq!(
            verify_config(b"idle_seconds = 121\n", sig.as_bytes(), &key.verifying_key()),
            Err(Error::BadSignature)
        );
        for bad in [&b""[..], b"00", &[0xff; 128][..], "0".repeat(128).as_bytes()] {
            assert_eq!(verify_config(file, bad, &key.verifying_key()), Err(Error::BadSignature));
        }
        // Not an acknowledgement's or a batch's signature over the same bytes.
        use ed25519_dalek::Signer;
        let plain = hex::encode(key.sign(file).to_bytes());
        assert!(verify_config(file, plain.as_bytes(), &key.verifying_key()).is_err());
    }

    #[test]
    fn only_https_or_plain_http_to_this_machine() {
        for ok in [
            "https://hub.example",
            "HTTPS://hub.example:8443/",
            "https://10.0.0.5:8040/v1",
            "http://127.0.0.1:8040",
            "http://127.9.8.7",
            "http://localhost:8040/",
            "http://LOCALHOST",
            "http://[::1]:8040",
            "http://[::ffff:127.0.0.1]:80",
        ] {
            assert_eq!(server_url_refusal(ok), None, "{ok}");
        }
        for bad in [
            "http://hub.example",
            "http://10.0.0.5:8040",
            "http://[2001:db8::1]",
            "http://localhost.evil.example",
            "http://127.0.0.1.evil.example",
            "http://user:pw@127.0.0.1",
            "https://user@hub.example",
            "https://hub.example:x",
            "https://[::1",
            "https://",
            "ftp://hub.example",
            "hub.example",
            "",
            "file:///etc/passwd",
        ] {
            assert!(server_url_refusal(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn the_server_hashes_the_secret_alone() {
        assert_eq!(token_secret(" abc.def \n"), "abc");
        assert_eq!(token_secret("abc"), "abc");
    }

    #[test]
    fn the_secret_never_shows_in_debug() -> Result<(), Error> {
        let t = ProvisioningToken::parse("0123456789abcdef0123456789abcdef")?;
        assert!(!format!("{t:?}").contains("0123456789"));
        Ok(())
    }
}
