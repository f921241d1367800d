//! The Python samples of a catalog: where each lives, and a compile check for `check --samples`.
//!
//! Compiling (`python3 -m py_compile`) parses a file without running it, so `check` never executes
//! content; only the project's own tests import (run) the shipped samples.

use std::path::Path;
use std::process::Command;

use super::{Catalog, Code};

/// One Python block and where it lives (for messages).
#[derive(Debug, Clone)]
pub struct Sample {
    pub place: String,
    pub code: Code,
}

/// Every Python block of every lesson and quiz, in reading order.
#[must_use]
pub fn collect(catalog: &Catalog) -> Vec<Sample> {
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

/// Why samples could not be compiled at all.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error("python3 was not found ({0}); install Python 3 to compile the samples")]
    NoPython(std::io::Error),
    #[error("cannot write the samples to a temporary folder: {0}")]
    Io(#[from] std::io::Error),
}

/// Writes each sample to `dir/sample_N.py` (names that say nothing about the content).
pub fn write_all(dir: &Path, samples: &[Sample]) -> std::io::Result<Vec<std::path::PathBuf>> {
    samples
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let path = dir.join(format!("sample_{i}.py"));
            std::fs::write(&path, &s.code.source).map(|()| path)
        })
        .collect()
}

/// Compiles every sample without running it; returns one message per sample that does not
/// compile (runnable blocks and fragments alike must be valid Python).
pub fn compile_all(samples: &[Sample]) -> Result<Vec<String>, SampleError> {
    Command::new("python3").arg("--version").output().map_err(SampleError::NoPython)?;
    let dir = tempfile::tempdir()?;
    let paths = write_all(dir.path(), samples)?;
    let mut failures = Vec::new();
    for (sample, path) in samples.iter().zip(&paths) {
        let out = Command::new("python3").arg("-m").arg("py_compile").arg(path).output()?;
        if !out.status.success() {
            let kind = if sample.code.runnable { "runnable block" } else { "fragment" };
            let why = String::from_utf8_lossy(&out.stderr).replace(&path.display().to_string(), "<sample>");
            failures.push(format!("{} ({kind}) does not compile:\n{why}", sample.place));
        }
    }
    Ok(failures)
}
