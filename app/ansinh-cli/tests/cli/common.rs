//! What the command-line tests share: running `ansinh` and reading its JSON.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// Runs `ansinh` with `args`, `stdin` on its standard input.
pub(crate) fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ansinh"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("wait: {e}"))
}

/// The standard output as JSON; a failure shows both streams.
pub(crate) fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `ansinh enqueue` on `data_dir` on the fixture day, at the test collection point and agent.
pub(crate) fn enqueue_args(data_dir: &str) -> Vec<&str> {
    vec![
        "enqueue",
        "--data-dir",
        data_dir,
        "--on",
        "2026-11-22",
        "--collection-point",
        "Bưu điện Hà Đông",
        "--agent-code",
        "DL-0007",
    ]
}

/// [`enqueue_args`] on a device without a server key: a demonstration (`--demo`).
pub(crate) fn demo_enqueue_args(data_dir: &str) -> Vec<&str> {
    let mut args = enqueue_args(data_dir);
    args.insert(1, "--demo");
    args
}
