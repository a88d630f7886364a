//! Camera frames through the decoder, as the camera reader sees them: a card's QR code held up
//! at a realistic size in a 640×480 YUYV frame, turned, blurred and noisy, made into the grey
//! picture the reader searches and decoded back to the card's text. Nothing is written to
//! disk: the frames exist only in memory, as on the kiosk.

use ansinh_idcard::camera::{HEIGHT, WIDTH, decode_grey, yuyv_to_grey};
use qrcodegen_no_heap::{QrCode, QrCodeEcc, Version};

const CODE: &str = "001179012345|012345678|Nguyễn Thị Hồng Nhung|15031979|Nữ|Số 12, ngõ 34, phố Quang Trung, Phường Hà Cầu, Quận Hà Đông, Hà Nội|15042021";

const W: usize = WIDTH as usize;
const H: usize = HEIGHT as usize;

/// The symbol's modules (`true` dark), as the card prints them (medium error correction).
fn modules(text: &str) -> Vec<Vec<bool>> {
    const BUF: usize = Version::MAX.buffer_len();
    let (mut temp, mut out) = (vec![0u8; BUF], vec![0u8; BUF]);
    let qr = QrCode::encode_text(
        text,
        &mut temp,
        &mut out,
        QrCodeEcc::Medium,
        Version::MIN,
        Version::MAX,
        None,
        true,
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    (0..qr.size()).map(|y| (0..qr.size()).map(|x| qr.get_module(x, y)).collect()).collect()
}

/// How the card is held: module size in pixels, turn (cosine and sine × 1024), blur, noise.
struct Shot {
    module_px: i64,
    cos: i64,
    sin: i64,
    blur: bool,
    noise: i32,
}

/// A 640×480 grey scene: a table, the card (white, with the code and its quiet zone) turned
/// about the frame's centre, then blurred and noisy.
fn scene(text: &str, shot: &Shot) -> Vec<u8> {
    let m = modules(text);
    let side = i64::try_from(m.len()).unwrap_or(0);
    let half = (side + 8) * shot.module_px / 2; // the code and a quiet zone of 4 modules
    let card_half = half + 12 * shot.module_px;
    let (cx, cy) = (i64::try_from(W / 2).unwrap_or(0), i64::try_from(H / 2).unwrap_or(0));
    let mut grey = vec![0u8; W * H];
    for y in 0..H {
        for x in 0..W {
            let (dx, dy) = (i64::try_from(x).unwrap_or(0) - cx, i64::try_from(y).unwrap_or(0) - cy);
            // Into the card's own axes (fixed point, 1/1024).
            let u = (shot.cos * dx + shot.sin * dy) / 1024;
            let v = (-shot.sin * dx + shot.cos * dy) / 1024;
            let on_card = u.abs() < card_half && v.abs() < card_half * 2 / 3 + half / 3;
            let table = 120 + u8::try_from((x + y) % 40).unwrap_or(0);
            let mut level = if on_card { 232 } else { table };
            let (mx, my) = ((u + half) / shot.module_px - 4, (v + half) / shot.module_px - 4);
            if (0..side).contains(&mx) && (0..side).contains(&my) && u + half >= 0 && v + half >= 0
            {
                let (mx, my) = (usize::try_from(mx).unwrap_or(0), usize::try_from(my).unwrap_or(0));
                if m[my][mx] {
                    level = 38;
                }
            }
            grey[y * W + x] = level;
        }
    }
    if shot.blur {
        let sharp = grey.clone();
        for y in 1..H - 1 {
            for x in 1..W - 1 {
                let mut sum = 0u32;
                for (ox, oy) in
                    [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (2, 1), (0, 2), (1, 2), (2, 2)]
                {
                    sum += u32::from(sharp[(y + oy - 1) * W + x + ox - 1]);
                }
                grey[y * W + x] = u8::try_from(sum / 9).unwrap_or(255);
            }
        }
    }
    // Sensor noise from a fixed-seed generator, so a failure can be reproduced.
    let mut seed: u32 = 0x2545_f491;
    for p in &mut grey {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let n = i32::try_from(seed >> 24).unwrap_or(0) % (2 * shot.noise + 1) - shot.noise;
        *p = u8::try_from((i32::from(*p) + n).clamp(0, 255)).unwrap_or(0);
    }
    grey
}

/// The scene as the camera delivers it: YUYV, neutral colour.
fn yuyv(grey: &[u8]) -> Vec<u8> {
    grey.iter().flat_map(|&y| [y, 128]).collect()
}

fn read(shot: &Shot) -> Vec<String> {
    let frame = yuyv(&scene(CODE, shot));
    let mut grey = Vec::new();
    yuyv_to_grey(&frame, W, H, 2 * W, &mut grey);
    decode_grey(&grey, W, H)
}

#[test]
fn a_card_held_square_to_the_camera_reads_down_to_three_pixels_a_module() {
    for module_px in [3, 4, 6] {
        let shot = Shot { module_px, cos: 1024, sin: 0, blur: false, noise: 6 };
        assert_eq!(read(&shot), [CODE], "{module_px} px a module");
    }
}

#[test]
fn a_card_turned_blurred_and_noisy_still_reads() {
    // Turned by 12°, 17° and 20° (cosine and sine × 1024), at 4 and 5 pixels a module (the
    // card 10–15 cm from a 640×480 webcam), out of focus and noisy.
    for (cos, sin) in [(1002, 213), (979, 299), (962, 350)] {
        for module_px in [4, 5] {
            let shot = Shot { module_px, cos, sin, blur: true, noise: 14 };
            assert_eq!(read(&shot), [CODE], "turned by sin {sin}/1024 at {module_px} px a module");
        }
    }
}

#[test]
fn the_decoded_text_is_a_card_and_a_frame_without_a_code_gives_nothing() {
    let shot = Shot { module_px: 5, cos: 979, sin: 299, blur: true, noise: 14 };
    let text = read(&shot).pop().unwrap_or_default();
    let card = ansinh_idcard::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(card.full_name, "NGUYỄN THỊ HỒNG NHUNG");
    let table: Vec<u8> = (0..W * H).map(|i| u8::try_from(100 + i % 53).unwrap_or(0)).collect();
    assert!(decode_grey(&table, W, H).is_empty());
}
