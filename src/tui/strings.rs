//! Every string the interface shows, apart from lesson text (which stays in the content files).

pub const APP_NAME: &str = "apisec-tutor";
pub const MARK_RIGHT: &str = "✓";
pub const MARK_WRONG: &str = "✗";
pub const MARK_CURRENT: &str = "▶";

// Home
pub const LESSONS: &str = "Lessons";
pub const MODES: &str = "Learning modes";
pub const SECTIONS: &str = "Sections";
pub const CONTINUE: &str = "Continue where you left off";
pub const NO_MODES: &str = "This lesson defines no learning modes; Enter opens the guided walk-through.";

// Reader
pub const OUTLINE: &str = "Outline";
pub const EMPTY_SECTION: &str = "(this section is empty in this lesson)";
pub const TRY_IN_LAB: &str = "Try it live: ";
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
pub const LAB_TITLE: &str = "Live lab";
pub const QUIZ_TITLE: &str = "Quiz";
pub const COMING_LAB: &str =
    "The interactive lab is coming in this build. Meanwhile run it as text: apisec-tutor lab --plain";
pub const COMING_QUIZ: &str =
    "The interactive quiz is coming in this build. Meanwhile take it as text: apisec-tutor quiz --plain";
pub const BACK_HINT: &str = "Esc goes back to the lessons.";

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
