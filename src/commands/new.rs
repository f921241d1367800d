//! `apisec-tutor new lesson|quiz NAME [--dir DIR]`: write a commented starter that passes
//! `check` on its own.
//!
//! - `new lesson NAME` writes `DIR/lessons/NAME/lesson.yaml` and `transcript.md` (a Markdown
//!   file the lesson references, to show how long prose is kept). Its lab scenario is named
//!   `NAME-token-check` so two starters never clash (scenario ids are global).
//! - `new quiz NAME` writes `DIR/quizzes/NAME.yaml`. A quiz belongs to a lesson, so it points
//!   at the first lesson (by id) that loads from DIR; with no lesson in DIR it refuses and says
//!   to run `new lesson` first. Edit `lesson:` to choose another.
//!
//! Nothing is ever overwritten: files are created with `create_new`, and an existing target is
//! a clear error (exit 2).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::Error;
use crate::cli::{NewArgs, NewKind};
use crate::content::{self, Source, check::id_problem};

const LESSON_TEMPLATE: &str = include_str!("templates/lesson.yaml");
const TRANSCRIPT_TEMPLATE: &str = include_str!("templates/transcript.md");
const QUIZ_TEMPLATE: &str = include_str!("templates/quiz.yaml");
const LAB_TEMPLATE: &str = include_str!("templates/lab.yaml");

/// Leaves room for the `-token-check` suffix within the 64-character id limit.
const MAX_NAME: usize = 48;

pub fn run(args: &NewArgs) -> Result<ExitCode, Error> {
    validate_name(&args.name)?;
    let written = match args.kind {
        NewKind::Lesson => new_lesson(&args.dir, &args.name)?,
        NewKind::Quiz => new_quiz(&args.dir, &args.name)?,
        NewKind::Lab => new_lab(&args.dir, &args.name)?,
    };
    for path in &written {
        crate::safe_text::stdout().write_all(format!("wrote {}\n", path.display()).as_bytes()).ok();
    }
    crate::safe_text::stdout()
        .write_all(
            format!("next: edit it, then run `apisec-tutor check {}`\n", args.dir.display()).as_bytes(),
        )
        .ok();
    Ok(ExitCode::SUCCESS)
}

fn validate_name(name: &str) -> Result<(), Error> {
    if let Some(problem) = id_problem(name) {
        return Err(Error::Usage(format!("invalid NAME: {problem}")));
    }
    if name.len() > MAX_NAME {
        return Err(Error::Usage(format!("invalid NAME: at most {MAX_NAME} characters")));
    }
    Ok(())
}

/// Writes the lesson starter; returns the files written.
pub fn new_lesson(dir: &Path, name: &str) -> Result<Vec<PathBuf>, Error> {
    let lesson_dir = new_lesson_dir(dir, name)?;
    let yaml = lesson_dir.join("lesson.yaml");
    let md = lesson_dir.join("transcript.md");
    create(&yaml, &LESSON_TEMPLATE.replace("{{NAME}}", name))?;
    create(&md, TRANSCRIPT_TEMPLATE)?;
    Ok(vec![yaml, md])
}

/// Writes a short lesson with a lab app (two users, one record each, an owner check, a
/// rate-limited `/token`) and scenarios that pass `check`; returns the file written.
pub fn new_lab(dir: &Path, name: &str) -> Result<Vec<PathBuf>, Error> {
    let lesson_dir = new_lesson_dir(dir, name)?;
    let yaml = lesson_dir.join("lesson.yaml");
    // The app id is a Python identifier (it names the program).
    let app = format!("{}_app", name.replace('-', "_"));
    let app = if app.starts_with(|c: char| c.is_ascii_digit()) { format!("lab_{app}") } else { app };
    create(&yaml, &LAB_TEMPLATE.replace("{{NAME}}", name).replace("{{APP}}", &app))?;
    Ok(vec![yaml])
}

/// `DIR/lessons/NAME`, created; an existing one is refused, never reused.
fn new_lesson_dir(dir: &Path, name: &str) -> Result<PathBuf, Error> {
    let lesson_dir = dir.join("lessons").join(name);
    if lesson_dir.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; not overwriting it (pick another NAME)",
            lesson_dir.display()
        )));
    }
    std::fs::create_dir_all(&lesson_dir)
        .map_err(|e| Error::io(format!("cannot create {}", lesson_dir.display()), e))?;
    Ok(lesson_dir)
}

/// Writes the quiz starter, pointing at the first lesson of `dir`; returns the file written.
pub fn new_quiz(dir: &Path, name: &str) -> Result<Vec<PathBuf>, Error> {
    let path = dir.join("quizzes").join(format!("{name}.yaml"));
    if path.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; not overwriting it (pick another NAME)",
            path.display()
        )));
    }
    let report = content::check(&[Source::Dir(dir.to_path_buf())]);
    let mut ids: Vec<&str> = report.catalog.lessons.iter().map(|l| l.id.as_str()).collect();
    ids.sort_unstable();
    let Some(lesson) = ids.first() else {
        return Err(Error::Usage(format!(
            "a quiz belongs to a lesson, and {} has none that loads: write one first with `apisec-tutor new lesson NAME --dir {}` (or fix it: `apisec-tutor check {}`)",
            dir.join("lessons").display(),
            dir.display(),
            dir.display()
        )));
    };
    let quizzes = dir.join("quizzes");
    std::fs::create_dir_all(&quizzes)
        .map_err(|e| Error::io(format!("cannot create {}", quizzes.display()), e))?;
    create(&path, &QUIZ_TEMPLATE.replace("{{NAME}}", name).replace("{{LESSON}}", lesson))?;
    if ids.len() > 1 {
        crate::safe_text::stdout()
            .write_all(
                format!("the quiz belongs to lesson `{lesson}`; edit its `lesson:` line to choose another\n")
                    .as_bytes(),
            )
            .ok();
    }
    Ok(vec![path])
}

/// Creates a new file, never replacing one (the check above can race; this cannot).
fn create(path: &Path, text: &str) -> Result<(), Error> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::Usage(format!("{} already exists; not overwriting it", path.display()))
        } else {
            Error::io(format!("cannot create {}", path.display()), e)
        }
    })?;
    file.write_all(text.as_bytes()).map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starters_pass_check_on_their_own() {
        let dir = tempfile::tempdir().unwrap();
        new_lesson(dir.path(), "my-lesson").unwrap();
        new_quiz(dir.path(), "my-quiz").unwrap();
        let report = content::check(&[Source::Dir(dir.path().to_path_buf())]);
        assert!(report.errors.is_empty(), "{:#?}", report.errors);
        assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
        assert_eq!(report.catalog.quizzes[0].lesson, "my-lesson");
        new_lab(dir.path(), "my-lab").unwrap();
        let report = content::check(&[Source::Dir(dir.path().to_path_buf())]);
        assert!(report.errors.is_empty(), "{:#?}", report.errors);
        assert_eq!(report.catalog.lesson("my-lab").map(|l| l.lab_apps[0].id.as_str()), Some("my_lab_app"));
        // Two starters side by side do not clash.
        new_lesson(dir.path(), "second").unwrap();
        let report = content::check(&[Source::Dir(dir.path().to_path_buf())]);
        assert!(report.errors.is_empty(), "{:#?}", report.errors);
    }

    #[test]
    fn nothing_is_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        new_lesson(dir.path(), "a").unwrap();
        let err = new_lesson(dir.path(), "a").unwrap_err();
        assert!(matches!(&err, Error::Usage(m) if m.contains("already exists")), "{err}");
        new_quiz(dir.path(), "q").unwrap();
        let err = new_quiz(dir.path(), "q").unwrap_err();
        assert!(matches!(&err, Error::Usage(m) if m.contains("already exists")), "{err}");
    }

    #[test]
    fn a_quiz_needs_a_lesson_first() {
        let dir = tempfile::tempdir().unwrap();
        let err = new_quiz(dir.path(), "q").unwrap_err();
        assert!(matches!(&err, Error::Usage(m) if m.contains("new lesson")), "{err}");
    }

    #[test]
    fn names_are_validated() {
        for bad in ["", "Bad", "two words", "../escape", "a/b", &"x".repeat(49)] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
        assert!(validate_name("jwt-basics").is_ok());
    }
}
