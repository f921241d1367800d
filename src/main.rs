//! The `apisec-tutor` binary: parse, run, and print one friendly report on failure.

use std::process::ExitCode;

use std::io::Write;

use clap::Parser;

/// mimalloc instead of the system allocator: with the system one, malloc and free were about a
/// third of `check`'s samples on a large pack (thousands of small YAML values and strings per
/// lesson, parsed on every core); mimalloc's per-thread heaps avoid the shared arena.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // The local UTC offset can only be read while the process has one thread (review days are
    // local days); read it now, before tokio or the lab start any.
    let _ = apisec_tutor::progress::day::local_offset_secs();
    // clap quotes a bad argument back in its message; that text goes through the sanitizer
    // like every other, so an argument cannot send escape sequences to the terminal.
    let cli = match apisec_tutor::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let text = e.render().to_string();
            let _ = if e.use_stderr() {
                write!(apisec_tutor::safe_text::stderr(), "{text}")
            } else {
                write!(apisec_tutor::safe_text::stdout(), "{text}")
            };
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match apisec_tutor::run(cli) {
        Ok(code) => code,
        Err(error) => {
            let _ = writeln!(apisec_tutor::safe_text::stderr(), "apisec-tutor: {error}");
            error.exit_code()
        }
    }
}
