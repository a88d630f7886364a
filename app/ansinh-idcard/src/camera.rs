//! A camera pointed at the counter (V4L2, `/dev/video0`): frames are captured at 640×480,
//! their brightness taken (YUYV's Y bytes, or a grey camera's bytes as they are), and searched
//! for a QR code with `quircs` (a port of quirc), once as it is and, when nothing is found,
//! once more in black and white (a threshold halfway between the frame's dark and light
//! ends), which reads codes that blur or uneven light leave too soft for quirc's own local
//! threshold.
//!
//! Frames live in the driver's buffers and one grey copy that is overwritten before the next;
//! no frame is ever written anywhere or kept. Cameras that offer only compressed frames
//! (MJPEG) are refused with their formats named: every UVC webcam we know also offers YUYV at
//! this size, and decoding JPEG would bring in a decoder for nothing.

use std::path::Path;

use linuxvideo::format::{PixFormat, PixelFormat};
use linuxvideo::stream::ReadStream;
use linuxvideo::{BufType, Device};
use zeroize::Zeroize;

use crate::Error;

/// Frame size asked for: enough for a card's code held 15–30 cm away, small enough to search
/// several frames a second on the kiosk's processor.
pub const WIDTH: u32 = 640;
/// See [`WIDTH`].
pub const HEIGHT: u32 = 480;

const GREY: PixelFormat = PixelFormat::from_fourcc(*b"GREY");

/// Every QR code found in a grey image (one byte a pixel, `width` pixels a row), decoded as
/// UTF-8 text; codes that do not decode are left out.
pub fn decode_grey(grey: &[u8], width: usize, height: usize) -> Vec<String> {
    if width == 0 || height == 0 || grey.len() < width * height {
        return Vec::new();
    }
    let grey = &grey[..width * height];
    let mut decoder = quircs::Quirc::default();
    let found = decode_with(&mut decoder, grey, width, height);
    if !found.is_empty() {
        return found;
    }
    let mut black_and_white = binarised(grey);
    let found = decode_with(&mut decoder, &black_and_white, width, height);
    black_and_white.zeroize();
    found
}

fn decode_with(
    decoder: &mut quircs::Quirc,
    grey: &[u8],
    width: usize,
    height: usize,
) -> Vec<String> {
    decoder
        .identify(width, height, grey)
        .filter_map(|code| code.ok()?.decode().ok())
        .filter_map(|data| String::from_utf8(data.payload).ok())
        .collect()
}

/// Black below the midpoint of the 5th and 95th percentiles of brightness, white above.
fn binarised(grey: &[u8]) -> Vec<u8> {
    let mut histogram = [0usize; 256];
    for &p in grey {
        histogram[usize::from(p)] += 1;
    }
    let tail = grey.len() / 20;
    let percentile = |levels: &[usize]| {
        let mut seen = 0;
        levels.iter().copied().find(|&level| {
            seen += histogram[level];
            seen > tail
        })
    };
    let mut levels: Vec<usize> = (0..256).collect();
    let dark = percentile(&levels).unwrap_or(0);
    levels.reverse();
    let light = percentile(&levels).unwrap_or(255);
    let threshold = (dark + light) / 2;
    grey.iter().map(|&p| if usize::from(p) < threshold { 0 } else { 255 }).collect()
}

/// The brightness of a YUYV frame (`Y0 U Y1 V` per two pixels) into `grey`, row by row
/// (`stride` bytes a row in the frame).
pub fn yuyv_to_grey(frame: &[u8], width: usize, height: usize, stride: usize, grey: &mut Vec<u8>) {
    grey.clear();
    for row in frame.chunks(stride.max(1)).take(height) {
        grey.extend(row.iter().step_by(2).take(width));
    }
}

/// A camera streaming frames.
pub struct Camera {
    stream: ReadStream,
    format: PixelFormat,
    width: usize,
    height: usize,
    stride: usize,
    grey: Vec<u8>,
}

impl Camera {
    /// Opens the camera and starts streaming 640×480 frames (YUYV, or grey).
    pub fn open(path: &Path) -> Result<Self, Error> {
        let device = Device::open(path).map_err(|e| Error::device(path, e))?;
        let formats: Vec<PixelFormat> = device
            .formats(BufType::VIDEO_CAPTURE)
            .filter_map(|f| f.ok().map(|f| f.pixel_format()))
            .collect();
        let Some(format) = [PixelFormat::YUYV, GREY].into_iter().find(|f| formats.contains(f))
        else {
            let offered: Vec<String> = formats
                .iter()
                .map(|f| String::from_utf8_lossy(&f.as_fourcc()).into_owned())
                .collect();
            return Err(Error::device(
                path,
                format!("offers {} frames, not YUYV or GREY", offered.join(", ")),
            ));
        };
        let capture = device
            .video_capture(PixFormat::new(WIDTH, HEIGHT, format))
            .map_err(|e| Error::device(path, e))?;
        let negotiated = capture.format();
        let width = usize::try_from(negotiated.width()).unwrap_or(0);
        let height = usize::try_from(negotiated.height()).unwrap_or(0);
        let stride = usize::try_from(negotiated.bytes_per_line()).unwrap_or(0);
        let format = negotiated.pixel_format();
        let stream = capture.into_stream().map_err(|e| Error::device(path, e))?;
        Ok(Self { stream, format, width, height, stride, grey: Vec::new() })
    }

    /// Waits for the next frame and returns the first QR code's text in it, if any.
    pub fn next_code(&mut self) -> std::io::Result<Option<String>> {
        let (width, height, stride, format) = (self.width, self.height, self.stride, self.format);
        let grey = &mut self.grey;
        self.stream.dequeue(|frame| {
            if format == PixelFormat::YUYV {
                yuyv_to_grey(&frame, width, height, stride, grey);
            } else {
                grey.clear();
                for row in frame.chunks(stride.max(1)).take(height) {
                    grey.extend(row.iter().take(width));
                }
            }
            Ok(())
        })?;
        let found = decode_grey(&self.grey, width, height).into_iter().next();
        self.grey.zeroize();
        Ok(found)
    }
}

impl Drop for Camera {
    fn drop(&mut self) {
        self.grey.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuyv_brightness_is_every_other_byte_row_by_row() {
        // Two rows of two pixels, each row padded to 6 bytes.
        let frame = [10, 0, 20, 0, 99, 99, 30, 0, 40, 0, 99, 99];
        let mut grey = Vec::new();
        yuyv_to_grey(&frame, 2, 2, 6, &mut grey);
        assert_eq!(grey, [10, 20, 30, 40]);
    }

    #[test]
    fn black_and_white_splits_at_the_middle_of_the_dark_and_light_ends() {
        let grey: Vec<u8> = (0..100).map(|i| if i < 50 { 60 } else { 200 }).collect();
        let bw = binarised(&grey);
        assert_eq!((bw[0], bw[49], bw[50], bw[99]), (0, 0, 255, 255));
    }

    #[test]
    fn an_empty_or_short_frame_has_no_code() {
        assert!(decode_grey(&[], 0, 0).is_empty());
        assert!(decode_grey(&[255; 10], 640, 480).is_empty());
    }
}
