//! Golden files: an output compared with the file that pins it under `tests/golden/`
//! (`receipts/`, `screens/`, `shift/`, `wire/`).
//!
//! - [`check_bytes`]: byte for byte (the shift report's CSV, wire envelopes).
//! - [`check_png`] and [`check_rgb`] (a picture still in memory): pixel by pixel, within a
//!   [`Tolerance`] (exact for receipts, a little anti-aliasing room for the kiosk's screens).
//!
//! A difference fails naming the golden file, what differs and where the actual output was
//! written (under the temporary directory, `ansinh-golden-actual/`). A missing golden fails
//! too; nothing is ever created behind the test's back. Only with `UPDATE_GOLDEN=1` in the
//! environment are goldens written: a missing one is created and one whose output changed
//! (beyond the tolerance) is rewritten, each said on standard error; look at the change
//! before committing it.

use std::path::{Path, PathBuf};

use crate::{Error, io};

/// The environment variable that, set to `1`, rewrites the goldens that differ.
pub const UPDATE: &str = "UPDATE_GOLDEN";

/// The golden files' folder, `tests/golden/`.
pub fn dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/golden"))
}

/// The golden file `rel` (`"shift/shift.csv"`), for tests that read one as an input.
pub fn path(rel: &str) -> PathBuf {
    dir().join(rel)
}

/// Whether this run rewrites goldens (`UPDATE_GOLDEN=1`).
pub fn update_requested() -> bool {
    std::env::var_os(UPDATE).is_some_and(|v| v == "1")
}

/// Compares `actual` with the golden file `rel` byte for byte.
pub fn check_bytes(rel: &str, actual: &[u8]) -> Result<(), Error> {
    Goldens::from_env().check_bytes(rel, actual)
}

/// Compares the PNG `actual_png` with the golden PNG `rel` pixel by pixel, within
/// `tolerance`. Any PNG colour type compares (as RGB); the sizes must be equal.
pub fn check_png(rel: &str, actual_png: &[u8], tolerance: Tolerance) -> Result<(), Error> {
    Goldens::from_env().check_png(rel, actual_png, tolerance)
}

/// As [`check_png`], for a picture still in memory: `rgb` holds `width` × `height` pixels,
/// 3 bytes each, row by row. It is encoded as PNG only when it is written (a missing or
/// changed golden), so a tour of many screens that all match decodes their goldens and no
/// more.
pub fn check_rgb(
    rel: &str,
    width: u32,
    height: u32,
    rgb: &[u8],
    tolerance: Tolerance,
) -> Result<(), Error> {
    Goldens::from_env().check_rgb(rel, Image { width, height, rgb: rgb.to_vec() }, tolerance)
}

/// How far an image may be from its golden.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tolerance {
    /// A pixel differs when one of its channels differs by more than this.
    pub channel: u8,
    /// At most this many pixels per thousand may differ.
    pub per_mille: u32,
}

impl Tolerance {
    /// Every pixel equal.
    pub const EXACT: Self = Self { channel: 0, per_mille: 0 };
}

/// Where goldens are read and written, and whether they are rewritten.
struct Goldens {
    root: PathBuf,
    actual_dir: PathBuf,
    update: bool,
}

/// What a comparison found.
enum Verdict {
    Same,
    Missing,
    Differs(String),
}

impl Goldens {
    fn from_env() -> Self {
        Self {
            root: dir(),
            actual_dir: std::env::temp_dir().join("ansinh-golden-actual"),
            update: update_requested(),
        }
    }

    fn check_bytes(&self, rel: &str, actual: &[u8]) -> Result<(), Error> {
        let path = self.root.join(rel);
        let verdict = match read(&path)? {
            None => Verdict::Missing,
            Some(golden) if golden == actual => Verdict::Same,
            Some(golden) => Verdict::Differs(first_difference(&golden, actual)),
        };
        self.settle(rel, path, verdict, actual)
    }

    fn check_png(&self, rel: &str, actual_png: &[u8], tolerance: Tolerance) -> Result<(), Error> {
        let path = self.root.join(rel);
        let actual = decode(actual_png, &self.actual_dir.join(rel))?;
        let verdict = match read(&path)? {
            None => Verdict::Missing,
            Some(bytes) => {
                let golden = decode(&bytes, &path)?;
                match image_difference(&golden, &actual, tolerance) {
                    None => Verdict::Same,
                    Some(detail) => Verdict::Differs(detail),
                }
            }
        };
        self.settle(rel, path, verdict, actual_png)
    }

    fn check_rgb(&self, rel: &str, actual: Image, tolerance: Tolerance) -> Result<(), Error> {
        let path = self.root.join(rel);
        let verdict = match read(&path)? {
            None => Verdict::Missing,
            Some(bytes) => match image_difference(&decode(&bytes, &path)?, &actual, tolerance) {
                None => Verdict::Same,
                Some(detail) => Verdict::Differs(detail),
            },
        };
        if matches!(verdict, Verdict::Same) {
            return Ok(());
        }
        let png =
            encode(&actual).map_err(|source| Error::PngEncode { path: path.clone(), source })?;
        self.settle(rel, path, verdict, &png)
    }

    /// Passes, rewrites (with `UPDATE_GOLDEN=1`) or fails, keeping the actual output.
    fn settle(
        &self,
        rel: &str,
        path: PathBuf,
        verdict: Verdict,
        actual: &[u8],
    ) -> Result<(), Error> {
        match verdict {
            Verdict::Same => Ok(()),
            Verdict::Missing | Verdict::Differs(_) if self.update => {
                write(&path, actual)?;
                eprintln!("{UPDATE}=1: wrote {}", path.display());
                Ok(())
            }
            Verdict::Missing => Err(Error::Missing { path }),
            Verdict::Differs(detail) => {
                let kept = self.actual_dir.join(rel);
                write(&kept, actual)?;
                Err(Error::Differs { path, detail, actual: kept })
            }
        }
    }
}

/// The file's bytes, or `None` when there is no such file.
fn read(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(path)(e)),
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    std::fs::write(path, bytes).map_err(io(path))
}

/// The first difference, as a line of text when both sides are text, else as a byte offset.
fn first_difference(golden: &[u8], actual: &[u8]) -> String {
    if let (Ok(g), Ok(a)) = (std::str::from_utf8(golden), std::str::from_utf8(actual)) {
        let lines = g.lines().zip(a.lines()).enumerate();
        if let Some((i, (gl, al))) = lines.clone().find(|(_, (gl, al))| gl != al) {
            return format!("line {}: golden {gl:?}, actual {al:?}", i + 1);
        }
        let (gn, an) = (g.lines().count(), a.lines().count());
        if gn != an {
            return format!("the golden has {gn} lines, the actual output {an}");
        }
    }
    let at = golden.iter().zip(actual).position(|(g, a)| g != a);
    let at = at.unwrap_or(golden.len().min(actual.len()));
    format!(
        "first difference at byte {at}; the golden has {} bytes, the actual output {}",
        golden.len(),
        actual.len()
    )
}

/// An image as RGB, 3 bytes a pixel.
struct Image {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

fn decode(png_bytes: &[u8], path: &Path) -> Result<Image, Error> {
    let failed = |source| Error::Png { path: path.to_path_buf(), source };
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(failed)?;
    let size = reader.output_buffer_size().ok_or(png::DecodingError::LimitsExceeded);
    let mut buf = vec![0; size.map_err(failed)?];
    let info = reader.next_frame(&mut buf).map_err(failed)?;
    buf.truncate(info.buffer_size());
    let rgb = match info.color_type.samples() {
        // Already RGB (the screens): the buffer as it is.
        3 => buf,
        // Grey, with or without alpha (1-bit receipts expand to 0 and 255).
        n @ (1 | 2) => buf.chunks(n).flat_map(|p| [p[0]; 3]).collect(),
        n => buf.chunks(n).flat_map(|p| [p[0], p[1], p[2]]).collect(),
    };
    Ok(Image { width: info.width, height: info.height, rgb })
}

/// The image as an RGB PNG.
fn encode(image: &Image) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, image.width, image.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(&image.rgb)?;
    Ok(out)
}

/// What makes `actual` differ from `golden` beyond `tolerance`, if anything.
fn image_difference(golden: &Image, actual: &Image, tolerance: Tolerance) -> Option<String> {
    if (golden.width, golden.height) != (actual.width, actual.height) {
        return Some(format!(
            "the golden is {}x{}, the actual image {}x{}",
            golden.width, golden.height, actual.width, actual.height
        ));
    }
    // Equal images (the usual case) compare at memory speed, even in a debug build.
    if golden.rgb == actual.rgb {
        return None;
    }
    let differing = golden
        .rgb
        .chunks(3)
        .zip(actual.rgb.chunks(3))
        .filter(|(g, a)| g.iter().zip(a.iter()).any(|(p, q)| p.abs_diff(*q) > tolerance.channel))
        .count();
    let pixels = golden.rgb.len() / 3;
    let allowed = pixels * usize::try_from(tolerance.per_mille).unwrap_or(usize::MAX) / 1000;
    (differing > allowed).then(|| {
        format!(
            "{differing} of {pixels} pixels differ by more than {} in a channel, {allowed} may",
            tolerance.channel
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    type R = Result<(), Box<dyn std::error::Error>>;

    fn goldens(update: bool) -> Result<(tempfile::TempDir, Goldens), std::io::Error> {
        let tmp = tempfile::tempdir()?;
        let g = Goldens {
            root: tmp.path().join("golden"),
            actual_dir: tmp.path().join("actual"),
            update,
        };
        Ok((tmp, g))
    }

    /// A `width`×1 RGB PNG whose pixels are all `value` but the first, `first`.
    fn png(width: u32, value: u8, first: u8) -> Result<Vec<u8>, png::EncodingError> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, width, 1);
        enc.set_color(png::ColorType::Rgb);
        let mut w = enc.write_header()?;
        let mut data = vec![value; 3 * usize::try_from(width).unwrap_or(0)];
        data[..3].fill(first);
        w.write_image_data(&data)?;
        w.finish()?;
        Ok(out)
    }

    #[test]
    fn equal_bytes_pass_and_different_ones_fail_naming_the_file_and_the_fix() -> R {
        let (_tmp, g) = goldens(false)?;
        write(&g.root.join("shift/a.csv"), b"a,b\n1,2\n")?;
        g.check_bytes("shift/a.csv", b"a,b\n1,2\n")?;
        let e = g.check_bytes("shift/a.csv", b"a,b\n1,3\n").err().ok_or("passed")?.to_string();
        assert!(e.contains("shift/a.csv") && e.contains("UPDATE_GOLDEN=1"), "{e}");
        assert!(e.contains("line 2: golden \"1,2\", actual \"1,3\""), "{e}");
        // The actual output is kept for a look; the golden is untouched.
        assert_eq!(std::fs::read(g.actual_dir.join("shift/a.csv"))?, b"a,b\n1,3\n");
        assert_eq!(std::fs::read(g.root.join("shift/a.csv"))?, b"a,b\n1,2\n");
        let e = g.check_bytes("shift/a.csv", &[0xff, 1]).err().ok_or("passed")?.to_string();
        assert!(e.contains("first difference at byte 0"), "{e}");
        let e = g.check_bytes("shift/a.csv", b"a,b\n1,2\n\n").err().ok_or("passed")?.to_string();
        assert!(e.contains("the golden has 2 lines, the actual output 3"), "{e}");
        Ok(())
    }

    #[test]
    fn a_missing_golden_fails_and_is_not_created() -> R {
        let (_tmp, g) = goldens(false)?;
        let e = g.check_bytes("wire/new.bin", &[1, 2]).err().ok_or("passed")?;
        assert!(matches!(e, Error::Missing { .. }), "{e}");
        assert!(e.to_string().contains("wire/new.bin: no golden file"), "{e}");
        assert!(!g.root.join("wire/new.bin").exists());
        let e = g.check_png("screens/new.png", &png(4, 9, 9)?, Tolerance::EXACT).err();
        assert!(matches!(e, Some(Error::Missing { .. })), "{e:?}");
        assert!(!g.root.join("screens/new.png").exists());
        Ok(())
    }

    #[test]
    fn a_picture_in_memory_compares_as_its_png_would_and_is_written_only_when_needed() -> R {
        let (_tmp, g) = goldens(false)?;
        let rgb = |first: u8| {
            let mut data = vec![100; 3 * 10];
            data[..3].fill(first);
            data
        };
        let image = |first: u8| Image { width: 10, height: 1, rgb: rgb(first) };
        let e = g.check_rgb("screens/s.png", image(100), Tolerance::EXACT).err();
        assert!(matches!(e, Some(Error::Missing { .. })), "{e:?}");
        assert!(!g.root.join("screens/s.png").exists());
        write(&g.root.join("screens/s.png"), &png(10, 100, 100)?)?;
        let loose = Tolerance { channel: 10, per_mille: 0 };
        g.check_rgb("screens/s.png", image(100), Tolerance::EXACT)?;
        g.check_rgb("screens/s.png", image(105), loose)?;
        assert!(!g.actual_dir.join("screens/s.png").exists());
        let e = g.check_rgb("screens/s.png", image(200), loose).err().ok_or("passed")?;
        assert!(e.to_string().contains("1 of 10 pixels differ by more than 10"), "{e}");
        // The actual picture is kept as a PNG that decodes to it.
        let kept = decode(&std::fs::read(g.actual_dir.join("screens/s.png"))?, Path::new("kept"))?;
        assert_eq!((kept.width, kept.height, kept.rgb), (10, 1, rgb(200)));
        let e = g.check_rgb("screens/s.png", Image { width: 5, height: 2, rgb: rgb(100) }, loose);
        assert!(e.err().ok_or("passed")?.to_string().contains("the golden is 10x1"));
        // With UPDATE_GOLDEN=1 the changed picture becomes the golden.
        let (_tmp, g) = goldens(true)?;
        g.check_rgb("screens/s.png", image(200), loose)?;
        let written = decode(&std::fs::read(g.root.join("screens/s.png"))?, Path::new("written"))?;
        assert_eq!(written.rgb, rgb(200));
        Ok(())
    }

    #[test]
    fn update_writes_missing_and_changed_goldens_only() -> R {
        let (_tmp, g) = goldens(true)?;
        g.check_bytes("wire/new.bin", &[1, 2])?;
        assert_eq!(std::fs::read(g.root.join("wire/new.bin"))?, [1, 2]);
        g.check_bytes("wire/new.bin", &[3])?;
        assert_eq!(std::fs::read(g.root.join("wire/new.bin"))?, [3]);
        // An image within the tolerance is left as it is, one beyond it rewritten.
        let loose = Tolerance { channel: 10, per_mille: 0 };
        let first = png(10, 100, 100)?;
        g.check_png("screens/s.png", &first, loose)?;
        g.check_png("screens/s.png", &png(10, 100, 105)?, loose)?;
        assert_eq!(std::fs::read(g.root.join("screens/s.png"))?, first);
        let changed = png(10, 100, 200)?;
        g.check_png("screens/s.png", &changed, loose)?;
        assert_eq!(std::fs::read(g.root.join("screens/s.png"))?, changed);
        Ok(())
    }

    #[test]
    fn images_compare_within_the_tolerance() -> R {
        let (_tmp, g) = goldens(false)?;
        write(&g.root.join("screens/s.png"), &png(1000, 100, 100)?)?;
        // One pixel off by 5: passes when 5 is within the channel threshold or 1‰ may differ.
        let one_off = png(1000, 100, 105)?;
        g.check_png("screens/s.png", &one_off, Tolerance { channel: 5, per_mille: 0 })?;
        g.check_png("screens/s.png", &one_off, Tolerance { channel: 0, per_mille: 1 })?;
        let e = g.check_png("screens/s.png", &one_off, Tolerance::EXACT).err().ok_or("passed")?;
        assert!(e.to_string().contains("1 of 1000 pixels differ by more than 0"), "{e}");
        let e = g.check_png("screens/s.png", &png(999, 100, 100)?, Tolerance::EXACT).err();
        let e = e.ok_or("passed")?.to_string();
        assert!(e.contains("the golden is 1000x1, the actual image 999x1"), "{e}");
        Ok(())
    }

    #[test]
    fn a_grey_png_compares_with_its_rgb_twin() -> R {
        let (_tmp, g) = goldens(false)?;
        let mut grey = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut grey, 8, 1);
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::One);
            let mut w = enc.write_header()?;
            // Dots: black, then seven white (1 = white in PNG grey).
            w.write_image_data(&[0b0111_1111])?;
        }
        let mut rgb = png(8, 255, 255)?;
        write(&g.root.join("receipts/r.png"), &grey)?;
        let e = g.check_png("receipts/r.png", &rgb, Tolerance::EXACT).err().ok_or("passed")?;
        assert!(e.to_string().contains("1 of 8 pixels differ"), "{e}");
        rgb = png(8, 255, 0)?;
        g.check_png("receipts/r.png", &rgb, Tolerance::EXACT)?;
        Ok(())
    }
}
