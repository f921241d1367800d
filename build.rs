//! Compiles the shipped content in: parses and checks `lessons/` and `quizzes/` with the same
//! loader `apisec-tutor check` runs, fails the build on any content error (with its located
//! message), and writes the catalog's prebuilt bytes to `OUT_DIR/shipped-catalog.msgpack`, which
//! `src/content/prebuilt.rs` includes. Start-up then decodes instead of parsing YAML.
//!
//! The content modules are compiled into this script from `src/` (they import nothing but
//! each other and `safe_text`).

use std::path::PathBuf;
use std::process::ExitCode;

#[path = "src/safe_text.rs"]
#[allow(dead_code, unused_macros)]
mod safe_text;

/// The loader's module tree as `src/content/mod.rs` declares it (inline modules named after the
/// folders, so each `mod x;` finds `src/content/x.rs`), without `prebuilt` (which includes this
/// script's output) and `samples` (not part of loading).
mod src {
    #[allow(dead_code, unused_imports)]
    pub mod content {
        pub mod catalog;
        pub mod check;
        pub mod error;
        pub mod lab_app;
        pub mod lab_check;
        pub mod load;
        pub mod locate;
        pub mod markdown;
        pub mod schema;
        pub mod source;
        pub mod suggest;
        pub mod validate;
        pub mod version;

        pub use catalog::Catalog;
        pub use error::{ContentError, ContentErrors};
        pub use schema::*;
        pub use source::Source;
    }
}

use src::content::{self, Catalog, Source};

fn main() -> ExitCode {
    // Content files and the code that reads them: include_dir alone does not notice new or
    // removed files, and the loader's sources are compiled into this script.
    for path in ["lessons", "quizzes", "assets", "src/content", "src/safe_text.rs"] {
        println!("cargo:rerun-if-changed={path}");
    }
    match build() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn build() -> Result<(), String> {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").ok_or("CARGO_MANIFEST_DIR is not set")?);
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    // The files on disk are the ones `include_dir!` embeds; reading them here rather than through
    // `Source::Embedded` keeps this script correct when content changes without the script being
    // recompiled. The library's tests compare the result with a parse of the embedded copy.
    let report = content::load::check_all(&[Source::Dir(root)]);
    for warning in &report.warnings {
        println!("cargo:warning=shipped content: {}", warning.as_warning());
    }
    if !report.errors.is_empty() {
        let mut message = format!("the shipped content has {} error(s):\n", report.errors.len());
        for error in &report.errors {
            message.push_str(&format!("  {error}\n"));
        }
        return Err(message);
    }
    let bytes = report.catalog.encode().map_err(|e| format!("cannot encode the shipped catalog: {e}"))?;
    // What the binary will read must be what was checked: decode it once here.
    match Catalog::decode(&bytes) {
        Ok(back) if back == report.catalog => {}
        Ok(_) => {
            return Err(
                "the shipped catalog changes when encoded and decoded (a field that does not round-trip)"
                    .into(),
            );
        }
        Err(e) => return Err(format!("the encoded shipped catalog does not decode: {e}")),
    }
    let path = out.join("shipped-catalog.msgpack");
    std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
