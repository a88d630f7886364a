//! Lists the catalogues present (`locales/<code>/ansinh.ftl`) and embeds them: the languages
//! offered are the folders found here, so adding one needs no code.
use std::fmt::Write;
use std::path::PathBuf;

/// The source language: its catalogue holds the wording everything else translates.
const SOURCE: &str = "vi";

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let locales = root.join("locales");
    println!("cargo:rerun-if-changed={}", locales.display());
    let mut codes: Vec<String> = std::fs::read_dir(&locales)
        .unwrap_or_else(|e| panic!("{}: {e}", locales.display()))
        .filter_map(Result::ok)
        .filter(|e| e.path().join("ansinh.ftl").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    // The source first, then the translations by code: the order the language button cycles.
    codes.sort_by_key(|c| (c != SOURCE, c.clone()));
    assert!(
        codes.first().is_some_and(|c| c == SOURCE),
        "no catalogue for the source language: {}/{SOURCE}/ansinh.ftl",
        locales.display()
    );
    let mut out = String::from(
        "/// Every catalogue found at build time, the source language first: (code, Fluent text).\n\
         pub(crate) const CATALOGUES: &[(&str, &str)] = &[\n",
    );
    for code in &codes {
        assert!(
            !code.is_empty()
                && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "locales/{code}: a folder's name must be a language code (vi, en, km, zh-Hant…)"
        );
        let file = locales.join(code).join("ansinh.ftl");
        let _ = writeln!(out, "    ({code:?}, include_str!({:?})),", file.display().to_string());
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("catalogues.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}
