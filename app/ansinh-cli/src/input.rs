//! Reading command-line values, with a clear message that names the field when one is wrong.

use ansinh_core::person::{Group, Sex};
use ansinh_core::quote::Mode;
use ansinh_core::{Date, Month};
use ansinh_text::{Locale, tr};
use serde::Serialize;

/// `path` as a shell word, so a command shown in a message can be pasted as it is.
pub(crate) fn shell_word(path: &std::path::Path) -> String {
    let s = path.to_string_lossy();
    let plain =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-+:@%,=".contains(&b));
    if plain { s.into_owned() } else { format!("'{}'", s.replace('\'', "'\\''")) }
}

/// A wrong or missing input: the field, a stable code and a message for the person.
#[derive(Debug, Serialize)]
pub(crate) struct InputError {
    pub(crate) field: String,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl InputError {
    pub(crate) fn from_core(e: &ansinh_core::Error, lang: Locale) -> Self {
        Self {
            field: e.field().into(),
            code: e.code(),
            message: e.message(lang.core()).to_string(),
        }
    }

    pub(crate) fn from_clap(e: &clap::Error, lang: Locale) -> Self {
        use clap::error::{ContextKind, ContextValue, ErrorKind};
        let arg = match e.get(ContextKind::InvalidArg) {
            Some(ContextValue::String(s)) => s.clone(),
            Some(ContextValue::Strings(v)) => v.first().cloned().unwrap_or_default(),
            _ => String::new(),
        };
        // "--income <INCOME>" → "income"
        let field = arg.trim_start_matches('-').split([' ', '=']).next().unwrap_or("").to_string();
        let (code, message) = match e.kind() {
            ErrorKind::MissingRequiredArgument => {
                ("missing_argument", tr!(lang, "cli-input-missing", argument = arg.as_str()))
            }
            ErrorKind::UnknownArgument => {
                ("unknown_argument", tr!(lang, "cli-input-unknown-option", argument = arg.as_str()))
            }
            ErrorKind::InvalidSubcommand
            | ErrorKind::MissingSubcommand
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                ("unknown_command", tr!(lang, "cli-input-choose-command").to_string())
            }
            _ => (
                "invalid_argument",
                e.render().to_string().lines().next().unwrap_or("").to_string(),
            ),
        };
        Self { field, code, message }
    }
}

/// Parsers that turn text into values or field-named errors, in one language.
#[derive(Clone, Copy)]
pub(crate) struct Parse(pub(crate) Locale);

impl Parse {
    fn err(self, field: &str, code: &'static str, message: String) -> InputError {
        InputError { field: field.into(), code, message }
    }

    pub(crate) fn date(self, field: &str, s: &str) -> Result<Date, InputError> {
        s.parse().map_err(|_| {
            self.err(
                field,
                "invalid_date",
                tr!(self.0, "cli-input-invalid-date", value = s, field = field),
            )
        })
    }

    pub(crate) fn month(self, field: &str, s: &str) -> Result<Month, InputError> {
        s.parse().map_err(|_| {
            self.err(
                field,
                "invalid_month",
                tr!(self.0, "cli-input-invalid-month", value = s, field = field),
            )
        })
    }

    pub(crate) fn amount(self, field: &str, s: &str) -> Result<u64, InputError> {
        let digits = s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty();
        s.parse().ok().filter(|_| digits).ok_or_else(|| {
            self.err(
                field,
                "invalid_amount",
                tr!(self.0, "cli-input-invalid-amount", value = s, field = field),
            )
        })
    }

    pub(crate) fn count(self, field: &str, s: &str) -> Result<u16, InputError> {
        let digits = s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty();
        s.parse().ok().filter(|_| digits).ok_or_else(|| {
            self.err(
                field,
                "invalid_number",
                tr!(self.0, "cli-input-invalid-number", value = s, field = field),
            )
        })
    }

    pub(crate) fn group(self, field: &str, s: &str) -> Result<Group, InputError> {
        s.parse().map_err(|_| {
            self.err(field, "invalid_group", tr!(self.0, "cli-input-invalid-group", value = s))
        })
    }

    pub(crate) fn sex(self, field: &str, s: &str) -> Result<Sex, InputError> {
        s.parse().map_err(|_| {
            self.err(field, "invalid_sex", tr!(self.0, "cli-input-invalid-sex", value = s))
        })
    }

    pub(crate) fn mode(self, field: &str, s: &str) -> Result<Mode, InputError> {
        s.parse().map_err(|_| {
            self.err(field, "invalid_mode", tr!(self.0, "cli-input-invalid-mode", value = s))
        })
    }

    /// An official province code of the 2025 map (34 provinces).
    pub(crate) fn province<'s>(self, field: &str, s: &'s str) -> Result<&'s str, InputError> {
        match ansinh_geo::province(s) {
            Some(_) => Ok(s),
            None => Err(self.err(
                field,
                "unknown_province",
                tr!(self.0, "cli-input-unknown-province", value = s),
            )),
        }
    }

    pub(crate) fn missing(self, field: &str) -> InputError {
        self.err(field, "missing_argument", tr!(self.0, "cli-input-missing-person", field = field))
    }

    pub(crate) fn required(self, field: &str) -> InputError {
        self.err(field, "missing_argument", tr!(self.0, "cli-input-required", field = field))
    }

    pub(crate) fn conflict(self, field: &str, other: &str) -> InputError {
        self.err(
            field,
            "conflicting_arguments",
            tr!(self.0, "cli-input-conflicting-arguments", field = field, other = other),
        )
    }

    pub(crate) fn way(self, field: &str) -> InputError {
        self.err(field, "invalid_way", tr!(self.0, "cli-input-invalid-way", field = field))
    }

    pub(crate) fn history_line(self, line: usize, what: &str) -> InputError {
        self.err(
            "history",
            "invalid_history",
            tr!(self.0, "cli-input-invalid-history", line = line, what = what),
        )
    }
}
