//! `apisec-tutor progress`.

use std::process::ExitCode;

use crate::Error;
use crate::cli::Cli;

pub fn run(_cli: &Cli, _args: &crate::cli::ProgressArgs) -> Result<ExitCode, Error> {
    Err(Error::Usage("`progress` is being built".into()))
}
