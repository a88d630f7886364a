//! The receipt and shift-report layouts: plain data in, dots out.

use core::fmt::Write;

use ansinh_core::Lang;
use ansinh_core::money::{Amount, InWords};
use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{PrimitiveStyle, Rectangle};

use crate::Error;
use crate::font::{BODY, BOLD, Face, LARGE};
use crate::qr::Symbol;

/// Paper width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// 58 mm paper, 384 dots at 8 dots/mm.
    Mm58,
    /// 80 mm paper, 576 dots.
    Mm80,
}

impl Width {
    /// Printable dots across.
    pub const fn dots(self) -> u32 {
        match self {
            Width::Mm58 => 384,
            Width::Mm80 => 576,
        }
    }
}

/// The scheme paid for: the core's one scheme type.
pub use ansinh_core::scheme::Scheme;

/// Everything a cash receipt shows. Names and IDs arrive masked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt<'a> {
    /// Collection point name.
    pub collection_point: &'a str,
    /// Agent code.
    pub agent_code: &'a str,
    /// Date and time of the collection, as printed (`22/11/2026 10:05`).
    pub date_time: &'a str,
    /// Receipt number on the device.
    pub receipt_no: u64,
    /// Masked name (`NGUYỄN T** H*** N****`).
    pub masked_name: &'a str,
    /// Masked personal ID ([`mask_id`]).
    pub masked_id: &'a str,
    /// Scheme.
    pub scheme: Scheme,
    /// First month paid for (`12/2026`).
    pub period_from: &'a str,
    /// Last month paid for (`02/2027`).
    pub period_to: &'a str,
    /// Months paid for.
    pub months: u32,
    /// Contribution before support, đồng.
    pub gross: u64,
    /// National support, đồng.
    pub support_national: u64,
    /// Provincial support, đồng.
    pub support_local: u64,
    /// Cash paid, đồng.
    pub amount: u64,
    /// Policy table version the amounts come from.
    pub policy_version: &'a str,
    /// The amounts rest on a rule marked unverified in the policy table.
    pub estimate: bool,
    /// The collection server has acknowledged the record.
    pub acknowledged: bool,
    /// A reprint, not the original.
    pub copy: bool,
    /// The QR code's text, made by the device (`ansinh_wire::receipt_qr::payload`, or
    /// `receipt_qr::url` for a link to the hub's public receipt page).
    pub qr: &'a str,
}

/// One total of a shift report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportLine<'a> {
    /// What is counted (`BHXH tự nguyện`, `3 tháng`, `Tiền mặt`).
    pub label: &'a str,
    /// Receipts.
    pub count: u64,
    /// Sum, đồng.
    pub amount: u64,
}

/// A void in a shift report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VoidLine<'a> {
    /// Receipt voided.
    pub receipt_no: u64,
    /// Cash returned, đồng.
    pub amount: u64,
    /// Why.
    pub reason: &'a str,
}

/// The end-of-shift report the agent prints and hands in with the cash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShiftReport<'a> {
    /// Collection point.
    pub collection_point: &'a str,
    /// Agent code.
    pub agent_code: &'a str,
    /// Shift start, as printed.
    pub from: &'a str,
    /// Shift end, as printed.
    pub until: &'a str,
    /// Totals by scheme.
    pub by_scheme: &'a [ReportLine<'a>],
    /// Totals by payment mode.
    pub by_mode: &'a [ReportLine<'a>],
    /// Totals by means of payment.
    pub by_payment: &'a [ReportLine<'a>],
    /// Receipts issued and their sum.
    pub collected: ReportLine<'a>,
    /// Voids.
    pub voids: &'a [VoidLine<'a>],
    /// Cash to hand in, đồng.
    pub cash_to_hand_in: u64,
    /// Cash paid back beyond the shift's collections (voids of earlier receipts), đồng.
    pub cash_paid_out: u64,
    /// Records the server does not hold yet.
    pub unsent: u64,
    /// The journal and the outbox agree.
    pub reconciled: bool,
}

/// A personal ID with all but its last four digits hidden: `********4567`.
pub fn mask_id(id: &str) -> heapless::String<32> {
    let n = id.chars().count();
    let mut out = heapless::String::new();
    for (i, c) in id.chars().enumerate() {
        // IDs are at most 12 digits; longer input is cut, never overflows.
        let _ = out.push(if i + 4 < n { '*' } else { c });
    }
    out
}

const MARGIN: i32 = 4;

/// A cursor down the paper.
struct Pen<'t, D> {
    target: &'t mut D,
    y: i32,
    width: i32,
}

impl<D: DrawTarget<Color = BinaryColor>> Pen<'_, D> {
    fn right(&self) -> i32 {
        self.width - MARGIN
    }

    fn gap(&mut self, dots: i32) {
        self.y += dots;
    }

    fn baseline(&self, face: &Face) -> i32 {
        self.y + i32::try_from(face.ascent()).unwrap_or(0) + 2
    }

    fn advance(&mut self, face: &Face) {
        self.y += i32::try_from(face.line_height()).unwrap_or(24);
    }

    fn centered(&mut self, face: &Face, text: &str) -> Result<(), D::Error> {
        let w = face.width(text).cast_signed();
        let x = ((self.width - w) / 2).max(MARGIN);
        let b = self.baseline(face);
        face.draw(self.target, x, b, text)?;
        self.advance(face);
        Ok(())
    }

    /// `label` in bold, then `text` wrapped at word boundaries under the paper's width.
    fn para(&mut self, label: &str, text: &str) -> Result<(), D::Error> {
        let mut x = MARGIN;
        if !label.is_empty() {
            let b = self.baseline(&BOLD);
            x = BOLD.draw(self.target, x, b, label)?;
            x = BOLD.draw(self.target, x, b, " ")?;
        }
        let space = BODY.width(" ").cast_signed();
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let w = BODY.width(word).cast_signed();
            if x > MARGIN && x + w > self.right() {
                self.advance(&BODY);
                x = MARGIN;
            }
            let b = self.baseline(&BODY);
            x = BODY.draw(self.target, x, b, word)? + space;
        }
        self.advance(&BODY);
        Ok(())
    }

    /// `label` on the left, `value` in bold on the right of one line.
    fn pair(&mut self, label: &str, value: &str) -> Result<(), D::Error> {
        let b = self.baseline(&BODY);
        BODY.draw(self.target, MARGIN, b, label)?;
        let w = BOLD.width(value).cast_signed();
        BOLD.draw(self.target, self.right() - w, b, value)?;
        self.advance(&BODY);
        Ok(())
    }

    fn rule(&mut self) -> Result<(), D::Error> {
        self.gap(6);
        let dashes = (MARGIN..self.right()).step_by(8).map(|x| {
            Rectangle::new(Point::new(x, self.y), Size::new(5, 2))
                .into_styled(PrimitiveStyle::with_fill(BinaryColor::On))
        });
        for d in dashes {
            d.draw(self.target)?;
        }
        self.gap(10);
        Ok(())
    }

    /// White text on a black band: the copy mark and the "not yet sent" status.
    fn banner(&mut self, text: &str) -> Result<(), D::Error> {
        let h = BOLD.line_height() + 6;
        Rectangle::new(
            Point::new(MARGIN, self.y),
            Size::new((self.width - 2 * MARGIN).unsigned_abs(), h),
        )
        .into_styled(PrimitiveStyle::with_fill(BinaryColor::On))
        .draw(self.target)?;
        let w = BOLD.width(text).cast_signed();
        let b = self.y + 3 + i32::try_from(BOLD.ascent()).unwrap_or(0) + 2;
        let mut inverted = Inverted(self.target);
        BOLD.draw(&mut inverted, ((self.width - w) / 2).max(MARGIN), b, text)?;
        self.y += h.cast_signed() + 6;
        Ok(())
    }
}

/// Draws `On` pixels as `Off`: text on a black band.
struct Inverted<'t, D>(&'t mut D);

impl<D: DrawTarget<Color = BinaryColor>> Dimensions for Inverted<'_, D> {
    fn bounding_box(&self) -> Rectangle {
        self.0.bounding_box()
    }
}

impl<D: DrawTarget<Color = BinaryColor>> DrawTarget for Inverted<'_, D> {
    type Color = BinaryColor;
    type Error = D::Error;
    fn draw_iter<I: IntoIterator<Item = Pixel<BinaryColor>>>(
        &mut self,
        pixels: I,
    ) -> Result<(), D::Error> {
        self.0.draw_iter(pixels.into_iter().map(|Pixel(p, c)| Pixel(p, c.invert())))
    }
}

/// Measures without drawing.
struct Measure;

impl Dimensions for Measure {
    fn bounding_box(&self) -> Rectangle {
        Rectangle::new(Point::zero(), Size::new(u32::MAX / 2, u32::MAX / 2))
    }
}

impl DrawTarget for Measure {
    type Color = BinaryColor;
    type Error = core::convert::Infallible;
    fn draw_iter<I: IntoIterator<Item = Pixel<BinaryColor>>>(
        &mut self,
        _: I,
    ) -> Result<(), Self::Error> {
        Ok(())
    }
}

type Text = heapless::String<160>;

fn money(d: u64) -> Text {
    let mut s = Text::new();
    let _ = write!(s, "{}", Amount(d, Lang::Vi));
    s
}

fn words(d: u64) -> heapless::String<320> {
    let mut raw: heapless::String<320> = heapless::String::new();
    let _ = write!(raw, "{}", InWords(d, Lang::Vi));
    let mut out = heapless::String::new();
    let mut chars = raw.chars();
    if let Some(first) = chars.next() {
        for u in first.to_uppercase() {
            let _ = out.push(u);
        }
    }
    for c in chars {
        let _ = out.push(c);
    }
    out
}

fn layout<D: DrawTarget<Color = BinaryColor>>(
    r: &Receipt<'_>,
    width: Width,
    target: &mut D,
    symbol: &Symbol,
) -> Result<i32, D::Error> {
    let mut pen = Pen { target, y: 8, width: width.dots().cast_signed() };
    pen.centered(&BOLD, "BIÊN LAI THU TIỀN")?;
    pen.centered(&BODY, r.scheme.name(ansinh_core::Lang::Vi))?;
    if r.copy {
        pen.gap(4);
        pen.banner("BẢN SAO (in lại)")?;
    }
    pen.rule()?;
    pen.para("Điểm thu:", r.collection_point)?;
    pen.para("Nhân viên thu:", r.agent_code)?;
    pen.para("Ngày giờ:", r.date_time)?;
    let mut no = Text::new();
    let _ = write!(no, "{}", r.receipt_no);
    pen.para("Số biên lai:", &no)?;
    pen.rule()?;
    pen.para("Họ tên:", r.masked_name)?;
    pen.para("Số định danh:", r.masked_id)?;
    let mut period = Text::new();
    let _ = write!(period, "{} – {} ({} tháng)", r.period_from, r.period_to, r.months);
    pen.para("Kỳ đóng:", &period)?;
    pen.rule()?;
    pen.pair("Mức đóng", &money(r.gross))?;
    pen.pair("NSNN hỗ trợ", &money(r.support_national))?;
    pen.pair("NSĐP hỗ trợ", &money(r.support_local))?;
    pen.gap(6);
    pen.centered(&BOLD, "SỐ TIỀN NỘP")?;
    pen.centered(&LARGE, &money(r.amount))?;
    pen.para("Bằng chữ:", &words(r.amount))?;
    pen.rule()?;
    let mut policy = Text::new();
    let _ =
        write!(policy, "{}{}", r.policy_version, if r.estimate { " (số ước tính)" } else { "" });
    pen.para("Chính sách:", &policy)?;
    if r.acknowledged {
        pen.para("Trạng thái:", "đã gửi cơ quan BHXH")?;
    } else {
        pen.banner("CHƯA GỬI cơ quan BHXH")?;
    }
    // Five dots a module (0.6 mm): a phone reads it off thermal paper; 4 modules quiet zone.
    let module = 5;
    let side = (symbol.modules() * module).cast_signed();
    pen.gap(4 * 5);
    let x = (pen.width - side) / 2;
    symbol.draw(pen.target, Point::new(x, pen.y), module)?;
    pen.gap(side + 4 * 5);
    // A link (the protocol's URL form) opens the hub's public page on any phone: say so.
    if r.qr.starts_with("HTTP") {
        pen.centered(&BODY, "Quét mã QR để kiểm tra")?;
    }
    pen.centered(&BODY, "Giữ biên lai này để đối chiếu")?;
    pen.gap(16);
    Ok(pen.y)
}

/// Dots of paper the receipt takes.
pub fn receipt_height(r: &Receipt<'_>, width: Width) -> Result<u32, Error> {
    let symbol = Symbol::new(r.qr)?;
    let Ok(y) = layout(r, width, &mut Measure, &symbol);
    Ok(y.unsigned_abs())
}

/// Draws the receipt from the top of `target` (white background assumed).
pub fn draw_receipt<D: DrawTarget<Color = BinaryColor>>(
    r: &Receipt<'_>,
    width: Width,
    target: &mut D,
) -> Result<Result<(), D::Error>, Error> {
    let symbol = Symbol::new(r.qr)?;
    Ok(layout(r, width, target, &symbol).map(|_| ()))
}

fn report_layout<D: DrawTarget<Color = BinaryColor>>(
    s: &ShiftReport<'_>,
    width: Width,
    target: &mut D,
) -> Result<i32, D::Error> {
    let mut pen = Pen { target, y: 8, width: width.dots().cast_signed() };
    pen.centered(&BOLD, "BÁO CÁO CUỐI CA")?;
    pen.rule()?;
    pen.para("Điểm thu:", s.collection_point)?;
    pen.para("Nhân viên thu:", s.agent_code)?;
    pen.para("Từ:", s.from)?;
    pen.para("Đến:", s.until)?;
    for (title, lines) in [
        ("Theo loại", s.by_scheme),
        ("Theo phương thức đóng", s.by_mode),
        ("Theo hình thức thanh toán", s.by_payment),
    ] {
        pen.rule()?;
        pen.para(title, "")?;
        for l in lines {
            let mut label = Text::new();
            let _ = write!(label, "{} ({})", l.label, l.count);
            pen.pair(&label, &money(l.amount))?;
        }
    }
    pen.rule()?;
    let mut label = Text::new();
    let _ = write!(label, "Đã thu ({} biên lai)", s.collected.count);
    pen.pair(&label, &money(s.collected.amount))?;
    let mut voided = 0u64;
    for v in s.voids {
        voided = voided.saturating_add(v.amount);
    }
    let mut label = Text::new();
    let _ = write!(label, "Đã hủy ({})", s.voids.len());
    pen.pair(&label, &money(voided))?;
    for v in s.voids {
        let mut head = Text::new();
        let _ = write!(head, "Số {}: {} –", v.receipt_no, money(v.amount));
        pen.para("", &head)?;
        pen.para("", v.reason)?;
    }
    pen.gap(6);
    pen.centered(&BOLD, "TIỀN MẶT PHẢI NỘP")?;
    pen.centered(&LARGE, &money(s.cash_to_hand_in))?;
    pen.para("Bằng chữ:", &words(s.cash_to_hand_in))?;
    if s.cash_paid_out > 0 {
        pen.pair("Đã trả lại (biên lai ca trước)", &money(s.cash_paid_out))?;
    }
    pen.rule()?;
    let mut unsent = Text::new();
    let _ = write!(unsent, "{}", s.unsent);
    pen.para("Hồ sơ chưa gửi:", &unsent)?;
    if s.reconciled {
        pen.para("Đối chiếu:", "khớp với hàng chờ")?;
    } else {
        pen.banner("KHÔNG KHỚP – báo quản lý")?;
    }
    pen.gap(40);
    pen.para("Người nộp", "")?;
    pen.gap(60);
    Ok(pen.y)
}

/// Dots of paper the shift report takes.
pub fn shift_report_height(s: &ShiftReport<'_>, width: Width) -> u32 {
    let Ok(y) = report_layout(s, width, &mut Measure);
    y.unsigned_abs()
}

/// Draws the shift report from the top of `target`.
pub fn draw_shift_report<D: DrawTarget<Color = BinaryColor>>(
    s: &ShiftReport<'_>,
    width: Width,
    target: &mut D,
) -> Result<(), D::Error> {
    report_layout(s, width, target).map(|_| ())
}
