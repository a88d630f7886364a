//! Replacing a table with a newer one: the order of versions, and what changed.
//!
//! Devices receive published tables (signed, see `ansinh-wire`) and must decide whether one is
//! newer than the table they use, without a clock they can trust and without the hub's help:
//! [`version_order`] compares the version ids themselves. [`diff`] lists the entries that
//! differ between two tables, for staff to read what a new table changed.

use core::cmp::Ordering;

use crate::date::Date;
use crate::table::{Dong, Entry, PolicyTable, Series, Status};

/// Splits `PREFIX-YYYY-MM-DD[SUFFIX]` into its prefix, date and suffix.
fn parts(version: &str) -> Option<(&str, Date, &str)> {
    let (prefix, rest) = version.split_once('-')?;
    let date = rest.get(..10)?.parse().ok()?;
    let suffix = rest.get(10..)?;
    if prefix.is_empty() {
        return None;
    }
    Some((prefix, date, suffix))
}

/// The order of two table versions, when they can be ordered.
///
/// A version reads `PREFIX-YYYY-MM-DD` with an optional suffix (`VN-2027-01-15`,
/// `VN-2027-01-15.2`): the day the table was issued, then a suffix for a second issue the same
/// day. Versions with the same prefix are ordered by day, then by suffix (none first, then
/// shorter before longer, then byte by byte, so `.9` < `.10`). Versions with another prefix or
/// not of this form are not ordered (`None`): a device refuses such a table rather than guess.
pub fn version_order(a: &str, b: &str) -> Option<Ordering> {
    let (pa, da, sa) = parts(a)?;
    let (pb, db, sb) = parts(b)?;
    if pa != pb {
        return None;
    }
    Some(da.cmp(&db).then(sa.len().cmp(&sb.len())).then(sa.cmp(sb)))
}

/// Whether `version` can be ordered at all (see [`version_order`]).
pub fn is_orderable(version: &str) -> bool {
    parts(version).is_some()
}

/// How an entry differs between two tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// A period the old table did not have (a new rule, or a rule from a new day).
    Added,
    /// A period of the old table the new one no longer has.
    Removed,
    /// The same first day with another value, end, source or status.
    Changed,
}

/// One entry that differs between two tables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change<'a> {
    /// The parameter (`reference_level`, `support_local`, ...).
    pub param: &'static str,
    /// For a provincial top-up, the province code; empty otherwise.
    pub province: &'a str,
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// First day of the period.
    pub from: Date,
    /// Last day of the period (of the new table's entry, or of the removed one).
    pub until: Option<Date>,
    /// Its legal source (the new table's, or the removed entry's).
    pub source: &'a str,
    /// Its status.
    pub status: Status,
    /// For an amount in đồng (poverty line, reference level): the old value, if any.
    pub old_amount: Option<Dong>,
    /// ... and the new one.
    pub new_amount: Option<Dong>,
}

fn series<'a, V: PartialEq>(
    param: &'static str,
    province: &'a str,
    old: &Series<'a, V>,
    new: &Series<'a, V>,
    amount: fn(&V) -> Option<Dong>,
    out: &mut dyn FnMut(Change<'a>),
) {
    let amount_of = |e: &Entry<'a, V>| e.value.as_ref().and_then(amount);
    for n in &new.entries {
        let kind = match old.entries.iter().find(|o| o.from == n.from) {
            None => ChangeKind::Added,
            Some(o) if o == n => continue,
            Some(_) => ChangeKind::Changed,
        };
        let old_amount = old.entries.iter().find(|o| o.from == n.from).and_then(amount_of);
        out(Change {
            param,
            province,
            kind,
            from: n.from,
            until: n.until,
            source: n.source,
            status: n.status,
            old_amount,
            new_amount: amount_of(n),
        });
    }
    for o in old.entries.iter().filter(|o| !new.entries.iter().any(|n| n.from == o.from)) {
        out(Change {
            param,
            province,
            kind: ChangeKind::Removed,
            from: o.from,
            until: o.until,
            source: o.source,
            status: o.status,
            old_amount: amount_of(o),
            new_amount: None,
        });
    }
}

/// Calls `out` for every entry that differs between `old` and `new`, parameter by parameter
/// in the table's order (entries matched by their first day), provincial top-ups by province.
/// Identical tables give nothing. No allocation, so it works where the table does.
pub fn diff<'a>(old: &PolicyTable<'a>, new: &PolicyTable<'a>, mut out: impl FnMut(Change<'a>)) {
    let out: &mut dyn FnMut(Change<'a>) = &mut out;
    fn dong(v: &Dong) -> Option<Dong> {
        Some(*v)
    }
    fn none<V>(_: &V) -> Option<Dong> {
        None
    }
    series("rural_poverty_line", "", &old.rural_poverty_line, &new.rural_poverty_line, dong, out);
    series("reference_level", "", &old.reference_level, &new.reference_level, dong, out);
    series("contribution", "", &old.contribution, &new.contribution, none, out);
    series("support_national", "", &old.support_national, &new.support_national, none, out);
    for n in &new.support_local {
        let empty = Series { entries: heapless::Vec::new() };
        let o = old.province_top_up(n.code).map_or(&empty, |p| &p.rates);
        series("support_local", n.code, o, &n.rates, none, out);
    }
    for o in old.support_local.iter().filter(|o| new.province_top_up(o.code).is_none()) {
        let empty = Series { entries: heapless::Vec::new() };
        series("support_local", o.code, &o.rates, &empty, none, out);
    }
    series("payment_modes", "", &old.payment_modes, &new.payment_modes, none, out);
    series("retirement_age", "", &old.retirement_age, &new.retirement_age, none, out);
    series(
        "transitional_retirement",
        "",
        &old.transitional_retirement,
        &new.transitional_retirement,
        none,
        out,
    );
    series("accrual", "", &old.accrual, &new.accrual, none, out);
    series("half_year_rounding", "", &old.half_year_rounding, &new.half_year_rounding, none, out);
    series("cpi", "", &old.cpi, &new.cpi, none, out);
    series("bhyt_household", "", &old.bhyt_household, &new.bhyt_household, none, out);
    series("social_pension", "", &old.social_pension, &new.social_pension, none, out);
    series("maternity", "", &old.maternity, &new.maternity, none, out);
    series("funeral", "", &old.funeral, &new.funeral, none, out);
    series("one_time", "", &old.one_time, &new.one_time, none, out);
    series("monthly_allowance", "", &old.monthly_allowance, &new.monthly_allowance, none, out);
    series("fund_return", "", &old.fund_return, &new.fund_return, none, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_ordered_by_day_then_suffix() {
        use Ordering::*;
        for (a, b, want) in [
            ("VN-2026-12-06", "VN-2027-01-15", Less),
            ("VN-2027-01-15", "VN-2026-12-06", Greater),
            ("VN-2026-12-06", "VN-2026-12-06", Equal),
            ("VN-2026-12-06", "VN-2026-12-06.2", Less),
            ("VN-2026-12-06.9", "VN-2026-12-06.10", Less),
            ("VN-2026-12-06.b", "VN-2026-12-06.a", Greater),
            ("VN-2026-12-31.9", "VN-2027-01-01", Less),
        ] {
            assert_eq!(version_order(a, b), Some(want), "{a} {b}");
        }
        for (a, b) in [
            ("VN-2026-12-06", "LA-2027-01-15"),
            ("VN-2026-12-06", "VN-2026-13-06"),
            ("VN-2026-12-06", "2026-12-06"),
            ("VN-2026-12", "VN-2026-12-06"),
            ("x", "VN-2026-12-06"),
            ("-2026-12-06", "-2026-12-07"),
        ] {
            assert_eq!(version_order(a, b), None, "{a} {b}");
            assert_eq!(version_order(b, a), None, "{b} {a}");
        }
        assert!(is_orderable("VN-2026-12-06") && !is_orderable("test"));
    }
}
