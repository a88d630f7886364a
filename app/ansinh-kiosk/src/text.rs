//! Words and numbers as the screens show them, in Vietnamese or English.

use ansinh_core::cite::{Citations, param_label};
use ansinh_core::money::{Amount, InWords};
use ansinh_core::{Dong, Lang, Month, Status};

/// Picks the Vietnamese or the English text.
pub fn t(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Vi { vi } else { en }
}

/// `1.500.000 đ` / `1,500,000 VND`.
pub fn money(d: Dong, lang: Lang) -> String {
    Amount(d, lang).to_string()
}

/// An amount in words with a capital first letter: "Năm trăm chín mươi bốn nghìn đồng".
pub fn words(d: Dong, lang: Lang) -> String {
    let s = InWords(d, lang).to_string();
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

/// Basis points as a percentage: `2200` → `22%`, `450` → `4,5%` (Vietnamese) / `4.5%`.
pub fn percent(bp: u32, lang: Lang) -> String {
    let whole = bp / 100;
    let frac = format!("{:02}", bp % 100);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{whole}%")
    } else {
        format!("{whole}{}{frac}%", t(lang, ",", "."))
    }
}

/// `03/2036` in both languages (as on Vietnamese forms).
pub fn month(m: Month) -> String {
    format!("{:02}/{}", m.number(), m.year())
}

/// `20 năm 3 tháng` / `20 years 3 months`.
pub fn years_months(months: u32, lang: Lang) -> String {
    let (y, m) = (months / 12, months % 12);
    match (y, m, lang) {
        (0, m, Lang::Vi) => format!("{m} tháng"),
        (y, 0, Lang::Vi) => format!("{y} năm"),
        (y, m, Lang::Vi) => format!("{y} năm {m} tháng"),
        (0, m, Lang::En) => plural(m, "month"),
        (y, 0, Lang::En) => plural(y, "year"),
        (y, m, Lang::En) => format!("{} {}", plural(y, "year"), plural(m, "month")),
    }
}

fn plural(n: u32, unit: &str) -> String {
    if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") }
}

/// A scheme code as people say it.
pub fn scheme_name(code: &str, lang: Lang) -> &'static str {
    ansinh_core::scheme::Scheme::from_code(code)
        .map_or_else(|| t(lang, "Loại khác", "Other scheme"), |s| s.name(lang))
}

/// `2026-12` → `12/2026` (as on Vietnamese forms); other text unchanged.
pub fn month_text(yyyy_mm: &str) -> String {
    match yyyy_mm.split_once('-') {
        Some((y, m)) if y.len() == 4 && m.len() == 2 => format!("{m}/{y}"),
        _ => yyyy_mm.to_string(),
    }
}

/// A moment as `22/11/2026 09:05`, Vietnam time, as receipts print it.
pub fn date_time(at: i64) -> String {
    ansinh_device::receipt::printed_time(at)
}

/// How long ago: `4 ngày`, `2 giờ 5 phút` / `4 days`, `2 h 5 min`.
pub fn ago(secs: i64, lang: Lang) -> String {
    let secs = secs.max(0);
    if secs >= 86_400 {
        match lang {
            Lang::Vi => format!("{} ngày trước", secs / 86_400),
            Lang::En => format!("{} days ago", secs / 86_400),
        }
    } else {
        match lang {
            Lang::Vi => format!("{} giờ {} phút trước", secs / 3600, secs % 3600 / 60),
            Lang::En => format!("{} h {} min ago", secs / 3600, secs % 3600 / 60),
        }
    }
}

/// One line per table entry a result rests on: "Nhà nước hỗ trợ — Decree 159/2025 Art 5 (đã xác minh)".
pub fn sources(c: &Citations<'_>, lang: Lang) -> Vec<String> {
    c.iter()
        .map(|c| {
            let status = match c.status {
                Status::Verified => t(lang, "đã xác minh", "verified"),
                Status::Secondary => t(lang, "nguồn thứ cấp", "secondary source"),
                Status::Unverified => t(lang, "CHƯA XÁC MINH", "UNVERIFIED"),
            };
            format!("{} — {} ({status})", param_label(c.param, lang), c.source)
        })
        .collect()
}

/// A label and a value, one row of a result table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line {
    /// What it is.
    pub label: String,
    /// How much.
    pub value: String,
    /// Shown larger: the amount to pay.
    pub strong: bool,
}

impl Line {
    /// An ordinary row.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self { label: label.into(), value: value.into(), strong: false }
    }
    /// A highlighted row.
    pub fn strong(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self { label: label.into(), value: value.into(), strong: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(money(1_500_000, Lang::Vi), "1.500.000 đ");
        assert_eq!(money(1_500_000, Lang::En), "1,500,000 VND");
        assert_eq!(words(594_000, Lang::Vi), "Năm trăm chín mươi bốn nghìn đồng");
        assert_eq!(percent(2200, Lang::Vi), "22%");
        assert_eq!(percent(450, Lang::Vi), "4,5%");
        assert_eq!(percent(450, Lang::En), "4.5%");
        assert_eq!(years_months(243, Lang::Vi), "20 năm 3 tháng");
        assert_eq!(years_months(13, Lang::En), "1 year 1 month");
    }

    #[test]
    fn times_and_codes() {
        // 2026-11-22 00:00 UTC is 07:00 in Viet Nam.
        assert_eq!(date_time(1_795_305_600), "22/11/2026 07:00");
        assert_eq!(date_time(1_795_305_600 - 7 * 3600 - 60), "21/11/2026 23:59");
        assert_eq!(ago(4 * 86_400 + 7200, Lang::Vi), "4 ngày trước");
        assert_eq!(ago(3 * 3600 + 5 * 60, Lang::En), "3 h 5 min ago");
        assert_eq!(
            ago(-5, Lang::Vi),
            "0 giờ 0 phút trước",
            "a clock set back shows no negative age"
        );
        assert_eq!(month_text("2026-12"), "12/2026");
        assert_eq!(month_text("12/2026"), "12/2026");
        assert_eq!(scheme_name("household-bhyt", Lang::Vi), "BHYT hộ gia đình");
    }
}
