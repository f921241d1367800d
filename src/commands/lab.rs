//! `apisec-tutor lab`.

use std::process::ExitCode;

use crate::Error;
use crate::cli::Cli;

pub fn run(_cli: &Cli, _args: &crate::cli::LabArgs) -> Result<ExitCode, Error> {
    Err(Error::Usage("`lab` is being built".into()))
}
