//! The device's configuration file (TOML; `kiosk-image/config/ansinh.toml` shows every key):
//! read, every value range-checked, and accepted from a USB stick only with the collection
//! server's signature.
//!
//! Two sources, two levels of trust:
//!
//! - [`Config::parse`]: the device's own configuration (the kiosk's `--config FILE`, on the
//!   image the `ANSINH-CFG` partition inside the box). Trusted like the box itself; its values
//!   are still checked, so a typo is refused with its reason instead of misbehaving.
//! - [`Config::from_usb`]: a file on a USB stick (`--usb-config FILE`), which anyone at the
//!   counter can plug in. Accepted only with a detached signature `FILE.sig` by the server's
//!   configuration key the device learned at registration, and never carrying security
//!   settings (the staff PIN, keys and trust, the server, the demonstration mode). Before
//!   registration there is nothing to check a signature against: a device with no
//!   registration at all takes an unsigned stick holding `server_url` and
//!   `provisioning_token` alone (its first registration, whose keys the token pins), and
//!   nothing else.

use serde::Deserialize;

use crate::{Error, Registration, Result};

/// Idle seconds allowed before the reset or the warning: long enough to read a screen, short
/// enough that a person's data never stays up for long.
pub const IDLE_SECONDS: std::ops::RangeInclusive<i64> = 15..=3600;
/// Days allowed before the no-sync alarm.
pub const ALARM_DAYS: std::ops::RangeInclusive<i64> = 1..=90;
/// Longest text value (a collection point's name, an agent code, a path or URL).
pub const MAX_TEXT: usize = 300;

/// What the file may say. Every key is optional; an unknown key is refused (a misspelt key
/// would otherwise be silently ignored).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Collection server URL: `https://`, or plain `http://` to this machine.
    pub server_url: Option<String>,
    /// One-time registration token, `SECRET.FINGERPRINT` as `ansinh-hub token` prints it.
    pub provisioning_token: Option<String>,
    /// The collection server's private certificate authority (PEM file).
    pub ca_file: Option<String>,
    /// Collection point name.
    pub collection_point: Option<String>,
    /// Agent code.
    pub agent_code: Option<String>,
    /// Argon2 hash (PHC string) of the staff PIN.
    pub staff_pin_hash: Option<String>,
    /// Idle seconds before the screen is cleared (default 90).
    pub idle_seconds: Option<i64>,
    /// Idle seconds before the warning (default 75), less than `idle_seconds`.
    pub idle_warning_seconds: Option<i64>,
    /// Days records may wait unsent before staff are alarmed.
    pub sync_alarm_days: Option<i64>,
    /// The receipt printer: `tcp://HOST:PORT` or `file:///dev/...`.
    pub printer: Option<String>,
    /// Paper width in mm: 58 or 80.
    pub paper_mm: Option<u32>,
    /// Offline demonstration: no server, records never sent.
    pub demo: Option<bool>,
    /// Battery charge at which staff see the low-battery band, percent (default 20).
    pub battery_warn_percent: Option<u8>,
    /// Battery charge at which the band says the device is about to stop (default 10), below
    /// `battery_warn_percent`.
    pub battery_critical_percent: Option<u8>,
    /// The ID card readers (`[scanner]`).
    pub scanner: Option<ScannerConfig>,
    /// Reading the screens aloud (`[speech]`).
    pub speech: Option<SpeechConfig>,
}

/// Reading aloud: espeak-ng's Vietnamese voice through ALSA. Every key is optional.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SpeechConfig {
    /// The speaker buttons (default `true`; they show only while the voice works).
    pub enabled: Option<bool>,
    /// Words a minute (default 140).
    pub rate: Option<u16>,
    /// Words a minute of the "read slowly" button (default 105), below `rate`.
    pub slow_rate: Option<u16>,
    /// The ALSA device (default `default`; `aplay -L` lists them).
    pub device: Option<String>,
    /// The espeak-ng voice (default `vi`, northern; `vi-vn-x-central`, `vi-vn-x-south`).
    pub voice: Option<String>,
}

/// Speaking rates allowed, words a minute (espeak-ng goes from 80).
pub const SPEECH_RATES: std::ops::RangeInclusive<u16> = 80..=300;

/// The readers of the ID card's QR code, each a device path under `/dev/`; any or none.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ScannerConfig {
    /// A 2D scanner in serial mode (USB CDC): `/dev/ttyACM0`.
    pub serial: Option<String>,
    /// A scanner in keyboard mode, its event device: `/dev/input/by-id/…-event-kbd`.
    pub keyboard: Option<String>,
    /// A camera (V4L2): `/dev/video0`.
    pub camera: Option<String>,
}

impl SpeechConfig {
    fn check(&self) -> Result<()> {
        for (key, rate) in [("rate", self.rate), ("slow_rate", self.slow_rate)] {
            if let Some(r) = rate
                && !SPEECH_RATES.contains(&r)
            {
                return Err(refused(format!(
                    "speech.{key} = {r}: between {} and {} words a minute",
                    SPEECH_RATES.start(),
                    SPEECH_RATES.end()
                )));
            }
        }
        if let (Some(rate), Some(slow)) = (self.rate, self.slow_rate)
            && slow >= rate
        {
            return Err(refused(format!(
                "speech.slow_rate = {slow} must be less than speech.rate = {rate}"
            )));
        }
        // Names passed to aplay and espeak-ng as single arguments: plain ones only.
        let plain = |v: &str, extra: &str| {
            !v.is_empty()
                && v.len() <= 100
                && v.chars().all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
                && !v.starts_with('-')
        };
        if let Some(d) = &self.device
            && !plain(d, ":,_-.=")
        {
            return Err(refused(format!("speech.device = {d:?}: an ALSA device name (aplay -L)")));
        }
        if let Some(v) = &self.voice
            && !plain(v, "-_")
        {
            return Err(refused(format!("speech.voice = {v:?}: an espeak-ng voice (vi)")));
        }
        Ok(())
    }
}

fn refused(why: impl Into<String>) -> Error {
    Error::Config(why.into())
}

/// Default battery charges of the low-battery band, percent: warned at 20 % there is still an
/// hour or more on a tablet's battery to find a socket; at 10 % minutes.
const DEFAULT_BATTERY_WARN: u8 = 20;
const DEFAULT_BATTERY_CRITICAL: u8 = 10;

/// Default idle seconds before the reset and the warning (the kiosk's).
const DEFAULT_RESET: i64 = 90;
const DEFAULT_WARNING: i64 = 75;

impl Config {
    /// Reads and checks the device's own configuration file.
    pub fn parse(text: &str) -> Result<Self> {
        let config: Self =
            toml::from_str(text).map_err(|e| refused(e.to_string().trim_end().to_string()))?;
        config.check()?;
        Ok(config)
    }

    /// Reads a configuration from a USB stick: `text` is the file, `signature` its `.sig`
    /// file if the stick has one, `registration` the device's. See the module's rules.
    pub fn from_usb(
        text: &[u8],
        signature: Option<&[u8]>,
        registration: Option<&Registration>,
    ) -> Result<Self> {
        let as_text = || std::str::from_utf8(text).map_err(|_| refused("not UTF-8 text"));
        let Some(registration) = registration else {
            let config = Self::parse(as_text()?)?;
            let first_registration = Self {
                server_url: config.server_url.clone(),
                provisioning_token: config.provisioning_token.clone(),
                ..Self::default()
            };
            if config != first_registration {
                return Err(refused(
                    "a USB stick on a device not registered yet may give only server_url and provisioning_token: there is no server key to check anything else against",
                ));
            }
            return Ok(config);
        };
        if registration.config_signing_key.is_empty() {
            return Err(refused(
                "this device registered with a server that has no configuration key: USB configurations are refused; change the configuration partition instead",
            ));
        }
        let key = ansinh_wire::verifying_key_from_hex(&registration.config_signing_key)
            .map_err(|_| refused("the registration's configuration key is damaged"))?;
        let signature = signature
            .ok_or_else(|| refused("the USB configuration has no signature (FILE.sig)"))?;
        ansinh_wire::provisioning::verify_config(text, signature, &key).map_err(|_| {
            refused("the USB configuration's signature does not verify with this device's server: made elsewhere, or changed since it was signed")
        })?;
        let config = Self::parse(as_text()?)?;
        let forbidden = [
            ("staff_pin_hash", config.staff_pin_hash.is_some()),
            ("provisioning_token", config.provisioning_token.is_some()),
            ("ca_file", config.ca_file.is_some()),
            ("server_url", config.server_url.is_some()),
            ("demo", config.demo.is_some()),
        ];
        if let Some((key, _)) = forbidden.iter().find(|(_, present)| *present) {
            return Err(refused(format!(
                "{key} is a security setting a USB configuration may not carry, signed or not"
            )));
        }
        Ok(config)
    }

    /// Every value within its range.
    fn check(&self) -> Result<()> {
        let texts = [
            ("server_url", &self.server_url),
            ("provisioning_token", &self.provisioning_token),
            ("ca_file", &self.ca_file),
            ("collection_point", &self.collection_point),
            ("agent_code", &self.agent_code),
            ("staff_pin_hash", &self.staff_pin_hash),
            ("printer", &self.printer),
        ];
        for (key, value) in texts {
            if let Some(v) = value
                && (v.chars().count() > MAX_TEXT || v.chars().any(char::is_control))
            {
                return Err(refused(format!(
                    "{key}: at most {MAX_TEXT} characters, no control characters"
                )));
            }
        }
        if let Some(url) = &self.server_url
            && let Some(why) = ansinh_wire::provisioning::server_url_refusal(url)
        {
            return Err(refused(format!("server_url = {url:?}: {why}")));
        }
        if let Some(token) = &self.provisioning_token {
            let parsed = ansinh_wire::provisioning::ProvisioningToken::parse(token)
                .map_err(|e| refused(format!("provisioning_token: {e}")))?;
            if parsed.fingerprint.is_none() {
                return Err(refused(
                    "provisioning_token: no fingerprint of the server's keys (SECRET.FINGERPRINT); make a new one with ansinh-hub token",
                ));
            }
        }
        if let Some(hash) = &self.staff_pin_hash
            && !hash.starts_with("$argon2")
        {
            return Err(refused("staff_pin_hash: not an Argon2 hash ($argon2id$...)"));
        }
        let reset = self.idle_seconds.unwrap_or(DEFAULT_RESET);
        let warning = self.idle_warning_seconds.unwrap_or(DEFAULT_WARNING.min(reset - 1));
        for (key, value) in [("idle_seconds", reset), ("idle_warning_seconds", warning)] {
            if !IDLE_SECONDS.contains(&value) {
                return Err(refused(format!(
                    "{key} = {value}: between {} and {} seconds",
                    IDLE_SECONDS.start(),
                    IDLE_SECONDS.end()
                )));
            }
        }
        if warning >= reset {
            return Err(refused(format!(
                "idle_warning_seconds = {warning} must be less than idle_seconds = {reset}"
            )));
        }
        if let Some(days) = self.sync_alarm_days
            && !ALARM_DAYS.contains(&days)
        {
            return Err(refused(format!(
                "sync_alarm_days = {days}: between {} and {} days",
                ALARM_DAYS.start(),
                ALARM_DAYS.end()
            )));
        }
        if let Some(mm) = self.paper_mm
            && mm != 58
            && mm != 80
        {
            return Err(refused(format!("paper_mm = {mm}: use 58 or 80")));
        }
        if let Some(printer) = &self.printer
            && !(printer.starts_with("tcp://") || printer.starts_with("file:///"))
        {
            return Err(refused(format!(
                "printer = {printer:?}: tcp://HOST:PORT or file:///dev/..."
            )));
        }
        let (warn, critical) = self.battery();
        for (key, value) in [("battery_warn_percent", warn), ("battery_critical_percent", critical)]
        {
            if !(1..=100).contains(&value) {
                return Err(refused(format!("{key} = {value}: between 1 and 100 percent")));
            }
        }
        if critical >= warn {
            return Err(refused(format!(
                "battery_critical_percent = {critical} must be less than battery_warn_percent = {warn}"
            )));
        }
        if let Some(scanner) = &self.scanner {
            for (key, value) in [
                ("serial", &scanner.serial),
                ("keyboard", &scanner.keyboard),
                ("camera", &scanner.camera),
            ] {
                if let Some(path) = value
                    && (!path.starts_with("/dev/")
                        || path.contains("..")
                        || path.chars().count() > MAX_TEXT
                        || path.chars().any(char::is_control))
                {
                    return Err(refused(format!(
                        "scanner.{key} = {path:?}: a device path under /dev/"
                    )));
                }
            }
        }
        if let Some(speech) = &self.speech {
            speech.check()?;
        }
        if self.demo == Some(true) && self.server_url.is_some() {
            return Err(refused("demo = true and a server_url: a demonstration has no server"));
        }
        Ok(())
    }

    /// This configuration with what `usb` sets on top (a USB stick changes the values it
    /// gives, and leaves the others, the staff PIN first, as the device's own file says).
    pub fn overlaid(self, usb: Self) -> Self {
        Self {
            server_url: usb.server_url.or(self.server_url),
            provisioning_token: usb.provisioning_token.or(self.provisioning_token),
            ca_file: usb.ca_file.or(self.ca_file),
            collection_point: usb.collection_point.or(self.collection_point),
            agent_code: usb.agent_code.or(self.agent_code),
            staff_pin_hash: usb.staff_pin_hash.or(self.staff_pin_hash),
            idle_seconds: usb.idle_seconds.or(self.idle_seconds),
            idle_warning_seconds: usb.idle_warning_seconds.or(self.idle_warning_seconds),
            sync_alarm_days: usb.sync_alarm_days.or(self.sync_alarm_days),
            printer: usb.printer.or(self.printer),
            paper_mm: usb.paper_mm.or(self.paper_mm),
            demo: usb.demo.or(self.demo),
            battery_warn_percent: usb.battery_warn_percent.or(self.battery_warn_percent),
            battery_critical_percent: usb
                .battery_critical_percent
                .or(self.battery_critical_percent),
            scanner: usb.scanner.or(self.scanner),
            speech: usb.speech.or(self.speech),
        }
    }

    /// The battery charges of the low-battery band (warn, critical), percent, with the
    /// defaults.
    pub fn battery(&self) -> (u8, u8) {
        let warn = self.battery_warn_percent.unwrap_or(DEFAULT_BATTERY_WARN);
        let critical = self
            .battery_critical_percent
            .unwrap_or(DEFAULT_BATTERY_CRITICAL.min(warn.saturating_sub(1)));
        (warn, critical)
    }

    /// The idle seconds before the reset and before the warning, with the defaults.
    pub fn idle(&self) -> (i64, i64) {
        let reset = self.idle_seconds.unwrap_or(DEFAULT_RESET);
        (reset, self.idle_warning_seconds.unwrap_or(DEFAULT_WARNING.min(reset - 1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type R = std::result::Result<(), Box<dyn std::error::Error>>;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef.fedcba9876543210fedcba9876543210";

    fn registration(config_key: &ed25519_dalek::SigningKey) -> Registration {
        Registration {
            server_url: "https://thu.example.vn".into(),
            device_id: 1,
            server_signing_key: String::new(),
            receipt_key: String::new(),
            config_signing_key: hex::encode(config_key.verifying_key().as_bytes()),
            assignment: ansinh_wire::Assignment::default(),
            policy_signing_key: String::new(),
        }
    }

    fn refusal(r: Result<Config>) -> String {
        match r {
            Err(Error::Config(why)) => why,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn the_image_configuration_parses() -> R {
        let text = include_str!("../../../kiosk-image/config/ansinh.toml");
        let c = Config::parse(text)?;
        assert_eq!(c.agent_code.as_deref(), Some("DL-0001"));
        assert_eq!(Config::parse("")?, Config::default());
        Ok(())
    }

    #[test]
    fn the_speech_section_is_read() -> R {
        let c = Config::parse(
            "[speech]\nenabled = true\nrate = 150\nslow_rate = 110\ndevice = \"plughw:CARD=PCH,DEV=0\"\nvoice = \"vi-vn-x-south\"",
        )?;
        let s = c.speech.unwrap_or_default();
        assert_eq!((s.enabled, s.rate, s.slow_rate), (Some(true), Some(150), Some(110)));
        assert_eq!(s.device.as_deref(), Some("plughw:CARD=PCH,DEV=0"));
        assert_eq!(s.voice.as_deref(), Some("vi-vn-x-south"));
        Ok(())
    }

    #[test]
    fn every_value_is_range_checked() {
        for (text, names) in [
            ("idle_seconds = 0", "idle_seconds"),
            ("idle_seconds = -5", "idle_seconds"),
            ("idle_seconds = 9223372036854775807", "idle_seconds"),
            ("idle_seconds = 999999", "idle_seconds"),
            ("idle_warning_seconds = 90", "less than"),
            ("idle_seconds = 30\nidle_warning_seconds = 30", "less than"),
            ("idle_warning_seconds = -1", "idle_warning_seconds"),
            ("sync_alarm_days = 0", "sync_alarm_days"),
            ("sync_alarm_days = -3", "sync_alarm_days"),
            ("paper_mm = 57", "paper_mm"),
            ("paper_mm = -80", "paper_mm"),
            ("printer = \"lpt1\"", "printer"),
            ("server_url = \"http://thu.example.vn\"", "server_url"),
            ("server_url = \"ftp://thu.example.vn\"", "server_url"),
            ("provisioning_token = \"0123456789abcdef0123456789abcdef\"", "fingerprint"),
            ("provisioning_token = \"hello\"", "provisioning_token"),
            ("staff_pin_hash = \"123456\"", "Argon2"),
            ("collection_point = \"a\\u0000b\"", "control"),
            ("agent_code = 7", "agent_code"),
            ("idle_secs = 90", "idle_secs"),
            ("demo = true\nserver_url = \"https://thu.example.vn\"", "demonstration"),
            ("[scanner]\nserial = \"COM3\"", "scanner.serial"),
            ("[scanner]\ncamera = \"/dev/../etc/passwd\"", "scanner.camera"),
            ("[scanner]\nprinter = \"/dev/lp0\"", "printer"),
            ("[speech]\nrate = 40", "speech.rate"),
            ("[speech]\nslow_rate = 900", "speech.slow_rate"),
            ("[speech]\nrate = 120\nslow_rate = 130", "less than speech.rate"),
            ("[speech]\ndevice = \"--help\"", "speech.device"),
            ("[speech]\ndevice = \"hw:0 ; rm\"", "speech.device"),
            ("[speech]\nvoice = \"vi/../x\"", "speech.voice"),
            ("[speech]\nvolume = 3", "volume"),
        ] {
            let why = refusal(Config::parse(text));
            assert!(why.contains(names), "{text:?}: {why}");
        }
        let long = format!("collection_point = \"{}\"", "x".repeat(MAX_TEXT + 1));
        assert!(refusal(Config::parse(&long)).contains("collection_point"));
    }

    #[test]
    fn sane_values_are_taken() -> R {
        let text = format!(
            "server_url = \"https://thu.example.vn\"\nprovisioning_token = \"{TOKEN}\"\n\
             idle_seconds = 120\nidle_warning_seconds = 100\nsync_alarm_days = 5\n\
             printer = \"tcp://192.168.1.50:9100\"\npaper_mm = 80\n"
        );
        let c = Config::parse(&text)?;
        assert_eq!(c.idle(), (120, 100));
        assert_eq!(Config::parse("idle_seconds = 30")?.idle(), (30, 29));
        assert_eq!(Config::default().idle(), (90, 75));
        let scanner =
            Config::parse("[scanner]\nserial = \"/dev/ttyACM0\"\ncamera = \"/dev/video0\"\n")?
                .scanner
                .unwrap_or_default();
        assert_eq!(scanner.serial.as_deref(), Some("/dev/ttyACM0"));
        assert_eq!((scanner.keyboard, scanner.camera.as_deref()), (None, Some("/dev/video0")));
        Ok(())
    }

    #[test]
    fn a_usb_stick_needs_the_servers_signature_once_registered() -> R {
        let key = ansinh_wire::generate_signing_key();
        let reg = registration(&key);
        let file = "collection_point = \"Chợ Hà Đông\"\nidle_seconds = 120\n".as_bytes();
        let sig = ansinh_wire::provisioning::sign_config(file, &key);
        let c = Config::from_usb(file, Some(sig.as_bytes()), Some(&reg))?;
        assert_eq!(c.idle_seconds, Some(120));
        // No signature, another key's, or the file changed after signing.
        assert!(refusal(Config::from_usb(file, None, Some(&reg))).contains("no signature"));
        let other =
            ansinh_wire::provisioning::sign_config(file, &ansinh_wire::generate_signing_key());
        assert!(
            refusal(Config::from_usb(file, Some(other.as_bytes()), Some(&reg)))
                .contains("does not verify")
        );
        let changed = "collection_point = \"Chợ Hà Đông\"\nidle_seconds = 121\n".as_bytes();
        assert!(Config::from_usb(changed, Some(sig.as_bytes()), Some(&reg)).is_err());
        // Signed, yet out of range: still refused.
        let bad = b"idle_seconds = 1\n";
        let bad_sig = ansinh_wire::provisioning::sign_config(bad, &key);
        assert!(
            refusal(Config::from_usb(bad, Some(bad_sig.as_bytes()), Some(&reg)))
                .contains("idle_seconds")
        );
        // A registration from before the configuration key: no USB configuration at all.
        let old = Registration { config_signing_key: String::new(), ..reg.clone() };
        assert!(
            refusal(Config::from_usb(file, Some(sig.as_bytes()), Some(&old)))
                .contains("no configuration key")
        );
        Ok(())
    }

    #[test]
    fn a_signed_stick_carries_no_pin_key_or_server() {
        let key = ansinh_wire::generate_signing_key();
        let reg = registration(&key);
        let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
        for (text, name) in [
            (format!("staff_pin_hash = \"{hash}\""), "staff_pin_hash"),
            (format!("provisioning_token = \"{TOKEN}\""), "provisioning_token"),
            ("ca_file = \"/media/usb/ca.pem\"".to_string(), "ca_file"),
            ("server_url = \"https://evil.example\"".to_string(), "server_url"),
            ("demo = false".to_string(), "demo"),
        ] {
            let sig = ansinh_wire::provisioning::sign_config(text.as_bytes(), &key);
            let why = refusal(Config::from_usb(text.as_bytes(), Some(sig.as_bytes()), Some(&reg)));
            assert!(why.contains(name), "{text}: {why}");
        }
    }

    #[test]
    fn a_stick_changes_only_what_it_gives() -> R {
        let own = Config::parse(
            "agent_code = \"A1\"\nstaff_pin_hash = \"$argon2id$x\"\nidle_seconds = 120",
        )?;
        let usb = Config::parse("agent_code = \"B2\"")?;
        let both = own.clone().overlaid(usb);
        assert_eq!(both.agent_code.as_deref(), Some("B2"));
        assert_eq!((both.staff_pin_hash, both.idle_seconds), (own.staff_pin_hash, Some(120)));
        Ok(())
    }

    #[test]
    fn before_registration_a_stick_may_only_say_where_to_register() -> R {
        let first =
            format!("server_url = \"https://thu.example.vn\"\nprovisioning_token = \"{TOKEN}\"\n");
        let c = Config::from_usb(first.as_bytes(), None, None)?;
        assert_eq!(c.server_url.as_deref(), Some("https://thu.example.vn"));
        for more in ["staff_pin_hash = \"$argon2id$x\"", "idle_seconds = 600", "agent_code = \"X\""]
        {
            let text = format!("{first}{more}\n");
            assert!(
                refusal(Config::from_usb(text.as_bytes(), None, None)).contains("not registered")
            );
        }
        Ok(())
    }
}
