//! Unreadable content (`--content DIR` / `check DIR` with permissions removed): a clear message
//! naming what could not be read and why, exit code 1, never a panic.
//!
//! Root reads anything whatever its mode, so as root (CI) the program runs under `setpriv` with
//! CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH removed from its bounding set: still root, but file
//! modes apply, as they would for a learner.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test file: a failed unwrap is a failed test

mod common;
mod fault_support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::content::copy_dir;
use fault_support::{BIN, is_root, quiz_content, run, text, works};

/// A copy of the fixture content that the test may damage.
fn copy_content() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("content");
    copy_dir(&quiz_content(), &root);
    (tmp, root)
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The binary with file modes enforced (see the module comment); None when that is impossible.
fn program() -> Option<Command> {
    if !is_root() {
        return Some(Command::new(BIN));
    }
    if !works("setpriv", &["--bounding-set=-dac_override,-dac_read_search", "true"]) {
        eprintln!(
            "skipped: running as root without `setpriv` to drop CAP_DAC_OVERRIDE, so modes do not apply"
        );
        return None;
    }
    let mut cmd = Command::new("setpriv");
    cmd.arg("--bounding-set=-dac_override,-dac_read_search").arg(BIN);
    Some(cmd)
}

fn check(dir: &Path) -> Option<Output> {
    let mut cmd = program()?;
    cmd.arg("check").arg(dir);
    Some(run(cmd, ""))
}

/// Restores the modes on drop, so the temporary directory can be removed even after a failure.
struct Restore(Vec<(PathBuf, u32)>);

impl Drop for Restore {
    fn drop(&mut self) {
        for (p, mode) in &self.0 {
            let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(*mode));
        }
    }
}

#[test]
fn an_unreadable_lesson_file_is_a_located_error_naming_the_cause() {
    let (_tmp, root) = copy_content();
    let file = root.join("lessons/fixture-lesson/lesson.yaml");
    chmod(&file, 0o000);
    let _restore = Restore(vec![(file, 0o644)]);
    let Some(out) = check(&root) else { return };
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("lessons/fixture-lesson/lesson.yaml:1:1: error: cannot read file: Permission denied"),
        "{stdout}"
    );
}

#[test]
fn an_unreadable_quizzes_directory_is_named_with_the_cause() {
    let (_tmp, root) = copy_content();
    let quizzes = root.join("quizzes");
    chmod(&quizzes, 0o000);
    let _restore = Restore(vec![(quizzes, 0o755)]);
    let Some(out) = check(&root) else { return };
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("quizzes:1:1: error: cannot list directory: Permission denied"), "{stdout}");
}

#[test]
fn unreadable_content_stops_the_quiz_and_the_tutorial_with_the_message_not_a_panic() {
    let (_tmp, root) = copy_content();
    let file = root.join("lessons/fixture-lesson/lesson.yaml");
    chmod(&file, 0o000);
    let _restore = Restore(vec![(file, 0o644)]);
    for args in [&["quiz", "--plain"][..], &["--plain"][..]] {
        let Some(mut cmd) = program() else { return };
        let data = tempfile::tempdir().unwrap();
        cmd.arg("--content").arg(&root).args(args).env("APISEC_TUTOR_DATA_DIR", data.path());
        let out = run(cmd, "");
        assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("cannot read file: Permission denied"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn an_unreadable_content_directory_says_permission_denied() {
    let (tmp, root) = copy_content();
    chmod(&root, 0o000);
    let _restore = Restore(vec![(root.clone(), 0o755)]);
    let Some(out) = check(&root) else { return };
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Permission denied"), "the cause is named: {stdout}");
    drop(tmp);
}
