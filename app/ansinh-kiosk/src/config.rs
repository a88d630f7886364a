//! What the kiosk takes from the device's configuration (`ansinh_device::config`, which reads
//! the file, checks every value and accepts a USB stick's only with the server's signature):
//! its settings, receipt printer, uploader tunables, ID card readers and read-aloud voice. Every key is
//! optional: with none, the kiosk runs on built-in defaults that work on one machine.

pub use ansinh_device::config::Config;

use crate::store::Settings;

/// The receipt printer, if one is configured (the width was checked with the file).
pub fn printer(c: &Config) -> Option<crate::print::PrinterConfig> {
    let width = match c.paper_mm {
        Some(80) => ansinh_receipt::Width::Mm80,
        _ => ansinh_receipt::Width::Mm58,
    };
    c.printer.clone().map(|address| crate::print::PrinterConfig { address, width })
}

/// The uploader's tunables, with the configured alarm period.
pub fn uploader_policy(c: &Config) -> ansinh_uploader::RetryPolicy {
    let mut p = ansinh_uploader::RetryPolicy::default();
    if let Some(d) = c.sync_alarm_days {
        p.alarm_after_days = d;
    }
    p
}

/// The ID card readers it configures (`[scanner]`), none by default.
pub fn scanners(c: &Config) -> ansinh_idcard::readers::Config {
    let path = |p: &Option<String>| p.as_ref().map(std::path::PathBuf::from);
    c.scanner.as_ref().map_or_else(Default::default, |s| ansinh_idcard::readers::Config {
        serial: path(&s.serial),
        keyboard: path(&s.keyboard),
        camera: path(&s.camera),
    })
}

/// Reading aloud as configured (`[speech]`): espeak-ng with its voice and ALSA device, checked
/// now (a missing program or sound card hides the buttons and is told to staff), or off.
pub fn read_aloud(c: &Config) -> crate::controllers::read_aloud::ReadAloud {
    use crate::controllers::read_aloud::ReadAloud;
    use ansinh_speech::{Espeak, EspeakSettings, Rate};
    let s = c.speech.clone().unwrap_or_default();
    if s.enabled == Some(false) {
        return ReadAloud::disabled();
    }
    let defaults = EspeakSettings::default();
    let settings = EspeakSettings {
        device: s.device.unwrap_or(defaults.device.clone()),
        voice: s.voice.unwrap_or(defaults.voice.clone()),
        ..defaults
    };
    let rates = Rate::new(s.rate.unwrap_or(Rate::NORMAL.words_per_minute()))
        .and_then(|n| Ok((n, Rate::new(s.slow_rate.unwrap_or(Rate::SLOW.words_per_minute()))?)));
    let voice = Espeak::new(settings);
    match rates.and_then(|r| voice.check().map(|()| r)) {
        Ok((normal, slow)) => ReadAloud::with_voice(Box::new(voice), normal, slow),
        Err(e) => ReadAloud::unavailable(e),
    }
}

/// The settings it gives, with the built-in defaults for what it leaves out.
pub fn settings(c: &Config) -> Settings {
    Settings {
        collection_point: c
            .collection_point
            .clone()
            .unwrap_or_else(|| "Điểm thu thử nghiệm (máy này)".into()),
        agent_code: c.agent_code.clone().unwrap_or_else(|| "DEV-0000".into()),
        server_url: c.server_url.clone().unwrap_or_default(),
        staff_pin_hash: c.staff_pin_hash.clone().unwrap_or_default(),
        // Set by staff on the device (the configuration file has no such key).
        usual_ethnicity: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_image_configuration_gives_its_settings() -> Result<(), ansinh_device::Error> {
        let text = include_str!("../../../kiosk-image/config/ansinh.toml");
        let c = Config::parse(text)?;
        assert_eq!(settings(&c).agent_code, "DL-0001");
        assert_eq!(settings(&Config::default()).agent_code, "DEV-0000");
        let printed = Config::parse("printer = \"tcp://10.0.0.9:9100\"\npaper_mm = 80")?;
        let p = printer(&printed).map(|p| (p.address, p.width));
        assert_eq!(p, Some(("tcp://10.0.0.9:9100".into(), ansinh_receipt::Width::Mm80)));
        assert_eq!(uploader_policy(&Config::parse("sync_alarm_days = 5")?).alarm_after_days, 5);
        assert_eq!(scanners(&c), ansinh_idcard::readers::Config::default(), "none by default");
        let s = scanners(&Config::parse("[scanner]\nserial = \"/dev/ttyACM0\"")?);
        assert_eq!(s.serial, Some("/dev/ttyACM0".into()));
        assert!(!read_aloud(&Config::parse("[speech]\nenabled = false")?).available());
        // espeak-ng and aplay are installed where the tests run (tests/run.sh); ALSA's null
        // device stands in for a sound card.
        let null = read_aloud(&Config::parse("[speech]\ndevice = \"null\"\nrate = 150")?);
        assert!(null.available(), "{}", null.status(crate::text::Locale::SOURCE));
        let absent = read_aloud(&Config::parse("[speech]\ndevice = \"hw:77\"")?);
        assert!(!absent.available());
        Ok(())
    }
}
