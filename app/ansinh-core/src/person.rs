//! Who is asking: sex and the support groups a person belongs to.

use core::str::FromStr;

use ansinh_policy::{BasisPoints, SupportRates};
use serde::{Deserialize, Serialize};

/// Sex as on the ID card (the retirement age and accrual differ).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sex {
    /// Nam.
    Male,
    /// Nữ.
    Female,
}

impl FromStr for Sex {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "male" | "nam" | "Nam" => Ok(Sex::Male),
            "female" | "nu" | "nữ" | "Nữ" => Ok(Sex::Female),
            _ => Err(()),
        }
    }
}

/// A group that receives state support on voluntary social insurance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    /// Poor household (hộ nghèo).
    Poor,
    /// Near-poor household (hộ cận nghèo).
    NearPoor,
    /// Ethnic minority (người dân tộc thiểu số).
    EthnicMinority,
    /// Island commune or special zone resident (xã đảo, đặc khu).
    Island,
    /// Everyone else.
    Other,
}

impl Group {
    /// Every group, most supported first on the current national rates.
    pub const ALL: [Group; 5] =
        [Group::Poor, Group::Island, Group::NearPoor, Group::EthnicMinority, Group::Other];

    /// The share for this group in a rate row.
    pub const fn share(self, r: &SupportRates) -> BasisPoints {
        match self {
            Group::Poor => r.poor_bp,
            Group::NearPoor => r.near_poor_bp,
            Group::EthnicMinority => r.ethnic_minority_bp,
            Group::Island => r.island_bp,
            Group::Other => r.other_bp,
        }
    }

    /// The CLI and wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Group::Poor => "poor",
            Group::NearPoor => "near-poor",
            Group::EthnicMinority => "ethnic-minority",
            Group::Island => "island",
            Group::Other => "other",
        }
    }

    /// The Vietnamese name shown to people.
    pub const fn name_vi(self) -> &'static str {
        match self {
            Group::Poor => "hộ nghèo",
            Group::NearPoor => "hộ cận nghèo",
            Group::EthnicMinority => "người dân tộc thiểu số",
            Group::Island => "xã đảo, đặc khu",
            Group::Other => "đối tượng khác",
        }
    }
}

impl FromStr for Group {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Group::ALL.into_iter().find(|g| g.as_str() == s).ok_or(())
    }
}

/// The groups a person belongs to. Everyone belongs to [`Group::Other`]; when several groups
/// apply, the most generous one is used (Decree 159/2025 Art 5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct GroupSet(u8);

impl GroupSet {
    /// Only the general group.
    pub const fn other() -> Self {
        Self(0)
    }
    /// A set holding one group.
    pub const fn of(g: Group) -> Self {
        Self::other().with(g)
    }
    /// This set plus `g`.
    pub const fn with(self, g: Group) -> Self {
        Self(self.0 | (1 << g as u8))
    }
    /// Whether `g` is in the set ([`Group::Other`] always is).
    pub const fn contains(self, g: Group) -> bool {
        matches!(g, Group::Other) || self.0 & (1 << g as u8) != 0
    }
    /// The groups in the set.
    pub fn iter(self) -> impl Iterator<Item = Group> {
        Group::ALL.into_iter().filter(move |g| self.contains(*g))
    }
}
