//! The configuration file (`--config FILE`, TOML; see kiosk-image/config/ansinh.toml). Every
//! key is optional: with none, the kiosk runs on built-in defaults that work on one machine.

use serde::Deserialize;

use crate::store::Settings;

/// What the file may say.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct Config {
    /// Collection server URL.
    pub server_url: Option<String>,
    /// One-time registration token (used by the registration step of the uploader):
    /// `SECRET.FINGERPRINT` as `ansinh-hub token` prints it.
    pub provisioning_token: Option<String>,
    /// The collection server's private certificate authority (PEM file), when its certificate
    /// is not from a public authority.
    pub ca_file: Option<String>,
    /// Collection point name.
    pub collection_point: Option<String>,
    /// Agent code.
    pub agent_code: Option<String>,
    /// Argon2 hash (PHC string) of the staff PIN.
    pub staff_pin_hash: Option<String>,
    /// Idle seconds before the screen is cleared (default 90).
    pub idle_seconds: Option<i64>,
    /// Idle seconds before the warning (default 75).
    pub idle_warning_seconds: Option<i64>,
    /// Days records may wait unsent before staff are alarmed (default: the uploader's).
    pub sync_alarm_days: Option<i64>,
    /// The receipt printer: `tcp://HOST:9100` or `file:///dev/usb/lp0` (none: no printing).
    pub printer: Option<String>,
    /// Paper width in mm: 58 (default) or 80.
    pub paper_mm: Option<u32>,
    /// Offline demonstration: enrollments without a server key, sealed to the development
    /// key, never sent, a band on every screen. Refused together with a server.
    pub demo: Option<bool>,
}

impl Config {
    /// Parses the file's text.
    pub fn parse(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    /// The receipt printer, if one is configured; a width other than 58 or 80 is refused.
    pub fn printer(&self) -> Result<Option<crate::print::PrinterConfig>, String> {
        let width = match self.paper_mm.unwrap_or(58) {
            58 => ansinh_receipt::Width::Mm58,
            80 => ansinh_receipt::Width::Mm80,
            other => return Err(format!("paper_mm = {other}: use 58 or 80")),
        };
        Ok(self.printer.clone().map(|address| crate::print::PrinterConfig { address, width }))
    }

    /// The uploader's tunables, with the configured alarm period.
    pub fn uploader_policy(&self) -> ansinh_uploader::RetryPolicy {
        let mut p = ansinh_uploader::RetryPolicy::default();
        if let Some(d) = self.sync_alarm_days {
            p.alarm_after_days = d;
        }
        p
    }

    /// The settings it gives, with the built-in defaults for what it leaves out.
    pub fn settings(&self) -> Settings {
        Settings {
            collection_point: self
                .collection_point
                .clone()
                .unwrap_or_else(|| "Điểm thu thử nghiệm (máy này)".into()),
            agent_code: self.agent_code.clone().unwrap_or_else(|| "DEV-0000".into()),
            server_url: self.server_url.clone().unwrap_or_default(),
            staff_pin_hash: self.staff_pin_hash.clone().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_image_configuration_parses() -> Result<(), toml::de::Error> {
        let text = include_str!("../../../kiosk-image/config/ansinh.toml");
        let c = Config::parse(text)?;
        assert_eq!(c.settings().agent_code, "DL-0001");
        assert_eq!(Config::default().settings().agent_code, "DEV-0000");
        Ok(())
    }
}
