//! "How much would I pay?": income by slider, stepper or keypad between the floor and the
//! ceiling in force, support group, province and payment mode → gross, support and net, per
//! month and for the whole payment, with the amount to pay in words, and when the months paid
//! reach past a change of the rules, that the payment is priced at the payment day's rules
//! ([`payment_day_note`], on the wizard's review too).

use ansinh_core::cite::Citations;
use ansinh_core::person::Group;
use ansinh_core::policy::PricedBy;
use ansinh_core::quote::{Mode, QuoteRequest, income_bounds, quote};
use ansinh_core::{Date, Dong, Month, PolicyTable};
use ansinh_text::{money_minus, money_plus, payment_day_rules};

use crate::text::{Line, Locale, money, percent, sources, tr, words};

/// The payment modes offered on the screen, in order.
pub const MODES: [Mode; 8] = [
    Mode::Periodic(1),
    Mode::Periodic(3),
    Mode::Periodic(6),
    Mode::Periodic(12),
    Mode::Advance(2),
    Mode::Advance(3),
    Mode::Advance(4),
    Mode::Advance(5),
];

/// The support groups offered, in the order shown.
pub const GROUPS: [Group; 5] =
    [Group::Other, Group::Poor, Group::NearPoor, Group::EthnicMinority, Group::Island];

/// One step of the − / + buttons.
pub const STEP: Dong = 100_000;
/// The slider moves in steps of this much.
pub const SLIDER_ROUNDING: Dong = 50_000;
/// Slider positions: 0..=SLIDER_MAX.
pub const SLIDER_MAX: i32 = 1000;
/// Most people choose an income near the floor: the first 60% of the slider covers up to
/// this amount, the rest up to the ceiling.
const SLIDER_KNEE: Dong = 10_000_000;
const KNEE_POS: i32 = 600;

/// A mode's name for people: the one wording of the screens and the command.
pub use ansinh_text::mode_label;

/// A support group's name for people.
pub fn group_label(g: Group, lang: Locale) -> &'static str {
    match g {
        Group::Poor => tr!(lang, "quote-poor-household"),
        Group::NearPoor => tr!(lang, "quote-near-poor-household"),
        Group::EthnicMinority => tr!(lang, "quote-ethnic-minority"),
        Group::Island => tr!(lang, "quote-island-commune"),
        Group::Other => tr!(lang, "quote-everyone-else"),
    }
}

/// What the person chose.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuoteController {
    /// Chosen monthly income (0 until the first view sets it to the floor).
    income: Dong,
    /// Index into [`GROUPS`].
    group: usize,
    /// Index into [`MODES`].
    mode: usize,
    /// Province code for provincial top-ups.
    province: Option<&'static str>,
}

/// What the screen shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuoteView {
    /// The chosen income.
    pub income: String,
    /// Floor and ceiling.
    pub floor: String,
    /// Ceiling.
    pub ceiling: String,
    /// Slider position 0..=SLIDER_MAX.
    pub slider: i32,
    /// Group names, in [`GROUPS`] order.
    pub groups: Vec<String>,
    /// Mode names, in [`MODES`] order.
    pub modes: Vec<String>,
    /// Province chosen, or "none".
    pub province: String,
    /// One step of the − and + buttons (`100.000 đ`) and the buttons (`−100.000 đ`).
    pub step: String,
    /// See `step`.
    pub step_down: String,
    /// See `step_down`.
    pub step_up: String,
    /// One month.
    pub monthly: Vec<Line>,
    /// The whole payment.
    pub payment: Vec<Line>,
    /// "Số tiền nộp" in figures.
    pub net: String,
    /// ... and in words.
    pub net_words: String,
    /// Support months note.
    pub note: String,
    /// The paid months reach past a change of the rules: priced at the day of payment's
    /// (empty otherwise).
    pub rules_note: String,
    /// The core refused (income out of range...): its message.
    pub error: String,
    /// Marked as an estimate.
    pub estimate: bool,
    /// Sources.
    pub sources: Vec<String>,
}

/// Income for a slider position (integer arithmetic, rounded to [`SLIDER_ROUNDING`]).
pub fn income_at(pos: i32, floor: Dong, ceiling: Dong) -> Dong {
    let pos = Dong::try_from(pos.clamp(0, SLIDER_MAX)).unwrap_or(0);
    let (knee_pos, max) =
        (Dong::try_from(KNEE_POS).unwrap_or(1), Dong::try_from(SLIDER_MAX).unwrap_or(1));
    let raw = if ceiling > SLIDER_KNEE && floor < SLIDER_KNEE {
        if pos <= knee_pos {
            floor + (SLIDER_KNEE - floor) * pos / knee_pos
        } else {
            SLIDER_KNEE + (ceiling - SLIDER_KNEE) * (pos - knee_pos) / (max - knee_pos)
        }
    } else {
        floor + (ceiling - floor) * pos / max
    };
    let rounded = (raw + SLIDER_ROUNDING / 2) / SLIDER_ROUNDING * SLIDER_ROUNDING;
    rounded.clamp(floor, ceiling)
}

/// The slider position showing `income`.
pub fn position_of(income: Dong, floor: Dong, ceiling: Dong) -> i32 {
    let income = income.clamp(floor, ceiling);
    let pos = if ceiling > SLIDER_KNEE && floor < SLIDER_KNEE {
        if income <= SLIDER_KNEE {
            (income - floor) * 600 / (SLIDER_KNEE - floor).max(1)
        } else {
            600 + (income - SLIDER_KNEE) * 400 / (ceiling - SLIDER_KNEE).max(1)
        }
    } else {
        (income - floor) * 1000 / (ceiling - floor).max(1)
    };
    i32::try_from(pos).unwrap_or(SLIDER_MAX)
}

impl QuoteController {
    /// Floor and ceiling in force on `today`.
    pub fn bounds(table: &PolicyTable<'_>, today: Date) -> (Dong, Dong) {
        let mut c = Citations::new();
        income_bounds(table, today, &mut c).unwrap_or((0, 0))
    }

    fn settle(&mut self, table: &PolicyTable<'_>, today: Date) {
        if self.income == 0 {
            self.income = Self::bounds(table, today).0;
        }
    }

    /// The slider moved.
    pub fn slide(&mut self, table: &PolicyTable<'_>, today: Date, pos: i32) {
        let (floor, ceiling) = Self::bounds(table, today);
        self.income = income_at(pos, floor, ceiling);
    }

    /// − (`-1`) or + (`1`).
    pub fn step(&mut self, table: &PolicyTable<'_>, today: Date, direction: i32) {
        self.settle(table, today);
        let (floor, ceiling) = Self::bounds(table, today);
        let next = if direction < 0 {
            self.income.saturating_sub(STEP)
        } else {
            self.income.saturating_add(STEP)
        };
        self.income = next.clamp(floor, ceiling);
    }

    /// An amount typed on the money pad (kept as typed: the core says if it is out of range).
    pub fn set_income(&mut self, income: Dong) {
        self.income = income;
    }

    /// The request as the core sees it.
    pub fn request(&self, today: Date) -> QuoteRequest<'static> {
        let mut req = QuoteRequest::new(
            today,
            self.income,
            GROUPS[self.group.min(GROUPS.len() - 1)],
            MODES[self.mode.min(MODES.len() - 1)],
        );
        req.province = self.province;
        req
    }

    /// The screen.
    pub fn view(&mut self, table: &PolicyTable<'_>, today: Date, lang: Locale) -> QuoteView {
        self.settle(table, today);
        let (floor, ceiling) = Self::bounds(table, today);
        let mut v = QuoteView {
            income: money(self.income, lang),
            floor: money(floor, lang),
            ceiling: money(ceiling, lang),
            slider: position_of(self.income, floor, ceiling),
            groups: GROUPS.iter().map(|g| group_label(*g, lang).to_string()).collect(),
            modes: MODES.iter().map(|m| mode_label(*m, lang)).collect(),
            province: match self.province.and_then(ansinh_geo::province) {
                Some(p) => p.name.to_string(),
                None => tr!(lang, "quote-no-province").into(),
            },
            step: money(STEP, lang),
            step_down: money_minus(STEP, lang),
            step_up: money_plus(STEP, lang),
            ..QuoteView::default()
        };
        match quote(table, &self.request(today)) {
            Ok(q) => {
                let m = q.months;
                v.monthly = vec![
                    Line::new(
                        format!(
                            "{} ({})",
                            tr!(lang, "quote-contribution"),
                            percent(q.rate_bp, lang)
                        ),
                        money(q.gross_monthly, lang),
                    ),
                    Line::new(
                        format!(
                            "{} ({})",
                            tr!(lang, "quote-national-support"),
                            percent(q.support_national_bp, lang)
                        ),
                        money_minus(q.support_national_monthly, lang),
                    ),
                    Line::new(
                        format!(
                            "{} ({})",
                            tr!(lang, "quote-provincial-support"),
                            percent(q.support_local_bp, lang)
                        ),
                        money_minus(q.support_local_monthly, lang),
                    ),
                    Line::strong(tr!(lang, "quote-you-pay-monthly"), money(q.net_monthly, lang)),
                ];
                v.payment = vec![
                    Line::new(
                        tr!(lang, "quote-payment-contribution", months = m),
                        money(q.gross, lang),
                    ),
                    Line::new(
                        tr!(lang, "quote-national-support"),
                        money_minus(q.support_national, lang),
                    ),
                    Line::new(
                        tr!(lang, "quote-provincial-support"),
                        money_minus(q.support_local, lang),
                    ),
                ];
                v.net = money(q.net, lang);
                v.net_words = words(q.net, lang);
                v.note = tr!(
                    lang,
                    "quote-support-note",
                    months = q.support_months,
                    left = q.support_months_left
                );
                if matches!(q.mode, Mode::Advance(_)) {
                    v.note.push(' ');
                    v.note.push_str(tr!(lang, "quote-advance-discounted"));
                }
                // The quote pays from the month of payment on; back-pay is for months past.
                if !matches!(q.mode, Mode::Backpay(_)) {
                    let priced_by = PricedBy::Voluntary { province: self.province };
                    let first = today.month();
                    v.rules_note =
                        payment_day_note(table, priced_by, today, first, u32::from(q.months), lang);
                }
                v.estimate = q.estimate;
                v.sources = sources(&q.citations, lang);
            }
            Err(e) => v.error = e.message(lang.core()).to_string(),
        }
        v
    }
}

/// What a payment made on `paid_on` for `months` months from `first` says of the rules it is
/// priced at, when its months reach past a change of them or past what the table confirms
/// (empty otherwise): the quote and the wizard's review show it.
pub fn payment_day_note(
    table: &PolicyTable<'_>,
    priced_by: PricedBy<'_>,
    paid_on: Date,
    first: Month,
    months: u32,
    lang: Locale,
) -> String {
    let Some(last) = first.plus(months.saturating_sub(1)) else { return String::new() };
    table.rules_change(priced_by, paid_on, last.last_day()).map_or_else(String::new, |change| {
        payment_day_rules(lang, paid_on, last, &change, table.valid_until)
    })
}

/// What the adapter draws, and the choices it forwards.
impl QuoteController {
    /// The chosen income (0 until the first view).
    pub fn income(&self) -> Dong {
        self.income
    }
    /// Index into [`GROUPS`].
    pub fn group(&self) -> usize {
        self.group
    }
    /// Index into [`MODES`].
    pub fn mode(&self) -> usize {
        self.mode
    }
    /// The province chosen for provincial top-ups.
    pub fn province(&self) -> Option<&'static str> {
        self.province
    }
    /// A group was tapped.
    pub fn pick_group(&mut self, i: usize) {
        self.group = i.min(GROUPS.len() - 1);
    }
    /// A payment mode was tapped.
    pub fn pick_mode(&mut self, i: usize) {
        self.mode = i.min(MODES.len() - 1);
    }
    /// A province was picked (`None`: no provincial top-up).
    pub fn set_province(&mut self, code: Option<&'static str>) {
        self.province = code;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_core::default_table;

    fn day(s: &str) -> Date {
        s.parse().unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn the_readme_quote_on_screen() {
        let table = default_table();
        let mut c = QuoteController { group: 2, mode: 1, ..Default::default() };
        let v = c.view(&table, day("2026-11-22"), Locale::SOURCE);
        assert_eq!(v.income, "1.500.000 đ");
        assert_eq!(v.floor, "1.500.000 đ");
        assert_eq!(v.ceiling, "50.600.000 đ");
        assert_eq!(v.net, "594.000 đ");
        assert_eq!(v.net_words, "Năm trăm chín mươi bốn nghìn đồng");
        assert_eq!(v.monthly[0], Line::new("Phải đóng (22%)", "330.000 đ"));
        assert_eq!(v.monthly[3], Line::strong("Bạn đóng mỗi tháng", "198.000 đ"));
        assert!(v.error.is_empty());
        assert!(!v.sources.is_empty());
    }

    #[test]
    fn hanoi_top_up_is_an_estimate_in_english() {
        let table = default_table();
        let mut c = QuoteController { income: 5_000_000, group: 0, mode: 3, province: Some("01") };
        let v = c.view(
            &table,
            day("2027-01-01"),
            Locale::from_code("en").expect("an English catalogue"),
        );
        assert_eq!(v.net, "VND 11,457,600");
        assert!(v.estimate);
        assert_eq!(v.province, "Hà Nội");
    }

    #[test]
    fn a_payment_reaching_into_next_year_is_priced_at_the_payment_days_rules() {
        let table = default_table();
        let en = Locale::from_code("en").expect("an English catalogue");
        // 12 months from 12/2026, paid on 06/12/2026: the floor rises on 01/01/2027.
        let mut c = QuoteController { mode: 3, ..Default::default() };
        let v = c.view(&table, day("2026-12-06"), en);
        assert_eq!(
            v.rules_note,
            "Priced at the rules in force on the day of payment (06/12/2026) for every month paid, \
             up to 11/2027. New rules from 01/01/2027 (Rural poverty line (income floor)) do not \
             apply to this payment: nothing more to pay later, and no refund of the difference."
        );
        let v = c.view(&table, day("2026-12-06"), Locale::SOURCE);
        assert!(v.rules_note.starts_with("Số tiền tính theo quy định của ngày nộp (06/12/2026)"));
        assert!(
            v.rules_note.contains("đến hết tháng 11/2027") && v.rules_note.contains("01/01/2027")
        );
        // 3 months from 01/2026, paid on 10/01/2026: the same rules throughout.
        let mut c = QuoteController { mode: 1, ..Default::default() };
        assert_eq!(c.view(&table, day("2026-01-10"), en).rules_note, "");
        // Monthly in December: nothing past the month of payment.
        let mut c = QuoteController::default();
        assert_eq!(c.view(&table, day("2026-12-06"), en).rules_note, "");
    }

    #[test]
    fn amounts_and_steps_are_written_for_the_language() {
        let table = default_table();
        let en = Locale::from_code("en").expect("an English catalogue");
        let mut c = QuoteController { group: 2, mode: 0, ..Default::default() };
        let v = c.view(&table, day("2026-11-22"), en);
        assert_eq!((v.step_down.as_str(), v.step_up.as_str()), ("−VND 100,000", "+VND 100,000"));
        assert_eq!(v.monthly[1].value, "−VND 132,000");
        assert_eq!(v.monthly[2].value, "VND 0", "nothing taken off has no sign");
        assert_eq!(v.payment[0].label, "Contribution (1 month)");
        let v = c.view(&table, day("2026-11-22"), Locale::SOURCE);
        assert_eq!((v.step_down.as_str(), v.step_up.as_str()), ("−100.000 đ", "+100.000 đ"));
        assert_eq!(v.monthly[1].value, "−132.000 đ");
    }

    #[test]
    fn slider_and_stepper_stay_within_bounds() {
        let table = default_table();
        let today = day("2026-11-22");
        let mut c = QuoteController::default();
        c.slide(&table, today, 0);
        assert_eq!(c.income, 1_500_000);
        c.step(&table, today, -1);
        assert_eq!(c.income, 1_500_000, "never below the floor");
        c.step(&table, today, 1);
        assert_eq!(c.income, 1_600_000);
        c.slide(&table, today, SLIDER_MAX);
        assert_eq!(c.income, 50_600_000);
        c.step(&table, today, 1);
        assert_eq!(c.income, 50_600_000, "never above the ceiling");
        c.slide(&table, today, 600);
        assert_eq!(c.income, 10_000_000);
        for pos in [0, 137, 600, 601, 999, 1000] {
            let income = income_at(pos, 1_500_000, 50_600_000);
            let back = position_of(income, 1_500_000, 50_600_000);
            assert!((back - pos).abs() <= 2, "{pos} → {income} → {back}");
        }
    }

    #[test]
    fn a_typed_income_out_of_range_shows_the_core_message() {
        let table = default_table();
        let mut c = QuoteController::default();
        c.set_income(900_000);
        let v = c.view(&table, day("2026-11-22"), Locale::SOURCE);
        assert!(v.error.contains("1.500.000 đ"), "{}", v.error);
        assert!(v.net.is_empty());
    }
}
