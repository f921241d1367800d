//! The quiz screen (visual quiz, practice, review): its state, its update, and the document the
//! view draws. A [`quiz::Session`](crate::quiz::Session) does the quiz itself (order, shuffle,
//! hints, scoring); this module turns keys into session calls, records each answer in progress
//! (one save per answer, not per key), and lays the question out as lines.
//!
//! The layout is a pure function of the state, the shared data and the size ([`view`]), used by
//! the view to draw and by `update` to scroll and to know which choice a click landed on, so the
//! two cannot drift.

mod page;
pub mod view;

pub use page::{
    QuizAreas, QuizDoc, QuizView, SIDE_TABLE_MIN_WIDTH, TABLE_PANE_EDGE, areas, status, status_style, view,
};

use crate::content::{Catalog, Difficulty, Lesson, ModeTarget, QuizKind};
use crate::progress::Day;
use crate::quiz::{self, Phase, Selection, Session, SessionOptions};
use ratatui::layout::Rect;

use crate::tui::ctx::{Ctx, View};
use crate::tui::keymap::Scope;
use crate::tui::layout;
use crate::tui::msg::{Action, Effect, Nav};
use crate::tui::strings as s;

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
    /// The page as last laid out (by `update` after a change, or by the first draw).
    laid: Laid,
}

/// The quiz page laid out for one size and theme: every key used to lay it out three times
/// (to scroll, to settle, to draw); now `update` lays it out once after a change and the draw
/// reuses it. A cache, so never part of what the state *is* (equal whatever it holds).
#[derive(Clone, Default)]
struct Laid(std::cell::RefCell<Option<(Rect, usize, std::rc::Rc<QuizView>)>>);

impl PartialEq for Laid {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for Laid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Laid")
    }
}

/// What a layout depends on besides the state: the size and the theme (by address).
fn laid_key(v: View<'_>, size: Rect) -> (Rect, usize) {
    (size, std::ptr::from_ref(v.theme) as usize)
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

/// Days from `today` to the first review due later; `None` when no question has a card.
fn next_due_in(v: View<'_>, today: Day) -> Option<i64> {
    v.catalog
        .quizzes
        .iter()
        .flat_map(|quiz| quiz.questions.iter().filter_map(|q| v.progress.card(&quiz.id, &q.id)))
        .map(|card| (card.due.0 - today.0).max(1))
        .min()
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

/// The lesson's own quiz of a kind. Another lesson's quiz is never a stand-in: a learner in a
/// lesson about API keys must not land in questions about a lesson they have not read.
fn lesson_quiz(catalog: &Catalog, lesson: &Lesson, kind: QuizKind) -> Option<String> {
    catalog.quizzes.iter().find(|q| q.kind == kind && q.lesson == lesson.id).map(|q| q.id.clone())
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

impl QuizState {
    /// A learning mode of a lesson from home: the lesson's visual or practice quiz, or the
    /// review of every question due today. Each opening shuffles the choices anew (the seed is
    /// the time the key was pressed).
    #[must_use]
    pub fn open(lesson: usize, mode: ModeTarget, v: View<'_>) -> Option<Self> {
        let l = v.catalog.lessons.get(lesson)?;
        let selection = match mode {
            ModeTarget::ReviewMissed => Ok(Selection { review: true, ..Selection::default() }),
            _ => {
                let kind = if mode == ModeTarget::VisualQuiz { QuizKind::Visual } else { QuizKind::Practice };
                lesson_quiz(v.catalog, l, kind)
                    .map(|id| Selection { quiz: Some(id), ..Selection::default() })
                    .ok_or_else(|| s::quiz_none(mode_title(mode), &l.title))
            }
        };
        // Practice asks which questions first, when there is a choice of difficulties.
        if mode == ModeTarget::Practice
            && let Ok(Selection { quiz: Some(id), .. }) = &selection
            && let Some(options) = difficulty_options(v.catalog, id)
        {
            let body = QuizBody::Pick { quiz: id.clone(), options };
            return Some(QuizState { lesson, mode, body, selected: 0, scroll: 0, laid: Laid::default() });
        }
        Some(Self::start(lesson, mode, selection, v.now_ms, v))
    }

    /// The quiz the `quiz` command asked for (its flags as a [`Selection`]), with the lesson it
    /// belongs to (`fallback` when it names none); the choices are shuffled with `seed`, so
    /// `--seed` repeats an attempt's order.
    #[must_use]
    pub fn for_selection(selection: Selection, seed: u64, fallback: usize, v: View<'_>) -> Self {
        let quiz = selection
            .quiz
            .as_deref()
            .and_then(|id| v.catalog.quiz(id))
            .or_else(|| if selection.review { None } else { v.catalog.quiz_of_kind(QuizKind::Practice) });
        let mode = match quiz.map(|q| q.kind) {
            _ if selection.review => ModeTarget::ReviewMissed,
            Some(QuizKind::Visual) => ModeTarget::VisualQuiz,
            _ => ModeTarget::Practice,
        };
        let lesson =
            quiz.and_then(|q| v.catalog.lessons.iter().position(|l| l.id == q.lesson)).unwrap_or(fallback);
        Self::start(lesson, mode, Ok(selection), seed, v)
    }

    fn start(
        lesson: usize,
        mode: ModeTarget,
        selection: Result<Selection, String>,
        seed: u64,
        v: View<'_>,
    ) -> QuizState {
        let today = v.today();
        let picked = selection
            .and_then(|sel| quiz::select(v.catalog, &sel, v.progress, today).map_err(|e| e.to_string()));
        let body = match picked {
            Ok(picked) if picked.is_empty() => QuizBody::NothingDue { next_in_days: next_due_in(v, today) },
            Ok(picked) => {
                match Session::new(picked, SessionOptions { shuffle_choices: true, seed }, v.now_ms) {
                    Ok(session) => QuizBody::Session(Box::new(session)),
                    Err(e) => QuizBody::Unavailable(e.to_string()),
                }
            }
            Err(message) => QuizBody::Unavailable(message),
        };
        QuizState { lesson, mode, body, selected: 0, scroll: 0, laid: Laid::default() }
    }

    /// Starts the practice with the picked option.
    fn begin(&mut self, option: usize, v: View<'_>) {
        let QuizBody::Pick { quiz, options } = &self.body else { return };
        let Some(&(difficulty, _)) = options.get(option) else { return };
        let selection = Selection { quiz: Some(quiz.clone()), difficulty, ..Selection::default() };
        *self = Self::start(self.lesson, self.mode, Ok(selection), v.now_ms, v);
    }

    fn choices(&self) -> usize {
        match &self.body {
            QuizBody::Session(s) => s.choices().len(),
            QuizBody::Pick { options, .. } => options.len(),
            _ => 0,
        }
    }

    /// The quiz screen's actions.
    pub fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        let asking = self.session().is_some_and(|s| *s.phase() == Phase::Asking);
        let picking = matches!(self.body, QuizBody::Pick { .. });
        let reveal = match action {
            Action::Back => return vec![Effect::Go(Nav::Back)],
            Action::Down if asking || picking => {
                self.selected = (self.selected + 1).min(self.choices().saturating_sub(1));
                Reveal::Selected
            }
            Action::Up if asking || picking => {
                self.selected = self.selected.saturating_sub(1);
                Reveal::Selected
            }
            Action::Answer(i) => return self.answer(i, ctx),
            Action::Commit | Action::Choose(_) if picking => {
                let i = if let Action::Choose(n) = action { n } else { self.selected };
                self.begin(i, ctx.view());
                return Vec::new();
            }
            Action::Commit if asking => return self.answer(self.selected, ctx),
            Action::Click { col, row } if asking || picking => return self.click(col, row, picking, ctx),
            Action::ProveInLab => {
                let scenario = self.session().and_then(|s| s.feedback()).and_then(|f| f.lab_scenario.clone());
                return scenario
                    .map(|id| vec![Effect::Go(Nav::Lab { lesson: self.lesson, scenario: Some(id) })])
                    .unwrap_or_default();
            }
            action => self.session_step(action, ctx),
        };
        self.settle(reveal, ctx.view());
        Vec::new()
    }

    /// Scrolling, hints and moving through the session.
    fn session_step(&mut self, action: Action, ctx: &Ctx<'_>) -> Reveal {
        let now = ctx.now_ms;
        let page = usize::from(page::areas(ctx.size, None).body.height).saturating_sub(2).max(1);
        match action {
            Action::Down => self.scroll += 1,
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::PageDown => self.scroll += page,
            Action::PageUp => self.scroll = self.scroll.saturating_sub(page),
            Action::Top => self.scroll = 0,
            Action::Bottom => self.scroll = usize::MAX,
            Action::Wheel(d) => self.scroll = self.scroll.saturating_add_signed(isize::from(d)),
            Action::NextHint => {
                if let QuizBody::Session(session) = &mut self.body
                    && session.hint().is_some()
                {
                    return Reveal::Focus;
                }
            }
            Action::NextQuestion => {
                if let QuizBody::Session(session) = &mut self.body
                    && matches!(session.phase(), Phase::Answered(_))
                {
                    session.next(now);
                    self.selected = 0;
                    self.scroll = 0;
                }
            }
            Action::EndQuiz => {
                if let QuizBody::Session(session) = &mut self.body
                    && !session.is_finished()
                {
                    session.stop();
                    self.scroll = 0;
                }
            }
            Action::RetryMissed => {
                if let QuizBody::Session(session) = &mut self.body
                    && session.is_finished()
                    && let Some(retry) = session.retry_missed(now)
                {
                    **session = retry;
                    self.selected = 0;
                    self.scroll = 0;
                }
            }
            _ => {}
        }
        Reveal::Nothing
    }

    /// A click highlights a choice; a second click on it answers (or starts the practice).
    fn click(&mut self, col: u16, row: u16, picking: bool, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        let geometry = self.laid_out(ctx.view(), ctx.size);
        if !layout::contains(geometry.areas.body, col, row) {
            return Vec::new();
        }
        let line = geometry.scroll + usize::from(row - geometry.areas.body.y);
        let Some(&(_, i)) = geometry.doc.choices.iter().find(|(l, _)| *l == line) else { return Vec::new() };
        if self.selected == i && picking {
            self.begin(i, ctx.view());
            return Vec::new();
        }
        if self.selected == i {
            return self.answer(i, ctx);
        }
        self.selected = i;
        self.settle(Reveal::Selected, ctx.view());
        Vec::new()
    }

    /// Answers the open question, records the attempt and asks for one save.
    fn answer(&mut self, index: usize, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        let QuizBody::Session(session) = &mut self.body else { return Vec::new() };
        let Ok(feedback) = session.answer(index, ctx.now_ms) else { return Vec::new() };
        self.selected = index;
        ctx.progress.record_attempt(feedback.attempt.clone());
        self.settle(Reveal::Focus, ctx.view());
        vec![Effect::SaveProgress]
    }

    /// The page laid out at `size`: the layout `update` left if it is for this size and
    /// theme, else laid out now (and kept).
    #[must_use]
    pub fn laid_out(&self, v: View<'_>, size: Rect) -> std::rc::Rc<QuizView> {
        let key = laid_key(v, size);
        if let Some((rect, theme, laid)) = self.laid.0.borrow().as_ref()
            && (*rect, *theme) == key
        {
            return std::rc::Rc::clone(laid);
        }
        let laid = std::rc::Rc::new(view(self, v, size));
        *self.laid.0.borrow_mut() = Some((key.0, key.1, std::rc::Rc::clone(&laid)));
        laid
    }

    /// Keeps the scroll in range and brings `reveal` into view; keeps the layout for the draw.
    fn settle(&mut self, reveal: Reveal, v: View<'_>) {
        let mut laid = view(self, v, v.size);
        let h = usize::from(laid.areas.body.height).max(1);
        let max = laid.doc.lines.len().saturating_sub(h);
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
                    laid.doc.choices.iter().filter(|(_, i)| *i == self.selected).map(|(l, _)| *l).collect();
                if let (Some(&first), Some(&last)) = (lines.first(), lines.last()) {
                    show(&mut self.scroll, first, last);
                }
            }
            Reveal::Focus => {
                if let Some((first, last)) = laid.doc.focus
                    && (first < self.scroll || last >= self.scroll + h)
                {
                    // Keep the choices above in view too, when they fit.
                    let context = laid.doc.choices.first().map_or(first, |(l, _)| *l);
                    self.scroll = context.max((last + 1).saturating_sub(h)).min(first);
                }
            }
        }
        self.scroll = self.scroll.min(max);
        laid.scroll = self.scroll;
        let key = laid_key(v, v.size);
        *self.laid.0.borrow_mut() = Some((key.0, key.1, std::rc::Rc::new(laid)));
    }
}

#[cfg(test)]
pub(crate) mod tests;
