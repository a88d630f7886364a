//! # ansinh-text: the wording of the kiosk and of the `ansinh` command
//!
//! One responsibility: every sentence, label and unit that the kiosk's Rust side and the CLI
//! build for a person, in every language offered, with each language's plural rules. The
//! kiosk's fixed screen text (`.slint`) is translated by Slint itself, from
//! `app/ansinh-ui/lang/<code>/LC_MESSAGES/ansinh-ui.po`.
//!
//! - The catalogues: `locales/<code>/ansinh.ftl`, one [Fluent](https://projectfluent.org) file
//!   a language, embedded at build time. Vietnamese (`vi`) is the source language and English
//!   (`en`) the first translation; a reviewer reads all of one language's wording in its file.
//! - [`tr!`]: a message by its id, plain (`tr!(lang, "home-title")` → `&'static str`) or with
//!   named arguments (`tr!(lang, "months", n = 3)` → `String`). Counts are passed as numbers, so
//!   the catalogue picks the plural form (`1 month`, `2 months`; Vietnamese has one form).
//! - [`Locale`]: a language offered, from the catalogues present; [`Locale::next`] cycles them.
//! - Formatting that depends on the language: [`money`] (with [`money_minus`] and
//!   [`money_plus`]), [`words`], [`percent`], [`years_months`], [`ago`], [`sources`],
//!   [`mode_label`], [`scheme_name`], [`payment_day_rules`].
//!
//! Amounts: Vietnamese `1.500.000 đ`, English `VND 1,500,000` (the currency's code before the
//! figure, as English writes it; ₫ is little known to the foreigners who read English at a
//! counter); an amount taken off is `−66.000 đ` / `−VND 66,000`, the sign from the catalogue.
//! The policy table names its legal sources in English only (as the policy reference cites
//! them): a screen in another language shows them as they are, marked as English
//! ([`table_text`]). Adding the Vietnamese titles needs a field in the table's format (a
//! new signed-table format for the devices), not done yet.
//!
//! ## Why Fluent (and not gettext) for the Rust side
//!
//! Sentences built in Rust carry numbers, amounts and names: Fluent messages take named
//! arguments, choose plural forms by the CLDR rules of the catalogue's language (through
//! `intl_pluralrules`, no hand-written rule per language) and are looked up by a stable id, so
//! rewording the Vietnamese does not orphan the translations. The catalogues are plain text
//! files read at build time, with no compile step (`.mo`) and no C library. Slint's own
//! translation (`@tr`, gettext `.po`) stays for the `.slint` text, as Slint bundles it.
//!
//! ## Adding a language
//!
//! 1. Copy `locales/en/ansinh.ftl` to `locales/<code>/ansinh.ftl` (`<code>` a BCP 47 language
//!    code: `km`, `zh`…) and translate every message, keeping the ids and the `{ $name }`
//!    arguments; write each count's plural forms with the CLDR categories of that language
//!    (`[one]`, `[few]`, `*[other]`…). `language-name` is the language's own name, shown on the
//!    language button.
//! 2. Copy `app/ansinh-ui/lang/en/LC_MESSAGES/ansinh-ui.po` to
//!    `app/ansinh-ui/lang/<code>/LC_MESSAGES/ansinh-ui.po`, set its `Language` and
//!    `Plural-Forms` headers (gettext's expression for that language) and translate every
//!    `msgstr`.
//! 3. `cargo test -p ansinh-text -p ansinh-kiosk`: the tests fail while a message is missing,
//!    has other arguments than the source, or one language has a screen catalogue and not the
//!    other. The language button then cycles through it; `ansinh --lang <code>` selects it.
//!
//! What stays in code: the no_std core (`ansinh-core`) writes amounts (`1.500.000 đ`), amounts
//! in words, parameter labels, scheme names and its error messages in Vietnamese or English
//! only ([`ansinh_core::Lang`]). Number words are grammar, not a list of phrases; a third
//! language gets the English forms of these until the core learns it ([`Locale::core`]).
//!
//! Layering: depends on `ansinh-core` (for its types and its number words) and Fluent; used by
//! `ansinh-kiosk` and `ansinh-cli`.

use std::collections::HashMap;
use std::sync::OnceLock;

use ansinh_core::cite::{Citations, param_label};
use ansinh_core::money::{Amount, InWords};
use ansinh_core::quote::Mode;
use ansinh_core::{Dong, Lang, Month, Status};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

include!(concat!(env!("OUT_DIR"), "/catalogues.rs"));

/// What can go wrong with the wording.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No catalogue for that language code.
    #[error("no catalogue for the language {code:?} (offered: {offered})")]
    UnknownLanguage {
        /// The code asked for.
        code: String,
        /// The codes offered, comma-separated.
        offered: String,
    },
    /// A catalogue does not parse or repeats a message.
    #[error("catalogue locales/{code}/ansinh.ftl: {detail}")]
    Catalogue {
        /// Its language.
        code: &'static str,
        /// What is wrong.
        detail: String,
    },
}

/// A language offered: one of the catalogues present at build time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Locale(usize);

impl Default for Locale {
    fn default() -> Self {
        Self::SOURCE
    }
}

impl Locale {
    /// Vietnamese, the source language: what every screen and output starts in.
    pub const SOURCE: Locale = Locale(0);

    /// Every language offered, the source first.
    pub fn all() -> impl Iterator<Item = Locale> {
        (0..CATALOGUES.len()).map(Locale)
    }

    /// The language with this code (`vi`, `en`, …).
    pub fn from_code(code: &str) -> Result<Locale, Error> {
        CATALOGUES.iter().position(|(c, _)| *c == code).map(Locale).ok_or_else(|| {
            Error::UnknownLanguage {
                code: code.into(),
                offered: CATALOGUES.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", "),
            }
        })
    }

    /// Its code: the catalogue's folder name.
    pub fn code(self) -> &'static str {
        CATALOGUES.get(self.0).map_or("", |(c, _)| c)
    }

    /// The language after this one, back to the source after the last: the language button.
    pub fn next(self) -> Locale {
        Locale((self.0 + 1) % CATALOGUES.len().max(1))
    }

    /// Its own name ("Tiếng Việt", "English").
    pub fn name(self) -> &'static str {
        tr!(self, "language-name")
    }

    /// Whether this is the source language.
    pub fn is_source(self) -> bool {
        self == Self::SOURCE
    }

    /// The language the no_std core writes amounts, number words, parameter labels and its
    /// messages in: Vietnamese for the source, English for every translation (the core knows
    /// only these two; a third language gets its English forms).
    pub fn core(self) -> Lang {
        if self.is_source() { Lang::Vi } else { Lang::En }
    }
}

/// One catalogue, parsed, with its argument-free messages rendered once.
struct Catalogue {
    bundle: FluentBundle<FluentResource>,
    plain: HashMap<String, String>,
}

fn load(code: &'static str, source: &'static str) -> Result<Catalogue, Error> {
    let resource = FluentResource::try_new(source.to_string())
        .map_err(|(_, errors)| Error::Catalogue { code, detail: format!("{errors:?}") })?;
    let langid = code
        .parse()
        .map_err(|e| Error::Catalogue { code, detail: format!("language code: {e}") })?;
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // No Unicode isolation marks around arguments: the text goes to fixed-width terminal
    // columns, Slint labels and receipts, all left-to-right.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .map_err(|errors| Error::Catalogue { code, detail: format!("{errors:?}") })?;
    let mut plain = HashMap::new();
    for (id, _) in messages(source) {
        let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else { continue };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, None, &mut errors);
        if errors.is_empty() {
            plain.insert(id, text.into_owned());
        }
    }
    Ok(Catalogue { bundle, plain })
}

/// The ids of a Fluent source's messages, with their line (terms and comments skipped).
fn messages(source: &str) -> impl Iterator<Item = (String, usize)> + '_ {
    source.lines().enumerate().filter_map(|(i, line)| {
        let (id, _) = line.split_once('=')?;
        let id = id.trim_end();
        let first = id.chars().next()?;
        (first.is_ascii_alphabetic()
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .then(|| (id.to_string(), i + 1))
    })
}

fn catalogues() -> &'static [Catalogue] {
    static LOADED: OnceLock<Vec<Catalogue>> = OnceLock::new();
    LOADED.get_or_init(|| {
        // The tests parse every catalogue; one that fails here would be a build of untested
        // catalogues, and its language falls back to the source wording.
        CATALOGUES.iter().filter_map(|(code, src)| load(code, src).ok()).collect()
    })
}

/// Parses every catalogue (what the tests and a start-up check call): the first error.
pub fn check_catalogues() -> Result<(), Error> {
    for (code, src) in CATALOGUES {
        load(code, src)?;
    }
    Ok(())
}

/// The catalogues' Fluent sources: (code, text), the source language first.
pub fn catalogue_sources() -> &'static [(&'static str, &'static str)] {
    CATALOGUES
}

/// An argument-free message; the source wording when a translation lacks it, the id when no
/// catalogue has it (the tests make sure every id used exists everywhere).
pub fn text(lang: Locale, id: &'static str) -> &'static str {
    let all = catalogues();
    [all.get(lang.0), all.first()]
        .into_iter()
        .flatten()
        .find_map(|c| c.plain.get(id))
        .map_or(id, String::as_str)
}

/// A message with arguments: counts choose the plural form, text is put in as it is.
pub fn format(lang: Locale, id: &'static str, args: &[(&'static str, Arg)]) -> String {
    let all = catalogues();
    let mut fluent_args = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        fluent_args.set(*name, value.0.clone());
    }
    for c in [all.get(lang.0), all.first()].into_iter().flatten() {
        if let Some(pattern) = c.bundle.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return c.bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
        }
    }
    id.to_string()
}

/// A message argument: a count (it chooses the plural form) or a text.
#[derive(Clone, Debug)]
pub struct Arg(FluentValue<'static>);

macro_rules! count_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg(FluentValue::from(n))
            }
        }
    )*};
}
count_arg!(u8, u16, u32, u64, usize, i32, i64);

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg(FluentValue::from(s.to_string()))
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg(FluentValue::from(s))
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg(FluentValue::from(s.clone()))
    }
}

/// A message of the catalogues by its id: `tr!(lang, "id")` is the plain text
/// (`&'static str`); `tr!(lang, "id", name = value, …)` formats it with arguments (`String`).
/// The id is a literal, so the tests can read every id the code uses.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $id:literal $(,)?) => {
        $crate::text($lang, $id)
    };
    ($lang:expr, $id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::format($lang, $id, &[$((stringify!($name), $crate::Arg::from($value))),+])
    };
}

/// A time as staff read it, `22/11/2026 09:05` in Viet Nam (the Unix seconds themselves for a
/// clock outside the policy table's years, which only a broken clock shows).
pub fn time_vn(at: i64) -> String {
    ansinh_core::policy::VietnamTime::at(at)
        .map_or_else(|_| at.to_string(), |t| t.form().to_string())
}

/// A day as screens print it: `22/11/2026` (the same in every language, as on receipts).
pub fn day(d: ansinh_core::Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month_number(), d.year())
}

/// Why amounts worked out with a policy table are estimates, one sentence per reason: past
/// the day its parameters are confirmed until, and a newer table on the collection server
/// that the device has not installed (with why not; none: not fetched yet).
pub fn policy_estimate_reasons(
    lang: Locale,
    past_valid_until: Option<ansinh_core::Date>,
    newer_on_hub: Option<(&str, Option<&str>)>,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = past_valid_until {
        out.push(tr!(lang, "policy-estimate-past", day = day(d)));
    }
    if let Some((version, why)) = newer_on_hub {
        let pending = tr!(lang, "policy-estimate-newer-pending");
        let why = why.map_or_else(|| pending.to_string(), str::to_string);
        out.push(tr!(lang, "policy-estimate-newer", version = version, why = why));
    }
    out
}

/// Where an installed policy table came from (the device's `policy::Source`, which this crate
/// does not depend on).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableSource {
    /// A sync with the collection server.
    Sync,
    /// A USB stick.
    Usb,
    /// The device's configuration partition.
    Configuration,
}

/// Where the policy table in use came from: built in (`None`), or installed at `received_at`
/// from `source`, as published at `published_at` (Unix seconds).
pub fn policy_origin(lang: Locale, installed: Option<(i64, TableSource, i64)>) -> String {
    let Some((received_at, source, published_at)) = installed else {
        return tr!(lang, "policy-built-in").to_string();
    };
    let source = match source {
        TableSource::Sync => tr!(lang, "policy-source-sync"),
        TableSource::Usb => tr!(lang, "policy-source-usb"),
        TableSource::Configuration => tr!(lang, "policy-source-configuration"),
    };
    tr!(
        lang,
        "policy-installed",
        when = time_vn(received_at),
        source = source,
        published = time_vn(published_at)
    )
}

/// Where software updates stand (the device's `update::Status`, which this crate does not
/// depend on); versions as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateState<'a> {
    /// Nothing newer is known.
    UpToDate {
        /// The version running.
        running: &'a str,
    },
    /// Downloading from the collection server.
    Downloading {
        /// Its version.
        version: &'a str,
        /// Percent downloaded.
        percent: u8,
    },
    /// Downloaded and checked; installed at the next idle reset.
    Ready {
        /// Its version (`?` when a stick's file does not name it).
        version: &'a str,
    },
    /// Being installed.
    Installing {
        /// Its version.
        version: &'a str,
    },
    /// Installed; the kiosk restarts into it at the next idle reset.
    WaitingForReboot {
        /// Its version.
        version: &'a str,
    },
    /// Installed, but the box went back to the version before (it did not start properly).
    FellBack {
        /// The version installed.
        version: &'a str,
        /// The version running.
        running: &'a str,
    },
    /// Refused or failed, `code` saying why (`signature`, `incompatible`, `not-newer`,
    /// `place`, `missing`, `version`, `failed`, `download`).
    Refused {
        /// Its version.
        version: &'a str,
        /// Why.
        code: &'a str,
    },
}

/// What staff read of software updates, one sentence.
pub fn update_status(lang: Locale, state: UpdateState<'_>) -> String {
    match state {
        UpdateState::UpToDate { running } => tr!(lang, "update-up-to-date", running = running),
        UpdateState::Downloading { version, percent } => {
            tr!(lang, "update-downloading", version = version, percent = percent)
        }
        UpdateState::Ready { version } => tr!(lang, "update-ready", version = version),
        UpdateState::Installing { version } => tr!(lang, "update-installing", version = version),
        UpdateState::WaitingForReboot { version } => {
            tr!(lang, "update-waiting-reboot", version = version)
        }
        UpdateState::FellBack { version, running } => {
            tr!(lang, "update-fell-back", version = version, running = running)
        }
        UpdateState::Refused { version, code } => {
            let why = match code {
                "signature" => tr!(lang, "update-why-signature"),
                "incompatible" => tr!(lang, "update-why-incompatible"),
                "not-newer" => tr!(lang, "update-why-not-newer"),
                "place" => tr!(lang, "update-why-place"),
                "missing" => tr!(lang, "update-why-missing"),
                "version" => tr!(lang, "update-why-version"),
                "download" => tr!(lang, "update-why-download"),
                _ => tr!(lang, "update-why-failed"),
            };
            tr!(lang, "update-refused", version = version, why = why)
        }
    }
}

/// One line of what a new policy table changed: the parameter, added/changed/removed, its
/// period, the amounts before and after (for amounts), its source and status.
pub fn policy_change(lang: Locale, c: &ansinh_core::policy::Change<'_>) -> String {
    use ansinh_core::policy::ChangeKind;
    let kind = match c.kind {
        ChangeKind::Added => tr!(lang, "policy-change-added"),
        ChangeKind::Changed => tr!(lang, "policy-change-changed"),
        ChangeKind::Removed => tr!(lang, "policy-change-removed"),
    };
    let mut param = ansinh_core::cite::param_label(c.param, lang.core()).to_string();
    if !c.province.is_empty() {
        param = format!("{param} {}", c.province);
    }
    let source = table_text(c.source, lang);
    let amounts = match (c.old_amount, c.new_amount) {
        (Some(o), Some(n)) if o != n => format!(" {} → {}", money(o, lang), money(n, lang)),
        (_, Some(n)) => format!(" {}", money(n, lang)),
        (Some(o), None) => format!(" {}", money(o, lang)),
        (None, None) => String::new(),
    };
    tr!(
        lang,
        "policy-change-line",
        param = param,
        kind = kind,
        from = day(c.from),
        until = c.until.map(day).unwrap_or_else(|| "…".into()),
        amounts = amounts,
        source = source,
        status = status_label(c.status, lang)
    )
}

/// Why enrollment stops on a clock the device does not trust, for staff: what is wrong
/// (`drifted`: far from the server's time; otherwise before the latest trusted time), the time
/// the device shows and the one it trusts, and what to do (`how`: where a clerk confirms).
pub fn clock_untrusted(
    lang: Locale,
    drifted: bool,
    device: i64,
    trusted: i64,
    how: &str,
) -> String {
    let (device, trusted) = (time_vn(device), time_vn(trusted));
    let what = if drifted {
        tr!(lang, "clock-drifted", device = device.as_str(), trusted = trusted.as_str())
    } else {
        tr!(lang, "clock-behind", device = device.as_str(), trusted = trusted.as_str())
    };
    format!("{what} {}", tr!(lang, "clock-stopped", how = how))
}

/// `1.500.000 đ` / `VND 1,500,000` (the core's form for the language).
pub fn money(d: Dong, lang: Locale) -> String {
    Amount(d, lang.core()).to_string()
}

/// An amount taken off: `−66.000 đ` / `−VND 66,000` (nothing taken off: `0 đ`, unsigned).
pub fn money_minus(d: Dong, lang: Locale) -> String {
    if d == 0 { money(d, lang) } else { tr!(lang, "money-minus", amount = money(d, lang)) }
}

/// An amount added: `+100.000 đ` / `+VND 100,000`.
pub fn money_plus(d: Dong, lang: Locale) -> String {
    tr!(lang, "money-plus", amount = money(d, lang))
}

/// The language the policy table writes its sources in: it has no other.
pub const TABLE_SOURCES_LANGUAGE: &str = "en";

/// A text of the policy table (a legal source, a note) as a screen in `lang` shows it: as it
/// is, marked as English unless the screen is.
pub fn table_text(source: &str, lang: Locale) -> String {
    if lang.code() == TABLE_SOURCES_LANGUAGE {
        source.to_string()
    } else {
        tr!(lang, "source-in-english", source = source)
    }
}

/// Says that a payment made on `paid_on` for the months up to `until` is priced entirely at
/// that day's rules although they change (or may change, past what the table confirms) on
/// `change.from` within the period: nothing to add and nothing refunded later.
pub fn payment_day_rules(
    lang: Locale,
    paid_on: ansinh_core::Date,
    until: Month,
    change: &ansinh_core::policy::RulesChange,
    confirmed_until: ansinh_core::Date,
) -> String {
    match change.param {
        Some(param) => tr!(
            lang,
            "payment-day-rules-change",
            paid_on = day(paid_on),
            until = month(until),
            change_day = day(change.from),
            what = param_label(param, lang.core())
        ),
        None => tr!(
            lang,
            "payment-day-rules-unconfirmed",
            paid_on = day(paid_on),
            until = month(until),
            confirmed = day(confirmed_until),
            change_day = day(change.from)
        ),
    }
}

/// An amount in words with a capital first letter: "Năm trăm chín mươi bốn nghìn đồng".
pub fn words(d: Dong, lang: Locale) -> String {
    let s = InWords(d, lang.core()).to_string();
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

/// A share in basis points: `2200` → `22%`, `450` → `4,5%` (Vietnamese) / `4.5%`.
pub fn percent(bp: u32, lang: Locale) -> String {
    decimal(bp / 100, bp % 100, 2, lang) + "%"
}

/// `whole` and `frac` (that many digits) with the language's decimal separator, trailing zeros
/// dropped: `(0, 3100, 4)` → `0,31`.
pub fn decimal(whole: u32, frac: u32, digits: usize, lang: Locale) -> String {
    let frac = format!("{frac:0digits$}");
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}{}{frac}", tr!(lang, "decimal-separator"))
    }
}

/// `03/2036` in every language (as on Vietnamese forms).
pub fn month(m: Month) -> String {
    format!("{:02}/{}", m.number(), m.year())
}

/// `20 năm 3 tháng` / `20 years 3 months`, `1 month`.
pub fn years_months(months: u32, lang: Locale) -> String {
    match (months / 12, months % 12) {
        (0, m) => tr!(lang, "duration-months", months = m),
        (y, 0) => tr!(lang, "duration-years", years = y),
        (y, m) => tr!(lang, "duration-years-months", years = y, months = m),
    }
}

/// How long ago: `4 ngày trước`, `2 giờ 5 phút trước` / `4 days ago`, `2 h 5 min ago`.
pub fn ago(secs: i64, lang: Locale) -> String {
    let secs = secs.max(0);
    if secs >= 86_400 {
        tr!(lang, "ago-days", days = secs / 86_400)
    } else {
        tr!(lang, "ago-hours-minutes", hours = secs / 3600, minutes = secs % 3600 / 60)
    }
}

/// How sure a table entry is: "đã xác minh" / "verified".
pub fn status_label(s: Status, lang: Locale) -> &'static str {
    match s {
        Status::Verified => tr!(lang, "status-verified"),
        Status::Secondary => tr!(lang, "status-secondary"),
        Status::Unverified => tr!(lang, "status-unverified"),
    }
}

/// One line per table entry a result rests on: "Nhà nước hỗ trợ — Decree 159/2025 Art 5 (đã xác minh)".
pub fn sources(c: &Citations<'_>, lang: Locale) -> Vec<String> {
    c.iter()
        .map(|c| {
            tr!(
                lang,
                "source-line",
                label = param_label(c.param, lang.core()),
                source = table_text(c.source, lang),
                status = status_label(c.status, lang)
            )
        })
        .collect()
}

/// A scheme code as people say it (the core's name; "Loại khác" for a code it does not know).
pub fn scheme_name(code: &str, lang: Locale) -> &'static str {
    ansinh_core::scheme::Scheme::from_code(code)
        .map_or_else(|| tr!(lang, "scheme-other"), |s| s.name(lang.core()))
}

/// A payment mode as a citizen reads it, the one wording of the kiosk, the CLI and the printed
/// shift report: "Hằng tháng", "3 tháng một lần", "Đóng trước 2 năm", "Đóng bù 12 tháng".
pub fn mode_label(m: Mode, lang: Locale) -> String {
    match m {
        Mode::Periodic(1) => tr!(lang, "mode-monthly").to_string(),
        Mode::Periodic(n) => tr!(lang, "mode-every-months", months = n),
        Mode::Advance(y) => tr!(lang, "mode-advance-years", years = y),
        Mode::Backpay(m) => tr!(lang, "mode-backpay-months", months = m),
    }
}

/// A journal's mode code (`1`, `3`, `advance-2`, `backpay-12`, `bhyt-12`) as a citizen reads
/// it: [`mode_label`], or "BHYT 12 tháng" for household health insurance; an unknown code as
/// it is.
pub fn mode_code_label(code: &str, lang: Locale) -> String {
    if let Some(months) = code.strip_prefix("bhyt-").and_then(|m| m.parse::<u32>().ok()) {
        return tr!(lang, "mode-household-months", months = months);
    }
    code.parse::<Mode>().map_or_else(|()| code.to_string(), |m| mode_label(m, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> Locale {
        Locale::from_code("en").unwrap_or_default()
    }

    #[test]
    fn formats() {
        let vi = Locale::SOURCE;
        assert_eq!(money(1_500_000, vi), "1.500.000 đ");
        assert_eq!(money(1_500_000, en()), "VND 1,500,000");
        assert_eq!(money_minus(66_000, vi), "−66.000 đ");
        assert_eq!(money_minus(66_000, en()), "−VND 66,000");
        assert_eq!(money_plus(100_000, en()), "+VND 100,000");
        assert_eq!(table_text("Decree 159/2025/NĐ-CP Art 5", en()), "Decree 159/2025/NĐ-CP Art 5");
        assert_eq!(
            table_text("Decree 159/2025/NĐ-CP Art 5", vi),
            "[tiếng Anh] Decree 159/2025/NĐ-CP Art 5"
        );
        assert_eq!(money_minus(0, en()), "VND 0");
        assert_eq!(words(594_000, vi), "Năm trăm chín mươi bốn nghìn đồng");
        assert_eq!(percent(2200, vi), "22%");
        assert_eq!(percent(450, vi), "4,5%");
        assert_eq!(percent(450, en()), "4.5%");
        assert_eq!(decimal(0, 3100, 4, vi), "0,31");
        assert_eq!(years_months(243, vi), "20 năm 3 tháng");
        assert_eq!(years_months(13, en()), "1 year 1 month");
        assert_eq!(years_months(1, en()), "1 month");
        assert_eq!(years_months(26, en()), "2 years 2 months");
        assert_eq!(years_months(24, vi), "2 năm");
    }

    #[test]
    fn ages_and_modes() {
        let vi = Locale::SOURCE;
        assert_eq!(ago(4 * 86_400 + 7200, vi), "4 ngày trước");
        assert_eq!(ago(86_400, en()), "1 day ago");
        assert_eq!(ago(3 * 3600 + 5 * 60, en()), "3 h 5 min ago");
        assert_eq!(ago(-5, vi), "0 giờ 0 phút trước", "a clock set back shows no negative age");
        let stopped = clock_untrusted(vi, false, 1_795_314_600 - 3 * 86_400, 1_795_314_600, "x");
        assert!(
            stopped.starts_with("Đồng hồ của máy đang chỉ 19/11/2026 09:30, sớm hơn"),
            "{stopped}"
        );
        assert!(stopped.contains("(22/11/2026 09:30)") && stopped.ends_with(": x."), "{stopped}");
        assert_eq!(mode_label(Mode::Periodic(1), vi), "Hằng tháng");
        assert_eq!(mode_label(Mode::Periodic(3), en()), "Every 3 months");
        assert_eq!(mode_label(Mode::Advance(1), en()), "1 year in advance");
        assert_eq!(mode_code_label("advance-2", vi), "Đóng trước 2 năm");
        assert_eq!(mode_code_label("backpay-1", en()), "Back-pay of 1 month");
        assert_eq!(mode_code_label("bhyt-12", vi), "BHYT 12 tháng");
        assert_eq!(mode_code_label("odd", vi), "odd");
        assert_eq!(scheme_name("household-bhyt", vi), "BHYT hộ gia đình");
        assert_eq!(scheme_name("?", en()), "Other scheme");
    }

    #[test]
    fn languages_come_from_the_catalogues() {
        let codes: Vec<_> = Locale::all().map(Locale::code).collect();
        assert_eq!(codes.first(), Some(&"vi"), "the source language first");
        assert!(codes.contains(&"en"));
        assert_eq!(Locale::SOURCE.name(), "Tiếng Việt");
        assert_eq!(en().name(), "English");
        // The button cycles through every language and back.
        let mut l = Locale::SOURCE;
        for _ in 0..codes.len() {
            l = l.next();
        }
        assert_eq!(l, Locale::SOURCE);
        assert!(matches!(Locale::from_code("xx"), Err(Error::UnknownLanguage { .. })));
        assert_eq!(en().core(), Lang::En);
        assert!(check_catalogues().is_ok());
    }
}
