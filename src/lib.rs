//! apisec-tutor: an interactive terminal tutorial on why API security is critical in FastAPI.
//!
//! Layers: `content` (lessons and quizzes as data), `lab` (the demo API that answers like real
//! FastAPI, and its client), `quiz` (scoring, shuffles, review), `progress` (saved state),
//! `tui` (the only layer that draws), `commands` (one file per subcommand).

pub mod cli;
pub mod commands;
pub mod content;
pub mod error;
pub mod lab;
pub mod probe;
pub mod progress;
pub mod quiz;
pub mod safe_text;
pub mod tui;

use std::process::ExitCode;

pub use error::Error;

/// Runs the parsed command line; `main` only prints the error and picks the exit code.
pub fn run(cli: cli::Cli) -> Result<ExitCode, Error> {
    commands::dispatch(cli)
}
