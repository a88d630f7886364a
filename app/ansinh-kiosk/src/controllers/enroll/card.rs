//! Pre-filling the form from the ID card's QR code (`ansinh-idcard`): the person's (or the
//! household head's) name, ID, birth date, sex and address, each field marked as coming from
//! the card until someone edits it. The code is not signed, so nothing is taken on trust: the
//! wizard goes back to its first step, every field stays editable, and the review and the
//! explicit submit come as always. Where the card's old address cannot be placed on today's
//! map, the province is chosen and the old commune's name waits in the commune search.

use ansinh_core::person::Sex;
use ansinh_idcard::Card;
use ansinh_idcard::address::Placed;
use zeroize::Zeroize;

use super::*;

impl EnrollController {
    /// Fills the form from a card, the scheme chosen if none was, and goes back to the first
    /// step for staff to check. What the card does not say (ethnicity, phone, payment) stays
    /// as it was.
    pub fn prefill_from_card(&mut self, card: &Card, placed: &Placed, lang: Locale) {
        if self.scheme.is_none() {
            self.start(Scheme::Voluntary);
        }
        let base = match self.scheme {
            Some(Scheme::Household) => "household.head",
            _ => "person",
        };
        let d = card.birth_date;
        let birth = format!("{:02}/{:02}/{:04}", d.day(), d.month_number(), d.year());
        let sex = match card.sex {
            Sex::Male => "male",
            Sex::Female => "female",
        };
        let mut fields: Vec<(String, String)> = vec![
            (format!("{base}.full_name"), card.full_name.clone()),
            (format!("{base}.personal_id"), card.personal_id.clone()),
        ];
        if base == "person" {
            fields.push(("person.sex".into(), sex.into()));
            fields.push(("person.birth_date".into(), birth));
        }
        if let Some(p) = placed.province {
            fields.push((format!("{base}.address.province_code"), p.code.into()));
        }
        if let Some(c) = placed.commune {
            fields.push((format!("{base}.address.commune_code"), c.code.into()));
        }
        if !placed.line.is_empty() {
            fields.push((format!("{base}.address.line"), placed.line.clone()));
        }
        for (id, mut value) in fields {
            self.set(&id, &value);
            value.zeroize();
            self.from_card.insert(id);
        }
        if placed.commune.is_none() {
            // Chosen with the province only when it was in it: emptied here otherwise.
            let commune = format!("{base}.address.commune_code");
            self.values.remove(&commune);
            self.from_card.remove(&commune);
        }
        self.commune_search.zeroize();
        self.commune_search.clone_from(&placed.commune_search);
        self.goto(0);
        self.shown.clear();
        self.banner.clear();
        self.card_note = if placed.commune.is_none() && !placed.commune_search.is_empty() {
            tr!(lang, "scan-filled-commune-search", commune = placed.commune_search.as_str())
        } else {
            tr!(lang, "scan-filled").into()
        };
    }

    /// A scan that could not pre-fill anything: why, on the wizard's band.
    pub fn scan_refused(&mut self, message: String) {
        self.card_note.zeroize();
        self.banner = message;
    }

    /// Whether a field's value came from the card and nobody has changed it since.
    pub fn from_card(&self, id: &str) -> bool {
        self.from_card.contains(id)
    }

    /// Text to start a picker's search with: the card's old commune name for the commune list.
    pub fn picker_hint(&self, id: &str) -> Option<&str> {
        (id.ends_with("commune_code") && !self.commune_search.is_empty())
            .then_some(self.commune_search.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_core::default_table;

    fn today() -> Date {
        "2026-11-22".parse().unwrap_or_else(|_| unreachable!())
    }

    const CODE: &str = "001179012345|012345678|Nguyễn Thị Hồng Nhung|15031979|Nữ|Số 12, ngõ 34, phố Quang Trung, Phường Hà Cầu, Quận Hà Đông, Hà Nội|15042021";

    fn scanned(c: &mut EnrollController, code: &str) {
        let card = ansinh_idcard::parse(code).unwrap_or_else(|e| panic!("{e}"));
        let placed = ansinh_idcard::address::place(&card.address);
        c.prefill_from_card(&card, &placed, Locale::SOURCE);
    }

    #[test]
    fn a_scan_fills_the_first_three_steps_and_marks_each_field() {
        let (table, d, l) = (default_table(), today(), Locale::SOURCE);
        let mut c = EnrollController::default();
        c.start(Scheme::Voluntary);
        c.set("person.phone", "0912345678");
        scanned(&mut c, CODE);
        let v = c.view(&table, d, l);
        assert_eq!(v.step, 0);
        let field = |v: &EnrollView, id: &str| {
            v.fields.iter().find(|f| f.id == id).cloned().unwrap_or_default()
        };
        assert_eq!(field(&v, "person.full_name").value, "NGUYỄN THỊ HỒNG NHUNG");
        assert_eq!(field(&v, "person.sex").value, "Nữ");
        assert_eq!(field(&v, "person.birth_date").value, "15/03/1979");
        for f in &v.fields {
            assert_eq!(f.note, "Từ thẻ — kiểm tra lại", "{}", f.id);
        }
        assert!(c.next(&table, d, l), "{:?}", c.step_problems(&table, d, l));
        assert_eq!(c.value("person.personal_id"), "001179012345");
        c.set("person.ethnicity", "01");
        assert!(c.next(&table, d, l), "{:?}", c.step_problems(&table, d, l));
        let v = c.view(&table, d, l);
        assert_eq!(field(&v, "person.address.province_code").value, "Hà Nội");
        assert_eq!(field(&v, "person.address.commune_code").value, "Phường Hà Đông");
        assert_eq!(field(&v, "person.address.line").value, "Số 12, ngõ 34, phố Quang Trung");
        assert_eq!(field(&v, "person.phone").value, "0912345678", "the card has no phone");
        assert!(field(&v, "person.phone").note.is_empty());
        // Editing a field takes its mark away.
        c.set("person.address.line", "Số 14, ngõ 34, phố Quang Trung");
        assert!(!c.from_card("person.address.line") && c.from_card("person.address.commune_code"));
        assert_eq!(c.value("person.birth_place.province"), "Hà Nội", "from the ID's first digits");
    }

    #[test]
    fn an_old_commune_the_data_cannot_place_waits_in_the_commune_search() {
        let mut c = EnrollController::default();
        scanned(
            &mut c,
            "079090123456||NGUYỄN VĂN A|01011990|Nam|Phường Phạm Ngũ Lão, Quận 1, TP. Hồ Chí Minh|15042021",
        );
        assert_eq!(c.scheme(), Some(Scheme::Voluntary));
        assert_eq!(c.value("person.address.province_code"), "79");
        assert_eq!(c.value("person.address.commune_code"), "");
        assert_eq!(c.picker_hint("person.address.commune_code"), Some("Phạm Ngũ Lão"));
        assert_eq!(c.picker_hint("person.address.province_code"), None);
        let note =
            |c: &EnrollController| c.view(&default_table(), today(), Locale::SOURCE).card_note;
        assert!(note(&c).contains("Phạm Ngũ Lão"), "on the name step: {}", note(&c));
        c.goto(2);
        assert!(note(&c).contains("Phạm Ngũ Lão"), "on the address step: {}", note(&c));
        c.goto(4);
        assert_eq!(note(&c), "", "not on the payment step");
    }

    #[test]
    fn a_household_scan_fills_the_head() {
        let mut c = EnrollController::default();
        c.start(Scheme::Household);
        scanned(&mut c, CODE);
        assert_eq!(c.value("household.head.full_name"), "NGUYỄN THỊ HỒNG NHUNG");
        assert_eq!(c.value("household.head.address.commune_code"), "09556");
        assert_eq!(c.value("person.full_name"), "");
    }

    #[test]
    fn the_next_customer_leaves_nothing_of_the_card() {
        let mut c = EnrollController::default();
        scanned(&mut c, CODE);
        zeroize::Zeroize::zeroize(&mut c);
        assert_eq!(format!("{c:?}"), format!("{:?}", EnrollController::default()));
    }
}
