//! A printer out of paper at the counter: the record stays committed and queued, staff read
//! what to do, and a reprint from staff mode on a working printer prints the receipt marked as
//! a copy. The printer's state each print shows is kept for the device's health report.

use std::rc::Rc;
use std::time::{Duration, Instant};

use ansinh_device::DataDir;
use ansinh_device::clock::FakeClock;
use ansinh_device::enroll::Duplicates;
use ansinh_enrollment::json::EnrollmentJson;
use ansinh_escpos::fake::{FakePrinter, State};
use ansinh_kiosk::app::{App, Options};
use ansinh_kiosk::print::PrinterConfig;
use ansinh_kiosk::store::{DeviceStore, Settings};
use ansinh_receipt::Width;

/// The printer's state as the health report will read it from the data directory.
fn noted(dir: &std::path::Path) -> anyhow::Result<ansinh_wire::health::PrinterState> {
    let (outbox, _) = DataDir::open(dir)?.outbox()?;
    Ok(ansinh_device::health::printer(&outbox)?)
}

fn app_with(dir: &std::path::Path, printer: &FakePrinter) -> anyhow::Result<App> {
    let today = "2026-11-22".parse().map_err(|_| anyhow::anyhow!("date"))?;
    let clock = Rc::new(FakeClock::at(today));
    let settings =
        Settings { collection_point: "Bưu điện xã Thanh Trì".into(), ..Settings::default() };
    let store = DeviceStore::open(DataDir::open(dir)?, settings)?;
    let options = Options {
        pin_params: argon2::Params::new(256, 1, 1, None).unwrap_or_default(),
        printer: Some(PrinterConfig { address: printer.address(), width: Width::Mm80 }),
        ..Options::default()
    };
    Ok(App::new(Box::new(store), clock, options))
}

fn wait(app: &mut App) -> anyhow::Result<()> {
    let start = Instant::now();
    while app.printing.status().starts_with("Đang in") {
        anyhow::ensure!(start.elapsed() < Duration::from_secs(20), "the print never ended");
        std::thread::sleep(Duration::from_millis(20));
        app.tick();
    }
    Ok(())
}

#[test]
fn paper_out_keeps_the_record_and_staff_reprint_a_copy() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let empty = FakePrinter::start(State::PaperOut)?;
    let mut app = app_with(tmp.path(), &empty)?;
    let today = app.today();
    let json = ansinh_tests::fixtures::text("enrollment.json")?;
    let e = EnrollmentJson::parse(&json)?
        .validate(&app.table, today)
        .map_err(|p| anyhow::anyhow!("{p:?}"))?;
    let table = app.table.clone();
    let now = app.now();
    let c = app
        .store
        .submit(&e, &table, today, now, Duplicates::Refuse)
        .map_err(|e| anyhow::anyhow!(e.message))?;

    app.start_print(c.receipt_no, false);
    wait(&mut app)?;
    // Staff read the printer's reason; the citizen reads what to do, in plain words.
    let staff = app.printing.staff_status();
    assert!(staff.contains("Máy in hết giấy") && staff.contains("Hồ sơ vẫn được lưu"), "{staff}");
    assert_eq!(
        app.printing.status(),
        format!(
            "Chưa in được biên lai. Hồ sơ của bạn đã được lưu: hãy ghi lại số biên nhận {} và xin nhân viên in biên lai giấy cho bạn.",
            c.receipt_no
        )
    );
    assert!(empty.printed().is_empty());
    assert_eq!(noted(tmp.path())?, ansinh_wire::health::PrinterState::OutOfPaper);
    assert_eq!(
        app.store.queue(now).map(|q| q.stats.queued).unwrap_or(0),
        1,
        "still committed, queued"
    );

    // New paper (here: the working printer); staff reprint from the shift's list.
    let working = FakePrinter::start(State::Ready)?;
    let mut app = app_with(tmp.path(), &working)?;
    let report = app.store.shift_report("", 0, now + 1).map_err(|e| anyhow::anyhow!(e.message))?;
    assert_eq!((report.collected.count, report.lines.len()), (1, 1));
    assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
    app.reprint(&report.lines[0].receipt_no.to_string());
    wait(&mut app)?;
    assert_eq!(app.printing.status(), "Đã in biên lai.");
    assert_eq!(noted(tmp.path())?, ansinh_wire::health::PrinterState::Ready);
    let copy = app
        .store
        .receipt_picture(c.receipt_no, true, Width::Mm80)
        .map_err(|e| anyhow::anyhow!(e.message))?;
    let original = app
        .store
        .receipt_picture(c.receipt_no, false, Width::Mm80)
        .map_err(|e| anyhow::anyhow!(e.message))?;
    let start = Instant::now();
    while working.printed().is_empty() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let printed = working.printed();
    assert_eq!(printed.len(), 1);
    assert!(printed[0].rows == copy.as_bytes(), "the reprint is the copy");
    assert!(copy != original, "and a copy is marked");
    Ok(())
}

/// A counter with no printer: the citizen reads what to do next in plain words (the receipt
/// number to note, the paper receipt to ask for), never the configuration's words; staff read
/// those on their screen.
#[test]
fn without_a_printer_the_citizen_is_told_what_to_do_and_staff_why() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let today = "2026-11-22".parse().map_err(|_| anyhow::anyhow!("date"))?;
    let store = DeviceStore::open(DataDir::open(tmp.path())?, Settings::default())?;
    let options = Options {
        pin_params: argon2::Params::new(256, 1, 1, None).unwrap_or_default(),
        printer: None,
        ..Options::default()
    };
    let mut app = App::new(Box::new(store), Rc::new(FakeClock::at(today)), options);
    let json = ansinh_tests::fixtures::text("enrollment.json")?;
    let e = EnrollmentJson::parse(&json)?
        .validate(&app.table, today)
        .map_err(|p| anyhow::anyhow!("{p:?}"))?;
    let (table, now) = (app.table.clone(), app.now());
    let c = app
        .store
        .submit(&e, &table, today, now, Duplicates::Refuse)
        .map_err(|e| anyhow::anyhow!(e.message))?;
    app.start_print(c.receipt_no, false);
    let citizen = app.printing.status().to_string();
    assert_eq!(
        citizen,
        format!(
            "Máy này không in biên lai giấy. Hồ sơ của bạn đã được lưu: hãy ghi lại số biên nhận {} và xin nhân viên biên lai giấy.",
            c.receipt_no
        )
    );
    for technical in ["printer", "cấu hình", "máy in"] {
        assert!(!citizen.contains(technical), "{citizen}");
    }
    let staff = app.printing.staff_status();
    assert!(staff.contains("khai báo printer trong tệp cấu hình"), "{staff}");
    Ok(())
}
