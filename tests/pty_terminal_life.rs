//! The terminal's life around the program, with the real binary in a pseudo-terminal: a closed
//! window is an ordinary end (no panic report), a stop and `fg` give the interface back, and a
//! dumb terminal gets a hint instead of a full-screen interface it cannot show.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::pty::Pty;

const HOME: &str = "apisec-tutor · Why API security";

fn kill(signal: &str, pid: u32) {
    assert!(Command::new("kill").args([&format!("-{signal}"), &pid.to_string()]).status().unwrap().success());
}

#[test]
fn closing_the_terminal_is_a_normal_exit_without_a_panic_report() {
    let data = tempfile::tempdir().unwrap();
    let mut t = Pty::start_in(&[], data.path(), None);
    t.wait_for(HOME);
    // The kernel sends SIGHUP when the window closes; then the terminal is gone. (The harness's
    // reader keeps the master open, so the hang-up signal is sent by hand.)
    kill("HUP", t.pid());
    let mut child = t.hang_up();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the program outlived its terminal");
        std::thread::sleep(Duration::from_millis(50));
    };
    let files: Vec<String> = std::fs::read_dir(data.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let report = std::fs::read_to_string(data.path().join("apisec-tutor-panic.log")).unwrap_or_default();
    assert!(!files.iter().any(|f| f.contains("panic")), "a panic report was written: {files:?}\n{report}");
    assert!(status.success() || status.exit_code() == 129, "exit: {status:?}");
}

#[test]
fn after_a_stop_and_fg_the_interface_takes_the_terminal_back() {
    let mut t = Pty::start(&[]);
    t.wait_for(HOME);
    let mark = t.raw().len();
    kill("TSTP", t.pid());
    std::thread::sleep(Duration::from_millis(300));
    kill("CONT", t.pid());
    // It enters the alternate screen and raw mode again, and repaints.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !String::from_utf8_lossy(t.raw_since(mark)).contains("\x1b[?1049h") {
        assert!(Instant::now() < deadline, "no re-entry after SIGCONT");
        t.pump(Instant::now() + Duration::from_millis(100));
    }
    t.wait_for(HOME);
    // Keys act at once (raw mode): `j` moves the selection without Enter.
    t.send("j");
    t.wait_for("▶ Visual breakdown");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
}

#[test]
fn a_dumb_terminal_gets_a_hint_not_the_full_screen_interface() {
    let data = tempfile::tempdir().unwrap();
    let mut t = Pty::start_with(&[], data.path(), None, &[("TERM", "dumb")]);
    let code = t.wait_exit();
    assert_ne!(code, 0);
    assert!(t.screen().contains("TERM=dumb") && t.screen().contains("--plain"), "{}", t.screen());
    assert!(!String::from_utf8_lossy(t.raw()).contains("\x1b[?1049h"), "the alternate screen was entered");
}
