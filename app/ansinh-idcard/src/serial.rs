//! A 2D scanner in serial mode (USB CDC ACM, `/dev/ttyACM0`): it writes each code as UTF-8
//! text ended by CR, LF or both, which keeps every Vietnamese letter.
//!
//! The line is put in raw mode first (no echo, no line editing, no translation of CR, no
//! signals from the bytes the code happens to contain); a USB serial line has no real speed,
//! so the speed is left as it is.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use rustix::fs::{Mode, OFlags};
use rustix::termios::{OptionalActions, tcgetattr, tcsetattr};
use zeroize::Zeroize;

use crate::Error;

/// The longest line kept: a card's code is a few hundred bytes; a stream with no line end is
/// cut here rather than filling memory.
pub const MAX_LINE: usize = 4096;

/// Opens a serial scanner and puts its line in raw mode.
pub fn open(path: &Path) -> Result<LineReader<File>, Error> {
    let fd = rustix::fs::open(path, OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC, Mode::empty())
        .map_err(|e| Error::device(path, e))?;
    let mut modes = tcgetattr(&fd).map_err(|e| Error::device(path, e))?;
    modes.make_raw();
    tcsetattr(&fd, OptionalActions::Now, &modes).map_err(|e| Error::device(path, e))?;
    Ok(LineReader::new(File::from(fd)))
}

/// Lines of text from a byte stream, ended by CR, LF or CR LF; empty lines skipped.
pub struct LineReader<R> {
    input: R,
    pending: Vec<u8>,
}

impl<R: Read> LineReader<R> {
    /// Lines from `input`.
    pub fn new(input: R) -> Self {
        Self { input, pending: Vec::new() }
    }

    /// The next line as bytes, without its end; `None` when the stream ends (the scanner was
    /// unplugged: a hung-up terminal reads as an error EIO, taken as the end too). A line
    /// longer than [`MAX_LINE`] is cut there.
    pub fn next_bytes(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut buf = [0u8; 512];
        loop {
            if let Some(end) = self.pending.iter().position(|&b| b == b'\r' || b == b'\n') {
                let mut line: Vec<u8> = self.pending.drain(..=end).collect();
                line.pop();
                if line.is_empty() {
                    continue;
                }
                return Ok(Some(line));
            }
            if self.pending.len() >= MAX_LINE {
                let line = self.pending.drain(..MAX_LINE).collect();
                return Ok(Some(line));
            }
            let n = match self.input.read(&mut buf) {
                Ok(0) => 0,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.raw_os_error() == Some(rustix::io::Errno::IO.raw_os_error()) => 0,
                Err(e) => return Err(e),
            };
            if n == 0 {
                // What was sent without a line end is dropped with the stream.
                self.pending.zeroize();
                return Ok(None);
            }
            self.pending.extend_from_slice(&buf[..n]);
            buf.zeroize();
        }
    }

    /// The next line as UTF-8 text ([`Error::NotUtf8`] for a line that is not; the reader
    /// goes on with the next one). `Ok(None)` when the stream ends.
    pub fn next_line(&mut self) -> io::Result<Option<Result<String, Error>>> {
        Ok(self.next_bytes()?.map(|bytes| {
            String::from_utf8(bytes).map_err(|e| {
                e.into_bytes().zeroize();
                Error::NotUtf8
            })
        }))
    }
}

impl<R> Drop for LineReader<R> {
    fn drop(&mut self) {
        self.pending.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_with_cr_lf_or_both_and_empty_ones_are_skipped() -> io::Result<()> {
        let bytes = "một\r\nhai\rba\n\r\n\nbốn".as_bytes();
        let mut r = LineReader::new(bytes);
        let mut lines = Vec::new();
        while let Some(line) = r.next_line()? {
            lines.push(line.unwrap_or_default());
        }
        assert_eq!(lines, ["một", "hai", "ba"], "bốn never ended");
        Ok(())
    }

    #[test]
    fn bytes_that_are_not_utf8_are_said_and_the_next_line_read() -> io::Result<()> {
        let mut r = LineReader::new(&b"N\xef\r\nok\r"[..]);
        assert_eq!(r.next_line()?, Some(Err(Error::NotUtf8)));
        assert_eq!(r.next_line()?, Some(Ok("ok".to_string())));
        Ok(())
    }

    #[test]
    fn an_endless_line_is_cut() -> io::Result<()> {
        let long = vec![b'x'; MAX_LINE + 10];
        let mut r = LineReader::new(long.as_slice());
        assert_eq!(r.next_bytes()?.map(|l| l.len()), Some(MAX_LINE));
        Ok(())
    }
}
