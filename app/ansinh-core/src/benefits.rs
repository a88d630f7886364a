//! Other benefits shown at the counter: maternity allowance, funeral allowance and the social
//! pension, as in force on a date.

use ansinh_policy::{Date, PolicyTable};
use serde::Serialize;

use crate::Dong;
use crate::cite::Citations;
use crate::error::Error;

/// Maternity allowance for voluntary participants.
#[derive(Clone, Debug, Serialize)]
pub struct MaternityInfo {
    /// Amount per child.
    pub per_child: Dong,
    /// For the number of children asked about.
    pub total: Dong,
    /// Months of contributions needed ...
    pub min_months: u8,
    /// ... in this many months before the birth.
    pub window_months: u8,
}

/// Funeral allowance.
#[derive(Clone, Debug, Serialize)]
pub struct FuneralInfo {
    /// Amount (a multiple of the reference level).
    pub amount: Dong,
    /// Months of contributions needed (pensioners always qualify).
    pub min_months: u16,
}

/// Social pension.
#[derive(Clone, Debug, Serialize)]
pub struct SocialPensionRule {
    /// Monthly amount.
    pub monthly: Dong,
    /// Age in years.
    pub age_years: u8,
    /// Age in years for poor and near-poor households.
    pub age_years_poor: u8,
}

/// Benefits in force on a date; `None` where the benefit did not exist.
#[derive(Clone, Debug, Serialize)]
pub struct Benefits<'a> {
    /// Version of the policy table used.
    pub policy_version: &'a str,
    /// Date asked about.
    pub on: Date,
    /// Maternity allowance.
    pub maternity: Option<MaternityInfo>,
    /// Funeral allowance.
    pub funeral: Option<FuneralInfo>,
    /// Social pension.
    pub social_pension: Option<SocialPensionRule>,
    /// True when any parameter used is unverified.
    pub estimate: bool,
    /// The table entries used.
    pub citations: Citations<'a>,
}

/// The benefits in force on `on`, with maternity for `children` children.
pub fn benefits<'a>(
    table: &PolicyTable<'a>,
    on: Date,
    children: u8,
) -> Result<Benefits<'a>, Error> {
    let mut cites = Citations::new();
    // Every series covers every date from the table's start, so only a date before it fails.
    let (Some(mat), Some(fun), Some(soc), Some(reference)) = (
        table.maternity.at(on),
        table.funeral.at(on),
        table.social_pension.at(on),
        table.reference_level.at(on),
    ) else {
        return Err(Error::NoRule { param: "maternity", date: on });
    };
    let mut maternity = None;
    {
        let e = mat;
        cites.add("maternity", e);
        if let Some(m) = e.value {
            let total = m.per_child.checked_mul(u64::from(children)).ok_or(Error::Overflow)?;
            maternity = Some(MaternityInfo {
                per_child: m.per_child,
                total,
                min_months: m.min_months,
                window_months: m.window_months,
            });
        }
    }
    let mut funeral = None;
    {
        let (e, r) = (fun, reference);
        cites.add("funeral", e);
        cites.add("reference_level", r);
        if let (Some(f), Some(level)) = (e.value, r.value) {
            let amount =
                level.checked_mul(u64::from(f.reference_multiple)).ok_or(Error::Overflow)?;
            funeral = Some(FuneralInfo { amount, min_months: f.min_months });
        }
    }
    cites.add("social_pension", soc);
    let social_pension = soc.value.map(|s| SocialPensionRule {
        monthly: s.monthly,
        age_years: s.age_years,
        age_years_poor: s.age_years_poor,
    });
    Ok(Benefits {
        policy_version: table.version,
        on,
        maternity,
        funeral,
        social_pension,
        estimate: cites.is_estimate(),
        citations: cites,
    })
}
