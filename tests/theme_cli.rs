//! `--theme NAME|FILE` through the real binary: a built-in by name, a user file, a bad file's
//! located error (exit 2, before the terminal is touched) and a misspelt name.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test file: a failed unwrap is a failed test

use std::process::{Command, Output, Stdio};

fn run(args: &[&str]) -> Output {
    let data = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_apisec-tutor"))
        .args(args)
        .env("APISEC_TUTOR_DATA_DIR", data.path())
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn a_bad_theme_file_is_a_located_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.yaml");
    std::fs::write(&path, "extends: default\nstyles:\n  title: {fg: chartreuse}\n").unwrap();
    let out = run(&["--theme", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}:3:15: error: styles.title.fg: \"chartreuse\" is not a colour",
            path.display()
        )),
        "{stderr}"
    );
}

#[test]
fn a_good_theme_file_and_a_builtin_name_get_as_far_as_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.yaml");
    std::fs::write(&path, "extends: light\nstyles:\n  title: {fg: \"#005f87\", modifiers: [bold]}\n")
        .unwrap();
    for theme in [path.to_str().unwrap(), "light", "high-contrast"] {
        // stdout is a pipe: the theme is accepted, then the interface refuses to draw.
        let out = run(&["--theme", theme]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{theme}: {stderr}");
        assert!(stderr.contains("terminal"), "{theme}: {stderr}");
    }
}

#[test]
fn a_misspelt_name_lists_the_builtins() {
    let out = run(&["--theme", "hi-contrast", "outline"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "no built-in theme named \"hi-contrast\" (built-in: default, high-contrast, light, monochrome)"
        ),
        "{stderr}"
    );
}
