//! Every catalogue says the same things: the same message ids showing the same arguments as
//! the source (Vietnamese; a translation may also choose a plural form by a count the source
//! does not need), and every id the code asks for (`tr!(lang, "id", …)` in the kiosk, the CLI
//! and this crate) exists in every catalogue, given exactly the arguments the catalogues use. The ids
//! are read from the sources and the catalogues, not listed here, so a new message or a new
//! language is checked without touching this file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ansinh_text::catalogue_sources;
use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use fluent_syntax::parser::parse;

/// The variables of a message: those whose value it shows, and those it only selects a form
/// by (a translation may choose plural forms by a count the source language does not need).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Vars {
    shown: BTreeSet<String>,
    selectors: BTreeSet<String>,
}

impl Vars {
    fn all(&self) -> BTreeSet<String> {
        self.shown.union(&self.selectors).cloned().collect()
    }
}

/// A catalogue: message id → its variables.
type Messages = BTreeMap<String, Vars>;

fn inline_vars(e: &InlineExpression<&str>, vars: &mut Vars) {
    match e {
        InlineExpression::VariableReference { id } => {
            vars.shown.insert(id.name.to_string());
        }
        InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, vars);
            }
            for a in &arguments.named {
                inline_vars(&a.value, vars);
            }
        }
        _ => {}
    }
}

fn expression_vars(e: &Expression<&str>, vars: &mut Vars) {
    match e {
        Expression::Inline(i) => inline_vars(i, vars),
        Expression::Select { selector, variants } => {
            let mut chosen_by = Vars::default();
            inline_vars(selector, &mut chosen_by);
            vars.selectors.extend(chosen_by.shown);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
    }
}

fn pattern_vars(p: &Pattern<&str>, vars: &mut Vars) {
    for el in &p.elements {
        if let PatternElement::Placeable { expression } = el {
            expression_vars(expression, vars);
        }
    }
}

fn catalogue(code: &str, source: &str) -> Messages {
    let resource = parse(source).unwrap_or_else(|(_, errors)| {
        panic!("locales/{code}/ansinh.ftl does not parse: {errors:?}")
    });
    let mut out = Messages::new();
    for entry in resource.body {
        match entry {
            Entry::Message(m) => {
                let mut vars = Vars::default();
                let value = m.value.as_ref().unwrap_or_else(|| {
                    panic!("locales/{code}/ansinh.ftl: {} has no text", m.id.name)
                });
                pattern_vars(value, &mut vars);
                let previous = out.insert(m.id.name.to_string(), vars);
                assert!(previous.is_none(), "locales/{code}/ansinh.ftl: {} twice", m.id.name);
            }
            Entry::Junk { content } => panic!("locales/{code}/ansinh.ftl: cannot read {content:?}"),
            _ => {}
        }
    }
    out
}

/// The arguments of each `tr!` call in one Rust source: (id, argument names, line).
fn calls(source: &str) -> Vec<(String, BTreeSet<String>, usize)> {
    let mut out = Vec::new();
    let mut rest = source;
    let mut offset = 0;
    while let Some(at) = rest.find("tr!(") {
        let start = offset + at + "tr!(".len();
        let line = source[..start].lines().count();
        // The call's text up to its closing parenthesis (strings may hold parentheses).
        let (mut depth, mut in_str, mut escaped, mut end) = (1usize, false, false, start);
        for (i, c) in source[start..].char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_str => escaped = true,
                '"' => in_str = !in_str,
                '(' | '[' | '{' if !in_str => depth += 1,
                ')' | ']' | '}' if !in_str => {
                    depth -= 1;
                    if depth == 0 {
                        end = start + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let call = &source[start..end];
        // Documentation shows calls; only code counts.
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        if source[line_start..start].trim_start().starts_with("//") {
            offset = end;
            rest = &source[end..];
            continue;
        }
        let parts = split_top_level(call);
        if let Some(id) = parts.get(1).and_then(|p| p.trim().strip_prefix('"')) {
            let id = id.trim_end_matches('"').to_string();
            let names = parts[2..]
                .iter()
                .filter_map(|p| p.split_once('=').map(|(n, _)| n.trim().to_string()))
                .filter(|n| !n.is_empty())
                .collect();
            out.push((id, names, line));
        }
        offset = end;
        rest = &source[end..];
    }
    out
}

fn split_top_level(call: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut in_str, mut escaped, mut from) =
        (Vec::new(), 0, false, false, 0);
    for (i, c) in call.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_str => escaped = true,
            '"' => in_str = !in_str,
            '(' | '[' | '{' | '<' if !in_str => depth += 1,
            ')' | ']' | '}' | '>' if !in_str && depth > 0 => depth -= 1,
            ',' if !in_str && depth == 0 => {
                parts.push(&call[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&call[from..]);
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The Rust sources of every workspace crate that uses this one.
fn sources_using_text() -> Vec<PathBuf> {
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in std::fs::read_dir(&app).into_iter().flatten().flatten() {
        let manifest = std::fs::read_to_string(krate.path().join("Cargo.toml")).unwrap_or_default();
        if krate.file_name() == "ansinh-text" || manifest.contains("ansinh-text") {
            rust_files(&krate.path().join("src"), &mut files);
            rust_files(&krate.path().join("tests"), &mut files);
        }
    }
    files
}

#[test]
fn every_catalogue_has_the_source_messages_with_the_same_arguments() {
    let all: Vec<(&str, Messages)> =
        catalogue_sources().iter().map(|(code, src)| (*code, catalogue(code, src))).collect();
    let (source_code, source) = &all[0];
    assert!(all.len() >= 2, "the source and at least one translation");
    let mut problems = Vec::new();
    for (code, messages) in &all[1..] {
        for (id, vars) in source {
            match messages.get(id) {
                None => problems.push(format!("{code}: no {id}")),
                Some(v) if v.shown != vars.shown => problems.push(format!(
                    "{code}: {id} shows {:?}, {source_code} shows {:?}",
                    v.shown, vars.shown
                )),
                Some(_) => {}
            }
        }
        for id in messages.keys().filter(|id| !source.contains_key(*id)) {
            problems.push(format!("{code}: {id} is not in the source catalogue ({source_code})"));
        }
    }
    assert!(problems.is_empty(), "the catalogues disagree:\n{}", problems.join("\n"));
}

#[test]
fn every_message_the_code_asks_for_exists_with_its_arguments() {
    // Each message's variables in any language: what the code must pass.
    let mut source = Messages::new();
    for (code, src) in catalogue_sources() {
        for (id, vars) in catalogue(code, src) {
            let all = source.entry(id).or_default();
            all.shown.extend(vars.all());
        }
    }
    let files = sources_using_text();
    assert!(
        files.iter().any(|f| f.ends_with("ansinh-text/src/lib.rs")),
        "the sources were not found: {files:?}"
    );
    let mut used = BTreeSet::new();
    let mut problems = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (id, names, line) in calls(&text) {
            let at = format!("{}:{line}", file.display());
            used.insert(id.clone());
            match source.get(&id) {
                None => problems.push(format!("{at}: no message {id}")),
                Some(vars) if vars.shown != names => problems.push(format!(
                    "{at}: {id} is given {names:?}, the catalogues use {:?}",
                    vars.shown
                )),
                Some(_) => {}
            }
        }
    }
    // Unused messages would be wording nobody sees, yet translated and reviewed.
    for id in source.keys().filter(|id| !used.contains(*id)) {
        problems.push(format!("{id}: in the catalogues, used nowhere"));
    }
    assert!(problems.is_empty(), "messages and code disagree:\n{}", problems.join("\n"));
}

#[test]
fn the_reader_of_calls_reads_ids_and_argument_names() {
    let src = "let a = tr!(lang, \"x-y\");\nlet b = tr!(\n    self.lang,\n    \"z\",\n    n = f(1, 2),\n    who = \"a, b\",\n);";
    let got = calls(src);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].0, "x-y");
    assert!(got[0].1.is_empty());
    assert_eq!(got[1].0, "z");
    assert_eq!(got[1].1, BTreeSet::from(["n".to_string(), "who".to_string()]));
}
