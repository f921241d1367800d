//! Arbitrary bytes as a lesson file, a quiz file and a Markdown file beside the lesson, loaded
//! the way `apisec-tutor check DIR` loads them. The loader must return a catalog or located
//! errors, never panic, whatever the bytes (libFuzzer reports a panic as a crash).
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use apisec_tutor::content::{self, Source};
use libfuzzer_sys::fuzz_target;

/// One directory for the whole run: creating and removing a tempdir per input would cost more
/// than the parse. Each input rewrites (or removes) every file, so no state leaks between inputs.
fn root() -> Option<&'static Path> {
    static ROOT: OnceLock<Option<(tempfile::TempDir, PathBuf)>> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = tempfile::tempdir().ok()?;
        let path = dir.path().to_path_buf();
        std::fs::create_dir_all(path.join("lessons/fuzz")).ok()?;
        std::fs::create_dir_all(path.join("quizzes")).ok()?;
        Some((dir, path))
    })
    .as_ref()
    .map(|(_, p)| p.as_path())
}

/// Writes `data` to `path`, or removes the file when there is no data.
fn put(path: &Path, data: Option<&[u8]>) -> bool {
    match data {
        Some(d) => std::fs::write(path, d).is_ok(),
        None => !path.exists() || std::fs::remove_file(path).is_ok(),
    }
}

fuzz_target!(|data: &[u8]| {
    // The input is split at the first two 0xFF bytes (never valid UTF-8, so never inside a
    // valid file): lesson, quiz, Markdown. Missing parts are empty files or absent.
    let mut parts = data.splitn(3, |&b| b == 0xFF);
    let lesson = parts.next().unwrap_or_default();
    let quiz = parts.next();
    let markdown = parts.next();
    let Some(root) = root() else { return };
    if !(put(&root.join("lessons/fuzz/lesson.yaml"), Some(lesson))
        && put(&root.join("quizzes/fuzz.yaml"), quiz)
        && put(&root.join("lessons/fuzz/body.md"), markdown))
    {
        return;
    }
    if let Err(errors) = content::load(&[Source::Dir(root.to_path_buf())]) {
        // Every error is located: 1-based line and column, a path inside the content directory.
        for e in &errors.0 {
            assert!(e.line >= 1 && e.col >= 1, "unlocated error: {e}");
            assert!(e.path.is_relative(), "path not relative to the content directory: {e}");
        }
    }
});
