//! Small real RAUC bundles for the tests of software updates: a signing key with its
//! self-signed certificate made by `openssl` ([`signer`]), and a plain-format bundle of a
//! version for a `compatible`, signed with it by `rauc bundle` ([`bundle`]), so that the real
//! `rauc info --keyring` checks it. Needs `rauc`, `squashfs-tools` and `openssl`
//! (`tests/run.sh` installs them); a missing tool fails the test, saying which package.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Error, io};

/// A signing key and its certificate (which is also the keyring that trusts it).
#[derive(Clone, Debug)]
pub struct Signer {
    /// The private key (PEM).
    pub key: PathBuf,
    /// The self-signed certificate (PEM).
    pub cert: PathBuf,
}

fn tool(command: &mut Command) -> Result<(), Error> {
    let what = format!("{command:?}");
    let out = command.output().map_err(|source| Error::Io {
        path: PathBuf::from(format!("{what} (apt-get install rauc squashfs-tools openssl)")),
        source,
    })?;
    if !out.status.success() {
        return Err(Error::Io {
            path: PathBuf::from(what),
            source: std::io::Error::other(String::from_utf8_lossy(&out.stderr).into_owned()),
        });
    }
    Ok(())
}

/// Makes `NAME.key` and `NAME.pem` in `dir` (an EC P-256 key, a certificate valid ten years).
pub fn signer(dir: &Path, name: &str) -> Result<Signer, Error> {
    let (key, cert) = (dir.join(format!("{name}.key")), dir.join(format!("{name}.pem")));
    tool(
        Command::new("openssl")
            .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
            .args(["-nodes", "-days", "3650", "-subj", &format!("/CN={name}")])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert),
    )?;
    Ok(Signer { key, cert })
}

/// Writes to `out` a plain bundle of `version` for `compatible` with one small root image,
/// signed by `signer` (`work` holds the bundle's content folder).
pub fn bundle(
    work: &Path,
    signer: &Signer,
    compatible: &str,
    version: &str,
    out: &Path,
) -> Result<(), Error> {
    bundle_of_size(work, signer, compatible, version, 0, out)
}

/// [`bundle`] whose root image holds `image_bytes` more bytes that do not compress, so that
/// the bundle is about that much larger (a download in several ranges).
pub fn bundle_of_size(
    work: &Path,
    signer: &Signer,
    compatible: &str,
    version: &str,
    image_bytes: usize,
    out: &Path,
) -> Result<(), Error> {
    let content = work.join(format!("content-{compatible}-{version}"));
    std::fs::create_dir_all(&content).map_err(io(&content))?;
    let image = content.join("root.img");
    let mut root = format!("the root file system of {version}").into_bytes();
    // xorshift64: noise squashfs cannot shrink.
    let mut x = 0x9E37_79B9_7F4A_7C15_u64;
    root.extend((0..image_bytes).map(|_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x.to_le_bytes()[3]
    }));
    std::fs::write(&image, root).map_err(io(&image))?;
    let manifest = content.join("manifest.raucm");
    let text = format!(
        "[update]\ncompatible={compatible}\nversion={version}\n\n[bundle]\nformat=plain\n\n\
         [image.rootfs]\nfilename=root.img\n"
    );
    std::fs::write(&manifest, text).map_err(io(&manifest))?;
    // rauc refuses to overwrite.
    let _ = std::fs::remove_file(out);
    tool(
        Command::new("rauc")
            .arg("bundle")
            .arg("--cert")
            .arg(&signer.cert)
            .arg("--key")
            .arg(&signer.key)
            .arg(&content)
            .arg(out),
    )
}
