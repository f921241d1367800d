//! The shipped content as `build.rs` parsed and checked it: decoding it takes well under a
//! millisecond, where parsing the YAML and Markdown took about ten, on every start.
//!
//! `build.rs` runs the same load as `check` on `lessons/` and `quizzes/` (a shipped-content
//! error fails the build with its located message) and writes [`Catalog::encode`]'s bytes to
//! `OUT_DIR`. `check` still parses the embedded files (its messages need positions); the test
//! below keeps the two from drifting apart.

use super::catalog::Catalog;
use super::error::{ContentError, ContentErrors};

/// Written by `build.rs`.
static SHIPPED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/shipped-catalog.msgpack"));

/// The shipped catalog. It only fails if the build wrote bytes this binary cannot read, which
/// the build itself checks; the error still says what happened rather than panicking.
pub fn shipped() -> Result<Catalog, ContentErrors> {
    Catalog::decode(SHIPPED).map_err(|e| {
        ContentErrors(vec![ContentError::file(
            "<embedded>",
            format!("the prebuilt catalog of the shipped content cannot be read ({e}); rebuild the program"),
        )])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{self, Source};

    /// The prebuilt catalog is exactly what parsing the embedded files at run time gives, so the
    /// build-time path and `check`'s path can never disagree about the shipped content.
    #[test]
    fn the_prebuilt_catalog_equals_a_run_time_parse_of_the_embedded_files() {
        let parsed = content::load(&[Source::Embedded]).unwrap();
        let prebuilt = shipped().unwrap();
        assert!(!prebuilt.lessons.is_empty() && !prebuilt.quizzes.is_empty());
        assert_eq!(prebuilt, parsed);
    }
}
