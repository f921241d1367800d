//! One file per subcommand; `dispatch` picks it. Commands load content through [`sources`].

pub mod check;
pub mod lab;
pub mod new;
pub mod outline;
pub mod probe;
pub mod progress;
pub mod quiz;
pub mod schema;
pub mod serve;
pub mod tutorial;

use std::path::PathBuf;
use std::process::ExitCode;

use crate::Error;
use crate::cli::{Cli, Command};
use crate::content::{self, Catalog, Source};

pub fn dispatch(cli: Cli) -> Result<ExitCode, Error> {
    match &cli.command {
        None => tutorial::run(&cli),
        Some(Command::Check(args)) => check::run(&cli, args),
        Some(Command::Outline(args)) => outline::run(&cli, args),
        Some(Command::Schema(args)) => schema::run(args),
        Some(Command::New(args)) => new::run(args),
        Some(Command::Serve(args)) => serve::run(&cli, args),
        Some(Command::Lab(args)) => lab::run(&cli, args),
        Some(Command::Quiz(args)) => quiz::run(&cli, args),
        Some(Command::Progress(args)) => progress::run(&cli, args),
        Some(Command::Probe(args)) => probe::run(args),
    }
}

/// The sources named by `--content`, or the embedded content when none is given.
#[must_use]
pub fn sources(cli: &Cli) -> Vec<Source> {
    if cli.content.is_empty() {
        vec![Source::Embedded]
    } else {
        cli.content.iter().cloned().map(Source::Dir).collect()
    }
}

/// Loads the content the command line names: `--content` directories are parsed now, the shipped
/// content was parsed and checked when the program was built (`content::load_embedded`).
pub fn catalog(cli: &Cli) -> Result<Catalog, Error> {
    if cli.content.is_empty() {
        return Ok(content::load_embedded()?);
    }
    require_dirs(&cli.content)?;
    Ok(content::load(&sources(cli))?)
}

/// A content directory named on the command line must exist and be a directory: anything else is
/// a usage error (exit 2), reported before any content is read.
pub fn require_dirs(dirs: &[PathBuf]) -> Result<(), Error> {
    for dir in dirs {
        match std::fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(Error::Usage(format!(
                    "{} is not a directory (give a content directory that holds lessons/ and quizzes/)",
                    dir.display()
                )));
            }
            Err(e) => {
                return Err(Error::Usage(format!("cannot open content directory {}: {e}", dir.display())));
            }
        }
    }
    Ok(())
}
