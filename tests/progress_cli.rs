//! `apisec-tutor progress` end to end: summary, export (CSV read back with a CSV reader, JSON
//! checked against the schema in docs/PROGRESS.md), reset with and without `--yes`, and damaged
//! files. Progress lives in a temporary `APISEC_TUTOR_DATA_DIR`.

// Helpers outside #[test] functions are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use apisec_tutor::content::{Difficulty, SectionKind};
use apisec_tutor::progress::{Attempt, Progress, Store};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quiz")
}

fn run(data: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_apisec-tutor"))
        .arg("--content")
        .arg(fixtures())
        .args(args)
        .env("APISEC_TUTOR_DATA_DIR", data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

const T: u64 = 1_700_000_000; // 2023-11-14T22:13:20Z

fn attempt(
    at: u64,
    quiz: &str,
    question: &str,
    difficulty: Difficulty,
    choice: &str,
    correct: bool,
) -> Attempt {
    Attempt {
        id: String::new(),
        at,
        quiz: quiz.into(),
        question: question.into(),
        difficulty,
        choice: choice.into(),
        letter: "C".into(),
        correct,
        hints_used: u32::from(!correct),
        seconds: 7,
    }
}

/// A data dir holding reading, myths, a lab prediction and three attempts in two quizzes.
fn seeded() -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    let (mut store, mut p, _) = Store::open(data.path());
    p.mark_read_at("fixture-lesson", SectionKind::Overview, T);
    p.mark_read_at("fixture-lesson", SectionKind::BuildUp, T);
    p.record_prediction_at("fixture-lesson", 0, "one", T);
    p.record_myth_at("fixture-lesson", "fixture-myth", true, T);
    p.record_lab_request_at(Some("fixture-scenario"), Some(401), 401, T * 1000);
    p.record_attempt(attempt(T, "fixture-practice", "missing-header", Difficulty::Easy, "b", true));
    p.record_attempt(attempt(T + 60, "fixture-practice", "wrong-role", Difficulty::Medium, "a", false));
    p.record_attempt(attempt(T + 120, "fixture-visual", "table-step", Difficulty::Easy, "a", true));
    store.save(&p).unwrap();
    data
}

fn saved(data: &Path) -> Progress {
    Store::open(data).1
}

#[test]
fn the_summary_covers_reading_quizzes_review_and_lab() {
    let data = seeded();
    let out = run(data.path(), &["progress"], "");
    assert!(out.status.success(), "{out:?}");
    let stdout = text(&out.stdout);
    for want in [
        "  Fixture lesson (fixture-lesson)",
        // The fixture lesson leaves six sections empty: 13 to read.
        "    sections read: 2 of 13 (overview, build_up)",
        "    predictions made: 1 of 1",
        "    myths committed: 1 of 1, believed before reading: 1",
        "  Fixture practice (fixture-practice): 2 attempt(s), 1 right",
        "    easy: 1 attempt(s), 1 right",
        "    medium: 1 attempt(s), 0 right",
        "  Fixture visual (fixture-visual): 1 attempt(s), 1 right",
        // 2023: every card is long overdue.
        "  3 question(s) due today: apisec-tutor quiz --review",
        "  requests sent: 1",
        "  status predictions: 1 of 1 right",
    ] {
        assert!(stdout.lines().any(|l| l == want), "missing {want:?} in:\n{stdout}");
    }
}

#[test]
fn csv_export_has_one_row_per_attempt_and_parses() {
    let data = seeded();
    let out = run(data.path(), &["progress", "export", "--format", "csv"], "");
    assert!(out.status.success());
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        [
            "timestamp",
            "quiz",
            "question",
            "difficulty",
            "choice",
            "letter",
            "correct",
            "hints_used",
            "seconds"
        ]
    );
    let rows: Vec<Vec<String>> =
        reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    assert_eq!(
        rows,
        [
            [
                "2023-11-14T22:13:20Z",
                "fixture-practice",
                "missing-header",
                "easy",
                "b",
                "C",
                "true",
                "0",
                "7"
            ],
            ["2023-11-14T22:14:20Z", "fixture-practice", "wrong-role", "medium", "a", "C", "false", "1", "7"],
            ["2023-11-14T22:15:20Z", "fixture-visual", "table-step", "easy", "a", "C", "true", "0", "7"],
        ]
    );
}

/// Checks a JSON export against the schema documented in docs/PROGRESS.md.
fn check_json_export(v: &serde_json::Value) -> usize {
    let top = v.as_object().unwrap();
    let mut keys: Vec<&str> = top.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["attempts", "exported_at", "format", "version"]);
    assert_eq!(v["format"], "apisec-tutor-attempts");
    assert_eq!(v["version"], 1);
    assert!(is_rfc3339_utc(v["exported_at"].as_str().unwrap()));
    let rows = v["attempts"].as_array().unwrap();
    for row in rows {
        let row = row.as_object().unwrap();
        let mut keys: Vec<&str> = row.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "choice",
                "correct",
                "difficulty",
                "hints_used",
                "letter",
                "question",
                "quiz",
                "seconds",
                "timestamp"
            ]
        );
        assert!(is_rfc3339_utc(row["timestamp"].as_str().unwrap()));
        for k in ["quiz", "question", "choice"] {
            assert!(!row[k].as_str().unwrap().is_empty(), "{k}");
        }
        assert!(["easy", "medium", "hard"].contains(&row["difficulty"].as_str().unwrap()));
        assert!(row["letter"].is_null() || row["letter"].as_str().is_some_and(|l| l.len() == 1), "{row:?}");
        assert!(row["correct"].is_boolean());
        assert!(row["hints_used"].is_u64() && row["seconds"].is_u64());
    }
    rows.len()
}

fn is_rfc3339_utc(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

#[test]
fn json_export_matches_the_documented_schema_on_stdout_and_in_a_file() {
    let data = seeded();
    let out = run(data.path(), &["progress", "export"], "");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check_json_export(&v), 3);
    assert_eq!(v["attempts"][1]["question"], "wrong-role");
    assert_eq!(v["attempts"][1]["correct"], false);

    let file = data.path().join("grades.json");
    let out =
        run(data.path(), &["progress", "export", "--format", "json", "--out", file.to_str().unwrap()], "");
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "--out writes only the file");
    assert!(text(&out.stderr).contains("exported 3 attempt(s)"));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(check_json_export(&v), 3);

    let empty = tempfile::tempdir().unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&run(empty.path(), &["progress", "export"], "").stdout).unwrap();
    assert_eq!(check_json_export(&v), 0);
}

#[test]
fn reset_without_yes_on_a_pipe_refuses_and_deletes_nothing() {
    let data = seeded();
    let before = std::fs::read(data.path().join("progress.json")).unwrap();
    let out = run(data.path(), &["progress", "reset", "--all"], "y\n");
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("not a terminal") && err.contains("--yes"), "{err}");
    assert_eq!(std::fs::read(data.path().join("progress.json")).unwrap(), before);

    let out = run(data.path(), &["progress", "reset"], "");
    assert_eq!(out.status.code(), Some(2), "nothing named to reset");
    assert!(text(&out.stderr).contains("--quiz ID, --lesson ID or --all"));
}

#[test]
fn reset_with_yes_deletes_exactly_its_scope() {
    let data = seeded();
    let out = run(data.path(), &["progress", "reset", "--quiz", "fixture-visual", "--yes"], "");
    assert!(out.status.success(), "{out:?}");
    assert!(text(&out.stdout).contains("1 quiz attempt(s) removed"));
    let p = saved(data.path());
    let left: Vec<&str> = p.attempts().iter().map(|a| a.question.as_str()).collect();
    assert_eq!(left, ["missing-header", "wrong-role"]);
    assert!(p.is_read("fixture-lesson", SectionKind::Overview));

    // --lesson: its reading and its quizzes.
    let out = run(data.path(), &["progress", "reset", "--lesson", "fixture-lesson", "--yes"], "");
    assert!(out.status.success());
    let p = saved(data.path());
    assert!(p.attempts().is_empty());
    assert!(!p.is_read("fixture-lesson", SectionKind::Overview));
    assert_eq!(p.myth("fixture-lesson", "fixture-myth"), None);
    assert_eq!(p.lab_predictions(), (1, 1), "lab history is not part of a lesson reset");

    let out = run(data.path(), &["progress", "reset", "--all", "--yes"], "");
    assert!(out.status.success());
    assert_eq!(saved(data.path()).lab_predictions(), (0, 0));
}

#[test]
fn an_older_copy_saved_after_a_reset_does_not_bring_records_back() {
    let data = seeded();
    // Another instance loaded the progress before the reset and saves afterwards.
    let (mut other_store, mut other, _) = Store::open(data.path());
    let out = run(data.path(), &["progress", "reset", "--all", "--yes"], "");
    assert!(out.status.success());
    // Made after the reset (a reset removes what is not newer than it, to the second).
    let later = apisec_tutor::progress::day::unix_now() + 5;
    other.mark_read_at("fixture-lesson", SectionKind::Pitfalls, later);
    other_store.save(&other).unwrap();
    let p = saved(data.path());
    assert!(p.attempts().is_empty());
    assert!(p.is_read("fixture-lesson", SectionKind::Pitfalls), "the newer record stays");
    assert!(!p.is_read("fixture-lesson", SectionKind::Overview), "the older ones stay deleted");
}

#[test]
fn damaged_files_are_moved_aside_and_reported() {
    for (content, says) in
        [("{\"version\": 1, \"attempts\": {}", "is not valid progress"), ("{\"version\": 7}", "format 7")]
    {
        let data = tempfile::tempdir().unwrap();
        std::fs::write(data.path().join("progress.json"), content).unwrap();
        let out = run(data.path(), &["progress"], "");
        assert!(out.status.success(), "the program still runs");
        let err = text(&out.stderr);
        assert!(err.contains(says) && err.contains("moved to"), "{err}");
        let aside: Vec<PathBuf> = std::fs::read_dir(data.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains("progress.json.corrupt-"))
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(std::fs::read_to_string(&aside[0]).unwrap(), content, "kept byte for byte");
    }
}

#[test]
fn an_unusable_data_dir_is_a_notice_not_a_failure() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("file"), "").unwrap();
    let data = root.path().join("file").join("data");
    let out = run(&data, &["quiz", "--plain", "--choices-in-order"], "b\n");
    assert!(out.status.success(), "{out:?}");
    let err = text(&out.stderr);
    assert!(err.contains("cannot be saved") && err.contains("still runs"), "{err}");
    assert!(text(&out.stdout).ends_with("score: 1/1\n"));
}

/// Runs `progress reset --all` on a pseudo-terminal, answers the question with `answer`, and
/// returns everything the terminal showed.
#[cfg(unix)]
fn reset_on_a_terminal(data: &Path, answer: &str) -> String {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::sync::mpsc;
    use std::time::Duration;

    let pair =
        native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_apisec-tutor"));
    cmd.arg("--content");
    cmd.arg(fixtures());
    cmd.args(["progress", "reset", "--all"]);
    cmd.env("APISEC_TUTOR_DATA_DIR", data);
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut writer = pair.master.take_writer().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1024];
        while let Ok(n) = std::io::Read::read(&mut reader, &mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    // The timeout only guards against a hang; no result depends on timing.
    let mut screen = String::new();
    let wait_for = |want: &str, screen: &mut String| {
        while !screen.contains(want) {
            let chunk = rx
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no {want:?} in {screen:?}"));
            screen.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    wait_for("[y/N]", &mut screen);
    writer.write_all(answer.as_bytes()).unwrap();
    writer.flush().unwrap();
    wait_for(if answer.starts_with('y') { "removed" } else { "Nothing was deleted." }, &mut screen);
    assert!(child.wait().unwrap().success(), "{screen}");
    screen
}

#[cfg(unix)]
#[test]
fn reset_asks_on_a_terminal_and_deletes_only_on_yes() {
    let data = seeded();
    let screen = reset_on_a_terminal(data.path(), "n\r");
    assert!(screen.contains("Delete all saved progress? This cannot be undone. [y/N]"), "{screen}");
    assert_eq!(saved(data.path()).attempts().len(), 3);

    let screen = reset_on_a_terminal(data.path(), "y\r");
    assert!(screen.contains("3 quiz attempt(s) removed"), "{screen}");
    assert!(saved(data.path()).attempts().is_empty());
}
