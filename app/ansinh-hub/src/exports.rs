//! The collection lists the organisation files, as CSV and XLSX, and D05-TS also as XML.
//!
//! - D05-TS (voluntary social insurance): the columns of QĐ 490/2023 as listed in policy.md
//!   §8.4 (A, B, C, 1–17), headers in Vietnamese as on the form.
//! - D05-TS as XML ([`write_d05_xml`]), the list collection organisations submit
//!   electronically: each participant an element with the per-record element names of
//!   policy.md §8.4 (`STT`, `HoTen`, `MasoBHXH`, …), grouped as the paper list is: new
//!   participants (no SI code in column C yet), then those continuing (with one). Only those
//!   element names come from a source (secondary, VERIFIED-2); the document around them, the
//!   grouping rule, the codes and number formats are our reading, and the file says so
//!   ([`XML_UNVERIFIED`], as a comment and as the element `ChuaDoiChieu`). UTF-8, text in NFC.
//! - D03-TS (household health insurance): no reliable column list was found (policy.md says
//!   UNVERIFIED), so this layout is our own reading, built from the household appendix fields;
//!   the XLSX says so in its title block. Check it against the official template before filing.
//!
//! - Possible double payments ([`double_payments_csv`]): the same person paying twice for some
//!   of the same months, both receipts on one row, for follow-up.
//!
//! CSV is UTF-8 with a byte-order mark (so spreadsheet programs show Vietnamese correctly) and
//! one header row; amounts are integer đồng. Every text cell of every CSV goes through one
//! writer (`write_csv`, over [`Cell`]) that neutralises text a spreadsheet would run as a formula
//! ([`neutralise`]): names, addresses and labels are typed at the counter, so a record could
//! carry `=HYPERLINK(…)` to the office's computer. Amounts are [`Cell::Int`] and stay numbers.
//! XLSX cells are written as strings or numbers, never as formulas, so they need no marker.

use std::io::Write;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use rust_xlsxwriter::{Format, Workbook};
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};
use crate::hub::{DoublePayment, List, PaidOn};
use crate::rules::ListRow;

/// The header cells of a list: (form column, Vietnamese heading).
pub fn columns(list: List) -> &'static [(&'static str, &'static str)] {
    match list {
        List::D05 => &[
            ("A", "STT"),
            ("B", "Họ và tên"),
            ("C", "Mã số BHXH"),
            ("1", "Số CCCD/ĐDCN/Hộ chiếu"),
            ("2", "Địa chỉ"),
            ("3", "Ngày biên lai"),
            ("4", "Số biên lai"),
            ("5", "Mức thu nhập tháng đóng BHXH"),
            ("6", "Số tháng đóng"),
            ("7", "Từ tháng năm"),
            ("8", "Số tiền phải đóng theo quy định"),
            ("9", "Số tiền người tham gia đóng"),
            ("10", "NSNN hỗ trợ: tỷ lệ (%)"),
            ("11", "NSNN hỗ trợ: số tiền"),
            ("12", "NSĐP hỗ trợ thêm: tỷ lệ (%)"),
            ("13", "NSĐP hỗ trợ thêm: số tiền"),
            ("14", "Hỗ trợ khác: tỷ lệ (%)"),
            ("15", "Hỗ trợ khác: số tiền"),
            ("16", "Mã nhân viên thu"),
            ("17", "Ghi chú"),
        ],
        List::D03 => &[
            ("A", "STT"),
            ("B", "Họ và tên"),
            ("C", "Mã số BHXH"),
            ("1", "Số định danh cá nhân"),
            ("2", "Ngày sinh"),
            ("3", "Giới tính"),
            ("4", "Quan hệ với chủ hộ"),
            ("5", "Địa chỉ"),
            ("6", "Nơi đăng ký KCB ban đầu"),
            ("7", "Ngày biên lai"),
            ("8", "Số biên lai"),
            ("9", "Số tháng đóng"),
            ("10", "Từ tháng năm"),
            ("11", "Số tiền phải đóng"),
            ("12", "Số tiền người tham gia đóng"),
            ("13", "NSNN hỗ trợ: tỷ lệ (%)"),
            ("14", "NSNN hỗ trợ: số tiền"),
            ("15", "NSĐP hỗ trợ: tỷ lệ (%)"),
            ("16", "NSĐP hỗ trợ: số tiền"),
            ("17", "Mã nhân viên thu"),
            ("18", "Ghi chú"),
        ],
    }
}

/// A cell: text, or an integer amount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// Integer (amounts, counts).
    Int(u64),
    /// Nothing.
    Empty,
}

impl Cell {
    /// The cell's CSV text: text neutralised ([`neutralise`]), numbers as they are.
    fn csv(&self) -> String {
        match self {
            Cell::Text(s) => neutralise(s),
            Cell::Int(n) => n.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// Writes a CSV file (UTF-8 with BOM) of a header row and `rows`: the only way this crate
/// writes CSV, so that no text cell escapes [`neutralise`].
fn write_csv<H: AsRef<str>>(
    header: impl IntoIterator<Item = H>,
    rows: impl IntoIterator<Item = Vec<Cell>>,
) -> Result<Vec<u8>> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let header: Vec<Cell> = header.into_iter().map(|h| t(h.as_ref())).collect();
        for row in std::iter::once(header).chain(rows) {
            w.write_record(row.iter().map(Cell::csv)).map_err(|e| Error::Export(e.to_string()))?;
        }
        w.flush().map_err(|e| Error::Export(e.to_string()))?;
    }
    Ok(out)
}

fn t(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// The cells of row number `no` (1-based), in the order of [`columns`].
pub fn cells(list: List, no: usize, r: &ListRow) -> Vec<Cell> {
    let n = Cell::Int(u64::try_from(no).unwrap_or(0));
    match list {
        List::D05 => vec![
            n,
            t(&r.full_name),
            t(&r.si_code),
            t(&r.personal_id),
            t(&r.address),
            t(&r.receipt_date),
            t(&r.receipt_no),
            r.income.map_or(Cell::Empty, Cell::Int),
            Cell::Int(u64::from(r.months)),
            t(&r.from_month),
            Cell::Int(r.amount_due),
            Cell::Int(r.amount_paid),
            t(&r.national_pct),
            Cell::Int(r.national_amount),
            t(&r.local_pct),
            Cell::Int(r.local_amount),
            t(&r.other_pct),
            Cell::Int(r.other_amount),
            t(&r.collector_code),
            t(&r.notes),
        ],
        List::D03 => vec![
            n,
            t(&r.full_name),
            t(&r.si_code),
            t(&r.personal_id),
            t(&r.birth_date),
            t(&r.sex),
            t(&r.relationship),
            t(&r.address),
            t(&r.kcb_code),
            t(&r.receipt_date),
            t(&r.receipt_no),
            Cell::Int(u64::from(r.months)),
            t(&r.from_month),
            Cell::Int(r.amount_due),
            Cell::Int(r.amount_paid),
            t(&r.national_pct),
            Cell::Int(r.national_amount),
            t(&r.local_pct),
            Cell::Int(r.local_amount),
            t(&r.collector_code),
            t(&r.notes),
        ],
    }
}

/// The list as CSV (UTF-8 with BOM, one header row).
pub fn to_csv(list: List, rows: &[ListRow]) -> Result<Vec<u8>> {
    let mut csv = CsvList::new(Vec::new(), list)?;
    csv.add(rows)?;
    csv.finish()
}

fn csv_err(e: impl std::fmt::Display) -> Error {
    Error::Export(e.to_string())
}

/// A collection list written as CSV as its rows come ([`to_csv`] in one go): the byte-order
/// mark and the header first, then each batch of rows, numbered on.
pub struct CsvList<W: Write> {
    out: csv::Writer<W>,
    list: List,
    rows: usize,
}

impl<W: Write> CsvList<W> {
    /// Starts the list on `out`: the byte-order mark and the header row.
    pub fn new(mut out: W, list: List) -> Result<Self> {
        out.write_all("\u{feff}".as_bytes()).map_err(csv_err)?;
        let mut out = csv::Writer::from_writer(out);
        let header = columns(list).iter().map(|(col, head)| t(&format!("{col}. {head}")));
        out.write_record(header.map(|c| c.csv())).map_err(csv_err)?;
        Ok(Self { out, list, rows: 0 })
    }

    /// Writes the next rows.
    pub fn add(&mut self, rows: &[ListRow]) -> Result<()> {
        for r in rows {
            self.rows += 1;
            let cells = cells(self.list, self.rows, r);
            self.out.write_record(cells.iter().map(Cell::csv)).map_err(csv_err)?;
        }
        Ok(())
    }

    /// Ends the list; returns `out`, flushed.
    pub fn finish(self) -> Result<W> {
        let mut out = self.out.into_inner().map_err(|e| csv_err(e.error()))?;
        out.flush().map_err(csv_err)?;
        Ok(out)
    }
}

/// Text a spreadsheet shows as text: one starting with `=`, `+`, `-` or `@` (or a tab or a
/// carriage return) would be taken for a formula, so it gets a leading `'`, the spreadsheets'
/// mark for "this is text"; the rest of the text is kept as it is (`-12 Lê Lợi` reads
/// `'-12 Lê Lợi`).
pub fn neutralise(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() }
}

/// The header of the double-payment list.
pub const DOUBLE_PAYMENT_COLUMNS: [&str; 18] = [
    "STT",
    "Họ và tên",
    "Loại",
    "Lần 1: điểm thu (thiết bị)",
    "Lần 1: số biên nhận",
    "Lần 1: ngày thu",
    "Lần 1: từ tháng",
    "Lần 1: đến tháng",
    "Lần 1: số tiền",
    "Lần 2: điểm thu (thiết bị)",
    "Lần 2: số biên nhận",
    "Lần 2: ngày thu",
    "Lần 2: từ tháng",
    "Lần 2: đến tháng",
    "Lần 2: số tiền",
    "Lần 1: mã hồ sơ",
    "Lần 2: mã hồ sơ",
    "Ghi chú",
];

/// `2027-02` → `02/2027`; `2026-11-22` → `22/11/2026`.
pub(crate) fn vn_date(iso: &str) -> String {
    let mut parts: Vec<&str> = iso.split('-').collect();
    parts.reverse();
    parts.join("/")
}

/// The scheme's name as on the forms.
pub(crate) fn scheme_name(code: &str) -> &str {
    ansinh_core::scheme::Scheme::from_code(code).map_or(code, |s| s.name(ansinh_core::Lang::Vi))
}

fn paid_cells(p: &PaidOn) -> [Cell; 6] {
    [
        Cell::Text(format!("{} (thiết bị {})", p.device_label, p.device_id)),
        p.receipt_no.map_or(Cell::Empty, |n| Cell::Text(n.to_string())),
        Cell::Text(vn_date(&p.day)),
        Cell::Text(vn_date(&p.paid_from)),
        Cell::Text(vn_date(&p.paid_until)),
        Cell::Int(p.amount),
    ]
}

/// The possible double payments as CSV (UTF-8 with BOM, one header row): one row per later
/// payment with the earlier one it repeats.
pub fn double_payments_csv(rows: &[DoublePayment]) -> Result<Vec<u8>> {
    write_csv(
        DOUBLE_PAYMENT_COLUMNS,
        rows.iter().enumerate().map(|(i, d)| {
            let mut cells = vec![Cell::Int(u64::try_from(i + 1).unwrap_or(0)), t(&d.masked_name)];
            cells.push(t(scheme_name(&d.scheme)));
            cells.extend(paid_cells(&d.first));
            cells.extend(paid_cells(&d.second));
            cells.push(t(&d.first.record_id));
            cells.push(t(&d.second.record_id));
            cells.push(t(if d.first.device_id == d.second.device_id {
                "cùng thiết bị"
            } else {
                "hai thiết bị"
            }));
            cells
        }),
    )
}

/// The columns of the lapsed participants' list.
const LAPSED_COLUMNS: [&str; 9] = [
    "STT",
    "Họ và tên",
    "Loại",
    "Đã đóng đến tháng",
    "Hết hạn ngày",
    "Tính là dừng đóng từ tháng",
    "Mã xã",
    "Mã nhân viên thu",
    "Điện thoại",
];

/// The participants to follow up as CSV (UTF-8 with BOM, one header row), masked as the
/// renewal list is.
pub fn lapsed_csv(rows: &[crate::plan::LapsedParticipant]) -> Result<Vec<u8>> {
    write_csv(
        LAPSED_COLUMNS,
        rows.iter().enumerate().map(|(i, l)| {
            vec![
                Cell::Int(u64::try_from(i + 1).unwrap_or(0)),
                t(&l.masked_name),
                t(scheme_name(&l.scheme)),
                t(&vn_date(&l.paid_until)),
                t(&vn_date(&l.cover_ended)),
                t(&vn_date(&l.lapsed_in)),
                t(&l.commune_code),
                t(&l.agent_code),
                l.phone.as_deref().map_or(Cell::Empty, t),
            ]
        }),
    )
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Export(e.to_string())
}

/// The list as an XLSX workbook: a title block (form, commune, month, and for D03-TS the
/// warning that the layout is unverified), the two header rows of the form, then the rows.
pub fn to_xlsx(list: List, title: &str, rows: &[ListRow]) -> Result<Vec<u8>> {
    let mut book = XlsxList::new(list, title)?;
    book.add(rows)?;
    book.finish(Vec::new())
}

/// A collection list written as an XLSX workbook as its rows come ([`to_xlsx`] in one go).
/// The sheet is rust_xlsxwriter's low-memory kind: each row goes to a temporary file as soon
/// as the next one starts (only the shared strings stay in memory), and the workbook is zipped
/// straight into the output.
pub struct XlsxList {
    book: Workbook,
    list: List,
    money: Format,
    /// The sheet row the next list row goes on.
    next_row: u32,
    rows: usize,
}

impl XlsxList {
    /// The workbook's title block and header rows.
    pub fn new(list: List, title: &str) -> Result<Self> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet_with_low_memory().map_err(xlsx_err)?;
        sheet.set_name(list.name()).map_err(xlsx_err)?;
        let bold = Format::new().set_bold();
        let head = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_border(rust_xlsxwriter::FormatBorder::Thin);
        sheet.write_string_with_format(0, 0, title, &bold).map_err(xlsx_err)?;
        if list == List::D03 {
            sheet
                .write_string(
                    1,
                    0,
                    "Bố cục cột chưa đối chiếu với mẫu D03-TS chính thức (UNVERIFIED) — kiểm tra trước khi nộp.",
                )
                .map_err(xlsx_err)?;
        }
        let header_row = 3;
        // Row by row: a low-memory sheet writes a row out once the next one is started.
        for (c, (_, heading)) in columns(list).iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| Error::Export("too many columns".into()))?;
            sheet.write_string_with_format(header_row, c, *heading, &head).map_err(xlsx_err)?;
            sheet.set_column_width(c, if c == 1 || c == 4 { 28 } else { 14 }).map_err(xlsx_err)?;
        }
        for (c, (col, _)) in columns(list).iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| Error::Export("too many columns".into()))?;
            sheet.write_string_with_format(header_row + 1, c, *col, &head).map_err(xlsx_err)?;
        }
        let money = Format::new().set_num_format("#,##0");
        Ok(Self { book, list, money, next_row: header_row + 2, rows: 0 })
    }

    /// Writes the next rows.
    pub fn add(&mut self, rows: &[ListRow]) -> Result<()> {
        let sheet = self.book.worksheet_from_index(0).map_err(xlsx_err)?;
        for r in rows {
            self.rows += 1;
            let row = self.next_row;
            self.next_row =
                row.checked_add(1).ok_or_else(|| Error::Export("too many rows".into()))?;
            for (c, cell) in cells(self.list, self.rows, r).into_iter().enumerate() {
                let c = u16::try_from(c).map_err(|_| Error::Export("too many columns".into()))?;
                match cell {
                    Cell::Text(s) => sheet.write_string(row, c, s).map(|_| ()),
                    // Amounts stay below 2^53, where a spreadsheet number is exact.
                    Cell::Int(n) => {
                        sheet.write_number_with_format(row, c, n as f64, &self.money).map(|_| ())
                    }
                    Cell::Empty => Ok(()),
                }
                .map_err(xlsx_err)?;
            }
        }
        Ok(())
    }

    /// Zips the workbook into `out`; returns it.
    pub fn finish<W: Write + Send>(mut self, mut out: W) -> Result<W> {
        self.book.save_to_writer(&mut out).map_err(xlsx_err)?;
        out.flush().map_err(csv_err)?;
        Ok(out)
    }
}

/// What the D05-TS XML states that no source we read confirms (policy.md §8.4 gives only the
/// per-record element names, from a secondary source). Written into every XML list.
pub const XML_UNVERIFIED: &str = "Chưa đối chiếu với đặc tả chính thức của BHXH Việt Nam \
(UNVERIFIED): tên các phần tử của từng người lấy từ nguồn thứ cấp; phần tử gốc và các phần tử \
bao (D05TS, ThongTin, Nhom, NguoiThamGia), cách chia nhóm (tham gia mới: chưa có mã số BHXH; \
tiếp tục: đã có), cách đánh STT trong từng nhóm, mã Phuongthuc (theo thứ tự khoản 2 Điều 36 Luật \
BHXH 2024), TienHotro là số tiền NSNN hỗ trợ, định dạng số và tháng là cách hiểu của chúng tôi. \
Để trống vì chưa rõ nghĩa: PA, Heso, CCNS, Loai; Mahuyen_DangSS để trống vì không còn cấp huyện \
từ 01/7/2025. Kiểm tra trước khi nộp.";

/// One group of the XML list, as the paper list groups its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XmlGroup {
    /// New participants: no social insurance code yet (column C empty).
    New,
    /// Participants continuing or renewing: they have a social insurance code.
    Continuing,
}

impl XmlGroup {
    /// Both groups, in the order of the list.
    pub const ALL: [XmlGroup; 2] = [XmlGroup::New, XmlGroup::Continuing];

    /// The group a row belongs to: what column C of the CSV already tells apart.
    pub fn of(row: &ListRow) -> Self {
        if row.si_code.trim().is_empty() { XmlGroup::New } else { XmlGroup::Continuing }
    }

    /// The group's number on the list.
    pub const fn code(self) -> &'static str {
        match self {
            XmlGroup::New => "I",
            XmlGroup::Continuing => "II",
        }
    }

    /// The group's heading.
    pub const fn name(self) -> &'static str {
        match self {
            XmlGroup::New => "Tham gia mới (chưa có mã số BHXH)",
            XmlGroup::Continuing => "Tiếp tục tham gia, tái tục (đã có mã số BHXH)",
        }
    }
}

/// Text as it may stand in XML 1.0, in NFC: characters XML cannot carry even escaped (C0
/// controls but tab and line feed; a carriage return would be read back as a line feed) become
/// U+FFFD, visible rather than silently gone.
fn xml_text(s: &str) -> String {
    s.nfc()
        .map(|c| match c {
            '\t' | '\n' => c,
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// A percentage for XML: a decimal point (`45.50`), not the CSV's comma.
fn xml_pct(s: &str) -> String {
    s.replace(',', ".")
}

fn xml_err(e: std::io::Error) -> Error {
    Error::Export(format!("writing the XML list: {e}"))
}

/// One element with text content (escaped by quick-xml: `<`, `>`, `&`, `'`, `"`).
fn element<W: Write>(w: &mut Writer<W>, name: &str, text: &str) -> Result<()> {
    w.create_element(name).write_text_content(BytesText::new(&xml_text(text))).map_err(xml_err)?;
    Ok(())
}

fn participant<W: Write>(w: &mut Writer<W>, no: usize, r: &ListRow) -> Result<()> {
    let opt = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    w.write_event(Event::Start(BytesStart::new("NguoiThamGia"))).map_err(xml_err)?;
    let fields: [(&str, String); 26] = [
        ("STT", no.to_string()),
        ("HoTen", r.full_name.clone()),
        ("MasoBHXH", r.si_code.clone()),
        ("MucTien", opt(r.income)),
        ("Tuthang", r.from_month.clone()),
        ("Sothang", r.months.to_string()),
        ("Tongtien", r.amount_due.to_string()),
        ("TienTudong", r.amount_paid.to_string()),
        ("TienHotro", r.national_amount.to_string()),
        ("Ghichu", r.notes.clone()),
        ("PA", String::new()),
        ("Tyle", xml_pct(&r.contribution_pct)),
        ("TyleNSNN", xml_pct(&r.national_pct)),
        ("Heso", String::new()),
        ("Phuongthuc", r.payment_mode.clone()),
        ("CCNS", String::new()),
        ("ID", r.personal_id.clone()),
        ("Loai", String::new()),
        ("TyleNSDP", xml_pct(&r.local_pct)),
        ("TienNSDP", r.local_amount.to_string()),
        ("TyleHotroKhac", xml_pct(&r.other_pct)),
        ("TienHotroKhac", r.other_amount.to_string()),
        ("Matinh_DangSS", r.province_code.clone()),
        ("Mahuyen_DangSS", String::new()),
        ("Maxa_DangSS", r.commune_code.clone()),
        ("Diachi_DangSS", r.address.clone()),
    ];
    for (name, text) in &fields {
        element(w, name, text)?;
    }
    w.write_event(Event::End(BytesEnd::new("NguoiThamGia"))).map_err(xml_err)?;
    Ok(())
}

/// Writes the D05-TS list of `month` (`YYYY-MM`; `commune`: one commune, or all) as XML to
/// `out` ([`D05Xml`] over `rows`): the declaration, a comment and a `ThongTin` block saying
/// what is unverified, then the groups of [`XmlGroup::ALL`], each participant numbered within
/// its group. Returns `out`.
pub fn write_d05_xml<W: Write>(
    out: W,
    month: &str,
    commune: Option<&str>,
    rows: &[ListRow],
) -> Result<W> {
    let mut xml = D05Xml::new()?;
    xml.add(rows)?;
    xml.finish(out, month, commune)
}

/// One group's participants, written as they come to a temporary file: the list states each
/// group's count before its rows, so they wait there, never in memory.
struct Spill {
    w: Writer<std::io::BufWriter<std::fs::File>>,
    /// Where the participants start (after the two elements opened to set the indent).
    start: u64,
    count: usize,
}

impl Spill {
    fn new() -> Result<Self> {
        let file = tempfile::tempfile().map_err(xml_err)?;
        let mut w = Writer::new_with_indent(std::io::BufWriter::new(file), b' ', 2);
        // The participants sit two levels deep (D05TS, Nhom): opened here so that they are
        // indented as in the list, and skipped when copied.
        for name in ["D05TS", "Nhom"] {
            w.write_event(Event::Start(BytesStart::new(name))).map_err(xml_err)?;
        }
        w.get_mut().flush().map_err(xml_err)?;
        let start = std::io::Seek::stream_position(w.get_mut().get_mut()).map_err(xml_err)?;
        Ok(Self { w, start, count: 0 })
    }

    /// Copies the participants to `out`.
    fn copy_to(self, out: &mut impl Write) -> Result<()> {
        use std::io::Seek;
        let mut file = self.w.into_inner().into_inner().map_err(|e| xml_err(e.into_error()))?;
        file.seek(std::io::SeekFrom::Start(self.start)).map_err(xml_err)?;
        std::io::copy(&mut file, out).map_err(xml_err)?;
        Ok(())
    }
}

/// The D05-TS list written as XML as its rows come ([`write_d05_xml`] in one go): each row
/// goes to its group's temporary file, numbered within the group; [`D05Xml::finish`] writes
/// the document around them with the counts.
pub struct D05Xml {
    groups: [Spill; 2],
}

impl D05Xml {
    /// An empty list.
    pub fn new() -> Result<Self> {
        Ok(Self { groups: [Spill::new()?, Spill::new()?] })
    }

    /// Adds the next rows.
    pub fn add(&mut self, rows: &[ListRow]) -> Result<()> {
        for r in rows {
            let g = &mut self.groups[usize::from(XmlGroup::of(r) == XmlGroup::Continuing)];
            g.count += 1;
            participant(&mut g.w, g.count, r)?;
        }
        Ok(())
    }

    /// Writes the document to `out`; returns it.
    pub fn finish<W: Write>(self, out: W, month: &str, commune: Option<&str>) -> Result<W> {
        let total: usize = self.groups.iter().map(|g| g.count).sum();
        let mut w = Writer::new_with_indent(out, b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).map_err(xml_err)?;
        // A comment may not hold "--"; the text has none (checked by a test).
        let comment = format!(" {} ", XML_UNVERIFIED);
        w.write_event(Event::Comment(BytesText::from_escaped(comment))).map_err(xml_err)?;
        w.write_event(Event::Start(BytesStart::new("D05TS"))).map_err(xml_err)?;
        w.write_event(Event::Start(BytesStart::new("ThongTin"))).map_err(xml_err)?;
        element(&mut w, "MauSo", List::D05.name())?;
        element(&mut w, "Thang", month)?;
        element(&mut w, "MaXa", commune.unwrap_or(""))?;
        element(&mut w, "SoNguoi", &total.to_string())?;
        element(&mut w, "ChuaDoiChieu", XML_UNVERIFIED)?;
        w.write_event(Event::End(BytesEnd::new("ThongTin"))).map_err(xml_err)?;
        for (group, spill) in XmlGroup::ALL.into_iter().zip(self.groups) {
            w.write_event(Event::Start(BytesStart::new("Nhom"))).map_err(xml_err)?;
            element(&mut w, "MaNhom", group.code())?;
            element(&mut w, "TenNhom", group.name())?;
            element(&mut w, "SoNguoi", &spill.count.to_string())?;
            spill.copy_to(w.get_mut())?;
            w.write_event(Event::End(BytesEnd::new("Nhom"))).map_err(xml_err)?;
        }
        w.write_event(Event::End(BytesEnd::new("D05TS"))).map_err(xml_err)?;
        let mut out = w.into_inner();
        out.write_all(b"\n").map_err(xml_err)?;
        out.flush().map_err(xml_err)?;
        Ok(out)
    }
}

/// The list as XML in memory ([`write_d05_xml`]); only D05-TS has an XML form (policy.md
/// names no D03-TS elements).
pub fn to_xml(list: List, month: &str, commune: Option<&str>, rows: &[ListRow]) -> Result<Vec<u8>> {
    if list != List::D05 {
        return Err(Error::Export(format!(
            "{} has no XML form: only D05-TS's elements are known",
            list.name()
        )));
    }
    write_d05_xml(Vec::new(), month, commune, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ListRow {
        ListRow {
            full_name: "NGUYỄN THỊ HỒNG NHUNG".into(),
            personal_id: "001179012345".into(),
            address: "Thôn 3, Xã A, \"Hà Nội\"".into(),
            receipt_date: "22/11/2026".into(),
            receipt_no: "12".into(),
            income: Some(1_500_000),
            months: 3,
            from_month: "11/2026".into(),
            amount_due: 990_000,
            amount_paid: 594_000,
            national_pct: "40".into(),
            national_amount: 396_000,
            collector_code: "AG01".into(),
            ..ListRow::default()
        }
    }

    #[test]
    fn d05_csv_has_the_form_columns_in_order() -> Result<()> {
        let csv = to_csv(List::D05, &[row(), row()])?;
        let text = String::from_utf8(csv).map_err(|e| Error::Export(e.to_string()))?;
        let text = text.strip_prefix('\u{feff}').ok_or(Error::Export("no BOM".into()))?;
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let headers: Vec<String> = r
            .headers()
            .map_err(|e| Error::Export(e.to_string()))?
            .iter()
            .map(String::from)
            .collect();
        assert_eq!(headers.len(), 20);
        assert_eq!(headers[0], "A. STT");
        assert_eq!(headers[7], "5. Mức thu nhập tháng đóng BHXH");
        assert_eq!(headers[19], "17. Ghi chú");
        let rows: Vec<csv::StringRecord> = r
            .records()
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::Export(e.to_string()))?;
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[1][0], "2");
        assert_eq!(&rows[0][1], "NGUYỄN THỊ HỒNG NHUNG");
        assert_eq!(&rows[0][4], "Thôn 3, Xã A, \"Hà Nội\"");
        assert_eq!((&rows[0][10], &rows[0][11], &rows[0][13]), ("990000", "594000", "396000"));
        Ok(())
    }

    #[test]
    fn text_that_a_spreadsheet_would_run_is_neutralised() {
        for formula in ["=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(neutralise(formula), format!("'{formula}"));
        }
        for text in ["Bưu điện xã A", "12", "02/2027", "", "a=1"] {
            assert_eq!(neutralise(text), text);
        }
    }

    /// The formulas a record typed at the counter could carry, and what the CSV cell must be.
    const FORMULAS: [&str; 6] = [
        "=HYPERLINK(\"http://x\",\"y\")",
        "+cmd|' /C calc'!A0",
        "-12 Lê Lợi",
        "@SUM(1)",
        "\t=1+2",
        "\r=1+2",
    ];

    fn csv_rows(bytes: Vec<u8>) -> Result<Vec<csv::StringRecord>> {
        let text = String::from_utf8(bytes).map_err(|e| Error::Export(e.to_string()))?;
        let text = text.strip_prefix('\u{feff}').ok_or(Error::Export("no BOM".into()))?;
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::Export(e.to_string()))
    }

    #[test]
    fn list_csv_text_cells_are_neutralised_and_amounts_stay_numbers() -> Result<()> {
        for formula in FORMULAS {
            let mut r = row();
            r.full_name = format!("+{formula}");
            r.address = formula.to_string();
            r.notes = formula.to_string();
            for list in [List::D05, List::D03] {
                let rows = csv_rows(to_csv(list, &[r.clone()])?)?;
                let cells: Vec<&str> = rows[0].iter().collect();
                let address = if list == List::D05 { 4 } else { 7 };
                assert_eq!(cells[1], format!("'+{formula}"), "{list:?} name");
                assert_eq!(cells[address], format!("'{formula}"), "{list:?} address");
                assert_eq!(cells.last().copied(), Some(format!("'{formula}").as_str()));
                for cell in &cells {
                    assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?}");
                }
                let due = if list == List::D05 { 10 } else { 13 };
                assert_eq!((cells[0], cells[due]), ("1", "990000"), "numbers stay numbers");
            }
        }
        Ok(())
    }

    #[test]
    fn double_payment_csv_text_cells_are_neutralised_and_amounts_stay_numbers() -> Result<()> {
        let paid = |label: &str| PaidOn {
            device_id: 3,
            device_label: label.to_string(),
            receipt_no: Some(7),
            record_id: "ab".repeat(16),
            day: "2026-11-22".into(),
            paid_from: "2026-12".into(),
            paid_until: "2027-02".into(),
            amount: 594_000,
        };
        let rows = [DoublePayment {
            masked_name: "@SUM(1)".into(),
            scheme: "voluntary-si".into(),
            first: paid("=HYPERLINK(\"http://x\",\"y\")"),
            second: paid("Bưu điện xã A"),
        }];
        let got = csv_rows(double_payments_csv(&rows)?)?;
        let cells: Vec<&str> = got[0].iter().collect();
        assert_eq!(cells[1], "'@SUM(1)");
        assert_eq!(cells[3], "'=HYPERLINK(\"http://x\",\"y\") (thiết bị 3)");
        assert_eq!((cells[0], cells[8], cells[14]), ("1", "594000", "594000"));
        assert_eq!(cells[9], "Bưu điện xã A (thiết bị 3)");
        Ok(())
    }

    /// The XLSX writer keeps such text as text: a shared string, no formula anywhere.
    #[test]
    fn xlsx_never_turns_text_into_a_formula() -> std::result::Result<(), Box<dyn std::error::Error>>
    {
        use std::io::Read;
        let mut r = row();
        r.address = FORMULAS[0].to_string();
        r.full_name = FORMULAS[1].to_string();
        let bytes = to_xlsx(List::D05, "D05-TS", &[r])?;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
        let mut read = |name: &str| -> std::result::Result<String, Box<dyn std::error::Error>> {
            let mut text = String::new();
            zip.by_name(name)?.read_to_string(&mut text)?;
            Ok(text)
        };
        let sheet = read("xl/worksheets/sheet1.xml")?;
        let strings = read("xl/sharedStrings.xml")?;
        assert!(!sheet.contains("<f>") && !sheet.contains("<f "), "a formula cell: {sheet}");
        assert!(strings.contains("<t>=HYPERLINK(\"http://x\",\"y\")</t>"), "{strings}");
        assert!(strings.contains("<t>+cmd|' /C calc'!A0</t>"), "{strings}");
        Ok(())
    }

    #[test]
    fn xlsx_is_a_workbook() -> Result<()> {
        let bytes = to_xlsx(List::D03, "D03-TS", &[row()])?;
        assert_eq!(&bytes[..2], b"PK");
        assert_eq!(columns(List::D03).len(), cells(List::D03, 1, &row()).len());
        assert_eq!(columns(List::D05).len(), cells(List::D05, 1, &row()).len());
        Ok(())
    }

    /// XML text is escaped, NFC and free of characters XML cannot carry; rows fall in their
    /// group, numbered within it; the unverified parts are stated; D03-TS has no XML form.
    #[test]
    fn xml_escapes_normalises_and_groups() -> std::result::Result<(), Box<dyn std::error::Error>> {
        let mut new = row();
        // "Ễ" decomposed (E + circumflex + tilde) and markup characters typed at the counter.
        new.full_name = "NGUYE\u{302}\u{303}N <A> & \"B\" 'C'\u{7}".into();
        let mut continuing = row();
        continuing.si_code = "0112345678".into();
        let text = String::from_utf8(to_xml(
            List::D05,
            "2026-11",
            Some("09556"),
            &[continuing.clone(), new, continuing],
        )?)?;
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- "), "{text}");
        assert!(
            text.contains(
                "<HoTen>NGUYỄN &lt;A&gt; &amp; &quot;B&quot; &apos;C&apos;\u{fffd}</HoTen>"
            )
        );
        assert!(!XML_UNVERIFIED.contains("--"), "a comment may not hold --");
        assert_eq!(
            text.matches(&format!("<ChuaDoiChieu>{XML_UNVERIFIED}</ChuaDoiChieu>")).count(),
            1
        );
        let new_at = text.find("<MaNhom>I</MaNhom>").ok_or("no group I")?;
        let continuing_at = text.find("<MaNhom>II</MaNhom>").ok_or("no group II")?;
        let (group_i, group_ii) = (&text[new_at..continuing_at], &text[continuing_at..]);
        assert_eq!(group_i.matches("<NguoiThamGia>").count(), 1);
        assert_eq!(group_ii.matches("<NguoiThamGia>").count(), 2);
        assert!(group_ii.contains("<STT>1</STT>") && group_ii.contains("<STT>2</STT>"));
        assert!(group_ii.contains("<MasoBHXH>0112345678</MasoBHXH>"));
        assert!(
            text.contains("<TyleNSNN>40</TyleNSNN>")
                && text.contains("<Mahuyen_DangSS></Mahuyen_DangSS>")
        );
        assert!(to_xml(List::D03, "2026-11", None, &[row()]).is_err());
        Ok(())
    }
}
