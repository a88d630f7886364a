//! Every screen in both layouts (1280×800 landscape, 480×800 portrait), drawn by the software
//! renderer with the embedded Noto Sans, compared with the golden PNGs in
//! `tests/golden/screens/`.
//!
//! Tolerance: a pixel differs when one of its channels differs by more than 25 (10% of 255);
//! at most 0.5% of a screen's pixels may differ (5,120 at 1280×800, 1,920 at 480×800) — room
//! for anti-aliasing changes in a dependency, none for a moved or missing word. The boot test of
//! the kiosk image uses the same rule. `UPDATE_GOLDEN=1 cargo test -p ansinh-kiosk --test
//! kiosk screens` rewrites the goldens that changed beyond it; look at them before committing.

use ansinh_kiosk::platform::install_headless;
use ansinh_kiosk::screens::{TOUR_DATE, tour};
use ansinh_tests::golden::{self, Tolerance};

const TOLERANCE: Tolerance = Tolerance { channel: 25, per_mille: 5 };

#[test]
fn every_screen_matches_its_golden() -> anyhow::Result<()> {
    let window = install_headless()?;
    let today = TOUR_DATE.parse().map_err(|_| anyhow::anyhow!("date"))?;
    let mut failures = Vec::new();
    let mut count = 0;
    tour(&window, today, |name, w, h, px| {
        count += 1;
        let mut rgb = Vec::with_capacity(px.len() * 3);
        for p in px {
            rgb.extend_from_slice(&[p.r, p.g, p.b]);
        }
        let checked = golden::check_rgb(&format!("screens/{name}.png"), w, h, &rgb, TOLERANCE)
            .map_err(|e| e.to_string());
        // Every screen is compared before failing, so one run lists all that changed.
        failures.extend(checked.err());
    })?;
    assert!(count >= 40, "the tour drew {count} screens");
    assert!(failures.is_empty(), "screens differ from the goldens:\n{}", failures.join("\n"));
    Ok(())
}
