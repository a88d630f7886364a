//! A printer on loopback for tests: it answers status queries with the state it is given and
//! reads the ESC/POS stream back into the pictures it would have printed.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

/// What the fake printer reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Ready.
    Ready,
    /// Out of paper.
    PaperOut,
    /// Offline.
    Offline,
    /// Accepts connections and never answers.
    Silent,
}

/// One picture as printed: packed rows and the cut that ended it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Printed {
    /// Bytes per row.
    pub width_bytes: usize,
    /// Rows.
    pub height: u32,
    /// The rows, as received.
    pub rows: Vec<u8>,
    /// A cut followed the picture.
    pub cut: bool,
}

/// A running fake printer.
pub struct FakePrinter {
    addr: SocketAddr,
    printed: Arc<Mutex<Vec<Printed>>>,
    _thread: JoinHandle<()>,
}

impl FakePrinter {
    /// Listens on a free loopback port and serves connections one after another.
    pub fn start(state: State) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let printed = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&printed);
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let mut stream = Vec::new();
                let mut buf = [0u8; 4096];
                let mut answered = 0;
                loop {
                    let n = match conn.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    stream.extend_from_slice(&buf[..n]);
                    // Status queries come before the picture (`ESC @` starts it); raster bytes
                    // that happen to look like a query are not one.
                    let queries = status_queries(&stream);
                    for &q in &queries[answered.min(queries.len())..] {
                        let reply = match (state, q) {
                            (State::Silent, _) => continue,
                            (State::PaperOut, 4) => 0x72,
                            (State::PaperOut, 2) => 0x32,
                            (State::Offline, 1) => 0x1a,
                            _ => 0x12,
                        };
                        let _ = conn.write_all(&[reply]);
                    }
                    answered = queries.len();
                }
                let pictures = parse(&stream);
                sink.lock().unwrap_or_else(PoisonError::into_inner).extend(pictures);
            }
        });
        Ok(Self { addr, printed, _thread: thread })
    }

    /// Its address, as [`crate::Printer::open`] takes it.
    pub fn address(&self) -> String {
        format!("tcp://{}", self.addr)
    }

    /// The pictures printed so far (a connection's pictures appear once it closes).
    pub fn printed(&self) -> Vec<Printed> {
        self.printed.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

fn status_queries(stream: &[u8]) -> Vec<u8> {
    let end = stream.windows(2).position(|w| w == [0x1b, 0x40]).unwrap_or(stream.len());
    stream[..end]
        .chunks(3)
        .filter(|c| c.len() == 3 && c[..2] == [0x10, 0x04])
        .map(|c| c[2])
        .collect()
}

/// Reads an ESC/POS stream back into pictures: consecutive `GS v 0` strips of one width make
/// one picture, ended by a cut. Unknown bytes are skipped one at a time.
pub fn parse(stream: &[u8]) -> Vec<Printed> {
    let mut out = Vec::new();
    let mut current: Option<Printed> = None;
    let mut i = 0;
    while i < stream.len() {
        match &stream[i..] {
            [0x1d, 0x76, 0x30, _, xl, xh, yl, yh, rest @ ..] => {
                let width_bytes = usize::from(u16::from_le_bytes([*xl, *xh]));
                let rows = u32::from(u16::from_le_bytes([*yl, *yh]));
                let len = width_bytes * rows as usize;
                if rest.len() < len {
                    break;
                }
                let p = current.get_or_insert_with(|| Printed {
                    width_bytes,
                    height: 0,
                    rows: Vec::new(),
                    cut: false,
                });
                if p.width_bytes != width_bytes {
                    out.extend(current.take());
                    current =
                        Some(Printed { width_bytes, height: 0, rows: Vec::new(), cut: false });
                }
                if let Some(p) = current.as_mut() {
                    p.rows.extend_from_slice(&rest[..len]);
                    p.height += rows;
                }
                i += 8 + len;
            }
            [0x1d, 0x56, 0x41 | 0x42, _, ..] => {
                if let Some(mut p) = current.take() {
                    p.cut = true;
                    out.push(p);
                }
                i += 4;
            }
            [0x1d, 0x56, _, ..] | [0x1b, 0x64, _, ..] | [0x10, 0x04, _, ..] => i += 3,
            [0x1b, 0x40, ..] => i += 2,
            _ => i += 1,
        }
    }
    out.extend(current);
    out
}
