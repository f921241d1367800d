//! The reader, one component: a lesson's pages in a learning mode, with the outline, search,
//! predictions (commit, then the reveal) and myths. Its update is pure: the page layout is
//! rebuilt only when the page, the width or the page's answers change, and laid-out pages are
//! kept per width, so turning back to a page costs nothing.

mod cache;
pub mod view;

use ratatui::layout::Rect;

use self::cache::DocCache;
use crate::content::{Lesson, ModeTarget, SectionKind};
use crate::tui::ctx::Ctx;
use crate::tui::doc::{self, Doc, Page, PageUi, Target};
use crate::tui::keymap::Scope;
use crate::tui::layout;
use crate::tui::msg::{Action, Effect, Nav};
use crate::tui::saved::{Position, Progress};
use crate::tui::strings as s;

/// Longest typed prediction kept, in characters.
const MAX_ANSWER: usize = 200;
const MAX_QUERY: usize = 80;
/// The reader opens with its outline shown from this terminal width up.
pub const OUTLINE_AUTO_WIDTH: u16 = 100;

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
    /// The outline follows the width (shown from [`OUTLINE_AUTO_WIDTH`] up) until `o` decides.
    outline_auto: bool,
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
    /// Pages laid out at the current width, so moving back and forth does not lay them out again.
    cache: DocCache,
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

    pub(crate) fn ui(&self, lesson: &Lesson, progress: &Progress) -> PageUi {
        PageUi {
            selected: self.selected,
            draft: self.draft.clone(),
            editing: self.editing,
            last: self.page + 1 == self.pages.len(),
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

impl ReaderState {
    /// The reader on a lesson (index into the catalog) in a mode, at its first page.
    #[must_use]
    pub fn open(lesson: &Lesson, lesson_i: usize, mode: ModeTarget, size: Rect) -> Self {
        let sections = doc::sections_of(mode).unwrap_or_else(|| SectionKind::ALL.to_vec());
        Self {
            lesson: lesson_i,
            mode,
            pages: doc::pages_of(lesson, &sections),
            page: 0,
            scroll: 0,
            hscroll: 0,
            // Beside a narrow text the outline costs more than it gives; `o` shows it anyway.
            outline: size.width >= OUTLINE_AUTO_WIDTH,
            outline_auto: true,
            focus: ReaderFocus::Body,
            outline_sel: 0,
            selected: None,
            draft: String::new(),
            drafts: std::collections::BTreeMap::new(),
            editing: false,
            search: Search::default(),
            doc: Doc::default(),
            doc_key: None,
            cache: DocCache::default(),
        }
    }

    /// The width the current page was laid out at.
    #[must_use]
    pub fn doc_width(&self) -> Option<u16> {
        self.doc_key.as_ref().map(|k| k.1)
    }

    /// Moves to the saved position (home's "Continue").
    pub fn go_to(&mut self, pos: &Position) {
        let at = self.pages.iter().position(|p| p.section == pos.section && p.item == pos.item);
        self.page = at.unwrap_or(0);
        self.outline_sel = self.page;
        self.scroll = usize::from(pos.scroll);
    }

    /// The key scopes in effect, most specific first.
    #[must_use]
    pub fn scopes(&self, lesson: Option<&Lesson>, progress: &Progress) -> Vec<Scope> {
        if self.search.editing {
            return vec![Scope::Search, Scope::Global];
        }
        if self.editing {
            return vec![Scope::Editing, Scope::Global];
        }
        let mut scopes = Vec::new();
        if self.focus == ReaderFocus::Outline && self.outline {
            scopes.push(Scope::Outline);
        }
        if let Some(lesson) = lesson {
            if doc::page_scenario(lesson, self.current()).is_some() {
                scopes.push(Scope::PageLab);
            }
            if let Some(p) = self.open_prediction(lesson, progress) {
                scopes.push(if p.options.is_empty() { Scope::TypedPrompt } else { Scope::Options });
            }
            if self.open_myth(lesson, progress).is_some() {
                scopes.push(Scope::Myth);
            }
        }
        scopes.extend([Scope::Reader, Scope::Global]);
        scopes
    }

    /// Whether leaving now would lose a typed, uncommitted answer.
    #[must_use]
    pub fn has_drafts(&self) -> bool {
        !self.draft.trim().is_empty() || !self.drafts.is_empty()
    }

    /// Stores where the learner is, so "Continue" and the next start come back here.
    pub fn remember_position(&self, ctx: &mut Ctx<'_>) {
        let Some(lesson) = ctx.catalog.lessons.get(self.lesson) else { return };
        let page = self.current();
        ctx.progress.set_position(Position {
            lesson: lesson.id.clone(),
            section: page.section,
            item: page.item,
            scroll: u16::try_from(self.scroll).unwrap_or(u16::MAX),
        });
    }

    pub fn update(&mut self, action: Action, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        let size = ctx.size;
        let areas = self.areas(size);
        let outline_focus = self.focus == ReaderFocus::Outline && areas.outline.is_some();
        if self.search.editing || self.editing {
            return self.typing(action, ctx);
        }
        match action {
            Action::Back if !self.search.query.is_empty() => self.search = Search::default(),
            Action::Back => {
                self.remember_position(ctx);
                return vec![Effect::SaveProgress, Effect::Go(Nav::Back)];
            }
            Action::OpenLab => return self.open_lab(ctx),
            Action::Open if outline_focus => {
                self.focus = ReaderFocus::Body;
                return self.goto_page(self.outline_sel, ctx);
            }
            Action::Down | Action::Up | Action::Top | Action::Bottom if outline_focus => {
                self.move_outline(&action);
            }
            Action::NextPage => return self.goto_page(self.page + 1, ctx),
            Action::PrevPage => match self.page.checked_sub(1) {
                Some(prev) => return self.goto_page(prev, ctx),
                None => return Vec::new(),
            },
            Action::FocusNext if areas.outline.is_some() => {
                self.focus = match self.focus {
                    ReaderFocus::Body => ReaderFocus::Outline,
                    ReaderFocus::Outline => ReaderFocus::Body,
                };
                self.outline_sel = self.page;
            }
            Action::ToggleOutline => {
                self.outline = !self.outline;
                self.outline_auto = false;
                self.focus = ReaderFocus::Body;
            }
            Action::SearchStart => self.search = Search { editing: true, ..Search::default() },
            Action::SearchNext | Action::SearchPrev => {
                return self.search_step(action == Action::SearchNext, ctx);
            }
            Action::StartTyping | Action::Choose(_) | Action::Commit | Action::MythAnswer(_) => {
                return self.answer(action, ctx);
            }
            Action::Click { col, row } => return self.click(col, row, ctx),
            action => self.scroll_action(&action, size),
        }
        self.refresh(ctx)
    }

    /// Arrows and paging on the page body.
    fn scroll_action(&mut self, action: &Action, size: Rect) {
        let page_h = usize::from(self.areas(size).body.height).saturating_sub(2).max(1);
        match *action {
            Action::Down => self.scroll_by(1, size),
            Action::Up => self.scroll_by(-1, size),
            Action::PageDown => self.scroll_by(page_h.cast_signed(), size),
            Action::PageUp => self.scroll_by(-page_h.cast_signed(), size),
            Action::Top => self.scroll = 0,
            Action::Bottom => self.scroll = self.max_scroll(size),
            Action::ScrollRight => self.hscroll += 8,
            Action::ScrollLeft => self.hscroll = self.hscroll.saturating_sub(8),
            Action::Wheel(d) => self.scroll_by(isize::from(d), size),
            _ => {}
        }
    }

    fn move_outline(&mut self, action: &Action) {
        let last = self.pages.len().saturating_sub(1);
        self.outline_sel = match action {
            Action::Down => (self.outline_sel + 1).min(last),
            Action::Up => self.outline_sel.saturating_sub(1),
            Action::Top => 0,
            _ => last,
        };
    }

    /// `L`: the live lab on this page's scenario, over the reader (Esc comes back here).
    fn open_lab(&mut self, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        let Some(lesson) = ctx.catalog.lessons.get(self.lesson) else { return Vec::new() };
        let Some(id) = doc::page_scenario(lesson, self.current()) else {
            ctx.say(crate::tui::strings::lab::NO_PAGE_SCENARIO);
            return Vec::new();
        };
        self.remember_position(ctx);
        vec![Effect::SaveProgress, Effect::Go(Nav::Lab { lesson: self.lesson, scenario: Some(id) })]
    }

    /// Keys while the learner types a search or a short answer.
    fn typing(&mut self, action: Action, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        let size = ctx.size;
        let searching = self.search.editing;
        match action {
            Action::Input(c) if searching && self.search.query.chars().count() < MAX_QUERY => {
                self.search.query.push(c);
                self.search_again(size);
            }
            Action::Input(c) if !searching && self.draft.chars().count() < MAX_ANSWER => self.draft.push(c),
            Action::InputBackspace if searching => {
                self.search.query.pop();
                self.search_again(size);
            }
            Action::InputBackspace => {
                self.draft.pop();
            }
            Action::InputCancel if searching => self.search = Search::default(),
            Action::InputCancel => self.editing = false,
            Action::InputSubmit if searching => {
                self.search.editing = false;
                if self.search.hits.is_empty() {
                    ctx.say(s::NO_MATCH);
                }
            }
            Action::InputSubmit => {
                let answer = self.draft.trim().to_owned();
                if answer.is_empty() {
                    return Vec::new();
                }
                let Some(lesson) = ctx.catalog.lessons.get(self.lesson) else { return Vec::new() };
                self.editing = false;
                self.draft.clear();
                ctx.progress.record_prediction(&lesson.id, self.current().item, &answer);
                return self.after_commit(ctx);
            }
            _ => {}
        }
        self.refresh(ctx)
    }

    fn search_again(&mut self, size: Rect) {
        self.search.current = 0;
        self.find();
        self.jump_to_hit(size);
    }

    /// Picking, typing or committing a prediction, or answering a myth.
    fn answer(&mut self, action: Action, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        let Some(lesson) = ctx.catalog.lessons.get(self.lesson) else { return Vec::new() };
        let open = self.open_prediction(lesson, ctx.progress);
        match action {
            Action::StartTyping if open.is_some_and(|p| p.options.is_empty()) => self.editing = true,
            Action::Choose(n) if open.is_some_and(|p| n < p.options.len()) => self.selected = Some(n),
            Action::Commit => return self.commit_option(ctx),
            Action::MythAnswer(believed) => {
                if let Some(myth) = self.open_myth(lesson, ctx.progress) {
                    ctx.progress.record_myth(&lesson.id, &myth.id, believed);
                    return self.after_commit(ctx);
                }
            }
            _ => {}
        }
        self.refresh(ctx)
    }

    fn commit_option(&mut self, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        let Some(lesson) = ctx.catalog.lessons.get(self.lesson) else { return Vec::new() };
        let Some(predict) = self.open_prediction(lesson, ctx.progress) else { return Vec::new() };
        let Some(answer) = self.selected.and_then(|n| predict.options.get(n)) else { return Vec::new() };
        ctx.progress.record_prediction(&lesson.id, self.current().item, answer);
        self.selected = None;
        self.after_commit(ctx)
    }

    /// A commit changes the page (the reveal appears): lay it out, bring the reveal into view.
    fn after_commit(&mut self, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        let mut effects = self.refresh(ctx);
        self.show_reveal(ctx.size);
        effects.extend(self.refresh(ctx));
        effects.push(Effect::SaveProgress);
        effects
    }

    /// Re-lays out the current page if its width or answers changed, keeps the scroll in
    /// range, and marks a section read when its end is on screen.
    pub fn refresh(&mut self, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        let size = ctx.size;
        let Some(lesson) = ctx.catalog.lessons.get(self.lesson) else { return Vec::new() };
        if self.outline_auto {
            self.outline = size.width >= OUTLINE_AUTO_WIDTH;
            if !self.outline {
                self.focus = ReaderFocus::Body;
            }
        }
        let areas = self.areas(size);
        let ui = self.ui(lesson, ctx.progress);
        let key = (self.page, areas.body.width, ui.clone());
        if self.doc_key.as_ref() != Some(&key) {
            let old_key_page = self.doc_key.as_ref().map(|k| k.0);
            let old_width = self.doc_key.as_ref().map(|k| k.1);
            let old_len = self.doc.lines.len();
            let old = std::mem::take(&mut self.doc);
            if let Some(old_key) = self.doc_key.take() {
                self.cache.put(old_key, old);
            }
            let same_page_before = old_key_page == Some(self.page);
            let old_len = old_len.max(1);
            self.doc = self.cache.take(&key).unwrap_or_else(|| {
                doc::build(lesson, self.current(), usize::from(areas.body.width), ctx.theme, &ui)
            });
            // The same page at another width: keep the reader where they were, in proportion
            // (a line number of the old layout means nothing in the new one).
            if same_page_before && old_width != Some(areas.body.width) {
                self.scroll = self.scroll * self.doc.lines.len() / old_len;
            }
            self.doc_key = Some(key);
            if !self.search.query.is_empty() {
                self.find();
            }
        }
        self.scroll = self.scroll.min(self.max_scroll(size));
        self.hscroll = self.hscroll.min(self.doc.max_width.saturating_sub(usize::from(areas.body.width)));
        // A section is read once the end of its last page has been on screen.
        let page = self.current();
        let at_end = self.scroll + usize::from(areas.body.height) >= self.doc.page_end;
        if at_end
            && page.item >= doc::last_item(lesson, page.section)
            && all_committed(lesson, page.section, ctx.progress)
            && !ctx.progress.is_read(&lesson.id, page.section)
        {
            ctx.progress.mark_read(&lesson.id, page.section);
            return vec![Effect::SaveProgress];
        }
        Vec::new()
    }

    fn goto_page(&mut self, page: usize, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        if page >= self.pages.len() || page == self.page {
            return Vec::new();
        }
        let draft = std::mem::take(&mut self.draft);
        if !draft.trim().is_empty() {
            self.drafts.insert(self.page, draft);
        }
        self.draft = self.drafts.remove(&page).unwrap_or_default();
        self.page = page;
        self.outline_sel = page;
        self.scroll = 0;
        self.hscroll = 0;
        self.selected = None;
        self.editing = false;
        self.remember_position(ctx);
        let mut effects = self.refresh(ctx);
        if !effects.contains(&Effect::SaveProgress) {
            effects.push(Effect::SaveProgress);
        }
        effects
    }

    /// After a commit, brings the reveal into view if it is below the bottom edge.
    fn show_reveal(&mut self, size: Rect) {
        let markers = [s::REVEAL_HEADING, s::MYTH_IS_TRUE, s::MYTH_IS_FALSE].map(str::to_ascii_lowercase);
        if let Some(line) =
            self.doc.folded.iter().position(|l| markers.iter().any(|m| l.contains(m.as_str())))
        {
            // Put the reveal near the top unless its first lines are already in view.
            let h = self.height(size);
            if line + 8.min(h) > self.scroll + h {
                self.scroll = line.saturating_sub(1).min(self.max_scroll(size));
            }
        }
    }

    /// `n` / `N`: the next (previous) match, going on to other pages past the last one.
    fn search_step(&mut self, forward: bool, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        let size = ctx.size;
        let n = self.search.hits.len();
        let at_edge = n == 0 || if forward { self.search.current + 1 >= n } else { self.search.current == 0 };
        if at_edge && !self.search.query.is_empty() {
            return self.search_other_pages(forward, ctx);
        }
        if n == 0 {
            return Vec::new();
        }
        self.search.current =
            if forward { (self.search.current + 1) % n } else { (self.search.current + n - 1) % n };
        // Jump even when visible so n always moves the view to the match.
        let line = self.search.hits[self.search.current].0;
        let h = self.height(size);
        if line < self.scroll || line >= self.scroll + h {
            self.scroll = line.saturating_sub(h / 3).min(self.max_scroll(size));
        }
        Vec::new()
    }

    /// `n` past the last match (or `N` before the first) goes on to the next (previous) page
    /// with a match, wrapping around the mode's pages; the current page counts last.
    fn search_other_pages(&mut self, forward: bool, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        let size = ctx.size;
        let Some(lesson) = ctx.catalog.lessons.get(self.lesson) else { return Vec::new() };
        let width = usize::from(self.areas(size).body.width);
        let needle = self.search.query.to_ascii_lowercase();
        let count = self.pages.len();
        let found = (1..=count)
            .map(|step| if forward { (self.page + step) % count } else { (self.page + count - step) % count })
            .find(|&p| {
                if p == self.page {
                    return self.doc.folded.iter().any(|l| l.contains(&needle));
                }
                let page = self.pages[p];
                let built = doc::build(lesson, page, width, ctx.theme, &saved_ui(page, lesson, ctx.progress));
                built.folded.iter().any(|l| l.contains(&needle))
            });
        let Some(target) = found else {
            ctx.say(s::NO_MATCH);
            return Vec::new();
        };
        let effects = if target == self.page { Vec::new() } else { self.goto_page(target, ctx) };
        self.find();
        self.search.current = if forward { 0 } else { self.search.hits.len().saturating_sub(1) };
        self.jump_to_hit(size);
        effects
    }

    fn click(&mut self, col: u16, row: u16, ctx: &mut Ctx<'_>) -> Vec<Effect> {
        let areas = self.areas(ctx.size);
        if let Some(outline) = areas.outline
            && layout::contains(outline, col, row)
        {
            let visible = usize::from(outline.height.saturating_sub(2));
            let offset = layout::list_offset(self.outline_sel, visible);
            let Some(i) = row.checked_sub(outline.y + 1).map(|d| offset + usize::from(d)) else {
                return Vec::new();
            };
            if i < self.pages.len() {
                self.focus = ReaderFocus::Outline;
                return self.goto_page(i, ctx);
            }
            return Vec::new();
        }
        if layout::contains(areas.body, col, row) {
            let line = self.scroll + usize::from(row - areas.body.y);
            match self.doc.target_at(line) {
                Some(Target::Option(n)) => {
                    let already = self.selected == Some(n);
                    self.selected = Some(n);
                    if already {
                        return self.commit_option(ctx);
                    }
                }
                Some(Target::Myth(b)) => return self.answer(Action::MythAnswer(b), ctx),
                Some(Target::Answer) => return self.answer(Action::StartTyping, ctx),
                None => self.focus = ReaderFocus::Body,
            }
        }
        self.refresh(ctx)
    }
}
