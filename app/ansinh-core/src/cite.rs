//! Citations: which table entries a result rests on.
//!
//! Every result carries the list of parameters it used, with their period, legal source and
//! status, so a screen or receipt can say where each number comes from and mark estimates.

use ansinh_policy::{Date, Entry, Series, Status};
use heapless::Vec;
use serde::Serialize;

use crate::error::Error;

/// Most distinct table entries one result can rest on.
pub const MAX_CITATIONS: usize = 32;

/// How screens, receipts and the CLI name a policy table parameter, in Vietnamese or English
/// (one list, so every output names a rule the same way).
pub fn param_label(param: &str, lang: crate::Lang) -> &'static str {
    let (vi, en) = match param {
        "rural_poverty_line" => {
            ("Chuẩn nghèo nông thôn (mức thu nhập thấp nhất)", "Rural poverty line (income floor)")
        }
        "reference_level" => ("Mức tham chiếu (lương cơ sở)", "Reference level (base salary)"),
        "contribution" => ("Tỷ lệ đóng 22%, mức trần", "22% rate and ceiling"),
        "support_national" => ("Nhà nước hỗ trợ", "National support"),
        "support_local" => ("Địa phương hỗ trợ thêm", "Provincial top-up"),
        "payment_modes" => ("Phương thức đóng", "Payment modes"),
        "retirement_age" => ("Tuổi nghỉ hưu", "Retirement age"),
        "transitional_retirement" => ("Tuổi nghỉ hưu chuyển tiếp", "Transitional retirement age"),
        "accrual" => ("Tỷ lệ hưởng lương hưu", "Pension accrual"),
        "half_year_rounding" => {
            ("Cách tính tháng lẻ (nửa năm, một năm)", "Odd months as half or whole years")
        }
        "cpi" => ("Hệ số điều chỉnh thu nhập", "Income adjustment coefficients"),
        "bhyt_household" => ("BHYT hộ gia đình", "Household health insurance"),
        "social_pension" => ("Trợ cấp hưu trí xã hội", "Social pension"),
        "maternity" => ("Trợ cấp thai sản", "Maternity allowance"),
        "funeral" => ("Trợ cấp mai táng", "Funeral allowance"),
        "one_time" => ("BHXH một lần", "One-time withdrawal"),
        "monthly_allowance" => {
            ("Trợ cấp hằng tháng khi chưa đủ điều kiện", "Monthly allowance when short")
        }
        "fund_return" => ("Lãi suất đầu tư quỹ", "Fund return"),
        _ => ("Quy định khác", "Other rule"),
    };
    if matches!(lang, crate::Lang::Vi) { vi } else { en }
}

/// One table entry a result used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cite<'a> {
    /// Parameter name in the table.
    pub param: &'static str,
    /// First day the entry is in force.
    pub from: Date,
    /// Last day, if any.
    pub until: Option<Date>,
    /// Legal source.
    pub source: &'a str,
    /// Trust level.
    pub status: Status,
    /// Reading taken, if any.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub note: &'a str,
}

/// The entries a result used, without repeats.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Citations<'a> {
    items: Vec<Cite<'a>, MAX_CITATIONS>,
}

impl<'a> Citations<'a> {
    /// An empty list.
    pub const fn new() -> Self {
        Self { items: Vec::new() }
    }

    /// Records that `entry` of `param` was used. A full list keeps the first entries and marks
    /// itself as an estimate rather than failing (it cannot fill with the table as written).
    pub fn add<V>(&mut self, param: &'static str, entry: &Entry<'a, V>) {
        if self.items.iter().any(|c| c.param == param && c.from == entry.from) {
            return;
        }
        let cite = Cite {
            param,
            from: entry.from,
            until: entry.until,
            source: entry.source,
            status: entry.status,
            note: entry.note,
        };
        if self.items.push(cite).is_err()
            && let Some(last) = self.items.last_mut()
        {
            last.status = Status::Unverified;
        }
    }

    /// Merges another result's citations.
    pub fn extend(&mut self, other: &Citations<'a>) {
        for c in &other.items {
            if !self.items.iter().any(|m| m.param == c.param && m.from == c.from) {
                let _ = self.items.push(c.clone());
            }
        }
    }

    /// The entries, in the order first used.
    pub fn iter(&self) -> impl Iterator<Item = &Cite<'a>> {
        self.items.iter()
    }

    /// True when any entry used is unverified: the result must be shown as an estimate.
    pub fn is_estimate(&self) -> bool {
        self.items.iter().any(|c| c.status.is_estimate())
    }
}

/// Looks up the value of `param` on `date`, recording the citation.
pub fn lookup<'t, 'a, V>(
    series: &'t Series<'a, V>,
    param: &'static str,
    date: Date,
    cites: &mut Citations<'a>,
) -> Result<&'t V, Error> {
    let entry = series.at(date).ok_or(Error::NoRule { param, date })?;
    cites.add(param, entry);
    entry.value.as_ref().ok_or(Error::NoRule { param, date })
}
