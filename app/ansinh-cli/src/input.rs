//! Reading command-line values, with a clear message that names the field when one is wrong.

use ansinh_core::person::{Group, Sex};
use ansinh_core::quote::Mode;
use ansinh_core::{Date, Lang, Month};
use serde::Serialize;

/// `path` as a shell word, so a command shown in a message can be pasted as it is.
pub(crate) fn shell_word(path: &std::path::Path) -> String {
    let s = path.to_string_lossy();
    let plain =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-+:@%,=".contains(&b));
    if plain { s.into_owned() } else { format!("'{}'", s.replace('\'', "'\\''")) }
}

/// A wrong or missing input: the field, a stable code and a message for the person.
#[derive(Debug, Serialize)]
pub(crate) struct InputError {
    pub(crate) field: String,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl InputError {
    pub(crate) fn from_core(e: &ansinh_core::Error, lang: Lang) -> Self {
        Self { field: e.field().into(), code: e.code(), message: e.message(lang).to_string() }
    }

    pub(crate) fn from_clap(e: &clap::Error, lang: Lang) -> Self {
        use clap::error::{ContextKind, ContextValue, ErrorKind};
        let arg = match e.get(ContextKind::InvalidArg) {
            Some(ContextValue::String(s)) => s.clone(),
            Some(ContextValue::Strings(v)) => v.first().cloned().unwrap_or_default(),
            _ => String::new(),
        };
        // "--income <INCOME>" → "income"
        let field = arg.trim_start_matches('-').split([' ', '=']).next().unwrap_or("").to_string();
        let vi = lang == Lang::Vi;
        let (code, message) = match e.kind() {
            ErrorKind::MissingRequiredArgument => (
                "missing_argument",
                if vi {
                    format!("Thiếu thông tin bắt buộc: {arg}.")
                } else {
                    format!("Missing required input: {arg}.")
                },
            ),
            ErrorKind::UnknownArgument => (
                "unknown_argument",
                if vi {
                    format!("Không hiểu tham số {arg}.")
                } else {
                    format!("Unknown option {arg}.")
                },
            ),
            ErrorKind::InvalidSubcommand
            | ErrorKind::MissingSubcommand
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => (
                "unknown_command",
                if vi {
                    "Chọn một lệnh: quote, pension, bhyt, benefits hoặc policy.".to_string()
                } else {
                    "Choose a command: quote, pension, bhyt, benefits or policy.".to_string()
                },
            ),
            _ => (
                "invalid_argument",
                e.render().to_string().lines().next().unwrap_or("").to_string(),
            ),
        };
        Self { field, code, message }
    }
}

/// Parsers that turn text into values or field-named errors, in one language.
#[derive(Clone, Copy)]
pub(crate) struct Parse(pub(crate) Lang);

impl Parse {
    fn err(self, field: &str, code: &'static str, vi: String, en: String) -> InputError {
        let message = if self.0 == Lang::Vi { vi } else { en };
        InputError { field: field.into(), code, message }
    }

    pub(crate) fn date(self, field: &str, s: &str) -> Result<Date, InputError> {
        s.parse().map_err(|_| {
            self.err(
                field,
                "invalid_date",
                format!("Ngày \"{s}\" ở --{field} không hợp lệ: nhập theo dạng NNNN-TT-NN, ví dụ 2026-11-22."),
                format!("\"{s}\" in --{field} is not a date: use YYYY-MM-DD, e.g. 2026-11-22."),
            )
        })
    }

    pub(crate) fn month(self, field: &str, s: &str) -> Result<Month, InputError> {
        s.parse().map_err(|_| {
            self.err(
                field,
                "invalid_month",
                format!(
                    "Tháng \"{s}\" ở --{field} không hợp lệ: nhập theo dạng NNNN-TT, ví dụ 1979-03."
                ),
                format!("\"{s}\" in --{field} is not a month: use YYYY-MM, e.g. 1979-03."),
            )
        })
    }

    pub(crate) fn amount(self, field: &str, s: &str) -> Result<u64, InputError> {
        let digits = s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty();
        s.parse().ok().filter(|_| digits).ok_or_else(|| {
            self.err(
                field,
                "invalid_amount",
                format!("Số tiền \"{s}\" ở --{field} không hợp lệ: nhập số đồng, chỉ gồm chữ số, ví dụ 1500000."),
                format!("\"{s}\" in --{field} is not an amount: whole đồng, digits only, e.g. 1500000."),
            )
        })
    }

    pub(crate) fn count(self, field: &str, s: &str) -> Result<u16, InputError> {
        let digits = s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty();
        s.parse().ok().filter(|_| digits).ok_or_else(|| {
            self.err(
                field,
                "invalid_number",
                format!("\"{s}\" ở --{field} không hợp lệ: nhập một số nguyên không âm, ví dụ 12."),
                format!("\"{s}\" in --{field} is not a whole number, e.g. 12."),
            )
        })
    }

    pub(crate) fn group(self, field: &str, s: &str) -> Result<Group, InputError> {
        s.parse().map_err(|_| {
            self.err(
                field,
                "invalid_group",
                format!("Nhóm \"{s}\" không có: chọn poor (hộ nghèo), near-poor (hộ cận nghèo), ethnic-minority (dân tộc thiểu số), island (xã đảo, đặc khu) hoặc other (khác)."),
                format!("No group \"{s}\": choose poor, near-poor, ethnic-minority, island or other."),
            )
        })
    }

    pub(crate) fn sex(self, field: &str, s: &str) -> Result<Sex, InputError> {
        s.parse().map_err(|_| {
            self.err(
                field,
                "invalid_sex",
                format!("Giới tính \"{s}\" không hợp lệ: nhập male (nam) hoặc female (nữ)."),
                format!("\"{s}\" is not a sex: use male or female."),
            )
        })
    }

    pub(crate) fn mode(self, field: &str, s: &str) -> Result<Mode, InputError> {
        s.parse().map_err(|_| {
            self.err(
                field,
                "invalid_mode",
                format!("Phương thức \"{s}\" không có: chọn 1, 3, 6, 12, advance-NĂM (đóng trước, ví dụ advance-5) hoặc backpay-THÁNG (đóng bù, ví dụ backpay-12)."),
                format!("No mode \"{s}\": choose 1, 3, 6, 12, advance-YEARS (e.g. advance-5) or backpay-MONTHS (e.g. backpay-12)."),
            )
        })
    }

    /// An official province code of the 2025 map (34 provinces).
    pub(crate) fn province<'s>(self, field: &str, s: &'s str) -> Result<&'s str, InputError> {
        match ansinh_geo::province(s) {
            Some(_) => Ok(s),
            None => Err(self.err(
                field,
                "unknown_province",
                format!("Mã tỉnh \"{s}\" không có trong 34 tỉnh, thành phố (ví dụ 01 là Hà Nội, 79 là TP. Hồ Chí Minh)."),
                format!("\"{s}\" is not one of the 34 province codes (e.g. 01 Hà Nội, 79 Hồ Chí Minh City)."),
            )),
        }
    }

    pub(crate) fn missing(self, field: &str) -> InputError {
        self.err(
            field,
            "missing_argument",
            format!("Thiếu --{field}: cần cả tháng sinh (--born) và giới tính (--sex)."),
            format!("--{field} is missing: both --born and --sex are needed."),
        )
    }

    pub(crate) fn required(self, field: &str) -> InputError {
        self.err(
            field,
            "missing_argument",
            format!("Thiếu thông tin bắt buộc: --{field}."),
            format!("Missing required input: --{field}."),
        )
    }

    pub(crate) fn conflict(self, field: &str, other: &str) -> InputError {
        self.err(
            field,
            "conflicting_arguments",
            format!("Chỉ dùng một trong hai: --{field} hoặc --{other} và --paid-avg."),
            format!("Use either --{field} or --{other} with --paid-avg, not both."),
        )
    }

    pub(crate) fn way(self, field: &str) -> InputError {
        self.err(
            field,
            "invalid_way",
            format!(
                "--{field}: nhập THU_NHẬP:SỐ_NĂM, ví dụ 1500000:15 (thu nhập tháng, 1–50 năm đóng)."
            ),
            format!("--{field}: give INCOME:YEARS, e.g. 1500000:15 (monthly income, 1–50 years)."),
        )
    }

    pub(crate) fn history_line(self, line: usize, what: &str) -> InputError {
        self.err(
            "history",
            "invalid_history",
            format!("Tệp quá trình đóng, dòng {line}: {what} (mỗi dòng: năm,số tháng,thu nhập)."),
            format!("History file, line {line}: {what} (each line: year,months,income)."),
        )
    }
}
