//! The screens' catalogues (`app/ansinh-ui/lang/<code>/LC_MESSAGES/ansinh-ui.po`, bundled by
//! Slint) against the `.slint` sources and the Rust wording's languages (`ansinh-text`): every
//! `@tr(...)` text has a translation in every language, with the same `{}` placeholders, no
//! catalogue holds a text the screens no longer show, and the languages offered (the Fluent
//! catalogues) are exactly the source plus the screen catalogues. Read from the files, so a new
//! text or language is checked without touching this test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ansinh_kiosk::text::Locale;

fn ui_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ansinh-ui")
}

/// A text to translate: (context, Vietnamese source, whether it has a plural form).
type Key = (String, String, bool);

/// Reads a string literal at the start of `s` (after blanks): its text and the rest.
fn literal(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start();
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, c)) => out.push(c),
                None => return None,
            },
            '"' => return Some((out, &body[i + 1..])),
            c => out.push(c),
        }
    }
    None
}

/// Every `@tr(...)` of the .slint sources.
fn slint_texts() -> BTreeSet<Key> {
    let mut out = BTreeSet::new();
    let dir = ui_dir().join("ui");
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let source = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for (at, _) in source.match_indices("@tr(") {
            let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
            if source[line_start..at].trim_start().starts_with("//") {
                continue;
            }
            let after = &source[at + 4..];
            let Some((first, rest)) = literal(after) else {
                panic!("{}: @tr( without a string literal", entry.path().display())
            };
            let (context, text, rest) = match rest.trim_start().strip_prefix("=>") {
                Some(r) => {
                    let (text, rest) = literal(r).unwrap_or_default();
                    (first, text, rest)
                }
                None => (String::new(), first, rest),
            };
            let plural = rest.trim_start().starts_with('|');
            out.insert((context, text, plural));
        }
    }
    out
}

/// One catalogue: each text and its translations (one, or one a plural form).
fn po(path: &Path) -> (BTreeMap<Key, Vec<String>>, String) {
    let source =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = BTreeMap::new();
    let mut header = String::new();
    for block in source.split("\n\n") {
        let (mut ctx, mut id, mut plural, mut strs) = (String::new(), None, false, Vec::new());
        for line in block.lines().filter(|l| !l.starts_with('#')) {
            if let Some(r) = line.strip_prefix("msgctxt ") {
                ctx = literal(r).unwrap_or_default().0;
            } else if let Some(r) = line.strip_prefix("msgid_plural ") {
                plural = literal(r).is_some();
            } else if let Some(r) = line.strip_prefix("msgid ") {
                id = literal(r).map(|l| l.0);
            } else if let Some(r) = line.strip_prefix("msgstr") {
                let r = r.split_once(' ').map_or("", |(_, r)| r);
                strs.push(literal(r).unwrap_or_default().0);
            } else if line.starts_with('"') {
                // A continued string: only the header uses them.
                header.push_str(&literal(line).unwrap_or_default().0);
            }
        }
        match id {
            Some(id) if id.is_empty() => {}
            Some(id) => {
                let previous = out.insert((ctx, id.clone(), plural), strs);
                assert!(previous.is_none(), "{}: {id:?} twice", path.display());
            }
            None => {}
        }
    }
    (out, header)
}

/// The `{…}` placeholders of a text, in order.
fn placeholders(s: &str) -> Vec<String> {
    s.split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

fn screen_languages() -> BTreeMap<String, PathBuf> {
    std::fs::read_dir(ui_dir().join("lang"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| {
            let code = e.file_name().to_string_lossy().into_owned();
            (code, e.path().join("LC_MESSAGES").join("ansinh-ui.po"))
        })
        .collect()
}

#[test]
fn every_screen_text_is_translated_in_every_language() {
    let texts = slint_texts();
    assert!(texts.len() > 100, "found only {} @tr texts", texts.len());
    let languages = screen_languages();
    assert!(!languages.is_empty(), "no screen catalogue");
    let mut problems = Vec::new();
    for (code, path) in &languages {
        let (catalogue, header) = po(path);
        if !header.contains("Plural-Forms:") {
            problems.push(format!("{code}: no Plural-Forms header"));
        }
        for key in &texts {
            match catalogue.get(key) {
                None => problems.push(format!("{code}: no translation of {key:?}")),
                Some(strs) if strs.is_empty() || strs.iter().any(String::is_empty) => {
                    problems.push(format!("{code}: {key:?} is not translated"));
                }
                Some(strs) => {
                    for s in strs {
                        if placeholders(s) != placeholders(&key.1) {
                            problems.push(format!(
                                "{code}: {s:?} has other placeholders than {:?}",
                                key.1
                            ));
                        }
                    }
                }
            }
        }
        for key in catalogue.keys().filter(|k| !texts.contains(*k)) {
            problems.push(format!("{code}: {key:?} is not on any screen"));
        }
    }
    assert!(problems.is_empty(), "the screen catalogues disagree:\n{}", problems.join("\n"));
}

#[test]
fn the_languages_offered_have_both_catalogues() {
    let screens: BTreeSet<String> = screen_languages().into_keys().collect();
    let wording: BTreeSet<String> =
        Locale::all().filter(|l| !l.is_source()).map(|l| l.code().to_string()).collect();
    assert_eq!(
        screens, wording,
        "every translation needs app/ansinh-ui/lang/<code>/LC_MESSAGES/ansinh-ui.po and \
         app/ansinh-text/locales/<code>/ansinh.ftl"
    );
    assert!(wording.contains("en"), "English is the first translation");
}

#[test]
fn the_reader_of_slint_texts_reads_contexts_and_plurals() {
    assert_eq!(literal(r#" "a \"b\"" rest"#), Some(("a \"b\"".to_string(), " rest")));
    assert_eq!(placeholders("Sửa người {} ({n})"), vec!["".to_string(), "n".to_string()]);
    let texts = slint_texts();
    assert!(texts.contains(&("keyboard".into(), "Xóa".into(), false)));
    assert!(texts.iter().any(|(_, _, plural)| *plural), "the idle warning counts seconds");
}
