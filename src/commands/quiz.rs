//! `apisec-tutor quiz`.

use std::process::ExitCode;

use crate::Error;
use crate::cli::Cli;

pub fn run(_cli: &Cli, _args: &crate::cli::QuizArgs) -> Result<ExitCode, Error> {
    Err(Error::Usage("`quiz` is being built".into()))
}
