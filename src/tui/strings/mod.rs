//! Every string the interface shows, apart from lesson text (which stays in the content files).

pub mod lab;

pub const APP_NAME: &str = "apisec-tutor";
pub const DUMB_TERMINAL: &str = "TERM=dumb: this terminal cannot draw the interface. Use --plain for the lesson as text (apisec-tutor --plain, quiz --plain, lab --plain), or run it in a terminal such as xterm-256color.";
pub const MARK_RIGHT: &str = "✓";
pub const MARK_WRONG: &str = "✗";
pub const MARK_CURRENT: &str = "▶";

// Home
pub const LESSONS: &str = "Lessons";
pub const MODES: &str = "Learning modes";
pub const SECTIONS: &str = "Sections";
pub const CONTINUE: &str = "Continue where you left off";
/// Titles of the modes a lesson without `modes:` gets from what it contains.
#[must_use]
pub fn auto_mode_title(target: crate::content::ModeTarget) -> &'static str {
    use crate::content::ModeTarget as M;
    match target {
        M::Practice => "Practice quiz",
        M::VisualQuiz => "Visual quiz",
        M::LiveLab => "Live lab",
        _ => "Guided walk-through",
    }
}

#[must_use]
pub fn auto_mode_detail(target: crate::content::ModeTarget) -> &'static str {
    use crate::content::ModeTarget as M;
    match target {
        M::Practice => "This lesson's own questions, with hints and worked solutions.",
        M::VisualQuiz => "This lesson's questions about its execution table.",
        M::LiveLab => "Send this lesson's lab requests and watch who answers them.",
        _ => "Every section this lesson has, in order.",
    }
}

// Reader
pub const OUTLINE: &str = "Outline";
pub const EMPTY_SECTION: &str = "(this section is empty in this lesson)";
pub const TRY_IN_LAB: &str = "Try it live: ";
pub const TRY_IN_LAB_KEY: &str = "L tries this in the live lab (Esc comes back here).";
pub const TRY_IN_LAB_SHELL: &str = "Shell:";
pub const END_HEADING: &str = "This is the last page";
pub const END_NEXT: &[&str] = &[
    "Esc goes back to the lessons. From there, the visual quiz and practice test what stuck, and \
     review missed brings back what did not.",
    "The live lab (L on a page with a scenario, or Live lab on the lessons screen) lets you send \
     the good, bad and missing credentials yourself and watch each one stop where it does.",
    "h goes back a page; every section you have read is ticked in the outline (o).",
];
pub const PREDICT_HEADING: &str = "┄┄ Predict before reading on ┄┄";
pub const REVEAL_HEADING: &str = "┄┄ Reveal ┄┄";
pub const REVEAL_LOCKED: &str = "The reveal appears once you commit to an answer.";
pub const YOUR_ANSWER: &str = "Your answer: ";
pub const TYPE_HINT: &str = "Press Enter (or i) to type your answer.";
pub const TYPE_HINT_EDITING: &str = "Type, then Enter to commit · Esc stops typing.";
pub const YOUR_PREDICTION: &str = "Your prediction";
pub const EXPLANATION: &str = "Explanation";
pub const NO_ANSWER: &str = "(no answer)";
pub const BEST_ANSWER: &str = "Best answer: ";
pub const MYTH_TRUE: &str = "True: I believe this";
pub const MYTH_FALSE: &str = "False: this is a myth";
pub const YOU_SAID: &str = "You said: ";
pub const MYTH_IS_TRUE: &str = "Reality: the belief is true.";
pub const MYTH_IS_FALSE: &str = "Reality: the belief is a myth.";
pub const WRONG: &str = "Wrong";
pub const CORRECT: &str = "Correct";
pub const SEARCH_PROMPT: &str = "/";
pub const NO_MATCH: &str = "no match";

#[must_use]
pub fn choose_hint(options: usize) -> String {
    format!("Press 1-{options} (or click) to choose, Enter to commit.")
}

#[must_use]
pub fn myth_tally(believed: usize, answered: usize, total: usize) -> String {
    format!("Myths believed: {believed} of {answered} answered ({total} in this lesson)")
}

#[must_use]
pub fn position(page: usize, pages: usize, top: usize, bottom: usize, lines: usize) -> String {
    let pct = if lines <= bottom { 100 } else { bottom * 100 / lines.max(1) };
    format!("{page}/{pages} · lines {top}-{bottom} of {lines} · {pct}%")
}

#[must_use]
pub fn matches(current: usize, total: usize) -> String {
    format!("match {current} of {total}")
}

// Placeholders for screens other builds add
pub const QUIZ_TITLE: &str = "Quiz";
pub const BACK_HINT: &str = "Esc goes back to the lessons.";

// The quiz screen
pub const QUIZ_VISUAL: &str = "Visual quiz";
pub const QUIZ_PRACTICE: &str = "Practice";
pub const QUIZ_REVIEW: &str = "Review missed";
pub const QUIZ_UNAVAILABLE: &str = "No quiz here yet";
pub const QUIZ_TABLE: &str = "The execution table";
pub const QUIZ_YOUR_ANSWER: &str = "← your answer";
pub const QUIZ_RIGHT_ANSWER: &str = "← the right answer";
pub const QUIZ_SOLUTION: &str = "Worked solution";
pub const QUIZ_FINAL: &str = "Final answer";
pub const QUIZ_QUICK_CHECK: &str = "Quick check: ";
pub const QUIZ_FINISHED: &str = "Quiz finished";
pub const QUIZ_REVIEW_FINISHED: &str = "Review finished";
pub const QUIZ_SCORE: &str = "Score: ";
pub const QUIZ_TIME: &str = "Time: ";
pub const QUIZ_SCORING_RULE: &str =
    "A right answer is worth 1 point, less 0.25 per hint (never below 0.25); a wrong one 0.";
pub const QUIZ_BY_DIFFICULTY: &str = "By difficulty";
pub const QUIZ_BY_TAG: &str = "By tag";
pub const QUIZ_COL_DIFFICULTY: &str = "Difficulty";
pub const QUIZ_COL_TAG: &str = "Tag";
pub const QUIZ_COL_RIGHT: &str = "Right";
pub const QUIZ_COL_POINTS: &str = "Points";
pub const QUIZ_NONE_MISSED: &str = "Nothing missed.";
pub const QUIZ_REVIEW_NOTE: &str =
    "Missed questions also come back in Review missed from tomorrow, until you get them right.";
pub const QUIZ_PICK: &str = "Which questions?";
pub const QUIZ_NOTHING_DUE: &str = "Nothing to review today";
pub const QUIZ_REVIEW_HOW: &str = "How review works: a question you miss comes back the next day; one you \
    get right without hints waits longer each time (1, 2, 4, 8, then 16 days).";

#[must_use]
pub fn quiz_none(mode: &str, lesson: &str) -> String {
    format!("The lesson \"{lesson}\" has no {} to take.", mode.to_lowercase())
}

#[must_use]
pub fn question_of(n: usize, total: usize) -> String {
    format!("Question {n} of {total}")
}

#[must_use]
pub fn hint_of(n: usize, total: usize) -> String {
    format!("Hint {n}/{total}:")
}

/// Under the hints: what the question is worth now and what the next hint would cost.
#[must_use]
pub fn hint_offer(shown: usize, total: usize, worth: &str, worth_next: &str) -> String {
    if shown < total {
        format!(
            "Press h for hint {}/{total}: this question is worth {worth} now, {worth_next} after it.",
            shown + 1
        )
    } else {
        format!("No hints left: this question is worth {worth} if you answer right.")
    }
}

#[must_use]
pub fn worth_now(used: usize, total: usize, worth: &str) -> String {
    if total == 0 {
        format!("no hints · worth {worth}")
    } else {
        format!("hint {used}/{total} · worth {worth} now")
    }
}

#[must_use]
pub fn points_earned(mark: &str, points: &str) -> String {
    format!("{mark} {points} points")
}

#[must_use]
pub fn quiz_right(points: &str, hints: u32) -> String {
    match hints {
        0 => format!("Right: {points} point."),
        1 => format!("Right: {points} points (1 hint used)."),
        n => format!("Right: {points} points ({n} hints used)."),
    }
}

#[must_use]
pub fn quiz_wrong(chosen: char, right: char) -> String {
    format!("Not quite: you chose {chosen}, the answer is {right}.")
}

#[must_use]
pub fn quiz_why_tempting(letter: char) -> String {
    format!("Why {letter} is tempting, and why it is wrong")
}

#[must_use]
pub fn quiz_prove(scenario: &str) -> String {
    format!("Prove it in the lab: press l to open it with the {scenario} requests ready.")
}

#[must_use]
pub fn score(points: &str, answered: usize, right: usize) -> String {
    format!("{points} of {answered} points ({right} of {answered} right)")
}

#[must_use]
pub fn answered_of(answered: usize, total: usize) -> String {
    format!(" · {answered} of {total} questions answered")
}

/// `75 s`, `2 min 05 s`.
#[must_use]
pub fn duration(seconds: u32) -> String {
    if seconds < 60 { format!("{seconds} s") } else { format!("{} min {:02} s", seconds / 60, seconds % 60) }
}

#[must_use]
pub fn missed_heading(n: usize) -> String {
    format!("Missed ({n})")
}

#[must_use]
pub fn retry_offer(n: usize) -> String {
    if n == 1 {
        "Press r to retry the missed question now.".to_owned()
    } else {
        format!("Press r to retry just these {n} questions now.")
    }
}

#[must_use]
pub fn next_review(days: Option<i64>) -> String {
    match days {
        None => "You have not answered any quiz question yet, so nothing is waiting. Take the practice \
            or the visual quiz; what you miss comes back here."
            .to_owned(),
        Some(1) => "You are up to date. The next review is due tomorrow.".to_owned(),
        Some(n) => format!("You are up to date. The next review is due in {n} days."),
    }
}

#[must_use]
pub fn pick_option(difficulty: Option<&str>, n: usize) -> String {
    let what = if n == 1 { "question" } else { "questions" };
    match difficulty {
        None => format!("All {n} {what}"),
        Some(d) => format!("{}{} ({n} {what})", d[..1].to_uppercase(), &d[1..]),
    }
}

/// Beside "Review missed" on the home screen.
#[must_use]
pub fn due_today(n: usize) -> String {
    format!("{n} due today")
}

#[must_use]
pub fn lines(top: usize, bottom: usize, total: usize) -> String {
    format!("lines {top}-{bottom} of {total}")
}

// Overlays and notices
pub const HELP_TITLE: &str = "Keys";
pub const HELP_CLOSE: &str = "? or Esc closes this help";
pub const CONFIRM_TITLE: &str = "Quit?";
pub const CONFIRM_UNSAVED: &str = "Your typed answer is not committed yet and would be lost.";
pub const CONFIRM_UNSAVED_STORE: &str = "Your progress could not be saved and would be lost.";
pub const CONFIRM_KEYS: &str = "y quit · n stay";

#[must_use]
pub fn too_small(need_w: u16, need_h: u16, have_w: u16, have_h: u16) -> String {
    format!("make me bigger (need {need_w}×{need_h}, have {have_w}×{have_h})")
}

pub const NOT_A_TERMINAL: &str = "apisec-tutor: stdout is not a terminal, so the interface cannot be drawn.\n\
    Use `apisec-tutor --plain` to print the lesson as text (add --section KIND or --lesson ID).";

#[must_use]
pub fn panic_note(path: Option<&std::path::Path>) -> String {
    match path {
        Some(p) => format!(
            "apisec-tutor crashed; the terminal was restored. A report was written to {}",
            p.display()
        ),
        None => "apisec-tutor crashed; the terminal was restored (no report could be written).".to_owned(),
    }
}

/// Home's count of the build-up predictions committed, of those the steps ask for (not of the
/// steps: a step without a prediction has nothing to commit).
#[must_use]
pub fn predictions_made(done: usize, asked: usize, short: bool) -> String {
    if short { format!("({done}/{asked} pred.)") } else { format!("({done}/{asked} predictions)") }
}

/// The help overlay's bottom edge when a short terminal cuts it.
#[must_use]
pub fn help_more(hidden: usize) -> String {
    format!(" ↓ {hidden} more: j/↓ scrolls ")
}

/// The last line of home's sections list when the terminal is too short for all of them.
#[must_use]
pub fn sections_more(hidden: usize) -> String {
    format!("… {hidden} more sections")
}

/// The reader's status when something on the page is wider than the screen.
pub const WIDER_THAN_SCREEN: &str = "⇢ wider than the screen: > and < scroll sideways";
