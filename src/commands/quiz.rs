//! `apisec-tutor quiz`: with `--plain`, the line-based quiz on stdin/stdout; answers are saved
//! to progress one by one, and notices about saving go to stderr so stdout stays the quiz.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use crate::Error;
use crate::cli::{Cli, DifficultyArg, QuizArgs};
use crate::content::{Difficulty, QuizKind};
use crate::progress::{Day, Progress, Store};
use crate::quiz::{self, Selection, Session, SessionOptions};

pub fn run(cli: &Cli, args: &QuizArgs) -> Result<ExitCode, Error> {
    if !cli.plain && !io::stdout().is_terminal() {
        return Err(Error::Usage(
            "stdout is not a terminal, so the quiz screen cannot be drawn; run `apisec-tutor quiz --plain` for the line-based quiz"
                .into(),
        ));
    }
    let catalog = super::catalog(cli)?;
    let seed = args.seed.unwrap_or_else(rand::random);
    let selection = Selection {
        quiz: args.quiz.clone(),
        difficulty: args.difficulty.map(difficulty),
        tag: args.tag.clone(),
        review: args.review,
        shuffle: args.shuffle,
        seed,
    };
    if !cli.plain {
        return tui_quiz(cli, catalog, selection, seed);
    }
    let (mut saver, mut progress) = Saver::open();
    // An unknown quiz or filters that match nothing are wrong arguments: usage errors (exit 2).
    let picked = quiz::select(&catalog, &selection, &progress, Day::today())
        .map_err(|e| Error::Usage(e.to_string()))?;
    // Questions, choices and feedback are content: sanitized on the way out.
    let mut out = crate::safe_text::stdout();
    if picked.is_empty() {
        // Only --review can select nothing without an error: nothing is due, which is good news.
        let write = |out: &mut crate::safe_text::SafeWriter<io::StdoutLock<'static>>| {
            writeln!(out, "Nothing is due for review today.")?;
            writeln!(out, "score with hints: 0/0")?;
            writeln!(out, "score: 0/0")
        };
        write(&mut out).map_err(|e| Error::io("writing to stdout", e))?;
        return Ok(ExitCode::SUCCESS);
    }
    let title = match (&args.quiz, args.review) {
        (_, true) => "Review".to_owned(),
        (Some(id), false) => catalog.quiz(id).map_or_else(|| id.clone(), |q| q.title.clone()),
        (None, false) => {
            catalog.quiz_of_kind(QuizKind::Practice).map_or_else(|| "Practice".into(), |q| q.title.clone())
        }
    };
    // Choices are shuffled per attempt, as in the interface: a key that sits in one position
    // (or cycles a, b, c, d) would be guessable. The seed makes a run repeatable, and the letters
    // shown are the letters scored. --choices-in-order keeps the content's order for handouts.
    let options = SessionOptions { shuffle_choices: !args.choices_in_order, seed };
    let mut session = Session::new(picked, options, quiz::now_ms())?;
    let stdin = io::stdin();
    quiz::plain::run(&mut session, &title, stdin.lock(), &mut out, &mut quiz::now_ms, &mut |attempt| {
        progress.record_attempt(attempt.clone());
        saver.save(&mut progress);
    })
    .map_err(|e| Error::io("running the quiz", e))?;
    Ok(ExitCode::SUCCESS)
}

/// The interface, opened straight on the quiz the flags select. Wrong flags are usage errors
/// before the terminal is taken over (checked against empty progress: filters are checked
/// before review, so only "nothing due" depends on the saved answers, and that is a screen).
fn tui_quiz(
    cli: &Cli,
    catalog: crate::content::Catalog,
    selection: Selection,
    seed: u64,
) -> Result<ExitCode, Error> {
    quiz::select(&catalog, &selection, &Progress::new(), Day::today())
        .map_err(|e| Error::Usage(e.to_string()))?;
    crate::tui::run_with(catalog, super::theme(cli)?, |app| {
        app.open_quiz(selection, seed);
    })?;
    Ok(ExitCode::SUCCESS)
}

fn difficulty(arg: DifficultyArg) -> Difficulty {
    match arg {
        DifficultyArg::Easy => Difficulty::Easy,
        DifficultyArg::Medium => Difficulty::Medium,
        DifficultyArg::Hard => Difficulty::Hard,
    }
}

/// The progress store as the quiz uses it: every notice to stderr, a failed save reported once
/// (the quiz goes on; the answers stay in memory).
pub(crate) struct Saver {
    store: Option<Store>,
    warned: bool,
}

impl Saver {
    pub(crate) fn open() -> (Saver, Progress) {
        match Store::default_dir() {
            Ok(dir) => {
                let (store, progress, notices) = Store::open(&dir);
                for notice in notices {
                    crate::safe_eprintln!("apisec-tutor: note: {notice}");
                }
                (Saver { store: Some(store), warned: false }, progress)
            }
            Err(e) => {
                crate::safe_eprintln!("apisec-tutor: note: {e}; progress will not be saved");
                (Saver { store: None, warned: true }, Progress::new())
            }
        }
    }

    pub(crate) fn save(&mut self, progress: &mut Progress) {
        let Some(store) = &mut self.store else { return };
        let result = store.sync(progress);
        for notice in store.take_notices() {
            crate::safe_eprintln!("apisec-tutor: note: {notice}");
        }
        if let Err(e) = result
            && !self.warned
        {
            crate::safe_eprintln!("apisec-tutor: note: {e}; the quiz goes on without saving");
            self.warned = true;
        }
    }
}
