//! Every Python block the content calls runnable must at least compile (`python3 -m py_compile`);
//! where FastAPI and PyJWT are installed, each is also imported, which builds the app for real.
//! Blocks marked not runnable (deliberately broken snippets, fragments) must still be valid syntax.
//! Without python3 the test says so loudly and passes, because CI images may lack Python.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use apisec_tutor::content::{self, Code};

/// One Python block and where it lives, for messages.
struct Sample {
    place: String,
    code: Code,
}

fn samples() -> Vec<Sample> {
    let catalog = match content::load_embedded() {
        Ok(catalog) => catalog,
        Err(errors) => panic!("embedded content does not load: {errors}"),
    };
    let mut out = Vec::new();
    let mut push = |place: String, code: &Code| {
        if code.language == "python" {
            out.push(Sample { place, code: code.clone() });
        }
    };
    for lesson in &catalog.lessons {
        for (i, step) in lesson.build_up.iter().enumerate() {
            if let Some(code) = &step.code {
                push(format!("{}/build_up[{}]", lesson.id, i + 1), code);
            }
        }
        for p in &lesson.pitfalls {
            push(format!("{}/pitfalls/{}/wrong", lesson.id, p.id), &p.wrong);
            push(format!("{}/pitfalls/{}/correct", lesson.id, p.id), &p.correct);
        }
        push(format!("{}/execution_sample", lesson.id), &lesson.execution_sample.code);
    }
    for quiz in &catalog.quizzes {
        for q in &quiz.questions {
            if let Some(code) = &q.code {
                push(format!("quizzes/{}/{}", quiz.id, q.id), code);
            }
        }
    }
    out
}

fn python_available() -> bool {
    Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success())
}

fn fastapi_available() -> bool {
    Command::new("python3").args(["-c", "import fastapi, jwt"]).output().is_ok_and(|o| o.status.success())
}

/// Writes each sample to its own module file, named so the failure message can say which it is.
fn write_all(dir: &Path, samples: &[Sample]) -> Vec<std::path::PathBuf> {
    samples
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let path = dir.join(format!("sample_{i}.py"));
            std::fs::write(&path, &s.code.source).unwrap();
            path
        })
        .collect()
}

fn py_compile(path: &Path) -> Result<(), String> {
    let out =
        Command::new("python3").arg("-m").arg("py_compile").arg(path).output().map_err(|e| e.to_string())?;
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
}

#[test]
fn python_blocks_compile() {
    let samples = samples();
    let runnable = samples.iter().filter(|s| s.code.runnable).count();
    // The lesson's pitfalls alone have six complete programs; fewer means the walk lost some.
    assert!(runnable >= 7, "expected at least 7 runnable Python blocks, found {runnable}");
    if !python_available() {
        eprintln!("skipped: python3 not found; {runnable} runnable Python block(s) were NOT compiled");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let paths = write_all(dir.path(), &samples);
    let mut failures = Vec::new();
    for (sample, path) in samples.iter().zip(&paths) {
        // Not-runnable blocks are fragments or deliberately broken (a missing import): they must
        // still parse, so the learner reads real Python.
        if let Err(e) = py_compile(path) {
            let kind = if sample.code.runnable { "runnable block" } else { "fragment" };
            failures.push(format!("{} ({kind}) does not compile:\n{e}", sample.place));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("compiled {} Python block(s), {runnable} of them runnable", samples.len());

    if !fastapi_available() {
        eprintln!("note: FastAPI/PyJWT not installed; runnable blocks were compiled but not imported");
        return;
    }
    // Importing a module runs its top level: imports resolve and the app and routes are built.
    let mut failures = Vec::new();
    for (sample, path) in samples.iter().zip(&paths).filter(|(s, _)| s.code.runnable) {
        let module = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let out = Command::new("python3")
            .args(["-c", &format!("import {module}")])
            .current_dir(dir.path())
            // The samples read their secrets from the environment and refuse to start without them.
            .env("SECRET_KEY", "x".repeat(64))
            .env("API_KEY", "demo-api-key")
            .output()
            .unwrap();
        if !out.status.success() {
            failures.push(format!(
                "{} does not import:\n{}",
                sample.place,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
