//! The top-level error: one variant per layer, so `main` can print one friendly report.

use std::process::ExitCode;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", render_content(.0))]
    Content(#[from] crate::content::ContentErrors),
    #[error(transparent)]
    Lab(#[from] crate::lab::LabError),
    #[error(transparent)]
    Progress(#[from] crate::progress::ProgressError),
    #[error(transparent)]
    Quiz(#[from] crate::quiz::QuizError),
    #[error(transparent)]
    Tui(#[from] crate::tui::TuiError),
    /// A wrong argument or combination the CLI parser could not catch (exit code 2).
    #[error("{0}")]
    Usage(String),
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
}

impl Error {
    /// 2 for usage errors, 1 for everything else.
    #[must_use]
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Usage(_) => ExitCode::from(2),
            _ => ExitCode::from(1),
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { context: context.into(), source }
    }
}

fn render_content(errors: &crate::content::ContentErrors) -> String {
    let mut out = String::from("the content has errors:");
    for e in &errors.0 {
        out.push_str("\n  ");
        out.push_str(&e.to_string());
    }
    out
}
