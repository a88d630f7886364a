//! The device's configuration file (`ansinh_device::config::Config::parse`, TOML, from the
//! configuration partition): parsing returns a configuration or an error, never panics. A
//! configuration that parses has every value in range (idle times, alarm days, paper width,
//! an https:// or loopback server, a pinned token, an Argon2 PIN hash, battery thresholds,
//! scanner device paths, speaking rates and plain ALSA and voice names), reads the same once written back as TOML, and laid under itself as a
//! USB stick's changes nothing.
#![no_main]

use ansinh_device::config::{ALARM_DAYS, Config, IDLE_SECONDS};
use libfuzzer_sys::fuzz_target;
use toml::{Table, Value};

/// The keys the configuration holds, written as TOML.
fn written(c: &Config) -> String {
    let mut table = Table::new();
    let text = [
        ("server_url", &c.server_url),
        ("provisioning_token", &c.provisioning_token),
        ("ca_file", &c.ca_file),
        ("collection_point", &c.collection_point),
        ("agent_code", &c.agent_code),
        ("staff_pin_hash", &c.staff_pin_hash),
        ("printer", &c.printer),
    ];
    for (key, value) in text {
        if let Some(v) = value {
            table.insert(key.into(), Value::String(v.clone()));
        }
    }
    let numbers = [
        ("idle_seconds", c.idle_seconds),
        ("idle_warning_seconds", c.idle_warning_seconds),
        ("sync_alarm_days", c.sync_alarm_days),
        ("paper_mm", c.paper_mm.map(i64::from)),
        ("battery_warn_percent", c.battery_warn_percent.map(i64::from)),
        ("battery_critical_percent", c.battery_critical_percent.map(i64::from)),
    ];
    for (key, value) in numbers {
        if let Some(v) = value {
            table.insert(key.into(), Value::Integer(v));
        }
    }
    if let Some(demo) = c.demo {
        table.insert("demo".into(), Value::Boolean(demo));
    }
    if let Some(scanner) = &c.scanner {
        let mut readers = Table::new();
        let paths = [
            ("serial", &scanner.serial),
            ("keyboard", &scanner.keyboard),
            ("camera", &scanner.camera),
        ];
        for (key, value) in paths {
            if let Some(v) = value {
                readers.insert(key.into(), Value::String(v.clone()));
            }
        }
        table.insert("scanner".into(), Value::Table(readers));
    }
    if let Some(speech) = &c.speech {
        let mut voice = Table::new();
        if let Some(enabled) = speech.enabled {
            voice.insert("enabled".into(), Value::Boolean(enabled));
        }
        for (key, value) in [("rate", speech.rate), ("slow_rate", speech.slow_rate)] {
            if let Some(v) = value {
                voice.insert(key.into(), Value::Integer(i64::from(v)));
            }
        }
        for (key, value) in [("device", &speech.device), ("voice", &speech.voice)] {
            if let Some(v) = value {
                voice.insert(key.into(), Value::String(v.clone()));
            }
        }
        table.insert("speech".into(), Value::Table(voice));
    }
    toml::to_string(&table).expect("a table of strings, integers and booleans writes")
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(config) = Config::parse(text) else { return };
    let again = written(&config);
    assert_eq!(Config::parse(&again).ok().as_ref(), Some(&config), "written back: {again}");

    let (reset, warning) = config.idle();
    assert!(IDLE_SECONDS.contains(&reset) && IDLE_SECONDS.contains(&warning) && warning < reset);
    assert!(config.sync_alarm_days.is_none_or(|d| ALARM_DAYS.contains(&d)));
    assert!(matches!(config.paper_mm, None | Some(58) | Some(80)));
    if let Some(url) = &config.server_url {
        assert_eq!(ansinh_wire::provisioning::server_url_refusal(url), None, "{url}");
    }
    if let Some(token) = &config.provisioning_token {
        let parsed = ansinh_wire::provisioning::ProvisioningToken::parse(token);
        assert!(parsed.is_ok_and(|t| t.fingerprint.is_some()), "{token}");
    }
    assert!(config.staff_pin_hash.as_deref().is_none_or(|h| h.starts_with("$argon2")));
    assert!(!(config.demo == Some(true) && config.server_url.is_some()));
    assert_eq!(config.clone().overlaid(config.clone()), config);
    assert_eq!(config.clone().overlaid(Config::default()), config);
});
