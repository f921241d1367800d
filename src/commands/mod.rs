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

use std::path::{Path, PathBuf};
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

/// The sources named by `--content` (each one a content root, see [`content_roots`]), or the
/// embedded content when none is given.
pub fn sources(cli: &Cli) -> Result<Vec<Source>, Error> {
    if cli.content.is_empty() {
        Ok(vec![Source::Embedded])
    } else {
        Ok(content_roots(&cli.content)?.into_iter().map(Source::Dir).collect())
    }
}

/// Loads the content the command line names: `--content` directories are parsed now, the shipped
/// content was parsed and checked when the program was built (`content::load_embedded`).
pub fn catalog(cli: &Cli) -> Result<Catalog, Error> {
    if cli.content.is_empty() {
        return Ok(content::load_embedded()?);
    }
    require_dirs(&cli.content)?;
    Ok(content::load(&sources(cli)?)?)
}

/// The content root of each directory given on the command line. `lessons/` or `quizzes/`
/// itself (the folder an author is working in) is read as its parent, with a note, because
/// that is the only thing it can mean: paths in reports stay `lessons/<id>/lesson.yaml` as
/// for the root. One lesson's own folder is a usage error that names the root instead,
/// since reading the root would check more than was asked.
pub fn content_roots(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    dirs.iter().map(|d| content_root(d)).collect()
}

fn content_root(dir: &Path) -> Result<PathBuf, Error> {
    let has = |d: &Path, sub: &str| d.join(sub).is_dir();
    if has(dir, "lessons") || has(dir, "quizzes") {
        return Ok(dir.to_path_buf());
    }
    let parent = |d: &Path| -> PathBuf {
        match d.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    };
    let name = dir.file_name().and_then(|n| n.to_str());
    if matches!(name, Some("lessons" | "quizzes")) {
        let root = parent(dir);
        if has(&root, "lessons") {
            crate::safe_eprintln!(
                "apisec-tutor: note: {} is the {} folder; reading {}, the folder that contains lessons/",
                dir.display(),
                name.unwrap_or_default(),
                root.display()
            );
            return Ok(root);
        }
    }
    if dir.join("lesson.yaml").is_file() {
        let root = parent(&parent(dir));
        let here = if has(&root, "lessons") { format!(" ({} here)", root.display()) } else { String::new() };
        return Err(Error::Usage(format!(
            "{} is one lesson's folder; give the content root, the folder that contains lessons/{here}",
            dir.display()
        )));
    }
    Ok(dir.to_path_buf())
}

/// The theme `--theme` names (a file is read and checked now), unless `NO_COLOR` replaces it.
/// A bad theme file is a usage error: the interface does not start.
pub fn theme(cli: &Cli) -> Result<&'static crate::tui::theme::Theme, Error> {
    crate::tui::theme::from_env(&cli.theme).map_err(|e| Error::Usage(e.to_string()))
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
