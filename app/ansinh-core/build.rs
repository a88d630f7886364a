//! Compiles the human-editable policy table (`policy/policy.toml`) into postcard bytes that the
//! crate embeds, and every earlier published table kept in `policy/history/` (records priced
//! with one of them are checked with it). A table with a gap, an overlap or a missing
//! parameter stops the build here, with the file and parameter named.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    compile(Path::new("policy/policy.toml"), &out_dir.join("policy.bin"));

    println!("cargo:rerun-if-changed=policy/history");
    let mut history: Vec<PathBuf> = match std::fs::read_dir("policy/history") {
        Ok(dir) => dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) => fail(&format!("cannot read policy/history: {e}")),
    };
    history.sort();
    let mut list = String::from("&[\n");
    for (i, src) in history.iter().enumerate() {
        let out = out_dir.join(format!("history-{i}.bin"));
        compile(src, &out);
        let _ =
            writeln!(list, "    include_bytes!(concat!(env!(\"OUT_DIR\"), \"/history-{i}.bin\")),");
    }
    list.push(']');
    if let Err(e) = std::fs::write(out_dir.join("history.rs"), list) {
        fail(&format!("cannot write history.rs: {e}"));
    }
}

fn compile(src: &Path, out: &Path) {
    println!("cargo:rerun-if-changed={}", src.display());
    let text = match std::fs::read_to_string(src) {
        Ok(t) => t,
        Err(e) => fail(&format!("cannot read {}: {e}", src.display())),
    };
    let bytes = match ansinh_policy::compile_toml(&text) {
        Ok(b) => b,
        Err(e) => fail(&format!("{}: {e}", src.display())),
    };
    if let Err(e) = std::fs::write(out, bytes) {
        fail(&format!("cannot write {}: {e}", out.display()));
    }
}

fn fail(message: &str) -> ! {
    eprintln!("error: the policy table does not build: {message}");
    std::process::exit(1);
}
