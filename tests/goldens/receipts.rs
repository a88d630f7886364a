//! Receipts and shift reports at both paper widths against the golden PNGs in
//! `tests/golden/receipts/` (1-bit, compared dot for dot; `UPDATE_GOLDEN=1` rewrites them),
//! and the QR code read back from the printed picture and verified: the link to the hub's
//! public page that a registered device prints (voluntary), and the offline form of a device
//! without a server (household).

use ansinh_receipt::{
    Bitmap, Error, Receipt, ReportLine, Scheme, ShiftReport, VoidLine, Width, mask_id,
    render_receipt, render_shift_report,
};
use ansinh_tests::golden::Tolerance;
use ansinh_wire::receipt_qr::{Fields, MAX_PAYLOAD, MAX_URL, UrlBase, payload, url, verify};

type R = Result<(), Box<dyn std::error::Error>>;

const KEY: [u8; 32] = [7; 32];

fn fields() -> Fields {
    Fields { record_id: [0x5a; 16], receipt_no: 12, amount: 924_000, device_id: 3 }
}

/// The code a device registered with `https://hub.example.vn` prints (PROTOCOL.md's golden).
fn link() -> Result<String, Box<dyn std::error::Error>> {
    let base = UrlBase::from_server_url("https://hub.example.vn").ok_or("base")?;
    Ok(url(&base, &fields(), &KEY)?)
}

fn voluntary<'a>(qr: &'a str, id: &'a str) -> Receipt<'a> {
    Receipt {
        collection_point: "Bưu điện văn hóa xã Thanh Trì, Hà Nội",
        agent_code: "DL-0001",
        date_time: "22/11/2026 10:05",
        receipt_no: 12,
        masked_name: "NGUYỄN T** H*** N****",
        masked_id: id,
        scheme: Scheme::Voluntary,
        period_from: "12/2026",
        period_to: "02/2027",
        months: 3,
        gross: 1_320_000,
        support_national: 396_000,
        support_local: 0,
        amount: 924_000,
        policy_version: "VN-2026-11-22",
        estimate: false,
        acknowledged: false,
        copy: false,
        qr,
    }
}

fn golden_path(name: &str) -> String {
    format!("receipts/{name}.png")
}

fn read_golden(name: &str) -> Result<Bitmap, Box<dyn std::error::Error>> {
    let path = ansinh_tests::golden::path(&golden_path(name));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path)?));
    let mut reader = decoder.read_info()?;
    let mut buf = vec![0; reader.output_buffer_size().ok_or("size")?];
    let info = reader.next_frame(&mut buf)?;
    // PNG's 1-bit grey has 1 = white; the printer's rows have 1 = black.
    let rows: Vec<u8> = buf[..info.buffer_size()].iter().map(|b| !b).collect();
    Ok(Bitmap::from_rows(info.width, info.height, rows).ok_or("golden size")?)
}

/// Dot for dot: a receipt has no anti-aliasing, any changed dot is a change.
fn golden(name: &str, picture: &Bitmap) -> R {
    Ok(ansinh_tests::golden::check_png(&golden_path(name), &picture.to_png()?, Tolerance::EXACT)?)
}

/// Reads the QR code back from the picture, as a phone camera would.
fn scan(picture: &Bitmap) -> Result<String, Box<dyn std::error::Error>> {
    let (w, h) = (picture.width() as usize, picture.height() as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        let at = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        if picture.get(at(x), at(y)) { 0 } else { 255 }
    });
    let grids = img.detect_grids();
    let grid = grids.first().ok_or("no QR code found")?;
    let (_, content) = grid.decode()?;
    Ok(content)
}

#[test]
fn voluntary_receipts_in_both_widths() -> R {
    let qr = link()?;
    assert_eq!(
        qr,
        "HTTPS://HUB.EXAMPLE.VN/R/2/5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A/12/924000/3/2D8C8ABC8296132B7341"
    );
    let id = mask_id("001179012345");
    assert_eq!(id.as_str(), "********2345");
    for (width, name) in [(Width::Mm58, "voluntary-58mm"), (Width::Mm80, "voluntary-80mm")] {
        let picture = render_receipt(&voluntary(&qr, &id), width)?;
        assert_eq!(picture.width(), width.dots());
        golden(name, &picture)?;
        let scanned = scan(&picture)?;
        assert_eq!(scanned, qr.as_str(), "the printed code holds the link");
        assert_eq!(verify(&scanned, &KEY)?, fields());
    }
    Ok(())
}

#[test]
fn household_receipt_and_a_reprint() -> R {
    let f = Fields { record_id: [0xa1; 16], receipt_no: 13, amount: 2_458_080, device_id: 3 };
    let qr = payload(&f, &KEY)?;
    let id = mask_id("038185000123");
    let household = Receipt {
        scheme: Scheme::Household,
        masked_name: "HOÀNG T** Đ** (chủ hộ, 3 người)",
        receipt_no: 13,
        period_from: "01/2027",
        period_to: "12/2027",
        months: 12,
        gross: 2_458_080,
        support_national: 0,
        amount: 2_458_080,
        ..voluntary(&qr, &id)
    };
    golden("household-58mm", &render_receipt(&household, Width::Mm58)?)?;
    let copy = Receipt { copy: true, acknowledged: true, ..household };
    let picture = render_receipt(&copy, Width::Mm80)?;
    golden("household-copy-80mm", &picture)?;
    let scanned = scan(&picture)?;
    assert!(scanned.starts_with("ANSINH1:"), "a device without a server: {scanned}");
    assert_eq!(verify(&scanned, &KEY)?, f);
    Ok(())
}

#[test]
fn a_shift_report() -> R {
    let report = ShiftReport {
        collection_point: "Bưu điện văn hóa xã Thanh Trì",
        agent_code: "DL-0001",
        from: "22/11/2026 07:00",
        until: "22/11/2026 17:30",
        by_scheme: &[
            ReportLine { label: "BHXH tự nguyện", count: 2, amount: 1_254_000 },
            ReportLine { label: "BHYT hộ gia đình", count: 1, amount: 2_458_080 },
        ],
        by_mode: &[
            ReportLine { label: "3 tháng", count: 1, amount: 924_000 },
            ReportLine { label: "hằng tháng", count: 1, amount: 330_000 },
            ReportLine { label: "12 tháng (BHYT)", count: 1, amount: 2_458_080 },
        ],
        by_payment: &[ReportLine { label: "Tiền mặt", count: 3, amount: 3_712_080 }],
        collected: ReportLine { label: "", count: 3, amount: 3_712_080 },
        voids: &[VoidLine {
            receipt_no: 11, amount: 330_000, reason: "Ghi nhầm mức thu nhập"
        }],
        cash_to_hand_in: 3_382_080,
        cash_paid_out: 0,
        unsent: 2,
        reconciled: true,
    };
    golden("shift-report-58mm", &render_shift_report(&report, Width::Mm58))?;
    let mismatch = ShiftReport { reconciled: false, ..report };
    golden("shift-report-mismatch-80mm", &render_shift_report(&mismatch, Width::Mm80))?;
    Ok(())
}

#[test]
fn the_longest_payload_the_protocol_allows_is_drawn_and_no_longer() -> R {
    let id = mask_id("001179012345");
    // Letters and `:` as in a real payload (QR alphanumeric mode), not denser digits only.
    let longest: String = "ANSINH1:5A".chars().cycle().take(MAX_PAYLOAD).collect();
    let picture = render_receipt(&voluntary(&longest, &id), Width::Mm58)?;
    assert_eq!(scan(&picture)?, longest);
    // The longest link: a 48-character base and every number at its largest.
    let base = UrlBase::from_server_url(&format!("https://{}", "H".repeat(40))).ok_or("base")?;
    let most = Fields {
        record_id: [0xff; 16],
        receipt_no: u64::MAX,
        amount: u64::MAX,
        device_id: u64::MAX,
    };
    let longest_url = url(&base, &most, &KEY)?;
    assert_eq!(longest_url.len(), MAX_URL);
    let picture = render_receipt(&voluntary(&longest_url, &id), Width::Mm58)?;
    assert_eq!(scan(&picture)?, longest_url);
    let longer = longest_url.repeat(2);
    assert_eq!(render_receipt(&voluntary(&longer, &id), Width::Mm58).err(), Some(Error::TooLong));
    Ok(())
}

/// The sizes PROTOCOL.md states: at 5 dots a module and a quiet zone of 4 modules a side,
/// every code the protocol allows fits 58 mm paper.
#[test]
fn qr_versions_as_documented() -> R {
    let modules = |text: &str| ansinh_receipt::qr::Symbol::new(text).map(|s| s.modules());
    let version = |m: u32| (m - 17) / 4;
    let link = link()?;
    assert_eq!((link.len(), version(modules(&link)?)), (92, 5));
    let offline = payload(&fields(), &KEY)?;
    assert_eq!((offline.len(), version(modules(&offline)?)), (73, 4));
    let base = UrlBase::from_server_url(&format!("https://{}", "H".repeat(40))).ok_or("base")?;
    let most = Fields {
        record_id: [0xff; 16],
        receipt_no: u64::MAX,
        amount: u64::MAX,
        device_id: u64::MAX,
    };
    let longest = modules(&url(&base, &most, &KEY)?)?;
    assert_eq!(version(longest), 7);
    assert!((longest + 2 * 4) * 5 <= Width::Mm58.dots(), "{longest} modules");
    Ok(())
}

#[test]
fn every_vietnamese_letter_has_a_glyph_in_every_face() {
    for face in
        [&ansinh_receipt::font::BODY, &ansinh_receipt::font::BOLD, &ansinh_receipt::font::LARGE]
    {
        for c in ansinh_fonts::VIETNAMESE_REPERTOIRE.chars() {
            assert!(face.has(c), "no glyph for {c:?}");
        }
    }
}

#[test]
fn the_printer_prints_the_golden() -> R {
    // The receipt sent through ESC/POS to the loopback test printer, which reads the byte
    // stream back into a picture: dot for dot the golden.
    let qr = link()?;
    let id = mask_id("001179012345");
    let picture = render_receipt(&voluntary(&qr, &id), Width::Mm58)?;
    let printer = ansinh_escpos::fake::FakePrinter::start(ansinh_escpos::fake::State::Ready)?;
    {
        let mut p = ansinh_escpos::Printer::open(&printer.address())?;
        p.print(picture.as_bytes(), picture.width_bytes(), picture.height())?;
    }
    let mut printed = printer.printed();
    for _ in 0..200 {
        if !printed.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        printed = printer.printed();
    }
    let [page] = printed.as_slice() else {
        return Err(format!("{} pictures", printed.len()).into());
    };
    let back =
        Bitmap::from_rows(u32::try_from(page.width_bytes * 8)?, page.height, page.rows.clone())
            .ok_or("printed size")?;
    assert!(page.cut);
    assert!(back == read_golden("voluntary-58mm")?, "the printed receipt is the golden");
    Ok(())
}
