//! # ansinh-tests: the tests that cross crates, and what every crate's tests share
//!
//! One responsibility: test support. This package holds
//!
//! - the test binaries that exercise several crates together (see its `Cargo.toml`):
//!   `end_to_end` (devices, the uploader, the kiosk's delivery and the collection server
//!   over loopback) and `goldens` (receipts, the shift report and the wire envelope against
//!   the golden files);
//! - this library, the one copy of what tests in any crate share: [`golden`] (compare with a
//!   golden file under `tests/golden/`, rewritten only with `UPDATE_GOLDEN=1`) and
//!   [`fixtures`] (the public example enrollments under `tests/fixtures/`), and [`rauc`]
//!   (small real RAUC bundles signed with a test certificate, for the update tests).
//!
//! Every crate may dev-depend on this library, so it depends on no workspace crate (that
//! would be a cycle through the dev-dependencies): only the standard library, `png` and
//! `thiserror`. Support that needs the workspace's own types lives in the test binaries
//! (`end_to_end/support.rs`) or, for the collection server started on loopback, in
//! `ansinh_hub::testing`.

use std::path::PathBuf;

pub mod fixtures;
pub mod golden;
pub mod rauc;

/// What can go wrong in test support. Its `Debug` is its message, so a test returning
/// `Result<(), Box<dyn Error>>` fails with a readable sentence.
#[derive(thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A PNG (golden or actual) could not be decoded.
    #[error("{}: not a readable PNG: {source}", path.display())]
    Png {
        /// The golden file, or where the actual image would go.
        path: PathBuf,
        /// Why.
        source: png::DecodingError,
    },
    /// An actual image could not be encoded as PNG to be written.
    #[error("{}: cannot write the image as PNG: {source}", path.display())]
    PngEncode {
        /// The golden file the image is for.
        path: PathBuf,
        /// Why.
        source: png::EncodingError,
    },
    /// There is no golden file to compare with.
    #[error(
        "{}: no golden file. Run this test with UPDATE_GOLDEN=1 to write it, then look at it \
         before committing it",
        path.display()
    )]
    Missing {
        /// The golden file expected.
        path: PathBuf,
    },
    /// The output differs from its golden file.
    #[error(
        "{}: differs from the actual output ({detail}); the actual output is in {}. If the \
         change is intended, run this test again with UPDATE_GOLDEN=1 to rewrite the golden \
         and review the change (git diff tests/golden) before committing it",
        path.display(),
        actual.display()
    )]
    Differs {
        /// The golden file.
        path: PathBuf,
        /// What differs: the first differing line or byte, or how many pixels.
        detail: String,
        /// Where the actual output was written for a look.
        actual: PathBuf,
    },
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// `Io` for `path`, for `map_err`.
fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_path_buf(), source }
}
