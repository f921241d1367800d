//! Errors of the content layer: every one points at a file, a line and a column.

use std::fmt;
use std::path::PathBuf;

/// One problem in one content file, reported as `PATH:LINE:COL: error: MESSAGE`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ContentError {
    /// Relative to the content root that was given (or to the embedded content).
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based.
    pub col: usize,
    pub message: String,
}

impl ContentError {
    pub fn new(path: impl Into<PathBuf>, line: usize, col: usize, message: impl Into<String>) -> Self {
        ContentError { path: path.into(), line: line.max(1), col: col.max(1), message: message.into() }
    }

    /// The same location, printed as advice: `PATH:LINE:COL: warning: MESSAGE`.
    #[must_use]
    pub fn as_warning(&self) -> String {
        format!("{}:{}:{}: warning: {}", self.path.display(), self.line, self.col, self.message)
    }

    /// An error about a whole file (unreadable, missing…): located at its first character.
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        ContentError::new(path, 1, 1, message)
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: error: {}", self.path.display(), self.line, self.col, self.message)
    }
}

/// Loading failed: every problem found, not only the first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} content error(s), the first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
pub struct ContentErrors(pub Vec<ContentError>);
