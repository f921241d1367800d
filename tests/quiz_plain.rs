//! `apisec-tutor quiz --plain` end to end: the real binary, answers through a pipe, progress in
//! a temporary `APISEC_TUTOR_DATA_DIR` (never the real home directory).

// Helpers outside #[test] functions are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use apisec_tutor::content::Difficulty;
use apisec_tutor::progress::{Attempt, Progress, Store};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quiz")
}

/// Runs the binary with the fixture content, `data` as the data dir and `input` on stdin.
fn run(data: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_apisec-tutor"))
        .arg("--content")
        .arg(fixtures())
        .args(args)
        // The expected transcripts follow the content's order; runs with a seed test the shuffle.
        .args(if args.contains(&"quiz") && !args.contains(&"--seed") {
            &["--choices-in-order"][..]
        } else {
            &[]
        })
        .env("APISEC_TUTOR_DATA_DIR", data)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn saved(data: &Path) -> Progress {
    let (_, progress, notices) = Store::open(data);
    assert!(notices.is_empty(), "{notices:?}");
    progress
}

#[test]
fn a_piped_run_asks_every_practice_question_in_order_and_saves_each_answer() {
    let data = tempfile::tempdir().unwrap();
    // Question 1: a hint, then B (right). Question 2: A (wrong). Question 3: "1" = A (right).
    let out = run(data.path(), &["--plain", "quiz"], "h\nb\na\n1\n");
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.first(), Some(&"Fixture practice: 3 questions"));
    assert_eq!(&lines[lines.len() - 2..], ["score with hints: 1.75/3", "score: 2/3"], "{text}");
    let order: Vec<&str> = lines.iter().filter(|l| l.starts_with("Question ")).copied().collect();
    assert_eq!(
        order,
        [
            "Question 1 of 3 (easy; tags: auth)",
            "Question 2 of 3 (medium; tags: authz, auth)",
            "Question 3 of 3 (hard; tags: cors)"
        ]
    );
    for want in [
        // The stem as plain text, the code indented, the choices lettered in content order.
        "What does the route answer when the Authorization header is missing?",
        "    @app.get(\"/items/\")",
        "B) 401 Not authenticated",
        "Hint 1 of 2: Which runs first, the dependency or the handler?",
        "Right: B) 401 Not authenticated (0.75 points: 1 hint used)",
        "Prove it in the lab: apisec-tutor lab --plain --scenario fixture-scenario",
        "Wrong: you chose A) 401 Unauthorized.",
        "The right answer is C) 403 Forbidden.",
        "Why A is tempting: The caller is identified; the problem is permission, not identity.",
        "1. The token is valid, so authentication passed.",
        "Final answer: 403.",
        "Quick check: Which status means \"who are you?\"",
        "By difficulty: easy 1/1, medium 0/1, hard 1/1",
        "By tag: auth 1/2, authz 0/1, cors 1/1",
    ] {
        assert!(lines.contains(&want), "missing {want:?} in:\n{text}");
    }
    let attempts: Vec<(String, String, bool, u32)> = saved(data.path())
        .attempts()
        .iter()
        .map(|a| (a.question.clone(), a.choice.clone(), a.correct, a.hints_used))
        .collect();
    assert_eq!(
        attempts,
        [
            ("missing-header".into(), "b".into(), true, 1),
            ("wrong-role".into(), "a".into(), false, 0),
            ("cors-star".into(), "a".into(), true, 0)
        ]
    );
}

#[test]
fn end_of_input_stops_and_still_prints_the_score() {
    let data = tempfile::tempdir().unwrap();
    let out = run(data.path(), &["quiz", "--plain"], "b\n");
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("Stopped after 1 of 3 questions."), "{text}");
    assert!(text.ends_with("score with hints: 1/1\nscore: 1/1\n"), "{text}");
    assert_eq!(saved(data.path()).attempts().len(), 1);

    let out = run(data.path(), &["quiz", "--plain"], "q\n");
    assert!(stdout(&out).ends_with("score: 0/0\n"));
    assert_eq!(saved(data.path()).attempts().len(), 1, "q saves nothing new");
}

#[test]
fn the_answer_key_follows_a_seeded_shuffle() {
    let data = tempfile::tempdir().unwrap();
    let args = ["quiz", "--plain", "--shuffle", "--seed", "11"];
    let first = stdout(&run(data.path(), &args, "a\na\na\n"));
    assert_eq!(first, stdout(&run(data.path(), &args, "a\na\na\n")), "a seed gives the same run");
    // Read the right letter of each question off the feedback, then answer with those letters.
    let right: Vec<String> = first
        .lines()
        .filter_map(|l| l.strip_prefix("Right: ").or_else(|| l.strip_prefix("The right answer is ")))
        .map(|rest| rest[..1].to_ascii_lowercase())
        .collect();
    assert_eq!(right.len(), 3, "{first}");
    let again = stdout(&run(data.path(), &args, &format!("{}\n", right.join("\n"))));
    assert!(again.ends_with("score: 3/3\n"), "{again}");
    // Some seed moves the right answer of the first question off its content letter B.
    let moved = (0..10).any(|seed| {
        let seed = seed.to_string();
        let out = stdout(&run(data.path(), &["quiz", "--plain", "--shuffle", "--seed", &seed], "q\n"));
        !out.lines().any(|l| l == "B) 401 Not authenticated")
    });
    assert!(moved);
}

/// Choices are shuffled per attempt even without `--shuffle` (which orders the questions): the
/// content's key position gives nothing away. `--choices-in-order` keeps the content's order.
#[test]
fn choices_are_shuffled_by_default_and_kept_in_order_on_request() {
    let data = tempfile::tempdir().unwrap();
    let in_order = |out: &str| out.lines().any(|l| l == "B) 401 Not authenticated");
    let moved = (0..10).any(|seed| {
        let seed = seed.to_string();
        !in_order(&stdout(&run(data.path(), &["quiz", "--plain", "--seed", &seed], "q\n")))
    });
    assert!(moved, "no seed shuffled the first question's choices");
    for seed in ["1", "2", "3"] {
        let out =
            stdout(&run(data.path(), &["quiz", "--plain", "--seed", seed, "--choices-in-order"], "q\n"));
        assert!(in_order(&out), "{out}");
    }
}

#[test]
fn filters_pick_questions_and_report_empty_selections() {
    let data = tempfile::tempdir().unwrap();
    let text = stdout(&run(data.path(), &["quiz", "--plain", "--difficulty", "hard"], "a\n"));
    assert!(text.starts_with("Fixture practice: 1 question\n"), "{text}");
    assert!(text.ends_with("score: 1/1\n"));
    let text = stdout(&run(data.path(), &["quiz", "--plain", "--tag", "auth"], ""));
    assert!(text.starts_with("Fixture practice: 2 questions\n"), "{text}");
    let text = stdout(&run(data.path(), &["quiz", "--plain", "--quiz", "fixture-visual"], "a\n"));
    assert!(text.starts_with("Fixture visual: 1 question\n") && text.ends_with("score: 1/1\n"), "{text}");

    let out = run(data.path(), &["quiz", "--plain", "--tag", "nope"], "");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--tag nope") && err.contains("authz"), "{err}");
    let out = run(data.path(), &["quiz", "--plain", "--quiz", "nope"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixture-visual"));
}

#[test]
fn review_asks_only_what_is_due() {
    let data = tempfile::tempdir().unwrap();
    let text = stdout(&run(data.path(), &["quiz", "--plain", "--review"], ""));
    assert!(text.starts_with("Nothing is due for review today."), "never-seen questions are not due: {text}");
    assert!(text.ends_with("score: 0/0\n"));

    // Ten days ago: one miss in each quiz and one right answer; all three are due by now.
    let (mut store, mut progress, _) = Store::open(data.path());
    let ten_days_ago = apisec_tutor::progress::day::unix_now() - 10 * 86_400;
    for (quiz, question, correct) in [
        ("fixture-practice", "wrong-role", false),
        ("fixture-visual", "table-step", false),
        ("fixture-practice", "cors-star", true),
    ] {
        progress.record_attempt(Attempt {
            id: String::new(),
            at: ten_days_ago,
            quiz: quiz.into(),
            question: question.into(),
            difficulty: Difficulty::Easy,
            choice: "b".into(),
            letter: String::new(),
            correct,
            hints_used: 0,
            seconds: 3,
        });
    }
    store.save(&progress).unwrap();
    let text =
        stdout(&run(data.path(), &["quiz", "--plain", "--review", "--quiz", "fixture-practice"], "c\nb\n"));
    let asked: Vec<&str> = text.lines().filter(|l| l.starts_with("Question ")).collect();
    assert_eq!(
        asked,
        ["Question 1 of 2 (medium; tags: authz, auth)", "Question 2 of 2 (hard; tags: cors)"],
        "{text}"
    );
    assert!(text.ends_with("score: 1/2\n"), "{text}");
    // Answered today: wrong-role climbs to box 2, cors-star misses back to box 1; none due today.
    let text = stdout(&run(data.path(), &["quiz", "--plain", "--review"], "a\n"));
    assert!(text.starts_with("Review: 1 question\n"), "only the visual miss is left: {text}");
}

#[test]
fn without_plain_and_without_a_terminal_it_points_to_plain() {
    let data = tempfile::tempdir().unwrap();
    let out = run(data.path(), &["quiz"], "");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a terminal") && err.contains("--plain"), "{err}");
}

#[test]
fn a_corrupt_progress_file_is_reported_on_stderr_and_the_quiz_runs() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("progress.json"), "not json").unwrap();
    let out = run(data.path(), &["quiz", "--plain"], "b\n");
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not valid progress") && err.contains("progress.json.corrupt-"), "{err}");
    assert!(stdout(&out).ends_with("score: 1/1\n"), "notices stay off stdout");
    assert_eq!(saved(data.path()).attempts().len(), 1);
}

/// A byte that is not UTF-8 on stdin is an invalid answer (asked again), not the end of the run.
#[test]
fn an_invalid_utf8_byte_is_an_invalid_answer_not_an_abort() {
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_apisec-tutor"))
        .arg("--content")
        .arg(fixtures())
        .args(["quiz", "--plain", "--choices-in-order"])
        .env("APISEC_TUTOR_DATA_DIR", data.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"\xff\xfe\nb\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(text.ends_with("score with hints: 1/1\nscore: 1/1\n"), "{text}");
    assert_eq!(saved(data.path()).attempts().len(), 1);
}
