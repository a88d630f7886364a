//! Human-readable output, in Vietnamese or English.

use std::fmt::Write;

use ansinh_core::benefits::Benefits;
use ansinh_core::bhyt::HouseholdPremium;
use ansinh_core::cite::{Citations, param_label};
use ansinh_core::money::{Amount, InWords};
use ansinh_core::pension::{PensionEstimate, RetirementRule};
use ansinh_core::quote::{Mode, Quote};
use ansinh_core::{Date, Lang, Month, PolicyTable, Status};

fn t(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Vi { vi } else { en }
}

fn day(d: Date, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("{:02}/{:02}/{}", d.day(), d.month_number(), d.year()),
        Lang::En => d.to_string(),
    }
}

pub(crate) fn month(m: Month) -> String {
    format!("{:02}/{}", m.number(), m.year())
}

/// A share in basis points: "4,5%" in Vietnamese, "4.5%" in English.
fn pct(bp: u32, lang: Lang) -> String {
    let frac = format!("{:02}", bp % 100);
    let frac = frac.trim_end_matches('0');
    let sep = t(lang, ",", ".");
    if frac.is_empty() { format!("{}%", bp / 100) } else { format!("{}{sep}{frac}%", bp / 100) }
}

fn status_label(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Verified => t(lang, "đã xác minh", "verified"),
        Status::Secondary => t(lang, "nguồn thứ cấp", "secondary source"),
        Status::Unverified => t(lang, "CHƯA XÁC MINH", "UNVERIFIED"),
    }
}

fn citations(out: &mut String, c: &Citations<'_>, lang: Lang) {
    let _ = writeln!(out, "{}", t(lang, "Căn cứ:", "Sources:"));
    for cite in c.iter() {
        let until = cite.until.map(|u| day(u, lang)).unwrap_or_default();
        let _ = writeln!(
            out,
            "  - {} ({} – {}): {} [{}]",
            param_label(cite.param, lang),
            day(cite.from, lang),
            until,
            cite.source,
            status_label(cite.status, lang)
        );
    }
}

fn estimate_banner(out: &mut String, estimate: bool, lang: Lang) {
    if estimate {
        let _ = writeln!(
            out,
            "{}",
            t(
                lang,
                "ƯỚC TÍNH: kết quả dùng thông số chưa được xác minh (xem Căn cứ).",
                "ESTIMATE: this result uses a parameter that is not verified (see Sources)."
            )
        );
    }
}

fn mode_label(mode: Mode, lang: Lang) -> String {
    match (mode, lang) {
        (Mode::Periodic(1), Lang::Vi) => "hằng tháng".into(),
        (Mode::Periodic(m), Lang::Vi) => format!("{m} tháng một lần"),
        (Mode::Advance(y), Lang::Vi) => format!("đóng trước một lần cho {y} năm"),
        (Mode::Backpay(m), Lang::Vi) => format!("đóng một lần cho {m} tháng còn thiếu"),
        (Mode::Periodic(1), Lang::En) => "monthly".into(),
        (Mode::Periodic(m), Lang::En) => format!("every {m} months"),
        (Mode::Advance(y), Lang::En) => format!("{y} years in advance"),
        (Mode::Backpay(m), Lang::En) => format!("back-pay of {m} missing months"),
    }
}

pub(crate) fn quote(q: &Quote<'_>, lang: Lang) -> String {
    let a = |d| Amount(d, lang).to_string();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {} ({} {})",
        t(lang, "BHXH tự nguyện — số tiền đóng ngày", "Voluntary social insurance — payment on"),
        day(q.on, lang),
        t(lang, "bảng chính sách", "policy table"),
        q.policy_version
    );
    estimate_banner(&mut o, q.estimate, lang);
    let group = match lang {
        Lang::Vi => q.group.name_vi().to_string(),
        Lang::En => q.group.as_str().to_string(),
    };
    let rows = [
        (
            t(lang, "Thu nhập tháng chọn đóng", "Chosen monthly income"),
            format!(
                "{} ({} {} {} {})",
                a(q.income),
                t(lang, "từ", "from"),
                a(q.income_floor),
                t(lang, "đến", "to"),
                a(q.income_ceiling)
            ),
        ),
        (
            t(lang, "Phương thức", "Mode"),
            format!("{} ({} {})", mode_label(q.mode, lang), q.months, t(lang, "tháng", "months")),
        ),
        (t(lang, "Nhóm hỗ trợ", "Support group"), group),
    ];
    for (k, v) in rows {
        let _ = writeln!(o, "{k:<28} {v}");
    }
    let _ = writeln!(o, "{}", t(lang, "Mỗi tháng:", "Each month:"));
    let monthly = [
        (
            t(lang, "  Phải đóng", "  Contribution"),
            format!("{} ({})", a(q.gross_monthly), pct(q.rate_bp, lang)),
        ),
        (
            t(lang, "  Nhà nước hỗ trợ", "  National support"),
            format!("{} ({})", a(q.support_national_monthly), pct(q.support_national_bp, lang)),
        ),
        (
            t(lang, "  Địa phương hỗ trợ", "  Provincial support"),
            format!("{} ({})", a(q.support_local_monthly), pct(q.support_local_bp, lang)),
        ),
        (t(lang, "  Người tham gia đóng", "  Person pays"), a(q.net_monthly)),
    ];
    for (k, v) in monthly {
        let _ = writeln!(o, "{k:<28} {v}");
    }
    if q.support_months > 0 && q.unsupported_months > 0 {
        let _ = writeln!(
            o,
            "{} {} {} {} {}",
            t(lang, "  Hết thời gian hỗ trợ sau", "  Support ends after"),
            q.support_months,
            t(lang, "tháng; mỗi tháng còn lại đóng", "months; each remaining month costs"),
            a(q.gross_monthly),
            t(lang, "(không hỗ trợ)", "(no support)")
        );
    }
    let _ = writeln!(
        o,
        "{} ({} {}):",
        t(lang, "Cả lần nộp", "Whole payment"),
        q.months,
        t(lang, "tháng", "months")
    );
    let total = [
        (t(lang, "  Tổng phải đóng", "  Contribution"), a(q.gross)),
        (t(lang, "  Nhà nước hỗ trợ", "  National support"), a(q.support_national)),
        (t(lang, "  Địa phương hỗ trợ", "  Provincial support"), a(q.support_local)),
        (t(lang, "  SỐ TIỀN NỘP", "  AMOUNT TO PAY"), a(q.net)),
    ];
    for (k, v) in total {
        let _ = writeln!(o, "{k:<28} {v}");
    }
    let _ = writeln!(o, "{:<28} {}", t(lang, "  Bằng chữ", "  In words"), InWords(q.net, lang));
    if let Some(ppm) = q.fund_return_ppm {
        let note = match q.mode {
            Mode::Advance(_) => {
                t(lang, "đã chiết khấu theo lãi suất quỹ", "discounted at the fund return")
            }
            _ => t(lang, "đã cộng lãi theo lãi suất quỹ", "compounded at the fund return"),
        };
        let (whole, frac) = (ppm / 10_000, (ppm % 10_000).to_string());
        let frac = format!("{frac:0>4}");
        let frac = frac.trim_end_matches('0');
        let sep = t(lang, ",", ".");
        let rate = if frac.is_empty() { whole.to_string() } else { format!("{whole}{sep}{frac}") };
        let _ = writeln!(o, "  ({note} {rate}%/{})", t(lang, "tháng", "month"));
    }
    let _ = writeln!(
        o,
        "{} {} {}; {} {} {}.",
        t(lang, "Được hỗ trợ", "Supported for"),
        q.support_months,
        t(lang, "tháng", "months"),
        t(lang, "còn", "left:"),
        q.support_months_left,
        t(lang, "tháng được hỗ trợ (tối đa 120 tháng)", "supported months (120 at most)")
    );
    citations(&mut o, &q.citations, lang);
    o
}

pub(crate) fn pension(e: &PensionEstimate<'_>, lang: Lang) -> String {
    let a = |d| Amount(d, lang).to_string();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} ({} {}, {} {})",
        t(lang, "Ước tính lương hưu", "Pension estimate"),
        t(lang, "ngày", "on"),
        day(e.on, lang),
        t(lang, "bảng chính sách", "policy table"),
        e.policy_version
    );
    estimate_banner(&mut o, e.estimate, lang);
    let age = format!(
        "{} {} {} {}",
        e.retirement_age.years(),
        t(lang, "tuổi", "years"),
        e.retirement_age.months(),
        t(lang, "tháng", "months")
    );
    let rule = match e.retirement_rule {
        RetirementRule::Normal => "",
        RetirementRule::Transitional => t(
            lang,
            " (quy định chuyển tiếp: đóng từ trước 2021 và đủ 20 năm)",
            " (transitional rule: started before 2021 with 20 years)",
        ),
    };
    let _ = writeln!(o, "{:<34} {age}{rule}", t(lang, "Tuổi nghỉ hưu", "Retirement age"));
    let _ = writeln!(
        o,
        "{:<34} {}",
        t(lang, "Đủ tuổi vào tháng", "Age reached in"),
        month(e.retirement_month)
    );
    let _ = writeln!(
        o,
        "{:<34} {} ({} {} + {} {})",
        t(lang, "Số tháng đóng khi đủ tuổi", "Months paid at retirement"),
        e.months_at_retirement,
        e.months_paid,
        t(lang, "đã đóng", "paid"),
        e.months_planned,
        t(lang, "dự kiến", "planned")
    );
    let _ = writeln!(
        o,
        "{:<34} {}",
        t(lang, "Thu nhập bình quân (đã điều chỉnh)", "Average income (adjusted)"),
        a(e.average_income)
    );
    if e.eligible {
        let _ =
            writeln!(o, "{:<34} {}", t(lang, "Tỷ lệ hưởng", "Accrual rate"), pct(e.rate_bp, lang));
        let _ = writeln!(
            o,
            "{:<34} {}",
            t(lang, "LƯƠNG HƯU HẰNG THÁNG", "MONTHLY PENSION"),
            a(e.monthly_pension)
        );
        if let Some(from) = e.pension_from {
            let _ = writeln!(o, "{:<34} {}", t(lang, "Hưởng từ tháng", "Paid from"), month(from));
            if e.already_eligible {
                let _ = writeln!(
                    o,
                    "{} {}. {}",
                    t(lang, "Đã đủ điều kiện hưởng lương hưu từ tháng", "Already eligible since"),
                    month(from),
                    t(
                        lang,
                        "Làm hồ sơ hưởng lương hưu tại cơ quan BHXH; việc trả các tháng trước khi nộp hồ sơ do cơ quan BHXH giải quyết.",
                        "Claim the pension at the social insurance office, which decides on the months before the claim."
                    )
                );
            }
        }
    } else {
        let _ = writeln!(
            o,
            "{} {} {} ({} {} {}).",
            t(
                lang,
                "Chưa đủ điều kiện hưởng lương hưu: còn thiếu",
                "Not yet eligible for a pension: short by"
            ),
            e.shortfall_months,
            t(lang, "tháng", "months"),
            t(lang, "cần", "needs"),
            e.months_required,
            t(lang, "tháng", "months")
        );
        let _ = writeln!(o, "{}", t(lang, "Các cách lựa chọn:", "Options:"));
        if let Some(b) = &e.backpay {
            let _ = writeln!(
                o,
                "  1. {} {} {} {}, {} {} → {} {} {} {} {}.",
                t(lang, "Đóng một lần", "Back-pay"),
                b.months,
                t(lang, "tháng còn thiếu vào tháng", "missing months in"),
                month(b.paid_in),
                t(lang, "số tiền", "costing"),
                a(b.cost),
                t(lang, "lương hưu", "pension"),
                a(b.monthly_pension),
                t(lang, "mỗi tháng", "a month"),
                t(lang, "từ tháng", "from"),
                month(b.pension_from)
            );
        } else {
            let _ = writeln!(
                o,
                "  1. {}",
                t(
                    lang,
                    "Không được đóng bù một lần: chỉ khi thiếu không quá 5 năm (60 tháng).",
                    "Back-pay is not possible: only when at most 5 years (60 months) short."
                )
            );
        }
        if let Some(p) = &e.pay_on {
            let _ = writeln!(
                o,
                "  2. {} {} {} {} ({} {}), {} {} {} {}.",
                t(lang, "Tiếp tục đóng", "Keep paying"),
                p.months,
                t(lang, "tháng đến tháng", "months until"),
                month(p.complete_in),
                t(lang, "tổng", "in all"),
                a(p.net),
                t(lang, "rồi hưởng lương hưu", "then draw a pension of"),
                a(p.monthly_pension),
                t(lang, "mỗi tháng từ tháng", "a month from"),
                month(p.pension_from)
            );
        }
        if let Some(m) = &e.monthly_allowance {
            // The top-up is said only when the pot falls short of the social-pension age.
            let top_up = if m.top_up_cost > 0 {
                format!(
                    "; {} {}",
                    t(
                        lang,
                        "đóng thêm để nhận đến tuổi hưởng trợ cấp hưu trí xã hội",
                        "top-up to last until the social pension"
                    ),
                    a(m.top_up_cost)
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                o,
                "  3. {} {} {} {} {} ({} {}){top_up}.",
                t(lang, "Nhận trợ cấp hằng tháng", "Take the monthly allowance of"),
                a(m.monthly),
                t(lang, "trong", "for"),
                m.months,
                t(lang, "tháng", "months"),
                t(lang, "tổng", "pot"),
                a(m.pot),
            );
        }
    }
    let _ = writeln!(
        o,
        "{:<34} {}",
        t(lang, "Nếu rút BHXH một lần", "One-time withdrawal instead"),
        a(e.one_time_amount)
    );
    if let Some(s) = &e.social_pension {
        let _ = writeln!(
            o,
            "{:<34} {} {} {} {} ({} {})",
            t(lang, "Trợ cấp hưu trí xã hội", "Social pension"),
            a(s.monthly),
            t(lang, "mỗi tháng, từ", "a month, at"),
            s.age_years,
            t(lang, "tuổi", "years"),
            t(lang, "tháng", "in"),
            month(s.from)
        );
    }
    citations(&mut o, &e.citations, lang);
    o
}

pub(crate) fn bhyt(h: &HouseholdPremium<'_>, lang: Lang) -> String {
    let a = |d| Amount(d, lang).to_string();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {} {}, {} {} ({} {})",
        t(lang, "BHYT hộ gia đình —", "Household health insurance —"),
        h.members.len(),
        t(lang, "người", "members"),
        h.months,
        t(lang, "tháng", "months"),
        t(lang, "bảng chính sách", "policy table"),
        h.policy_version
    );
    estimate_banner(&mut o, h.estimate, lang);
    let _ = writeln!(
        o,
        "{} {} × {}",
        t(lang, "Người thứ nhất:", "First member:"),
        a(h.reference_level),
        pct(h.rate_bp, lang)
    );
    let _ = writeln!(
        o,
        "{:<10} {:>8} {:>16} {:>18}",
        t(lang, "Người", "Member"),
        t(lang, "Mức", "Share"),
        t(lang, "Mỗi tháng", "Monthly"),
        t(lang, "Cả kỳ", "Period")
    );
    for m in &h.members {
        let _ = writeln!(
            o,
            "{:<10} {:>8} {:>16} {:>18}",
            m.order,
            pct(m.share_bp, lang),
            a(m.monthly),
            a(m.amount)
        );
    }
    let _ = writeln!(o, "{:<10} {:>44}", t(lang, "TỔNG", "TOTAL"), a(h.total));
    let _ = writeln!(o, "{} {}", t(lang, "Bằng chữ:", "In words:"), InWords(h.total, lang));
    citations(&mut o, &h.citations, lang);
    o
}

pub(crate) fn benefits(b: &Benefits<'_>, lang: Lang) -> String {
    let a = |d| Amount(d, lang).to_string();
    let none = t(lang, "chưa có chế độ này vào ngày đó", "not in force on that date");
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {} ({} {})",
        t(lang, "Các chế độ khác, ngày", "Other benefits on"),
        day(b.on, lang),
        t(lang, "bảng chính sách", "policy table"),
        b.policy_version
    );
    estimate_banner(&mut o, b.estimate, lang);
    let maternity = b.maternity.as_ref().map_or(none.to_string(), |m| {
        format!(
            "{} {} ({} {}), {} {} {} {} {}",
            a(m.per_child),
            t(lang, "mỗi con", "per child"),
            t(lang, "tổng", "total"),
            a(m.total),
            t(lang, "cần đóng", "needs"),
            m.min_months,
            t(lang, "tháng trong", "months within"),
            m.window_months,
            t(lang, "tháng trước khi sinh", "months before the birth")
        )
    });
    let funeral = b.funeral.as_ref().map_or(none.to_string(), |f| {
        format!(
            "{} ({} {} {})",
            a(f.amount),
            t(lang, "đã đóng đủ", "after"),
            f.min_months,
            t(lang, "tháng hoặc đang hưởng lương hưu", "months paid, or for a pensioner")
        )
    });
    let social = b.social_pension.as_ref().map_or(none.to_string(), |s| {
        format!(
            "{} {} {} {} ({} {} {})",
            a(s.monthly),
            t(lang, "mỗi tháng từ", "a month from age"),
            s.age_years,
            t(lang, "tuổi", ""),
            t(lang, "hộ nghèo, cận nghèo từ", "poor and near-poor households from"),
            s.age_years_poor,
            t(lang, "tuổi", "")
        )
    });
    let _ = writeln!(o, "{:<26} {maternity}", t(lang, "Trợ cấp thai sản", "Maternity allowance"));
    let _ = writeln!(o, "{:<26} {funeral}", t(lang, "Trợ cấp mai táng", "Funeral allowance"));
    let _ = writeln!(o, "{:<26} {social}", t(lang, "Trợ cấp hưu trí xã hội", "Social pension"));
    citations(&mut o, &b.citations, lang);
    o
}

pub(crate) fn policy(table: &PolicyTable<'_>, lang: Lang) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{} {}", t(lang, "Bảng chính sách", "Policy table"), table.version);
    let _ = writeln!(o, "{}", table.title);
    let _ = writeln!(o, "{} {}", t(lang, "Áp dụng từ", "Valid from"), day(table.valid_from, lang));
    fn series<V: serde::Serialize>(
        o: &mut String,
        name: &str,
        s: &ansinh_core::policy::Series<'_, V>,
        lang: Lang,
    ) {
        let _ = writeln!(o, "\n[{name}] {}", param_label(name, lang));
        for e in &s.entries {
            let until = e.until.map(|u| day(u, lang)).unwrap_or_else(|| "…".into());
            let value = match &e.value {
                Some(v) => serde_json::to_string(v).unwrap_or_default(),
                None => t(lang, "(không áp dụng)", "(not in force)").into(),
            };
            let _ = writeln!(o, "  {} – {}: {value}", day(e.from, lang), until);
            let _ = writeln!(o, "      {} [{}]", e.source, status_label(e.status, lang));
            if !e.note.is_empty() {
                let _ = writeln!(o, "      {}", e.note);
            }
        }
    }
    series(&mut o, "rural_poverty_line", &table.rural_poverty_line, lang);
    series(&mut o, "reference_level", &table.reference_level, lang);
    series(&mut o, "contribution", &table.contribution, lang);
    series(&mut o, "support_national", &table.support_national, lang);
    for p in &table.support_local {
        let _ = write!(o, "\n{} {} ({})", t(lang, "Tỉnh", "Province"), p.name, p.code);
        series(&mut o, "support_local", &p.rates, lang);
    }
    series(&mut o, "payment_modes", &table.payment_modes, lang);
    series(&mut o, "retirement_age", &table.retirement_age, lang);
    series(&mut o, "transitional_retirement", &table.transitional_retirement, lang);
    series(&mut o, "accrual", &table.accrual, lang);
    series(&mut o, "half_year_rounding", &table.half_year_rounding, lang);
    series(&mut o, "cpi", &table.cpi, lang);
    series(&mut o, "bhyt_household", &table.bhyt_household, lang);
    series(&mut o, "social_pension", &table.social_pension, lang);
    series(&mut o, "maternity", &table.maternity, lang);
    series(&mut o, "funeral", &table.funeral, lang);
    series(&mut o, "one_time", &table.one_time, lang);
    series(&mut o, "monthly_allowance", &table.monthly_allowance, lang);
    series(&mut o, "fund_return", &table.fund_return, lang);
    o
}

/// Two ways of paying side by side.
pub(crate) fn compare(c: &ansinh_core::compare::Comparison<'_>, lang: Lang) -> String {
    let a = |d: u64| Amount(d, lang).to_string();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {} ({} {})",
        t(lang, "So sánh các cách đóng — hỏi ngày", "Ways of paying compared — asked on"),
        day(c.on, lang),
        t(lang, "bảng chính sách", "policy table"),
        c.policy_version
    );
    estimate_banner(&mut o, c.estimate, lang);
    let [x, y] = &c.ways;
    let row = |o: &mut String, k: &str, f: &dyn Fn(&ansinh_core::compare::WayResult) -> String| {
        let _ = writeln!(o, "{k:<30} {:>22} {:>22}", f(x), f(y));
    };
    let _ = writeln!(
        o,
        "{:<30} {:>22} {:>22}",
        "",
        t(lang, "Cách A", "Option A"),
        t(lang, "Cách B", "Option B")
    );
    row(&mut o, t(lang, "Thu nhập tháng chọn đóng", "Chosen monthly income"), &|w| {
        a(w.income)
    });
    row(&mut o, t(lang, "Số tháng đóng", "Months paid"), &|w| {
        if w.months_paid < w.years_asked.saturating_mul(12) {
            format!("{} ({})", w.months_paid, t(lang, "đến tuổi hưu", "to retirement"))
        } else {
            w.months_paid.to_string()
        }
    });
    row(&mut o, t(lang, "Tháng đầu bạn đóng", "You pay the first month"), &|w| {
        a(w.first_month_net)
    });
    row(&mut o, t(lang, "Tổng bạn đóng", "You pay in total"), &|w| a(w.paid.net));
    row(&mut o, t(lang, "Tháng nâng lên mức sàn", "Months raised to the floor"), &|w| {
        w.paid.months_raised.to_string()
    });
    row(&mut o, t(lang, "Đủ tuổi nghỉ hưu", "Retirement age reached"), &|w| {
        month(w.retirement_month)
    });
    row(&mut o, t(lang, "Tỷ lệ hưởng", "Accrual rate"), &|w| {
        if w.eligible { pct(w.rate_bp, lang) } else { "—".into() }
    });
    row(&mut o, t(lang, "Lương hưu mỗi tháng", "Monthly pension"), &|w| {
        if w.eligible {
            a(w.monthly_pension)
        } else {
            format!(
                "{} {} {}",
                t(lang, "thiếu", "short by"),
                w.shortfall_months,
                t(lang, "tháng", "months")
            )
        }
    });
    row(&mut o, t(lang, "Nhận lương hưu từ", "Pension from"), &|w| {
        w.pension_from.map_or_else(|| "—".into(), month)
    });
    row(&mut o, t(lang, "Nhận lại đủ số đã đóng sau", "Paid back after"), &|w| {
        w.payback_months
            .map_or_else(|| "—".into(), |m| format!("{m} {}", t(lang, "tháng", "months")))
    });
    match (c.better_per_dong, lang) {
        (Some(i), Lang::Vi) => {
            let _ = writeln!(
                o,
                "Tính trên mỗi đồng đã đóng, cách {} cho lương hưu cao hơn.",
                ["A", "B"][i]
            );
        }
        (Some(i), Lang::En) => {
            let _ = writeln!(
                o,
                "For each đồng paid, option {} gives the higher pension.",
                ["A", "B"][i]
            );
        }
        (None, _) => {}
    }
    let _ = writeln!(
        o,
        "{}",
        t(
            lang,
            "Mỗi tháng tính theo mức sàn, mức trần và hỗ trợ của tháng đó (từ 01/01/2027 mức thu nhập thấp nhất là chuẩn nghèo nông thôn mới).",
            "Each month is priced at that month's floor, ceiling and support (from 1 Jan 2027 the lowest income is the new rural poverty line)."
        )
    );
    citations(&mut o, &c.citations, lang);
    o
}
