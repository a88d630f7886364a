//! The low-battery band on the real screens, read from a fake `/sys/class/power_supply`: it
//! appears on the minute's tick once the battery is at the warning level and discharging,
//! words itself more strongly at the critical level, and goes when the charger is plugged in.
//! The printer's state after a print is kept for the health report.

#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::path::Path;
use std::rc::Rc;

use ansinh_device::clock::FakeClock;
use ansinh_kiosk::app::{App, Options};
use ansinh_kiosk::controllers::battery::BatteryOptions;
use ansinh_kiosk::store::MemoryStore;
use ansinh_kiosk::ui::{Kiosk, connect};
use slint::ComponentHandle;

fn battery(root: &Path, capacity: u8, status: &str) -> anyhow::Result<()> {
    let bat = root.join("BAT0");
    std::fs::create_dir_all(&bat)?;
    std::fs::write(bat.join("type"), "Battery\n")?;
    std::fs::write(bat.join("capacity"), format!("{capacity}\n"))?;
    std::fs::write(bat.join("status"), format!("{status}\n"))?;
    Ok(())
}

fn note(k: &Kiosk) -> String {
    k.window.global::<ansinh_ui::AppAdapter>().get_device_note().to_string()
}

#[test]
fn the_band_warns_before_the_battery_is_flat_and_goes_on_charging() -> anyhow::Result<()> {
    i_slint_backend_testing::init_no_event_loop();
    let tmp = tempfile::tempdir()?;
    battery(tmp.path(), 35, "Discharging")?;
    let day = "2026-11-22".parse().map_err(|_| anyhow::anyhow!("date"))?;
    let clock = Rc::new(FakeClock::at(day));
    let options = Options {
        pin_params: argon2::Params::new(256, 1, 1, None).unwrap_or_default(),
        battery: BatteryOptions {
            power_supply: Some(tmp.path().to_path_buf()),
            warn_percent: 20,
            critical_percent: 10,
        },
        ..Options::default()
    };
    let k = connect(App::new(Box::new(MemoryStore::default()), clock.clone(), options))?;
    assert_eq!(note(&k), "", "35 %: nothing to say");

    battery(tmp.path(), 18, "Discharging")?;
    clock.advance(30);
    k.tick();
    assert_eq!(note(&k), "", "read once a minute");
    clock.advance(30);
    k.tick();
    assert_eq!(note(&k), "Pin yếu (18 %) — cắm sạc");

    battery(tmp.path(), 9, "Discharging")?;
    clock.advance(60);
    k.tick();
    assert!(note(&k).starts_with("PIN SẮP HẾT (9 %)"), "{}", note(&k));

    battery(tmp.path(), 9, "Charging")?;
    clock.advance(60);
    k.tick();
    assert_eq!(note(&k), "", "plugged in: the band goes");

    // In English, next to another band.
    battery(tmp.path(), 15, "Not charging")?;
    clock.advance(60);
    k.act(|a| {
        a.enroll_refused = true;
        a.toggle_language();
    });
    k.tick();
    let shown = note(&k);
    assert!(
        shown.starts_with("Battery low (15 %) — plug in the charger · No enrollments yet"),
        "{shown}"
    );
    Ok(())
}
