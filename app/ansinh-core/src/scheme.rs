//! The two schemes a collection point takes money for, with their codes (records, exports,
//! the wire) and their names (screens, receipts, forms): one type for every crate.

use crate::money::Lang;

/// What a payment is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scheme {
    /// Voluntary social insurance (BHXH tự nguyện, TK1-TS).
    Voluntary,
    /// Household health insurance (BHYT hộ gia đình, the household appendix).
    Household,
}

impl Scheme {
    /// Both schemes.
    pub const ALL: [Scheme; 2] = [Scheme::Voluntary, Scheme::Household];

    /// The code in records, exports and on the wire.
    pub const fn code(self) -> &'static str {
        match self {
            Scheme::Voluntary => "voluntary-si",
            Scheme::Household => "household-bhyt",
        }
    }

    /// From a code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The name people and the forms use.
    pub const fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Scheme::Voluntary, Lang::Vi) => "BHXH tự nguyện",
            (Scheme::Voluntary, Lang::En) => "Voluntary social insurance",
            (Scheme::Household, Lang::Vi) => "BHYT hộ gia đình",
            (Scheme::Household, Lang::En) => "Household health insurance",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_names_are_the_forms() {
        for s in Scheme::ALL {
            assert_eq!(Scheme::from_code(s.code()), Some(s));
        }
        assert_eq!(Scheme::from_code("pension"), None);
        assert_eq!(Scheme::Household.name(Lang::Vi), "BHYT hộ gia đình");
    }
}
