//! What can happen (an [`Action`]: a key's intent, a mouse event, a resize, a signal, later a lab
//! result) and what the loop must do about it (an [`Effect`]: the only I/O the app asks for).

/// An intent or an event, fed to [`App::update`](super::app::App::update).
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
    /// The live lab's intents and results (see `lab_screen`).
    Lab(super::lab_screen::LabMsg),
    /// A progress save failed (or succeeded again, with `None`).
    SaveResult(Option<String>),
    /// Something the learner should know (a progress file moved aside, say), shown in the footer.
    Notice(String),
    Tick,
}

/// Work for the event loop; `update` itself never does I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    SaveProgress,
    Quit,
    /// Lab work: send a request, compare, sign, copy (run by `lab_screen::runner`).
    Lab(super::lab_screen::LabEffect),
}
