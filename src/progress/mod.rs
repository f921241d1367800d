//! The learner's saved progress: versioned JSON, written atomically, locked against two writers.

#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    #[error("cannot save progress in {path}: {source}")]
    Save { path: std::path::PathBuf, source: std::io::Error },
}
