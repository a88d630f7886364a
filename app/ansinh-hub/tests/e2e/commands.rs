//! The `ansinh-hub` command as staff script it: a token captured with `$(...)`.

use std::process::Command;

use crate::support::*;

#[test]
fn a_token_is_the_whole_standard_output_and_registers_a_device() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("hub");
    let mut tokens = vec![];
    // The first run also creates the keys and says so; neither run may put it on stdout.
    for label in ["Bưu điện Hà Đông", "Xã A"] {
        let out = Command::new(env!("CARGO_BIN_EXE_ansinh-hub"))
            .arg("--data-dir")
            .arg(&data)
            .args(["token", "--label", label])
            .output()?;
        let (stdout, stderr) = (String::from_utf8(out.stdout)?, String::from_utf8(out.stderr)?);
        assert!(out.status.success(), "{stderr}");
        // What `TOKEN=$(ansinh-hub token ...)` keeps: the token, on one line, and nothing else.
        let token = stdout.strip_suffix('\n').ok_or("no newline")?;
        assert!(
            token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit()),
            "stdout is not one token: {stdout:?}"
        );
        // The advice goes to stderr: the whole command for the device, with this token.
        let advice = stderr.lines().find(|l| l.contains("ansinh register")).unwrap_or_default();
        assert!(
            advice.contains(&format!(
                "ansinh register --data-dir DIR --server URL --token {token} --label "
            )) && advice.contains(label),
            "{stderr}"
        );
        tokens.push(token.to_string());
    }
    let rt = runtime()?;
    let server = Server::start(&rt, &data, 0)?;
    for (i, token) in tokens.iter().enumerate() {
        let dir = ansinh_device::DataDir::open(tmp.path().join(format!("device{i}")))?;
        ansinh_uploader::register(&dir, &server.url(), token, "x")?;
    }
    server.stop(&rt)?;
    Ok(())
}
