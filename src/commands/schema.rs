//! `apisec-tutor schema`.

use std::process::ExitCode;

use crate::Error;

pub fn run(_args: &crate::cli::SchemaArgs) -> Result<ExitCode, Error> {
    Err(Error::Usage("`schema` is being built".into()))
}
