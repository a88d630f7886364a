//! Platform pieces: a headless window drawn by Slint's software renderer (screenshots, tests,
//! the first-frame benchmark), PNG files, and the systemd notification socket.

use std::rc::Rc;
use std::time::{Duration, Instant};

use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{PhysicalSize, Rgb8Pixel};

/// A platform whose only window is drawn into memory.
pub struct Headless {
    window: Rc<MinimalSoftwareWindow>,
    start: Instant,
}

impl Platform for Headless {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }
    fn duration_since_start(&self) -> Duration {
        self.start.elapsed()
    }
}

/// Installs the headless platform (once per process) and returns its window.
pub fn install_headless() -> Result<Rc<MinimalSoftwareWindow>, slint::PlatformError> {
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(Headless {
        window: window.clone(),
        start: Instant::now(),
    }))
    .map_err(|e| slint::PlatformError::Other(e.to_string()))?;
    Ok(window)
}

/// Draws the whole window at `width`×`height` and returns its pixels.
pub fn draw(window: &MinimalSoftwareWindow, width: u32, height: u32) -> Vec<Rgb8Pixel> {
    window.set_size(PhysicalSize::new(width, height));
    let mut buf = vec![Rgb8Pixel::new(0, 0, 0); width as usize * height as usize];
    // Twice: the first pass settles layouts that depend on text measured while drawing.
    for _ in 0..2 {
        slint::platform::update_timers_and_animations();
        window.request_redraw();
        window.draw_if_needed(|r| {
            r.render(&mut buf, width as usize);
        });
    }
    buf
}

/// Encodes pixels as an RGB PNG.
pub fn png_bytes(
    pixels: &[Rgb8Pixel],
    width: u32,
    height: u32,
) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, width, height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header()?;
        let bytes: Vec<u8> = pixels.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
        w.write_image_data(&bytes)?;
    }
    Ok(out)
}

/// Tells systemd (when started by it with `Type=notify`) something: `READY=1`, `WATCHDOG=1`.
pub fn sd_notify(state: &str) {
    #[cfg(target_os = "linux")]
    {
        use std::os::linux::net::SocketAddrExt;
        use std::os::unix::net::{SocketAddr, UnixDatagram};
        let Ok(path) = std::env::var("NOTIFY_SOCKET") else { return };
        let addr = match path.strip_prefix('@') {
            Some(name) => SocketAddr::from_abstract_name(name.as_bytes()),
            None => SocketAddr::from_pathname(&path),
        };
        if let (Ok(sock), Ok(addr)) = (UnixDatagram::unbound(), addr) {
            let _ = sock.send_to_addr(state.as_bytes(), &addr);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = state;
}
