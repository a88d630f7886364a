//! Every screen in both layouts (1280×800 landscape, 480×800 portrait), drawn by the software
//! renderer with the embedded Noto Sans, compared with the golden PNGs in
//! `tests/golden/screens/`.
//!
//! Tolerance: a pixel differs when one of its channels differs by more than 25 (10% of 255);
//! at most 0.5% of a screen's pixels may differ (5,120 at 1280×800, 1,920 at 480×800) — room
//! for anti-aliasing changes in a dependency, none for a moved or missing word. The boot test of
//! the kiosk image uses the same rule. `UPDATE_GOLDEN=1 cargo test -p ansinh-kiosk --test
//! screens` rewrites the goldens; look at them before committing.

use std::path::PathBuf;

use ansinh_kiosk::platform::{differing_pixels, install_headless, png_bytes, read_png};
use ansinh_kiosk::screens::{TOUR_DATE, tour};

const CHANNEL_THRESHOLD: u8 = 25;
const MAX_DIFFERING_PER_MILLE: usize = 5;

#[test]
fn every_screen_matches_its_golden() -> anyhow::Result<()> {
    let window = install_headless()?;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/screens");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let today = TOUR_DATE.parse().map_err(|_| anyhow::anyhow!("date"))?;
    let mut failures = Vec::new();
    let mut count = 0;
    let out_dir = std::env::temp_dir().join("ansinh-screens-actual");
    std::fs::create_dir_all(&out_dir)?;
    tour(&window, today, |name, w, h, px| {
        count += 1;
        let path = dir.join(format!("{name}.png"));
        let bytes = png_bytes(px, w, h).unwrap_or_default();
        let actual: Vec<u8> = px.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
        match read_png(&path) {
            Ok((gw, gh, golden)) if (gw, gh) == (w, h) => {
                let n = differing_pixels(&actual, &golden, CHANNEL_THRESHOLD);
                let allowed = (w * h) as usize * MAX_DIFFERING_PER_MILLE / 1000;
                if n > allowed && update {
                    let _ = std::fs::write(&path, &bytes);
                } else if n > allowed {
                    let _ = std::fs::write(out_dir.join(format!("{name}.png")), &bytes);
                    failures.push(format!("{name}: {n} pixels differ (allowed {allowed})"));
                }
            }
            // Only screens that changed beyond the tolerance are rewritten, so an update
            // touches only what it should.
            _ if update => {
                let _ = std::fs::create_dir_all(&dir);
                let _ = std::fs::write(&path, &bytes);
            }
            Ok((gw, gh, _)) => failures.push(format!("{name}: golden is {gw}x{gh}")),
            Err(e) => failures.push(format!("{name}: no golden ({e}); run with UPDATE_GOLDEN=1")),
        }
    })?;
    assert!(count >= 40, "the tour drew {count} screens");
    assert!(
        failures.is_empty(),
        "screens differ from the goldens (actual PNGs in {}):\n{}",
        out_dir.display(),
        failures.join("\n")
    );
    Ok(())
}
