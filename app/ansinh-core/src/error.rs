//! The one error type of the core: what is wrong with a request, said per field.

use core::fmt;

use ansinh_policy::{Date, Month};

use crate::money::{Amount, Dong, Lang};

/// Why a quote or estimate cannot be made. Every variant names the field at fault, has a stable
/// machine code, and a message in Vietnamese and English ([`Error::message`]). None is
/// retryable: the input (or the policy table) must change.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The date is before the policy table, or the rule did not exist on that date.
    #[error("no `{param}` rule in force on {date}")]
    NoRule {
        /// Parameter name in the table.
        param: &'static str,
        /// The date asked about.
        date: Date,
    },
    /// The chosen monthly income is outside the floor and ceiling in force.
    #[error("income {income} outside {floor}–{ceiling}")]
    IncomeOutOfRange {
        /// Income given.
        income: Dong,
        /// Floor on the payment date.
        floor: Dong,
        /// Ceiling on the payment date.
        ceiling: Dong,
    },
    /// A periodic payment length that the scheme does not offer.
    #[error("payment every {months} months is not offered")]
    PeriodNotAllowed {
        /// Months given.
        months: u8,
    },
    /// Advance payment for a number of years outside the allowed range.
    #[error("advance payment for {years} years is outside {min}–{max}")]
    AdvanceYearsOutOfRange {
        /// Years given.
        years: u8,
        /// Fewest years.
        min: u8,
        /// Most years.
        max: u8,
    },
    /// Back-pay needs the person's birth month and sex.
    #[error("back-pay needs the birth month and sex")]
    BackpayNeedsPerson,
    /// Back-pay needs the months already paid, to know what is missing.
    #[error("back-pay needs the months already paid")]
    BackpayNeedsPaidMonths,
    /// Nothing is missing: the months paid already meet the minimum.
    #[error("{paid} months paid already meet the {required} needed")]
    BackpayNothingMissing {
        /// Months paid.
        paid: u16,
        /// Months needed for a pension.
        required: u16,
    },
    /// Short of the minimum by more than back-pay may cover.
    #[error("{shortfall} months short; back-pay covers at most {max}")]
    BackpayShortfallTooLarge {
        /// Months missing.
        shortfall: u16,
        /// Most months back-pay may cover.
        max: u16,
    },
    /// The pension conditions were met before the first pension rule the table holds.
    #[error("pension conditions met before {since}, under rules the table does not hold")]
    SettledBeforeTable {
        /// First month the table's pension rules cover.
        since: Month,
    },
    /// Back-pay is only open from the month before retirement age.
    #[error("back-pay opens in {opens}")]
    BackpayTooEarly {
        /// First month back-pay may be made.
        opens: Month,
    },
    /// More months than are missing.
    #[error("back-pay of {months} months exceeds the {max} missing")]
    BackpayTooLong {
        /// Months asked for.
        months: u16,
        /// Most that may be back-paid for this person.
        max: u16,
    },
    /// A payment of zero months.
    #[error("at least one month is needed")]
    ZeroMonths,
    /// The person is younger than the joining age on the payment date.
    #[error("under the joining age of {min_age} on the payment date")]
    TooYoung {
        /// Joining age in years.
        min_age: u8,
    },
    /// A birth month after the date asked about.
    #[error("birth month {born} is after {on}")]
    BornAfterDate {
        /// Birth month.
        born: Month,
        /// Date asked about.
        on: Date,
    },
    /// Household size outside what a household enrollment can hold.
    #[error("{members} household members; 1–{max} allowed")]
    MembersOutOfRange {
        /// Members given.
        members: u16,
        /// Most members.
        max: u16,
    },
    /// Health insurance period that is not offered.
    #[error("health insurance for {months} months is not offered")]
    BhytPeriodNotAllowed {
        /// Months given.
        months: u8,
    },
    /// A contribution history that is inconsistent (duplicate year, more than 12 months,
    /// a year in the future, too many rows).
    #[error("contribution history: {reason} (year {year})")]
    BadHistory {
        /// Year of the offending row.
        year: u16,
        /// What is wrong.
        reason: &'static str,
    },
    /// Months already paid exceed a lifetime, or an average without months.
    #[error("months already paid: {reason}")]
    BadPaidMonths {
        /// What is wrong.
        reason: &'static str,
    },
    /// Arithmetic beyond any real amount.
    #[error("amount too large")]
    Overflow,
}

impl Error {
    /// Always false: a request error does not go away by retrying.
    pub const fn is_retryable(&self) -> bool {
        false
    }

    /// The input field at fault (the CLI option or form field name).
    pub const fn field(&self) -> &'static str {
        match self {
            Error::NoRule { .. } => "on",
            Error::IncomeOutOfRange { .. } => "income",
            Error::PeriodNotAllowed { .. }
            | Error::AdvanceYearsOutOfRange { .. }
            | Error::BackpayTooEarly { .. }
            | Error::BackpayTooLong { .. }
            | Error::ZeroMonths => "mode",
            Error::BackpayNeedsPerson
            | Error::TooYoung { .. }
            | Error::BornAfterDate { .. }
            | Error::SettledBeforeTable { .. } => "born",
            Error::BackpayNeedsPaidMonths
            | Error::BackpayNothingMissing { .. }
            | Error::BackpayShortfallTooLarge { .. } => "paid-months",
            Error::MembersOutOfRange { .. } => "members",
            Error::BhytPeriodNotAllowed { .. } => "months",
            Error::BadHistory { .. } => "history",
            Error::BadPaidMonths { .. } => "paid-months",
            Error::Overflow => "income",
        }
    }

    /// A stable machine code, for programs and tests.
    pub const fn code(&self) -> &'static str {
        match self {
            Error::NoRule { .. } => "no_rule_on_date",
            Error::IncomeOutOfRange { .. } => "income_out_of_range",
            Error::PeriodNotAllowed { .. } => "period_not_allowed",
            Error::AdvanceYearsOutOfRange { .. } => "advance_years_out_of_range",
            Error::BackpayNeedsPerson => "backpay_needs_birth_and_sex",
            Error::BackpayNeedsPaidMonths => "backpay_needs_paid_months",
            Error::BackpayNothingMissing { .. } => "backpay_nothing_missing",
            Error::BackpayShortfallTooLarge { .. } => "backpay_shortfall_too_large",
            Error::SettledBeforeTable { .. } => "settled_before_table",
            Error::BackpayTooEarly { .. } => "backpay_before_retirement_age",
            Error::BackpayTooLong { .. } => "backpay_too_long",
            Error::ZeroMonths => "zero_months",
            Error::TooYoung { .. } => "under_joining_age",
            Error::BornAfterDate { .. } => "born_after_date",
            Error::MembersOutOfRange { .. } => "members_out_of_range",
            Error::BhytPeriodNotAllowed { .. } => "bhyt_period_not_allowed",
            Error::BadHistory { .. } => "bad_history",
            Error::BadPaidMonths { .. } => "bad_paid_months",
            Error::Overflow => "amount_too_large",
        }
    }

    /// The message for a person at the counter, in `lang`.
    pub fn message(&self, lang: Lang) -> Message<'_> {
        Message(self, lang)
    }
}

/// A displayable, localised error message (see [`Error::message`]).
pub struct Message<'e>(&'e Error, Lang);

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let vi = self.1 == Lang::Vi;
        let a = |d: Dong| Amount(d, self.1);
        match self.0 {
            Error::NoRule { param, date } if vi => {
                write!(f, "Ngày {date}: chưa có quy định ({param}) áp dụng cho ngày này.")
            }
            Error::NoRule { param, date } => write!(f, "No rule ({param}) is in force on {date}."),
            Error::IncomeOutOfRange { income, floor, ceiling } if vi => write!(
                f,
                "Mức thu nhập {} không hợp lệ: phải từ {} (chuẩn nghèo nông thôn) đến {} (20 lần mức tham chiếu).",
                a(*income),
                a(*floor),
                a(*ceiling)
            ),
            Error::IncomeOutOfRange { income, floor, ceiling } => write!(
                f,
                "Monthly income {} is not allowed: it must be between {} (rural poverty line) and {} (20 × reference level).",
                a(*income),
                a(*floor),
                a(*ceiling)
            ),
            Error::PeriodNotAllowed { months } if vi => {
                write!(
                    f,
                    "Phương thức đóng {months} tháng một lần không có; chọn 1, 3, 6 hoặc 12 tháng."
                )
            }
            Error::PeriodNotAllowed { months } => {
                write!(
                    f,
                    "Paying every {months} months is not offered; choose 1, 3, 6 or 12 months."
                )
            }
            Error::AdvanceYearsOutOfRange { years, min, max } if vi => {
                write!(
                    f,
                    "Đóng trước {years} năm không được: chỉ đóng trước từ {min} đến {max} năm."
                )
            }
            Error::AdvanceYearsOutOfRange { years, min, max } => {
                write!(f, "Paying {years} years ahead is not allowed: {min} to {max} years only.")
            }
            Error::BackpayNeedsPerson if vi => {
                f.write_str("Đóng bù cho những năm còn thiếu cần tháng năm sinh và giới tính.")
            }
            Error::BackpayNeedsPerson => {
                f.write_str("Back-pay of missing years needs the birth month and sex.")
            }
            Error::BackpayNeedsPaidMonths if vi => f.write_str(
                "Đóng bù cho những năm còn thiếu cần số tháng đã đóng, để biết còn thiếu bao nhiêu tháng.",
            ),
            Error::BackpayNeedsPaidMonths => f.write_str(
                "Back-pay needs the months already paid, to know how many are missing.",
            ),
            Error::BackpayNothingMissing { paid, required } if vi => write!(
                f,
                "Đã đóng {paid} tháng, đủ {required} tháng để hưởng lương hưu: không cần đóng bù."
            ),
            Error::BackpayNothingMissing { paid, required } => write!(
                f,
                "{paid} months paid already meet the {required} needed for a pension: nothing to back-pay."
            ),
            Error::BackpayShortfallTooLarge { shortfall, max } if vi => write!(
                f,
                "Còn thiếu {shortfall} tháng, nhiều hơn {max} tháng được đóng một lần: không được đóng bù; có thể tiếp tục đóng hằng tháng."
            ),
            Error::BackpayShortfallTooLarge { shortfall, max } => write!(
                f,
                "{shortfall} months are missing, more than the {max} that may be paid at once: back-pay is not allowed; paying on monthly is."
            ),
            Error::SettledBeforeTable { since } if vi => write!(
                f,
                "Người này đã đủ điều kiện hưởng lương hưu trước tháng {:02}/{} theo quy định cũ mà bảng chính sách không có; cơ quan BHXH giải quyết lương hưu này.",
                since.number(),
                since.year()
            ),
            Error::SettledBeforeTable { since } => write!(
                f,
                "This person met the pension conditions before {:02}/{} under older rules that the policy table does not hold; the social insurance office settles this pension.",
                since.number(),
                since.year()
            ),
            Error::BackpayTooEarly { opens } if vi => write!(
                f,
                "Chưa được đóng bù: chỉ đóng một lần cho những năm còn thiếu từ tháng {:02}/{} (tháng liền trước tháng đủ tuổi nghỉ hưu).",
                opens.number(),
                opens.year()
            ),
            Error::BackpayTooEarly { opens } => write!(
                f,
                "Back-pay is not open yet: it opens in {:02}/{} (the month before retirement age).",
                opens.number(),
                opens.year()
            ),
            Error::BackpayTooLong { months, max } if vi => write!(
                f,
                "Không được đóng bù {months} tháng: chỉ còn thiếu {max} tháng để đủ điều kiện hưởng lương hưu."
            ),
            Error::BackpayTooLong { months, max } => write!(
                f,
                "{months} months cannot be back-paid: only {max} are missing for a pension."
            ),
            Error::ZeroMonths if vi => f.write_str("Số tháng đóng phải lớn hơn 0."),
            Error::ZeroMonths => f.write_str("The number of months must be above zero."),
            Error::TooYoung { min_age } if vi => {
                write!(f, "Người tham gia phải đủ {min_age} tuổi vào ngày đóng.")
            }
            Error::TooYoung { min_age } => {
                write!(f, "The participant must be at least {min_age} on the day of payment.")
            }
            Error::BornAfterDate { born, on } if vi => write!(
                f,
                "Tháng sinh {:02}/{} sau ngày {on}: kiểm tra lại ngày sinh.",
                born.number(),
                born.year()
            ),
            Error::BornAfterDate { born, on } => write!(
                f,
                "Birth month {:02}/{} is after {on}: check the birth date.",
                born.number(),
                born.year()
            ),
            Error::MembersOutOfRange { members, max } if vi => {
                write!(f, "Số thành viên hộ gia đình {members} không hợp lệ: từ 1 đến {max} người.")
            }
            Error::MembersOutOfRange { members, max } => {
                write!(f, "{members} household members is not allowed: 1 to {max}.")
            }
            Error::BhytPeriodNotAllowed { months } if vi => write!(
                f,
                "BHYT hộ gia đình không đóng {months} tháng: chỉ đóng 3, 6 hoặc 12 tháng."
            ),
            Error::BhytPeriodNotAllowed { months } => write!(
                f,
                "Household health insurance cannot be paid for {months} months: 3, 6 or 12 only."
            ),
            Error::BadHistory { year, reason } if vi => {
                write!(f, "Quá trình đóng năm {year} không hợp lệ ({reason}).")
            }
            Error::BadHistory { year, reason } => {
                write!(f, "The contribution history for {year} is not valid ({reason}).")
            }
            Error::BadPaidMonths { reason } if vi => {
                write!(f, "Số tháng đã đóng không hợp lệ ({reason}).")
            }
            Error::BadPaidMonths { reason } => write!(f, "Months already paid: {reason}."),
            Error::Overflow if vi => f.write_str("Số tiền quá lớn."),
            Error::Overflow => f.write_str("The amount is too large."),
        }
    }
}
