//! `apisec-tutor progress`: the summary, `reset` (asks first) and `export` (JSON or CSV).
//!
//! The content is loaded for titles and totals; when it cannot be loaded the summary still prints
//! from the progress file alone, because progress must stay reachable even with broken content.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;

use crate::Error;
use crate::cli::{Cli, ExportArgs, ExportFormat, ProgressAction, ProgressArgs, PushArgs, ResetArgs};
use crate::content::{Catalog, Difficulty, SectionKind};
use crate::progress::day::unix_now;
use crate::progress::export::{to_csv, to_json};
use crate::progress::{Day, Progress, ResetScope, Store, push, xapi};

pub fn run(cli: &Cli, args: &ProgressArgs) -> Result<ExitCode, Error> {
    let dir = Store::default_dir()?;
    let (mut store, mut progress, notices) = Store::open(&dir);
    for notice in notices {
        crate::safe_eprintln!("apisec-tutor: note: {notice}");
    }
    let catalog = match super::catalog(cli) {
        Ok(catalog) => Some(catalog),
        Err(e) => {
            crate::safe_eprintln!(
                "apisec-tutor: note: the content could not be loaded, so titles and totals are missing: {e}"
            );
            None
        }
    };
    match &args.action {
        None => {
            let text =
                summary(&progress, catalog.as_ref(), Day::today(), &store.path().display().to_string());
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Some(ProgressAction::Export(export)) => run_export(&progress, catalog.as_ref(), export),
        Some(ProgressAction::Push(push)) => run_push(&progress, catalog.as_ref(), &dir, push),
        Some(ProgressAction::Reset(reset)) => run_reset(&mut store, &mut progress, catalog.as_ref(), reset),
    }
}

fn run_export(progress: &Progress, catalog: Option<&Catalog>, args: &ExportArgs) -> Result<ExitCode, Error> {
    let text = match args.format {
        // JSON keeps its value with control characters as `\u` escapes; CSV is sanitized as text.
        ExportFormat::Json => crate::safe_text::json(&to_json(progress.attempts(), unix_now())).into_owned(),
        ExportFormat::Csv => to_csv(progress.attempts()),
        ExportFormat::Xapi => {
            let actor = args.actor.as_deref().ok_or_else(|| {
                Error::Usage("--format xapi needs --actor mailto:NAME@HOST or account:HOMEPAGE:NAME".into())
            })?;
            xapi_text(progress, catalog, actor)?
        }
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
            crate::safe_eprintln!(
                "apisec-tutor: exported {} attempt(s) to {}",
                progress.attempts().len(),
                path.display()
            );
        }
        None => crate::safe_text::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| Error::io("writing to stdout", e))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn xapi_statements(
    progress: &Progress,
    catalog: Option<&Catalog>,
    actor: &str,
) -> Result<Vec<serde_json::Value>, Error> {
    let actor = xapi::Actor::parse(actor).map_err(|e| Error::Usage(e.to_string()))?;
    let map = catalog.map(xapi::ContentMap::from_catalog).unwrap_or_default();
    Ok(xapi::statements(progress, &actor, &map))
}

fn xapi_text(progress: &Progress, catalog: Option<&Catalog>, actor: &str) -> Result<String, Error> {
    let statements = xapi_statements(progress, catalog, actor)?;
    let mut text = serde_json::to_string_pretty(&statements).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    Ok(text)
}

fn run_push(
    progress: &Progress,
    catalog: Option<&Catalog>,
    dir: &std::path::Path,
    args: &PushArgs,
) -> Result<ExitCode, Error> {
    let statements = xapi_statements(progress, catalog, &args.actor)?;
    let auth = match &args.auth {
        Some(auth) => auth.clone(),
        None => std::env::var("APISEC_TUTOR_LRS_AUTH")
            .map_err(|_| Error::Usage("push needs --auth USER:KEY or APISEC_TUTOR_LRS_AUTH".into()))?,
    };
    let mut cfg = push::PushConfig::new(&args.lrs, &auth).map_err(|e| Error::Usage(e.to_string()))?;
    cfg.batch = usize::from(args.batch);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("starting the HTTP runtime", e))?;
    let report = runtime
        .block_on(push::push(&statements, dir, &cfg))
        .map_err(|e| Error::Usage(format!("push to {}: {e}", cfg.endpoint)))?;
    let _ = writeln!(
        crate::safe_text::stdout(),
        "Pushed {} statement(s) to {}; {} already there; {} queued.",
        report.sent,
        cfg.endpoint,
        report.skipped,
        report.queued
    );
    if report.queued > 0 {
        crate::safe_eprintln!(
            "apisec-tutor: the LRS could not be reached or failed ({}); {} statement(s) are kept and will be sent by the next push",
            report.unavailable.as_deref().unwrap_or("unknown"),
            report.queued
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn run_reset(
    store: &mut Store,
    progress: &mut Progress,
    catalog: Option<&Catalog>,
    args: &ResetArgs,
) -> Result<ExitCode, Error> {
    let (scopes, what) = reset_scopes(args, catalog)?;
    if !args.yes {
        let stdin = io::stdin();
        if !stdin.is_terminal() {
            return Err(Error::Usage(format!(
                "not deleting {what} without confirmation: stdin is not a terminal to ask on; add --yes"
            )));
        }
        let confirmed = confirm(
            &format!("Delete {what}? This cannot be undone. [y/N] "),
            stdin.lock(),
            crate::safe_text::stderr(),
        )
        .map_err(|e| Error::io("reading the confirmation", e))?;
        if !confirmed {
            let _ = writeln!(crate::safe_text::stdout(), "Nothing was deleted.");
            return Ok(ExitCode::SUCCESS);
        }
    }
    let before = (progress.attempts().len(), progress.lessons().count());
    for scope in scopes {
        progress.reset(scope);
    }
    // The reset is itself a record, so merging with the file (or with another running instance)
    // cannot bring the deleted records back.
    store.sync(progress)?;
    for notice in store.take_notices() {
        crate::safe_eprintln!("apisec-tutor: note: {notice}");
    }
    let attempts = before.0.saturating_sub(progress.attempts().len());
    let _ = writeln!(crate::safe_text::stdout(), "Deleted {what}: {attempts} quiz attempt(s) removed.");
    Ok(ExitCode::SUCCESS)
}

/// What a reset removes, and how to name it in the question and the report.
///
/// `--lesson ID` resets the lesson's reading and the quizzes that belong to it.
fn reset_scopes(args: &ResetArgs, catalog: Option<&Catalog>) -> Result<(Vec<ResetScope>, String), Error> {
    if args.all {
        return Ok((vec![ResetScope::All], "all saved progress".to_owned()));
    }
    if let Some(quiz) = &args.quiz {
        return Ok((vec![ResetScope::Quiz(quiz.clone())], format!("the progress of quiz `{quiz}`")));
    }
    if let Some(lesson) = &args.lesson {
        let mut scopes = vec![ResetScope::Lesson(lesson.clone())];
        let quizzes: Vec<&str> = catalog
            .map(|c| c.quizzes.iter().filter(|q| q.lesson == *lesson).map(|q| q.id.as_str()).collect())
            .unwrap_or_default();
        scopes.extend(quizzes.iter().map(|q| ResetScope::Quiz((*q).to_owned())));
        let also = if quizzes.is_empty() {
            String::new()
        } else {
            format!(" and of its quizzes ({})", quizzes.join(", "))
        };
        return Ok((scopes, format!("the progress of lesson `{lesson}`{also}")));
    }
    Err(Error::Usage("say what to reset: --quiz ID, --lesson ID or --all".into()))
}

/// Asks `prompt` on `out` and reads one line: only `y` or `yes` (any case) confirm; end of input
/// does not.
fn confirm(prompt: &str, mut input: impl BufRead, mut out: impl Write) -> io::Result<bool> {
    write!(out, "{prompt}")?;
    out.flush()?;
    let mut line = String::new();
    input.read_line(&mut line)?;
    Ok(matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}

/// The `progress` summary as text.
fn summary(progress: &Progress, catalog: Option<&Catalog>, today: Day, path: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Progress saved in {path}");

    let _ = writeln!(out, "\nLessons");
    let mut lesson_ids: Vec<&str> =
        catalog.map(|c| c.lessons.iter().map(|l| l.id.as_str()).collect()).unwrap_or_default();
    for (id, _) in progress.lessons() {
        if !lesson_ids.contains(&id) {
            lesson_ids.push(id);
        }
    }
    if lesson_ids.is_empty() {
        let _ = writeln!(out, "  nothing read yet");
    }
    for id in lesson_ids {
        let lesson = catalog.and_then(|c| c.lesson(id));
        let record = progress.lesson(id);
        let title = lesson
            .map_or_else(|| format!("{id} (not in the current content)"), |l| format!("{} ({id})", l.title));
        let _ = writeln!(out, "  {title}");
        let read: Vec<&str> =
            SectionKind::ALL.iter().filter(|k| progress.is_read(id, **k)).map(|k| k.as_str()).collect();
        let _ = writeln!(
            out,
            "    sections read: {} of {}{}",
            read.len(),
            // A section with nothing in it (no pitfalls, say) is not shown, so not counted.
            lesson.map_or(SectionKind::ALL.len(), |l| SectionKind::ALL
                .iter()
                .filter(|k| l.items(**k) > 0)
                .count()),
            if read.is_empty() { String::new() } else { format!(" ({})", read.join(", ")) }
        );
        let predictions = record.map_or(0, |r| r.predictions.len());
        let prompts = lesson.map(|l| l.predictions(SectionKind::BuildUp));
        let _ = writeln!(out, "    predictions made: {predictions}{}", of(prompts));
        let myths = record.map_or(0, |r| r.myths.len());
        let _ = writeln!(
            out,
            "    myths committed: {myths}{}, believed before reading: {}",
            of(lesson.map(|l| l.myth_busters.len())),
            progress.myths_believed(id)
        );
    }

    let _ = writeln!(out, "\nQuizzes");
    let mut per_quiz: BTreeMap<&str, BTreeMap<Difficulty, (usize, usize)>> = BTreeMap::new();
    for a in progress.attempts() {
        let slot = per_quiz.entry(a.quiz.as_str()).or_default().entry(a.difficulty).or_default();
        slot.0 += 1;
        slot.1 += usize::from(a.correct);
    }
    let mut quiz_ids: Vec<&str> =
        catalog.map(|c| c.quizzes.iter().map(|q| q.id.as_str()).collect()).unwrap_or_default();
    for id in per_quiz.keys() {
        if !quiz_ids.contains(id) {
            quiz_ids.push(id);
        }
    }
    if quiz_ids.is_empty() {
        let _ = writeln!(out, "  no quizzes taken yet");
    }
    for id in quiz_ids {
        let quiz = catalog.and_then(|c| c.quiz(id));
        let title = quiz
            .map_or_else(|| format!("{id} (not in the current content)"), |q| format!("{} ({id})", q.title));
        let by_difficulty = per_quiz.get(id);
        let (attempted, right) =
            by_difficulty.map_or((0, 0), |m| m.values().fold((0, 0), |(a, r), (x, y)| (a + x, r + y)));
        let _ = writeln!(out, "  {title}: {attempted} attempt(s), {right} right");
        for (difficulty, (a, r)) in by_difficulty.into_iter().flatten() {
            let _ = writeln!(out, "    {}: {a} attempt(s), {r} right", difficulty.as_str());
        }
    }

    let due = catalog.map(|c| progress.due_today(c, today).len());
    let _ = writeln!(out, "\nReview");
    match due {
        Some(0) => {
            let _ = writeln!(out, "  nothing due today");
        }
        Some(n) => {
            let _ = writeln!(out, "  {n} question(s) due today: apisec-tutor quiz --review");
        }
        None => {
            let _ = writeln!(out, "  unknown (the content could not be loaded)");
        }
    }

    let (right, total) = progress.lab_predictions();
    let _ = writeln!(out, "\nLab");
    let _ = writeln!(out, "  requests sent: {}", progress.lab_requests().len());
    let _ = writeln!(out, "  status predictions: {right} of {total} right");
    out
}

fn of(total: Option<usize>) -> String {
    total.map_or_else(String::new, |t| format!(" of {t}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Attempt;

    #[test]
    fn confirm_accepts_only_yes() {
        for (line, want) in
            [("y\n", true), ("YES\n", true), (" y \n", true), ("n\n", false), ("\n", false), ("", false)]
        {
            let mut prompt = Vec::new();
            assert_eq!(confirm("Delete? ", line.as_bytes(), &mut prompt).unwrap(), want, "{line:?}");
            assert_eq!(prompt, b"Delete? ");
        }
    }

    fn args(quiz: Option<&str>, lesson: Option<&str>, all: bool) -> ResetArgs {
        ResetArgs { quiz: quiz.map(Into::into), lesson: lesson.map(Into::into), all, yes: true }
    }

    #[test]
    fn reset_scopes_name_what_they_delete() {
        let cat = crate::quiz::testing::catalog();
        let (scopes, what) = reset_scopes(&args(None, Some("lesson"), false), Some(&cat)).unwrap();
        assert_eq!(
            scopes,
            vec![
                ResetScope::Lesson("lesson".into()),
                ResetScope::Quiz("visual".into()),
                ResetScope::Quiz("practice".into())
            ]
        );
        assert!(what.contains("visual, practice"), "{what}");
        let (scopes, _) = reset_scopes(&args(Some("practice"), None, false), Some(&cat)).unwrap();
        assert_eq!(scopes, vec![ResetScope::Quiz("practice".into())]);
        assert_eq!(reset_scopes(&args(None, None, true), None).unwrap().0, vec![ResetScope::All]);
        assert!(matches!(reset_scopes(&args(None, None, false), None), Err(Error::Usage(_))));
    }

    #[test]
    fn summary_counts_quizzes_review_and_lab() {
        let cat = crate::quiz::testing::catalog();
        let mut p = Progress::new();
        for (question, difficulty, correct) in
            [("p1", Difficulty::Easy, true), ("p3", Difficulty::Easy, false), ("p4", Difficulty::Hard, true)]
        {
            p.record_attempt(Attempt {
                id: String::new(),
                at: 1_000_000,
                quiz: "practice".into(),
                question: question.into(),
                difficulty,
                choice: "b".into(),
                letter: String::new(),
                correct,
                hints_used: 0,
                seconds: 4,
            });
        }
        p.mark_read_at("lesson", SectionKind::Overview, 5);
        p.record_myth_at("lesson", "m", true, 5);
        p.record_lab_request_at(Some("s"), Some(401), 401, 5);
        let text = summary(&p, Some(&cat), Day::of_unix(1_000_000).plus(1), "/x/progress.json");
        for want in [
            "Progress saved in /x/progress.json",
            "  lesson (not in the current content)",
            "    sections read: 1 of 19 (overview)",
            "    myths committed: 1, believed before reading: 1",
            "  The practice quiz (practice): 3 attempt(s), 2 right",
            "    easy: 2 attempt(s), 1 right",
            "    hard: 1 attempt(s), 1 right",
            "  The visual quiz (visual): 0 attempt(s), 0 right",
            "  1 question(s) due today: apisec-tutor quiz --review",
            "  status predictions: 1 of 1 right",
        ] {
            assert!(text.lines().any(|l| l == want), "missing {want:?} in:\n{text}");
        }
    }
}
