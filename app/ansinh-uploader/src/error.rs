//! The one error type of the uploader, each failure classed retryable or permanent.

use std::path::PathBuf;

/// Why an uploader operation failed.
///
/// A failed sync never loses a record: the records of a failed batch go back to the queue
/// (retryable) or to quarantine (permanent, per record). These errors are about the operation
/// as a whole.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The device has not registered with a collection server yet (`ansinh register`).
    #[error("this device is not registered with a collection server: run `ansinh register` first")]
    NotRegistered,
    /// The device is already registered; registering again would strand its queued records.
    #[error("this device is already registered as device {device_id} with {server_url}")]
    AlreadyRegistered {
        /// The device id it has.
        device_id: u64,
        /// The server it is registered with.
        server_url: String,
    },
    /// The network or the server did not answer properly (timeout, cut connection, 5xx).
    #[error("could not reach the collection server: {0}")]
    Network(String),
    /// The server refused the request for a reason a retry will not fix (revoked device,
    /// unknown device, unknown token, unsupported protocol version).
    #[error("the collection server refused: {code} (HTTP {status}): {message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The server's stable error code.
        code: String,
        /// The server's message for people.
        message: String,
    },
    /// A message from the server or a bundle file failed the protocol checks (bad signature,
    /// malformed, another device's, not one of our bundles).
    #[error("{what}: {source}")]
    Protocol {
        /// What was being read.
        what: &'static str,
        /// Which check failed.
        source: ansinh_wire::Error,
    },
    /// An acknowledgement file does not belong to a bundle this device wrote.
    #[error("{0}")]
    ForeignAck(String),
    /// Reading or writing a file (bundle, acknowledgement, renewal list) failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// The server URL is not one the device may talk to (not `https://`, and not plain HTTP
    /// to this machine).
    #[error("refused server address {url:?}: {why}")]
    InsecureServerUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        why: String,
    },
    /// The certificate authority file for the server cannot be used.
    #[error("certificate authority file: {0}")]
    CaFile(String),
    /// The device's data directory or keys failed.
    #[error(transparent)]
    Device(#[from] ansinh_device::Error),
    /// The outbox failed.
    #[error(transparent)]
    Outbox(#[from] ansinh_outbox::Error),
}

impl Error {
    /// Whether the same call may succeed later without anyone changing anything.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Network(_) | Error::Io { .. } => true,
            Error::Device(e) => e.is_retryable(),
            Error::Outbox(e) => e.is_retryable(),
            Error::NotRegistered
            | Error::AlreadyRegistered { .. }
            | Error::Refused { .. }
            | Error::Protocol { .. }
            | Error::ForeignAck(_)
            | Error::InsecureServerUrl { .. }
            | Error::CaFile(_) => false,
        }
    }
}

/// Result with the uploader error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_path_buf(), source }
}
