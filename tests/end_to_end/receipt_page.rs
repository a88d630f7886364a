//! The public receipt page (issue "Trust" 14): a citizen scans the QR code printed on a
//! receipt and the phone opens the hub's page, which says whether the payment has arrived.
//! Through the router (received, not yet, forged, altered, unknown device, the rate limit),
//! and in headless Chromium at a phone's size from the code read off a printed receipt.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use ansinh_device::DataDir;
use ansinh_hub::{AppState, RateLimiter, ReceiptPage};
use ansinh_receipt::{Bitmap, Width};
use ansinh_wire::receipt_qr::{Fields, UrlBase, payload, url};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode};
use tower::ServiceExt;

use crate::support::*;

/// An answer of the router.
struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

/// `GET path` through the router, from the client at `from` (as the socket gives it), with an
/// `X-Forwarded-For` header if given.
fn call(
    rt: &tokio::runtime::Runtime,
    state: &AppState,
    path: &str,
    from: [u8; 4],
    forwarded: Option<&str>,
) -> Res<Page> {
    let mut request = Request::get(path);
    if let Some(f) = forwarded {
        request = request.header("x-forwarded-for", f);
    }
    let mut request = request.body(Body::empty())?;
    request.extensions_mut().insert(ConnectInfo(SocketAddr::new(IpAddr::from(from), 40000)));
    let app = ansinh_hub::app(state.clone());
    rt.block_on(async {
        let response = app.oneshot(request).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20).await?;
        Ok(Page { status, headers, body: String::from_utf8(body.to_vec())? })
    })
}

/// Reads the QR code off a printed picture, as a phone camera would.
fn scan(picture: &Bitmap) -> Res<String> {
    let (w, h) = (picture.width() as usize, picture.height() as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        let at = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        if picture.get(at(x), at(y)) { 0 } else { 255 }
    });
    let grids = img.detect_grids();
    let grid = grids.first().ok_or("no QR code found")?;
    Ok(grid.decode()?.1)
}

/// The code on the 58 mm receipt `no` of `dir`, read off the printed picture.
fn printed_code(dir: &DataDir, no: i64) -> Res<String> {
    let (outbox, _) = dir.outbox()?;
    let (picture, made) =
        ansinh_device::receipt::draw_receipt(dir, &outbox, no, false, Width::Mm58)?;
    let code = scan(&picture)?;
    assert_eq!(code, made, "the printed code is the one made");
    Ok(code)
}

/// The path of a code's URL (what the hub's router sees).
fn path_of(code: &str) -> Res<&str> {
    Ok(&code[code.find("/R/").ok_or("not a link")?..])
}

fn header<'a>(page: &'a Page, name: &str) -> &'a str {
    page.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// A device registered with `server` holding one enrollment it has not sent.
fn unsent_device(root: &Path, server: &Server) -> Res<DataDir> {
    let dir = device(root, "late", &server.url(), &server.token()?)?;
    enqueue(&dir, 1)?;
    Ok(dir)
}

#[test]
fn received_not_yet_forged_and_altered_through_the_router() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let (server, dir) = populated(&rt, tmp.path())?;
    let state = server.state.clone();

    // Received: the day the hub took the record (its clock: 22/11/2026).
    let code = printed_code(&dir, 1)?;
    assert!(code.starts_with(&server.url().to_ascii_uppercase()), "{code}");
    let received = call(&rt, &state, path_of(&code)?, [10, 0, 0, 1], None)?;
    assert_eq!(received.status, StatusCode::OK, "{}", received.body);
    assert!(received.body.contains("Đã nhận ngày 22/11/2026"), "{}", received.body);
    assert!(received.body.contains("data-status=\"received\""));
    assert!(received.body.contains("<dd id=\"receipt-no\">1</dd>"));
    // The collection point hub staff assigned, not the label the device sent at registration.
    assert!(
        received.body.contains("<dd id=\"collection-point\">Điểm thu BĐVHX Thanh Trì</dd>"),
        "{}",
        received.body
    );
    let (voluntary, _) = enrollments()?;
    let amounts = ansinh_device::enroll::amounts(
        &voluntary,
        &ansinh_core::default_table(),
        TODAY.parse().map_err(|_| "date")?,
    )?;
    let amount = amounts.amount;
    assert!(received.body.contains(&format!("{} đồng", dong(amount))), "{}", received.body);
    // Nothing beyond what the receipt prints: no name, no ID, not even masked.
    for personal in ["NGUYỄN", "Nguyễn", "001179012345", "2345", "****"] {
        assert!(!received.body.contains(personal), "{personal} shown");
    }
    assert_eq!(header(&received, "cache-control"), "no-store");
    assert_eq!(header(&received, "referrer-policy"), "no-referrer");
    let csp = header(&received, "content-security-policy");
    assert!(csp.starts_with("default-src 'none'; style-src 'sha256-"), "{csp}");
    assert!(!csp.contains("unsafe") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!received.body.contains("<script"), "no script needed");
    assert!(received.body.contains("name=\"viewport\""));
    // The lower-case route, for people who type it.
    let typed = call(&rt, &state, &path_of(&code)?.replacen("/R/", "/r/", 1), [10, 0, 0, 1], None)?;
    assert_eq!(typed.body, received.body);

    // Not yet: genuine, but the device has not synced.
    let late = unsent_device(tmp.path(), &server)?;
    let waiting = printed_code(&late, 1)?;
    let not_yet = call(&rt, &state, path_of(&waiting)?, [10, 0, 0, 1], None)?;
    assert_eq!(not_yet.status, StatusCode::OK);
    assert!(not_yet.body.contains(">Chưa nhận<"), "{}", not_yet.body);
    assert!(not_yet.body.contains("trong vòng 3 ngày"), "how long is normal");
    assert!(not_yet.body.contains("hỏi cơ quan bảo hiểm xã hội"), "whom to ask");
    // With the hub's contact (`serve --public-contact`).
    let contact = "BHXH huyện Thanh Trì, 024 3861 0000";
    let with_contact = AppState {
        receipts: Arc::new(ReceiptPage { contact: contact.into(), ..ReceiptPage::default() }),
        ..state.clone()
    };
    let told = call(&rt, &with_contact, path_of(&waiting)?, [10, 0, 0, 1], None)?;
    assert!(told.body.contains(&format!("gọi {contact}")), "{}", told.body);

    // Refused, all with one page: an altered amount, a code made with another key, an
    // unknown device, garbage.
    let altered = code.replace(&format!("/{amount}/"), &format!("/{}/", amount + 1_000_000));
    assert_ne!(altered, code);
    let base = UrlBase::from_server_url(&server.url()).ok_or("base")?;
    let device_id = dir.registration()?.ok_or("registered")?.device_id;
    let fields = |device_id| Fields { record_id: [1; 16], receipt_no: 1, amount, device_id };
    let forged = url(&base, &fields(device_id), &[9; 32])?;
    let unknown = url(&base, &fields(999), &[9; 32])?;
    let refused = call(&rt, &state, path_of(&altered)?, [10, 0, 0, 1], None)?;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(refused.body.contains("Không kiểm tra được"), "{}", refused.body);
    assert!(refused.body.contains("đã bị sửa"));
    assert_eq!(header(&refused, "cache-control"), "no-store");
    assert_eq!(header(&refused, "content-security-policy"), csp);
    for other in [forged.as_str(), unknown.as_str()] {
        let page = call(&rt, &state, path_of(other)?, [10, 0, 0, 1], None)?;
        assert_eq!((page.status, &page.body), (refused.status, &refused.body), "{other}");
    }
    for garbage in ["/R/2/", "/R/1/00", "/R/2/..%2F..%2Fadmin", "/R/2/%FF%FE", "/r/ANSINH1:00"] {
        let page = call(&rt, &state, garbage, [10, 0, 0, 1], None)?;
        assert_eq!((page.status, &page.body), (refused.status, &refused.body), "{garbage}");
    }

    // The offline form of the same receipt, as `ansinh-hub verify-receipt` takes it.
    let key = dir.receipt_key()?;
    let offline_fields = ansinh_wire::receipt_qr::verify(&code, &key)?;

    // A code with the device's own MAC but another amount than the record it sent (a device
    // printing one amount and reporting another): genuine, received, and flagged.
    let other_amount = Fields { amount: amount + 50_000, ..offline_fields };
    let mismatch =
        call(&rt, &state, path_of(&url(&base, &other_amount, &key)?)?, [10, 0, 0, 1], None)?;
    assert_eq!(mismatch.status, StatusCode::OK, "{}", mismatch.body);
    assert!(mismatch.body.contains("data-status=\"mismatch\""), "{}", mismatch.body);
    assert!(mismatch.body.contains("số tiền trên biên lai khác"), "{}", mismatch.body);
    assert!(!mismatch.body.contains("Đã nhận ngày"), "not told it was received as printed");
    let offline = payload(&offline_fields, &key)?;
    let check = server.hub().verify_receipt(&offline)?;
    assert!(check.held && check.received_at == Some(NOW), "{check:?}");
    assert_eq!(server.hub().verify_receipt(&code)?, check);
    server.stop(&rt)?;
    Ok(())
}

#[test]
fn the_page_is_rate_limited_per_client() -> TestResult {
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let (server, dir) = populated(&rt, tmp.path())?;
    let path = path_of(&printed_code(&dir, 1)?)?.to_string();
    let state = server.state.clone();
    let get = |state: &AppState, from: [u8; 4], forwarded: Option<&str>| {
        call(&rt, state, &path, from, forwarded).map(|p| p.status)
    };

    for _ in 0..ansinh_hub::CHECKS_PER_MINUTE {
        assert_eq!(get(&state, [10, 0, 0, 1], None)?, StatusCode::OK);
    }
    let waited = call(&rt, &state, &path, [10, 0, 0, 1], None)?;
    assert_eq!(waited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&waited, "retry-after"), "60");
    assert!(waited.body.contains("Xin đợi một phút"), "{}", waited.body);
    assert_eq!(header(&waited, "cache-control"), "no-store");
    assert_eq!(get(&state, [10, 0, 0, 2], None)?, StatusCode::OK, "another client");
    // Without a trusted proxy, X-Forwarded-For is the client's own word: ignored.
    assert_eq!(get(&state, [10, 0, 0, 1], Some("10.9.9.9"))?, StatusCode::TOO_MANY_REQUESTS);
    // Forged codes count as much as genuine ones.
    for _ in 0..ansinh_hub::CHECKS_PER_MINUTE {
        let page = call(&rt, &state, "/R/2/garbage", [10, 0, 0, 3], None)?;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(get(&state, [10, 0, 0, 3], None)?, StatusCode::TOO_MANY_REQUESTS);
    // A minute later the client may check again.
    server.set_now(NOW + 60);
    assert_eq!(get(&state, [10, 0, 0, 1], None)?, StatusCode::OK);

    // Behind a TLS proxy (`serve --behind-tls-proxy`): every request comes from the proxy,
    // and the client is the address it appended.
    let proxied = AppState {
        receipts: Arc::new(ReceiptPage {
            trust_forwarded_for: true,
            limiter: RateLimiter::new(2, 100),
            ..ReceiptPage::default()
        }),
        ..state.clone()
    };
    let proxy = [127, 0, 0, 1];
    for _ in 0..2 {
        assert_eq!(get(&proxied, proxy, Some("6.6.6.6, 203.0.113.5"))?, StatusCode::OK);
    }
    assert_eq!(get(&proxied, proxy, Some("7.7.7.7, 203.0.113.5"))?, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(get(&proxied, proxy, Some("203.0.113.6"))?, StatusCode::OK);
    server.stop(&rt)?;
    Ok(())
}

/// The pixels of a PNG screenshot, as RGB rows.
fn screenshot_pixels(path: &Path) -> Res<(usize, usize, Vec<[u8; 3]>)> {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path)?));
    let mut reader = decoder.read_info()?;
    let mut buf = vec![0; reader.output_buffer_size().ok_or("size")?];
    let info = reader.next_frame(&mut buf)?;
    let channels = info.color_type.samples();
    if info.bit_depth != png::BitDepth::Eight || channels < 3 {
        return Err(format!("unexpected screenshot format {info:?}").into());
    }
    let pixels = buf[..info.buffer_size()].chunks(channels).map(|p| [p[0], p[1], p[2]]).collect();
    Ok((info.width as usize, info.height as usize, pixels))
}

/// Whether the page at `shot` fits its window's width: nothing drawn in the right-hand margin
/// (text running off the screen) and no horizontal scrollbar along the bottom.
fn fits_the_width(shot: &Path) -> Res<()> {
    let (w, h, pixels) = screenshot_pixels(shot)?;
    let white = |x: usize, y: usize| pixels[y * w + x].iter().all(|&c| c >= 235);
    for y in 0..h {
        for x in w - 8..w {
            if !white(x, y) {
                return Err(format!("something drawn at the right edge ({x}, {y})").into());
            }
        }
    }
    for y in h - 16..h {
        for x in 0..w {
            if !white(x, y) {
                return Err(format!("a horizontal scrollbar or overflow at ({x}, {y})").into());
            }
        }
    }
    Ok(())
}

#[test]
fn a_phone_opens_the_printed_code_in_a_browser() -> TestResult {
    let browser = chromium()?;
    let rt = runtime()?;
    let tmp = tempfile::tempdir()?;
    let (server, dir) = populated(&rt, tmp.path())?;
    let late = unsent_device(tmp.path(), &server)?;
    let profile = tempfile::tempdir()?;
    // The URL exactly as the phone reads it off the printed receipt (upper case).
    for (dir, expected, name) in
        [(&dir, "Đã nhận ngày 22/11/2026", "received"), (&late, "Chưa nhận", "not-yet")]
    {
        let code = printed_code(dir, 1)?;
        assert!(code.starts_with("HTTP://127.0.0.1:"), "{code}");
        let shot = tmp.path().join(format!("{name}.png"));
        let run = |extra: &[String]| -> Res<std::process::Output> {
            Ok(Command::new(&browser)
                .args([
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--disable-dev-shm-usage",
                    // A phone's screen, in CSS pixels.
                    "--window-size=390,844",
                ])
                .arg(format!("--user-data-dir={}", profile.path().display()))
                .args(extra)
                .arg(&code)
                .output()?)
        };
        let out = run(&["--dump-dom".to_string()])?;
        let dom = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            dom.contains(expected),
            "{expected} not shown: {dom:.600} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = run(&[format!("--screenshot={}", shot.display())])?;
        assert!(shot.exists(), "no screenshot: {}", String::from_utf8_lossy(&out.stderr));
        fits_the_width(&shot).map_err(|e| format!("{name}: {e}"))?;
        if let Ok(keep) = std::env::var("ANSINH_KEEP_SCREENSHOT") {
            std::fs::copy(&shot, format!("{keep}-{name}.png"))?;
        }
    }
    server.stop(&rt)?;
    Ok(())
}

/// `1234567` → `1.234.567`, as the page writes amounts.
fn dong(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}
