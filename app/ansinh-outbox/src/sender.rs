//! The sender role: one process at a time sends an outbox's records.
//!
//! Records are `sending` only while the process that claimed them has a batch out. When that
//! process dies mid-batch they stay `sending`, and someone must put them back in the queue;
//! but the outbox is opened by other processes too (`ansinh queue`, `ansinh enqueue`, staff
//! screens) while the kiosk uploads, and none of those may touch the kiosk's batch. So only the
//! sender recovers them, once, when it takes the role ([`crate::Outbox::take_sender`]), and
//! only the sender claims batches: records still `sending` then can belong to no live process.
//!
//! The role is an exclusive advisory lock (`flock`) on `DB-sender.lock` beside the database,
//! held as long as the [`Sender`] lives. The kernel releases it when the process ends, however
//! it ends (a kill, a power cut), so a dead sender never blocks the next one; the file itself
//! stays, empty, and is never deleted (deleting a lock file lets two processes lock two files).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The right to send one outbox's records, held by one process at a time. Dropping it gives
/// the role up.
#[derive(Debug)]
pub struct Sender {
    /// Holds the lock while open.
    _lock: File,
    /// The database the role is for (canonical path).
    database: PathBuf,
}

impl Sender {
    /// Takes the lock for the database at `database` (canonical path), without waiting.
    pub(crate) fn lock(database: &Path) -> Result<Self> {
        let mut name = database.file_name().unwrap_or_default().to_owned();
        name.push("-sender.lock");
        let path = database.with_file_name(name);
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&path)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _lock: file, database: database.to_path_buf() }),
            Err(TryLockError::WouldBlock) => Err(Error::SenderBusy),
            Err(TryLockError::Error(e)) => Err(Error::Io(e)),
        }
    }

    /// Whether this role is for the database at `database` (canonical path).
    pub(crate) fn is_for(&self, database: &Path) -> bool {
        self.database == database
    }
}
