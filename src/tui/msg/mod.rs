//! The interface's vocabulary, at the bottom of `tui`: what can happen (an [`Action`]: a key's
//! intent, a mouse event, a resize, a signal, a lab result) and what must be done about it (an
//! [`Effect`]: the I/O the event loop runs, or a [`Nav`] the app's router carries out). Every
//! screen, the key map, the router and the event loop speak these types; this module imports
//! nothing else of the interface but its strings.

pub mod lab;

pub use lab::{LabEffect, LabMsg};

use crate::content::ModeTarget;

/// An intent or an event, fed to `App::update` and from there to the screen on top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Quit, asking first if something unsaved would be lost.
    Quit,
    /// "Yes, quit" in the confirmation.
    ConfirmQuit,
    /// "No, stay" in the confirmation.
    CancelQuit,
    Back,
    ToggleHelp,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    ScrollLeft,
    ScrollRight,
    NextPage,
    PrevPage,
    /// Tab: the next pane.
    FocusNext,
    Open,
    ToggleOutline,
    SearchStart,
    SearchNext,
    SearchPrev,
    /// Pick option `n` (0-based) of a prediction.
    Choose(usize),
    /// Commit the picked option.
    Commit,
    /// Start typing a short answer.
    StartTyping,
    /// Commit to a myth: `true` = "I believe it".
    MythAnswer(bool),
    Input(char),
    InputBackspace,
    InputSubmit,
    InputCancel,
    /// Mouse wheel: lines to scroll (negative = up).
    Wheel(i16),
    Click {
        col: u16,
        row: u16,
    },
    Resize(u16, u16),
    /// Quiz: answer with choice `n` (display order, 0-based: A = 0).
    Answer(usize),
    /// Quiz: reveal the next hint of the ladder.
    NextHint,
    /// Quiz: after the feedback, the next question (or the summary).
    NextQuestion,
    /// Quiz: open the lab with the answered question's scenario ready.
    ProveInLab,
    /// Quiz summary: a new round with just the missed questions.
    RetryMissed,
    /// Quiz: stop now and show the score so far.
    EndQuiz,
    /// Reader: open the live lab on this page's scenario.
    OpenLab,
    /// The live lab's intents and results (see `msg::lab` and `screens::lab`).
    Lab(LabMsg),
    /// A progress save failed (or succeeded again, with `None`).
    SaveResult(Option<String>),
    /// Something the learner should know (a progress file moved aside, say), shown in the footer.
    Notice(String),
    Tick,
}

/// What an `update` asks for; `update` itself never does I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    SaveProgress,
    Quit,
    /// Lab work: start or stop the demo API, send a request, compare, sign, copy (run by
    /// `lab_runner`).
    Lab(LabEffect),
    /// A change of screen, carried out by the app's router (never reaches the event loop).
    Go(Nav),
}

/// Where a screen asks to go; the router owns the screens, so it makes the move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nav {
    /// Back to the screen this one was opened over (a page, a quiz), else home.
    Back,
    /// A learning mode of a lesson (index into the catalog's lessons).
    Mode { lesson: usize, target: ModeTarget },
    /// The reader at the saved position (home's "Continue").
    Continue,
    /// The live lab on a scenario, opened over the current screen: Esc comes back to it.
    Lab { lesson: usize, scenario: Option<String> },
}
