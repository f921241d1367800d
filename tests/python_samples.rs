//! Every Python block the content calls runnable must at least compile (`python3 -m py_compile`);
//! where FastAPI and PyJWT are installed, each is also imported, which builds the app for real.
//! Blocks marked not runnable (deliberately broken snippets, fragments) must still be valid syntax.
//! Without python3 the test says so loudly and passes, because CI images may lack Python.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use apisec_tutor::content::samples::{self, Sample};
use apisec_tutor::content::{self};

fn samples() -> Vec<Sample> {
    let catalog = match content::load_embedded() {
        Ok(catalog) => catalog,
        Err(errors) => panic!("embedded content does not load: {errors}"),
    };
    let mut all = samples::collect(&catalog);
    // External content (an instructor's folder) goes through the same walk and the same runs.
    let external = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content/valid");
    match content::load(&[content::Source::Dir(external)]) {
        Ok(catalog) => all.extend(samples::collect(&catalog)),
        Err(errors) => panic!("the external test content does not load: {errors}"),
    }
    all
}

/// The interpreter: `target/python-env` (made by `scripts/python-env`, which `.ci/run` calls, so
/// CI imports every runnable sample with the pinned FastAPI), else `python3`.
fn python() -> String {
    let env = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/python-env/bin/python");
    if env.exists() { env.display().to_string() } else { "python3".to_owned() }
}

fn python_available() -> bool {
    Command::new(python()).arg("--version").output().is_ok_and(|o| o.status.success())
}

fn fastapi_available() -> bool {
    Command::new(python()).args(["-c", "import fastapi, jwt"]).output().is_ok_and(|o| o.status.success())
}

fn py_compile(path: &Path) -> Result<(), String> {
    let out =
        Command::new(python()).arg("-m").arg("py_compile").arg(path).output().map_err(|e| e.to_string())?;
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
    let paths = samples::write_all(dir.path(), &samples).unwrap();
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
        // CI makes the env first; a missing one there is a failure, not a skip.
        assert!(std::env::var_os("CI").is_none(), "CI must run scripts/python-env before the tests");
        eprintln!(
            "note: FastAPI/PyJWT not installed (run scripts/python-env); runnable blocks were compiled but not imported"
        );
        return;
    }
    for sample in samples.iter().filter(|s| s.code.runnable && s.code.language == "python") {
        assert!(sample.code.requires.is_some(), "{}: a runnable sample must say what it needs", sample.place);
    }
    // Importing a module runs its top level: imports resolve and the app and routes are built.
    let mut failures = Vec::new();
    for (sample, path) in samples.iter().zip(&paths).filter(|(s, _)| s.code.runnable) {
        let module = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let out = Command::new(python())
            .args(["-c", &format!("import {module}")])
            .current_dir(dir.path())
            // Each runnable sample declares the variables it reads; the test sets exactly those,
            // so a sample that reads an undeclared one fails here.
            .env_remove("SECRET_KEY")
            .env_remove("API_KEY")
            .envs(sample.code.requires.iter().flat_map(|r| r.env.iter().map(|e| (&e.name, &e.example))))
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
