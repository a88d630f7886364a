//! The card's permanent address on today's map.
//!
//! Cards issued before the reform of 1 July 2025 write the address in the old units, from the
//! house up: "Số 12, ngõ 34, phố Quang Trung, Phường Hà Cầu, Quận Hà Đông, Hà Nội". Read from
//! the end: the old province (→ the current province it merged into), the old district, the
//! old commune (→ the current commune that kept its code, where `ansinh-geo` knows one), and
//! the rest is the house-and-street line. An address already written on the new map (commune
//! then province, no district) is read as such. What the data cannot place is left to staff:
//! the province is still chosen and the old commune's name becomes the commune search.

use ansinh_geo::{Commune, Province};

/// The address as far as the reference data places it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Placed {
    /// The current province, when the card's (old or new) province is known.
    pub province: Option<&'static Province>,
    /// The current commune, when the data links the card's commune to one.
    pub commune: Option<&'static Commune>,
    /// Otherwise the card's commune name without its title, to search the commune list with.
    pub commune_search: String,
    /// The house, lane, street or hamlet: what comes before the commune.
    pub line: String,
}

/// Old spellings and short forms of a province on cards that the province list does not use.
const PROVINCE_ALIASES: [(&str, &str); 4] = [
    ("Thừa Thiên Huế", "Huế"),
    ("HCM", "Hồ Chí Minh"),
    ("TPHCM", "Hồ Chí Minh"),
    ("Sài Gòn", "Hồ Chí Minh"),
];

/// Whether a part of the address is a district-level unit (Quận, Huyện, Thị xã, Thành phố,
/// abbreviated or not): what tells an old address from one on the new map.
fn is_district(part: &str) -> bool {
    let mut words = part.split([' ', '.']).filter(|w| !w.is_empty());
    let (first, second) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let is = |a: &str, b: &str| ansinh_geo::fold::eq_folded(a, b);
    ["quận", "huyện", "q", "h", "tx", "tp"].iter().any(|t| is(first, t))
        || (is(first, "thị") && is(second, "xã"))
        || (is(first, "thành") && is(second, "phố"))
}

fn province_named(name: &str) -> Option<(&'static Province, Option<&'static str>)> {
    let name = PROVINCE_ALIASES
        .iter()
        .find(|(alias, _)| ansinh_geo::same_place(alias, name))
        .map_or(name, |(_, real)| real);
    if let Some(old) = ansinh_geo::legacy_province_by_name(name) {
        return old.current().map(|p| (p, Some(old.id_prefix)));
    }
    ansinh_geo::provinces().iter().find(|p| ansinh_geo::same_place(p.name, name)).map(|p| (p, None))
}

/// Places a card's address. See the module's rules.
///
/// ```
/// let placed = ansinh_idcard::address::place("Số 12, Phường Hà Cầu, Quận Hà Đông, Hà Nội");
/// assert_eq!(placed.province.map(|p| p.code), Some("01"));
/// assert_eq!(placed.commune.map(|c| c.name), Some("Phường Hà Đông"));
/// assert_eq!(placed.line, "Số 12");
/// ```
pub fn place(address: &str) -> Placed {
    let parts: Vec<&str> = address.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
    let Some((last, before)) = parts.split_last() else { return Placed::default() };
    let Some((province, old_prefix)) = province_named(last) else {
        // Not a province we know: the whole address is left for staff to read.
        return Placed { line: parts.join(", "), ..Placed::default() };
    };
    let mut placed = Placed { province: Some(province), ..Placed::default() };
    // New-map address: the commune right before the province.
    if let Some((commune, rest)) = before.split_last()
        && !is_district(commune)
        && let Some(c) =
            province.communes().iter().find(|c| ansinh_geo::same_place(c.name, commune))
    {
        placed.commune = Some(c);
        placed.line = rest.join(", ");
        return placed;
    }
    // Old-map address: district, then commune, before the province.
    let (commune, rest) = match before {
        [rest @ .., commune, district] if is_district(district) => {
            if let Some(prefix) = old_prefix {
                placed.commune =
                    ansinh_geo::legacy_commune(prefix, district, commune).and_then(|c| c.current());
            }
            (Some(*commune), rest)
        }
        [rest @ .., district] if is_district(district) => (None, rest),
        [rest @ .., commune] => (Some(*commune), rest),
        [] => (None, before),
    };
    if placed.commune.is_none() {
        placed.commune_search =
            commune.map(|c| ansinh_geo::without_title(c).to_string()).unwrap_or_default();
    }
    placed.line = rest.join(", ");
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_address_finds_the_commune_that_kept_its_code() {
        let p = place("Số 12, ngõ 34, phố Quang Trung, Phường Hà Cầu, Quận Hà Đông, Hà Nội");
        assert_eq!(p.province.map(|p| p.name), Some("Hà Nội"));
        assert_eq!(p.commune.map(|c| c.code), Some("09556"));
        assert_eq!(p.line, "Số 12, ngõ 34, phố Quang Trung");
        assert_eq!(p.commune_search, "");
        // Upper case and abbreviated titles, as some cards print them.
        let upper = place("SỐ 12, P. HÀ CẦU, Q. HÀ ĐÔNG, TP. HÀ NỘI");
        assert_eq!(upper.commune.map(|c| c.code), Some("09556"));
    }

    #[test]
    fn an_old_province_becomes_the_one_it_merged_into() {
        // Bình Dương is part of Hồ Chí Minh City since the reform; Thủ Dầu Một kept its code?
        let p = place("Khu phố 3, Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương");
        assert_eq!(p.province.map(|p| p.name), Some("Hồ Chí Minh"));
        let hue = place("Xã Hương Toàn, Thị xã Hương Trà, Thừa Thiên Huế");
        assert_eq!(hue.province.map(|p| p.name), Some("Huế"));
    }

    #[test]
    fn an_old_commune_the_data_cannot_place_goes_to_the_search() {
        let p = place("Phường Phạm Ngũ Lão, Quận 1, TP. Hồ Chí Minh");
        assert_eq!(p.province.map(|p| p.code), Some("79"));
        assert_eq!(p.commune, None);
        assert_eq!(p.commune_search, "Phạm Ngũ Lão");
        assert_eq!(p.line, "");
    }

    #[test]
    fn a_new_map_address_is_read_as_it_is() {
        let p = place("Thôn Đông, Phường Hà Đông, Hà Nội");
        assert_eq!(p.commune.map(|c| c.code), Some("09556"));
        assert_eq!(p.line, "Thôn Đông");
    }

    #[test]
    fn an_unknown_province_leaves_everything_to_staff() {
        let p = place("12 Main Street, Springfield");
        assert_eq!((p.province, p.commune), (None, None));
        assert_eq!(p.line, "12 Main Street, Springfield");
        assert_eq!(place(""), Placed::default());
    }
}
