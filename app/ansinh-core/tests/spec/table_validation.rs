//! The policy table refuses to build or load with a gap, an overlap, a missing parameter, an
//! entry with no source, or an implausible value; and a valid edited table loads at run time.

use ansinh_policy::{PolicyTable, TableError, compile_toml};

const SOURCE: &str = include_str!("../../policy/policy.toml");

fn err(text: &str) -> TableError {
    match compile_toml(text) {
        Ok(_) => panic!("an invalid table compiled"),
        Err(e) => e,
    }
}

#[test]
fn the_shipped_table_compiles_and_round_trips() -> Result<(), TableError> {
    let bytes = compile_toml(SOURCE)?;
    let table = PolicyTable::from_bytes(&bytes)?;
    assert_eq!(table.version, "VN-2026-12-06");
    assert_eq!(table, ansinh_core::default_table());
    Ok(())
}

#[test]
fn a_gap_is_refused_naming_the_parameter() {
    let text = SOURCE.replacen(
        "from = \"2027-01-01\"\nvalue = 2200000",
        "from = \"2027-02-01\"\nvalue = 2200000",
        1,
    );
    let e = err(&text);
    assert!(matches!(e, TableError::Gap { param: "rural_poverty_line", .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "policy table: `rural_poverty_line` has a gap: one entry ends 2026-12-31, the next starts 2027-02-01"
    );
}

#[test]
fn an_overlap_is_refused() {
    let text = SOURCE.replacen(
        "from = \"2026-07-01\"\nvalue = 2530000",
        "from = \"2026-06-01\"\nvalue = 2530000",
        1,
    );
    assert!(matches!(err(&text), TableError::Overlap { param: "reference_level", .. }));
}

#[test]
fn an_end_on_the_last_entry_is_refused() {
    let text = SOURCE.replacen(
        "from = \"2027-01-01\"\nvalue = 2200000",
        "from = \"2027-01-01\"\nuntil = \"2030-12-31\"\nvalue = 2200000",
        1,
    );
    assert!(matches!(err(&text), TableError::NotOpenEnded { param: "rural_poverty_line", .. }));
}

#[test]
fn a_missing_parameter_is_refused() {
    let start = SOURCE.find("[[maternity]]").unwrap_or_else(|| panic!("maternity section"));
    let end = SOURCE.find("[[funeral]]").unwrap_or_else(|| panic!("funeral section"));
    let text = format!("{}{}", &SOURCE[..start], &SOURCE[end..]);
    let e = err(&text);
    assert!(e.to_string().contains("missing field `maternity`"), "{e}");
}

#[test]
fn a_misspelt_field_is_refused() {
    let text = SOURCE.replacen(
        "poor_bp = 5000\nnear_poor_bp = 4000",
        "poor_bp = 5000\nnear_por_bp = 4000",
        1,
    );
    assert!(err(&text).to_string().contains("near_por_bp"));
}

#[test]
fn a_late_start_is_refused() {
    let text = SOURCE.replacen(
        "[[fund_return]]\nfrom = \"2018-01-01\"",
        "[[fund_return]]\nfrom = \"2019-01-01\"",
        1,
    );
    assert!(matches!(err(&text), TableError::StartsLate { param: "fund_return", .. }));
}

#[test]
fn an_absent_value_needs_a_note() {
    let text = SOURCE.replacen(
        "note = \"The social pension tier did not exist before 1 Jul 2025.\"\n",
        "",
        1,
    );
    assert!(matches!(err(&text), TableError::AbsentWithoutNote { param: "social_pension", .. }));
}

#[test]
fn implausible_values_are_refused() {
    let text = SOURCE.replacen(
        "reductions_bp = [10000, 7000, 6000, 5000, 4000]",
        "reductions_bp = [10000, 7000, 8000, 5000, 4000]",
        1,
    );
    assert!(matches!(err(&text), TableError::InvalidValue { param: "bhyt_household", .. }));
    let text = SOURCE.replacen("hundredths = [229,", "hundredths = [99,", 1);
    assert!(matches!(err(&text), TableError::InvalidValue { param: "cpi", .. }));
}

#[test]
fn an_edited_table_loads_at_run_time() -> Result<(), TableError> {
    // A policy update without a new binary: raise the 2027 poverty line.
    let text = SOURCE
        .replacen("version = \"VN-2026-12-06\"", "version = \"VN-2027-TEST\"", 1)
        .replacen("value = 2200000", "value = 2300000", 1);
    let bytes = compile_toml(&text)?;
    let table = PolicyTable::from_bytes(&bytes)?;
    let on = "2027-03-01".parse().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(table.version, "VN-2027-TEST");
    assert_eq!(table.rural_poverty_line.at(on).and_then(|e| e.value), Some(2_300_000));
    Ok(())
}

#[test]
fn corrupt_bytes_are_refused_without_panic() -> Result<(), TableError> {
    let bytes = compile_toml(SOURCE)?;
    for cut in [0, 1, 7, bytes.len() / 2, bytes.len() - 1] {
        assert!(PolicyTable::from_bytes(&bytes[..cut]).is_err());
    }
    let mut flipped = bytes.clone();
    for i in (0..flipped.len()).step_by(97) {
        flipped[i] ^= 0xA5;
    }
    let _ = PolicyTable::from_bytes(&flipped);
    Ok(())
}

/// Every published table stays loadable, so a record priced with it is checked with it.
#[test]
fn earlier_published_tables_are_kept() {
    let old = ansinh_core::known_table("VN-2026-11-22").unwrap_or_else(|| panic!("kept"));
    assert_eq!(old.version, "VN-2026-11-22");
    let now = ansinh_core::known_table(ansinh_core::default_table().version);
    assert!(now.is_some());
    assert!(ansinh_core::known_table("VN-1999-01-01").is_none());
}

/// The status tags follow the reference (policy.md): the 700,000 line is verified, the
/// odd-months rule is a secondary source, and no old-law source names a text the reference
/// does not record.
#[test]
fn status_tags_follow_the_reference() {
    let t = ansinh_core::default_table();
    let line = t.rural_poverty_line.entries.first().unwrap_or_else(|| panic!("entries"));
    assert_eq!((line.value, line.status), (Some(700_000), ansinh_core::Status::Verified));
    let odd = t.half_year_rounding.entries.last().unwrap_or_else(|| panic!("entries"));
    assert_eq!(odd.status, ansinh_core::Status::Secondary);
    let unrecorded = [
        "Decision 59/2015",
        "Decree 47/2017",
        "Decree 72/2018",
        "Decree 38/2019",
        "Decree 24/2023",
        "Labour Code 2012",
        "Art 73",
        "Art 74",
        "Decree 07/2021/NĐ-CP Art 3",
        "Decree 73/2024/NĐ-CP Art 3",
        "Decree 135/2020/NĐ-CP Art 4",
        "Decree 134/2015/NĐ-CP Art 10",
        "Art 56",
        "Decree 105/2014",
    ];
    let sources = [
        t.rural_poverty_line.entries.iter().map(|e| e.source).collect::<Vec<_>>(),
        t.reference_level.entries.iter().map(|e| e.source).collect(),
        t.retirement_age.entries.iter().map(|e| e.source).collect(),
        t.transitional_retirement.entries.iter().map(|e| e.source).collect(),
        t.accrual.entries.iter().map(|e| e.source).collect(),
        t.bhyt_household.entries.iter().map(|e| e.source).collect(),
        t.fund_return.entries.iter().map(|e| e.source).collect(),
    ];
    for s in sources.iter().flatten() {
        for u in unrecorded {
            assert!(!s.contains(u), "{s} names {u}, which the reference does not record");
        }
    }
}

#[test]
fn valid_until_is_required_and_not_before_valid_from() -> Result<(), TableError> {
    let table = ansinh_core::default_table();
    assert_eq!(table.valid_until.to_string(), "2026-12-31");
    let before = SOURCE.replacen("valid_until = \"2026-12-31\"", "valid_until = \"2017-12-31\"", 1);
    assert!(
        matches!(err(&before), TableError::InvalidValue { param: "valid_until", .. }),
        "{}",
        err(&before)
    );
    let missing = SOURCE.replacen("valid_until = \"2026-12-31\"\n", "", 1);
    assert!(err(&missing).to_string().contains("valid_until"), "{}", err(&missing));
    let same_day =
        SOURCE.replacen("valid_until = \"2026-12-31\"", "valid_until = \"2018-01-01\"", 1);
    PolicyTable::from_bytes(&compile_toml(&same_day)?)?;
    Ok(())
}

type Summary = (
    &'static str,
    ansinh_policy::ChangeKind,
    String,
    Option<String>,
    Option<u64>,
    Option<u64>,
    String,
);

/// The changes from `old` to `new`, in a form kept apart from the tables (a table is tens of
/// kB: each test holds as few as it can on its stack).
fn changes(old: &PolicyTable<'_>, new: &PolicyTable<'_>) -> Vec<Summary> {
    let mut out = Vec::new();
    ansinh_policy::diff(old, new, |c| {
        out.push((
            c.param,
            c.kind,
            c.from.to_string(),
            c.until.map(|d| d.to_string()),
            c.old_amount,
            c.new_amount,
            c.source.to_string(),
        ));
    });
    out
}

fn raised_changes() -> Result<Vec<Summary>, TableError> {
    let raised = SOURCE
        .replacen("version = \"VN-2026-12-06\"", "version = \"VN-2027-01-15\"", 1)
        .replacen(
            "from = \"2026-07-01\"\nvalue = 2530000",
            "from = \"2026-07-01\"\nuntil = \"2027-06-30\"\nvalue = 2530000",
            1,
        )
        .replacen(
            "\n# ---------------------------------------------------------------------------------------------\n# Contribution",
            "\n[[reference_level]]\nfrom = \"2027-07-01\"\nvalue = 2800000\nsource = \"Decree 1/2027/NĐ-CP (a test)\"\nstatus = \"verified\"\n\n# ---------------------------------------------------------------------------------------------\n# Contribution",
            1,
        );
    let bytes = compile_toml(&raised)?;
    Ok(changes(&ansinh_core::default_table(), &PolicyTable::from_bytes(&bytes)?))
}

/// What a new table changed, entry by entry, with its dates, amounts and source.
#[test]
fn the_diff_lists_the_entries_that_differ() -> Result<(), TableError> {
    use ansinh_policy::ChangeKind;
    let current = ansinh_core::default_table();
    assert!(changes(&current, &current).is_empty(), "a table does not differ from itself");
    assert_eq!(
        raised_changes()?,
        vec![
            (
                "reference_level",
                ChangeKind::Changed,
                "2026-07-01".into(),
                Some("2027-06-30".into()),
                Some(2_530_000),
                Some(2_530_000),
                "Decree 161/2026/NĐ-CP (15 May 2026); reference level = base salary under Law 41/2024 Art 7".into()
            ),
            (
                "reference_level",
                ChangeKind::Added,
                "2027-07-01".into(),
                None,
                None,
                Some(2_800_000),
                "Decree 1/2027/NĐ-CP (a test)".into()
            ),
        ]
    );
    Ok(())
}

/// The table published before the current one: its entries read anew (source, status) are
/// listed as changed, each with a source.
#[test]
fn the_diff_from_the_published_table_before() -> Result<(), TableError> {
    use ansinh_policy::ChangeKind;
    let old = ansinh_core::known_table("VN-2026-11-22").ok_or(TableError::Corrupt)?;
    let list = changes(&old, &ansinh_core::default_table());
    assert!(list.iter().any(|c| c.0 == "rural_poverty_line"
        && c.1 == ChangeKind::Changed
        && c.2 == "2018-01-01"
        && c.4 == Some(700_000)));
    assert!(list.iter().all(|c| !c.6.is_empty()));
    Ok(())
}

/// A payment is priced at the rules of its day: the first later day within its months on which
/// the rules that price it differ (or are no longer confirmed) is what the screens warn of.
#[test]
fn the_first_day_a_payments_rules_part_from_the_payment_days() -> Result<(), TableError> {
    use ansinh_policy::{PricedBy, RulesChange};
    let day = |s: &str| s.parse::<ansinh_core::Date>().map_err(|_| TableError::Corrupt);
    let table = ansinh_core::default_table();
    let voluntary = PricedBy::Voluntary { province: None };
    // Paid on 06/12/2026 up to 30/11/2027: the floor rises on 01/01/2027, the day after the
    // table's last confirmed day; the known change is named.
    let floor = RulesChange { from: day("2027-01-01")?, param: Some("rural_poverty_line") };
    assert_eq!(table.rules_change(voluntary, day("2026-12-06")?, day("2027-11-30")?), Some(floor));
    // Within 2026, and before the base salary rose on 01/07/2026 for January to March.
    assert_eq!(table.rules_change(voluntary, day("2026-12-06")?, day("2026-12-31")?), None);
    assert_eq!(table.rules_change(voluntary, day("2026-01-10")?, day("2026-03-31")?), None);
    // Paid in June 2026 for July: the reference level (the ceiling) changes on 01/07/2026.
    let reference = RulesChange { from: day("2026-07-01")?, param: Some("reference_level") };
    assert_eq!(
        table.rules_change(voluntary, day("2026-06-20")?, day("2026-08-31")?),
        Some(reference)
    );
    // Household health insurance does not follow the poverty line: only the table's end.
    let unconfirmed = RulesChange { from: day("2027-01-01")?, param: None };
    assert_eq!(
        table.rules_change(PricedBy::Household, day("2026-12-06")?, day("2027-11-30")?),
        Some(unconfirmed)
    );
    // A table confirmed for longer, with a new reference level: household premiums follow it.
    let longer = SOURCE
        .replacen("valid_until = \"2026-12-31\"", "valid_until = \"2027-12-31\"", 1)
        .replacen(
            "from = \"2026-07-01\"\nvalue = 2530000",
            "from = \"2026-07-01\"\nuntil = \"2027-06-30\"\nvalue = 2530000",
            1,
        )
        .replacen(
            "\n# ---------------------------------------------------------------------------------------------\n# Contribution",
            "\n[[reference_level]]\nfrom = \"2027-07-01\"\nvalue = 2800000\nsource = \"Decree 1/2027/NĐ-CP (a test)\"\nstatus = \"verified\"\n\n# ---------------------------------------------------------------------------------------------\n# Contribution",
            1,
        );
    let bytes = compile_toml(&longer)?;
    let longer = PolicyTable::from_bytes(&bytes)?;
    let raised = RulesChange { from: day("2027-07-01")?, param: Some("reference_level") };
    assert_eq!(
        longer.rules_change(PricedBy::Household, day("2026-12-06")?, day("2027-11-30")?),
        Some(raised)
    );
    assert_eq!(
        longer.rules_change(PricedBy::Household, day("2026-12-06")?, day("2027-06-30")?),
        None
    );
    Ok(())
}
