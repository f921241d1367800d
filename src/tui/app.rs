//! The router: the screens, which one is on top, and the one `update` that every event goes
//! through. It owns what all screens share (the catalog, progress, the size, the notice, the
//! overlays), hands the screen on top its [`Action`] with a [`Ctx`], and carries out the
//! [`Nav`]s a screen returns; the other effects go to the event loop. It does no I/O and reads
//! no clock: the event loop passes the time in.

use ratatui::layout::Rect;

use super::ctx::{Ctx, View};
use super::keymap::{self, Scope};
use super::msg::lab::{LabEffect, Profile};
use super::msg::{Action, Effect, Nav};
use super::saved::Progress;
use super::screens::home::HomeState;
pub use super::screens::lab::LabState;
pub use super::screens::quiz::QuizState;
pub use super::screens::reader::ReaderState;
use super::strings as s;
use super::theme::Theme;
use crate::content::{Catalog, ModeTarget, SectionKind};
use crate::quiz::Selection;

pub use super::screens::help::Overlay;
pub use super::screens::home::{HomeEntry, HomeFocus};
pub use super::screens::reader::{OUTLINE_AUTO_WIDTH, ReaderFocus, Search};

pub struct App {
    pub catalog: Catalog,
    pub theme: &'static Theme,
    pub progress: Progress,
    /// The last save failed with this message (quitting then asks first).
    pub save_error: Option<String>,
    pub size: Rect,
    pub home: HomeState,
    pub screen: Screen,
    /// Screens the one on top was opened over (a page or a quiz under the lab): Esc returns
    /// to the last of them, or home.
    pub under: Vec<Screen>,
    pub overlay: Overlay,
    /// A one-line message in the footer until the next key.
    pub notice: Option<String>,
    /// Something changed since the last draw.
    pub dirty: bool,
    /// Unix milliseconds of the last event (set by the event loop; the views read it too).
    pub now_ms: u64,
    /// Where the event loop reads the time; tests pin it.
    pub clock: fn() -> u64,
    /// The demo API profile last asked of the lab runner (`None`: no lab open).
    served: Option<Profile>,
}

pub enum Screen {
    Home,
    Reader(Box<ReaderState>),
    Lab(Box<LabState>),
    Quiz(QuizState),
}

/// Each screen's own update; a new screen adds its branch here and in the view's `render`.
fn update_screen(
    screen: &mut Screen,
    home: &mut HomeState,
    action: Action,
    ctx: &mut Ctx<'_>,
) -> Vec<Effect> {
    match screen {
        Screen::Home => home.update(action, ctx),
        Screen::Reader(r) => r.update(action, ctx),
        Screen::Quiz(q) => q.update(action, ctx),
        Screen::Lab(l) => l.update(action, ctx),
    }
}

impl App {
    #[must_use]
    pub fn new(catalog: Catalog, theme: &'static Theme, progress: Progress, size: Rect) -> Self {
        let clock = crate::quiz::now_ms;
        let mut app = App {
            catalog,
            theme,
            progress,
            save_error: None,
            size,
            home: HomeState::default(),
            screen: Screen::Home,
            under: Vec::new(),
            overlay: Overlay::None,
            notice: None,
            dirty: true,
            now_ms: clock(),
            clock,
            served: None,
        };
        app.home = HomeState::new(app.view());
        app
    }

    /// The shared data, read only (for the views).
    #[must_use]
    pub fn view(&self) -> View<'_> {
        View {
            catalog: &self.catalog,
            theme: self.theme,
            progress: &self.progress,
            size: self.size,
            now_ms: self.now_ms,
        }
    }

    /// The lesson selected at home.
    #[must_use]
    pub fn lesson(&self) -> Option<&crate::content::Lesson> {
        self.catalog.lessons.get(self.home.lesson)
    }

    /// The modes list of the selected lesson.
    #[must_use]
    pub fn home_entries(&self) -> Vec<HomeEntry> {
        self.home.entries(self.view())
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
            Screen::Home => self.home.scopes(),
            Screen::Lab(lab) => lab.scopes(),
            Screen::Quiz(q) => q.scopes(),
            Screen::Reader(r) => r.scopes(self.catalog.lessons.get(r.lesson), &self.progress),
        }
    }

    /// Why quitting now would lose something, if it would.
    #[must_use]
    pub fn unsaved(&self) -> Option<&'static str> {
        let reader_drafts = std::iter::once(&self.screen)
            .chain(&self.under)
            .any(|screen| matches!(screen, Screen::Reader(r) if r.has_drafts()));
        if reader_drafts {
            return Some(s::CONFIRM_UNSAVED);
        }
        self.save_error.as_ref().map(|_| s::CONFIRM_UNSAVED_STORE)
    }

    /// Whether something moves on its own (then the loop ticks); nothing does yet.
    #[must_use]
    pub fn animating(&self) -> bool {
        false
    }

    /// An event in at `now_ms`, effects out. The only way the app changes.
    pub fn update_at(&mut self, action: Action, now_ms: u64) -> Vec<Effect> {
        self.now_ms = now_ms;
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
        let effects = self.route(action);
        let mut effects = self.go(effects);
        effects.extend(self.serve());
        effects
    }

    /// The lab's server follows the lab: asked for when the lab opens or its profile changes,
    /// stopped when it closes. (The event loop also asks once before the first event, for an
    /// app that starts on the lab.)
    pub fn serve(&mut self) -> Option<Effect> {
        let wanted = match &self.screen {
            Screen::Lab(lab) => Some(lab.profile),
            _ => None,
        };
        if wanted == self.served {
            return None;
        }
        self.served = wanted;
        Some(Effect::Lab(LabEffect::Serve(wanted)))
    }

    /// [`App::update_at`] at the app's own clock, for tests that drive it key by key.
    #[cfg(test)]
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        let now = (self.clock)();
        self.update_at(action, now)
    }

    /// The app's own actions (quit, help, resize, notices); everything else goes to the screen.
    fn route(&mut self, action: Action) -> Vec<Effect> {
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
            action => self.overlay_or_screen(action),
        }
    }

    /// An open overlay takes the keys; otherwise the screen on top gets them.
    fn overlay_or_screen(&mut self, action: Action) -> Vec<Effect> {
        let help_rows = keymap::active(&self.screen_scopes()).len();
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
        let (mut ctx, screen, home) = self.split();
        update_screen(screen, home, action, &mut ctx)
    }

    /// Carries out the navigation among `effects` and returns the rest.
    fn go(&mut self, effects: Vec<Effect>) -> Vec<Effect> {
        let mut out = Vec::new();
        for effect in effects {
            match effect {
                Effect::Go(nav) => {
                    let more = self.navigate(nav);
                    out.extend(self.go(more));
                }
                other => out.push(other),
            }
        }
        out
    }

    fn navigate(&mut self, nav: Nav) -> Vec<Effect> {
        match nav {
            Nav::Back => {
                self.screen = self.under.pop().unwrap_or(Screen::Home);
                // The size may have changed while the screen was underneath.
                self.refresh()
            }
            Nav::Mode { lesson, target } => self.open_mode(lesson, target),
            Nav::Continue => self.continue_reading(),
            Nav::Lab { lesson, scenario } => {
                let over = std::mem::replace(&mut self.screen, Screen::Home);
                if !matches!(over, Screen::Home | Screen::Lab(_)) {
                    self.under.push(over);
                }
                let mut lab = LabState::new(lesson, scenario);
                lab.ready(&self.catalog);
                self.screen = Screen::Lab(Box::new(lab));
                Vec::new()
            }
        }
    }

    /// Opens the screen a learning mode names (from home: nothing is left underneath).
    pub fn open_mode(&mut self, lesson: usize, target: ModeTarget) -> Vec<Effect> {
        self.under.clear();
        match target {
            ModeTarget::LiveLab => self.screen = Screen::Lab(Box::new(LabState::new(lesson, None))),
            ModeTarget::VisualQuiz | ModeTarget::Practice | ModeTarget::ReviewMissed => {
                if let Some(q) = QuizState::open(lesson, target, self.view()) {
                    self.screen = Screen::Quiz(q);
                }
            }
            _ => {
                let Some(l) = self.catalog.lessons.get(lesson) else { return Vec::new() };
                self.screen = Screen::Reader(Box::new(ReaderState::open(l, lesson, target, self.size)));
            }
        }
        self.refresh()
    }

    /// Opens the quiz the `quiz` command asked for.
    pub fn open_quiz(&mut self, selection: Selection, seed: u64) {
        let q = QuizState::for_selection(selection, seed, self.home.lesson, self.view());
        self.home.lesson = q.lesson;
        self.under.clear();
        self.screen = Screen::Quiz(q);
    }

    /// Home's "Continue": the reader at the saved page and scroll.
    fn continue_reading(&mut self) -> Vec<Effect> {
        let Some(pos) = self.progress.position().cloned() else { return Vec::new() };
        let Some(lesson_i) = self.catalog.lessons.iter().position(|l| l.id == pos.lesson) else {
            return Vec::new();
        };
        let mode = if pos.section == SectionKind::Transcript {
            ModeTarget::Transcript
        } else {
            ModeTarget::GuidedWalkthrough
        };
        let lesson = &self.catalog.lessons[lesson_i];
        let mut reader = ReaderState::open(lesson, lesson_i, mode, self.size);
        reader.go_to(&pos);
        self.under.clear();
        self.screen = Screen::Reader(Box::new(reader));
        self.refresh()
    }

    /// Lays the reader out again at the current size (a resize, a return to it).
    pub fn refresh(&mut self) -> Vec<Effect> {
        let (mut ctx, screen, _) = self.split();
        let Screen::Reader(r) = screen else { return Vec::new() };
        r.refresh(&mut ctx)
    }

    /// The shared data as a screen's [`Ctx`], beside the screen on top and home's state.
    fn split(&mut self) -> (Ctx<'_>, &mut Screen, &mut HomeState) {
        let App { catalog, theme, progress, size, notice, now_ms, screen, home, .. } = self;
        (Ctx { catalog, theme, progress, size: *size, now_ms: *now_ms, notice }, screen, home)
    }

    fn quit(&mut self) -> Vec<Effect> {
        self.overlay = Overlay::None;
        let (mut ctx, screen, _) = self.split();
        if let Screen::Reader(r) = screen {
            r.remember_position(&mut ctx);
        }
        vec![Effect::SaveProgress, Effect::Quit]
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::tui::doc::Page;
    use crate::tui::doc::tests::catalog;
    use crate::tui::layout;
    use crate::tui::saved::Position;
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
        // Wide now: the outline appears beside the text, which is laid out at what is left.
        assert!(reader(&a).outline);
        assert_eq!(reader(&a).doc_width(), Some(reader(&a).areas(a.size).body.width));
        // Narrow again: the outline goes, the text takes the whole width minus margins.
        a.update(Action::Resize(80, 24));
        assert!(!reader(&a).outline);
        assert_eq!(reader(&a).doc_width(), Some(80 - 2));
        // Once `o` decides, the width no longer does.
        a.update(Action::ToggleOutline);
        a.update(Action::Resize(60, 16));
        assert!(reader(&a).outline || reader(&a).areas(a.size).outline.is_none());
        a.update(Action::Resize(200, 60));
        assert!(reader(&a).outline, "kept as `o` left it");
    }

    #[test]
    fn a_resize_keeps_the_reader_at_the_same_place_in_the_page() {
        let mut a = app(100, 16);
        open(&mut a, ModeTarget::GuidedWalkthrough);
        a.update(Action::Bottom);
        let (scroll, len) = (reader(&a).scroll, reader(&a).doc.lines.len());
        assert!(scroll > 0, "a page longer than the screen");
        a.update(Action::Up);
        let scroll = scroll - 1;
        a.update(Action::Resize(60, 16));
        let (scroll2, len2) = (reader(&a).scroll, reader(&a).doc.lines.len());
        assert!(len2 > len, "narrower: more lines");
        // Same fraction of the page, not the same line number (clamped to the new bottom).
        let want =
            (scroll * len2 / len).min(len2.saturating_sub(usize::from(reader(&a).areas(a.size).body.height)));
        assert_eq!(scroll2, want);
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
