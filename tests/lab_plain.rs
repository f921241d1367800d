//! `apisec-tutor lab --plain` end to end: the real binary starts the embedded API, replays the
//! seed over HTTP and prints the table.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test file: a failed unwrap is a failed test

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apisec-tutor"))
        .args(args)
        .env_remove("APISEC_TUTOR_JWT_SECRET")
        .output()
        .unwrap()
}

fn rows(stdout: &str) -> Vec<&str> {
    stdout.lines().filter(|l| l.starts_with("step ")).collect()
}

#[test]
fn replay_seed_prints_the_three_rows_and_the_tracker() {
    let out = run(&["lab", "--plain", "--replay-seed"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let rows = rows(&stdout);
    assert_eq!(rows.len(), 3, "{stdout}");
    assert!(rows[0].starts_with("step 1 | action: GET /items/ with token='securetoken'"), "{stdout}");
    assert!(rows[0].contains("response: 200"), "{stdout}");
    assert!(
        rows[1].contains("token: badtoken") && rows[1].contains("response: 401 Unauthorized"),
        "{stdout}"
    );
    assert!(
        rows[2].contains("token: (never set: the handler does not run)")
            && rows[2].contains("response: 401 Not authenticated"),
        "{stdout}"
    );
    assert!(
        rows[2].contains("stopped at: authenticate") && rows[2].contains("OAuth2PasswordBearer"),
        "{stdout}"
    );
    assert!(stdout.contains("Variable tracker"), "{stdout}");
    assert!(stdout.contains("the handler never runs"), "{stdout}");
    assert!(stdout.contains("FastAPI 0.165.0"), "{stdout}");
}

#[test]
fn replay_seed_honours_the_fastapi_version() {
    let out = run(&["--plain", "lab", "--replay-seed", "--fastapi-version", "0.115.14"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("FastAPI 0.115.14"), "{stdout}");
    assert_eq!(rows(&stdout).len(), 3, "{stdout}");
}

#[test]
fn without_plain_or_a_choice_it_is_a_usage_error() {
    // Without --plain the lab screen opens; with no terminal to draw on it says to use --plain
    // (exit 1, as the interface does).
    let out = run(&["lab"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("lab --plain"));
    let out = run(&["lab", "--plain"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--replay-seed"));
    let out = run(&["lab", "--plain", "--replay-seed", "--fastapi-version", "0.114.0"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Every lab scenario of the shipped content, on both measured versions, answers exactly as the
/// content says real FastAPI does (status, detail, WWW-Authenticate, headers, stopping stage).
#[test]
fn every_content_scenario_answers_as_the_content_says() {
    let catalog = apisec_tutor::content::load_embedded().unwrap();
    let ids: Vec<String> =
        catalog.lessons.iter().flat_map(|l| l.lab_scenarios.iter().map(|s| s.id.clone())).collect();
    assert!(!ids.is_empty(), "the shipped content has lab scenarios");
    let mut failures = Vec::new();
    for version in ["0.115.14", "0.165.0"] {
        for id in &ids {
            let out = run(&["lab", "--plain", "--scenario", id, "--fastapi-version", version]);
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            if !out.status.success()
                || stdout.contains("differs from the content")
                || stdout.contains("trace was lost")
            {
                failures.push(format!("{version} {id}:\n{stdout}{}", String::from_utf8_lossy(&out.stderr)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
