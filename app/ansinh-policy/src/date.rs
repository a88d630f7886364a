//! Calendar dates and months, without a clock.
//!
//! Policy rules change on calendar days and contributions are counted in whole months, so the
//! crate needs exactly two types: a [`Date`] and a [`Month`]. Both are plain proleptic
//! Gregorian values; "today" is always passed in by the caller.

use core::fmt;
use core::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Viet Nam's offset from UTC in seconds (UTC+7 all year, no daylight saving).
pub const VIETNAM_OFFSET_SECS: i64 = 7 * 3600;

const SECONDS_PER_DAY: i64 = 86_400;

/// A calendar day, e.g. 2026-07-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// A calendar month, e.g. 2026-07 (the unit contributions are counted in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: u16,
    month: u8,
}

/// Why a date or month could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The text is not `YYYY-MM-DD` (or `YYYY-MM` for a month).
    #[error("expected a date as YYYY-MM-DD (or a month as YYYY-MM)")]
    BadFormat,
    /// Month outside 1..=12, or day outside the month.
    #[error("no such calendar day or month")]
    OutOfRange,
}

const fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Number of days in `month` of `year`.
pub const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// A checked date; years 1900..=2399 cover every birth and payment the scheme can see.
    pub const fn new(year: u16, month: u8, day: u8) -> Result<Self, DateError> {
        if year < 1900 || year > 2399 || month < 1 || month > 12 {
            return Err(DateError::OutOfRange);
        }
        if day < 1 || day > days_in_month(year, month) {
            return Err(DateError::OutOfRange);
        }
        Ok(Self { year, month, day })
    }

    /// Calendar year.
    pub const fn year(self) -> u16 {
        self.year
    }
    /// Month of the year, 1..=12.
    pub const fn month_number(self) -> u8 {
        self.month
    }
    /// Day of the month, 1..=31.
    pub const fn day(self) -> u8 {
        self.day
    }
    /// The month this day falls in.
    pub const fn month(self) -> Month {
        Month { year: self.year, month: self.month }
    }

    /// The date `days` days after 1970-01-01, if it is in the supported range. Integer civil-
    /// calendar arithmetic (Hinnant's days-to-civil), so clocks become dates without a library.
    pub const fn from_epoch_days(days: i64) -> Result<Self, DateError> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
        if year < 1900 || year > 2399 {
            return Err(DateError::OutOfRange);
        }
        // In range by construction: year 1900..=2399, month 1..=12, day 1..=31.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Self::new(year as u16, month as u8, day as u8)
    }

    /// The day in Viet Nam at Unix time `at` (seconds): the one conversion from a clock to a
    /// date for every crate (Viet Nam keeps UTC+7 all year).
    pub const fn in_vietnam(at: i64) -> Result<Self, DateError> {
        Self::from_epoch_days((at + VIETNAM_OFFSET_SECS).div_euclid(SECONDS_PER_DAY))
    }

    /// The Unix time at which this day starts (00:00) in Viet Nam.
    pub const fn vietnam_midnight(self) -> i64 {
        self.epoch_days() * SECONDS_PER_DAY - VIETNAM_OFFSET_SECS
    }

    /// Days from 1970-01-01 to this date (negative before it).
    pub const fn epoch_days(self) -> i64 {
        let (y, m, d) = (self.year as i64, self.month as i64, self.day as i64);
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The next calendar day (saturates at the end of the supported range).
    pub const fn next_day(self) -> Self {
        if self.day < days_in_month(self.year, self.month) {
            Self { day: self.day + 1, ..self }
        } else if self.month < 12 {
            Self { month: self.month + 1, day: 1, ..self }
        } else if self.year < 2399 {
            Self { year: self.year + 1, month: 1, day: 1 }
        } else {
            self
        }
    }
}

impl Month {
    /// A checked month; years 1900..=2399.
    pub const fn new(year: u16, month: u8) -> Result<Self, DateError> {
        if year < 1900 || year > 2399 || month < 1 || month > 12 {
            return Err(DateError::OutOfRange);
        }
        Ok(Self { year, month })
    }

    /// Calendar year.
    pub const fn year(self) -> u16 {
        self.year
    }
    /// Month of the year, 1..=12.
    pub const fn number(self) -> u8 {
        self.month
    }
    /// The first day of the month (the date rules are looked up on).
    pub const fn first_day(self) -> Date {
        Date { year: self.year, month: self.month, day: 1 }
    }
    /// The last day of the month.
    pub const fn last_day(self) -> Date {
        Date { year: self.year, month: self.month, day: days_in_month(self.year, self.month) }
    }

    /// Months since January 1900, a linear index for arithmetic.
    pub const fn index(self) -> u32 {
        (self.year as u32 - 1900) * 12 + (self.month as u32 - 1)
    }

    /// The month with linear index `index` (see [`Month::index`]), if in range.
    pub const fn from_index(index: u32) -> Option<Self> {
        let year = 1900 + index / 12;
        if year > 2399 {
            return None;
        }
        // Both casts are in range: year <= 2399 and index % 12 < 12.
        #[allow(clippy::cast_possible_truncation)]
        Some(Self { year: year as u16, month: (index % 12) as u8 + 1 })
    }

    /// `self` moved forward by `months` (None past the supported range).
    pub const fn plus(self, months: u32) -> Option<Self> {
        Self::from_index(self.index() + months)
    }

    /// `self` moved back by `months` (None before January 1900).
    pub const fn minus(self, months: u32) -> Option<Self> {
        match self.index().checked_sub(months) {
            Some(i) => Self::from_index(i),
            None => None,
        }
    }

    /// Number of months from `earlier` to `self` (0 when `earlier` is not earlier).
    pub const fn months_since(self, earlier: Month) -> u32 {
        self.index().saturating_sub(earlier.index())
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, DateError> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError::BadFormat);
        }
        let y = digits(&s[0..4]).ok_or(DateError::BadFormat)?;
        let m = digits(&s[5..7]).ok_or(DateError::BadFormat)?;
        let d = digits(&s[8..10]).ok_or(DateError::BadFormat)?;
        let (y, m, d) = (
            u16::try_from(y).map_err(|_| DateError::OutOfRange)?,
            u8::try_from(m).map_err(|_| DateError::OutOfRange)?,
            u8::try_from(d).map_err(|_| DateError::OutOfRange)?,
        );
        Date::new(y, m, d)
    }
}

impl FromStr for Month {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, DateError> {
        let b = s.as_bytes();
        if b.len() != 7 || b[4] != b'-' {
            return Err(DateError::BadFormat);
        }
        let y = digits(&s[0..4]).ok_or(DateError::BadFormat)?;
        let m = digits(&s[5..7]).ok_or(DateError::BadFormat)?;
        Month::new(
            u16::try_from(y).map_err(|_| DateError::OutOfRange)?,
            u8::try_from(m).map_err(|_| DateError::OutOfRange)?,
        )
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A moment as a clock on the wall in Viet Nam shows it: the day, the hour and the minute
/// (UTC+7 all year). The one conversion from Unix time to a local time of day; its two texts
/// are the ones every screen, receipt and export uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct VietnamTime {
    /// The day.
    pub date: Date,
    /// 0–23.
    pub hour: u8,
    /// 0–59.
    pub minute: u8,
}

impl VietnamTime {
    /// The wall-clock time in Viet Nam at Unix time `at` (seconds).
    pub const fn at(at: i64) -> Result<Self, DateError> {
        let date = match Date::in_vietnam(at) {
            Ok(d) => d,
            Err(e) => return Err(e),
        };
        let secs = (at + VIETNAM_OFFSET_SECS).rem_euclid(SECONDS_PER_DAY);
        // In range by construction: secs < 86,400.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(Self { date, hour: (secs / 3600) as u8, minute: (secs % 3600 / 60) as u8 })
    }

    /// `22/11/2026 09:05`, as on Vietnamese forms and receipts.
    pub fn form(self) -> impl fmt::Display {
        struct Form(VietnamTime);
        impl fmt::Display for Form {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let (d, t) = (self.0.date, self.0);
                write!(f, "{:02}/{:02}/{:04} {:02}:{:02}", d.day, d.month, d.year, t.hour, t.minute)
            }
        }
        Form(self)
    }
}

/// `2026-11-22 09:05`: sorts as text (exports, spreadsheets).
impl fmt::Display for VietnamTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:02}:{:02}", self.date, self.hour, self.minute)
    }
}

// Human-readable formats (TOML, JSON) see "YYYY-MM-DD"; postcard sees three small integers.
impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            (self.year, self.month, self.day).serialize(s)
        }
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            (self.year, self.month).serialize(s)
        }
    }
}

struct StrVisitor<T>(core::marker::PhantomData<T>);

impl<T: FromStr<Err = DateError>> Visitor<'_> for StrVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date YYYY-MM-DD or month YYYY-MM")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(|e: DateError| E::custom(format_args!("{e}: {v:?}")))
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            d.deserialize_str(StrVisitor(core::marker::PhantomData))
        } else {
            let (y, m, day) = <(u16, u8, u8)>::deserialize(d)?;
            Date::new(y, m, day).map_err(de::Error::custom)
        }
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            d.deserialize_str(StrVisitor(core::marker::PhantomData))
        } else {
            let (y, m) = <(u16, u8)>::deserialize(d)?;
            Month::new(y, m).map_err(de::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_clock_time_in_vietnam() -> Result<(), DateError> {
        // 2026-11-22 00:00 UTC is 07:00 in Viet Nam; one minute before its midnight is 23:59.
        let t = VietnamTime::at(1_795_305_600)?;
        assert_eq!(std::format!("{t}"), "2026-11-22 07:00");
        assert_eq!(std::format!("{}", t.form()), "22/11/2026 07:00");
        let t = VietnamTime::at(1_795_305_600 - 7 * 3600 - 60)?;
        assert_eq!(std::format!("{}", t.form()), "21/11/2026 23:59");
        assert_eq!(t.date, Date::in_vietnam(1_795_305_600 - 7 * 3600 - 60)?);
        assert_eq!(VietnamTime::at(i64::MIN / 2), Err(DateError::OutOfRange));
        Ok(())
    }

    #[test]
    fn vietnam_days_begin_at_17_00_utc() -> Result<(), DateError> {
        // 2026-11-21 17:00 UTC is already 22 November in Hà Nội.
        assert_eq!(Date::in_vietnam(1_795_280_400)?, Date::new(2026, 11, 22)?);
        assert_eq!(Date::in_vietnam(1_795_280_399)?, Date::new(2026, 11, 21)?);
        assert_eq!(Date::new(2026, 11, 22)?.vietnam_midnight(), 1_795_280_400);
        Ok(())
    }

    #[test]
    fn epoch_days_both_ways() -> Result<(), DateError> {
        assert_eq!(Date::from_epoch_days(0)?, "1970-01-01".parse()?);
        // 2026-11-22 00:00 UTC is Unix time 1,795,305,600 = 20,779 days.
        assert_eq!(Date::from_epoch_days(20_779)?, "2026-11-22".parse()?);
        assert_eq!(Date::from_epoch_days(-25_567)?, "1900-01-01".parse()?);
        assert_eq!(Date::from_epoch_days(-25_568), Err(DateError::OutOfRange));
        // Every day of the supported range round-trips and follows the previous one.
        let mut d: Date = "1900-01-01".parse()?;
        for days in -25_567..Date::new(2399, 12, 31)?.epoch_days() {
            assert_eq!(d.epoch_days(), days);
            assert_eq!(Date::from_epoch_days(days)?, d);
            d = d.next_day();
        }
        Ok(())
    }

    #[test]
    fn parses_and_prints_dates() -> Result<(), DateError> {
        let d: Date = "2026-07-01".parse()?;
        assert_eq!((d.year(), d.month_number(), d.day()), (2026, 7, 1));
        assert_eq!(std::format!("{d}"), "2026-07-01");
        assert_eq!("2024-02-29".parse::<Date>()?.next_day(), "2024-03-01".parse()?);
        assert_eq!("2026-12-31".parse::<Date>()?.next_day(), "2027-01-01".parse()?);
        Ok(())
    }

    #[test]
    fn rejects_impossible_dates() {
        assert_eq!("2025-02-29".parse::<Date>(), Err(DateError::OutOfRange));
        assert_eq!("2026-13-01".parse::<Date>(), Err(DateError::OutOfRange));
        assert_eq!("2026-7-1".parse::<Date>(), Err(DateError::BadFormat));
        assert_eq!("2026-07-01x".parse::<Date>(), Err(DateError::BadFormat));
        assert_eq!("+026-07-01".parse::<Date>(), Err(DateError::BadFormat));
        assert_eq!("2026-00".parse::<Month>(), Err(DateError::OutOfRange));
    }

    #[test]
    fn month_arithmetic() -> Result<(), DateError> {
        let m: Month = "1965-01".parse()?;
        assert_eq!(m.plus(61 * 12 + 6), Some("2026-07".parse()?));
        assert_eq!("2026-07".parse::<Month>()?.months_since(m), 738);
        assert_eq!(m.months_since("2026-07".parse()?), 0);
        assert_eq!("2026-01".parse::<Month>()?.minus(1), Some("2025-12".parse()?));
        assert_eq!("2026-02".parse::<Month>()?.last_day(), "2026-02-28".parse()?);
        Ok(())
    }
}
