//! The serial and keyboard readers end to end, through the threads the kiosk starts
//! (`readers::spawn`): a pseudo-terminal stands in for the scanner's `/dev/ttyACM0`, and a
//! FIFO carrying `input_event` records for its `/dev/input/event*` (this machine has no
//! `/dev/uinput` to make a real input device with).

use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use ansinh_idcard::keyboard::EVENT_SIZE;
use ansinh_idcard::readers::{Event, spawn};
use ansinh_idcard::{Error, Source};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{LocalModes, tcgetattr};

const CODE: &str = "001179012345|012345678|Nguyễn Thị Hồng Nhung|15031979|Nữ|Số 12, ngõ 34, phố Quang Trung, Phường Hà Cầu, Quận Hà Đông, Hà Nội|15042021";

fn next(events: &Receiver<Event>) -> Event {
    events.recv_timeout(Duration::from_secs(20)).unwrap_or_else(|e| panic!("no event: {e}"))
}

#[test]
fn a_serial_scanner_on_a_pseudo_terminal_delivers_the_card_in_utf8()
-> Result<(), Box<dyn std::error::Error>> {
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY)?;
    grantpt(&master)?;
    unlockpt(&master)?;
    let path = PathBuf::from(ptsname(&master, Vec::new())?.into_string()?);
    let (tx, events) = channel();
    let _reader = spawn(Source::Serial, path, tx);
    // Wait for the reader to have put the line in raw mode, as a scanner's line would be
    // before it sends anything.
    let started = std::time::Instant::now();
    while tcgetattr(&master)?.local_modes.contains(LocalModes::ICANON) {
        assert!(started.elapsed() < Duration::from_secs(20), "the line never became raw");
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut line = std::fs::File::from(master);
    // The scanner writes in bursts; a line ends with CR (here: one in two pieces, then CR LF).
    let bytes = CODE.as_bytes();
    line.write_all(&bytes[..37])?;
    std::thread::sleep(Duration::from_millis(30));
    line.write_all(&bytes[37..])?;
    line.write_all(b"\r")?;
    match next(&events) {
        Event::Scan { source: Source::Serial, text } => {
            assert_eq!(text, CODE);
            let card = ansinh_idcard::parse(&text)?;
            assert_eq!(card.full_name, "NGUYỄN THỊ HỒNG NHUNG");
        }
        other => panic!("{other:?}"),
    }
    // A scanner set to a legacy code page: said, and the next scan still read.
    line.write_all(b"N\xef\r\n")?;
    assert_eq!(next(&events), Event::Problem { source: Source::Serial, error: Error::NotUtf8 });
    line.write_all(format!("{CODE}\r\n").as_bytes())?;
    assert!(matches!(next(&events), Event::Scan { text, .. } if text == CODE));
    Ok(())
}

/// One `input_event` record.
fn event(kind: u16, code: u16, value: i32) -> Vec<u8> {
    let mut e = vec![0u8; EVENT_SIZE - 8];
    e.extend(kind.to_ne_bytes());
    e.extend(code.to_ne_bytes());
    e.extend(value.to_ne_bytes());
    e
}

/// The key presses a keyboard-mode scanner makes for `text` on a US layout. Characters a US
/// keyboard lacks are typed as Alt + their code point on the keypad when `alt_codes` (the
/// scanners' "Unicode" mode), else dropped, as most scanners do by default.
fn typed(text: &str, alt_codes: bool) -> Vec<u8> {
    const SHIFTED_ROW: &str = "!@#$%^&*()";
    let tap = |out: &mut Vec<u8>, code: u16, shift: bool| {
        if shift {
            out.extend(event(1, 42, 1));
        }
        out.extend(event(1, code, 1));
        out.extend(event(0, 0, 0)); // EV_SYN between key events, as the kernel sends
        out.extend(event(1, code, 0));
        if shift {
            out.extend(event(1, 42, 0));
        }
    };
    let key_of = |c: char| -> Option<(u16, bool)> {
        let lower = c.to_ascii_lowercase();
        let rows: [(&str, u16); 3] = [("qwertyuiop", 16), ("asdfghjkl", 30), ("zxcvbnm", 44)];
        for (row, first) in rows {
            if let Some(i) = row.find(lower) {
                return Some((first + u16::try_from(i).ok()?, c.is_ascii_uppercase()));
            }
        }
        match c {
            '1'..='9' => Some((u16::try_from(c as u32 - '1' as u32).ok()? + 2, false)),
            '0' => Some((11, false)),
            ' ' => Some((57, false)),
            ',' => Some((51, false)),
            '.' => Some((52, false)),
            '|' => Some((43, true)),
            _ => SHIFTED_ROW.find(c).map(|i| (u16::try_from(i).unwrap_or(0) + 2, true)),
        }
    };
    let keypad = [82u16, 79, 80, 81, 75, 76, 77, 71, 72, 73];
    let mut out = Vec::new();
    for c in text.chars() {
        if let Some((code, shift)) = key_of(c) {
            tap(&mut out, code, shift);
        } else if alt_codes {
            out.extend(event(1, 56, 1));
            for d in (c as u32).to_string().bytes() {
                tap(&mut out, keypad[usize::from(d - b'0')], false);
            }
            out.extend(event(1, 56, 0));
        }
    }
    tap(&mut out, 28, false); // Enter
    out
}

/// A FIFO at a fresh path, fed `bytes` by a writer thread, as an event device would be.
fn fifo_with(bytes: Vec<u8>) -> Result<(tempfile::TempDir, PathBuf), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("event-kbd");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        0,
    )?;
    let writer_path = path.clone();
    std::thread::spawn(move || {
        if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&writer_path) {
            let _ = f.write_all(&bytes);
        }
    });
    Ok((dir, path))
}

#[test]
fn a_keyboard_mode_scanner_in_unicode_mode_delivers_the_card()
-> Result<(), Box<dyn std::error::Error>> {
    let (_dir, path) = fifo_with(typed(CODE, true))?;
    let (tx, events) = channel();
    let _reader = spawn(Source::Keyboard, path, tx);
    match next(&events) {
        Event::Scan { source: Source::Keyboard, text } => {
            assert_eq!(text, CODE);
            assert_eq!(ansinh_idcard::parse(&text)?.personal_id, "001179012345");
        }
        other => panic!("{other:?}"),
    }
    Ok(())
}

#[test]
fn a_keyboard_mode_scanner_that_drops_accents_is_detected() -> Result<(), Box<dyn std::error::Error>>
{
    let (_dir, path) = fifo_with(typed(CODE, false))?;
    let (tx, events) = channel();
    let _reader = spawn(Source::Keyboard, path, tx);
    match next(&events) {
        Event::Scan { source: Source::Keyboard, text } => {
            assert!(
                text.starts_with("001179012345|012345678|Nguyn Th Hng Nhung|15031979|N|"),
                "{text}"
            );
            assert_eq!(ansinh_idcard::parse(&text), Err(Error::DiacriticsLost));
        }
        other => panic!("{other:?}"),
    }
    Ok(())
}

#[test]
fn a_missing_device_is_said_once_and_tried_again() {
    let (tx, events) = channel();
    let _reader = spawn(Source::Serial, PathBuf::from("/dev/ttyACM-none"), tx);
    match next(&events) {
        Event::Problem { source: Source::Serial, error } => {
            assert!(error.is_retryable(), "{error}");
            assert!(error.to_string().starts_with("/dev/ttyACM-none: "), "{error}");
        }
        other => panic!("{other:?}"),
    }
    assert!(events.recv_timeout(Duration::from_secs(4)).is_err(), "not said again");
}
