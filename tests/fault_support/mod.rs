//! Helpers shared by the fault tests (`tests/fault_*.rs`): the real binary, the quiz fixture
//! content, and the privileged tricks that make faults real when the tests run as root (CI does):
//! a private mount namespace for read-only and full data directories, and dropping the
//! capabilities that let root read a `chmod 000` file. Where a trick is not permitted, the test
//! says so on stderr and checks what it can.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Bounds a wait so a hang fails the test instead of stalling CI; never a timing assertion (a
/// healthy run ends long before).
pub const HANG_GUARD: Duration = Duration::from_secs(30);

pub const BIN: &str = env!("CARGO_BIN_EXE_apisec-tutor");

/// A small valid content directory (one lesson, a three-question practice quiz).
pub fn quiz_content() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quiz")
}

pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// Whether `cmd args…` runs and exits 0 (probing what this machine permits).
pub fn works(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs a command with `input` on stdin; panics if it does not finish within [`HANG_GUARD`].
pub fn run(mut cmd: Command, input: &str) -> Output {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_owned();
    std::thread::spawn(move || {
        // The program may stop reading early (e.g. it refuses to start); that is not our error.
        let _ = stdin.write_all(input.as_bytes());
    });
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    rx.recv_timeout(HANG_GUARD).expect("the program did not finish").unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
