//! One binding table feeds [`keymap`], the footer and the help overlay, so they cannot drift.
//!
//! The app says which [`Scope`]s are active, most specific first; the first binding that matches
//! wins. Text-entry scopes turn any other printable key into [`Action::Input`].

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::msg::Action;
use super::msg::lab::{CopyFormat, LabMsg, Pane};

/// Where a key is pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every screen (Ctrl-C, `q`, `?`).
    Global,
    Home,
    Reader,
    /// The reader's outline has the focus.
    Outline,
    /// A prediction with options, not yet committed.
    Options,
    /// A prediction answered by typing, not yet committed.
    TypedPrompt,
    /// Typing the answer.
    Editing,
    /// A myth not yet committed.
    Myth,
    /// Typing a search.
    Search,
    Help,
    Confirm,
    Lab,
    /// Any quiz screen (scrolling, end, back).
    Quiz,
    /// A quiz question open for an answer.
    QuizAsking,
    /// A quiz question answered: its feedback is shown.
    QuizAnswered,
    /// The answered question names a lab scenario.
    QuizLab,
    /// The reader's page names a lab scenario (`L` opens it; the footer says so).
    PageLab,
    /// The quiz summary, with questions missed.
    QuizMissed,
    /// Practice: picking which questions to take.
    QuizPick,
}

impl Scope {
    /// Scopes where printable keys are text.
    fn takes_text(self) -> bool {
        matches!(self, Scope::Editing | Scope::Search)
    }

    /// Scopes that hide everything below them except [`Scope::Global`].
    #[must_use]
    pub fn is_modal(self) -> bool {
        matches!(self, Scope::Editing | Scope::Search | Scope::Help | Scope::Confirm)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn k(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: false }
}
const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: true }
}
const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const UP: Key = code(KeyCode::Up);
const DOWN: Key = code(KeyCode::Down);
const LEFT: Key = code(KeyCode::Left);
const RIGHT: Key = code(KeyCode::Right);
const ENTER: Key = code(KeyCode::Enter);
const ESC: Key = code(KeyCode::Esc);
const TAB: Key = code(KeyCode::Tab);
const BACKTAB: Key = code(KeyCode::BackTab);
const PGUP: Key = code(KeyCode::PageUp);
const PGDN: Key = code(KeyCode::PageDown);
const HOME: Key = code(KeyCode::Home);
const END: Key = code(KeyCode::End);
const BACKSPACE: Key = code(KeyCode::Backspace);

/// One row of the table. `footer`: 0 = never in the footer, else lower = more useful.
#[derive(Debug, Clone)]
pub struct Binding {
    pub scope: Scope,
    pub keys: &'static [Key],
    pub action: Action,
    /// How the keys are written in the footer and help.
    pub label: &'static str,
    pub help: &'static str,
    pub footer: u8,
}

const fn b(
    scope: Scope,
    keys: &'static [Key],
    action: Action,
    label: &'static str,
    help: &'static str,
    footer: u8,
) -> Binding {
    Binding { scope, keys, action, label, help, footer }
}

use Scope as S;

pub static BINDINGS: &[Binding] = &[
    // Overlays first: they are modal.
    b(S::Confirm, &[k('y'), ENTER, ctrl('c'), k('q')], Action::ConfirmQuit, "y", "quit", 1),
    b(S::Confirm, &[k('n'), ESC], Action::CancelQuit, "n/Esc", "stay", 2),
    b(S::Help, &[k('?'), ESC, k('q')], Action::ToggleHelp, "?/Esc", "close help", 1),
    b(S::Help, &[DOWN, k('j')], Action::Down, "j/↓", "scroll help", 0),
    b(S::Help, &[UP, k('k')], Action::Up, "k/↑", "scroll help", 0),
    b(S::Editing, &[ENTER], Action::InputSubmit, "Enter", "commit your answer", 1),
    b(S::Editing, &[ESC], Action::InputCancel, "Esc", "stop typing", 2),
    b(S::Editing, &[BACKSPACE], Action::InputBackspace, "Backspace", "delete a character", 0),
    b(S::Search, &[ENTER], Action::InputSubmit, "Enter", "search", 1),
    b(S::Search, &[ESC], Action::InputCancel, "Esc", "cancel the search", 2),
    b(S::Search, &[BACKSPACE], Action::InputBackspace, "Backspace", "delete a character", 0),
    // Answers on the current page.
    b(S::Options, &[k('1')], Action::Choose(0), "1-9", "choose an option", 1),
    b(S::Options, &[k('2')], Action::Choose(1), "1-9", "choose an option", 1),
    b(S::Options, &[k('3')], Action::Choose(2), "1-9", "choose an option", 1),
    b(S::Options, &[k('4')], Action::Choose(3), "1-9", "choose an option", 1),
    b(S::Options, &[k('5')], Action::Choose(4), "1-9", "choose an option", 1),
    b(S::Options, &[k('6')], Action::Choose(5), "1-9", "choose an option", 1),
    b(S::Options, &[k('7')], Action::Choose(6), "1-9", "choose an option", 1),
    b(S::Options, &[k('8')], Action::Choose(7), "1-9", "choose an option", 1),
    b(S::Options, &[k('9')], Action::Choose(8), "1-9", "choose an option", 1),
    b(S::Options, &[ENTER], Action::Commit, "Enter", "commit the chosen option", 2),
    b(S::TypedPrompt, &[ENTER, k('i')], Action::StartTyping, "Enter/i", "type your prediction", 1),
    b(S::Myth, &[k('t')], Action::MythAnswer(true), "t", "I believe it (true)", 1),
    b(S::Myth, &[k('f')], Action::MythAnswer(false), "f", "it is a myth (false)", 2),
    // The outline, when it has the focus.
    b(S::Outline, &[DOWN, k('j')], Action::Down, "j/↓", "next entry", 3),
    b(S::Outline, &[UP, k('k')], Action::Up, "k/↑", "previous entry", 0),
    b(S::Outline, &[ENTER, RIGHT, k('l')], Action::Open, "Enter", "open the entry", 1),
    b(S::Outline, &[HOME, k('g')], Action::Top, "g/Home", "first entry", 0),
    b(S::Outline, &[END, k('G')], Action::Bottom, "G/End", "last entry", 0),
    b(S::Outline, &[ESC], Action::FocusNext, "Esc", "back to the text", 0),
    // Reading.
    b(S::Reader, &[DOWN, k('j')], Action::Down, "j/k", "scroll down / up", 3),
    b(S::Reader, &[UP, k('k')], Action::Up, "j/k", "scroll down / up", 0),
    b(S::Reader, &[PGDN, k(' '), ctrl('d'), ctrl('f')], Action::PageDown, "PgDn/Space", "page down", 0),
    b(S::Reader, &[PGUP, k('b'), ctrl('u'), ctrl('b')], Action::PageUp, "PgUp/b", "page up", 0),
    b(S::Reader, &[HOME, k('g')], Action::Top, "g/Home", "top of the section", 0),
    b(S::Reader, &[END, k('G')], Action::Bottom, "G/End", "end of the section", 0),
    b(S::Reader, &[RIGHT, k('l'), k(']')], Action::NextPage, "→/l", "next section", 2),
    b(S::Reader, &[LEFT, k('h'), k('[')], Action::PrevPage, "←/h", "previous section", 0),
    b(S::Reader, &[k('>')], Action::ScrollRight, ">/<", "scroll wide diagrams sideways", 0),
    b(S::Reader, &[k('<')], Action::ScrollLeft, ">/<", "scroll wide diagrams sideways", 0),
    b(S::Reader, &[TAB, BACKTAB], Action::FocusNext, "Tab", "switch between outline and text", 0),
    b(S::Reader, &[k('o')], Action::ToggleOutline, "o", "show / hide the outline", 0),
    b(S::Reader, &[k('/')], Action::SearchStart, "/", "search", 5),
    b(S::Reader, &[k('n')], Action::SearchNext, "n/N", "next / previous match", 0),
    b(S::Reader, &[k('N')], Action::SearchPrev, "n/N", "next / previous match", 0),
    b(S::Reader, &[ESC], Action::Back, "Esc", "clear the search, or back to the lessons", 6),
    // Home.
    b(S::Home, &[DOWN, k('j')], Action::Down, "j/k", "move down / up", 2),
    b(S::Home, &[UP, k('k')], Action::Up, "j/k", "move down / up", 0),
    b(S::Home, &[ENTER, RIGHT, k('l')], Action::Open, "Enter", "open", 1),
    b(S::Home, &[TAB, BACKTAB], Action::FocusNext, "Tab", "switch between lessons and modes", 0),
    b(S::Home, &[HOME, k('g')], Action::Top, "g/Home", "first entry", 0),
    b(S::Home, &[END, k('G')], Action::Bottom, "G/End", "last entry", 0),
    // A page that names a lab scenario: `L` tries it there (and comes back here with Esc).
    b(S::PageLab, &[k('L')], Action::OpenLab, "L", "try this page in the live lab", 2),
    b(S::Reader, &[k('L')], Action::OpenLab, "L", "open this page's scenario in the live lab", 0),
    // The live lab (see screens/lab).
    b(S::Lab, &[k('r')], Action::Lab(LabMsg::ReplaySeed), "r", "replay the seed", 1),
    b(S::Lab, &[ENTER], Action::Lab(LabMsg::Primary), "Enter", "send / run", 2),
    b(S::Lab, &[TAB], Action::FocusNext, "Tab", "next pane", 3),
    b(S::Lab, &[BACKTAB], Action::Lab(LabMsg::PrevPane), "S-Tab", "previous pane", 0),
    b(S::Lab, &[DOWN, k('j')], Action::Down, "j/k", "select a row", 0),
    b(S::Lab, &[UP, k('k')], Action::Up, "j/k", "select a row", 0),
    b(S::Lab, &[PGDN], Action::PageDown, "PgDn/PgUp", "scroll the pane (table: ten rows)", 0),
    b(S::Lab, &[PGUP], Action::PageUp, "PgDn/PgUp", "scroll the pane (table: ten rows)", 0),
    b(S::Lab, &[HOME, k('g')], Action::Top, "g/G", "first / last row", 0),
    b(S::Lab, &[END, k('G')], Action::Bottom, "g/G", "first / last row", 0),
    b(S::Lab, &[k(']')], Action::Lab(LabMsg::NextRoute), "[/]", "previous / next route", 0),
    b(S::Lab, &[k('[')], Action::Lab(LabMsg::PrevRoute), "[/]", "previous / next route", 0),
    b(S::Lab, &[RIGHT, k('l')], Action::Lab(LabMsg::NextPreset), "←/→", "previous / next credential", 0),
    b(S::Lab, &[LEFT, k('h')], Action::Lab(LabMsg::PrevPreset), "←/→", "previous / next credential", 0),
    b(S::Lab, &[k('n')], Action::Lab(LabMsg::NextScenario), "n/N", "next / previous scenario", 0),
    b(S::Lab, &[k('N')], Action::Lab(LabMsg::PrevScenario), "n/N", "next / previous scenario", 0),
    b(S::Lab, &[k('s')], Action::Lab(LabMsg::SendScenario), "s", "send the whole scenario", 0),
    b(S::Lab, &[k('p')], Action::Lab(LabMsg::Predict), "p", "predict the status, then send", 0),
    b(S::Lab, &[k('e')], Action::Lab(LabMsg::EditForm), "e", "edit method, path, headers, body", 0),
    b(S::Lab, &[k('v')], Action::Lab(LabMsg::ToggleVersion), "v", "switch FastAPI version and replay", 0),
    b(S::Lab, &[k('i')], Action::Lab(LabMsg::Pane(Pane::Inspector)), "i", "inspector", 0),
    b(S::Lab, &[k('t')], Action::Lab(LabMsg::Pane(Pane::Trace)), "t", "flow and trace", 0),
    b(S::Lab, &[k('$')], Action::Lab(LabMsg::Pane(Pane::Tracker)), "$", "variable tracker", 0),
    b(S::Lab, &[k('V')], Action::Lab(LabMsg::Pane(Pane::Compare)), "V", "vulnerable vs fixed", 0),
    b(S::Lab, &[k('w')], Action::Lab(LabMsg::LoadToken), "w", "token workbench (loads the row's token)", 0),
    b(S::Lab, &[k('1')], Action::Lab(LabMsg::Digit(1)), "1-3", "pick a comparison / edit a claim", 0),
    b(S::Lab, &[k('2')], Action::Lab(LabMsg::Digit(2)), "1-3", "pick a comparison / edit a claim", 0),
    b(S::Lab, &[k('3')], Action::Lab(LabMsg::Digit(3)), "1-3", "pick a comparison / edit a claim", 0),
    b(S::Lab, &[k('4')], Action::Lab(LabMsg::Digit(4)), "4", "workbench: set any claim (name=value)", 0),
    b(S::Lab, &[k('x')], Action::Lab(LabMsg::ToggleExp), "x", "workbench: exp in the past / fresh", 0),
    b(S::Lab, &[k('K')], Action::Lab(LabMsg::NextKey), "K", "workbench: next signing key", 0),
    b(S::Lab, &[k('c')], Action::Lab(LabMsg::Copy(CopyFormat::Curl)), "c", "copy the row as curl", 0),
    b(S::Lab, &[k('H')], Action::Lab(LabMsg::Copy(CopyFormat::Httpie)), "H", "copy the row as httpie", 0),
    b(
        S::Lab,
        &[k('T')],
        Action::Lab(LabMsg::Copy(CopyFormat::TestClient)),
        "T",
        "copy the row as a TestClient test",
        0,
    ),
    b(S::Lab, &[ESC], Action::Back, "Esc", "back (to the page or quiz that opened the lab, else home)", 5),
    b(S::QuizAsking, &[k('a'), k('A'), k('1')], Action::Answer(0), "A-D/1-4", "answer", 1),
    b(S::QuizAsking, &[k('b'), k('B'), k('2')], Action::Answer(1), "A-D/1-4", "answer", 1),
    b(S::QuizAsking, &[k('c'), k('C'), k('3')], Action::Answer(2), "A-D/1-4", "answer", 1),
    b(S::QuizAsking, &[k('d'), k('D'), k('4')], Action::Answer(3), "A-D/1-4", "answer", 1),
    b(S::QuizAsking, &[k('H')], Action::NextHint, "H", "reveal the next hint", 2),
    b(S::QuizAsking, &[DOWN, k('j')], Action::Down, "↑/↓", "move between the choices", 0),
    b(S::QuizAsking, &[UP, k('k')], Action::Up, "↑/↓", "move between the choices", 0),
    b(S::QuizAsking, &[ENTER], Action::Commit, "Enter", "answer with the highlighted choice", 0),
    b(S::QuizAnswered, &[k('n'), ENTER, RIGHT], Action::NextQuestion, "n/Enter", "next question", 1),
    b(S::QuizLab, &[k('L')], Action::ProveInLab, "L", "prove it in the lab", 2),
    b(S::QuizMissed, &[k('r')], Action::RetryMissed, "r", "retry just the missed questions", 1),
    b(S::QuizPick, &[ENTER], Action::Commit, "1-4/Enter", "start with these questions", 1),
    b(S::QuizPick, &[k('1')], Action::Choose(0), "1-4/Enter", "start with these questions", 1),
    b(S::QuizPick, &[k('2')], Action::Choose(1), "1-4/Enter", "start with these questions", 1),
    b(S::QuizPick, &[k('3')], Action::Choose(2), "1-4/Enter", "start with these questions", 1),
    b(S::QuizPick, &[k('4')], Action::Choose(3), "1-4/Enter", "start with these questions", 1),
    b(S::QuizPick, &[DOWN, k('j')], Action::Down, "↑/↓", "move between the choices", 2),
    b(S::QuizPick, &[UP, k('k')], Action::Up, "↑/↓", "move between the choices", 2),
    b(S::Quiz, &[DOWN, k('j')], Action::Down, "j/k", "scroll down / up", 0),
    b(S::Quiz, &[UP, k('k')], Action::Up, "j/k", "scroll down / up", 0),
    b(S::Quiz, &[PGDN, k(' ')], Action::PageDown, "PgDn/Space", "page down", 0),
    b(S::Quiz, &[PGUP], Action::PageUp, "PgUp", "page up", 0),
    b(S::Quiz, &[HOME, k('g')], Action::Top, "g/Home", "top", 0),
    b(S::Quiz, &[END, k('G')], Action::Bottom, "G/End", "bottom", 0),
    b(S::Quiz, &[k('e')], Action::EndQuiz, "e", "end the quiz and see the score", 0),
    b(S::Quiz, &[ESC], Action::Back, "Esc", "back to the lessons", 3),
    // Everywhere.
    b(S::Global, &[ctrl('c')], Action::Quit, "Ctrl-C", "quit, even while typing", 0),
    b(S::Global, &[k('q')], Action::Quit, "q", "quit", 7),
    b(S::Global, &[k('?')], Action::ToggleHelp, "?", "all keys", 4),
];

fn matches(key: Key, event: &KeyEvent) -> bool {
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    // Shift is part of the character (`G`, `?`), so only Control is compared.
    key.code == event.code && key.ctrl == ctrl
}

/// The action for a key press in the active scopes (most specific first); releases and repeats
/// of other kinds are ignored.
#[must_use]
pub fn keymap(scopes: &[Scope], event: KeyEvent) -> Option<Action> {
    if event.kind != KeyEventKind::Press {
        return None;
    }
    for &scope in scopes {
        if let Some(binding) =
            BINDINGS.iter().find(|b| b.scope == scope && b.keys.iter().any(|k| matches(*k, &event)))
        {
            return Some(binding.action.clone());
        }
        if scope.takes_text()
            && let KeyCode::Char(c) = event.code
            && !event.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return Some(Action::Input(c));
        }
    }
    None
}

/// The bindings of the active scopes that a key can still reach: one row per help text, and
/// none whose keys a more specific scope takes first (e.g. `?` while typing is text).
#[must_use]
pub fn active(scopes: &[Scope]) -> Vec<&'static Binding> {
    let mut out: Vec<&'static Binding> = Vec::new();
    for (n, &scope) in scopes.iter().enumerate() {
        let above = &scopes[..n];
        let shadowed = |key: &Key| {
            above.iter().any(|s| {
                (s.takes_text() && matches!(key.code, KeyCode::Char(_)) && !key.ctrl)
                    || BINDINGS.iter().any(|b| b.scope == *s && b.keys.contains(key))
            })
        };
        for binding in BINDINGS.iter().filter(|b| b.scope == scope) {
            if binding.keys.iter().all(shadowed) {
                continue;
            }
            if !out.iter().any(|o| o.help == binding.help) {
                out.push(binding);
            }
        }
    }
    out
}

/// The three most useful keys in the active scopes, for the footer.
#[must_use]
pub fn footer(scopes: &[Scope]) -> Vec<(&'static str, &'static str)> {
    let mut keys: Vec<&Binding> = active(scopes).into_iter().filter(|b| b.footer > 0).collect();
    keys.sort_by_key(|b| b.footer);
    keys.into_iter().take(3).map(|b| (b.label, b.help)).collect()
}

/// Mouse wheel and left clicks; everything else (moves, drags) is ignored.
#[must_use]
pub fn mouse(event: MouseEvent) -> Option<Action> {
    match event.kind {
        MouseEventKind::ScrollDown => Some(Action::Wheel(3)),
        MouseEventKind::ScrollUp => Some(Action::Wheel(-3)),
        MouseEventKind::Down(MouseButton::Left) => Some(Action::Click { col: event.column, row: event.row }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventState;

    fn ev(code: KeyCode, modifiers: KeyModifiers, kind: KeyEventKind) -> KeyEvent {
        KeyEvent { code, modifiers, kind, state: KeyEventState::NONE }
    }
    fn press(c: char) -> KeyEvent {
        let shift = if c.is_ascii_uppercase() || "?<>".contains(c) {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        ev(KeyCode::Char(c), shift, KeyEventKind::Press)
    }
    fn release(c: char) -> KeyEvent {
        ev(KeyCode::Char(c), KeyModifiers::NONE, KeyEventKind::Release)
    }
    fn ctrl_c(c: char) -> KeyEvent {
        ev(KeyCode::Char(c), KeyModifiers::CONTROL, KeyEventKind::Press)
    }
    fn key(code: KeyCode) -> KeyEvent {
        ev(code, KeyModifiers::NONE, KeyEventKind::Press)
    }

    const HOME_S: &[Scope] = &[S::Home, S::Global];
    const READER: &[Scope] = &[S::Reader, S::Global];
    const OPTIONS: &[Scope] = &[S::Options, S::Reader, S::Global];
    const OUTLINE: &[Scope] = &[S::Outline, S::Reader, S::Global];
    const EDITING: &[Scope] = &[S::Editing, S::Global];
    const SEARCH: &[Scope] = &[S::Search, S::Global];
    const MYTH: &[Scope] = &[S::Myth, S::Reader, S::Global];
    const HELP: &[Scope] = &[S::Help, S::Global];
    const CONFIRM: &[Scope] = &[S::Confirm];
    const LAB: &[Scope] = &[S::Lab, S::Global];

    #[test]
    fn the_table() {
        for (scopes, event, want) in [
            (HOME_S, press('j'), Some(Action::Down)),
            (HOME_S, key(KeyCode::Down), Some(Action::Down)),
            (HOME_S, key(KeyCode::Enter), Some(Action::Open)),
            (HOME_S, key(KeyCode::Tab), Some(Action::FocusNext)),
            (HOME_S, press('q'), Some(Action::Quit)),
            (HOME_S, ctrl_c('c'), Some(Action::Quit)),
            (HOME_S, press('?'), Some(Action::ToggleHelp)),
            (HOME_S, release('q'), None),
            (HOME_S, press('z'), None),
            (READER, press('G'), Some(Action::Bottom)),
            (READER, key(KeyCode::End), Some(Action::Bottom)),
            (READER, key(KeyCode::PageDown), Some(Action::PageDown)),
            (READER, press(' '), Some(Action::PageDown)),
            (READER, ctrl_c('d'), Some(Action::PageDown)),
            (READER, key(KeyCode::Right), Some(Action::NextPage)),
            (READER, press('['), Some(Action::PrevPage)),
            (READER, press('/'), Some(Action::SearchStart)),
            (READER, press('n'), Some(Action::SearchNext)),
            (READER, press('N'), Some(Action::SearchPrev)),
            (READER, press('o'), Some(Action::ToggleOutline)),
            (READER, key(KeyCode::Esc), Some(Action::Back)),
            (READER, press('1'), None),
            (OPTIONS, press('1'), Some(Action::Choose(0))),
            (OPTIONS, press('9'), Some(Action::Choose(8))),
            (OPTIONS, key(KeyCode::Enter), Some(Action::Commit)),
            (OPTIONS, press('j'), Some(Action::Down)),
            (OUTLINE, key(KeyCode::Enter), Some(Action::Open)),
            (OUTLINE, press('j'), Some(Action::Down)),
            (OUTLINE, press('/'), Some(Action::SearchStart)),
            (OUTLINE, key(KeyCode::Esc), Some(Action::FocusNext)),
            (MYTH, press('t'), Some(Action::MythAnswer(true))),
            (MYTH, press('f'), Some(Action::MythAnswer(false))),
            (EDITING, press('q'), Some(Action::Input('q'))),
            (EDITING, press('?'), Some(Action::Input('?'))),
            (EDITING, key(KeyCode::Enter), Some(Action::InputSubmit)),
            (EDITING, key(KeyCode::Backspace), Some(Action::InputBackspace)),
            (EDITING, ctrl_c('c'), Some(Action::Quit)),
            (SEARCH, press('n'), Some(Action::Input('n'))),
            (SEARCH, key(KeyCode::Esc), Some(Action::InputCancel)),
            (HELP, key(KeyCode::Esc), Some(Action::ToggleHelp)),
            (HELP, press('?'), Some(Action::ToggleHelp)),
            (CONFIRM, press('y'), Some(Action::ConfirmQuit)),
            (CONFIRM, ctrl_c('c'), Some(Action::ConfirmQuit)),
            (CONFIRM, press('n'), Some(Action::CancelQuit)),
            (CONFIRM, press('?'), None),
            (LAB, key(KeyCode::Esc), Some(Action::Back)),
            (LAB, ctrl_c('c'), Some(Action::Quit)),
        ] {
            assert_eq!(keymap(scopes, event), want, "{scopes:?} {event:?}");
        }
    }

    #[test]
    fn repeats_are_ignored_like_releases() {
        assert_eq!(keymap(READER, ev(KeyCode::Down, KeyModifiers::NONE, KeyEventKind::Repeat)), None);
    }

    #[test]
    fn footer_shows_three_keys_from_the_same_table() {
        assert_eq!(
            footer(OPTIONS),
            vec![("1-9", "choose an option"), ("Enter", "commit the chosen option"), ("→/l", "next section")]
        );
        assert_eq!(footer(HOME_S).len(), 3);
        assert_eq!(footer(HOME_S)[0], ("Enter", "open"));
        for scopes in [HOME_S, READER, OPTIONS, OUTLINE, EDITING, SEARCH, MYTH, HELP, CONFIRM, LAB] {
            for (label, help) in footer(scopes) {
                assert!(active(scopes).iter().any(|b| b.label == label && b.help == help));
            }
        }
    }

    #[test]
    fn help_lists_each_key_once_and_every_bound_key_is_listed() {
        let helps: Vec<&str> = active(READER).iter().map(|b| b.help).collect();
        let mut unique = helps.clone();
        unique.dedup();
        assert_eq!(helps, unique);
        assert!(helps.contains(&"search") && helps.contains(&"quit") && helps.contains(&"next section"));
    }

    #[test]
    fn keys_taken_by_a_more_specific_scope_are_not_advertised() {
        let typing: Vec<&str> = active(EDITING).iter().map(|b| b.label).collect();
        assert!(!typing.contains(&"?") && !typing.contains(&"q"), "{typing:?}");
        assert!(typing.contains(&"Ctrl-C"));
        let help: Vec<&str> = active(HELP).iter().map(|b| b.help).collect();
        assert!(!help.contains(&"all keys"), "{help:?}");
        assert!(!footer(EDITING).iter().any(|(k, _)| *k == "?"));
    }

    #[test]
    fn mouse_wheel_and_click() {
        let m = |kind| MouseEvent { kind, column: 3, row: 4, modifiers: KeyModifiers::NONE };
        assert_eq!(mouse(m(MouseEventKind::ScrollDown)), Some(Action::Wheel(3)));
        assert_eq!(mouse(m(MouseEventKind::ScrollUp)), Some(Action::Wheel(-3)));
        assert_eq!(mouse(m(MouseEventKind::Down(MouseButton::Left))), Some(Action::Click { col: 3, row: 4 }));
        assert_eq!(mouse(m(MouseEventKind::Moved)), None);
    }
}
