//! `apisec-tutor` with no subcommand: the interface, or with `--plain` the lesson as text.

use std::process::ExitCode;

use crate::Error;
use crate::cli::Cli;

pub fn run(cli: &Cli) -> Result<ExitCode, Error> {
    let _catalog = super::catalog(cli)?;
    Err(Error::Usage("the interface is being built".into()))
}
