//! `apisec-tutor outline`.

use std::process::ExitCode;

use crate::Error;

pub fn run(_cli: &crate::cli::Cli, _args: &crate::cli::OutlineArgs) -> Result<ExitCode, Error> {
    Err(Error::Usage("`outline` is being built".into()))
}
