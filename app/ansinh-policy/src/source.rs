//! Reading the human-editable TOML source of a policy table (feature `std`).
//!
//! The same routine runs in the core crate's build script (the table compiled into every
//! binary) and at run time (`ansinh --policy FILE`, a policy update without a new binary), so a
//! file that builds is exactly a file that loads.

use std::string::{String, ToString};
use std::vec::Vec as StdVec;

use serde::Deserialize;

use crate::date::Date;
use crate::error::TableError;
use crate::table::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SrcEntry<V> {
    from: Date,
    until: Option<Date>,
    value: Option<V>,
    source: String,
    status: Status,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SrcProvince {
    code: String,
    name: String,
    rates: StdVec<SrcEntry<SupportRates>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SrcTable {
    version: String,
    title: String,
    valid_from: Date,
    valid_until: Date,
    rural_poverty_line: StdVec<SrcEntry<Dong>>,
    reference_level: StdVec<SrcEntry<Dong>>,
    contribution: StdVec<SrcEntry<ContributionRule>>,
    support_national: StdVec<SrcEntry<SupportRates>>,
    #[serde(default)]
    support_local: StdVec<SrcProvince>,
    payment_modes: StdVec<SrcEntry<PaymentModes>>,
    retirement_age: StdVec<SrcEntry<RetirementSchedule>>,
    transitional_retirement: StdVec<SrcEntry<TransitionalRetirement>>,
    accrual: StdVec<SrcEntry<Accrual>>,
    half_year_rounding: StdVec<SrcEntry<HalfYearRounding>>,
    cpi: StdVec<SrcEntry<CpiTable>>,
    bhyt_household: StdVec<SrcEntry<BhytHousehold>>,
    social_pension: StdVec<SrcEntry<SocialPension>>,
    maternity: StdVec<SrcEntry<Maternity>>,
    funeral: StdVec<SrcEntry<Funeral>>,
    one_time: StdVec<SrcEntry<OneTime>>,
    monthly_allowance: StdVec<SrcEntry<MonthlyAllowance>>,
    fund_return: StdVec<SrcEntry<FundReturn>>,
}

fn series<'s, V: Clone>(
    param: &'static str,
    src: &'s [SrcEntry<V>],
) -> Result<Series<'s, V>, TableError> {
    let mut entries = heapless::Vec::new();
    for e in src {
        let entry = Entry {
            from: e.from,
            until: e.until,
            value: e.value.clone(),
            source: &e.source,
            status: e.status,
            note: &e.note,
        };
        entries.push(entry).map_err(|_| TableError::TooManyEntries { param, max: MAX_ENTRIES })?;
    }
    Ok(Series { entries })
}

impl SrcTable {
    fn borrow(&self) -> Result<PolicyTable<'_>, TableError> {
        let mut support_local = heapless::Vec::new();
        for p in &self.support_local {
            let top_up = ProvinceTopUp {
                code: &p.code,
                name: &p.name,
                rates: series("support_local", &p.rates)?,
            };
            support_local.push(top_up).map_err(|_| TableError::TooManyEntries {
                param: "support_local",
                max: MAX_PROVINCES,
            })?;
        }
        Ok(PolicyTable {
            version: &self.version,
            title: &self.title,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            rural_poverty_line: series("rural_poverty_line", &self.rural_poverty_line)?,
            reference_level: series("reference_level", &self.reference_level)?,
            contribution: series("contribution", &self.contribution)?,
            support_national: series("support_national", &self.support_national)?,
            support_local,
            payment_modes: series("payment_modes", &self.payment_modes)?,
            retirement_age: series("retirement_age", &self.retirement_age)?,
            transitional_retirement: series(
                "transitional_retirement",
                &self.transitional_retirement,
            )?,
            accrual: series("accrual", &self.accrual)?,
            half_year_rounding: series("half_year_rounding", &self.half_year_rounding)?,
            cpi: series("cpi", &self.cpi)?,
            bhyt_household: series("bhyt_household", &self.bhyt_household)?,
            social_pension: series("social_pension", &self.social_pension)?,
            maternity: series("maternity", &self.maternity)?,
            funeral: series("funeral", &self.funeral)?,
            one_time: series("one_time", &self.one_time)?,
            monthly_allowance: series("monthly_allowance", &self.monthly_allowance)?,
            fund_return: series("fund_return", &self.fund_return)?,
        })
    }
}

/// Parses and validates a TOML policy source and returns the compiled table (postcard bytes,
/// to be opened with [`PolicyTable::from_bytes`]).
pub fn compile_toml(text: &str) -> Result<StdVec<u8>, TableError> {
    let src: SrcTable =
        toml::from_str(text).map_err(|e| TableError::Syntax { message: e.to_string() })?;
    let table = src.borrow()?;
    table.validate()?;
    let bytes = postcard::to_stdvec(&table).map_err(|_| TableError::Corrupt)?;
    if bytes.len() > MAX_ENCODED_BYTES {
        return Err(TableError::TooLarge { bytes: bytes.len() });
    }
    Ok(bytes)
}
