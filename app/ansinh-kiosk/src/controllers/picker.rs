//! The picker: a searchable list that fills one field — provinces (the quote's and the
//! wizard's), communes of the chosen province, ethnic groups. Folded search, so people can
//! type without tone marks.

use crate::controllers::enroll::EnrollController;
use crate::text::{Locale, tr};

/// Rows shown at once; the rest are counted ("type more to narrow").
pub const SHOWN: usize = 80;

/// The quote screen's province field (the wizard's fields use their validator paths).
pub const QUOTE_PROVINCE: &str = "quote.province";

/// One row: code, name, detail.
pub type Row = (String, String, String);

/// An open picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picker {
    /// The field it fills ([`QUOTE_PROVINCE`], or a wizard field's path).
    field: String,
    /// What was typed to search.
    query: String,
}

/// What was typed to search (a commune, a hospital near home) overwritten.
impl zeroize::Zeroize for Picker {
    fn zeroize(&mut self) {
        self.query.zeroize();
        self.field.zeroize();
    }
}

impl Picker {
    /// A picker for `field` with nothing typed.
    pub fn open(field: &str) -> Self {
        Self { field: field.to_string(), query: String::new() }
    }

    /// The title, the rows shown (at most [`SHOWN`]) and how many more match. Communes are
    /// those of the province chosen in the wizard.
    pub fn items(&self, enroll: &EnrollController, lang: Locale) -> (String, Vec<Row>, usize) {
        let q = self.query.as_str();
        let (title, all): (&str, Vec<Row>) = if self.field.ends_with("commune_code") {
            let province = enroll.picker_context(&self.field).unwrap_or_default();
            let list = ansinh_geo::search_communes(&province, q)
                .map(|c| (c.code.to_string(), c.name.to_string(), c.code.to_string()))
                .collect();
            (tr!(lang, "picker-choose-the-commune"), list)
        } else if self.field.ends_with("ethnicity") {
            let list = ansinh_geo::ethnic_groups()
                .iter()
                .filter(|e| {
                    ansinh_geo::fold::contains_words(e.name, q)
                        || e.other_name.is_some_and(|o| ansinh_geo::fold::contains_words(o, q))
                })
                .map(|e| {
                    (e.code.to_string(), e.name.to_string(), e.other_name.unwrap_or("").to_string())
                })
                .collect();
            (tr!(lang, "picker-choose-the-ethnic-group"), list)
        } else {
            let mut list: Vec<Row> = ansinh_geo::search_provinces(q)
                .map(|p| (p.code.to_string(), p.name.to_string(), p.code.to_string()))
                .collect();
            if self.field == QUOTE_PROVINCE {
                list.insert(
                    0,
                    (String::new(), tr!(lang, "picker-no-province").into(), String::new()),
                );
            }
            (tr!(lang, "picker-choose-the-province"), list)
        };
        let more = all.len().saturating_sub(SHOWN);
        (title.to_string(), all.into_iter().take(SHOWN).collect(), more)
    }
}

/// What the adapter draws and the app routes by.
impl Picker {
    /// The field it fills.
    pub fn field(&self) -> &str {
        &self.field
    }
    /// What was typed to search.
    pub fn query(&self) -> &str {
        &self.query
    }
    /// The search text as typed.
    pub fn set_query(&mut self, text: String) {
        self.query = text;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quote_picker_offers_no_province_first_and_searches_folded() {
        let enroll = EnrollController::default();
        let mut p = Picker::open(QUOTE_PROVINCE);
        let (_, rows, more) = p.items(&enroll, Locale::SOURCE);
        assert_eq!(rows[0].1, "Không chọn tỉnh");
        assert_eq!((rows.len(), more), (35, 0), "34 provinces and 'none'");
        p.query = "ha noi".into();
        let (_, rows, _) = p.items(&enroll, Locale::SOURCE);
        assert!(rows.iter().any(|r| r.0 == "01"), "{rows:?}");
    }
}
