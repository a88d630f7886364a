//! Human-readable output in any language offered: the wording comes from the catalogues
//! (`ansinh-text`); this file only lays it out in columns.

use std::fmt::Write;

use ansinh_core::benefits::Benefits;
use ansinh_core::bhyt::HouseholdPremium;
use ansinh_core::cite::{Citations, param_label};
use ansinh_core::money::InWords;
use ansinh_core::pension::{PensionEstimate, RetirementRule};
use ansinh_core::person::Group;
use ansinh_core::quote::{Mode, Quote};
use ansinh_core::{Date, Month, PolicyTable};
use ansinh_text::{
    Locale, decimal, mode_label, money, percent as pct, status_label, table_text, tr,
};

/// A day as the language writes it: `22/11/2026`, `2026-11-22`.
fn day(d: Date, lang: Locale) -> String {
    tr!(
        lang,
        "cli-date",
        year = d.year().to_string(),
        month = format!("{:02}", d.month_number()),
        day = format!("{:02}", d.day())
    )
}

pub(crate) fn month(m: Month) -> String {
    ansinh_text::month(m)
}

fn citations(out: &mut String, c: &Citations<'_>, lang: Locale) {
    let _ = writeln!(out, "{}", tr!(lang, "cli-sources"));
    for cite in c.iter() {
        let until = cite.until.map(|u| day(u, lang)).unwrap_or_default();
        let _ = writeln!(
            out,
            "  - {} ({} – {}): {} [{}]",
            param_label(cite.param, lang.core()),
            day(cite.from, lang),
            until,
            table_text(cite.source, lang),
            status_label(cite.status, lang)
        );
    }
}

fn estimate_banner(out: &mut String, estimate: bool, lang: Locale) {
    if estimate {
        let _ = writeln!(out, "{}", tr!(lang, "cli-estimate"));
    }
}

/// A support group as the command prints it.
fn group_label(g: Group, lang: Locale) -> &'static str {
    match g {
        Group::Poor => tr!(lang, "cli-group-poor"),
        Group::NearPoor => tr!(lang, "cli-group-near-poor"),
        Group::EthnicMinority => tr!(lang, "cli-group-ethnic-minority"),
        Group::Island => tr!(lang, "cli-group-island"),
        Group::Other => tr!(lang, "cli-group-other"),
    }
}

/// Rows of a table: a label padded to `width`, then the value.
fn rows(o: &mut String, width: usize, indent: &str, rows: &[(&str, String)]) {
    let width = width.saturating_sub(indent.chars().count());
    for (k, v) in rows {
        let _ = writeln!(o, "{indent}{k:<width$} {v}");
    }
}

pub(crate) fn quote(q: &Quote<'_>, lang: Locale) -> String {
    let a = |d| money(d, lang);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}",
        tr!(lang, "cli-quote-heading", day = day(q.on, lang), version = q.policy_version)
    );
    estimate_banner(&mut o, q.estimate, lang);
    rows(
        &mut o,
        28,
        "",
        &[
            (
                tr!(lang, "cli-quote-income"),
                tr!(
                    lang,
                    "cli-quote-income-range",
                    income = a(q.income),
                    floor = a(q.income_floor),
                    ceiling = a(q.income_ceiling)
                ),
            ),
            (
                tr!(lang, "cli-quote-mode"),
                tr!(
                    lang,
                    "cli-quote-mode-months",
                    mode = mode_label(q.mode, lang),
                    months = q.months
                ),
            ),
            (tr!(lang, "cli-quote-group"), group_label(q.group, lang).to_string()),
        ],
    );
    let _ = writeln!(o, "{}", tr!(lang, "cli-quote-each-month"));
    rows(
        &mut o,
        28,
        "  ",
        &[
            (
                tr!(lang, "cli-quote-contribution"),
                format!("{} ({})", a(q.gross_monthly), pct(q.rate_bp, lang)),
            ),
            (
                tr!(lang, "cli-quote-national-support"),
                format!("{} ({})", a(q.support_national_monthly), pct(q.support_national_bp, lang)),
            ),
            (
                tr!(lang, "cli-quote-provincial-support"),
                format!("{} ({})", a(q.support_local_monthly), pct(q.support_local_bp, lang)),
            ),
            (tr!(lang, "cli-quote-person-pays"), a(q.net_monthly)),
        ],
    );
    if q.support_months > 0 && q.unsupported_months > 0 {
        let _ = writeln!(
            o,
            "  {}",
            tr!(
                lang,
                "cli-quote-support-ends",
                months = q.support_months,
                amount = a(q.gross_monthly)
            )
        );
    }
    let _ = writeln!(o, "{}", tr!(lang, "cli-quote-whole-payment", months = q.months));
    rows(
        &mut o,
        28,
        "  ",
        &[
            (tr!(lang, "cli-quote-total-contribution"), a(q.gross)),
            (tr!(lang, "cli-quote-national-support"), a(q.support_national)),
            (tr!(lang, "cli-quote-provincial-support"), a(q.support_local)),
            (tr!(lang, "cli-quote-amount-to-pay"), a(q.net)),
            (tr!(lang, "cli-quote-in-words"), InWords(q.net, lang.core()).to_string()),
        ],
    );
    if let Some(ppm) = q.fund_return_ppm {
        let rate = decimal(ppm / 10_000, ppm % 10_000, 4, lang);
        let note = match q.mode {
            Mode::Advance(_) => tr!(lang, "cli-quote-discounted", rate = rate),
            _ => tr!(lang, "cli-quote-compounded", rate = rate),
        };
        let _ = writeln!(o, "  {note}");
    }
    let _ = writeln!(
        o,
        "{}",
        tr!(lang, "cli-quote-supported", months = q.support_months, left = q.support_months_left)
    );
    citations(&mut o, &q.citations, lang);
    o
}

pub(crate) fn pension(e: &PensionEstimate<'_>, lang: Locale) -> String {
    let a = |d| money(d, lang);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}",
        tr!(lang, "cli-pension-heading", day = day(e.on, lang), version = e.policy_version)
    );
    estimate_banner(&mut o, e.estimate, lang);
    let age = tr!(
        lang,
        "cli-pension-age",
        years = e.retirement_age.years(),
        months = e.retirement_age.months()
    );
    let rule = match e.retirement_rule {
        RetirementRule::Normal => String::new(),
        RetirementRule::Transitional => format!(" {}", tr!(lang, "cli-pension-transitional")),
    };
    let mut table = vec![
        (tr!(lang, "cli-pension-retirement-age"), format!("{age}{rule}")),
        (tr!(lang, "cli-pension-age-reached"), month(e.retirement_month)),
        (
            tr!(lang, "cli-pension-months-at-retirement"),
            tr!(
                lang,
                "cli-pension-months-detail",
                total = e.months_at_retirement,
                paid = e.months_paid,
                planned = e.months_planned
            ),
        ),
        (tr!(lang, "cli-pension-average-income"), a(e.average_income)),
    ];
    if e.eligible {
        table.push((tr!(lang, "cli-accrual-rate"), pct(e.rate_bp, lang)));
        table.push((tr!(lang, "cli-pension-monthly-pension"), a(e.monthly_pension)));
        if let Some(from) = e.pension_from {
            table.push((tr!(lang, "cli-pension-paid-from"), month(from)));
        }
    }
    rows(&mut o, 34, "", &table);
    if e.eligible {
        if let (Some(from), true) = (e.pension_from, e.already_eligible) {
            let _ =
                writeln!(o, "{}", tr!(lang, "cli-pension-already-eligible", from = month(from)));
        }
    } else {
        let _ = writeln!(
            o,
            "{}",
            tr!(lang, "cli-pension-short", short = e.shortfall_months, needed = e.months_required)
        );
        let _ = writeln!(o, "{}", tr!(lang, "cli-pension-options"));
        let option = match &e.backpay {
            Some(b) => tr!(
                lang,
                "cli-pension-option-backpay",
                months = b.months,
                paid_in = month(b.paid_in),
                cost = a(b.cost),
                pension = a(b.monthly_pension),
                from = month(b.pension_from)
            ),
            None => tr!(lang, "cli-pension-option-no-backpay").to_string(),
        };
        let _ = writeln!(o, "  1. {option}");
        if let Some(p) = &e.pay_on {
            let option = tr!(
                lang,
                "cli-pension-option-pay-on",
                months = p.months,
                complete = month(p.complete_in),
                total = a(p.net),
                pension = a(p.monthly_pension),
                from = month(p.pension_from)
            );
            let _ = writeln!(o, "  2. {option}");
        }
        if let Some(m) = &e.monthly_allowance {
            // The top-up is said only when the pot falls short of the social-pension age.
            let option = if m.top_up_cost > 0 {
                tr!(
                    lang,
                    "cli-pension-option-allowance-top-up",
                    amount = a(m.monthly),
                    months = m.months,
                    pot = a(m.pot),
                    top_up = a(m.top_up_cost)
                )
            } else {
                tr!(
                    lang,
                    "cli-pension-option-allowance",
                    amount = a(m.monthly),
                    months = m.months,
                    pot = a(m.pot)
                )
            };
            let _ = writeln!(o, "  3. {option}");
        }
    }
    let mut table = vec![(tr!(lang, "cli-pension-one-time"), a(e.one_time_amount))];
    if let Some(s) = &e.social_pension {
        table.push((
            tr!(lang, "cli-social-pension"),
            tr!(
                lang,
                "cli-pension-social-pension",
                amount = a(s.monthly),
                age = s.age_years,
                from = month(s.from)
            ),
        ));
    }
    rows(&mut o, 34, "", &table);
    citations(&mut o, &e.citations, lang);
    o
}

pub(crate) fn bhyt(h: &HouseholdPremium<'_>, lang: Locale) -> String {
    let a = |d| money(d, lang);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}",
        tr!(
            lang,
            "cli-bhyt-heading",
            members = h.members.len(),
            months = h.months,
            version = h.policy_version
        )
    );
    estimate_banner(&mut o, h.estimate, lang);
    let _ = writeln!(
        o,
        "{}",
        tr!(
            lang,
            "cli-bhyt-first-member",
            reference = a(h.reference_level),
            rate = pct(h.rate_bp, lang)
        )
    );
    let _ = writeln!(
        o,
        "{:<10} {:>8} {:>16} {:>18}",
        tr!(lang, "cli-bhyt-member"),
        tr!(lang, "cli-bhyt-share"),
        tr!(lang, "cli-bhyt-monthly"),
        tr!(lang, "cli-bhyt-period")
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
    let _ = writeln!(o, "{:<10} {:>44}", tr!(lang, "cli-bhyt-total"), a(h.total));
    let _ = writeln!(
        o,
        "{}",
        tr!(lang, "cli-bhyt-in-words", words = InWords(h.total, lang.core()).to_string())
    );
    citations(&mut o, &h.citations, lang);
    o
}

pub(crate) fn benefits(b: &Benefits<'_>, lang: Locale) -> String {
    let a = |d| money(d, lang);
    let none = || tr!(lang, "cli-benefits-none").to_string();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}",
        tr!(lang, "cli-benefits-heading", day = day(b.on, lang), version = b.policy_version)
    );
    estimate_banner(&mut o, b.estimate, lang);
    let maternity = b.maternity.as_ref().map_or_else(none, |m| {
        tr!(
            lang,
            "cli-benefits-maternity",
            per_child = a(m.per_child),
            total = a(m.total),
            paid = m.min_months,
            window = m.window_months
        )
    });
    let funeral = b.funeral.as_ref().map_or_else(none, |f| {
        tr!(lang, "cli-benefits-funeral", amount = a(f.amount), months = f.min_months)
    });
    let social = b.social_pension.as_ref().map_or_else(none, |s| {
        tr!(
            lang,
            "cli-benefits-social-pension",
            amount = a(s.monthly),
            age = s.age_years,
            age_poor = s.age_years_poor
        )
    });
    rows(
        &mut o,
        26,
        "",
        &[
            (tr!(lang, "cli-benefits-maternity-allowance"), maternity),
            (tr!(lang, "cli-benefits-funeral-allowance"), funeral),
            (tr!(lang, "cli-social-pension"), social),
        ],
    );
    citations(&mut o, &b.citations, lang);
    o
}

pub(crate) fn policy(table: &PolicyTable<'_>, lang: Locale) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", tr!(lang, "cli-policy-heading", version = table.version));
    let _ = writeln!(o, "{}", table.title);
    let _ =
        writeln!(o, "{}", tr!(lang, "cli-policy-valid-from", day = day(table.valid_from, lang)));
    fn series<V: serde::Serialize>(
        o: &mut String,
        name: &str,
        s: &ansinh_core::policy::Series<'_, V>,
        lang: Locale,
    ) {
        let _ = writeln!(o, "\n[{name}] {}", param_label(name, lang.core()));
        for e in &s.entries {
            let until = e.until.map(|u| day(u, lang)).unwrap_or_else(|| "…".into());
            let value = match &e.value {
                Some(v) => serde_json::to_string(v).unwrap_or_default(),
                None => tr!(lang, "cli-policy-not-in-force").into(),
            };
            let _ = writeln!(o, "  {} – {}: {value}", day(e.from, lang), until);
            let source = table_text(e.source, lang);
            let _ = writeln!(o, "      {source} [{}]", status_label(e.status, lang));
            if !e.note.is_empty() {
                let _ = writeln!(o, "      {}", table_text(e.note, lang));
            }
        }
    }
    series(&mut o, "rural_poverty_line", &table.rural_poverty_line, lang);
    series(&mut o, "reference_level", &table.reference_level, lang);
    series(&mut o, "contribution", &table.contribution, lang);
    series(&mut o, "support_national", &table.support_national, lang);
    for p in &table.support_local {
        let _ = write!(o, "\n{}", tr!(lang, "cli-policy-province", name = p.name, code = p.code));
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
pub(crate) fn compare(c: &ansinh_core::compare::Comparison<'_>, lang: Locale) -> String {
    let a = |d: u64| money(d, lang);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}",
        tr!(lang, "cli-compare-heading", day = day(c.on, lang), version = c.policy_version)
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
        tr!(lang, "cli-compare-option", option = "A"),
        tr!(lang, "cli-compare-option", option = "B")
    );
    row(&mut o, tr!(lang, "cli-quote-income"), &|w| a(w.income));
    row(&mut o, tr!(lang, "cli-compare-months-paid"), &|w| {
        if w.months_paid < w.years_asked.saturating_mul(12) {
            tr!(lang, "cli-compare-to-retirement", months = w.months_paid)
        } else {
            w.months_paid.to_string()
        }
    });
    row(&mut o, tr!(lang, "cli-compare-first-month"), &|w| a(w.first_month_net));
    row(&mut o, tr!(lang, "cli-compare-total"), &|w| a(w.paid.net));
    row(&mut o, tr!(lang, "cli-compare-months-raised"), &|w| w.paid.months_raised.to_string());
    row(&mut o, tr!(lang, "cli-compare-retirement-reached"), &|w| month(w.retirement_month));
    row(&mut o, tr!(lang, "cli-accrual-rate"), &|w| {
        if w.eligible { pct(w.rate_bp, lang) } else { "—".into() }
    });
    row(&mut o, tr!(lang, "cli-compare-monthly-pension"), &|w| {
        if w.eligible {
            a(w.monthly_pension)
        } else {
            tr!(lang, "cli-compare-short", months = w.shortfall_months)
        }
    });
    row(&mut o, tr!(lang, "cli-compare-pension-from"), &|w| {
        w.pension_from.map_or_else(|| "—".into(), month)
    });
    row(&mut o, tr!(lang, "cli-compare-paid-back-after"), &|w| {
        w.payback_months.map_or_else(|| "—".into(), |m| tr!(lang, "count-months", months = m))
    });
    if let Some(i) = c.better_per_dong {
        let _ = writeln!(o, "{}", tr!(lang, "scenarios-better-per-dong", option = ["A", "B"][i]));
    }
    let _ = writeln!(o, "{}", tr!(lang, "cli-compare-note"));
    citations(&mut o, &c.citations, lang);
    o
}
