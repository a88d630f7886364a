//! Printing over loopback to the fake printer: the picture comes back dot for dot; a printer
//! out of paper or silent gives its error and prints nothing.

use ansinh_escpos::fake::{FakePrinter, State};
use ansinh_escpos::{Error, Printer, Status};

type R = Result<(), Box<dyn std::error::Error>>;

/// A 384-dot picture with a pattern that also holds bytes looking like commands.
fn picture(height: u32) -> Vec<u8> {
    (0..48 * height as usize).map(|i| u8::try_from((i * 37 + i / 48) % 256).unwrap_or(0)).collect()
}

fn wait_for_pictures(printer: &FakePrinter, n: usize) -> Vec<ansinh_escpos::fake::Printed> {
    for _ in 0..200 {
        let p = printer.printed();
        if p.len() >= n {
            return p;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    printer.printed()
}

#[test]
fn a_picture_prints_dot_for_dot() -> R {
    let fake = FakePrinter::start(State::Ready)?;
    let rows = picture(300);
    {
        let mut p = Printer::open(&fake.address())?;
        assert_eq!(p.print(&rows, 48, 300)?, Status::Ready);
    }
    let printed = wait_for_pictures(&fake, 1);
    assert_eq!(printed.len(), 1);
    assert_eq!((printed[0].width_bytes, printed[0].height), (48, 300));
    assert!(printed[0].rows == rows, "every dot arrives as sent");
    assert!(printed[0].cut, "and the paper is cut");
    Ok(())
}

#[test]
fn out_of_paper_or_offline_prints_nothing() -> R {
    for (state, want) in [(State::PaperOut, "hết giấy"), (State::Offline, "tạm ngưng")] {
        let fake = FakePrinter::start(state)?;
        {
            let mut p = Printer::open(&fake.address())?;
            let err = p.print(&picture(10), 48, 10).err().ok_or("printed anyway")?;
            assert!(err.message_vi().contains(want), "{err}: {}", err.message_vi());
            assert!(err.is_retryable());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(fake.printed().is_empty());
    }
    Ok(())
}

#[test]
fn a_silent_printer_times_out() -> R {
    let fake = FakePrinter::start(State::Silent)?;
    let mut p = Printer::open(&fake.address())?;
    assert!(matches!(p.print(&picture(2), 48, 2), Err(Error::NoAnswer)));
    Ok(())
}

#[test]
fn a_device_file_gets_the_stream_without_a_status() -> R {
    let dir = std::env::temp_dir().join(format!("ansinh-escpos-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("lp0");
    std::fs::write(&path, b"")?;
    let rows = picture(70);
    let mut p = Printer::open(&format!("file://{}", path.display()))?;
    assert_eq!(p.print(&rows, 48, 70)?, Status::Unknown);
    let printed = ansinh_escpos::fake::parse(&std::fs::read(&path)?);
    assert_eq!(printed.len(), 1);
    assert!(printed[0].rows == rows && printed[0].height == 70);
    assert!(matches!(Printer::open("lpt1"), Err(Error::Address(_))));
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
