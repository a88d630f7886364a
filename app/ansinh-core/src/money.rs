//! Integer money: rounding rules, display and amounts in words.
//!
//! Every amount is a whole number of đồng ([`Dong`]). Intermediate products are taken in
//! `u128` and rounded once, half up, where the rule says so. The rounding rules of the whole
//! crate are listed here so that they can be read in one place:
//!
//! | # | Quantity | Rule |
//! |---|---|---|
//! | R1 | Monthly contribution | `income × rate`, half up to the đồng |
//! | R2 | Monthly support (national, local) | `(poverty line × rate)` half up, then `× share` half up |
//! | R3 | Periodic payment | monthly amount × months, no further rounding |
//! | R4 | Advance for n years | monthly × Σ d^i (i = 0..12n−1), d = 1/(1+r); each d^i to 10⁻¹² (half up), the total half up once |
//! | R5 | Back-pay of t months | monthly × Σ g^i (i = 1..t), g = 1+r; likewise |
//! | R6 | Support on a payment | monthly support × supported months; national capped at the gross, local at what is left |
//! | R7 | Average income | Σ(income × months × coefficient) ÷ months, half up once |
//! | R8 | Monthly pension | average × rate, half up |
//! | R9 | Health insurance | reference level × 4.5% × member share, half up per month, then × months |
//! | R10 | One-time withdrawal, allowance pot | average × months-of-income (in tenths), half up |
//! | R11 | Monthly allowance above the social pension | pot ÷ months, rounded down (never pay out more than the pot) |

use core::fmt::{self, Write};

pub use ansinh_policy::{BasisPoints, Dong};

use crate::error::Error;

/// `a × num ÷ den`, rounded half up; `None` on overflow or a zero denominator.
pub fn mul_div_round(a: u128, num: u128, den: u128) -> Option<u128> {
    if den == 0 {
        return None;
    }
    let p = a.checked_mul(num)?;
    Some(p / den + u128::from(p % den * 2 >= den))
}

/// `amount × bp ÷ 10,000`, half up (rules R1, R2, R8).
pub fn apply_bp(amount: Dong, bp: BasisPoints) -> Result<Dong, Error> {
    to_dong(mul_div_round(u128::from(amount), u128::from(bp), 10_000))
}

/// Narrows a computed amount to [`Dong`], failing instead of wrapping.
pub fn to_dong(v: Option<u128>) -> Result<Dong, Error> {
    v.and_then(|v| Dong::try_from(v).ok()).ok_or(Error::Overflow)
}

/// Fixed-point scale of the fund-return factors in rules R4 and R5 (12 decimal places).
pub const FACTOR_SCALE: u128 = 1_000_000_000_000;

/// Σ of the discount (R4) or growth (R5) factors, scaled by [`FACTOR_SCALE`].
///
/// `discount`: Σ_{i=0}^{n−1} (1+r)^−i; otherwise Σ_{i=1}^{n} (1+r)^i. `r` in parts per million.
pub fn factor_sum(monthly_ppm: u32, n: u32, discount: bool) -> Option<u128> {
    let million = 1_000_000u128;
    let g = million + u128::from(monthly_ppm);
    let mut f = FACTOR_SCALE;
    let mut sum = 0u128;
    for _ in 0..n {
        if discount {
            sum = sum.checked_add(f)?;
            f = mul_div_round(f, million, g)?;
        } else {
            f = mul_div_round(f, g, million)?;
            sum = sum.checked_add(f)?;
        }
    }
    Some(sum)
}

/// Display language for amounts and messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// Vietnamese (the default at the counter).
    #[default]
    Vi,
    /// English.
    En,
}

/// An amount formatted with thousands separators: `1.500.000 đ` in Vietnamese, `VND 1,500,000`
/// in English (the currency's code before the figure, as English writes it; the đồng sign ₫
/// is little known outside Viet Nam).
pub struct Amount(pub Dong, pub Lang);

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sep = if self.1 == Lang::Vi { '.' } else { ',' };
        if self.1 == Lang::En {
            f.write_str("VND ")?;
        }
        let mut digits = [0u8; 20];
        let mut n = self.0;
        let mut len = 0;
        loop {
            // n % 10 < 10 always fits.
            #[allow(clippy::cast_possible_truncation)]
            {
                digits[len] = (n % 10) as u8;
            }
            len += 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for i in (0..len).rev() {
            f.write_char(char::from(b'0' + digits[i]))?;
            if i > 0 && i % 3 == 0 {
                f.write_char(sep)?;
            }
        }
        if self.1 == Lang::Vi { f.write_str(" đ") } else { Ok(()) }
    }
}

const VI_DIGITS: [&str; 10] =
    ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];
const EN_ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const EN_TENS: [&str; 10] =
    ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/// An amount in words, the way it is written on a receipt: "một triệu năm trăm nghìn đồng",
/// "one million five hundred thousand dong".
pub struct InWords(pub Dong, pub Lang);

impl fmt::Display for InWords {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Lang::Vi => {
                vi_words(self.0, f, true)?;
                f.write_str(" đồng")
            }
            Lang::En => {
                en_words(self.0, f)?;
                f.write_str(" dong")
            }
        }
    }
}

/// A whole number in words, with no unit: "mười lăm", "một trăm linh một", "fifteen". The
/// words of [`InWords`], for what is not an amount (a year, a day, a count read aloud).
pub struct NumberInWords(pub u64, pub Lang);

impl fmt::Display for NumberInWords {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Lang::Vi => vi_words(self.0, f, true),
            Lang::En => en_words(self.0, f),
        }
    }
}

fn sep(f: &mut dyn Write, first: &mut bool) -> fmt::Result {
    if !*first {
        f.write_char(' ')?;
    }
    *first = false;
    Ok(())
}

/// One group of three digits. `leading`: the group is the number's first, so "không trăm" and
/// "linh" are not needed before it.
fn vi_group(n: u64, f: &mut dyn Write, leading: bool, first: &mut bool) -> fmt::Result {
    let (h, t, u) = (n / 100, n / 10 % 10, n % 10);
    let word = |d: u64| VI_DIGITS[usize::try_from(d).unwrap_or(0)];
    if h > 0 || !leading {
        sep(f, first)?;
        write!(f, "{} trăm", word(h))?;
    }
    match t {
        0 if u > 0 && (h > 0 || !leading) => {
            sep(f, first)?;
            f.write_str("linh")?;
        }
        0 => {}
        1 => {
            sep(f, first)?;
            f.write_str("mười")?;
        }
        _ => {
            sep(f, first)?;
            write!(f, "{} mươi", word(t))?;
        }
    }
    if u > 0 {
        sep(f, first)?;
        let w = match u {
            1 if t >= 2 => "mốt",
            5 if t >= 1 => "lăm",
            _ => word(u),
        };
        f.write_str(w)?;
    }
    Ok(())
}

fn vi_words(n: u64, f: &mut dyn Write, outer: bool) -> fmt::Result {
    if n == 0 {
        return if outer { f.write_str("không") } else { Ok(()) };
    }
    let mut first = true;
    let billions = n / 1_000_000_000;
    let rest = n % 1_000_000_000;
    if billions > 0 {
        vi_words(billions, f, false)?;
        f.write_str(" tỷ")?;
        first = false;
    }
    let groups = [(rest / 1_000_000, "triệu"), (rest / 1000 % 1000, "nghìn"), (rest % 1000, "")];
    let mut leading = billions == 0;
    for (g, unit) in groups {
        if g == 0 {
            continue;
        }
        vi_group(g, f, leading, &mut first)?;
        if !unit.is_empty() {
            f.write_char(' ')?;
            f.write_str(unit)?;
        }
        leading = false;
    }
    Ok(())
}

fn en_below_1000(n: u64, f: &mut dyn Write, first: &mut bool) -> fmt::Result {
    let idx = |d: u64| usize::try_from(d).unwrap_or(0);
    if n >= 100 {
        sep(f, first)?;
        write!(f, "{} hundred", EN_ONES[idx(n / 100)])?;
    }
    let r = n % 100;
    if r > 0 {
        sep(f, first)?;
        if r < 20 {
            f.write_str(EN_ONES[idx(r)])?;
        } else if r.is_multiple_of(10) {
            f.write_str(EN_TENS[idx(r / 10)])?;
        } else {
            write!(f, "{}-{}", EN_TENS[idx(r / 10)], EN_ONES[idx(r % 10)])?;
        }
    }
    Ok(())
}

fn en_words(n: u64, f: &mut dyn Write) -> fmt::Result {
    if n == 0 {
        return f.write_str("zero");
    }
    let mut first = true;
    let units = [
        (1_000_000_000_000_000_000, "quintillion"),
        (1_000_000_000_000_000, "quadrillion"),
        (1_000_000_000_000, "trillion"),
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1000, "thousand"),
        (1, ""),
    ];
    for (scale, name) in units {
        let g = n / scale % 1000;
        if g == 0 {
            continue;
        }
        en_below_1000(g, f, &mut first)?;
        if !name.is_empty() {
            write!(f, " {name}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn rounding_is_half_up() {
        assert_eq!(mul_div_round(5, 1, 2), Some(3));
        assert_eq!(mul_div_round(4, 1, 3), Some(1));
        assert_eq!(mul_div_round(5, 1, 3), Some(2));
        assert_eq!(mul_div_round(1, 1, 0), None);
        // R1: 22% of 1,500,001 = 330,000.22 → 330,000; of 1,500,003 = 330,000.66 → 330,001.
        assert_eq!(apply_bp(1_500_001, 2200), Ok(330_000));
        assert_eq!(apply_bp(1_500_003, 2200), Ok(330_001));
        assert_eq!(apply_bp(1_500_000, 2200), Ok(330_000));
    }

    #[test]
    fn factor_sums() {
        // r = 0: the sums are plain month counts.
        assert_eq!(factor_sum(0, 24, true), Some(24 * FACTOR_SCALE));
        assert_eq!(factor_sum(0, 12, false), Some(12 * FACTOR_SCALE));
        // r = 1% a month, 2 months: 1 + 1/1.01 = 1.990099009901; 1.01 + 1.0201 = 2.0301.
        assert_eq!(factor_sum(10_000, 2, true), Some(1_990_099_009_901));
        assert_eq!(factor_sum(10_000, 2, false), Some(2_030_100_000_000));
    }

    #[test]
    fn amounts_display() {
        assert_eq!(Amount(1_500_000, Lang::Vi).to_string(), "1.500.000 đ");
        assert_eq!(Amount(11_132_000, Lang::En).to_string(), "VND 11,132,000");
        assert_eq!(Amount(0, Lang::Vi).to_string(), "0 đ");
        assert_eq!(Amount(999, Lang::Vi).to_string(), "999 đ");
    }

    #[test]
    fn vietnamese_words() {
        let w = |n| InWords(n, Lang::Vi).to_string();
        assert_eq!(w(0), "không đồng");
        assert_eq!(w(15), "mười lăm đồng");
        assert_eq!(w(21), "hai mươi mốt đồng");
        assert_eq!(w(105), "một trăm linh năm đồng");
        assert_eq!(w(165_000), "một trăm sáu mươi lăm nghìn đồng");
        assert_eq!(w(330_000), "ba trăm ba mươi nghìn đồng");
        assert_eq!(w(1_500_000), "một triệu năm trăm nghìn đồng");
        assert_eq!(w(1_050_000), "một triệu không trăm năm mươi nghìn đồng");
        assert_eq!(w(1_005_000), "một triệu không trăm linh năm nghìn đồng");
        assert_eq!(w(3_142_260), "ba triệu một trăm bốn mươi hai nghìn hai trăm sáu mươi đồng");
        assert_eq!(w(11_132_000), "mười một triệu một trăm ba mươi hai nghìn đồng");
        assert_eq!(w(25_300_000), "hai mươi lăm triệu ba trăm nghìn đồng");
        assert_eq!(w(2_000_000_000), "hai tỷ đồng");
        assert_eq!(w(1_000_000_001), "một tỷ không trăm linh một đồng");
    }

    #[test]
    fn bare_numbers_in_words() {
        let w = |n| NumberInWords(n, Lang::Vi).to_string();
        assert_eq!(w(0), "không");
        assert_eq!(w(2027), "hai nghìn không trăm hai mươi bảy");
        assert_eq!(w(101), "một trăm linh một");
        assert_eq!(NumberInWords(15, Lang::En).to_string(), "fifteen");
    }

    #[test]
    fn english_words() {
        let w = |n| InWords(n, Lang::En).to_string();
        assert_eq!(w(0), "zero dong");
        assert_eq!(w(1_500_000), "one million five hundred thousand dong");
        assert_eq!(w(231_000), "two hundred thirty-one thousand dong");
        assert_eq!(w(113_850), "one hundred thirteen thousand eight hundred fifty dong");
    }
}
