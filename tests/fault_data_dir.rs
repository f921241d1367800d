//! Faults in the data directory (APISEC_TUTOR_DATA_DIR): read-only and full. The program must
//! still run, say on stderr that progress cannot be saved, and lose nothing: the progress saved
//! before stays byte for byte, and no half-written temporary file is left behind.
//!
//! As root (CI), the faults are real file systems in a private mount namespace (`unshare -m`): a
//! read-only bind mount (EROFS) and a 64 KiB tmpfs filled to the last block (ENOSPC). The
//! namespace dies with the test, so nothing stays mounted. (SIGKILL during a save is
//! tests/progress_kill.rs; a data dir that cannot exist at all is tests/progress_cli.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test file: a failed unwrap is a failed test

mod fault_support;

use std::path::Path;
use std::process::Command;

use fault_support::{BIN, is_root, quiz_content, run, text, works};

/// One quiz answer through `quiz --plain`: answering "b" to the fixture's first question is right.
const ONE_ANSWER: &str = "b\n";

/// A data directory holding the progress of one answered question; returns its progress.json.
fn seeded(data: &Path) -> Vec<u8> {
    let mut cmd = Command::new(BIN);
    cmd.arg("--content")
        .arg(quiz_content())
        .args(["quiz", "--plain", "--choices-in-order"])
        .env("APISEC_TUTOR_DATA_DIR", data);
    let out = run(cmd, ONE_ANSWER);
    assert!(out.status.success(), "{out:?}");
    std::fs::read(data.join("progress.json")).unwrap()
}

/// Mount namespaces are available (root, and not forbidden by the container).
fn mount_namespaces() -> bool {
    if is_root() && works("unshare", &["-m", "true"]) {
        return true;
    }
    eprintln!(
        "skipped: this test needs root and `unshare -m` (a private mount namespace) to make the fault real"
    );
    false
}

/// Runs `script` with `sh` in a private mount namespace; `$1` is the data dir, `$2` the binary,
/// `$3` the content, `$4` a directory with the seeded progress.json. The quiz reads ONE_ANSWER.
fn in_mount_namespace(script: &str, data: &Path, seed: &Path) -> (String, String) {
    let mut cmd = Command::new("unshare");
    cmd.args(["-m", "sh", "-c", script, "sh"])
        .arg(data)
        .arg(BIN)
        .arg(quiz_content())
        .arg(seed)
        .env("APISEC_TUTOR_DATA_DIR", data);
    let out = run(cmd, ONE_ANSWER);
    assert!(out.status.success(), "the script failed: {out:?}");
    (text(&out.stdout), text(&out.stderr))
}

/// The quiz's exit code as the script printed it (`exit=N`).
fn quiz_exit(stdout: &str) -> Option<i32> {
    stdout.lines().find_map(|l| l.strip_prefix("exit=")).and_then(|c| c.parse().ok())
}

#[test]
fn a_read_only_data_dir_gives_a_warning_the_quiz_runs_and_nothing_is_lost() {
    if !mount_namespaces() {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let before = seeded(data.path());
    let script = r#"
        mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 97
        "$2" --content "$3" quiz --plain --choices-in-order
        echo "exit=$?"
    "#;
    let (stdout, stderr) = in_mount_namespace(script, data.path(), data.path());
    assert_eq!(quiz_exit(&stdout), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("score: 1/1"), "the quiz ran to its score: {stdout}");
    assert!(stderr.contains("Read-only file system") && stderr.contains("cannot be saved"), "{stderr}");
    assert_eq!(
        std::fs::read(data.path().join("progress.json")).unwrap(),
        before,
        "the saved progress is untouched"
    );
}

#[test]
fn a_full_data_dir_gives_a_warning_keeps_the_old_progress_and_leaves_no_temp_file() {
    if !mount_namespaces() {
        return;
    }
    let seed = tempfile::tempdir().unwrap();
    let before = seeded(seed.path());
    let data = tempfile::tempdir().unwrap();
    // The tmpfs exists only inside the namespace: the script reports what it holds afterwards.
    let script = r#"
        mount -t tmpfs -o size=64k tmpfs "$1" || exit 97
        cp "$4/progress.json" "$1/progress.json" || exit 98
        dd if=/dev/zero of="$1/fill" bs=1k 2>/dev/null
        "$2" --content "$3" quiz --plain --choices-in-order
        echo "exit=$?"
        echo "--- files"; ls -A "$1"
        echo "--- progress"; cat "$1/progress.json"
    "#;
    let (stdout, stderr) = in_mount_namespace(script, data.path(), seed.path());
    assert_eq!(quiz_exit(&stdout), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("score: 1/1"), "the quiz ran to its score: {stdout}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    let (_, rest) = stdout.split_once("--- files\n").unwrap();
    let (files, progress) = rest.split_once("--- progress\n").unwrap();
    let files: Vec<&str> = files.lines().collect();
    assert!(
        files.iter().all(|f| ["fill", "progress.json", "progress.lock"].contains(f)),
        "a temporary file was left behind: {files:?}"
    );
    assert_eq!(progress.as_bytes(), before.as_slice(), "the saved progress is untouched");
}
