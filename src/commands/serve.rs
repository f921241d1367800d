//! `apisec-tutor serve`.

use std::process::ExitCode;

use crate::Error;

pub fn run(_args: &crate::cli::ServeArgs) -> Result<ExitCode, Error> {
    Err(Error::Usage("`serve` is being built".into()))
}
