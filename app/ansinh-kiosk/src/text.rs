//! Words and numbers as the screens show them: the wording and the language-dependent
//! formatting come from `ansinh-text` (its catalogues); what is the kiosk's own is here.

pub use ansinh_text::{
    Locale, ago, money, month, percent, scheme_name, sources, tr, words, years_months,
};

/// `2026-12` → `12/2026` (as on Vietnamese forms); other text unchanged.
pub fn month_text(yyyy_mm: &str) -> String {
    match yyyy_mm.split_once('-') {
        Some((y, m)) if y.len() == 4 && m.len() == 2 => format!("{m}/{y}"),
        _ => yyyy_mm.to_string(),
    }
}

/// A moment as `22/11/2026 09:05`, Vietnam time, as receipts print it.
pub fn date_time(at: i64) -> String {
    ansinh_device::receipt::printed_time(at)
}

/// The installed table's receipt time, source and publication time as `ansinh_text`'s
/// [`policy_origin`](ansinh_text::policy_origin) takes them; `None` for the built-in table.
pub fn table_origin(
    origin: &ansinh_device::policy::Origin,
) -> Option<(i64, ansinh_text::TableSource, i64)> {
    use ansinh_device::policy::Source;
    origin.installed().map(|(received, source, published)| {
        let source = match source {
            Source::Sync => ansinh_text::TableSource::Sync,
            Source::Usb => ansinh_text::TableSource::Usb,
            Source::Configuration => ansinh_text::TableSource::Configuration,
        };
        (received, source, published)
    })
}

/// Where software updates stand, in `lang` (`ansinh_text::update_status`).
pub fn update_status(lang: Locale, s: &ansinh_device::update::Status) -> String {
    use ansinh_device::update::Status;
    use ansinh_text::UpdateState;
    let state = match s {
        Status::UpToDate { running } => UpdateState::UpToDate { running },
        Status::Downloading { version, percent } => {
            UpdateState::Downloading { version, percent: *percent }
        }
        Status::Ready { version } => {
            UpdateState::Ready { version: version.as_deref().unwrap_or("?") }
        }
        Status::Installing { version } => UpdateState::Installing { version },
        Status::WaitingForReboot { version } => UpdateState::WaitingForReboot { version },
        Status::FellBack { version, running } => UpdateState::FellBack { version, running },
        Status::Refused { version, code, .. } => UpdateState::Refused { version, code },
    };
    ansinh_text::update_status(lang, state)
}

/// A label and a value, one row of a result table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line {
    /// What it is.
    pub label: String,
    /// How much.
    pub value: String,
    /// Shown larger: the amount to pay.
    pub strong: bool,
}

impl Line {
    /// An ordinary row.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self { label: label.into(), value: value.into(), strong: false }
    }
    /// A highlighted row.
    pub fn strong(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self { label: label.into(), value: value.into(), strong: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_codes() {
        // 2026-11-22 00:00 UTC is 07:00 in Viet Nam.
        assert_eq!(date_time(1_795_305_600), "22/11/2026 07:00");
        assert_eq!(date_time(1_795_305_600 - 7 * 3600 - 60), "21/11/2026 23:59");
        assert_eq!(month_text("2026-12"), "12/2026");
        assert_eq!(month_text("12/2026"), "12/2026");
    }
}
