//! The learner's saved progress: versioned JSON, written atomically, merged under a lock so two
//! running instances cannot lose each other's work. See docs/PROGRESS.md for the file format.

pub mod day;
pub mod export;
pub mod leitner;
pub mod model;
pub mod push;
pub mod store;
pub mod xapi;

pub use day::Day;
pub use model::{
    Attempt, LabRecord, LessonProgress, PROGRESS_VERSION, Position, Progress, Reset, ResetScope,
};
pub use store::Store;

#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    #[error("cannot save progress in {path}: {source}")]
    Save { path: std::path::PathBuf, source: std::io::Error },
    /// The file on disk could not be read nor moved aside; saving would destroy it.
    #[error("{0}")]
    Blocked(String),
    #[error("no data directory could be found for this user; set APISEC_TUTOR_DATA_DIR")]
    NoDataDir,
}
