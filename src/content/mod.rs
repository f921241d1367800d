//! Lessons and quizzes as data: embedded in the binary, or read from `--content DIR`.
//!
//! [`load`] turns sources into a [`Catalog`] or every [`ContentError`] found; [`check`] also
//! returns warnings and the partial catalog (for `apisec-tutor check`). The pipeline per file
//! is in `load.rs`: size cap and UTF-8 → depth pre-scan (`locate`) → libyaml syntax check →
//! yaml-rust2 positions and alias guard (`locate`) → JSON Schema walk (`validate`) → Markdown
//! (`markdown`) → typed deserialize; then cross-file semantic checks (`check`). A clean file
//! skips the syntax check and the positions (one libyaml parse; positions on demand), files are
//! parsed in parallel.
//!
//! The shipped content goes through that pipeline once, in `build.rs`: [`load_embedded`] decodes
//! the catalog it wrote ([`prebuilt`]); `check` still parses the embedded files for its messages.

pub mod catalog;
pub mod check;
pub mod error;
pub mod lab_app;
pub mod lab_check;
pub mod load;
pub mod locate;
pub mod markdown;
pub mod prebuilt;
pub mod samples;
pub mod schema;
pub mod source;
pub mod suggest;
pub mod validate;
pub mod version;

pub use catalog::Catalog;
pub use error::{ContentError, ContentErrors};
pub use load::Report;
pub use schema::*;
pub use source::Source;

/// Loads and checks every source; with several sources, ids must be unique across all of them.
pub fn load(sources: &[Source]) -> Result<Catalog, ContentErrors> {
    load::load_all(sources)
}

/// Checks every source and returns the catalog of what loaded with every error and warning.
#[must_use]
pub fn check(sources: &[Source]) -> Report {
    load::check_all(sources)
}

/// The content compiled into the binary, as `build.rs` parsed and checked it (no YAML is
/// parsed here: see [`prebuilt`]). `load(&[Source::Embedded])` parses the same files at run time.
pub fn load_embedded() -> Result<Catalog, ContentErrors> {
    prebuilt::shipped()
}
