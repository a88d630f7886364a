//! Calendar arithmetic in Vietnam time (UTC+7 all year, no daylight saving): days, months and
//! the `YYYY-MM-DD` / `YYYY-MM` texts the store keeps.

use ansinh_core::Date;

/// A calendar day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Day {
    /// Year.
    pub year: i64,
    /// Month 1–12.
    pub month: u32,
    /// Day 1–31.
    pub day: u32,
}

impl From<Date> for Day {
    fn from(d: Date) -> Self {
        Self {
            year: i64::from(d.year()),
            month: u32::from(d.month_number()),
            day: u32::from(d.day()),
        }
    }
}

/// Days since 1970-01-01 to a day: the shared civil arithmetic of `ansinh_core::Date`, which
/// covers the years 1900–2399 (a timestamp outside them is a broken clock: it saturates).
fn from_days(days: i64) -> Day {
    let first = Date::new(1900, 1, 1).map_or(0, Date::epoch_days);
    let last = Date::new(2399, 12, 31).map_or(0, Date::epoch_days);
    Date::from_epoch_days(days.clamp(first, last))
        .map_or(Day { year: 1900, month: 1, day: 1 }, Day::from)
}

fn days_of(d: Day) -> i64 {
    let date = u16::try_from(d.year)
        .ok()
        .and_then(|y| Date::new(y, u8::try_from(d.month).ok()?, u8::try_from(d.day).ok()?).ok());
    date.map_or(0, Date::epoch_days)
}

impl Day {
    /// The day in Vietnam at Unix time `t` (`ansinh_core::Date::in_vietnam`), saturating for
    /// a clock outside the years 1900–2399.
    pub(crate) fn of(t: i64) -> Self {
        Date::in_vietnam(t).map_or_else(|_| from_days(t.div_euclid(86_400)), Day::from)
    }

    /// `n` days later.
    pub(crate) fn plus_days(self, n: i64) -> Self {
        from_days(days_of(self) + n)
    }

    /// `YYYY-MM-DD`.
    pub(crate) fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `DD/MM/YYYY`, as on Vietnamese forms.
    pub(crate) fn vn(self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }

    /// `YYYY-MM`.
    pub(crate) fn month_text(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// Whether this is the last day of its month.
    pub(crate) fn is_month_end(self) -> bool {
        self.plus_days(1).month != self.month
    }
}

/// The month before `YYYY-MM`.
pub(crate) fn previous_month(month: &str) -> Option<String> {
    let (y, m) = parse_month(month)?;
    Some(if m == 1 { format!("{:04}-12", y - 1) } else { format!("{y:04}-{:02}", m - 1) })
}

/// `YYYY-MM` moved by `delta` months (either way); `None` for a month that is not one or a
/// result outside what [`parse_month`] takes.
pub(crate) fn add_months(month: &str, delta: i64) -> Option<String> {
    let (y, m) = parse_month(month)?;
    let n = (y * 12 + i64::from(m) - 1).checked_add(delta)?;
    let out = format!("{:04}-{:02}", n.div_euclid(12), n.rem_euclid(12) + 1);
    parse_month(&out).map(|_| out)
}

/// The last day of month `YYYY-MM`, `YYYY-MM-DD`.
pub(crate) fn last_day_of(month: &str) -> Option<String> {
    let next = add_months(month, 1)?;
    let (y, m) = parse_month(&next)?;
    let first = days_of(Day { year: y, month: m, day: 1 });
    Some(from_days(first - 1).iso())
}

/// `YYYY-MM` checked: year 2000–2199, month 01–12.
pub(crate) fn parse_month(month: &str) -> Option<(i64, u32)> {
    let (y, m) = month.split_once('-')?;
    if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (y, m): (i64, u32) = (y.parse().ok()?, m.parse().ok()?);
    ((2000..2200).contains(&y) && (1..=12).contains(&m)).then_some((y, m))
}

/// The months whose paid period (ending on the month's last day) ends between `today` and
/// `today + days`: `(first, last)` as `YYYY-MM`, or `None` when no month end falls inside.
pub(crate) fn month_ends_within(today: Day, days: i64) -> Option<(String, String)> {
    let end = today.plus_days(days);
    let first = today.month_text();
    let last =
        if end.is_month_end() { end.month_text() } else { previous_month(&end.month_text())? };
    (last >= first).then_some((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_vietnam_time() {
        for z in [-1000, 0, 1, 59, 60, 365, 10_957, 20_000, 30_000] {
            assert_eq!(days_of(from_days(z)), z);
        }
        // 2026-11-21 17:00 UTC is already 22 November in Hà Nội.
        assert_eq!(Day::of(1_795_280_400).iso(), "2026-11-22");
        assert_eq!(Day::of(1_795_280_399).iso(), "2026-11-21");
        let d = Day { year: 2028, month: 2, day: 28 };
        assert_eq!(d.plus_days(1).iso(), "2028-02-29");
        assert!(d.plus_days(1).is_month_end());
        assert_eq!(d.vn(), "28/02/2028");
    }

    #[test]
    fn months_move_across_years_and_end_on_their_last_day() {
        assert_eq!(add_months("2026-11", 2).as_deref(), Some("2027-01"));
        assert_eq!(add_months("2026-01", -1).as_deref(), Some("2025-12"));
        assert_eq!(add_months("2026-08", -20).as_deref(), Some("2024-12"));
        assert_eq!(add_months("2000-01", -1), None);
        assert_eq!(last_day_of("2026-02").as_deref(), Some("2026-02-28"));
        assert_eq!(last_day_of("2028-02").as_deref(), Some("2028-02-29"));
        assert_eq!(last_day_of("2026-12").as_deref(), Some("2026-12-31"));
    }

    #[test]
    fn months_parse_strictly() {
        assert_eq!(parse_month("2026-11"), Some((2026, 11)));
        for bad in ["2026-13", "2026-00", "26-11", "2026-1", "2026/11", "abcd-ef", "1999-12"] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
        assert_eq!(previous_month("2027-01").as_deref(), Some("2026-12"));
    }

    #[test]
    fn month_ends_in_a_window() {
        let today = Day { year: 2026, month: 11, day: 22 };
        assert_eq!(month_ends_within(today, 30), Some(("2026-11".into(), "2026-11".into())));
        assert_eq!(month_ends_within(today, 39), Some(("2026-11".into(), "2026-12".into())));
        assert_eq!(month_ends_within(today, 5), None);
        let last = Day { year: 2026, month: 11, day: 30 };
        assert_eq!(month_ends_within(last, 0), Some(("2026-11".into(), "2026-11".into())));
    }
}
