//! End-to-end: `apisec-tutor quiz` opens the quiz screen in a real pseudo-terminal (80×24),
//! parsed by vt100. A hint, an answer, its feedback, quit; then the terminal must be handed back
//! and the answer saved.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use apisec_tutor::progress::Store;

mod common;

use common::pty::Pty;

/// The quiz fixture content (a lesson and two quizzes) the plain-quiz tests use too.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quiz")
}

/// The letter the screen shows before a choice's text (`▶ B) text` → `b`).
fn letter_of(t: &Pty, choice: &str) -> char {
    let screen = t.screen();
    let line = screen.lines().find(|l| l.contains(choice)).unwrap_or_else(|| panic!("{screen}"));
    let at = line.find(") ").unwrap();
    line[..at].chars().last().unwrap().to_ascii_lowercase()
}

#[test]
fn hint_wrong_answer_feedback_quit_restores_and_saves() {
    let data = tempfile::tempdir().unwrap();
    let content = fixtures();
    let args = ["--content", content.to_str().unwrap(), "quiz", "--seed", "1", "--difficulty", "easy"];
    let mut t = Pty::start_in(&args, data.path(), None);
    t.wait_for("Question 1 of 1 · easy");
    t.wait_for("hint 0/2 · worth 1 now");
    t.send("H");
    t.wait_for("Hint 1/2: Which runs first, the dependency or the handler?");
    t.wait_for("hint 1/2 · worth 0.75 now");

    // Answer with a wrong letter, found on the screen (the seed decides the order).
    let right = letter_of(&t, "401 Not authenticated");
    let wrong = letter_of(&t, "403 Forbidden");
    assert_ne!(right, wrong);
    t.send(&wrong.to_string());
    t.wait_for("Not quite: you chose");
    t.wait_for(&format!("the answer is {}.", right.to_ascii_uppercase()));
    t.wait_for("403 is for a known caller without permission");
    t.wait_for("✗ 0 points");

    t.send("q");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();

    let (_, progress, notices) = Store::open(data.path());
    assert!(notices.is_empty(), "{notices:?}");
    let attempts = progress.attempts();
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    let a = &attempts[0];
    assert_eq!(
        (a.quiz.as_str(), a.question.as_str(), a.choice.as_str()),
        ("fixture-practice", "missing-header", "c")
    );
    assert_eq!((a.correct, a.hints_used), (false, 1));
}

#[test]
fn shipped_content_opens_on_the_first_easy_question() {
    let data = tempfile::tempdir().unwrap();
    let mut t = Pty::start_in(&["quiz", "--seed", "1", "--difficulty", "easy"], data.path(), None);
    t.wait_for("Question 1 of");
    t.wait_for("· easy");
    t.send("H");
    t.wait_for("Hint 1/");
    t.send("a");
    // Right or wrong depends on the content; either way the verdict and the solution show.
    t.wait_for("Worked solution");
    assert!(t.screen().contains("Right:") || t.screen().contains("Not quite:"), "{}", t.screen());
    t.send("\x03");
    assert_eq!(t.wait_exit(), 0);
    t.assert_restored();
}

#[test]
fn a_quiz_that_does_not_exist_is_a_usage_error_before_the_screen_opens() {
    let data = tempfile::tempdir().unwrap();
    let content = fixtures();
    let mut t =
        Pty::start_in(&["--content", content.to_str().unwrap(), "quiz", "--quiz", "nope"], data.path(), None);
    assert_eq!(t.wait_exit(), 2);
    assert!(t.screen().contains("fixture-practice"), "names the quizzes there are:\n{}", t.screen());
    assert!(!t.raw().windows(8).any(|w| w == b"\x1b[?1049h"), "the alternate screen was never entered");
}
