//! Home, one component: the lessons with their progress, and the learning modes of the selected
//! one. Its state outlives the other screens (the router keeps it), so coming back home finds
//! the same lesson selected.

pub mod view;

use ratatui::layout::Rect;

use crate::content::{ModeTarget, QuizKind};
use crate::tui::ctx::{Ctx, View};
use crate::tui::keymap::Scope;
use crate::tui::layout;
use crate::tui::msg::{Action, Effect, Nav};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HomeFocus {
    Lessons,
    Modes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HomeState {
    pub lesson: usize,
    pub entry: usize,
    pub focus: HomeFocus,
}

/// One line of the modes list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HomeEntry {
    Continue,
    /// An index into `lesson.modes`.
    Mode(usize),
    /// The lesson defines no modes: what it has, derived (walk-through, its quiz, its lab).
    Auto(ModeTarget),
}

impl Default for HomeState {
    fn default() -> Self {
        Self { lesson: 0, entry: 0, focus: HomeFocus::Modes }
    }
}

impl HomeState {
    /// Home on the lesson the learner was last in.
    #[must_use]
    pub fn new(v: View<'_>) -> Self {
        let lesson = v
            .progress
            .position()
            .and_then(|pos| v.catalog.lessons.iter().position(|l| l.id == pos.lesson))
            .unwrap_or(0);
        Self { lesson, ..Self::default() }
    }

    #[must_use]
    pub fn scopes(&self) -> Vec<Scope> {
        vec![Scope::Home, Scope::Global]
    }

    /// The modes list of the selected lesson.
    #[must_use]
    pub fn entries(&self, v: View<'_>) -> Vec<HomeEntry> {
        let mut out = Vec::new();
        let Some(lesson) = v.catalog.lessons.get(self.lesson) else { return out };
        if v.progress.position().is_some_and(|p| p.lesson == lesson.id) {
            out.push(HomeEntry::Continue);
        }
        if lesson.modes.is_empty() {
            out.push(HomeEntry::Auto(ModeTarget::GuidedWalkthrough));
            for (kind, target) in
                [(QuizKind::Practice, ModeTarget::Practice), (QuizKind::Visual, ModeTarget::VisualQuiz)]
            {
                if v.catalog.quizzes.iter().any(|q| q.kind == kind && q.lesson == lesson.id) {
                    out.push(HomeEntry::Auto(target));
                }
            }
            if !lesson.lab_scenarios.is_empty() {
                out.push(HomeEntry::Auto(ModeTarget::LiveLab));
            }
        }
        out.extend((0..lesson.modes.len()).map(HomeEntry::Mode));
        out
    }

    pub fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        let entries = self.entries(ctx.view()).len();
        let lessons = ctx.catalog.lessons.len();
        let (count, pos) = match self.focus {
            HomeFocus::Lessons => (lessons, &mut self.lesson),
            HomeFocus::Modes => (entries, &mut self.entry),
        };
        match action {
            Action::Down | Action::Wheel(1..) => *pos = (*pos + 1).min(count.saturating_sub(1)),
            Action::Up | Action::Wheel(i16::MIN..=-1) => *pos = pos.saturating_sub(1),
            Action::Top => *pos = 0,
            Action::Bottom => *pos = count.saturating_sub(1),
            Action::FocusNext => {
                self.focus = match self.focus {
                    HomeFocus::Lessons => HomeFocus::Modes,
                    HomeFocus::Modes => HomeFocus::Lessons,
                };
            }
            Action::Open => match self.focus {
                HomeFocus::Lessons => self.focus = HomeFocus::Modes,
                HomeFocus::Modes => return self.open_entry(ctx.view()),
            },
            Action::Click { col, row } => return self.click(col, row, ctx.view()),
            _ => {}
        }
        if self.focus == HomeFocus::Lessons {
            self.entry = self.entry.min(self.entries(ctx.view()).len().saturating_sub(1));
        }
        Vec::new()
    }

    /// A click selects a lesson or a mode; a second click on the selected mode opens it.
    fn click(&mut self, col: u16, row: u16, v: View<'_>) -> Vec<Effect> {
        let lessons = v.catalog.lessons.len();
        let entries = self.entries(v).len();
        let areas = layout::home(v.size, lessons);
        let inner = |r: Rect| Rect {
            x: r.x + 1,
            y: r.y + 1,
            width: r.width.saturating_sub(2),
            height: r.height.saturating_sub(2),
        };
        let lessons_in = inner(areas.lessons);
        let modes_in = inner(areas.modes);
        if layout::contains(lessons_in, col, row) {
            let i = usize::from((row - lessons_in.y) / layout::LESSON_ROWS);
            if i < lessons {
                self.focus = HomeFocus::Lessons;
                if self.lesson != i {
                    self.lesson = i;
                    self.entry = 0;
                }
            }
        } else if layout::contains(modes_in, col, row) {
            let offset = layout::list_offset(self.entry, usize::from(modes_in.height));
            let i = offset + usize::from(row - modes_in.y);
            if i < entries {
                let again = self.focus == HomeFocus::Modes && self.entry == i;
                self.focus = HomeFocus::Modes;
                self.entry = i;
                if again {
                    return self.open_entry(v);
                }
            }
        }
        Vec::new()
    }

    /// Asks the router for the selected entry of the modes list.
    #[must_use]
    pub fn open_entry(&self, v: View<'_>) -> Vec<Effect> {
        let Some(lesson) = v.catalog.lessons.get(self.lesson) else { return Vec::new() };
        let target = match self.entries(v).get(self.entry).copied() {
            Some(HomeEntry::Continue) => return vec![Effect::Go(Nav::Continue)],
            Some(HomeEntry::Mode(i)) => match lesson.modes.get(i) {
                Some(mode) => mode.opens,
                None => return Vec::new(),
            },
            Some(HomeEntry::Auto(target)) => target,
            None => return Vec::new(),
        };
        vec![Effect::Go(Nav::Mode { lesson: self.lesson, target })]
    }
}

/// How many build-up steps of a lesson have a committed prediction, of those that ask for one
/// (home shows it; a step without a prediction has nothing to commit).
#[must_use]
pub fn steps_done(v: View<'_>, lesson: usize) -> (usize, usize) {
    let Some(l) = v.catalog.lessons.get(lesson) else { return (0, 0) };
    let asking: Vec<usize> =
        l.build_up.iter().enumerate().filter(|(_, s)| s.predict.is_some()).map(|(i, _)| i).collect();
    let done = asking.iter().filter(|i| v.progress.prediction(&l.id, **i).is_some()).count();
    (done, asking.len())
}
