//! `apisec-tutor new`.

use std::process::ExitCode;

use crate::Error;

pub fn run(_args: &crate::cli::NewArgs) -> Result<ExitCode, Error> {
    Err(Error::Usage("`new` is being built".into()))
}
