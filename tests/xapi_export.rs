//! `progress export --format xapi` through the binary: a JSON array of statements, the same ids on
//! a second export, and a usage error (exit 2) without `--actor`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use apisec_tutor::content::{Difficulty, SectionKind};
use apisec_tutor::progress::{Attempt, Progress, Store};

fn export(data: &Path, actor: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_apisec-tutor"));
    cmd.args(["progress", "export", "--format", "xapi"]).env("APISEC_TUTOR_DATA_DIR", data);
    if let Some(a) = actor {
        cmd.args(["--actor", a]);
    }
    cmd.output().unwrap()
}

#[test]
fn export_writes_stable_statements_and_needs_an_actor() {
    let data = tempfile::tempdir().unwrap();
    let mut p = Progress::new();
    p.mark_read_at("why-api-security", SectionKind::Overview, 1_700_000_000);
    p.record_attempt(Attempt {
        id: String::new(),
        at: 1_700_000_100,
        quiz: "practice".into(),
        question: "q1".into(),
        difficulty: Difficulty::Easy,
        choice: "a".into(),
        letter: String::new(),
        correct: false,
        hints_used: 0,
        seconds: 4,
    });
    p.record_lab_request_at(None, Some(401), 401, 1_700_000_200_000);
    let (mut store, _, _) = Store::open(data.path());
    store.save(&p).unwrap();

    let actor = "account:https://school.example:s42";
    let first = export(data.path(), Some(actor));
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let statements: Vec<serde_json::Value> = serde_json::from_slice(&first.stdout).unwrap();
    let verbs: Vec<&str> =
        statements.iter().map(|s| s["verb"]["display"]["en-US"].as_str().unwrap()).collect();
    assert_eq!(verbs, ["experienced", "answered", "attempted"]);
    assert_eq!(statements[0]["actor"]["account"]["name"], "s42");
    assert_eq!(statements[1]["result"]["success"], false);
    assert_eq!(statements[2]["result"]["success"], true, "predicted 401, got 401");

    let second = export(data.path(), Some(actor));
    assert_eq!(first.stdout, second.stdout, "re-export is byte-identical, ids included");

    let missing = export(data.path(), None);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--actor"));
}
