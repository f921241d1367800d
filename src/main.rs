//! The `apisec-tutor` binary: parse, run, and print one friendly report on failure.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // The local UTC offset can only be read while the process has one thread (review days are
    // local days); read it now, before tokio or the lab start any.
    let _ = apisec_tutor::progress::day::local_offset_secs();
    let cli = apisec_tutor::cli::Cli::parse();
    match apisec_tutor::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("apisec-tutor: {error}");
            error.exit_code()
        }
    }
}
