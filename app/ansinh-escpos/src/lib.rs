//! # ansinh-escpos: pictures to thermal printers
//!
//! One responsibility: get a 1-bit picture (packed rows, most significant bit first, 1 = black,
//! as `ansinh-receipt` draws it) onto an ESC/POS printer. Vietnamese cannot go through the
//! printers' code pages, so only raster graphics are sent:
//!
//! - [`encode`]: `ESC @`, the picture as `GS v 0` strips of [`STRIP_ROWS`] rows (cheap printers
//!   have small buffers), a feed and a cut;
//! - [`Printer`]: a device file (`file:///dev/usb/lp0`) or a network printer
//!   (`tcp://192.168.1.50:9100`), asked for its status (`DLE EOT`) before printing, so an
//!   offline printer or one out of paper gives a clear message instead of a lost receipt;
//! - [`fake`]: a printer on loopback for tests, which answers status queries and turns the
//!   byte stream back into pictures.
//!
//! Layering: std only, no other workspace crate; the caller decides what to print and when
//! (after the record is committed).

pub mod fake;

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Rows per `GS v 0` command.
pub const STRIP_ROWS: u32 = 64;
/// How long to wait for a printer to connect, accept data or answer a status query.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// Why a print did not happen. The record it is for stays committed either way.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The printer address is not `tcp://HOST:PORT` or `file:///PATH`.
    #[error("printer address {0:?}: use tcp://HOST:9100 or file:///dev/usb/lp0")]
    Address(String),
    /// No connection to the printer.
    #[error("cannot reach the printer: {0}")]
    Unreachable(std::io::Error),
    /// The printer did not answer in time.
    #[error("the printer does not answer")]
    NoAnswer,
    /// The printer is out of paper.
    #[error("the printer is out of paper")]
    PaperOut,
    /// The cover is open.
    #[error("the printer cover is open")]
    CoverOpen,
    /// The printer reports itself offline (or in error).
    #[error("the printer is offline")]
    Offline,
    /// Writing to the printer failed midway.
    #[error("printing failed: {0}")]
    Io(std::io::Error),
    /// The picture is not a whole number of packed rows.
    #[error("the picture is {len} bytes, not {rows} rows of {width_bytes}")]
    Picture {
        /// Bytes given.
        len: usize,
        /// Rows.
        rows: u32,
        /// Bytes per row.
        width_bytes: usize,
    },
}

impl Error {
    /// Paper, cover, power and cable problems pass once a person fixes them; a wrong address
    /// or picture does not.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, Error::Address(_) | Error::Picture { .. })
    }

    /// What staff read, in Vietnamese: what is wrong and what to do.
    pub fn message_vi(&self) -> &'static str {
        match self {
            Error::Address(_) => "Địa chỉ máy in không đúng: kiểm tra trong Cài đặt.",
            Error::Unreachable(_) | Error::NoAnswer => {
                "Không kết nối được máy in: kiểm tra nguồn và dây cáp, rồi in lại từ màn hình nhân viên."
            }
            Error::PaperOut => "Máy in hết giấy: thay cuộn giấy rồi in lại từ màn hình nhân viên.",
            Error::CoverOpen => "Nắp máy in đang mở: đóng nắp rồi in lại từ màn hình nhân viên.",
            Error::Offline => {
                "Máy in đang tạm ngưng: kiểm tra máy in rồi in lại từ màn hình nhân viên."
            }
            Error::Io(_) => "In bị gián đoạn: in lại từ màn hình nhân viên (sẽ ghi là bản sao).",
            Error::Picture { .. } => "Không tạo được biên lai để in.",
        }
    }
}

/// The ESC/POS byte stream that prints a picture `width_bytes * 8` dots wide and cuts.
pub fn encode(rows: &[u8], width_bytes: usize, height: u32) -> Result<Vec<u8>, Error> {
    if rows.len() != width_bytes * height as usize || width_bytes > 0xffff {
        return Err(Error::Picture { len: rows.len(), rows: height, width_bytes });
    }
    let mut out = Vec::with_capacity(rows.len() + 64);
    out.extend([0x1b, 0x40]); // ESC @: initialise
    let mut row = 0;
    while row < height {
        let n = STRIP_ROWS.min(height - row);
        let [xl, xh] = u16::try_from(width_bytes).unwrap_or(0).to_le_bytes();
        let [yl, yh] = u16::try_from(n).unwrap_or(0).to_le_bytes();
        out.extend([0x1d, 0x76, 0x30, 0x00, xl, xh, yl, yh]); // GS v 0, normal density
        let start = row as usize * width_bytes;
        out.extend(&rows[start..start + n as usize * width_bytes]);
        row += n;
    }
    out.extend([0x1b, 0x64, 0x04]); // ESC d 4: feed past the cutter
    out.extend([0x1d, 0x56, 0x42, 0x00]); // GS V B 0: partial cut
    Ok(out)
}

/// What the printer says about itself (`DLE EOT 1, 2, 4`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Ready to print.
    Ready,
    /// Ready, with the paper roll nearly finished.
    PaperLow,
    /// Out of paper.
    PaperOut,
    /// Cover open.
    CoverOpen,
    /// Offline or in error.
    Offline,
    /// The port cannot be read (a write-only device file): printed without asking.
    Unknown,
}

/// Reads the three status bytes the printer answered to `DLE EOT 1`, `2` and `4`.
pub fn status_of(printer: u8, offline: u8, paper: u8) -> Status {
    if paper & 0x60 != 0 || offline & 0x20 != 0 {
        Status::PaperOut
    } else if offline & 0x04 != 0 {
        Status::CoverOpen
    } else if printer & 0x08 != 0 || offline & 0x40 != 0 {
        Status::Offline
    } else if paper & 0x0c != 0 {
        Status::PaperLow
    } else {
        Status::Ready
    }
}

enum Port {
    Tcp(TcpStream),
    File(std::fs::File),
}

/// A printer, by address.
pub struct Printer {
    port: Port,
}

impl Printer {
    /// Opens `tcp://HOST:PORT` or `file:///PATH` (a device such as `/dev/usb/lp0`).
    pub fn open(address: &str) -> Result<Self, Error> {
        if let Some(host) = address.strip_prefix("tcp://") {
            let addr = host
                .to_socket_addrs()
                .map_err(|_| Error::Address(address.into()))?
                .next()
                .ok_or_else(|| Error::Address(address.into()))?;
            let s = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(Error::Unreachable)?;
            s.set_read_timeout(Some(TIMEOUT)).map_err(Error::Unreachable)?;
            s.set_write_timeout(Some(TIMEOUT)).map_err(Error::Unreachable)?;
            Ok(Self { port: Port::Tcp(s) })
        } else if let Some(path) = address.strip_prefix("file://") {
            let f =
                std::fs::OpenOptions::new().write(true).open(path).map_err(Error::Unreachable)?;
            Ok(Self { port: Port::File(f) })
        } else {
            Err(Error::Address(address.into()))
        }
    }

    /// Asks the printer for its state. A device file is write-only here (its read side blocks
    /// on many kernels' printer drivers without a timeout): [`Status::Unknown`].
    pub fn status(&mut self) -> Result<Status, Error> {
        let Port::Tcp(s) = &mut self.port else { return Ok(Status::Unknown) };
        let mut answers = [0u8; 3];
        for (i, n) in [1u8, 2, 4].into_iter().enumerate() {
            s.write_all(&[0x10, 0x04, n]).map_err(Error::Io)?;
            let mut b = [0u8; 1];
            match s.read_exact(&mut b) {
                Ok(()) => answers[i] = b[0],
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock
                            | std::io::ErrorKind::TimedOut
                            | std::io::ErrorKind::UnexpectedEof
                    ) =>
                {
                    return Err(Error::NoAnswer);
                }
                Err(e) => return Err(Error::Io(e)),
            }
        }
        Ok(status_of(answers[0], answers[1], answers[2]))
    }

    /// Checks the printer, then prints the picture and cuts.
    pub fn print(&mut self, rows: &[u8], width_bytes: usize, height: u32) -> Result<Status, Error> {
        let bytes = encode(rows, width_bytes, height)?;
        let status = self.status()?;
        match status {
            Status::PaperOut => return Err(Error::PaperOut),
            Status::CoverOpen => return Err(Error::CoverOpen),
            Status::Offline => return Err(Error::Offline),
            Status::Ready | Status::PaperLow | Status::Unknown => {}
        }
        let w: &mut dyn Write = match &mut self.port {
            Port::Tcp(s) => s,
            Port::File(f) => f,
        };
        w.write_all(&bytes).and_then(|()| w.flush()).map_err(Error::Io)?;
        Ok(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tiny_picture_encodes_byte_for_byte() -> Result<(), Error> {
        // 16 dots wide, 2 rows.
        let bytes = encode(&[0xff, 0x00, 0x81, 0x18], 2, 2)?;
        assert_eq!(
            bytes,
            [
                0x1b, 0x40, // ESC @
                0x1d, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02, 0x00, // GS v 0: 2 bytes x 2 rows
                0xff, 0x00, 0x81, 0x18, // the rows
                0x1b, 0x64, 0x04, // feed 4 lines
                0x1d, 0x56, 0x42, 0x00, // cut
            ]
        );
        Ok(())
    }

    #[test]
    fn tall_pictures_go_in_strips() -> Result<(), Error> {
        let rows = vec![0xaa; 48 * 150];
        let bytes = encode(&rows, 48, 150)?;
        let strips = bytes.windows(4).filter(|w| w == &[0x1d, 0x76, 0x30, 0x00]).count();
        assert_eq!(strips, 3, "64 + 64 + 22 rows");
        assert!(matches!(encode(&rows, 48, 151), Err(Error::Picture { .. })));
        Ok(())
    }

    #[test]
    fn status_bytes() {
        assert_eq!(status_of(0x12, 0x12, 0x12), Status::Ready);
        assert_eq!(status_of(0x12, 0x12, 0x1e), Status::PaperLow);
        assert_eq!(status_of(0x12, 0x12, 0x72), Status::PaperOut);
        assert_eq!(status_of(0x12, 0x16, 0x12), Status::CoverOpen);
        assert_eq!(status_of(0x1a, 0x12, 0x12), Status::Offline);
        assert!(Error::PaperOut.message_vi().contains("hết giấy"));
        assert!(Error::PaperOut.is_retryable() && !Error::Address(String::new()).is_retryable());
    }
}
