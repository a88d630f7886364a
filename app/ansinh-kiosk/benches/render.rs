//! Full-frame software rendering at 1280×800 (and 480×800): every screen of the tour drawn from
//! scratch many times, reporting the median and the 95th percentile per layout. Run with
//! `cargo bench -p ansinh-kiosk --bench render`; results go to BENCHMARKS.md.

use std::time::{Duration, Instant};

use ansinh_kiosk::platform::install_headless;
use ansinh_kiosk::screens::{LAYOUTS, SCREENS, TOUR_DATE, tour_kiosk};
use ansinh_kiosk::ui::render;
use slint::{ComponentHandle, PhysicalSize, Rgb8Pixel};

const ROUNDS: usize = 20;

fn main() -> anyhow::Result<()> {
    let window = install_headless()?;
    let today = TOUR_DATE.parse().map_err(|_| anyhow::anyhow!("date"))?;
    for (w, h) in LAYOUTS {
        let mut times: Vec<Duration> = Vec::new();
        let mut buf = vec![Rgb8Pixel::new(0, 0, 0); w as usize * h as usize];
        for (_, setup) in SCREENS {
            let (k, clock) = tour_kiosk(today)?;
            k.window.show()?;
            {
                let mut app = k.app.borrow_mut();
                setup(&mut app, &clock);
                render(&mut app, &k.window);
            }
            window.set_size(PhysicalSize::new(w, h));
            // Settle layouts once, then time whole-frame redraws (a new buffer every frame, as
            // after a screen change: nothing is reused from the previous frame).
            for round in 0..=ROUNDS {
                slint::platform::update_timers_and_animations();
                window.request_redraw();
                let start = Instant::now();
                window.draw_if_needed(|r| {
                    r.render(&mut buf, w as usize);
                });
                if round > 0 {
                    times.push(start.elapsed());
                }
            }
            k.window.hide()?;
        }
        times.sort();
        let ms = |q: usize| {
            let us = times[(times.len() - 1) * q / 100].as_micros();
            format!("{}.{:02} ms", us / 1000, us % 1000 / 10)
        };
        println!(
            "full frame {w}x{h}: {} screens x {ROUNDS} frames, median {}, p95 {}, max {}",
            SCREENS.len(),
            ms(50),
            ms(95),
            ms(100),
        );
    }
    Ok(())
}
