//! Any text as an enrollment JSON: validation returns a record or problems, never panics; a
//! valid record's normalised form validates to the same record.
#![no_main]

use ansinh_core::{Date, default_table};
use ansinh_enrollment::json::EnrollmentJson;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(parsed) = EnrollmentJson::parse(text) else { return };
    let table = default_table();
    let today = Date::new(2026, 11, 22).expect("a valid date");
    if let Ok(enrollment) = parsed.validate(&table, today) {
        let normal = EnrollmentJson::from_enrollment(&enrollment);
        assert_eq!(
            normal.validate(&table, today).ok(),
            Some(enrollment),
            "normalising changed the record"
        );
    }
});
