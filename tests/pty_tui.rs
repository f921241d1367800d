//! End-to-end: the real binary in a pseudo-terminal (80×24), its screen parsed by vt100.
//!
//! Each test waits for text on the *parsed* screen with a bounded deadline (later frames are
//! cell diffs, so the raw bytes are no use for that), then checks that the terminal was handed
//! back: normal screen, cursor shown, mouse capture off, restore sequences last.
#![cfg(unix)]
// A test harness: a failed setup step should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

mod common;

use common::pty::Pty as Tui;

fn content_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/tui/testdata")
}

/// Waits for the home screen, with nothing of a reader or placeholder left.
fn wait_home(t: &mut Tui) {
    t.wait_for_without(HOME, &["Outline", "Esc goes back", " · lines "]);
}

/// Waits for a view opened from home.
fn wait_opened(t: &mut Tui, text: &str) {
    t.wait_for_without(text, &["Learning modes", HOME]);
}

/// `j`, not the arrow: an escape sequence split across two reads would parse as Esc + text.
const DOWN: &str = "j";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";
/// Only the home screen draws this header; waiting for it after Esc keeps the next key from
/// arriving glued to the Esc (which a terminal reads as Alt+key).
const HOME: &str = "apisec-tutor · Bearer tokens in a tiny API";

#[test]
fn open_navigate_every_mode_predict_resize_and_quit() {
    let content = content_dir();
    let mut t = Tui::start(&["--content", content.to_str().unwrap()]);
    t.wait_for("Learning modes");
    t.wait_for("Guided walk-through");

    // Each mode opens its view; Esc comes back home. Once a page was read, "Continue where you
    // left off" heads the list, so the modes move down by one.
    t.send(ENTER);
    wait_opened(&mut t, "1/25 · lines");
    t.send(ESC);
    wait_home(&mut t);
    t.wait_for("Continue where you left off");
    // Each expectation is text only the opened view draws (home's detail box names the saved
    // page, so "› Overview" would match home itself).
    for (downs, expect) in [
        (1, "1/25 · lines"),
        (2, "› Flow: Send"),
        (3, "› Step 1: An open route"),
        (4, "Myths believed: 0 of 0 answered"),
        (5, "› Pitfall: Comparing tokens with =="),
        (6, "Live lab · FastAPI"),
        (7, "Visual quiz ·"),
        (8, "Practice ·"),
        (9, "Review missed ·"),
        (10, "› Key takeaways"),
        (11, "Today we look at bearer tokens."),
    ] {
        t.send(&format!("g{}{ENTER}", DOWN.repeat(downs)));
        wait_opened(&mut t, expect);
        t.send(ESC);
        wait_home(&mut t);
    }

    // Build-up: commit a prediction, then the reveal shows it beside the explanation.
    t.send(&format!("g{}{ENTER}", DOWN.repeat(3)));
    wait_opened(&mut t, "Predict before reading on");
    assert!(!t.screen().contains("Nothing checks the request"), "reveal shown before the commit");
    t.send("G2");
    t.wait_for("▶ 2) 401 Not authenticated");
    t.send(ENTER);
    t.wait_for("Your prediction");
    t.wait_for("✗ 401 Not authenticated");
    t.wait_for("Nothing checks the request");

    // Resize: smaller than the minimum, then back.
    t.resize(12, 50);
    t.wait_for("make me bigger (need 60×16, have 50×12)");
    t.resize(24, 80);
    t.wait_for("Your prediction");

    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
}

#[test]
fn progress_and_position_survive_a_restart() {
    let content = content_dir();
    let args = ["--content", content.to_str().unwrap()];
    let data = tempfile::tempdir().unwrap();
    let mut t = Tui::start_in(&args, data.path(), None);
    t.wait_for("Learning modes");
    t.send(&format!("g{}{ENTER}", DOWN.repeat(2)));
    wait_opened(&mut t, "Predict before reading on");
    t.send(&format!("G1{ENTER}"));
    t.wait_for("Your prediction");
    t.send("l");
    t.wait_for("› Step 2: A checked route");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
    assert!(data.path().join("progress.json").is_file(), "progress saved in APISEC_TUTOR_DATA_DIR");

    // A second run in the same data dir offers to continue on step 2 and remembers step 1.
    let mut t = Tui::start_in(&args, data.path(), None);
    t.wait_for("Continue where you left off");
    t.wait_for("(1/2 pred.)");
    t.send(ENTER);
    wait_opened(&mut t, "› Step 2: A checked route");
    t.send("hG");
    t.wait_for("✓ 200 with the items");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
}

#[test]
fn the_mouse_selects_opens_and_scrolls() {
    let content = content_dir();
    let mut t = Tui::start(&["--content", content.to_str().unwrap()]);
    t.wait_for("Learning modes");
    // SGR mouse reports (1-based column;row): the modes list starts on row 3 at 80×24, so
    // row 4 is its second entry, "Visual breakdown". One click selects, a second opens.
    let click = "\x1b[<0;40;4M\x1b[<0;40;4m";
    t.send(click);
    t.wait_for("The request's path, the execution table");
    t.send(click);
    wait_opened(&mut t, "› Flow: Send");
    t.send(ESC);
    wait_home(&mut t);
    // The wheel scrolls the guided walk-through's first page (second entry now that "Continue"
    // heads the list).
    t.send(&format!("g{DOWN}{ENTER}"));
    wait_opened(&mut t, "lines 1-");
    t.send("\x1b[<65;40;10M");
    t.wait_for_without(" · lines ", &["lines 1-"]);
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
}

#[test]
fn ctrl_c_quits_even_while_typing_and_restores() {
    let content = content_dir();
    let mut t = Tui::start(&["--content", content.to_str().unwrap()]);
    t.wait_for("Learning modes");
    t.send(&format!("g{DOWN}{DOWN}{ENTER}"));
    t.wait_for("Predict before reading on");
    t.send("l");
    t.wait_for("Step 2: A checked route");
    t.send(&format!("{ENTER}abc"));
    t.wait_for("Your answer: abc");
    // The typed answer would be lost, so the first Ctrl-C asks; the second one quits.
    t.send("\x03");
    t.wait_for("Quit?");
    t.send("\x03");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
}

#[test]
fn sighup_and_an_outside_sigint_restore_the_terminal_too() {
    for signal in ["-HUP", "-INT"] {
        let content = content_dir();
        let mut t = Tui::start(&["--content", content.to_str().unwrap()]);
        t.wait_for("Learning modes");
        let pid = t.pid();
        let status = std::process::Command::new("kill").args([signal, &pid.to_string()]).status().unwrap();
        assert!(status.success());
        assert_eq!(t.wait_exit(), 0, "{signal}");
        t.assert_restored();
    }
}

/// Every SGR sequence (`ESC [ … m`) in the output that sets a foreground or background colour
/// (30–38, 40–48, 90–97, 100–107); 39 and 49 only reset to the default and do not count.
fn colour_settings(raw: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in raw.match_indices("\x1b[") {
        let rest = &raw[i + 2..];
        let Some(end) = rest.find(|c: char| !(c.is_ascii_digit() || c == ';')) else { continue };
        if !rest[end..].starts_with('m') {
            continue;
        }
        let sets = rest[..end]
            .split(';')
            .filter_map(|p| p.parse::<u32>().ok())
            .any(|p| matches!(p, 30..=38 | 40..=48 | 90..=97 | 100..=107));
        if sets {
            found.push(rest[..=end].to_owned());
        }
    }
    found
}

#[test]
fn colour_settings_finds_colours_but_not_resets() {
    assert_eq!(colour_settings("\x1b[39;49m\x1b[1m\x1b[7mx\x1b[0m"), Vec::<String>::new());
    assert_eq!(colour_settings("a\x1b[38;5;6;49mb\x1b[31mc"), vec!["38;5;6;49m", "31m"]);
}

#[test]
fn no_color_draws_without_colour_escapes() {
    let content = content_dir();
    let data = tempfile::tempdir().unwrap();
    let mut t =
        Tui::start_with(&["--content", content.to_str().unwrap()], data.path(), None, &[("NO_COLOR", "1")]);
    t.wait_for("Learning modes");
    t.send(ENTER);
    wait_opened(&mut t, "1/25 · lines");
    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    let sets = colour_settings(&String::from_utf8_lossy(t.raw()));
    assert!(sets.is_empty(), "colour set with NO_COLOR: {sets:?}");
    t.assert_restored();
}

#[test]
fn sigterm_restores_the_terminal() {
    let content = content_dir();
    let mut t = Tui::start(&["--content", content.to_str().unwrap()]);
    t.wait_for("Learning modes");
    let pid = t.pid();
    let status = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
    assert!(status.success());
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
}

#[test]
fn stdout_not_a_terminal_suggests_plain() {
    let data = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apisec-tutor"))
        .args(["--content", content_dir().to_str().unwrap()])
        .env("APISEC_TUTOR_DATA_DIR", data.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no escape codes on a pipe");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--plain"));

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apisec-tutor"))
        .args(["--content", content_dir().to_str().unwrap(), "--plain", "--section", "pitfalls"])
        .env("APISEC_TUTOR_DATA_DIR", data.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Comparing tokens with ==") && !text.contains('\u{1b}'), "{text}");
}
