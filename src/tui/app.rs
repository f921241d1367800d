//! The interface's state and its one pure `update`: an [`Action`] in, [`Effect`]s out, no I/O.
//!
//! Screens are an enum; each screen keeps its own state struct. The lab and quiz screens live in
//! their own modules (`lab_screen`, `quiz_screen`): their state, their update, their key scopes;
//! [`App::update_screen`] delegates to them.

use ratatui::layout::Rect;

use super::action::{Action, Effect};
use super::doc::{self, Doc, Page, PageUi, Target};
use super::keymap::Scope;
use super::layout;
use super::saved::{Position, Progress};
use super::theme::Theme;
use crate::content::{Catalog, Lesson, ModeTarget, QuizKind, SectionKind};

/// Longest typed prediction kept, in characters.
const MAX_ANSWER: usize = 200;
const MAX_QUERY: usize = 80;
/// The reader opens with its outline shown from this terminal width up.
pub const OUTLINE_AUTO_WIDTH: u16 = 100;

pub struct App {
    pub catalog: Catalog,
    pub theme: &'static Theme,
    pub progress: Progress,
    /// The last save failed with this message (quitting then asks first).
    pub save_error: Option<String>,
    pub size: Rect,
    pub home: HomeState,
    pub screen: Screen,
    pub overlay: Overlay,
    /// A one-line message in the footer until the next key.
    pub notice: Option<String>,
    /// Something changed since the last draw.
    pub dirty: bool,
    /// Unix milliseconds now (quiz timing and review days); tests pin it.
    pub clock: fn() -> u64,
    /// The quiz left for "prove it in the lab"; leaving the lab returns to it.
    pub paused_quiz: Option<Box<QuizState>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help { scroll: u16 },
    ConfirmQuit,
}

pub enum Screen {
    Home,
    Reader(Box<ReaderState>),
    Lab(Box<LabState>),
    Quiz(QuizState),
}

/// The live lab: see [`super::lab_screen`].
pub use super::lab_screen::LabState;

/// The visual quiz, practice and review: see [`super::quiz_screen`].
pub use super::quiz_screen::QuizState;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReaderFocus {
    Body,
    Outline,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    pub editing: bool,
    /// (line, start byte, end byte) of every match.
    pub hits: Vec<(usize, usize, usize)>,
    pub current: usize,
}

pub struct ReaderState {
    pub lesson: usize,
    pub mode: ModeTarget,
    pub pages: Vec<Page>,
    pub page: usize,
    pub scroll: usize,
    pub hscroll: usize,
    pub outline: bool,
    pub focus: ReaderFocus,
    pub outline_sel: usize,
    /// The current page's picked option and typed draft (committed answers live in progress).
    pub selected: Option<usize>,
    pub draft: String,
    /// Typed, uncommitted answers of other pages, kept while the learner looks around.
    pub drafts: std::collections::BTreeMap<usize, String>,
    pub editing: bool,
    pub search: Search,
    pub doc: Doc,
    doc_key: Option<(usize, u16, PageUi)>,
}

impl ReaderState {
    #[must_use]
    pub fn current(&self) -> Page {
        self.pages.get(self.page).copied().unwrap_or(Page { section: SectionKind::Overview, item: 0 })
    }

    #[must_use]
    pub fn areas(&self, size: Rect) -> layout::ReaderAreas {
        layout::reader(size, self.outline)
    }

    fn ui(&self, lesson: &Lesson, progress: &Progress) -> PageUi {
        PageUi {
            selected: self.selected,
            draft: self.draft.clone(),
            editing: self.editing,
            ..saved_ui(self.current(), lesson, progress)
        }
    }

    /// The current page's prediction, if it still waits for a commit.
    fn open_prediction<'a>(
        &self,
        lesson: &'a Lesson,
        progress: &Progress,
    ) -> Option<&'a crate::content::Prediction> {
        let page = self.current();
        if page.section != SectionKind::BuildUp || progress.prediction(&lesson.id, page.item).is_some() {
            return None;
        }
        lesson.build_up.get(page.item)?.predict.as_ref()
    }

    fn open_myth<'a>(&self, lesson: &'a Lesson, progress: &Progress) -> Option<&'a crate::content::Myth> {
        let page = self.current();
        if page.section != SectionKind::MythBusters {
            return None;
        }
        lesson.myth_busters.get(page.item).filter(|m| progress.myth(&lesson.id, &m.id).is_none())
    }

    fn height(&self, size: Rect) -> usize {
        usize::from(self.areas(size).body.height)
    }

    fn max_scroll(&self, size: Rect) -> usize {
        self.doc.lines.len().saturating_sub(self.height(size))
    }

    fn scroll_by(&mut self, delta: isize, size: Rect) {
        let max = self.max_scroll(size);
        self.scroll = self.scroll.saturating_add_signed(delta).min(max);
    }

    /// Finds every match on the page, keeping the current match's index when it still exists
    /// (a resize re-lays out the page under the same search).
    fn find(&mut self) {
        self.search.hits.clear();
        let needle = self.search.query.to_ascii_lowercase();
        if needle.is_empty() {
            return;
        }
        for (n, line) in self.doc.folded.iter().enumerate() {
            let mut from = 0;
            while let Some(at) = line[from..].find(&needle) {
                let start = from + at;
                self.search.hits.push((n, start, start + needle.len()));
                from = start + needle.len().max(1);
            }
        }
        self.search.current = self.search.current.min(self.search.hits.len().saturating_sub(1));
    }

    /// Picks the first match at or below the top of the view and scrolls to it.
    fn jump_to_hit(&mut self, size: Rect) {
        if let Some(&(line, _, _)) = self.search.hits.get(self.search.current) {
            let h = self.height(size);
            if line < self.scroll || line >= self.scroll + h {
                self.scroll = line.saturating_sub(h / 3).min(self.max_scroll(size));
            }
        }
    }
}

/// What progress says about a page: its committed prediction or myth answer, and the tally.
fn saved_ui(page: Page, lesson: &Lesson, progress: &Progress) -> PageUi {
    let committed = match page.section {
        SectionKind::BuildUp => progress.prediction(&lesson.id, page.item).map(str::to_owned),
        _ => None,
    };
    let myth = match page.section {
        SectionKind::MythBusters => {
            lesson.myth_busters.get(page.item).and_then(|m| progress.myth(&lesson.id, &m.id))
        }
        _ => None,
    };
    PageUi {
        committed,
        myth,
        myths_believed: progress.myths_believed(&lesson.id),
        myths_answered: lesson
            .myth_busters
            .iter()
            .filter(|m| progress.myth(&lesson.id, &m.id).is_some())
            .count(),
        ..PageUi::default()
    }
}

/// Build-up and myth sections count as read only once every prediction and myth is committed.
fn all_committed(lesson: &Lesson, section: SectionKind, progress: &Progress) -> bool {
    match section {
        SectionKind::BuildUp => lesson
            .build_up
            .iter()
            .enumerate()
            .all(|(i, step)| step.predict.is_none() || progress.prediction(&lesson.id, i).is_some()),
        SectionKind::MythBusters => {
            lesson.myth_busters.iter().all(|m| progress.myth(&lesson.id, &m.id).is_some())
        }
        _ => true,
    }
}

impl App {
    #[must_use]
    pub fn new(catalog: Catalog, theme: &'static Theme, progress: Progress, size: Rect) -> Self {
        let mut app = App {
            catalog,
            theme,
            progress,
            save_error: None,
            size,
            home: HomeState { lesson: 0, entry: 0, focus: HomeFocus::Modes },
            screen: Screen::Home,
            overlay: Overlay::None,
            notice: None,
            dirty: true,
            clock: crate::quiz::now_ms,
            paused_quiz: None,
        };
        // Start on the lesson the learner was last in.
        if let Some(pos) = app.progress.position()
            && let Some(i) = app.catalog.lessons.iter().position(|l| l.id == pos.lesson)
        {
            app.home.lesson = i;
        }
        app
    }

    #[must_use]
    pub fn lesson(&self) -> Option<&Lesson> {
        self.catalog.lessons.get(self.home.lesson)
    }

    /// The modes list of the selected lesson.
    #[must_use]
    pub fn home_entries(&self) -> Vec<HomeEntry> {
        let mut out = Vec::new();
        let Some(lesson) = self.lesson() else { return out };
        if self.progress.position().is_some_and(|p| p.lesson == lesson.id) {
            out.push(HomeEntry::Continue);
        }
        if lesson.modes.is_empty() {
            out.push(HomeEntry::Auto(ModeTarget::GuidedWalkthrough));
            for (kind, target) in
                [(QuizKind::Practice, ModeTarget::Practice), (QuizKind::Visual, ModeTarget::VisualQuiz)]
            {
                if self.catalog.quizzes.iter().any(|q| q.kind == kind && q.lesson == lesson.id) {
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

    /// The key scopes in effect, most specific first.
    #[must_use]
    pub fn scopes(&self) -> Vec<Scope> {
        match self.overlay {
            // The question takes every key: `?` or `q` must not wander off from it.
            Overlay::ConfirmQuit => return vec![Scope::Confirm],
            Overlay::Help { .. } => return vec![Scope::Help, Scope::Global],
            Overlay::None => {}
        }
        self.screen_scopes()
    }

    /// The scopes of the screen itself (what the help overlay lists).
    #[must_use]
    pub fn screen_scopes(&self) -> Vec<Scope> {
        match &self.screen {
            Screen::Home => vec![Scope::Home, Scope::Global],
            Screen::Lab(lab) => lab.scopes(),
            Screen::Quiz(q) => q.scopes(),
            Screen::Reader(r) => {
                if r.search.editing {
                    return vec![Scope::Search, Scope::Global];
                }
                if r.editing {
                    return vec![Scope::Editing, Scope::Global];
                }
                let mut scopes = Vec::new();
                if r.focus == ReaderFocus::Outline && r.outline {
                    scopes.push(Scope::Outline);
                }
                if let Some(lesson) = self.catalog.lessons.get(r.lesson) {
                    if let Some(p) = r.open_prediction(lesson, &self.progress) {
                        scopes.push(if p.options.is_empty() { Scope::TypedPrompt } else { Scope::Options });
                    }
                    if r.open_myth(lesson, &self.progress).is_some() {
                        scopes.push(Scope::Myth);
                    }
                }
                scopes.extend([Scope::Reader, Scope::Global]);
                scopes
            }
        }
    }

    /// Why quitting now would lose something, if it would.
    #[must_use]
    pub fn unsaved(&self) -> Option<&'static str> {
        if let Screen::Reader(r) = &self.screen
            && (!r.draft.trim().is_empty() || !r.drafts.is_empty())
        {
            return Some(super::strings::CONFIRM_UNSAVED);
        }
        self.save_error.as_ref().map(|_| super::strings::CONFIRM_UNSAVED_STORE)
    }

    /// Whether something moves on its own (then the loop ticks); nothing does yet.
    #[must_use]
    pub fn animating(&self) -> bool {
        false
    }

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        if action == Action::Tick && !self.animating() {
            return Vec::new();
        }
        self.dirty = true;
        // Lab results arrive on their own; only the learner's own actions clear a notice.
        let background = matches!(&action, Action::Lab(m) if m.is_result());
        if !background
            && !matches!(
                action,
                Action::Resize(..) | Action::SaveResult(_) | Action::Notice(_) | Action::Tick
            )
        {
            self.notice = None;
        }
        match action {
            Action::Resize(w, h) => {
                self.size = Rect::new(0, 0, w, h);
                self.refresh()
            }
            Action::Notice(text) => {
                self.notice = Some(text);
                Vec::new()
            }
            Action::SaveResult(error) => {
                self.notice.clone_from(&error);
                self.save_error = error;
                Vec::new()
            }
            Action::Quit => match self.overlay {
                Overlay::ConfirmQuit => self.quit(),
                _ if self.unsaved().is_some() => {
                    self.overlay = Overlay::ConfirmQuit;
                    Vec::new()
                }
                _ => self.quit(),
            },
            Action::ConfirmQuit => self.quit(),
            Action::CancelQuit => {
                self.overlay = Overlay::None;
                Vec::new()
            }
            Action::ToggleHelp => {
                self.overlay = match self.overlay {
                    Overlay::Help { .. } => Overlay::None,
                    _ => Overlay::Help { scroll: 0 },
                };
                Vec::new()
            }
            action => {
                let help_rows = super::keymap::active(&self.screen_scopes()).len();
                if let Overlay::Help { scroll } = &mut self.overlay {
                    let max = u16::try_from(help_rows).unwrap_or(u16::MAX);
                    match action {
                        Action::Down | Action::Wheel(1..) => *scroll = scroll.saturating_add(1).min(max),
                        Action::Up | Action::Wheel(i16::MIN..=-1) => *scroll = scroll.saturating_sub(1),
                        _ => {}
                    }
                    return Vec::new();
                }
                if self.overlay == Overlay::ConfirmQuit {
                    return Vec::new();
                }
                self.update_screen(action)
            }
        }
    }

    fn quit(&mut self) -> Vec<Effect> {
        self.overlay = Overlay::None;
        self.remember_position();
        vec![Effect::SaveProgress, Effect::Quit]
    }

    fn remember_position(&mut self) {
        if let Screen::Reader(r) = &self.screen
            && let Some(lesson) = self.catalog.lessons.get(r.lesson)
        {
            let page = r.current();
            self.progress.set_position(Position {
                lesson: lesson.id.clone(),
                section: page.section,
                item: page.item,
                scroll: u16::try_from(r.scroll).unwrap_or(u16::MAX),
            });
        }
    }

    /// Each screen's own actions. A new screen adds its branch here.
    fn update_screen(&mut self, action: Action) -> Vec<Effect> {
        match &mut self.screen {
            Screen::Home => self.update_home(action),
            Screen::Reader(_) => self.update_reader(action),
            Screen::Quiz(_) => {
                let effects = super::quiz_screen::update(self, action);
                // "Prove it in the lab" sets the scenario after opening: make it ready now.
                super::lab_screen::after_update(self);
                effects
            }
            Screen::Lab(_) if action == Action::Back && self.paused_quiz.is_some() => {
                super::quiz_screen::resume(self)
            }
            Screen::Lab(_) if action == Action::Back => {
                self.screen = Screen::Home;
                Vec::new()
            }
            Screen::Lab(_) => {
                let effects = super::lab_screen::update(self, action);
                super::lab_screen::after_update(self);
                effects
            }
        }
    }

    fn update_home(&mut self, action: Action) -> Vec<Effect> {
        let entries = self.home_entries().len();
        let lessons = self.catalog.lessons.len();
        let areas = layout::home(self.size, lessons);
        let h = &mut self.home;
        let (count, pos) = match h.focus {
            HomeFocus::Lessons => (lessons, &mut h.lesson),
            HomeFocus::Modes => (entries, &mut h.entry),
        };
        match action {
            Action::Down | Action::Wheel(1..) => *pos = (*pos + 1).min(count.saturating_sub(1)),
            Action::Up | Action::Wheel(i16::MIN..=-1) => *pos = pos.saturating_sub(1),
            Action::Top => *pos = 0,
            Action::Bottom => *pos = count.saturating_sub(1),
            Action::FocusNext => {
                h.focus = match h.focus {
                    HomeFocus::Lessons => HomeFocus::Modes,
                    HomeFocus::Modes => HomeFocus::Lessons,
                };
            }
            Action::Open => match h.focus {
                HomeFocus::Lessons => h.focus = HomeFocus::Modes,
                HomeFocus::Modes => return self.open_entry(),
            },
            Action::Click { col, row } => {
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
                        h.focus = HomeFocus::Lessons;
                        if h.lesson != i {
                            h.lesson = i;
                            h.entry = 0;
                        }
                    }
                } else if layout::contains(modes_in, col, row) {
                    let offset = layout::list_offset(h.entry, usize::from(modes_in.height));
                    let i = offset + usize::from(row - modes_in.y);
                    if i < entries {
                        let again = h.focus == HomeFocus::Modes && h.entry == i;
                        h.focus = HomeFocus::Modes;
                        h.entry = i;
                        if again {
                            return self.open_entry();
                        }
                    }
                }
            }
            _ => {}
        }
        if self.home.focus == HomeFocus::Lessons {
            self.home.entry = self.home.entry.min(self.home_entries().len().saturating_sub(1));
        }
        Vec::new()
    }

    /// Opens the selected entry of the modes list.
    pub fn open_entry(&mut self) -> Vec<Effect> {
        let lesson_i = self.home.lesson;
        let Some(lesson) = self.catalog.lessons.get(lesson_i) else { return Vec::new() };
        let entry = self.home_entries().get(self.home.entry).copied();
        let target = match entry {
            Some(HomeEntry::Continue) => {
                let Some(pos) = self.progress.position().cloned() else { return Vec::new() };
                let mode = if pos.section == SectionKind::Transcript {
                    ModeTarget::Transcript
                } else {
                    ModeTarget::GuidedWalkthrough
                };
                self.open_reader(lesson_i, mode);
                if let Screen::Reader(r) = &mut self.screen {
                    let at = r.pages.iter().position(|p| p.section == pos.section && p.item == pos.item);
                    r.page = at.unwrap_or(0);
                    r.outline_sel = r.page;
                    r.scroll = usize::from(pos.scroll);
                }
                return self.refresh();
            }
            Some(HomeEntry::Mode(i)) => match lesson.modes.get(i) {
                Some(mode) => mode.opens,
                None => return Vec::new(),
            },
            Some(HomeEntry::Auto(target)) => target,
            None => return Vec::new(),
        };
        self.open_mode(lesson_i, target)
    }

    /// Opens the screen a learning mode names.
    pub fn open_mode(&mut self, lesson: usize, target: ModeTarget) -> Vec<Effect> {
        match target {
            ModeTarget::LiveLab => {
                self.screen = Screen::Lab(Box::new(LabState::new(lesson, None)));
                Vec::new()
            }
            ModeTarget::VisualQuiz | ModeTarget::Practice | ModeTarget::ReviewMissed => {
                super::quiz_screen::open_mode(self, lesson, target)
            }
            _ => {
                self.open_reader(lesson, target);
                self.refresh()
            }
        }
    }

    fn open_reader(&mut self, lesson_i: usize, mode: ModeTarget) {
        let Some(lesson) = self.catalog.lessons.get(lesson_i) else { return };
        let sections = doc::sections_of(mode).unwrap_or_else(|| SectionKind::ALL.to_vec());
        let pages = doc::pages_of(lesson, &sections);
        self.screen = Screen::Reader(Box::new(ReaderState {
            lesson: lesson_i,
            mode,
            pages,
            page: 0,
            scroll: 0,
            hscroll: 0,
            // Beside a narrow text the outline costs more than it gives; `o` shows it anyway.
            outline: self.size.width >= OUTLINE_AUTO_WIDTH,
            focus: ReaderFocus::Body,
            outline_sel: 0,
            selected: None,
            draft: String::new(),
            drafts: std::collections::BTreeMap::new(),
            editing: false,
            search: Search::default(),
            doc: Doc::default(),
            doc_key: None,
        }));
    }

    /// Re-lays out the current page if its width or answers changed, keeps the scroll in
    /// range, and marks a section read when its end is on screen.
    pub fn refresh(&mut self) -> Vec<Effect> {
        let size = self.size;
        let theme = self.theme;
        let Screen::Reader(r) = &mut self.screen else { return Vec::new() };
        let Some(lesson) = self.catalog.lessons.get(r.lesson) else { return Vec::new() };
        let areas = r.areas(size);
        let ui = r.ui(lesson, &self.progress);
        let key = (r.page, areas.body.width, ui.clone());
        if r.doc_key.as_ref() != Some(&key) {
            r.doc = doc::build(lesson, r.current(), usize::from(areas.body.width), theme, &ui);
            r.doc_key = Some(key);
            if !r.search.query.is_empty() {
                r.find();
            }
        }
        r.scroll = r.scroll.min(r.max_scroll(size));
        r.hscroll = r.hscroll.min(r.doc.max_width.saturating_sub(usize::from(areas.body.width)));
        // A section is read once the end of its last page has been on screen.
        let page = r.current();
        let last_item = doc::last_item(lesson, page.section);
        let at_end = r.scroll + usize::from(areas.body.height) >= r.doc.lines.len();
        if at_end
            && page.item >= last_item
            && all_committed(lesson, page.section, &self.progress)
            && !self.progress.is_read(&lesson.id, page.section)
        {
            self.progress.mark_read(&lesson.id, page.section);
            return vec![Effect::SaveProgress];
        }
        Vec::new()
    }

    fn goto_page(&mut self, page: usize) -> Vec<Effect> {
        if let Screen::Reader(r) = &mut self.screen {
            if page >= r.pages.len() || page == r.page {
                return Vec::new();
            }
            let draft = std::mem::take(&mut r.draft);
            if !draft.trim().is_empty() {
                r.drafts.insert(r.page, draft);
            }
            r.draft = r.drafts.remove(&page).unwrap_or_default();
            r.page = page;
            r.outline_sel = page;
            r.scroll = 0;
            r.hscroll = 0;
            r.selected = None;
            r.editing = false;
        }
        self.remember_position();
        let mut effects = self.refresh();
        if !effects.contains(&Effect::SaveProgress) {
            effects.push(Effect::SaveProgress);
        }
        effects
    }

    fn update_reader(&mut self, action: Action) -> Vec<Effect> {
        let size = self.size;
        let Screen::Reader(r) = &mut self.screen else { return Vec::new() };
        let Some(lesson) = self.catalog.lessons.get(r.lesson) else { return Vec::new() };
        let areas = r.areas(size);
        let page_h = usize::from(areas.body.height).saturating_sub(2).max(1);
        let outline_focus = r.focus == ReaderFocus::Outline && areas.outline.is_some();
        match action {
            Action::Back if !r.search.query.is_empty() => r.search = Search::default(),
            Action::Back => {
                self.remember_position();
                self.screen = Screen::Home;
                return vec![Effect::SaveProgress];
            }
            Action::OpenLab => {
                let Some(id) = super::lab_screen::page_scenario(lesson, r.current()) else {
                    self.notice = Some(super::lab_screen::text::NO_PAGE_SCENARIO.to_owned());
                    return Vec::new();
                };
                let lesson_i = r.lesson;
                self.remember_position();
                self.screen = Screen::Lab(Box::new(LabState::new(lesson_i, Some(id))));
                super::lab_screen::after_update(self);
                return vec![Effect::SaveProgress];
            }
            Action::Down if outline_focus => {
                r.outline_sel = (r.outline_sel + 1).min(r.pages.len().saturating_sub(1))
            }
            Action::Up if outline_focus => r.outline_sel = r.outline_sel.saturating_sub(1),
            Action::Top if outline_focus => r.outline_sel = 0,
            Action::Bottom if outline_focus => r.outline_sel = r.pages.len().saturating_sub(1),
            Action::Open if outline_focus => {
                let target = r.outline_sel;
                r.focus = ReaderFocus::Body;
                return self.goto_page(target);
            }
            Action::Down => r.scroll_by(1, size),
            Action::Up => r.scroll_by(-1, size),
            Action::PageDown => r.scroll_by(page_h.cast_signed(), size),
            Action::PageUp => r.scroll_by(-page_h.cast_signed(), size),
            Action::Top => r.scroll = 0,
            Action::Bottom => r.scroll = r.max_scroll(size),
            Action::ScrollRight => r.hscroll += 8,
            Action::ScrollLeft => r.hscroll = r.hscroll.saturating_sub(8),
            Action::Wheel(d) => r.scroll_by(isize::from(d), size),
            Action::NextPage => {
                let next = r.page + 1;
                return self.goto_page(next);
            }
            Action::PrevPage => {
                let Some(prev) = r.page.checked_sub(1) else { return Vec::new() };
                return self.goto_page(prev);
            }
            Action::FocusNext if areas.outline.is_some() => {
                r.focus = match r.focus {
                    ReaderFocus::Body => ReaderFocus::Outline,
                    ReaderFocus::Outline => ReaderFocus::Body,
                };
                r.outline_sel = r.page;
            }
            Action::ToggleOutline => {
                r.outline = !r.outline;
                r.focus = ReaderFocus::Body;
            }
            Action::SearchStart => {
                r.search = Search { editing: true, ..Search::default() };
            }
            Action::SearchNext | Action::SearchPrev => {
                let forward = action == Action::SearchNext;
                let n = r.search.hits.len();
                let at_edge =
                    n == 0 || if forward { r.search.current + 1 >= n } else { r.search.current == 0 };
                if at_edge && !r.search.query.is_empty() {
                    return self.search_other_pages(forward);
                }
                if n == 0 {
                    return Vec::new();
                }
                r.search.current = if action == Action::SearchNext {
                    (r.search.current + 1) % n
                } else {
                    (r.search.current + n - 1) % n
                };
                // Jump even when visible so n always moves the view to the match.
                let line = r.search.hits[r.search.current].0;
                let h = r.height(size);
                if line < r.scroll || line >= r.scroll + h {
                    r.scroll = line.saturating_sub(h / 3).min(r.max_scroll(size));
                }
            }
            Action::Input(c) => {
                if r.search.editing {
                    if r.search.query.chars().count() < MAX_QUERY {
                        r.search.query.push(c);
                        r.search.current = 0;
                        r.find();
                        r.jump_to_hit(size);
                    }
                } else if r.editing && r.draft.chars().count() < MAX_ANSWER {
                    r.draft.push(c);
                }
            }
            Action::InputBackspace => {
                if r.search.editing {
                    r.search.query.pop();
                    r.search.current = 0;
                    r.find();
                    r.jump_to_hit(size);
                } else if r.editing {
                    r.draft.pop();
                }
            }
            Action::InputCancel => {
                if r.search.editing {
                    r.search = Search::default();
                } else {
                    r.editing = false;
                }
            }
            Action::InputSubmit => {
                if r.search.editing {
                    r.search.editing = false;
                    if r.search.hits.is_empty() {
                        self.notice = Some(super::strings::NO_MATCH.to_owned());
                    }
                } else if r.editing {
                    let answer = r.draft.trim().to_owned();
                    if answer.is_empty() {
                        return Vec::new();
                    }
                    let page = r.current();
                    r.editing = false;
                    r.draft.clear();
                    self.progress.record_prediction(&lesson.id, page.item, &answer);
                    let mut effects = self.refresh();
                    self.show_reveal();
                    effects.extend(self.refresh());
                    effects.push(Effect::SaveProgress);
                    return effects;
                }
            }
            Action::StartTyping
                if r.open_prediction(lesson, &self.progress).is_some_and(|p| p.options.is_empty()) =>
            {
                r.editing = true;
            }
            Action::Choose(n)
                if r.open_prediction(lesson, &self.progress).is_some_and(|p| n < p.options.len()) =>
            {
                r.selected = Some(n);
            }
            Action::Commit => return self.commit_option(),
            Action::MythAnswer(believed) => {
                if let Some(myth) = r.open_myth(lesson, &self.progress) {
                    self.progress.record_myth(&lesson.id, &myth.id, believed);
                    let mut effects = self.refresh();
                    self.show_reveal();
                    effects.extend(self.refresh());
                    effects.push(Effect::SaveProgress);
                    return effects;
                }
            }
            Action::Click { col, row } => return self.click_reader(col, row),
            _ => {}
        }
        self.refresh()
    }

    /// After a commit, brings the reveal into view if it is below the bottom edge.
    fn show_reveal(&mut self) {
        let size = self.size;
        let Screen::Reader(r) = &mut self.screen else { return };
        let markers =
            [super::strings::REVEAL_HEADING, super::strings::MYTH_IS_TRUE, super::strings::MYTH_IS_FALSE]
                .map(str::to_ascii_lowercase);
        if let Some(line) = r.doc.folded.iter().position(|l| markers.iter().any(|m| l.contains(m.as_str()))) {
            // Put the reveal near the top unless its first lines are already in view.
            let h = r.height(size);
            if line + 8.min(h) > r.scroll + h {
                r.scroll = line.saturating_sub(1).min(r.max_scroll(size));
            }
        }
    }

    /// `n` past the last match (or `N` before the first) goes on to the next (previous) page
    /// with a match, wrapping around the mode's pages; the current page counts last.
    fn search_other_pages(&mut self, forward: bool) -> Vec<Effect> {
        let size = self.size;
        let theme = self.theme;
        let Screen::Reader(r) = &mut self.screen else { return Vec::new() };
        let Some(lesson) = self.catalog.lessons.get(r.lesson) else { return Vec::new() };
        let width = usize::from(r.areas(size).body.width);
        let needle = r.search.query.to_ascii_lowercase();
        let count = r.pages.len();
        let found = (1..=count)
            .map(|step| if forward { (r.page + step) % count } else { (r.page + count - step) % count })
            .find(|&p| {
                let page = r.pages[p];
                let doc = if p == r.page {
                    None
                } else {
                    Some(doc::build(lesson, page, width, theme, &saved_ui(page, lesson, &self.progress)))
                };
                doc.as_ref().unwrap_or(&r.doc).folded.iter().any(|l| l.contains(&needle))
            });
        let Some(target) = found else {
            self.notice = Some(super::strings::NO_MATCH.to_owned());
            return Vec::new();
        };
        let effects = if target == r.page { Vec::new() } else { self.goto_page(target) };
        if let Screen::Reader(r) = &mut self.screen {
            r.find();
            r.search.current = if forward { 0 } else { r.search.hits.len().saturating_sub(1) };
            r.jump_to_hit(size);
        }
        effects
    }

    fn commit_option(&mut self) -> Vec<Effect> {
        let Screen::Reader(r) = &mut self.screen else { return Vec::new() };
        let Some(lesson) = self.catalog.lessons.get(r.lesson) else { return Vec::new() };
        let Some(predict) = r.open_prediction(lesson, &self.progress) else { return Vec::new() };
        let Some(answer) = r.selected.and_then(|n| predict.options.get(n)) else { return Vec::new() };
        self.progress.record_prediction(&lesson.id, r.current().item, answer);
        r.selected = None;
        let mut effects = self.refresh();
        self.show_reveal();
        effects.extend(self.refresh());
        effects.push(Effect::SaveProgress);
        effects
    }

    fn click_reader(&mut self, col: u16, row: u16) -> Vec<Effect> {
        let size = self.size;
        let Screen::Reader(r) = &mut self.screen else { return Vec::new() };
        let areas = r.areas(size);
        if let Some(outline) = areas.outline
            && layout::contains(outline, col, row)
        {
            let inner_y = outline.y + 1;
            let visible = usize::from(outline.height.saturating_sub(2));
            let offset = layout::list_offset(r.outline_sel, visible);
            let Some(i) = row.checked_sub(inner_y).map(|d| offset + usize::from(d)) else {
                return Vec::new();
            };
            if i < r.pages.len() {
                r.focus = ReaderFocus::Outline;
                return self.goto_page(i);
            }
            return Vec::new();
        }
        if layout::contains(areas.body, col, row) {
            let line = r.scroll + usize::from(row - areas.body.y);
            match r.doc.target_at(line) {
                Some(Target::Option(n)) => {
                    let already = r.selected == Some(n);
                    r.selected = Some(n);
                    if already {
                        return self.commit_option();
                    }
                }
                Some(Target::Myth(b)) => return self.update_reader(Action::MythAnswer(b)),
                Some(Target::Answer) => return self.update_reader(Action::StartTyping),
                None => r.focus = ReaderFocus::Body,
            }
        }
        self.refresh()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::tui::doc::tests::catalog;
    use crate::tui::theme::DEFAULT;

    pub(crate) fn app(w: u16, h: u16) -> App {
        App::new(catalog(), &DEFAULT, Progress::default(), Rect::new(0, 0, w, h))
    }

    /// Opens the mode with this target from home, as the keys would.
    pub(crate) fn open(app: &mut App, target: ModeTarget) {
        let i = app.lesson().unwrap().modes.iter().position(|m| m.opens == target).unwrap();
        let entries = app.home_entries();
        app.home.entry = entries.iter().position(|e| *e == HomeEntry::Mode(i)).unwrap();
        app.update(Action::Open);
    }

    fn reader(app: &App) -> &ReaderState {
        match &app.screen {
            Screen::Reader(r) => r,
            _ => panic!("not in the reader"),
        }
    }

    #[test]
    fn every_mode_opens_its_screen() {
        for (target, want) in [
            (ModeTarget::GuidedWalkthrough, "reader"),
            (ModeTarget::VisualBreakdown, "reader"),
            (ModeTarget::BuildUp, "reader"),
            (ModeTarget::MythBusters, "reader"),
            (ModeTarget::Pitfalls, "reader"),
            (ModeTarget::CheatSheet, "reader"),
            (ModeTarget::Transcript, "reader"),
            (ModeTarget::LiveLab, "lab"),
            (ModeTarget::VisualQuiz, "quiz"),
            (ModeTarget::Practice, "quiz"),
            (ModeTarget::ReviewMissed, "quiz"),
        ] {
            let mut a = app(80, 24);
            open(&mut a, target);
            let got = match &a.screen {
                Screen::Reader(r) => {
                    assert_eq!(r.mode, target);
                    "reader"
                }
                Screen::Lab(_) => "lab",
                Screen::Quiz(q) => {
                    assert_eq!(q.mode, target);
                    "quiz"
                }
                Screen::Home => "home",
            };
            assert_eq!(got, want, "{target:?}");
            a.update(Action::Back);
            assert!(matches!(a.screen, Screen::Home));
        }
    }

    #[test]
    fn predict_then_reveal_and_the_position_is_remembered() {
        let mut a = app(80, 24);
        open(&mut a, ModeTarget::BuildUp);
        assert_eq!(a.scopes(), vec![Scope::Options, Scope::Reader, Scope::Global]);
        assert!(a.update(Action::Commit).is_empty(), "nothing chosen yet");
        a.update(Action::Choose(7));
        assert_eq!(reader(&a).selected, None, "out of range");
        a.update(Action::Choose(0));
        let effects = a.update(Action::Commit);
        assert!(effects.contains(&Effect::SaveProgress));
        assert_eq!(a.progress.prediction("demo-bearer", 0), Some("200 with the items"));
        assert_eq!(a.scopes(), vec![Scope::Reader, Scope::Global]);
        // Step 2 is answered by typing.
        a.update(Action::NextPage);
        assert_eq!(a.scopes(), vec![Scope::TypedPrompt, Scope::Reader, Scope::Global]);
        a.update(Action::StartTyping);
        for c in "401".chars() {
            a.update(Action::Input(c));
        }
        assert_eq!(a.unsaved(), Some(crate::tui::strings::CONFIRM_UNSAVED));
        // Looking at another page keeps the draft (and quitting still asks).
        a.update(Action::InputCancel);
        a.update(Action::PrevPage);
        assert_eq!(a.unsaved(), Some(crate::tui::strings::CONFIRM_UNSAVED));
        a.update(Action::NextPage);
        assert_eq!(reader(&a).draft, "401");
        assert!(a.update(Action::Quit).is_empty());
        assert_eq!(a.overlay, Overlay::ConfirmQuit);
        a.update(Action::CancelQuit);
        a.update(Action::StartTyping);
        a.update(Action::InputSubmit);
        assert_eq!(a.progress.prediction("demo-bearer", 1), Some("401"));
        assert_eq!(a.update(Action::Quit), vec![Effect::SaveProgress, Effect::Quit]);
        let pos = a.progress.position().unwrap();
        assert_eq!((pos.section, pos.item), (SectionKind::BuildUp, 1));
    }

    #[test]
    fn continue_reopens_the_saved_page() {
        let mut a = app(80, 24);
        a.progress.set_position(Position {
            lesson: "demo-bearer".into(),
            section: SectionKind::Pitfalls,
            item: 0,
            scroll: 0,
        });
        assert_eq!(a.home_entries()[0], HomeEntry::Continue);
        a.home.entry = 0;
        a.update(Action::Open);
        let r = reader(&a);
        assert_eq!(r.current(), Page { section: SectionKind::Pitfalls, item: 0 });
        assert_eq!(r.mode, ModeTarget::GuidedWalkthrough);
    }

    #[test]
    fn myths_commit_then_reveal_with_a_tally() {
        let mut a = app(80, 24);
        open(&mut a, ModeTarget::MythBusters);
        assert!(a.scopes().contains(&Scope::Myth));
        a.update(Action::NextPage);
        assert!(
            !a.progress.is_read("demo-bearer", SectionKind::MythBusters),
            "seen to the end but not answered: not read"
        );
        a.update(Action::PrevPage);
        a.update(Action::MythAnswer(true));
        assert_eq!(a.progress.myth("demo-bearer", "https-is-enough"), Some(true));
        assert_eq!(a.progress.myths_believed("demo-bearer"), 1);
        assert!(!a.scopes().contains(&Scope::Myth));
        a.update(Action::MythAnswer(false));
        assert_eq!(a.progress.myth("demo-bearer", "https-is-enough"), Some(true), "a commit is final");
        a.update(Action::NextPage);
        a.update(Action::MythAnswer(false));
        assert!(a.progress.is_read("demo-bearer", SectionKind::MythBusters));
    }

    #[test]
    fn search_finds_scrolls_and_cycles() {
        let mut a = app(80, 24);
        open(&mut a, ModeTarget::GuidedWalkthrough);
        a.update(Action::SearchStart);
        assert_eq!(a.scopes(), vec![Scope::Search, Scope::Global]);
        for c in "token".chars() {
            a.update(Action::Input(c));
        }
        a.update(Action::InputSubmit);
        let hits = reader(&a).search.hits.len();
        assert!(hits >= 2, "{hits}");
        a.update(Action::SearchNext);
        assert_eq!(reader(&a).search.current, 1);
        a.update(Action::SearchPrev);
        assert_eq!((reader(&a).page, reader(&a).search.current), (0, 0));
        // Before the first match, N goes back round to the last page with one, at its last match.
        a.update(Action::SearchPrev);
        let r = reader(&a);
        let last_page = r.page;
        assert!(last_page > 0);
        assert_eq!(r.search.current, r.search.hits.len() - 1);
        assert!(r.doc.folded[r.search.hits[r.search.current].0].contains("token"));
        // And n past it comes round to the first page again.
        a.update(Action::SearchNext);
        assert_eq!((reader(&a).page, reader(&a).search.current), (0, 0));
        // Forward from the first page's last match: the next page with "token" (not page 0).
        for _ in 1..hits {
            a.update(Action::SearchNext);
        }
        assert_eq!(reader(&a).page, 0);
        a.update(Action::SearchNext);
        assert!(reader(&a).page > 0 && reader(&a).page <= last_page);
        // A word that is nowhere says so and stays put.
        let page = reader(&a).page;
        a.update(Action::SearchStart);
        for c in "zzqx".chars() {
            a.update(Action::Input(c));
        }
        a.update(Action::InputSubmit);
        a.update(Action::SearchNext);
        assert_eq!(reader(&a).page, page);
        assert_eq!(a.notice.as_deref(), Some(crate::tui::strings::NO_MATCH));
        a.update(Action::SearchStart);
        a.update(Action::InputCancel);
        assert!(reader(&a).search.hits.is_empty());
        // Esc clears a kept search before it leaves the reader.
        a.update(Action::SearchStart);
        a.update(Action::Input('a'));
        a.update(Action::InputSubmit);
        a.update(Action::Back);
        assert!(matches!(a.screen, Screen::Reader(_)) && reader(&a).search.query.is_empty());
        a.update(Action::Back);
        assert!(matches!(a.screen, Screen::Home));
    }

    #[test]
    fn scrolling_is_clamped_and_resize_relayouts() {
        let mut a = app(60, 16);
        open(&mut a, ModeTarget::GuidedWalkthrough);
        a.update(Action::Bottom);
        let max = reader(&a).scroll;
        a.update(Action::Down);
        assert_eq!(reader(&a).scroll, max);
        a.update(Action::Resize(200, 60));
        assert!(reader(&a).scroll <= max);
        // Opened narrow, so without the outline: the text takes the whole width minus margins.
        assert_eq!(reader(&a).doc_key.as_ref().map(|k| k.1), Some(200 - 2));
    }

    #[test]
    fn reaching_the_end_of_a_section_marks_it_read() {
        let mut a = app(120, 40);
        open(&mut a, ModeTarget::Transcript);
        assert!(
            a.progress.is_read("demo-bearer", SectionKind::Transcript),
            "short page: end visible at once"
        );
        let mut a = app(60, 16);
        open(&mut a, ModeTarget::GuidedWalkthrough);
        assert!(!a.progress.is_read("demo-bearer", SectionKind::Overview));
        let effects = a.update(Action::Bottom);
        assert_eq!(effects, vec![Effect::SaveProgress]);
        assert!(a.progress.is_read("demo-bearer", SectionKind::Overview));
    }

    #[test]
    fn help_and_tick_do_not_reach_the_screen() {
        let mut a = app(80, 24);
        a.dirty = false;
        a.update(Action::Tick);
        assert!(!a.dirty, "nothing animates, so a tick changes nothing");
        a.update(Action::ToggleHelp);
        a.update(Action::Down);
        assert_eq!(a.home.entry, 0);
        assert_eq!(a.overlay, Overlay::Help { scroll: 1 });
        a.update(Action::ToggleHelp);
        a.update(Action::Down);
        assert_eq!(a.home.entry, 1);
    }

    #[test]
    fn clicks_select_then_open() {
        let mut a = app(80, 24);
        let areas = layout::home(a.size, 1);
        let row = areas.modes.y + 1 + 2;
        a.update(Action::Click { col: areas.modes.x + 3, row });
        assert_eq!(a.home.entry, 2);
        assert!(matches!(a.screen, Screen::Home));
        a.update(Action::Click { col: areas.modes.x + 3, row });
        assert!(matches!(a.screen, Screen::Reader(_)));
        // Clicking an option picks it; a second click commits.
        let mut a = app(80, 24);
        open(&mut a, ModeTarget::BuildUp);
        let r = reader(&a);
        let (line, _) = r.doc.targets[1];
        let body = r.areas(a.size).body;
        let h = usize::from(body.height);
        a.update(Action::Wheel(i16::try_from(line.saturating_sub(h / 2)).unwrap()));
        let scroll = reader(&a).scroll;
        let row = body.y + u16::try_from(line - scroll).unwrap();
        a.update(Action::Click { col: body.x + 2, row });
        assert_eq!(reader(&a).selected, Some(1));
        a.update(Action::Click { col: body.x + 2, row });
        assert_eq!(a.progress.prediction("demo-bearer", 0), Some("401 Not authenticated"));
    }
}
