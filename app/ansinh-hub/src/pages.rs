//! The admin pages, rendered on the server as plain HTML (no script, no external file), so
//! they work in any browser on a slow link and print well: the admin index (tokens, devices,
//! problems, exports), the dashboard (progress against the plan with SVG charts drawn here)
//! and the follow-up list of lapsed participants.
//!
//! Every number on the dashboard carries a `data-*` attribute so tests (and scripts) can read
//! it without parsing text.

use std::fmt::Write;

use crate::exports::{scheme_name, vn_date};
use crate::hub::{DoublePayment, PaidOn};
use crate::plan::{Figures, LapsedParticipant, MonthPoint, Progress, Standing};
use crate::store::{AuditProblem, Device, HeldAuditEntry, HubAction, Problem, Tally, TokenInfo};

/// Escapes text for HTML element content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `1234567` → `1.234.567` (Vietnamese grouping).
pub(crate) fn dong(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn date(t: i64) -> String {
    let d = crate::civil::Day::of(t);
    d.vn()
}

const STYLE: &str = "body{font-family:'Noto Sans',system-ui,sans-serif;margin:1.5rem;color:#1b1b1b;max-width:70rem}\
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse;margin:.5rem 0}\
th,td{border:1px solid #bbb;padding:.3rem .6rem;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}\
.ok{color:#116b2f}.low{color:#9c1c1c}tr.alarmed td.alarms{background:#fde2e2;color:#9c1c1c;font-weight:700}nav a{margin-right:1rem}form{margin:.5rem 0}\
input,select,button{font-size:1rem;padding:.2rem .4rem}.token{font-family:monospace;font-size:1.4rem;background:#f3f3a0;padding:.4rem}\
svg text{font-size:11px;font-family:sans-serif}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{t}</title><style>{STYLE}</style></head><body>\
         <nav><a href=\"/admin\">Quản trị</a><a href=\"/admin/dashboard\">Tiến độ</a>\
         <a href=\"/admin/renewals\">Sắp hết hạn</a><a href=\"/admin/lapsed\">Dừng đóng</a><a href=\"/admin/fleet\">Thiết bị</a>\
         <a href=\"/admin/audit\">Nhật ký</a></nav>\n<h1>{t}</h1>\n{body}\n</body></html>\n",
        t = esc(title)
    )
}

fn commune_name(code: &str) -> String {
    ansinh_geo::commune(code).map_or_else(|| code.to_string(), |c| c.name.to_string())
}

/// The admin index: token form and list, devices with a revoke button, problems, exports.
pub(crate) fn admin_index(
    tokens: &[TokenInfo],
    devices: &[(Device, ansinh_wire::Assignment)],
    problems: &[Problem],
    month: &str,
    new_token: Option<&str>,
) -> String {
    let mut b = String::new();
    if let Some(t) = new_token {
        let _ = write!(
            b,
            "<p>Mã đăng ký mới (chỉ hiện một lần, dùng một lần):</p><p class=\"token\" id=\"new-token\">{}</p>",
            esc(t)
        );
    }
    b.push_str(
        "<h2>Đăng ký thiết bị</h2>\
         <form method=\"post\" action=\"/admin/tokens\"><label>Ghi chú (điểm thu) \
         <input name=\"label\" maxlength=\"120\" required></label> \
         <label>Hiệu lực (giờ) <input name=\"valid_hours\" type=\"number\" min=\"1\" max=\"720\" value=\"24\"></label> \
         <button>Tạo mã đăng ký</button></form>\
         <table><tr><th>Mã</th><th>Ghi chú</th><th>Tạo lúc</th><th>Hết hạn</th><th>Thiết bị</th></tr>",
    );
    for t in tokens {
        let _ = write!(
            b,
            "<tr><td>{}…</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&t.hint),
            esc(&t.label),
            date(t.created_at),
            date(t.expires_at),
            t.device_id.map_or_else(|| "chưa dùng".to_string(), |d| d.to_string())
        );
    }
    b.push_str("</table><h2>Thiết bị</h2><table><tr><th>Số</th><th>Điểm thu</th><th>Đăng ký</th><th>Lần cuối</th><th>Trạng thái</th><th>Phân công</th><th></th></tr>");
    for (d, a) in devices {
        let agents: Vec<String> =
            a.agents.iter().map(|g| format!("{} {}", g.code, g.name)).collect();
        let assigned = format!(
            "{}<br>Xã: {}<br>Nhân viên: {}",
            esc(&a.collection_point),
            if a.communes.is_empty() {
                "(mọi xã)".to_string()
            } else {
                esc(&a.communes.join(", "))
            },
            if agents.is_empty() {
                "(mọi người)".to_string()
            } else {
                esc(&agents.join(", "))
            }
        );
        let state = match d.revoked_at {
            Some(t) => format!("đã thu hồi {}", date(t)),
            None => "đang dùng".to_string(),
        };
        let button = if d.revoked_at.is_none() {
            format!(
                "<form method=\"post\" action=\"/admin/devices/{}/revoke\"><button>Thu hồi</button></form>",
                d.id
            )
        } else {
            String::new()
        };
        let _ = write!(
            b,
            "<tr data-device=\"{id}\"><td>{id}</td><td>{}</td><td>{}</td><td>{}</td><td>{state}</td><td class=\"assigned\">{assigned}</td><td>{button}</td></tr>",
            esc(&d.label),
            date(d.registered_at),
            d.last_seen_at.map(date).unwrap_or_default(),
            id = d.id,
        );
    }
    b.push_str("</table><h2>Hồ sơ cần xem (xung đột, bị từ chối, ngoài phân công)</h2><table id=\"problems\"><tr><th>Mã hồ sơ</th><th>Thiết bị</th><th>Lý do</th><th>Nhận lúc</th></tr>");
    for p in problems {
        let _ = write!(
            b,
            "<tr data-code=\"{code}\"><td>{}</td><td>{}</td><td>{code}</td><td>{}</td></tr>",
            esc(&p.record_id),
            p.device_id,
            date(p.received_at),
            code = esc(&p.code),
        );
    }
    let _ = write!(
        b,
        "</table><h2>Danh sách thu (D05-TS, D03-TS)</h2>\
         <form method=\"get\" action=\"/admin/exports\"><select name=\"list\"><option value=\"d05\">D05-TS (BHXH tự nguyện)</option>\
         <option value=\"d03\">D03-TS (BHYT hộ gia đình)</option></select> \
         <label>Mã xã <input name=\"commune\" pattern=\"[0-9]{{5}}\" size=\"6\"></label> \
         <label>Tháng <input name=\"month\" type=\"month\" value=\"{m}\" required></label> \
         <select name=\"format\"><option>xlsx</option><option>csv</option><option value=\"xml\">xml (D05-TS, nộp điện tử)</option></select> <button>Tải về</button></form>",
        m = esc(month)
    );
    page("Máy chủ thu ansinh — quản trị", &b)
}

fn opt(v: Option<i64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn pct_class(p: Option<i64>) -> &'static str {
    match p {
        Some(p) if p >= 100 => " class=\"n ok\"",
        Some(_) => " class=\"n low\"",
        None => " class=\"n\"",
    }
}

/// The cells of one period's figures: participants, target, percentage (`prefix` names their
/// `data-*` attributes: `data-participants`, `data-ytd-participants` …).
fn figure_cells(f: &Figures, prefix: &str) -> String {
    let pc = f.percent();
    format!(
        "<td class=\"n\" data-{prefix}participants=\"{p}\">{p}</td>\
         <td class=\"n\" data-{prefix}target=\"{tg}\">{tg}</td>\
         <td{class} data-{prefix}percent=\"{pcv}\">{pcd}</td>",
        p = f.participants,
        tg = opt(f.target),
        class = pct_class(pc),
        pcv = opt(pc),
        pcd = pc.map(|x| format!("{x}%")).unwrap_or_default(),
    )
}

/// A standing's row: the month (records, participants, BHYT members, amount, target, %), the
/// same month last year, the year to date against its target and last year's, the lapses.
fn standing_cells(s: &Standing, lapsed_link: Option<String>) -> String {
    let m = &s.month;
    let follow = match lapsed_link {
        Some(href) if s.lapsed.to_follow_up > 0 => {
            format!("<a href=\"{}\">{}</a>", esc(&href), s.lapsed.to_follow_up)
        }
        _ => s.lapsed.to_follow_up.to_string(),
    };
    format!(
        "<td class=\"n\" data-records=\"{r}\">{r}</td>{month}\
         <td class=\"n\" data-bhyt-members=\"{bm}\">{bm}{bt}</td>\
         <td class=\"n\" data-amount=\"{a}\">{ad}</td>\
         <td class=\"n\" data-last-year=\"{ly}\">{ly}</td>{ytd}\
         <td class=\"n\" data-last-year-ytd=\"{lyy}\">{lyy}</td>\
         <td class=\"n\" data-lapsed-month=\"{lm}\">{lm}</td>\
         <td class=\"n\" data-lapsed-ytd=\"{lytd}\">{lytd}</td>\
         <td class=\"n\" data-lapsed-last-year=\"{lly}\">{lly}</td>\
         <td class=\"n\" data-follow-up=\"{fu}\">{follow}</td>",
        r = m.records,
        month = figure_cells(m, ""),
        bm = m.bhyt_members,
        bt = m.bhyt_target.map(|t| format!(" / {t}")).unwrap_or_default(),
        a = m.amount,
        ad = dong(m.amount),
        ly = s.last_year.participants,
        ytd = figure_cells(&s.year_to_date, "ytd-"),
        lyy = s.last_year_to_date.participants,
        lm = s.lapsed.month,
        lytd = s.lapsed.year_to_date,
        lly = s.lapsed.last_year,
        fu = s.lapsed.to_follow_up,
    )
}

const STANDING_HEAD: &str = "<tr><th rowspan=\"2\">Mã</th><th rowspan=\"2\">Tên</th>\
<th colspan=\"7\">Trong tháng</th><th colspan=\"4\">Từ đầu năm</th><th colspan=\"4\">Giảm (dừng đóng)</th></tr>\
<tr><th>Hồ sơ</th><th>Người tham gia</th><th>Chỉ tiêu</th><th>Đạt</th><th>BHYT hộ GĐ (/ chỉ tiêu)</th><th>Số tiền (đ)</th>\
<th>Cùng kỳ năm trước</th><th>Người tham gia</th><th>Chỉ tiêu</th><th>Đạt</th><th>Cùng kỳ năm trước</th>\
<th>Trong tháng</th><th>Từ đầu năm</th><th>Cùng kỳ năm trước</th><th>Cần liên hệ</th></tr>";

fn standing_rows(b: &mut String, kind: &str, rows: &[Standing]) {
    for s in rows {
        let link = match kind {
            "commune" => Some(format!("/admin/lapsed?commune={}", s.key)),
            "agent" => Some(format!("/admin/lapsed?agent={}", s.key)),
            _ => None,
        };
        let _ = write!(
            b,
            "<tr data-{kind}=\"{k}\"><td>{k}</td><td>{name}</td>{cells}</tr>",
            k = esc(&s.key),
            name = esc(&s.name),
            cells = standing_cells(s, link),
        );
    }
}

/// An SVG bar chart of participants per day, with each bar's number written on it.
fn chart(days: &[Tally]) -> String {
    let width = 640_i64;
    let height = 200_i64;
    let max = days.iter().map(|d| d.participants).max().unwrap_or(0).max(1);
    let n = i64::try_from(days.len()).unwrap_or(1).max(1);
    // At most 60 px a day, so one day does not fill the whole chart with one block.
    let slot = ((width - 40) / n).min(60);
    let bar = (slot * 3 / 4).max(2);
    let mut s = format!(
        "<svg id=\"chart\" role=\"img\" aria-label=\"Người tham gia theo ngày\" width=\"{width}\" height=\"{h}\" viewBox=\"0 0 {width} {h}\">",
        h = height + 40
    );
    let _ = write!(
        s,
        "<line x1=\"30\" y1=\"{height}\" x2=\"{width}\" y2=\"{height}\" stroke=\"#555\"/>"
    );
    for (i, d) in days.iter().enumerate() {
        let i = i64::try_from(i).unwrap_or(0);
        let h = d.participants * (height - 20) / max;
        let x = 35 + i * slot;
        let y = height - h;
        let day = d.key.get(8..10).unwrap_or(&d.key);
        let _ = write!(
            s,
            "<g class=\"bar\" data-day=\"{k}\" data-participants=\"{p}\"><title>{k}: {p}</title>\
             <rect x=\"{x}\" y=\"{y}\" width=\"{bar}\" height=\"{h}\" fill=\"#2b6cb0\"/>\
             <text x=\"{tx}\" y=\"{ty}\" text-anchor=\"middle\">{p}</text>\
             <text x=\"{tx}\" y=\"{ly}\" text-anchor=\"middle\">{day}</text></g>",
            k = esc(&d.key),
            p = d.participants,
            tx = x + bar / 2,
            ty = (y - 4).max(10),
            ly = height + 15,
            day = esc(day),
        );
    }
    s.push_str("</svg>");
    s
}

/// Height of the plot area of the plan charts, px (a value `v` of at most `max` is drawn
/// `v * PLOT / max` high; `data-plot` and `data-max` on the chart say so for checks).
const PLOT: i64 = 180;

/// The scale both charts share: the largest value drawn (at least 1), the width given to a
/// month and the y of the axis.
struct Frame {
    max: i64,
    slot: i64,
    base: i64,
}

/// A chart's `<svg>` opening (id, accessible label, size with `below` pixels under the axis, its
/// scale in `data-` attributes) and its axis, for twelve months of `values`.
fn chart_frame(
    id: &str,
    label: &str,
    below: i64,
    values: impl Iterator<Item = i64>,
) -> (String, Frame) {
    let frame = Frame { max: values.max().unwrap_or(0).max(1), slot: 50, base: PLOT + 10 };
    let (max, base) = (frame.max, frame.base);
    let width = 40 + frame.slot * 12;
    let svg = format!(
        "<svg id=\"{id}\" role=\"img\" aria-label=\"{label}\" \
         width=\"{width}\" height=\"{h}\" viewBox=\"0 0 {width} {h}\" data-plot=\"{PLOT}\" data-max=\"{max}\">\
         <line x1=\"30\" y1=\"{base}\" x2=\"{width}\" y2=\"{base}\" stroke=\"#555\"/>",
        h = base + below,
    );
    (svg, frame)
}

/// The year's months against the plan: this year's participants (blue bar), the same month
/// last year (grey bar), the month's target (red line across the month).
fn plan_chart(months: &[MonthPoint]) -> String {
    let values = months.iter().flat_map(|m| [m.participants, m.last_year, m.target.unwrap_or(0)]);
    let (mut s, Frame { max, slot, base }) =
        chart_frame("plan-chart", "Người tham gia theo tháng so với chỉ tiêu", 40, values);
    for (i, m) in months.iter().enumerate() {
        let x = 35 + i64::try_from(i).unwrap_or(0) * slot;
        let h = m.participants * PLOT / max;
        let lh = m.last_year * PLOT / max;
        let label = m.month.get(5..7).unwrap_or(&m.month);
        let _ = write!(
            s,
            "<g class=\"month\" data-month=\"{k}\" data-participants=\"{p}\" data-target=\"{t}\" data-last-year=\"{l}\">\
             <title>{k}: {p} / chỉ tiêu {t}; cùng kỳ {l}</title>\
             <rect class=\"this-year\" x=\"{x}\" y=\"{y}\" width=\"22\" height=\"{h}\" fill=\"#2b6cb0\"/>\
             <rect class=\"last-year\" x=\"{lx}\" y=\"{ly}\" width=\"12\" height=\"{lh}\" fill=\"#a0aec0\"/>\
             <text x=\"{tx}\" y=\"{ty}\" text-anchor=\"middle\">{p}</text>\
             <text x=\"{tx}\" y=\"{my}\" text-anchor=\"middle\">{label}</text>",
            k = esc(&m.month),
            p = m.participants,
            t = opt(m.target),
            l = m.last_year,
            y = base - h,
            lx = x + 24,
            ly = base - lh,
            tx = x + 17,
            ty = (base - h - 4).max(10),
            my = base + 15,
            label = esc(label),
        );
        if let Some(t) = m.target {
            let _ = write!(
                s,
                "<line class=\"target\" x1=\"{x1}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"#c53030\" stroke-width=\"3\"/>",
                x1 = x - 3,
                x2 = x + 39,
                y = base - t * PLOT / max,
            );
        }
        s.push_str("</g>");
    }
    let _ = write!(
        s,
        "<g font-size=\"11\"><rect x=\"40\" y=\"{ly}\" width=\"10\" height=\"10\" fill=\"#2b6cb0\"/>\
         <text x=\"54\" y=\"{ty}\">năm nay</text><rect x=\"120\" y=\"{ly}\" width=\"10\" height=\"10\" fill=\"#a0aec0\"/>\
         <text x=\"134\" y=\"{ty}\">cùng kỳ năm trước</text><line x1=\"250\" y1=\"{lm}\" x2=\"266\" y2=\"{lm}\" stroke=\"#c53030\" stroke-width=\"3\"/>\
         <text x=\"270\" y=\"{ty}\">chỉ tiêu</text></g></svg>",
        ly = base + 25,
        ty = base + 34,
        lm = base + 30,
    );
    s
}

/// The year to date against the plan: participants and targets added up month by month, as
/// two lines with a point a month.
fn year_chart(months: &[MonthPoint]) -> String {
    let values = months.iter().flat_map(|m| [m.cumulative, m.cumulative_target.unwrap_or(0)]);
    let (mut s, Frame { max, slot, base }) =
        chart_frame("ytd-chart", "Lũy kế từ đầu năm so với chỉ tiêu", 25, values);
    let xs = |i: usize| 46 + i64::try_from(i).unwrap_or(0) * slot;
    let done: Vec<String> = months
        .iter()
        .enumerate()
        .map(|(i, m)| format!("{},{}", xs(i), base - m.cumulative * PLOT / max))
        .collect();
    let planned: Vec<String> = months
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            Some(format!("{},{}", xs(i), base - m.cumulative_target? * PLOT / max))
        })
        .collect();
    let _ = write!(
        s,
        "<polyline class=\"planned\" points=\"{}\" fill=\"none\" stroke=\"#c53030\" stroke-dasharray=\"6 4\" stroke-width=\"2\"/>\
         <polyline class=\"done\" points=\"{}\" fill=\"none\" stroke=\"#2b6cb0\" stroke-width=\"2\"/>",
        planned.join(" "),
        done.join(" ")
    );
    for (i, m) in months.iter().enumerate() {
        let _ = write!(
            s,
            "<circle class=\"point\" data-month=\"{k}\" data-cumulative=\"{c}\" data-cumulative-target=\"{t}\" \
             cx=\"{x}\" cy=\"{y}\" r=\"4\" fill=\"#2b6cb0\"><title>{k}: {c} / {t}</title></circle>\
             <text x=\"{x}\" y=\"{ly}\" text-anchor=\"middle\">{label}</text>",
            k = esc(&m.month),
            c = m.cumulative,
            t = opt(m.cumulative_target),
            x = xs(i),
            y = base - m.cumulative * PLOT / max,
            ly = base + 15,
            label = esc(m.month.get(5..7).unwrap_or(&m.month)),
        );
    }
    s.push_str("</svg>");
    s
}

/// `12/2026–02/2027` (one month: `12/2026`).
fn period(from: &str, until: &str) -> String {
    if from == until { vn_date(from) } else { format!("{}–{}", vn_date(from), vn_date(until)) }
}

fn paid_cells(p: &PaidOn) -> String {
    format!(
        "<td>{} (thiết bị {})</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td>",
        esc(&p.device_label),
        p.device_id,
        p.receipt_no.map(|n| n.to_string()).unwrap_or_default(),
        esc(&vn_date(&p.day)),
        esc(&period(&p.paid_from, &p.paid_until)),
        dong(i64::try_from(p.amount).unwrap_or(i64::MAX)),
    )
}

fn paid_data(side: &str, p: &PaidOn) -> String {
    format!(
        " data-{side}-device=\"{}\" data-{side}-receipt=\"{}\" data-{side}-period=\"{}\" data-{side}-amount=\"{}\"",
        p.device_id,
        p.receipt_no.map(|n| n.to_string()).unwrap_or_default(),
        esc(&period(&p.paid_from, &p.paid_until)),
        p.amount,
    )
}

/// The possible double payments of the month: their count, each with both receipts.
fn double_payments(b: &mut String, month: &str, doubles: &[DoublePayment]) {
    let n = doubles.len();
    let _ = write!(
        b,
        "<h2>Có thể đóng trùng</h2><p id=\"double-payments\" data-count=\"{n}\"><strong>{n}</strong> \
         lần đóng trong tháng có tháng trùng với một lần đóng trước của cùng người, cùng loại \
         (từ mọi thiết bị). Cả hai hồ sơ vẫn được giữ và tính; hãy liên hệ người tham gia để \
         hoàn tiền hoặc ghi nhận. <a href=\"/admin/exports/double-payments?month={m}\">Tải CSV</a></p>",
        m = esc(month)
    );
    if doubles.is_empty() {
        return;
    }
    b.push_str(
        "<table id=\"double-list\"><tr><th rowspan=\"2\">Họ tên</th><th rowspan=\"2\">Loại</th>\
         <th colspan=\"5\">Lần đóng trước</th><th colspan=\"5\">Lần đóng sau</th></tr><tr>",
    );
    for _ in 0..2 {
        b.push_str("<th>Điểm thu</th><th>Số biên nhận</th><th>Ngày thu</th><th>Kỳ</th><th>Số tiền (đ)</th>");
    }
    b.push_str("</tr>");
    for d in doubles {
        let _ = write!(
            b,
            "<tr class=\"double\" data-scheme=\"{}\"{}{}><td>{}</td><td>{}</td>{}{}</tr>",
            esc(&d.scheme),
            paid_data("first", &d.first),
            paid_data("second", &d.second),
            esc(&d.masked_name),
            esc(scheme_name(&d.scheme)),
            paid_cells(&d.first),
            paid_cells(&d.second),
        );
    }
    b.push_str("</table>");
}

/// One row of the dashboard's totals: a period's figures against the plan, the same period last
/// year and the participants who lapsed in it (`label` is HTML already).
fn period_row(
    b: &mut String,
    period: &str,
    label: &str,
    f: &crate::plan::Figures,
    last_year: &crate::plan::Figures,
    lapsed: i64,
) {
    let _ = write!(
        b,
        "<tr data-period=\"{period}\"><td>{label}</td><td class=\"n\" data-records=\"{r}\">{r}</td>\
         <td class=\"n\" data-participants=\"{pa}\">{pa}</td><td class=\"n\" data-amount=\"{a}\">{ad}</td>\
         <td class=\"n\" data-target=\"{tg}\">{tg}</td><td{pcc} data-percent=\"{pc}\">{pcd}</td>\
         <td class=\"n\" data-last-year=\"{ly}\">{ly}</td><td class=\"n\" data-lapsed=\"{lapsed}\">{lapsed}</td></tr>",
        r = f.records,
        pa = f.participants,
        a = f.amount,
        ad = dong(f.amount),
        tg = opt(f.target),
        pcc = pct_class(f.percent()),
        pc = opt(f.percent()),
        pcd = f.percent().map(|x| format!("{x}%")).unwrap_or_default(),
        ly = last_year.participants,
    );
}

/// The dashboard for one month, with its possible double payments.
pub(crate) fn dashboard(p: &Progress, doubles: &[DoublePayment]) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<form method=\"get\" action=\"/admin/dashboard\"><label>Tháng \
         <input name=\"month\" type=\"month\" value=\"{m}\"></label> <button>Xem</button> \
         <a href=\"/admin/progress.json?month={m}\">JSON</a></form>",
        m = esc(&p.month)
    );
    let t = &p.total;
    b.push_str(
        "<table id=\"total\"><tr><th>Kỳ</th><th>Hồ sơ</th><th>Người tham gia</th><th>Số tiền (đ)</th>\
         <th>Chỉ tiêu (người)</th><th>Đạt</th><th>Cùng kỳ năm trước</th><th>Giảm (dừng đóng)</th></tr>",
    );
    let month = format!("Tháng {}", esc(&p.month));
    period_row(&mut b, "month", &month, &t.month, &t.last_year, t.lapsed.month);
    period_row(
        &mut b,
        "year-to-date",
        "Từ đầu năm",
        &t.year_to_date,
        &t.last_year_to_date,
        t.lapsed.year_to_date,
    );
    let _ = write!(
        b,
        "</table><p id=\"follow-up\" data-count=\"{fu}\"><a href=\"/admin/lapsed\">{fu} người tham gia đã dừng đóng</a> \
         trong {months} tháng qua và chưa đóng lại (hết hạn quá {g} tháng): danh sách cho nhân viên thu liên hệ.</p>",
        fu = t.lapsed.to_follow_up,
        months = crate::plan::LAPSED_LIST_MONTHS,
        g = p.lapse_grace_months,
    );
    b.push_str("<h2>Người tham gia theo tháng so với chỉ tiêu</h2>");
    b.push_str(&plan_chart(&p.months));
    b.push_str("<h2>Lũy kế từ đầu năm so với chỉ tiêu</h2>");
    b.push_str(&year_chart(&p.months));
    b.push_str("<h2>Người tham gia theo ngày</h2>");
    b.push_str(&chart(&p.days));
    for (title, id, kind, rows) in [
        ("Theo tỉnh", "provinces", "province", &p.provinces),
        ("Theo xã", "communes", "commune", &p.communes),
        ("Theo nhân viên thu", "agents", "agent", &p.agents),
    ] {
        let _ = write!(b, "<h2>{title}</h2><table id=\"{id}\">{STANDING_HEAD}");
        standing_rows(&mut b, kind, rows);
        b.push_str("</table>");
    }
    double_payments(&mut b, &p.month, doubles);
    let _ = write!(
        b,
        "<h2>Đặt chỉ tiêu</h2>\
         <p>Cả kế hoạch năm: <code>ansinh-hub targets import KẾ_HOẠCH.csv</code> (xem README). Từng chỉ tiêu:</p>\
         <form method=\"post\" action=\"/admin/targets\"><input type=\"hidden\" name=\"month\" value=\"{m}\">\
         <select name=\"scope\"><option value=\"commune\">Xã (mã)</option><option value=\"province\">Tỉnh (mã)</option>\
         <option value=\"agent\">Nhân viên thu (mã)</option></select> \
         <input name=\"key\" required size=\"10\"> <label>Chỉ tiêu (người) <input name=\"target\" type=\"number\" min=\"0\"></label> \
         <button>Lưu</button> (để trống để xoá)</form>\
         <h2>Toàn bộ máy chủ</h2><table id=\"held\"><tr><th>Hồ sơ đang giữ</th><th>Xung đột</th><th>Bị từ chối</th><th>Gói USB đã nhập</th></tr>\
         <tr><td class=\"n\" data-held=\"{h}\">{h}</td><td class=\"n\" data-conflicts=\"{c}\">{c}</td><td class=\"n\" data-rejected=\"{rj}\">{rj}</td><td class=\"n\">{bu}</td></tr></table>",
        m = esc(&p.month),
        h = p.held.records,
        c = p.held.conflicts,
        rj = p.held.rejected,
        bu = p.held.bundles,
    );
    page(&format!("Tiến độ thu tháng {}", p.month), &b)
}

/// The participants to follow up (lapsed, not renewed), for an agent or a commune.
pub(crate) fn lapsed(
    rows: &[LapsedParticipant],
    commune: Option<&str>,
    agent: Option<&str>,
    grace_months: u32,
) -> String {
    let query = [("commune", commune), ("agent", agent)]
        .iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={}", esc(v))))
        .collect::<Vec<_>>()
        .join("&amp;");
    let mut b = format!(
        "<form method=\"get\" action=\"/admin/lapsed\"><label>Mã xã <input name=\"commune\" size=\"6\" value=\"{c}\"></label> \
         <label>Mã nhân viên thu <input name=\"agent\" size=\"10\" value=\"{a}\"></label> <button>Xem</button> \
         <a href=\"/admin/lapsed.csv?{query}\">Tải CSV</a></form>\
         <p>Người tham gia đã hết hạn đóng quá {grace_months} tháng mà chưa đóng tiếp, trong {months} tháng qua: \
         <strong id=\"lapsed-count\" data-count=\"{n}\">{n}</strong> người.</p>\
         <table id=\"lapsed\"><tr><th>Họ tên</th><th>Loại</th><th>Đã đóng đến</th><th>Hết hạn ngày</th>\
         <th>Dừng đóng từ</th><th>Xã</th><th>Nhân viên thu</th><th>Điện thoại</th></tr>",
        c = esc(commune.unwrap_or("")),
        a = esc(agent.unwrap_or("")),
        months = crate::plan::LAPSED_LIST_MONTHS,
        n = rows.len(),
    );
    for l in rows {
        let _ = write!(
            b,
            "<tr class=\"lapsed\" data-commune=\"{c}\" data-agent=\"{a}\" data-scheme=\"{s}\" data-cover-ended=\"{e}\">\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{a}</td><td>{}</td></tr>",
            esc(&l.masked_name),
            esc(scheme_name(&l.scheme)),
            esc(&vn_date(&l.paid_until)),
            esc(&vn_date(&l.cover_ended)),
            esc(&vn_date(&l.lapsed_in)),
            esc(&commune_name(&l.commune_code)),
            esc(l.phone.as_deref().unwrap_or("")),
            c = esc(&l.commune_code),
            a = esc(&l.agent_code),
            s = esc(&l.scheme),
            e = esc(&l.cover_ended),
        );
    }
    b.push_str("</table>");
    page("Người tham gia dừng đóng cần liên hệ", &b)
}

/// The renewal-due list for staff.
pub(crate) fn renewals(due: &[ansinh_wire::RenewalDue], within_days: u32) -> String {
    let mut b = format!(
        "<form method=\"get\" action=\"/admin/renewals\"><label>Trong vòng (ngày) \
         <input name=\"within_days\" type=\"number\" min=\"1\" max=\"366\" value=\"{within_days}\"></label> <button>Xem</button></form>\
         <table id=\"renewals\"><tr><th>Họ tên</th><th>Loại</th><th>Đã đóng đến</th><th>Xã</th><th>Điện thoại</th></tr>"
    );
    for r in due {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.masked_name),
            esc(&r.scheme),
            esc(&r.paid_until),
            esc(&commune_name(&r.commune_code)),
            esc(r.phone.as_deref().unwrap_or("")),
        );
    }
    b.push_str("</table>");
    page("Người tham gia sắp hết hạn đóng", &b)
}

/// When, in Viet Nam time, `22/11/2026 09:05`.
fn date_time(t: i64) -> String {
    let (day, secs) = (crate::civil::Day::of(t), (t + 7 * 3600).rem_euclid(86_400));
    format!("{} {:02}:{:02}", day.vn(), secs / 3600, secs % 3600 / 60)
}

/// A device's audit trail as it sent it, and the refusals flagged for it.
pub(crate) fn device_audit(
    device: &Device,
    entries: &[HeldAuditEntry],
    problems: &[AuditProblem],
) -> String {
    let mut b = String::new();
    if !problems.is_empty() {
        b.push_str(
            "<h2 class=\"low\">Nhật ký bị từ chối</h2><table id=\"audit-problems\">\
             <tr><th>Lý do</th><th>Lần đầu</th><th>Lần cuối</th><th>Số lần</th></tr>",
        );
        for p in problems {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(&p.problem),
                date_time(p.first_at),
                date_time(p.last_at),
                p.times
            );
        }
        b.push_str("</table>");
    }
    b.push_str(
        "<table id=\"audit\"><tr><th>Số</th><th>Lúc</th><th>Nhân viên</th><th>Việc</th>\
         <th>Biên lai</th><th>Chi tiết</th><th>Mã băm</th></tr>",
    );
    for h in entries {
        let e = &h.entry;
        let _ = write!(
            b,
            "<tr data-seq=\"{}\"><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td class=\"n\">{}</td><td>{}</td><td><code>{}</code></td></tr>",
            e.seq,
            e.seq,
            date_time(e.at),
            esc(&e.agent_code),
            esc(&e.event),
            e.receipt_no.map(|n| n.to_string()).unwrap_or_default(),
            esc(&e.detail),
            esc(e.hash.get(..16).unwrap_or(&e.hash)),
        );
    }
    b.push_str("</table>");
    page(&format!("Nhật ký thiết bị {} — {}", device.id, device.label), &b)
}

/// The hub's own log (admin actions, renewal downloads) and links to each device's trail.
pub(crate) fn hub_audit(actions: &[HubAction], devices: &[Device]) -> String {
    let mut b = String::from("<h2>Nhật ký thiết bị</h2><ul>");
    for d in devices {
        let _ = write!(
            b,
            "<li><a href=\"/admin/devices/{}/audit\">{} — {}</a></li>",
            d.id,
            d.id,
            esc(&d.label)
        );
    }
    b.push_str(
        "</ul><h2>Thao tác trên máy chủ</h2><table id=\"hub-audit\"><tr><th>Lúc</th>\
         <th>Ai</th><th>Việc</th><th>Chi tiết</th></tr>",
    );
    for a in actions {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            date_time(a.at),
            esc(&a.actor),
            esc(&a.action),
            esc(&a.detail)
        );
    }
    b.push_str("</table>");
    page("Nhật ký", &b)
}

/// `3 ngày`, `5 giờ`, `12 phút` (the largest unit).
fn span(secs: u64) -> String {
    match secs {
        s if s >= 86_400 => format!("{} ngày", s / 86_400),
        s if s >= 3_600 => format!("{} giờ", s / 3_600),
        s => format!("{} phút", s / 60),
    }
}

fn printer_vi(code: &str) -> &'static str {
    match code {
        "no_printer" => "không có máy in",
        "ready" => "sẵn sàng",
        "paper_low" => "sắp hết giấy",
        "out_of_paper" => "hết giấy",
        "offline" => "không hoạt động",
        _ => "chưa rõ",
    }
}

fn restart_vi(code: &str) -> &'static str {
    match code {
        "clean" => "tắt đúng cách",
        "unclean" => "tắt đột ngột (mất điện, treo máy)",
        _ => "chưa rõ",
    }
}

/// What a health report says, one line a field.
fn health_cells(h: &crate::fleet::HealthView) -> String {
    let mut lines = vec![
        format!("Phần mềm {} · bảng {}", esc(&h.app_version), esc(&h.table_version)),
        format!(
            "Chưa gửi {}{} · cách ly {}",
            h.unsent,
            h.oldest_unsent_age_secs
                .filter(|_| h.unsent > 0)
                .map(|a| format!(" (cũ nhất {})", span(a)))
                .unwrap_or_default(),
            h.quarantined
        ),
        format!("Máy in: {}", printer_vi(h.printer)),
    ];
    if let (Some(free), Some(total)) = (h.disk_free_bytes, h.disk_total_bytes) {
        lines.push(format!("Bộ nhớ còn {} / {} MB", free / 1_000_000, total / 1_000_000));
    }
    if let Some(o) = h.clock_offset_secs {
        lines.push(format!("Đồng hồ lệch {o} giây"));
    }
    if let Some(p) = h.battery_percent {
        let charging = match h.battery_charging {
            Some("charging") => "đang sạc",
            Some("full") => "đầy",
            Some("discharging") => "dùng pin",
            _ => "không sạc",
        };
        lines.push(format!("Pin {p} % ({charging})"));
    }
    if let Some(u) = h.uptime_secs {
        lines.push(format!("Bật {}", span(u)));
    }
    lines.push(format!("Khởi động lần trước: {}", restart_vi(h.last_restart)));
    lines.push(format!(
        "Báo cáo lúc {} ({})",
        date_time(h.received_at),
        if h.via == crate::store::Via::Usb { "USB" } else { "mạng" }
    ));
    lines.join("<br>")
}

/// The fleet: one row per device, its collection point, last contact, health report and
/// alarms (highlighted; each a `data-alarm` for tests and scripts).
pub(crate) fn fleet(
    rows: &[crate::fleet::FleetRow],
    t: &crate::fleet::FleetThresholds,
    now: i64,
) -> String {
    let alarmed = rows.iter().filter(|r| !r.alarms.is_empty()).count();
    let mut b = format!(
        "<p id=\"fleet-summary\" data-devices=\"{}\" data-alarmed=\"{alarmed}\">{} thiết bị, \
         {alarmed} có cảnh báo (lúc {}).</p>\
         <p>Cảnh báo khi: không liên lạc {} ngày; hồ sơ chưa gửi quá {} ngày; máy in hết giấy hoặc \
         không hoạt động; bộ nhớ còn dưới {} MB hoặc {} %; bảng chính sách cũ; đồng hồ lệch quá {} \
         phút; pin từ {} % trở xuống và không sạc.</p>\
         <table id=\"fleet\"><tr><th>Số</th><th>Điểm thu</th><th>Liên lạc lần cuối</th>\
         <th>Tình trạng</th><th>Cảnh báo</th></tr>",
        rows.len(),
        rows.len(),
        date_time(now),
        t.silent_days,
        t.unsent_days,
        t.disk_min_mb,
        t.disk_min_percent,
        t.clock_off_minutes,
        t.battery_low_percent,
    );
    for r in rows {
        let point =
            if r.collection_point.trim().is_empty() { &r.label } else { &r.collection_point };
        let contact = r.last_contact.map_or_else(
            || "chưa lần nào".to_string(),
            |c| format!("{} ({} trước)", date_time(c), span(now.saturating_sub(c).unsigned_abs())),
        );
        let health = match (&r.health, r.revoked) {
            (_, true) => "Đã thu hồi".to_string(),
            (Some(h), false) => health_cells(h),
            (None, false) => "Chưa có báo cáo".to_string(),
        };
        let alarms: Vec<String> = r
            .alarms
            .iter()
            .map(|a| format!("<div data-alarm=\"{}\">⚠ {}</div>", a.code, esc(&a.message)))
            .collect();
        let _ = write!(
            b,
            "<tr data-device=\"{id}\" data-alarms=\"{codes}\"{class}><td>{id}</td><td>{}</td>\
             <td data-last-contact=\"{}\">{contact}</td><td class=\"health\">{health}</td>\
             <td class=\"alarms\">{}</td></tr>",
            esc(point),
            r.last_contact.map(|c| c.to_string()).unwrap_or_default(),
            if alarms.is_empty() { "—".to_string() } else { alarms.concat() },
            id = r.device_id,
            codes = r.alarms.iter().map(|a| a.code).collect::<Vec<_>>().join(" "),
            class = if r.alarms.is_empty() { "" } else { " class=\"alarmed\"" },
        );
    }
    b.push_str("</table>");
    page("Thiết bị và cảnh báo", &b)
}

/// A short page for a refused admin action.
pub(crate) fn message(title: &str, text: &str) -> String {
    page(title, &format!("<p>{}</p>", esc(text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_grouping() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(dong(0), "0");
        assert_eq!(dong(594_000), "594.000");
        assert_eq!(dong(11_457_600), "11.457.600");
        assert_eq!(dong(-1_000), "-1.000");
    }
}
