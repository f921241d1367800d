//! Hostile text never reaches the terminal raw: content with escape sequences (OSC 0 title, OSC
//! 52 clipboard, clear screen, SGR colours, 8-bit CSI, bidi override), as YAML `\e` escapes, raw
//! bytes in Markdown and a file name, is refused by `check` with located errors, and no output
//! command, error message or request log lets an ESC or C1 byte through.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::content::{copy_dir, valid};

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_apisec-tutor");

/// The valid fixture with hostile text in a YAML title (escapes), a Markdown file (raw bytes), an
/// unknown key and a stray Markdown file whose name carries an escape.
fn hostile_pack() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&valid(), dir.path());
    let lesson = dir.path().join("lessons/demo-lesson/lesson.yaml");
    let text = std::fs::read_to_string(&lesson).unwrap().replacen(
        "title: A small lesson for the checker's tests",
        "title: \"Pwned\\e]0;owned title\\a\\e]52;c;aGFja2Vk\\a\\e[2J\\e[31mred\\x9b31m\\u202eevil\"\n\"sneaky\\e[2Jkey\": 1",
        1,
    );
    std::fs::write(&lesson, text).unwrap();
    let md = dir.path().join("lessons/demo-lesson/expiry.md");
    let mut body = std::fs::read(&md).unwrap();
    body.extend_from_slice(b"\n\x1b]0;title from markdown\x07 and \xc2\x9b2J\n");
    std::fs::write(&md, body).unwrap();
    std::fs::write(dir.path().join("lessons/demo-lesson/evil\u{1b}[2J.md"), "orphan").unwrap();
    dir
}

fn run(args: &[&str], stdin: &str) -> Output {
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(args)
        .env("APISEC_TUTOR_DATA_DIR", data.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that never reads stdin may exit before the write: a closed pipe is not a failure.
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("writing stdin: {e}"),
        _ => {}
    }
    child.wait_with_output().unwrap()
}

/// No ESC, no BEL, no 8-bit C1 (UTF-8 `C2 80`–`C2 9F`) and no bidi override in either stream.
fn assert_clean(what: &str, out: &Output) {
    for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(!bytes.contains(&0x1b), "{what}: ESC on {name}: {}", String::from_utf8_lossy(bytes));
        assert!(!bytes.contains(&0x07), "{what}: BEL on {name}");
        assert!(
            !bytes.windows(2).any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1])),
            "{what}: a C1 control on {name}"
        );
        assert!(!String::from_utf8_lossy(bytes).contains('\u{202e}'), "{what}: a bidi override on {name}");
    }
}

#[test]
fn check_reports_control_characters_at_their_place_and_prints_none() {
    let pack = hostile_pack();
    let out = run(&["check", pack.path().to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    assert_clean("check", &out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "lessons/demo-lesson/lesson.yaml:3:8: error: title: the text holds the control character U+001B"
        ),
        "{text}"
    );
    assert!(text.contains("lessons/demo-lesson/expiry.md:") && text.contains("U+001B"), "{text}");
    // The unknown key and the file name are quoted back, made visible.
    assert!(text.contains("sneaky␛[2Jkey"), "{text}");
    assert!(text.contains("evil␛[2J.md"), "{text}");
}

#[test]
fn every_text_command_keeps_the_terminal_safe() {
    let pack = hostile_pack();
    let dir = pack.path().to_str().unwrap();
    for args in [
        vec!["--content", dir, "--plain"],
        vec!["--content", dir, "--plain", "--section", "overview"],
        vec!["--content", dir, "outline"],
        vec!["--content", dir, "outline", "--json"],
        vec!["--content", dir, "quiz", "--plain"],
        vec!["--content", dir, "lab", "--plain", "--scenario", "token-check"],
        vec!["--content", dir, "progress"],
        vec!["--plain", "--section", "over\u{1b}]0;x\u{7}view"],
        vec!["--plain", "--lesson", "\u{1b}[2J\u{9b}"],
        vec!["quiz", "--plain", "--quiz", "\u{1b}]52;c;aGk=\u{7}"],
        vec!["lab", "--plain", "--scenario", "\u{1b}[31mred"],
        vec!["--theme", "\u{1b}[2J"],
        vec!["progress", "reset", "--quiz", "\u{1b}]0;t\u{7}", "--yes"],
    ] {
        let out = run(&args, "a\nb\n");
        assert_clean(&format!("{args:?}"), &out);
    }
    let target = tempfile::tempdir().unwrap();
    let out = run(&["new", "lesson", "x\u{1b}]0;pwned\u{7}", "--dir", target.path().to_str().unwrap()], "");
    assert_ne!(out.status.code(), Some(0));
    assert_clean("new lesson", &out);
    assert!(String::from_utf8_lossy(&out.stderr).contains('␛'), "the name is shown, made visible");
}

/// A request whose path decodes to an escape sequence, logged by `serve --trace`.
#[test]
fn the_request_log_does_not_replay_a_clients_escape_sequences() {
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--trace"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = Vec::new();
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
        first.push(byte[0]);
    }
    let line = String::from_utf8(first).unwrap();
    let addr = line.strip_prefix("listening on http://").unwrap().to_owned();
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(s, "GET /items/%1B]0;pwned%07%1B[2J%C2%9B HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    std::thread::sleep(Duration::from_millis(300));
    let _ = child.kill();
    let mut rest = Vec::new();
    let _ = stdout.read_to_end(&mut rest);
    let _ = child.wait();
    let out =
        Output { status: std::process::ExitStatus::default(), stdout: rest.clone(), stderr: Vec::new() };
    assert_clean("serve --trace", &out);
    assert!(String::from_utf8_lossy(&rest).contains("/items/"), "the request was logged");
}
