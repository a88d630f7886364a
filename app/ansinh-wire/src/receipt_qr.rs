//! What a receipt's QR code holds, and the MAC the collection server verifies.
//!
//! Two forms, both in QR alphanumeric mode (upper-case letters, digits, `$%*+-./:` and space),
//! which packs 11 bits per two characters:
//!
//! ```text
//! ANSINH1:<record id, 32 hex>:<receipt no>:<amount, đồng>:<device id>:<MAC, 20 hex>
//! <BASE>/R/2/<record id, 32 hex>/<receipt no>/<amount, đồng>/<device id>/<MAC, 20 hex>
//! ```
//!
//! The first is printed by a device with no collection server (and by every device before
//! the second existed); the second by a registered device, `<BASE>` being its server's URL
//! upper-cased (`HTTPS://HUB.EXAMPLE.VN`), so any phone camera opens the hub's public receipt
//! page. The MAC is HMAC-SHA256, keyed with the device's receipt key (the server gave it at
//! registration and keeps a copy), cut to its first 10 bytes, over
//! `ANSINH1:<id>:<no>:<amount>:<device>` or `ANSINH2:<id>:<no>:<amount>:<device>`: the
//! version is signed, the base URL is not (a hub may move; what proves a receipt is the page
//! of the genuine hub refusing a forged code). 80 bits leave a forger one chance in 2^80 per
//! guess, and each guess needs the server to check it. A typical URL (a 22-character base)
//! is a version 5 QR code (37 modules), the longest one allowed a version 7 (45 modules);
//! at 5 dots a module both fit 58 mm paper with their quiet zone. The device makes the code
//! ([`payload`], [`url`]), `ansinh-receipt` draws it, the server checks a scanned one
//! ([`Code::parse`], [`Code::from_route`], [`verify`]).

use std::fmt::Write;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::Error;

/// The offline form's first field: the format and its version.
pub const PREFIX: &str = "ANSINH1";
/// What the URL form's MAC covers starts with this instead of [`PREFIX`], so that neither
/// form's MAC is valid for the other.
pub const URL_PREFIX: &str = "ANSINH2";
/// The URL form's path between the base and the fields: `R` for receipt, then the version.
pub const URL_PATH: &str = "/R/2/";
/// MAC bytes kept.
pub const MAC_BYTES: usize = 10;
/// A bound on the offline payload's length (the longest fields, every number at `u64::MAX`,
/// give 124 characters).
pub const MAX_PAYLOAD: usize = 136;
/// The longest base URL written into a code ([`UrlBase`]).
pub const MAX_BASE: usize = 48;
/// The URL form's longest: the longest base and every number at `u64::MAX`; the receipt's QR
/// code is sized for it.
pub const MAX_URL: usize = 169;
/// Shortest receipt key accepted.
pub const MIN_KEY_BYTES: usize = 16;

/// What a receipt QR code proves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fields {
    /// The record's id.
    pub record_id: [u8; 16],
    /// Receipt number on the device.
    pub receipt_no: u64,
    /// Cash paid, đồng.
    pub amount: u64,
    /// The device (0 before registration).
    pub device_id: u64,
}

/// Which of the two forms a code has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `ANSINH1:…`, printed without a server.
    Offline,
    /// `<BASE>/R/2/…`, the hub's public page.
    Url,
}

impl Form {
    fn prefix(self) -> &'static str {
        match self {
            Form::Offline => PREFIX,
            Form::Url => URL_PREFIX,
        }
    }

    fn separator(self) -> char {
        match self {
            Form::Offline => ':',
            Form::Url => '/',
        }
    }
}

/// The fields joined by the form's separator, without a prefix.
fn joined(f: &Fields, sep: char) -> String {
    let mut s = String::with_capacity(MAX_PAYLOAD);
    // Writing to a String cannot fail.
    for b in f.record_id {
        let _ = write!(s, "{b:02X}");
    }
    let _ = write!(s, "{sep}{}{sep}{}{sep}{}", f.receipt_no, f.amount, f.device_id);
    s
}

/// What the MAC covers.
fn signed_text(f: &Fields, form: Form) -> String {
    format!("{}:{}", form.prefix(), joined(f, ':'))
}

fn mac(key: &[u8], body: &str) -> Result<Hmac<Sha256>, Error> {
    // HMAC accepts any key, even none; a device without its key must not print codes that
    // look authentic.
    if key.len() < MIN_KEY_BYTES {
        return Err(Error::ReceiptKey);
    }
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).map_err(|_| Error::ReceiptKey)?;
    m.update(body.as_bytes());
    Ok(m)
}

fn tag_hex(fields: &Fields, form: Form, key: &[u8]) -> Result<String, Error> {
    let tag = mac(key, &signed_text(fields, form))?.finalize().into_bytes();
    let mut s = String::with_capacity(2 * MAC_BYTES);
    for b in &tag[..MAC_BYTES] {
        let _ = write!(s, "{b:02X}");
    }
    Ok(s)
}

/// The offline QR payload for `fields`, authenticated with the device's receipt `key`.
pub fn payload(fields: &Fields, key: &[u8]) -> Result<String, Error> {
    let tag = tag_hex(fields, Form::Offline, key)?;
    Ok(format!("{}:{tag}", signed_text(fields, Form::Offline)))
}

/// A server URL as the URL form writes it: `HTTP` or `HTTPS`, `://`, the host (and port),
/// upper-cased, which scheme and host allow, and an optional path already in upper case
/// (a path may be case-sensitive, so it is never changed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlBase(String);

impl UrlBase {
    /// The base for `server_url`, or `None` when it cannot be written in QR alphanumeric mode
    /// (user info, a query, an IPv6 literal, a lower-case path) or is longer than
    /// [`MAX_BASE`]: such a device prints the offline form.
    pub fn from_server_url(server_url: &str) -> Option<Self> {
        let url = server_url.trim().trim_end_matches('/');
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_uppercase();
        if scheme != "HTTP" && scheme != "HTTPS" {
            return None;
        }
        let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
        let (host, port) = authority.split_once(':').unwrap_or((authority, ""));
        let host_ok = !host.is_empty()
            && host.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.');
        let port_ok = (port.is_empty() && !authority.ends_with(':'))
            || (!port.is_empty() && port.len() <= 5 && port.bytes().all(|c| c.is_ascii_digit()));
        let path_ok = path
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || b"-./".contains(&c));
        if !(host_ok && port_ok && path_ok) {
            return None;
        }
        let base = format!("{scheme}://{}{path}", authority.to_ascii_uppercase());
        (base.len() <= MAX_BASE).then_some(Self(base))
    }

    /// The base as written into codes.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The URL form of the code for `fields` on the hub at `base`, authenticated with the
/// device's receipt `key`.
pub fn url(base: &UrlBase, fields: &Fields, key: &[u8]) -> Result<String, Error> {
    let tag = tag_hex(fields, Form::Url, key)?;
    Ok(format!("{}{URL_PATH}{}/{tag}", base.0, joined(fields, '/')))
}

fn hex_nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Upper-case hex only: the QR alphanumeric mode has no lower case.
fn upper_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let t = text.as_bytes();
    if t.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = hex_nibble(t[2 * i])? << 4 | hex_nibble(t[2 * i + 1])?;
    }
    Some(out)
}

/// A scanned code, parsed but not yet verified: the server needs its device id to find the
/// key that verifies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    form: Form,
    fields: Fields,
    tag: [u8; MAC_BYTES],
}

impl Code {
    /// Parses either form: `ANSINH1:…`, or a URL `http(s)://…/R/2/…` (scheme and base in any
    /// case, as a phone may show them; what follows `/R/` exactly as printed).
    pub fn parse(text: &str) -> Result<Self, Error> {
        if text.starts_with(PREFIX) {
            return Self::offline(text);
        }
        let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err(Error::NotAReceiptCode);
        }
        // The fields hold no `R`, so the last `/R/` is the one before them.
        let at = text.rfind("/R/").or_else(|| text.rfind("/r/")).ok_or(Error::NotAReceiptCode)?;
        Self::from_route(&text[at + 3..])
    }

    /// Parses what follows `/R/` in the URL form's path (`2/<id>/<no>/<amount>/<device>/<MAC>`),
    /// as the hub's page receives it.
    pub fn from_route(route: &str) -> Result<Self, Error> {
        let version = &URL_PATH[3..];
        let rest = route.strip_prefix(version).ok_or(Error::NotAReceiptCode)?;
        Self::fields_and_tag(rest, Form::Url)
    }

    fn offline(text: &str) -> Result<Self, Error> {
        let rest = text
            .strip_prefix(PREFIX)
            .and_then(|r| r.strip_prefix(':'))
            .ok_or(Error::NotAReceiptCode)?;
        Self::fields_and_tag(rest, Form::Offline)
    }

    fn fields_and_tag(text: &str, form: Form) -> Result<Self, Error> {
        let sep = form.separator();
        let (signed, tag) = text.rsplit_once(sep).ok_or(Error::NotAReceiptCode)?;
        let mut parts = signed.split(sep);
        let mut next = || parts.next().ok_or(Error::NotAReceiptCode);
        let record_id = upper_hex::<16>(next()?).ok_or(Error::NotAReceiptCode)?;
        let receipt_no = next()?.parse().map_err(|_| Error::NotAReceiptCode)?;
        let amount = next()?.parse().map_err(|_| Error::NotAReceiptCode)?;
        let device_id = next()?.parse().map_err(|_| Error::NotAReceiptCode)?;
        if parts.next().is_some() {
            return Err(Error::NotAReceiptCode);
        }
        let tag = upper_hex::<MAC_BYTES>(tag).ok_or(Error::NotAReceiptCode)?;
        let fields = Fields { record_id, receipt_no, amount, device_id };
        // Rewritten from the parsed fields, so other spellings of the same numbers (a leading
        // zero, a `+`) are not the code that was signed.
        if joined(&fields, sep) != signed {
            return Err(Error::NotAReceiptCode);
        }
        Ok(Self { form, fields, tag })
    }

    /// The form it has.
    pub fn form(&self) -> Form {
        self.form
    }

    /// The device it names, whose key verifies it (not proven before [`Code::verify`]).
    pub fn device_id(&self) -> u64 {
        self.fields.device_id
    }

    /// The fields when the MAC matches under the device's receipt `key`, otherwise why not.
    pub fn verify(&self, key: &[u8]) -> Result<Fields, Error> {
        mac(key, &signed_text(&self.fields, self.form))?
            .verify_truncated_left(&self.tag)
            .map_err(|_| Error::BadReceiptMac)?;
        Ok(self.fields)
    }
}

/// Checks a scanned code of either form with the device's receipt `key` (on the collection
/// server): the fields when the MAC matches, otherwise why not.
pub fn verify(code: &str, key: &[u8]) -> Result<Fields, Error> {
    Code::parse(code)?.verify(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    fn fields() -> Fields {
        Fields { record_id: [0x5a; 16], receipt_no: 12, amount: 924_000, device_id: 3 }
    }

    /// The payload is a contract with every receipt already printed: these characters must not
    /// change within `ANSINH1`.
    #[test]
    fn golden_payload() -> Result<(), Error> {
        let qr = payload(&fields(), &KEY)?;
        assert_eq!(qr, "ANSINH1:5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A:12:924000:3:FB52EB498B759B07FA17");
        assert!(qr.len() <= MAX_PAYLOAD);
        assert_eq!(verify(&qr, &KEY)?, fields());
        Ok(())
    }

    #[test]
    fn the_longest_fields_fit() -> Result<(), Error> {
        let most = Fields {
            record_id: [0xff; 16],
            receipt_no: u64::MAX,
            amount: u64::MAX,
            device_id: u64::MAX,
        };
        let qr = payload(&most, &KEY)?;
        assert_eq!(qr.len(), 124);
        assert!(qr.len() <= MAX_PAYLOAD);
        assert_eq!(verify(&qr, &KEY)?, most);
        Ok(())
    }

    #[test]
    fn a_changed_or_foreign_code_does_not_verify() -> Result<(), Error> {
        let qr = payload(&fields(), &KEY)?;
        assert_eq!(verify(&qr, &[8; 32]), Err(Error::BadReceiptMac), "another device's key");
        let more = qr.replace(":924000:", ":9924000:");
        assert_eq!(verify(&more, &KEY), Err(Error::BadReceiptMac), "a changed amount");
        let padded = qr.replace(":924000:", ":0924000:");
        assert_eq!(verify(&padded, &KEY), Err(Error::NotAReceiptCode), "another spelling");
        let lower = qr.replace("5A5A", "5a5a");
        assert_eq!(verify(&lower, &KEY), Err(Error::NotAReceiptCode), "lower-case hex");
        assert_eq!(verify("ANSINH2:00", &KEY), Err(Error::NotAReceiptCode));
        assert_eq!(verify("", &KEY), Err(Error::NotAReceiptCode));
        assert_eq!(payload(&fields(), &[]).err(), Some(Error::ReceiptKey), "no key, no code");
        assert_eq!(payload(&fields(), &[1; 15]).err(), Some(Error::ReceiptKey), "too short");
        Ok(())
    }

    /// What a URL-form code must stay within: QR alphanumeric mode.
    fn alphanumeric(text: &str) -> bool {
        text.bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || b" $%*+-./:".contains(&c))
    }

    fn hub() -> Result<UrlBase, Error> {
        UrlBase::from_server_url("https://hub.example.vn").ok_or(Error::NotAReceiptCode)
    }

    /// The URL form is a contract with every receipt printed by a registered device.
    #[test]
    fn golden_url() -> Result<(), Error> {
        let qr = url(&hub()?, &fields(), &KEY)?;
        assert_eq!(
            qr,
            "HTTPS://HUB.EXAMPLE.VN/R/2/5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A/12/924000/3/2D8C8ABC8296132B7341"
        );
        assert!(alphanumeric(&qr), "{qr}");
        let code = Code::parse(&qr)?;
        assert_eq!((code.form(), code.device_id()), (Form::Url, 3));
        assert_eq!(code.verify(&KEY)?, fields());
        assert_eq!(verify(&qr, &KEY)?, fields());
        // What the hub's page receives after `/R/`.
        let route = qr.split_once("/R/").map(|(_, r)| r).unwrap_or_default();
        assert_eq!(Code::from_route(route)?.verify(&KEY)?, fields());
        // A phone may show the scheme and host in lower case: they are not signed.
        let shown = qr.replacen("HTTPS://HUB.EXAMPLE.VN", "https://hub.example.vn", 1);
        assert_eq!(verify(&shown, &KEY)?, fields());
        Ok(())
    }

    #[test]
    fn the_two_forms_have_different_macs() -> Result<(), Error> {
        let offline = payload(&fields(), &KEY)?;
        let online = url(&hub()?, &fields(), &KEY)?;
        let tag = |s: &str, sep: char| s.rsplit_once(sep).map(|(_, t)| t.to_string());
        let (t1, t2) = (tag(&offline, ':'), tag(&online, '/'));
        assert_ne!(t1, t2);
        // The offline MAC moved into a URL (and back) is refused.
        let swapped = format!(
            "{}/{}",
            online.rsplit_once('/').map_or("", |(a, _)| a),
            t1.unwrap_or_default()
        );
        assert_eq!(verify(&swapped, &KEY), Err(Error::BadReceiptMac));
        let back = format!(
            "{}:{}",
            offline.rsplit_once(':').map_or("", |(a, _)| a),
            t2.unwrap_or_default()
        );
        assert_eq!(verify(&back, &KEY), Err(Error::BadReceiptMac));
        Ok(())
    }

    /// Every character of the signed part changed to every other character the QR code could
    /// hold: never the same receipt.
    #[test]
    fn every_altered_character_is_refused() -> Result<(), Error> {
        const QR_CHARS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
        for qr in [payload(&fields(), &KEY)?, url(&hub()?, &fields(), &KEY)?] {
            // The URL's base is not signed (a hub may move), its route is.
            let from = qr.find("/R/").map_or(0, |i| i + 3);
            for i in from..qr.len() {
                for &c in QR_CHARS.iter().chain(b"abcdef") {
                    let mut bytes = qr.clone().into_bytes();
                    if bytes[i] == c {
                        continue;
                    }
                    bytes[i] = c;
                    let altered = String::from_utf8(bytes).unwrap_or_default();
                    assert!(verify(&altered, &KEY).is_err(), "{altered} verified");
                }
            }
            for cut in 0..qr.len() {
                assert!(verify(&qr[..cut], &KEY).is_err(), "{} verified", &qr[..cut]);
            }
            assert!(verify(&format!("{qr}0"), &KEY).is_err());
        }
        Ok(())
    }

    #[test]
    fn server_urls_as_written_in_codes() {
        let base = |u: &str| UrlBase::from_server_url(u).map(|b| b.as_str().to_string());
        assert_eq!(base("http://127.0.0.1:8040").as_deref(), Some("HTTP://127.0.0.1:8040"));
        assert_eq!(base(" https://Hub.Example.vn/ ").as_deref(), Some("HTTPS://HUB.EXAMPLE.VN"));
        assert_eq!(
            base("HTTPS://HUB.EXAMPLE.VN/THU").as_deref(),
            Some("HTTPS://HUB.EXAMPLE.VN/THU")
        );
        for refused in [
            "https://hub.example.vn/thu",
            "https://user@hub.example.vn",
            "https://[::1]:8040",
            "https://hub.example.vn:",
            "https://hub.example.vn:123456",
            "https://hub.example.vn?x=1",
            "https://hub.example.vn/a_b",
            "ftp://hub.example.vn",
            "hub.example.vn",
            "https://",
            "https://a-very-long-host-name.of-a-collection-server.example.vn",
        ] {
            assert_eq!(base(refused), None, "{refused}");
        }
        for accepted in ["http://127.0.0.1:8040", "https://Hub.Example.vn/", "HTTPS://H/THU"] {
            let b = base(accepted).unwrap_or_default();
            assert!(alphanumeric(&b) && b.len() <= MAX_BASE, "{b}");
        }
    }

    #[test]
    fn the_longest_url_fits() -> Result<(), Error> {
        let long = format!("https://{}", "h".repeat(MAX_BASE - "https://".len()));
        let base = UrlBase::from_server_url(&long).ok_or(Error::NotAReceiptCode)?;
        let most = Fields {
            record_id: [0xff; 16],
            receipt_no: u64::MAX,
            amount: u64::MAX,
            device_id: u64::MAX,
        };
        let qr = url(&base, &most, &KEY)?;
        assert_eq!(qr.len(), MAX_URL);
        assert!(alphanumeric(&qr));
        assert_eq!(verify(&qr, &KEY)?, most);
        let longer = format!("https://{}", "h".repeat(MAX_BASE + 1 - "https://".len()));
        assert_eq!(UrlBase::from_server_url(&longer), None);
        Ok(())
    }
}
