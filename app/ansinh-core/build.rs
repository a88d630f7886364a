//! Compiles the human-editable policy table (`policy/policy.toml`) into postcard bytes that the
//! crate embeds. A table with a gap, an overlap or a missing parameter stops the build here,
//! with the parameter named.

use std::path::PathBuf;

fn main() {
    let src = PathBuf::from("policy/policy.toml");
    println!("cargo:rerun-if-changed={}", src.display());
    let text = match std::fs::read_to_string(&src) {
        Ok(t) => t,
        Err(e) => fail(&format!("cannot read {}: {e}", src.display())),
    };
    let bytes = match ansinh_policy::compile_toml(&text) {
        Ok(b) => b,
        Err(e) => fail(&format!("{}: {e}", src.display())),
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("policy.bin");
    if let Err(e) = std::fs::write(&out, bytes) {
        fail(&format!("cannot write {}: {e}", out.display()));
    }
}

fn fail(message: &str) -> ! {
    eprintln!("error: the policy table does not build: {message}");
    std::process::exit(1);
}
