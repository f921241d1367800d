//! `apisec-tutor check [DIR...]`: validate content, report every problem located, then a
//! summary. Exit 0 when clean (warnings allowed), 1 when the content has errors, 2 when a DIR
//! given on the command line does not exist or is not a directory (a usage error: nothing was
//! checked).

use std::process::ExitCode;

use crate::Error;
use crate::cli::{CheckArgs, Cli};
use crate::content::{self, Source, load};

pub fn run(cli: &Cli, args: &CheckArgs) -> Result<ExitCode, Error> {
    let dirs = if args.dirs.is_empty() { &cli.content } else { &args.dirs };
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
    let sources: Vec<Source> = if dirs.is_empty() {
        vec![Source::Embedded]
    } else {
        dirs.iter().cloned().map(Source::Dir).collect()
    };
    let report = content::check(&sources);
    for e in &report.errors {
        println!("{e}");
    }
    for w in &report.warnings {
        println!("{}", w.as_warning());
    }
    let warnings = match report.warnings.len() {
        0 => String::new(),
        n => format!(", {n} warning(s)"),
    };
    if report.errors.is_empty() {
        let questions: usize = report.catalog.quizzes.iter().map(|q| q.questions.len()).sum();
        println!(
            "ok: {} lesson(s), {} quiz(zes), {} question(s); no errors{warnings}",
            report.catalog.lessons.len(),
            report.catalog.quizzes.len(),
            questions
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{} error(s) in {} file(s){warnings}; {} file(s) checked",
            report.errors.len(),
            load::files_with_errors(&report.errors),
            report.files
        );
        Ok(ExitCode::from(1))
    }
}
