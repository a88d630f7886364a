//! A scanner in keyboard mode (USB HID): it "types" each code as key presses, followed by
//! Enter, and the kernel hands them out as `input_event` records on `/dev/input/event*`.
//!
//! The keys are turned back into text with a US layout, the layout scanners type by default.
//! A keyboard has no key for "ữ": scanners either drop such letters, send `?`, or send
//! Alt + the letter's code on the numeric keypad (their "Unicode" or "Alt mode"); the last is
//! decoded here (Alt held, keypad digits, Alt released: the code point in decimal). Whatever
//! arrives is checked by [`crate::card::parse`], which says [`crate::Error::DiacriticsLost`]
//! when the accents did not make it, so staff are told to switch the scanner to serial mode.
//!
//! The reader takes any byte stream of `input_event` records, so it is tested without a
//! device; on the kiosk it reads the configured device file.

use std::io::{self, Read};
use std::path::Path;

use zeroize::Zeroize;

use crate::Error;

/// Size of one `struct input_event`: a `struct timeval` (two `long`s), then type, code (u16
/// each) and value (i32).
pub const EVENT_SIZE: usize = 2 * size_of::<usize>() + 8;

/// `EV_KEY`: a key went down (value 1), up (0) or repeats (2).
const EV_KEY: u16 = 1;

const KEY_ENTER: u16 = 28;
const KEY_KPENTER: u16 = 96;
const KEY_LEFTSHIFT: u16 = 42;
const KEY_RIGHTSHIFT: u16 = 54;
const KEY_LEFTALT: u16 = 56;
const KEY_RIGHTALT: u16 = 100;
const KEY_CAPSLOCK: u16 = 58;

/// US layout: key code → (unshifted, shifted).
fn us_key(code: u16) -> Option<(char, char)> {
    const ROW_NUMBERS: &[(char, char)] = &[
        ('1', '!'),
        ('2', '@'),
        ('3', '#'),
        ('4', '$'),
        ('5', '%'),
        ('6', '^'),
        ('7', '&'),
        ('8', '*'),
        ('9', '('),
        ('0', ')'),
        ('-', '_'),
        ('=', '+'),
    ];
    let letters = |row: &str, first: u16| {
        row.chars().nth(usize::from(code - first)).map(|c| (c, c.to_ascii_uppercase()))
    };
    match code {
        2..=13 => ROW_NUMBERS.get(usize::from(code - 2)).copied(),
        16..=25 => letters("qwertyuiop", 16),
        26 => Some(('[', '{')),
        27 => Some((']', '}')),
        30..=38 => letters("asdfghjkl", 30),
        39 => Some((';', ':')),
        40 => Some(('\'', '"')),
        41 => Some(('`', '~')),
        43 => Some(('\\', '|')),
        44..=50 => letters("zxcvbnm", 44),
        51 => Some((',', '<')),
        52 => Some(('.', '>')),
        53 => Some(('/', '?')),
        55 => Some(('*', '*')),
        57 => Some((' ', ' ')),
        74 => Some(('-', '-')),
        78 => Some(('+', '+')),
        83 => Some(('.', '.')),
        98 => Some(('/', '/')),
        _ => keypad_digit(code).map(|d| {
            let c = char::from_digit(d, 10).unwrap_or('0');
            (c, c)
        }),
    }
}

/// The digit of a numeric-keypad key.
fn keypad_digit(code: u16) -> Option<u32> {
    match code {
        82 => Some(0),
        79..=81 => Some(u32::from(code - 78)),
        75..=77 => Some(u32::from(code - 71)),
        71..=73 => Some(u32::from(code - 64)),
        _ => None,
    }
}

/// Key presses from an evdev stream, back into lines of text.
pub struct KeyboardScanner<R> {
    input: R,
    shift: u8,
    caps: bool,
    alt: u8,
    alt_code: Option<u32>,
    line: String,
}

impl KeyboardScanner<std::fs::File> {
    /// Opens a keyboard-mode scanner's event device (`/dev/input/by-id/…-event-kbd`).
    pub fn open(path: &Path) -> Result<Self, Error> {
        std::fs::File::open(path).map(Self::new).map_err(|e| Error::device(path, e))
    }
}

impl<R: Read> KeyboardScanner<R> {
    /// A scanner reading `input_event` records from `input`.
    pub fn new(input: R) -> Self {
        Self { input, shift: 0, caps: false, alt: 0, alt_code: None, line: String::new() }
    }

    /// The next scan: the keys typed up to Enter. `None` when the stream ends (the device was
    /// unplugged). The text is the caller's to overwrite once used.
    pub fn next_line(&mut self) -> io::Result<Option<String>> {
        let mut event = [0u8; EVENT_SIZE];
        loop {
            match self.input.read_exact(&mut event) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
                Err(e) => return Err(e),
            }
            let at = EVENT_SIZE - 8;
            let kind = u16::from_ne_bytes([event[at], event[at + 1]]);
            let code = u16::from_ne_bytes([event[at + 2], event[at + 3]]);
            let value =
                i32::from_ne_bytes([event[at + 4], event[at + 5], event[at + 6], event[at + 7]]);
            event.zeroize();
            if kind != EV_KEY {
                continue;
            }
            if let Some(line) = self.key(code, value) {
                return Ok(Some(line));
            }
        }
    }

    /// One key event; a finished line on Enter.
    fn key(&mut self, code: u16, value: i32) -> Option<String> {
        let down = value != 0;
        match code {
            KEY_LEFTSHIFT | KEY_RIGHTSHIFT => {
                self.shift =
                    if down { self.shift.saturating_add(1) } else { self.shift.saturating_sub(1) };
                if value == 2 {
                    self.shift = self.shift.saturating_sub(1);
                }
                return None;
            }
            KEY_LEFTALT | KEY_RIGHTALT => {
                if value == 1 {
                    self.alt = self.alt.saturating_add(1);
                } else if value == 0 {
                    self.alt = self.alt.saturating_sub(1);
                    if self.alt == 0
                        && let Some(code) = self.alt_code.take()
                        && let Some(c) = char::from_u32(code)
                    {
                        self.line.push(c);
                    }
                }
                return None;
            }
            KEY_CAPSLOCK if value == 1 => {
                self.caps = !self.caps;
                return None;
            }
            _ => {}
        }
        if value == 0 {
            return None;
        }
        if code == KEY_ENTER || code == KEY_KPENTER {
            return (!self.line.is_empty()).then(|| std::mem::take(&mut self.line));
        }
        if self.alt > 0 {
            // Alt + keypad digits spell a code point; other Alt chords type nothing.
            if let Some(d) = keypad_digit(code) {
                let so_far = self.alt_code.unwrap_or(0);
                self.alt_code = so_far.checked_mul(10).and_then(|n| n.checked_add(d));
            }
            return None;
        }
        if let Some((plain, shifted)) = us_key(code) {
            let upper = (self.shift > 0) != (self.caps && plain.is_ascii_alphabetic());
            self.line.push(if upper { shifted } else { plain });
        }
        None
    }
}

impl<R> Drop for KeyboardScanner<R> {
    fn drop(&mut self) {
        self.line.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes of one `input_event`.
    fn event(kind: u16, code: u16, value: i32) -> Vec<u8> {
        let mut e = vec![0u8; EVENT_SIZE - 8];
        e.extend(kind.to_ne_bytes());
        e.extend(code.to_ne_bytes());
        e.extend(value.to_ne_bytes());
        e
    }

    fn tap(code: u16) -> Vec<u8> {
        [event(EV_KEY, code, 1), event(0, 0, 0), event(EV_KEY, code, 0)].concat()
    }

    #[test]
    fn keys_become_text_with_shift_and_enter() -> io::Result<()> {
        let mut bytes = Vec::new();
        bytes.extend(event(EV_KEY, KEY_LEFTSHIFT, 1));
        bytes.extend(tap(49)); // N
        bytes.extend(event(EV_KEY, KEY_LEFTSHIFT, 0));
        bytes.extend(tap(30)); // a
        bytes.extend(tap(50)); // m
        bytes.extend(event(EV_KEY, KEY_LEFTSHIFT, 1));
        bytes.extend(tap(43)); // |
        bytes.extend(event(EV_KEY, KEY_LEFTSHIFT, 0));
        bytes.extend(tap(2)); // 1
        bytes.extend(tap(KEY_ENTER));
        bytes.extend(tap(KEY_ENTER)); // an empty line is no scan
        bytes.extend(tap(79)); // keypad 1
        bytes.extend(tap(KEY_KPENTER));
        let mut k = KeyboardScanner::new(bytes.as_slice());
        assert_eq!(k.next_line()?.as_deref(), Some("Nam|1"));
        assert_eq!(k.next_line()?.as_deref(), Some("1"));
        assert_eq!(k.next_line()?, None);
        Ok(())
    }

    #[test]
    fn alt_and_keypad_digits_spell_a_code_point() -> io::Result<()> {
        // "ữ" is U+1EEF = 7919: Alt down, keypad 7 9 1 9, Alt up.
        let mut bytes = tap(49);
        bytes.extend(event(EV_KEY, KEY_LEFTALT, 1));
        for code in [71, 73, 79, 73] {
            bytes.extend(tap(code));
        }
        bytes.extend(event(EV_KEY, KEY_LEFTALT, 0));
        bytes.extend(tap(KEY_ENTER));
        assert_eq!(KeyboardScanner::new(bytes.as_slice()).next_line()?.as_deref(), Some("nữ"));
        Ok(())
    }
}
