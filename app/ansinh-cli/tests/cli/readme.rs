//! The example commands in the README print exactly what the README shows.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn readme_examples_match_the_real_output() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("README: {e}"));
    let mut checked = 0;
    for block in readme.split("```console\n").skip(1) {
        let block = block.split("\n```").next().unwrap_or_default();
        let (command, expected) = block.split_once('\n').unwrap_or((block, ""));
        let args: Vec<&str> = command
            .strip_prefix("$ ansinh ")
            .unwrap_or_else(|| panic!("console block must start with `$ ansinh`: {command}"))
            .split_whitespace()
            .collect();
        let out = Command::new(env!("CARGO_BIN_EXE_ansinh"))
            .args(&args)
            .output()
            .unwrap_or_else(|e| panic!("run {command}: {e}"));
        assert!(out.status.success(), "{command}");
        let actual = String::from_utf8_lossy(&out.stdout);
        if args.contains(&"--json") {
            // The README shortens the citations array.
            let parse = |s: &str| -> serde_json::Value {
                serde_json::from_str(s).unwrap_or_else(|e| panic!("{command}: not JSON ({e}): {s}"))
            };
            let (mut a, mut e) = (parse(&actual), parse(expected));
            a["citations"] = serde_json::Value::Null;
            e["citations"] = serde_json::Value::Null;
            assert_eq!(a, e, "{command}");
        } else {
            let norm = |s: &str| s.lines().map(str::trim_end).collect::<Vec<_>>().join("\n");
            assert_eq!(norm(&actual).trim_end(), norm(expected).trim_end(), "{command}");
        }
        checked += 1;
    }
    assert!(checked >= 3, "the README shows at least three example quotes");
}
