//! The public example enrollments in `tests/fixtures/` (a voluntary social insurance
//! enrollment and a household of three), as every crate's tests read them.

use std::path::PathBuf;

use crate::{Error, io};

/// The fixtures folder, `tests/fixtures/`.
pub fn dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))
}

/// The fixture `name` (`enrollment.json`, `household.json`).
pub fn path(name: &str) -> PathBuf {
    dir().join(name)
}

/// The text of the fixture `name`.
pub fn text(name: &str) -> Result<String, Error> {
    let path = path(name);
    std::fs::read_to_string(&path).map_err(io(&path))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_fixtures_are_found_and_a_missing_one_is_named() {
        for name in ["enrollment.json", "household.json"] {
            let text = super::text(name).unwrap_or_else(|e| panic!("{e}"));
            assert!(text.trim_start().starts_with('{'), "{name} is not JSON: {text:.40}");
        }
        let e = super::text("no-such.json").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("fixtures/no-such.json"), "{e}");
    }
}
