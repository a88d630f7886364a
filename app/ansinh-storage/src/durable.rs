//! Durable file replacement, the one copy the device, the uploader and the hub use.
//!
//! A key, a registration or an acknowledgement written with a plain `write` can be found empty
//! or half written after a power cut. Here every file is written to a temporary file in the
//! same directory, the file is fsynced, renamed over the target, and the directory is fsynced:
//! after a power cut the target holds the old content or the new one, never a mix, and once
//! the call returns the new content is on the disk.
//!
//! It lives in `ansinh-storage`, beside the one SQLite open routine, so that the hub can use it
//! without depending on the device's outbox.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` durably, readable and writable by this user only (mode 0600): keys,
/// the registration, lists holding names.
///
/// The temporary file is `.NAME.PID.N.tmp` beside the target, unique to this call, so two
/// writers never share one; it is removed when the write fails, and only a crash in the middle
/// can leave one behind.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_private_with(path, |f| f.write_all(bytes))
}

/// Writes `bytes` to `path` durably with the default permissions (those of the umask), through
/// `PATH.part`: for files carried to another machine on a USB stick (bundles and their
/// acknowledgements), where a stick pulled out early leaves at most a `.part` file, never a
/// half file under the final name.
pub fn write_public(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut temp = path.as_os_str().to_owned();
    temp.push(".part");
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    replace(path, &PathBuf::from(temp), &options, |f| f.write_all(bytes))
}

/// [`write_private`] with the content written by `write` (tests make it fail half way).
fn write_private_with(
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    // Unique within the process (threads) and across processes (the pid).
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "a file path is needed, not a directory")
    })?;
    let mut temp = std::ffi::OsString::from(".");
    temp.push(name);
    temp.push(format!(".{}.{}.tmp", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    replace(path, &path.with_file_name(temp), &options, write)
}

/// Writes `temp` with `write`, fsyncs it, renames it to `path` and fsyncs the directory. On
/// any failure before the rename the temporary file is removed and `path` is untouched.
fn replace(
    path: &Path,
    temp: &Path,
    options: &OpenOptions,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let written = options.open(temp).and_then(|mut f| {
        write(&mut f)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| fs::rename(temp, path)) {
        // The error that matters is the one above; a temporary file that cannot be removed
        // either is harmless (never read) and is replaced or removed by the next write.
        let _ = fs::remove_file(temp);
        return Err(e);
    }
    // The rename is durable once the directory entry is.
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> io::Result<Vec<String>> {
        let mut v: Vec<String> = fs::read_dir(dir)?
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<io::Result<_>>()?;
        v.sort();
        Ok(v)
    }

    #[test]
    fn a_private_file_holds_the_bytes_mode_0600_and_no_temporary_file_remains() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("device.key");
        write_private(&path, b"first")?;
        write_private(&path, b"second, longer than the first")?;
        assert_eq!(fs::read(&path)?, b"second, longer than the first");
        assert_eq!(names(dir.path())?, ["device.key"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
        }
        Ok(())
    }

    #[test]
    fn a_write_failing_half_way_leaves_the_old_file_and_no_temporary_file() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("registration.json");
        write_private(&path, b"{\"device_id\": 1}")?;
        // A full disk after part of the content: the error comes back, nothing else changes.
        let e = write_private_with(&path, |f| {
            f.write_all(b"{\"dev")?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "no space left on device"))
        });
        assert_eq!(e.map_err(|e| e.kind()), Err(io::ErrorKind::StorageFull));
        assert_eq!(fs::read(&path)?, b"{\"device_id\": 1}");
        assert_eq!(names(dir.path())?, ["registration.json"]);
        Ok(())
    }

    #[test]
    fn a_failed_rename_removes_the_temporary_file() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        // A directory where the file should go: the rename is refused.
        let path = dir.path().join("sealing.pub");
        fs::create_dir(&path)?;
        fs::write(path.join("inside"), b"kept")?;
        assert!(write_private(&path, b"key").is_err());
        assert!(write_public(&path, b"key").is_err());
        assert_eq!(names(dir.path())?, ["sealing.pub"]);
        assert_eq!(fs::read(path.join("inside"))?, b"kept");
        Ok(())
    }

    #[test]
    fn a_public_file_goes_through_part_and_keeps_the_default_mode() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("a.bundle.ack");
        write_public(&path, b"ack")?;
        assert_eq!(fs::read(&path)?, b"ack");
        assert_eq!(names(dir.path())?, ["a.bundle.ack"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Whatever the umask allows, but not restricted to this user like a private file.
            let plain = dir.path().join("plain");
            fs::write(&plain, b"")?;
            let mode = |p: &Path| fs::metadata(p).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(mode(&path)?, mode(&plain)?);
        }
        Ok(())
    }

    #[test]
    fn a_path_without_a_file_name_is_refused() {
        let e = write_private(Path::new("/"), b"x").map_err(|e| e.kind());
        assert_eq!(e, Err(io::ErrorKind::InvalidInput));
    }
}
