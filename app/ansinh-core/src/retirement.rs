//! Statutory retirement age and the month it is reached (Labour Code 2019 Art 169,
//! Decree 135/2020).

use core::fmt;

use ansinh_policy::{Date, Month, PolicyTable, RetirementSchedule};
use serde::{Serialize, Serializer};

use crate::cite::{Citations, lookup};
use crate::error::Error;
use crate::person::Sex;

/// An age in whole months, shown as `61y6m`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Age(pub u16);

impl Age {
    /// Whole years.
    pub const fn years(self) -> u16 {
        self.0 / 12
    }
    /// Months beyond the whole years.
    pub const fn months(self) -> u16 {
        self.0 % 12
    }
}

impl fmt::Display for Age {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}y{}m", self.years(), self.months())
    }
}

impl Serialize for Age {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// When a person reaches retirement age.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Retirement {
    /// The retirement age that applies to this person.
    pub age: Age,
    /// The month in which the age is reached (a pension starts the month after).
    pub month: Month,
}

/// The age in force in calendar `year` under `schedule`.
pub fn age_in_year(s: &RetirementSchedule, sex: Sex, year: u16) -> Age {
    let (before, start, step, max) = match sex {
        Sex::Male => {
            (s.male_before_months, s.male_start_months, s.male_step_months, s.male_max_months)
        }
        Sex::Female => (
            s.female_before_months,
            s.female_start_months,
            s.female_step_months,
            s.female_max_months,
        ),
    };
    if year < s.start_year {
        return Age(before);
    }
    let years = u32::from(year - s.start_year);
    let months = u32::from(start) + u32::from(step) * years;
    Age(u16::try_from(months.min(u32::from(max))).unwrap_or(max))
}

/// The retirement age and month for a person born in `born`, under the schedule in force on
/// `on`: the age that applies is the one in force in the calendar year the person reaches it.
pub fn retirement<'a>(
    table: &PolicyTable<'a>,
    born: Month,
    sex: Sex,
    on: Date,
    cites: &mut Citations<'a>,
) -> Result<Retirement, Error> {
    let schedule = lookup(&table.retirement_age, "retirement_age", on, cites)?;
    retirement_under(schedule, born, sex).ok_or(Error::Overflow)
}

/// [`retirement`] for a given schedule.
pub fn retirement_under(
    schedule: &RetirementSchedule,
    born: Month,
    sex: Sex,
) -> Option<Retirement> {
    // The age rises by less than 12 months a year, so the year of reaching it moves by at most
    // one a year and a first consistent year exists; ages are at least 50 years.
    (born.year().saturating_add(50)..=born.year().saturating_add(80)).find_map(|year| {
        let age = age_in_year(schedule, sex, year);
        let month = born.plus(u32::from(age.0))?;
        (month.year() == year).then_some(Retirement { age, month })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::default_table;

    fn m(s: &str) -> Month {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn check(sex: Sex, born: &str, age: &str, reached: &str) {
        let table = default_table();
        let on: Date = "2026-11-22".parse().unwrap_or_else(|e| panic!("{e}"));
        let r = retirement(&table, m(born), sex, on, &mut Citations::new())
            .unwrap_or_else(|e| panic!("{born}: {e}"));
        assert_eq!((std::format!("{}", r.age).as_str(), r.month), (age, m(reached)), "born {born}");
    }

    /// Every row of the by-birth-month table (policy §5.2), at both ends of each row.
    #[test]
    fn every_row_of_the_mens_table() {
        let rows = [
            ("1960-12", "60y0m"),
            ("1961-01", "60y3m"),
            ("1961-09", "60y3m"),
            ("1961-10", "60y6m"),
            ("1962-06", "60y6m"),
            ("1962-07", "60y9m"),
            ("1963-03", "60y9m"),
            ("1963-04", "61y0m"),
            ("1963-12", "61y0m"),
            ("1964-01", "61y3m"),
            ("1964-09", "61y3m"),
            ("1964-10", "61y6m"),
            ("1965-06", "61y6m"),
            ("1965-07", "61y9m"),
            ("1966-03", "61y9m"),
            ("1966-04", "62y0m"),
            ("1990-05", "62y0m"),
        ];
        for (born, age) in rows {
            let a: Age = parse_age(age);
            let reached = m(born).plus(u32::from(a.0)).map(|x| std::format!("{x}"));
            check(Sex::Male, born, age, reached.as_deref().unwrap_or("?"));
        }
    }

    #[test]
    fn every_row_of_the_womens_table() {
        let rows = [
            ("1965-12", "55y0m"),
            ("1966-01", "55y4m"),
            ("1966-08", "55y4m"),
            ("1966-09", "55y8m"),
            ("1967-04", "55y8m"),
            ("1967-05", "56y0m"),
            ("1967-12", "56y0m"),
            ("1968-01", "56y4m"),
            ("1968-08", "56y4m"),
            ("1968-09", "56y8m"),
            ("1969-04", "56y8m"),
            ("1969-05", "57y0m"),
            ("1969-12", "57y0m"),
            ("1970-01", "57y4m"),
            ("1970-08", "57y4m"),
            ("1970-09", "57y8m"),
            ("1971-04", "57y8m"),
            ("1971-05", "58y0m"),
            ("1971-12", "58y0m"),
            ("1972-01", "58y4m"),
            ("1972-08", "58y4m"),
            ("1972-09", "58y8m"),
            ("1973-04", "58y8m"),
            ("1973-05", "59y0m"),
            ("1973-12", "59y0m"),
            ("1974-01", "59y4m"),
            ("1974-08", "59y4m"),
            ("1974-09", "59y8m"),
            ("1975-04", "59y8m"),
            ("1975-05", "60y0m"),
            ("1979-03", "60y0m"),
        ];
        for (born, age) in rows {
            let a: Age = parse_age(age);
            let reached = m(born).plus(u32::from(a.0)).map(|x| std::format!("{x}"));
            check(Sex::Female, born, age, reached.as_deref().unwrap_or("?"));
        }
    }

    #[test]
    fn worked_examples() {
        // Example 13: man born 01/1965 → 61y6m, reached 07/2026.
        check(Sex::Male, "1965-01", "61y6m", "2026-07");
        // Third-party cross-check: woman born 01/1975 → 59y8m → 09/2034.
        check(Sex::Female, "1975-01", "59y8m", "2034-09");
        // Example 12: woman born 03/1979 → 60y, 03/2039.
        check(Sex::Female, "1979-03", "60y0m", "2039-03");
    }

    /// The age in force each calendar year (policy §5.2 first table).
    #[test]
    fn ages_by_calendar_year() {
        let table = default_table();
        let on: Date = "2026-11-22".parse().unwrap_or_else(|e| panic!("{e}"));
        let s = table
            .retirement_age
            .at(on)
            .and_then(|e| e.value)
            .unwrap_or_else(|| panic!("no schedule"));
        let men = [
            (2020, "60y0m"),
            (2021, "60y3m"),
            (2026, "61y6m"),
            (2027, "61y9m"),
            (2028, "62y0m"),
            (2040, "62y0m"),
        ];
        let women =
            [(2021, "55y4m"), (2023, "56y0m"), (2026, "57y0m"), (2034, "59y8m"), (2035, "60y0m")];
        for (y, a) in men {
            assert_eq!(std::format!("{}", age_in_year(&s, Sex::Male, y)), a, "men {y}");
        }
        for (y, a) in women {
            assert_eq!(std::format!("{}", age_in_year(&s, Sex::Female, y)), a, "women {y}");
        }
    }

    fn parse_age(s: &str) -> Age {
        let (y, rest) = s.split_once('y').unwrap_or(("0", "0m"));
        let mo = rest.trim_end_matches('m');
        Age(y.parse::<u16>().unwrap_or(0) * 12 + mo.parse::<u16>().unwrap_or(0))
    }
}
