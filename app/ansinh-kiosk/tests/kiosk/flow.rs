//! A whole citizen flow through the real screens, driven like a person would with Slint's
//! testing backend (no window system): a quote, the enrollment wizard typed on the on-screen
//! Telex keyboard, the submit into the device's real outbox, then the idle reset. Afterwards
//! the outbox holds the record, and no screen holds the person's data.
//!
//! The fixture's voluntary enrollment from the home screen to the printed receipt, twice:
//! typed on the on-screen keyboard, and with the ID card's QR code scanned; each counts its
//! taps (BENCHMARKS.md, "Taps at the counter").

#![allow(elided_lifetimes_in_paths)] // the generated globals carry a lifetime nobody names

use std::rc::Rc;

use ansinh_device::DataDir;
use ansinh_device::clock::FakeClock;
use ansinh_escpos::fake::{FakePrinter, State as PrinterState};
use ansinh_kiosk::app::{App, Options};
use ansinh_kiosk::print::PrinterConfig;
use ansinh_kiosk::store::{DeviceStore, Settings};
use ansinh_kiosk::ui::{Kiosk, connect};
use ansinh_receipt::Width;
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;

thread_local! {
    /// Taps made by [`press`] on this thread's kiosk (each key of the on-screen keyboard is one).
    static TAPS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

fn press(k: &Kiosk, label: &str) {
    TAPS.with(|t| t.set(t.get() + 1));
    let found: Vec<_> = ElementHandle::find_by_accessible_label(&k.window, label).collect();
    assert!(
        !found.is_empty(),
        "nothing labelled {label:?} on the screen; there is {:?}",
        all_texts(k)
    );
    use i_slint_backend_testing::AccessibleRole as R;
    let target = found
        .iter()
        .find(|e| matches!(e.accessible_role(), Some(R::Button | R::TextInput)))
        .unwrap_or(&found[0]);
    target.invoke_accessible_default_action();
}

/// Types on the on-screen keyboard, key by key.
fn type_keys(k: &Kiosk, keys: &str) {
    for c in keys.chars() {
        match c {
            ' ' => press(k, "Dấu cách"),
            c => press(k, &c.to_string()),
        }
    }
}

fn all_texts(k: &Kiosk) -> Vec<String> {
    let mut out = Vec::new();
    for e in
        i_slint_backend_testing::ElementQuery::from_root(&k.window).match_descendants().find_all()
    {
        out.extend(e.accessible_label().map(|s| s.to_string()));
        out.extend(e.accessible_value().map(|s| s.to_string()));
    }
    out
}

#[test]
fn quote_enroll_submit_then_idle_reset_leaves_nothing_on_screen() -> anyhow::Result<()> {
    i_slint_backend_testing::init_no_event_loop();
    let tmp = tempfile::tempdir()?;
    let today = "2026-11-22".parse().map_err(|_| anyhow::anyhow!("date"))?;
    let clock = Rc::new(FakeClock::at(today));
    let settings = Settings {
        collection_point: "Bưu điện xã Thanh Trì".into(),
        agent_code: "DL-0001".into(),
        ..Settings::default()
    };
    let store = DeviceStore::open(DataDir::open(tmp.path())?, settings)?;
    let printer = FakePrinter::start(PrinterState::Ready)?;
    let options = Options {
        pin_params: argon2::Params::new(256, 1, 1, None).unwrap_or_default(),
        printer: Some(PrinterConfig { address: printer.address(), width: Width::Mm58 }),
        ..Options::default()
    };
    let k = connect(App::new(Box::new(store), clock.clone(), options))?;
    // Tall enough that no control is scrolled out of view (the search only sees what is shown).
    k.window.window().set_size(slint::LogicalSize::new(1280.0, 3000.0));

    // The quote: near-poor, every 3 months, 100,000 above the floor.
    press(&k, "Tôi phải đóng bao nhiêu?");
    press(&k, "Hộ cận nghèo");
    press(&k, "3 tháng một lần");
    press(&k, "Tăng 100.000 đ");
    assert_eq!(k.window.global::<ansinh_ui::QuoteAdapter>().get_income(), "1.600.000 đ");
    assert!(!k.window.global::<ansinh_ui::QuoteAdapter>().get_net().is_empty());
    // No server key yet and no demonstration: the quote works, the wizard does not start, and
    // staff are told why on the screen.
    press(&k, "Đăng ký với mức này");
    let app = k.window.global::<ansinh_ui::AppAdapter>();
    assert_eq!(app.get_page(), ansinh_ui::Page::Quote);
    assert!(
        app.get_device_note().contains("chưa có khóa của máy chủ thu"),
        "{}",
        app.get_device_note()
    );
    // Registered (here: the server's key installed by hand), the same button opens the wizard.
    let server = ansinh_wire::OpeningKey::generate();
    DataDir::open(tmp.path())?.provision_sealing_key(&server.sealing_key())?;
    press(&k, "Đăng ký với mức này");
    assert_eq!(app.get_page(), ansinh_ui::Page::Enroll);

    // Step 1: name (Telex), sex, birth date.
    press(&k, "Họ và tên (như trên căn cước)");
    type_keys(&k, "nguyeenx thij hoongf nhung");
    press(&k, "Nữ");
    press(&k, "Ngày sinh (ngày/tháng/năm, hoặc chỉ năm)");
    type_keys(&k, "15/03/1979");
    press(&k, "Tiếp");
    // Step 2: ID and ethnicity (picker with search).
    press(&k, "Số định danh cá nhân (12 số trên căn cước)");
    type_keys(&k, "001179012345");
    press(&k, "Dân tộc");
    type_keys(&k, "kinh");
    press(&k, "Kinh");
    press(&k, "Tiếp");
    // Step 3: address: province and commune pickers with diacritic-free search.
    press(&k, "Tỉnh, thành phố");
    type_keys(&k, "ha noi");
    press(&k, "Hà Nội");
    press(&k, "Xã, phường");
    type_keys(&k, "ha dong");
    press(&k, "Phường Hà Đông");
    press(&k, "Số nhà, đường, thôn, xóm");
    type_keys(&k, "soos 12");
    press(&k, "Tiếp");
    // Step 4: birth registration (the province came from the ID number).
    press(&k, "Tiếp");
    // Step 5: payment, pre-filled from the quote; the certificate for near-poor support.
    press(&k, "Số giấy chứng nhận hộ nghèo, cận nghèo");
    type_keys(&k, "cn 2026");
    press(&k, "12/2026");
    press(&k, "Tiếp");
    // Step 6: consent, an explicit yes.
    press(&k, "Tiếp");
    assert!(
        !k.window.global::<ansinh_ui::EnrollAdapter>().get_banner().is_empty(),
        "no consent, no next step"
    );
    press(&k, "Tôi đồng ý");
    press(&k, "Tiếp");
    // Step 7: review, then the durable commit.
    assert_eq!(k.window.global::<ansinh_ui::EnrollAdapter>().get_kind(), "review");
    let review = all_texts(&k);
    assert!(review.iter().any(|t| t == "nguyễn thị hồng nhung"), "{review:?}");
    press(&k, "Nộp hồ sơ");
    let done = k.window.global::<ansinh_ui::DoneAdapter>();
    assert_eq!(done.get_receipt(), "1");

    // The outbox holds the record, sealed, queued.
    let (outbox, _) = DataDir::open(tmp.path())?.outbox()?;
    let rows = outbox.list(None)?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, ansinh_outbox::State::Queued);
    assert_eq!(rows[0].summary.masked_name, "NGUYỄN T** H*** N****");
    assert_eq!(rows[0].summary.scheme, "voluntary-si");

    // The receipt prints after the commit, off the UI thread, and is the record's receipt.
    assert!(
        done.get_print_status().starts_with("Đang in biên lai 1"),
        "{}",
        done.get_print_status()
    );
    let started = std::time::Instant::now();
    while printer.printed().is_empty() || done.get_print_status().starts_with("Đang in") {
        anyhow::ensure!(started.elapsed().as_secs() < 20, "the receipt never printed");
        std::thread::sleep(std::time::Duration::from_millis(20));
        k.tick();
    }
    assert_eq!(done.get_print_status(), "Đã in biên lai.");
    let (expected, _) = ansinh_device::receipt::draw_receipt(
        &DataDir::open(tmp.path())?,
        &outbox,
        1,
        false,
        Width::Mm58,
    )?;
    let printed = printer.printed();
    assert_eq!(printed.len(), 1);
    assert!(printed[0].rows == expected.as_bytes() && printed[0].cut, "the original, as drawn");

    // The person walks away: warning at 75 s, reset at 90 s.
    clock.advance(76);
    k.tick();
    assert!(k.window.global::<ansinh_ui::AppAdapter>().get_idle_left() > 0);
    clock.advance(15);
    k.tick();
    assert_eq!(k.window.global::<ansinh_ui::AppAdapter>().get_page(), ansinh_ui::Page::Home);

    // No screen holds personal data: visit every page and read every text and value on it.
    let secrets = [
        "nguyễn",
        "Nguyễn",
        "NGUYỄN",
        "001179012345",
        "Hà Đông",
        "CN 2026",
        "cn 2026",
        "15/03/1979",
        "1.600.000",
        "Số 12",
    ];
    let pages = [
        ansinh_ui::Page::Home,
        ansinh_ui::Page::Quote,
        ansinh_ui::Page::Pension,
        ansinh_ui::Page::Scenarios,
        ansinh_ui::Page::Household,
        ansinh_ui::Page::Benefits,
        ansinh_ui::Page::Enroll,
        ansinh_ui::Page::Done,
    ];
    for page in pages {
        k.window.global::<ansinh_ui::AppAdapter>().set_page(page);
        for text in all_texts(&k) {
            for s in secrets {
                assert!(!text.contains(s), "{page:?} still shows {s:?} in {text:?}");
            }
        }
    }
    let e = k.window.global::<ansinh_ui::EnrollAdapter>();
    assert!(!e.get_started());
    assert_eq!(slint::Model::row_count(&e.get_fields()), 0);
    assert!(k.window.global::<ansinh_ui::DoneAdapter>().get_receipt().is_empty());
    // ... while the record stays in the outbox.
    assert_eq!(outbox.list(None)?.len(), 1);
    Ok(())
}

/// A registered kiosk on the home screen, with a receipt printer, at a collection point
/// where most people are Kinh (the staff setting that chooses it in advance).
fn kiosk_at_home(
    tmp: &tempfile::TempDir,
) -> anyhow::Result<(Rc<Kiosk>, FakePrinter, std::sync::mpsc::Sender<ansinh_idcard::readers::Event>)>
{
    i_slint_backend_testing::init_no_event_loop();
    let today = "2026-11-22".parse().map_err(|_| anyhow::anyhow!("date"))?;
    let settings = Settings {
        collection_point: "Bưu điện xã Thanh Trì".into(),
        agent_code: "DL-0001".into(),
        usual_ethnicity: "Kinh".into(),
        ..Settings::default()
    };
    let dir = DataDir::open(tmp.path())?;
    dir.provision_sealing_key(&ansinh_wire::OpeningKey::generate().sealing_key())?;
    let store = DeviceStore::open(dir, settings)?;
    let printer = FakePrinter::start(PrinterState::Ready)?;
    let options = Options {
        pin_params: argon2::Params::new(256, 1, 1, None).unwrap_or_default(),
        printer: Some(PrinterConfig { address: printer.address(), width: Width::Mm58 }),
        ..Options::default()
    };
    let mut app = App::new(Box::new(store), Rc::new(FakeClock::at(today)), options);
    let (scanner, scans) = std::sync::mpsc::channel();
    app.attach_scanner(scans);
    let k = connect(app)?;
    k.window.window().set_size(slint::LogicalSize::new(1280.0, 3000.0));
    TAPS.with(|t| t.set(0));
    Ok((k, printer, scanner))
}

/// From the payment step to the printed receipt: the fixture's payment (2,000,000 a month,
/// one of the amounts offered with one tap, every 3 months, near-poor with its certificate,
/// from 12/2026), consent, review, submit. Checks the record committed and printed.
fn pay_consent_submit(
    k: &Kiosk,
    printer: &FakePrinter,
    tmp: &tempfile::TempDir,
) -> anyhow::Result<()> {
    press(k, "2.000.000 đ");
    press(k, "3 tháng một lần");
    press(k, "Hộ cận nghèo");
    press(k, "Số giấy chứng nhận hộ nghèo, cận nghèo");
    type_keys(k, "cn 2026 0456");
    press(k, "12/2026");
    press(k, "Tiếp");
    press(k, "Tôi đồng ý");
    press(k, "Tiếp");
    let review = all_texts(k);
    assert!(review.iter().any(|t| t == "Kinh"), "the ethnicity chosen in advance, on the review");
    assert_eq!(k.window.global::<ansinh_ui::EnrollAdapter>().get_amount(), "330.000 đ");
    press(k, "Nộp hồ sơ");
    let done = k.window.global::<ansinh_ui::DoneAdapter>();
    assert_eq!(done.get_receipt(), "1");
    let started = std::time::Instant::now();
    while printer.printed().is_empty() || done.get_print_status().starts_with("Đang in") {
        anyhow::ensure!(started.elapsed().as_secs() < 20, "the receipt never printed");
        std::thread::sleep(std::time::Duration::from_millis(20));
        k.tick();
    }
    assert_eq!(done.get_print_status(), "Đã in biên lai.");
    let (outbox, _) = DataDir::open(tmp.path())?.outbox()?;
    let rows = outbox.list(None)?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].summary.masked_name, "NGUYỄN T** H*** N****");
    assert_eq!(rows[0].summary.amount, 330_000);
    Ok(())
}

#[test]
fn the_fixture_enrollment_typed_from_home_to_receipt_counts_its_taps() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let (k, printer, _scanner) = kiosk_at_home(&tmp)?;
    press(&k, "Đăng ký tham gia");
    press(&k, "BHXH tự nguyện (có lương hưu)");
    press(&k, "Họ và tên (như trên căn cước)");
    type_keys(&k, "nguyeenx thij hoongf nhung");
    press(&k, "Nữ");
    press(&k, "Ngày sinh (ngày/tháng/năm, hoặc chỉ năm)");
    type_keys(&k, "15/03/1979");
    press(&k, "Tiếp");
    press(&k, "Số định danh cá nhân (12 số trên căn cước)");
    type_keys(&k, "001179012345");
    // The ethnicity is chosen in advance (the collection point's usual one): staff ask.
    press(&k, "Tiếp");
    press(&k, "Tỉnh, thành phố");
    type_keys(&k, "ha noi");
    press(&k, "Hà Nội");
    press(&k, "Xã, phường");
    type_keys(&k, "ha dong");
    press(&k, "Phường Hà Đông");
    press(&k, "Số nhà, đường, thôn, xóm");
    type_keys(&k, "soos 12 ngox 34 phoos quang trung");
    press(&k, "Tiếp");
    press(&k, "Tiếp");
    pay_consent_submit(&k, &printer, &tmp)?;
    let taps = TAPS.with(std::cell::Cell::get);
    // Recorded in BENCHMARKS.md; a change in the wizard that costs taps shows here.
    assert_eq!(taps, TYPED_TAPS, "taps from home to the printed receipt, typed");
    Ok(())
}

#[test]
fn the_fixture_enrollment_with_the_card_scanned_counts_its_taps() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let (k, printer, scanner) = kiosk_at_home(&tmp)?;
    // The card's QR code, read by the serial scanner's thread, reaches the kiosk at its tick:
    // the wizard opens on its first step, filled in, each field marked for staff to check.
    scanner.send(ansinh_idcard::readers::Event::Scan {
        source: ansinh_idcard::Source::Serial,
        text: CARD.into(),
    })?;
    k.tick();
    let e = k.window.global::<ansinh_ui::EnrollAdapter>();
    assert_eq!(k.window.global::<ansinh_ui::AppAdapter>().get_page(), ansinh_ui::Page::Enroll);
    assert_eq!(e.get_step(), 0);
    let notes: Vec<_> = slint::Model::iter(&e.get_field_notes()).collect();
    assert_eq!(notes, ["Từ thẻ — kiểm tra lại"; 3]);
    assert!(e.get_card_note().contains("không có chữ ký"), "{}", e.get_card_note());
    let shown = all_texts(&k);
    for value in ["NGUYỄN THỊ HỒNG NHUNG", "15/03/1979"] {
        assert!(shown.iter().any(|t| t == value), "{value} not in {shown:?}");
    }
    press(&k, "Tiếp");
    // The card has no ethnicity: the collection point's usual one is chosen, marked for staff
    // to ask.
    let notes: Vec<_> = slint::Model::iter(&e.get_field_notes()).collect();
    assert_eq!(notes[1], "Chọn sẵn (dân tộc thường gặp ở điểm thu này): hỏi lại người dân");
    press(&k, "Tiếp");
    // The address: the card's old ward and district placed on today's map.
    let shown = all_texts(&k);
    for value in ["Hà Nội", "Phường Hà Đông", "Số 12, ngõ 34, phố Quang Trung"] {
        assert!(shown.iter().any(|t| t == value), "{value} not in {shown:?}");
    }
    press(&k, "Tiếp");
    press(&k, "Tiếp");
    pay_consent_submit(&k, &printer, &tmp)?;
    let taps = TAPS.with(std::cell::Cell::get);
    assert_eq!(taps, SCANNED_TAPS, "taps from home to the printed receipt, card scanned");
    Ok(())
}

/// The fixture person's card (tests/fixtures/enrollment.json), its address before the reform.
const CARD: &str = "001179012345|012345678|NGUYỄN THỊ HỒNG NHUNG|15031979|Nữ|Số 12, ngõ 34, phố Quang Trung, Phường Hà Cầu, Quận Hà Đông, Thành phố Hà Nội|15042021";

/// Taps counted by the two tests above (BENCHMARKS.md).
const TYPED_TAPS: u32 = 130;
const SCANNED_TAPS: u32 = 25;
