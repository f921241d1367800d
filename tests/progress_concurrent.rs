//! No answer is lost: three `quiz --plain` processes answering the same question with the same
//! choice at the same moment, round after round, leave one record per answer (before each record
//! had its own id, identical answers of one second were merged into one).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

#[test]
fn concurrent_identical_answers_are_all_kept() {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quiz");
    let data = tempfile::tempdir().unwrap();
    let rounds = 8;
    let per_round = 3;
    for _ in 0..rounds {
        let children: Vec<_> = (0..per_round)
            .map(|_| {
                let mut child = Command::new(env!("CARGO_BIN_EXE_apisec-tutor"))
                    .arg("--content")
                    .arg(&content)
                    .args(["quiz", "--plain", "--choices-in-order"])
                    .env("APISEC_TUTOR_DATA_DIR", data.path())
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap();
                // One answer, then end of input: the quiz saves it and stops.
                child.stdin.take().unwrap().write_all(b"b\n").unwrap();
                child
            })
            .collect();
        for mut child in children {
            assert!(child.wait().unwrap().success());
        }
    }
    let (_, progress, notices) = apisec_tutor::progress::store::Store::open(data.path());
    assert!(notices.is_empty(), "{notices:?}");
    let attempts = progress.attempts();
    assert_eq!(attempts.len(), rounds * per_round, "every answer is stored");
    let mut ids: Vec<&str> = attempts.iter().map(|a| a.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), rounds * per_round, "each with its own id");
}
