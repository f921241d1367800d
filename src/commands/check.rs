//! `apisec-tutor check [DIR...]`: validate content, report every problem, exit 0 / 1.

use std::process::ExitCode;

use crate::Error;
use crate::cli::{CheckArgs, Cli};
use crate::content::{self, Source};

pub fn run(cli: &Cli, args: &CheckArgs) -> Result<ExitCode, Error> {
    let sources: Vec<Source> = if args.dirs.is_empty() {
        super::sources(cli)
    } else {
        args.dirs.iter().cloned().map(Source::Dir).collect()
    };
    match content::load(&sources) {
        Ok(catalog) => {
            let questions: usize = catalog.quizzes.iter().map(|q| q.questions.len()).sum();
            println!(
                "ok: {} lesson(s), {} quiz(zes), {} question(s), no errors",
                catalog.lessons.len(),
                catalog.quizzes.len(),
                questions
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            for e in &errors.0 {
                println!("{e}");
            }
            let files: std::collections::BTreeSet<_> = errors.0.iter().map(|e| &e.path).collect();
            println!("{} error(s) in {} file(s)", errors.0.len(), files.len());
            Ok(ExitCode::from(1))
        }
    }
}
