//! `ansinh update` as staff and the image's root units run it: the status in both languages
//! (downloading, refused and why), and `install` refusing, with the real `rauc info`, a
//! bundle signed by another key and one that is not newer than the version running (exit 2,
//! recorded in `state.json` for the staff screen). A genuine newer bundle is installed by the
//! image's boot test (`rauc install` needs the A/B slots); the library's tests install one
//! with a recording installer (app/ansinh-device/tests/updates.rs).

use std::path::Path;

use ansinh_device::update::{COMPATIBLE, Updates};
use ansinh_wire::update::{UPDATE_FORMAT_VERSION, UpdateOffer};

use crate::common::{json_of, run};

type R = Result<(), Box<dyn std::error::Error>>;

fn text(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn release(dir: &Path, version: &str) -> Result<String, Box<dyn std::error::Error>> {
    let path = dir.join("ansinh-release");
    std::fs::write(&path, format!("NAME=ansinh\nVERSION={version}\n"))?;
    Ok(path.to_str().ok_or("path")?.to_string())
}

#[test]
fn status_says_how_far_a_download_is_in_both_languages() -> R {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let d = data.to_str().ok_or("path")?;
    let r = release(tmp.path(), "1.1.0")?;
    let args = |lang: &'static str| {
        ["--lang", lang, "update", "status", "--data-dir", d, "--release-file", r.as_str()]
    };
    let out = run(&args("vi"), "");
    assert!(out.status.success());
    assert_eq!(text(&out).0, "Phần mềm 1.1.0 là bản mới nhất\n");

    // A quarter of 1.2.0 is here.
    let updates = Updates::of(&data);
    let offer = UpdateOffer {
        format: UPDATE_FORMAT_VERSION,
        version: "1.2.0".into(),
        size: 4000,
        sha256: [1; 32],
    };
    updates.note_offer(&ansinh_device::update::HubOffer::of(&offer, 1_800_000_000))?;
    updates.write_range(&offer, 0, &[0; 1000])?;
    assert_eq!(text(&run(&args("vi"), "")).0, "Đang tải bản cập nhật 1.2.0: 25 %\n");
    assert_eq!(text(&run(&args("en"), "")).0, "Downloading update 1.2.0: 25 %\n");
    let mut json_args = args("en").to_vec();
    json_args.push("--json");
    let value = json_of(&run(&json_args, ""));
    assert_eq!(value["status"]["state"], "downloading");
    assert_eq!(value["status"]["percent"], 25);
    assert_eq!(value["running"], "1.1.0");
    Ok(())
}

#[test]
fn install_refuses_another_keys_bundle_and_one_not_newer() -> R {
    let tmp = tempfile::tempdir()?;
    let (data, usb, work) =
        (tmp.path().join("data"), tmp.path().join("usb"), tmp.path().join("work"));
    for dir in [&data, &usb, &work] {
        std::fs::create_dir_all(dir)?;
    }
    let ours = ansinh_tests::rauc::signer(&work, "release")?;
    let theirs = ansinh_tests::rauc::signer(&work, "someone-else")?;
    let d = data.to_str().ok_or("path")?;
    let keyring = ours.cert.to_str().ok_or("path")?;
    let r = release(tmp.path(), "1.1.0")?;

    // Nothing asked: nothing done.
    let install =
        ["update", "install", "--data-dir", d, "--keyring", keyring, "--release-file", r.as_str()];
    let out = run(&install, "");
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(text(&out).0, "Không có yêu cầu cài đặt nào.\n");

    for (signer, version, why_vi, why_en) in [
        (&theirs, "1.2.0", "chữ ký không hợp lệ", "the signature does not verify"),
        (&ours, "1.1.0", "không mới hơn bản đang chạy", "version 1.1.0 is not newer than 1.1.0"),
    ] {
        let bundle = usb.join(format!("ansinh-{version}.raucb"));
        ansinh_tests::rauc::bundle(&work, signer, COMPATIBLE, version, &bundle)?;
        let b = bundle.to_str().ok_or("path")?;
        let mut args = install.to_vec();
        args.extend(["--bundle", b]);
        let out = run(&args, "");
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("Không nhận bản cập nhật {version}: {why_vi}")),
            "{stderr}"
        );
        let mut en = vec!["--lang", "en"];
        en.extend(&args);
        let (_, stderr) = text(&run(&en, ""));
        assert!(
            stderr.contains(&format!("Update {version} refused")) && stderr.contains(why_en),
            "{stderr}"
        );
        // The staff screen reads the same from state.json.
        let status = run(&["update", "status", "--data-dir", d, "--release-file", r.as_str()], "");
        assert!(
            text(&status).0.starts_with(&format!("Không nhận bản cập nhật {version}: {why_vi}")),
            "{:?}",
            text(&status)
        );
        assert!(bundle.exists(), "a stick's file is left where it is");
    }
    // And a reboot nobody needs is not done.
    std::fs::write(data.join("updates").join("reboot-request"), "reboot\n")?;
    let out = run(&["--lang", "en", "update", "reboot", "--data-dir", d], "");
    assert!(out.status.success());
    assert_eq!(text(&out).0, "No installed update waits for a restart.\n");
    assert!(!data.join("updates").join("reboot-request").exists(), "the request is taken");
    Ok(())
}
