//! `apisec-tutor` with no subcommand: the interface, or with `--plain` the lesson as text.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::Error;
use crate::cli::Cli;
use crate::tui::{self, TuiError};

pub fn run(cli: &Cli) -> Result<ExitCode, Error> {
    if !cli.plain && (cli.section.is_some() || cli.lesson.is_some()) {
        return Err(Error::Usage("--section and --lesson go with --plain".into()));
    }
    let catalog = super::catalog(cli)?;
    if cli.plain {
        let text =
            tui::plain_text(&catalog, cli.lesson.as_deref(), cli.section.as_deref()).map_err(
                |e| match e {
                    TuiError::Usage(m) => Error::Usage(m),
                    other => Error::Tui(other),
                },
            )?;
        let mut out = crate::safe_text::stdout();
        // A closed pipe (`| head`) is not an error worth reporting.
        if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            return Err(Error::io("cannot write to stdout", e));
        }
        return Ok(ExitCode::SUCCESS);
    }
    // A bad theme file is reported before anything else about the terminal.
    let theme = super::theme(cli)?;
    if !std::io::stdout().is_terminal() {
        crate::safe_eprintln!("{}", tui::strings::NOT_A_TERMINAL);
        return Ok(ExitCode::from(1));
    }
    tui::run(catalog, theme)?;
    Ok(ExitCode::SUCCESS)
}
