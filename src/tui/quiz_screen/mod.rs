//! The quiz screen (visual quiz, practice, review): its state, its update, and the document the
//! view draws. A [`quiz::Session`](crate::quiz::Session) does the quiz itself (order, shuffle,
//! hints, scoring); this module turns keys into session calls, records each answer in progress
//! (one save per answer, not per key), and lays the question out as lines.
//!
//! The layout is a pure function of the app and the size ([`view`]), used by the view to draw
//! and by `update` to scroll and to know which choice a click landed on, so the two cannot drift.

mod page;

pub use page::{
    QuizAreas, QuizDoc, QuizView, SIDE_TABLE_MIN_WIDTH, TABLE_PANE_EDGE, areas, status, status_style, view,
};

use super::action::{Action, Effect};
use super::app::{App, Screen};
use super::keymap::Scope;
use super::layout;
use super::strings as s;
use crate::content::{Catalog, Difficulty, Lesson, ModeTarget, QuizKind};
use crate::progress::Day;
use crate::quiz::{self, Phase, Selection, Session, SessionOptions};

/// The quiz screen's state.
#[derive(Debug, Clone, PartialEq)]
pub struct QuizState {
    /// The lesson the screen was opened from (Esc goes home to it).
    pub lesson: usize,
    pub mode: ModeTarget,
    pub body: QuizBody,
    /// The highlighted choice (display index) while a question is open.
    pub selected: usize,
    pub scroll: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum QuizBody {
    /// A session: a question, its feedback, or (finished) the summary.
    Session(Box<Session>),
    /// Review with nothing due today: good news, and when the next review is.
    NothingDue {
        /// Days until the next question is due; `None` when nothing was ever answered.
        next_in_days: Option<i64>,
    },
    /// No quiz to open (e.g. the lesson has no visual quiz); the message says why.
    Unavailable(String),
    /// Practice from home: which questions to take, all or one difficulty (`selected` picks).
    Pick {
        quiz: String,
        /// `None` = every question; with the number of questions of each.
        options: Vec<(Option<Difficulty>, usize)>,
    },
}

impl QuizState {
    /// The key scopes in effect, most specific first.
    #[must_use]
    pub fn scopes(&self) -> Vec<Scope> {
        let mut scopes = Vec::new();
        if let QuizBody::Session(session) = &self.body {
            match session.phase() {
                Phase::Asking => scopes.push(Scope::QuizAsking),
                Phase::Answered(f) => {
                    scopes.push(Scope::QuizAnswered);
                    if f.lab_scenario.is_some() {
                        scopes.push(Scope::QuizLab);
                    }
                }
                Phase::Finished => {
                    if !session.summary().missed.is_empty() {
                        scopes.push(Scope::QuizMissed);
                    }
                }
            }
        }
        if matches!(self.body, QuizBody::Pick { .. }) {
            scopes.push(Scope::QuizPick);
        }
        scopes.extend([Scope::Quiz, Scope::Global]);
        scopes
    }

    #[must_use]
    pub fn session(&self) -> Option<&Session> {
        match &self.body {
            QuizBody::Session(s) => Some(s),
            _ => None,
        }
    }
}

/// The mode's name in the header ("Practice · <lesson>").
#[must_use]
pub fn mode_title(mode: ModeTarget) -> &'static str {
    match mode {
        ModeTarget::VisualQuiz => s::QUIZ_VISUAL,
        ModeTarget::ReviewMissed => s::QUIZ_REVIEW,
        _ => s::QUIZ_PRACTICE,
    }
}

/// The local day at the app's clock.
fn today(app: &App) -> Day {
    Day::of_unix((app.clock)() / 1000)
}

/// How many questions are due for review today (the home screen shows it).
#[must_use]
pub fn due_today(app: &App) -> usize {
    app.progress.due_today(&app.catalog, today(app)).len()
}

/// Days from `today` to the first review due later; `None` when no question has a card.
fn next_due_in(app: &App, today: Day) -> Option<i64> {
    app.catalog
        .quizzes
        .iter()
        .flat_map(|quiz| quiz.questions.iter().filter_map(|q| app.progress.card(&quiz.id, &q.id)))
        .map(|card| (card.due.0 - today.0).max(1))
        .min()
}

/// Opens a learning mode of a lesson from home: the lesson's visual or practice quiz, or the
/// review of every question due today. Each opening shuffles the choices anew.
pub fn open_mode(app: &mut App, lesson: usize, mode: ModeTarget) -> Vec<Effect> {
    let Some(l) = app.catalog.lessons.get(lesson) else { return Vec::new() };
    let selection = match mode {
        ModeTarget::ReviewMissed => Ok(Selection { review: true, ..Selection::default() }),
        _ => {
            let kind = if mode == ModeTarget::VisualQuiz { QuizKind::Visual } else { QuizKind::Practice };
            lesson_quiz(&app.catalog, l, kind)
                .map(|id| Selection { quiz: Some(id), ..Selection::default() })
                .ok_or_else(|| s::quiz_none(mode_title(mode), &l.title))
        }
    };
    // Practice asks which questions first, when there is a choice of difficulties.
    if mode == ModeTarget::Practice
        && let Ok(Selection { quiz: Some(id), .. }) = &selection
        && let Some(options) = difficulty_options(&app.catalog, id)
    {
        let body = QuizBody::Pick { quiz: id.clone(), options };
        app.screen = Screen::Quiz(QuizState { lesson, mode, body, selected: 0, scroll: 0 });
        return Vec::new();
    }
    let seed = (app.clock)();
    let state = start(app, lesson, mode, selection, seed);
    app.screen = Screen::Quiz(state);
    Vec::new()
}

/// "All", then each difficulty the quiz has, with question counts; `None` with only one.
fn difficulty_options(catalog: &Catalog, quiz: &str) -> Option<Vec<(Option<Difficulty>, usize)>> {
    let questions = &catalog.quiz(quiz)?.questions;
    let mut options = vec![(None, questions.len())];
    for d in Difficulty::ALL {
        let n = questions.iter().filter(|q| q.difficulty == d).count();
        if n > 0 {
            options.push((Some(d), n));
        }
    }
    (options.len() > 2).then_some(options)
}

/// Starts the practice with the picked option.
fn begin(app: &mut App, option: usize) {
    let Screen::Quiz(q) = &app.screen else { return };
    let QuizBody::Pick { quiz, options } = &q.body else { return };
    let Some(&(difficulty, _)) = options.get(option) else { return };
    let selection = Selection { quiz: Some(quiz.clone()), difficulty, ..Selection::default() };
    let (lesson, mode) = (q.lesson, q.mode);
    let state = start(app, lesson, mode, Ok(selection), (app.clock)());
    app.screen = Screen::Quiz(state);
}

/// The lesson's own quiz of a kind. Another lesson's quiz is never a stand-in: a learner in a
/// lesson about API keys must not land in questions about a lesson they have not read.
fn lesson_quiz(catalog: &Catalog, lesson: &Lesson, kind: QuizKind) -> Option<String> {
    catalog.quizzes.iter().find(|q| q.kind == kind && q.lesson == lesson.id).map(|q| q.id.clone())
}

/// Opens the quiz the `quiz` command asked for (its flags as a [`Selection`]); the choices are
/// shuffled with `seed`, so `--seed` repeats an attempt's order.
pub fn open_selection(app: &mut App, selection: Selection, seed: u64) {
    let quiz = selection
        .quiz
        .as_deref()
        .and_then(|id| app.catalog.quiz(id))
        .or_else(|| if selection.review { None } else { app.catalog.quiz_of_kind(QuizKind::Practice) });
    let mode = match quiz.map(|q| q.kind) {
        _ if selection.review => ModeTarget::ReviewMissed,
        Some(QuizKind::Visual) => ModeTarget::VisualQuiz,
        _ => ModeTarget::Practice,
    };
    let lesson = quiz
        .and_then(|q| app.catalog.lessons.iter().position(|l| l.id == q.lesson))
        .unwrap_or(app.home.lesson);
    app.home.lesson = lesson;
    let state = start(app, lesson, mode, Ok(selection), seed);
    app.screen = Screen::Quiz(state);
}

fn start(
    app: &App,
    lesson: usize,
    mode: ModeTarget,
    selection: Result<Selection, String>,
    seed: u64,
) -> QuizState {
    let now = (app.clock)();
    let today = today(app);
    let picked = selection
        .and_then(|sel| quiz::select(&app.catalog, &sel, &app.progress, today).map_err(|e| e.to_string()));
    let body = match picked {
        Ok(picked) if picked.is_empty() => QuizBody::NothingDue { next_in_days: next_due_in(app, today) },
        Ok(picked) => match Session::new(picked, SessionOptions { shuffle_choices: true, seed }, now) {
            Ok(session) => QuizBody::Session(Box::new(session)),
            Err(e) => QuizBody::Unavailable(e.to_string()),
        },
        Err(message) => QuizBody::Unavailable(message),
    };
    QuizState { lesson, mode, body, selected: 0, scroll: 0 }
}

/// What to bring into view after a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reveal {
    Nothing,
    /// The highlighted choice.
    Selected,
    /// The newest hint, or the verdict after an answer.
    Focus,
}

/// The quiz screen's actions.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let now = (app.clock)();
    let geometry = view(app, app.size);
    let Screen::Quiz(q) = &mut app.screen else { return Vec::new() };
    let page = usize::from(geometry.areas.body.height).saturating_sub(2).max(1);
    let asking = q.session().is_some_and(|s| *s.phase() == Phase::Asking);
    let picking = matches!(q.body, QuizBody::Pick { .. });
    let choices = match &q.body {
        QuizBody::Session(s) => s.choices().len(),
        QuizBody::Pick { options, .. } => options.len(),
        _ => 0,
    };
    let mut reveal = Reveal::Nothing;
    let mut effects = Vec::new();
    match action {
        Action::Back => {
            app.screen = Screen::Home;
            return Vec::new();
        }
        Action::Down if asking || picking => {
            q.selected = (q.selected + 1).min(choices.saturating_sub(1));
            reveal = Reveal::Selected;
        }
        Action::Up if asking || picking => {
            q.selected = q.selected.saturating_sub(1);
            reveal = Reveal::Selected;
        }
        Action::Down => q.scroll += 1,
        Action::Up => q.scroll = q.scroll.saturating_sub(1),
        Action::PageDown => q.scroll += page,
        Action::PageUp => q.scroll = q.scroll.saturating_sub(page),
        Action::Top => q.scroll = 0,
        Action::Bottom => q.scroll = usize::MAX,
        Action::Wheel(d) => q.scroll = q.scroll.saturating_add_signed(isize::from(d)),
        Action::NextHint => {
            if let QuizBody::Session(session) = &mut q.body
                && session.hint().is_some()
            {
                reveal = Reveal::Focus;
            }
        }
        Action::Answer(i) => return answer(app, i, now),
        Action::Commit | Action::Choose(_) if picking => {
            let i = if let Action::Choose(n) = action { n } else { q.selected };
            begin(app, i);
            return Vec::new();
        }
        Action::Commit if asking => {
            let i = q.selected;
            return answer(app, i, now);
        }
        Action::Click { col, row }
            if (asking || picking) && layout::contains(geometry.areas.body, col, row) =>
        {
            let line = geometry.scroll + usize::from(row - geometry.areas.body.y);
            if let Some(&(_, i)) = geometry.doc.choices.iter().find(|(l, _)| *l == line) {
                // A click highlights a choice; a second click on it answers (or starts).
                if q.selected == i && picking {
                    begin(app, i);
                    return Vec::new();
                }
                if q.selected == i {
                    return answer(app, i, now);
                }
                q.selected = i;
            }
        }
        Action::NextQuestion => {
            if let QuizBody::Session(session) = &mut q.body
                && matches!(session.phase(), Phase::Answered(_))
            {
                session.next(now);
                q.selected = 0;
                q.scroll = 0;
            }
        }
        Action::EndQuiz => {
            if let QuizBody::Session(session) = &mut q.body
                && !session.is_finished()
            {
                session.stop();
                q.scroll = 0;
            }
        }
        Action::RetryMissed => {
            if let QuizBody::Session(session) = &mut q.body
                && session.is_finished()
                && let Some(retry) = session.retry_missed(now)
            {
                **session = retry;
                q.selected = 0;
                q.scroll = 0;
            }
        }
        Action::ProveInLab => {
            let scenario = q.session().and_then(|s| s.feedback()).and_then(|f| f.lab_scenario.clone());
            let lesson = q.lesson;
            if let Some(scenario) = scenario {
                let quiz = std::mem::replace(&mut app.screen, Screen::Home);
                if let Screen::Quiz(q) = quiz {
                    app.paused_quiz = Some(Box::new(q));
                }
                effects = app.open_mode(lesson, ModeTarget::LiveLab);
                if let Screen::Lab(lab) = &mut app.screen {
                    lab.scenario = Some(scenario);
                }
                return effects;
            }
        }
        _ => {}
    }
    settle(app, reveal);
    effects
}

/// Back from the lab to the quiz that opened it, where it was.
pub fn resume(app: &mut App) -> Vec<Effect> {
    if let Some(q) = app.paused_quiz.take() {
        app.screen = Screen::Quiz(*q);
    }
    Vec::new()
}

/// Answers the open question, records the attempt and asks for one save.
fn answer(app: &mut App, index: usize, now: u64) -> Vec<Effect> {
    let Screen::Quiz(q) = &mut app.screen else { return Vec::new() };
    let QuizBody::Session(session) = &mut q.body else { return Vec::new() };
    let Ok(feedback) = session.answer(index, now) else { return Vec::new() };
    q.selected = index;
    app.progress.record_attempt(feedback.attempt.clone());
    settle(app, Reveal::Focus);
    vec![Effect::SaveProgress]
}

/// Keeps the scroll in range and brings `reveal` into view.
fn settle(app: &mut App, reveal: Reveal) {
    let v = view(app, app.size);
    let Screen::Quiz(q) = &mut app.screen else { return };
    let h = usize::from(v.areas.body.height).max(1);
    let max = v.doc.lines.len().saturating_sub(h);
    let show = |scroll: &mut usize, first: usize, last: usize| {
        if last >= *scroll + h {
            *scroll = (last + 1).saturating_sub(h);
        }
        if first < *scroll {
            *scroll = first;
        }
    };
    match reveal {
        Reveal::Nothing => {}
        Reveal::Selected => {
            let lines: Vec<usize> =
                v.doc.choices.iter().filter(|(_, i)| *i == q.selected).map(|(l, _)| *l).collect();
            if let (Some(&first), Some(&last)) = (lines.first(), lines.last()) {
                show(&mut q.scroll, first, last);
            }
        }
        Reveal::Focus => {
            if let Some((first, last)) = v.doc.focus
                && (first < q.scroll || last >= q.scroll + h)
            {
                // Keep the choices above in view too, when they fit.
                let context = v.doc.choices.first().map_or(first, |(l, _)| *l);
                q.scroll = context.max((last + 1).saturating_sub(h)).min(first);
            }
        }
    }
    q.scroll = q.scroll.min(max);
}

#[cfg(test)]
pub(crate) mod tests;
