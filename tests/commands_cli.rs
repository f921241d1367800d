//! Small command-line behaviours, through the real binary: `check` given the lessons folder,
//! `lab --scenario` with an id the content lacks, `outline` naming the scenario ids, and the
//! routes, users and sample curl `serve` prints for the person at the terminal.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test file: a failed unwrap is a failed test

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_apisec-tutor"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).stdin(Stdio::null()).output().unwrap()
}

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content/valid")
}

#[test]
fn check_given_the_lessons_folder_checks_the_folder_that_contains_it() {
    let lessons = fixture().join("lessons");
    let out = run(&["check", "--no-lab", lessons.to_str().unwrap()]);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.starts_with("ok: 1 lesson(s), "), "{stdout}");
    assert!(
        stderr.contains(&format!(
            "note: {} is the lessons folder; reading {}",
            lessons.display(),
            fixture().display()
        )),
        "{stderr}"
    );
    // The same answer as for the root itself.
    let root = run(&["check", "--no-lab", fixture().to_str().unwrap()]);
    assert_eq!(String::from_utf8_lossy(&root.stdout), stdout);
}

#[test]
fn check_given_one_lessons_folder_names_the_root_to_give() {
    let one = fixture().join("lessons/demo-lesson");
    let out = run(&["check", one.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "is one lesson's folder; give the content root, the folder that contains lessons/ ({} here)",
            fixture().display()
        )),
        "{stderr}"
    );
}

#[test]
fn an_unknown_scenario_lists_the_valid_ones_per_lesson() {
    let out = run(&["lab", "--plain", "--scenario", "jwt-logn"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no lab scenario named \"jwt-logn\" (did you mean `jwt-login`?); the content has:"),
        "{stderr}"
    );
    assert!(stderr.contains("\n  why-api-security: seed-replay, "), "{stderr}");
    assert!(stderr.contains("\n  whose-data: bola-fixed, "), "{stderr}");
    // Without --plain too (before the terminal is needed).
    let out = run(&["lab", "--scenario", "bogus"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("why-api-security: seed-replay"));
}

#[test]
fn outline_names_every_scenario_id_in_text_and_json() {
    let text = String::from_utf8(run(&["outline"]).stdout).unwrap();
    assert!(text.contains("Lab scenarios (apisec-tutor lab --scenario ID): seed-replay, "), "{text}");
    let json: serde_json::Value = serde_json::from_slice(&run(&["outline", "--json"]).stdout).unwrap();
    let ids = json["lessons"][0]["lab_scenarios"].as_array().unwrap();
    assert!(ids.iter().any(|id| id == "seed-replay"), "{ids:?}");
}

#[test]
fn serve_tells_the_person_at_the_terminal_what_to_try_with_the_real_url() {
    let mut child =
        bin().args(["serve", "--port", "0"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let base = first.trim().strip_prefix("listening on ").unwrap().to_owned();
    // The banner is written right after the first line; read it up to its last line.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut banner = String::new();
    while !banner.contains("Ctrl-C stops the server") {
        assert!(stderr.read_line(&mut banner).unwrap() > 0, "stderr ended: {banner}");
    }
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let mut rest = String::new();
    let _ = stderr.read_to_string(&mut rest);
    assert!(child.wait().unwrap().success(), "{rest}");
    assert!(banner.contains("POST /token"), "{banner}");
    assert!(banner.contains("Demo users (username / password): johndoe / secret"), "{banner}");
    assert!(
        banner.contains(&format!("curl -s -X POST {base}/token -d username=johndoe -d password=secret")),
        "{banner}"
    );
    assert!(banner.contains(&format!("open {base}/docs")), "{banner}");
}

#[test]
fn progress_export_keeps_the_letter_the_learner_pressed() {
    let data = tempfile::tempdir().unwrap();
    let content = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quiz");
    let with_data = |args: &[&str], input: &str| {
        use std::io::Write;
        let mut child = bin()
            .args(args)
            .env("APISEC_TUTOR_DATA_DIR", data.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        child.wait_with_output().unwrap()
    };
    // Choices shuffled (seeded): whatever sits under C is what was answered, question by question.
    let quiz = with_data(
        &[
            "--content",
            content.to_str().unwrap(),
            "quiz",
            "--plain",
            "--quiz",
            "fixture-practice",
            "--seed",
            "7",
        ],
        &"c\n".repeat(20),
    );
    assert!(quiz.status.success(), "{}", String::from_utf8_lossy(&quiz.stderr));
    let out = with_data(&["progress", "export", "--format", "csv"], "");
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(&row[col("letter")], "C", "{row:?}");
        assert!(!row[col("choice")].is_empty(), "the content id is kept too: {row:?}");
    }
}
