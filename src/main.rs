//! The `apisec-tutor` binary: parse, run, and print one friendly report on failure.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = apisec_tutor::cli::Cli::parse();
    match apisec_tutor::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("apisec-tutor: {error}");
            error.exit_code()
        }
    }
}
