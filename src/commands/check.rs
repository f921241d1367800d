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
    super::require_dirs(dirs)?;
    let sources: Vec<Source> = if dirs.is_empty() {
        vec![Source::Embedded]
    } else {
        dirs.iter().cloned().map(Source::Dir).collect()
    };
    let report = content::check(&sources);
    let mut out = String::new();
    for e in &report.errors {
        out.push_str(&format!("{e}\n"));
    }
    for w in &report.warnings {
        out.push_str(&format!("{}\n", w.as_warning()));
    }
    let warnings = match report.warnings.len() {
        0 => String::new(),
        n => format!(", {n} warning(s)"),
    };
    let mut sample_failures = 0;
    if args.samples && report.errors.is_empty() {
        let samples = content::samples::collect(&report.catalog);
        let failures = content::samples::compile_all(&samples).map_err(|e| Error::Usage(e.to_string()))?;
        sample_failures = failures.len();
        for f in &failures {
            out.push_str(&format!("error: {f}\n"));
        }
        if failures.is_empty() {
            out.push_str(&format!("compiled {} Python sample(s)\n", samples.len()));
        }
    }
    if report.errors.is_empty() && sample_failures == 0 {
        let questions: usize = report.catalog.quizzes.iter().map(|q| q.questions.len()).sum();
        out.push_str(&format!(
            "ok: {} lesson(s), {} quiz(zes), {} question(s); no errors{warnings}\n",
            report.catalog.lessons.len(),
            report.catalog.quizzes.len(),
            questions
        ));
        print_out(&out)?;
        Ok(ExitCode::SUCCESS)
    } else if report.errors.is_empty() {
        out.push_str(&format!("{sample_failures} sample(s) do not compile{warnings}\n"));
        print_out(&out)?;
        Ok(ExitCode::from(1))
    } else {
        out.push_str(&format!(
            "{} error(s) in {} file(s){warnings}; {} file(s) checked\n",
            report.errors.len(),
            load::files_with_errors(&report.errors),
            report.files
        ));
        print_out(&out)?;
        Ok(ExitCode::from(1))
    }
}

/// Writes to stdout; a closed pipe (`check | head`) is not an error worth a panic or a message.
pub(crate) fn print_out(text: &str) -> Result<(), Error> {
    use std::io::Write;
    // Messages quote content (a bad value, a key, a file name): sanitized on the way out.
    let mut stdout = crate::safe_text::stdout();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io("cannot write to stdout", e)),
        _ => Ok(()),
    }
}
