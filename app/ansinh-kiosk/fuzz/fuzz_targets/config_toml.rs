//! The kiosk's configuration file (`--config FILE`, TOML, from the configuration partition or
//! a USB stick): parsing returns a configuration or an error, never panics. A configuration
//! that parses reads the same once written back as TOML, and what the kiosk takes from it
//! follows it: the printer (refused exactly when the paper width is neither 58 nor 80 mm),
//! the settings (each given value, the built-in default otherwise) and the uploader's alarm.
#![no_main]

use ansinh_kiosk::config::Config;
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
    ];
    for (key, value) in numbers {
        if let Some(v) = value {
            table.insert(key.into(), Value::Integer(v));
        }
    }
    if let Some(demo) = c.demo {
        table.insert("demo".into(), Value::Boolean(demo));
    }
    toml::to_string(&table).expect("a table of strings and integers writes")
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(config) = Config::parse(text) else { return };
    let again = written(&config);
    assert_eq!(Config::parse(&again).ok().as_ref(), Some(&config), "written back: {again}");

    let width_ok = matches!(config.paper_mm, None | Some(58) | Some(80));
    match config.printer() {
        Ok(printer) => {
            assert!(width_ok, "paper_mm = {:?} accepted", config.paper_mm);
            assert_eq!(printer.map(|p| p.address), config.printer.clone());
        }
        Err(_) => assert!(!width_ok, "paper_mm = {:?} refused", config.paper_mm),
    }
    let settings = config.settings();
    let defaults = Config::default().settings();
    let given = [
        (&config.collection_point, &settings.collection_point, &defaults.collection_point),
        (&config.agent_code, &settings.agent_code, &defaults.agent_code),
        (&config.server_url, &settings.server_url, &defaults.server_url),
        (&config.staff_pin_hash, &settings.staff_pin_hash, &defaults.staff_pin_hash),
    ];
    for (value, setting, default) in given {
        assert_eq!(setting, value.as_ref().unwrap_or(default));
    }
    let alarm = config.uploader_policy().alarm_after_days;
    let default_alarm = Config::default().uploader_policy().alarm_after_days;
    assert_eq!(alarm, config.sync_alarm_days.unwrap_or(default_alarm));
});
